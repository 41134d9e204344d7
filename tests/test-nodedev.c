/* Node-device XML and DEVICE arguments -> device model. */
#include <string.h>

#include "errors.h"
#include "nodedev.h"
#include "testutil.h"
#include "xmlutil.h"

static Nodedev *load(const char *name)
{
    g_autofree char *rel = g_strdup_printf("nodedev/%s.xml", name);
    gsize len;
    g_autofree char *data = test_data_read(rel, &len);
    g_autoptr(GError) error = NULL;
    Nodedev *dev = nodedev_parse(data, len, rel, &error);
    g_assert_no_error(error);
    g_assert_nonnull(dev);
    return dev;
}

static void test_gpu_function(void)
{
    g_autoptr(Nodedev) dev = load("pci_0000_01_00_1");
    g_assert_cmpint(dev->kind, ==, NODEDEV_PCI);
    g_assert_cmpstr(dev->name, ==, "pci_0000_01_00_1");
    g_assert_true(pci_addr_equal(&dev->pci, &(PciAddr){ 0, 1, 0, 1 }));
    g_assert_cmpstr(nodedev_class_name(dev), ==, "audio");
    g_assert_cmpstr(dev->driver, ==, "snd_hda_intel");
    g_assert_cmpint(dev->iommu_group, ==, 14);
    g_assert_cmpuint(dev->iommu_members->len, ==, 4);
    g_assert_cmphex(dev->vendor_id, ==, 0x10de);
    g_assert_null(dev->problem);
}

static void test_classes(void)
{
    static const struct {
        const char *file;
        const char *cls;
    } cases[] = {
        { "pci_0000_01_00_0", "gpu" },  { "pci_0000_01_00_2", "usb-controller" },
        { "pci_0000_01_00_3", "serial-bus" }, { "pci_0000_03_00_0", "net" },
        { "pci_0001_40_00_0", "storage" }, { "usb_1_5", "usb" },
        { "mdev_4b20d080_1b54_4048_85b3_a6a62d165c01", "mdev" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(Nodedev) dev = load(cases[i].file);
        g_assert_cmpstr(nodedev_class_name(dev), ==, cases[i].cls);
    }
}

static void test_sriov(void)
{
    g_autoptr(Nodedev) pf = load("pci_0000_03_00_0");
    g_assert_false(pf->is_vf);
    g_assert_cmpint(pf->vf_max, ==, 7);
    g_assert_cmpuint(pf->vfs->len, ==, 2);
    g_assert_true(pci_addr_equal(&g_array_index(pf->vfs, PciAddr, 1), &(PciAddr){ 0, 3, 0x10, 2 }));
    g_autoptr(Nodedev) vf = load("pci_0000_03_10_0");
    g_assert_true(vf->is_vf);
    g_assert_true(pci_addr_equal(&vf->pf, &pf->pci));
}

static void test_mdev_types(void)
{
    g_autoptr(Nodedev) igpu = load("pci_0000_00_02_0");
    g_assert_nonnull(igpu->mdev_types);
    g_assert_cmpuint(igpu->mdev_types->len, ==, 2);
    g_assert_cmpstr(((MdevType *)igpu->mdev_types->pdata[0])->device_api, ==, "vfio-pci");
    g_autoptr(Nodedev) mdev = load("mdev_4b20d080_1b54_4048_85b3_a6a62d165c01");
    g_assert_cmpstr(mdev->uuid, ==, "4b20d080-1b54-4048-85b3-a6a62d165c01");
    g_assert_cmpint(mdev->iommu_group, ==, 41);
}

static void test_usb(void)
{
    g_autoptr(Nodedev) a = load("usb_1_5");
    g_autoptr(Nodedev) b = load("usb_2_3");
    g_assert_true(a->usb_has_ids && a->usb_has_busdev);
    g_assert_cmpuint(a->usb_bus, ==, 1);
    g_assert_cmpuint(a->usb_device, ==, 5);
    g_assert_cmphex(a->product_id, ==, b->product_id);
    g_assert_cmpuint(b->usb_bus, ==, 2);
}

static void test_other_device(void)
{
    g_autoptr(Nodedev) net = load("net_enp3s0_00_1b_21_aa_bb_cc");
    g_assert_cmpint(net->kind, ==, NODEDEV_OTHER);
    g_assert_cmpstr(net->capability, ==, "net");
}

static void expect_parse_error(const char *xml, const char *part)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Nodedev) dev = nodedev_parse(xml, strlen(xml), "input.xml", &error);
    g_assert_null(dev);
    g_assert_error(error, VH_ERROR, VH_ERROR_INPUT);
    if (!strstr(error->message, part) || !strstr(error->message, "input.xml"))
        g_error("message '%s' lacks '%s' or the input name", error->message, part);
}

static void test_bad_input(void)
{
    expect_parse_error("<device><name>x</name>", "malformed XML");
    expect_parse_error("", "empty input");
    expect_parse_error("<domain type='kvm'/>", "expected a node device");
    expect_parse_error("<device><name>x</name></device>", "without <capability>");
    expect_parse_error("<device><capability type='pci'><bus>1</bus></capability></device>", "<domain> missing");
    expect_parse_error("<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><device>&x;</device>",
                       "entity declarations are not accepted");
    expect_parse_error("<device>\x01\x02", "malformed XML");
    expect_parse_error("<device><capability type='usb_device'><bus>1</bus></capability></device>",
                       "without <vendor> and <product>");
    expect_parse_error("<device><capability type='pci'><domain>0</domain><bus>3</bus><slot>0</slot>"
                       "<function>0</function><vendor id='0xzz'/></capability></device>", "<vendor id>");
    /* error labels are built only on failure: they still name the field
     * and, for addresses, the line */
    expect_parse_error("<device><capability type='pci'><domain>0</domain><bus>3</bus><slot>0</slot>"
                       "<function>0</function><product id='0x10000'/></capability></device>",
                       "<product id> '0x10000' is out of range");
    expect_parse_error("<device><capability type='pci'><domain>0</domain><bus>3</bus><slot>0</slot>"
                       "<function>0</function>\n<iommuGroup number='1'>\n"
                       "<address domain='0x0000' bus='0x03' slot='0x20' function='0x0'/>"
                       "</iommuGroup></capability></device>", "slot at line 3 '0x20' is out of range");
    expect_parse_error("<device><capability type='pci'><domain>0</domain><bus>3</bus><slot>0</slot>"
                       "<function>0</function><iommuGroup number='1'><address domain='0x0000' bus='0x03' "
                       "slot='0x00'/></iommuGroup></capability></device>", "<address> without function at line 1");
}

static Nodedev *pci_with(const char *name, const char *field, const char *value)
{
    static const char *const fields[] = { "domain", "bus", "slot", "function" };
    static const char *const good[] = { "0", "3", "0", "0" };
    g_autoptr(GString) xml = g_string_new("<device>");
    if (name)
        g_string_append_printf(xml, "<name>%s</name>", name);
    g_string_append(xml, "<capability type='pci'>");
    for (guint i = 0; i < G_N_ELEMENTS(fields); i++)
        g_string_append_printf(xml, "<%s>%s</%s>", fields[i], strcmp(fields[i], field) ? good[i] : value, fields[i]);
    g_string_append(xml, "</capability></device>");
    g_autoptr(GError) error = NULL;
    Nodedev *dev = nodedev_parse(xml->str, xml->len, "dev.xml", &error);
    g_assert_no_error(error);
    return dev;
}

/* Impossible values: the sysfs-derived name's address with a warning naming
 * the field, or a problem (the address is never used) */
static void test_impossible_values(void)
{
    static const struct {
        const char *field, *value, *why;
    } cases[] = {
        { "function", "50", "out of range" }, { "bus", "256", "out of range" },
        { "slot", "0x20", "out of range" }, { "slot", "32", "out of range" },
        { "domain", "65536", "out of range" }, { "bus", "4294967295", "out of range" },
        { "bus", "0xzz", "not a number" }, { "function", "1a", "not a number" },
        { "slot", "-1", "negative" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(Nodedev) named = pci_with("pci_0000_07_01_2", cases[i].field, cases[i].value);
        g_assert_null(named->problem);
        g_assert_true(pci_addr_equal(&named->pci, &(PciAddr){ 0, 7, 1, 2 }));
        g_autofree char *warning = g_strdup_printf("pci_0000_07_01_2: <%s>%s</%s> is %s; using the address from "
                                                   "the device name", cases[i].field, cases[i].value,
                                                   cases[i].field, cases[i].why);
        g_assert_cmpstr(named->warning, ==, warning);

        g_autoptr(Nodedev) odd = pci_with("pci_8086_10fb", cases[i].field, cases[i].value);
        g_assert_null(odd->warning);
        g_autofree char *problem = g_strdup_printf("dev.xml: <%s>%s</%s> is %s, and the device name is not of the "
                                                   "form pci_DDDD_BB_SS_F: its PCI address is unknown",
                                                   cases[i].field, cases[i].value, cases[i].field, cases[i].why);
        g_assert_cmpstr(odd->problem, ==, problem);
        g_autoptr(Nodedev) nameless = pci_with(NULL, cases[i].field, cases[i].value);
        g_assert_nonnull(nameless->problem);
    }
    /* good values: neither */
    g_autoptr(Nodedev) fine = pci_with("pci_0000_03_00_0", "bus", "3");
    g_assert_null(fine->warning);
    g_assert_null(fine->problem);
    /* libvirt's own test data: a bus of 4294967295 under a sysfs name */
    gsize len;
    g_autofree char *corpus_like = test_data_read("nodedev/pci_0000_00_02_0.xml", &len);
    g_autoptr(Nodedev) igpu = nodedev_parse(corpus_like, len, "igpu", NULL);
    g_assert_null(igpu->warning);
}

/* mdev model: the type's device API, else by the parent */
static void test_mdev_model(void)
{
    static const struct {
        const char *parent, *type_xml, *model;
    } cases[] = {
        { "css_0_0_0052", "<type id='vfio_ccw-io'/>", "vfio-ccw" },
        { "ap_matrix", "<type id='vfio_ap-passthrough'/>", "vfio-ap" },
        { "pci_0000_00_02_0", "<type id='i915-GVTg_V5_8'/>", "vfio-pci" },
        { "computer", "<type id='mtty-1'/>", "vfio-pci" },
        /* the mdev's own XML says it */
        { "computer", "<type id='x'><deviceAPI>vfio-ccw</deviceAPI></type>", "vfio-ccw" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *xml = g_strdup_printf("<device><name>mdev_c60cc60c_c60c_c60c_c60c_c60cc60cc60c</name>"
                                               "<parent>%s</parent><capability type='mdev'>%s"
                                               "<uuid>c60cc60c-c60c-c60c-c60c-c60cc60cc60c</uuid></capability>"
                                               "</device>", cases[i].parent, cases[i].type_xml);
        g_autoptr(Nodedev) dev = nodedev_parse(xml, strlen(xml), "mdev.xml", NULL);
        g_assert_nonnull(dev);
        g_assert_cmpstr(nodedev_mdev_model(dev), ==, cases[i].model);
    }
}

static void test_specs(void)
{
    static const struct {
        const char *spec;
        DevSpecKind kind;
    } cases[] = {
        { "pci_0000_03_00_0", DEVSPEC_PCI_ADDRESS }, { "0000:03:00.0", DEVSPEC_PCI_ADDRESS },
        { "03:00.0", DEVSPEC_PCI_ADDRESS }, { "03:00.0x", DEVSPEC_PCI_ADDRESS },
        { "usb:046d:c52b", DEVSPEC_USB_IDS }, { "usb:001.005", DEVSPEC_USB_BUSDEV },
        { "4b20d080-1b54-4048-85b3-a6a62d165c01", DEVSPEC_MDEV_UUID },
        { "mdev_4b20d080_1b54_4048_85b3_a6a62d165c01", DEVSPEC_MDEV_UUID },
        { "dev.xml", DEVSPEC_XML }, { "-", DEVSPEC_XML }, { "usb_1_5", DEVSPEC_NODEDEV_NAME },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        g_assert_cmpint(devspec_classify(cases[i].spec), ==, cases[i].kind);

    g_autoptr(GError) error = NULL;
    g_autoptr(Nodedev) mdev = nodedev_from_spec("mdev_4b20d080_1b54_4048_85b3_a6a62d165c01", &error);
    g_assert_cmpstr(mdev->uuid, ==, "4b20d080-1b54-4048-85b3-a6a62d165c01");
    g_autoptr(Nodedev) usb = nodedev_from_spec("usb:002.003", &error);
    g_autofree char *label = nodedev_label(usb);
    g_assert_cmpstr(label, ==, "usb 002.003");
    g_assert_null(nodedev_from_spec("mdev_nope", &error));
    g_assert_error(error, VH_ERROR, VH_ERROR_INPUT);
}

static void test_scsi(void)
{
    g_autoptr(Nodedev) dev = load("scsi_2_0_1_3");
    g_assert_cmpint(dev->kind, ==, NODEDEV_OTHER);
    g_assert_true(dev->is_scsi);
    g_assert_cmpuint(dev->scsi_host, ==, 2);
    g_assert_cmpuint(dev->scsi_bus, ==, 0);
    g_assert_cmpuint(dev->scsi_target, ==, 1);
    g_assert_cmpuint(dev->scsi_unit, ==, 3);
    g_assert_null(dev->problem);
}

static Nodedev *scsi_source_of(const char *xml)
{
    g_autoptr(xmlDoc) doc = vh_xml_parse(xml, strlen(xml), "hostdev", NULL);
    g_assert_nonnull(doc);
    return nodedev_scsi_source(xmlDocGetRootElement(doc));
}

/* <hostdev type='scsi'> sources, for the duplicate check */
static void test_scsi_source(void)
{
    g_autoptr(Nodedev) dev = load("scsi_2_0_1_3");
    g_autoptr(Nodedev) same = scsi_source_of(
        "<hostdev mode='subsystem' type='scsi' managed='no'><source><adapter name='scsi_host2'/>"
        "<address bus='0' target='1' unit='3'/></source></hostdev>");
    g_assert_nonnull(same);
    g_assert_true(nodedev_same_scsi(same, dev));
    g_autoptr(Nodedev) other = scsi_source_of(
        "<hostdev mode='subsystem' type='scsi'><source protocol='adapter'><address bus='0' target='1' unit='4'/>"
        "<adapter name='scsi_host2'/></source></hostdev>");
    g_assert_nonnull(other);
    g_assert_false(nodedev_same_scsi(other, dev));
    const char *none[] = {
        "<hostdev mode='subsystem' type='scsi'><source protocol='iscsi' name='iqn.2014-08.com.example:t/1'>"
        "<host name='example.com'/></source></hostdev>",
        "<hostdev mode='subsystem' type='scsi'><source><adapter type='scsi_host'><parentaddr>"
        "<address domain='0' bus='0' slot='0x17' function='0'/></parentaddr></adapter>"
        "<address bus='0' target='1' unit='3'/></source></hostdev>",
        "<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='3' slot='0' function='0'/>"
        "</source></hostdev>",
    };
    for (guint i = 0; i < G_N_ELEMENTS(none); i++) {
        g_autoptr(Nodedev) n = scsi_source_of(none[i]);
        g_assert_null(n);
    }
}

/* Many documents in one go give the same models as one parse each, whether
 * they are read joined or, when one cannot be joined, one by one; a broken
 * document fails alone. */
static void test_parse_many(void)
{
    static const char *const names[] = { "pci_0000_01_00_0", "pci_0000_01_00_1", "usb_1_5",
                                         "mdev_4b20d080_1b54_4048_85b3_a6a62d165c01", "pci_0000_03_10_2" };
    const guint n = G_N_ELEMENTS(names);
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < n; i++) {
        g_autofree char *rel = g_strdup_printf("nodedev/%s.xml", names[i]);
        g_ptr_array_add(texts, test_data_read(rel, NULL));
    }
    for (guint variant = 0; variant < 3; variant++) {
        /* 0: all joinable; 1: one with an XML declaration (read one by one);
         * 2: one that does not parse */
        g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < n; i++)
            g_ptr_array_add(docs, g_strdup(texts->pdata[i]));
        if (variant == 1) {
            g_free(docs->pdata[2]);
            docs->pdata[2] = g_strconcat("<?xml version='1.0'?>\n", texts->pdata[2], NULL);
        } else if (variant == 2) {
            g_free(docs->pdata[3]);
            docs->pdata[3] = g_strdup("<device><name>broken</name>");
        }
        g_autoptr(GPtrArray) errors = NULL;
        g_autoptr(GPtrArray) devs = nodedev_parse_many((const char *const *)docs->pdata, names, n, &errors);
        g_assert_cmpuint(devs->len, ==, n);
        g_assert_cmpuint(errors->len, ==, n);
        for (guint i = 0; i < n; i++) {
            if (variant == 2 && i == 3) {
                g_assert_null(devs->pdata[i]);
                g_assert_error((GError *)errors->pdata[i], VH_ERROR, VH_ERROR_INPUT);
                g_assert_nonnull(strstr(((GError *)errors->pdata[i])->message, names[i]));
                continue;
            }
            g_assert_null(errors->pdata[i]);
            g_autoptr(Nodedev) one = load(names[i]);
            const Nodedev *dev = devs->pdata[i];
            g_assert_cmpstr(dev->name, ==, one->name);
            g_assert_cmpint(dev->kind, ==, one->kind);
            g_assert_true(pci_addr_equal(&dev->pci, &one->pci));
            g_assert_cmpstr(dev->driver, ==, one->driver);
            g_assert_cmpint(dev->iommu_group, ==, one->iommu_group);
            g_assert_cmphex(dev->vendor_id, ==, one->vendor_id);
            g_assert_cmpstr(dev->uuid, ==, one->uuid);
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nodedev/gpu-function", test_gpu_function);
    g_test_add_func("/nodedev/parse-many", test_parse_many);
    g_test_add_func("/nodedev/classes", test_classes);
    g_test_add_func("/nodedev/sriov", test_sriov);
    g_test_add_func("/nodedev/mdev-types", test_mdev_types);
    g_test_add_func("/nodedev/usb", test_usb);
    g_test_add_func("/nodedev/other", test_other_device);
    g_test_add_func("/nodedev/scsi", test_scsi);
    g_test_add_func("/nodedev/scsi-source", test_scsi_source);
    g_test_add_func("/nodedev/bad-input", test_bad_input);
    g_test_add_func("/nodedev/impossible-values", test_impossible_values);
    g_test_add_func("/nodedev/mdev-model", test_mdev_model);
    g_test_add_func("/nodedev/specs", test_specs);
    return g_test_run();
}
