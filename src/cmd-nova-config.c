/* nova-config DEVICE… --alias NAME: the OpenStack nova.conf [pci] lines that
 * offer the devices (device_spec) and name them for flavors (alias). Every
 * JSON value, in the text lines as well, is written by json-glib (jsonw.c). */
#include "jsonw.h"
#include <string.h>

#include "aliases.h"
#include "cli.h"
#include "errors.h"
#include "resolve.h"

static struct {
    char *alias;
    gboolean legacy;
    char *flavor;
    char *count;
} nova;

static const GOptionEntry nova_entries[] = {
    { "alias", 0, 0, G_OPTION_ARG_STRING, &nova.alias, "the alias name flavors ask for (required)", "NAME" },
    { "legacy", 0, 0, G_OPTION_ARG_NONE, &nova.legacy,
      "write passthrough_whitelist (nova before Zed) instead of device_spec", NULL },
    { "flavor-property", 0, 0, G_OPTION_ARG_STRING, &nova.flavor,
      "also print the openstack command that makes FLAVOR ask for the alias", "FLAVOR" },
    { "count", 0, 0, G_OPTION_ARG_STRING, &nova.count, "devices per instance in --flavor-property (default 1)",
      "N" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const nova_options[] = { nova_entries, NULL };

static char *hex4(guint v)
{
    return g_strdup_printf("%04x", v);
}

/* One device_spec or alias entry: keys and values, in order. */
typedef struct {
    const char *keys[4];
    char *values[4];
    guint n;
} NovaEntry;

static void nova_entry_clear(NovaEntry *e)
{
    for (guint i = 0; i < e->n; i++)
        g_free(e->values[i]);
}

static void set_string(NovaEntry *e, const char *key, const char *value)
{
    g_assert(e->n < G_N_ELEMENTS(e->keys));
    e->keys[e->n] = key;
    e->values[e->n++] = g_strdup(value);
}

/* {"k": "v", …}: one line, with the spacing of nova's documentation; every
 * key and value is a JSON string. */
static char *object_line(const NovaEntry *e)
{
    GString *s = g_string_new("{");
    for (guint i = 0; i < e->n; i++) {
        if (i)
            g_string_append(s, ", ");
        vh_json_quote(s, e->keys[i]);
        g_string_append(s, ": ");
        vh_json_quote(s, e->values[i]);
    }
    g_string_append_c(s, '}');
    return g_string_free(s, FALSE);
}

static void entries_json(VhJson *b, GArray *entries)
{
    vh_json_begin_array(b);
    for (guint i = 0; i < entries->len; i++) {
        const NovaEntry *e = &g_array_index(entries, NovaEntry, i);
        vh_json_begin_object(b);
        for (guint k = 0; k < e->n; k++) {
            vh_json_member(b, e->keys[k]);
            vh_json_string(b, e->values[k]);
        }
        vh_json_end_object(b);
    }
    vh_json_end_array(b);
}

static gboolean check_device(const Nodedev *dev, const char *spec, GError **error)
{
    g_autofree char *label = nodedev_label(dev);
    if (dev->kind != NODEDEV_PCI) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "%s: nova's [pci] section takes PCI devices, not %s", spec,
                    label);
        return FALSE;
    }
    if (dev->problem) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: %s", spec, dev->problem);
        return FALSE;
    }
    if (dev->vendor_id == 0) {
        g_autofree char *name = pci_addr_format(&dev->pci, PCI_FORMAT_NAME);
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "%s: nova needs the vendor and product ids of %s; give its node-device XML "
                    "(virsh nodedev-dumpxml %s > %s.xml) instead of the address",
                    spec, label, name, name);
        return FALSE;
    }
    return TRUE;
}

static int write_config(GPtrArray *devices, char **args, guint count, GError **error);

static int run_nova_config(char **args, GError **error)
{
    if (nova.alias == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "nova-config needs --alias NAME");
        return VH_EXIT_USAGE;
    }
    if (!alias_name_check(nova.alias, error))
        return VH_EXIT_USAGE;
    guint count = 1;
    if (nova.count) {
        if (!nova.flavor) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--count applies to --flavor-property FLAVOR");
            return VH_EXIT_USAGE;
        }
        if (!pci_number_parse(nova.count, "--count", 1024, &count, error))
            return VH_EXIT_USAGE;
        if (count == 0) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--count must be at least 1");
            return VH_EXIT_USAGE;
        }
    }
    if (nova.flavor && (*nova.flavor == '\0' || strchr(nova.flavor, '\n'))) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--flavor-property: expected a flavor name or id");
        return VH_EXIT_USAGE;
    }
    Host host = { 0 };
    g_autoptr(GPtrArray) devices = resolve_devices_open(&host, args, 0, error);
    int rc = devices ? write_config(devices, args, count, error) : vh_error_exit_code(*error);
    host_clear(&host);
    return rc;
}

/* The [pci] lines (or JSON) for DEVICES, named by ARGS. */
static int write_config(GPtrArray *devices, char **args, guint count, GError **error)
{
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *dev = devices->pdata[i];
        if (!check_device(dev, args[i], error))
            return VH_EXIT_USAGE;
        for (guint j = 0; j < i; j++) {
            if (pci_addr_equal(&((const Nodedev *)devices->pdata[j])->pci, &dev->pci)) {
                g_autofree char *label = nodedev_label(dev);
                g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "%s is given twice", label);
                return VH_EXIT_USAGE;
            }
        }
    }

    const char *option = nova.legacy ? "passthrough_whitelist" : "device_spec";
    g_autoptr(GArray) specs = g_array_new(FALSE, TRUE, sizeof(NovaEntry));
    g_autoptr(GArray) aliases = g_array_new(FALSE, TRUE, sizeof(NovaEntry));
    g_array_set_clear_func(specs, (GDestroyNotify)nova_entry_clear);
    g_array_set_clear_func(aliases, (GDestroyNotify)nova_entry_clear);
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *dev = devices->pdata[i];
        g_autofree char *vendor = hex4(dev->vendor_id), *product = hex4(dev->product_id);
        g_autofree char *address = pci_addr_format(&dev->pci, PCI_FORMAT_PCI);
        const char *type = pci_devtype_name(nodedev_devtype(dev));
        NovaEntry spec = { 0 };
        set_string(&spec, "vendor_id", vendor);
        set_string(&spec, "product_id", product);
        set_string(&spec, "address", address);
        g_array_append_val(specs, spec);
        /* one alias entry per kind of device: nova accepts several entries
         * with one name */
        g_autofree char *kind = g_strdup_printf("%s:%s:%s", vendor, product, type);
        if (g_hash_table_contains(seen, kind))
            continue;
        g_hash_table_add(seen, g_steal_pointer(&kind));
        NovaEntry alias = { 0 };
        set_string(&alias, "vendor_id", vendor);
        set_string(&alias, "product_id", product);
        set_string(&alias, "device_type", type);
        set_string(&alias, "name", nova.alias);
        g_array_append_val(aliases, alias);
    }

    g_autoptr(GString) conf = g_string_new("[pci]\n");
    g_string_append(conf, "# compute nodes: the devices this host offers to guests\n");
    for (guint i = 0; i < specs->len; i++) {
        g_autofree char *line = object_line(&g_array_index(specs, NovaEntry, i));
        g_string_append_printf(conf, "%s = %s\n", option, line);
    }
    g_string_append(conf, "# API and compute nodes: the alias flavors ask for\n");
    for (guint i = 0; i < aliases->len; i++) {
        g_autofree char *line = object_line(&g_array_index(aliases, NovaEntry, i));
        g_string_append_printf(conf, "alias = %s\n", line);
    }
    g_autofree char *value = g_strdup_printf("%s:%u", nova.alias, count);
    g_autofree char *command = NULL;
    if (nova.flavor) {
        g_autofree char *quoted = g_shell_quote(nova.flavor);
        gboolean plain = TRUE;
        for (const char *p = nova.flavor; *p && plain; p++)
            plain = g_ascii_isalnum(*p) || strchr("-_.:", *p);
        command = g_strdup_printf("openstack flavor set %s --property \"pci_passthrough:alias\"=\"%s\"",
                                  plain ? nova.flavor : quoted, value);
    }

    g_autoptr(GString) out = g_string_new(NULL);
    if (global_opts.json) {
        g_autoptr(VhJson) b = vh_json_new();
        vh_json_begin_object(b);
        vh_json_member(b, "alias");
        vh_json_string(b, nova.alias);
        vh_json_member(b, "option");
        vh_json_string(b, option);
        vh_json_member(b, "device_spec");
        entries_json(b, specs);
        vh_json_member(b, "alias_spec");
        entries_json(b, aliases);
        vh_json_member(b, "nova_conf");
        vh_json_string(b, conf->str);
        if (command) {
            vh_json_member(b, "flavor");
            vh_json_begin_object(b);
            vh_json_member(b, "name");
            vh_json_string(b, nova.flavor);
            vh_json_member(b, "property");
            vh_json_string(b, "pci_passthrough:alias");
            vh_json_member(b, "value");
            vh_json_string(b, value);
            vh_json_member(b, "command");
            vh_json_string(b, command);
            vh_json_end_object(b);
        }
        vh_json_end_object(b);
        const char *text = vh_json_text(b);
        g_string_append_printf(out, "%s\n", text);
    } else {
        g_string_append(out, conf->str);
        if (command)
            g_string_append_printf(out, "\n%s\n", command);
    }
    return cli_write_stdout(out->str, out->len, error) ? VH_EXIT_OK : VH_EXIT_FAILED;
}

const VerbDef verb_nova_config = {
    .name = "nova-config",
    .params = "--alias NAME DEVICE...",
    .summary = "print OpenStack nova [pci] device_spec and alias lines for devices",
    .options = nova_options,
    .run = run_nova_config,
};
