/* The host inventory, pure: node devices with their drivers (the fixtures
 * under tests/data/nodedev carry them, which the libvirt test driver drops),
 * domain holds, assignability verdicts and the detach set of an IOMMU
 * group. */
#include <string.h>

#include "errors.h"
#include "inventory.h"
#include "testutil.h"

static const char *const fixtures[] = {
    "pci_0000_00_02_0", "pci_0000_00_1f_3", "pci_0000_01_00_0", "pci_0000_01_00_1", "pci_0000_01_00_2",
    "pci_0000_01_00_3", "pci_0000_03_00_0", "pci_0000_03_00_1", "pci_0000_03_10_0", "pci_0000_03_10_2",
    "pci_0001_40_00_0", "usb_1_5", "usb_2_3", "mdev_4b20d080_1b54_4048_85b3_a6a62d165c01",
};

static const char holder_xml[] =
    "<domain type='kvm'><name>%s</name><devices>%s</devices></domain>";

static const char pci_hostdev[] =
    "<hostdev mode='subsystem' type='pci' managed='%s'><source>"
    "<address domain='0x0000' bus='0x%02x' slot='0x%02x' function='0x%x'/></source></hostdev>";

static Inventory *fixture_inventory(void)
{
    Inventory *inv = inventory_new();
    for (guint i = 0; i < G_N_ELEMENTS(fixtures); i++) {
        g_autofree char *rel = g_strdup_printf("nodedev/%s.xml", fixtures[i]);
        g_autofree char *xml = test_data_read(rel, NULL);
        g_autoptr(GError) error = NULL;
        g_assert_true(inventory_add_nodedev(inv, xml, fixtures[i], &error));
        g_assert_no_error(error);
    }
    inventory_sort(inv);
    return inv;
}

static void add_holder(Inventory *inv, const char *name, const char *uuid, gboolean active, const char *devices,
                       const char *live_devices)
{
    g_autofree char *xml = g_strdup_printf(holder_xml, name, devices);
    g_autofree char *live = live_devices ? g_strdup_printf(holder_xml, name, live_devices) : NULL;
    g_autoptr(GError) error = NULL;
    g_assert_true(inventory_add_domain(inv, name, uuid, active, xml, live, &error));
    g_assert_no_error(error);
}

static Nodedev *pci(Inventory *inv, guint bus, guint slot, guint function)
{
    PciAddr a = { 0, bus, slot, function };
    Nodedev *dev = inventory_find_pci(inv, &a);
    g_assert_nonnull(dev);
    return dev;
}

static void assert_reason(GPtrArray *reasons, const char *needle)
{
    for (guint i = 0; i < reasons->len; i++)
        if (strstr(reasons->pdata[i], needle))
            return;
    for (guint i = 0; i < reasons->len; i++)
        g_test_message("reason: %s", (const char *)reasons->pdata[i]);
    g_error("no reason mentions '%s'", needle);
}

static void test_order_and_lookup(void)
{
    g_autoptr(Inventory) inv = fixture_inventory();
    GPtrArray *all = inventory_devices(inv);
    g_assert_cmpuint(all->len, ==, G_N_ELEMENTS(fixtures));
    /* PCI in address order first, then USB, then mdev */
    g_assert_cmpstr(((Nodedev *)all->pdata[0])->name, ==, "pci_0000_00_02_0");
    g_assert_cmpstr(((Nodedev *)all->pdata[10])->name, ==, "pci_0001_40_00_0");
    g_assert_cmpint(((Nodedev *)all->pdata[11])->kind, ==, NODEDEV_USB);
    g_assert_cmpint(((Nodedev *)all->pdata[13])->kind, ==, NODEDEV_MDEV);
    g_assert_true(inventory_find_name(inv, "pci_0000_03_00_1") == pci(inv, 3, 0, 1));
    /* a group's members, in address order */
    GPtrArray *group = inventory_group(inv, pci(inv, 1, 0, 2));
    g_assert_cmpuint(group->len, ==, 4);
    for (guint f = 0; f < 4; f++)
        g_assert_cmpuint(((Nodedev *)group->pdata[f])->pci.function, ==, f);
    /* DEVICE models: by address, by USB bus.device, by mdev UUID */
    g_autoptr(Nodedev) by_addr = nodedev_from_spec("03:10.2", NULL);
    g_assert_true(inventory_find(inv, by_addr) == pci(inv, 3, 0x10, 2));
    g_autoptr(Nodedev) by_busdev = nodedev_from_spec("usb:001.005", NULL);
    g_assert_cmpstr(inventory_find(inv, by_busdev)->name, ==, "usb_1_5");
    g_autoptr(Nodedev) by_uuid = nodedev_from_spec("4b20d080-1b54-4048-85b3-a6a62d165c01", NULL);
    g_assert_cmpint(inventory_find(inv, by_uuid)->kind, ==, NODEDEV_MDEV);
    g_autoptr(Nodedev) missing = nodedev_from_spec("0000:09:00.0", NULL);
    g_assert_null(inventory_find(inv, missing));
}

static void test_users(void)
{
    g_autoptr(Inventory) inv = fixture_inventory();
    g_autofree char *nic = g_strdup_printf(pci_hostdev, "no", 3, 0, 1);
    g_autofree char *gpu = g_strdup_printf(pci_hostdev, "yes", 1, 0, 0);
    add_holder(inv, "web1", "11111111-1111-1111-1111-111111111111", TRUE, nic, nic);
    /* win11 holds the GPU in its definition; running, it also got a USB
     * stick (by ids) attached live */
    add_holder(inv, "win11", "22222222-2222-2222-2222-222222222222", TRUE, gpu,
               "<hostdev mode='subsystem' type='usb'><source><vendor id='0x046d'/><product id='0xc52b'/>"
               "</source></hostdev>");
    GPtrArray *users = inventory_users(inv, pci(inv, 3, 0, 1));
    g_assert_cmpuint(users->len, ==, 1);
    const DeviceUser *u = users->pdata[0];
    g_assert_cmpstr(u->domain, ==, "web1");
    g_assert_true(u->active);
    g_assert_false(u->managed);
    g_assert_false(u->live_only);
    const DeviceUser *g = ((GPtrArray *)inventory_users(inv, pci(inv, 1, 0, 0)))->pdata[0];
    g_assert_true(g->managed);
    /* the live-only USB stick: both sticks have those ids */
    GPtrArray *stick = inventory_users(inv, inventory_find_name(inv, "usb_1_5"));
    g_assert_cmpuint(stick->len, ==, 1);
    g_assert_true(((const DeviceUser *)stick->pdata[0])->live_only);
    g_assert_cmpuint(inventory_users(inv, pci(inv, 3, 0x10, 0))->len, ==, 0);
    /* a domain document that does not parse is an error, not a silent skip */
    g_autoptr(GError) error = NULL;
    g_assert_false(inventory_add_domain(inv, "bad", "3", FALSE, "<domain><devices><hostdev>", NULL, &error));
    g_assert_error(error, VH_ERROR, VH_ERROR_INPUT);
}

static void test_verdicts(void)
{
    g_autoptr(Inventory) inv = fixture_inventory();
    /* the GPU's group keeps its audio, USB and serial functions on host
     * drivers: --all-functions is the remedy, they share a slot */
    g_autoptr(GPtrArray) gpu = g_ptr_array_new_with_free_func(g_free);
    g_assert_false(inventory_assignable(inv, pci(inv, 1, 0, 0), NULL, gpu));
    assert_reason(gpu, "group 14 also holds 0000:01:00.1 bound to snd_hda_intel: detach it too or use --all-functions");
    g_assert_cmpuint(gpu->len, ==, 3);
    /* the NIC's group mate, its other function, stays on igb */
    g_autoptr(GPtrArray) nic = g_ptr_array_new_with_free_func(g_free);
    g_assert_false(inventory_assignable(inv, pci(inv, 3, 0, 0), NULL, nic));
    assert_reason(nic, "0000:03:00.1 bound to igb");
    assert_reason(nic, "SR-IOV PF with 2 VFs");
    /* a VF alone in its group is fine */
    g_autoptr(GPtrArray) vf = g_ptr_array_new_with_free_func(g_free);
    g_assert_true(inventory_assignable(inv, pci(inv, 3, 0x10, 0), NULL, vf));
    g_assert_cmpuint(vf->len, ==, 0);
    /* an iGPU with mdev types: assignable, with a caveat */
    g_autoptr(GPtrArray) igpu = g_ptr_array_new_with_free_func(g_free);
    g_assert_true(inventory_assignable(inv, pci(inv, 0, 2, 0), NULL, igpu));
    assert_reason(igpu, "mediated devices");
    /* held by a running domain, except for the domain being edited */
    g_autofree char *hold = g_strdup_printf(pci_hostdev, "yes", 3, 0x10, 0);
    add_holder(inv, "web1", "11111111-1111-1111-1111-111111111111", TRUE, hold, NULL);
    g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func(g_free);
    g_assert_false(inventory_assignable(inv, pci(inv, 3, 0x10, 0), NULL, held));
    assert_reason(held, "in use by running domain 'web1'");
    g_autoptr(GPtrArray) own = g_ptr_array_new_with_free_func(g_free);
    AssignContext editing = { .domain_uuid = "11111111-1111-1111-1111-111111111111" };
    g_assert_true(inventory_assignable(inv, pci(inv, 3, 0x10, 0), &editing, own));
    /* a net device is not passed through itself */
    g_autoptr(Inventory) other = inventory_new();
    g_autofree char *net = test_data_read("nodedev/net_enp3s0_00_1b_21_aa_bb_cc.xml", NULL);
    g_assert_true(inventory_add_nodedev(other, net, "net", NULL));
    g_autoptr(GPtrArray) netr = g_ptr_array_new_with_free_func(g_free);
    g_assert_false(inventory_assignable(other, inventory_devices(other)->pdata[0], NULL, netr));
    assert_reason(netr, "pass its parent");
}

static GPtrArray *devices_of(Inventory *inv, const PciAddr *addrs, guint n)
{
    GPtrArray *devices = g_ptr_array_new();
    for (guint i = 0; i < n; i++)
        g_ptr_array_add(devices, inventory_find_pci(inv, &addrs[i]));
    return devices;
}

static void test_detach_set(void)
{
    g_autoptr(Inventory) inv = fixture_inventory();
    const PciAddr gpu = { 0, 1, 0, 0 };
    g_autoptr(GPtrArray) named = devices_of(inv, &gpu, 1);
    /* part of a group on host drivers: refused, naming a member */
    g_autoptr(GError) error = NULL;
    g_assert_null(inventory_detach_set(inv, named, FALSE, FALSE, &error));
    g_assert_error(error, VH_ERROR, VH_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "IOMMU group 14 also holds 0000:01:00.1 bound to snd_hda_intel"));
    g_assert_nonnull(strstr(error->message, "--group"));
    /* --group takes the whole group, --force only what was named */
    g_autoptr(GPtrArray) group = inventory_detach_set(inv, named, TRUE, FALSE, NULL);
    g_assert_cmpuint(group->len, ==, 4);
    g_autoptr(GPtrArray) forced = inventory_detach_set(inv, named, FALSE, TRUE, NULL);
    g_assert_cmpuint(forced->len, ==, 1);
    /* naming every member is enough */
    const PciAddr all[] = { { 0, 1, 0, 0 }, { 0, 1, 0, 1 }, { 0, 1, 0, 2 }, { 0, 1, 0, 3 } };
    g_autoptr(GPtrArray) every = devices_of(inv, all, 4);
    g_autoptr(GPtrArray) whole = inventory_detach_set(inv, every, FALSE, FALSE, NULL);
    g_assert_cmpuint(whole->len, ==, 4);
    /* a VF alone in its group */
    const PciAddr vf = { 0, 3, 0x10, 2 };
    g_autoptr(GPtrArray) vfs = devices_of(inv, &vf, 1);
    g_autoptr(GPtrArray) alone = inventory_detach_set(inv, vfs, FALSE, FALSE, NULL);
    g_assert_cmpuint(alone->len, ==, 1);
    /* USB devices need no detach */
    g_autoptr(GPtrArray) usb = g_ptr_array_new();
    g_ptr_array_add(usb, inventory_find_name(inv, "usb_1_5"));
    g_autoptr(GError) usb_error = NULL;
    g_assert_null(inventory_detach_set(inv, usb, FALSE, FALSE, &usb_error));
    g_assert_error(usb_error, VH_ERROR, VH_ERROR_USAGE);
}

#define NODEDEV(name, bus) \
    "<device><name>" name "</name><capability type='pci'><domain>0</domain><bus>" bus "</bus>" \
    "<slot>0</slot><function>0</function><product id='0x1'/><vendor id='0x8086'/></capability></device>"

#define DOMAIN(body) "<domain type='kvm'><name>x</name><devices>" body "</devices></domain>"
#define HOSTDEV(bus) \
    "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='" bus "' " \
    "slot='0x00' function='0x0'/></source></hostdev>"

static const DeviceUser *user(GPtrArray *users, const char *domain)
{
    for (guint i = 0; i < users->len; i++)
        if (strcmp(((const DeviceUser *)users->pdata[i])->domain, domain) == 0)
            return users->pdata[i];
    return NULL;
}

static void test_users_from_xml(void)
{
    g_autoptr(Inventory) inv = inventory_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(inventory_add_nodedev(inv, NODEDEV("pci_0000_03_00_0", "3"), "a", &error));
    g_assert_true(inventory_add_nodedev(inv, NODEDEV("pci_0000_04_00_0", "4"), "b", &error));
    g_assert_true(inventory_add_nodedev(inv, NODEDEV("pci_0000_05_00_0", "5"), "c", &error));
    inventory_sort(inv);
    /* a domain without host devices (its XML is not even parsed) */
    g_assert_true(inventory_add_domain(inv, "plain", "u0", TRUE,
                                       DOMAIN("<disk type='file' device='disk'/>"), NULL, &error));
    g_assert_true(inventory_add_domain(inv, "held", "u1", FALSE, DOMAIN(HOSTDEV("0x03")), NULL, &error));
    g_assert_true(inventory_add_domain(inv, "vf", "u2", TRUE,
                                       DOMAIN("<interface type='hostdev' managed='yes'><source><address "
                                              "type='pci' domain='0x0000' bus='0x04' slot='0x00' "
                                              "function='0x0'/></source></interface>"), NULL, &error));
    /* hot-plugged: in the live XML only */
    g_assert_true(inventory_add_domain(inv, "live", "u3", TRUE, DOMAIN(""), DOMAIN(HOSTDEV("0x05")), &error));
    g_assert_no_error(error);

    GPtrArray *devs = inventory_devices(inv);
    g_assert_cmpuint(devs->len, ==, 3);
    GPtrArray *a = inventory_users(inv, devs->pdata[0]);
    g_assert_cmpuint(a->len, ==, 1);
    g_assert_nonnull(user(a, "held"));
    g_assert_false(user(a, "held")->active);
    g_assert_true(user(a, "held")->managed);
    GPtrArray *b = inventory_users(inv, devs->pdata[1]);
    g_assert_cmpuint(b->len, ==, 1);
    g_assert_true(user(b, "vf")->active);
    GPtrArray *c = inventory_users(inv, devs->pdata[2]);
    g_assert_cmpuint(c->len, ==, 1);
    g_assert_true(user(c, "live")->live_only);
}


/* The holders' hostdevs are cut out of the text libvirt formats; what the
 * cutting cannot see safely (comments, a hostdev alias in an attribute, a
 * second <devices> in metadata) falls back to a whole parse, with the same
 * answer. */
static void test_users_fragments(void)
{
    static const char *const bodies[] = {
        "<disk type='file'/>" HOSTDEV("0x03") "<interface type='network'><source network='default'/></interface>",
        "<!-- <hostdev mode='subsystem' type='pci'> -->" HOSTDEV("0x03"),
        "<interface type='hostdev' managed='yes'><source><address type='pci' domain='0x0000' bus='0x03' "
        "slot='0x00' function='0x0'/></source></interface><interface type='network'/>",
        "<hostdev mode='subsystem' type='pci' managed='yes'>"
        "<source><address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/></source>"
        "<alias name='ua-hostdev&gt;'/></hostdev>",
    };
    for (guint i = 0; i < G_N_ELEMENTS(bodies); i++) {
        g_autoptr(Inventory) inv = inventory_new();
        g_autoptr(GError) error = NULL;
        g_assert_true(inventory_add_nodedev(inv, NODEDEV("pci_0000_03_00_0", "3"), "a", &error));
        g_assert_true(inventory_add_nodedev(inv, NODEDEV("pci_0000_04_00_0", "4"), "b", &error));
        inventory_sort(inv);
        g_autofree char *xml = g_strdup_printf(
            "<domain type='kvm'><name>d</name><metadata><devices><hostdev/></devices></metadata>"
            "<devices>%s</devices></domain>", bodies[i]);
        g_assert_true(inventory_add_domain(inv, "d", "u1", FALSE, xml, NULL, &error));
        g_assert_no_error(error);
        GPtrArray *devs = inventory_devices(inv);
        g_assert_cmpuint(inventory_users(inv, devs->pdata[0])->len, ==, 1);
        g_assert_cmpuint(inventory_users(inv, devs->pdata[1])->len, ==, 0);
    }
}

static void test_malformed_holder(void)
{
    /* a definition naming a hostdev must parse */
    g_autoptr(Inventory) inv = inventory_new();
    g_autoptr(GError) error = NULL;
    g_assert_false(inventory_add_domain(inv, "bad", "u", FALSE, "<domain><devices><hostdev>", NULL, &error));
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "domain 'bad'"));
}

/* USB device held by ids in one domain and by bus.device in another: the
 * answer is the same whatever was asked before, and asking leaves the
 * recorded lists alone. */
static void test_users_stable(void)
{
    static const char by_ids[] = "<hostdev mode='subsystem' type='usb' managed='yes'><source>"
                                 "<vendor id='0x046d'/><product id='0xc52b'/></source></hostdev>";
    static const char by_bus[] = "<hostdev mode='subsystem' type='usb' managed='yes'><source>"
                                 "<address bus='1' device='5'/></source></hostdev>";
    for (guint order = 0; order < 2; order++) {
        g_autoptr(Inventory) inv = fixture_inventory();
        add_holder(inv, "ids", "u-ids", FALSE, by_ids, NULL);
        add_holder(inv, "bus", "u-bus", TRUE, by_bus, NULL);
        Nodedev *stick = inventory_find_name(inv, "usb_1_5");
        Nodedev *other = inventory_find_name(inv, "usb_2_3");
        /* a model naming only the ids: the "ids" domain's record */
        g_autoptr(Nodedev) ids_only = nodedev_from_spec("usb:046d:c52b", NULL);
        g_autoptr(Nodedev) bus_only = nodedev_from_spec("usb:001.005", NULL);
        for (guint round = 0; round < 3; round++) {
            if (order == 0) {
                g_assert_cmpuint(inventory_users(inv, stick)->len, ==, 2);
                g_assert_cmpuint(inventory_users(inv, ids_only)->len, ==, 1);
            } else {
                g_assert_cmpuint(inventory_users(inv, ids_only)->len, ==, 1);
                g_assert_cmpuint(inventory_users(inv, stick)->len, ==, 2);
            }
            g_assert_cmpuint(inventory_users(inv, bus_only)->len, ==, 1);
            g_assert_nonnull(user(inventory_users(inv, bus_only), "bus"));
            /* the other stick (bus 2): only the domain holding the ids */
            g_assert_cmpuint(inventory_users(inv, other)->len, ==, 1);
            g_assert_nonnull(user(inventory_users(inv, other), "ids"));
        }
        /* a domain added after a query is in the next answer */
        add_holder(inv, "late", "u-late", FALSE, by_bus, NULL);
        g_assert_cmpuint(inventory_users(inv, stick)->len, ==, 3);
        g_assert_cmpuint(inventory_users(inv, ids_only)->len, ==, 1);
    }
}

/* A pci-bridge header type is a bridge whatever the class says; the
 * verdict refuses it and group mates skip it. */
static void test_header_type_bridge(void)
{
    static const char port[] =
        "<device><name>pci_0000_00_1c_0</name><capability type='pci'><class>0xffffff</class><domain>0</domain>"
        "<bus>0</bus><slot>28</slot><function>0</function><product id='0x8c10'/><vendor id='0x8086'/>"
        "<capability type='pci-bridge'/><iommuGroup number='8'><address domain='0x0000' bus='0x00' slot='0x1c' "
        "function='0x0'/></iommuGroup></capability></device>";
    static const char cardbus[] =
        "<device><name>pci_0000_02_00_0</name><driver><name>yenta_cardbus</name></driver><capability type='pci'>"
        "<class>0x078000</class><domain>0</domain><bus>2</bus><slot>0</slot><function>0</function>"
        "<product id='0x1'/><vendor id='0x1217'/><capability type='cardbus-bridge'/>"
        "<iommuGroup number='9'/></capability></device>";
    static const char mate[] =
        "<device><name>pci_0000_02_00_1</name><capability type='pci'><class>0x020000</class><domain>0</domain>"
        "<bus>2</bus><slot>0</slot><function>1</function><product id='0x2'/><vendor id='0x1217'/>"
        "<iommuGroup number='9'/></capability></device>";
    g_autoptr(Inventory) inv = inventory_new();
    g_assert_true(inventory_add_nodedev(inv, port, "port", NULL));
    g_assert_true(inventory_add_nodedev(inv, cardbus, "cardbus", NULL));
    g_assert_true(inventory_add_nodedev(inv, mate, "mate", NULL));
    inventory_sort(inv);
    Nodedev *p = pci(inv, 0, 0x1c, 0), *cb = pci(inv, 2, 0, 0), *nic = pci(inv, 2, 0, 1);
    g_assert_cmpint(p->header, ==, PCI_HEADER_PCI_BRIDGE);
    g_assert_cmpint(cb->header, ==, PCI_HEADER_CARDBUS_BRIDGE);
    g_assert_true(nodedev_is_bridge(p));
    g_assert_true(nodedev_is_bridge(cb));
    g_assert_false(nodedev_is_bridge(nic));
    g_assert_cmpstr(nodedev_class_name(p), ==, "bridge");
    g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func(g_free);
    g_assert_false(inventory_assignable(inv, p, NULL, reasons));
    assert_reason(reasons, "a PCI bridge");
    g_assert_false(inventory_device_passable(cb, reasons));
    /* the CardBus bridge keeps its host driver: not in the NIC's way */
    g_autoptr(GPtrArray) nic_reasons = g_ptr_array_new_with_free_func(g_free);
    g_assert_true(inventory_assignable(inv, nic, NULL, nic_reasons));
}

/* Devices assigned together: group mates among them are no problem. And
 * --interface wants a VF. */
static void test_context(void)
{
    g_autoptr(Inventory) inv = fixture_inventory();
    g_autoptr(GPtrArray) gpu = g_ptr_array_new();
    for (guint f = 0; f < 4; f++)
        g_ptr_array_add(gpu, pci(inv, 1, 0, f));
    AssignContext together = { .together = gpu };
    g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func(g_free);
    g_assert_true(inventory_assignable(inv, gpu->pdata[0], &together, reasons));
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_assert_true(inventory_check_assignable(inv, gpu, NULL, FALSE, notes, notes, &error));
    g_assert_no_error(error);
    /* alone, refused; forced, a note */
    g_autoptr(GPtrArray) one = g_ptr_array_new();
    g_ptr_array_add(one, gpu->pdata[0]);
    g_assert_false(inventory_check_assignable(inv, one, NULL, FALSE, notes, notes, &error));
    g_assert_error(error, VH_ERROR, VH_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "0000:01:00.0 is not assignable: group 14 also holds"));
    g_assert_true(g_str_has_suffix(error->message, "(--force overrides)"));
    g_clear_error(&error);
    g_assert_true(inventory_check_assignable(inv, one, NULL, TRUE, notes, notes, &error));
    assert_reason(notes, "0000:01:00.0 is not assignable (--force): group 14");

    AssignContext iface = { .interface = TRUE };
    g_autoptr(GPtrArray) pf = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_set_size(reasons, 0);
    g_assert_true(inventory_assignable(inv, pci(inv, 3, 0x10, 0), &iface, reasons));
    g_assert_false(inventory_assignable(inv, pci(inv, 3, 0, 0), &iface, pf));
    assert_reason(pf, "an SR-IOV PF, not a VF");
    g_autoptr(GPtrArray) plain = g_ptr_array_new_with_free_func(g_free);
    g_assert_false(inventory_assignable(inv, pci(inv, 1, 0, 0), &iface, plain));
    assert_reason(plain, "not an SR-IOV VF");
}

/* An mdev's device API from its parent's mdev_types, before any guess by
 * the parent's name. */
static void test_mdev_device_api(void)
{
    static const char parent[] =
        "<device><name>pci_0000_00_02_0</name><capability type='pci'><domain>0</domain><bus>0</bus><slot>2</slot>"
        "<function>0</function><product id='0x1'/><vendor id='0x8086'/><capability type='mdev_types'>"
        "<type id='odd-ccw'><deviceAPI>vfio-ccw</deviceAPI></type><type id='plain'><deviceAPI>vfio-pci</deviceAPI>"
        "</type></capability><iommuGroup number='0'/></capability></device>";
    static const char mdev[] =
        "<device><name>mdev_%s</name><parent>%s</parent><capability type='mdev'><type id='%s'/><uuid>%s</uuid>"
        "</capability></device>";
    static const char ap[] =
        "<device><name>ap_matrix</name><capability type='ap_matrix'><capability type='mdev_types'>"
        "<type id='vfio_ap-passthrough'><deviceAPI>vfio-ap</deviceAPI></type></capability></capability></device>";
    g_autoptr(Inventory) inv = inventory_new();
    /* the mdevs before their parents: the order of a listing is libvirt's */
    const char *uuids[] = { "11111111-2222-3333-4444-555555555501", "11111111-2222-3333-4444-555555555502",
                            "11111111-2222-3333-4444-555555555503" };
    const char *parents[] = { "pci_0000_00_02_0", "pci_0000_00_02_0", "ap_matrix" };
    const char *types[] = { "odd-ccw", "plain", "vfio_ap-passthrough" };
    for (guint i = 0; i < 3; i++) {
        g_autofree char *xml = g_strdup_printf(mdev, uuids[i], parents[i], types[i], uuids[i]);
        g_assert_true(inventory_add_nodedev(inv, xml, "mdev", NULL));
    }
    g_assert_true(inventory_add_nodedev(inv, parent, "parent", NULL));
    g_assert_true(inventory_add_nodedev(inv, ap, "ap", NULL));
    inventory_sort(inv);
    const char *models[] = { "vfio-ccw", "vfio-pci", "vfio-ap" };
    for (guint i = 0; i < 3; i++) {
        g_autofree char *name = g_strdup_printf("mdev_%s", uuids[i]);
        const Nodedev *dev = inventory_find_name(inv, name);
        g_assert_nonnull(dev);
        g_assert_cmpstr(nodedev_mdev_model(dev), ==, models[i]);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/inventory/order-and-lookup", test_order_and_lookup);
    g_test_add_func("/inventory/users", test_users);
    g_test_add_func("/inventory/verdicts", test_verdicts);
    g_test_add_func("/inventory/detach-set", test_detach_set);
    g_test_add_func("/inventory/users-from-xml", test_users_from_xml);
    g_test_add_func("/inventory/users-fragments", test_users_fragments);
    g_test_add_func("/inventory/malformed-holder", test_malformed_holder);
    g_test_add_func("/inventory/users-stable", test_users_stable);
    g_test_add_func("/inventory/header-type-bridge", test_header_type_bridge);
    g_test_add_func("/inventory/context", test_context);
    g_test_add_func("/inventory/mdev-device-api", test_mdev_device_api);
    return g_test_run();
}
