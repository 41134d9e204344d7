/* Domain documents: byte-preserving insert/remove, pinning, allocation. */
#include <string.h>

#include "diff.h"
#include "domedit.h"
#include "errors.h"
#include "testutil.h"
#include "validate.h"
#include "xmlutil.h"

typedef struct {
    char *data;
    gsize len;
    DomDoc *dd;
    GString *notes;
    HostdevOpts opts;
} Fixture;

static void fixture_load(Fixture *f, const char *domain)
{
    g_autofree char *rel = g_strdup_printf("domain/%s.xml", domain);
    f->data = test_data_read(rel, &f->len);
    g_autoptr(GError) error = NULL;
    f->dd = domdoc_parse(f->data, f->len, rel, &error);
    g_assert_no_error(error);
    f->notes = g_string_new(NULL);
    hostdev_opts_init(&f->opts);
}

static void fixture_clear(Fixture *f)
{
    g_free(f->data);
    domdoc_free(f->dd);
    g_string_free(f->notes, TRUE);
    hostdev_opts_clear(&f->opts);
}

static GPtrArray *specs(const char *first, ...)
{
    GPtrArray *devices = g_ptr_array_new_with_free_func((GDestroyNotify)nodedev_free);
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *)) {
        Nodedev *dev = nodedev_from_spec(s, NULL);
        g_assert_nonnull(dev);
        g_ptr_array_add(devices, dev);
    }
    va_end(ap);
    return devices;
}

static gboolean add(Fixture *f, GPtrArray *devices, const char *guest, gboolean all, GError **error)
{
    GuestPlacement p;
    g_assert_true(guest_placement_parse(guest, &p, NULL));
    return domedit_add(f->dd, devices, &f->opts, &p, all, FALSE, f->notes, NULL, error);
}

static char *rendered(Fixture *f)
{
    gsize len;
    return domdoc_render(f->dd, &len);
}

/* The lines of NEW that OLD does not have, in order (the '+' lines of the
 * unified diff; the test fails on any removed line). */
static char *added_lines(const char *old_text, const char *new_text)
{
    g_autofree char *diff = diff_unified(old_text, strlen(old_text), new_text, strlen(new_text), "a", "b", 0);
    GString *out = g_string_new(NULL);
    g_auto(GStrv) lines = g_strsplit(diff, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (g_str_has_prefix(*l, "+++") || g_str_has_prefix(*l, "---"))
            continue;
        g_assert_false((*l)[0] == '-');
        if ((*l)[0] == '+')
            g_string_append_printf(out, "%s\n", *l + 1);
    }
    return g_string_free(out, FALSE);
}

static void test_i440fx_insert_after_last_hostdev(void)
{
    Fixture f;
    fixture_load(&f, "guest-i440fx");
    g_autoptr(GPtrArray) devs = specs("0000:03:00.0", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(add(&f, devs, NULL, FALSE, &error));
    g_autofree char *out = rendered(&f);
    g_autofree char *added = added_lines(f.data, out);
    /* exactly the block, indented like its siblings (4 spaces + 2 per level) */
    g_assert_cmpstr(added, ==,
                    "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
                    "      <source>\n"
                    "        <address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>\n"
                    "      </source>\n"
                    "    </hostdev>\n");
    /* right after the existing hostdev, before memballoon */
    const char *existing = strstr(out, "bus='0x06' slot='0x00'");
    const char *ours = strstr(out, "bus='0x03' slot='0x00' function='0x0'/>\n      </source>");
    g_assert_true(existing && ours && existing < ours && ours < strstr(out, "<memballoon"));
    fixture_clear(&f);
}

static void test_round_trip(gconstpointer name)
{
    Fixture f;
    fixture_load(&f, name);
    g_autoptr(GPtrArray) devs = specs("0000:7f:00.0", "usb:046d:c52b", "4b20d080-1b54-4048-85b3-a6a62d165c01", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(add(&f, devs, NULL, FALSE, &error));
    gsize len;
    g_autofree char *out = domdoc_render(f.dd, &len);
    g_autoptr(DomDoc) again = domdoc_parse(out, len, name, &error);
    g_assert_no_error(error);
    g_assert_true(domedit_remove(again, &(RemoveMatch){ .devices = devs }, FALSE, f.notes, NULL, &error));
    g_autofree char *back = domdoc_render(again, &len);
    g_assert_cmpuint(len, ==, f.len);
    g_assert_cmpstr(back, ==, f.data);
    fixture_clear(&f);
}

static void test_tabs_indentation(void)
{
    Fixture f;
    fixture_load(&f, "guest-tabs");
    g_autoptr(GPtrArray) devs = specs("0000:03:00.0", NULL);
    g_assert_true(add(&f, devs, NULL, FALSE, NULL));
    g_autofree char *out = rendered(&f);
    g_autofree char *added = added_lines(f.data, out);
    g_assert_nonnull(strstr(added, "\t\t<hostdev mode='subsystem' type='pci' managed='yes'>\n\t\t\t<source>\n"));
    fixture_clear(&f);
}

static void test_first_hostdev_goes_before_memballoon(void)
{
    Fixture f;
    fixture_load(&f, "guest-minimal");
    g_autoptr(GPtrArray) devs = specs("0000:03:00.0", NULL);
    g_assert_true(add(&f, devs, NULL, FALSE, NULL));
    g_autofree char *out = rendered(&f);
    const char *hostdev = strstr(out, "<hostdev");
    g_assert_nonnull(hostdev);
    g_assert_true(hostdev > strstr(out, "</disk>") && hostdev < strstr(out, "<memballoon"));
    fixture_clear(&f);
}

static void test_explicit_collision(void)
{
    Fixture f;
    fixture_load(&f, "guest-i440fx");
    g_autoptr(GPtrArray) devs = specs("0000:03:00.0", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_false(add(&f, devs, "00:04.0", FALSE, &error));
    g_assert_error(error, VH_ERROR, VH_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "0000:00:04.0 is already used by disk 'vda'"));
    g_assert_false(domdoc_changed(f.dd));
    fixture_clear(&f);
}

static void test_explicit_free(void)
{
    Fixture f;
    fixture_load(&f, "guest-i440fx");
    g_autoptr(GPtrArray) devs = specs("0000:03:00.0", NULL);
    g_assert_true(add(&f, devs, "0000:00:10.0", FALSE, NULL));
    g_autofree char *out = rendered(&f);
    g_assert_nonnull(strstr(out, "<address type='pci' domain='0x0000' bus='0x00' slot='0x10' function='0x0'/>"));
    fixture_clear(&f);
}

static void test_duplicate_refused(void)
{
    Fixture f;
    fixture_load(&f, "guest-i440fx");
    g_autoptr(GPtrArray) devs = specs("06:00.0", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_false(add(&f, devs, NULL, FALSE, &error));
    g_assert_nonnull(strstr(error->message, "already has 0000:06:00.0"));
    g_assert_false(domdoc_changed(f.dd));
    fixture_clear(&f);

    fixture_load(&f, "guest-i440fx");
    g_autoptr(GPtrArray) twice = specs("03:00.0", "0000:03:00.0", NULL);
    g_clear_error(&error);
    g_assert_false(add(&f, twice, NULL, FALSE, &error));
    g_assert_nonnull(strstr(error->message, "given twice"));
    fixture_clear(&f);
}

/* one pass over the held sources serves every new device, of every kind */
static void test_duplicate_kinds(void)
{
    static const char *const doc =
        "<domain type='kvm'>\n  <name>d</name>\n  <devices>\n"
        "    <hostdev mode='subsystem' type='usb' managed='yes'>\n"
        "      <source><vendor id='0x046d'/><product id='0xc52b'/></source>\n    </hostdev>\n"
        "    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>\n"
        "      <source><address uuid='4B20D080-1B54-4048-85B3-A6A62D165C01'/></source>\n    </hostdev>\n"
        "    <interface type='hostdev' managed='yes'>\n"
        "      <source><address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x2'/></source>\n"
        "    </interface>\n"
        "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
        "      <source><address domain='0x0000' bus='0x06' slot='0x00' function='0x0'/></source>\n    </hostdev>\n"
        "  </devices>\n</domain>\n";
    static const struct {
        const char *spec;
        const char *message;
    } cases[] = {
        { "usb:046d:c52b", "already has usb 046d:c52b: hostdev usb 046d:c52b (line 4)" },
        { "4b20d080-1b54-4048-85b3-a6a62d165c01", "(line 7)" },
        { "03:10.2", "already has 0000:03:10.2: interface type='hostdev' (line 10)" },
        { "06:00.0", "already has 0000:06:00.0: hostdev 0000:06:00.0 (line 13)" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(DomDoc) dd = domdoc_parse(doc, strlen(doc), "d.xml", &error);
        g_assert_no_error(error);
        /* the held device named second, after a free one */
        g_autoptr(GPtrArray) devs = specs("0000:07:00.0", cases[i].spec, NULL);
        HostdevOpts opts;
        hostdev_opts_init(&opts);
        GuestPlacement p = { GUEST_NONE, { 0 } };
        g_autoptr(GString) notes = g_string_new(NULL);
        g_assert_false(domedit_add(dd, devs, &opts, &p, FALSE, FALSE, notes, NULL, &error));
        g_assert_nonnull(error);
        if (strstr(error->message, cases[i].message) == NULL)
            g_error("%s: got '%s'", cases[i].spec, error->message);
        g_assert_false(domdoc_changed(dd));
        hostdev_opts_clear(&opts);
    }
}

/* attribute access without copies agrees with libxml2's own */
static void test_prop_ref(void)
{
    static const char *const doc = "<a x='1' e='' c='&#x41;B' xmlns:n='urn:n' n:y='ns'><b/></a>";
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) xd = vh_xml_parse(doc, strlen(doc), "a", &error);
    g_assert_no_error(error);
    xmlNode *a = xmlDocGetRootElement(xd);
    g_autofree char *copy = NULL;
    g_assert_cmpstr(vh_xml_prop_ref(a, "x", &copy), ==, "1");
    g_assert_cmpstr(vh_xml_prop_ref(a, "e", &copy), ==, "");
    g_assert_cmpstr(vh_xml_prop_ref(a, "c", &copy), ==, "AB");
    g_assert_null(vh_xml_prop_ref(a, "y", &copy));   /* namespaced: not a plain attribute */
    g_assert_null(vh_xml_prop_ref(a, "z", &copy));
    g_assert_null(vh_xml_prop_ref(NULL, "x", &copy));
    g_assert_true(vh_xml_prop_is(a, "x", "1"));
    g_assert_false(vh_xml_prop_is(a, "x", "2"));
    g_assert_true(vh_xml_prop_is(a, "z", NULL));
    g_assert_true(vh_xml_prop_is(a, "c", "AB"));
    g_assert_true(vh_xml_prop_is(vh_xml_child(a, "b"), "x", NULL));
    for (const char *const *n = (const char *const[]){ "x", "e", "c", "y", "z", NULL }; *n; n++) {
        g_autofree char *v = vh_xml_prop(a, *n);
        g_assert_true(vh_xml_prop_is(a, *n, v));
    }
}

/* several entries naming one element remove it once; each entry must match */
static void test_remove_entries(void)
{
    Fixture f;
    fixture_load(&f, "guest-i440fx");
    g_autoptr(GPtrArray) devs = specs("06:00.0", NULL);
    g_autoptr(GArray) guests = g_array_new(FALSE, FALSE, sizeof(PciAddr));
    PciAddr g = { 0, 0, 6, 0 };
    g_array_append_val(guests, g);
    g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func((GDestroyNotify)removed_device_free);
    g_autoptr(GError) error = NULL;
    g_assert_true(domedit_remove(f.dd, &(RemoveMatch){ .devices = devs, .guest_addrs = guests }, FALSE, f.notes, removed,
                                 &error));
    g_assert_no_error(error);
    g_assert_cmpuint(removed->len, ==, 1);
    g_assert_true(g_str_has_prefix(((RemovedDevice *)removed->pdata[0])->xml, "<hostdev mode='subsystem'"));
    g_autofree char *out = rendered(&f);
    g_assert_null(strstr(out, "<hostdev"));
    fixture_clear(&f);

    fixture_load(&f, "guest-i440fx");
    g_autoptr(GPtrArray) two = specs("06:00.0", "07:00.0", NULL);
    g_assert_false(domedit_remove(f.dd, &(RemoveMatch){ .devices = two }, FALSE, f.notes, NULL, &error));
    g_assert_nonnull(strstr(error->message, "has no host device 0000:07:00.0"));
    g_assert_false(domdoc_changed(f.dd));
    fixture_clear(&f);
}

static void test_remove_missing(void)
{
    Fixture f;
    fixture_load(&f, "guest-i440fx");
    g_autoptr(GPtrArray) devs = specs("0000:09:00.0", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_false(domedit_remove(f.dd, &(RemoveMatch){ .devices = devs }, FALSE, f.notes, NULL, &error));
    g_assert_nonnull(strstr(error->message, "has no host device 0000:09:00.0"));
    fixture_clear(&f);
}

static void test_auto_i440fx(void)
{
    Fixture f;
    fixture_load(&f, "guest-i440fx");
    g_autoptr(GPtrArray) devs = specs("0000:03:00.0", "0000:03:00.1", NULL);
    g_assert_true(add(&f, devs, "auto", FALSE, NULL));
    /* slots 0-2 reserved, 3-7 used by the fixture's devices */
    g_assert_nonnull(strstr(f.notes->str, "0000:03:00.0: guest address 0000:00:08.0"));
    g_assert_nonnull(strstr(f.notes->str, "0000:03:00.1: guest address 0000:00:09.0"));
    fixture_clear(&f);
}

static void test_auto_q35_free_port(void)
{
    Fixture f;
    fixture_load(&f, "guest-q35");
    g_autoptr(GPtrArray) devs = specs("0000:03:00.0", NULL);
    g_assert_true(add(&f, devs, "auto", FALSE, NULL));
    g_assert_nonnull(strstr(f.notes->str, "guest address 0000:05:00.0"));
    g_assert_null(strstr(f.notes->str, "pcie-root-port"));
    fixture_clear(&f);
}

static void test_auto_q35_adds_port(void)
{
    Fixture f;
    fixture_load(&f, "guest-q35-full");
    g_autoptr(GPtrArray) devs = specs("0000:03:00.0", "0000:03:00.1", NULL);
    g_assert_true(add(&f, devs, "auto", FALSE, NULL));
    g_autofree char *out = rendered(&f);
    g_assert_nonnull(strstr(out, "<controller type='pci' index='6' model='pcie-root-port'/>"));
    g_assert_nonnull(strstr(out, "<controller type='pci' index='7' model='pcie-root-port'/>"));
    g_assert_nonnull(strstr(out, "bus='0x06' slot='0x00' function='0x0'/>\n    </hostdev>"));
    g_assert_nonnull(strstr(out, "bus='0x07' slot='0x00' function='0x0'/>\n    </hostdev>"));
    /* the controllers go with the other controllers */
    g_assert_true(strstr(out, "index='6' model='pcie-root-port'") < strstr(out, "<interface"));
    g_autoptr(DomDoc) result = domdoc_parse(out, strlen(out), "result", NULL);
    g_assert_true(validate_domain_schema(domdoc_xml(result), "result", NULL));
    fixture_clear(&f);
}

static void test_multifunction_auto(void)
{
    Fixture f;
    fixture_load(&f, "guest-q35");
    g_autoptr(GPtrArray) devs = specs("01:00.0", "01:00.1", "01:00.2", "01:00.3", NULL);
    /* --all-functions without an address still keeps the functions together */
    g_assert_true(add(&f, devs, NULL, TRUE, NULL));
    g_autofree char *out = rendered(&f);
    g_assert_nonnull(strstr(out, "bus='0x05' slot='0x00' function='0x0' multifunction='on'/>"));
    g_assert_nonnull(strstr(out, "bus='0x05' slot='0x00' function='0x3'/>"));
    g_autoptr(DomDoc) result = domdoc_parse(out, strlen(out), "result", NULL);
    g_autoptr(GPtrArray) problems = validate_domain_semantics(result);
    g_assert_cmpuint(problems->len, ==, 0);
    g_assert_true(validate_domain_schema(domdoc_xml(result), "result", NULL));
    fixture_clear(&f);
}

static void test_semantic_checks(void)
{
    const char *doc =
        "<domain type='kvm'><name>x</name><os><type machine='pc'>hvm</type></os><devices>\n"
        "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0' bus='3' slot='0' "
        "function='0'/></source><address type='pci' domain='0x0000' bus='0x00' slot='0x09' function='0x1'/></hostdev>\n"
        "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x03' slot='0x00' "
        "function='0x0'/></source></hostdev>\n"
        "<disk type='file'><target dev='vda'/><address type='pci' domain='0x0000' bus='0x00' slot='0x09' "
        "function='0x1'/></disk>\n"
        "</devices></domain>";
    g_autoptr(DomDoc) dd = domdoc_parse(doc, strlen(doc), "x", NULL);
    g_autoptr(GPtrArray) problems = validate_domain_semantics(dd);
    g_ptr_array_add(problems, NULL);
    g_autofree char *all = g_strjoinv("\n", (char **)problems->pdata);
    g_assert_nonnull(strstr(all, "host device 0000:03:00.0 is assigned twice"));
    g_assert_nonnull(strstr(all, "guest PCI address 0000:00:09.1 is used twice: by hostdev 0000:03:00.0"));
    g_assert_nonnull(strstr(all, "disk 'vda'"));
    /* a function without function 0 is libvirt's to accept, not ours to refuse */
    g_assert_null(strstr(all, "no function 0"));
}

static void test_already_invalid_input(void)
{
    const char *doc =
        "<domain type='kvm'><name>x</name><devices>\n"
        "  <disk type='file'><target dev='vda'/><address type='pci' domain='0x0000' bus='0x00' slot='0x05' "
        "function='0x0'/></disk>\n"
        "  <disk type='file'><target dev='vdb'/><address type='pci' domain='0x0000' bus='0x00' slot='0x05' "
        "function='0x0'/></disk>\n"
        "</devices></domain>\n";
    g_autoptr(DomDoc) dd = domdoc_parse(doc, strlen(doc), "clash.xml", NULL);
    HostdevOpts opts;
    hostdev_opts_init(&opts);
    GuestPlacement none = { GUEST_NONE, { 0 } };
    g_autoptr(GPtrArray) devs = specs("03:00.0", NULL);
    g_autoptr(GString) notes = g_string_new(NULL);
    g_autoptr(GError) error = NULL;
    /* --strict refuses, nothing changed */
    g_assert_false(domedit_add(dd, devs, &opts, &none, FALSE, TRUE, notes, NULL, &error));
    g_assert_error(error, VH_ERROR, VH_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "clash.xml is already invalid before any change (--strict)"));
    g_assert_false(domdoc_changed(dd));
    /* otherwise a warning, and the add goes ahead */
    g_assert_true(domedit_add(dd, devs, &opts, &none, FALSE, FALSE, notes, NULL, NULL));
    g_assert_nonnull(strstr(notes->str, "warning: clash.xml: guest PCI address 0000:00:05.0 is used twice"));
    g_assert_true(domdoc_changed(dd));
}

static void test_bad_documents(void)
{
    static const struct {
        const char *doc;
        const char *part;
    } cases[] = {
        { "<domain><devices>", "malformed XML" },
        { "<node/>", "expected a libvirt domain" },
        { "<!DOCTYPE domain [<!ELEMENT domain ANY>]><domain/>", "DOCTYPE internal subsets are not accepted" },
        { "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;'>]><domain>&b;</domain>",
          "entity declarations are not accepted" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(DomDoc) dd = domdoc_parse(cases[i].doc, strlen(cases[i].doc), "bad.xml", &error);
        g_assert_null(dd);
        g_assert_error(error, VH_ERROR, VH_ERROR_INPUT);
        if (!strstr(error->message, cases[i].part))
            g_error("'%s': '%s' lacks '%s'", cases[i].doc, error->message, cases[i].part);
    }
}

static void test_crlf_and_comments(void)
{
    const char *doc = "<domain type='kvm'>\r\n  <name>x</name>\r\n  <devices>\r\n    <!-- disks -->\r\n"
                      "    <disk type='file' device='disk'/>\r\n    <!-- balloon > here -->\r\n"
                      "    <memballoon model='none'/>\r\n  </devices>\r\n</domain>\r\n";
    g_autoptr(DomDoc) dd = domdoc_parse(doc, strlen(doc), "crlf.xml", NULL);
    HostdevOpts opts;
    hostdev_opts_init(&opts);
    GuestPlacement none = { GUEST_NONE, { 0 } };
    g_autoptr(GPtrArray) devs = specs("03:00.0", NULL);
    g_autoptr(GString) notes = g_string_new(NULL);
    g_assert_true(domedit_add(dd, devs, &opts, &none, FALSE, FALSE, notes, NULL, NULL));
    gsize len;
    g_autofree char *out = domdoc_render(dd, &len);
    g_assert_nonnull(strstr(out, "<disk type='file' device='disk'/>\r\n    <hostdev mode='subsystem' type='pci' "
                                 "managed='yes'>\r\n      <source>\r\n"));
    /* the comment introducing memballoon stays with it */
    g_assert_nonnull(strstr(out, "</hostdev>\r\n    <!-- balloon > here -->\r\n    <memballoon"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/domxml/add/i440fx-after-last-hostdev", test_i440fx_insert_after_last_hostdev);
    const char *fixtures[] = { "guest-i440fx", "guest-q35", "guest-q35-full", "guest-minimal", "guest-tabs" };
    for (guint i = 0; i < G_N_ELEMENTS(fixtures); i++) {
        g_autofree char *path = g_strdup_printf("/domxml/round-trip/%s", fixtures[i]);
        g_test_add_data_func(path, fixtures[i], test_round_trip);
    }
    g_test_add_func("/domxml/add/tabs", test_tabs_indentation);
    g_test_add_func("/domxml/add/first-hostdev", test_first_hostdev_goes_before_memballoon);
    g_test_add_func("/domxml/add/crlf-comments", test_crlf_and_comments);
    g_test_add_func("/domxml/pin/explicit-collision", test_explicit_collision);
    g_test_add_func("/domxml/pin/explicit-free", test_explicit_free);
    g_test_add_func("/domxml/add/duplicate", test_duplicate_refused);
    g_test_add_func("/domxml/add/duplicate-kinds", test_duplicate_kinds);
    g_test_add_func("/domxml/prop-ref", test_prop_ref);
    g_test_add_func("/domxml/remove/missing", test_remove_missing);
    g_test_add_func("/domxml/remove/entries", test_remove_entries);
    g_test_add_func("/domxml/auto/i440fx", test_auto_i440fx);
    g_test_add_func("/domxml/auto/q35-free-port", test_auto_q35_free_port);
    g_test_add_func("/domxml/auto/q35-adds-port", test_auto_q35_adds_port);
    g_test_add_func("/domxml/auto/multifunction", test_multifunction_auto);
    g_test_add_func("/domxml/semantics", test_semantic_checks);
    g_test_add_func("/domxml/already-invalid", test_already_invalid_input);
    g_test_add_func("/domxml/bad-documents", test_bad_documents);
    return g_test_run();
}
