/* Inventory: which domains hold which host devices, from their XML. */
#include <string.h>

#include "inventory.h"

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

static void test_users(void)
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

static void test_malformed_holder(void)
{
    /* a definition naming a hostdev must parse */
    g_autoptr(Inventory) inv = inventory_new();
    g_autoptr(GError) error = NULL;
    g_assert_false(inventory_add_domain(inv, "bad", "u", FALSE, "<domain><devices><hostdev>", NULL, &error));
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "domain 'bad'"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/inventory/users", test_users);
    g_test_add_func("/inventory/malformed-holder", test_malformed_holder);
    return g_test_run();
}
