/* Real libvirt / virt-manager XML from ../shared/corpus: every node device
 * parses, every domain survives an add + remove round trip byte for byte.
 * Without the corpus (../shared/corpus beside the source tree, or
 * $VIRT_HOSTDEV_CORPUS_DIR) the program is one counted SKIP naming where it
 * looked, so that a run without it cannot pass for a run with it. */
#include <string.h>

#include "domedit.h"
#include "errors.h"
#include "nodedev.h"
#include "testutil.h"
#include "xmlutil.h"

static char *corpus_path(void)
{
    const char *given = g_getenv("VIRT_HOSTDEV_CORPUS_DIR");
    if (given && *given)
        return g_strdup(given);
    return g_build_filename(g_getenv("VIRT_HOSTDEV_SOURCE_DIR"), "..", "shared", "corpus", NULL);
}

static char *corpus_dir(void)
{
    g_autofree char *dir = corpus_path();
    return g_file_test(dir, G_FILE_TEST_IS_DIR) ? g_steal_pointer(&dir) : NULL;
}

static GPtrArray *list_xml(const char *sub)
{
    g_autofree char *root = corpus_dir();
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    if (root == NULL)
        return files;
    g_autofree char *dir = g_build_filename(root, sub, NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    if (d == NULL)
        return files;
    const char *name;
    while ((name = g_dir_read_name(d)))
        if (g_str_has_suffix(name, ".xml"))
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
    g_dir_close(d);
    g_ptr_array_sort(files, (GCompareFunc)g_strcmp0);
    return files;
}

static void test_corpus_absent(void)
{
    g_autofree char *path = corpus_path();
    g_autofree char *why = g_strdup_printf("the real-XML corpus %s is not present (check out ../shared beside the "
                                           "source tree, or set VIRT_HOSTDEV_CORPUS_DIR)", path);
    g_test_skip(why);
}

static void test_nodedevs(void)
{
    g_autoptr(GPtrArray) files = list_xml("nodedev");
    g_assert_cmpuint(files->len, >, 0);
    guint pci = 0, usb = 0, mdev = 0;
    for (guint i = 0; i < files->len; i++) {
        g_autofree char *data = NULL;
        gsize len;
        g_assert_true(g_file_get_contents(files->pdata[i], &data, &len, NULL));
        g_autoptr(GError) error = NULL;
        g_autoptr(Nodedev) dev = nodedev_parse(data, len, files->pdata[i], &error);
        if (dev == NULL)
            g_error("%s: %s", (char *)files->pdata[i], error->message);
        /* the model agrees with the document's own name */
        if (dev->kind == NODEDEV_PCI && g_str_has_prefix(dev->name, "pci_0000_")) {
            g_autofree char *name = pci_addr_format(&dev->pci, PCI_FORMAT_NAME);
            g_assert_cmpstr(name, ==, dev->name);
        }
        pci += dev->kind == NODEDEV_PCI;
        usb += dev->kind == NODEDEV_USB;
        mdev += dev->kind == NODEDEV_MDEV;
        if (dev->kind == NODEDEV_MDEV)
            g_assert_true(uuid_is_valid(dev->uuid));
    }
    g_test_message("%u node devices: %u pci, %u usb, %u mdev", files->len, pci, usb, mdev);
    g_assert_cmpuint(pci, >=, 10);
    g_assert_cmpuint(mdev, >=, 5);
    g_assert_cmpuint(usb, >=, 1);
}

static void test_sriov_and_mdev_types(void)
{
    g_autofree char *root = corpus_dir();
    g_autofree char *path = g_build_filename(root, "nodedev", "pci_0000_02_10_7_sriov_pf_vfs_all_header_type.xml", NULL);
    g_autofree char *data = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_autoptr(Nodedev) dev = nodedev_parse(data, len, path, NULL);
    g_assert_nonnull(dev);
    g_assert_true(dev->is_vf);
    g_assert_cmpuint(dev->pf.function, ==, 1);
    g_assert_cmpint(dev->vf_max, ==, 7);
    g_assert_cmpuint(dev->vfs->len, ==, 4);
    g_assert_cmpint(dev->iommu_group, ==, 31);

    g_autofree char *path2 = g_build_filename(root, "nodedev", "pci_0000_02_10_7_mdev_types.xml", NULL);
    g_autofree char *data2 = NULL;
    g_assert_true(g_file_get_contents(path2, &data2, &len, NULL));
    g_autoptr(Nodedev) dev2 = nodedev_parse(data2, len, path2, NULL);
    g_assert_nonnull(dev2);
    g_assert_cmpuint(dev2->mdev_types->len, ==, 2);
    g_assert_cmpint(((MdevType *)dev2->mdev_types->pdata[1])->available, ==, 2);
}

static void test_testdriver_host(void)
{
    g_autofree char *root = corpus_dir();
    g_autofree char *path = g_build_filename(root, "testdriver", "virt-manager-testdriver.xml", NULL);
    g_autofree char *data = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = vh_xml_parse(data, len, path, &error);
    g_assert_no_error(error);
    guint parsed = 0;
    VH_XML_FOREACH_CHILD(d, xmlDocGetRootElement(doc), "device") {
        g_autoptr(Nodedev) dev = nodedev_from_xml_node(d, path, &error);
        if (dev == NULL)
            g_error("%s line %u: %s", path, vh_xml_line(d), error->message);
        parsed++;
    }
    g_test_message("%u node devices in the test-driver host", parsed);
    g_assert_cmpuint(parsed, >, 10);
}

/* A device no corpus domain holds. */
static GPtrArray *probe_devices(void)
{
    GPtrArray *devices = g_ptr_array_new_with_free_func((GDestroyNotify)nodedev_free);
    g_ptr_array_add(devices, nodedev_from_spec("0000:7e:1f.5", NULL));
    return devices;
}

typedef struct {
    guint round_trips;
    guint already_invalid;
} RoundTripStats;

static void round_trip_file(const char *path, RoundTripStats *stats)
{
    g_autofree char *data = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_autoptr(GError) error = NULL;
    g_autoptr(DomDoc) dd = domdoc_parse(data, len, path, &error);
    if (dd == NULL)
        g_error("%s: %s", path, error->message);

    HostdevOpts opts;
    hostdev_opts_init(&opts);
    GuestPlacement none = { GUEST_NONE, { 0 } };
    g_autoptr(GPtrArray) devices = probe_devices();
    g_autoptr(GString) notes = g_string_new(NULL);
    if (!domedit_add(dd, devices, &opts, &none, FALSE, FALSE, notes, NULL, &error)) {
        /* refusing a document that is already wrong is right; crashing or
         * blaming the edit is not */
        g_assert_error(error, VH_ERROR, VH_ERROR_INPUT);
        g_assert_nonnull(strstr(error->message, "already invalid before any change"));
        g_test_message("%s: refused: %s", path, error->message);
        stats->already_invalid++;
        return;
    }
    gsize added_len;
    g_autofree char *added = domdoc_render(dd, &added_len);
    g_assert_cmpuint(added_len, >, len);

    g_autoptr(DomDoc) again = domdoc_parse(added, added_len, path, &error);
    g_assert_no_error(error);
    g_assert_true(domedit_remove(again, &(RemoveMatch){ .devices = devices }, FALSE, notes, NULL, &error));
    g_assert_no_error(error);
    gsize back_len;
    g_autofree char *back = domdoc_render(again, &back_len);
    g_assert_cmpuint(back_len, ==, len);
    g_assert_true(memcmp(back, data, len) == 0);
    stats->round_trips++;

    /* automatic pinning works on every machine type and keeps it valid */
    g_autoptr(DomDoc) pinned = domdoc_parse(data, len, path, &error);
    GuestPlacement automatic = { GUEST_AUTO, { 0 } };
    g_assert_true(domedit_add(pinned, devices, &opts, &automatic, FALSE, FALSE, notes, NULL, &error));
    g_assert_no_error(error);
}

static void test_domain_round_trips(void)
{
    RoundTripStats stats = { 0 };
    const char *dirs[] = { "domain", "virt-xml-compare" };
    for (guint d = 0; d < G_N_ELEMENTS(dirs); d++) {
        g_autoptr(GPtrArray) files = list_xml(dirs[d]);
        for (guint i = 0; i < files->len; i++) {
            const char *path = files->pdata[i];
            /* virt-xml-compare/virt-xml-*.xml are diff fragments, not XML */
            if (d == 1 && !g_str_has_prefix(strrchr(path, '/') + 1, "virt-install-"))
                continue;
            round_trip_file(path, &stats);
        }
    }
    g_test_message("%u domains round-tripped byte for byte, %u refused as already invalid",
                   stats.round_trips, stats.already_invalid);
    g_assert_cmpuint(stats.round_trips, >=, 18);
}

/* Documents libvirt 9.0's domain.rng rejects (they use newer elements): an
 * edit with --strict must blame the input, exit 2, and write nothing. */
static void test_strict_blames_input(void)
{
    g_autofree char *root = corpus_dir();
    const char *names[] = { "hostdev-vfio.xml", "pcie-root-port.x86_64-latest.xml", "q35-pcie.x86_64-latest.xml" };
    guint refused = 0;
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *src = g_build_filename(root, "domain", names[i], NULL);
        g_autofree char *data = NULL;
        gsize len;
        g_assert_true(g_file_get_contents(src, &data, &len, NULL));
        g_autofree char *path = g_build_filename(test_tmpdir(), names[i], NULL);
        g_assert_true(g_file_set_contents(path, data, (gssize)len, NULL));
        const char *argv[] = { "add", "--file", path, "0000:7e:1f.5", "--strict", "--in-place", NULL };
        g_autofree char *out = NULL, *err = NULL;
        int rc = test_run(argv, NULL, &out, &err);
        g_autofree char *after = NULL;
        gsize after_len;
        g_assert_true(g_file_get_contents(path, &after, &after_len, NULL));
        if (rc == 0) {
            /* a newer libvirt schema (11.x accepts all three) takes the
             * input: nothing to blame, and the edit is made */
            g_assert_cmpuint(after_len, >, len);
            g_assert_nonnull(strstr(after, "bus='0x7e' slot='0x1f' function='0x5'"));
            continue;
        }
        g_assert_cmpuint(after_len, ==, len);
        g_assert_true(memcmp(after, data, len) == 0);
        g_assert_cmpint(rc, ==, 2);
        g_assert_nonnull(strstr(err, "already invalid before any change"));
        g_assert_nonnull(strstr(err, names[i]));
        refused++;
    }
    g_test_message("%u of %u documents refused as already invalid under this libvirt's schema", refused,
                   (guint)G_N_ELEMENTS(names));
    /* the libvirt the build found (pkg-config), not the code's own view */
    if (test_libvirt_version() < 10000000)
        g_assert_cmpuint(refused, ==, G_N_ELEMENTS(names));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_autofree char *root = corpus_dir();
    if (root == NULL) {
        /* one SKIP with the reason, not one per case */
        g_test_add_func("/corpus/present", test_corpus_absent);
        return g_test_run();
    }
    g_test_add_func("/corpus/nodedev/all-parse", test_nodedevs);
    g_test_add_func("/corpus/nodedev/sriov-mdev-types", test_sriov_and_mdev_types);
    g_test_add_func("/corpus/testdriver/devices", test_testdriver_host);
    g_test_add_func("/corpus/domain/round-trip", test_domain_round_trips);
    g_test_add_func("/corpus/domain/strict-blames-input", test_strict_blames_input);
    return g_test_run();
}
