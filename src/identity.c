#include "identity.h"

#include <string.h>

#include "errors.h"
#include "xmlutil.h"

void identity_free(Identity *id)
{
    if (id == NULL)
        return;
    g_free(id->alias);
    g_free(id->serial);
    g_free(id->sysfs);
    g_free(id);
}

static Identity *identity_new(void)
{
    Identity *id = g_new0(Identity, 1);
    id->subsys_vendor = id->subsys_product = -1;
    id->pci_class = -1;
    id->iommu_group = id->group_size = id->slot_functions = -1;
    return id;
}

/* Functions of DEV's slot among its IOMMU group's members (the node
 * device lists them, offline and through libvirt alike), or -1. */
static gint slot_functions(const Nodedev *dev)
{
    if (dev->iommu_members == NULL)
        return -1;
    gint n = 0;
    for (guint i = 0; i < dev->iommu_members->len; i++)
        n += pci_addr_same_slot(&g_array_index(dev->iommu_members, PciAddr, i), &dev->pci);
    return n;
}

Identity *identity_from_device(const Nodedev *dev, const char *alias)
{
    /* an address typed on the command line says nothing about the device */
    if (dev->kind != NODEDEV_PCI || g_strcmp0(dev->capability, "pci") != 0 || (dev->vendor_id == 0 && dev->product_id == 0))
        return NULL;
    Identity *id = identity_new();
    id->source = dev->pci;
    id->alias = g_strdup(alias);
    id->vendor = dev->vendor_id;
    id->product = dev->product_id;
    id->pci_class = dev->pci_class;
    id->subsys_vendor = dev->subsys_vendor;
    id->subsys_product = dev->subsys_product;
    id->serial = g_strdup(dev->vpd_serial);
    id->iommu_group = dev->iommu_group;
    if (dev->iommu_members)
        id->group_size = (gint)dev->iommu_members->len;
    id->slot_functions = slot_functions(dev);
    id->sysfs = g_strdup(dev->sysfs_path);
    return id;
}

static void attr(GString *out, const char *name, const char *value)
{
    g_autofree char *escaped = g_markup_escape_text(value, -1);
    g_string_append_printf(out, " %s='%s'", name, escaped);
}

static void attr_hex(GString *out, const char *name, gint64 value, int width)
{
    if (value < 0)
        return;
    g_autofree char *text = g_strdup_printf("0x%0*" G_GINT64_MODIFIER "x", width, value);
    attr(out, name, text);
}

static void attr_int(GString *out, const char *name, gint value)
{
    if (value < 0)
        return;
    g_autofree char *text = g_strdup_printf("%d", value);
    attr(out, name, text);
}

char *identity_format(const Identity *id)
{
    GString *out = g_string_new("<" IDENTITY_PREFIX ":hostdev");
    g_autofree char *source = pci_addr_format(&id->source, PCI_FORMAT_PCI);
    attr(out, "source", source);
    if (id->alias)
        attr(out, "alias", id->alias);
    attr_hex(out, "vendor", id->vendor, 4);
    attr_hex(out, "product", id->product, 4);
    attr_hex(out, "subsystem_vendor", id->subsys_vendor, 4);
    attr_hex(out, "subsystem_product", id->subsys_product, 4);
    attr_hex(out, "class", id->pci_class, 6);
    if (id->serial)
        attr(out, "serial", id->serial);
    attr_int(out, "iommu_group", id->iommu_group);
    attr_int(out, "group_size", id->group_size);
    attr_int(out, "slot_functions", id->slot_functions);
    if (id->sysfs)
        attr(out, "sysfs", id->sysfs);
    g_string_append(out, "/>");
    return g_string_free(out, FALSE);
}

/* An optional number attribute (hex with 0x, else decimal) into *VALUE. */
static gboolean read_number(xmlNode *el, const char *name, guint max, gint64 *value, const char *what, GError **error)
{
    g_autofree char *text = vh_xml_prop(el, name);
    if (text == NULL)
        return TRUE;
    g_autofree char *label = g_strdup_printf("%s: %s", what, name);
    guint v;
    if (!pci_attr_parse(text, label, max, &v, error))
        return FALSE;
    *value = v;
    return TRUE;
}

Identity *identity_parse(xmlNode *el, const char *what, GError **error)
{
    g_autoptr(Identity) id = identity_new();
    g_autofree char *source = vh_xml_prop(el, "source");
    if (source == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: <hostdev> at line %u without source", what, vh_xml_line(el));
        return NULL;
    }
    if (!pci_addr_parse(source, &id->source, error)) {
        g_prefix_error(error, "%s: source: ", what);
        return NULL;
    }
    gint64 vendor = 0, product = 0, sv = -1, sp = -1, group = -1, size = -1, fns = -1;
    if (!read_number(el, "vendor", 0xffff, &vendor, what, error) ||
        !read_number(el, "product", 0xffff, &product, what, error) ||
        !read_number(el, "subsystem_vendor", 0xffff, &sv, what, error) ||
        !read_number(el, "subsystem_product", 0xffff, &sp, what, error) ||
        !read_number(el, "class", 0xffffff, &id->pci_class, what, error) ||
        !read_number(el, "iommu_group", G_MAXINT, &group, what, error) ||
        !read_number(el, "group_size", 256 * 32 * 8, &size, what, error) ||
        !read_number(el, "slot_functions", 8, &fns, what, error))
        return NULL;
    id->vendor = (guint)vendor, id->product = (guint)product;
    id->subsys_vendor = (gint)sv, id->subsys_product = (gint)sp;
    id->iommu_group = (gint)group, id->group_size = (gint)size, id->slot_functions = (gint)fns;
    id->alias = vh_xml_prop(el, "alias");
    id->serial = vh_xml_prop(el, "serial");
    id->sysfs = vh_xml_prop(el, "sysfs");
    return g_steal_pointer(&id);
}

gboolean identity_matches(const Identity *id, const Nodedev *dev)
{
    if (dev->kind != NODEDEV_PCI)
        return FALSE;
    if (id->serial && dev->vpd_serial)
        return g_strcmp0(id->serial, dev->vpd_serial) == 0 && id->vendor == dev->vendor_id &&
               id->product == dev->product_id;
    if (id->vendor != dev->vendor_id || id->product != dev->product_id)
        return FALSE;
    /* a card with a serial recorded is not one that reads none now, or
     * reads another */
    if (id->serial && !dev->vpd_serial)
        return FALSE;
    if (id->pci_class >= 0 && dev->pci_class >= 0 && id->pci_class != dev->pci_class)
        return FALSE;
    if (id->subsys_vendor >= 0 && dev->subsys_vendor >= 0 &&
        (id->subsys_vendor != dev->subsys_vendor || id->subsys_product != dev->subsys_product))
        return FALSE;
    /* the same function of a slot shaped the same, in a group as large */
    if (id->source.function != dev->pci.function)
        return FALSE;
    if (id->group_size >= 0 && dev->iommu_members && (guint)id->group_size != dev->iommu_members->len)
        return FALSE;
    gint fns = slot_functions(dev);
    return id->slot_functions < 0 || fns < 0 || id->slot_functions == fns;
}

const char *identity_status_name(IdentityStatus status)
{
    static const char *const names[] = { "ok", "moved", "missing", "replaced", "ambiguous", "unknown" };
    return names[status];
}

void identity_verdict_clear(IdentityVerdict *v)
{
    g_clear_pointer(&v->candidates, g_ptr_array_unref);
    v->now = NULL;
}

void identity_judge(const Identity *id, Inventory *inv, GHashTable *taken, IdentityVerdict *out)
{
    *out = (IdentityVerdict){ IDENTITY_MISSING, NULL, g_ptr_array_new() };
    Nodedev *there = inventory_find_pci(inv, &id->source);
    if (there && identity_matches(id, there)) {
        out->status = IDENTITY_OK;
        out->now = there;
        return;
    }
    GPtrArray *devices = inventory_devices(inv);
    for (guint i = 0; i < devices->len; i++) {
        Nodedev *dev = devices->pdata[i];
        if (dev != there && !(taken && g_hash_table_contains(taken, dev)) && identity_matches(id, dev))
            g_ptr_array_add(out->candidates, dev);
    }
    if (out->candidates->len == 1) {
        out->status = IDENTITY_MOVED;
        out->now = out->candidates->pdata[0];
    } else if (out->candidates->len > 1) {
        out->status = IDENTITY_AMBIGUOUS;
    } else if (there) {
        out->status = IDENTITY_REPLACED;
    }
}
