#include "domhome.h"

#include <string.h>

#include "cli.h"
#include "diff.h"
#include "errors.h"

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

/* Define RESULT unless the definition changed since it was read. */
static gboolean define(DomHome *home, const char *result, char **read_back, GError **error)
{
    const VirtBackend *virt = home->host.virt;
    g_autoptr(VirtDomain) now = virt->domain_get(home->host.conn, home->dom->uuid, error);
    if (now == NULL)
        return FALSE;
    if (g_strcmp0(now->xml, home->dom->xml) != 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "the definition of domain '%s' changed since it was read; nothing was defined, try again",
                    home->dom->name);
        return FALSE;
    }
    if (!virt->domain_define(home->host.conn, result, error))
        return FALSE;
    g_autoptr(VirtDomain) after = virt->domain_get(home->host.conn, home->dom->uuid, error);
    if (after == NULL)
        return FALSE;
    cli_note("defined domain '%s'", home->dom->name);
    if (read_back)
        *read_back = g_steal_pointer(&after->xml);
    return TRUE;
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
