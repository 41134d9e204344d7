/* Regression tests for what the fuzz harnesses (fuzz/) found, each input
 * reduced by hand, checked with the property its harness asserts. */
#include <string.h>

#include "domedit.h"
#include "errors.h"
#include "hostdev.h"
#include "nodedev.h"
#include "testutil.h"
#include "validate.h"
#include "xmlutil.h"

/* ------------------------------------------------------------- nodedev */

static Nodedev *parse(const char *xml, GError **error)
{
    return nodedev_parse(xml, strlen(xml), "fuzz.xml", error);
}

/* fuzz-nodedev: a capability given twice leaked the first one's list (ASan
 * reports it); the last one counts. */
static void test_repeated_capabilities(void)
{
    const char *xml =
        "<device><name>pci_0000_02_00_0</name><capability type='pci'>"
        "<domain>0</domain><bus>2</bus><slot>0</slot><function>0</function>"
        "<capability type='virt_functions' maxCount='7'>"
        "<address domain='0x0000' bus='0x02' slot='0x10' function='0x0'/></capability>"
        "<capability type='virt_functions' maxCount='7'>"
        "<address domain='0x0000' bus='0x02' slot='0x10' function='0x2'/>"
        "<address domain='0x0000' bus='0x02' slot='0x10' function='0x4'/></capability>"
        "<capability type='mdev_types'><type id='a'><name>A</name></type></capability>"
        "<capability type='mdev_types'/>"
        "</capability></device>";
    g_autoptr(GError) error = NULL;
    g_autoptr(Nodedev) dev = parse(xml, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(dev->vfs->len, ==, 2);
    g_assert_cmpuint(dev->mdev_types->len, ==, 0);
}

static void assert_one_short_line(const GError *error, const char *needle)
{
    g_assert_nonnull(error);
    if (strstr(error->message, needle) == NULL)
        g_test_message("'%s' not in: %s", needle, error->message);
    g_assert_nonnull(strstr(error->message, needle));
    g_assert_null(strchr(error->message, '\n'));
    g_assert_null(strchr(error->message, '\r'));
    g_assert_cmpuint(strlen(error->message), <, 300);
    g_assert_true(g_str_has_prefix(error->message, "fuzz.xml"));
    g_assert_cmpint(vh_error_exit_code(error), ==, VH_EXIT_USAGE);
}

/* fuzz-nodedev: libxml2's message for bytes that are not UTF-8 has a second
 * line quoting them. */
static void test_invalid_utf8(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Nodedev) dev = parse("<device><name>x</name>\xc3\x28</device>", &error);
    g_assert_null(dev);
    assert_one_short_line(error, "fuzz.xml: malformed XML at line 1: Input is not proper UTF-8");
    g_assert_null(strstr(error->message, "Bytes:"));
}

/* fuzz-nodedev: errors in <class>, <iommuGroup number> and maxCount did
 * not name the input, and quoted a value of any length. */
static void test_errors_name_input(void)
{
    g_autofree char *junk = g_strnfill(50000, 'C');
    g_autofree char *long_class = g_strdup_printf("<class>0x%s</class>", junk);
    const char *const bodies[] = {
        "<class>0xffffffCC</class>",
        "<iommuGroup number='x1'/>",
        "<capability type='virt_functions' maxCount='-1'/>",
        long_class,
    };
    for (guint i = 0; i < G_N_ELEMENTS(bodies); i++) {
        const char *body = bodies[i];
        g_autofree char *xml = g_strdup_printf("<device><name>pci_0000_00_19_0</name><capability type='pci'>"
                                               "<domain>0</domain><bus>0</bus><slot>25</slot><function>0</function>"
                                               "%s</capability></device>", body);
        g_autoptr(GError) error = NULL;
        g_autoptr(Nodedev) dev = parse(xml, &error);
        g_assert_null(dev);
        assert_one_short_line(error, "fuzz.xml: <");
    }
}

/* fuzz-hostdev: a name with a line break reached the message of a device
 * refused for another reason. */
static void test_name_with_newline(void)
{
    const char *xml = "<device><name>m\r\nv_4b20</name><capability type='mdev'>"
                      "<uuid>4b(20d080-1b54-4048-85b3-a6a62d165c01</uuid></capability></device>";
    g_autoptr(GError) error = NULL;
    g_autoptr(Nodedev) dev = parse(xml, &error);
    g_assert_no_error(error);
    HostdevOpts opts;
    hostdev_opts_init(&opts);
    g_assert_false(hostdev_check(dev, &opts, &error));
    g_assert_null(strchr(error->message, '\n'));
    g_assert_nonnull(strstr(error->message, "m\\nv_4b20")); /* XML reads CR LF as LF */
}

/* fuzz-hostdev: options hostdev.rng has no room for were let through to
 * the emitted block, which then failed our own validation (exit 1, "does
 * not validate"): --boot-order on an mdev, --guest-address on a USB device.
 * They are usage errors. */
static void test_refused_as_usage(void)
{
    const char *const specs[] = { "4b20d800-1b54-4048-85b3-a6a62d165c01", "usb:046d:c52b" };
    for (guint i = 0; i < G_N_ELEMENTS(specs); i++) {
        g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func((GDestroyNotify)nodedev_free);
        g_ptr_array_add(devices, nodedev_from_spec(specs[i], NULL));
        HostdevOpts opts;
        hostdev_opts_init(&opts);
        GuestPlacement placement = { GUEST_NONE, { 0 } };
        if (i == 0)
            opts.boot_order = 1;
        else
            placement = (GuestPlacement){ GUEST_EXPLICIT, { 0, 0, 0x10, 0 } };
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) blocks = hostdev_render(devices, &opts, &placement, FALSE, &error);
        g_assert_null(blocks);
        g_assert_error(error, VH_ERROR, VH_ERROR_USAGE);
        g_assert_nonnull(strstr(error->message, i == 0 ? "--boot-order" : "--guest-address"));
    }
}

/* fuzz-pciaddr: arguments are quoted as given, escaped by the one place
 * that prints errors. */
static void test_argument_with_newline(void)
{
    PciAddr a;
    g_autoptr(GError) error = NULL;
    g_assert_false(pci_addr_parse("0000:03\r\n0.0", &a, &error));
    g_autofree char *line = vh_error_line(error->message);
    g_assert_null(strchr(line, '\n'));
    g_assert_nonnull(strstr(line, "'0000:03\\r\\n0.0'"));
    g_autofree char *quoted = vh_error_quote("a\tb\x01");
    g_assert_cmpstr(quoted, ==, "a\\tb\\x01");
    g_autofree char *long_text = g_strnfill(41, 'x');
    g_autofree char *cut = vh_error_quote(long_text);
    g_assert_cmpuint(strlen(cut), ==, 43);
    g_assert_true(g_str_has_suffix(cut, "x..."));
    /* never inside a UTF-8 character */
    g_autofree char *utf8 = g_strconcat("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "\xc3\xa9\xc3\xa9", NULL);
    g_autofree char *cut8 = vh_error_quote(utf8);
    g_assert_true(g_utf8_validate(cut8, -1, NULL));
}

/* ------------------------------------------------------------ domedit */

/* fuzz-domedit's property: adding DEVICE renders a document that parses
 * and passes the semantic checks; removing it again gives back the
 * original bytes (ROUND_TRIP) or at least keeps MUST_KEEP. */
static void check_edit(const char *xml, const char *device, const char *guest, gboolean round_trip,
                       const char *must_keep)
{
    gsize len = strlen(xml);
    g_autoptr(GError) error = NULL;
    g_autoptr(DomDoc) dd = domdoc_parse(xml, len, "fuzz.xml", &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func((GDestroyNotify)nodedev_free);
    g_ptr_array_add(devices, nodedev_from_spec(device, NULL));
    HostdevOpts opts;
    hostdev_opts_init(&opts);
    GuestPlacement placement;
    g_assert_true(guest_placement_parse(guest, &placement, NULL));
    g_autoptr(GString) notes = g_string_new(NULL);
    g_assert_true(domedit_add(dd, devices, &opts, &placement, FALSE, FALSE, notes, NULL, &error));
    g_assert_no_error(error);
    gsize out_len;
    g_autofree char *out = domdoc_render(dd, &out_len);
    if (must_keep)
        g_assert_nonnull(strstr(out, must_keep));

    g_autoptr(DomDoc) added = domdoc_parse(out, out_len, "added", &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) problems = validate_domain_semantics(added);
    g_assert_cmpuint(problems->len, ==, 0);
    g_assert_true(domedit_remove(added, &(RemoveMatch){ devices, NULL, NULL, FALSE }, FALSE, notes, NULL, &error));
    gsize back_len;
    g_autofree char *back = domdoc_render(added, &back_len);
    if (round_trip) {
        if (back_len != len || memcmp(back, xml, len) != 0)
            g_test_message("original:\n%s\nadded:\n%s\nremoved:\n%s", xml, out, back);
        g_assert_cmpstr(back, ==, xml);
    } else if (must_keep) {
        g_assert_nonnull(strstr(back, must_keep));
    }
}

#define HEAD "<domain type='kvm'>\n  <name>a</name>\n  <os>\n    <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>\n  </os>\n"

static void test_devices_without_elements(void)
{
    /* the insertion replaced all of <devices>' content: the comment (or
     * text) in it was lost */
    check_edit(HEAD "  <devices>\n    <!-- no devices yet -->\n  </devices>\n</domain>\n", "03:00.0", NULL, TRUE,
               "<!-- no devices yet -->");
    check_edit(HEAD "  <devices>\n    ='none'/>\n  </devices>\n</domain>\n", "03:00.0", "auto", TRUE, "='none'/>");
    check_edit(HEAD "  <devices><!-- c --></devices>\n</domain>\n", "03:00.0", NULL, FALSE, "<devices><!-- c -->");
    /* whitespace only still gives way */
    check_edit(HEAD "  <devices>\n  </devices>\n</domain>\n", "03:00.0", NULL, TRUE, NULL);
    check_edit(HEAD "  <devices></devices>\n</domain>\n", "03:00.0", NULL, FALSE, "\n  </devices>\n</domain>");
}

static void test_same_line_content(void)
{
    /* a comment after the element the block follows stays on its line */
    check_edit(HEAD "  <devices>\n    <disk type='file'/> <!-- root disk -->\n  </devices>\n</domain>\n", "03:00.0",
               NULL, TRUE, "<disk type='file'/> <!-- root disk -->\n");
    /* stray text, then a tag, on that line */
    check_edit(HEAD "  <devices>\n    <video/>'    <watchdog model='itco'/>\n  </devices>\n</domain>\n", "03:00.0",
               "auto", TRUE, NULL);
    /* everything on one line */
    check_edit(HEAD "  <devices><disk type='file'/><memballoon model='none'/></devices>\n</domain>\n", "03:00.0",
               NULL, TRUE, NULL);
    check_edit(HEAD "  <devices>\n    <disk type='file'/><memballoon model='none'/>\n  </devices>\n</domain>\n",
               "usb:046d:c52b", NULL, TRUE, NULL);
    /* line endings mixed: the block takes those after <devices> */
    check_edit("<!DOCTYPE \r\ndomain><domain type='kvm'>\n  <name>a</name>\n  <devices>\n    <disk type='file'/>\n"
               "  </devices>\n</domain>\n", "03:00.0", "auto", TRUE, "<disk type='file'/>\n    <hostdev");
    /* CR LF */
    check_edit("<domain type='kvm'>\r\n  <name>a</name>\r\n  <devices>\r\n    <disk type='file'/> <!-- d -->\r\n"
               "  </devices>\r\n</domain>\r\n", "03:00.0", NULL, TRUE, "<!-- d -->\r\n    <hostdev");
}

/* fuzz-domedit: removing adjacent blocks (the four functions of a GPU) when
 * the last one shares its line with a following tag left a line break
 * behind: the removals overlapped. */
static void test_adjacent_removals(void)
{
    const char *xml = HEAD "  <devices>\n    <video/>(  </devices>\n</domain>\n";
    gsize len = strlen(xml);
    g_autoptr(GError) error = NULL;
    g_autoptr(DomDoc) dd = domdoc_parse(xml, len, "fuzz.xml", &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func((GDestroyNotify)nodedev_free);
    for (guint f = 0; f < 4; f++) {
        Nodedev *d = nodedev_new(NODEDEV_PCI);
        d->pci = (PciAddr){ 0, 1, 0, f };
        g_ptr_array_add(devices, d);
    }
    HostdevOpts opts;
    hostdev_opts_init(&opts);
    GuestPlacement placement = { GUEST_AUTO, { 0 } };
    g_autoptr(GString) notes = g_string_new(NULL);
    g_assert_true(domedit_add(dd, devices, &opts, &placement, TRUE, FALSE, notes, NULL, &error));
    gsize out_len;
    g_autofree char *out = domdoc_render(dd, &out_len);
    g_autoptr(DomDoc) added = domdoc_parse(out, out_len, "added", &error);
    g_assert_no_error(error);
    g_assert_true(domedit_remove(added, &(RemoveMatch){ devices, NULL, NULL, TRUE }, FALSE, notes, NULL, &error));
    gsize back_len;
    g_autofree char *back = domdoc_render(added, &back_len);
    g_assert_cmpstr(back, ==, xml);

    /* and the same for adjacent lines of their own, CR LF and first line */
    const char *lines = "<domain type='kvm'>\r\n  <devices>\r\n    <hostdev mode='subsystem' type='usb'><source>"
                        "<vendor id='0x1'/><product id='0x2'/></source></hostdev>\r\n    <hostdev mode='subsystem' "
                        "type='usb'><source><vendor id='0x1'/><product id='0x3'/></source></hostdev>  \r\n"
                        "  </devices>\r\n</domain>\r\n";
    g_autoptr(DomDoc) two = domdoc_parse(lines, strlen(lines), "two", &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) usb = g_ptr_array_new_with_free_func((GDestroyNotify)nodedev_free);
    g_ptr_array_add(usb, nodedev_from_spec("usb:0001:0002", NULL));
    g_ptr_array_add(usb, nodedev_from_spec("usb:0001:0003", NULL));
    g_assert_true(domedit_remove(two, &(RemoveMatch){ usb, NULL, NULL, FALSE }, FALSE, notes, NULL, &error));
    g_autofree char *none = domdoc_render(two, &back_len);
    g_assert_cmpstr(none, ==, "<domain type='kvm'>\r\n  <devices>\r\n  </devices>\r\n</domain>\r\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fuzz-regress/nodedev/repeated-capabilities", test_repeated_capabilities);
    g_test_add_func("/fuzz-regress/nodedev/invalid-utf8", test_invalid_utf8);
    g_test_add_func("/fuzz-regress/nodedev/errors-name-input", test_errors_name_input);
    g_test_add_func("/fuzz-regress/hostdev/name-with-newline", test_name_with_newline);
    g_test_add_func("/fuzz-regress/hostdev/refused-as-usage", test_refused_as_usage);
    g_test_add_func("/fuzz-regress/pciaddr/argument-with-newline", test_argument_with_newline);
    g_test_add_func("/fuzz-regress/domedit/devices-without-elements", test_devices_without_elements);
    g_test_add_func("/fuzz-regress/domedit/same-line-content", test_same_line_content);
    g_test_add_func("/fuzz-regress/domedit/adjacent-removals", test_adjacent_removals);
    return g_test_run();
}
