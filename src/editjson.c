#include "editjson.h"

#include <libxml/tree.h>
#include <string.h>

#include "diff.h"
#include "domindex.h"
#include "domxml.h"
#include "jsonw.h"
#include "xmlutil.h"

static void member_string(VhJson *b, const char *key, const char *value)
{
    vh_json_member(b, key);
    if (value)
        vh_json_string(b, value);
    else
        vh_json_null(b);
}

/* A host device the way a DEVICE argument names it. */
static char *source_text(const Nodedev *src)
{
    if (src == NULL)
        return NULL;
    switch (src->kind) {
    case NODEDEV_PCI:
        return pci_addr_format(&src->pci, PCI_FORMAT_PCI);
    case NODEDEV_USB:
        if (src->usb_has_busdev)
            return g_strdup_printf("usb:%03u.%03u", src->usb_bus, src->usb_device);
        return g_strdup_printf("usb:%04x:%04x", src->vendor_id, src->product_id);
    case NODEDEV_MDEV:
        return g_strdup(src->uuid);
    default:
        return nodedev_label(src);
    }
}

static char *node_text(xmlNode *node)
{
    xmlBuffer *buf = xmlBufferCreate();
    xmlNodeDump(buf, node->doc, node, 0, 0);
    char *text = g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return text;
}

static const char *pci_model_name(PciModel model)
{
    static const char *const names[] = {
        [PCI_MODEL_PCI_ROOT] = "pci-root",
        [PCI_MODEL_PCIE_ROOT] = "pcie-root",
        [PCI_MODEL_PCI_BRIDGE] = "pci-bridge",
        [PCI_MODEL_DMI_TO_PCI_BRIDGE] = "dmi-to-pci-bridge",
        [PCI_MODEL_PCIE_ROOT_PORT] = "pcie-root-port",
        [PCI_MODEL_SWITCH_UPSTREAM] = "pcie-switch-upstream-port",
        [PCI_MODEL_SWITCH_DOWNSTREAM] = "pcie-switch-downstream-port",
        [PCI_MODEL_PCI_EXPANDER_BUS] = "pci-expander-bus",
        [PCI_MODEL_PCIE_EXPANDER_BUS] = "pcie-expander-bus",
        [PCI_MODEL_PCIE_TO_PCI_BRIDGE] = "pcie-to-pci-bridge",
    };
    return model < G_N_ELEMENTS(names) ? names[model] : NULL;
}

/* One element: what it is, what it takes from the host, where the guest
 * sees it. ACTION is NULL for hostdev's blocks. */
static void element_json(VhJson *b, const DomEntry *e, const char *action, const char *xml)
{
    xmlNode *node = e->node;
    gboolean controller = vh_xml_is(node, "controller");
    g_autofree char *type = vh_xml_prop(node, "type");
    g_autofree char *managed = vh_xml_prop(node, "managed");
    xmlNode *alias = vh_xml_child(node, "alias");
    g_autofree char *alias_name = alias ? vh_xml_prop(alias, "name") : NULL;
    g_autofree char *source = source_text(domentry_source(e));
    g_autofree char *guest = e->assigned ? pci_addr_format(&e->addr, PCI_FORMAT_PCI) : NULL;

    vh_json_begin_object(b);
    if (action)
        member_string(b, "action", action);
    member_string(b, "element", (const char *)node->name);
    /* <interface type='hostdev'> passes a PCI function */
    member_string(b, "type", vh_xml_is(node, "interface") ? "pci" : type);
    member_string(b, "source", source);
    vh_json_member(b, "managed");
    if (managed)
        vh_json_bool(b, g_strcmp0(managed, "yes") == 0);
    else if (vh_xml_is(node, "interface") || controller)
        vh_json_null(b);
    else
        vh_json_bool(b, FALSE); /* libvirt's default for an explicit <hostdev> */
    member_string(b, "guest_address", guest);
    vh_json_member(b, "multifunction");
    vh_json_bool(b, e->multifunction);
    member_string(b, "alias", alias_name);
    if (action) {
        member_string(b, "model", controller ? pci_model_name(e->pci_model) : NULL);
        vh_json_member(b, "index");
        if (controller && e->pci_model != PCI_MODEL_NONE)
            vh_json_int(b, e->index);
        else
            vh_json_null(b);
    }
    member_string(b, "xml", xml);
    vh_json_end_object(b);
}

char *editjson_hostdevs(GPtrArray *blocks, GError **error)
{
    g_autoptr(VhJson) b = vh_json_new();
    vh_json_begin_object(b);
    vh_json_member(b, "hostdevs");
    vh_json_begin_array(b);
    for (guint i = 0; i < blocks->len; i++) {
        /* in a domain of its own, so that the index reads it as libvirt would */
        g_autofree char *doc_text = g_strdup_printf("<domain><devices>%s</devices></domain>",
                                                    (const char *)blocks->pdata[i]);
        g_autoptr(xmlDoc) doc = vh_xml_parse(doc_text, strlen(doc_text), "a hostdev block", error);
        if (doc == NULL)
            return NULL;
        g_autoptr(DomIndex) idx = domindex_build(doc);
        for (guint j = 0; j < domindex_count(idx); j++)
            element_json(b, domindex_entry(idx, j), NULL, blocks->pdata[i]);
    }
    vh_json_end_array(b);
    vh_json_end_object(b);
    return g_strconcat(vh_json_text(b), "\n", NULL);
}

/* The elements an edit touches: host devices and controllers. */
static gboolean reported(const DomEntry *e)
{
    return e->hostdev || vh_xml_is(e->node, "controller");
}

/* Entries of IDX whose text OTHER (text -> count) does not account for,
 * each consuming one count: the elements only IDX's document has. */
static void unmatched(const DomDoc *dd, const DomIndex *idx, GHashTable *other, const char *action, VhJson *b)
{
    for (guint i = 0; i < domindex_count(idx); i++) {
        const DomEntry *e = domindex_entry(idx, i);
        if (!reported(e))
            continue;
        g_autofree char *text = node_text(e->node);
        guint n = GPOINTER_TO_UINT(g_hash_table_lookup(other, text));
        if (n > 0) {
            g_hash_table_insert(other, g_strdup(text), GUINT_TO_POINTER(n - 1));
            continue;
        }
        /* as the document writes it, not as libxml2 would */
        g_autofree char *original = domdoc_element_text(dd, e->node);
        element_json(b, e, action, original ? original : text);
    }
}

static GHashTable *count_texts(const DomIndex *idx)
{
    GHashTable *counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < domindex_count(idx); i++) {
        const DomEntry *e = domindex_entry(idx, i);
        if (!reported(e))
            continue;
        char *text = node_text(e->node);
        guint n = GPOINTER_TO_UINT(g_hash_table_lookup(counts, text));
        g_hash_table_insert(counts, text, GUINT_TO_POINTER(n + 1));
    }
    return counts;
}

char *editjson_edit(const EditReport *r, GError **error)
{
    const char *what = r->file ? r->file : r->domain;
    g_autoptr(DomDoc) before = domdoc_parse(r->before, r->before_len, what, error);
    g_autoptr(DomDoc) after = before ? domdoc_parse(r->after, r->after_len, what, error) : NULL;
    if (after == NULL)
        return NULL;
    g_autoptr(DomIndex) old_idx = domindex_build(domdoc_xml(before));
    g_autoptr(DomIndex) new_idx = domindex_build(domdoc_xml(after));
    g_autoptr(GHashTable) old_texts = count_texts(old_idx);
    g_autoptr(GHashTable) new_texts = count_texts(new_idx);
    g_autofree char *after_text = g_strndup(r->after, r->after_len);
    g_autofree char *diff = diff_unified(r->before, r->before_len, r->after, r->after_len, what, what, 3);

    g_autoptr(VhJson) b = vh_json_new();
    vh_json_begin_object(b);
    member_string(b, "verb", r->verb);
    member_string(b, "domain", r->domain);
    member_string(b, "file", r->file);
    member_string(b, "changed", r->changed);
    vh_json_member(b, "live");
    vh_json_bool(b, r->live);
    vh_json_member(b, "config");
    vh_json_bool(b, r->config);
    vh_json_member(b, "changes");
    vh_json_begin_array(b);
    unmatched(before, old_idx, new_texts, "remove", b);
    unmatched(after, new_idx, old_texts, "add", b);
    vh_json_end_array(b);
    member_string(b, "xml", after_text);
    member_string(b, "diff", diff);
    vh_json_end_object(b);
    return g_strconcat(vh_json_text(b), "\n", NULL);
}
