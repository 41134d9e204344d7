#include "resolve.h"

#include <string.h>

#include "cli.h"
#include "errors.h"
#include "fileio.h"

/* Hops from a net device up to the device it belongs to: net -> PCI
 * function directly, or net -> USB interface -> USB device. */
#define MAX_PARENT_HOPS 8

Nodedev *resolve_offline(const char *spec, gboolean *stdin_used, GError **error)
{
    if (devspec_classify(spec) != DEVSPEC_XML)
        return nodedev_from_spec(spec, error);
    g_autofree char *data = NULL;
    gsize len;
    gboolean is_stdin = g_strcmp0(spec, "-") == 0;
    if (is_stdin) {
        if (*stdin_used) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "standard input ('-') can only be read once");
            return NULL;
        }
        *stdin_used = TRUE;
    }
    if (!fileio_read(spec, &data, &len, error))
        return NULL;
    Nodedev *dev = nodedev_parse(data, len, is_stdin ? "standard input" : spec, error);
    if (dev && dev->warning)
        cli_warning("%s", dev->warning);
    return dev;
}

/* A node-device name (as libvirt lists them), as opposed to an address,
 * usb:…, a UUID or a file. */
static gboolean is_name(const char *spec)
{
    switch (devspec_classify(spec)) {
    case DEVSPEC_NODEDEV_NAME:
        return TRUE;
    case DEVSPEC_PCI_ADDRESS:
    case DEVSPEC_MDEV_UUID:
        return g_str_has_prefix(spec, "pci_") || g_str_has_prefix(spec, "mdev_");
    default:
        return FALSE;
    }
}

/* pci_DDDD_BB_SS_F and mdev_<uuid> spell out what they name; old-style
 * (pci_8086_10fb), libvirt 7 mdev (mdev_<uuid>_<parent>) and every other
 * name does not. */
static gboolean parses_offline(const char *spec)
{
    g_autoptr(Nodedev) dev = nodedev_from_spec(spec, NULL);
    return dev != NULL;
}

/* The first of SPECS that only libvirt can resolve, or NULL. */
static const char *needs_lookup(char **specs)
{
    for (char **s = specs; s && *s; s++)
        if (is_name(*s) && !parses_offline(*s))
            return *s;
    return NULL;
}

gboolean resolve_needs_host(char **specs)
{
    return global_opts.connect || needs_lookup(specs);
}

static void no_device(Host *host, const char *label, GError **error)
{
    g_autofree char *uri = host->virt->uri(host->conn);
    g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "no device %s on %s (see virt-hostdev list)", label, uri);
}

/* By name, as libvirt knows it: the bulk listing first, then libvirt's
 * own lookup (the listing may be filtered by capability). */
static Nodedev *lookup_name(Host *host, const char *name, GError **error)
{
    Nodedev *dev = inventory_find_name(host->inv, name);
    if (dev)
        return dev;
    gboolean not_found = FALSE;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = host->virt->nodedev_xml(host->conn, name, &not_found, &err);
    if (xml == NULL) {
        if (not_found) {
            g_autofree char *quoted = vh_error_quote(name);
            g_autofree char *label = g_strdup_printf("'%s'", quoted);
            no_device(host, label, error);
        } else {
            g_propagate_error(error, g_steal_pointer(&err));
        }
        return NULL;
    }
    dev = nodedev_parse(xml, strlen(xml), name, error);
    return dev ? host_keep(host, dev) : NULL;
}

/* usb:VVVV:PPPP on a host: one device, or a refusal naming every match
 * (libvirt itself refuses to start a guest whose ids match two). */
static gboolean find_usb_ids(Host *host, const char *spec, const Nodedev *model, Nodedev **out, GError **error)
{
    GPtrArray *all = inventory_devices(host->inv);
    g_autoptr(GPtrArray) hits = g_ptr_array_new();
    for (guint i = 0; i < all->len; i++) {
        Nodedev *dev = all->pdata[i];
        if (dev->kind == NODEDEV_USB && dev->usb_has_ids && dev->vendor_id == model->vendor_id &&
            dev->product_id == model->product_id)
            g_ptr_array_add(hits, dev);
    }
    if (hits->len > 1) {
        g_autoptr(GString) list = g_string_new(NULL);
        for (guint i = 0; i < hits->len; i++) {
            const Nodedev *dev = hits->pdata[i];
            g_string_append_printf(list, "%s", i ? ", " : "");
            if (dev->usb_has_busdev)
                g_string_append_printf(list, "usb:%03u.%03u ", dev->usb_bus, dev->usb_device);
            g_string_append_printf(list, "(%s)", dev->name ? dev->name : "?");
        }
        g_autofree char *uri = host->virt->uri(host->conn);
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s matches %u devices on %s: %s; name one as usb:BBB.DDD",
                    spec, hits->len, uri, list->str);
        return FALSE;
    }
    *out = hits->len ? hits->pdata[0] : NULL;
    return TRUE;
}

/* A network interface stands for the device it belongs to. */
static Nodedev *passthrough_device(Host *host, const char *spec, Nodedev *dev, GError **error)
{
    if (g_strcmp0(dev->capability, "net") != 0)
        return dev;
    Nodedev *cur = dev;
    for (guint hops = 0; cur->kind == NODEDEV_OTHER; hops++) {
        if (hops == MAX_PARENT_HOPS || cur->parent == NULL || g_strcmp0(cur->parent, "computer") == 0) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                        "%s is a network interface without a PCI or USB device above it", spec);
            return NULL;
        }
        if (!(cur = lookup_name(host, cur->parent, error))) {
            g_prefix_error(error, "%s: ", spec);
            return NULL;
        }
    }
    if (global_opts.verbose) {
        g_autofree char *label = nodedev_label(cur);
        cli_note("%s is an interface of %s", spec, label);
    }
    return cur;
}

static Nodedev *on_host(Host *host, const char *spec, gboolean *stdin_used, ResolveFlags flags, GError **error)
{
    Nodedev *dev = NULL;
    if (is_name(spec)) {
        dev = lookup_name(host, spec, error);
        return dev ? passthrough_device(host, spec, dev, error) : NULL;
    }
    g_autoptr(Nodedev) model = resolve_offline(spec, stdin_used, error);
    if (model == NULL)
        return NULL;
    if (flags & RESOLVE_AS_GIVEN)
        return host_keep(host, g_steal_pointer(&model));
    if (model->kind == NODEDEV_USB && model->usb_has_ids && !model->usb_has_busdev) {
        if (!find_usb_ids(host, spec, model, &dev, error))
            return NULL;
    } else {
        dev = inventory_find(host->inv, model);
    }
    if (dev == NULL) {
        g_autofree char *label = devspec_classify(spec) == DEVSPEC_XML && model->name ? vh_error_quote(model->name)
                                                                                      : nodedev_label(model);
        no_device(host, label, error);
        return NULL;
    }
    return passthrough_device(host, spec, dev, error);
}

/* --all-functions through libvirt: the other functions of the physical device
 * (never slot-mate VFs: a VF is a device of its own). */
static void add_host_functions(Host *host, GPtrArray *devices)
{
    guint given = devices->len;
    for (guint i = 0; i < given; i++) {
        g_autoptr(GPtrArray) fns = inventory_device_functions(host->inv, devices->pdata[i]);
        for (guint j = 0; j < fns->len; j++)
            if (!g_ptr_array_find(devices, fns->pdata[j], NULL))
                g_ptr_array_add(devices, fns->pdata[j]);
    }
}

/* --all-functions offline: the functions of the slot that a device's XML
 * lists in its IOMMU group (all there is to know without a host). */
static void add_group_functions(Host *host, GPtrArray *devices)
{
    guint given = devices->len;
    for (guint i = 0; i < given; i++) {
        const Nodedev *dev = devices->pdata[i];
        if (dev->kind != NODEDEV_PCI)
            continue;
        if (dev->iommu_members == NULL) {
            g_autofree char *label = nodedev_label(dev);
            cli_note("--all-functions: the other functions of %s are unknown without its node-device XML "
                     "or -c; only the functions named are used", label);
            continue;
        }
        for (guint m = 0; m < dev->iommu_members->len; m++) {
            const PciAddr *a = &g_array_index(dev->iommu_members, PciAddr, m);
            gboolean known = !pci_addr_same_slot(a, &dev->pci);
            for (guint j = 0; j < devices->len && !known; j++) {
                const Nodedev *o = devices->pdata[j];
                known = o->kind == NODEDEV_PCI && pci_addr_equal(&o->pci, a);
            }
            if (!known) {
                Nodedev *fn = host_keep(host, nodedev_new(NODEDEV_PCI));
                fn->pci = *a;
                g_ptr_array_add(devices, fn);
            }
        }
    }
}

GPtrArray *resolve_devices(Host *host, char **specs, ResolveFlags flags, GError **error)
{
    if (specs == NULL || specs[0] == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "no DEVICE given");
        return NULL;
    }
    g_autoptr(GPtrArray) devices = g_ptr_array_new();
    gboolean stdin_used = edit_cli.file && g_strcmp0(edit_cli.file, "-") == 0;
    for (char **s = specs; *s; s++) {
        Nodedev *dev;
        if (host->virt) {
            dev = on_host(host, *s, &stdin_used, flags, error);
        } else {
            dev = resolve_offline(*s, &stdin_used, error);
            if (dev)
                host_keep(host, dev);
        }
        if (dev == NULL)
            return NULL;
        /* two names of one device, e.g. an interface and its PCI function */
        if (!(flags & RESOLVE_REPEATS) && g_ptr_array_find(devices, dev, NULL)) {
            g_autofree char *label = nodedev_label(dev);
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "device %s is named twice", label);
            return NULL;
        }
        g_ptr_array_add(devices, dev);
    }
    if (flags & RESOLVE_ALL_FUNCTIONS) {
        if (host->virt)
            add_host_functions(host, devices);
        else
            add_group_functions(host, devices);
    }
    return g_steal_pointer(&devices);
}

GPtrArray *resolve_devices_open(Host *host, char **specs, ResolveFlags flags, GError **error)
{
    /* a word that names no device ("3", "03.00.0", an address out of
     * range) is a usage error before any connection */
    for (char **s = specs; s && *s; s++) {
        if (devspec_classify(*s) == DEVSPEC_XML || is_name(*s))
            continue;
        g_autoptr(Nodedev) model = nodedev_from_spec(*s, error);
        if (model == NULL)
            return NULL;
    }
    if (specs && specs[0] && resolve_needs_host(specs)) {
        if (!host_open(host, NULL, FALSE, error)) {
            if (global_opts.connect == NULL) {
                g_autofree char *name = vh_error_quote(needs_lookup(specs));
                g_prefix_error(error, "looking up '%s' needs libvirt: ", name);
            }
            return NULL;
        }
    }
    return resolve_devices(host, specs, flags, error);
}
