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
 * (e.g. the address auto picked), for stderr. */
gboolean domedit_add(DomDoc *dd, GPtrArray *devices, const HostdevOpts *opts, const GuestPlacement *placement,
                     gboolean all_functions, GString *notes, GError **error);

/* Remove the hostdevs whose source is one of DEVICES; with ALL_FUNCTIONS
 * also every other function of the same host slot found in the domain. */
gboolean domedit_remove(DomDoc *dd, GPtrArray *devices, gboolean all_functions, GString *notes, GError **error);
