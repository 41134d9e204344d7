#include "inventory.h"

#include "domindex.h"

#include <string.h>

#include "domxml.h"
#include "errors.h"
#include "xmlutil.h"

struct Inventory {
    GPtrArray *devices;   /* Nodedev* */
    GHashTable *by_pci;   /* PCI_ADDR_HASH_KEY -> Nodedev* */
    GHashTable *by_name;  /* name -> Nodedev* */
    GHashTable *users;    /* source key -> GPtrArray of DeviceUser* */
    GHashTable *groups;   /* IOMMU group number -> GPtrArray of Nodedev* */
    GPtrArray *no_users;  /* returned when nobody holds a device */
    GHashTable *merged;   /* joined source keys -> GPtrArray of DeviceUser*: the users of a
                             device recorded under several keys, built on first query */
    HostCrit *crit;       /* NULL: not checked */
};

static void device_user_free(gpointer p)
{
    DeviceUser *u = p;
    g_free(u->domain);
    g_free(u->uuid);
    g_free(u);
}

Inventory *inventory_new(void)
{
    Inventory *inv = g_new0(Inventory, 1);
    inv->devices = g_ptr_array_new_with_free_func((GDestroyNotify)nodedev_free);
    inv->by_pci = g_hash_table_new(g_direct_hash, g_direct_equal);
    inv->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    inv->users = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    inv->groups = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
    inv->no_users = g_ptr_array_new();
    inv->merged = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    return inv;
}

void inventory_free(Inventory *inv)
{
    if (inv == NULL)
        return;
    g_hash_table_unref(inv->by_pci);
    g_hash_table_unref(inv->by_name);
    g_hash_table_unref(inv->users);
    g_hash_table_unref(inv->groups);
    g_ptr_array_unref(inv->no_users);
    g_hash_table_unref(inv->merged);
    hostcrit_free(inv->crit);
    g_ptr_array_unref(inv->devices);
    g_free(inv);
}

gboolean inventory_add_nodedev(Inventory *inv, const char *xml, const char *what, GError **error)
{
    Nodedev *dev = nodedev_parse(xml, strlen(xml), what, error);
    if (dev == NULL)
        return FALSE;
    inventory_take_device(inv, dev);
    return TRUE;
}

void inventory_take_device(Inventory *inv, Nodedev *dev)
{
    g_ptr_array_add(inv->devices, dev);
    if (dev->name)
        g_hash_table_insert(inv->by_name, dev->name, dev);
    if (dev->kind == NODEDEV_PCI && dev->problem == NULL) {
        g_hash_table_insert(inv->by_pci, PCI_ADDR_HASH_KEY(&dev->pci), dev);
        if (dev->iommu_group >= 0) {
            gpointer k = GINT_TO_POINTER(dev->iommu_group);
            GPtrArray *members = g_hash_table_lookup(inv->groups, k);
            if (members == NULL)
                g_hash_table_insert(inv->groups, k, members = g_ptr_array_new());
            g_ptr_array_add(members, dev);
        }
    }
}

/* Keys under which a source is recorded; a USB device is found by its ids
 * and by its bus.device, whichever the domain used. */
static GPtrArray *source_keys(const Nodedev *src)
{
    GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
    switch (src->kind) {
    case NODEDEV_PCI:
        g_ptr_array_add(keys, g_strdup_printf("pci:%" G_GUINT32_FORMAT, pci_addr_key(&src->pci)));
        break;
    case NODEDEV_USB:
        if (src->usb_has_ids)
            g_ptr_array_add(keys, g_strdup_printf("usbid:%04x:%04x", src->vendor_id, src->product_id));
        if (src->usb_has_busdev)
            g_ptr_array_add(keys, g_strdup_printf("usbbus:%u.%u", src->usb_bus, src->usb_device));
        break;
    case NODEDEV_MDEV:
        if (src->uuid)
            g_ptr_array_add(keys, g_ascii_strdown(src->uuid, -1));
        break;
    case NODEDEV_OTHER:
        break;
    }
    return keys;
}

static DeviceUser *find_user(GPtrArray *users, const char *uuid)
{
    for (guint i = 0; i < users->len; i++) {
        DeviceUser *u = users->pdata[i];
        if (g_strcmp0(u->uuid, uuid) == 0)
            return u;
    }
    return NULL;
}

/* The element starting at P (its start tag named NAME) up to its end tag,
 * appended to OUT; the end of the element, or NULL when it does not end. */
static const char *copy_element(const char *p, const char *limit, const char *name, GString *out)
{
    const char *tag_end = memchr(p, '>', (gsize)(limit - p));
    if (tag_end == NULL)
        return NULL;
    const char *end = tag_end + 1;
    if (tag_end[-1] != '/') {
        g_autofree char *close = g_strdup_printf("</%s>", name);
        const char *c = g_strstr_len(tag_end, limit - tag_end, close);
        if (c == NULL)
            return NULL;
        end = c + strlen(close);
    }
    g_string_append_len(out, p, end - p);
    return end;
}

/* A domain's <hostdev> and <interface type='hostdev'> elements as children
 * of one <domain><devices>, cut out of the text libvirt formatted, or NULL when the
 * text is not plain enough to cut safely (then the whole document is
 * parsed). A definition with hundreds of other devices costs a parse of a
 * few elements instead of the whole document: most of list's own time on a
 * host with a thousand domains. Elements cannot nest in these, and libvirt
 * escapes '<' and '>' in attribute values; comments and CDATA could hide
 * tags, so a <devices> holding either is parsed whole. */
static xmlDoc *hostdev_fragments_parse(const char *xml, const char *what)
{
    const char *start = strstr(xml, "<devices>");
    const char *limit = start ? strstr(start, "</devices>") : NULL;
    if (limit == NULL || g_strstr_len(start, limit - start, "<!") || strstr(limit + 1, "<devices>"))
        return NULL;
    g_autoptr(GString) out = g_string_new("<domain><devices>");
    for (const char *p = start + 9; p && (p = memchr(p, '<', (gsize)(limit - p)));) {
        gboolean hostdev = strncmp(p, "<hostdev", 8) == 0 && (p[8] == ' ' || p[8] == '>');
        gboolean iface = !hostdev && strncmp(p, "<interface ", 11) == 0;
        if (iface) {
            const char *tag_end = memchr(p, '>', (gsize)(limit - p));
            iface = tag_end && (g_strstr_len(p, tag_end - p, "type='hostdev'") ||
                                g_strstr_len(p, tag_end - p, "type=\"hostdev\""));
        }
        if (hostdev || iface) {
            if (!(p = copy_element(p, limit, hostdev ? "hostdev" : "interface", out)))
                return NULL;
        } else {
            p++;
        }
    }
    g_string_append(out, "</devices></domain>");
    return vh_xml_parse(out->str, out->len, what, NULL);
}

static gboolean record_sources(Inventory *inv, const char *name, const char *uuid, gboolean active,
                               const char *xml, gboolean live, GError **error)
{
    /* most domains hold no host device, and a <hostdev> or <interface
     * type='hostdev'> cannot be written without the word: those domains
     * need no parse (on a host with 1000 domains, most of list's own time) */
    if (strstr(xml, "hostdev") == NULL)
        return TRUE;
    g_autofree char *what = g_strdup_printf("domain '%s'", name);
    g_autoptr(xmlDoc) doc = hostdev_fragments_parse(xml, what);
    if (doc == NULL && !(doc = vh_xml_parse(xml, strlen(xml), what, error)))
        return FALSE;
    /* the domain index reads the sources, as for every other reader */
    g_autoptr(DomIndex) index = domindex_build(doc);
    for (guint i = 0; i < domindex_count(index); i++) {
        const DomEntry *e = domindex_entry(index, i);
        const Nodedev *src = domentry_source(e);
        xmlNode *d = e->node;
        if (src == NULL)
            continue;
        g_autoptr(GPtrArray) keys = source_keys(src);
        for (guint k = 0; k < keys->len; k++) {
            GPtrArray *users = g_hash_table_lookup(inv->users, keys->pdata[k]);
            if (users == NULL)
                g_hash_table_insert(inv->users, g_strdup(keys->pdata[k]),
                                    users = g_ptr_array_new_with_free_func(device_user_free));
            DeviceUser *u = find_user(users, uuid);
            if (u) {
                if (!live)
                    u->live_only = FALSE;
                continue;
            }
            u = g_new0(DeviceUser, 1);
            u->domain = g_strdup(name);
            u->uuid = g_strdup(uuid);
            u->active = active;
            u->managed = vh_xml_prop_is(d, "managed", "yes");
            u->live_only = live;
            g_ptr_array_add(users, u);
        }
    }
    return TRUE;
}

gboolean inventory_add_domain(Inventory *inv, const char *name, const char *uuid, gboolean active,
                              const char *xml, const char *live_xml, GError **error)
{
    /* merged answers are recomputed from the new records */
    g_hash_table_remove_all(inv->merged);
    /* the definition first, so that live_only marks only hot-plugged devices */
    if (!record_sources(inv, name, uuid, active, xml, FALSE, error))
        return FALSE;
    return live_xml == NULL || record_sources(inv, name, uuid, active, live_xml, TRUE, error);
}

static int kind_rank(NodedevKind kind)
{
    switch (kind) {
    case NODEDEV_PCI: return 0;
    case NODEDEV_USB: return 1;
    case NODEDEV_MDEV: return 2;
    case NODEDEV_OTHER: break;
    }
    return 3;
}

static gint compare_devices(gconstpointer pa, gconstpointer pb)
{
    const Nodedev *a = *(Nodedev *const *)pa, *b = *(Nodedev *const *)pb;
    int ra = kind_rank(a->kind), rb = kind_rank(b->kind);
    if (ra != rb)
        return ra - rb;
    if (a->kind == NODEDEV_PCI) {
        int c = pci_addr_compare(&a->pci, &b->pci);
        if (c)
            return c;
    }
    return g_strcmp0(a->name, b->name);
}

/* An mdev's device API, where its own XML did not say: its parent's
 * description of the type (<capability type='mdev_types'>). */
static void fill_mdev_device_apis(Inventory *inv)
{
    for (guint i = 0; i < inv->devices->len; i++) {
        Nodedev *dev = inv->devices->pdata[i];
        if (dev->kind != NODEDEV_MDEV || dev->mdev_device_api || dev->parent == NULL || dev->mdev_type == NULL)
            continue;
        const Nodedev *parent = g_hash_table_lookup(inv->by_name, dev->parent);
        for (guint t = 0; parent && parent->mdev_types && t < parent->mdev_types->len; t++) {
            const MdevType *type = parent->mdev_types->pdata[t];
            if (g_strcmp0(type->id, dev->mdev_type) == 0 && type->device_api) {
                dev->mdev_device_api = g_strdup(type->device_api);
                break;
            }
        }
    }
}

void inventory_sort(Inventory *inv)
{
    g_ptr_array_sort(inv->devices, compare_devices);
    GHashTableIter it;
    gpointer members;
    g_hash_table_iter_init(&it, inv->groups);
    while (g_hash_table_iter_next(&it, NULL, &members))
        g_ptr_array_sort(members, compare_devices);
    fill_mdev_device_apis(inv);
}

void inventory_set_host_critical(Inventory *inv, HostCrit *crit)
{
    hostcrit_free(inv->crit);
    inv->crit = crit;
}

gboolean inventory_host_critical_checked(Inventory *inv)
{
    return inv->crit != NULL;
}

const HostCrit *inventory_host_critical_facts(Inventory *inv)
{
    return inv->crit;
}

GPtrArray *inventory_devices(Inventory *inv)
{
    return inv->devices;
}

Nodedev *inventory_find_pci(Inventory *inv, const PciAddr *addr)
{
    return g_hash_table_lookup(inv->by_pci, PCI_ADDR_HASH_KEY(addr));
}

GPtrArray *inventory_slot_functions(Inventory *inv, const Nodedev *dev)
{
    GPtrArray *fns = g_ptr_array_new();
    for (guint f = 0; dev->kind == NODEDEV_PCI && f <= PCI_FUNCTION_MAX; f++) {
        PciAddr a = dev->pci;
        a.function = f;
        Nodedev *fn = inventory_find_pci(inv, &a);
        if (fn)
            g_ptr_array_add(fns, fn);
    }
    return fns;
}

GPtrArray *inventory_device_functions(Inventory *inv, const Nodedev *dev)
{
    GPtrArray *fns = inventory_slot_functions(inv, dev);
    for (guint i = fns->len; i-- > 0;) {
        const Nodedev *fn = fns->pdata[i];
        if (fn != dev && (dev->is_vf || fn->is_vf))
            g_ptr_array_remove_index(fns, i);
    }
    return fns;
}

Nodedev *inventory_find_name(Inventory *inv, const char *name)
{
    return g_hash_table_lookup(inv->by_name, name);
}

Nodedev *inventory_find(Inventory *inv, const Nodedev *model)
{
    if (model->name) {
        Nodedev *dev = inventory_find_name(inv, model->name);
        if (dev)
            return dev;
    }
    if (model->kind == NODEDEV_PCI)
        return inventory_find_pci(inv, &model->pci);
    for (guint i = 0; i < inv->devices->len; i++) {
        Nodedev *dev = inv->devices->pdata[i];
        if (dev->kind != model->kind)
            continue;
        if (model->kind == NODEDEV_USB && model->usb_has_busdev && model->usb_has_ids) {
            if (dev->usb_has_busdev && dev->usb_bus == model->usb_bus && dev->usb_device == model->usb_device)
                return dev;
        } else if (nodedev_same_source(dev, model)) {
            return dev;
        }
    }
    return NULL;
}

GPtrArray *inventory_users(Inventory *inv, const Nodedev *dev)
{
    g_autoptr(GPtrArray) keys = source_keys(dev);
    if (keys->len <= 1) {
        GPtrArray *users = keys->len ? g_hash_table_lookup(inv->users, keys->pdata[0]) : NULL;
        return users ? users : inv->no_users;
    }
    /* a USB device held by ids in one domain and by bus.device in another:
     * a list of its own, the recorded ones stay as they are */
    g_ptr_array_add(keys, NULL);
    g_autofree char *joined = g_strjoinv("\n", (char **)keys->pdata);
    GPtrArray *found = g_hash_table_lookup(inv->merged, joined);
    if (found)
        return found;
    found = g_ptr_array_new_with_free_func(device_user_free);
    for (guint k = 0; keys->pdata[k]; k++) {
        GPtrArray *users = g_hash_table_lookup(inv->users, keys->pdata[k]);
        for (guint i = 0; users && i < users->len; i++) {
            const DeviceUser *u = users->pdata[i];
            if (find_user(found, u->uuid))
                continue;
            DeviceUser *copy = g_new0(DeviceUser, 1);
            *copy = *u;
            copy->domain = g_strdup(u->domain);
            copy->uuid = g_strdup(u->uuid);
            g_ptr_array_add(found, copy);
        }
    }
    g_hash_table_insert(inv->merged, g_steal_pointer(&joined), found);
    return found;
}

GPtrArray *inventory_group(Inventory *inv, const Nodedev *dev)
{
    if (dev->kind != NODEDEV_PCI || dev->iommu_group < 0)
        return NULL;
    return g_hash_table_lookup(inv->groups, GINT_TO_POINTER(dev->iommu_group));
}
