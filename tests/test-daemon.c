/* The libvirt verbs against a real libvirtd on qemu:///system, started by
 * this program (and stopped by its pid at the end) unless one already
 * answers (daemonutil.c, shared with test-daemon-concurrency.c and
 * test-daemon-corpus.c, which run one at a time for that). Debian 12
 * ships the monolithic libvirtd; it starts once the libvirt-qemu user and
 * the kvm and libvirt-qemu groups exist, which this program creates when
 * missing (root only; otherwise every case skips).
 *
 * SAFETY: these tests only define, edit and undefine inactive domains named
 * vh-test-* (and vhcorp-*: real-data corpus documents with our add results,
 * whose hostdev sources are fixtures, not this host's devices); hostdevs
 * are managed='yes' and no domain is ever started, so no host device is
 * ever detached. Nothing here runs detach, reattach, reset or
 * --managed no: those are proven inside the disposable emulated guest. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <json-glib/json-glib.h>

#include "daemonutil.h"
#include "testutil.h"

/* ---- cases ---- */

static void test_list_show(void)
{
    if (!need_daemon())
        return;
    gint64 start = g_get_monotonic_time();
    g_autoptr(CmdResult) list = vh("list", NULL);
    g_test_message("list on " URI ": %.1f ms", (g_get_monotonic_time() - start) / 1000.0);
    cmd_assert_exit(list, 0);
    g_assert_true(g_str_has_prefix(list->out, "NAME"));
    if (real_device == NULL) {
        g_test_skip("libvirt lists no PCI device on this host");
        return;
    }
    cmd_assert_contains(list->out, real_device);
    g_autoptr(CmdResult) show = vh("show", real_device, NULL);
    cmd_assert_exit(show, 0);
    cmd_assert_contains(show->out, "driver:");
    cmd_assert_contains(show->out, "assignable:");
}

/* The last PCI address on the sysfs path that /sys/CLASS_LINK leads to
 * ("dev/block/254:0", "class/net/eth0"), or NULL: found here from stat()
 * and the route table, not from mountinfo as virt-hostdev does. */
static char *pci_device_of(const char *class_link)
{
    g_autofree char *link = g_build_filename("/sys", class_link, NULL);
    g_autofree char *real = realpath(link, NULL);
    char *found = NULL;
    g_auto(GStrv) parts = g_strsplit(real ? real : "", "/", -1);
    for (char **p = parts; *p; p++) {
        unsigned d, b, s, f;
        char end;
        if (strlen(*p) == 12 && sscanf(*p, "%4x:%2x:%2x.%1x%c", &d, &b, &s, &f, &end) == 4) {
            g_free(found);
            found = g_strdup(*p);
        }
    }
    return found;
}

static char *default_route_iface(void)
{
    g_autofree char *routes = NULL;
    if (!g_file_get_contents("/proc/net/route", &routes, NULL, NULL))
        return NULL;
    g_auto(GStrv) lines = g_strsplit(routes, "\n", -1);
    for (char **l = lines; *l; l++) {
        char iface[64], dest[16], gw[16], flags[16], ref[16], use[16], metric[16], mask[16];
        if (sscanf(*l, "%63s %15s %15s %15s %15s %15s %15s %15s", iface, dest, gw, flags, ref, use, metric, mask) == 8 &&
            strcmp(dest, "00000000") == 0 && strcmp(mask, "00000000") == 0)
            return g_strdup(iface);
    }
    return NULL;
}

/* Whether / is a mount point of this process's view (it is not in a
 * chroot, where no tool can trace / to a device by its mounts). */
static gboolean root_is_mounted(void)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents("/proc/self/mountinfo", &text, NULL, NULL))
        return FALSE;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        g_auto(GStrv) f = g_strsplit(*l, " ", 6);
        if (g_strv_length(f) >= 5 && strcmp(f[4], "/") == 0)
            return TRUE;
    }
    return FALSE;
}

/* This machine's own root disk and default-route NIC: show says
 * host-critical, list marks them, completion leaves them out, and add
 * refuses them even with --force (read-only: the domain is inactive and
 * nothing is defined). */
static void test_host_critical_here(void)
{
    if (!need_daemon())
        return;
    struct stat st;
    g_assert_cmpint(stat("/", &st), ==, 0);
    g_autofree char *dev_link = g_strdup_printf("dev/block/%u:%u", major(st.st_dev), minor(st.st_dev));
    g_autofree char *disk = root_is_mounted() ? pci_device_of(dev_link) : NULL;
    g_autofree char *iface = default_route_iface();
    g_autofree char *nic_link = iface ? g_strdup_printf("class/net/%s", iface) : NULL;
    g_autofree char *nic = nic_link ? pci_device_of(nic_link) : NULL;
    g_test_message("root on %s (%s), default route on %s (%s)", dev_link, disk ? disk : "no PCI device",
                   iface ? iface : "-", nic ? nic : "no PCI device");
    if (disk == NULL && nic == NULL) {
        g_test_skip("neither / (a mount here, not a chroot's directory) nor the default route is on a PCI device here");
        return;
    }
    Scratch sc;
    g_autofree char *before = scratch_define(&sc, NULL);
    g_autoptr(CmdResult) complete = vh("__complete", "devices", NULL);
    g_autoptr(CmdResult) list = vh("list", NULL);
    const char *const devices[] = { disk, nic };
    const char *const what[] = { "holds / (", "default route" };
    for (guint i = 0; i < G_N_ELEMENTS(devices); i++) {
        if (devices[i] == NULL)
            continue;
        g_autoptr(CmdResult) show = vh("show", devices[i], NULL);
        cmd_assert_exit(show, 0);
        g_test_message("%s", show->out);
        cmd_assert_contains(show->out, "  host-critical:  yes — ");
        cmd_assert_contains(show->out, what[i]);
        g_autoptr(CmdResult) js = vh("--json", "show", devices[i], NULL);
        cmd_assert_exit(js, 0);
        g_autoptr(JsonNode) doc = test_parse_json_object(js->out);
        JsonArray *reasons = json_object_get_array_member(json_node_get_object(doc), "host_critical");
        g_assert_cmpuint(json_array_get_length(reasons), >=, 1);
        g_autofree char *row = g_strdup_printf("  %s  ", devices[i]);
        const char *line = strstr(list->out, row);
        g_assert_nonnull(line);
        g_autofree char *row_text = g_strndup(line, strcspn(line, "\n"));
        cmd_assert_contains(row_text, " (host) ");
        cmd_assert_lacks(complete->out, devices[i]);
        g_autoptr(CmdResult) add = vh("add", sc.name, devices[i], "--force", NULL);
        cmd_assert_error(add, 1, " is host-critical: ", what[i], "--force does not override this", NULL);
    }
    g_autofree char *after = dumpxml(&sc);
    g_assert_cmpstr(before, ==, after);
    scratch_undefine(&sc);
}

/* A remote host: the same daemon through libvirt's ext transport under a
 * URI with a host part (a relay of stdin/stdout to the daemon's socket
 * stands in for ssh). The check cannot be made there: one warning, show
 * says "not checked", and the rest of the verdict stands. */
static void test_host_critical_remote(void)
{
    if (!need_daemon() || real_device == NULL)
        return;
    g_autofree char *python = g_find_program_in_path("python3");
    if (python == NULL) {
        g_test_skip("python3 (the relay) is not installed");
        return;
    }
    g_autofree char *relay = g_build_filename(test_tmpdir(), "relay.py", NULL);
    g_autofree char *command = g_build_filename(test_tmpdir(), "relay.sh", NULL);
    g_assert_true(g_file_set_contents(relay,
                                      "import os, select, socket, sys\n"
                                      "s = socket.socket(socket.AF_UNIX)\n"
                                      "s.connect('/var/run/libvirt/libvirt-sock')\n"
                                      "while True:\n"
                                      "    r = select.select([0, s], [], [])[0]\n"
                                      "    d = os.read(0, 65536) if 0 in r else s.recv(65536)\n"
                                      "    if not d: break\n"
                                      "    s.sendall(d) if 0 in r else os.write(1, d)\n",
                                      -1, NULL));
    g_autofree char *script = g_strdup_printf("#!/bin/sh\nexec python3 %s\n", relay);
    g_assert_true(g_file_set_contents(command, script, -1, NULL));
    g_assert_cmpint(g_chmod(command, 0755), ==, 0);
    g_autofree char *uri = g_strdup_printf("qemu+ext://vh-remote.invalid/system?command=%s", command);
    const char *argv[] = { "-c", uri, "show", real_device, NULL };
    g_autoptr(CmdResult) show = cmd_runv(NULL, NULL, argv);
    cmd_assert_exit(show, 0);
    cmd_assert_contains(show->out, "  host-critical:  not checked (a remote host)\n");
    cmd_assert_lacks(show->out, "reset methods:");
    g_autofree char *warning = g_strdup_printf("virt-hostdev: warning: host-critical devices (the host's root disk, "
                                               "swap, default route, console) cannot be checked on %s: ", uri);
    cmd_assert_contains(show->err, warning);
    g_assert_cmpuint(test_count(show->err, "cannot be checked"), ==, 1);
    Scratch sc;
    g_autofree char *before = scratch_define(&sc, NULL);
    const char *add_argv[] = { "-c", uri, "add", sc.name, real_device, "--dry-run", "--force", NULL };
    g_autoptr(CmdResult) add = cmd_runv(NULL, NULL, add_argv);
    cmd_assert_exit(add, 0);
    g_assert_cmpuint(test_count(add->err, "cannot be checked"), ==, 1);
    g_autofree char *after = dumpxml(&sc);
    g_assert_cmpstr(before, ==, after);
    scratch_undefine(&sc);
}

/* add defines, the change is exactly the new element, remove undoes it. */
static void test_add_remove_roundtrip(void)
{
    if (!need_daemon() || real_device == NULL)
        return;
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc, NULL);
    g_autoptr(CmdResult) add = vh("add", sc.name, real_device, "--guest-address", "auto", "--alias", "pass0", "--force", NULL);
    cmd_assert_exit(add, 0);
    cmd_assert_contains(add->err, "defined domain");
    g_autofree char *after = dumpxml(&sc);
    g_autofree char *src = g_strdup_printf("bus='0x%.2s' slot='0x%.2s' function='0x%.1s'", real_device + 5,
                                           real_device + 8, real_device + 11);
    cmd_assert_contains(after, "<hostdev mode='subsystem' type='pci' managed='yes'>");
    cmd_assert_contains(after, src);
    cmd_assert_contains(after, "<alias name='ua-pass0'/>");

    /* completion sees the domain and what it holds */
    const char *domains[] = { "-c", vh_uri, "__complete", "domains", NULL };
    g_autoptr(CmdResult) names = cmd_runv(NULL, NULL, domains);
    cmd_assert_contains(names->out, sc.name);
    const char *held[] = { "-c", vh_uri, "__complete", "held", sc.name, NULL };
    g_autoptr(CmdResult) holds = cmd_runv(NULL, NULL, held);
    g_autofree char *held_line = g_strconcat(real_device, "\n", NULL);
    g_assert_cmpstr(holds->out, ==, held_line);

    g_autoptr(CmdResult) rm = vh("remove", sc.name, "--alias", "pass0", NULL);
    cmd_assert_exit(rm, 0);
    g_autofree char *again = dumpxml(&sc);
    /* libvirt added the root port that auto placement asked for; the
     * hostdev itself is gone */
    cmd_assert_lacks(again, "<hostdev");
    g_assert_nonnull(before);
    scratch_undefine(&sc);
}

/* What show calls not assignable, add refuses: exit 1 naming the reasons,
 * the definition as it was; --force defines it. This host's own bridge (a
 * host bridge or root port; every PC has one) is the device. */
static void test_policy_refusal(void)
{
    if (!need_daemon())
        return;
    const char *argv[] = { "-c", vh_uri, "list", "--class", "bridge", "--names", NULL };
    g_autoptr(CmdResult) bridges = cmd_runv(NULL, NULL, argv);
    cmd_assert_exit(bridges, 0);
    g_auto(GStrv) names = g_strsplit(bridges->out, "\n", 2);
    if (names[0] == NULL || *names[0] == '\0') {
        g_test_skip("libvirt lists no PCI bridge on this host");
        return;
    }
    g_autoptr(CmdResult) show = vh("show", names[0], NULL);
    cmd_assert_contains(show->out, "assignable:     no");
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc, NULL);
    g_autoptr(CmdResult) refused = vh("add", sc.name, names[0], NULL);
    cmd_assert_error(refused, 1, "is not assignable", "bridge", "(--force overrides)", NULL);
    g_autofree char *unchanged = dumpxml(&sc);
    g_assert_cmpstr(before, ==, unchanged);
    g_autoptr(CmdResult) forced = vh("add", sc.name, names[0], "--force", NULL);
    cmd_assert_exit(forced, 0);
    cmd_assert_contains(forced->err, "is not assignable (--force)");
    g_autofree char *after = dumpxml(&sc);
    cmd_assert_contains(after, "<hostdev mode='subsystem' type='pci' managed='yes'>");
    scratch_undefine(&sc);
}

/* libvirt accepts a hostdev for hardware that does not exist; we do not. */
static void test_unknown_device(void)
{
    if (!need_daemon())
        return;
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc, NULL);
    g_autoptr(CmdResult) r = vh("add", sc.name, "0000:7e:1f.7", NULL);
    g_autofree char *scheme = g_strndup(vh_uri, (gsize)(strchr(vh_uri, ':') - vh_uri));
    cmd_assert_error(r, 2, "no device 0000:7e:1f.7 on ", scheme, NULL);
    g_autofree char *after = dumpxml(&sc);
    g_assert_cmpstr(before, ==, after);
    scratch_undefine(&sc);
}

/* A stale entry, whose host device is gone, is removed by address. */
static void test_remove_stale(void)
{
    if (!need_daemon())
        return;
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc,
        "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
        "      <source><address domain='0x0000' bus='0x7e' slot='0x1f' function='0x7'/></source>\n"
        "    </hostdev>\n");
    cmd_assert_contains(before, "bus='0x7e'");
    g_autoptr(CmdResult) r = vh("remove", sc.name, "0000:7e:1f.7", NULL);
    cmd_assert_exit(r, 0);
    g_autofree char *after = dumpxml(&sc);
    cmd_assert_lacks(after, "<hostdev");
    scratch_undefine(&sc);
}

static void test_held_elsewhere(void)
{
    if (!need_daemon() || real_device == NULL)
        return;
    Scratch a = { 0 }, b = { 0 };
    g_autofree char *a0 = scratch_define(&a, NULL);
    g_autofree char *b0 = scratch_define(&b, NULL);
    g_autoptr(CmdResult) first = vh("add", a.name, real_device, "--force", NULL);
    cmd_assert_exit(first, 0);
    g_autoptr(CmdResult) second = vh("add", b.name, real_device, NULL);
    g_autofree char *who = g_strdup_printf("held by the definition of domain '%s' (shut off)", a.name);
    cmd_assert_error(second, 1, who, "--force", NULL);
    g_autofree char *b1 = dumpxml(&b);
    g_assert_cmpstr(b0, ==, b1);
    g_autoptr(CmdResult) forced = vh("add", b.name, real_device, "--force", NULL);
    cmd_assert_exit(forced, 0);
    g_autofree char *b2 = dumpxml(&b);
    cmd_assert_contains(b2, "<hostdev");
    g_assert_nonnull(a0);
    scratch_undefine(&a);
    scratch_undefine(&b);
}

/* A define libvirt refuses leaves the old definition as it was. */
static void test_define_refused(void)
{
    if (!need_daemon() || real_device == NULL)
        return;
    /* a per-device boot order in a domain that boots with <os><boot>:
     * libvirt refuses the mix */
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc, NULL);
    g_autoptr(CmdResult) boot = vh("add", sc.name, real_device, "--boot-order", "1", "--force", "--quiet", NULL);
    cmd_assert_error(boot, 1, "libvirt refused the new definition", "boot", NULL);
    g_autofree char *after = dumpxml(&sc);
    g_assert_cmpstr(before, ==, after);
    scratch_undefine(&sc);

}

/* The define and refusal cases again, over qemu+ssh. */
REMOTE(add_remove_roundtrip)
REMOTE(unknown_device)
REMOTE(policy_refusal)
REMOTE(held_elsewhere)
REMOTE(define_refused)

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    daemon_setup(TRUE);
    g_test_add_func("/daemon/list-show", test_list_show);
    g_test_add_func("/daemon/host-critical-here", test_host_critical_here);
    g_test_add_func("/daemon/host-critical-remote", test_host_critical_remote);
    g_test_add_func("/daemon/add-remove-roundtrip", test_add_remove_roundtrip);
    g_test_add_func("/daemon/unknown-device", test_unknown_device);
    g_test_add_func("/daemon/policy-refusal", test_policy_refusal);
    g_test_add_func("/daemon/remove-stale", test_remove_stale);
    g_test_add_func("/daemon/held-elsewhere", test_held_elsewhere);
    g_test_add_func("/daemon/define-refused", test_define_refused);
    g_test_add_func("/daemon/ssh/add-remove-roundtrip", remote_add_remove_roundtrip);
    g_test_add_func("/daemon/ssh/unknown-device", remote_unknown_device);
    g_test_add_func("/daemon/ssh/policy-refusal", remote_policy_refusal);
    g_test_add_func("/daemon/ssh/held-elsewhere", remote_held_elsewhere);
    g_test_add_func("/daemon/ssh/define-refused", remote_define_refused);
    int rc = g_test_run();
    daemon_teardown();
    return rc;
}
