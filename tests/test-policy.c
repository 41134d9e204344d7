/* One assignability verdict (the inventory's), asked by show, list, add,
 * detach, completion and the alias pools, against the libvirt test driver
 * and tests/data/host-policy.xml: a root port known as a bridge only by its
 * header type, an LPC bridge, an SR-IOV NIC whose second port the running
 * domain "db" holds, VFs of one slot in separate IOMMU groups, node devices
 * with impossible values, s390 mdevs. The test driver keeps no state across
 * connections, so "nothing changed" is checked where the change would
 * happen: the define is never reached (the before-define seam never runs),
 * and with --force it is. The test driver has no node-device detach: detach
 * refusals are ours, before any detach call. */
#include <glib/gstdio.h>
#include <string.h>

#include "testutil.h"

static char *uri(const char *fixture)
{
    g_autofree char *path = test_data_path(fixture);
    return g_strconcat("test://", path, NULL);
}

/* virt-hostdev -c test:///…/host-policy.xml ARGS… (with ENV) */
static CmdResult *vh_env(const char *const *env, const char *first, ...) G_GNUC_NULL_TERMINATED;
static CmdResult *vh_env(const char *const *env, const char *first, ...)
{
    g_autofree char *u = uri("host-policy.xml");
    const char *prefix[] = { "-c", u, NULL };
    va_list ap;
    va_start(ap, first);
    g_autoptr(GPtrArray) argv = test_argv_va(prefix, first, ap);
    va_end(ap);
    for (guint i = 0; i + 1 < argv->len; i++) {
        /* the safety rule: the test driver only, never a real host */
        g_assert_false(g_str_has_prefix(argv->pdata[i], "qemu:"));
    }
    return cmd_runv(env, NULL, (const char *const *)argv->pdata);
}

#define vh(...) vh_env(NULL, __VA_ARGS__)

/* TEXT as the scratch file NAME; returns its path. */
static char *scratch_file(const char *name, const char *text)
{
    char *path = g_build_filename(test_tmpdir(), name, NULL);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* The reason lines show gives for DEVICE ("    - …"), and its verdict. */
static GPtrArray *show_reasons(const char *device, gboolean *assignable)
{
    g_autoptr(CmdResult) r = vh("show", device, NULL);
    cmd_assert_exit(r, 0);
    const char *verdict = strstr(r->out, "  assignable:     ");
    g_assert_nonnull(verdict);
    *assignable = g_str_has_prefix(verdict + strlen("  assignable:     "), "yes");
    GPtrArray *reasons = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) lines = g_strsplit(verdict, "\n", -1);
    for (char **l = lines + 1; *l; l++)
        if (g_str_has_prefix(*l, "    - "))
            g_ptr_array_add(reasons, g_strdup(*l + 6));
    return reasons;
}

/* add guest DEVICE [EXTRA]: refused with exit 1 and one line naming every
 * reason show gives (and NEEDLE), nothing defined; with --force defined. */
static void assert_add_refused(const char *device, const char *extra, const char *needle)
{
    /* (the test driver keeps no state between processes: "defined" is
     * the define's own report, printed only once libvirt took it) */
    g_autoptr(CmdResult) r = vh("add", "guest", device, extra, NULL);
    cmd_assert_error(r, 1, "is not assignable: ", needle, "(--force overrides)", NULL);
    cmd_assert_lacks(r->err, "defined domain");
    if (extra == NULL) {
        gboolean assignable;
        g_autoptr(GPtrArray) reasons = show_reasons(device, &assignable);
        g_assert_false(assignable);
        for (guint i = 0; i < reasons->len; i++)
            cmd_assert_contains(r->err, reasons->pdata[i]);
    }

    g_autoptr(CmdResult) dry = vh("add", "guest", device, "--force", "--dry-run", extra, NULL);
    cmd_assert_exit(dry, 0);
    cmd_assert_contains(dry->err, "is not assignable (--force): ");
    cmd_assert_contains(dry->err, needle);
    cmd_assert_contains(dry->out, extra ? "<interface type='hostdev' managed='yes'>"
                                        : "<hostdev mode='subsystem' type='pci' managed='yes'>");
    g_autoptr(CmdResult) forced = vh("add", "guest", device, "--force", extra, NULL);
    cmd_assert_exit(forced, 0);
    cmd_assert_contains(forced->err, "defined domain 'guest'");
}

static void test_add_refusals(void)
{
    assert_add_refused("0000:00:1f.0", NULL, "a chipset bridge: the host needs it");
    /* a root port whose class (0xffffff) says nothing: its header type */
    assert_add_refused("pci_0000_00_1c_0", NULL, "a PCI bridge");
    /* 05:00.1 of the same IOMMU group belongs to the running "db" */
    assert_add_refused("05:00.0", NULL, "group 12 also holds 0000:05:00.1, which running domain 'db' has");
    assert_add_refused("05:00.1", NULL, "in use by running domain 'db'");
    assert_add_refused("05:00.0", "--interface", "an SR-IOV PF, not a VF");
    /* the VF is what --interface takes */
    g_autoptr(CmdResult) vf = vh("add", "guest", "05:10.0", "--interface", "--dry-run", NULL);
    cmd_assert_exit(vf, 0);
    cmd_assert_contains(vf->out, "<interface type='hostdev' managed='yes'>");
    /* --force never passes a guest address collision */
    g_autoptr(CmdResult) clash = vh("add", "db", "05:10.0", "--guest-address", "00:05.0", "--force", NULL);
    cmd_assert_exit(clash, 1);
    cmd_assert_contains(clash->err, "already used by");
    cmd_assert_lacks(clash->err, "defined domain");
}

static void test_header_type_bridge(void)
{
    g_autoptr(CmdResult) show = vh("show", "00:1c.0", NULL);
    cmd_assert_contains(show->out, "0000:00:1c.0  bridge");
    cmd_assert_contains(show->out, "assignable:     no\n    - a PCI bridge");
    g_autoptr(CmdResult) list = vh("list", "--class", "bridge", "--names", NULL);
    g_assert_cmpstr(list->out, ==, "pci_0000_00_1c_0\npci_0000_00_1f_0\n");
}

/* detach gives show's reasons before any detach call (the test driver's
 * own refusal, "cannot detach", is what --force reaches) */
static void test_detach_refusals(void)
{
    static const char *const devices[] = { "00:1f.0", "00:1c.0", "05:00.0" };
    for (guint i = 0; i < G_N_ELEMENTS(devices); i++) {
        gboolean assignable;
        g_autoptr(GPtrArray) reasons = show_reasons(devices[i], &assignable);
        g_assert_false(assignable);
        g_autoptr(CmdResult) r = vh("detach", devices[i], NULL);
        cmd_assert_error(r, 1, "is not assignable: ", "(--force overrides)", NULL);
        cmd_assert_lacks(r->err, "cannot detach");
        for (guint j = 0; j < reasons->len; j++) {
            /* who holds the device itself does not matter to detach */
            if (!strstr(reasons->pdata[j], "SR-IOV PF"))
                cmd_assert_contains(r->err, reasons->pdata[j]);
        }
        g_autoptr(CmdResult) forced = vh("detach", devices[i], "--force", NULL);
        cmd_assert_exit(forced, 1);
        cmd_assert_contains(forced->err, "is not assignable (--force)");
        cmd_assert_contains(forced->err, "cannot detach");
    }
    /* what a shut-off definition holds is detached for it: no refusal */
    g_autoptr(CmdResult) vf = vh("detach", "05:10.0", NULL);
    cmd_assert_error(vf, 1, "cannot detach pci_0000_05_10_0 from the host", NULL);
    /* what a running guest has is its already: refused before any detach
     * call, and not offered by the completion either (one verdict) */
    g_autoptr(CmdResult) running = vh("detach", "05:00.1", NULL);
    cmd_assert_error(running, 1, "0000:05:00.1 is not assignable: in use by running domain 'db'", NULL);
    cmd_assert_lacks(running->err, "cannot detach");
    g_autoptr(CmdResult) offered = vh("__complete", "devices", "detach", NULL);
    cmd_assert_exit(offered, 0);
    cmd_assert_lacks(offered->out, "0000:05:00.1");
    cmd_assert_lacks(offered->out, "0000:05:00.0");
    cmd_assert_lacks(offered->out, "0000:00:1c.0");
    cmd_assert_lacks(offered->out, "0000:00:1f.0");
    cmd_assert_contains(offered->out, "0000:05:10.0\n");
}

/* completion offers for add what the verdict calls assignable, no more */
static void test_completion(void)
{
    g_autoptr(CmdResult) free_devs = vh("__complete", "devices", "free", NULL);
    cmd_assert_exit(free_devs, 0);
    g_autoptr(CmdResult) all = vh("list", "--names", NULL);
    g_auto(GStrv) names = g_strsplit(all->out, "\n", -1);
    guint offered = 0;
    for (char **n = names; *n && **n; n++) {
        gboolean assignable;
        g_autoptr(GPtrArray) reasons = show_reasons(*n, &assignable);
        g_autofree char *line = g_strconcat(*n, "\n", NULL);
        gboolean in = strstr(free_devs->out, line) != NULL;
        if (in != assignable)
            g_test_message("%s: completion %d, show %d", *n, in, assignable);
        g_assert_cmpint(in, ==, assignable);
        offered += in;
    }
    g_assert_cmpuint(offered, ==, 4);
    cmd_assert_lacks(free_devs->out, "0000:00:1c.0");
    cmd_assert_lacks(free_devs->out, "0000:00:1f.0");
    cmd_assert_lacks(free_devs->out, "0000:05:00.0");
    cmd_assert_lacks(free_devs->out, "0000:05:00.1");
    /* the device without an address is offered nowhere */
    g_autoptr(CmdResult) every = vh("__complete", "devices", NULL);
    cmd_assert_lacks(every->out, "pci_8086_10fb");
    cmd_assert_lacks(every->out, "0000:00:00.0");
    g_autoptr(CmdResult) assignable = vh("list", "--assignable", "--names", NULL);
    g_auto(GStrv) ok = g_strsplit(assignable->out, "\n", -1);
    for (char **n = ok; *n && **n; n++)
        cmd_assert_contains(free_devs->out, *n);
}

static char *aliases_file(void)
{
    return scratch_file("policy-aliases.conf",
                        "[alias intel]\nvendor_id = 8086\n\n"
                        "[alias vf]\nvendor_id = 8086\nproduct_id = 1520\ndevice_type = type-VF\n");
}

/* The pool's free / held / not assignable are show's verdicts. */
static void test_alias_pool_agrees_with_show(void)
{
    g_autofree char *conf = aliases_file();
    g_autoptr(CmdResult) r = vh("add", "guest", "--pci-alias", "intel:20", "--aliases", conf, NULL);
    cmd_assert_error(r, 1, "alias 'intel' wants 20 devices, 3 free: 0000:00:1f.3, 0000:05:10.0, 0000:05:10.4; "
                     "held: 0000:05:00.0 by db; not assignable: 0000:00:1c.0 (a PCI bridge", NULL);
    const char *f = strstr(r->err, " free: ") + strlen(" free: ");
    g_autofree char *free_list = g_strndup(f, strcspn(f, ";\n"));
    g_auto(GStrv) frees = g_strsplit(free_list, ", ", -1);
    g_autoptr(CmdResult) list = vh("list", "--pci-alias", "intel", "--aliases", conf, "--names", NULL);
    g_auto(GStrv) names = g_strsplit(list->out, "\n", -1);
    guint checked = 0;
    for (char **n = names; *n && **n; n++, checked++) {
        gboolean assignable;
        g_autoptr(GPtrArray) reasons = show_reasons(*n, &assignable);
        g_autoptr(CmdResult) addr = vh("address", *n, NULL);
        g_strchomp(addr->out);
        gboolean is_free = g_strv_contains((const char *const *)frees, addr->out);
        if (is_free != assignable)
            g_test_message("%s: pool free %d, show assignable %d", *n, is_free, assignable);
        g_assert_cmpint(is_free, ==, assignable);
        /* a blocked entry carries show's first reason */
        g_autofree char *blocked = g_strdup_printf("%s (", addr->out);
        if (strstr(r->err, blocked))
            cmd_assert_contains(r->err, reasons->pdata[0]);
    }
    g_assert_cmpuint(checked, ==, 7);
}

/* VFs are separate devices: each its own guest slot, never one
 * multifunction slot (they share a host slot number here) */
static void test_vf_pool_slots(void)
{
    g_autofree char *conf = aliases_file();
    g_autoptr(CmdResult) r = vh("add", "guest", "--pci-alias", "vf:2", "--aliases", conf, "--guest-address", "auto",
                                "--dry-run", NULL);
    cmd_assert_exit(r, 0);
    cmd_assert_contains(r->err, "alias 'vf': picked 0000:05:10.0 0000:05:10.4");
    cmd_assert_contains(r->out, "bus='0x05' slot='0x10' function='0x0'/>");
    cmd_assert_contains(r->out, "bus='0x05' slot='0x10' function='0x4'/>");
    cmd_assert_lacks(r->out, "multifunction");
    cmd_assert_contains(r->out, "<address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>");
    cmd_assert_contains(r->out, "<address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>");
    /* the same on the main fixture's VFs */
    g_autofree char *u = uri("host.xml");
    g_autofree char *conf2 = scratch_file("vf.conf", "[alias vf]\nvendor_id = 8086\nproduct_id = 10ca\n");
    const char *argv[] = { "-c", u, "add", "win11", "--pci-alias", "vf:2", "--aliases", conf2, "--diff", NULL };
    g_autoptr(CmdResult) two = cmd_runv(NULL, NULL, argv);
    cmd_assert_exit(two, 0);
    g_assert_cmpuint(test_count(two->out, "\n+    <hostdev "), ==, 2);
    cmd_assert_lacks(two->out, "multifunction");
    /* named, with --all-functions: still a slot each */
    g_autoptr(CmdResult) named = vh("add", "guest", "05:10.0", "05:10.4", "--all-functions", "--guest-address", "auto",
                                    "--dry-run", NULL);
    cmd_assert_exit(named, 0);
    cmd_assert_lacks(named->out, "multifunction");
    cmd_assert_contains(named->out, "<address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>");
    cmd_assert_contains(named->out, "<address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>");
}

/* A node device whose XML says function 50: its name's address, with one
 * warning naming the field; without a sysfs-derived name, never used. */
static void test_impossible_values(void)
{
    static const char warning[] = "virt-hostdev: warning: pci_0000_06_00_0: <function>50</function> is out of "
                                  "range; using the address from the device name\n";
    static const char left_out[] = "virt-hostdev: warning: pci_8086_10fb: <bus>256</bus> is out of range, and "
                                   "the device name is not of the form pci_DDDD_BB_SS_F: its PCI address is "
                                   "unknown; the device is left out\n";
    g_autoptr(CmdResult) list = vh("list", NULL);
    cmd_assert_exit(list, 0);
    cmd_assert_contains(list->out, "pci_0000_06_00_0  0000:06:00.0  storage");
    cmd_assert_lacks(list->out, "pci_8086_10fb");
    g_assert_cmpuint(test_count(list->err, warning), ==, 1);
    g_assert_cmpuint(test_count(list->err, left_out), ==, 1);
    g_assert_cmpuint(test_count(list->err, "\n"), ==, 2);
    /* a verb warns about what it uses, not the rest of the host */
    g_autoptr(CmdResult) show = vh("show", "pci_0000_06_00_0", NULL);
    cmd_assert_exit(show, 0);
    g_assert_cmpstr(show->err, ==, warning);
    g_autoptr(CmdResult) add = vh("add", "guest", "06:00.0", "--dry-run", NULL);
    cmd_assert_exit(add, 0);
    g_assert_cmpstr(add->err, ==, warning);
    cmd_assert_contains(add->out, "<address domain='0x0000' bus='0x06' slot='0x00' function='0x0'/>");
    g_autoptr(CmdResult) other = vh("show", "05:10.0", NULL);
    g_assert_cmpstr(other->err, ==, "");

    /* offline, from a file: the same rule */
    g_autofree char *good = scratch_file("named.xml",
                                         "<device><name>pci_0000_03_00_0</name><capability type='pci'><domain>0</domain>"
                                         "<bus>3</bus><slot>0</slot><function>50</function><product id='0x1'/>"
                                         "<vendor id='0x8086'/></capability></device>");
    g_autoptr(CmdResult) hostdev = cmd_run(NULL, NULL, "hostdev", good, NULL);
    cmd_assert_exit(hostdev, 0);
    cmd_assert_contains(hostdev->out, "<address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>");
    g_assert_cmpstr(hostdev->err, ==, "virt-hostdev: warning: pci_0000_03_00_0: <function>50</function> is out of "
                                      "range; using the address from the device name\n");
    /* a warning is not a note: --quiet keeps it */
    g_autoptr(CmdResult) quiet = cmd_run(NULL, NULL, "-q", "hostdev", good, NULL);
    cmd_assert_exit(quiet, 0);
    g_assert_cmpstr(quiet->err, ==, hostdev->err);
    g_autofree char *bad = scratch_file("odd.xml",
                                        "<device><name>pci_8086_10fb</name><capability type='pci'><domain>0</domain>"
                                        "<bus>0x1zz</bus><slot>0</slot><function>0</function><product id='0x1'/>"
                                        "<vendor id='0x8086'/></capability></device>");
    g_autofree char *message = g_strdup_printf("%s: <bus>0x1zz</bus> is not a number, and the device name is not "
                                               "of the form pci_DDDD_BB_SS_F", bad);
    g_autoptr(CmdResult) refused = cmd_run(NULL, NULL, "hostdev", bad, NULL);
    cmd_assert_error(refused, 2, message, NULL);
    g_autoptr(CmdResult) refused_show = cmd_run(NULL, NULL, "show", bad, NULL);
    cmd_assert_error(refused_show, 2, message, NULL);
    g_autoptr(CmdResult) refused_addr = cmd_run(NULL, NULL, "address", bad, NULL);
    cmd_assert_error(refused_addr, 2, message, NULL);
}

/* mdev model from the type's device API (the parent's mdev_types) */
static void test_mdev_model(void)
{
    g_autoptr(CmdResult) r = vh("add", "guest", "mdev_c60cc60c_c60c_c60c_c60c_c60cc60cc60c",
                                "mdev_ee0b88c4_f554_4dc1_809d_b2a01e8e48ad", "--dry-run", NULL);
    cmd_assert_exit(r, 0);
    cmd_assert_contains(r->out, "<hostdev mode='subsystem' type='mdev' model='vfio-ccw'>\n"
                                "      <source>\n        <address uuid='c60cc60c-c60c-c60c-c60c-c60cc60cc60c'/>");
    cmd_assert_contains(r->out, "<hostdev mode='subsystem' type='mdev' model='vfio-ap'>\n"
                                "      <source>\n        <address uuid='ee0b88c4-f554-4dc1-809d-b2a01e8e48ad'/>");
    cmd_assert_lacks(r->out, "model='vfio-pci'");
    /* offline, from the mdev's own XML: by its parent */
    g_autofree char *xml = scratch_file("mdev.xml",
                                        "<device><name>mdev_cc000052_9b13_9b13_9b13_cc23009b1326</name>"
                                        "<parent>css_0_0_0052</parent><capability type='mdev'>"
                                        "<type id='vfio_ccw-io'/><uuid>cc000052-9b13-9b13-9b13-cc23009b1326</uuid>"
                                        "</capability></device>");
    g_autoptr(CmdResult) offline = cmd_run(NULL, NULL, "hostdev", xml, NULL);
    cmd_assert_exit(offline, 0);
    cmd_assert_contains(offline->out, "model='vfio-ccw'");
    /* a GVT-g mdev stays vfio-pci */
    g_autofree char *main_uri = uri("host.xml");
    const char *argv[] = { "-c", main_uri, "add", "win11", "mdev_4b20d080_1b54_4048_85b3_a6a62d165c01", "--dry-run",
                           NULL };
    g_autoptr(CmdResult) gvt = cmd_runv(NULL, NULL, argv);
    cmd_assert_exit(gvt, 0);
    cmd_assert_contains(gvt->out, "type='mdev' model='vfio-pci'");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/policy/add-refusals", test_add_refusals);
    g_test_add_func("/policy/header-type-bridge", test_header_type_bridge);
    g_test_add_func("/policy/detach-refusals", test_detach_refusals);
    g_test_add_func("/policy/completion", test_completion);
    g_test_add_func("/policy/alias-pool-agrees-with-show", test_alias_pool_agrees_with_show);
    g_test_add_func("/policy/vf-pool-slots", test_vf_pool_slots);
    g_test_add_func("/policy/impossible-values", test_impossible_values);
    g_test_add_func("/policy/mdev-model", test_mdev_model);
    return g_test_run();
}
