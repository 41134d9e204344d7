/* Issue 14, part 2: device identity recorded by add in <metadata>, verify
 * and remap. Real test-driver hosts in pairs, before and after a change:
 * host.xml / host-renumbered.xml (the GPU's and the NIC's buses shifted by
 * a card added ahead of them) and host-twins.xml / host-twins-after.xml
 * (two ConnectX-5 with VPD serials swapped, one 82574L become two, an HBA
 * replaced by an NVMe drive, a NIC gone). */
#include <glib/gstdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "jsonschema.h"
#include "testutil.h"

static char *slurp(const char *path)
{
    char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

/* virt-hostdev -c test:///HOST ARGS... with exit CODE; stdout returned. */
static char *on(const char *host, int code, const char *first, ...) G_GNUC_NULL_TERMINATED G_GNUC_WARN_UNUSED_RESULT;
static char *on(const char *host, int code, const char *first, ...)
{
    g_autofree char *uri = test_driver_uri(host);
    const char *prefix[] = { "-c", uri, NULL };
    va_list ap;
    va_start(ap, first);
    g_autoptr(GPtrArray) argv = test_argv_va(prefix, first, ap);
    va_end(ap);
    g_autoptr(CmdResult) r = cmd_runv(NULL, NULL, (const char *const *)argv->pdata);
    g_test_message("%s -> %d\n%s%s", first, r->rc, r->out, r->err);
    cmd_assert_exit(r, code);
    return g_steal_pointer(&r->out);
}

/* The output of a command written to a scratch file NAME; its path. */
static char *save(const char *name, const char *text)
{
    char *path = g_build_filename(test_tmpdir(), name, NULL);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* guest-q35.xml with the GPU's four functions and the 82576's first port
 * added from host.xml, identities recorded. */
static char *gpu_and_nic(const char *name)
{
    g_autofree char *base = test_data_path("domain/guest-q35.xml");
    g_autofree char *one = on("host.xml", 0, "add", "--file", base, "01:00.0", "--all-functions", "--guest-address",
                              "auto", NULL);
    g_autofree char *tmp = save("gpu.xml", one);
    g_autofree char *two = on("host.xml", 0, "add", "--file", tmp, "03:00.0", "--alias", "nic", NULL);
    return save(name, two);
}

/* The statuses of a verify --json document, "SOURCE=STATUS[>NOW]" joined. */
static char *statuses(const char *json)
{
    g_autoptr(JsonNode) root = json_schema_assert_output("verify", json);
    JsonArray *a = json_node_get_array(json_pointer_get(root, "/hostdevs"));
    g_autoptr(GString) s = g_string_new(NULL);
    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonObject *o = json_array_get_object_element(a, i);
        const char *now = json_object_get_string_member(o, "now");
        g_string_append_printf(s, "%s%s=%s%s%s", i ? " " : "", json_object_get_string_member(o, "source"),
                               json_object_get_string_member(o, "status"), now ? ">" : "", now ? now : "");
        JsonArray *c = json_object_get_array_member(o, "candidates");
        for (guint k = 0; k < json_array_get_length(c); k++)
            g_string_append_printf(s, "%s%s", k ? "|" : "[", json_array_get_string_element(c, k));
        if (json_array_get_length(c))
            g_string_append(s, "]");
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

/* ---- what add records, and remove takes away ---- */

static void test_add_records(void)
{
    g_autofree char *base = test_data_path("domain/guest-minimal.xml");
    g_autofree char *nodedev = test_data_path("nodedev/pci_0000_03_00_0.xml");
    g_autofree char *orig = slurp(base);
    g_autofree char *added = on("host.xml", 0, "-q", "add", "--file", base, nodedev, "--alias", "nic", NULL);
    /* one element of ours, after <uuid>, where libvirt writes <metadata> */
    g_assert_cmpuint(test_count(added, "<metadata>"), ==, 1);
    g_assert_cmpuint(test_count(added, "<vh:hostdevs xmlns:vh='http://virt-hostdev.org/xmlns/identity/1.0'>"), ==, 1);
    cmd_assert_contains(added, "</uuid>\n  <metadata>\n    <vh:hostdevs");
    cmd_assert_contains(added, "<vh:hostdev source='0000:03:00.0' alias='ua-nic' vendor='0x8086' product='0x10c9' "
                               "class='0x020000' iommu_group='15' group_size='2' slot_functions='2' "
                               "sysfs='/sys/devices/pci0000:00/0000:00:1c.0/0000:03:00.0'/>");
    /* a second add joins the same element */
    g_autofree char *first = save("one.xml", added);
    g_autofree char *both = on("host.xml", 0, "-q", "add", "--file", first, "03:00.1", NULL);
    g_assert_cmpuint(test_count(both, "<vh:hostdevs "), ==, 1);
    g_assert_cmpuint(test_count(both, "<vh:hostdev "), ==, 2);
    /* remove drops entries one by one; the last takes <metadata> with it:
     * the document is the original again, byte for byte */
    g_autofree char *second = save("two.xml", both);
    g_autofree char *less = on("host.xml", 0, "-q", "remove", "--file", second, "03:00.0", NULL);
    g_assert_cmpuint(test_count(less, "<vh:hostdev "), ==, 1);
    cmd_assert_lacks(less, "source='0000:03:00.0'");
    g_autofree char *third = save("three.xml", less);
    g_autofree char *none = on("host.xml", 0, "-q", "remove", "--file", third, "03:00.1", NULL);
    g_assert_cmpstr(none, ==, orig);
}

/* A <metadata> of someone else's gets our element as its last child; an
 * address typed on the command line says nothing to record. */
static void test_add_existing_metadata(void)
{
    g_autofree char *base = test_data_path("domain/guest-q35.xml");
    g_autofree char *orig = slurp(base);
    g_autofree char *added = on("host.xml", 0, "-q", "add", "--file", base, "03:00.0", NULL);
    g_assert_cmpuint(test_count(added, "<metadata>"), ==, 1);
    cmd_assert_contains(added, "</libosinfo:libosinfo>\n    <vh:hostdevs xmlns:vh=");
    g_autofree char *path = save("q35.xml", added);
    g_autofree char *back = on("host.xml", 0, "-q", "remove", "--file", path, "03:00.0", NULL);
    g_assert_cmpstr(back, ==, orig);

    const char *argv[] = { "-q", "add", "--file", base, "03:00.0", NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint(test_run(argv, NULL, &out, &err), ==, 0);
    cmd_assert_lacks(out, "vh:hostdev");
}

/* ---- verify and remap on a renumbered host ---- */

static void test_verify_renumbered(void)
{
    g_autofree char *path = gpu_and_nic("renumbered.xml");
    g_autofree char *same = on("host.xml", 0, "--json", "verify", "--file", path, NULL);
    g_autofree char *st = statuses(same);
    g_assert_cmpstr(st, ==, "0000:01:00.0=ok 0000:01:00.1=ok 0000:01:00.2=ok 0000:01:00.3=ok 0000:03:00.0=ok");
    g_autofree char *after = on("host-renumbered.xml", 1, "--json", "verify", "--file", path, NULL);
    g_autofree char *st2 = statuses(after);
    g_assert_cmpstr(st2, ==, "0000:01:00.0=moved>0000:02:00.0 0000:01:00.1=moved>0000:02:00.1 "
                             "0000:01:00.2=moved>0000:02:00.2 0000:01:00.3=moved>0000:02:00.3 "
                             "0000:03:00.0=moved>0000:04:00.0");
    g_autofree char *table = on("host-renumbered.xml", 1, "verify", "--file", path, NULL);
    cmd_assert_contains(table, "0000:03:00.0  moved      0000:04:00.0  8086:10c9 (ua-nic)\n");
}

static void test_remap_renumbered(void)
{
    g_autofree char *path = gpu_and_nic("remap.xml");
    g_autofree char *orig = slurp(path);
    /* --dry-run and --diff change nothing */
    g_autofree char *doc = on("host-renumbered.xml", 0, "-q", "remap", "--file", path, "--dry-run", NULL);
    g_autofree char *diff = on("host-renumbered.xml", 0, "-q", "remap", "--file", path, "--diff", NULL);
    g_autofree char *still = slurp(path);
    g_assert_cmpstr(still, ==, orig);
    /* only the source addresses and our entries change: 5 sources, 5 entries */
    g_assert_cmpuint(test_count(diff, "\n-  "), ==, 10);
    g_assert_cmpuint(test_count(diff, "\n+  "), ==, 10);
    cmd_assert_contains(diff, "-        <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
                              "+        <address domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>\n"
                              "       </source>\n"
                              "       <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0' "
                              "multifunction='on'/>\n");
    cmd_assert_contains(diff, "+      <vh:hostdev source='0000:04:00.0' alias='ua-nic' ");
    g_free(on("host-renumbered.xml", 0, "-q", "remap", "--file", path, "--in-place", NULL));
    g_autofree char *now = slurp(path);
    g_assert_cmpstr(now, ==, doc);
    g_autofree char *v = on("host-renumbered.xml", 0, "--json", "verify", "--file", path, NULL);
    g_autofree char *st = statuses(v);
    g_assert_cmpstr(st, ==, "0000:02:00.0=ok 0000:02:00.1=ok 0000:02:00.2=ok 0000:02:00.3=ok 0000:04:00.0=ok");
    /* and back on the old host: moved again, to where they were */
    g_autofree char *back = on("host.xml", 0, "-q", "remap", "--file", path, NULL);
    g_assert_cmpstr(back, ==, orig);
}

/* An <interface type='hostdev'> written by hand: double quotes, blanks
 * around '=', no domain attribute; remap changes the values only. */
static void test_remap_interface_bytes(void)
{
    static const char doc[] =
        "<domain type=\"kvm\">\n"
        "  <name>vf</name>\n"
        "  <metadata>\n"
        "    <vh:hostdevs xmlns:vh=\"http://virt-hostdev.org/xmlns/identity/1.0\">\n"
        "      <vh:hostdev source=\"0000:03:00.0\" vendor=\"0x8086\" product=\"0x10c9\" group_size=\"2\"/>\n"
        "    </vh:hostdevs>\n"
        "  </metadata>\n"
        "  <os><type arch=\"x86_64\" machine=\"q35\">hvm</type></os>\n"
        "  <devices>\n"
        "    <interface type=\"hostdev\" managed=\"yes\">\n"
        "      <source>\n"
        "        <address type=\"pci\" bus = \"0x03\"  slot=\"0\" function=\"0x0\"/>\n"
        "      </source>\n"
        "      <mac address=\"52:54:00:6d:90:02\"/>\n"
        "    </interface>\n"
        "  </devices>\n"
        "</domain>\n";
    g_autofree char *path = save("vf.xml", doc);
    g_autofree char *json = on("host-renumbered.xml", 1, "--json", "verify", "--file", path, NULL);
    g_autofree char *st = statuses(json);
    g_assert_cmpstr(st, ==, "0000:03:00.0=moved>0000:04:00.0");
    g_autofree char *out = on("host-renumbered.xml", 0, "-q", "remap", "--file", path, NULL);
    g_autoptr(GString) want = g_string_new(doc);
    g_string_replace(want, "bus = \"0x03\"  slot=\"0\"", "bus = \"0x04\"  slot=\"0x00\"", 1);
    g_string_replace(want, "<vh:hostdev source=\"0000:03:00.0\" vendor=\"0x8086\" product=\"0x10c9\" group_size=\"2\"/>",
                     "<vh:hostdev source='0000:04:00.0' vendor='0x8086' product='0x10c9' class='0x020000' "
                     "iommu_group='15' group_size='2' slot_functions='2' "
                     "sysfs='/sys/devices/pci0000:00/0000:00:1c.0/0000:04:00.0'/>", 1);
    g_assert_cmpstr(out, ==, want->str);
}

/* ---- serials, twins, replaced and missing devices ---- */

static char *twins(const char *name)
{
    g_autofree char *base = test_data_path("domain/guest-q35.xml");
    g_autofree char *out = on("host-twins.xml", 0, "-q", "add", "--file", base, "05:00.0", "06:00.0", "07:00.0",
                              "0a:00.0", "0b:00.0", "0c:00.0", "--guest-address", "auto", NULL);
    cmd_assert_contains(out, "serial='MT1001X00001'");
    return save(name, out);
}

static void test_verify_twins(void)
{
    g_autofree char *path = twins("twins.xml");
    g_autofree char *json = on("host-twins-after.xml", 1, "--json", "verify", "--file", path, NULL);
    g_autofree char *st = statuses(json);
    g_assert_cmpstr(st, ==, "0000:05:00.0=moved>0000:06:00.0 0000:06:00.0=moved>0000:05:00.0 "
                            "0000:07:00.0=ambiguous[0000:08:00.0|0000:09:00.0] 0000:0a:00.0=replaced "
                            "0000:0b:00.0=missing 0000:0c:00.0=ok");
    g_autofree char *table = on("host-twins-after.xml", 1, "verify", "--file", path, NULL);
    cmd_assert_contains(table, "0000:0a:00.0  replaced   -             1000:0097; there now: 144d:a808\n");
}

static void test_remap_twins(void)
{
    g_autofree char *path = twins("remap-twins.xml");
    g_autofree char *orig = slurp(path);
    g_autoptr(CmdResult) r = NULL;
    {
        g_autofree char *uri = test_driver_uri("host-twins-after.xml");
        r = cmd_run(NULL, NULL, "-c", uri, "-q", "remap", "--file", path, "--in-place", NULL);
    }
    /* the cards that moved are rewritten; the others are named and left */
    g_assert_cmpint(r->rc, ==, 1);
    cmd_assert_contains(r->err, "virt-hostdev: error: ");
    cmd_assert_contains(r->err, "0000:07:00.0 ambiguous (0000:08:00.0 or 0000:09:00.0: refusing to guess)");
    cmd_assert_contains(r->err, "0000:0a:00.0 replaced");
    cmd_assert_contains(r->err, "0000:0b:00.0 missing");
    g_autofree char *now = slurp(path);
    g_assert_cmpstr(now, !=, orig);
    g_autofree char *json = on("host-twins-after.xml", 1, "--json", "verify", "--file", path, NULL);
    g_autofree char *st = statuses(json);
    g_assert_cmpstr(st, ==, "0000:06:00.0=ok 0000:05:00.0=ok 0000:07:00.0=ambiguous[0000:08:00.0|0000:09:00.0] "
                            "0000:0a:00.0=replaced 0000:0b:00.0=missing 0000:0c:00.0=ok");
}

/* A remap that would give two hostdevs one device is refused, nothing
 * written: here the card recorded at 05 is now at 06, which a hostdev
 * added by another tool (nothing recorded) already holds. */
static void test_remap_refuses_duplicate(void)
{
    g_autofree char *base = test_data_path("domain/guest-q35.xml");
    g_autofree char *one = on("host-twins.xml", 0, "-q", "add", "--file", base, "05:00.0", NULL);
    g_autofree char *tmp = save("dup1.xml", one);
    const char *argv[] = { "-q", "add", "--file", tmp, "06:00.0", NULL };
    g_autofree char *two = NULL, *err = NULL;
    g_assert_cmpint(test_run(argv, NULL, &two, &err), ==, 0);
    g_autofree char *path = save("dup.xml", two);
    g_autofree char *uri = test_driver_uri("host-twins-after.xml");
    g_autoptr(CmdResult) r = cmd_run(NULL, NULL, "-c", uri, "remap", "--file", path, "--in-place", NULL);
    cmd_assert_error(r, 1, "the remap would leave the domain invalid", "0000:06:00.0", NULL);
    g_autofree char *now = slurp(path);
    g_assert_cmpstr(now, ==, two);
}

/* ---- unknown hostdevs, --record, domains through libvirt ---- */

static void test_record(void)
{
    g_autofree char *base = test_data_path("domain/guest-minimal.xml");
    const char *argv[] = { "-q", "add", "--file", base, "03:00.1", NULL };
    g_autofree char *doc = NULL, *err = NULL;
    g_assert_cmpint(test_run(argv, NULL, &doc, &err), ==, 0);
    g_autofree char *path = save("unknown.xml", doc);
    g_autofree char *json = on("host.xml", 1, "--json", "verify", "--file", path, NULL);
    g_autofree char *st = statuses(json);
    g_assert_cmpstr(st, ==, "0000:03:00.1=unknown");
    /* --record rewrites the file; the report is of what it holds now */
    g_autofree char *rec = on("host.xml", 0, "--json", "verify", "--file", path, "--record", NULL);
    g_autofree char *st2 = statuses(rec);
    g_assert_cmpstr(st2, ==, "0000:03:00.1=ok");
    g_autofree char *now = slurp(path);
    cmd_assert_contains(now, "<vh:hostdev source='0000:03:00.1' vendor='0x8086' product='0x10c9'");
    /* the rest of the file is as it was */
    g_autofree char *plain = on("host.xml", 0, "-q", "remove", "--file", path, "03:00.1", NULL);
    g_autofree char *orig = slurp(base);
    g_assert_cmpstr(plain, ==, orig);
}

/* web1 in host.xml holds 03:00.1 (alias ua-uplink), added by another tool. */
static void test_domain(void)
{
    g_autofree char *json = on("host.xml", 1, "--json", "verify", "web1", NULL);
    g_autoptr(JsonNode) root = json_schema_assert_output("verify", json);
    g_assert_cmpstr(json_node_get_string(json_pointer_get(root, "/domain")), ==, "web1");
    g_assert_cmpstr(json_node_get_string(json_pointer_get(root, "/hostdevs/0/alias")), ==, "ua-uplink");
    g_autofree char *st = statuses(json);
    g_assert_cmpstr(st, ==, "0000:03:00.1=unknown");
    /* --record defines the domain, and reports what the definition read
     * back holds (the test driver keeps it for this connection) */
    g_autofree char *uri = test_driver_uri("host.xml");
    g_autoptr(CmdResult) r = cmd_run(NULL, NULL, "-c", uri, "--json", "verify", "web1", "--record", NULL);
    cmd_assert_exit(r, 0);
    cmd_assert_contains(r->err, "defined domain 'web1'");
    g_autofree char *st2 = statuses(r->out);
    g_assert_cmpstr(st2, ==, "0000:03:00.1=ok");
    /* (each run is a new test-driver connection: nothing recorded again) */
    g_autoptr(CmdResult) m = cmd_run(NULL, NULL, "-c", uri, "-q", "remap", "web1", NULL);
    cmd_assert_error(m, 1, "domain 'web1': left as they are: 0000:03:00.1 unknown", NULL);

    /* host-renumbered.xml's web1 has its identity recorded: the NIC is on
     * bus 04 now; remap defines the domain and checks the definition read
     * back (verify on it: ok) */
    g_autofree char *moved = on("host-renumbered.xml", 1, "--json", "verify", "web1", NULL);
    g_autofree char *st3 = statuses(moved);
    g_assert_cmpstr(st3, ==, "0000:03:00.1=moved>0000:04:00.1");
    g_autofree char *renumbered = test_driver_uri("host-renumbered.xml");
    g_autoptr(CmdResult) d = cmd_run(NULL, NULL, "-c", renumbered, "remap", "web1", NULL);
    cmd_assert_exit(d, 0);
    cmd_assert_contains(d->err, "domain 'web1': 0000:03:00.1 is now 0000:04:00.1\n");
    cmd_assert_contains(d->err, "defined domain 'web1'");
    g_autoptr(CmdResult) n = cmd_run(NULL, NULL, "-c", renumbered, "remap", "web1", "--diff", NULL);
    cmd_assert_exit(n, 0);
    cmd_assert_contains(n->out, "-        <address domain='0x0000' bus='0x03' slot='0x00' function='0x1'/>\n"
                                "+        <address domain='0x0000' bus='0x04' slot='0x00' function='0x1'/>\n");
}

/* ---- bad input: the message, the exit code, nothing changed ---- */

static void test_bad_input(void)
{
    g_autofree char *uri = test_driver_uri("host.xml");
    g_autofree char *path = gpu_and_nic("bad.xml");
    g_autofree char *orig = slurp(path);
    struct {
        const char *args[6];
        int code;
        const char *needle;
    } cases[] = {
        { { "verify", NULL }, 2, "verify needs a DOMAIN or --file FILE" },
        { { "verify", "web1", "--file", path, NULL }, 2, "give either DOMAIN or --file, not both ('web1')" },
        { { "remap", "web1", "win11", NULL }, 2, "remap takes one DOMAIN ('win11' is one too many)" },
        { { "remap", "web1", "--in-place", NULL }, 2, "--in-place and --backup apply to --file" },
        { { "remap", "--file", path, "--diff", "--in-place", NULL }, 2, "--dry-run and --diff change nothing" },
        { { "verify", "--file", "-", "--record", NULL }, 2, "--record rewrites the file" },
        { { "verify", "--file", "/nonexistent/x.xml", NULL }, 2, "/nonexistent/x.xml" },
        { { "verify", "no-such-domain", NULL }, 1, "no-such-domain" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *prefix[] = { "-c", uri, NULL };
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        for (guint k = 0; prefix[k]; k++)
            g_ptr_array_add(argv, (gpointer)prefix[k]);
        for (guint k = 0; cases[i].args[k]; k++)
            g_ptr_array_add(argv, (gpointer)cases[i].args[k]);
        g_ptr_array_add(argv, NULL);
        g_autoptr(CmdResult) r = cmd_runv(NULL, NULL, (const char *const *)argv->pdata);
        cmd_assert_error(r, cases[i].code, cases[i].needle, NULL);
    }
    /* an entry of ours that does not read is an input error naming it */
    g_autofree char *broken_text = g_strdup(orig);
    char *at = strstr(broken_text, "source='0000:03:00.0' alias");
    g_assert_nonnull(at);
    memcpy(at, "source='0000:zz:00.0' alias", strlen("source='0000:zz:00.0' alias"));
    g_autofree char *broken = save("broken.xml", broken_text);
    g_autoptr(CmdResult) r = cmd_run(NULL, NULL, "-c", uri, "remap", "--file", broken, "--in-place", NULL);
    cmd_assert_error(r, 2, "broken.xml: <metadata> of virt-hostdev", NULL);
    g_autofree char *after = slurp(broken);
    g_assert_cmpstr(after, ==, broken_text);
    g_autofree char *same = slurp(path);
    g_assert_cmpstr(same, ==, orig);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/identity/add-records", test_add_records);
    g_test_add_func("/identity/add-existing-metadata", test_add_existing_metadata);
    g_test_add_func("/identity/verify-renumbered", test_verify_renumbered);
    g_test_add_func("/identity/remap-renumbered", test_remap_renumbered);
    g_test_add_func("/identity/remap-interface-bytes", test_remap_interface_bytes);
    g_test_add_func("/identity/verify-twins", test_verify_twins);
    g_test_add_func("/identity/remap-twins", test_remap_twins);
    g_test_add_func("/identity/remap-refuses-duplicate", test_remap_refuses_duplicate);
    g_test_add_func("/identity/record", test_record);
    g_test_add_func("/identity/domain", test_domain);
    g_test_add_func("/identity/bad-input", test_bad_input);
    return g_test_run();
}
