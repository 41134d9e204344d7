/* __complete: what the bash completion asks the binary, so that the script
 * and the parser share one table and cannot drift.
 *   __complete verbs                 visible verbs
 *   __complete options VERB          the verb's long options, then global ones
 *   __complete valued VERB           those of them that take a value
 *   __complete classes               values of list --class
 *   __complete domains               domain names, defined and running (the
 *                                    DOMAIN of add, remove, validate, verify, remap)
 *   __complete devices [free|detach] node-device names and addresses of PCI
 *                                    and USB devices (usb:BBB.DDD); free: what
 *                                    add takes, detach: what detach takes (PCI
 *                                    only), both by the inventory's verdict
 *                                    (never a host-critical one)
 *   __complete held DOMAIN           host devices in DOMAIN's definition
 *   __complete guest-addresses DOMAIN  guest PCI addresses of its host devices
 *   __complete aliases DOMAIN        the aliases of its host devices
 *   __complete templates [DIR]       template names for generate --template (DIR:
 *                                    its --template-dir)
 * Queries that need libvirt print nothing when it is unreachable. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "domindex.h"
#include "domxml.h"
#include "errors.h"
#include "host.h"
#include "xmlutil.h"
#include "template.h"

static const GOptionEntry *const complete_options[] = { root_entries, NULL };

static void print_long_options(GString *out, const GOptionEntry *entries, gboolean valued_only)
{
    for (const GOptionEntry *e = entries; e->long_name; e++) {
        gboolean valued = e->arg != G_OPTION_ARG_NONE;
        if (valued_only && !valued)
            continue;
        g_string_append_printf(out, "--%s\n", e->long_name);
        if (valued_only && e->short_name)
            g_string_append_printf(out, "-%c\n", e->short_name);
    }
}

static void options(GString *out, const char *verb_name, gboolean valued_only)
{
    const VerbDef *verb = verb_find(verb_name);
    for (const GOptionEntry *const *group = verb ? verb->options : NULL; group && *group; group++)
        print_long_options(out, *group, valued_only);
    print_long_options(out, global_entries, valued_only);
}

static void domains(GString *out)
{
    VirtConn *conn;
    const VirtBackend *virt = virt_connect(global_opts.connect, &conn, NULL);
    g_autoptr(GPtrArray) doms = virt ? virt->domain_list(conn, FALSE, NULL) : NULL;
    for (guint i = 0; doms && i < doms->len; i++)
        g_string_append_printf(out, "%s\n", ((const VirtDomain *)doms->pdata[i])->name);
}

typedef enum { DEVICES_ALL, DEVICES_FREE, DEVICES_DETACH } DeviceQuery;

static void devices(GString *out, DeviceQuery query)
{
    Host host;
    if (host_open(&host, query == DEVICES_DETACH ? "pci" : "pci,usb_device", query != DEVICES_ALL, NULL)) {
        GPtrArray *all = inventory_devices(host.inv);
        /* detach: the verdict in detach's own context */
        AssignContext detach = { .host_side = TRUE };
        for (guint i = 0; i < all->len; i++) {
            const Nodedev *dev = all->pdata[i];
            g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func(g_free);
            gboolean usb = dev->kind == NODEDEV_USB && dev->usb_has_busdev;
            /* never a device whose address is unknown */
            if ((dev->kind != NODEDEV_PCI && !usb) || dev->problem || (query == DEVICES_DETACH && usb) ||
                inventory_host_critical(host.inv, dev, NULL) ||
                (query != DEVICES_ALL &&
                 !inventory_assignable(host.inv, dev, query == DEVICES_DETACH ? &detach : NULL, reasons)))
                continue;
            g_autofree char *address = usb ? g_strdup_printf("usb:%03u.%03u", dev->usb_bus, dev->usb_device)
                                           : pci_addr_format(&dev->pci, PCI_FORMAT_PCI);
            g_string_append_printf(out, "%s\n%s\n", dev->name, address);
        }
    }
    host_clear(&host);
}

typedef enum { HELD_SOURCES, HELD_GUEST_ADDRESSES, HELD_ALIASES } HeldQuery;

/* What DOMAIN's definition holds: each host device once, or the guest
 * addresses and aliases that remove --guest-address / --alias take. */
static void held(GString *out, const char *name, HeldQuery query)
{
    VirtConn *conn;
    const VirtBackend *virt = virt_connect(global_opts.connect, &conn, NULL);
    g_autoptr(VirtDomain) dom = virt ? virt->domain_get(conn, name, NULL) : NULL;
    g_autoptr(DomDoc) dd = dom ? domdoc_parse(dom->xml, strlen(dom->xml), name, NULL) : NULL;
    g_autoptr(DomIndex) idx = dd ? domindex_build(domdoc_xml(dd)) : NULL;
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; idx && i < domindex_count(idx); i++) {
        const DomEntry *e = domindex_entry(idx, i);
        const Nodedev *src = domentry_source(e);
        char *word = NULL;
        if (!e->hostdev)
            continue;
        if (query == HELD_SOURCES && src && src->kind == NODEDEV_PCI)
            word = pci_addr_format(&src->pci, PCI_FORMAT_PCI);
        else if (query == HELD_SOURCES && src && src->kind == NODEDEV_USB && src->usb_has_ids)
            word = g_strdup_printf("usb:%04x:%04x", src->vendor_id, src->product_id);
        else if (query == HELD_GUEST_ADDRESSES && e->assigned)
            word = pci_addr_format(&e->addr, PCI_FORMAT_PCI);
        else if (query == HELD_ALIASES && vh_xml_child(e->node, "alias"))
            word = vh_xml_prop(vh_xml_child(e->node, "alias"), "name");
        if (word && g_hash_table_add(seen, word))
            g_string_append_printf(out, "%s\n", word);
    }
}

static int run_complete(char **args, GError **error)
{
    g_autoptr(GString) out = g_string_new(NULL);
    const char *what = args[0];
    if (g_strcmp0(what, "verbs") == 0) {
        for (const VerbDef *const *v = verb_table; *v; v++)
            if (!(*v)->hidden)
                g_string_append_printf(out, "%s\n", (*v)->name);
        g_string_append(out, "help\n");
    } else if ((g_strcmp0(what, "options") == 0 || g_strcmp0(what, "valued") == 0) && args[1]) {
        options(out, args[1], g_strcmp0(what, "valued") == 0);
    } else if (g_strcmp0(what, "classes") == 0) {
        g_string_append(out, "gpu\naudio\nmultimedia\nnet\nstorage\nusb-controller\nserial-bus\nserial\nbridge\n"
                             "accelerator\nother\nusb\nmdev\n");
    } else if (g_strcmp0(what, "domains") == 0) {
        domains(out);
    } else if (g_strcmp0(what, "devices") == 0) {
        devices(out, g_strcmp0(args[1], "free") == 0     ? DEVICES_FREE
                     : g_strcmp0(args[1], "detach") == 0 ? DEVICES_DETACH
                                                         : DEVICES_ALL);
    } else if (g_strcmp0(what, "held") == 0 && args[1]) {
        held(out, args[1], HELD_SOURCES);
    } else if (g_strcmp0(what, "guest-addresses") == 0 && args[1]) {
        held(out, args[1], HELD_GUEST_ADDRESSES);
    } else if (g_strcmp0(what, "aliases") == 0 && args[1]) {
        held(out, args[1], HELD_ALIASES);
    } else if (g_strcmp0(what, "templates") == 0) {
        g_autoptr(GPtrArray) dirs = template_search_path(args[1] && *args[1] ? args[1] : NULL);
        g_autoptr(GPtrArray) infos = template_list(dirs, NULL);
        for (guint i = 0; infos && i < infos->len; i++)
            g_string_append_printf(out, "%s\n", ((TemplateInfo *)infos->pdata[i])->name);
    } else {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "__complete verbs | options VERB | valued VERB | classes | domains | devices [free|detach] "
                    "| held DOMAIN | guest-addresses DOMAIN | aliases DOMAIN | templates [DIR]");
        return VH_EXIT_USAGE;
    }
    return cli_write_stdout(out->str, out->len, error) ? VH_EXIT_OK : VH_EXIT_FAILED;
}

const VerbDef verb_complete = {
    .name = "__complete",
    .params = "verbs | options VERB | valued VERB | classes | domains | devices [free|detach] | held DOMAIN "
              "| guest-addresses DOMAIN | aliases DOMAIN | templates [DIR]",
    .summary = "completion queries (used by the bash completion)",
    .options = complete_options,
    .run = run_complete,
    .hidden = TRUE,
};
