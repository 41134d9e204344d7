#include "nova.h"

#include <string.h>

#include "aliases.h"
#include "errors.h"
#include "fleet.h"

/* One device_spec or alias entry: keys and values, in order; a NULL value
 * is left out of the line and null in the JSON. */
typedef struct {
    const char *keys[4];
    char *values[4];
    guint n;
} NovaEntry;

struct NovaConfig {
    NovaOptions opts;
    char *alias, *physnet, *flavor;  /* the options' strings, owned */
    GArray *specs;    /* NovaEntry: vendor_id, product_id, address, physical_network */
    GArray *aliases;  /* NovaEntry: vendor_id, product_id, device_type, name */
    GPtrArray *names; /* the alias names, in order (char*) */
    char *value;      /* "gpu:1,gpu-audio:1" */
};

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

static gboolean entry_equal(const NovaEntry *a, const NovaEntry *b)
{
    for (guint i = 0; i < a->n; i++)
        if (g_strcmp0(a->values[i], b->values[i]) != 0)
            return FALSE;
    return a->n == b->n;
}

void nova_config_free(NovaConfig *config)
{
    if (config == NULL)
        return;
    g_free(config->alias);
    g_free(config->physnet);
    g_free(config->flavor);
    g_array_unref(config->specs);
    g_array_unref(config->aliases);
    g_ptr_array_unref(config->names);
    g_free(config->value);
    g_free(config);
}

/* nova-compute's own rule: a PF and one of its VFs in one device_spec set
 * is refused ("Either the parent PF or its children VFs can be
 * configured"), whichever side the node-device XML tells. */
static gboolean check_pf_vf(GPtrArray *devices, GError **error)
{
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *a = devices->pdata[i];
        for (guint j = 0; j < devices->len; j++) {
            const Nodedev *b = devices->pdata[j];
            gboolean listed = FALSE;
            for (guint k = 0; a->vfs && k < a->vfs->len && !listed; k++)
                listed = pci_addr_equal(&g_array_index(a->vfs, PciAddr, k), &b->pci);
            if (listed || (b->is_vf && pci_addr_equal(&b->pf, &a->pci))) {
                g_autofree char *pf = nodedev_label(a), *vf = nodedev_label(b);
                g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                            "%s and its VF %s in one device_spec set: nova-compute refuses to start with both "
                            "(either the PF or its VFs); export one or the other",
                            pf, vf);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static gboolean check_devices(GPtrArray *devices, const NovaOptions *opts, GError **error)
{
    gboolean any_vf = FALSE;
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *dev = devices->pdata[i];
        any_vf |= dev->is_vf;
        for (guint j = 0; j < i; j++) {
            if (pci_addr_equal(&((const Nodedev *)devices->pdata[j])->pci, &dev->pci)) {
                g_autofree char *label = nodedev_label(dev);
                g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "%s is given twice", label);
                return FALSE;
            }
        }
    }
    if (opts->physnet && !any_vf) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--physnet applies to SR-IOV VFs, and none of the devices is one");
        return FALSE;
    }
    return check_pf_vf(devices, error);
}

/* nova refuses an alias whose entries differ in device_type. */
static gboolean add_alias(NovaConfig *c, NovaEntry *alias, const Nodedev *dev, GError **error)
{
    for (guint i = 0; i < c->aliases->len; i++) {
        NovaEntry *o = &g_array_index(c->aliases, NovaEntry, i);
        if (strcmp(o->values[3], alias->values[3]) != 0)
            continue;
        if (strcmp(o->values[2], alias->values[2]) != 0) {
            g_autofree char *label = nodedev_label(dev);
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                        "alias '%s' would hold %s devices and %s (%s): nova refuses an alias whose entries differ in "
                        "device_type; export them under different names",
                        alias->values[3], o->values[2], label, alias->values[2]);
            nova_entry_clear(alias);
            return FALSE;
        }
        if (entry_equal(o, alias)) {
            nova_entry_clear(alias);
            return TRUE;
        }
    }
    g_array_append_val(c->aliases, *alias);
    return TRUE;
}

static gboolean build_entries(NovaConfig *c, GPtrArray *devices, GError **error)
{
    g_autoptr(GPtrArray) names = fleet_names(devices, c->alias);
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *dev = devices->pdata[i];
        g_autofree char *vendor = g_strdup_printf("%04x", dev->vendor_id);
        g_autofree char *product = g_strdup_printf("%04x", dev->product_id);
        g_autofree char *address = pci_addr_format(&dev->pci, PCI_FORMAT_PCI);
        NovaEntry spec = { 0 };
        set_string(&spec, "vendor_id", vendor);
        set_string(&spec, "product_id", product);
        set_string(&spec, "address", address);
        set_string(&spec, "physical_network", dev->is_vf ? c->physnet : NULL);
        g_array_append_val(c->specs, spec);
        NovaEntry alias = { 0 };
        set_string(&alias, "vendor_id", vendor);
        set_string(&alias, "product_id", product);
        set_string(&alias, "device_type", pci_devtype_name(nodedev_devtype(dev)));
        set_string(&alias, "name", names->pdata[i]);
        if (!add_alias(c, &alias, dev, error))
            return FALSE;
    }
    g_autoptr(GPtrArray) distinct = fleet_distinct(names);
    GString *value = g_string_new(NULL);
    for (guint i = 0; i < distinct->len; i++) {
        g_ptr_array_add(c->names, g_strdup(distinct->pdata[i]));
        g_string_append_printf(value, "%s%s:%u", i ? "," : "", (const char *)distinct->pdata[i], c->opts.count);
    }
    c->value = g_string_free(value, FALSE);
    return TRUE;
}

NovaConfig *nova_config_new(GPtrArray *devices, const NovaOptions *opts, GError **error)
{
    if (!alias_name_check(opts->alias, error))
        return NULL;
    if (opts->physnet && (*opts->physnet == '\0' || strpbrk(opts->physnet, "\n\"\\"))) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--physnet: expected the name of a neutron physical network");
        return NULL;
    }
    if (opts->flavor && (*opts->flavor == '\0' || strchr(opts->flavor, '\n'))) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--flavor-property: expected a flavor name or id");
        return NULL;
    }
    if (!check_devices(devices, opts, error))
        return NULL;
    g_autoptr(NovaConfig) c = g_new0(NovaConfig, 1);
    c->opts = *opts;
    c->alias = g_strdup(opts->alias);
    c->physnet = g_strdup(opts->physnet);
    c->flavor = g_strdup(opts->flavor);
    c->specs = g_array_new(FALSE, TRUE, sizeof(NovaEntry));
    c->aliases = g_array_new(FALSE, TRUE, sizeof(NovaEntry));
    g_array_set_clear_func(c->specs, (GDestroyNotify)nova_entry_clear);
    g_array_set_clear_func(c->aliases, (GDestroyNotify)nova_entry_clear);
    c->names = g_ptr_array_new_with_free_func(g_free);
    return build_entries(c, devices, error) ? g_steal_pointer(&c) : NULL;
}

/* {"k": "v", …}: one line, with the spacing of nova's documentation. */
static char *object_line(const NovaEntry *e)
{
    GString *s = g_string_new("{");
    for (guint i = 0, n = 0; i < e->n; i++) {
        if (e->values[i] == NULL)
            continue;
        if (n++)
            g_string_append(s, ", ");
        vh_json_quote(s, e->keys[i]);
        g_string_append(s, ": ");
        vh_json_quote(s, e->values[i]);
    }
    g_string_append_c(s, '}');
    return g_string_free(s, FALSE);
}

static char *flavor_command(const NovaConfig *c)
{
    gboolean plain = TRUE;
    for (const char *p = c->flavor; *p && plain; p++)
        plain = g_ascii_isalnum(*p) || strchr("-_.:", *p);
    g_autofree char *quoted = g_shell_quote(c->flavor);
    return g_strdup_printf("openstack flavor set %s --property \"pci_passthrough:alias\"=\"%s\"",
                           plain ? c->flavor : quoted, c->value);
}

static char *conf_text(const NovaConfig *c)
{
    const char *option = c->opts.legacy ? "passthrough_whitelist" : "device_spec";
    GString *conf = g_string_new("[pci]\n");
    g_string_append(conf, "# compute nodes: the devices this host offers to guests\n");
    for (guint i = 0; i < c->specs->len; i++) {
        g_autofree char *line = object_line(&g_array_index(c->specs, NovaEntry, i));
        g_string_append_printf(conf, "%s = %s\n", option, line);
    }
    g_string_append_printf(conf, "# API and compute nodes: the aliases; a flavor asks for each once with\n"
                                 "# \"pci_passthrough:alias\"=\"%s\"\n", c->value);
    for (guint i = 0; i < c->aliases->len; i++) {
        g_autofree char *line = object_line(&g_array_index(c->aliases, NovaEntry, i));
        g_string_append_printf(conf, "alias = %s\n", line);
    }
    return g_string_free(conf, FALSE);
}

char *nova_config_text(const NovaConfig *c)
{
    char *conf = conf_text(c);
    if (c->flavor == NULL)
        return conf;
    g_autofree char *command = flavor_command(c);
    char *text = g_strdup_printf("%s\n%s\n", conf, command);
    g_free(conf);
    return text;
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

static void flavor_json(const NovaConfig *c, VhJson *b)
{
    if (c->flavor == NULL) {
        vh_json_null(b);
        return;
    }
    g_autofree char *command = flavor_command(c);
    vh_json_begin_object(b);
    vh_json_member(b, "name");
    vh_json_string(b, c->flavor);
    vh_json_member(b, "property");
    vh_json_string(b, "pci_passthrough:alias");
    vh_json_member(b, "value");
    vh_json_string(b, c->value);
    vh_json_member(b, "command");
    vh_json_string(b, command);
    vh_json_end_object(b);
}

void nova_config_json(const NovaConfig *c, VhJson *b)
{
    g_autofree char *conf = conf_text(c);
    vh_json_begin_object(b);
    vh_json_member(b, "alias");
    vh_json_string(b, c->alias);
    vh_json_member(b, "option");
    vh_json_string(b, c->opts.legacy ? "passthrough_whitelist" : "device_spec");
    vh_json_member(b, "device_spec");
    entries_json(b, c->specs);
    vh_json_member(b, "alias_spec");
    entries_json(b, c->aliases);
    vh_json_member(b, "requests");
    vh_json_begin_array(b);
    for (guint i = 0; i < c->names->len; i++) {
        vh_json_begin_object(b);
        vh_json_member(b, "alias");
        vh_json_string(b, c->names->pdata[i]);
        vh_json_member(b, "count");
        vh_json_int(b, c->opts.count);
        vh_json_end_object(b);
    }
    vh_json_end_array(b);
    vh_json_member(b, "nova_conf");
    vh_json_string(b, conf);
    vh_json_member(b, "flavor");
    flavor_json(c, b);
    vh_json_end_object(b);
}
