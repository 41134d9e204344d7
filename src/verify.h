/* verify and remap: each PCI hostdev of a domain against the identity
 * recorded for it (dommeta.h) and the host's devices now (an inventory).
 * Pure. */
#pragma once
#include <glib.h>

#include "domxml.h"
#include "identity.h"

typedef struct {
    xmlNode *hostdev;          /* <hostdev> / <interface type='hostdev'> */
    PciAddr source;
    char *alias;               /* or NULL */
    Identity *recorded;        /* NULL: nothing recorded (UNKNOWN) */
    xmlNode *entry;            /* its <vh:hostdev>, when recorded */
    IdentityVerdict verdict;
} VerifyItem;

typedef struct {
    GPtrArray *items;          /* VerifyItem*, in document order */
    GPtrArray *ids;            /* the recorded identities (owning) */
} Verification;

void verification_free(Verification *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Verification, verification_free)

/* Judge every PCI hostdev of DD (USB, mdev and SCSI hostdevs are named by
 * what they are, not where: they are not listed). Two hostdevs whose
 * devices would be the same one are both AMBIGUOUS. */
Verification *verify_domain(DomDoc *dd, Inventory *inv, GError **error);
/* Whether every item is OK. */
gboolean verification_ok(const Verification *v);

/* verify --record: the identity of each UNKNOWN item's device now at its
 * source, recorded in DD; *RECORDED counts them (those whose address the
 * host does not have stay unknown). */
gboolean verify_record(DomDoc *dd, Verification *v, Inventory *inv, guint *recorded, GError **error);

/* remap: the source address of each MOVED item rewritten to where its
 * device is now (attribute values only: guest address, alias and every
 * other byte kept), and its entry re-recorded from the device. The result
 * is refused when it introduces a problem (domindex_problems) or a block
 * fails schemas/hostdev.rng. *MOVED counts the rewritten sources. */
gboolean verify_remap(DomDoc *dd, Verification *v, guint *moved, GError **error);
