/* export FORMAT DEVICE… --name NAME: what a fleet engine reads about the
 * devices: proxmox (cluster resource mappings), kubevirt (the KubeVirt CR's
 * permitted host devices, or a VM's host devices) and nova (nova-config's
 * output). With several -c, each host's devices (the same DEVICE
 * arguments, resolved on each) are one node's part. */
#include <string.h>

#include "aliases.h"
#include "cli.h"
#include "errors.h"
#include "export.h"
#include "fleet.h"
#include "resolve.h"

static struct {
    char *name;
    char **nodes;
    gboolean vm;
} ex;

static const GOptionEntry export_entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &ex.name, "the mapping, resource or alias name (required)", "NAME" },
    { "node", 0, 0, G_OPTION_ARG_STRING_ARRAY, &ex.nodes,
      "the Proxmox node name (default: the host's own name); once per -c", "NODE" },
    { "all-functions", 0, 0, G_OPTION_ARG_NONE, &hostdev_cli.all_functions,
      "every function of the device's slot (Proxmox: the whole slot in one mapping)", NULL },
    { "vm", 0, 0, G_OPTION_ARG_NONE, &ex.vm, "kubevirt: the VM's hostDevices instead of the CR patch", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const export_options[] = { export_entries, nova_entries, NULL };

typedef enum { FORMAT_PROXMOX, FORMAT_KUBEVIRT, FORMAT_NOVA } Format;
static const char *const format_names[] = { "proxmox", "kubevirt", "nova" };

/* One host's part, with the host it was read from. */
typedef struct {
    Host host;
    ExportHost part;
    char *node;
} HostPart;

static void host_part_free(HostPart *p)
{
    if (p->part.devices)
        g_ptr_array_unref(p->part.devices);
    host_clear(&p->host);
    g_free(p->node);
    g_free(p);
}

static gboolean parse_format(const char *word, Format *format, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS(format_names); i++) {
        if (g_strcmp0(word, format_names[i]) == 0) {
            *format = (Format)i;
            return TRUE;
        }
    }
    const char *hint = word ? cli_suggest(word, format_names, G_N_ELEMENTS(format_names)) : NULL;
    g_autofree char *quoted = word ? vh_error_quote(word) : NULL;
    if (word == NULL)
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "export needs a FORMAT: proxmox, kubevirt or nova");
    else
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "unknown export format '%s'%s%s%s (proxmox, kubevirt or nova)",
                    quoted, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
    return FALSE;
}

static gboolean check_options(Format format, guint nhosts, GError **error)
{
    const char *wrong = NULL;
    if (ex.vm && format != FORMAT_KUBEVIRT)
        wrong = "--vm applies to kubevirt";
    else if (ex.nodes && format != FORMAT_PROXMOX)
        wrong = "--node applies to proxmox";
    else if (nova_cli_used() && format != FORMAT_NOVA)
        wrong = "--legacy, --physnet, --flavor-property and --count apply to nova";
    else if (nhosts > 1 && format == FORMAT_NOVA)
        wrong = "nova's [pci] lines are one compute node's: give one -c";
    else if (nhosts > 1 && ex.vm)
        wrong = "--vm describes one VM's devices: give one -c";
    else if (ex.nodes && g_strv_length(ex.nodes) != MAX(nhosts, 1))
        wrong = "--node is given once per -c (once without -c)";
    if (wrong)
        g_set_error_literal(error, VH_ERROR, VH_ERROR_USAGE, wrong);
    return wrong == NULL;
}

/* A Proxmox node name (pve-node): letters, digits and '-'. The host's own
 * name is cut at the first dot, as Proxmox names its nodes. */
static char *node_name(HostPart *p, guint index, GError **error)
{
    g_autofree char *name = NULL;
    if (ex.nodes) {
        name = g_strdup(ex.nodes[index]);
    } else if (p->host.virt) {
        if (!(name = p->host.virt->hostname(p->host.conn, error)))
            return NULL;
        char *dot = strchr(name, '.');
        if (dot)
            *dot = '\0';
    } else {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "proxmox needs the node's name: --node NODE, or -c URI");
        return NULL;
    }
    gboolean ok = g_ascii_isalnum(name[0]);
    for (const char *c = name; *c && ok; c++)
        ok = g_ascii_isalnum(*c) || *c == '-';
    if (!ok) {
        g_autofree char *quoted = vh_error_quote(name);
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "node name '%s': Proxmox node names are letters, digits and '-'",
                    quoted);
        return NULL;
    }
    return g_steal_pointer(&name);
}

/* Every device the format prints needs its ids: with Proxmox's whole
 * slots, only the slot's lowest function is printed (the others may be
 * known by address alone, from an offline XML's IOMMU group). */
static gboolean check_devices(GPtrArray *devices, char **specs, Format format, GError **error)
{
    if (format != FORMAT_PROXMOX || !hostdev_cli.all_functions)
        return fleet_check_pci(devices, specs, format_names[format], error);
    g_autoptr(GPtrArray) printed = g_ptr_array_new();
    guint nspecs = g_strv_length(specs);
    g_autoptr(GPtrArray) named = g_ptr_array_new();
    for (guint i = 0; i < devices->len; i++) {
        if (fleet_slot_leader(devices, devices->pdata[i])) {
            g_ptr_array_add(printed, devices->pdata[i]);
            g_ptr_array_add(named, i < nspecs ? specs[i] : NULL);
        }
    }
    g_ptr_array_add(named, NULL);
    return fleet_check_pci(printed, (char **)named->pdata, format_names[format], error);
}

/* The devices on every host (-c, each), or on the one host or offline. */
static GPtrArray *read_hosts(char **specs, Format format, GError **error)
{
    g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func((GDestroyNotify)host_part_free);
    guint n = global_opts.connects ? global_opts.connects->len : 1;
    ResolveFlags flags = hostdev_cli.all_functions ? RESOLVE_ALL_FUNCTIONS : 0;
    for (guint i = 0; i < n; i++) {
        HostPart *p = g_new0(HostPart, 1);
        g_ptr_array_add(parts, p);
        gboolean ok = global_opts.connects ? host_open_uri(&p->host, global_opts.connects->pdata[i], NULL, error)
                                           : TRUE;
        p->part.devices = ok ? (global_opts.connects ? resolve_devices(&p->host, specs, flags, error)
                                                     : resolve_devices_open(&p->host, specs, flags, error))
                             : NULL;
        if (p->part.devices == NULL || !check_devices(p->part.devices, specs, format, error))
            return NULL;
        if (format == FORMAT_PROXMOX && !(p->node = node_name(p, i, error)))
            return NULL;
        for (guint j = 0; j < i && p->node; j++) {
            if (strcmp(((HostPart *)parts->pdata[j])->node, p->node) == 0) {
                g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "two hosts are node '%s': give --node for each -c",
                            p->node);
                return NULL;
            }
        }
        p->part.node = p->node;
    }
    return g_steal_pointer(&parts);
}

static int write_doc(GPtrArray *parts, Format format, GError **error)
{
    g_autoptr(GPtrArray) hosts = g_ptr_array_new();
    for (guint i = 0; i < parts->len; i++)
        g_ptr_array_add(hosts, &((HostPart *)parts->pdata[i])->part);
    g_autoptr(ExportDoc) doc = format == FORMAT_PROXMOX
                                   ? export_proxmox(hosts, ex.name, hostdev_cli.all_functions, error)
                                   : export_kubevirt(hosts, ex.name, ex.vm, error);
    if (doc == NULL)
        return vh_error_exit_code(*error);
    GPtrArray *notes = export_doc_notes(doc);
    for (guint i = 0; i < notes->len; i++)
        cli_note("%s", (const char *)notes->pdata[i]);
    if (global_opts.json) {
        g_autoptr(VhJson) b = vh_json_new();
        export_doc_json(doc, b);
        return cli_write_json(b, error) ? VH_EXIT_OK : VH_EXIT_FAILED;
    }
    g_autofree char *text = export_doc_text(doc);
    return cli_write_stdout(text, strlen(text), error) ? VH_EXIT_OK : VH_EXIT_FAILED;
}

static int run_export(char **args, GError **error)
{
    Format format;
    if (!parse_format(args[0], &format, error))
        return VH_EXIT_USAGE;
    if (ex.name == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "export needs --name NAME");
        return VH_EXIT_USAGE;
    }
    guint nhosts = global_opts.connects ? global_opts.connects->len : 0;
    if (!check_options(format, nhosts, error))
        return VH_EXIT_USAGE;
    if (format != FORMAT_KUBEVIRT && !alias_name_check(ex.name, error))
        return VH_EXIT_USAGE;
    g_autoptr(GPtrArray) parts = read_hosts(args + 1, format, error);
    if (parts == NULL)
        return vh_error_exit_code(*error);
    if (format == FORMAT_NOVA)
        return nova_cli_write(((HostPart *)parts->pdata[0])->part.devices, args + 1, ex.name, error);
    return write_doc(parts, format, error);
}

const VerbDef verb_export = {
    .name = "export",
    .params = "proxmox|kubevirt|nova --name NAME DEVICE...",
    .summary = "print what Proxmox VE, KubeVirt or OpenStack nova read about devices",
    .options = export_options,
    .run = run_export,
    .many_hosts = TRUE,
};
