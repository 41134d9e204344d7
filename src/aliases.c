#include "aliases.h"

#include <string.h>

#include "errors.h"
#include "fileio.h"

static const char *const alias_keys[] = { "vendor_id", "product_id", "device_type", "address", NULL };

const char *pci_devtype_name(PciDevType type)
{
    switch (type) {
    case PCI_DEVTYPE_PCI:
        return "type-PCI";
    case PCI_DEVTYPE_PF:
        return "type-PF";
    case PCI_DEVTYPE_VF:
        return "type-VF";
    case PCI_DEVTYPE_ANY:
        break;
    }
    return "any";
}

PciDevType nodedev_devtype(const Nodedev *dev)
{
    if (dev->is_vf)
        return PCI_DEVTYPE_VF;
    if (dev->vf_max >= 0 || (dev->vfs && dev->vfs->len > 0))
        return PCI_DEVTYPE_PF;
    return PCI_DEVTYPE_PCI;
}

/* ------------------------------------------------------------ address glob */

static gboolean glob_component(const char *text, guint max, gint *out)
{
    if (*text == '\0' || strcmp(text, "*") == 0) {
        *out = -1;
        return TRUE;
    }
    if (strlen(text) > 4)
        return FALSE;
    guint v = 0;
    for (const char *p = text; *p; p++) {
        if (!g_ascii_isxdigit(*p))
            return FALSE;
        v = v * 16 + (guint)g_ascii_xdigit_value(*p);
    }
    if (v > max)
        return FALSE;
    *out = (gint)v;
    return TRUE;
}

gboolean addr_glob_parse(const char *text, AddrGlob *glob, GError **error)
{
    *glob = (AddrGlob){ -1, -1, -1, -1 };
    const char *dot = strrchr(text, '.');
    g_autofree char *left = dot ? g_strndup(text, (gsize)(dot - text)) : g_strdup(text);
    g_auto(GStrv) parts = g_strsplit(left, ":", -1);
    guint n = g_strv_length(parts);
    gboolean ok = *text != '\0' && n <= 3;
    /* from the right: slot, bus, domain */
    gint *fields[] = { &glob->slot, &glob->bus, &glob->domain };
    static const guint maxima[] = { PCI_SLOT_MAX, PCI_BUS_MAX, PCI_DOMAIN_MAX };
    for (guint i = 0; ok && i < n; i++)
        ok = glob_component(parts[n - 1 - i], maxima[i], fields[i]);
    if (ok && dot)
        ok = glob_component(dot + 1, PCI_FUNCTION_MAX, &glob->function);
    if (!ok) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "address '%s': expected [[[DOMAIN:]BUS:]SLOT][.FUNCTION] in hex, '*' for any, "
                    "such as 0000:03:*.*", text);
        return FALSE;
    }
    return TRUE;
}

gboolean addr_glob_match(const AddrGlob *g, const PciAddr *a)
{
    return (g->domain < 0 || (guint)g->domain == a->domain) && (g->bus < 0 || (guint)g->bus == a->bus) &&
           (g->slot < 0 || (guint)g->slot == a->slot) && (g->function < 0 || (guint)g->function == a->function);
}

/* ------------------------------------------------------------- the config */

static void alias_free(Alias *alias)
{
    g_free(alias->name);
    g_free(alias->address);
    g_free(alias);
}

void alias_config_free(AliasConfig *config)
{
    if (config == NULL)
        return;
    g_free(config->what);
    g_ptr_array_unref(config->aliases);
    g_free(config);
}

static gboolean alias_name_valid(const char *name)
{
    if (*name == '\0')
        return FALSE;
    for (const char *p = name; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
            return FALSE;
    return TRUE;
}

/* Line numbers GKeyFile does not keep: "group" -> line, "group\nkey" -> line. */
static gboolean scan_lines(const char *data, gsize len, const char *what, GHashTable *lines, GPtrArray *groups,
                           GError **error)
{
    g_autofree char *text = g_strndup(data, len);
    g_auto(GStrv) raw = g_strsplit(text, "\n", -1);
    const char *group = NULL;
    for (guint i = 0; raw[i]; i++) {
        guint line = i + 1;
        char *l = g_strstrip(raw[i]);
        if (*l == '\0' || *l == '#')
            continue;
        if (*l == '[') {
            char *close = strchr(l, ']');
            if (close == NULL || close[1] != '\0') {
                g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s:%u: unterminated group header '%s'", what, line, l);
                return FALSE;
            }
            *close = '\0';
            g_autofree char *name = g_strdup(l + 1);
            gpointer first;
            if (g_hash_table_lookup_extended(lines, name, NULL, &first)) {
                g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s:%u: group [%s] appears twice (first at line %u)",
                            what, line, name, GPOINTER_TO_UINT(first));
                return FALSE;
            }
            g_hash_table_insert(lines, g_strdup(name), GUINT_TO_POINTER(line));
            g_ptr_array_add(groups, g_strdup(name));
            group = groups->pdata[groups->len - 1];
            continue;
        }
        char *eq = strchr(l, '=');
        if (eq == NULL) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                        "%s:%u: expected [alias NAME], KEY = VALUE or a # comment, not '%s'", what, line, l);
            return FALSE;
        }
        *eq = '\0';
        g_strstrip(l);
        if (group == NULL) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s:%u: '%s' outside a group: start with [alias NAME]",
                        what, line, l);
            return FALSE;
        }
        g_autofree char *key = g_strconcat(group, "\n", l, NULL);
        gpointer first;
        if (g_hash_table_lookup_extended(lines, key, NULL, &first)) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s:%u: [%s] sets %s twice (first at line %u)", what, line,
                        group, l, GPOINTER_TO_UINT(first));
            return FALSE;
        }
        g_hash_table_insert(lines, g_steal_pointer(&key), GUINT_TO_POINTER(line));
    }
    return TRUE;
}

static guint line_of(GHashTable *lines, const char *group, const char *key)
{
    g_autofree char *k = key ? g_strconcat(group, "\n", key, NULL) : g_strdup(group);
    return GPOINTER_TO_UINT(g_hash_table_lookup(lines, k));
}

static gboolean parse_hex_id(const char *text, guint *value)
{
    const char *p = g_str_has_prefix(text, "0x") || g_str_has_prefix(text, "0X") ? text + 2 : text;
    if (*p == '\0' || strlen(p) > 4)
        return FALSE;
    guint v = 0;
    for (; *p; p++) {
        if (!g_ascii_isxdigit(*p))
            return FALSE;
        v = v * 16 + (guint)g_ascii_xdigit_value(*p);
    }
    *value = v;
    return TRUE;
}

static Alias *parse_alias(GKeyFile *kf, const char *group, GHashTable *lines, const char *what, GError **error)
{
    guint gline = line_of(lines, group, NULL);
    if (!g_str_has_prefix(group, "alias ") || !alias_name_valid(group + 6)) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "%s:%u: group [%s]: expected [alias NAME], NAME of letters, digits, '-', '_' and '.'", what, gline,
                    group);
        return NULL;
    }
    g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);
    for (char **k = keys; k && *k; k++) {
        if (!g_strv_contains(alias_keys, *k)) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s:%u: [%s]: unknown key '%s' (known: vendor_id, "
                        "product_id, device_type, address)", what, line_of(lines, group, *k), group, *k);
            return NULL;
        }
    }
    g_autoptr(GPtrArray) holder = g_ptr_array_new_with_free_func((GDestroyNotify)alias_free);
    Alias *alias = g_new0(Alias, 1);
    g_ptr_array_add(holder, alias);
    alias->name = g_strdup(group + 6);
    alias->line = gline;
    alias->product_id = -1;

    g_autofree char *vendor = g_key_file_get_string(kf, group, "vendor_id", NULL);
    if (vendor == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s:%u: [%s]: vendor_id is required", what, gline, group);
        return NULL;
    }
    if (!parse_hex_id(g_strstrip(vendor), &alias->vendor_id)) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s:%u: [%s]: vendor_id '%s': expected a hex id such as 10de",
                    what, line_of(lines, group, "vendor_id"), group, vendor);
        return NULL;
    }
    g_autofree char *product = g_key_file_get_string(kf, group, "product_id", NULL);
    if (product && strcmp(g_strstrip(product), "*") != 0) {
        guint p;
        if (!parse_hex_id(product, &p)) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                        "%s:%u: [%s]: product_id '%s': expected a hex id such as 1eb8, or *", what,
                        line_of(lines, group, "product_id"), group, product);
            return NULL;
        }
        alias->product_id = (gint)p;
    }
    g_autofree char *type = g_key_file_get_string(kf, group, "device_type", NULL);
    if (type) {
        g_strstrip(type);
        if (strcmp(type, "type-PCI") == 0)
            alias->device_type = PCI_DEVTYPE_PCI;
        else if (strcmp(type, "type-PF") == 0)
            alias->device_type = PCI_DEVTYPE_PF;
        else if (strcmp(type, "type-VF") == 0)
            alias->device_type = PCI_DEVTYPE_VF;
        else {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                        "%s:%u: [%s]: device_type '%s': expected type-PCI, type-PF or type-VF", what,
                        line_of(lines, group, "device_type"), group, type);
            return NULL;
        }
    }
    g_autofree char *address = g_key_file_get_string(kf, group, "address", NULL);
    alias->address_glob = (AddrGlob){ -1, -1, -1, -1 };
    if (address) {
        g_autoptr(GError) err = NULL;
        if (!addr_glob_parse(g_strstrip(address), &alias->address_glob, &err)) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s:%u: [%s]: %s", what, line_of(lines, group, "address"),
                        group, err->message);
            return NULL;
        }
        alias->address = g_steal_pointer(&address);
    }
    return g_ptr_array_steal_index(holder, 0);
}

AliasConfig *alias_config_parse(const char *data, gsize len, const char *what, GError **error)
{
    if (memchr(data, '\0', len)) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: binary data (NUL byte), expected an aliases file", what);
        return NULL;
    }
    g_autoptr(GHashTable) lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func(g_free);
    if (!scan_lines(data, len, what, lines, groups, error))
        return NULL;
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) kf_error = NULL;
    if (len > 0 && !g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, &kf_error)) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: %s", what, kf_error->message);
        return NULL;
    }
    g_autoptr(AliasConfig) config = g_new0(AliasConfig, 1);
    config->what = g_strdup(what);
    config->aliases = g_ptr_array_new_with_free_func((GDestroyNotify)alias_free);
    for (guint i = 0; i < groups->len; i++) {
        Alias *alias = parse_alias(kf, groups->pdata[i], lines, what, error);
        if (alias == NULL)
            return NULL;
        g_ptr_array_add(config->aliases, alias);
    }
    return g_steal_pointer(&config);
}

AliasConfig *alias_config_load(const char *path, GError **error)
{
    const char *file = path ? path : ALIAS_CONFIG_DEFAULT;
    if (path == NULL && !g_file_test(file, G_FILE_TEST_EXISTS)) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "no alias configuration: %s does not exist (write [alias NAME] groups there, or give --aliases FILE)",
                    file);
        return NULL;
    }
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!fileio_read(file, &data, &len, error))
        return NULL;
    return alias_config_parse(data, len, strcmp(file, "-") == 0 ? "standard input" : file, error);
}

const Alias *alias_config_find(const AliasConfig *config, const char *name, GError **error)
{
    g_autoptr(GString) known = g_string_new(NULL);
    for (guint i = 0; i < config->aliases->len; i++) {
        const Alias *a = config->aliases->pdata[i];
        if (strcmp(a->name, name) == 0)
            return a;
        g_string_append_printf(known, "%s%s", i ? ", " : "", a->name);
    }
    g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "no alias '%s' in %s (known: %s)", name, config->what,
                known->len ? known->str : "none");
    return NULL;
}

gboolean alias_name_check(const char *name, GError **error)
{
    if (alias_name_valid(name))
        return TRUE;
    g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "alias name '%s': use letters, digits, '-', '_' and '.'", name);
    return FALSE;
}

gboolean alias_request_parse(const char *text, char **name, guint *count, GError **error)
{
    const char *colon = strchr(text, ':');
    g_autofree char *n = colon ? g_strndup(text, (gsize)(colon - text)) : g_strdup(text);
    guint c = 1;
    gboolean ok = alias_name_valid(n);
    if (ok && colon) {
        guint64 v = 0;
        ok = colon[1] != '\0' && strlen(colon + 1) <= 4 &&
             g_ascii_string_to_unsigned(colon + 1, 10, 1, 1024, &v, NULL);
        c = (guint)v;
    }
    if (!ok) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "alias request '%s': expected NAME or NAME:COUNT (1 to 1024)",
                    text);
        return FALSE;
    }
    *name = g_steal_pointer(&n);
    *count = c;
    return TRUE;
}

gboolean alias_matches(const Alias *alias, const Nodedev *dev)
{
    if (dev->kind != NODEDEV_PCI || dev->problem)
        return FALSE;
    if (dev->vendor_id != alias->vendor_id)
        return FALSE;
    if (alias->product_id >= 0 && dev->product_id != (guint)alias->product_id)
        return FALSE;
    if (alias->device_type != PCI_DEVTYPE_ANY && nodedev_devtype(dev) != alias->device_type)
        return FALSE;
    return addr_glob_match(&alias->address_glob, &dev->pci);
}

/* ------------------------------------------------------------------ pool */

void pool_entry_free(PoolEntry *entry)
{
    if (entry == NULL)
        return;
    g_free(entry->holder);
    g_free(entry->reason);
    g_ptr_array_unref(entry->functions);
    g_free(entry);
}

/* DEV and the other functions of its physical device that may go with it:
 * the same IOMMU group, and what the host may give away (an LPC bridge
 * stays, its audio function goes alone). */
static GPtrArray *device_functions(Inventory *inv, const Nodedev *dev)
{
    GPtrArray *fns = inventory_device_functions(inv, dev);
    gboolean takes_others = inventory_device_passable(dev, NULL);
    for (guint i = fns->len; i-- > 0;) {
        const Nodedev *fn = fns->pdata[i];
        if (fn != dev && !(takes_others && fn->iommu_group == dev->iommu_group && inventory_device_passable(fn, NULL)))
            g_ptr_array_remove_index(fns, i);
    }
    return fns;
}

static const DeviceUser *first_user(Inventory *inv, GPtrArray *functions)
{
    for (guint i = 0; i < functions->len; i++) {
        GPtrArray *users = inventory_users(inv, functions->pdata[i]);
        if (users->len)
            return users->pdata[0];
    }
    return NULL;
}

/* The inventory's verdict on the functions assigned together. */
static char *refusal(Inventory *inv, GPtrArray *functions, const char *domain_uuid)
{
    AssignContext ctx = { .domain_uuid = domain_uuid, .together = functions };
    for (guint i = 0; i < functions->len; i++) {
        const Nodedev *fn = functions->pdata[i];
        g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func(g_free);
        if (inventory_assignable(inv, fn, &ctx, reasons))
            continue;
        g_ptr_array_add(reasons, NULL);
        g_autofree char *why = g_strjoinv("; ", (char **)reasons->pdata);
        if (i == 0)
            return g_steal_pointer(&why);
        g_autofree char *label = nodedev_label(fn);
        return g_strdup_printf("%s: %s", label, why);
    }
    return NULL;
}

static PoolEntry *pool_entry_for(Inventory *inv, const Nodedev *dev, const char *domain_uuid)
{
    PoolEntry *e = g_new0(PoolEntry, 1);
    e->dev = dev;
    e->functions = device_functions(inv, dev);
    /* anything a domain has, the edited one too, is not picked again */
    const DeviceUser *holder = first_user(inv, e->functions);
    if (holder) {
        e->state = POOL_HELD;
        e->holder = g_strdup(holder->domain);
    } else if ((e->reason = refusal(inv, e->functions, domain_uuid))) {
        e->state = POOL_BLOCKED;
    } else {
        e->state = POOL_FREE;
    }
    return e;
}

GPtrArray *alias_pool(const Alias *alias, Inventory *inv, const char *domain_uuid)
{
    /* the inventory's devices are in address order */
    GPtrArray *all = inventory_devices(inv);
    GPtrArray *pool = g_ptr_array_new_with_free_func((GDestroyNotify)pool_entry_free);
    for (guint i = 0; i < all->len; i++) {
        const Nodedev *dev = all->pdata[i];
        if (!alias_matches(alias, dev))
            continue;
        /* another function of a device already in the pool goes with it */
        gboolean folded = FALSE;
        for (guint p = 0; p < pool->len && !folded; p++)
            folded = g_ptr_array_find(((const PoolEntry *)pool->pdata[p])->functions, dev, NULL);
        if (!folded)
            g_ptr_array_add(pool, pool_entry_for(inv, dev, domain_uuid));
    }
    return pool;
}

static char *describe_ids(const Alias *alias)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "vendor_id %04x", alias->vendor_id);
    if (alias->product_id >= 0)
        g_string_append_printf(s, ", product_id %04x", (guint)alias->product_id);
    if (alias->device_type != PCI_DEVTYPE_ANY)
        g_string_append_printf(s, ", %s", pci_devtype_name(alias->device_type));
    if (alias->address)
        g_string_append_printf(s, ", address %s", alias->address);
    return g_string_free(s, FALSE);
}

GPtrArray *alias_pick(const Alias *alias, Inventory *inv, const char *domain_uuid, guint count, GError **error)
{
    g_autoptr(GPtrArray) pool = alias_pool(alias, inv, domain_uuid);
    g_autoptr(GPtrArray) picked = g_ptr_array_new_with_free_func((GDestroyNotify)pool_entry_free);
    g_autoptr(GString) free_list = g_string_new(NULL), held_list = g_string_new(NULL),
                       blocked_list = g_string_new(NULL);
    guint nfree = 0, matched = pool->len;
    for (guint i = 0; i < pool->len; i++) {
        PoolEntry *e = pool->pdata[i];
        g_autofree char *text = pci_addr_format(&e->dev->pci, PCI_FORMAT_PCI);
        switch (e->state) {
        case POOL_FREE:
            g_string_append_printf(free_list, "%s%s", nfree ? ", " : "", text);
            if (nfree++ < count)
                g_ptr_array_add(picked, g_ptr_array_steal_index(pool, i--));
            break;
        case POOL_HELD:
            g_string_append_printf(held_list, "%s%s by %s", held_list->len ? ", " : "", text, e->holder);
            break;
        case POOL_BLOCKED:
            g_string_append_printf(blocked_list, "%s%s (%s)", blocked_list->len ? ", " : "", text, e->reason);
            break;
        }
    }
    if (nfree >= count)
        return g_steal_pointer(&picked);
    g_autofree char *ids = describe_ids(alias);
    if (matched == 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "alias '%s' wants %u device%s, none of the %u host devices matches (%s)", alias->name, count,
                    count == 1 ? "" : "s", inventory_devices(inv)->len, ids);
        return NULL;
    }
    g_autoptr(GString) msg = g_string_new(NULL);
    g_string_append_printf(msg, "alias '%s' wants %u device%s, %u free", alias->name, count, count == 1 ? "" : "s",
                           nfree);
    if (nfree)
        g_string_append_printf(msg, ": %s", free_list->str);
    if (held_list->len)
        g_string_append_printf(msg, "; held: %s", held_list->str);
    if (blocked_list->len)
        g_string_append_printf(msg, "; not assignable: %s", blocked_list->str);
    g_set_error_literal(error, VH_ERROR, VH_ERROR_FAILED, msg->str);
    return NULL;
}
