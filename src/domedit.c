#include "domedit.h"

#include <string.h>

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
        if (all_functions && dev->kind == NODEDEV_PCI) {
            for (guint g = 0; g < groups->len && !group; g++) {
                Nodedev *first = ((GPtrArray *)groups->pdata[g])->pdata[0];
                if (first->kind == NODEDEV_PCI && pci_addr_same_slot(&first->pci, &dev->pci))
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
    if (((Nodedev *)group->pdata[0])->kind == NODEDEV_USB) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--guest-address is a PCI address; USB devices take none");
        return FALSE;
    }
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

/* Guest PCI addresses in use: full address -> device element. */
typedef struct {
    GHashTable *by_address;  /* gint64* -> xmlNode* (NULL for allocations) */
    GPtrArray *keys;         /* owns the gint64 keys */
    GHashTable *buses;       /* used bus numbers (domain 0) */
} AddressMap;

static void address_map_clear(AddressMap *map)
{
    g_hash_table_unref(map->by_address);
    g_hash_table_unref(map->buses);
    g_ptr_array_unref(map->keys);
}

static void address_map_add(AddressMap *map, const PciAddr *a, xmlNode *node)
{
    gint64 *key = g_new(gint64, 1);
    *key = (gint64)pci_addr_key(a);
    g_ptr_array_add(map->keys, key);
    g_hash_table_insert(map->by_address, key, node);
    if (a->domain == 0)
        g_hash_table_add(map->buses, GUINT_TO_POINTER(a->bus + 1));
}

static gboolean address_map_build(DomDoc *dd, AddressMap *map, GError **error)
{
    map->by_address = g_hash_table_new(g_int64_hash, g_int64_equal);
    map->buses = g_hash_table_new(NULL, NULL);
    map->keys = g_ptr_array_new_with_free_func(g_free);
    for (xmlNode *d = vh_xml_child(domdoc_devices(dd), NULL); d; d = vh_xml_next(d, NULL)) {
        PciAddr a;
        gboolean present;
        if (!domdoc_guest_address(d, &a, &present, error))
            return FALSE;
        if (present)
            address_map_add(map, &a, d);
    }
    return TRUE;
}

static gboolean address_map_lookup(AddressMap *map, const PciAddr *a, xmlNode **node)
{
    gint64 key = (gint64)pci_addr_key(a);
    return g_hash_table_lookup_extended(map->by_address, &key, NULL, (gpointer *)node);
}

static gboolean slot_used(AddressMap *map, const PciAddr *slot)
{
    for (guint f = 0; f <= PCI_FUNCTION_MAX; f++) {
        PciAddr a = *slot;
        a.function = f;
        if (address_map_lookup(map, &a, NULL))
            return TRUE;
    }
    return FALSE;
}

/* An explicit address is refused when a device holds it, or holds another
 * function of that slot without being a multifunction device there. */
static gboolean check_collision(DomDoc *dd, AddressMap *map, const PciAddr *a, gboolean sharing_ok, GError **error)
{
    xmlNode *holder = NULL;
    g_autofree char *text = pci_addr_format(a, PCI_FORMAT_PCI);
    /* slots the machine type itself occupies, never listed in the XML */
    gboolean q35 = domdoc_machine(dd) == MACHINE_Q35;
    if (a->domain == 0 && a->bus == 0 && (a->slot == 0 || a->slot == (q35 ? 0x1fu : 0x01u))) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: guest PCI address %s belongs to the machine's built-in %s",
                    domdoc_what(dd), text,
                    a->slot == 0 ? "host bridge" : q35 ? "ICH9 (LPC, SATA, SMBus)" : "PIIX3 (ISA, IDE, USB, ACPI)");
        return FALSE;
    }
    if (address_map_lookup(map, a, &holder)) {
        g_autofree char *desc = holder ? domdoc_describe(holder) : g_strdup("another device of this edit");
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: guest PCI address %s is already used by %s",
                    domdoc_what(dd), text, desc);
        return FALSE;
    }
    PciAddr fn0 = *a;
    fn0.function = 0;
    xmlNode *first = NULL;
    if (!sharing_ok && address_map_lookup(map, &fn0, &first) && first) {
        gboolean multi = FALSE;
        VH_XML_FOREACH_CHILD(ad, first, "address")
            multi = multi || vh_xml_prop_is(ad, "multifunction", "on");
        if (!multi) {
            g_autofree char *desc = domdoc_describe(first);
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                        "%s: guest slot of %s is used by %s, which is not a multifunction device",
                        domdoc_what(dd), text, desc);
            return FALSE;
        }
    }
    return TRUE;
}

typedef struct {
    guint next_index;   /* for a new pcie-root-port */
    GPtrArray *ports;   /* xmlNode* pcie-root-port controllers, in document order */
} Q35State;

static guint controller_index(xmlNode *c)
{
    g_autofree char *index = vh_xml_prop(c, "index");
    guint v = 0;
    return index && pci_attr_parse(index, "index", 255, &v, NULL) ? v : 0;
}

static gboolean insert_root_port(DomDoc *dd, guint index, GError **error)
{
    g_autofree char *text = g_strdup_printf("<controller type='pci' index='%u' model='pcie-root-port'/>", index);
    g_autoptr(xmlDoc) block = vh_xml_parse(text, strlen(text), "generated controller", error);
    return block && domdoc_insert_device(dd, text, block, error) != NULL;
}

/* libvirt's placement: i440fx -> first free slot on bus 0 (0 is the host
 * bridge, 1 the PIIX3, 2 kept for the primary video); q35 -> slot 0 behind a
 * free pcie-root-port, adding one when none is free. */
static gboolean allocate_slot(DomDoc *dd, AddressMap *map, Q35State *q35, PciAddr *slot, GString *notes, GError **error)
{
    if (domdoc_machine(dd) == MACHINE_I440FX) {
        for (guint s = 3; s <= PCI_SLOT_MAX; s++) {
            *slot = (PciAddr){ 0, 0, s, 0 };
            if (!slot_used(map, slot))
                return TRUE;
        }
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: no free slot left on PCI bus 0", domdoc_what(dd));
        return FALSE;
    }
    for (guint i = 0; i < q35->ports->len; i++) {
        guint bus = controller_index(q35->ports->pdata[i]);
        if (!g_hash_table_contains(map->buses, GUINT_TO_POINTER(bus + 1))) {
            *slot = (PciAddr){ 0, bus, 0, 0 };
            return TRUE;
        }
    }
    if (q35->next_index > 255) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: no PCI controller index left for a new pcie-root-port",
                    domdoc_what(dd));
        return FALSE;
    }
    guint index = q35->next_index++;
    if (!insert_root_port(dd, index, error))
        return FALSE;
    g_string_append_printf(notes, "added a pcie-root-port controller, index %u\n", index);
    *slot = (PciAddr){ 0, index, 0, 0 };
    return TRUE;
}

static void q35_state_init(DomDoc *dd, Q35State *q35)
{
    q35->ports = g_ptr_array_new();
    q35->next_index = 1;
    VH_XML_FOREACH_CHILD(c, domdoc_devices(dd), "controller") {
        if (!vh_xml_prop_is(c, "type", "pci"))
            continue;
        q35->next_index = MAX(q35->next_index, controller_index(c) + 1);
        if (vh_xml_prop_is(c, "model", "pcie-root-port"))
            g_ptr_array_add(q35->ports, c);
    }
}

static gboolean check_input_sane(DomDoc *dd, GError **error)
{
    g_autoptr(GPtrArray) problems = validate_domain_semantics(dd);
    if (problems->len == 0)
        return TRUE;
    g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s is already invalid before any change: %s",
                domdoc_what(dd), (const char *)problems->pdata[0]);
    return FALSE;
}

static gboolean check_result_sane(DomDoc *dd, GError **error)
{
    g_autoptr(GPtrArray) problems = validate_domain_semantics(dd);
    if (problems->len == 0)
        return TRUE;
    g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: the change would leave the domain invalid: %s",
                domdoc_what(dd), (const char *)problems->pdata[0]);
    return FALSE;
}

/* The host devices the domain holds, read in one pass over <devices>: PCI
 * sources hashed by address, the others (USB, mdev) listed, so that
 * checking k new devices costs one parse of the domain's hostdevs, not k. */
typedef struct {
    GHashTable *pci;     /* pci_addr_key -> xmlNode* */
    GPtrArray *others;   /* Nodedev* source, followed by its xmlNode* */
} HeldSources;

static void held_sources_init(DomDoc *dd, HeldSources *held)
{
    held->pci = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    held->others = g_ptr_array_new();
    for (xmlNode *d = vh_xml_child(domdoc_devices(dd), NULL); d; d = vh_xml_next(d, NULL)) {
        Nodedev *src = domdoc_hostdev_source(d, NULL);
        if (src == NULL)
            continue;
        if (src->kind == NODEDEV_PCI) {
            gint64 *key = g_new(gint64, 1);
            *key = (gint64)pci_addr_key(&src->pci);
            if (!g_hash_table_contains(held->pci, key))
                g_hash_table_insert(held->pci, key, d);
            else
                g_free(key);
            nodedev_free(src);
        } else {
            g_ptr_array_add(held->others, src);
            g_ptr_array_add(held->others, d);
        }
    }
}

static void held_sources_clear(HeldSources *held)
{
    g_hash_table_unref(held->pci);
    for (guint i = 0; i < held->others->len; i += 2)
        nodedev_free(held->others->pdata[i]);
    g_ptr_array_unref(held->others);
}

/* The first element holding DEV, in document order. */
static xmlNode *find_hostdev(HeldSources *held, const Nodedev *dev)
{
    if (dev->kind == NODEDEV_PCI) {
        gint64 key = (gint64)pci_addr_key(&dev->pci);
        return g_hash_table_lookup(held->pci, &key);
    }
    for (guint i = 0; i < held->others->len; i += 2)
        if (nodedev_same_source(held->others->pdata[i], dev))
            return held->others->pdata[i + 1];
    return NULL;
}

gboolean domedit_add(DomDoc *dd, GPtrArray *devices, const HostdevOpts *opts, const GuestPlacement *placement,
                     gboolean all_functions, GString *notes, GPtrArray *added, GError **error)
{
    if (domdoc_devices(dd) == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: the domain has no <devices> element", domdoc_what(dd));
        return FALSE;
    }
    if (!check_all(devices, opts, error) || !check_input_sane(dd, error))
        return FALSE;
    HeldSources held;
    held_sources_init(dd, &held);
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *dev = devices->pdata[i];
        xmlNode *existing = find_hostdev(&held, dev);
        if (existing) {
            g_autofree char *label = nodedev_label(dev);
            g_autofree char *desc = domdoc_describe(existing);
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s already has %s: %s", domdoc_what(dd), label, desc);
            held_sources_clear(&held);
            return FALSE;
        }
    }
    held_sources_clear(&held);

    g_autoptr(GPtrArray) groups = hostdev_groups(devices, all_functions);
    if (!check_explicit(placement, groups, error))
        return FALSE;

    AddressMap map;
    Q35State q35;
    if (!address_map_build(dd, &map, error)) {
        address_map_clear(&map);
        return FALSE;
    }
    q35_state_init(dd, &q35);
    gboolean ok = TRUE;
    guint index = 0;
    for (guint g = 0; ok && g < groups->len; g++) {
        GPtrArray *group = groups->pdata[g];
        GuestMode mode = placement->mode;
        /* functions of one device only stay together when pinned */
        if (mode == GUEST_NONE && group->len > 1)
            mode = GUEST_AUTO;
        PciAddr slot = placement->addr;
        if (mode == GUEST_AUTO) {
            if (((Nodedev *)group->pdata[0])->kind == NODEDEV_USB) {
                mode = GUEST_NONE; /* USB devices sit on the guest's USB bus */
            } else {
                ok = allocate_slot(dd, &map, &q35, &slot, notes, error);
                if (!ok)
                    break;
                g_autofree char *text = pci_addr_format(&slot, PCI_FORMAT_PCI);
                g_autofree char *first = nodedev_label(group->pdata[0]);
                g_string_append_printf(notes, "%s: guest address %s%s\n", first, text,
                                       group->len > 1 ? " (multifunction slot)" : "");
            }
        } else if (mode == GUEST_EXPLICIT && ((Nodedev *)group->pdata[0])->kind == NODEDEV_USB) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--guest-address is a PCI address; USB devices take none");
            ok = FALSE;
            break;
        }
        for (guint i = 0; ok && i < group->len; i++) {
            const Nodedev *dev = group->pdata[i];
            PciAddr guest = group_member_address(&slot, group, dev);
            if (mode == GUEST_EXPLICIT && !(ok = check_collision(dd, &map, &guest, group->len > 1 && i > 0, error)))
                break;
            if (mode != GUEST_NONE)
                address_map_add(&map, &guest, NULL);
            g_autoptr(xmlDoc) block = NULL;
            g_autofree char *text = render_block(dev, opts, index++, devices->len, mode != GUEST_NONE, &guest,
                                                 group->len > 1 && guest.function == 0,
                                                 domdoc_step(dd), domdoc_newline(dd), &block, error);
            ok = text && domdoc_insert_device(dd, text, block, error);
            if (ok && added)
                g_ptr_array_add(added, g_strdup(text));
        }
    }
    address_map_clear(&map);
    g_ptr_array_unref(q35.ports);
    return ok && check_result_sane(dd, error);
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

/* Whether element D matches entry I of MATCH (entries numbered devices,
 * then guest addresses, then aliases). */
static gboolean entry_matches(const RemoveMatch *match, guint i, xmlNode *d, const Nodedev *src)
{
    guint ndev = match->devices ? match->devices->len : 0;
    guint naddr = match->guest_addrs ? match->guest_addrs->len : 0;
    if (i < ndev) {
        const Nodedev *dev = match->devices->pdata[i];
        return nodedev_same_source(src, dev) ||
               (match->all_functions && dev->kind == NODEDEV_PCI && src->kind == NODEDEV_PCI &&
                pci_addr_same_slot(&src->pci, &dev->pci));
    }
    if (i < ndev + naddr) {
        PciAddr guest;
        gboolean present = FALSE;
        return domdoc_guest_address(d, &guest, &present, NULL) && present &&
               pci_addr_equal(&guest, &g_array_index(match->guest_addrs, PciAddr, i - ndev));
    }
    return alias_matches(d, match->aliases[i - ndev - naddr]);
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

gboolean domedit_remove(DomDoc *dd, const RemoveMatch *match, GString *notes, GPtrArray *removed, GError **error)
{
    if (!check_input_sane(dd, error))
        return FALSE;
    guint entries = (match->devices ? match->devices->len : 0) +
                    (match->guest_addrs ? match->guest_addrs->len : 0) +
                    (match->aliases ? g_strv_length(match->aliases) : 0);
    /* the hostdev elements and their sources, read once for all entries */
    g_autoptr(GPtrArray) nodes = g_ptr_array_new();
    g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func((GDestroyNotify)nodedev_free);
    for (xmlNode *d = vh_xml_child(domdoc_devices(dd), NULL); d; d = vh_xml_next(d, NULL)) {
        /* a source we cannot read still matches by guest address or alias */
        Nodedev *src = domdoc_hostdev_source(d, NULL);
        gboolean hostdev = src || vh_xml_is(d, "hostdev") ||
                           (vh_xml_is(d, "interface") && vh_xml_prop_is(d, "type", "hostdev"));
        if (!hostdev)
            continue;
        g_ptr_array_add(nodes, d);
        g_ptr_array_add(sources, src ? src : nodedev_new(NODEDEV_OTHER));
    }
    g_autoptr(GPtrArray) victims = g_ptr_array_new();
    g_autoptr(GHashTable) chosen = g_hash_table_new(NULL, NULL);
    for (guint i = 0; i < entries; i++) {
        gboolean found = FALSE;
        for (guint k = 0; k < nodes->len; k++) {
            xmlNode *d = nodes->pdata[k];
            if (entry_matches(match, i, d, sources->pdata[k])) {
                found = TRUE;
                if (g_hash_table_add(chosen, d))
                    g_ptr_array_add(victims, d);
            }
        }
        if (!found) {
            g_autofree char *label = entry_label(match, i);
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s has no %s to remove", domdoc_what(dd), label);
            return FALSE;
        }
    }
    for (guint i = 0; i < victims->len; i++) {
        xmlNode *d = victims->pdata[i];
        g_autofree char *desc = domdoc_describe(d);
        g_string_append_printf(notes, "removed %s\n", desc);
        if (removed) {
            RemovedDevice *r = g_new0(RemovedDevice, 1);
            r->xml = domdoc_element_text(dd, d);
            r->source = domdoc_hostdev_source(d, NULL);
            r->managed = vh_xml_prop_is(d, "managed", "yes");
            g_ptr_array_add(removed, r);
        }
        if (!domdoc_remove_device(dd, d, error))
            return FALSE;
    }
    return check_result_sane(dd, error);
}
