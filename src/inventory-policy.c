/* THE assignability verdict (see inventory.h): what a guest may be given
 * of the host's devices, asked by show, list, add, detach, completion and
 * the alias pools alike, and the host-side sets detach works on. */
#include "inventory.h"

#include <string.h>

#include "errors.h"

gboolean nodedev_driver_is_vfio(const char *driver)
{
    return g_strcmp0(driver, "vfio-pci") == 0 || g_strcmp0(driver, "vfio_pci") == 0 ||
           (driver && g_str_has_suffix(driver, "-vfio-pci"));
}

gboolean nodedev_is_bridge(const Nodedev *dev)
{
    if (dev->kind != NODEDEV_PCI)
        return FALSE;
    /* the header type decides where libvirt reports it: a class of 0xffffff
     * (unknown) or a vendor's odd one does not make a bridge an endpoint */
    if (dev->header != PCI_HEADER_ENDPOINT)
        return TRUE;
    guint cls = dev->pci_class >= 0 ? (guint)(dev->pci_class >> 8) & 0xffff : 0;
    return cls == 0x0604 || cls == 0x0607 || cls == 0x0609;
}

gboolean nodedev_on_host_driver(const Nodedev *dev)
{
    /* pci-stub holds a device for VFIO without using it, as no driver does */
    return dev->driver != NULL && !nodedev_driver_is_vfio(dev->driver) && g_strcmp0(dev->driver, "pci-stub") != 0;
}

static void reason(GPtrArray *reasons, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void reason(GPtrArray *reasons, const char *fmt, ...)
{
    if (reasons == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(reasons, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static const DeviceUser *other_user(Inventory *inv, const Nodedev *dev, const AssignContext *ctx)
{
    GPtrArray *users = inventory_users(inv, dev);
    for (guint u = 0; u < users->len; u++) {
        const DeviceUser *user = users->pdata[u];
        if (!ctx->domain_uuid || g_strcmp0(user->uuid, ctx->domain_uuid) != 0)
            return user;
    }
    return NULL;
}

static gboolean check_group(Inventory *inv, const Nodedev *dev, const AssignContext *ctx, GPtrArray *reasons)
{
    if (dev->iommu_group < 0) {
        reason(reasons, "no IOMMU group: enable the IOMMU (intel_iommu=on or amd_iommu=on on the kernel "
                        "command line) and check with 'virt-hostdev check'");
        return FALSE;
    }
    GPtrArray *members = inventory_group(inv, dev);
    gboolean ok = TRUE;
    for (guint i = 0; members && i < members->len; i++) {
        const Nodedev *m = members->pdata[i];
        if (m == dev || pci_addr_equal(&m->pci, &dev->pci) || nodedev_is_bridge(m))
            continue;
        /* a VFIO group is opened by one guest at a time */
        const DeviceUser *other = other_user(inv, m, ctx);
        g_autofree char *label = nodedev_label(m);
        if (other) {
            reason(reasons, "group %d also holds %s, which %s domain '%s' has: a group goes to one guest whole",
                   dev->iommu_group, label, other->active ? "running" : "shut-off", other->domain);
            ok = FALSE;
            continue;
        }
        if (!nodedev_on_host_driver(m) || (ctx->together && g_ptr_array_find(ctx->together, m, NULL)))
            continue;
        gboolean sibling = pci_addr_same_slot(&m->pci, &dev->pci);
        reason(reasons, "group %d also holds %s bound to %s: %s", dev->iommu_group, label, m->driver,
               sibling ? "detach it too or use --all-functions" : "detach it too (virt-hostdev detach --group)");
        ok = FALSE;
    }
    return ok;
}

gboolean inventory_device_passable(const Nodedev *dev, GPtrArray *reasons)
{
    if (dev->problem) {
        reason(reasons, "%s", dev->problem);
        return FALSE;
    }
    /* a SCSI device goes to a guest as <hostdev type='scsi'> */
    if (dev->kind == NODEDEV_OTHER && !dev->is_scsi) {
        reason(reasons, "a %s device is not passed through itself: pass its parent %s",
               dev->capability ? dev->capability : "non-PCI", dev->parent ? dev->parent : "device");
        return FALSE;
    }
    if (nodedev_is_bridge(dev)) {
        reason(reasons, "a PCI bridge: pass the devices behind it instead");
        return FALSE;
    }
    if (dev->kind == NODEDEV_PCI && dev->pci_class >= 0 && ((dev->pci_class >> 16) & 0xff) == 0x06) {
        reason(reasons, "a chipset bridge: the host needs it");
        return FALSE;
    }
    /* Linux Foundation ids: the kernel's virtual root hubs */
    if (dev->kind == NODEDEV_USB && dev->usb_has_ids && dev->vendor_id == 0x1d6b) {
        reason(reasons, "a USB root hub of the host: pass its USB controller (a PCI device) instead");
        return FALSE;
    }
    return TRUE;
}

static gboolean check_interface(const Nodedev *dev, GPtrArray *reasons)
{
    if (dev->kind != NODEDEV_PCI || dev->is_vf)
        return TRUE;
    /* libvirt sets the MAC (and VLAN) of an <interface type='hostdev'>
     * through its PF, and refuses to start one on anything but a VF */
    if (dev->vf_max >= 0 || (dev->vfs && dev->vfs->len))
        reason(reasons, "an SR-IOV PF, not a VF: --interface takes one of its VFs (see virt-hostdev show)");
    else
        reason(reasons, "not an SR-IOV VF: --interface needs a VF; pass this device as a plain <hostdev>");
    return FALSE;
}

gboolean inventory_assignable(Inventory *inv, const Nodedev *dev, const AssignContext *ctx, GPtrArray *reasons)
{
    static const AssignContext alone = { 0 };
    if (ctx == NULL)
        ctx = &alone;
    gboolean ok = TRUE;
    /* first: what the host itself needs, with the reason it does */
    g_autoptr(GPtrArray) critical = reasons ? g_ptr_array_new_with_free_func(g_free) : NULL;
    if (!ctx->allow_host_critical && inventory_host_critical(inv, dev, critical)) {
        for (guint i = 0; critical && i < critical->len; i++)
            reason(reasons, "host-critical: %s (--force does not override this; --allow-host-critical does)",
                   (const char *)critical->pdata[i]);
        ok = FALSE;
    }
    if (!inventory_device_passable(dev, reasons))
        return FALSE;
    if (ctx->interface && !check_interface(dev, reasons))
        ok = FALSE;
    if (dev->kind == NODEDEV_PCI && !check_group(inv, dev, ctx, reasons))
        ok = FALSE;
    GPtrArray *users = inventory_users(inv, dev);
    for (guint i = 0; i < users->len; i++) {
        const DeviceUser *u = users->pdata[i];
        if (ctx->domain_uuid && g_strcmp0(u->uuid, ctx->domain_uuid) == 0)
            continue;
        /* host side: a shut-off definition holding the device is why it is
         * detached; a running guest has it already (libvirt refuses too) */
        if (ctx->host_side && !u->active)
            continue;
        if (u->active)
            reason(reasons, "in use by running domain '%s'", u->domain);
        else
            reason(reasons, "held by the definition of domain '%s' (shut off): only one of them can start",
                   u->domain);
        ok = FALSE;
    }
    if (dev->kind == NODEDEV_PCI && !ctx->interface && dev->vfs && dev->vfs->len > 0)
        reason(reasons, "an SR-IOV PF with %u VFs enabled: assign a VF (--interface), or disable the VFs first",
               dev->vfs->len);
    if (dev->kind == NODEDEV_PCI && dev->mdev_types && dev->mdev_types->len > 0)
        reason(reasons, "supports mediated devices (%u types): an mdev shares it instead of taking it whole",
               dev->mdev_types->len);
    return ok;
}

static char *join_reasons(GPtrArray *reasons)
{
    g_ptr_array_add(reasons, NULL);
    char *text = g_strjoinv("; ", (char **)reasons->pdata);
    g_ptr_array_remove_index(reasons, reasons->len - 1);
    return text;
}

gboolean inventory_check_assignable(Inventory *inv, GPtrArray *devices, const AssignContext *ctx, gboolean force,
                                    GPtrArray *notes, GPtrArray *warnings, GError **error)
{
    AssignContext c = ctx ? *ctx : (AssignContext){ 0 };
    if (c.together == NULL)
        c.together = devices;
    for (guint i = 0; i < devices->len; i++)
        if (((const Nodedev *)devices->pdata[i])->problem == NULL &&
            !inventory_check_host_critical(inv, devices->pdata[i], c.allow_host_critical, warnings, error))
            return FALSE;
    /* judged above: the rest of the verdict is what --force may override */
    c.allow_host_critical = TRUE;
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *dev = devices->pdata[i];
        g_autofree char *label = nodedev_label(dev);
        if (dev->problem) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s", dev->problem);
            return FALSE;
        }
        g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func(g_free);
        gboolean ok = inventory_assignable(inv, dev, &c, reasons);
        if (reasons->len == 0)
            continue;
        g_autofree char *why = join_reasons(reasons);
        if (ok) {
            g_ptr_array_add(notes, g_strdup_printf("%s: %s", label, why));
        } else if (force) {
            g_ptr_array_add(notes, g_strdup_printf("%s is not assignable (--force): %s", label, why));
        } else {
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s is not assignable: %s (--force overrides)", label, why);
            return FALSE;
        }
    }
    return TRUE;
}

GPtrArray *inventory_detach_set(Inventory *inv, GPtrArray *devices, gboolean group, gboolean force, GError **error)
{
    g_autoptr(GPtrArray) set = g_ptr_array_new();
    for (guint i = 0; i < devices->len; i++) {
        Nodedev *dev = devices->pdata[i];
        if (dev->kind != NODEDEV_PCI) {
            g_autofree char *label = nodedev_label(dev);
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                        "%s: only PCI devices are detached from the host (USB and mdev devices need no detach)",
                        label);
            return NULL;
        }
        if (!g_ptr_array_find(set, dev, NULL))
            g_ptr_array_add(set, dev);
    }
    guint named = set->len;
    for (guint i = 0; i < named; i++) {
        const Nodedev *dev = set->pdata[i];
        GPtrArray *members = inventory_group(inv, dev);
        for (guint m = 0; members && m < members->len; m++) {
            Nodedev *member = members->pdata[m];
            if (g_ptr_array_find(set, member, NULL) || nodedev_is_bridge(member))
                continue;
            if (group) {
                g_ptr_array_add(set, member);
            } else if (nodedev_on_host_driver(member) && !force) {
                g_autofree char *label = nodedev_label(dev), *other = nodedev_label(member);
                g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                            "%s: IOMMU group %d also holds %s bound to %s; the group goes to a guest whole: "
                            "detach it too, use --group, or --force to detach only what was named",
                            label, dev->iommu_group, other, member->driver);
                return NULL;
            }
        }
    }
    return g_steal_pointer(&set);
}

