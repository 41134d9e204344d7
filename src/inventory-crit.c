/* The inventory's side of the host-critical rule (hostcrit_judge): the
 * facts read from this host's /proc and /sys, with the IOMMU groups as
 * libvirt reports them. */
#include "inventory.h"

#include "errors.h"

gboolean inventory_host_critical(Inventory *inv, const Nodedev *dev, GPtrArray *reasons)
{
    const HostCrit *crit = inventory_host_critical_facts(inv);
    if (crit == NULL || dev->problem)
        return FALSE;
    if (dev->kind == NODEDEV_USB)
        return dev->usb_has_busdev && hostcrit_judge_usb(crit, dev->usb_bus, dev->usb_device, reasons);
    if (dev->kind != NODEDEV_PCI)
        return FALSE;
    /* bridges stay with the host when a group goes to a guest: what they
     * hold (nothing) is not taken along */
    g_autoptr(GArray) mates = g_array_new(FALSE, FALSE, sizeof(PciAddr));
    GPtrArray *members = inventory_group(inv, dev);
    for (guint m = 0; members && m < members->len; m++) {
        const Nodedev *member = members->pdata[m];
        if (member != dev && !nodedev_is_bridge(member))
            g_array_append_val(mates, member->pci);
    }
    return hostcrit_judge(crit, &dev->pci, dev->iommu_group, (const PciAddr *)(void *)mates->data, mates->len,
                          reasons);
}

/* The host-critical part of the verdict, which --force does not override. */
gboolean inventory_check_host_critical(Inventory *inv, const Nodedev *dev, gboolean allow, GPtrArray *warnings,
                                       GError **error)
{
    g_autoptr(GPtrArray) critical = g_ptr_array_new_with_free_func(g_free);
    if (!inventory_host_critical(inv, dev, critical))
        return TRUE;
    g_autofree char *label = nodedev_label(dev);
    g_ptr_array_add(critical, NULL);
    g_autofree char *why = g_strjoinv("; ", (char **)critical->pdata);
    if (!allow) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "%s is host-critical: %s; --force does not override this (--allow-host-critical does)", label,
                    why);
        return FALSE;
    }
    g_ptr_array_add(warnings, g_strdup_printf("%s is host-critical (--allow-host-critical): %s", label, why));
    return TRUE;
}

