/* Address parsing and formatting: every valid form and every invalid class. */
#include "errors.h"
#include "pciaddr.h"

static void test_parse_valid(void)
{
    static const struct {
        const char *text;
        PciAddr want;
    } cases[] = {
        { "0000:03:00.0", { 0, 3, 0, 0 } },
        { "03:00.0", { 0, 3, 0, 0 } },
        { "0000:00:1f.7", { 0, 0, 0x1f, 7 } },
        { "ffff:ff:1f.7", { 0xffff, 0xff, 0x1f, 7 } },
        { "0001:40:00.0", { 1, 0x40, 0, 0 } },
        { "00:1A.7", { 0, 0, 0x1a, 7 } },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        PciAddr a;
        g_autoptr(GError) error = NULL;
        g_assert_true(pci_addr_parse(cases[i].text, &a, &error));
        g_assert_no_error(error);
        g_assert_true(pci_addr_equal(&a, &cases[i].want));
    }
}

static void test_parse_invalid(void)
{
    static const struct {
        const char *text;
        const char *message_part;
    } cases[] = {
        { "", "empty" },
        { "03:00", "expected [DDDD:]BB:SS.F" },
        { "10000:03:00.0", "domain 0x10000 is out of range" },
        { "0000:100:00.0", "bus 0x100 is out of range" },
        { "0000:03:20.0", "slot 0x20 is out of range" },
        { "0000:03:00.8", "function 0x8 is out of range" },
        { "-1:03:00.0", "signs are not allowed" },
        { "0000:03:00.0x", "unexpected 'x' at the end" },
        { "0000:03:00.0 ", "unexpected ' ' at the end" },
        { "0000.03:00.0", "expected [DDDD:]BB:SS.F" },
        { "zz:00.0", "expected [DDDD:]BB:SS.F" },
        { "0:0:0:0.0", "unexpected '.0' at the end" },
        { "99999999999:00:00.0", "out of range" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        PciAddr a;
        g_autoptr(GError) error = NULL;
        g_assert_false(pci_addr_parse(cases[i].text, &a, &error));
        g_assert_error(error, VH_ERROR, VH_ERROR_INPUT);
        if (!g_strrstr(error->message, cases[i].message_part))
            g_error("'%s': message '%s' lacks '%s'", cases[i].text, error->message, cases[i].message_part);
    }
}

static void test_nodedev_name(void)
{
    PciAddr a;
    g_autoptr(GError) error = NULL;
    g_assert_true(pci_addr_parse_nodedev_name("pci_0000_03_00_1", &a, &error));
    g_assert_true(pci_addr_equal(&a, &(PciAddr){ 0, 3, 0, 1 }));
    g_assert_false(pci_addr_parse_nodedev_name("pci_0000_03_00", &a, &error));
    g_assert_error(error, VH_ERROR, VH_ERROR_INPUT);
    g_clear_error(&error);
    g_assert_false(pci_addr_parse_nodedev_name("pci_0000_03_20_0", &a, &error));
    g_assert_nonnull(g_strrstr(error->message, "slot 0x20 is out of range"));
    g_clear_error(&error);
    g_assert_false(pci_addr_parse_nodedev_name("pci_0000_03_00_0_x", &a, &error));
    g_assert_nonnull(g_strrstr(error->message, "unexpected '_x'"));
}

static void test_numbers(void)
{
    guint v;
    g_autoptr(GError) error = NULL;
    g_assert_true(pci_number_parse("26", "slot", PCI_SLOT_MAX, &v, &error));
    g_assert_cmpuint(v, ==, 26);
    g_assert_true(pci_number_parse("0x1a", "slot", PCI_SLOT_MAX, &v, &error));
    g_assert_cmpuint(v, ==, 26);
    g_assert_false(pci_number_parse("1a", "slot", PCI_SLOT_MAX, &v, &error));
    g_assert_nonnull(g_strrstr(error->message, "is not a decimal number (write hex as 0x1a)"));
    g_clear_error(&error);
    g_assert_false(pci_number_parse("-1", "bus", PCI_BUS_MAX, &v, &error));
    g_assert_nonnull(g_strrstr(error->message, "negative numbers are not allowed"));
    g_clear_error(&error);
    g_assert_false(pci_number_parse("32", "slot", PCI_SLOT_MAX, &v, &error));
    g_assert_nonnull(g_strrstr(error->message, "out of range (0-31, 0x0-0x1f)"));
    g_clear_error(&error);
    g_assert_false(pci_number_parse("7z", "function", PCI_FUNCTION_MAX, &v, &error));
    g_assert_nonnull(g_strrstr(error->message, "unexpected 'z'"));
    g_clear_error(&error);
    g_assert_false(pci_number_parse("0x", "bus", PCI_BUS_MAX, &v, &error));
    g_assert_nonnull(g_strrstr(error->message, "no digits"));
    g_clear_error(&error);
    g_assert_false(pci_number_parse("", "bus", PCI_BUS_MAX, &v, &error));
    g_assert_nonnull(g_strrstr(error->message, "empty"));
}

static void test_format(void)
{
    PciAddr a = { 0, 0, 0x1a, 7 };
    g_autofree char *pci = pci_addr_format(&a, PCI_FORMAT_PCI);
    g_autofree char *name = pci_addr_format(&a, PCI_FORMAT_NAME);
    g_autofree char *attrs = pci_addr_format(&a, PCI_FORMAT_ATTRS);
    g_autofree char *xml = pci_addr_format(&a, PCI_FORMAT_XML);
    g_assert_cmpstr(pci, ==, "0000:00:1a.7");
    g_assert_cmpstr(name, ==, "pci_0000_00_1a_7");
    g_assert_cmpstr(attrs, ==, "domain='0x0000' bus='0x00' slot='0x1a' function='0x7'");
    g_assert_cmpstr(xml, ==, "<address domain='0x0000' bus='0x00' slot='0x1a' function='0x7'/>");

    PciFormat f;
    g_autoptr(GError) error = NULL;
    g_assert_true(pci_format_parse("attrs", &f, &error));
    g_assert_cmpint(f, ==, PCI_FORMAT_ATTRS);
    g_assert_false(pci_format_parse("json", &f, &error));
    g_assert_error(error, VH_ERROR, VH_ERROR_USAGE);
}

static void test_round_trip(void)
{
    /* every slot/function of a few buses survives format -> parse */
    for (guint bus = 0; bus <= 0xff; bus += 0x33)
        for (guint slot = 0; slot <= PCI_SLOT_MAX; slot++)
            for (guint fn = 0; fn <= PCI_FUNCTION_MAX; fn++) {
                PciAddr a = { 0x10, bus, slot, fn }, b;
                g_autofree char *text = pci_addr_format(&a, PCI_FORMAT_PCI);
                g_autofree char *name = pci_addr_format(&a, PCI_FORMAT_NAME);
                g_assert_true(pci_addr_parse(text, &b, NULL));
                g_assert_true(pci_addr_equal(&a, &b));
                g_assert_true(pci_addr_parse_nodedev_name(name, &b, NULL));
                g_assert_true(pci_addr_equal(&a, &b));
            }
}

static void test_usb(void)
{
    guint x, y;
    g_autoptr(GError) error = NULL;
    g_assert_true(usb_busdev_parse("001.005", &x, &y, &error));
    g_assert_cmpuint(x, ==, 1);
    g_assert_cmpuint(y, ==, 5);
    g_assert_false(usb_busdev_parse("1", &x, &y, &error));
    g_assert_nonnull(g_strrstr(error->message, "expected BBB.DDD"));
    g_clear_error(&error);
    g_assert_false(usb_busdev_parse("0.5", &x, &y, &error));
    g_assert_nonnull(g_strrstr(error->message, "start at 1"));
    g_clear_error(&error);
    g_assert_false(usb_busdev_parse("1.256", &x, &y, &error));
    g_assert_nonnull(g_strrstr(error->message, "out of range"));
    g_clear_error(&error);
    g_assert_true(usb_ids_parse("046d:c52b", &x, &y, &error));
    g_assert_cmphex(x, ==, 0x046d);
    g_assert_cmphex(y, ==, 0xc52b);
    g_assert_false(usb_ids_parse("46d:c52b", &x, &y, &error));
    g_assert_nonnull(g_strrstr(error->message, "expected VVVV:PPPP"));
    g_clear_error(&error);
    g_assert_false(usb_ids_parse("046d:c52g", &x, &y, &error));
    g_assert_error(error, VH_ERROR, VH_ERROR_INPUT);
}

static void test_uuid(void)
{
    g_assert_true(uuid_is_valid("4b20d080-1b54-4048-85b3-a6a62d165c01"));
    g_assert_false(uuid_is_valid("4b20d080-1b54-4048-85b3-a6a62d165c0"));
    g_assert_false(uuid_is_valid("4b20d080-1b54-4048-85b3-a6a62d165c011"));
    g_assert_false(uuid_is_valid("4b20d080_1b54_4048_85b3_a6a62d165c01"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pciaddr/parse/valid", test_parse_valid);
    g_test_add_func("/pciaddr/parse/invalid", test_parse_invalid);
    g_test_add_func("/pciaddr/nodedev-name", test_nodedev_name);
    g_test_add_func("/pciaddr/numbers", test_numbers);
    g_test_add_func("/pciaddr/format", test_format);
    g_test_add_func("/pciaddr/round-trip", test_round_trip);
    g_test_add_func("/pciaddr/usb", test_usb);
    g_test_add_func("/pciaddr/uuid", test_uuid);
    return g_test_run();
}
