/* The domain index: what one pass over a domain's <devices> learns, read by
 * the allocator, the semantic checks, remove and "used by". Built once per
 * document and updated as an edit adds or removes elements, so that no
 * caller walks the DOM again. The rules are libvirt's (domain_conf.c,
 * domain_addr.c, qemu_domain_address.c), not ours:
 *  - a guest PCI address whose domain, bus, slot and function are all 0
 *    (an empty <address type='pci'/>, or one carrying only <zpci>) is
 *    "assign one" to libvirt: the device is unassigned;
 *  - the first <console> whose target is serial (or untyped) while there is
 *    a <serial> is libvirt's mirror of serial 0, not a device of its own;
 *  - a PCI controller without index= gets the lowest index no other PCI
 *    controller uses, in document order; pci-root / pcie-root is index 0;
 *  - bus N of an address is the PCI controller with index N.
 * Pure: no I/O. */
#pragma once
#include <glib.h>
#include <libxml/tree.h>

#include "domxml.h"
#include "nodedev.h"
#include "pciaddr.h"

typedef enum {
    MACHINE_I440FX,   /* pc, pc-i440fx-*, pc-<version> */
    MACHINE_Q35,      /* q35, pc-q35-* */
    MACHINE_VIRT,     /* Arm / RISC-V virt: PCIe with pcie-root */
    MACHINE_PSERIES,  /* ppc64 spapr: PHBs, not placed by us */
    MACHINE_S390,     /* s390-ccw-virtio: CCW, not PCI */
    MACHINE_OTHER,    /* isapc, microvm, xenfv, ...: not placed by us */
} MachineFamily;

typedef enum {
    PCI_MODEL_NONE,   /* not a PCI controller */
    PCI_MODEL_PCI_ROOT,
    PCI_MODEL_PCIE_ROOT,
    PCI_MODEL_PCI_BRIDGE,
    PCI_MODEL_DMI_TO_PCI_BRIDGE,
    PCI_MODEL_PCIE_ROOT_PORT,
    PCI_MODEL_SWITCH_UPSTREAM,
    PCI_MODEL_SWITCH_DOWNSTREAM,
    PCI_MODEL_PCI_EXPANDER_BUS,
    PCI_MODEL_PCIE_EXPANDER_BUS,
    PCI_MODEL_PCIE_TO_PCI_BRIDGE,
    PCI_MODEL_UNKNOWN,
} PciModel;

/* One element of <devices>. */
typedef struct {
    xmlNode *node;
    gboolean assigned;      /* has a guest PCI address libvirt keeps as given */
    PciAddr addr;           /* when ASSIGNED */
    gboolean multifunction; /* multifunction='on' on that address */
    char *addr_error;       /* an unreadable guest address, or NULL */
    gboolean hostdev;       /* <hostdev>, <interface type='hostdev'> */
    gboolean pci_source;    /* its host device is a PCI address: */
    PciAddr source_pci;     /* this one (no model is built for it) */
    Nodedev *source_model;  /* read domentry_source() instead */
    char *source_error;     /* an unreadable source, or NULL */
    PciModel pci_model;     /* for <controller type='pci'> */
    guint index;            /* resolved index of a PCI controller */
    gboolean added;         /* added by this edit */
} DomEntry;

/* E's host device, or NULL. A PCI source's model is built on the first
 * call (and kept in E): most documents' sources are only compared. */
const Nodedev *domentry_source(const DomEntry *e);

typedef struct DomIndex DomIndex;

/* DOC: a domain document (domdoc_xml(), or any parsed domain). */
DomIndex *domindex_build(xmlDoc *doc);
void domindex_free(DomIndex *idx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomIndex, domindex_free)

MachineFamily domindex_machine(const DomIndex *idx);
/* The machine as the domain names it ("pseries-7.1"), or the family. */
const char *domindex_machine_name(const DomIndex *idx);
gboolean domindex_is_pcie(const DomIndex *idx);
/* Whether libvirt gives the machine a PCI bus at all. */
gboolean domindex_has_pci(const DomIndex *idx);

/* Device entries in document order (a mirroring console is left out);
 * NULL past the end. Removed entries are skipped by the iterator. */
const DomEntry *domindex_entry(const DomIndex *idx, guint i);
guint domindex_count(const DomIndex *idx);

/* The element at guest address A, or NULL (only assigned addresses). */
const DomEntry *domindex_at(const DomIndex *idx, const PciAddr *a);
/* Whether any function of A's slot, or any slot of bus BUS, is used. */
gboolean domindex_slot_used(const DomIndex *idx, const PciAddr *a);
gboolean domindex_bus_used(const DomIndex *idx, guint bus);
/* The first entry holding host device DEV, in document order, or NULL. */
const DomEntry *domindex_find_source(const DomIndex *idx, const Nodedev *dev);

/* PCI controllers by resolved index (NULL when none has it), and the lowest
 * index none uses (G_MAXUINT when 0..255 are all taken). */
const DomEntry *domindex_controller(const DomIndex *idx, guint index);
guint domindex_free_controller_index(const DomIndex *idx);

/* Record an element this edit inserted (its address and source are read
 * from the DOM), or one it is about to remove. */
const DomEntry *domindex_add(DomIndex *idx, xmlNode *node);
void domindex_remove(DomIndex *idx, xmlNode *node);

/* Problems of ENTRY with what the index holds, as one sentence each (libvirt
 * refuses them: unreadable addresses or sources, a host device held twice,
 * two devices at one guest address). ONLY_EARLIER: against the entries
 * before it (the whole-document check); else against every other entry. */
void domindex_entry_problems(const DomIndex *idx, const DomEntry *entry, gboolean only_earlier, GPtrArray *out);
/* All problems of the document: each entry against the ones before it. */
GPtrArray *domindex_problems(const DomIndex *idx);
