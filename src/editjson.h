/* The --json documents of hostdev, add and remove (schemas/hostdev,
 * add and remove.schema.json): an output step only. The changes of an edit
 * are read back from the documents before and after it, through the domain
 * index, so that whatever path made the edit (file, define, live attach)
 * reports it the same way. Pure: no I/O. */
#pragma once
#include <glib.h>

/* hostdev --json: BLOCKS are the element texts hostdev_render() made. */
char *editjson_hostdevs(GPtrArray *blocks, GError **error);

typedef struct {
    const char *verb;     /* "add" or "remove" */
    const char *domain;   /* the domain's name, or NULL for --file */
    const char *file;     /* the --file input as named ("standard input" for -), or NULL */
    const char *changed;  /* where the change went: "domain", "file", or NULL when only printed */
    gboolean live, config;
    const char *before;   /* the document before the edit, and after it */
    gsize before_len;
    const char *after;
    gsize after_len;
} EditReport;

/* The add/remove document, with a trailing newline. */
char *editjson_edit(const EditReport *r, GError **error);
