/* Device model -> <hostdev>/<interface> text (golden files), the compact
 * schema, and the schema's honesty against libvirt's domain.rng. */
#include <string.h>

#include "domedit.h"
#include "errors.h"
#include "hostdev.h"
#include "testutil.h"
#include "validate.h"
#include "xmlutil.h"

static Nodedev *load(const char *name)
{
    g_autofree char *rel = g_strdup_printf("nodedev/%s.xml", name);
    gsize len;
    g_autofree char *data = test_data_read(rel, &len);
    Nodedev *dev = nodedev_parse(data, len, rel, NULL);
    g_assert_nonnull(dev);
    return dev;
}

/* Render DEVICES with OPTS/PLACEMENT, all blocks inside one <devices> so the
 * golden file is one document. */
static char *render(GPtrArray *devices, const HostdevOpts *opts, const char *guest, gboolean all_functions)
{
    GuestPlacement placement;
    g_assert_true(guest_placement_parse(guest, &placement, NULL));
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) blocks = hostdev_render(devices, opts, &placement, all_functions, &error);
    g_assert_no_error(error);
    GString *out = g_string_new("<devices>\n");
    for (guint i = 0; i < blocks->len; i++)
        g_string_append_printf(out, "%s\n", (char *)blocks->pdata[i]);
    g_string_append(out, "</devices>\n");
    return g_string_free(out, FALSE);
}

static GPtrArray *devices_of(const char *first, ...)
{
    GPtrArray *devices = g_ptr_array_new_with_free_func((GDestroyNotify)nodedev_free);
    va_list ap;
    va_start(ap, first);
    for (const char *name = first; name; name = va_arg(ap, const char *))
        g_ptr_array_add(devices, g_str_has_suffix(name, ":") ? NULL : load(name));
    va_end(ap);
    return devices;
}

static void test_pci_managed_default(void)
{
    HostdevOpts opts;
    hostdev_opts_init(&opts);
    g_autoptr(GPtrArray) devs = devices_of("pci_0000_03_00_1", NULL);
    g_autofree char *out = render(devs, &opts, NULL, FALSE);
    test_assert_golden_xml("hostdev/pci-default.xml", out);
    /* exactly the shape of the design's example */
    g_assert_nonnull(strstr(out, "<hostdev mode='subsystem' type='pci' managed='yes'>\n  <source>\n"
                                 "    <address domain='0x0000' bus='0x03' slot='0x00' function='0x1'/>\n"
                                 "  </source>\n</hostdev>"));
}

static void test_pci_every_option(void)
{
    HostdevOpts opts;
    hostdev_opts_init(&opts);
    opts.managed = FALSE;
    opts.driver_vfio = TRUE;
    opts.rom_bar = ROM_BAR_OFF;
    opts.rom_file = g_strdup("/usr/share/vgabios/gpu.rom");
    opts.boot_order = 2;
    g_assert_true(hostdev_alias_normalize("gpu0", &opts.alias, NULL));
    g_autoptr(GPtrArray) devs = devices_of("pci_0000_01_00_0", NULL);
    g_autofree char *out = render(devs, &opts, "0000:00:10.0", FALSE);
    test_assert_golden_xml("hostdev/pci-all-options.xml", out);
    g_assert_nonnull(strstr(out, "<alias name='ua-gpu0'/>"));
    hostdev_opts_clear(&opts);
}

static void test_multifunction(void)
{
    HostdevOpts opts;
    hostdev_opts_init(&opts);
    g_autoptr(GPtrArray) devs = devices_of("pci_0000_01_00_3", "pci_0000_01_00_0", "pci_0000_01_00_2",
                                           "pci_0000_01_00_1", NULL);
    g_autofree char *out = render(devs, &opts, "00:0a.0", TRUE);
    test_assert_golden_xml("hostdev/gpu-all-functions.xml", out);
    /* one slot, host function numbers, multifunction only on function 0 */
    g_auto(GStrv) parts = g_strsplit(out, "multifunction='on'", -1);
    g_assert_cmpint(g_strv_length(parts), ==, 2);
    g_assert_nonnull(strstr(out, "slot='0x0a' function='0x3'/>"));
}

static void test_usb_and_mdev(void)
{
    HostdevOpts opts;
    hostdev_opts_init(&opts);
    g_autoptr(GPtrArray) devs = devices_of("usb_1_5", "mdev_4b20d080_1b54_4048_85b3_a6a62d165c01", NULL);
    g_ptr_array_add(devs, nodedev_from_spec("usb:002.003", NULL));
    g_autofree char *out = render(devs, &opts, NULL, FALSE);
    test_assert_golden_xml("hostdev/usb-mdev.xml", out);
    g_assert_nonnull(strstr(out, "<vendor id='0x046d'/>"));
    g_assert_nonnull(strstr(out, "<address bus='2' device='3'/>"));
    g_assert_nonnull(strstr(out, "type='mdev' model='vfio-pci'"));
}

/* A SCSI disk as virt-xml gives it: its adapter from <host>, never managed. */
static void test_scsi(void)
{
    HostdevOpts opts;
    hostdev_opts_init(&opts);
    opts.boot_order = 1;
    g_assert_true(hostdev_alias_normalize("disk1", &opts.alias, NULL));
    g_autoptr(GPtrArray) devs = devices_of("scsi_2_0_1_3", NULL);
    g_autofree char *out = render(devs, &opts, NULL, FALSE);
    test_assert_golden_xml("hostdev/scsi.xml", out);
    g_assert_nonnull(strstr(out, "<hostdev mode='subsystem' type='scsi' managed='no'>\n  <source>\n"
                                 "    <adapter name='scsi_host2'/>\n"
                                 "    <address bus='0' target='1' unit='3'/>\n  </source>"));
    g_autofree char *label = nodedev_label(devs->pdata[0]);
    g_assert_cmpstr(label, ==, "scsi 2:0:1:3");
    hostdev_opts_clear(&opts);
}

/* A SCSI device whose address is unusable is kept (a host listing shows
 * it) but refused with the field named. */
static void test_scsi_bad_address(void)
{
    const char *xml = "<device><name>scsi_2_0_1_x</name><capability type='scsi'><host>2</host><bus>0</bus>"
                      "<target>1</target><lun>x</lun></capability></device>";
    g_autoptr(GError) error = NULL;
    g_autoptr(Nodedev) dev = nodedev_parse(xml, strlen(xml), "bad scsi", &error);
    g_assert_no_error(error);
    g_assert_false(dev->is_scsi);
    HostdevOpts opts;
    hostdev_opts_init(&opts);
    g_assert_false(hostdev_check(dev, &opts, &error));
    g_assert_nonnull(strstr(error->message, "<lun>"));
}

static void test_interface(void)
{
    HostdevOpts opts;
    hostdev_opts_init(&opts);
    opts.interface = TRUE;
    opts.vlan = 42;
    g_assert_true(hostdev_mac_normalize("52:54:00:AB:CD:EF", &opts.mac, NULL));
    g_autoptr(GPtrArray) devs = devices_of("pci_0000_03_10_2", NULL);
    g_autofree char *out = render(devs, &opts, NULL, FALSE);
    test_assert_golden_xml("hostdev/vf-interface.xml", out);
    g_assert_nonnull(strstr(out, "<mac address='52:54:00:ab:cd:ef'/>"));
    hostdev_opts_clear(&opts);
}

static void test_refusals(void)
{
    HostdevOpts opts;
    hostdev_opts_init(&opts);
    g_autoptr(GError) error = NULL;
    g_autoptr(Nodedev) net = load("net_enp3s0_00_1b_21_aa_bb_cc");
    g_assert_false(hostdev_check(net, &opts, &error));
    g_assert_nonnull(strstr(error->message, "'net' node device"));
    g_clear_error(&error);
    g_autoptr(Nodedev) usb = load("usb_1_5");
    opts.interface = TRUE;
    g_assert_false(hostdev_check(usb, &opts, &error));
    g_assert_error(error, VH_ERROR, VH_ERROR_USAGE);
    g_clear_error(&error);
    char *out = NULL;
    g_assert_false(hostdev_alias_normalize("gpu.0", &out, &error));
    g_clear_error(&error);
    g_assert_false(hostdev_mac_normalize("01:00:5e:00:00:01", &out, &error));
    g_assert_nonnull(strstr(error->message, "multicast"));
    g_clear_error(&error);
    g_assert_false(hostdev_mac_normalize("52:54:00:00:00", &out, &error));
}

static void test_schema_rejects(void)
{
    const char *bad[] = {
        "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x03' "
        "slot='0x20' function='0x0'/></source></hostdev>",
        "<hostdev mode='subsystem' type='pci' managed='yes'></hostdev>",
        "<hostdev mode='capabilities' type='pci' managed='yes'><source><address domain='0x0000' bus='0x03' "
        "slot='0x00' function='0x0'/></source></hostdev>",
        "<interface type='hostdev'><source><address type='pci' domain='0x0000' bus='0x03' slot='0x10' "
        "function='0x0'/></source><vlan><tag id='5000'/></vlan></interface>",
        "<disk/>",
        /* libvirt's driveBus has two digits; SCSI is never managed */
        "<hostdev mode='subsystem' type='scsi' managed='no'><source><adapter name='scsi_host0'/>"
        "<address bus='100' target='0' unit='0'/></source></hostdev>",
        "<hostdev mode='subsystem' type='scsi' managed='yes'><source><adapter name='scsi_host0'/>"
        "<address bus='0' target='0' unit='0'/></source></hostdev>",
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(xmlDoc) doc = validate_block(bad[i], &error);
        g_assert_null(doc);
        g_assert_nonnull(strstr(error->message, "hostdev.rng"));
    }
}

/* Every hostdev block of every golden file (one block, a <devices> list or
 * a whole domain), as text. */
static GPtrArray *golden_blocks(void)
{
    g_autofree char *root = test_data_path("golden");
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    test_find_xml(root, files);
    GPtrArray *blocks = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < files->len; i++) {
        g_autofree char *data = NULL;
        g_assert_true(g_file_get_contents(files->pdata[i], &data, NULL, NULL));
        g_autofree char *wrapped = g_strconcat("<wrap>", data, "</wrap>", NULL);
        g_autoptr(xmlDoc) doc = vh_xml_parse(wrapped, strlen(wrapped), files->pdata[i], NULL);
        if (doc == NULL)
            continue;
        xmlNode *top = vh_xml_child(xmlDocGetRootElement(doc), NULL);
        xmlNode *list = vh_xml_is(top, "devices") ? top : vh_xml_is(top, "domain") ? vh_xml_child(top, "devices") : NULL;
        for (xmlNode *n = list ? vh_xml_child(list, NULL) : top; n; n = vh_xml_next(n, NULL)) {
            if (!vh_xml_is(n, "hostdev") && !(vh_xml_is(n, "interface") && vh_xml_prop_is(n, "type", "hostdev")))
                continue;
            xmlBuffer *buf = xmlBufferCreate();
            xmlNodeDump(buf, doc, n, 0, 0);
            g_ptr_array_add(blocks, g_strdup((const char *)xmlBufferContent(buf)));
            xmlBufferFree(buf);
        }
    }
    return blocks;
}

/* Every block in every golden file passes hostdev.rng and, inside a
 * minimal domain, libvirt's own domain.rng. */
static void test_schema_honest(void)
{
    g_autoptr(GPtrArray) blocks = golden_blocks();
    for (guint b = 0; b < blocks->len; b++) {
        const char *block = blocks->pdata[b];
        g_autoptr(GError) error = NULL;
        g_autoptr(xmlDoc) ok = validate_block(block, &error);
        g_assert_no_error(error);
        g_autofree char *domain = g_strdup_printf(
            "<domain type='kvm'><name>t</name><memory>131072</memory><os><type arch='x86_64' "
            "machine='pc'>hvm</type></os><devices>%s</devices></domain>", block);
        g_autoptr(xmlDoc) ddoc = vh_xml_parse(domain, strlen(domain), "wrapped", NULL);
        if (!validate_domain_schema(ddoc, "a golden block", &error))
            g_error("accepted by hostdev.rng but not by domain.rng: %s: %s", block, error->message);
    }
    g_test_message("%u golden blocks pass both hostdev.rng and libvirt's domain.rng", blocks->len);
    g_assert_cmpuint(blocks->len, >=, 8);
}

static gboolean accepted(const char *block, ValidateGrammar which)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = validate_block_as(block, which, &error);
    return doc != NULL;
}

/* The lean grammar (without the optional elements, for blocks holding none
 * of them) gives the whole grammar's verdict: on every golden block and on
 * broken copies of each (a bad value, an unknown element, a bad optional
 * element, which then takes the whole grammar). */
static void test_schema_lean_same_verdict(void)
{
    static const char *const breaks[][2] = {
        { "managed='yes'", "managed='maybe'" },  { "function='0x", "function='0x9" },
        { "slot='0x", "slot='0x7" },              { "<source>", "<source><foo/>" },
        { "</source>", "</source><boot order='0'/>" }, { "</source>", "</source><rom bar='maybe'/>" },
        { "type='pci'", "type='pcx'" },
    };
    g_autoptr(GPtrArray) blocks = golden_blocks();
    guint cases = 0, refused = 0;
    for (guint b = 0; b < blocks->len; b++) {
        g_assert_true(accepted(blocks->pdata[b], VALIDATE_CHOOSE));
        g_assert_true(accepted(blocks->pdata[b], VALIDATE_FULL));
        for (guint k = 0; k < G_N_ELEMENTS(breaks); k++) {
            g_autoptr(GString) broken = g_string_new(blocks->pdata[b]);
            if (g_string_replace(broken, breaks[k][0], breaks[k][1], 1) == 0)
                continue;
            gboolean full = accepted(broken->str, VALIDATE_FULL);
            if (full != accepted(broken->str, VALIDATE_CHOOSE))
                g_error("the lean grammar and the whole one disagree on %s", broken->str);
            cases++;
            refused += !full;
        }
    }
    /* the lean grammar on its own refuses what it has no room for */
    g_assert_false(accepted("<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' "
                            "bus='0x03' slot='0x00' function='0x0'/></source><boot order='1'/></hostdev>",
                            VALIDATE_LEAN));
    g_assert_true(accepted("<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' "
                           "bus='0x03' slot='0x00' function='0x0'/></source><boot order='1'/></hostdev>",
                           VALIDATE_CHOOSE));
    g_test_message("%u blocks, %u broken copies (%u refused): the same verdict both ways", blocks->len, cases, refused);
    g_assert_cmpuint(refused, >, 20);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hostdev/pci/managed-default", test_pci_managed_default);
    g_test_add_func("/hostdev/pci/every-option", test_pci_every_option);
    g_test_add_func("/hostdev/pci/multifunction", test_multifunction);
    g_test_add_func("/hostdev/usb-mdev", test_usb_and_mdev);
    g_test_add_func("/hostdev/scsi", test_scsi);
    g_test_add_func("/hostdev/scsi/bad-address", test_scsi_bad_address);
    g_test_add_func("/hostdev/interface", test_interface);
    g_test_add_func("/hostdev/refusals", test_refusals);
    g_test_add_func("/hostdev/schema/rejects", test_schema_rejects);
    g_test_add_func("/hostdev/schema/honest", test_schema_honest);
    g_test_add_func("/hostdev/schema/lean-same-verdict", test_schema_lean_same_verdict);
    return g_test_run();
}
