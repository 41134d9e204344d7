/* list: the host's passthrough candidates as one table, instead of lspci +
 * virsh nodedev-list + nodedev-dumpxml + grepping domain definitions. */
#include <string.h>

#include "aliases.h"
#include "cli.h"
#include "errors.h"
#include "host.h"

static struct {
    char *class;
    gboolean free;
    gboolean assignable;
    gboolean names;
    char *pci_alias;
    char *aliases_file;
} opt;

static const GOptionEntry list_entries[] = {
    { "class", 0, 0, G_OPTION_ARG_STRING, &opt.class,
      "only devices of this class: gpu, audio, net, storage, usb-controller, serial-bus, bridge, "
      "accelerator, other (PCI), usb (USB devices), mdev (mediated devices)", "CLASS" },
    { "free", 0, 0, G_OPTION_ARG_NONE, &opt.free,
      "only devices no domain holds that may leave the host (no bridges, chipset or root hubs)", NULL },
    { "assignable", 0, 0, G_OPTION_ARG_NONE, &opt.assignable,
      "only devices that can be given to a guest as they stand (free, IOMMU group clear)", NULL },
    { "names", 0, 0, G_OPTION_ARG_NONE, &opt.names, "bare node-device names, one per line", NULL },
    { "pci-alias", 0, 0, G_OPTION_ARG_STRING, &opt.pci_alias,
      "only devices of this nova-style alias (the pool add --pci-alias picks from)", "NAME" },
    { "aliases", 0, 0, G_OPTION_ARG_FILENAME, &opt.aliases_file,
      "the alias definitions (default " ALIAS_CONFIG_DEFAULT ")", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const list_options[] = { list_entries, root_entries, NULL };

static const char *const pci_classes[] = {
    "gpu", "audio", "multimedia", "net", "storage", "usb-controller", "serial-bus", "serial",
    "bridge", "accelerator", "other",
};

/* The libvirt capability to list for --class. */
static gboolean class_capability(const char *cls, const char **cap, GError **error)
{
    if (cls == NULL) {
        *cap = "pci";
        return TRUE;
    }
    if (strcmp(cls, "usb") == 0) {
        *cap = "usb_device";
        return TRUE;
    }
    if (strcmp(cls, "mdev") == 0) {
        *cap = "mdev";
        return TRUE;
    }
    for (guint i = 0; i < G_N_ELEMENTS(pci_classes); i++)
        if (strcmp(cls, pci_classes[i]) == 0) {
            *cap = "pci";
            return TRUE;
        }
    const char *hint = cli_suggest(cls, pci_classes, G_N_ELEMENTS(pci_classes));
    g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--class '%s': unknown class%s%s%s (gpu, net, storage, usb, mdev, …)",
                cls, hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
    return FALSE;
}

static gboolean of_capability(const Nodedev *dev, const char *cap)
{
    if (g_strcmp0(cap, "pci") == 0)
        return dev->kind == NODEDEV_PCI;
    if (g_strcmp0(cap, "usb_device") == 0)
        return dev->kind == NODEDEV_USB;
    if (g_strcmp0(cap, "mdev") == 0)
        return dev->kind == NODEDEV_MDEV;
    return TRUE;
}

static gboolean wanted(Inventory *inv, const Nodedev *dev, const char *cap, const Alias *alias)
{
    /* a device whose address is unknown is never listed as if it had one */
    if (dev->problem || !of_capability(dev, cap))
        return FALSE;
    if (alias && !alias_matches(alias, dev))
        return FALSE;
    if (opt.class && dev->kind == NODEDEV_PCI && strcmp(opt.class, nodedev_class_name(dev)) != 0)
        return FALSE;
    if (opt.free) {
        /* held by no domain, and not refused for what it is (a bridge, the
         * chipset, a root hub) */
        if (inventory_users(inv, dev)->len > 0 || !inventory_device_passable(dev, NULL) ||
            inventory_host_critical(inv, dev, NULL))
            return FALSE;
    }
    if (opt.assignable) {
        g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func(g_free);
        if (!inventory_assignable(inv, dev, NULL, reasons))
            return FALSE;
    }
    return TRUE;
}

/* USED BY: the domains, "(host)" for a device the host itself needs. */
static char *users_text(GPtrArray *users, gboolean host_critical)
{
    if (users->len == 0)
        return g_strdup(host_critical ? "(host)" : "-");
    g_autoptr(GString) s = g_string_new(NULL);
    for (guint i = 0; i < users->len; i++) {
        const DeviceUser *u = users->pdata[i];
        g_string_append_printf(s, "%s%s%s", i ? "," : "", u->domain, u->active ? "*" : "");
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

static gboolean print_json(Host *host, GPtrArray *rows, GError **error)
{
    g_autoptr(VhJson) b = vh_json_new();
    g_autofree char *uri = host->virt->uri(host->conn);
    vh_json_begin_object(b);
    cli_json_string(b, "uri", uri);
    vh_json_member(b, "devices");
    vh_json_begin_array(b);
    for (guint i = 0; i < rows->len; i++) {
        const Nodedev *dev = rows->pdata[i];
        g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func(g_free);
        vh_json_begin_object(b);
        host_json_device(b, host->inv, dev, FALSE);
        cli_json_bool(b, "assignable", inventory_assignable(host->inv, dev, NULL, reasons));
        vh_json_end_object(b);
    }
    vh_json_end_array(b);
    vh_json_end_object(b);
    return cli_write_json(b, error);
}

static gboolean print_table(Host *host, GPtrArray *rows, GError **error)
{
    enum { NAME, ADDRESS, CLASS, IDS, DRIVER, GROUP, USERS, DESCRIPTION, NCOLS };
    static const char *const headers[NCOLS] = {
        "NAME", "ADDRESS", "CLASS", "IDS", "DRIVER", "GROUP", "USED BY", "DESCRIPTION",
    };
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
    gsize width[NCOLS];
    for (guint c = 0; c < NCOLS; c++)
        width[c] = strlen(headers[c]);
    gboolean any_running = FALSE, any_critical = FALSE;
    for (guint i = 0; i < rows->len; i++) {
        const Nodedev *dev = rows->pdata[i];
        GPtrArray *users = inventory_users(host->inv, dev);
        for (guint u = 0; u < users->len; u++)
            any_running |= ((const DeviceUser *)users->pdata[u])->active;
        gboolean critical = inventory_host_critical(host->inv, dev, NULL);
        any_critical |= critical;
        char *row[NCOLS] = {
            g_strdup(dev->name ? dev->name : "-"),
            host_device_address(dev),
            g_strdup(nodedev_class_name(dev)),
            host_device_ids(dev),
            g_strdup(dev->driver ? dev->driver : "-"),
            dev->iommu_group >= 0 ? g_strdup_printf("%d", dev->iommu_group) : g_strdup("-"),
            users_text(users, critical),
            host_device_description(dev),
        };
        for (guint c = 0; c < NCOLS; c++) {
            if (row[c] == NULL)
                row[c] = g_strdup("-");
            width[c] = MAX(width[c], (gsize)g_utf8_strlen(row[c], -1));
            g_ptr_array_add(cells, row[c]);
        }
    }
    g_autoptr(GString) out = g_string_new(NULL);
    for (guint i = 0; i <= rows->len; i++) {
        for (guint c = 0; c < NCOLS; c++) {
            const char *cell = i == 0 ? headers[c] : cells->pdata[(i - 1) * NCOLS + c];
            if (c == NCOLS - 1) {
                g_string_append(out, cell);
                break;
            }
            g_string_append(out, cell);
            for (gsize pad = (gsize)g_utf8_strlen(cell, -1); pad < width[c] + 2; pad++)
                g_string_append_c(out, ' ');
        }
        while (out->len && out->str[out->len - 1] == ' ')
            g_string_truncate(out, out->len - 1);
        g_string_append_c(out, '\n');
    }
    if (any_running)
        g_string_append(out, "(* running)\n");
    if (any_critical)
        g_string_append(out, "(host) host-critical: the host needs it (virt-hostdev show DEVICE says why)\n");
    return cli_write_stdout(out->str, out->len, error);
}

static int run_list(char **args, GError **error)
{
    const char *cap;
    if (args && args[0]) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "list takes no arguments ('%s'); filter with --class", args[0]);
        return VH_EXIT_USAGE;
    }
    if (!class_capability(opt.class, &cap, error))
        return VH_EXIT_USAGE;
    if (opt.aliases_file && !opt.pci_alias) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--aliases only applies with --pci-alias");
        return VH_EXIT_USAGE;
    }
    g_autoptr(AliasConfig) config = NULL;
    const Alias *alias = NULL;
    if (opt.pci_alias) {
        if (!(config = alias_config_load(opt.aliases_file, error)) ||
            !(alias = alias_config_find(config, opt.pci_alias, error)))
            return vh_error_exit_code(*error);
    }
    Host host;
    /* --names alone (completion) needs no domain listing */
    gboolean domains = !opt.names || opt.free || opt.assignable;
    if (!host_open(&host, cap, domains, error)) {
        host_clear(&host);
        return VH_EXIT_FAILED;
    }
    g_autoptr(GPtrArray) rows = g_ptr_array_new();
    g_autoptr(GPtrArray) left_out = g_ptr_array_new();
    GPtrArray *all = inventory_devices(host.inv);
    for (guint i = 0; i < all->len; i++) {
        Nodedev *dev = all->pdata[i];
        if (wanted(host.inv, dev, cap, alias))
            g_ptr_array_add(rows, dev);
        else if (dev->problem && of_capability(dev, cap))
            g_ptr_array_add(left_out, dev);
    }
    /* what is listed with an address from its name, and what is not listed */
    host_warn_devices(&host, rows, FALSE);
    host_warn_devices(&host, left_out, TRUE);
    if (!opt.names)
        host_note_critical_unchecked(&host);

    gboolean ok;
    if (opt.names) {
        g_autoptr(GString) out = g_string_new(NULL);
        for (guint i = 0; i < rows->len; i++) {
            const Nodedev *dev = rows->pdata[i];
            if (dev->name)
                g_string_append_printf(out, "%s\n", dev->name);
        }
        ok = cli_write_stdout(out->str, out->len, error);
    } else if (global_opts.json) {
        ok = print_json(&host, rows, error);
    } else {
        ok = print_table(&host, rows, error);
    }
    host_clear(&host);
    return ok ? VH_EXIT_OK : VH_EXIT_FAILED;
}

const VerbDef verb_list = {
    .name = "list",
    .params = "[--class CLASS] [--free] [--assignable] [--names] [--pci-alias NAME]",
    .summary = "the host's PCI (or USB, mdev) devices: address, class, ids, driver, IOMMU group, domains using them",
    .options = list_options,
    .run = run_list,
};
