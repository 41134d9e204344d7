/* What a hostdev's host device is, beyond its address: recorded when a
 * device is added, judged against the host later (verify, remap). Pure:
 * the host is an inventory. */
#pragma once
#include <glib.h>

#include "inventory.h"

/* The project's XML namespace for <metadata> (see the man page). */
#define IDENTITY_NS "http://virt-hostdev.org/xmlns/identity/1.0"
#define IDENTITY_PREFIX "vh"

typedef struct {
    PciAddr source;      /* the hostdev's source address when recorded */
    char *alias;         /* the hostdev's alias, or NULL */
    guint vendor, product;
    gint subsys_vendor, subsys_product; /* -1 when unknown */
    gint64 pci_class;    /* -1 when unknown */
    char *serial;        /* the VPD serial number, or NULL */
    gint iommu_group;    /* -1 when unknown */
    gint group_size;     /* members of the IOMMU group, -1 when unknown */
    gint slot_functions; /* functions of its slot in its group, -1 when unknown */
    char *sysfs;         /* sysfs path, or NULL */
} Identity;

void identity_free(Identity *id);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Identity, identity_free)

/* The identity of host device DEV (PCI, with ids: from node-device XML or
 * libvirt), or NULL when DEV says nothing beyond an address. */
Identity *identity_from_device(const Nodedev *dev, const char *alias);

/* One <vh:hostdev …/> element (prefix IDENTITY_PREFIX), and back from a
 * parsed element (NULL, with ERROR naming WHAT, when unreadable). */
char *identity_format(const Identity *id);
Identity *identity_parse(xmlNode *el, const char *what, GError **error);

/* Whether host device DEV is the recorded device: the serial when both
 * have one, else vendor, product, subsystem and class, and the shape of
 * its slot and group when recorded. */
gboolean identity_matches(const Identity *id, const Nodedev *dev);

typedef enum {
    IDENTITY_OK,        /* the recorded device is at the recorded address */
    IDENTITY_MOVED,     /* it is at another address (NOW) */
    IDENTITY_MISSING,   /* nowhere on the host, nothing at the address */
    IDENTITY_REPLACED,  /* nowhere; another device is at the address */
    IDENTITY_AMBIGUOUS, /* several devices elsewhere match (CANDIDATES) */
    IDENTITY_UNKNOWN,   /* nothing recorded */
} IdentityStatus;

const char *identity_status_name(IdentityStatus status);

typedef struct {
    IdentityStatus status;
    Nodedev *now;          /* MOVED: where it is (the inventory's); OK: itself */
    GPtrArray *candidates; /* AMBIGUOUS: Nodedev* (the inventory's) */
} IdentityVerdict;

void identity_verdict_clear(IdentityVerdict *v);

/* Judge ID against the host. TAKEN (Nodedev* set, may be NULL): devices
 * other hostdevs of the domain hold as recorded, never a candidate. */
void identity_judge(const Identity *id, Inventory *inv, GHashTable *taken, IdentityVerdict *out);
