#include "verify.h"

#include <string.h>

#include "dommeta.h"
#include "domindex.h"
#include "domsplice.h"
#include "errors.h"
#include "validate.h"
#include "xmlutil.h"

static void item_free(VerifyItem *item)
{
    g_free(item->alias);
    identity_verdict_clear(&item->verdict);
    g_free(item);
}

void verification_free(Verification *v)
{
    if (v == NULL)
        return;
    g_ptr_array_unref(v->items);
    if (v->ids)
        g_ptr_array_unref(v->ids);
    g_free(v);
}

gboolean verification_ok(const Verification *v)
{
    for (guint i = 0; i < v->items->len; i++)
        if (((const VerifyItem *)v->items->pdata[i])->verdict.status != IDENTITY_OK)
            return FALSE;
    return TRUE;
}

/* The PCI hostdevs of DD with their recorded entries. */
static gboolean collect(DomDoc *dd, Verification *v, GError **error)
{
    g_autoptr(GPtrArray) nodes = g_ptr_array_new();
    if (!(v->ids = dommeta_read(dd, nodes, error)))
        return FALSE;
    g_autoptr(DomIndex) idx = domindex_build(domdoc_xml(dd));
    for (guint i = 0; i < domindex_count(idx); i++) {
        const DomEntry *e = domindex_entry(idx, i);
        if (!e->hostdev || !e->pci_source)
            continue;
        VerifyItem *item = g_new0(VerifyItem, 1);
        item->hostdev = e->node;
        item->source = e->source_pci;
        item->alias = vh_xml_prop(vh_xml_child(e->node, "alias"), "name");
        item->verdict.status = IDENTITY_UNKNOWN;
        gint k = dommeta_lookup(v->ids, &item->source, item->alias);
        if (k >= 0) {
            item->recorded = v->ids->pdata[k];
            item->entry = nodes->pdata[k];
        }
        g_ptr_array_add(v->items, item);
    }
    return TRUE;
}

Verification *verify_domain(DomDoc *dd, Inventory *inv, GError **error)
{
    g_autoptr(Verification) v = g_new0(Verification, 1);
    v->items = g_ptr_array_new_with_free_func((GDestroyNotify)item_free);
    if (!collect(dd, v, error))
        return NULL;
    /* devices that are where they were recorded are nobody else's match */
    g_autoptr(GHashTable) taken = g_hash_table_new(NULL, NULL);
    for (guint i = 0; i < v->items->len; i++) {
        const VerifyItem *item = v->items->pdata[i];
        Nodedev *there = item->recorded ? inventory_find_pci(inv, &item->source) : NULL;
        if (there && identity_matches(item->recorded, there))
            g_hash_table_add(taken, there);
    }
    g_autoptr(GHashTable) claimed = g_hash_table_new(NULL, NULL);
    for (guint i = 0; i < v->items->len; i++) {
        VerifyItem *item = v->items->pdata[i];
        if (item->recorded == NULL)
            continue;
        identity_verdict_clear(&item->verdict);
        identity_judge(item->recorded, inv, taken, &item->verdict);
        if (item->verdict.status != IDENTITY_MOVED)
            continue;
        /* two hostdevs whose device would be the same one: neither is sure */
        VerifyItem *other = g_hash_table_lookup(claimed, item->verdict.now);
        if (other == NULL) {
            g_hash_table_insert(claimed, item->verdict.now, item);
            continue;
        }
        other->verdict.status = item->verdict.status = IDENTITY_AMBIGUOUS;
    }
    return g_steal_pointer(&v);
}

gboolean verify_record(DomDoc *dd, Verification *v, Inventory *inv, guint *recorded, GError **error)
{
    g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func((GDestroyNotify)identity_free);
    for (guint i = 0; i < v->items->len; i++) {
        const VerifyItem *item = v->items->pdata[i];
        Nodedev *there = item->recorded ? NULL : inventory_find_pci(inv, &item->source);
        Identity *id = there ? identity_from_device(there, item->alias) : NULL;
        if (id)
            g_ptr_array_add(ids, id);
    }
    *recorded = ids->len;
    return ids->len == 0 || dommeta_record(dd, ids, error);
}

/* The source <address> of ITEM rewritten to NOW, in bytes and DOM. */
static gboolean rewrite_source(DomDoc *dd, const VerifyItem *item, const PciAddr *now, GError **error)
{
    xmlNode *addr = vh_xml_child(vh_xml_child(item->hostdev, "source"), "address");
    static const char *const names[] = { "domain", "bus", "slot", "function" };
    const guint values[] = { now->domain, now->bus, now->slot, now->function };
    static const int widths[] = { 4, 2, 2, 1 };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *value = g_strdup_printf("0x%0*x", widths[i], values[i]);
        g_autofree char *old = vh_xml_prop(addr, names[i]);
        if (old == NULL && values[i] == 0)
            continue;  /* an absent attribute is 0 already */
        if (old == NULL) {
            g_autofree char *label = pci_addr_format(&item->source, PCI_FORMAT_PCI);
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                        "%s: the source of hostdev %s has no %s attribute to rewrite", domdoc_what(dd), label,
                        names[i]);
            return FALSE;
        }
        if (!domsplice_set_attr(dd, addr, names[i], value, error))
            return FALSE;
    }
    return TRUE;
}

/* Problems of the edited DOM that the input did not have. */
static gboolean check_introduced(DomDoc *dd, GPtrArray *before, GError **error)
{
    g_autoptr(DomIndex) idx = domindex_build(domdoc_xml(dd));
    g_autoptr(GPtrArray) after = domindex_problems(idx);
    for (guint i = 0; i < after->len; i++) {
        if (g_ptr_array_find_with_equal_func(before, after->pdata[i], g_str_equal, NULL))
            continue;
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: the remap would leave the domain invalid: %s",
                    domdoc_what(dd), (const char *)after->pdata[i]);
        return FALSE;
    }
    return TRUE;
}

static gboolean check_block(xmlNode *hostdev, GError **error)
{
    xmlBuffer *buf = xmlBufferCreate();
    xmlNodeDump(buf, hostdev->doc, hostdev, 0, 0);
    g_autoptr(xmlDoc) parsed = validate_block((const char *)xmlBufferContent(buf), error);
    xmlBufferFree(buf);
    return parsed != NULL;
}

gboolean verify_remap(DomDoc *dd, Verification *v, guint *moved, GError **error)
{
    g_autoptr(DomIndex) idx = domindex_build(domdoc_xml(dd));
    g_autoptr(GPtrArray) before = domindex_problems(idx);
    *moved = 0;
    for (guint i = 0; i < v->items->len; i++) {
        const VerifyItem *item = v->items->pdata[i];
        if (item->verdict.status != IDENTITY_MOVED)
            continue;
        const Nodedev *now = item->verdict.now;
        /* a block our grammar already refused (hand-written, in an order
         * libvirt accepts but does not write) is the input's problem */
        gboolean was_valid = check_block(item->hostdev, NULL);
        if (!rewrite_source(dd, item, &now->pci, error) || (was_valid && !check_block(item->hostdev, error)))
            return FALSE;
        g_autoptr(Identity) id = identity_from_device(now, item->alias);
        const XmlSpan *s = domdoc_span(dd, item->entry);
        if (id && s) {
            g_autofree char *text = identity_format(id);
            domdoc_splice(dd, s->start, s->end - s->start, text);
        }
        (*moved)++;
    }
    return check_introduced(dd, before, error);
}
