/* A host whose root filesystem is on a USB disk: the disk's USB device is
 * host-critical as well as its controller, so that no verb hands the host's
 * own disk to a guest as a USB hostdev. A tree made here (/ on sda1 behind
 * the USB device 1-5 of the controller 0000:00:14.0), then the verbs
 * against the test driver's tests/data/host.xml (usb_1_5 is bus 1 device 5
 * there) with --root on that tree. */
#include <string.h>

#include "hostcrit.h"
#include "hosttree.h"
#include "sysroot.h"
#include "testutil.h"

#define DISK "sys/devices/pci0000:00/0000:00:14.0/usb1/1-5/1-5:1.0/host6/target6:0:0/6:0:0:0/block/sda/sda1"

static char *usb_root_tree(void)
{
    static char *root;
    if (root)
        return g_strdup(root);
    root = tree_new("usb-root");
    put(root, "proc/self/mountinfo", "1 0 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n");
    mkdirs(root, DISK);
    /* the root hub and the device have bus and device numbers; the
     * interface (1-5:1.0) has none */
    put(root, "sys/devices/pci0000:00/0000:00:14.0/usb1/busnum", "1\n");
    put(root, "sys/devices/pci0000:00/0000:00:14.0/usb1/devnum", "1\n");
    put(root, "sys/devices/pci0000:00/0000:00:14.0/usb1/1-5/busnum", "1\n");
    put(root, "sys/devices/pci0000:00/0000:00:14.0/usb1/1-5/devnum", "5\n");
    g_autofree char *target = g_strconcat("../../", DISK + strlen("sys/"), NULL);
    link_to(root, "sys/class/block/sda1", target);
    return g_strdup(root);
}

static void test_facts(void)
{
    g_autofree char *root = usb_root_tree();
    g_autoptr(HostCrit) crit = hostcrit_read(root);
    g_assert_cmpuint(crit->facts->len, ==, 1);
    const HostCritFact *f = crit->facts->pdata[0];
    g_autofree char *controller = pci_addr_format(&f->device, PCI_FORMAT_PCI);
    g_assert_cmpstr(controller, ==, "0000:00:14.0");
    g_assert_cmpstr(f->reason, ==, "holds / (ext4 on /dev/sda1)");
    g_assert_true(f->usb);
    g_assert_cmpuint(f->usb_bus, ==, 1);
    g_assert_cmpuint(f->usb_device, ==, 5);

    g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func(g_free);
    g_assert_true(hostcrit_judge_usb(crit, 1, 5, reasons));
    g_assert_cmpuint(reasons->len, ==, 1);
    g_assert_cmpstr(reasons->pdata[0], ==, "holds / (ext4 on /dev/sda1)");
    /* another device on the same bus, the root hub, another bus */
    g_assert_false(hostcrit_judge_usb(crit, 1, 6, NULL));
    g_assert_false(hostcrit_judge_usb(crit, 1, 1, NULL));
    g_assert_false(hostcrit_judge_usb(crit, 2, 3, NULL));
}

static void test_sysroot_usb_device(void)
{
    g_autofree char *root = usb_root_tree();
    guint bus = 0, device = 0;
    g_assert_true(sysroot_usb_device(root, DISK, &bus, &device));
    g_assert_cmpuint(bus, ==, 1);
    g_assert_cmpuint(device, ==, 5);
    /* the hub itself, and a path through no USB device */
    g_assert_true(sysroot_usb_device(root, "sys/devices/pci0000:00/0000:00:14.0/usb1", &bus, &device));
    g_assert_cmpuint(device, ==, 1);
    g_assert_false(sysroot_usb_device(root, "sys/devices/pci0000:00/0000:00:1f.2/ata1/host0", &bus, &device));
}

static CmdResult *vh(const char *verb, ...) G_GNUC_NULL_TERMINATED;
static CmdResult *vh(const char *verb, ...)
{
    g_autofree char *uri = test_driver_uri("host.xml");
    g_autofree char *root = usb_root_tree();
    const char *prefix[] = { "-c", uri, verb, "--root", root, NULL };
    va_list ap;
    va_start(ap, verb);
    g_autoptr(GPtrArray) argv = test_argv_va(prefix, va_arg(ap, const char *), ap);
    va_end(ap);
    return cmd_runv(NULL, NULL, (const char *const *)argv->pdata);
}

static void test_show(void)
{
    g_autoptr(CmdResult) disk = vh("show", "usb_1_5", NULL);
    cmd_assert_exit(disk, 0);
    cmd_assert_contains(disk->out, "  host-critical:  yes — holds / (ext4 on /dev/sda1)\n");
    cmd_assert_contains(disk->out, "  assignable:     no\n");
    g_autoptr(CmdResult) other = vh("show", "usb_2_3", NULL);
    cmd_assert_exit(other, 0);
    cmd_assert_contains(other->out, "  host-critical:  no\n");
    g_autoptr(CmdResult) controller = vh("show", "0000:00:14.0", NULL);
    cmd_assert_contains(controller->out, "  host-critical:  yes — holds / (ext4 on /dev/sda1)\n");
}

static void test_add_refused(void)
{
    const char *forms[] = { "usb_1_5", "usb:001.005", "usb:1.5" };
    for (guint i = 0; i < G_N_ELEMENTS(forms); i++) {
        g_autoptr(CmdResult) r = vh("add", "web1", forms[i], NULL);
        cmd_assert_error(r, 1, "is host-critical: holds / (ext4 on /dev/sda1)", "--allow-host-critical does", NULL);
        g_assert_cmpstr(r->out, ==, "");
        cmd_assert_lacks(r->err, "defined domain");
        g_autoptr(CmdResult) forced = vh("add", "web1", forms[i], "--force", NULL);
        cmd_assert_error(forced, 1, "is host-critical", "--force does not override this", NULL);
    }
    /* the other stick is no business of it; allowed: a warning, then done */
    g_autoptr(CmdResult) other = vh("add", "web1", "usb_2_3", "--dry-run", NULL);
    cmd_assert_exit(other, 0);
    cmd_assert_lacks(other->err, "host-critical");
    g_autoptr(CmdResult) allowed = vh("add", "web1", "usb_1_5", "--allow-host-critical", NULL);
    cmd_assert_exit(allowed, 0);
    cmd_assert_contains(allowed->err, "warning: usb 046d:c52b at 001.005");
    cmd_assert_contains(allowed->err, "is host-critical (--allow-host-critical): holds / (ext4 on /dev/sda1)");
    cmd_assert_contains(allowed->err, "defined domain 'web1'");
}

static void test_list(void)
{
    g_autoptr(CmdResult) r = vh("list", "--class", "usb", NULL);
    cmd_assert_exit(r, 0);
    g_auto(GStrv) lines = g_strsplit(r->out, "\n", -1);
    gboolean disk = FALSE, other = FALSE;
    for (char **l = lines; *l; l++) {
        if (g_str_has_prefix(*l, "usb_1_5 "))
            disk = strstr(*l, "(host)") != NULL;
        if (g_str_has_prefix(*l, "usb_2_3 "))
            other = strstr(*l, "(host)") != NULL;
    }
    g_assert_true(disk);
    g_assert_false(other);
    g_autoptr(CmdResult) free_list = vh("list", "--class", "usb", "--free", NULL);
    cmd_assert_exit(free_list, 0);
    cmd_assert_lacks(free_list->out, "usb_1_5");
    cmd_assert_contains(free_list->out, "usb_2_3");
}

static void test_check(void)
{
    g_autoptr(CmdResult) r = vh("check", NULL);
    cmd_assert_contains(r->out, "0000:00:14.0 holds / (ext4 on /dev/sda1) (USB device 001.005)");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hostcrit-usb/facts", test_facts);
    g_test_add_func("/hostcrit-usb/sysroot-usb-device", test_sysroot_usb_device);
    g_test_add_func("/hostcrit-usb/cli/show", test_show);
    g_test_add_func("/hostcrit-usb/cli/add-refused", test_add_refused);
    g_test_add_func("/hostcrit-usb/cli/list", test_list);
    g_test_add_func("/hostcrit-usb/cli/check", test_check);
    return g_test_run();
}
