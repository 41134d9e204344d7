#include "fleet.h"

#include <string.h>

#include "errors.h"

/* The functions of DEV's slot among DEVICES (DEV included), VFs left out. */
static GPtrArray *slot_mates(GPtrArray *devices, const Nodedev *dev)
{
    GPtrArray *mates = g_ptr_array_new();
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *o = devices->pdata[i];
        if (o->kind == NODEDEV_PCI && !o->is_vf && pci_addr_same_slot(&o->pci, &dev->pci))
            g_ptr_array_add(mates, (gpointer)o);
    }
    return mates;
}

/* The class word of DEV for a name, or NULL when it says nothing. */
static const char *class_word(const Nodedev *dev)
{
    const char *word = nodedev_class_name(dev);
    return strcmp(word, "other") == 0 || strcmp(word, "bridge") == 0 ? NULL : word;
}

static char *function_name(GPtrArray *mates, const Nodedev *dev, const char *base)
{
    const Nodedev *lowest = dev;
    for (guint i = 0; i < mates->len; i++) {
        const Nodedev *o = mates->pdata[i];
        if (o->pci.function < lowest->pci.function)
            lowest = o;
    }
    if (lowest == dev)
        return g_strdup(base);
    const char *word = class_word(dev);
    for (guint i = 0; word && i < mates->len; i++) {
        const Nodedev *o = mates->pdata[i];
        if (o != dev && g_strcmp0(class_word(o), word) == 0)
            word = NULL;
    }
    if (word)
        return g_strdup_printf("%s-%s", base, word);
    return g_strdup_printf("%s-%u", base, dev->pci.function);
}

GPtrArray *fleet_names(GPtrArray *devices, const char *base)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *dev = devices->pdata[i];
        if (dev->kind != NODEDEV_PCI || dev->is_vf) {
            g_ptr_array_add(names, g_strdup(base));
            continue;
        }
        g_autoptr(GPtrArray) mates = slot_mates(devices, dev);
        g_ptr_array_add(names, function_name(mates, dev, base));
    }
    return names;
}

gboolean fleet_slot_leader(GPtrArray *devices, const Nodedev *dev)
{
    if (dev->kind != NODEDEV_PCI || dev->is_vf)
        return TRUE;
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *o = devices->pdata[i];
        if (o->kind == NODEDEV_PCI && !o->is_vf && pci_addr_same_slot(&o->pci, &dev->pci) &&
            o->pci.function < dev->pci.function)
            return FALSE;
    }
    return TRUE;
}

GPtrArray *fleet_distinct(GPtrArray *names)
{
    GPtrArray *out = g_ptr_array_new();
    for (guint i = 0; i < names->len; i++) {
        gboolean seen = FALSE;
        for (guint j = 0; j < out->len && !seen; j++)
            seen = strcmp(out->pdata[j], names->pdata[i]) == 0;
        if (!seen)
            g_ptr_array_add(out, names->pdata[i]);
    }
    return out;
}

gboolean fleet_check_pci(GPtrArray *devices, char **specs, const char *engine, GError **error)
{
    guint nspecs = specs ? g_strv_length(specs) : 0;
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *dev = devices->pdata[i];
        g_autofree char *label = nodedev_label(dev);
        const char *spec = i < nspecs ? specs[i] : label;
        if (dev->kind != NODEDEV_PCI) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "%s: %s takes PCI devices, not %s", spec, engine, label);
            return FALSE;
        }
        if (dev->problem) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: %s", spec, dev->problem);
            return FALSE;
        }
        if (dev->vendor_id == 0) {
            g_autofree char *name = pci_addr_format(&dev->pci, PCI_FORMAT_NAME);
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                        "%s: %s needs the vendor and product ids of %s; give its node-device XML "
                        "(virsh nodedev-dumpxml %s > %s.xml) or -c URI instead of the address",
                        spec, engine, label, name, name);
            return FALSE;
        }
    }
    return TRUE;
}

char *fleet_ids(const Nodedev *dev, gboolean upper)
{
    return g_strdup_printf(upper ? "%04X:%04X" : "%04x:%04x", dev->vendor_id, dev->product_id);
}
