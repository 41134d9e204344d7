/* The command-line contract (DESIGN.md), tested by running the built binary:
 * stdout, stderr, exit codes, and that no input file is touched on error.
 *
 * The test process works inside test_tmpdir(), so that file names given to
 * the tool (and echoed in diffs and messages) are short and deterministic. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

#define ERROR_PREFIX "virt-hostdev: error: "

/* ---------------------------------------------------------------- helpers */

/* virt-hostdev ARGS... (NULL-terminated), empty stdin */
#define run(...) cmd_run(NULL, NULL, __VA_ARGS__)
/* the same with IN on stdin */
#define run_in(in, ...) cmd_run(NULL, (in), __VA_ARGS__)
/* the same with extra environment assignments */
#define run_env(env, ...) cmd_run((env), NULL, __VA_ARGS__)
#define assert_exit cmd_assert_exit
#define assert_error cmd_assert_error
#define assert_contains cmd_assert_contains

static void assert_output(const CmdResult *r, const char *expected)
{
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_assert_cmpstr(r->out, ==, expected);
}

static char *read_file(const char *path)
{
    char *data = NULL;
    g_autoptr(GError) error = NULL;
    g_file_get_contents(path, &data, NULL, &error);
    g_assert_no_error(error);
    return data;
}

static void write_file(const char *path, const char *data)
{
    g_autoptr(GError) error = NULL;
    g_file_set_contents(path, data, -1, &error);
    g_assert_no_error(error);
}

/* A fresh scratch directory for the running test case, named after it, made
 * the working directory: the tool sees short, stable file names (they appear
 * in diff headers and messages). */
static void enter_scratch_dir(void)
{
    g_autofree char *name = g_strdelimit(g_strdup(g_test_get_path() + 1), "/", '-');
    g_autofree char *dir = g_build_filename(test_tmpdir(), name, NULL);
    g_assert_cmpint(g_mkdir(dir, 0755), ==, 0);
    g_assert_cmpint(g_chdir(dir), ==, 0);
}

/* Copy tests/data/RELATIVE into the working directory; returns its name. */
static char *copy_fixture(const char *relative)
{
    gsize len;
    g_autofree char *data = test_data_read(relative, &len);
    char *path = g_path_get_basename(relative);
    g_autoptr(GError) error = NULL;
    g_file_set_contents(path, data, (gssize)len, &error);
    g_assert_no_error(error);
    return path;
}

/* PATH holds exactly the bytes of tests/data/RELATIVE. */
static void assert_same_as_fixture(const char *path, const char *relative)
{
    gsize want_len;
    g_autofree char *want = test_data_read(relative, &want_len);
    g_autofree char *got = NULL;
    gsize got_len;
    g_autoptr(GError) error = NULL;
    g_file_get_contents(path, &got, &got_len, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(got_len, ==, want_len);
    g_assert_cmpmem(got, got_len, want, want_len);
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* DIR holds exactly the NULL-terminated list of file names (no temp files,
 * no backups left behind). */
static void assert_dir_holds(const char *dir, ...)
{
    g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func(g_free);
    va_list ap;
    va_start(ap, dir);
    for (const char *n = va_arg(ap, const char *); n; n = va_arg(ap, const char *))
        g_ptr_array_add(want, g_strdup(n));
    va_end(ap);
    g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    for (const char *n; (n = g_dir_read_name(d));)
        g_ptr_array_add(got, g_strdup(n));
    g_dir_close(d);
    g_ptr_array_sort(want, compare_strings);
    g_ptr_array_sort(got, compare_strings);
    g_ptr_array_add(want, NULL);
    g_ptr_array_add(got, NULL);
    g_autofree char *w = g_strjoinv(" ", (char **)want->pdata);
    g_autofree char *g = g_strjoinv(" ", (char **)got->pdata);
    g_assert_cmpstr(g, ==, w);
}

/* Several top-level blocks as one document, for the golden XML files. */
static char *wrap_blocks(const char *blocks)
{
    return g_strdup_printf("<devices>\n%s</devices>\n", blocks);
}

/* The lines a unified diff adds / removes (without the +/- and headers). */
static char *diff_lines(const char *diff, char sign)
{
    g_autoptr(GString) s = g_string_new(NULL);
    g_auto(GStrv) lines = g_strsplit(diff, "\n", -1);
    for (char **l = lines; *l; l++) {
        if ((*l)[0] != sign || g_str_has_prefix(*l, "+++") || g_str_has_prefix(*l, "---"))
            continue;
        g_string_append_printf(s, "%s\n", *l + 1);
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

/* The JSON text has KEY with the literal VALUE (true, false, a number…). */
static void assert_json_member(const char *json, const char *key, const char *value)
{
    g_autofree char *quoted = g_strdup_printf("\"%s\"", key);
    const char *p = strstr(json, quoted);
    if (p == NULL)
        g_test_message("no key %s in:\n%s", quoted, json);
    g_assert_nonnull(p);
    p += strlen(quoted);
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    g_assert_cmpint(*p, ==, ':');
    p++;
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    g_assert_true(g_str_has_prefix(p, value));
}

static const char *nodedev(const char *file)
{
    static char *paths[32];
    static guint n;
    g_assert_cmpuint(n, <, G_N_ELEMENTS(paths));
    g_autofree char *rel = g_build_filename("nodedev", file, NULL);
    return paths[n++] = test_data_path(rel);
}

static const char *GPU = "pci_0000_01_00_0.xml";
static const char *NET_NODEDEV = "net_enp3s0_00_1b_21_aa_bb_cc.xml";

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

static const char PCI_BLOCK[] =
    "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
    "  <source>\n"
    "    <address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>\n"
    "  </source>\n"
    "</hostdev>\n";

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

static const char *I440FX = "domain/guest-i440fx.xml";
static const char *Q35 = "domain/guest-q35.xml";
static const char *Q35_FULL = "domain/guest-q35-full.xml";
static const char *TABS = "domain/guest-tabs.xml";
static const char *MINIMAL = "domain/guest-minimal.xml";
static const char *INVALID = "domain/guest-invalid.xml";

/* The new lines of a --diff are exactly BLOCK re-indented with INDENT per level. */
static char *indent_block(const char *block, const char *indent, guint base)
{
    g_autoptr(GString) s = g_string_new(NULL);
    g_auto(GStrv) lines = g_strsplit(block, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (**l == '\0')
            continue;
        guint spaces = (guint)strspn(*l, " ");
        for (guint i = 0; i < base + spaces / 2; i++)
            g_string_append(s, indent);
        g_string_append_printf(s, "%s\n", *l + spaces);
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

static void test_add_stdout(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) r = run("add", "--file", path, "03:00.0", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    test_assert_golden_xml("cli/add-i440fx.xml", r->out);
    /* the original text with the block inserted, nothing else */
    g_autofree char *orig = test_data_read(I440FX, NULL);
    g_autofree char *block = indent_block(PCI_BLOCK, "  ", 2);
    g_assert_cmpuint(strlen(r->out), ==, strlen(orig) + strlen(block));
    assert_contains(r->out, block);
    assert_same_as_fixture(path, I440FX);
    assert_dir_holds(".", "guest-i440fx.xml", NULL);
}

/* issue 13: an option's negative value reaches its parser as typed; the
 * verb is found after any option taking a value; no test hook ships. */
static void test_option_values(void)
{
    g_autoptr(CmdResult) boot = run("hostdev", "--boot-order", "-1", "03:00.0", NULL);
    assert_error(boot, 2, "--boot-order '-1': negative numbers are not allowed", NULL);
    cmd_assert_lacks(boot->err, "\\x01");
    g_autoptr(CmdResult) vlan = run("hostdev", "--interface", "--vlan", "-5", "03:00.0", NULL);
    assert_error(vlan, 2, "--vlan '-5'", NULL);
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) first = run("--file", path, "add", "03:00.0", NULL);
    g_autoptr(CmdResult) after = run("add", "--file", path, "03:00.0", NULL);
    assert_exit(first, 0);
    g_assert_cmpstr(first->out, ==, after->out);
    g_autoptr(CmdResult) bus = run("address", "-1", "2", "3", NULL);
    assert_error(bus, 2, "'-1'", NULL);

    g_autofree char *binary = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(g_getenv("VIRT_HOSTDEV_BINARY"), &binary, &len, NULL));
    g_assert_null(g_strstr_len(binary, (gssize)len, "VIRT_HOSTDEV_TEST_"));
    g_assert_null(g_strstr_len(binary, (gssize)len, "BEFORE_DEFINE"));
}

static void test_add_dry_run(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    /* an edit of --file changes nothing without --in-place: --dry-run
     * would be accepted and ignored, so it is refused, saying why */
    g_autoptr(CmdResult) r = run("add", "--dry-run", "--file", path, "03:00.0", NULL);
    assert_exit(r, 2);
    g_assert_cmpstr(r->out, ==, "");
    assert_contains(r->err, "--dry-run: an edit of --file already changes nothing without --in-place");
    assert_same_as_fixture(path, I440FX);
    assert_dir_holds(".", "guest-i440fx.xml", NULL);
}

static void check_diff(const char *fixture, const char *golden, const char *indent)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(fixture);
    g_autoptr(CmdResult) r = run("add", "--diff", "--file", path, "03:00.0", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_autofree char *header = g_strdup_printf("--- %s\n+++ %s\n@@ ", path, path);
    g_assert_true(g_str_has_prefix(r->out, header));
    /* exactly the new block, indented like its siblings; nothing removed */
    g_autofree char *added = diff_lines(r->out, '+');
    g_autofree char *removed = diff_lines(r->out, '-');
    g_autofree char *block = indent_block(PCI_BLOCK, indent, 2);
    g_assert_cmpstr(added, ==, block);
    g_assert_cmpstr(removed, ==, "");
    g_assert_cmpuint(test_count(r->out, "\n@@ "), ==, 1);
    g_autofree char *name = g_strdup_printf("cli/%s", golden);
    test_assert_golden_text(name, r->out);
    assert_same_as_fixture(path, fixture);
    assert_dir_holds(".", strrchr(fixture, '/') + 1, NULL);
}

static void test_add_diff(void)
{
    check_diff(I440FX, "add-i440fx.diff", "  ");
}

static void test_add_diff_tabs(void)
{
    check_diff(TABS, "add-tabs.diff", "\t");
}

static void test_add_in_place(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autofree char *other = copy_fixture(Q35);
    g_autoptr(CmdResult) expected = run("add", "--file", path, "03:00.0", NULL);
    assert_exit(expected, 0);
    g_autoptr(CmdResult) r = run("add", "--in-place", "--file", path, "03:00.0", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->out, ==, "");
    assert_contains(r->err, path);
    g_autofree char *after = read_file(path);
    g_assert_cmpstr(after, ==, expected->out);
    assert_same_as_fixture(other, Q35);
    assert_dir_holds(".", "guest-i440fx.xml", "guest-q35.xml", NULL);
}

static void test_add_in_place_mode(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(Q35);
    g_assert_cmpint(g_chmod(path, 0640), ==, 0);
    g_autoptr(CmdResult) r = run("-q", "add", "-i", "--file", path, "03:00.0", NULL);
    assert_output(r, "");
    GStatBuf st;
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0640);
}

static void test_add_in_place_backup(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) r = run("add", "--in-place", "--backup", ".orig", "--file", path, "03:00.0", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->out, ==, "");
    g_autofree char *backup = g_strconcat(path, ".orig", NULL);
    assert_same_as_fixture(backup, I440FX);
    g_autofree char *after = read_file(path);
    g_autofree char *block = indent_block(PCI_BLOCK, "  ", 2);
    assert_contains(after, block);
    assert_dir_holds(".", "guest-i440fx.xml", "guest-i440fx.xml.orig", NULL);
}

static void test_round_trip(gconstpointer data)
{
    const char *fixture = data;
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(fixture);
    g_autoptr(CmdResult) add = run("add", "-i", "--file", path, "03:00.0", NULL);
    assert_exit(add, 0);
    g_autofree char *changed = read_file(path);
    g_autofree char *orig = test_data_read(fixture, NULL);
    g_assert_cmpstr(changed, !=, orig);
    g_autoptr(CmdResult) rm = run("remove", "-i", "--file", path, "03:00.0", NULL);
    assert_exit(rm, 0);
    g_assert_cmpstr(rm->out, ==, "");
    assert_same_as_fixture(path, fixture);
    g_autofree char *base = g_path_get_basename(fixture);
    assert_dir_holds(".", base, NULL);
}

static CmdResult *add_auto_diff(const char *fixture, char **path)
{
    *path = copy_fixture(fixture);
    return run("add", "--diff", "--guest-address", "auto", "--file", *path, "03:00.0", NULL);
}

static void test_auto_i440fx(void)
{
    enter_scratch_dir();
    g_autofree char *path = NULL;
    g_autoptr(CmdResult) r = add_auto_diff(I440FX, &path);
    assert_exit(r, 0);
    /* slots 1-7 are taken: the first free one on bus 0 is 8 */
    assert_contains(r->err, "0000:00:08.0");
    g_assert_cmpuint(test_count(r->err, "\n"), ==, 1);
    assert_contains(r->out, "+      <address type='pci' domain='0x0000' bus='0x00' slot='0x08' function='0x0'/>\n");
    test_assert_golden_text("cli/add-auto-i440fx.diff", r->out);
    assert_same_as_fixture(path, I440FX);
}

static void test_auto_q35(void)
{
    enter_scratch_dir();
    g_autofree char *path = NULL;
    g_autoptr(CmdResult) r = add_auto_diff(Q35, &path);
    assert_exit(r, 0);
    /* root ports 1-4 hold devices, 5 is free */
    assert_contains(r->err, "0000:05:00.0");
    assert_contains(r->out, "+      <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>\n");
    g_assert_cmpuint(test_count(r->out, "<controller"), ==, 0);
    test_assert_golden_text("cli/add-auto-q35.diff", r->out);
    assert_same_as_fixture(path, Q35);
}

static void test_auto_q35_full(void)
{
    enter_scratch_dir();
    g_autofree char *path = NULL;
    g_autoptr(CmdResult) r = add_auto_diff(Q35_FULL, &path);
    assert_exit(r, 0);
    /* every root port is used: a sixth one is added */
    assert_contains(r->err, "pcie-root-port");
    assert_contains(r->err, "0000:06:00.0");
    assert_contains(r->out, "+    <controller type='pci' index='6' model='pcie-root-port'/>\n");
    assert_contains(r->out, "+      <address type='pci' domain='0x0000' bus='0x06' slot='0x00' function='0x0'/>\n");
    g_autofree char *removed = diff_lines(r->out, '-');
    g_assert_cmpstr(removed, ==, "");
    test_assert_golden_text("cli/add-auto-q35-full.diff", r->out);
    assert_same_as_fixture(path, Q35_FULL);
}

static void test_add_multifunction(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) r = run("add", "--diff", "--all-functions", "--guest-address", "auto", "--file", path,
                              nodedev(GPU), NULL);
    assert_exit(r, 0);
    assert_contains(r->err, "0000:00:08.0");
    g_autofree char *added = diff_lines(r->out, '+');
    g_assert_cmpuint(test_count(added, "<hostdev "), ==, 4);
    g_assert_cmpuint(test_count(added, "slot='0x08'"), ==, 4);
    g_assert_cmpuint(test_count(added, "multifunction='on'"), ==, 1);
    assert_contains(added, "<address type='pci' domain='0x0000' bus='0x00' slot='0x08' function='0x0' "
                           "multifunction='on'/>");
    test_assert_golden_text("cli/add-multifunction.diff", r->out);
    assert_same_as_fixture(path, I440FX);
}

static void test_add_err_collision(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) r = run("add", "-i", "--guest-address", "00:03.0", "--file", path, "03:00.0", NULL);
    assert_error(r, 1, path, "0000:00:03.0", "interface", NULL);
    assert_same_as_fixture(path, I440FX);
    assert_dir_holds(".", "guest-i440fx.xml", NULL);
    /* --force never allows a collision; with --file it has nothing to
     * override (no host verdict offline) and is refused as such */
    g_autoptr(CmdResult) r2 = run("add", "-i", "--force", "--guest-address", "00:03.0", "--file", path, "03:00.0", NULL);
    assert_error(r2, 2, "--force", "--file has none to override", NULL);
    assert_same_as_fixture(path, I440FX);
}

static void test_add_err_present(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) r = run("add", "-i", "--file", path, "06:00.0", NULL);
    assert_error(r, 1, path, "0000:06:00.0", NULL);
    assert_same_as_fixture(path, I440FX);
    assert_dir_holds(".", "guest-i440fx.xml", NULL);
}

static void test_remove_err_absent(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) r = run("remove", "-i", "--file", path, "03:00.0", NULL);
    assert_error(r, 1, path, "0000:03:00.0", NULL);
    assert_same_as_fixture(path, I440FX);
    assert_dir_holds(".", "guest-i440fx.xml", NULL);
}

static void test_remove_all_functions(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) add = run("add", "-i", "--all-functions", "--guest-address", "auto", "--file", path,
                                nodedev(GPU), NULL);
    assert_exit(add, 0);
    g_autofree char *with_gpu = read_file(path);
    g_assert_cmpuint(test_count(with_gpu, "bus='0x01' slot='0x00'"), ==, 4);
    /* naming another function of the slot removes all four */
    g_autoptr(CmdResult) r = run("remove", "-i", "--all-functions", "--file", path, "01:00.1", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->out, ==, "");
    assert_same_as_fixture(path, I440FX);
    assert_dir_holds(".", "guest-i440fx.xml", NULL);
}

static void test_add_err_strict_invalid(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(INVALID);
    g_autoptr(CmdResult) r = run("add", "-i", "--strict", "--file", path, "03:00.0", NULL);
    assert_error(r, 2, path, "already invalid", NULL);
    assert_same_as_fixture(path, INVALID);
    assert_dir_holds(".", "guest-invalid.xml", NULL);
}

static void test_add_err_malformed(void)
{
    enter_scratch_dir();
    g_autofree char *path = g_strdup("broken.xml");
    const char *broken = "<domain type='kvm'>\n  <name>x</name>\n  <devices>\n";
    write_file(path, broken);
    g_autoptr(CmdResult) r = run("add", "-i", "--file", path, "03:00.0", NULL);
    assert_error(r, 2, path, "malformed", NULL);
    g_autofree char *after = read_file(path);
    g_assert_cmpstr(after, ==, broken);
    assert_dir_holds(".", "broken.xml", NULL);
}

static void test_add_err_in_place_stdin(void)
{
    g_autofree char *xml = test_data_read(I440FX, NULL);
    g_autoptr(CmdResult) r = run_in(xml, "add", "--file", "-", "--in-place", "03:00.0", NULL);
    assert_error(r, 2, "--in-place", NULL);
}

static void test_add_stdin(void)
{
    /* the pipeline form: domain on stdin, document on stdout */
    g_autofree char *xml = test_data_read(I440FX, NULL);
    g_autoptr(CmdResult) r = run_in(xml, "add", "--file", "-", "03:00.0", NULL);
    assert_exit(r, 0);
    test_assert_golden_xml("cli/add-i440fx.xml", r->out);
}

static void test_validate_valid(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(Q35);
    g_autoptr(CmdResult) r = run("validate", "--file", path, NULL);
    g_autofree char *want = g_strdup_printf("%s: valid\n", path);
    assert_output(r, want);
    assert_same_as_fixture(path, Q35);
}

static void test_validate_invalid(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(INVALID);
    g_autoptr(CmdResult) r = run("validate", "--file", path, NULL);
    assert_exit(r, 1);
    g_assert_true(g_str_has_prefix(r->out, path));
    g_assert_null(strstr(r->out, ": valid"));
    assert_same_as_fixture(path, INVALID);
}

static void test_validate_json(void)
{
    enter_scratch_dir();
    g_autofree char *good = copy_fixture(I440FX);
    g_autofree char *bad = copy_fixture(INVALID);
    g_autoptr(CmdResult) r = run("--json", "validate", "--file", good, NULL);
    assert_exit(r, 0);
    assert_json_member(r->out, "valid", "true");
    g_autoptr(CmdResult) r2 = run("validate", "--json", "--file", bad, NULL);
    assert_exit(r2, 1);
    assert_json_member(r2->out, "valid", "false");
    assert_contains(r2->out, "\"problems\"");
}

/* ---------------------------------------------------------------- help */

typedef struct {
    const char *verb;
    const char *const options[32];
} VerbOptions;

#define EDIT_OPTIONS "--file", "--dry-run", "--diff", "--in-place", "--backup", "--strict", "--force", "--config", \
                     "--live", "--current"
#define HOSTDEV_OPTIONS "--managed", "--driver", "--guest-address", "--rom-bar", "--rom-file", "--boot-order", \
                        "--alias", "--all-functions", "--interface", "--mac", "--vlan"
#define GLOBAL_OPTIONS "--connect", "--json", "--quiet", "--verbose", "--help", "--version"

static const VerbOptions verb_options[] = {
    { "address", { "--format", GLOBAL_OPTIONS, NULL } },
    { "hostdev", { HOSTDEV_OPTIONS, GLOBAL_OPTIONS, NULL } },
    { "add", { EDIT_OPTIONS, HOSTDEV_OPTIONS, GLOBAL_OPTIONS, NULL } },
    { "remove", { EDIT_OPTIONS, "--all-functions", GLOBAL_OPTIONS, NULL } },
    { "validate", { "--file", GLOBAL_OPTIONS, NULL } },
};

static void check_verb_help(const VerbOptions *v, const CmdResult *r)
{
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_autofree char *usage = g_strdup_printf("Usage: virt-hostdev %s ", v->verb);
    g_assert_true(g_str_has_prefix(r->out, usage));
    for (const char *const *o = v->options; *o; o++) {
        /* as a whole option word, e.g. --diff not only inside --dry-run */
        g_autofree char *word = g_strdup_printf(" %s ", *o);
        g_autofree char *eol = g_strdup_printf(" %s\n", *o);
        if (!strstr(r->out, word) && !strstr(r->out, eol))
            g_test_message("%s help lacks %s:\n%s", v->verb, *o, r->out);
        g_assert_true(strstr(r->out, word) || strstr(r->out, eol));
    }
}

static void test_help_verb(gconstpointer data)
{
    const VerbOptions *v = data;
    g_autoptr(CmdResult) a = run("help", v->verb, NULL);
    check_verb_help(v, a);
    g_autoptr(CmdResult) b = run(v->verb, "--help", NULL);
    check_verb_help(v, b);
    g_assert_cmpstr(a->out, ==, b->out);
    g_autoptr(CmdResult) c = run("-h", v->verb, NULL);
    g_assert_cmpstr(c->out, ==, a->out);
}

static void test_help_global(void)
{
    g_autoptr(CmdResult) r = run("--help", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_assert_true(g_str_has_prefix(r->out, "Usage: virt-hostdev "));
    for (guint i = 0; i < G_N_ELEMENTS(verb_options); i++) {
        g_autofree char *line = g_strdup_printf("\n  %s ", verb_options[i].verb);
        assert_contains(r->out, line);
    }
    static const char *const globals[] = { GLOBAL_OPTIONS };
    for (guint i = 0; i < G_N_ELEMENTS(globals); i++)
        assert_contains(r->out, globals[i]);
    g_autoptr(CmdResult) h = run("help", NULL);
    assert_exit(h, 0);
    g_assert_cmpstr(h->out, ==, r->out);
}

static void test_help_no_verb(void)
{
    g_autoptr(CmdResult) r = run(NULL, NULL);
    assert_exit(r, 2);
    g_assert_cmpstr(r->out, ==, "");
    assert_contains(r->err, "Usage: virt-hostdev ");
}

static void test_help_unknown_verb(void)
{
    g_autoptr(CmdResult) r = run("ad", "--file", "x.xml", "03:00.0", NULL);
    assert_error(r, 2, "'ad'", "did you mean 'add'", NULL);
}

static void test_help_unknown_option(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "--mangaed", "yes", "03:00.0", NULL);
    assert_error(r, 2, "--mangaed", "did you mean --managed", NULL);
}

static void test_help_version(void)
{
    g_autoptr(CmdResult) r = run("--version", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_assert_true(g_str_has_prefix(r->out, "virt-hostdev "));
    g_assert_true(g_str_has_suffix(r->out, "\n"));
    g_assert_cmpuint(test_count(r->out, "\n"), ==, 1);
    g_assert_true(g_ascii_isdigit(r->out[strlen("virt-hostdev ")]));
}

/* ---------------------------------------------------------------- libvirt module */

static char *empty_module_env(void)
{
    g_autofree char *dir = g_build_filename(test_tmpdir(), "empty-module-dir", NULL);
    g_mkdir_with_parents(dir, 0755);
    return g_strconcat("VIRT_HOSTDEV_MODULE_DIR=", dir, NULL);
}

static void test_module_offline(void)
{
    /* offline verbs never load the libvirt backend */
    g_autofree char *assign = empty_module_env();
    const char *const env[] = { assign, NULL };
    g_autoptr(CmdResult) r = run_env(env, "address", "03:00.0", NULL);
    assert_output(r, "0000:03:00.0\n");
    g_autoptr(CmdResult) h = run_env(env, "hostdev", "pci_0000_03_00_0", NULL);
    assert_output(h, PCI_BLOCK);
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) a = run_env(env, "add", "--file", path, "03:00.0", NULL);
    assert_exit(a, 0);
    test_assert_golden_xml("cli/add-i440fx.xml", a->out);
}

static void test_module_missing(void)
{
    g_autofree char *assign = empty_module_env();
    const char *const env[] = { assign, NULL };
    g_autoptr(CmdResult) r = run_env(env, "hostdev", "usb_1_5", NULL);
    assert_error(r, 1, "usb_1_5", "libvirt backend", NULL);
}

static void test_module_unknown_device(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "no_such_device", "-c", "test:///default", NULL);
    /* exit 2 as for an unknown address: the input names nothing there */
    assert_error(r, 2, "no device 'no_such_device' on test:///default", NULL);
}

/* ---------------------------------------------------------------- main */

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

    g_test_add_func("/cli/add/stdout", test_add_stdout);
    g_test_add_func("/cli/add/stdin", test_add_stdin);
    g_test_add_func("/cli/add/dry-run", test_add_dry_run);
    g_test_add_func("/cli/options/values", test_option_values);
    g_test_add_func("/cli/add/diff", test_add_diff);
    g_test_add_func("/cli/add/diff-tabs", test_add_diff_tabs);
    g_test_add_func("/cli/add/in-place", test_add_in_place);
    g_test_add_func("/cli/add/in-place-mode", test_add_in_place_mode);
    g_test_add_func("/cli/add/in-place-backup", test_add_in_place_backup);
    g_test_add_data_func("/cli/add/round-trip/i440fx", I440FX, test_round_trip);
    g_test_add_data_func("/cli/add/round-trip/q35", Q35, test_round_trip);
    g_test_add_data_func("/cli/add/round-trip/tabs", TABS, test_round_trip);
    g_test_add_data_func("/cli/add/round-trip/minimal", MINIMAL, test_round_trip);
    g_test_add_func("/cli/add/auto/i440fx", test_auto_i440fx);
    g_test_add_func("/cli/add/auto/q35", test_auto_q35);
    g_test_add_func("/cli/add/auto/q35-full", test_auto_q35_full);
    g_test_add_func("/cli/add/multifunction", test_add_multifunction);
    g_test_add_func("/cli/add/error/collision", test_add_err_collision);
    g_test_add_func("/cli/add/error/already-present", test_add_err_present);
    g_test_add_func("/cli/add/error/strict-invalid-input", test_add_err_strict_invalid);
    g_test_add_func("/cli/add/error/malformed-domain", test_add_err_malformed);
    g_test_add_func("/cli/add/error/in-place-stdin", test_add_err_in_place_stdin);
    g_test_add_func("/cli/remove/all-functions", test_remove_all_functions);
    g_test_add_func("/cli/remove/error/absent", test_remove_err_absent);
    g_test_add_func("/cli/validate/valid", test_validate_valid);
    g_test_add_func("/cli/validate/invalid", test_validate_invalid);
    g_test_add_func("/cli/validate/json", test_validate_json);

    g_test_add_func("/cli/help/global", test_help_global);
    for (guint i = 0; i < G_N_ELEMENTS(verb_options); i++) {
        g_autofree char *name = g_strdup_printf("/cli/help/verb/%s", verb_options[i].verb);
        g_test_add_data_func(name, &verb_options[i], test_help_verb);
    }
    g_test_add_func("/cli/help/no-verb", test_help_no_verb);
    g_test_add_func("/cli/help/unknown-verb", test_help_unknown_verb);
    g_test_add_func("/cli/help/unknown-option", test_help_unknown_option);
    g_test_add_func("/cli/help/version", test_help_version);

    g_test_add_func("/cli/module/offline-without-backend", test_module_offline);
    g_test_add_func("/cli/module/lookup-needs-backend", test_module_missing);
    g_test_add_func("/cli/module/unknown-device", test_module_unknown_device);

    return g_test_run();
}
