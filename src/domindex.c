#include "domindex.h"

#include <string.h>

#include "errors.h"
#include "xmlutil.h"

#define CONTROLLER_MAX 256u

struct DomIndex {
    MachineFamily machine;
    char *machine_name;
    gboolean has_pci;
    GPtrArray *entries;        /* DomEntry*, document order, then added ones */
    /* keys are PCI_ADDR_HASH_KEY()s: no allocation per device */
    GHashTable *by_address;    /* guest address -> first DomEntry* holding it */
    GHashTable *slot_use;      /* guest slot (function 0) -> count, PCI domains > 0 */
    GHashTable *bus_use;       /* bus_key() -> count, PCI domains > 0 */
    guint16 slots0[(PCI_BUS_MAX + 1) * (PCI_SLOT_MAX + 1)]; /* the same for domain 0, */
    guint16 buses0[PCI_BUS_MAX + 1];                        /* where nearly all are */
    GHashTable *pci_sources;   /* host address of a source -> first DomEntry* */
    GPtrArray *other_sources;  /* DomEntry* with USB / mdev sources */
    DomEntry *controllers[CONTROLLER_MAX];
};

static gpointer slot_key(const PciAddr *a)
{
    PciAddr slot = *a;
    slot.function = 0;
    return PCI_ADDR_HASH_KEY(&slot);
}

static gpointer bus_key(guint domain, guint bus)
{
    return GUINT_TO_POINTER((domain << 8 | bus) + 1);
}

static void entry_free(gpointer p)
{
    DomEntry *e = p;
    g_free(e->addr_error);
    g_free(e->source_error);
    nodedev_free(e->source_model);
    g_free(e);
}

void domindex_free(DomIndex *idx)
{
    if (idx == NULL)
        return;
    g_ptr_array_unref(idx->entries);
    g_hash_table_unref(idx->by_address);
    g_hash_table_unref(idx->slot_use);
    g_hash_table_unref(idx->bus_use);
    g_hash_table_unref(idx->pci_sources);
    g_ptr_array_unref(idx->other_sources);
    g_free(idx->machine_name);
    g_free(idx);
}

/* ---- machine family ---- */

static gboolean has_pcie_root(xmlNode *devices)
{
    VH_XML_FOREACH_CHILD(c, devices, "controller")
        if (vh_xml_prop_is(c, "type", "pci") && vh_xml_prop_is(c, "model", "pcie-root"))
            return TRUE;
    return FALSE;
}

/* libvirt fills in a missing machine with the emulator's default for the
 * arch (and a missing arch with the host's): pc on x86, virt on Arm and
 * RISC-V, pseries on ppc64, s390-ccw-virtio on s390x. On x86 a pcie-root
 * controller only fits q35, so it says which. */
static MachineFamily family_of(const char *machine, const char *arch, xmlNode *devices)
{
    if (machine == NULL) {
        if (arch == NULL || g_str_equal(arch, "x86_64") || g_str_equal(arch, "i686"))
            return has_pcie_root(devices) ? MACHINE_Q35 : MACHINE_I440FX;
        if (g_str_has_prefix(arch, "aarch64") || g_str_has_prefix(arch, "armv7") || g_str_has_prefix(arch, "riscv"))
            return MACHINE_VIRT;
        if (g_str_has_prefix(arch, "ppc64"))
            return MACHINE_PSERIES;
        if (g_str_has_prefix(arch, "s390"))
            return MACHINE_S390;
        return MACHINE_OTHER;
    }
    if (g_str_equal(machine, "q35") || g_str_has_prefix(machine, "pc-q35-"))
        return MACHINE_Q35;
    if (g_str_equal(machine, "pc") || g_str_has_prefix(machine, "pc-i440fx-") ||
        (g_str_has_prefix(machine, "pc-") && g_ascii_isdigit(machine[3])))
        return MACHINE_I440FX;
    if (g_str_equal(machine, "virt") || g_str_has_prefix(machine, "virt-"))
        return arch == NULL || g_str_has_prefix(arch, "aarch64") || g_str_has_prefix(arch, "arm") ||
                       g_str_has_prefix(arch, "riscv")
                   ? MACHINE_VIRT
                   : MACHINE_OTHER;
    if (g_str_equal(machine, "pseries") || g_str_has_prefix(machine, "pseries-"))
        return MACHINE_PSERIES;
    if (g_str_has_prefix(machine, "s390-ccw"))
        return MACHINE_S390;
    return MACHINE_OTHER;
}

static const char *family_label(MachineFamily f)
{
    static const char *const labels[] = { "i440fx", "q35", "virt", "pseries", "s390-ccw-virtio", "unknown" };
    return labels[f];
}

MachineFamily domindex_machine(const DomIndex *idx) { return idx->machine; }
const char *domindex_machine_name(const DomIndex *idx) { return idx->machine_name; }
gboolean domindex_has_pci(const DomIndex *idx) { return idx->has_pci; }
gboolean domindex_is_pcie(const DomIndex *idx)
{
    return idx->machine == MACHINE_Q35 || idx->machine == MACHINE_VIRT;
}

/* ---- reading one element ---- */

static PciModel pci_model_of(xmlNode *c)
{
    static const char *const names[] = {
        NULL, "pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge", "pcie-root-port",
        "pcie-switch-upstream-port", "pcie-switch-downstream-port", "pci-expander-bus",
        "pcie-expander-bus", "pcie-to-pci-bridge",
    };
    if (!vh_xml_is(c, "controller") || !vh_xml_prop_is(c, "type", "pci"))
        return PCI_MODEL_NONE;
    g_autofree char *copy = NULL;
    const char *model = vh_xml_prop_ref(c, "model", &copy);
    for (guint i = 1; model && i < G_N_ELEMENTS(names); i++)
        if (g_str_equal(model, names[i]))
            return (PciModel)i;
    return PCI_MODEL_UNKNOWN;
}

/* The guest address: only a direct <address type='pci'> that is not all
 * zero (libvirt's virPCIDeviceAddressIsEmpty: "assign one"). */
static void read_guest_address(DomEntry *e)
{
    for (xmlNode *a = e->node->children; a; a = a->next) {
        if (a->type != XML_ELEMENT_NODE || !xmlStrEqual(a->name, BAD_CAST "address") ||
            !vh_xml_prop_is(a, "type", "pci"))
            continue;
        PciAddr addr;
        gboolean multi = FALSE;
        g_autoptr(GError) err = NULL;
        if (!domdoc_read_pci_address(a, &addr, &multi, "guest address", &err)) {
            e->addr_error = g_strdup(err->message);
            return;
        }
        if (addr.domain == 0 && addr.bus == 0 && addr.slot == 0 && addr.function == 0)
            return;
        e->assigned = TRUE;
        e->addr = addr;
        e->multifunction = multi;
        return;
    }
}

static void read_entry(DomEntry *e)
{
    read_guest_address(e);
    e->hostdev = vh_xml_is(e->node, "hostdev") ||
                 (vh_xml_is(e->node, "interface") && vh_xml_prop_is(e->node, "type", "hostdev"));
    if (e->hostdev) {
        g_autoptr(GError) err = NULL;
        e->pci_source = domdoc_hostdev_pci_source(e->node, &e->source_pci, &err);
        if (!e->pci_source && err == NULL)
            e->source_model = domdoc_hostdev_source(e->node, &err);
        if (err)
            e->source_error = g_strdup(err->message);
    }
    e->pci_model = pci_model_of(e->node);
}

/* libvirt's console[0] when it duplicates serial[0]: target type serial, or
 * none (the default on x86), while the domain has a serial port. */
static gboolean mirrors_serial(xmlNode *console, gboolean have_serial)
{
    if (!have_serial)
        return FALSE;
    xmlNode *target = vh_xml_child(console, "target");
    g_autofree char *copy = NULL;
    const char *type = target ? vh_xml_prop_ref(target, "type", &copy) : NULL;
    return type == NULL || g_str_equal(type, "serial");
}

/* ---- the tables ---- */

static void count(GHashTable *table, gpointer key, int delta);

/* Count E's guest slot and bus in (DELTA 1) or out (-1). */
static void count_use(DomIndex *idx, const PciAddr *a, int delta)
{
    if (a->domain == 0) {
        idx->slots0[a->bus * (PCI_SLOT_MAX + 1) + a->slot] += delta;
        idx->buses0[a->bus] += delta;
        return;
    }
    count(idx->slot_use, slot_key(a), delta);
    count(idx->bus_use, bus_key(a->domain, a->bus), delta);
}

static void count(GHashTable *table, gpointer key, int delta)
{
    gint n = GPOINTER_TO_INT(g_hash_table_lookup(table, key)) + delta;
    if (n <= 0)
        g_hash_table_remove(table, key);
    else
        g_hash_table_insert(table, key, GINT_TO_POINTER(n));
}

/* Index E's address and source (the first holder wins a table's slot). */
static void record(DomIndex *idx, DomEntry *e)
{
    if (e->assigned) {
        gpointer full = PCI_ADDR_HASH_KEY(&e->addr);
        if (!g_hash_table_contains(idx->by_address, full))
            g_hash_table_insert(idx->by_address, full, e);
        count_use(idx, &e->addr, 1);
    }
    if (e->pci_source) {
        gpointer key = PCI_ADDR_HASH_KEY(&e->source_pci);
        if (!g_hash_table_contains(idx->pci_sources, key))
            g_hash_table_insert(idx->pci_sources, key, e);
    } else if (e->source_model) {
        g_ptr_array_add(idx->other_sources, e);
    }
}

static gboolean parse_index(xmlNode *c, guint *index)
{
    g_autofree char *copy = NULL;
    const char *text = vh_xml_prop_ref(c, "index", &copy);
    return text && pci_attr_parse(text, NULL, CONTROLLER_MAX - 1, index, NULL);
}

/* Explicit indexes first, the roots at 0, then the lowest unused index for
 * each index-less PCI controller in document order (libvirt's post-parse). */
static void resolve_controllers(DomIndex *idx)
{
    GPtrArray *pending = g_ptr_array_new();
    for (guint i = 0; i < idx->entries->len; i++) {
        DomEntry *e = idx->entries->pdata[i];
        if (e->pci_model == PCI_MODEL_NONE)
            continue;
        guint index;
        if (parse_index(e->node, &index) ||
            ((e->pci_model == PCI_MODEL_PCI_ROOT || e->pci_model == PCI_MODEL_PCIE_ROOT) && (index = 0, TRUE))) {
            e->index = index;
            if (idx->controllers[index] == NULL)
                idx->controllers[index] = e;
        } else {
            g_ptr_array_add(pending, e);
        }
    }
    for (guint i = 0; i < pending->len; i++) {
        DomEntry *e = pending->pdata[i];
        guint index = domindex_free_controller_index(idx);
        if (index == G_MAXUINT)
            break;
        e->index = index;
        idx->controllers[index] = e;
    }
    g_ptr_array_unref(pending);
}

static void machine_of(DomIndex *idx, xmlNode *root, xmlNode *devices)
{
    xmlNode *type = vh_xml_child(vh_xml_child(root, "os"), "type");
    g_autofree char *machine = vh_xml_prop(type, "machine");
    g_autofree char *arch = vh_xml_prop(type, "arch");
    idx->machine = family_of(machine, arch, devices);
    idx->machine_name = machine ? g_steal_pointer(&machine) : g_strdup(family_label(idx->machine));
    /* libvirt's qemuDomainSupportsPCI: Arm and RISC-V boards other than
     * virt (and versatilepb) have no PCI bus; s390 has zPCI */
    gboolean board = arch && (g_str_has_prefix(arch, "arm") || g_str_has_prefix(arch, "aarch64") ||
                              g_str_has_prefix(arch, "riscv"));
    idx->has_pci = idx->machine != MACHINE_OTHER || !board || g_strcmp0(idx->machine_name, "versatilepb") == 0;
}

DomIndex *domindex_build(xmlDoc *doc)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *devices = vh_xml_child(root, "devices");
    DomIndex *idx = g_new0(DomIndex, 1);
    idx->entries = g_ptr_array_new_with_free_func(entry_free);
    idx->by_address = g_hash_table_new(NULL, NULL);
    idx->slot_use = g_hash_table_new(NULL, NULL);
    idx->bus_use = g_hash_table_new(NULL, NULL);
    idx->pci_sources = g_hash_table_new(NULL, NULL);
    idx->other_sources = g_ptr_array_new();
    machine_of(idx, root, devices);

    gboolean have_serial = vh_xml_child(devices, "serial") != NULL, console_seen = FALSE;
    for (xmlNode *d = vh_xml_child(devices, NULL); d; d = vh_xml_next(d, NULL)) {
        if (vh_xml_is(d, "console") && !console_seen) {
            console_seen = TRUE;
            if (mirrors_serial(d, have_serial))
                continue;
        }
        DomEntry *e = g_new0(DomEntry, 1);
        e->node = d;
        read_entry(e);
        g_ptr_array_add(idx->entries, e);
        record(idx, e);
    }
    resolve_controllers(idx);
    return idx;
}

/* ---- queries ---- */

guint domindex_count(const DomIndex *idx) { return idx->entries->len; }

const DomEntry *domindex_entry(const DomIndex *idx, guint i)
{
    return i < idx->entries->len ? idx->entries->pdata[i] : NULL;
}

const DomEntry *domindex_at(const DomIndex *idx, const PciAddr *a)
{
    return g_hash_table_lookup(idx->by_address, PCI_ADDR_HASH_KEY(a));
}

gboolean domindex_slot_used(const DomIndex *idx, const PciAddr *a)
{
    if (a->domain == 0)
        return idx->slots0[a->bus * (PCI_SLOT_MAX + 1) + a->slot] > 0;
    return g_hash_table_contains(idx->slot_use, slot_key(a));
}

gboolean domindex_bus_used(const DomIndex *idx, guint bus)
{
    return bus <= PCI_BUS_MAX && idx->buses0[bus] > 0;
}

/* The first entry holding the PCI device at A. */
static const DomEntry *pci_holder(const DomIndex *idx, const PciAddr *a)
{
    return g_hash_table_lookup(idx->pci_sources, PCI_ADDR_HASH_KEY(a));
}

const DomEntry *domindex_find_source(const DomIndex *idx, const Nodedev *dev)
{
    if (dev->kind == NODEDEV_PCI)
        return pci_holder(idx, &dev->pci);
    for (guint i = 0; i < idx->other_sources->len; i++) {
        const DomEntry *e = idx->other_sources->pdata[i];
        if (nodedev_same_source(e->source_model, dev))
            return e;
    }
    return NULL;
}

const DomEntry *domindex_controller(const DomIndex *idx, guint index)
{
    return index < CONTROLLER_MAX ? idx->controllers[index] : NULL;
}

guint domindex_free_controller_index(const DomIndex *idx)
{
    /* 0 is the implicit root's even when the XML does not list it */
    for (guint i = 1; i < CONTROLLER_MAX; i++)
        if (idx->controllers[i] == NULL)
            return i;
    return G_MAXUINT;
}

/* ---- incremental updates ---- */

const DomEntry *domindex_add(DomIndex *idx, xmlNode *node)
{
    DomEntry *e = g_new0(DomEntry, 1);
    e->node = node;
    e->added = TRUE;
    read_entry(e);
    g_ptr_array_add(idx->entries, e);
    record(idx, e);
    guint index;
    if (e->pci_model != PCI_MODEL_NONE && parse_index(node, &index)) {
        e->index = index;
        if (idx->controllers[index] == NULL)
            idx->controllers[index] = e;
    }
    return e;
}

const Nodedev *domentry_source(const DomEntry *e)
{
    if (e->pci_source && e->source_model == NULL) {
        /* a cache in the entry: the index hands entries out read-only */
        DomEntry *cache = (DomEntry *)e;
        cache->source_model = nodedev_new(NODEDEV_PCI);
        cache->source_model->pci = e->source_pci;
    }
    return e->source_model;
}

/* Whether entries A and B hold the same host device. */
static gboolean same_source(const DomEntry *a, const DomEntry *b)
{
    if (a->pci_source || b->pci_source)
        return a->pci_source && b->pci_source && pci_addr_equal(&a->source_pci, &b->source_pci);
    return a->source_model && b->source_model && nodedev_same_source(a->source_model, b->source_model);
}

/* The first other entry, in order, with E's guest address or source. */
static DomEntry *next_holder(DomIndex *idx, const DomEntry *e, gboolean by_source)
{
    for (guint i = 0; i < idx->entries->len; i++) {
        DomEntry *o = idx->entries->pdata[i];
        if (o == e)
            continue;
        if (by_source ? same_source(o, e)
                      : o->assigned && pci_addr_equal(&o->addr, &e->addr))
            return o;
    }
    return NULL;
}

static void replace_holder(DomIndex *idx, GHashTable *table, gpointer key, DomEntry *e, gboolean by_source)
{
    if (g_hash_table_lookup(table, key) != e)
        return;
    DomEntry *next = next_holder(idx, e, by_source);
    if (next)
        g_hash_table_insert(table, key, next);
    else
        g_hash_table_remove(table, key);
}

void domindex_remove(DomIndex *idx, xmlNode *node)
{
    DomEntry *e = NULL;
    guint pos;
    for (pos = 0; pos < idx->entries->len && !e; pos++)
        if (((DomEntry *)idx->entries->pdata[pos])->node == node)
            e = idx->entries->pdata[pos];
    if (e == NULL)
        return;
    if (e->assigned) {
        replace_holder(idx, idx->by_address, PCI_ADDR_HASH_KEY(&e->addr), e, FALSE);
        count_use(idx, &e->addr, -1);
    }
    if (e->pci_source)
        replace_holder(idx, idx->pci_sources, PCI_ADDR_HASH_KEY(&e->source_pci), e, TRUE);
    else if (e->source_model)
        g_ptr_array_remove(idx->other_sources, e);
    for (guint i = 0; i < CONTROLLER_MAX; i++)
        if (idx->controllers[i] == e)
            idx->controllers[i] = NULL;
    g_ptr_array_remove_index(idx->entries, pos - 1);
}

/* ---- problems ---- */

static char *source_text(const Nodedev *src)
{
    if (src->kind == NODEDEV_USB && src->usb_has_busdev)
        return g_strdup_printf("usb bus %u device %u", src->usb_bus, src->usb_device);
    if (src->kind == NODEDEV_USB)
        return g_strdup_printf("usb %04x:%04x", src->vendor_id, src->product_id);
    if (src->kind == NODEDEV_MDEV)
        return g_strdup_printf("mdev %s", src->uuid);
    if (src->kind == NODEDEV_OTHER)
        return nodedev_label(src); /* SCSI: "scsi H:B:T:U" */
    return pci_addr_format(&src->pci, PCI_FORMAT_PCI);
}

static const DomEntry *other_source_holder(const DomIndex *idx, const DomEntry *e, gboolean only_earlier)
{
    for (guint i = 0; i < idx->other_sources->len; i++) {
        const DomEntry *o = idx->other_sources->pdata[i];
        if (o == e) {
            if (only_earlier)
                return NULL;
            continue;
        }
        if (same_source(o, e))
            return o;
    }
    return NULL;
}

void domindex_entry_problems(const DomIndex *idx, const DomEntry *e, gboolean only_earlier, GPtrArray *out)
{
    g_autofree char *desc = NULL;
    if (e->addr_error || e->source_error) {
        desc = domdoc_describe(e->node);
        g_ptr_array_add(out, g_strdup_printf("%s: %s", desc, e->addr_error ? e->addr_error : e->source_error));
        return;
    }
    const DomEntry *twin = NULL;
    if (e->pci_source)
        twin = pci_holder(idx, &e->source_pci);
    else if (e->source_model)
        twin = other_source_holder(idx, e, only_earlier);
    if (twin && twin != e) {
        g_autofree char *text = source_text(domentry_source(e));
        g_autofree char *d1 = domdoc_describe(twin->node), *d2 = domdoc_describe(e->node);
        g_ptr_array_add(out, g_strdup_printf("host device %s is assigned twice: %s and %s", text, d1, d2));
    }
    const DomEntry *holder = e->assigned ? domindex_at(idx, &e->addr) : NULL;
    if (holder && holder != e) {
        g_autofree char *a = pci_addr_format(&e->addr, PCI_FORMAT_PCI);
        g_autofree char *d1 = domdoc_describe(holder->node), *d2 = domdoc_describe(e->node);
        g_ptr_array_add(out, g_strdup_printf("guest PCI address %s is used twice: by %s and by %s", a, d1, d2));
    }
}

GPtrArray *domindex_problems(const DomIndex *idx)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < idx->entries->len; i++)
        domindex_entry_problems(idx, idx->entries->pdata[i], TRUE, out);
    return out;
}
