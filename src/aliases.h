/* PCI device aliases, nova style: a name for "any free device like this",
 * and the choice of free devices for it from the host's pool.
 *
 *   # /etc/virt-hostdev/aliases.conf
 *   [alias gpu]
 *   vendor_id = 10de
 *   product_id = 1eb8
 *   device_type = type-PCI      # type-PCI | type-PF | type-VF; any when absent
 *   address = 0000:03:*.*       # optional, like nova's device_spec address
 *
 * Parsing reads text, matching and picking work on Nodedev models: all pure
 * (alias_config_load() is the one function that reads a file). */
#pragma once
#include <glib.h>

#include "inventory.h"
#include "nodedev.h"

#define ALIAS_CONFIG_DEFAULT "/etc/virt-hostdev/aliases.conf"

/* nova's device_type of a PCI device */
typedef enum {
    PCI_DEVTYPE_ANY,  /* an alias without device_type */
    PCI_DEVTYPE_PCI,  /* type-PCI: a plain PCI function */
    PCI_DEVTYPE_PF,   /* type-PF: has the SR-IOV capability */
    PCI_DEVTYPE_VF,   /* type-VF: an SR-IOV virtual function */
} PciDevType;

const char *pci_devtype_name(PciDevType type);
/* From the model: a VF (it has a physical function) -> type-VF; SR-IOV
 * capability (virt_functions) -> type-PF; else type-PCI. */
PciDevType nodedev_devtype(const Nodedev *dev);

/* An address pattern: each component a number or -1 for '*'. */
typedef struct {
    gint domain, bus, slot, function;
} AddrGlob;

/* "0000:03:*.*", "03:00.*", "*:02:00.0", "0000:03:00" … as nova reads
 * device_spec addresses: [[[DOMAIN:]BUS:]SLOT][.FUNCTION], hex, a missing or
 * '*' component matches anything. */
gboolean addr_glob_parse(const char *text, AddrGlob *glob, GError **error);
gboolean addr_glob_match(const AddrGlob *glob, const PciAddr *addr);

typedef struct {
    char *name;
    guint vendor_id;
    gint product_id;         /* -1: any */
    PciDevType device_type;  /* PCI_DEVTYPE_ANY when not given */
    char *address;           /* the glob as written, or NULL */
    AddrGlob address_glob;
    guint line;              /* of the [alias NAME] header */
} Alias;

typedef struct {
    char *what;              /* the file, for messages */
    GPtrArray *aliases;      /* Alias*, in file order */
} AliasConfig;

void alias_config_free(AliasConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AliasConfig, alias_config_free)

/* Parse the text of an aliases file (GKeyFile syntax). Every error is
 * VH_ERROR_INPUT and names WHAT, the line and the group. */
AliasConfig *alias_config_parse(const char *data, gsize len, const char *what, GError **error);
/* Read and parse PATH (NULL: ALIAS_CONFIG_DEFAULT). */
AliasConfig *alias_config_load(const char *path, GError **error);
/* The alias NAME; an unknown name is VH_ERROR_USAGE listing the known ones. */
const Alias *alias_config_find(const AliasConfig *config, const char *name, GError **error);

/* An alias name: letters, digits, '-', '_' and '.' (VH_ERROR_USAGE). */
gboolean alias_name_check(const char *name, GError **error);

/* "gpu" (one device) or "gpu:2", as nova's pci_passthrough:alias. */
gboolean alias_request_parse(const char *text, char **name, guint *count, GError **error);

/* Whether DEV is a device the alias names (ids, type, address pattern). A
 * device without a usable address never matches. */
gboolean alias_matches(const Alias *alias, const Nodedev *dev);

typedef enum {
    POOL_FREE,     /* the inventory calls it (with its functions) assignable */
    POOL_HELD,     /* a domain has it, or one of its functions */
    POOL_BLOCKED,  /* free itself, but the inventory's verdict refuses it */
} PoolState;

typedef struct {
    const Nodedev *dev;    /* the matching device (borrowed from the inventory) */
    PoolState state;
    char *holder;          /* POOL_HELD: the domain */
    char *reason;          /* POOL_BLOCKED: the verdict's reasons */
    GPtrArray *functions;  /* Nodedev*, borrowed: DEV and the other functions of its
                              physical multifunction device (same slot and IOMMU group,
                              never a VF), in function order: what an assignment takes,
                              in one guest slot */
} PoolEntry;

void pool_entry_free(PoolEntry *entry);

/* Every PCI device of INV that ALIAS matches, in address order, with its
 * state by the inventory's verdict (DOMAIN_UUID: the domain being edited, or
 * NULL). The functions of one multifunction device are one entry (the
 * lowest matching function); a VF is always an entry of its own. */
GPtrArray *alias_pool(const Alias *alias, Inventory *inv, const char *domain_uuid);

/* Pick COUNT free entries of the pool, lowest addresses first: PoolEntry*
 * (owned), each one device for one guest slot. Or fails with
 * VH_ERROR_FAILED: "alias 'gpu' wants 2 devices, 1 free: 0000:01:00.0;
 * held: 0000:02:00.0 by win11". */
GPtrArray *alias_pick(const Alias *alias, Inventory *inv, const char *domain_uuid, guint count, GError **error);
