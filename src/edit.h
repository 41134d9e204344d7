/* add / remove, shared by cmd-edit.c (options, files) and edit-domain.c
 * (a domain through libvirt, as a transaction). */
#pragma once
#include <glib.h>

#include "domedit.h"
#include "host.h"

typedef enum { EDIT_ADD, EDIT_REMOVE } EditKind;

/* Everything one edit needs, whatever the domain's home. */
typedef struct {
    EditKind kind;
    const HostdevOpts *opts;
    const GuestPlacement *placement;
    GPtrArray *devices;     /* add: what to insert; remove: what to match */
    gboolean all_functions; /* one guest slot per host slot */
    RemoveMatch match;      /* remove */
    gboolean reattach;      /* remove --reattach */
    guint timeout;          /* remove: seconds a live detach waits */
} Edit;

gboolean edit_apply(const Edit *edit, DomDoc *dd, GString *notes, GPtrArray *added, GPtrArray *removed,
                    GError **error);
/* --strict: libvirt's full schema; blame the input when it was invalid. */
gboolean edit_strict_check(DomDoc *dd, const char *orig, gsize orig_len, GError **error);
/* --dry-run / --diff output. */
gboolean edit_show_result(const char *before, gsize before_len, const char *after, gsize after_len, const char *what,
                          GError **error);

/* --json: the document of editjson.c instead of the XML or the diff.
 * CHANGED: "domain", "file", or NULL when the result is only printed; with
 * KEEP the text is stored there instead of written. */
gboolean edit_show_json(const Edit *edit, const char *domain, const char *changed, gboolean live, gboolean config,
                        const char *before, gsize before_len, const char *after, gsize after_len, char **keep,
                        GError **error);

typedef enum {
    NOTES_WARNINGS, /* the input's problems (shown even with --quiet) */
    NOTES_FACTS,    /* what the edit did, once it is done */
    NOTES_WOULD,    /* what it would do (--dry-run, --diff) */
} NotesKind;
void edit_print_notes(GString *notes, NotesKind kind);

/* A domain through libvirt. */
typedef struct {
    Host host;
    VirtDomain *dom;
    gboolean live, config;
} DomainEdit;

/* --config (default) / --live / --current, as virsh attach-device. */
gboolean edit_domain_affect(DomainEdit *de, GError **error);
/* Preview the edit (notes, --dry-run / --diff output), then plan and commit
 * its side effects as one transaction. */
gboolean edit_domain_run(DomainEdit *de, const Edit *edit, GError **error);
