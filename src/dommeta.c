#include "dommeta.h"

#include <string.h>

#include "domsplice.h"
#include "errors.h"
#include "xmlutil.h"

static gboolean in_ns(const xmlNode *node, const char *name)
{
    return vh_xml_is(node, name) && node->ns && xmlStrEqual(node->ns->href, BAD_CAST IDENTITY_NS);
}

static xmlNode *metadata_of(DomDoc *dd)
{
    return vh_xml_child(xmlDocGetRootElement(domdoc_xml(dd)), "metadata");
}

static xmlNode *container_of(DomDoc *dd)
{
    VH_XML_FOREACH_CHILD(c, metadata_of(dd), NULL) {
        if (in_ns(c, "hostdevs"))
            return c;
    }
    return NULL;
}

GPtrArray *dommeta_read(DomDoc *dd, GPtrArray *nodes, GError **error)
{
    g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func((GDestroyNotify)identity_free);
    g_autofree char *what = g_strdup_printf("%s: <metadata> of virt-hostdev", domdoc_what(dd));
    VH_XML_FOREACH_CHILD(e, container_of(dd), NULL) {
        if (!in_ns(e, "hostdev"))
            continue;
        Identity *id = identity_parse(e, what, error);
        if (id == NULL)
            return NULL;
        g_ptr_array_add(ids, id);
        if (nodes)
            g_ptr_array_add(nodes, e);
    }
    return g_steal_pointer(&ids);
}

gint dommeta_lookup(GPtrArray *ids, const PciAddr *source, const char *alias)
{
    for (guint i = 0; i < ids->len; i++)
        if (pci_addr_equal(&((const Identity *)ids->pdata[i])->source, source))
            return (gint)i;
    for (guint i = 0; alias && i < ids->len; i++)
        if (g_strcmp0(((const Identity *)ids->pdata[i])->alias, alias) == 0)
            return (gint)i;
    return -1;
}

/* Where <metadata> goes: after the elements libvirt writes before it. */
static xmlNode *metadata_anchor(DomDoc *dd)
{
    static const char *const before[] = { "name", "uuid", "genid", "title", "description" };
    xmlNode *anchor = NULL;
    VH_XML_FOREACH_CHILD(c, xmlDocGetRootElement(domdoc_xml(dd)), NULL) {
        for (guint i = 0; i < G_N_ELEMENTS(before); i++)
            if (vh_xml_is(c, before[i]))
                anchor = c;
    }
    return anchor;
}

/* ENTRIES inside a new container of ours, one step deeper per level. */
static char *container_text(DomDoc *dd, const char *entries)
{
    const char *step = domdoc_step(dd);
    g_auto(GStrv) lines = g_strsplit(entries, "\n", -1);
    g_autofree char *joiner = g_strconcat("\n", step, NULL);
    g_autofree char *body = g_strjoinv(joiner, lines);
    return g_strdup_printf("<" IDENTITY_PREFIX ":hostdevs xmlns:" IDENTITY_PREFIX "='" IDENTITY_NS "'>\n%s%s\n</"
                           IDENTITY_PREFIX ":hostdevs>", step, body);
}

static gboolean add_entries(DomDoc *dd, const char *entries, GError **error)
{
    xmlNode *container = container_of(dd), *metadata = metadata_of(dd);
    if (container)
        return domsplice_append_child(dd, container, entries, error);
    g_autofree char *ours = container_text(dd, entries);
    if (metadata)
        return domsplice_append_child(dd, metadata, ours, error);
    xmlNode *anchor = metadata_anchor(dd);
    if (anchor == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: a domain without <name> has no place for <metadata>",
                    domdoc_what(dd));
        return FALSE;
    }
    const char *step = domdoc_step(dd);
    g_auto(GStrv) lines = g_strsplit(ours, "\n", -1);
    g_autofree char *joiner = g_strconcat("\n", step, NULL);
    g_autofree char *body = g_strjoinv(joiner, lines);
    g_autofree char *block = g_strdup_printf("<metadata>\n%s%s\n</metadata>", step, body);
    return domsplice_insert_after(dd, anchor, block, error);
}

gboolean dommeta_record(DomDoc *dd, GPtrArray *ids, GError **error)
{
    g_autoptr(GPtrArray) nodes = g_ptr_array_new();
    g_autoptr(GPtrArray) old = dommeta_read(dd, nodes, error);
    if (old == NULL)
        return FALSE;
    g_autoptr(GString) fresh = g_string_new(NULL);
    for (guint i = 0; i < ids->len; i++) {
        const Identity *id = ids->pdata[i];
        g_autofree char *text = identity_format(id);
        gint k = dommeta_lookup(old, &id->source, NULL);
        const XmlSpan *s = k >= 0 ? domdoc_span(dd, nodes->pdata[k]) : NULL;
        if (s) {
            domdoc_splice(dd, s->start, s->end - s->start, text);
            continue;
        }
        g_string_append_printf(fresh, "%s%s", fresh->len ? "\n" : "", text);
    }
    return fresh->len == 0 || add_entries(dd, fresh->str, error);
}

static gboolean source_listed(GArray *sources, const PciAddr *a)
{
    for (guint i = 0; i < sources->len; i++)
        if (pci_addr_equal(&g_array_index(sources, PciAddr, i), a))
            return TRUE;
    return FALSE;
}

static guint element_children(xmlNode *parent)
{
    guint n = 0;
    VH_XML_FOREACH_CHILD(c, parent, NULL)
        n++;
    return n;
}

gboolean dommeta_forget(DomDoc *dd, GArray *sources, GError **error)
{
    g_autoptr(GPtrArray) nodes = g_ptr_array_new();
    g_autoptr(GPtrArray) ids = dommeta_read(dd, nodes, error);
    if (ids == NULL)
        return FALSE;
    g_autoptr(GPtrArray) gone = g_ptr_array_new();
    for (guint i = 0; i < ids->len; i++)
        if (source_listed(sources, &((const Identity *)ids->pdata[i])->source))
            g_ptr_array_add(gone, nodes->pdata[i]);
    if (gone->len == 0)
        return TRUE;
    xmlNode *container = container_of(dd), *metadata = metadata_of(dd);
    if (gone->len < element_children(container)) {
        for (guint i = 0; i < gone->len; i++)
            if (!domdoc_remove_device(dd, gone->pdata[i], error))
                return FALSE;
        return TRUE;
    }
    return domdoc_remove_device(dd, element_children(metadata) > 1 ? container : metadata, error);
}

gboolean dommeta_note_edit(DomDoc *dd, GPtrArray *added, GPtrArray *devices, GPtrArray *removed, GError **error)
{
    g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func((GDestroyNotify)identity_free);
    for (guint i = 0; added && i < added->len; i++) {
        g_autofree char *alias = vh_xml_prop(vh_xml_child(added->pdata[i], "alias"), "name");
        Identity *id = identity_from_device(devices->pdata[i], alias);
        if (id)
            g_ptr_array_add(ids, id);
    }
    g_autoptr(GArray) sources = g_array_new(FALSE, FALSE, sizeof(PciAddr));
    for (guint i = 0; removed && i < removed->len; i++) {
        const Nodedev *src = removed->pdata[i];
        if (src && src->kind == NODEDEV_PCI)
            g_array_append_val(sources, src->pci);
    }
    return (ids->len == 0 || dommeta_record(dd, ids, error)) && (sources->len == 0 || dommeta_forget(dd, sources, error));
}
