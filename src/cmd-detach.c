/* detach / reattach: the host side of passthrough, like virsh
 * nodedev-detach / nodedev-reattach, but aware of IOMMU groups. */
#include "cli.h"
#include "errors.h"
#include "host.h"
#include "resolve.h"
#include "txn.h"

static struct {
    gboolean group;
    gboolean force;
    char *driver;
    gboolean reset;
} opt;

static const GOptionEntry detach_entries[] = {
    { "group", 0, 0, G_OPTION_ARG_NONE, &opt.group, "act on every device of the IOMMU groups", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &opt.force,
      "detach only the devices named even when their group keeps members on host drivers, "
      "or what the assignability policy refuses", NULL },
    { "driver", 0, 0, G_OPTION_ARG_STRING, &opt.driver, "the driver to bind (only vfio)", "vfio" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry reattach_entries[] = {
    { "group", 0, 0, G_OPTION_ARG_NONE, &opt.group, "act on every device of the IOMMU groups", NULL },
    { "reset", 0, 0, G_OPTION_ARG_NONE, &opt.reset, "reset each device before giving it back", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const detach_options[] = { detach_entries, root_entries, host_critical_entries, NULL };
static const GOptionEntry *const reattach_options[] = { reattach_entries, NULL };

/* One transaction for the whole set: a device that cannot be detached gives
 * the ones before it back (and reattach detaches them again). */
static gboolean move_devices(Host *host, GPtrArray *set, gboolean detach, GError **error)
{
    g_autoptr(Txn) txn = txn_new(host->virt, host->conn, cli_note_line);
    for (guint i = 0; i < set->len; i++) {
        const Nodedev *dev = set->pdata[i];
        g_autofree char *label = nodedev_label(dev);
        gboolean on_vfio = nodedev_driver_is_vfio(dev->driver);
        if (detach && on_vfio)
            cli_note("%s is already on %s", label, dev->driver);
        else if (detach)
            txn_plan_host_detach(txn, dev->name, label, dev->driver);
        else if (dev->driver && !on_vfio)
            cli_note("%s is on its host driver %s already", label, dev->driver);
        else
            txn_plan_host_reattach(txn, dev->name, label, opt.reset);
    }
    return txn_commit(txn, error);
}

static int run_detach(char **args, GError **error)
{
    if (!cli_no_json("detach", "it reports each device on standard error", error))
        return VH_EXIT_USAGE;
    if (opt.driver && g_strcmp0(opt.driver, "vfio") != 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--driver '%s': only vfio is supported", opt.driver);
        return VH_EXIT_USAGE;
    }
    Host host;
    /* with the domains: a group one of them uses is not split */
    if (!host_open(&host, "pci", TRUE, error)) {
        host_clear(&host);
        return VH_EXIT_FAILED;
    }
    g_autoptr(GPtrArray) named = resolve_devices(&host, args, 0, error);
    host_warn_devices(&host, named, FALSE);
    g_autoptr(GPtrArray) set = named ? inventory_detach_set(host.inv, named, opt.group, opt.force, error) : NULL;
    /* the verdict as show gives it, before anything is detached; who holds
     * the device itself does not matter (a definition holding it is why it
     * is detached) */
    AssignContext ctx = { .together = set, .host_side = TRUE, .allow_host_critical = host_cli.allow_host_critical };
    gboolean ok = set && host_check_assignable(&host, named, &ctx, opt.force, error) &&
                  move_devices(&host, set, TRUE, error);
    host_clear(&host);
    return ok ? VH_EXIT_OK : vh_error_exit_code(*error);
}

static int run_reattach(char **args, GError **error)
{
    if (!cli_no_json("reattach", "it reports each device on standard error", error))
        return VH_EXIT_USAGE;
    Host host;
    if (!host_open(&host, "pci", FALSE, error)) {
        host_clear(&host);
        return VH_EXIT_FAILED;
    }
    g_autoptr(GPtrArray) named = resolve_devices(&host, args, 0, error);
    /* giving back part of a group is always allowed: it only fails the guest */
    g_autoptr(GPtrArray) set = named ? inventory_detach_set(host.inv, named, opt.group, TRUE, error) : NULL;
    gboolean ok = set && move_devices(&host, set, FALSE, error);
    host_clear(&host);
    return ok ? VH_EXIT_OK : vh_error_exit_code(*error);
}

const VerbDef verb_detach = {
    .name = "detach",
    .params = "DEVICE...",
    .summary = "bind devices to vfio-pci on the host (IOMMU-group aware), like virsh nodedev-detach",
    .options = detach_options,
    .run = run_detach,
};

const VerbDef verb_reattach = {
    .name = "reattach",
    .params = "DEVICE...",
    .summary = "give devices back to their host drivers, like virsh nodedev-reattach",
    .options = reattach_options,
    .run = run_reattach,
};
