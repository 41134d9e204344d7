#include "domedit.h"

#include <string.h>

#include "dommeta.h"
#include "domindex.h"
#include "errors.h"
#include "validate.h"
#include "xmlutil.h"

gboolean guest_placement_parse(const char *text, GuestPlacement *placement, GError **error)
{
    if (text == NULL) {
        *placement = (GuestPlacement){ GUEST_NONE, { 0 } };
        return TRUE;
    }
    if (g_strcmp0(text, "auto") == 0) {
        *placement = (GuestPlacement){ GUEST_AUTO, { 0 } };
        return TRUE;
    }
    placement->mode = GUEST_EXPLICIT;
    g_autoptr(GError) err = NULL;
    if (!pci_addr_parse(text, &placement->addr, &err)) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--guest-address: %s (or 'auto')", err->message);
        return FALSE;
    }
    return TRUE;
}

static gint compare_devices(gconstpointer a, gconstpointer b)
{
    const Nodedev *x = *(Nodedev *const *)a, *y = *(Nodedev *const *)b;
    return pci_addr_compare(&x->pci, &y->pci);
}

GPtrArray *hostdev_groups(GPtrArray *devices, gboolean all_functions)
{
    GPtrArray *groups = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    for (guint i = 0; i < devices->len; i++) {
        Nodedev *dev = devices->pdata[i];
        GPtrArray *group = NULL;
        /* SR-IOV VFs sharing a host slot are separate devices (each its own
         * IOMMU group, often for different guests): never one guest slot */
        if (all_functions && dev->kind == NODEDEV_PCI && !dev->is_vf) {
            for (guint g = 0; g < groups->len && !group; g++) {
                Nodedev *first = ((GPtrArray *)groups->pdata[g])->pdata[0];
                if (first->kind == NODEDEV_PCI && !first->is_vf && pci_addr_same_slot(&first->pci, &dev->pci))
                    group = groups->pdata[g];
            }
        }
        if (group == NULL) {
            group = g_ptr_array_new();
            g_ptr_array_add(groups, group);
        }
        g_ptr_array_add(group, dev);
    }
    for (guint g = 0; g < groups->len; g++)
        g_ptr_array_sort(groups->pdata[g], compare_devices);
    return groups;
}

/* Per-block alias and boot order: both must be unique in a domain, so with
 * several blocks aliases get a -N suffix and only the first block boots. */
static void block_opts_for(const HostdevOpts *opts, guint index, guint total, HostdevOpts *out, char **alias)
{
    *out = *opts;
    *alias = NULL;
    if (opts->alias && total > 1)
        *alias = g_strdup_printf("%s-%u", opts->alias, index);
    if (index > 0)
        out->boot_order = 0;
}

static char *render_block(const Nodedev *dev, const HostdevOpts *opts, guint index, guint total,
                          gboolean has_guest, const PciAddr *guest, gboolean multifunction,
                          const char *step, const char *newline, xmlDoc **doc, GError **error)
{
    HostdevOpts bopts;
    g_autofree char *alias = NULL;
    block_opts_for(opts, index, total, &bopts, &alias);
    HostdevBlock block = { dev, has_guest, guest ? *guest : (PciAddr){ 0 }, multifunction, alias };
    g_autofree char *text = hostdev_format(&block, &bopts, step, newline);
    g_autoptr(xmlDoc) parsed = validate_block(text, error);
    if (parsed == NULL)
        return NULL;
    if (doc)
        *doc = g_steal_pointer(&parsed);
    return g_steal_pointer(&text);
}

/* Each device acceptable with OPTS, and none named twice. */
static gboolean check_all(GPtrArray *devices, const HostdevOpts *opts, GError **error)
{
    for (guint i = 0; i < devices->len; i++) {
        if (!hostdev_check(devices->pdata[i], opts, error))
            return FALSE;
        for (guint j = 0; j < i; j++) {
            if (nodedev_same_source(devices->pdata[j], devices->pdata[i])) {
                g_autofree char *label = nodedev_label(devices->pdata[i]);
                g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "%s is given twice", label);
                return FALSE;
            }
        }
    }
    return TRUE;
}

/* Guest address of function DEV within a group placed at SLOT. */
static PciAddr group_member_address(const PciAddr *slot, GPtrArray *group, const Nodedev *dev)
{
    PciAddr a = *slot;
    if (group->len > 1)
        a.function = dev->pci.function;
    return a;
}

/* USB devices sit on the guest's USB bus, SCSI devices on a SCSI
 * controller: neither takes a guest PCI address. */
static gboolean takes_pci_guest(const Nodedev *dev)
{
    return dev->kind != NODEDEV_USB && !dev->is_scsi;
}

static gboolean check_pci_guest(const Nodedev *dev, GError **error)
{
    if (takes_pci_guest(dev))
        return TRUE;
    g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--guest-address is a PCI address; %s devices take none",
                dev->kind == NODEDEV_USB ? "USB" : "SCSI");
    return FALSE;
}

static gboolean check_explicit(const GuestPlacement *placement, GPtrArray *groups, GError **error)
{
    if (placement->mode != GUEST_EXPLICIT)
        return TRUE;
    if (groups->len > 1) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "--guest-address names one guest slot but %u devices were given; "
                    "use --guest-address auto, or --all-functions for the functions of one device", groups->len);
        return FALSE;
    }
    GPtrArray *group = groups->pdata[0];
    if (!check_pci_guest(group->pdata[0], error))
        return FALSE;
    if (group->len > 1 && placement->addr.function != 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "--guest-address with --all-functions names the slot: use function 0, not %u "
                    "(each function keeps its host function number)", placement->addr.function);
        return FALSE;
    }
    return TRUE;
}

GPtrArray *hostdev_render(GPtrArray *devices, const HostdevOpts *opts, const GuestPlacement *placement,
                          gboolean all_functions, GError **error)
{
    if (!check_all(devices, opts, error))
        return NULL;
    if (placement->mode == GUEST_AUTO) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "--guest-address auto needs a domain to find a free slot in (use add)");
        return NULL;
    }
    g_autoptr(GPtrArray) groups = hostdev_groups(devices, all_functions);
    if (!check_explicit(placement, groups, error))
        return NULL;
    g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func(g_free);
    guint index = 0;
    for (guint g = 0; g < groups->len; g++) {
        GPtrArray *group = groups->pdata[g];
        for (guint i = 0; i < group->len; i++) {
            const Nodedev *dev = group->pdata[i];
            PciAddr guest = group_member_address(&placement->addr, group, dev);
            gboolean multi = group->len > 1 && guest.function == 0;
            char *text = render_block(dev, opts, index++, devices->len, placement->mode == GUEST_EXPLICIT,
                                      &guest, multi, "  ", "\n", NULL, error);
            if (text == NULL)
                return NULL;
            g_ptr_array_add(blocks, text);
        }
    }
    return g_steal_pointer(&blocks);
}

/* Problems the input already has: warnings (lines "warning: ..." in NOTES),
 * or with STRICT a refusal. */
static gboolean check_input(DomDoc *dd, DomIndex *idx, gboolean strict, GString *notes, GError **error)
{
    g_autoptr(GPtrArray) problems = domindex_problems(idx);
    if (problems->len && strict) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s is already invalid before any change (--strict): %s",
                    domdoc_what(dd), (const char *)problems->pdata[0]);
        return FALSE;
    }
    for (guint i = 0; i < problems->len; i++)
        g_string_append_printf(notes, "warning: %s: %s\n", domdoc_what(dd), (const char *)problems->pdata[i]);
    return TRUE;
}

/* What the edit introduced: the entries it added, against everything else. */
static gboolean check_added(DomDoc *dd, DomIndex *idx, GPtrArray *added_entries, GError **error)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < added_entries->len && problems->len == 0; i++)
        domindex_entry_problems(idx, added_entries->pdata[i], FALSE, problems);
    if (problems->len == 0)
        return TRUE;
    g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: the change would leave the domain invalid: %s",
                domdoc_what(dd), (const char *)problems->pdata[0]);
    return FALSE;
}

/* An explicit address is refused when a device holds it, when the machine
 * itself does (never listed in the XML), or when it is another function of
 * a slot whose function 0 is no multifunction device: libvirt would turn
 * that device multifunction itself, an edit the operator did not ask for
 * (and one hot-plug cannot make). */
static gboolean check_collision(DomDoc *dd, DomIndex *idx, const PciAddr *a, GError **error)
{
    g_autofree char *text = pci_addr_format(a, PCI_FORMAT_PCI);
    gboolean ich9 = domindex_machine(idx) == MACHINE_Q35;
    gboolean piix3 = domindex_machine(idx) == MACHINE_I440FX;
    if (a->domain == 0 && a->bus == 0 && (a->slot == 0 || (ich9 && a->slot == 0x1f) || (piix3 && a->slot == 1))) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: guest PCI address %s belongs to the machine's built-in %s",
                    domdoc_what(dd), text,
                    a->slot == 0 ? "host bridge" : ich9 ? "ICH9 (LPC, SATA, SMBus)" : "PIIX3 (ISA, IDE, USB, ACPI)");
        return FALSE;
    }
    const DomEntry *holder = domindex_at(idx, a);
    if (holder) {
        g_autofree char *desc = holder->added ? g_strdup("another device of this edit") : domdoc_describe(holder->node);
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: guest PCI address %s is already used by %s",
                    domdoc_what(dd), text, desc);
        return FALSE;
    }
    PciAddr fn0 = *a;
    fn0.function = 0;
    const DomEntry *first = a->function ? domindex_at(idx, &fn0) : NULL;
    if (first && !first->multifunction) {
        g_autofree char *desc = domdoc_describe(first->node);
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "%s: guest slot of %s is used by %s, which is not a multifunction device", domdoc_what(dd), text,
                    desc);
        return FALSE;
    }
    return TRUE;
}

/* A new PCI controller, recorded in the index. AT: its own guest address,
 * or NULL to let libvirt place it. */
static gboolean insert_controller(DomDoc *dd, DomIndex *idx, const char *model, guint index, const PciAddr *at,
                                  GError **error)
{
    g_autofree char *text = NULL;
    if (at) {
        g_autofree char *attrs = pci_addr_format(at, PCI_FORMAT_ATTRS);
        const char *nl = domdoc_newline(dd);
        text = g_strdup_printf("<controller type='pci' index='%u' model='%s'>%s%s<address type='pci' %s/>%s</controller>",
                               index, model, nl, domdoc_step(dd), attrs, nl);
    } else {
        text = g_strdup_printf("<controller type='pci' index='%u' model='%s'/>", index, model);
    }
    g_autoptr(xmlDoc) block = vh_xml_parse(text, strlen(text), "generated controller", error);
    xmlNode *node = block ? domdoc_insert_device(dd, text, block, error) : NULL;
    if (node == NULL)
        return FALSE;
    domindex_add(idx, node);
    return TRUE;
}

static gboolean new_controller_index(DomDoc *dd, DomIndex *idx, const char *model, guint *index, GError **error)
{
    *index = domindex_free_controller_index(idx);
    if (*index != G_MAXUINT)
        return TRUE;
    g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: no PCI controller index left for a new %s", domdoc_what(dd),
                model);
    return FALSE;
}

/* PCIe machines (q35, virt): slot 0 behind the first hot-plug port (root
 * port or switch downstream port, by resolved index) with nothing on its
 * bus; else a new pcie-root-port, placed by libvirt. */
static gboolean allocate_pcie(DomDoc *dd, DomIndex *idx, PciAddr *slot, GString *notes, GError **error)
{
    for (guint i = 1; i <= PCI_BUS_MAX; i++) {
        const DomEntry *c = domindex_controller(idx, i);
        gboolean port = c && (c->pci_model == PCI_MODEL_PCIE_ROOT_PORT || c->pci_model == PCI_MODEL_SWITCH_DOWNSTREAM);
        if (port && !domindex_bus_used(idx, i)) {
            *slot = (PciAddr){ 0, i, 0, 0 };
            return TRUE;
        }
    }
    guint index;
    if (!new_controller_index(dd, idx, "pcie-root-port", &index, error) ||
        !insert_controller(dd, idx, "pcie-root-port", index, NULL, error))
        return FALSE;
    g_string_append_printf(notes, "added a pcie-root-port controller, index %u\n", index);
    *slot = (PciAddr){ 0, index, 0, 0 };
    return TRUE;
}

static gboolean free_slot_on(DomIndex *idx, guint bus, guint from, PciAddr *slot)
{
    for (guint s = from; s <= PCI_SLOT_MAX; s++) {
        *slot = (PciAddr){ 0, bus, s, 0 };
        if (!domindex_slot_used(idx, slot))
            return TRUE;
    }
    return FALSE;
}

/* Whether libvirt would put the primary video at 00:02.0: a <video>
 * without an address of its own, or none while there is a <graphics>
 * (libvirt then adds one) (qemuDomainValidateDevicePCISlotsPIIX3). */
static gboolean video_wants_slot2(DomIndex *idx)
{
    gboolean graphics = FALSE;
    for (guint i = 0; i < domindex_count(idx); i++) {
        const DomEntry *e = domindex_entry(idx, i);
        if (vh_xml_is(e->node, "video"))
            return !e->assigned;
        graphics = graphics || vh_xml_is(e->node, "graphics");
    }
    return graphics;
}

/* i440fx: bus 0 from slot 3 (0 host bridge, 1 PIIX3, 2 the primary video),
 * then slots 1..31 of the pci-bridges (slot 0 is the bridge's own SHPC),
 * else a new pci-bridge on a free bus-0 slot, the device at its slot 1. */
static gboolean allocate_i440fx(DomDoc *dd, DomIndex *idx, PciAddr *slot, GString *notes, GError **error)
{
    if (free_slot_on(idx, 0, 3, slot))
        return TRUE;
    for (guint i = 1; i <= PCI_BUS_MAX; i++) {
        const DomEntry *c = domindex_controller(idx, i);
        if (c && c->pci_model == PCI_MODEL_PCI_BRIDGE && free_slot_on(idx, i, 1, slot))
            return TRUE;
    }
    /* a new pci-bridge: at 00:02.0 unless the video takes it, else on a
     * pci-expander-bus, whose bus takes bridges (not hot-pluggable
     * endpoints, so libvirt puts none there itself) */
    PciAddr bridge_at = { 0, 0, 2, 0 };
    guint index;
    gboolean found = !domindex_slot_used(idx, &bridge_at) && !video_wants_slot2(idx);
    for (guint i = 1; !found && i <= PCI_BUS_MAX; i++) {
        const DomEntry *c = domindex_controller(idx, i);
        found = c && c->pci_model == PCI_MODEL_PCI_EXPANDER_BUS && free_slot_on(idx, i, 1, &bridge_at);
    }
    if (!found) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "%s: no free guest PCI slot: bus 0 and every pci-bridge are full, and no slot is left for a "
                    "new pci-bridge (libvirt cannot place one either)", domdoc_what(dd));
        return FALSE;
    }
    if (!new_controller_index(dd, idx, "pci-bridge", &index, error) ||
        !insert_controller(dd, idx, "pci-bridge", index, &bridge_at, error))
        return FALSE;
    g_autofree char *at = pci_addr_format(&bridge_at, PCI_FORMAT_PCI);
    g_string_append_printf(notes, "added a pci-bridge controller, index %u, at guest address %s\n", index, at);
    *slot = (PciAddr){ 0, index, 1, 0 };
    return TRUE;
}

/* pseries (its PHBs), s390 (zPCI) and the other machines libvirt gives a
 * PCI bus: the first free slot of a pci-root bus from slot 1 (libvirt's
 * first there), the default one (index 0) first, then pci-bridges. */
static gboolean allocate_pci_root(DomDoc *dd, DomIndex *idx, PciAddr *slot, GError **error)
{
    if (!domindex_has_pci(idx)) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "%s: machine '%s' has no PCI bus (libvirt gives this board none): a PCI host device cannot be "
                    "added", domdoc_what(dd), domindex_machine_name(idx));
        return FALSE;
    }
    static const PciModel order[] = { PCI_MODEL_PCI_ROOT, PCI_MODEL_PCI_BRIDGE };
    for (guint pass = 0; pass < G_N_ELEMENTS(order); pass++) {
        for (guint bus = 0; bus <= PCI_BUS_MAX; bus++) {
            const DomEntry *c = domindex_controller(idx, bus);
            /* bus 0 is the implicit root when no controller names it */
            PciModel model = c ? c->pci_model : bus == 0 ? PCI_MODEL_PCI_ROOT : PCI_MODEL_NONE;
            if (model == order[pass] && free_slot_on(idx, bus, 1, slot))
                return TRUE;
        }
    }
    g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: no free guest PCI slot on machine '%s'", domdoc_what(dd),
                domindex_machine_name(idx));
    return FALSE;
}

/* libvirt's placement per machine family. */
static gboolean allocate_slot(DomDoc *dd, DomIndex *idx, PciAddr *slot, GString *notes, GError **error)
{
    switch (domindex_machine(idx)) {
    case MACHINE_Q35:
    case MACHINE_VIRT:
        return allocate_pcie(dd, idx, slot, notes, error);
    case MACHINE_I440FX:
        return allocate_i440fx(dd, idx, slot, notes, error);
    case MACHINE_PSERIES:
    case MACHINE_S390:
    case MACHINE_OTHER:
        break;
    }
    return allocate_pci_root(dd, idx, slot, error);
}

/* Each device not held by the domain already. */
static gboolean check_not_present(DomDoc *dd, DomIndex *idx, GPtrArray *devices, GError **error)
{
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *dev = devices->pdata[i];
        const DomEntry *existing = domindex_find_source(idx, dev);
        if (existing) {
            g_autofree char *label = nodedev_label(dev);
            g_autofree char *desc = domdoc_describe(existing->node);
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s already has %s: %s", domdoc_what(dd), label, desc);
            return FALSE;
        }
    }
    return TRUE;
}

/* The guest slot of GROUP (*MODE may turn GUEST_NONE for USB). */
static gboolean place_group(DomDoc *dd, DomIndex *idx, GPtrArray *group, GuestMode *mode, PciAddr *slot,
                            GString *notes, GError **error)
{
    /* (an explicit address was checked against the devices by check_explicit) */
    if (*mode != GUEST_AUTO)
        return TRUE;
    if (!takes_pci_guest(group->pdata[0])) {
        *mode = GUEST_NONE; /* on the guest's USB bus or SCSI controller */
        return TRUE;
    }
    if (!allocate_slot(dd, idx, slot, notes, error))
        return FALSE;
    g_autofree char *text = pci_addr_format(slot, PCI_FORMAT_PCI);
    g_autofree char *first = nodedev_label(group->pdata[0]);
    g_string_append_printf(notes, "%s: guest address %s%s\n", first, text, group->len > 1 ? " (multifunction slot)" : "");
    return TRUE;
}

gboolean domedit_add(DomDoc *dd, GPtrArray *devices, const HostdevOpts *opts, const GuestPlacement *placement,
                     gboolean all_functions, gboolean strict, GString *notes, GPtrArray *added, GError **error)
{
    if (!check_all(devices, opts, error))
        return FALSE;
    g_autoptr(DomIndex) idx = domindex_build(domdoc_xml(dd));
    if (!check_input(dd, idx, strict, notes, error) || !check_not_present(dd, idx, devices, error))
        return FALSE;
    g_autoptr(GPtrArray) groups = hostdev_groups(devices, all_functions);
    if (!check_explicit(placement, groups, error))
        return FALSE;

    g_autoptr(GPtrArray) added_entries = g_ptr_array_new();
    g_autoptr(GPtrArray) nodes = g_ptr_array_new(), placed = g_ptr_array_new();
    guint index = 0;
    for (guint g = 0; g < groups->len; g++) {
        GPtrArray *group = groups->pdata[g];
        GuestMode mode = placement->mode;
        /* functions of one device only stay together when pinned */
        if (mode == GUEST_NONE && group->len > 1)
            mode = GUEST_AUTO;
        PciAddr slot = placement->addr;
        if (!place_group(dd, idx, group, &mode, &slot, notes, error))
            return FALSE;
        for (guint i = 0; i < group->len; i++) {
            const Nodedev *dev = group->pdata[i];
            PciAddr guest = group_member_address(&slot, group, dev);
            if (mode == GUEST_EXPLICIT && !check_collision(dd, idx, &guest, error))
                return FALSE;
            g_autoptr(xmlDoc) block = NULL;
            g_autofree char *text = render_block(dev, opts, index++, devices->len, mode != GUEST_NONE, &guest,
                                                 group->len > 1 && guest.function == 0,
                                                 domdoc_step(dd), domdoc_newline(dd), &block, error);
            xmlNode *node = text ? domdoc_insert_device(dd, text, block, error) : NULL;
            if (node == NULL)
                return FALSE;
            g_ptr_array_add(added_entries, (gpointer)domindex_add(idx, node));
            g_ptr_array_add(nodes, node);
            g_ptr_array_add(placed, (gpointer)dev);
            if (added)
                g_ptr_array_add(added, g_strdup(text));
        }
    }
    return check_added(dd, idx, added_entries, error) && dommeta_note_edit(dd, nodes, placed, NULL, error);
}

void removed_device_free(RemovedDevice *r)
{
    if (r == NULL)
        return;
    g_free(r->xml);
    nodedev_free(r->source);
    g_free(r);
}

static gboolean alias_matches(xmlNode *device, const char *wanted)
{
    g_autofree char *name = vh_xml_prop(vh_xml_child(device, "alias"), "name");
    if (name == NULL)
        return FALSE;
    return g_strcmp0(name, wanted) == 0 || (g_str_has_prefix(name, "ua-") && g_strcmp0(name + 3, wanted) == 0);
}

/* Whether indexed hostdev E matches entry I of MATCH (entries numbered
 * devices, then guest addresses, then aliases). A source we cannot read
 * still matches by guest address or alias. */
static gboolean entry_matches(const RemoveMatch *match, guint i, const DomEntry *e)
{
    guint ndev = match->devices ? match->devices->len : 0;
    guint naddr = match->guest_addrs ? match->guest_addrs->len : 0;
    if (i < ndev) {
        const Nodedev *dev = match->devices->pdata[i];
        const Nodedev *src = domentry_source(e);
        return src && (nodedev_same_source(src, dev) ||
                       (match->all_functions && dev->kind == NODEDEV_PCI && src->kind == NODEDEV_PCI &&
                        pci_addr_same_slot(&src->pci, &dev->pci)));
    }
    if (i < ndev + naddr)
        return e->assigned && pci_addr_equal(&e->addr, &g_array_index(match->guest_addrs, PciAddr, i - ndev));
    return alias_matches(e->node, match->aliases[i - ndev - naddr]);
}

static char *entry_label(const RemoveMatch *match, guint i)
{
    guint ndev = match->devices ? match->devices->len : 0;
    guint naddr = match->guest_addrs ? match->guest_addrs->len : 0;
    if (i < ndev) {
        g_autofree char *label = nodedev_label(match->devices->pdata[i]);
        return g_strdup_printf("host device %s", label);
    }
    if (i < ndev + naddr) {
        g_autofree char *a = pci_addr_format(&g_array_index(match->guest_addrs, PciAddr, i - ndev), PCI_FORMAT_PCI);
        return g_strdup_printf("host device at guest address %s", a);
    }
    return g_strdup_printf("host device with alias '%s'", match->aliases[i - ndev - naddr]);
}

gboolean domedit_remove(DomDoc *dd, const RemoveMatch *match, gboolean strict, GString *notes, GPtrArray *removed,
                        GError **error)
{
    g_autoptr(DomIndex) idx = domindex_build(domdoc_xml(dd));
    if (!check_input(dd, idx, strict, notes, error))
        return FALSE;
    guint entries = (match->devices ? match->devices->len : 0) +
                    (match->guest_addrs ? match->guest_addrs->len : 0) +
                    (match->aliases ? g_strv_length(match->aliases) : 0);
    g_autoptr(GPtrArray) victims = g_ptr_array_new();
    g_autoptr(GHashTable) chosen = g_hash_table_new(NULL, NULL);
    for (guint i = 0; i < entries; i++) {
        gboolean found = FALSE;
        for (guint k = 0; k < domindex_count(idx); k++) {
            const DomEntry *e = domindex_entry(idx, k);
            if (e->hostdev && entry_matches(match, i, e)) {
                found = TRUE;
                if (g_hash_table_add(chosen, e->node))
                    g_ptr_array_add(victims, e->node);
            }
        }
        if (!found) {
            g_autofree char *label = entry_label(match, i);
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s has no %s to remove", domdoc_what(dd), label);
            return FALSE;
        }
    }
    /* taking elements out introduces no duplicate and no clash: nothing
     * to check afterwards */
    g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func((GDestroyNotify)nodedev_free);
    for (guint i = 0; i < victims->len; i++) {
        xmlNode *d = victims->pdata[i];
        g_ptr_array_add(sources, domdoc_hostdev_source(d, NULL));
        g_autofree char *desc = domdoc_describe(d);
        g_string_append_printf(notes, "removed %s\n", desc);
        if (removed) {
            RemovedDevice *r = g_new0(RemovedDevice, 1);
            r->xml = domdoc_element_text(dd, d);
            r->source = domdoc_hostdev_source(d, NULL);
            r->managed = vh_xml_prop_is(d, "managed", "yes");
            g_ptr_array_add(removed, r);
        }
        domindex_remove(idx, d);
        if (!domdoc_remove_device(dd, d, error))
            return FALSE;
    }
    return dommeta_note_edit(dd, NULL, NULL, sources, error);
}
