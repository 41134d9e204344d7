#include "export.h"

#include <string.h>

#include "errors.h"
#include "fleet.h"

/* A document as both YAML and JSON print it: maps, lists, strings. */
typedef enum { NODE_MAP, NODE_LIST, NODE_STRING } NodeKind;

typedef struct Node {
    NodeKind kind;
    char *key;           /* inside a map */
    char *text;          /* NODE_STRING */
    GPtrArray *children; /* NODE_MAP, NODE_LIST */
} Node;

struct ExportDoc {
    Node *root;
    GPtrArray *lines;  /* the text form when it is not YAML (Proxmox's commands) */
    GPtrArray *notes;
};

static void node_free(Node *n)
{
    if (n == NULL)
        return;
    g_free(n->key);
    g_free(n->text);
    if (n->children)
        g_ptr_array_unref(n->children);
    g_free(n);
}

/* A new node, added under PARENT (when not NULL) as KEY. */
static Node *node_add(Node *parent, const char *key, NodeKind kind, const char *text)
{
    Node *n = g_new0(Node, 1);
    n->kind = kind;
    n->key = g_strdup(key);
    n->text = g_strdup(text);
    if (kind != NODE_STRING)
        n->children = g_ptr_array_new_with_free_func((GDestroyNotify)node_free);
    if (parent)
        g_ptr_array_add(parent->children, n);
    return n;
}

/* PATH ("spec", "configuration", …) of maps under ROOT, then a list. */
static Node *node_path(Node *root, const char *const *path)
{
    Node *at = root;
    for (; path[1]; path++)
        at = node_add(at, *path, NODE_MAP, NULL);
    return node_add(at, *path, NODE_LIST, NULL);
}

static ExportDoc *doc_new(void)
{
    ExportDoc *doc = g_new0(ExportDoc, 1);
    doc->root = node_add(NULL, NULL, NODE_MAP, NULL);
    doc->notes = g_ptr_array_new_with_free_func(g_free);
    return doc;
}

void export_doc_free(ExportDoc *doc)
{
    if (doc == NULL)
        return;
    node_free(doc->root);
    if (doc->lines)
        g_ptr_array_unref(doc->lines);
    g_ptr_array_unref(doc->notes);
    g_free(doc);
}

GPtrArray *export_doc_notes(const ExportDoc *doc)
{
    return doc->notes;
}

/* ---------------------------------------------------------------- Proxmox */

/* pve-configid: a letter, then letters, digits, '-' and '_' */
static gboolean proxmox_id_valid(const char *id)
{
    if (!g_ascii_isalpha(id[0]) || id[1] == '\0')
        return FALSE;
    for (const char *p = id; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
            return FALSE;
    return TRUE;
}

static char *proxmox_map(const char *node, const Nodedev *dev, gboolean whole_slot)
{
    g_autofree char *path = pci_addr_format(&dev->pci, PCI_FORMAT_PCI);
    if (whole_slot)
        path[strlen(path) - 2] = '\0';  /* 0000:01:00.0 -> 0000:01:00 */
    g_autofree char *ids = fleet_ids(dev, FALSE);
    GString *map = g_string_new(NULL);
    g_string_append_printf(map, "node=%s,path=%s,id=%s", node, path, ids);
    if (dev->iommu_group >= 0)
        g_string_append_printf(map, ",iommugroup=%d", dev->iommu_group);
    return g_string_free(map, FALSE);
}

/* NAMES/MAPS: the mapping ids in order, and the --map values of each. */
static void proxmox_collect(GPtrArray *hosts, const char *name, gboolean whole_slots, GPtrArray *names,
                            GHashTable *maps)
{
    for (guint h = 0; h < hosts->len; h++) {
        const ExportHost *host = hosts->pdata[h];
        g_autoptr(GPtrArray) fnames = fleet_names(host->devices, name);
        for (guint i = 0; i < host->devices->len; i++) {
            const Nodedev *dev = host->devices->pdata[i];
            gboolean whole = whole_slots && !dev->is_vf;
            if (whole && !fleet_slot_leader(host->devices, dev))
                continue;
            const char *id = whole ? name : fnames->pdata[i];
            GPtrArray *list = g_hash_table_lookup(maps, id);
            if (list == NULL) {
                list = g_ptr_array_new_with_free_func(g_free);
                g_hash_table_insert(maps, g_strdup(id), list);
                g_ptr_array_add(names, g_strdup(id));
            }
            g_ptr_array_add(list, proxmox_map(host->node, dev, whole));
        }
    }
}

ExportDoc *export_proxmox(GPtrArray *hosts, const char *name, gboolean whole_slots, GError **error)
{
    if (!proxmox_id_valid(name)) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "--name '%s': a Proxmox mapping id is a letter, then letters, digits, '-' and '_'", name);
        return NULL;
    }
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) maps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify)g_ptr_array_unref);
    proxmox_collect(hosts, name, whole_slots, names, maps);
    ExportDoc *doc = doc_new();
    doc->lines = g_ptr_array_new_with_free_func(g_free);
    const char *const path[] = { "mappings", NULL };
    Node *list = node_path(doc->root, path);
    for (guint i = 0; i < names->len; i++) {
        GPtrArray *entries = g_hash_table_lookup(maps, names->pdata[i]);
        GString *command = g_string_new("pvesh create /cluster/mapping/pci --id ");
        g_string_append(command, names->pdata[i]);
        Node *mapping = node_add(list, NULL, NODE_MAP, NULL);
        node_add(mapping, "id", NODE_STRING, names->pdata[i]);
        Node *map = node_add(mapping, "map", NODE_LIST, NULL);
        for (guint m = 0; m < entries->len; m++) {
            node_add(map, NULL, NODE_STRING, entries->pdata[m]);
            g_string_append_printf(command, " --map %s", (const char *)entries->pdata[m]);
        }
        node_add(mapping, "command", NODE_STRING, command->str);
        g_ptr_array_add(doc->lines, g_string_free(command, FALSE));
    }
    g_ptr_array_add(doc->notes,
                    g_strdup("libvirt does not report subsystem ids: where a device has them, Proxmox's mapping "
                             "check at VM start asks for subsystem-id=VVVV:DDDD in its --map "
                             "(the node's /sys/bus/pci/devices/ADDRESS/subsystem_vendor and subsystem_device)"));
    return doc;
}

/* ---------------------------------------------------------------- KubeVirt */

/* Device plugins name resources after the vendor's domain. */
static const char *vendor_domain(guint vendor)
{
    switch (vendor) {
    case 0x10de: return "nvidia.com";
    case 0x1002: return "amd.com";
    case 0x8086: return "intel.com";
    }
    return NULL;
}

/* A DNS subdomain (lower case), as Kubernetes wants resource prefixes. */
static gboolean domain_valid(const char *d)
{
    if (!g_ascii_isalnum(d[0]) || strlen(d) > 253)
        return FALSE;
    for (const char *p = d; *p; p++)
        if (!(g_ascii_isdigit(*p) || g_ascii_islower(*p) || *p == '-' || *p == '.'))
            return FALSE;
    return g_ascii_isalnum(d[strlen(d) - 1]);
}

/* A qualified name's last part: 63 characters, alphanumeric at both ends. */
static gboolean resource_valid(const char *n)
{
    gsize len = strlen(n);
    if (len == 0 || len > 63 || !g_ascii_isalnum(n[0]) || !g_ascii_isalnum(n[len - 1]))
        return FALSE;
    for (const char *p = n; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("-_.", *p))
            return FALSE;
    return TRUE;
}

static char *resource_name(const char *domain, const char *fname, const Nodedev *dev, GError **error)
{
    const char *d = domain ? domain : vendor_domain(dev->vendor_id);
    if (d == NULL) {
        g_autofree char *label = nodedev_label(dev);
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "no resource domain is known for vendor %04x (%s): give --name DOMAIN/NAME, e.g. "
                    "example.com/%s",
                    dev->vendor_id, label, fname);
        return NULL;
    }
    if (!resource_valid(fname)) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "resource name '%s': at most 63 letters, digits, '-', '_' and '.', alphanumeric at both ends",
                    fname);
        return NULL;
    }
    return g_strdup_printf("%s/%s", d, fname);
}

/* Permit SEL as RESOURCE once; a selector under two resource names is
 * refused (KubeVirt's device plugin advertises each device once). */
static gboolean permitted_add(Node *list, const char *sel, const char *resource, GError **error)
{
    for (guint i = 0; i < list->children->len; i++) {
        Node *e = list->children->pdata[i];
        const Node *s = e->children->pdata[0], *r = e->children->pdata[1];
        if (strcmp(s->text, sel) != 0)
            continue;
        if (strcmp(r->text, resource) == 0)
            return TRUE;
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "devices %s would be permitted as %s and as %s: KubeVirt advertises each device under one "
                    "resource; export them in separate runs",
                    sel, r->text, resource);
        return FALSE;
    }
    Node *e = node_add(list, NULL, NODE_MAP, NULL);
    node_add(e, "pciVendorSelector", NODE_STRING, sel);
    node_add(e, "resourceName", NODE_STRING, resource);
    return TRUE;
}

/* A name not in USED (then added to it): NAME, else NAME-2, NAME-3 … */
static char *unique_name(GHashTable *used, const char *name)
{
    char *n = g_strdup(name);
    for (guint k = 2; g_hash_table_contains(used, n); k++) {
        g_free(n);
        n = g_strdup_printf("%s-%u", name, k);
    }
    g_hash_table_add(used, g_strdup(n));
    return n;
}

static gboolean kubevirt_device(Node *list, GHashTable *used, const char *domain, const char *fname,
                                const Nodedev *dev, gboolean vm, GError **error)
{
    g_autofree char *resource = resource_name(domain, fname, dev, error);
    if (resource == NULL)
        return FALSE;
    if (!vm) {
        g_autofree char *sel = fleet_ids(dev, TRUE);
        return permitted_add(list, sel, resource, error);
    }
    g_autofree char *name = unique_name(used, fname);
    Node *e = node_add(list, NULL, NODE_MAP, NULL);
    node_add(e, "name", NODE_STRING, name);
    node_add(e, "deviceName", NODE_STRING, resource);
    return TRUE;
}

ExportDoc *export_kubevirt(GPtrArray *hosts, const char *name, gboolean vm, GError **error)
{
    const char *slash = strchr(name, '/');
    g_autofree char *domain = slash ? g_strndup(name, (gsize)(slash - name)) : NULL;
    const char *base = slash ? slash + 1 : name;
    if (domain && !domain_valid(domain)) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "--name '%s': the resource domain is a DNS name in lower case (vendor.example)", name);
        return NULL;
    }
    g_autoptr(ExportDoc) doc = doc_new();
    const char *const permitted[] = { "spec", "configuration", "permittedHostDevices", "pciHostDevices", NULL };
    const char *const devices[] = { "spec", "domain", "devices", "hostDevices", NULL };
    Node *list = node_path(doc->root, vm ? devices : permitted);
    g_autoptr(GHashTable) used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint h = 0; h < hosts->len; h++) {
        const ExportHost *host = hosts->pdata[h];
        g_autoptr(GPtrArray) fnames = fleet_names(host->devices, base);
        for (guint i = 0; i < host->devices->len; i++)
            if (!kubevirt_device(list, used, domain, fnames->pdata[i], host->devices->pdata[i], vm, error))
                return NULL;
    }
    return g_steal_pointer(&doc);
}

/* ---------------------------------------------------------------- output */

static void yaml_string(GString *out, const char *text)
{
    /* a JSON string literal is a YAML double-quoted scalar */
    vh_json_quote(out, text);
    g_string_append_c(out, '\n');
}

/* N's children at INDENT; FIRST_INLINE: the first line follows a "- ". */
static void yaml_node(GString *out, const Node *n, guint indent, gboolean first_inline)
{
    for (guint i = 0; i < n->children->len; i++) {
        const Node *c = n->children->pdata[i];
        if (!(first_inline && i == 0))
            g_string_append_printf(out, "%*s", (int)indent, "");
        if (n->kind == NODE_LIST) {
            g_string_append(out, "- ");
            if (c->kind == NODE_STRING)
                yaml_string(out, c->text);
            else
                yaml_node(out, c, indent + 2, TRUE);
            continue;
        }
        g_string_append_printf(out, "%s:", c->key);
        if (c->kind == NODE_STRING) {
            g_string_append_c(out, ' ');
            yaml_string(out, c->text);
        } else {
            g_string_append_c(out, '\n');
            yaml_node(out, c, indent + 2, FALSE);
        }
    }
}

char *export_doc_text(const ExportDoc *doc)
{
    GString *out = g_string_new(NULL);
    if (doc->lines) {
        for (guint i = 0; i < doc->lines->len; i++)
            g_string_append_printf(out, "%s\n", (const char *)doc->lines->pdata[i]);
    } else {
        yaml_node(out, doc->root, 0, FALSE);
    }
    return g_string_free(out, FALSE);
}

static void json_node(VhJson *b, const Node *n)
{
    if (n->kind == NODE_STRING) {
        vh_json_string(b, n->text);
        return;
    }
    if (n->kind == NODE_LIST)
        vh_json_begin_array(b);
    else
        vh_json_begin_object(b);
    for (guint i = 0; i < n->children->len; i++) {
        const Node *c = n->children->pdata[i];
        if (n->kind == NODE_MAP)
            vh_json_member(b, c->key);
        json_node(b, c);
    }
    if (n->kind == NODE_LIST)
        vh_json_end_array(b);
    else
        vh_json_end_object(b);
}

void export_doc_json(const ExportDoc *doc, VhJson *b)
{
    json_node(b, doc->root);
}
