/* show: one device in detail, and whether it can be given to a guest. */
#include <string.h>

#include "cli.h"
#include "errors.h"
#include "host.h"
#include "resolve.h"
#include "sysroot.h"

static const GOptionEntry *const show_options[] = { root_entries, NULL };

#define NO_RESET_WARNING "no reset method: state survives between guests; reattach may hang"

/* What this host's /proc and /sys say beside libvirt: host-critical
 * reasons and reset methods. */
typedef struct {
    gboolean checked;        /* host-critical devices were looked for */
    gboolean remote;         /* ... and could not be, on a remote host */
    GPtrArray *critical;     /* reasons */
    char **reset_methods;    /* NULL: unknown (not local, or an old kernel) */
    gboolean bridge;         /* reset with what is behind it, never given away */
} HostFacts;

static void host_facts_init(HostFacts *facts, Host *host, const Nodedev *dev)
{
    facts->checked = host->inv && inventory_host_critical_checked(host->inv);
    facts->remote = host->remote_uri != NULL;
    facts->critical = g_ptr_array_new_with_free_func(g_free);
    if (facts->checked)
        inventory_host_critical(host->inv, dev, facts->critical);
    facts->reset_methods = host->local_root && dev->kind == NODEDEV_PCI
                               ? sysroot_reset_methods(host->local_root, &dev->pci)
                               : NULL;
    facts->bridge = nodedev_is_bridge(dev);
    if (facts->reset_methods && facts->reset_methods[0] == NULL && !facts->bridge) {
        g_autofree char *label = nodedev_label(dev);
        cli_warning("%s: " NO_RESET_WARNING, label);
    }
}

static void host_facts_clear(HostFacts *facts)
{
    g_ptr_array_unref(facts->critical);
    g_strfreev(facts->reset_methods);
}

static void add_host_facts(GString *out, const HostFacts *facts)
{
    if (facts->reset_methods) {
        g_autofree char *methods = g_strjoinv(", ", facts->reset_methods);
        g_string_append_printf(out, "  %-16s%s\n", "reset methods:",
                               *methods ? methods : facts->bridge ? "none" : "none (" NO_RESET_WARNING ")");
    }
    if (facts->remote) {
        g_string_append_printf(out, "  %-16s%s\n", "host-critical:", "not checked (a remote host)");
    } else if (facts->checked && facts->critical->len == 0) {
        g_string_append_printf(out, "  %-16s%s\n", "host-critical:", "no");
    } else if (facts->checked) {
        g_ptr_array_add(facts->critical, NULL);
        g_autofree char *why = g_strjoinv("; ", (char **)facts->critical->pdata);
        g_ptr_array_remove_index(facts->critical, facts->critical->len - 1);
        g_string_append_printf(out, "  %-16syes — %s\n", "host-critical:", why);
    }
}

static void add_address_list(GString *out, const char *label, GArray *addrs)
{
    g_string_append_printf(out, "  %-16s", label);
    for (guint i = 0; i < addrs->len; i++) {
        g_autofree char *a = pci_addr_format(&g_array_index(addrs, PciAddr, i), PCI_FORMAT_PCI);
        g_string_append_printf(out, "%s%s", i ? " " : "", a);
    }
    g_string_append_c(out, '\n');
}

static void print_text(GString *out, Inventory *inv, const Nodedev *dev, gboolean assignable, GPtrArray *reasons,
                       gboolean offline, const HostFacts *facts)
{
    g_autofree char *address = host_device_address(dev);
    g_autofree char *ids = host_device_ids(dev);
    g_autofree char *description = host_device_description(dev);
    g_string_append_printf(out, "%s  %s  %s  %s  %s\n", dev->name ? dev->name : "-", address ? address : "-",
                           nodedev_class_name(dev), ids ? ids : "-", description);
    g_string_append_printf(out, "  %-16s%s\n", "driver:", dev->driver ? dev->driver : "(none)");
    if (dev->kind == NODEDEV_PCI) {
        if (dev->iommu_group < 0) {
            g_string_append_printf(out, "  %-16s%s\n", "IOMMU group:", "(none)");
        } else {
            g_string_append_printf(out, "  %-16s%d\n", "IOMMU group:", dev->iommu_group);
            GPtrArray *members = inventory_group(inv, dev);
            if (members && !offline) {
                for (guint i = 0; i < members->len; i++) {
                    const Nodedev *m = members->pdata[i];
                    g_autofree char *a = pci_addr_format(&m->pci, PCI_FORMAT_PCI);
                    g_string_append_printf(out, "    %s  %-14s %s%s\n", a, m->driver ? m->driver : "(none)",
                                           nodedev_class_name(m), m == dev ? "  (this device)" : "");
                }
            } else if (dev->iommu_members) {
                add_address_list(out, "  members:", dev->iommu_members);
            }
        }
        g_autoptr(GPtrArray) fns = inventory_slot_functions(inv, dev);
        if (fns->len > 1) {
            g_string_append_printf(out, "  %-16s", "slot functions:");
            for (guint i = 0; i < fns->len; i++) {
                const Nodedev *fn = fns->pdata[i];
                g_autofree char *a = pci_addr_format(&fn->pci, PCI_FORMAT_PCI);
                g_string_append_printf(out, "%s%s (%s)", i ? " " : "", a, nodedev_class_name(fn));
            }
            g_string_append_c(out, '\n');
        }
        if (dev->is_vf) {
            g_autofree char *pf = pci_addr_format(&dev->pf, PCI_FORMAT_PCI);
            g_string_append_printf(out, "  %-16sVF of %s (pass it with --interface for a network VF)\n", "SR-IOV:", pf);
        }
        if (dev->vf_max >= 0) {
            g_string_append_printf(out, "  %-16sPF, %u of %d VFs enabled\n", "SR-IOV:", dev->vfs ? dev->vfs->len : 0,
                                   dev->vf_max);
            if (dev->vfs && dev->vfs->len)
                add_address_list(out, "VFs:", dev->vfs);
        }
        for (guint i = 0; dev->mdev_types && i < dev->mdev_types->len; i++) {
            const MdevType *t = dev->mdev_types->pdata[i];
            g_string_append_printf(out, "  %-16s%s", i == 0 ? "mdev types:" : "", t->id);
            if (t->name)
                g_string_append_printf(out, " (%s)", t->name);
            if (t->available >= 0)
                g_string_append_printf(out, ", %d available", t->available);
            g_string_append_c(out, '\n');
        }
    }
    if (dev->kind == NODEDEV_MDEV)
        g_string_append_printf(out, "  %-16s%s on %s\n", "mdev:", dev->mdev_type ? dev->mdev_type : "?",
                               dev->parent ? dev->parent : "?");
    if (!offline) {
        GPtrArray *users = inventory_users(inv, dev);
        if (users->len == 0)
            g_string_append_printf(out, "  %-16s%s\n", "used by:", "(no domain)");
        for (guint i = 0; i < users->len; i++) {
            const DeviceUser *u = users->pdata[i];
            g_string_append_printf(out, "  %-16s%s (%s, %s%s)\n", i == 0 ? "used by:" : "", u->domain,
                                   u->active ? "running" : "shut off", u->managed ? "managed" : "unmanaged",
                                   u->live_only ? ", attached live only" : "");
        }
    }
    add_host_facts(out, facts);
    g_string_append_printf(out, "  %-16s%s\n", "assignable:",
                           offline ? "unknown offline (the host's drivers and domains need libvirt)"
                                   : assignable ? (reasons->len ? "yes, but:" : "yes") : "no");
    for (guint i = 0; i < reasons->len; i++)
        g_string_append_printf(out, "    - %s\n", (const char *)reasons->pdata[i]);
}

static gboolean print_json(Inventory *inv, const Nodedev *dev, gboolean assignable, GPtrArray *reasons,
                           gboolean offline, const HostFacts *facts, GError **error)
{
    g_autoptr(VhJson) b = vh_json_new();
    vh_json_begin_object(b);
    host_json_device(b, inv, dev, TRUE);
    vh_json_member(b, "slot_functions");
    vh_json_begin_array(b);
    g_autoptr(GPtrArray) fns = inventory_slot_functions(inv, dev);
    for (guint f = 0; dev->kind == NODEDEV_PCI && f <= PCI_FUNCTION_MAX; f++) {
        PciAddr a = dev->pci;
        a.function = f;
        /* the host's functions, or offline those the IOMMU group names */
        gboolean present = FALSE;
        for (guint i = 0; i < fns->len && !present; i++)
            present = pci_addr_equal(&((const Nodedev *)fns->pdata[i])->pci, &a);
        for (guint i = 0; offline && dev->iommu_members && i < dev->iommu_members->len && !present; i++)
            present = pci_addr_equal(&g_array_index(dev->iommu_members, PciAddr, i), &a);
        if (present) {
            g_autofree char *text = pci_addr_format(&a, PCI_FORMAT_PCI);
            vh_json_string(b, text);
        }
    }
    vh_json_end_array(b);
    vh_json_member(b, "sriov");
    if (dev->is_vf || dev->vf_max >= 0) {
        vh_json_begin_object(b);
        g_autofree char *pf = dev->is_vf ? pci_addr_format(&dev->pf, PCI_FORMAT_PCI) : NULL;
        cli_json_string(b, "role", dev->is_vf ? "vf" : "pf");
        cli_json_string(b, "pf", pf);
        cli_json_int(b, "max_vfs", MAX(dev->vf_max, 0));
        vh_json_member(b, "vfs");
        vh_json_begin_array(b);
        for (guint i = 0; dev->vfs && i < dev->vfs->len; i++) {
            g_autofree char *a = pci_addr_format(&g_array_index(dev->vfs, PciAddr, i), PCI_FORMAT_PCI);
            vh_json_string(b, a);
        }
        vh_json_end_array(b);
        vh_json_end_object(b);
    } else {
        vh_json_null(b);
    }
    vh_json_member(b, "mdev_types");
    vh_json_begin_array(b);
    for (guint i = 0; dev->mdev_types && i < dev->mdev_types->len; i++) {
        const MdevType *t = dev->mdev_types->pdata[i];
        vh_json_begin_object(b);
        cli_json_string(b, "id", t->id);
        cli_json_string(b, "name", t->name);
        cli_json_string(b, "device_api", t->device_api);
        vh_json_member(b, "available");
        if (t->available >= 0)
            vh_json_int(b, t->available);
        else
            vh_json_null(b);
        vh_json_end_object(b);
    }
    vh_json_end_array(b);
    cli_json_strv(b, "reset_methods", facts->reset_methods);
    vh_json_member(b, "assignable");
    if (offline)
        vh_json_null(b);
    else
        vh_json_bool(b, assignable);
    vh_json_member(b, "reasons");
    vh_json_begin_array(b);
    for (guint i = 0; i < reasons->len; i++)
        vh_json_string(b, reasons->pdata[i]);
    vh_json_end_array(b);
    vh_json_end_object(b);
    return cli_write_json(b, error);
}

static int run_show(char **args, GError **error)
{
    if (args == NULL || args[0] == NULL || args[1] != NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "show takes one DEVICE");
        return VH_EXIT_USAGE;
    }
    Host host = { 0 };
    g_autoptr(Inventory) offline_inv = NULL;
    const Nodedev *dev;
    gboolean offline = devspec_classify(args[0]) == DEVSPEC_XML;
    if (offline) {
        /* a node-device dump says all there is to say about one device */
        gboolean stdin_used = FALSE;
        Nodedev *model = resolve_offline(args[0], &stdin_used, error);
        if (model == NULL)
            return vh_error_exit_code(*error);
        offline_inv = inventory_new();
        inventory_take_device(offline_inv, model);
        dev = model;
    } else {
        if (!host_open(&host, NULL, TRUE, error)) {
            host_clear(&host);
            return VH_EXIT_FAILED;
        }
        g_autoptr(GPtrArray) found = resolve_devices(&host, args, 0, error);
        if (found == NULL) {
            host_clear(&host);
            return vh_error_exit_code(*error);
        }
        dev = found->pdata[0];
        host_warn_devices(&host, found, FALSE);
    }
    if (dev->problem) {
        /* an address that is not known is not shown as one */
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s", dev->problem);
        host_clear(&host);
        return VH_EXIT_USAGE;
    }
    Inventory *inv = offline ? offline_inv : host.inv;
    g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func(g_free);
    gboolean assignable = offline ? FALSE : inventory_assignable(inv, dev, NULL, reasons);
    HostFacts facts;
    host_facts_init(&facts, &host, dev);
    host_note_critical_unchecked(&host);
    gboolean ok;
    if (global_opts.json) {
        ok = print_json(inv, dev, assignable, reasons, offline, &facts, error);
    } else {
        g_autoptr(GString) out = g_string_new(NULL);
        print_text(out, inv, dev, assignable, reasons, offline, &facts);
        ok = cli_write_stdout(out->str, out->len, error);
    }
    host_facts_clear(&facts);
    host_clear(&host);
    return ok ? VH_EXIT_OK : VH_EXIT_FAILED;
}

const VerbDef verb_show = {
    .name = "show",
    .params = "DEVICE",
    .summary = "one device in detail: driver, IOMMU group, functions, SR-IOV, mdev types, users, assignability",
    .options = show_options,
    .run = run_show,
};
