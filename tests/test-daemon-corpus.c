/* The real libvirtd (daemonutil.h) judging our edits: the domain index
 * placements and the real-data corpus defined with --validate, and verify
 * and remap (issue 14). SAFETY as in test-daemon.c: inactive vh-test-* and
 * vhcorp-* domains only, never started; hostdev sources are fixtures. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "realcorpus.h"
#include "daemonutil.h"
#include "testutil.h"

/* --guest-address auto on the domain index fixtures (offline, a host
 * address no device has): libvirt defines each result with
 * VIR_DOMAIN_DEFINE_VALIDATE and keeps the address we wrote. */
static void test_index_placements(void)
{
    if (!need_daemon())
        return;
    static const char *const fixtures[] = {
        "q35-virtinstall", "q35-one-device", "no-devices", "i440fx-full-bridge", "i440fx-full",
        "multifunction-unmarked", "i440fx-pxb-full",
    };
    for (guint i = 0; i < G_N_ELEMENTS(fixtures); i++) {
        g_autofree char *rel = g_strdup_printf("domain/index/%s.xml", fixtures[i]);
        g_autofree char *path = test_copy_to_tmp(rel, "index-in.xml");
        g_autoptr(CmdResult) r = cmd_run(NULL, NULL, "add", "--file", path, "0000:7f:00.0", "--guest-address", "auto",
                                         NULL);
        cmd_assert_exit(r, 0);
        /* what the edit wrote: the last guest address of the document */
        const char *hostdev = strstr(r->out, "bus='0x7f' slot='0x00' function='0x0'/>");
        g_assert_nonnull(hostdev);
        const char *guest = strstr(hostdev, "<address type='pci'");
        g_assert_nonnull(guest);
        g_autofree char *wanted = g_strndup(guest, (gsize)(strchr(guest, '>') - guest + 1));
        /* a name of this run's own, and the qemu domain type (no KVM needed) */
        g_autofree char *name = g_strdup_printf("vh-test-%d-%u", (int)getpid(), ++domain_serial);
        GRegex *re = g_regex_new("<name>[^<]*</name>", 0, 0, NULL);
        g_autofree char *named = g_regex_replace_literal(re, r->out, -1, 0, "<name>%NAME%</name>", G_REGEX_MATCH_DEFAULT,
                                                         NULL);
        g_regex_unref(re);
        g_auto(GStrv) parts = g_strsplit(named, "%NAME%", 2);
        g_autofree char *joined = g_strjoinv(name, parts);
        g_auto(GStrv) typed = g_strsplit(joined, "type='kvm'>", 2);
        g_autofree char *doc = g_strjoinv("type='qemu'>", typed);
        g_auto(GStrv) typed2 = g_strsplit(doc, "type=\"kvm\">", 2);
        g_autofree char *final = g_strjoinv("type=\"qemu\">", typed2);
        g_autofree char *out_path = g_build_filename(test_tmpdir(), "index-out.xml", NULL);
        g_assert_true(g_file_set_contents(out_path, final, -1, NULL));
        g_autofree char *defined = virsh("define", "--validate", out_path, NULL);
        if (defined == NULL)
            g_error("%s: libvirt refused the result", fixtures[i]);
        g_autofree char *dump = virsh("dumpxml", "--inactive", name, NULL);
        g_autofree char *gone = virsh("undefine", name, NULL);
        g_assert_nonnull(dump);
        if (strstr(dump, wanted) == NULL)
            g_error("%s: libvirt did not keep %s", fixtures[i], wanted);
    }
}

/* ---- issue 17: add results from the real-data corpus, defined ---- */

#define CORPUS_TARGET 100

/* virsh define --validate PATH; the error text, NULL when defined. */
static char *corpus_define(const char *path)
{
    const char *argv[] = { "virsh", "-q", "-c", URI, "define", "--validate", path, NULL };
    g_autofree char *out = NULL;
    char *err = NULL;
    if (run_argv(argv, &out, &err) == 0) {
        g_free(err);
        return NULL;
    }
    return err ? g_strstrip(err) : g_strdup("virsh failed");
}

static void corpus_undefine(const char *name)
{
    g_autofree char *out = virsh("undefine", name, NULL);
    (void)out;
}

typedef struct {
    guint tried, input_refused, add_refused, defined, kept;
    GPtrArray *offenders;
} CorpusTally;

/* Define RESULT (the add of DEVICE) as NAME, read it back, undefine it. */
static void corpus_define_result(CorpusTally *t, const RcDoc *d, const char *name, const char *result, guint bus)
{
    g_autofree char *path = g_build_filename(test_tmpdir(), "corpus-result.xml", NULL);
    g_assert_true(g_file_set_contents(path, result, -1, NULL));
    g_autofree char *err = corpus_define(path);
    if (err) {
        g_ptr_array_add(t->offenders, g_strdup_printf("%s: libvirt refused the result: %s", d->path, err));
        return;
    }
    t->defined++;
    g_autofree char *back = virsh("dumpxml", "--inactive", name, NULL);
    corpus_undefine(name);
    g_autoptr(GArray) wrote = rc_pins_of_bus(result, bus);
    g_autoptr(GArray) kept = rc_pins_of_bus(back, bus);
    if (rc_same_pins(wrote, kept)) {
        t->kept++;
        return;
    }
    RcPci w = wrote->len ? g_array_index(wrote, RcPci, 0) : (RcPci){ 0 };
    RcPci k = kept->len ? g_array_index(kept, RcPci, 0) : (RcPci){ 0 };
    g_ptr_array_add(t->offenders, g_strdup_printf("%s: we wrote %02x:%02x.%x, libvirt keeps %02x:%02x.%x", d->path,
                                                  w.bus, w.slot, w.function, k.bus, k.slot, k.function));
}

/* One corpus document: its input must define here (else it is not this
 * host's to judge), then each add result. Nothing stays defined. */
static void corpus_try(CorpusTally *t, const RcDoc *d, const char *const *devices)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(d->path, &text, NULL, NULL))
        return;
    g_autofree char *name = g_strdup_printf("vhcorp-%d-%u", (int)getpid(), ++domain_serial);
    g_autofree char *renamed = rc_rename_domain(text, name);
    if (renamed == NULL)
        return;
    t->tried++;
    g_autofree char *in = g_build_filename(test_tmpdir(), "corpus-input.xml", NULL);
    g_assert_true(g_file_set_contents(in, renamed, -1, NULL));
    g_autofree char *err = corpus_define(in);
    if (err) {
        t->input_refused++;
        return;
    }
    corpus_undefine(name);
    static const guint bus[2] = { 0x6d, 0x6e };
    for (int k = 0; k < 2; k++) {
        const char *argv[] = { "add", "--file", in, devices[k], "--guest-address", "auto",
                               k ? "--all-functions" : NULL, NULL };
        g_autofree char *out = NULL, *aerr = NULL;
        if (test_run(argv, NULL, &out, &aerr) != 0) {
            t->add_refused++;
            continue;
        }
        corpus_define_result(t, d, name, out, bus[k]);
    }
}

static void test_corpus_defines(void)
{
    if (!need_daemon())
        return;
    g_autofree char *skip = NULL, *note = NULL;
    g_autoptr(GPtrArray) docs = rc_corpus_load(&skip, &note);
    if (docs == NULL) {
        g_test_skip(skip);
        return;
    }
    g_autofree char *nvme = test_data_path("realcorpus/pci_0000_6d_00_0.xml");
    g_autofree char *gpu = test_data_path("realcorpus/pci_0000_6e_00_0.xml");
    const char *devices[] = { nvme, gpu };
    CorpusTally t = { .offenders = g_ptr_array_new_with_free_func(g_free) };
    gint64 start = g_get_monotonic_time();
    /* virt-install's first, then libvirt's; x86_64 PC machines, accepted */
    for (int pass = 0; pass < 2; pass++)
        for (guint i = 0; i < docs->len && t.defined < CORPUS_TARGET + 20; i++) {
            const RcDoc *d = docs->pdata[i];
            if (d->virt_install == (pass == 0) && d->verdict == RC_ACCEPTED && d->x86 &&
                (d->family == RC_FAM_Q35 || d->family == RC_FAM_I440FX))
                corpus_try(&t, d, devices);
        }
    g_test_message("corpus defines: %u inputs tried, %u not definable here, %u adds refused; %u results defined "
                   "with --validate, %u kept every guest address we wrote (%.1f s)",
                   t.tried, t.input_refused, t.add_refused, t.defined, t.kept,
                   (g_get_monotonic_time() - start) / 1e6);
    for (guint i = 0; i < t.offenders->len && i < 20; i++)
        g_test_message("  %s", (char *)t.offenders->pdata[i]);
    guint offenders = t.offenders->len;
    g_ptr_array_unref(t.offenders);
    g_assert_cmpuint(offenders, ==, 0);
    g_assert_cmpuint(t.kept, >=, CORPUS_TARGET);
}

/* ---- issue 14: identity, verify, remap on the real daemon ---- */

/* A PCI device of this host that is no bridge and whose vendor:product no
 * other device has (so that verify has one candidate), or NULL. */
static char *unique_device(void)
{
    const char *argv[] = { "-c", URI, "list", NULL };
    g_autoptr(CmdResult) r = cmd_runv(NULL, NULL, argv);
    g_auto(GStrv) lines = g_strsplit(r->rc == 0 ? r->out : "", "\n", -1);
    for (char **l = lines; *l; l++) {
        char name[64], address[32], cls[32], ids[32];
        if (sscanf(*l, "%63s %31s %31s %31s", name, address, cls, ids) != 4 || !g_str_has_prefix(name, "pci_") ||
            strcmp(cls, "bridge") == 0 || test_count(r->out, ids) != 1)
            continue;
        return g_strdup(address);
    }
    return NULL;
}

/* A definition whose hostdev names a device that "moved": libvirt keeps our
 * <metadata>; verify --record records the device, and after its recorded
 * address and source are shifted to one this host does not have (as a
 * renumbering leaves them), verify says moved and remap defines the source
 * back where the device is, read back from libvirt. Domain vh-test-PID-identity:
 * inactive, managed='yes', never started. */
static void test_identity_remap(void)
{
    if (!need_daemon())
        return;
    g_autofree char *dev = unique_device();
    if (dev == NULL) {
        g_test_skip("no PCI device with ids of its own on this host");
        return;
    }
    g_autofree char *name = g_strdup_printf("vh-test-%d-identity", (int)getpid());
    g_autofree char *src = g_strdup_printf("<address domain='0x%.4s' bus='0x%.2s' slot='0x%.2s' function='0x%.1s'/>",
                                           dev, dev + 5, dev + 8, dev + 11);
    g_autofree char *hostdev = g_strdup_printf("    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
                                               "      <source>%s</source>\n    </hostdev>\n", src);
    g_autofree char *xml = domain_xml(name, hostdev);
    g_autofree char *path = g_build_filename(test_tmpdir(), "t14b.xml", NULL);
    g_assert_true(g_file_set_contents(path, xml, -1, NULL));
    g_autofree char *defined = virsh("define", path, NULL);
    g_assert_nonnull(defined);

    g_autoptr(CmdResult) unknown = vh("--json", "verify", name, NULL);
    cmd_assert_exit(unknown, 1);
    cmd_assert_contains(unknown->out, "\"status\" : \"unknown\"");
    g_autoptr(CmdResult) rec = vh("verify", name, "--record", NULL);
    cmd_assert_exit(rec, 0);
    g_autofree char *recorded = virsh("dumpxml", "--inactive", name, NULL);
    g_test_message("recorded:\n%s", recorded);
    /* libvirt writes <metadata> again with libxml2's double quotes */
    char q = strstr(recorded, "source=\"") ? '"' : '\'';
    g_autofree char *entry = g_strdup_printf("source=%c%s%c", q, dev, q);
    cmd_assert_contains(recorded, "http://virt-hostdev.org/xmlns/identity/1.0");
    cmd_assert_contains(recorded, entry);
    /* the subsystem ids libvirt does not report, from this host's sysfs */
    g_autofree char *sysfs = g_strdup_printf("/sys/bus/pci/devices/%s/subsystem_vendor", dev);
    g_autofree char *subsys = NULL;
    if (g_file_get_contents(sysfs, &subsys, NULL, NULL)) {
        g_autofree char *attr = g_strdup_printf("subsystem_vendor=%c%s%c", q, g_strstrip(subsys), q);
        cmd_assert_contains(recorded, attr);
    }

    /* the renumbering: bus 0xfe slot 0x1f, the same function */
    g_autofree char *gone = g_strdup_printf("0000:fe:1f.%c", dev[11]);
    g_autofree char *gone_src = g_strdup_printf("<address domain='0x0000' bus='0xfe' slot='0x1f' function='0x%c'/>",
                                                dev[11]);
    g_autofree char *gone_entry = g_strdup_printf("source=%c%s%c", q, gone, q);
    GString *shifted = g_string_new(recorded);
    g_assert_cmpuint(g_string_replace(shifted, src, gone_src, 1), ==, 1);
    g_assert_cmpuint(g_string_replace(shifted, entry, gone_entry, 1), ==, 1);
    g_assert_true(g_file_set_contents(path, shifted->str, -1, NULL));
    g_string_free(shifted, TRUE);
    g_autofree char *redefined = virsh("define", path, NULL);
    g_assert_nonnull(redefined);

    g_autoptr(CmdResult) moved = vh("verify", name, NULL);
    cmd_assert_exit(moved, 1);
    g_autofree char *line = g_strdup_printf("%s  moved      %s", gone, dev);
    cmd_assert_contains(moved->out, line);
    g_autoptr(CmdResult) remap = vh("remap", name, NULL);
    cmd_assert_exit(remap, 0);
    cmd_assert_contains(remap->err, "defined domain");
    g_autofree char *back = virsh("dumpxml", "--inactive", name, NULL);
    g_test_message("remapped:\n%s", back);
    cmd_assert_contains(back, src);
    cmd_assert_contains(back, entry);
    cmd_assert_lacks(back, gone_entry);
    g_autoptr(CmdResult) ok = vh("verify", name, NULL);
    cmd_assert_exit(ok, 0);
    /* a card of another subsystem (same chip, another board) is not it */
    g_autofree char *subsys_attr = g_strdup_printf("subsystem_product=%c", q);
    const char *at = strstr(back, subsys_attr);
    if (at) {
        GString *other = g_string_new(back);
        gsize off = (gsize)(at - back) + strlen(subsys_attr);
        g_string_overwrite(other, off, "0xdead");
        g_assert_true(g_file_set_contents(path, other->str, -1, NULL));
        g_string_free(other, TRUE);
        g_autofree char *again = virsh("define", path, NULL);
        g_assert_nonnull(again);
        g_autoptr(CmdResult) replaced = vh("verify", name, NULL);
        cmd_assert_exit(replaced, 1);
        g_autofree char *rline = g_strdup_printf("%s  replaced", dev);
        cmd_assert_contains(replaced->out, rline);
    }
    g_autofree char *out = virsh("undefine", name, NULL);
    g_assert_nonnull(out);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    daemon_setup(FALSE);
    g_test_add_func("/daemon/index-placements", test_index_placements);
    g_test_add_func("/daemon/corpus-defines", test_corpus_defines);
    g_test_add_func("/daemon/identity-remap", test_identity_remap);
    int rc = g_test_run();
    daemon_teardown();
    return rc;
}
