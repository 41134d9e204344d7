/* The domain index and what reads it: libvirt's rules for addresses and
 * controllers, allocation per machine family, input problems as warnings.
 * Fixtures: tests/data/domain/index/ (our own, in virt-install's and
 * libvirt's forms). The results of the allocation cases were defined on a
 * real libvirtd (virsh define --validate) and kept their addresses. */
#include <glib/gstdio.h>
#include <string.h>

#include "domindex.h"
#include "domxml.h"
#include "testutil.h"
#include "validate.h"
#include "xmlutil.h"

#define run(...) cmd_run(NULL, NULL, __VA_ARGS__)

static DomDoc *load(const char *name, char **data)
{
    g_autofree char *rel = g_strdup_printf("domain/index/%s.xml", name);
    gsize len;
    *data = test_data_read(rel, &len);
    g_autoptr(GError) error = NULL;
    DomDoc *dd = domdoc_parse(*data, len, rel, &error);
    g_assert_no_error(error);
    return dd;
}

/* A fixture copied to the scratch directory, for the binary to edit. */
static char *copy(const char *name)
{
    g_autofree char *rel = g_strdup_printf("domain/index/%s.xml", name);
    g_autofree char *file = g_strdup_printf("%s.xml", name);
    return test_copy_to_tmp(rel, file);
}

static char *slurp(const char *path)
{
    char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

/* add --file F 03:00.0 --guest-address auto: exit 0, the document on stdout. */
static CmdResult *add_auto(const char *path)
{
    CmdResult *r = run("add", "--file", path, "03:00.0", "--guest-address", "auto", NULL);
    if (r->rc != 0)
        g_test_message("stderr: %s", r->err);
    cmd_assert_exit(r, 0);
    cmd_assert_lacks(r->out, "bus='0x00' slot='0x00'");
    return r;
}

static void test_controller_indexes(void)
{
    g_autofree char *data = NULL;
    g_autoptr(DomDoc) dd = load("q35-virtinstall", &data);
    g_autoptr(DomIndex) idx = domindex_build(domdoc_xml(dd));
    g_assert_cmpint(domindex_machine(idx), ==, MACHINE_Q35);
    /* pcie-root takes 0, the index-less root ports 1, 2, 3 in document order */
    g_assert_cmpint(domindex_controller(idx, 0)->pci_model, ==, PCI_MODEL_PCIE_ROOT);
    for (guint i = 1; i <= 3; i++)
        g_assert_cmpint(domindex_controller(idx, i)->pci_model, ==, PCI_MODEL_PCIE_ROOT_PORT);
    g_assert_null(domindex_controller(idx, 4));
    g_assert_cmpuint(domindex_free_controller_index(idx), ==, 4);
    /* the console mirroring serial 0 is no device of its own */
    for (guint i = 0; i < domindex_count(idx); i++)
        g_assert_false(vh_xml_is(domindex_entry(idx, i)->node, "console"));
}

static void test_machine_families(void)
{
    static const struct {
        const char *os_type;
        const char *devices;
        MachineFamily family;
    } cases[] = {
        { "<type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>", "", MACHINE_I440FX },
        { "<type arch='x86_64' machine='pc-1.2'>hvm</type>", "", MACHINE_I440FX },
        { "<type arch='x86_64' machine='pc-q35-8.0'>hvm</type>", "", MACHINE_Q35 },
        { "<type arch='x86_64'>hvm</type>", "", MACHINE_I440FX },
        { "<type>hvm</type>", "<controller type='pci' model='pcie-root'/>", MACHINE_Q35 },
        { "<type arch='aarch64' machine='virt-7.2'>hvm</type>", "", MACHINE_VIRT },
        { "<type arch='aarch64'>hvm</type>", "", MACHINE_VIRT },
        { "<type arch='riscv64' machine='virt'>hvm</type>", "", MACHINE_VIRT },
        { "<type arch='ppc64le' machine='pseries'>hvm</type>", "", MACHINE_PSERIES },
        { "<type arch='s390x' machine='s390-ccw-virtio'>hvm</type>", "", MACHINE_S390 },
        { "<type arch='x86_64' machine='microvm'>hvm</type>", "", MACHINE_OTHER },
        { "<type arch='x86_64' machine='isapc'>hvm</type>", "", MACHINE_OTHER },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *doc = g_strdup_printf("<domain type='kvm'><name>x</name><os>%s</os><devices>%s</devices></domain>",
                                               cases[i].os_type, cases[i].devices);
        g_autoptr(DomDoc) dd = domdoc_parse(doc, strlen(doc), "x", NULL);
        g_autoptr(DomIndex) idx = domindex_build(domdoc_xml(dd));
        if (domindex_machine(idx) != cases[i].family)
            g_error("%s: family %d, expected %d", doc, domindex_machine(idx), cases[i].family);
    }
}

/* virt-install's q35: index-less root ports; bus 1 is taken by the rng, so
 * the device goes behind the port resolved to index 2, never 00:00.0. */
static void test_q35_virtinstall(void)
{
    g_autofree char *path = copy("q35-virtinstall");
    g_autoptr(CmdResult) r = add_auto(path);
    cmd_assert_contains(r->out, "<address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>");
    cmd_assert_contains(r->err, "guest address 0000:02:00.0");
    cmd_assert_lacks(r->err, "added a pcie-root-port");
}

/* --all-functions: one slot behind one root port, function 0 multifunction. */
static void test_q35_all_functions(void)
{
    g_autofree char *path = copy("q35-virtinstall");
    g_autoptr(CmdResult) r = run("add", "--file", path, "03:00.0", "03:00.1", "--all-functions", "--guest-address",
                                 "auto", NULL);
    cmd_assert_exit(r, 0);
    cmd_assert_contains(r->out, "bus='0x02' slot='0x00' function='0x0' multifunction='on'/>");
    cmd_assert_contains(r->out, "bus='0x02' slot='0x00' function='0x1'/>");
}

/* i440fx with a pcie-root-port (never used), an empty and a zpci-only
 * address (unassigned, not "used twice"), a console mirroring a pci-serial,
 * an <iommu> at 00:03.0, a slot whose function 0 is unmarked: bus 0 slot 5. */
static void test_i440fx_rootport(void)
{
    g_autofree char *path = copy("i440fx-rootport");
    g_autoptr(CmdResult) r = add_auto(path);
    cmd_assert_contains(r->out, "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>");
    cmd_assert_lacks(r->err, "warning");
    g_autoptr(CmdResult) v = run("validate", "--file", path, NULL);
    cmd_assert_exit(v, 0);
}

/* function 0 without multifunction='on' and a console mirroring serial 0:
 * libvirt accepts both (it sets multifunction='on' itself). */
static void test_multifunction_unmarked(void)
{
    g_autofree char *path = copy("multifunction-unmarked");
    g_autoptr(CmdResult) v = run("validate", "--file", path, NULL);
    cmd_assert_exit(v, 0);
    g_autoptr(CmdResult) r = add_auto(path);
    cmd_assert_lacks(r->err, "warning");
    cmd_assert_contains(r->out, "bus='0x00' slot='0x03' function='0x0'/>");
}

static void test_i440fx_full_bridge(void)
{
    g_autofree char *path = copy("i440fx-full-bridge");
    g_autoptr(CmdResult) r = add_auto(path);
    /* bus 0 full: the existing pci-bridge's first free slot (1 is taken) */
    cmd_assert_contains(r->out, "<address type='pci' domain='0x0000' bus='0x01' slot='0x02' function='0x0'/>");
    cmd_assert_lacks(r->err, "added a pci-bridge");
}

static void test_i440fx_full_new_bridge(void)
{
    g_autofree char *path = copy("i440fx-full");
    g_autoptr(CmdResult) r = add_auto(path);
    cmd_assert_contains(r->out, "    <controller type='pci' index='1' model='pci-bridge'>\n"
                                "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
                                "    </controller>\n    <hostdev");
    cmd_assert_contains(r->out, "<address type='pci' domain='0x0000' bus='0x01' slot='0x01' function='0x0'/>");
    cmd_assert_contains(r->err, "added a pci-bridge controller, index 1");
}

/* The root port added to a q35 guest with one device gets its own line,
 * and so does the hostdev after that device. */
static void test_root_port_layout(void)
{
    g_autofree char *path = copy("q35-one-device");
    g_autoptr(CmdResult) r = add_auto(path);
    cmd_assert_contains(r->out, "  <devices>\n    <controller type='pci' index='1' model='pcie-root-port'/>\n"
                                "    <interface type='network'>\n");
    cmd_assert_contains(r->out, "    </interface>\n    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
                                "      <source>\n");
    cmd_assert_contains(r->out, "bus='0x01' slot='0x00' function='0x0'/>\n    </hostdev>\n  </devices>\n");
}

/* No <devices>: one is added after <on_crash>, before <seclabel>, indented. */
static void test_no_devices(void)
{
    g_autofree char *path = copy("no-devices");
    g_autoptr(CmdResult) r = run("add", "--file", path, "-i", "03:00.0", "--guest-address", "auto", NULL);
    cmd_assert_exit(r, 0);
    g_autofree char *after = slurp(path);
    cmd_assert_contains(after, "  <on_crash>destroy</on_crash>\n  <devices>\n"
                               "    <controller type='pci' index='1' model='pcie-root-port'/>\n"
                               "    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n");
    cmd_assert_contains(after, "</hostdev>\n  </devices>\n  <seclabel type='dynamic' model='dac'/>\n</domain>\n");
    g_autoptr(DomDoc) dd = domdoc_parse(after, strlen(after), "result", NULL);
    g_assert_nonnull(dd);
    g_assert_true(validate_domain_schema(domdoc_xml(dd), "result", NULL));
}

/* Already invalid (one host device held twice): add warns and goes ahead,
 * --strict refuses and changes nothing, remove of one of them works. */
static void test_duplicate_input(void)
{
    g_autofree char *path = copy("duplicate");
    g_autofree char *before = slurp(path);
    g_autoptr(CmdResult) strict = run("add", "--file", path, "-i", "--strict", "03:00.0", NULL);
    cmd_assert_error(strict, 1, "is already invalid before any change (--strict)",
                     "host device 0000:06:00.0 is assigned twice", NULL);
    g_autofree char *unchanged = slurp(path);
    g_assert_cmpstr(unchanged, ==, before);

    g_autoptr(CmdResult) r = run("add", "--file", path, "03:00.0", "--guest-address", "auto", NULL);
    cmd_assert_exit(r, 0);
    g_assert_true(g_str_has_prefix(r->err, "virt-hostdev: warning: "));
    g_assert_cmpuint(test_count(r->err, "warning"), ==, 1);
    cmd_assert_contains(r->err, "host device 0000:06:00.0 is assigned twice");
    cmd_assert_contains(r->out, "bus='0x00' slot='0x03' function='0x0'/>");
    /* --quiet drops notes, never warnings (one printer for both paths) */
    g_autoptr(CmdResult) quiet = run("-q", "add", "--file", path, "03:00.0", NULL);
    cmd_assert_exit(quiet, 0);
    g_assert_true(g_str_has_prefix(quiet->err, "virt-hostdev: warning: "));
    g_assert_cmpuint(test_count(quiet->err, "\n"), ==, 1);
    cmd_assert_contains(quiet->err, "host device 0000:06:00.0 is assigned twice");

    /* --strict refuses remove too; plain remove of one of the two works */
    g_autoptr(CmdResult) sr = run("remove", "--file", path, "-i", "--strict", "--alias", "second", NULL);
    cmd_assert_exit(sr, 1);
    g_autoptr(CmdResult) rm = run("remove", "--file", path, "-i", "--alias", "second", NULL);
    cmd_assert_exit(rm, 0);
    g_autofree char *after = slurp(path);
    g_assert_cmpuint(test_count(after, "<hostdev "), ==, 1);
    cmd_assert_contains(after, "ua-first");
    g_autoptr(CmdResult) v = run("validate", "--file", path, NULL);
    cmd_assert_exit(v, 0);
}

/* A SCSI device held twice is named as one (libvirt: "Hostdev already
 * exists"), not by a PCI address it does not have. */
static void test_scsi_duplicate(void)
{
    g_autofree char *path = copy("scsi-duplicate");
    g_autoptr(CmdResult) v = run("validate", "--file", path, NULL);
    cmd_assert_exit(v, 1);
    g_autofree char *all = g_strconcat(v->out, v->err, NULL);
    cmd_assert_contains(all, "host device scsi 2:0:1:3 is assigned twice");
    cmd_assert_lacks(all, "0000:00:00.0");
}

/* pseries (its default PHB) and s390 (zPCI): the first free slot of the
 * pci-root bus from slot 1, as libvirt numbers them */
static void pci_root_family(const char *name)
{
    g_autofree char *path = copy(name);
    g_autoptr(CmdResult) r = run("add", "--file", path, "03:00.0", "--guest-address", "auto", NULL);
    cmd_assert_exit(r, 0);
    cmd_assert_contains(r->err, "guest address 0000:00:01.0");
    cmd_assert_contains(r->out, "<address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>");
}

static void test_pci_root_families(void)
{
    pci_root_family("pseries");
    pci_root_family("s390");
}

/* An Arm board libvirt gives no PCI bus: refused, naming the machine,
 * nothing written; without auto too (the device could not be placed) */
static void test_board_without_pci(void)
{
    g_autofree char *path = copy("arm-board");
    g_autofree char *before = slurp(path);
    g_autoptr(CmdResult) r = run("add", "--file", path, "-i", "03:00.0", "--guest-address", "auto", NULL);
    cmd_assert_error(r, 1, "machine 'vexpress-a9' has no PCI bus", path, NULL);
    g_autofree char *after = slurp(path);
    g_assert_cmpstr(after, ==, before);
}

/* i440fx with bus 0 full and a pci-expander-bus: a new pci-bridge on the
 * expander's bus, the device on its slot 1 */
static void test_i440fx_expander(void)
{
    g_autofree char *path = copy("i440fx-pxb-full");
    g_autoptr(CmdResult) r = run("add", "--file", path, "03:00.0", "--guest-address", "auto", NULL);
    cmd_assert_exit(r, 0);
    cmd_assert_contains(r->err, "added a pci-bridge controller, index 2, at guest address 0000:01:01.0");
    cmd_assert_contains(r->out, "<address type='pci' domain='0x0000' bus='0x02' slot='0x01' function='0x0'/>");
}

/* The index follows the edit: an explicit address just added is taken. */
static void test_incremental(void)
{
    g_autofree char *data = NULL;
    g_autoptr(DomDoc) dd = load("multifunction-unmarked", &data);
    g_autoptr(DomIndex) idx = domindex_build(domdoc_xml(dd));
    PciAddr at = { 0, 0, 6, 1 };
    const DomEntry *rng = domindex_at(idx, &at);
    g_assert_nonnull(rng);
    g_assert_true(vh_xml_is(rng->node, "rng"));
    xmlNode *node = rng->node;
    domindex_remove(idx, node);
    g_assert_null(domindex_at(idx, &at));
    at.function = 0;
    g_assert_true(domindex_slot_used(idx, &at));
    g_autoptr(GPtrArray) problems = domindex_problems(idx);
    g_assert_cmpuint(problems->len, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(g_chdir(test_tmpdir()), ==, 0);
    g_test_add_func("/domindex/controller-indexes", test_controller_indexes);
    g_test_add_func("/domindex/machine-families", test_machine_families);
    g_test_add_func("/domindex/incremental", test_incremental);
    g_test_add_func("/domindex/add/q35-virtinstall", test_q35_virtinstall);
    g_test_add_func("/domindex/add/q35-all-functions", test_q35_all_functions);
    g_test_add_func("/domindex/add/i440fx-rootport", test_i440fx_rootport);
    g_test_add_func("/domindex/add/multifunction-unmarked", test_multifunction_unmarked);
    g_test_add_func("/domindex/add/i440fx-full-bridge", test_i440fx_full_bridge);
    g_test_add_func("/domindex/add/i440fx-full-new-bridge", test_i440fx_full_new_bridge);
    g_test_add_func("/domindex/add/root-port-layout", test_root_port_layout);
    g_test_add_func("/domindex/add/no-devices", test_no_devices);
    g_test_add_func("/domindex/duplicate-input", test_duplicate_input);
    g_test_add_func("/domindex/scsi-duplicate", test_scsi_duplicate);
    g_test_add_func("/domindex/pci-root-families", test_pci_root_families);
    g_test_add_func("/domindex/board-without-pci", test_board_without_pci);
    g_test_add_func("/domindex/i440fx-expander", test_i440fx_expander);
    return g_test_run();
}
