/* Where a domain document lives, for verify and remap: a file (--file) or
 * a libvirt domain's persistent definition, read once with the host's PCI
 * devices, and written back the way add writes it (stdout, --diff,
 * --in-place, or a define that never overwrites someone else's edit). */
#pragma once
#include <glib.h>

#include "domxml.h"
#include "fileio.h"
#include "host.h"

typedef struct {
    Host host;          /* connected; the PCI inventory */
    VirtDomain *dom;    /* DOMAIN, or NULL for a file */
    const char *file;
    FileLock *lock;     /* --in-place */
    char *what;
    char *data;
    gsize len;
} DomHome;

/* Connect, read the host's PCI devices and the document: DOMAIN's
 * persistent definition, or FILE ("-": stdin), locked when LOCK. */
gboolean domhome_open(DomHome *home, const char *domain, const char *file, gboolean lock, GError **error);
DomDoc *domhome_parse(DomHome *home, GError **error);
void domhome_clear(DomHome *home);

typedef enum {
    DOMHOME_PRINT,     /* the document on stdout */
    DOMHOME_DIFF,      /* a unified diff on stdout */
    DOMHOME_IN_PLACE,  /* the file replaced atomically (BACKUP: suffix or NULL) */
    DOMHOME_DEFINE,    /* the domain defined, when its definition did not change since read */
} DomHomeWrite;

/* Write DD's rendering back. For DOMHOME_DEFINE, *READ_BACK (optional)
 * receives the definition libvirt holds afterwards. */
gboolean domhome_write(DomHome *home, DomDoc *dd, DomHomeWrite how, const char *backup, char **read_back,
                       GError **error);
