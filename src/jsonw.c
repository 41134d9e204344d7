/* --json documents, written by json-glib inside json-backend.so: the module
 * is opened on the first document, so runs without --json never load
 * json-glib, gobject and gio. */
#include "jsonw.h"

#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "json-backend.h"
#include "module.h"

struct VhJson {
    JsonBackendBuilder *builder;
    char *text;  /* the document as last rendered */
};

/* The JSON module, or exit: a missing module is a broken installation, and
 * a half-written JSON document helps no pipeline. */
static const JsonBackend *backend(void)
{
    static const JsonBackend *loaded;
    if (loaded == NULL) {
        g_autoptr(GError) error = NULL;
        loaded = vh_module_load("json-backend.so", JSON_BACKEND_SYMBOL, JSON_BACKEND_ABI, "JSON backend",
                                "libjson-glib-1.0-0", &error);
        if (loaded == NULL) {
            fprintf(stderr, "virt-hostdev: error: %s\n", error->message);
            exit(VH_EXIT_FAILED);
        }
    }
    return loaded;
}

VhJson *vh_json_new(void)
{
    VhJson *w = g_new0(VhJson, 1);
    w->builder = backend()->builder_new();
    return w;
}

void vh_json_free(VhJson *w)
{
    if (w == NULL)
        return;
    backend()->builder_free(w->builder);
    g_free(w->text);
    g_free(w);
}

/* every change makes the rendered text stale */
#define CHANGE(w) g_clear_pointer(&(w)->text, g_free)

void vh_json_begin_object(VhJson *w) { CHANGE(w); backend()->begin_object(w->builder); }
void vh_json_end_object(VhJson *w) { CHANGE(w); backend()->end_object(w->builder); }
void vh_json_begin_array(VhJson *w) { CHANGE(w); backend()->begin_array(w->builder); }
void vh_json_end_array(VhJson *w) { CHANGE(w); backend()->end_array(w->builder); }
void vh_json_member(VhJson *w, const char *name) { CHANGE(w); backend()->member(w->builder, name); }
void vh_json_int(VhJson *w, gint64 value) { CHANGE(w); backend()->integer(w->builder, value); }
void vh_json_bool(VhJson *w, gboolean value) { CHANGE(w); backend()->boolean(w->builder, value); }
void vh_json_null(VhJson *w) { CHANGE(w); backend()->null(w->builder); }

void vh_json_string(VhJson *w, const char *value)
{
    CHANGE(w);
    if (value)
        backend()->string(w->builder, value);
    else
        backend()->null(w->builder);
}

const char *vh_json_text(VhJson *w)
{
    if (w->text == NULL)
        w->text = backend()->text(w->builder);
    return w->text;
}

void vh_json_quote(GString *out, const char *value)
{
    g_autofree char *literal = backend()->quote(value);
    g_string_append(out, literal);
}
