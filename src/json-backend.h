/* The table of functions the JSON module provides: json-glib behind a
 * loadable module (json-backend.so), so that only --json runs load
 * json-glib and, with it, gobject and gio. Shared by json-backend.c (the
 * module) and jsonw.c (which opens it on the first JSON document). */
#pragma once
#include <glib.h>

#define JSON_BACKEND_ABI 1
#define JSON_BACKEND_SYMBOL "virt_hostdev_json_backend"

typedef struct JsonBackendBuilder JsonBackendBuilder;

typedef struct {
    guint abi;
    JsonBackendBuilder *(*builder_new)(void);
    void (*builder_free)(JsonBackendBuilder *b);
    void (*begin_object)(JsonBackendBuilder *b);
    void (*end_object)(JsonBackendBuilder *b);
    void (*begin_array)(JsonBackendBuilder *b);
    void (*end_array)(JsonBackendBuilder *b);
    void (*member)(JsonBackendBuilder *b, const char *name);
    void (*string)(JsonBackendBuilder *b, const char *value);
    void (*integer)(JsonBackendBuilder *b, gint64 value);
    void (*boolean)(JsonBackendBuilder *b, gboolean value);
    void (*null)(JsonBackendBuilder *b);
    /* the document, pretty-printed (2-space indent), g_malloc'ed */
    char *(*text)(JsonBackendBuilder *b);
    /* VALUE as a JSON string literal, g_malloc'ed */
    char *(*quote)(const char *value);
} JsonBackend;

typedef const JsonBackend *(*JsonBackendEntry)(void);
