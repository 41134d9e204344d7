/* The real-data corpus of tests/test-realcorpus.c and the daemon suite:
 * libvirt 9.0's own test-suite domains (fetched by scripts/fetch-libvirt-tests)
 * judged by libvirt's own verdicts, and the domains the installed
 * virt-install writes (scripts/gen-virt-install-domains). Independent of
 * src/: this is the yardstick, so it re-derives libvirt's rules itself. */
#pragma once
#include <glib.h>
#include <libxml/tree.h>

typedef enum {
    RC_UNJUDGED,  /* a file no libvirt test names */
    RC_ACCEPTED,  /* libvirt's tests parse it (some qemuxml2argv case or qemuxml2xml) */
    RC_REFUSED,   /* every qemuxml2argv case naming it expects a failure */
} RcVerdict;

typedef enum {
    RC_FAM_I440FX,
    RC_FAM_Q35,
    RC_FAM_VIRT,     /* Arm/RISC-V/LoongArch 'virt' */
    RC_FAM_PSERIES,
    RC_FAM_S390,
    RC_FAM_OTHER,    /* microvm, isapc, Arm boards without PCI, ... */
    RC_FAM_N
} RcFamily;

typedef struct {
    char *path;       /* absolute */
    char *label;      /* libvirt/qemuxml2argvdata/NAME.xml, virt-install/NAME.xml, ... */
    RcVerdict verdict;
    RcFamily family;
    gboolean x86;     /* arch x86_64 or i686 (absent: libvirt's tests' host, x86_64) */
    gboolean virt_install;
    gboolean pci_refusal;  /* refused, for a reason about hostdevs or PCI addresses */
} RcDoc;

void rc_doc_free(RcDoc *doc);
const char *rc_family_name(RcFamily family);
const char *rc_verdict_name(RcVerdict verdict);

/* Every document of the corpus (sorted by label), fetching and generating
 * what is missing. NULL, with *skip set, when libvirt's test data cannot be
 * had; *note is set when virt-install could not generate its part. */
GPtrArray *rc_corpus_load(char **skip, char **note);

/* The machine family of a parsed domain document. */
RcFamily rc_family(xmlDoc *doc, gboolean *x86);

/* One PCI controller with the index libvirt gives it: an explicit index=,
 * else 0 for pci-root/pcie-root, else the lowest index unused so far in
 * document order (the implicit root holds 0). */
typedef struct {
    int index;
    char model[40];
} RcController;
GArray *rc_pci_controllers(xmlDoc *doc);

/* A PCI address; present is FALSE when the attributes are missing. */
typedef struct {
    gboolean present;
    guint domain, bus, slot, function;
    gboolean multifunction;
} RcPci;
/* The <address type='pci'> child of NODE. */
RcPci rc_guest_address(xmlNode *node);
/* The source address of a <hostdev type='pci'>. */
RcPci rc_source_address(xmlNode *hostdev);
/* Every element under <devices> (in document order) matching NAME, or all. */
GPtrArray *rc_device_elements(xmlDoc *doc, const char *name);

/* NULL when the guest addresses an add wrote into OUT (from IN) for the
 * device at host 0000:BUS:00 with FUNCTIONS functions are ones libvirt keeps
 * as written, by FAMILY's rule: never 00:00; q35/virt: slot 0 behind a
 * pcie-root-port (by its resolved index; existing or added) or a switch
 * downstream port the edit added; i440fx: bus 0 from slot 3, or a
 * pci-bridge's bus (existing or added, slot >= 1); no other device at that address; all functions in one slot,
 * function 0 with multifunction='on'. Else why not, its class in *KLASS. */
char *rc_judge_pins(xmlDoc *in, xmlDoc *out, RcFamily family, guint bus, guint functions, const char **klass);

/* Whether libvirt itself has no place for one more PCI device in DOC:
 * an Arm or RISC-V board other than virt and versatilepb (libvirt gives it
 * no PCI bus: qemuDomainSupportsPCI), or an i440fx guest whose bus 0 has
 * all 31 slots taken and no pci-bridge or pci-expander-bus to grow from
 * (libvirt's own attempt to add a bridge fails there). Judged from the
 * document alone; WHY says which. */
gboolean rc_no_pci_room(xmlDoc *doc, RcFamily family, const char **why);

/* Parse TEXT without network, errors silenced; NULL if not well-formed. */
xmlDoc *rc_parse(const char *text, gsize len);

/* TEXT with its domain <name> replaced by NAME and its <uuid> dropped (the
 * corpus shares UUIDs); NULL when it has no <name>. */
char *rc_rename_domain(const char *text, const char *name);
/* The guest addresses (RcPci) of the hostdevs whose source is on host bus
 * BUS, in document order; empty when XML is NULL or not well-formed. */
GArray *rc_pins_of_bus(const char *xml, guint bus);
/* Both lists the same, non-empty, every address present. */
gboolean rc_same_pins(GArray *a, GArray *b);
