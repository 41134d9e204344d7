/* Add and remove host devices in a domain document: duplicate checks, guest
 * address pinning and allocation, multifunction grouping. Pure. */
#pragma once
#include <glib.h>

#include "domxml.h"
#include "hostdev.h"

typedef enum { GUEST_NONE, GUEST_EXPLICIT, GUEST_AUTO } GuestMode;

typedef struct {
    GuestMode mode;
    PciAddr addr;  /* GUEST_EXPLICIT */
} GuestPlacement;

gboolean guest_placement_parse(const char *text, GuestPlacement *placement, GError **error);

/* With ALL_FUNCTIONS, the PCI functions of one host slot form one group (one
 * guest slot); otherwise every device is its own group. Devices are Nodedev*;
 * the result holds GPtrArray* of them, functions in order. */
GPtrArray *hostdev_groups(GPtrArray *devices, gboolean all_functions);

/* Blocks for DEVICES without a domain (the hostdev verb): only explicit
 * placement is possible. Returns the formatted blocks, validated. */
GPtrArray *hostdev_render(GPtrArray *devices, const HostdevOpts *opts, const GuestPlacement *placement,
                          gboolean all_functions, GError **error);

/* Add DEVICES to DD. NOTES receives one line per choice made for the user
 * (e.g. the address auto picked), for stderr, and one "warning: ..." line
 * per problem the input already had (libvirt would refuse it: a host device
 * held twice, a guest address used twice, an unreadable address); with
 * STRICT those refuse the edit instead. Problems the edit itself would
 * introduce always refuse it. ADDED (optional) receives the text of each
 * inserted element, e.g. to attach it to the running domain too.
 * --guest-address auto places devices as libvirt does on i440fx, q35 and
 * Arm/RISC-V virt machines (see domindex.h) and refuses other machines. */
gboolean domedit_add(DomDoc *dd, GPtrArray *devices, const HostdevOpts *opts, const GuestPlacement *placement,
                     gboolean all_functions, gboolean strict, GString *notes, GPtrArray *added, GError **error);

/* What to remove: hostdevs whose source is one of DEVICES (with
 * ALL_FUNCTIONS also the other functions of the same host slot), whose guest
 * address is one of GUEST_ADDRS, or whose alias is one of ALIASES (with or
 * without the ua- prefix). Each entry must match at least one element. */
typedef struct {
    GPtrArray *devices;     /* Nodedev*, or NULL */
    GArray *guest_addrs;    /* PciAddr, or NULL */
    char **aliases;         /* or NULL */
    gboolean all_functions;
} RemoveMatch;

/* One removed element: its original text, and the host device it held. */
typedef struct {
    char *xml;
    Nodedev *source;  /* NULL when the source was not understood */
    gboolean managed;
} RemovedDevice;

void removed_device_free(RemovedDevice *r);

/* REMOVED (optional) receives a RemovedDevice* per element taken out.
 * Problems of the input are warnings in NOTES (refusals with STRICT), as
 * for domedit_add: removing a duplicate is how one fixes it. */
gboolean domedit_remove(DomDoc *dd, const RemoveMatch *match, gboolean strict, GString *notes, GPtrArray *removed,
                        GError **error);
