/* The host as libvirt describes it: node devices, and the domains whose
 * definitions hold them. Built from XML text handed in by the caller (one
 * bulk listing of each), so this module stays pure. Lookups are hashed, so
 * building and querying stay linear in devices + domains. */
#pragma once
#include <glib.h>

#include "hostcrit.h"
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
/* The host's PCI functions in DEV's slot, DEV included, in function order
 * (empty for a device that is not PCI). */
GPtrArray *inventory_slot_functions(Inventory *inv, const Nodedev *dev);
/* The functions of DEV's physical device: its slot's functions, without the
 * VFs (each VF is a device of its own, whatever slot number it shares, even
 * with its PF under ARI); a VF alone. */
GPtrArray *inventory_device_functions(Inventory *inv, const Nodedev *dev);
Nodedev *inventory_find_name(Inventory *inv, const char *name);
/* The host device a DEVICE argument names (address, name, usb:…, mdev UUID),
 * or NULL. MODEL is a device built from the argument or read from XML. */
Nodedev *inventory_find(Inventory *inv, const Nodedev *model);
/* DeviceUser* of the domains holding DEV (never NULL; owned by the
 * inventory, do not free). The answer depends only on what was added, never
 * on earlier queries. */
GPtrArray *inventory_users(Inventory *inv, const Nodedev *dev);

/* Members of DEV's IOMMU group as host devices (those libvirt lists). */
GPtrArray *inventory_group(Inventory *inv, const Nodedev *dev);

/* What an assignment is: the context of one verdict. */
typedef struct {
    const char *domain_uuid;  /* the domain being edited: its own holds are no problem */
    GPtrArray *together;      /* Nodedev* assigned (or detached) at the same time: IOMMU
                                 group mates among them are no problem */
    gboolean interface;       /* as <interface type='hostdev'> (add --interface) */
    gboolean host_side;       /* detach: the device's own holders are why it is detached */
    gboolean allow_host_critical;  /* --allow-host-critical */
} AssignContext;

/* The host-critical facts of the inventory's host (hostcrit_read), taken.
 * Without them (a remote host, the test driver) nothing is host-critical. */
void inventory_set_host_critical(Inventory *inv, HostCrit *crit);
/* Whether the facts were read (show says "not checked" otherwise). */
gboolean inventory_host_critical_checked(Inventory *inv);
/* The facts themselves (NULL: not checked), for inventory-crit.c. */
const HostCrit *inventory_host_critical_facts(Inventory *inv);
/* The host-critical part of inventory_check_assignable: a refusal naming
 * the reasons (whatever --force says), or with ALLOW a WARNINGS line. */
gboolean inventory_check_host_critical(Inventory *inv, const Nodedev *dev, gboolean allow, GPtrArray *warnings,
                                       GError **error);
/* Whether DEV is host-critical: it holds one of the facts, another
 * non-bridge member of its IOMMU group does, or it is a bridge or root port
 * above a device that does. REASONS (may be NULL) gets one line each. Part
 * of THE verdict: inventory_assignable refuses such a device unless
 * CTX->allow_host_critical, and --force does not override it. */
gboolean inventory_host_critical(Inventory *inv, const Nodedev *dev, GPtrArray *reasons);

/* THE assignability verdict: whether DEV can be given to a guest as it
 * stands (CTX: NULL for a new guest, alone). REASONS receives one line per
 * problem or caveat, each with what to do about it; caveats (an SR-IOV PF,
 * an mdev-capable device) leave the verdict TRUE. show, list, add, detach,
 * completion and the alias pools all ask this. */
gboolean inventory_assignable(Inventory *inv, const Nodedev *dev, const AssignContext *ctx, GPtrArray *reasons);
/* The part of the verdict that depends on the device alone: a known address,
 * not a bridge or the host's chipset, not a USB root hub (list --free).
 * REASONS may be NULL. */
gboolean inventory_device_passable(const Nodedev *dev, GPtrArray *reasons);
/* The verdict for each of DEVICES (CTX->together: DEVICES when NULL). A
 * device without a usable address is VH_ERROR_INPUT; any other refusal is
 * VH_ERROR_FAILED naming the device and its reasons, unless FORCE, which
 * turns it into a NOTES line (strings; caveats are NOTES lines too). A
 * host-critical device is refused whatever FORCE says, unless
 * CTX->allow_host_critical: then it is a WARNINGS line. */
gboolean inventory_check_assignable(Inventory *inv, GPtrArray *devices, const AssignContext *ctx, gboolean force,
                                    GPtrArray *notes, GPtrArray *warnings, GError **error);

/* Host side of passthrough: the devices to act on are DEVICES, plus with
 * GROUP every other member of their IOMMU groups (bridges excepted). Without
 * GROUP, a group that keeps members on host drivers is refused unless FORCE.
 * Only PCI devices are detached. */
GPtrArray *inventory_detach_set(Inventory *inv, GPtrArray *devices, gboolean group, gboolean force, GError **error);

/* Host drivers that mean "ready for a guest". */
gboolean nodedev_driver_is_vfio(const char *driver);
/* PCI-to-PCI bridges, root and switch ports, CardBus bridges: by the header
 * type libvirt reports, or else by the class. They stay with the host (and
 * may keep their host driver in a group that goes to a guest). */
gboolean nodedev_is_bridge(const Nodedev *dev);
/* A device a host driver holds: neither a VFIO/stub driver nor none. */
gboolean nodedev_on_host_driver(const Nodedev *dev);
