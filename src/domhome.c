#include "domhome.h"

#include <string.h>

#include "cli.h"
#include "diff.h"
#include "errors.h"
#include "txn.h"

gboolean domhome_open(DomHome *home, const char *domain, const char *file, gboolean lock, GError **error)
{
    /* the host's PCI devices: the other kinds are named by what they are */
    if (!host_open(&home->host, "pci", FALSE, error))
        return FALSE;
    host_read_subsystem_ids(&home->host);
    if (domain) {
        if (!(home->dom = home->host.virt->domain_get(home->host.conn, domain, error)))
            return FALSE;
        home->what = g_strdup_printf("domain '%s'", home->dom->name);
        home->data = g_strdup(home->dom->xml);
        home->len = strlen(home->data);
        return TRUE;
    }
    home->file = file;
    home->what = g_strdup(g_strcmp0(file, "-") == 0 ? "standard input" : file);
    if (lock && !(home->lock = fileio_lock(file, error)))
        return FALSE;
    return fileio_read(home->lock ? fileio_lock_path(home->lock) : file, &home->data, &home->len, error);
}

DomDoc *domhome_parse(DomHome *home, GError **error)
{
    return domdoc_parse(home->data, home->len, home->what, error);
}

void domhome_clear(DomHome *home)
{
    virt_domain_free(home->dom);
    g_clear_pointer(&home->lock, fileio_unlock);
    g_free(home->what);
    g_free(home->data);
    host_clear(&home->host);
    memset(home, 0, sizeof(*home));
}

/* The define, through the transaction (txn.c: the per-domain lock, the
 * read-back): RESULT, unless the definition changed since it was read. */
typedef struct {
    DomHome *home;
    const char *result;
    char *read_back;
} HomeDefine;

static char *define_result(const char *current, gpointer data, GError **error)
{
    HomeDefine *d = data;
    if (g_strcmp0(current, d->home->dom->xml) != 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "the definition of domain '%s' changed since it was read; nothing was defined, try again",
                    d->home->dom->name);
        return NULL;
    }
    return g_strdup(d->result);
}

/* libvirt formats the definition its own way: the read-back is kept for
 * the caller to judge (remap compares the sources in it) */
static gboolean keep_read_back(const char *xml, gpointer data)
{
    HomeDefine *d = data;
    g_free(d->read_back);
    d->read_back = g_strdup(xml);
    return TRUE;
}

static gboolean define(DomHome *home, const char *result, char **read_back, GError **error)
{
    HomeDefine d = { home, result, NULL };
    g_autoptr(Txn) txn = txn_new(home->host.virt, home->host.conn, cli_note_line);
    txn_plan_define(txn, home->dom, define_result, keep_read_back, &d, "virsh edit");
    gboolean ok = txn_commit(txn, error);
    if (ok && read_back)
        *read_back = g_steal_pointer(&d.read_back);
    g_free(d.read_back);
    return ok;
}

gboolean domhome_write(DomHome *home, DomDoc *dd, DomHomeWrite how, const char *backup, char **read_back,
                       GError **error)
{
    gsize len;
    g_autofree char *result = domdoc_render(dd, &len);
    switch (how) {
    case DOMHOME_PRINT:
        return cli_write_stdout(result, len, error);
    case DOMHOME_DIFF: {
        g_autofree char *diff = diff_unified(home->data, home->len, result, len, home->what, home->what, 3);
        return cli_write_stdout(diff, strlen(diff), error);
    }
    case DOMHOME_IN_PLACE:
        if (!fileio_replace(fileio_lock_path(home->lock), result, len, backup, error))
            return FALSE;
        cli_note("updated %s", home->file);
        return TRUE;
    case DOMHOME_DEFINE:
        return define(home, result, read_back, error);
    }
    return FALSE;
}
