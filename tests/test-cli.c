/* The command-line contract (DESIGN.md), tested by running the built binary:
 * stdout, stderr, exit codes, and that no input file is touched on error.
 *
 * The test process works inside test_tmpdir(), so that file names given to
 * the tool (and echoed in diffs and messages) are short and deterministic. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>

#include "cliutil.h"
#include "testutil.h"

/* ---------------------------------------------------------------- address */

static void test_address_decimal(void)
{
    g_autoptr(CmdResult) r = run("address", "0", "26", "7", NULL);
    assert_output(r, "0000:00:1a.7\n");
}

static void test_address_decimal_domain(void)
{
    g_autoptr(CmdResult) r = run("address", "0", "0", "26", "7", NULL);
    assert_output(r, "0000:00:1a.7\n");
    g_autoptr(CmdResult) r2 = run("address", "1", "64", "0", "0", NULL);
    assert_output(r2, "0001:40:00.0\n");
}

static void test_address_hex_domain(void)
{
    g_autoptr(CmdResult) r = run("address", "0000:03:00.0", NULL);
    assert_output(r, "0000:03:00.0\n");
    g_autoptr(CmdResult) r2 = run("address", "0001:40:00.0", NULL);
    assert_output(r2, "0001:40:00.0\n");
}

static void test_address_hex_no_domain(void)
{
    g_autoptr(CmdResult) r = run("address", "03:00.0", NULL);
    assert_output(r, "0000:03:00.0\n");
    g_autoptr(CmdResult) r2 = run("address", "00:1f.3", NULL);
    assert_output(r2, "0000:00:1f.3\n");
}

static void test_address_name(void)
{
    g_autoptr(CmdResult) r = run("address", "pci_0000_03_00_0", NULL);
    assert_output(r, "0000:03:00.0\n");
}

static void test_address_nodedev_file(void)
{
    /* decimal <domain>1</domain><bus>64</bus> in the XML */
    g_autoptr(CmdResult) r = run("address", nodedev("pci_0001_40_00_0.xml"), NULL);
    assert_output(r, "0001:40:00.0\n");
}

static void test_address_nodedev_stdin(void)
{
    g_autofree char *xml = test_data_read("nodedev/pci_0000_00_1f_3.xml", NULL);
    g_autoptr(CmdResult) r = run_in(xml, "address", "-", NULL);
    assert_output(r, "0000:00:1f.3\n");
}

static void test_address_format_pci(void)
{
    g_autoptr(CmdResult) r = run("address", "--format", "pci", "03:00.0", NULL);
    assert_output(r, "0000:03:00.0\n");
}

static void test_address_format_name(void)
{
    g_autoptr(CmdResult) r = run("address", "--format", "name", "03:00.0", NULL);
    assert_output(r, "pci_0000_03_00_0\n");
    g_autoptr(CmdResult) r2 = run("address", "--format", "name", "0", "26", "7", NULL);
    assert_output(r2, "pci_0000_00_1a_7\n");
}

static void test_address_format_xml(void)
{
    g_autoptr(CmdResult) r = run("address", "--format", "xml", "0", "26", "7", NULL);
    assert_output(r, "<address domain='0x0000' bus='0x00' slot='0x1a' function='0x7'/>\n");
}

static void test_address_format_attrs(void)
{
    g_autoptr(CmdResult) r = run("address", "--format", "attrs", "0001:40:00.0", NULL);
    assert_output(r, "domain='0x0001' bus='0x40' slot='0x00' function='0x0'\n");
}

static void test_address_json(void)
{
    g_autoptr(CmdResult) r = run("--json", "address", "03:00.0", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_assert_true(g_str_has_prefix(r->out, "{"));
    g_assert_true(g_str_has_suffix(r->out, "}\n"));
    assert_json_member(r->out, "address", "\"0000:03:00.0\"");
    assert_json_member(r->out, "name", "\"pci_0000_03_00_0\"");
    assert_json_member(r->out, "bus", "3");
    /* a global option also works after the verb */
    g_autoptr(CmdResult) r2 = run("address", "03:00.0", "--json", NULL);
    assert_exit(r2, 0);
    g_assert_cmpstr(r2->out, ==, r->out);
}

static void test_address_err_slot(void)
{
    g_autoptr(CmdResult) r = run("address", "0", "32", "0", NULL);
    assert_error(r, 2, "slot", "'32'", NULL);
}

static void test_address_err_decimal_hex(void)
{
    /* 1a is hex where decimal is read: say so, never guess */
    g_autoptr(CmdResult) r = run("address", "0", "1a", "7", NULL);
    assert_error(r, 2, "slot", "'1a'", "decimal", "0x1a", NULL);
}

static void test_address_err_negative(void)
{
    g_autoptr(CmdResult) r = run("address", "0", "-1", "7", NULL);
    assert_error(r, 2, "slot", "'-1'", "negative", NULL);
}

static void test_address_err_bus(void)
{
    g_autoptr(CmdResult) r = run("address", "256", "0", "0", NULL);
    assert_error(r, 2, "bus", "'256'", NULL);
}

static void test_address_err_function(void)
{
    g_autoptr(CmdResult) r = run("address", "0", "0", "8", NULL);
    assert_error(r, 2, "function", "'8'", NULL);
}

static void test_address_err_domain(void)
{
    g_autoptr(CmdResult) r = run("address", "0x10000", "0", "0", "0", NULL);
    assert_error(r, 2, "domain", "'0x10000'", NULL);
}

static void test_address_err_trailing(void)
{
    g_autoptr(CmdResult) r = run("address", "03:00.0x", NULL);
    assert_error(r, 2, "'03:00.0x'", NULL);
}

static void test_address_err_malformed_xml(void)
{
    enter_scratch_dir();
    g_autofree char *path = g_strdup("broken.xml");
    const char *broken = "<device>\n  <name>pci_0000_03_00_0</name>\n  <capability type='pci'>\n";
    write_file(path, broken);
    g_autoptr(CmdResult) r = run("address", path, NULL);
    assert_error(r, 2, path, "malformed", NULL);
    g_autofree char *after = read_file(path);
    g_assert_cmpstr(after, ==, broken);
    assert_dir_holds(".", "broken.xml", NULL);
}

static void test_address_err_empty_stdin(void)
{
    g_autoptr(CmdResult) r = run_in("", "address", "-", NULL);
    assert_error(r, 2, "standard input", NULL);
}

static void test_address_err_wrong_root(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture("domain/guest-i440fx.xml");
    g_autoptr(CmdResult) r = run("address", path, NULL);
    assert_error(r, 2, path, "<domain>", NULL);
    assert_same_as_fixture(path, "domain/guest-i440fx.xml");
}

static void test_address_err_net(void)
{
    g_autoptr(CmdResult) r = run("address", nodedev(NET_NODEDEV), NULL);
    assert_error(r, 2, "net_enp3s0_00_1b_21_aa_bb_cc", "no PCI address", NULL);
}

static void test_address_err_format(void)
{
    g_autoptr(CmdResult) r = run("address", "--format", "bogus", "03:00.0", NULL);
    assert_error(r, 2, "'bogus'", "--format", NULL);
}

/* ---------------------------------------------------------------- hostdev */

/* hostdev ARGS… succeeds silently; its output matches golden cli/GOLDEN */
static void check_hostdev(const char *golden, const char *first, ...) G_GNUC_NULL_TERMINATED;
static void check_hostdev(const char *golden, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    g_autoptr(CmdResult) r = cmd_run_va(NULL, NULL, first, ap);
    va_end(ap);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_assert_true(g_str_has_suffix(r->out, ">\n"));
    g_autofree char *name = g_strdup_printf("cli/%s", golden);
    test_assert_golden_xml(name, r->out);
}

static void test_hostdev_pci(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "03:00.0", NULL);
    assert_output(r, PCI_BLOCK);
    test_assert_golden_xml("cli/hostdev-pci.xml", r->out);
}

static void test_hostdev_design_example(void)
{
    /* the block of DESIGN.md, byte for byte */
    g_autoptr(CmdResult) r = run("hostdev", "--driver", "vfio", "--guest-address", "00:10.0", "0000:03:00.0", NULL);
    assert_output(r, "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
                     "  <driver name='vfio'/>\n"
                     "  <source>\n"
                     "    <address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>\n"
                     "  </source>\n"
                     "  <address type='pci' domain='0x0000' bus='0x00' slot='0x10' function='0x0'/>\n"
                     "</hostdev>\n");
}

static void test_hostdev_managed_no(void)
{
    check_hostdev("hostdev-managed-no.xml", "hostdev", "--managed", "no", "03:00.0", NULL);
}

static void test_hostdev_driver(void)
{
    check_hostdev("hostdev-driver-vfio.xml", "hostdev", "--driver", "vfio", "03:00.0", NULL);
}

static void test_hostdev_guest_address(void)
{
    check_hostdev("hostdev-guest-address.xml", "hostdev", "--guest-address", "00:10.0", "03:00.0", NULL);
}

static void test_hostdev_rom_bar_on(void)
{
    check_hostdev("hostdev-rom-bar-on.xml", "hostdev", "--rom-bar", "on", "03:00.0", NULL);
}

static void test_hostdev_rom_bar_off(void)
{
    check_hostdev("hostdev-rom-bar-off.xml", "hostdev", "--rom-bar", "off", "03:00.0", NULL);
}

static void test_hostdev_rom_file(void)
{
    check_hostdev("hostdev-rom-file.xml", "hostdev", "--rom-file", "/usr/share/vgabios/gpu.rom", "01:00.0", NULL);
}

static void test_hostdev_boot_order(void)
{
    check_hostdev("hostdev-boot-order.xml", "hostdev", "--boot-order", "2", "03:00.0", NULL);
}

static void test_hostdev_alias(void)
{
    check_hostdev("hostdev-alias.xml", "hostdev", "--alias", "gpu", "01:00.0", NULL);
    g_autoptr(CmdResult) r = run("hostdev", "--alias", "gpu", "01:00.0", NULL);
    assert_contains(r->out, "<alias name='ua-gpu'/>");
}

static void test_hostdev_usb_ids(void)
{
    check_hostdev("hostdev-usb-ids.xml", "hostdev", "usb:046d:c52b", NULL);
}

static void test_hostdev_usb_bus_device(void)
{
    check_hostdev("hostdev-usb-bus-device.xml", "hostdev", "usb:001.005", NULL);
    g_autoptr(CmdResult) r = run("hostdev", "usb:001.005", NULL);
    assert_contains(r->out, "<address bus='1' device='5'/>");
}

static void test_hostdev_usb_nodedev(void)
{
    check_hostdev("hostdev-usb-nodedev.xml", "hostdev", nodedev("usb_1_5.xml"), NULL);
}

static void test_hostdev_mdev_uuid(void)
{
    check_hostdev("hostdev-mdev.xml", "hostdev", "4b20d080-1b54-4048-85b3-a6a62d165c01", NULL);
}

static void test_hostdev_mdev_name(void)
{
    /* an mdev_ name carries the UUID: no lookup needed, same block */
    check_hostdev("hostdev-mdev.xml", "hostdev", "mdev_4b20d080_1b54_4048_85b3_a6a62d165c01", NULL);
}

static void test_hostdev_interface(void)
{
    check_hostdev("hostdev-interface.xml", "hostdev", "--interface", "--mac", "52:54:00:12:34:56", "--vlan", "42",
                  "03:10.2", NULL);
}

static void test_hostdev_all_functions(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "--all-functions", "--guest-address", "00:10.0", nodedev(GPU), NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_assert_cmpuint(test_count(r->out, "<hostdev "), ==, 4);
    g_assert_cmpuint(test_count(r->out, "multifunction='on'"), ==, 1);
    g_assert_cmpuint(test_count(r->out, "slot='0x10'"), ==, 4);
    for (int f = 0; f < 4; f++) {
        g_autofree char *src = g_strdup_printf("<address domain='0x0000' bus='0x01' slot='0x00' function='0x%d'/>", f);
        g_autofree char *guest = g_strdup_printf(
            "<address type='pci' domain='0x0000' bus='0x00' slot='0x10' function='0x%d'%s/>", f,
            f == 0 ? " multifunction='on'" : "");
        assert_contains(r->out, src);
        assert_contains(r->out, guest);
    }
    /* function 0 first */
    g_assert_true(strstr(r->out, "multifunction='on'") < strstr(r->out, "function='0x1'"));
    g_autofree char *doc = wrap_blocks(r->out);
    test_assert_golden_xml("cli/hostdev-all-functions.xml", doc);
}

static void test_hostdev_err_managed(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "--managed", "maybe", "03:00.0", NULL);
    assert_error(r, 2, "--managed", "'maybe'", NULL);
}

static void test_hostdev_err_driver(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "--driver", "kvm", "03:00.0", NULL);
    assert_error(r, 2, "--driver", "'kvm'", NULL);
}

static void test_hostdev_err_rom_file(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "--rom-file", "gpu.rom", "03:00.0", NULL);
    assert_error(r, 2, "--rom-file", "'gpu.rom'", "absolute", NULL);
}

static void test_hostdev_err_vlan(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "--interface", "--vlan", "4096", "03:10.2", NULL);
    assert_error(r, 2, "--vlan", "'4096'", NULL);
}

static void test_hostdev_err_mac(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "--interface", "--mac", "01:00:5e:00:00:01", "03:10.2", NULL);
    assert_error(r, 2, "--mac", "01:00:5e:00:00:01", "multicast", NULL);
}

static void test_hostdev_err_interface_usb(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "--interface", "usb:046d:c52b", NULL);
    assert_error(r, 2, "--interface", "usb", NULL);
}

static void test_hostdev_err_auto(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "--guest-address", "auto", "03:00.0", NULL);
    assert_error(r, 2, "--guest-address", "auto", NULL);
}

static void test_hostdev_err_two_devices(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "--guest-address", "00:10.0", "03:00.0", "03:10.2", NULL);
    assert_error(r, 2, "--guest-address", NULL);
}

static void test_hostdev_err_net(void)
{
    g_autoptr(CmdResult) r = run("hostdev", nodedev(NET_NODEDEV), NULL);
    assert_error(r, 2, "net_enp3s0_00_1b_21_aa_bb_cc", "net", NULL);
}

/* ---------------------------------------------------------------- add / remove */

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(g_chdir(test_tmpdir()), ==, 0);

    g_test_add_func("/cli/address/decimal", test_address_decimal);
    g_test_add_func("/cli/address/decimal-domain", test_address_decimal_domain);
    g_test_add_func("/cli/address/hex-domain", test_address_hex_domain);
    g_test_add_func("/cli/address/hex-no-domain", test_address_hex_no_domain);
    g_test_add_func("/cli/address/nodedev-name", test_address_name);
    g_test_add_func("/cli/address/nodedev-file", test_address_nodedev_file);
    g_test_add_func("/cli/address/nodedev-stdin", test_address_nodedev_stdin);
    g_test_add_func("/cli/address/format/pci", test_address_format_pci);
    g_test_add_func("/cli/address/format/name", test_address_format_name);
    g_test_add_func("/cli/address/format/xml", test_address_format_xml);
    g_test_add_func("/cli/address/format/attrs", test_address_format_attrs);
    g_test_add_func("/cli/address/json", test_address_json);
    g_test_add_func("/cli/address/error/slot-range", test_address_err_slot);
    g_test_add_func("/cli/address/error/decimal-hex", test_address_err_decimal_hex);
    g_test_add_func("/cli/address/error/negative", test_address_err_negative);
    g_test_add_func("/cli/address/error/bus-range", test_address_err_bus);
    g_test_add_func("/cli/address/error/function-range", test_address_err_function);
    g_test_add_func("/cli/address/error/domain-range", test_address_err_domain);
    g_test_add_func("/cli/address/error/trailing-junk", test_address_err_trailing);
    g_test_add_func("/cli/address/error/malformed-xml", test_address_err_malformed_xml);
    g_test_add_func("/cli/address/error/empty-stdin", test_address_err_empty_stdin);
    g_test_add_func("/cli/address/error/wrong-root", test_address_err_wrong_root);
    g_test_add_func("/cli/address/error/net-nodedev", test_address_err_net);
    g_test_add_func("/cli/address/error/bad-format", test_address_err_format);

    g_test_add_func("/cli/hostdev/pci", test_hostdev_pci);
    g_test_add_func("/cli/hostdev/design-example", test_hostdev_design_example);
    g_test_add_func("/cli/hostdev/managed-no", test_hostdev_managed_no);
    g_test_add_func("/cli/hostdev/driver-vfio", test_hostdev_driver);
    g_test_add_func("/cli/hostdev/guest-address", test_hostdev_guest_address);
    g_test_add_func("/cli/hostdev/rom-bar-on", test_hostdev_rom_bar_on);
    g_test_add_func("/cli/hostdev/rom-bar-off", test_hostdev_rom_bar_off);
    g_test_add_func("/cli/hostdev/rom-file", test_hostdev_rom_file);
    g_test_add_func("/cli/hostdev/boot-order", test_hostdev_boot_order);
    g_test_add_func("/cli/hostdev/alias", test_hostdev_alias);
    g_test_add_func("/cli/hostdev/usb-ids", test_hostdev_usb_ids);
    g_test_add_func("/cli/hostdev/usb-bus-device", test_hostdev_usb_bus_device);
    g_test_add_func("/cli/hostdev/usb-nodedev", test_hostdev_usb_nodedev);
    g_test_add_func("/cli/hostdev/mdev-uuid", test_hostdev_mdev_uuid);
    g_test_add_func("/cli/hostdev/mdev-name", test_hostdev_mdev_name);
    g_test_add_func("/cli/hostdev/interface", test_hostdev_interface);
    g_test_add_func("/cli/hostdev/all-functions", test_hostdev_all_functions);
    g_test_add_func("/cli/hostdev/error/managed", test_hostdev_err_managed);
    g_test_add_func("/cli/hostdev/error/driver", test_hostdev_err_driver);
    g_test_add_func("/cli/hostdev/error/rom-file-relative", test_hostdev_err_rom_file);
    g_test_add_func("/cli/hostdev/error/vlan-range", test_hostdev_err_vlan);
    g_test_add_func("/cli/hostdev/error/mac-multicast", test_hostdev_err_mac);
    g_test_add_func("/cli/hostdev/error/interface-usb", test_hostdev_err_interface_usb);
    g_test_add_func("/cli/hostdev/error/guest-address-auto", test_hostdev_err_auto);
    g_test_add_func("/cli/hostdev/error/guest-address-two-devices", test_hostdev_err_two_devices);
    g_test_add_func("/cli/hostdev/error/net-nodedev", test_hostdev_err_net);
    return g_test_run();
}
