/* The host as libvirt describes it: node devices, and the domains whose
 * definitions hold them. Built from XML text handed in by the caller (one
 * bulk listing of each), so this module stays pure. Lookups are hashed, so
 * building and querying stay linear in devices + domains. */
#pragma once
#include <glib.h>

#include "nodedev.h"

/* One domain holding a device. */
typedef struct {
    char *domain;
    char *uuid;
    gboolean active;
    gboolean managed;
    gboolean live_only;  /* attached to the running domain, not in its definition */
} DeviceUser;

typedef struct Inventory Inventory;

Inventory *inventory_new(void);
void inventory_free(Inventory *inv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Inventory, inventory_free)

/* Add one node device from its XML; devices whose XML does not parse are
 * kept out and reported through ERROR. */
gboolean inventory_add_nodedev(Inventory *inv, const char *xml, const char *what, GError **error);
/* Add a device model (taking it). */
void inventory_take_device(Inventory *inv, Nodedev *dev);
/* Record the host devices held by one domain (XML: its definition; LIVE_XML:
 * the running configuration, or NULL). */
gboolean inventory_add_domain(Inventory *inv, const char *name, const char *uuid, gboolean active,
                              const char *xml, const char *live_xml, GError **error);
/* Sort devices by kind and address; call once after adding them. */
void inventory_sort(Inventory *inv);

/* Nodedev* in order: PCI by address, then USB, mdev, others. */
GPtrArray *inventory_devices(Inventory *inv);
Nodedev *inventory_find_pci(Inventory *inv, const PciAddr *addr);
Nodedev *inventory_find_name(Inventory *inv, const char *name);
/* The host device a DEVICE argument names (address, name, usb:…, mdev UUID),
 * or NULL. MODEL is a device built from the argument or read from XML. */
Nodedev *inventory_find(Inventory *inv, const Nodedev *model);
/* DeviceUser* of the domains holding DEV (never NULL; do not free). */
GPtrArray *inventory_users(Inventory *inv, const Nodedev *dev);

/* Members of DEV's IOMMU group as host devices (those libvirt lists). */
GPtrArray *inventory_group(Inventory *inv, const Nodedev *dev);

/* Whether DEV can be given to a guest as it stands. REASONS receives one
 * line per problem or caveat, each with what to do about it. EXCLUDE_DOMAIN
 * (a UUID) is the domain being edited: its own hold is not a problem. */
gboolean inventory_assignable(Inventory *inv, const Nodedev *dev, const char *exclude_domain, GPtrArray *reasons);

/* Host side of passthrough: the devices to act on are DEVICES, plus with
 * GROUP every other member of their IOMMU groups (bridges excepted). Without
 * GROUP, a group that keeps members on host drivers is refused unless FORCE.
 * Only PCI devices are detached. */
GPtrArray *inventory_detach_set(Inventory *inv, GPtrArray *devices, gboolean group, gboolean force, GError **error);

/* Host drivers that mean "ready for a guest". */
gboolean nodedev_driver_is_vfio(const char *driver);
/* PCI bridges and root ports may stay on their host driver in a group. */
gboolean nodedev_is_bridge(const Nodedev *dev);
