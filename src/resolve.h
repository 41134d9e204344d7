/* The one DEVICE resolver, for every verb that names devices.
 *
 * Offline (no -c, nothing that needs a lookup): node-device XML (a path
 * ending in .xml, or -), PCI addresses, usb:VVVV:PPPP, usb:BBB.DDD, mdev
 * UUIDs, and the two sysfs-derived names pci_DDDD_BB_SS_F and mdev_<uuid>.
 * Through libvirt (-c given, or a name only libvirt can resolve): every
 * name is looked up by name (never parsed for an address), text forms are
 * matched against the host's devices, net_* devices lead to the PCI (or
 * USB) device above them, and vendor:product naming two devices is refused
 * with the candidates listed. */
#pragma once
#include <glib.h>

#include "host.h"

typedef enum {
    /* the other functions of each PCI slot come along */
    RESOLVE_ALL_FUNCTIONS = 1 << 0,
    /* addresses, usb:…, UUIDs and XML stand for themselves, whether the
     * host has them or not (remove: a stale source whose device is gone);
     * names are still looked up */
    RESOLVE_AS_GIVEN = 1 << 1,
    /* one device may be named more than once (address prints each) */
    RESOLVE_REPEATS = 1 << 2,
} ResolveFlags;

/* One DEVICE argument without libvirt: XML read (stdin at most once, see
 * STDIN_USED), text parsed. A name that needs a lookup is an error. */
Nodedev *resolve_offline(const char *spec, gboolean *stdin_used, GError **error);

/* Whether SPECS need libvirt: -c given, or a name only libvirt knows. */
gboolean resolve_needs_host(char **specs);

/* DEVICE arguments -> devices. HOST open (host_open): through libvirt;
 * HOST zeroed: offline. The devices belong to HOST: they live until
 * host_clear(HOST). */
GPtrArray *resolve_devices(Host *host, char **specs, ResolveFlags flags, GError **error);

/* For verbs that are offline unless told otherwise: opens HOST (every node
 * device, no domains) when resolve_needs_host(SPECS), then resolves. */
GPtrArray *resolve_devices_open(Host *host, char **specs, ResolveFlags flags, GError **error);
