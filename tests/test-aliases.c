/* aliases.c: the config parser and its errors, address patterns, matching
 * on the node-device fixtures, and the choice of free devices from a pool
 * by the inventory's verdict (IOMMU groups, held devices, multifunction
 * devices, VFs), on the fixtures and on synthetic host models. */
#include <string.h>

#include "aliases.h"
#include "errors.h"
#include "inventory.h"
#include "testutil.h"

static void assert_contains(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle) == NULL)
        g_test_message("'%s' not in:\n%s", needle, haystack);
    g_assert_nonnull(strstr(haystack, needle));
}

static Nodedev *load(const char *name)
{
    g_autofree char *rel = g_strdup_printf("nodedev/%s.xml", name);
    gsize len;
    g_autofree char *data = test_data_read(rel, &len);
    g_autoptr(GError) error = NULL;
    Nodedev *dev = nodedev_parse(data, len, rel, &error);
    g_assert_no_error(error);
    return dev;
}

/* Every node device of tests/data/nodedev: the fixture host. */
static GPtrArray *fixture_host(void)
{
    static const char *const names[] = {
        "pci_0000_00_02_0", "pci_0000_00_1f_3", "pci_0000_01_00_0", "pci_0000_01_00_1", "pci_0000_01_00_2",
        "pci_0000_01_00_3", "pci_0000_03_00_0", "pci_0000_03_00_1", "pci_0000_03_10_0", "pci_0000_03_10_2",
        "pci_0001_40_00_0", "usb_1_5", "usb_2_3", "mdev_4b20d080_1b54_4048_85b3_a6a62d165c01",
        "net_enp3s0_00_1b_21_aa_bb_cc",
    };
    GPtrArray *devs = g_ptr_array_new_with_free_func((GDestroyNotify)nodedev_free);
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        g_ptr_array_add(devs, load(names[i]));
    return devs;
}

static AliasConfig *parse(const char *text)
{
    g_autoptr(GError) error = NULL;
    AliasConfig *c = alias_config_parse(text, strlen(text), "aliases.conf", &error);
    g_assert_no_error(error);
    g_assert_nonnull(c);
    return c;
}

static const Alias *one_alias(AliasConfig **holder, const char *text)
{
    *holder = parse(text);
    g_assert_cmpuint((*holder)->aliases->len, ==, 1);
    return (*holder)->aliases->pdata[0];
}

static PciAddr addr(const char *text)
{
    PciAddr a;
    g_assert_true(pci_addr_parse(text, &a, NULL));
    return a;
}

/* A synthetic PCI device: ADDRESS, ids, IOMMU GROUP (members: every device
 * of the host model that says it is in the group), DRIVER, CLASS. */
static Nodedev *synth(const char *address, guint vendor, guint product, gint group, const char *driver, gint64 cls)
{
    Nodedev *d = nodedev_new(NODEDEV_PCI);
    d->pci = addr(address);
    d->name = pci_addr_format(&d->pci, PCI_FORMAT_NAME);
    d->vendor_id = vendor;
    d->product_id = product;
    d->iommu_group = group;
    d->driver = g_strdup(driver);
    d->pci_class = cls;
    return d;
}

static char *addresses(GPtrArray *devs)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < devs->len; i++) {
        g_autofree char *a = pci_addr_format(&((Nodedev *)devs->pdata[i])->pci, PCI_FORMAT_PCI);
        g_string_append_printf(s, "%s%s", i ? " " : "", a);
    }
    return g_string_free(s, FALSE);
}

/* ---------------------------------------------------------------- config */

static void test_parse(void)
{
    g_autoptr(AliasConfig) c = parse("# GPUs for the render farm\n"
                                     "\n"
                                     "[alias gpu]\n"
                                     "vendor_id = 10de\n"
                                     "product_id = 0x1EB8\n"
                                     "device_type = type-PCI\n"
                                     "\n"
                                     "[alias nic-vf]\n"
                                     "  vendor_id=8086\n"
                                     "product_id = *\n"
                                     "device_type = type-VF\n"
                                     "address = 0000:03:*.*\n"
                                     "[alias any.intel_thing]\n"
                                     "vendor_id = 8086\n");
    g_assert_cmpstr(c->what, ==, "aliases.conf");
    g_assert_cmpuint(c->aliases->len, ==, 3);
    const Alias *gpu = c->aliases->pdata[0], *vf = c->aliases->pdata[1], *any = c->aliases->pdata[2];
    g_assert_cmpstr(gpu->name, ==, "gpu");
    g_assert_cmphex(gpu->vendor_id, ==, 0x10de);
    g_assert_cmpint(gpu->product_id, ==, 0x1eb8);
    g_assert_cmpint(gpu->device_type, ==, PCI_DEVTYPE_PCI);
    g_assert_null(gpu->address);
    g_assert_cmpuint(gpu->line, ==, 3);
    g_assert_cmpstr(vf->name, ==, "nic-vf");
    g_assert_cmpint(vf->product_id, ==, -1);
    g_assert_cmpint(vf->device_type, ==, PCI_DEVTYPE_VF);
    g_assert_cmpstr(vf->address, ==, "0000:03:*.*");
    g_assert_cmpint(vf->address_glob.bus, ==, 3);
    g_assert_cmpint(vf->address_glob.slot, ==, -1);
    g_assert_cmpuint(vf->line, ==, 8);
    g_assert_cmpstr(any->name, ==, "any.intel_thing");
    g_assert_cmpint(any->device_type, ==, PCI_DEVTYPE_ANY);

    g_autoptr(GError) error = NULL;
    g_assert_true(alias_config_find(c, "nic-vf", &error) == vf);
    g_assert_null(alias_config_find(c, "gpus", &error));
    g_assert_error(error, VH_ERROR, VH_ERROR_USAGE);
    g_assert_cmpstr(error->message, ==, "no alias 'gpus' in aliases.conf (known: gpu, nic-vf, any.intel_thing)");

    g_autoptr(AliasConfig) empty = parse("# nothing yet\n");
    g_assert_cmpuint(empty->aliases->len, ==, 0);
}

static void test_parse_errors(void)
{
    static const struct {
        const char *text;
        const char *message;
    } cases[] = {
        { "vendor_id = 10de\n", "aliases.conf:1: 'vendor_id' outside a group: start with [alias NAME]" },
        { "[alias gpu]\nvendor_id = 10de\n\n[alias gpu]\nvendor_id = 10de\n",
          "aliases.conf:4: group [alias gpu] appears twice (first at line 1)" },
        { "[alias gpu]\nvendor_id = 10de\nvendor_id = 1002\n",
          "aliases.conf:3: [alias gpu] sets vendor_id twice (first at line 2)" },
        { "[alias gpu]\nvendor 10de\n", "aliases.conf:2: expected [alias NAME], KEY = VALUE or a # comment, not 'vendor 10de'" },
        { "[alias gpu\n", "aliases.conf:1: unterminated group header '[alias gpu'" },
        { "# gpus\n[gpu]\nvendor_id = 10de\n", "aliases.conf:2: group [gpu]: expected [alias NAME]" },
        { "[alias g:pu]\nvendor_id = 10de\n", "aliases.conf:1: group [alias g:pu]: expected [alias NAME]" },
        { "[alias ]\nvendor_id = 10de\n", "aliases.conf:1: group [alias ]: expected [alias NAME]" },
        { "[alias gpu]\nproduct_id = 1eb8\n", "aliases.conf:1: [alias gpu]: vendor_id is required" },
        { "[alias gpu]\n\nvendor_id = 10dex\n",
          "aliases.conf:3: [alias gpu]: vendor_id '10dex': expected a hex id such as 10de" },
        { "[alias gpu]\nvendor_id = \n", "aliases.conf:2: [alias gpu]: vendor_id '': expected a hex id" },
        { "[alias gpu]\nvendor_id = 10de\nproduct_id = 1eb8a\n",
          "aliases.conf:3: [alias gpu]: product_id '1eb8a': expected a hex id such as 1eb8, or *" },
        { "[alias gpu]\nvendor_id = 10de\ndevice_type = type-pci\n",
          "aliases.conf:3: [alias gpu]: device_type 'type-pci': expected type-PCI, type-PF or type-VF" },
        { "[alias gpu]\nvendor_id = 10de\naddress = 0000:03:*.9\n",
          "aliases.conf:3: [alias gpu]: address '0000:03:*.9': expected [[[DOMAIN:]BUS:]SLOT][.FUNCTION]" },
        { "[alias gpu]\nvendor_id = 10de\nvendor = 10de\n",
          "aliases.conf:3: [alias gpu]: unknown key 'vendor' (known: vendor_id, product_id, device_type, address)" },
        { "[alias ok]\nvendor_id = 10de\n[alias bad]\nvendor_id = nope\n",
          "aliases.conf:4: [alias bad]: vendor_id 'nope'" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(AliasConfig) c = alias_config_parse(cases[i].text, strlen(cases[i].text), "aliases.conf", &error);
        g_assert_null(c);
        g_assert_error(error, VH_ERROR, VH_ERROR_INPUT);
        if (!g_str_has_prefix(error->message, cases[i].message))
            g_test_message("case %u: %s", i, error->message);
        g_assert_true(g_str_has_prefix(error->message, cases[i].message));
        g_assert_null(strchr(error->message, '\n'));
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(AliasConfig) c = alias_config_parse("[alias a]\0x", 11, "bin.conf", &error);
    g_assert_null(c);
    assert_contains(error->message, "bin.conf: binary data");
}

static void test_load(void)
{
    g_autofree char *path = g_build_filename(test_tmpdir(), "aliases.conf", NULL);
    g_assert_true(g_file_set_contents(path, "[alias gpu]\nvendor_id = 10de\n", -1, NULL));
    g_autoptr(GError) error = NULL;
    g_autoptr(AliasConfig) c = alias_config_load(path, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(c->what, ==, path);
    g_assert_cmpuint(c->aliases->len, ==, 1);
    g_autoptr(AliasConfig) missing = alias_config_load("/nonexistent/aliases.conf", &error);
    g_assert_null(missing);
    g_assert_nonnull(error);
    assert_contains(error->message, "/nonexistent/aliases.conf");
    g_assert_cmpstr(ALIAS_CONFIG_DEFAULT, ==, "/etc/virt-hostdev/aliases.conf");
}

static void test_request(void)
{
    g_autofree char *name = NULL;
    guint count = 0;
    g_assert_true(alias_request_parse("gpu", &name, &count, NULL));
    g_assert_cmpstr(name, ==, "gpu");
    g_assert_cmpuint(count, ==, 1);
    g_clear_pointer(&name, g_free);
    g_assert_true(alias_request_parse("nic-vf:16", &name, &count, NULL));
    g_assert_cmpstr(name, ==, "nic-vf");
    g_assert_cmpuint(count, ==, 16);
    const char *bad[] = { "", "gpu:", "gpu:0", "gpu:-1", "gpu:x", "gpu:2:3", "g pu", ":2", "gpu:99999" };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *n = NULL;
        g_assert_false(alias_request_parse(bad[i], &n, &count, &error));
        g_assert_error(error, VH_ERROR, VH_ERROR_USAGE);
        assert_contains(error->message, "NAME:COUNT");
    }
    g_autoptr(GError) error = NULL;
    g_assert_true(alias_name_check("a-b_c.d", &error));
    g_assert_false(alias_name_check("a:b", &error));
    assert_contains(error->message, "'a:b'");
}

/* ---------------------------------------------------------------- globs */

static void test_glob(void)
{
    static const struct {
        const char *glob;
        const char *addr;
        gboolean match;
    } cases[] = {
        { "0000:03:*.*", "0000:03:00.0", TRUE },  { "0000:03:*.*", "0000:03:1f.7", TRUE },
        { "0000:03:*.*", "0000:04:00.0", FALSE }, { "0000:03:*.*", "0001:03:00.0", FALSE },
        { "03:00.*", "0005:03:00.3", TRUE },      { "03:00.*", "0000:03:01.0", FALSE },
        { "*:02:00.0", "0000:02:00.0", TRUE },    { "0000:03:00", "0000:03:00.4", TRUE },
        { "1f", "0000:07:1f.2", TRUE },           { "1f", "0000:07:1e.2", FALSE },
        { ".2", "0000:07:1e.2", TRUE },           { "*", "0001:40:00.0", TRUE },
        { "0000:03:10.2", "0000:03:10.2", TRUE }, { "0000:03:10.2", "0000:03:10.0", FALSE },
        { "::.", "0000:00:00.0", TRUE },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        AddrGlob g;
        g_autoptr(GError) error = NULL;
        g_assert_true(addr_glob_parse(cases[i].glob, &g, &error));
        g_assert_no_error(error);
        PciAddr a = addr(cases[i].addr);
        if (addr_glob_match(&g, &a) != cases[i].match)
            g_test_message("%s vs %s", cases[i].glob, cases[i].addr);
        g_assert_cmpint(addr_glob_match(&g, &a), ==, cases[i].match);
    }
    const char *bad[] = { "", "0000:03:*.8", "0000:100:00.0", "0000:03:20.0", "10000:03:00.0", "0:0:0:0.0",
                          "03:0g.0", "03:00.0.1", "03:**.0" };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        AddrGlob g;
        g_autoptr(GError) error = NULL;
        if (addr_glob_parse(bad[i], &g, &error))
            g_test_message("accepted %s", bad[i]);
        g_assert_nonnull(error);
        assert_contains(error->message, bad[i]);
    }
}

/* ------------------------------------------------------------- matching */

static void test_devtype(void)
{
    g_autoptr(GPtrArray) host = fixture_host();
    static const struct {
        guint index;
        PciDevType type;
    } cases[] = { { 2, PCI_DEVTYPE_PCI }, { 6, PCI_DEVTYPE_PF }, { 7, PCI_DEVTYPE_PCI }, { 8, PCI_DEVTYPE_VF },
                  { 9, PCI_DEVTYPE_VF } };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        g_assert_cmpint(nodedev_devtype(host->pdata[cases[i].index]), ==, cases[i].type);
    g_assert_cmpstr(pci_devtype_name(PCI_DEVTYPE_PCI), ==, "type-PCI");
    g_assert_cmpstr(pci_devtype_name(PCI_DEVTYPE_PF), ==, "type-PF");
    g_assert_cmpstr(pci_devtype_name(PCI_DEVTYPE_VF), ==, "type-VF");
}

static char *matching(GPtrArray *host, const char *config)
{
    g_autoptr(AliasConfig) c = NULL;
    const Alias *a = one_alias(&c, config);
    g_autoptr(GPtrArray) hits = g_ptr_array_new();
    for (guint i = 0; i < host->len; i++)
        if (alias_matches(a, host->pdata[i]))
            g_ptr_array_add(hits, host->pdata[i]);
    return addresses(hits);
}

static void test_matches(void)
{
    g_autoptr(GPtrArray) host = fixture_host();
    static const struct {
        const char *config;
        const char *hits;
    } cases[] = {
        { "[alias a]\nvendor_id=10de\nproduct_id=1e87\n", "0000:01:00.0" },
        { "[alias a]\nvendor_id=10de\n", "0000:01:00.0 0000:01:00.1 0000:01:00.2 0000:01:00.3" },
        { "[alias a]\nvendor_id=8086\nproduct_id=10c9\n", "0000:03:00.0 0000:03:00.1" },
        { "[alias a]\nvendor_id=8086\nproduct_id=10c9\ndevice_type=type-PF\n", "0000:03:00.0" },
        { "[alias a]\nvendor_id=8086\nproduct_id=10c9\ndevice_type=type-PCI\n", "0000:03:00.1" },
        { "[alias a]\nvendor_id=8086\ndevice_type=type-VF\n", "0000:03:10.0 0000:03:10.2" },
        { "[alias a]\nvendor_id=8086\ndevice_type=type-VF\naddress=03:10.2\n", "0000:03:10.2" },
        { "[alias a]\nvendor_id=8086\naddress=0000:00:*.*\n", "0000:00:02.0 0000:00:1f.3" },
        { "[alias a]\nvendor_id=144d\naddress=0001:*:*.*\n", "0001:40:00.0" },
        { "[alias a]\nvendor_id=144d\naddress=0000:*:*.*\n", "" },
        /* USB ids never match a PCI alias */
        { "[alias a]\nvendor_id=046d\n", "" },
        { "[alias a]\nvendor_id=10de\nproduct_id=1e87\ndevice_type=type-VF\n", "" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *hits = matching(host, cases[i].config);
        if (strcmp(hits, cases[i].hits) != 0)
            g_test_message("case %u", i);
        g_assert_cmpstr(hits, ==, cases[i].hits);
    }
    /* a device whose address is unusable is never matched */
    g_autoptr(AliasConfig) c = NULL;
    const Alias *a = one_alias(&c, "[alias a]\nvendor_id=10de\n");
    g_autoptr(Nodedev) broken = synth("0000:01:00.0", 0x10de, 0x1e87, 14, NULL, 0x030000);
    g_assert_true(alias_matches(a, broken));
    broken->problem = g_strdup("bus out of range");
    g_assert_false(alias_matches(a, broken));
}

/* ------------------------------------------------------------------ pool */

/* The fixture host as an inventory (the verdict's input). */
static Inventory *fixture_inventory(void)
{
    GPtrArray *host = fixture_host();
    Inventory *inv = inventory_new();
    while (host->len)
        inventory_take_device(inv, g_ptr_array_steal_index(host, 0));
    g_ptr_array_unref(host);
    inventory_sort(inv);
    return inv;
}

/* A synthetic host of DEVICES (taken). */
static Inventory *synth_inventory(Nodedev *first, ...) G_GNUC_NULL_TERMINATED;
static Inventory *synth_inventory(Nodedev *first, ...)
{
    Inventory *inv = inventory_new();
    va_list ap;
    va_start(ap, first);
    for (Nodedev *d = first; d; d = va_arg(ap, Nodedev *))
        inventory_take_device(inv, d);
    va_end(ap);
    inventory_sort(inv);
    return inv;
}

/* DOMAIN holds the PCI device at ADDRESS. */
static void hold(Inventory *inv, const char *domain, const char *address, gboolean running)
{
    PciAddr a = addr(address);
    g_autofree char *attrs = pci_addr_format(&a, PCI_FORMAT_ATTRS);
    g_autofree char *xml = g_strdup_printf("<domain type='kvm'><name>%s</name><devices><hostdev mode='subsystem' "
                                           "type='pci' managed='yes'><source><address %s/></source></hostdev>"
                                           "</devices></domain>", domain, attrs);
    g_autofree char *uuid = g_strdup_printf("uuid-%s", domain);
    g_autoptr(GError) error = NULL;
    g_assert_true(inventory_add_domain(inv, domain, uuid, running, xml, NULL, &error));
    g_assert_no_error(error);
}

/* Picked entries: functions space-separated, entries by " | ". */
static char *picks(GPtrArray *entries)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < entries->len; i++) {
        g_autofree char *fns = addresses(((PoolEntry *)entries->pdata[i])->functions);
        g_string_append_printf(s, "%s%s", i ? " | " : "", fns);
    }
    return g_string_free(s, FALSE);
}

static void test_pick_gpu_with_functions(void)
{
    g_autoptr(Inventory) inv = fixture_inventory();
    g_autoptr(AliasConfig) c = NULL;
    const Alias *gpu = one_alias(&c, "[alias gpu]\nvendor_id=10de\nproduct_id=1e87\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) picked = alias_pick(gpu, inv, NULL, 1, &error);
    g_assert_no_error(error);
    g_autofree char *got = picks(picked);
    g_assert_cmpstr(got, ==, "0000:01:00.0 0000:01:00.1 0000:01:00.2 0000:01:00.3");
    /* the inventory's own devices */
    const Nodedev *audio = ((PoolEntry *)picked->pdata[0])->functions->pdata[1];
    g_assert_true(audio == inventory_find_name(inv, "pci_0000_01_00_1"));

    /* the whole vendor: the four functions of the device are one entry */
    g_autoptr(AliasConfig) c2 = NULL;
    const Alias *nvidia = one_alias(&c2, "[alias nv]\nvendor_id=10de\n");
    g_autoptr(GPtrArray) pool = alias_pool(nvidia, inv, NULL);
    g_assert_cmpuint(pool->len, ==, 1);
    const PoolEntry *e = pool->pdata[0];
    g_assert_cmpint(e->state, ==, POOL_FREE);
    g_assert_cmpuint(e->functions->len, ==, 4);
    g_autoptr(GPtrArray) two = alias_pick(nvidia, inv, NULL, 2, &error);
    g_assert_null(two);
    g_assert_error(error, VH_ERROR, VH_ERROR_FAILED);
    g_assert_cmpstr(error->message, ==, "alias 'nv' wants 2 devices, 1 free: 0000:01:00.0");
}

static void test_pick_held(void)
{
    g_autoptr(Inventory) inv = fixture_inventory();
    hold(inv, "win11", "0000:01:00.0", FALSE);
    g_autoptr(AliasConfig) c = NULL;
    const Alias *gpu = one_alias(&c, "[alias gpu]\nvendor_id=10de\nproduct_id=1e87\n");
    g_autoptr(GPtrArray) pool = alias_pool(gpu, inv, NULL);
    g_assert_cmpuint(pool->len, ==, 1);
    g_assert_cmpint(((PoolEntry *)pool->pdata[0])->state, ==, POOL_HELD);
    g_assert_cmpstr(((PoolEntry *)pool->pdata[0])->holder, ==, "win11");
    g_autoptr(GError) error = NULL;
    /* also for the domain that has it: not picked twice */
    g_autoptr(GPtrArray) picked = alias_pick(gpu, inv, "uuid-win11", 1, &error);
    g_assert_null(picked);
    g_assert_cmpstr(error->message, ==, "alias 'gpu' wants 1 device, 0 free; held: 0000:01:00.0 by win11");
}

static void test_pick_sibling_held(void)
{
    /* the GPU itself is free, but its audio function belongs to a guest */
    g_autoptr(Inventory) inv = fixture_inventory();
    hold(inv, "db1", "0000:01:00.1", TRUE);
    g_autoptr(AliasConfig) c = NULL;
    const Alias *gpu = one_alias(&c, "[alias gpu]\nvendor_id=10de\nproduct_id=1e87\n");
    g_autoptr(GPtrArray) pool = alias_pool(gpu, inv, NULL);
    const PoolEntry *e = pool->pdata[0];
    g_assert_cmpint(e->state, ==, POOL_HELD);
    g_assert_cmpstr(e->holder, ==, "db1");
}

static void test_pick_vfs(void)
{
    /* two VFs in one slot, each in its own IOMMU group: two devices, two
     * entries, never two functions of one */
    g_autoptr(Inventory) inv = fixture_inventory();
    g_autoptr(AliasConfig) c = NULL;
    const Alias *vf = one_alias(&c, "[alias vf]\nvendor_id=8086\nproduct_id=10ca\ndevice_type=type-VF\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) both = alias_pick(vf, inv, NULL, 2, &error);
    g_assert_no_error(error);
    g_autofree char *got = picks(both);
    g_assert_cmpstr(got, ==, "0000:03:10.0 | 0000:03:10.2");
    g_autoptr(GPtrArray) first = alias_pick(vf, inv, NULL, 1, &error);
    g_autofree char *got1 = picks(first);
    g_assert_cmpstr(got1, ==, "0000:03:10.0");

    hold(inv, "db1", "0000:03:10.0", FALSE);
    g_autoptr(GPtrArray) one = alias_pick(vf, inv, NULL, 1, &error);
    g_autofree char *got2 = picks(one);
    g_assert_cmpstr(got2, ==, "0000:03:10.2");
    g_autoptr(GPtrArray) none = alias_pick(vf, inv, NULL, 2, &error);
    g_assert_null(none);
    g_assert_cmpstr(error->message, ==, "alias 'vf' wants 2 devices, 1 free: 0000:03:10.2; held: 0000:03:10.0 by db1");
}

static void test_pick_vfs_one_group(void)
{
    /* VFs sharing an IOMMU group (no ACS) are still separate devices */
    Nodedev *a = synth("0000:05:10.0", 0x8086, 0x10ca, 9, NULL, 0x020000);
    Nodedev *b = synth("0000:05:10.1", 0x8086, 0x10ca, 9, NULL, 0x020000);
    a->is_vf = b->is_vf = TRUE;
    g_autoptr(Inventory) inv = synth_inventory(a, b, NULL);
    g_autoptr(AliasConfig) c = NULL;
    const Alias *vf = one_alias(&c, "[alias vf]\nvendor_id=8086\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) both = alias_pick(vf, inv, NULL, 2, &error);
    g_assert_no_error(error);
    g_autofree char *got = picks(both);
    g_assert_cmpstr(got, ==, "0000:05:10.0 | 0000:05:10.1");
}

static void test_pick_pf_group_mate_held(void)
{
    /* type-PF 03:00.0 shares IOMMU group 15 with 03:00.1 of its slot; with
     * 03:00.1 held by a running domain the verdict refuses the PF */
    g_autoptr(Inventory) inv = fixture_inventory();
    g_autoptr(AliasConfig) c = NULL;
    const Alias *pf = one_alias(&c, "[alias pf]\nvendor_id=8086\nproduct_id=10c9\ndevice_type=type-PF\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) picked = alias_pick(pf, inv, NULL, 1, &error);
    g_assert_no_error(error);
    g_autofree char *got = picks(picked);
    g_assert_cmpstr(got, ==, "0000:03:00.0 0000:03:00.1");
    hold(inv, "web1", "0000:03:00.1", TRUE);
    g_autoptr(GPtrArray) none = alias_pick(pf, inv, NULL, 1, &error);
    g_assert_null(none);
    g_assert_cmpstr(error->message, ==, "alias 'pf' wants 1 device, 0 free; held: 0000:03:00.0 by web1");
}

static void test_pick_design_example(void)
{
    /* two GPUs, one taken by win11 */
    g_autoptr(Inventory) inv = synth_inventory(synth("0000:00:01.0", 0x8086, 0x1901, 1, "pcieport", 0x060400),
                                               synth("0000:01:00.0", 0x10de, 0x1eb8, 1, "vfio-pci", 0x030000),
                                               synth("0000:01:00.1", 0x10de, 0x10f8, 1, "snd_hda_intel", 0x040300),
                                               synth("0000:02:00.0", 0x10de, 0x1eb8, 2, "vfio-pci", 0x030000), NULL);
    hold(inv, "win11", "0000:02:00.0", FALSE);
    g_autoptr(AliasConfig) c = NULL;
    const Alias *gpu = one_alias(&c, "[alias gpu]\nvendor_id=10de\nproduct_id=1eb8\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) picked = alias_pick(gpu, inv, NULL, 2, &error);
    g_assert_null(picked);
    g_assert_error(error, VH_ERROR, VH_ERROR_FAILED);
    g_assert_cmpstr(error->message, ==, "alias 'gpu' wants 2 devices, 1 free: 0000:01:00.0; held: 0000:02:00.0 by win11");
    g_clear_error(&error);
    /* one is there: the GPU with its audio function (on its host driver,
     * but taken along), not the root port (a bridge stays with the host) */
    g_autoptr(GPtrArray) one = alias_pick(gpu, inv, NULL, 1, &error);
    g_assert_no_error(error);
    g_autofree char *got = picks(one);
    g_assert_cmpstr(got, ==, "0000:01:00.0 0000:01:00.1");
}

/* The pool's verdict is the inventory's: the same reasons show gives. */
static void test_pick_group_viability(void)
{
    /* group 7: the GPU and a NIC of another slot */
    static const struct {
        const char *driver;
        gint64 cls;
        PoolState state;
    } cases[] = {
        { "e1000e", 0x020000, POOL_BLOCKED },
        { "vfio-pci", 0x020000, POOL_FREE },
        { "pci-stub", 0x020000, POOL_FREE },
        { NULL, 0x020000, POOL_FREE },
        { "pcieport", 0x060400, POOL_FREE },
    };
    g_autoptr(AliasConfig) c = NULL;
    const Alias *gpu = one_alias(&c, "[alias gpu]\nvendor_id=10de\n");
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(Inventory) inv = synth_inventory(synth("0000:05:00.0", 0x10de, 0x1eb8, 7, "nouveau", 0x030000),
                                                   synth("0000:06:00.0", 0x8086, 0x10d3, 7, cases[i].driver,
                                                         cases[i].cls), NULL);
        g_autoptr(GPtrArray) pool = alias_pool(gpu, inv, NULL);
        g_assert_cmpuint(pool->len, ==, 1);
        const PoolEntry *e = pool->pdata[0];
        g_assert_cmpint(e->state, ==, cases[i].state);
        /* another slot's device is never taken along */
        g_assert_cmpuint(e->functions->len, ==, 1);
        g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func(g_free);
        gboolean verdict = inventory_assignable(inv, e->dev, NULL, reasons);
        g_assert_cmpint(verdict, ==, cases[i].state == POOL_FREE);
        if (cases[i].state == POOL_BLOCKED) {
            g_assert_cmpstr(e->reason, ==, reasons->pdata[0]);
            assert_contains(e->reason, "group 7 also holds 0000:06:00.0 bound to e1000e");
        }
        /* a held member of another slot blocks whatever its driver (a
         * bridge stays with the host: no domain holds one) */
        if (cases[i].cls == 0x060400)
            continue;
        hold(inv, "router", "0000:06:00.0", TRUE);
        g_autoptr(GPtrArray) pool2 = alias_pool(gpu, inv, NULL);
        g_assert_cmpint(((PoolEntry *)pool2->pdata[0])->state, ==, POOL_BLOCKED);
        assert_contains(((PoolEntry *)pool2->pdata[0])->reason, "which running domain 'router' has");
    }
}

static void test_pick_order_and_none(void)
{
    /* added out of order */
    g_autoptr(Inventory) inv = synth_inventory(synth("0000:83:00.0", 0x15b3, 0x101b, 3, "mlx5_core", 0x020000),
                                               synth("0000:03:00.0", 0x15b3, 0x101b, 1, "mlx5_core", 0x020000),
                                               synth("0000:41:00.0", 0x15b3, 0x101b, 2, "mlx5_core", 0x020000),
                                               synth("0000:42:00.0", 0x15b3, 0x101b, -1, "mlx5_core", 0x020000),
                                               NULL);
    g_autoptr(AliasConfig) c = NULL;
    const Alias *nic = one_alias(&c, "[alias nic]\nvendor_id=15b3\nproduct_id=101b\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) two = alias_pick(nic, inv, NULL, 2, &error);
    g_assert_no_error(error);
    g_autofree char *got = picks(two);
    g_assert_cmpstr(got, ==, "0000:03:00.0 | 0000:41:00.0");
    g_autoptr(GPtrArray) four = alias_pick(nic, inv, NULL, 4, &error);
    g_assert_null(four);
    /* no IOMMU group: the verdict's reason */
    assert_contains(error->message, "alias 'nic' wants 4 devices, 3 free: 0000:03:00.0, 0000:41:00.0, 0000:83:00.0; "
                                    "not assignable: 0000:42:00.0 (no IOMMU group");
    g_clear_error(&error);

    g_autoptr(AliasConfig) c2 = NULL;
    const Alias *none = one_alias(&c2, "[alias pf]\nvendor_id=15b3\nproduct_id=1017\ndevice_type=type-PF\n"
                                       "address=0000:03:*.*\n");
    g_autoptr(GPtrArray) zero = alias_pick(none, inv, NULL, 1, &error);
    g_assert_null(zero);
    g_assert_error(error, VH_ERROR, VH_ERROR_FAILED);
    g_assert_cmpstr(error->message, ==, "alias 'pf' wants 1 device, none of the 4 host devices matches "
                                        "(vendor_id 15b3, product_id 1017, type-PF, address 0000:03:*.*)");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/aliases/parse", test_parse);
    g_test_add_func("/aliases/parse-errors", test_parse_errors);
    g_test_add_func("/aliases/load", test_load);
    g_test_add_func("/aliases/request", test_request);
    g_test_add_func("/aliases/glob", test_glob);
    g_test_add_func("/aliases/devtype", test_devtype);
    g_test_add_func("/aliases/matches", test_matches);
    g_test_add_func("/aliases/pick/gpu-functions", test_pick_gpu_with_functions);
    g_test_add_func("/aliases/pick/held", test_pick_held);
    g_test_add_func("/aliases/pick/sibling-held", test_pick_sibling_held);
    g_test_add_func("/aliases/pick/vfs", test_pick_vfs);
    g_test_add_func("/aliases/pick/vfs-one-group", test_pick_vfs_one_group);
    g_test_add_func("/aliases/pick/pf-group-mate-held", test_pick_pf_group_mate_held);
    g_test_add_func("/aliases/pick/design-example", test_pick_design_example);
    g_test_add_func("/aliases/pick/group-viability", test_pick_group_viability);
    g_test_add_func("/aliases/pick/order-and-none", test_pick_order_and_none);
    return g_test_run();
}
