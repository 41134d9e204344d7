/* add / remove on a domain through libvirt: the edit is previewed on the
 * definition (and the live XML), then its side effects are planned as one
 * transaction (txn.c): host detach (unmanaged add), live attach or detach,
 * the define, host reattach (remove --reattach). Facts are reported after
 * they happened; --dry-run and --diff say what would happen. */
#include <string.h>

#include "cli.h"
#include "domindex.h"
#include "edit.h"
#include "errors.h"
#include "txn.h"
#include "xmlutil.h"

gboolean edit_domain_affect(DomainEdit *de, GError **error)
{
    if (edit_cli.current) {
        de->live = de->dom->active;
        de->config = !de->dom->active;
    } else {
        de->live = edit_cli.live;
        de->config = edit_cli.config || !edit_cli.live;
    }
    if (de->live && !de->dom->active) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "domain '%s' is not running: --live needs a running domain",
                    de->dom->name);
        return FALSE;
    }
    /* refused before anything changes (the define step checks it again:
     * libvirt would make the domain persistent instead) */
    if (de->config && !de->dom->persistent) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "domain '%s' is transient: it has no persistent definition to change (--config); nothing was "
                    "changed (use --live)", de->dom->name);
        return FALSE;
    }
    return TRUE;
}

/* The edit run on one document, before anything changes. */
typedef struct {
    const char *xml;
    char *xml_copy;     /* XML when the preview owns it */
    char *what;
    char *result;
    gsize result_len;
    GString *notes;
    GPtrArray *added;   /* element text */
    GPtrArray *removed; /* RemovedDevice* */
} Preview;

static void preview_clear(Preview *p)
{
    g_free(p->xml_copy);
    g_free(p->what);
    g_free(p->result);
    if (p->notes)
        g_string_free(p->notes, TRUE);
    g_clear_pointer(&p->added, g_ptr_array_unref);
    g_clear_pointer(&p->removed, g_ptr_array_unref);
}

static gboolean preview(const Edit *edit, const char *xml, char *what, Preview *p, GError **error)
{
    p->xml = xml;
    p->what = what;
    p->notes = g_string_new(NULL);
    p->added = g_ptr_array_new_with_free_func(g_free);
    p->removed = g_ptr_array_new_with_free_func((GDestroyNotify)removed_device_free);
    g_autoptr(DomDoc) dd = domdoc_parse(xml, strlen(xml), what, error);
    if (dd == NULL || !edit_apply(edit, dd, p->notes, p->added, p->removed, error))
        return FALSE;
    if (edit_cli.strict && !edit_strict_check(dd, xml, strlen(xml), error))
        return FALSE;
    p->result = domdoc_render(dd, &p->result_len);
    return TRUE;
}

/* Whether the domain document XML holds (WANT) or lacks (!WANT) a hostdev
 * of every source in SOURCES (Nodedev*; NULL entries are skipped). */
static gboolean holds_sources(const char *xml, GPtrArray *sources, gboolean want)
{
    if (xml == NULL)
        return FALSE;
    g_autoptr(xmlDoc) doc = vh_xml_parse(xml, strlen(xml), "the definition read back", NULL);
    if (doc == NULL)
        return FALSE;
    g_autoptr(DomIndex) idx = domindex_build(doc);
    for (guint i = 0; sources && i < sources->len; i++)
        if (sources->pdata[i] && (domindex_find_source(idx, sources->pdata[i]) != NULL) != want)
            return FALSE;
    return TRUE;
}

/* The define step: the edit redone on the definition as read under the
 * lock. RUN is its latest run: what was defined, and the notes that are
 * then true (the first preview's may not be: another process may have
 * taken the guest slot it chose meanwhile). */
typedef struct {
    const Edit *edit;
    const char *what;
    Preview run;
} DefineCtx;

static char *define_edit(const char *current, gpointer data, GError **error)
{
    DefineCtx *c = data;
    preview_clear(&c->run);
    c->run = (Preview){ 0 };
    c->run.xml_copy = g_strdup(current);
    if (!preview(c->edit, c->run.xml_copy, g_strdup(c->what), &c->run, error))
        return NULL;
    return g_strdup(c->run.result);
}

static gboolean define_applied(const char *xml, gpointer data)
{
    DefineCtx *c = data;
    if (c->edit->kind == EDIT_ADD)
        return holds_sources(xml, c->edit->devices, TRUE);
    g_autoptr(GPtrArray) sources = g_ptr_array_new();
    for (guint i = 0; c->run.removed && i < c->run.removed->len; i++)
        g_ptr_array_add(sources, ((RemovedDevice *)c->run.removed->pdata[i])->source);
    return holds_sources(xml, sources, FALSE);
}

/* Live detach: released once the live XML no longer holds its source (an
 * element whose source we cannot read has only libvirt's word). */
static gboolean live_released(const char *live_xml, gpointer data)
{
    const RemovedDevice *r = data;
    if (r->source == NULL)
        return TRUE;
    g_autoptr(GPtrArray) one = g_ptr_array_new();
    g_ptr_array_add(one, r->source);
    return holds_sources(live_xml, one, FALSE);
}

/* How messages name an element we are about to insert. */
static char *element_label(const char *xml)
{
    g_autoptr(xmlDoc) doc = vh_xml_parse(xml, strlen(xml), "element", NULL);
    g_autoptr(Nodedev) src = doc ? domdoc_hostdev_source(xmlDocGetRootElement(doc), NULL) : NULL;
    return src ? nodedev_label(src) : g_strdup("the device");
}

static char *removed_label(const RemovedDevice *r)
{
    return r->source ? nodedev_label(r->source) : g_strdup("the device");
}

/* add --managed no: bind the devices to vfio-pci before the guest gets them. */
static void plan_host_detach(Txn *txn, const Edit *edit)
{
    for (guint i = 0; i < edit->devices->len; i++) {
        const Nodedev *dev = edit->devices->pdata[i];
        g_autofree char *label = nodedev_label(dev);
        if (nodedev_driver_is_vfio(dev->driver))
            cli_note("%s is already on %s", label, dev->driver);
        else
            txn_plan_host_detach(txn, dev->name, label, dev->driver);
    }
}

/* remove --reattach: unmanaged PCI devices no other domain holds. */
static void plan_reattach(Txn *txn, DomainEdit *de, GPtrArray *removed)
{
    for (guint i = 0; i < removed->len; i++) {
        const RemovedDevice *r = removed->pdata[i];
        if (r->source == NULL || r->source->kind != NODEDEV_PCI)
            continue;
        g_autofree char *label = nodedev_label(r->source);
        Nodedev *dev = inventory_find_pci(de->host.inv, &r->source->pci);
        if (r->managed) {
            cli_note("%s was managed: libvirt gives it back itself", label);
            continue;
        }
        if (dev == NULL) {
            cli_note("%s is not on this host any more: nothing to give back", label);
            continue;
        }
        GPtrArray *users = inventory_users(de->host.inv, dev);
        gboolean elsewhere = FALSE;
        for (guint u = 0; u < users->len; u++)
            elsewhere |= g_strcmp0(((const DeviceUser *)users->pdata[u])->uuid, de->dom->uuid) != 0;
        if (elsewhere)
            cli_note("%s stays on vfio-pci: another domain holds it too", label);
        else
            txn_plan_host_reattach(txn, dev->name, label, FALSE);
    }
}

/* The command that reverts the define by hand: the opposite verb. */
static char *undo_hint(const DomainEdit *de, const Edit *edit, const Preview *p)
{
    GString *hint = g_string_new(NULL);
    g_string_append_printf(hint, "virt-hostdev %s %s", edit->kind == EDIT_ADD ? "remove" : "add", de->dom->name);
    for (guint i = 0; edit->kind == EDIT_ADD && edit->devices && i < edit->devices->len; i++) {
        g_autofree char *label = nodedev_label(edit->devices->pdata[i]);
        g_string_append_printf(hint, " %s", label);
    }
    for (guint i = 0; edit->kind == EDIT_REMOVE && i < p->removed->len; i++) {
        g_autofree char *label = removed_label(p->removed->pdata[i]);
        g_string_append_printf(hint, " %s", label);
    }
    return g_string_free(hint, FALSE);
}

static void plan_live(Txn *txn, DomainEdit *de, const Preview *live)
{
    for (guint i = 0; i < live->added->len; i++) {
        g_autofree char *label = element_label(live->added->pdata[i]);
        txn_plan_live_attach(txn, de->dom, live->added->pdata[i], label);
    }
    for (guint i = 0; i < live->removed->len; i++) {
        RemovedDevice *r = live->removed->pdata[i];
        g_autofree char *label = removed_label(r);
        txn_plan_live_detach(txn, de->dom, r->xml, label, live_released, r);
    }
}

/* DEFINED receives the edit as last run for the define (with --config). */
static gboolean commit(DomainEdit *de, const Edit *edit, Preview *live, Preview *config, Preview *defined,
                       GError **error)
{
    g_autoptr(Txn) txn = txn_new(de->host.virt, de->host.conn, cli_note_line);
    txn_set_timeout(txn, edit->timeout, 0);
    if (edit->kind == EDIT_ADD && !edit->opts->managed)
        plan_host_detach(txn, edit);
    if (de->live)
        plan_live(txn, de, live);
    DefineCtx ctx = { edit, config->what, { 0 } };
    g_autofree char *hint = de->config ? undo_hint(de, edit, config) : NULL;
    if (de->config)
        txn_plan_define(txn, de->dom, define_edit, define_applied, &ctx, hint);
    if (edit->kind == EDIT_REMOVE && edit->reattach)
        plan_reattach(txn, de, de->config ? config->removed : live->removed);
    gboolean ok = txn_commit(txn, error);
    *defined = ctx.run;
    return ok;
}

gboolean edit_domain_run(DomainEdit *de, const Edit *edit, GError **error)
{
    Preview live = { 0 }, config = { 0 }, defined = { 0 };
    gboolean ok =
        (!de->live || preview(edit, de->dom->live_xml, g_strdup_printf("running domain '%s'", de->dom->name), &live,
                              error)) &&
        (!de->config ||
         preview(edit, de->dom->xml, g_strdup_printf("domain '%s'", de->dom->name), &config, error));
    Preview *shown = de->config ? &config : &live;
    if (ok) {
        edit_print_notes(shown->notes, NOTES_WARNINGS);
        gboolean dry = edit_cli.dry_run || edit_cli.diff;
        gsize xml_len = strlen(shown->xml);
        if (dry)
            edit_print_notes(shown->notes, NOTES_WOULD);
        else if ((ok = commit(de, edit, &live, &config, &defined, error))) {
            /* what the define did, when the edit had to be redone on a
             * definition changed meanwhile */
            if (de->config && defined.result) {
                shown = &defined;
                xml_len = strlen(shown->xml);
            }
            edit_print_notes(shown->notes, NOTES_FACTS);
        }
        /* --json: one document, written once everything is done */
        if (ok && global_opts.json)
            ok = edit_show_json(edit, de->dom->name, dry ? NULL : "domain", de->live, de->config, shown->xml, xml_len,
                                shown->result, shown->result_len, NULL, error);
        else if (ok && dry)
            ok = edit_show_result(shown->xml, xml_len, shown->result, shown->result_len, shown->what, error);
    }
    preview_clear(&live);
    preview_clear(&config);
    preview_clear(&defined);
    return ok;
}
