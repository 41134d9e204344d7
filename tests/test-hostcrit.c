/* Host-critical devices and reset methods: hostcrit.c and sysroot.c on the
 * fake tree tests/data/hostcrit/workstation and on trees made here for the
 * other shapes (an overlay root on 9p as in the e2e guest, /proc/mounts
 * only, a loop root, a swap file, virtiofs, IPv6-only and rejected routes,
 * a VGA text console); then the verbs against the test driver's
 * tests/data/host-critical.xml with --root on that tree: show, list,
 * completion, add, detach, alias pools and check. */
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "hostcrit.h"
#include "hosttree.h"
#include "jsonschema.h"
#include "sysroot.h"
#include "testutil.h"

static char *workstation(void)
{
    return test_data_path("hostcrit/workstation");
}

static PciAddr addr(const char *text)
{
    PciAddr a;
    g_assert_true(pci_addr_parse(text, &a, NULL));
    return a;
}

/* "DEVICE: reason [above A B]" per fact, one line each */
static char *facts_text(const HostCrit *crit)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < crit->facts->len; i++) {
        const HostCritFact *f = crit->facts->pdata[i];
        g_autofree char *a = pci_addr_format(&f->device, PCI_FORMAT_PCI);
        g_string_append_printf(out, "%s: %s", a, f->reason);
        for (guint b = 0; b < f->above->len; b++) {
            g_autofree char *up = pci_addr_format(&g_array_index(f->above, PciAddr, b), PCI_FORMAT_PCI);
            g_string_append_printf(out, "%s%s", b ? " " : " [above ", up);
        }
        g_string_append(out, f->above->len ? "]\n" : "\n");
    }
    return g_string_free(out, FALSE);
}

static void test_workstation(void)
{
    g_autofree char *root = workstation();
    g_autoptr(HostCrit) crit = hostcrit_read(root);
    g_autofree char *text = facts_text(crit);
    g_assert_cmpstr(text, ==,
                    "0000:02:00.0: holds / (ext4 on /dev/mapper/vg0-root) [above 0000:00:1c.0]\n"
                    "0000:02:00.0: holds /boot/efi (vfat on /dev/nvme0n1p1) [above 0000:00:1c.0]\n"
                    "0000:00:05.0: holds /var (9p on vartag)\n"
                    "0000:00:17.0: holds active swap (/dev/md0)\n"
                    "0000:03:00.0: carries the IPv4 and IPv6 default routes (br0) [above 0000:00:1d.0]\n"
                    "0000:00:02.0: is the boot VGA, and the console runs on it (frame buffer device)\n");
}

static gboolean judge(const HostCrit *crit, const char *device, const char *mate, GPtrArray *reasons)
{
    PciAddr d = addr(device), m = mate ? addr(mate) : (PciAddr){ 0 };
    return hostcrit_judge(crit, &d, 11, mate ? &m : NULL, mate ? 1 : 0, reasons);
}

static void test_judge(void)
{
    g_autofree char *root = workstation();
    g_autoptr(HostCrit) crit = hostcrit_read(root);
    g_autoptr(GPtrArray) r = g_ptr_array_new_with_free_func(g_free);
    /* a group mate that holds swap */
    g_assert_true(judge(crit, "0000:00:17.1", "0000:00:17.0", r));
    g_assert_cmpuint(r->len, ==, 1);
    g_assert_cmpstr(r->pdata[0], ==, "IOMMU group 11 also holds 0000:00:17.0, which holds active swap (/dev/md0)");
    /* the holder itself, listed among its own mates, is said once */
    g_ptr_array_set_size(r, 0);
    g_assert_true(judge(crit, "0000:00:17.0", "0000:00:17.0", r));
    g_assert_cmpuint(r->len, ==, 1);
    /* the root port above the NVMe: once per fact it holds */
    g_ptr_array_set_size(r, 0);
    g_assert_true(judge(crit, "0000:00:1c.0", NULL, r));
    g_assert_cmpuint(r->len, ==, 2);
    g_assert_cmpstr(r->pdata[0], ==, "a bridge above 0000:02:00.0, which holds / (ext4 on /dev/mapper/vg0-root)");
    /* free devices; REASONS may be NULL */
    g_assert_false(judge(crit, "0000:01:00.0", NULL, NULL));
    g_assert_false(judge(crit, "0000:00:1d.1", NULL, NULL));
    g_assert_false(judge(crit, "0000:00:06.0", "0000:01:00.0", NULL));
    g_assert_true(judge(crit, "0000:00:1d.0", NULL, NULL));
}

static void test_uri_place(void)
{
    g_assert_cmpint(hostcrit_uri_place(NULL), ==, HOSTCRIT_THIS_HOST);
    g_assert_cmpint(hostcrit_uri_place("qemu:///system"), ==, HOSTCRIT_THIS_HOST);
    g_assert_cmpint(hostcrit_uri_place("qemu:///session"), ==, HOSTCRIT_THIS_HOST);
    g_assert_cmpint(hostcrit_uri_place("qemu+unix:///system?socket=/run/x"), ==, HOSTCRIT_THIS_HOST);
    g_assert_cmpint(hostcrit_uri_place("lxc:///"), ==, HOSTCRIT_THIS_HOST);
    g_assert_cmpint(hostcrit_uri_place("test:///default"), ==, HOSTCRIT_TEST_DRIVER);
    g_assert_cmpint(hostcrit_uri_place("test:///tmp/host.xml"), ==, HOSTCRIT_TEST_DRIVER);
    g_assert_cmpint(hostcrit_uri_place("test+unix:///default"), ==, HOSTCRIT_TEST_DRIVER);
    g_assert_cmpint(hostcrit_uri_place("qemu+ssh://root@kvm1/system"), ==, HOSTCRIT_REMOTE);
    g_assert_cmpint(hostcrit_uri_place("qemu+tcp://kvm1:16509/system"), ==, HOSTCRIT_REMOTE);
    g_assert_cmpint(hostcrit_uri_place("testy://host/x"), ==, HOSTCRIT_REMOTE);
}

/* ------------------------------------------------------------ made trees */

static char *read_tree(const char *root)
{
    g_autoptr(HostCrit) crit = hostcrit_read(root);
    return facts_text(crit);
}

/* The e2e guest's shape: / is an overlay whose lower layer is the 9p share
 * "hostroot" mounted at /lower; the other share is not critical. */
static void test_overlay_on_9p(void)
{
    g_autofree char *root = tree_new("overlay-9p");
    put(root, "proc/self/mountinfo",
        "20 25 0:19 / /lower ro,relatime - 9p hostroot ro,trans=virtio\n"
        "25 1 0:30 / / rw,relatime - overlay overlay rw,lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w\n"
        "26 25 0:31 / /e2e-out rw,relatime - 9p e2eout rw,trans=virtio\n"
        "27 25 0:32 / /var/log rw,relatime - tmpfs tmpfs rw\n");
    mkdirs(root, "sys/devices/pci0000:00/0000:00:05.0/virtio2");
    mkdirs(root, "sys/devices/pci0000:00/0000:00:06.0/virtio3");
    put(root, "sys/devices/pci0000:00/0000:00:05.0/virtio2/mount_tag", "hostroot");
    put(root, "sys/devices/pci0000:00/0000:00:06.0/virtio3/mount_tag", "e2eout");
    link_to(root, "sys/bus/virtio/drivers/9pnet_virtio/virtio2", "../../../../devices/pci0000:00/0000:00:05.0/virtio2");
    link_to(root, "sys/bus/virtio/drivers/9pnet_virtio/virtio3", "../../../../devices/pci0000:00/0000:00:06.0/virtio3");
    g_autofree char *text = read_tree(root);
    g_assert_cmpstr(text, ==,
                    "0000:00:05.0: holds / (overlay)\n");
}

/* No mountinfo: /proc/mounts; a swap file on /; an absolute symlink is
 * followed inside the root; a stack of two mounts on /: the visible one. */
static void test_proc_mounts_and_swap_file(void)
{
    g_autofree char *root = tree_new("proc-mounts");
    put(root, "proc/mounts", "/dev/sdz1 / ext4 rw 0 0\n/dev/sda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n");
    put(root, "proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n/swap\\040file\tfile\t1024\t0\t-2\n");
    mkdirs(root, "sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/block/sda/sda1");
    link_to(root, "sys/class/block/sda1", "/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/block/sda/sda1");
    g_autofree char *text = read_tree(root);
    g_assert_cmpstr(text, ==,
                    "0000:00:1f.2: holds / (ext4 on /dev/sda1)\n"
                    "0000:00:1f.2: holds active swap (/swap file)\n");
}

/* / on a loop device whose image is on another disk; swap on zram (no PCI
 * device); an NVMe behind a switch: both ports above it. */
static void test_loop_root(void)
{
    g_autofree char *root = tree_new("loop-root");
    put(root, "proc/self/mountinfo",
        "1 0 7:0 / / rw - ext4 /dev/loop0 rw\n"
        "2 1 259:3 / /images rw - xfs /dev/nvme0n1p3 rw\n");
    put(root, "proc/swaps", "Filename Type Size Used Priority\n/dev/zram0 partition 1 0 100\n");
    const char *nvme = "sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:01.0/0000:03:00.0/nvme/nvme0/nvme0n1";
    g_autofree char *part = g_strconcat(nvme, "/nvme0n1p3", NULL);
    mkdirs(root, part);
    mkdirs(root, "sys/devices/virtual/block/loop0/loop");
    mkdirs(root, "sys/devices/virtual/block/zram0");
    put(root, "sys/devices/virtual/block/loop0/loop/backing_file", "/images/root.img\n");
    link_to(root, "sys/class/block/loop0", "../../devices/virtual/block/loop0");
    link_to(root, "sys/class/block/zram0", "../../devices/virtual/block/zram0");
    g_autofree char *target = g_strconcat("../../", part + 4, NULL);
    link_to(root, "sys/class/block/nvme0n1p3", target);
    link_to(root, "sys/dev/block/7:0", "../../devices/virtual/block/loop0");
    link_to(root, "sys/dev/block/259:3", target);
    g_autofree char *text = read_tree(root);
    g_assert_cmpstr(text, ==,
                    "0000:03:00.0: holds / (ext4 on /dev/loop0) [above 0000:00:1c.0 0000:01:00.0 0000:02:01.0]\n");
}

/* IPv6 only (the IPv4 default is down, lo's unreachable default is
 * ignored), through a VLAN; virtiofs /usr; a VGA text console. */
static void test_routes_virtiofs_vgacon(void)
{
    g_autofree char *root = tree_new("routes");
    put(root, "proc/self/mountinfo", "1 0 0:40 / /usr rw - virtiofs usrfs rw\n");
    put(root, "proc/net/route",
        "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n"
        "eth1\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n");
    put(root, "proc/net/ipv6_route",
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
        "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n"
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
        "fe800000000000000000000000000001 00000400 00000002 00000000 00000003 eth0.100\n");
    mkdirs(root, "sys/devices/virtual/net/eth0.100");
    mkdirs(root, "sys/devices/pci0000:00/0000:00:03.0/virtio0/net/eth0");
    mkdirs(root, "sys/devices/pci0000:00/0000:00:04.0/virtio1/net/eth1");
    link_to(root, "sys/class/net/eth0.100", "../../devices/virtual/net/eth0.100");
    link_to(root, "sys/class/net/eth0", "../../devices/pci0000:00/0000:00:03.0/virtio0/net/eth0");
    link_to(root, "sys/class/net/eth1", "../../devices/pci0000:00/0000:00:04.0/virtio1/net/eth1");
    link_to(root, "sys/devices/virtual/net/eth0.100/lower_eth0", "../../../pci0000:00/0000:00:03.0/virtio0/net/eth0");
    mkdirs(root, "sys/devices/pci0000:00/0000:00:07.0/virtio5");
    put(root, "sys/fs/virtiofs/0/tag", "usrfs");
    link_to(root, "sys/fs/virtiofs/0/device", "../../../devices/pci0000:00/0000:00:07.0/virtio5");
    mkdirs(root, "sys/devices/pci0000:00/0000:00:01.0");
    mkdirs(root, "sys/devices/pci0000:00/0000:00:08.0");
    put(root, "sys/devices/pci0000:00/0000:00:01.0/boot_vga", "1\n");
    put(root, "sys/devices/pci0000:00/0000:00:08.0/boot_vga", "0\n");
    link_to(root, "sys/bus/pci/devices/0000:00:01.0", "../../../devices/pci0000:00/0000:00:01.0");
    link_to(root, "sys/bus/pci/devices/0000:00:08.0", "../../../devices/pci0000:00/0000:00:08.0");
    put(root, "sys/class/vtconsole/vtcon0/name", "(S) VGA+\n");
    put(root, "sys/class/vtconsole/vtcon0/bind", "1\n");
    g_autofree char *text = read_tree(root);
    g_assert_cmpstr(text, ==,
                    "0000:00:07.0: holds /usr (virtiofs on usrfs)\n"
                    "0000:00:03.0: carries the IPv6 default route (eth0.100)\n"
                    "0000:00:01.0: is the boot VGA, and the console runs on it (VGA+)\n");
    /* without a bound console the boot VGA drives nothing */
    put(root, "sys/class/vtconsole/vtcon0/bind", "0\n");
    g_autofree char *again = read_tree(root);
    g_assert_null(strstr(again, "boot VGA"));
}

static void test_empty_tree(void)
{
    g_autofree char *root = tree_new("empty");
    g_autoptr(HostCrit) crit = hostcrit_read(root);
    g_assert_cmpuint(crit->facts->len, ==, 0);
}

static void test_sysroot(void)
{
    g_autofree char *root = tree_new("sysroot");
    mkdirs(root, "sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda");
    link_to(root, "sys/class/block/vda", "../../devices/pci0000:00/0000:00:02.0/virtio1/block/vda");
    link_to(root, "sys/abs", "/sys/class/block/vda");
    link_to(root, "sys/loop1", "loop2");
    link_to(root, "sys/loop2", "loop1");
    link_to(root, "sys/up", "../../../../etc");
    g_autofree char *a = sysroot_resolve(root, "sys/class/block/vda");
    g_assert_cmpstr(a, ==, "sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda");
    g_autofree char *b = sysroot_resolve(root, "sys/abs/../vda");
    g_assert_cmpstr(b, ==, "sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda");
    g_autofree char *c = sysroot_resolve(root, "sys/loop1");  /* ends, like ELOOP */
    g_assert_nonnull(c);
    g_autofree char *d = sysroot_resolve(root, "sys/up");  /* never above the root */
    g_assert_cmpstr(d, ==, "etc");
    g_autoptr(GArray) chain = sysroot_pci_chain("sys/devices/pci0000:00/0000:00:1c.0/0000:02:00.0/nvme/nvme0");
    g_assert_cmpuint(chain->len, ==, 2);
    g_assert_cmpuint(g_array_index(chain, PciAddr, 1).bus, ==, 2);
    /* VMD's domains beyond 0xffff are no PCI address of ours: the VMD
     * controller itself is the last one */
    g_autoptr(GArray) vmd = sysroot_pci_chain("sys/devices/pci0000:00/0000:00:0e.0/pci10000:e0/10000:e0:06.0");
    g_assert_cmpuint(vmd->len, ==, 1);
}

static void test_reset_methods(void)
{
    g_autofree char *root = workstation();
    PciAddr gpu = addr("0000:01:00.0"), share = addr("0000:00:05.0"), old = addr("0000:00:06.0"),
            gone = addr("0000:09:00.0");
    g_auto(GStrv) m = sysroot_reset_methods(root, &gpu);
    g_assert_nonnull(m);
    g_assert_cmpuint(g_strv_length(m), ==, 2);
    g_assert_cmpstr(m[0], ==, "flr");
    g_assert_cmpstr(m[1], ==, "bus");
    g_auto(GStrv) none = sysroot_reset_methods(root, &share);
    g_assert_nonnull(none);
    g_assert_null(none[0]);
    g_assert_null(sysroot_reset_methods(root, &old));
    g_assert_null(sysroot_reset_methods(root, &gone));
}

/* ------------------------------------------------ the verbs, test driver */

static CmdResult *vh_env(const char *const *env, const char *first, ...) G_GNUC_NULL_TERMINATED;
static CmdResult *vh_env(const char *const *env, const char *first, ...)
{
    g_autofree char *uri = test_driver_uri("host-critical.xml");
    g_autofree char *root = workstation();
    const char *prefix[] = { "-c", uri, NULL };
    va_list ap;
    va_start(ap, first);
    g_autoptr(GPtrArray) argv = test_argv_va(prefix, first, ap);
    va_end(ap);
    /* after the verb: --root is the verb's option (as for check) */
    g_ptr_array_insert(argv, (gint)argv->len - 1, "--root");
    g_ptr_array_insert(argv, (gint)argv->len - 1, root);
    return cmd_runv(env, NULL, (const char *const *)argv->pdata);
}
#define vh(...) vh_env(NULL, __VA_ARGS__)

static void test_show(void)
{
    g_autoptr(CmdResult) nvme = vh("show", "0000:02:00.0", NULL);
    cmd_assert_exit(nvme, 0);
    cmd_assert_contains(nvme->out, "  host-critical:  yes — holds / (ext4 on /dev/mapper/vg0-root); holds /boot/efi "
                                   "(vfat on /dev/nvme0n1p1)\n  assignable:     no\n");
    cmd_assert_contains(nvme->out, "    - host-critical: holds / (ext4 on /dev/mapper/vg0-root) (--force does not "
                                   "override this; --allow-host-critical does)\n");
    /* no reset method: a line, and the warning on stderr */
    cmd_assert_contains(nvme->out, "  reset methods:  none (no reset method: state survives between guests; "
                                   "reattach may hang)\n");
    cmd_assert_contains(nvme->err, "warning: 0000:02:00.0: no reset method: state survives between guests");

    g_autoptr(CmdResult) gpu = vh("show", "pci_0000_01_00_0", NULL);
    cmd_assert_exit(gpu, 0);
    cmd_assert_contains(gpu->out, "  reset methods:  flr, bus\n  host-critical:  no\n  assignable:     yes\n");
    g_assert_cmpstr(gpu->err, ==, "");

    g_autoptr(CmdResult) mate = vh("show", "00:17.1", NULL);
    cmd_assert_contains(mate->out, "host-critical:  yes — IOMMU group 11 also holds 0000:00:17.0, which holds "
                                   "active swap (/dev/md0)\n");
    g_autoptr(CmdResult) port = vh("show", "00:1d.0", NULL);
    cmd_assert_contains(port->out, "host-critical:  yes — a bridge above 0000:03:00.0, which carries the IPv4 and "
                                   "IPv6 default routes (br0)\n");
    cmd_assert_contains(port->out, "  reset methods:  bus\n");
    g_autoptr(CmdResult) vga = vh("show", "00:02.0", NULL);
    cmd_assert_contains(vga->out, "is the boot VGA, and the console runs on it (frame buffer device)");
    g_autoptr(CmdResult) share = vh("show", "00:05.0", NULL);
    cmd_assert_contains(share->out, "holds /var (9p on vartag)");
    g_autoptr(CmdResult) other = vh("show", "00:06.0", NULL);
    cmd_assert_contains(other->out, "  host-critical:  no\n");
    cmd_assert_lacks(other->out, "reset methods:");  /* unknown: no line */

    /* --json: the schema, and the same reasons */
    g_autoptr(CmdResult) js = vh("--json", "show", "0000:02:00.0", NULL);
    cmd_assert_exit(js, 0);
    g_autoptr(JsonNode) doc = json_schema_assert_output("show", js->out);
    JsonObject *o = json_node_get_object(doc);
    JsonArray *crit = json_object_get_array_member(o, "host_critical");
    g_assert_cmpuint(json_array_get_length(crit), ==, 2);
    g_assert_cmpstr(json_array_get_string_element(crit, 0), ==, "holds / (ext4 on /dev/mapper/vg0-root)");
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(o, "reset_methods")), ==, 0);
    g_assert_false(json_object_get_boolean_member(o, "assignable"));
    g_autoptr(CmdResult) jg = vh("--json", "show", "01:00.0", NULL);
    g_autoptr(JsonNode) gdoc = json_schema_assert_output("show", jg->out);
    JsonObject *g = json_node_get_object(gdoc);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(g, "host_critical")), ==, 0);
    JsonArray *reset = json_object_get_array_member(g, "reset_methods");
    g_assert_cmpuint(json_array_get_length(reset), ==, 2);
    g_assert_cmpstr(json_array_get_string_element(reset, 0), ==, "flr");
    g_autoptr(CmdResult) jo = vh("--json", "show", "00:06.0", NULL);
    g_autoptr(JsonNode) odoc = json_schema_assert_output("show", jo->out);
    g_assert_true(json_object_get_null_member(json_node_get_object(odoc), "reset_methods"));
}

static const char *const critical_devices[] = {
    "0000:00:02.0", "0000:00:05.0", "0000:00:17.0", "0000:00:17.1", "0000:00:1c.0",
    "0000:00:1d.0", "0000:02:00.0", "0000:03:00.0", NULL,
};

static void test_list(void)
{
    g_autoptr(CmdResult) r = vh("list", NULL);
    cmd_assert_exit(r, 0);
    g_auto(GStrv) lines = g_strsplit(r->out, "\n", -1);
    guint marked = 0;
    for (char **l = lines; *l; l++) {
        if (!g_str_has_prefix(*l, "pci_"))
            continue;
        gboolean critical = FALSE;
        for (const char *const *c = critical_devices; *c; c++)
            critical = critical || strstr(*l, *c) != NULL;
        if (critical != (strstr(*l, " (host) ") != NULL))
            g_test_message("%s", *l);
        g_assert_cmpint(critical, ==, strstr(*l, " (host) ") != NULL);
        marked += critical;
    }
    g_assert_cmpuint(marked, ==, 8);
    cmd_assert_contains(r->out, "\n(host) host-critical: the host needs it (virt-hostdev show DEVICE says why)\n");

    g_autoptr(CmdResult) js = vh("--json", "list", NULL);
    g_autoptr(JsonNode) doc = json_schema_assert_output("list", js->out);
    JsonArray *devs = json_object_get_array_member(json_node_get_object(doc), "devices");
    guint with = 0;
    for (guint i = 0; i < json_array_get_length(devs); i++) {
        JsonObject *d = json_array_get_object_element(devs, i);
        gboolean critical =
            g_strv_contains(critical_devices, json_object_get_string_member(d, "address"));
        guint n = json_array_get_length(json_object_get_array_member(d, "host_critical"));
        g_assert_cmpint(critical, ==, n > 0);
        if (critical)
            g_assert_false(json_object_get_boolean_member(d, "assignable"));
        with += critical;
    }
    g_assert_cmpuint(with, ==, 8);

    /* --free and --assignable: what could be given; the critical never */
    g_autoptr(CmdResult) free_list = vh("list", "--free", "--names", NULL);
    g_assert_cmpstr(free_list->out, ==, "pci_0000_00_06_0\npci_0000_01_00_0\npci_0000_05_00_0\n");
    g_autoptr(CmdResult) assignable = vh("list", "--assignable", "--names", NULL);
    g_assert_cmpstr(assignable->out, ==, "pci_0000_00_06_0\npci_0000_01_00_0\npci_0000_05_00_0\n");
}

static void test_completion(void)
{
    g_autoptr(CmdResult) all = vh("__complete", "devices", NULL);
    g_autoptr(CmdResult) free_only = vh("__complete", "devices", "free", NULL);
    cmd_assert_exit(all, 0);
    for (const char *const *c = critical_devices; *c; c++) {
        cmd_assert_lacks(all->out, *c);
        cmd_assert_lacks(free_only->out, *c);
    }
    cmd_assert_contains(free_only->out, "pci_0000_01_00_0\n0000:01:00.0\n");
    cmd_assert_contains(all->out, "0000:00:1d.1\n");
}

/* add guest DEVICE EXTRA...: refused with exit 1 naming REASON, nothing
 * defined (the test driver keeps no state between processes: "defined
 * domain" is the define's own report, printed only once libvirt took it) */
static void assert_add_refused(const char *device, const char *reason, const char *extra, const char *extra2)
{
    g_autoptr(CmdResult) r = vh("add", "guest", device, extra, extra2, NULL);
    cmd_assert_error(r, 1, " is host-critical: ", reason, "--force does not override this (--allow-host-critical does)",
                     NULL);
    cmd_assert_lacks(r->err, "defined domain");
}

static void test_add(void)
{
    assert_add_refused("0000:02:00.0", "holds / (ext4 on /dev/mapper/vg0-root)", NULL, NULL);
    assert_add_refused("0000:02:00.0", "holds /boot/efi", "--force", NULL);
    assert_add_refused("pci_0000_03_00_0", "carries the IPv4 and IPv6 default routes (br0)", "--managed", "no");
    assert_add_refused("00:17.1", "IOMMU group 11 also holds 0000:00:17.0", "--force", NULL);
    assert_add_refused("00:05.0", "holds /var (9p on vartag)", "--dry-run", NULL);
    assert_add_refused("00:1c.0", "a bridge above 0000:02:00.0", "--force", NULL);
    /* among other devices: the whole command is refused */
    assert_add_refused("01:00.0", "0000:00:02.0 is host-critical: is the boot VGA", "00:02.0", NULL);

    /* --allow-host-critical: a warning, and the define goes ahead */
    g_autoptr(CmdResult) ok = vh("add", "guest", "0000:02:00.0", "--allow-host-critical", NULL);
    cmd_assert_exit(ok, 0);
    cmd_assert_contains(ok->err, "virt-hostdev: warning: 0000:02:00.0 is host-critical (--allow-host-critical): holds "
                                 "/ (ext4 on /dev/mapper/vg0-root); holds /boot/efi (vfat on /dev/nvme0n1p1)\n");
    cmd_assert_contains(ok->err, "defined domain 'guest'");
    /* and a free device is no business of it */
    g_autoptr(CmdResult) gpu = vh("add", "guest", "01:00.0", "--dry-run", NULL);
    cmd_assert_exit(gpu, 0);
    cmd_assert_lacks(gpu->err, "host-critical");
}

static void test_detach(void)
{
    g_autoptr(CmdResult) r = vh("detach", "0000:03:00.0", NULL);
    cmd_assert_error(r, 1, "0000:03:00.0 is host-critical: carries the IPv4 and IPv6 default routes (br0)", NULL);
    g_autoptr(CmdResult) forced = vh("detach", "0000:03:00.0", "--force", NULL);
    cmd_assert_error(forced, 1, "is host-critical", "--force does not override this", NULL);
    g_autoptr(CmdResult) group = vh("detach", "00:17.1", "--group", "--force", NULL);
    cmd_assert_error(group, 1, "0000:00:17.1 is host-critical: IOMMU group 11 also holds 0000:00:17.0", NULL);
    /* allowed: the warning, then the test driver's own answer (it has no
     * node-device detach) shows that the detach was really asked for */
    g_autoptr(CmdResult) allowed = vh("detach", "0000:03:00.0", "--allow-host-critical", NULL);
    cmd_assert_exit(allowed, 1);
    cmd_assert_contains(allowed->err, "virt-hostdev: warning: 0000:03:00.0 is host-critical (--allow-host-critical)");
    cmd_assert_contains(allowed->err, "cannot detach pci_0000_03_00_0 from the host");
}

static void test_alias_pool(void)
{
    g_autofree char *conf = g_build_filename(test_tmpdir(), "hostcrit-aliases.conf", NULL);
    g_assert_true(g_file_set_contents(conf, "[alias ssd]\nvendor_id = 144d\nproduct_id = a808\n\n"
                                            "[alias i210]\nvendor_id = 8086\nproduct_id = 1533\n", -1, NULL));
    g_autoptr(CmdResult) r = vh("add", "guest", "--pci-alias", "ssd", "--aliases", conf, NULL);
    cmd_assert_error(r, 1, "alias 'ssd' wants 1 device, 0 free; not assignable: 0000:02:00.0 (host-critical: holds /",
                     NULL);
    g_autoptr(CmdResult) two = vh("add", "guest", "--pci-alias", "i210:2", "--aliases", conf, NULL);
    cmd_assert_error(two, 1, "alias 'i210' wants 2 devices, 1 free: 0000:05:00.0; not assignable: 0000:03:00.0 "
                     "(host-critical: carries the IPv4 and IPv6 default routes", NULL);
    g_autoptr(CmdResult) one = vh("add", "guest", "--pci-alias", "i210", "--aliases", conf, "--dry-run", NULL);
    cmd_assert_exit(one, 0);
    cmd_assert_contains(one->out, "bus='0x05'");
}

/* test:// without --root: no host, no check, not a word about it */
static void test_test_driver_unchecked(void)
{
    g_autoptr(CmdResult) show = cmd_run_on("host-critical.xml", "show", "0000:02:00.0", NULL);
    cmd_assert_exit(show, 0);
    cmd_assert_lacks(show->out, "host-critical");
    cmd_assert_lacks(show->out, "reset methods");
    g_assert_cmpstr(show->err, ==, "");
    g_autoptr(CmdResult) js = cmd_run_on("host-critical.xml", "--json", "show", "0000:02:00.0", NULL);
    g_autoptr(JsonNode) doc = json_schema_assert_output("show", js->out);
    g_assert_true(json_object_get_null_member(json_node_get_object(doc), "host_critical"));
    g_assert_true(json_object_get_null_member(json_node_get_object(doc), "reset_methods"));
    g_autoptr(CmdResult) add = cmd_run_on("host-critical.xml", "add", "guest", "0000:02:00.0", "--dry-run", NULL);
    cmd_assert_exit(add, 0);
    g_assert_cmpstr(add->err, ==, "");
    g_autoptr(CmdResult) list = cmd_run_on("host-critical.xml", "list", NULL);
    cmd_assert_lacks(list->out, "(host)");
}

static void test_check(void)
{
    g_autofree char *root = workstation();
    g_autoptr(CmdResult) r = cmd_run(NULL, NULL, "check", "--root", root, NULL);
    cmd_assert_exit(r, 0);
    cmd_assert_contains(r->out, "ok    host-critical        kept from guests with their IOMMU groups and the bridges "
                                "above them: 0000:02:00.0 holds / (ext4 on /dev/mapper/vg0-root); ");
    cmd_assert_contains(r->out, "0000:03:00.0 carries the IPv4 and IPv6 default routes (br0); ");
    /* usable groups: 1 (GPU and its port), 6 (unknown), 17 (NIC); group 0
     * is the chipset, the others hold something the host needs */
    cmd_assert_contains(r->out, "reset methods        3 usable IOMMU groups: 2 with a reset method for every device, "
                                "1 not known (no reset_method: a kernel before 5.15)\n");
    cmd_assert_contains(r->out, "    13  0000:02:00.0  8086:0001  (no driver)    reset: none  (host-critical)\n");
    cmd_assert_contains(r->out, "        0000:01:00.0  8086:0001  (no driver)    reset: flr,bus\n");
    cmd_assert_contains(r->out, "     6  0000:00:06.0  8086:0001  (no driver)    reset: ?\n");
    g_autoptr(CmdResult) js = cmd_run(NULL, NULL, "--json", "check", "--root", root, NULL);
    cmd_assert_exit(js, 0);
    g_autoptr(JsonNode) doc = test_parse_json_object(js->out);
    JsonArray *groups = json_object_get_array_member(json_node_get_object(doc), "iommu_groups");
    guint seen = 0;
    for (guint i = 0; i < json_array_get_length(groups); i++) {
        JsonArray *devs = json_object_get_array_member(json_array_get_object_element(groups, i), "devices");
        for (guint d = 0; d < json_array_get_length(devs); d++) {
            JsonObject *dev = json_array_get_object_element(devs, d);
            const char *a = json_object_get_string_member(dev, "address");
            guint n = json_array_get_length(json_object_get_array_member(dev, "host_critical"));
            g_assert_cmpint(g_strv_contains(critical_devices, a), ==, n > 0);
            seen++;
        }
    }
    g_assert_cmpuint(seen, ==, 14);
}

/* A group whose only device has no reset method is a warning */
static void test_check_warns_without_reset(void)
{
    g_autofree char *root = tree_new("check-no-reset");
    mkdirs(root, "sys/devices/pci0000:00/0000:00:04.0");
    put(root, "sys/devices/pci0000:00/0000:00:04.0/config", "");
    put(root, "sys/devices/pci0000:00/0000:00:04.0/class", "0x020000\n");
    link_to(root, "sys/bus/pci/devices/0000:00:04.0", "../../../devices/pci0000:00/0000:00:04.0");
    link_to(root, "sys/kernel/iommu_groups/3/devices/0000:00:04.0", "../../../../devices/pci0000:00/0000:00:04.0");
    g_autoptr(CmdResult) r = cmd_run(NULL, NULL, "check", "--root", root, NULL);
    cmd_assert_contains(r->out, "warn  reset methods        1 usable IOMMU groups: 0 with a reset method for every "
                                "device; no reset method: group 3 (0000:00:04.0) (state survives between guests; "
                                "reattach may hang)\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hostcrit/workstation", test_workstation);
    g_test_add_func("/hostcrit/judge", test_judge);
    g_test_add_func("/hostcrit/uri-place", test_uri_place);
    g_test_add_func("/hostcrit/overlay-on-9p", test_overlay_on_9p);
    g_test_add_func("/hostcrit/proc-mounts-and-swap-file", test_proc_mounts_and_swap_file);
    g_test_add_func("/hostcrit/loop-root", test_loop_root);
    g_test_add_func("/hostcrit/routes-virtiofs-vgacon", test_routes_virtiofs_vgacon);
    g_test_add_func("/hostcrit/empty-tree", test_empty_tree);
    g_test_add_func("/hostcrit/sysroot", test_sysroot);
    g_test_add_func("/hostcrit/reset-methods", test_reset_methods);
    g_test_add_func("/hostcrit/cli/show", test_show);
    g_test_add_func("/hostcrit/cli/list", test_list);
    g_test_add_func("/hostcrit/cli/completion", test_completion);
    g_test_add_func("/hostcrit/cli/add", test_add);
    g_test_add_func("/hostcrit/cli/detach", test_detach);
    g_test_add_func("/hostcrit/cli/alias-pool", test_alias_pool);
    g_test_add_func("/hostcrit/cli/test-driver-unchecked", test_test_driver_unchecked);
    g_test_add_func("/hostcrit/cli/check", test_check);
    g_test_add_func("/hostcrit/cli/check-warns-without-reset", test_check_warns_without_reset);
    return g_test_run();
}
