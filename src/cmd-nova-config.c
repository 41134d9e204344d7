/* nova-config DEVICE… --alias NAME: the OpenStack nova.conf [pci] lines that
 * offer the devices (device_spec) and name them for flavors (alias). Every
 * JSON value, in the text lines as well, is written by json-glib. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "aliases.h"
#include "cli.h"
#include "errors.h"

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

static void set_string(JsonObject *o, const char *key, const char *value)
{
    json_object_set_string_member(o, key, value);
}

/* {"k": "v", …}: one line, with the spacing of nova's documentation; every
 * key and value is a JSON string written by json-glib. */
static char *object_line(JsonObject *o)
{
    GString *s = g_string_new("{");
    g_autoptr(GList) members = json_object_get_members(o);
    for (GList *m = members; m; m = m->next) {
        g_autoptr(JsonNode) key = json_node_init_string(json_node_alloc(), m->data);
        g_autofree char *k = json_to_string(key, FALSE);
        g_autofree char *v = json_to_string(json_object_get_member(o, m->data), FALSE);
        g_string_append_printf(s, "%s%s: %s", m == members ? "" : ", ", k, v);
    }
    g_string_append_c(s, '}');
    return g_string_free(s, FALSE);
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
    g_autoptr(GPtrArray) devices = cli_resolve_devices(args, FALSE, error);
    if (devices == NULL)
        return vh_error_exit_code(*error);
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
    g_autoptr(JsonArray) specs = json_array_new();
    g_autoptr(JsonArray) aliases = json_array_new();
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *dev = devices->pdata[i];
        g_autofree char *vendor = hex4(dev->vendor_id), *product = hex4(dev->product_id);
        g_autofree char *address = pci_addr_format(&dev->pci, PCI_FORMAT_PCI);
        const char *type = pci_devtype_name(nodedev_devtype(dev));
        JsonObject *spec = json_object_new();
        set_string(spec, "vendor_id", vendor);
        set_string(spec, "product_id", product);
        set_string(spec, "address", address);
        json_array_add_object_element(specs, spec);
        /* one alias entry per kind of device: nova accepts several entries
         * with one name */
        g_autofree char *kind = g_strdup_printf("%s:%s:%s", vendor, product, type);
        if (g_hash_table_contains(seen, kind))
            continue;
        g_hash_table_add(seen, g_steal_pointer(&kind));
        JsonObject *alias = json_object_new();
        set_string(alias, "vendor_id", vendor);
        set_string(alias, "product_id", product);
        set_string(alias, "device_type", type);
        set_string(alias, "name", nova.alias);
        json_array_add_object_element(aliases, alias);
    }

    g_autoptr(GString) conf = g_string_new("[pci]\n");
    g_string_append(conf, "# compute nodes: the devices this host offers to guests\n");
    for (guint i = 0; i < json_array_get_length(specs); i++) {
        g_autofree char *line = object_line(json_array_get_object_element(specs, i));
        g_string_append_printf(conf, "%s = %s\n", option, line);
    }
    g_string_append(conf, "# API and compute nodes: the alias flavors ask for\n");
    for (guint i = 0; i < json_array_get_length(aliases); i++) {
        g_autofree char *line = object_line(json_array_get_object_element(aliases, i));
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
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "alias");
        json_builder_add_string_value(b, nova.alias);
        json_builder_set_member_name(b, "option");
        json_builder_add_string_value(b, option);
        json_builder_set_member_name(b, "device_spec");
        json_builder_add_value(b, json_node_init_array(json_node_alloc(), specs));
        json_builder_set_member_name(b, "alias_spec");
        json_builder_add_value(b, json_node_init_array(json_node_alloc(), aliases));
        json_builder_set_member_name(b, "nova_conf");
        json_builder_add_string_value(b, conf->str);
        if (command) {
            json_builder_set_member_name(b, "flavor");
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "name");
            json_builder_add_string_value(b, nova.flavor);
            json_builder_set_member_name(b, "property");
            json_builder_add_string_value(b, "pci_passthrough:alias");
            json_builder_set_member_name(b, "value");
            json_builder_add_string_value(b, value);
            json_builder_set_member_name(b, "command");
            json_builder_add_string_value(b, command);
            json_builder_end_object(b);
        }
        json_builder_end_object(b);
        g_autoptr(JsonNode) root = json_builder_get_root(b);
        g_autofree char *text = json_to_string(root, TRUE);
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
