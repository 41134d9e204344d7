/* The host through libvirt, for the verbs that need it: connect, take the
 * inventory in bulk (one listing of node devices, one of domains), and map
 * DEVICE arguments to the host's own devices. */
#pragma once
#include <glib.h>

#include "jsonw.h"

#include "inventory.h"
#include "virt-loader.h"

typedef struct {
    const VirtBackend *virt;  /* NULL: no connection (offline) */
    VirtConn *conn;
    Inventory *inv;
    /* devices the resolver made that the inventory does not hold (offline
     * models, devices looked up by name outside a filtered listing) */
    GPtrArray *kept;
    GPtrArray *skipped;  /* "NAME: why" of node devices whose XML was refused */
    gboolean own_conn;   /* CONN is this host's own (host_open_uri), closed by host_clear */
    char *remote_uri;    /* a remote host's URI: host-critical devices not checked there */
    char *local_root;    /* where this host's /proc and /sys are read (--root, or /); NULL when the
                            connection is not to this host */
} Host;

/* Connect (global -c / $LIBVIRT_DEFAULT_URI) and read node devices of
 * capability CAP ("pci", "usb_device", "mdev", or several comma-separated;
 * NULL: all) and, with
 * DOMAINS, which domain holds what. */
gboolean host_open(Host *host, const char *cap, gboolean domains, GError **error);
/* The same on a connection of HOST's own to URI (node devices only): for a
 * verb that reads several hosts (export with several -c). */
gboolean host_open_uri(Host *host, const char *uri, const char *cap, GError **error);
void host_clear(Host *host);
/* For a connection to this machine (a URI without a host part; not the
 * test driver), the subsystem ids of the inventory's PCI devices, read
 * from their sysfs paths (libvirt reports none): what add records and
 * verify compares. Reads only; nothing for other connections. */
void host_read_subsystem_ids(Host *host);
/* Keep DEV (taken) until host_clear; returns it. */
Nodedev *host_keep(Host *host, Nodedev *dev);

/* One warning line per device of DEVICES whose XML carried an impossible
 * value (the address came from its name), or that has no usable address;
 * with SKIPPED also for the node devices left out of the inventory. Verbs
 * warn about what they list or use, not about the rest of the host. */
void host_warn_devices(Host *host, GPtrArray *devices, gboolean skipped);

/* Once per process, on stderr: host-critical devices could not be checked
 * (a remote host). Verbs that give a verdict call it; nothing for test://. */
void host_note_critical_unchecked(Host *host);

/* The inventory's verdict on DEVICES (inventory_check_assignable), its
 * notes (caveats, what --force let through) and warnings (what
 * --allow-host-critical let through) on stderr. */
gboolean host_check_assignable(Host *host, GPtrArray *devices, const AssignContext *ctx, gboolean force,
                               GError **error);

/* Table cells: PCI address / USB bus.device / mdev UUID; vendor:product;
 * vendor and product names. NULL when unknown. */
char *host_device_address(const Nodedev *dev);
char *host_device_ids(const Nodedev *dev);
char *host_device_description(const Nodedev *dev);
/* JSON members shared by list and show: name, address, class, ids, names,
 * driver, iommu_group (a number, or with GROUP_DETAIL an object with its
 * members), used_by, host_critical (reasons; null when not checked). */
void host_json_users(VhJson *b, GPtrArray *users);
void host_json_device(VhJson *b, Inventory *inv, const Nodedev *dev, gboolean group_detail);

/* The domain NAME (or UUID) with its definition and live XML. */
VirtDomain *host_domain(Host *host, const char *name, GError **error);
