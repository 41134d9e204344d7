/* The JSON module: json-glib writes every --json document. Built as a
 * loadable module so that runs without --json never load json-glib,
 * gobject and gio (7 shared libraries, 1.5 MiB). */
#include <json-glib/json-glib.h>
#include <string.h>

#include "json-backend.h"

struct JsonBackendBuilder {
    JsonBuilder *builder;
};

static JsonBackendBuilder *builder_new(void)
{
    JsonBackendBuilder *b = g_new0(JsonBackendBuilder, 1);
    b->builder = json_builder_new();
    return b;
}

static void builder_free(JsonBackendBuilder *b)
{
    if (b == NULL)
        return;
    g_object_unref(b->builder);
    g_free(b);
}

static void begin_object(JsonBackendBuilder *b) { json_builder_begin_object(b->builder); }
static void end_object(JsonBackendBuilder *b) { json_builder_end_object(b->builder); }
static void begin_array(JsonBackendBuilder *b) { json_builder_begin_array(b->builder); }
static void end_array(JsonBackendBuilder *b) { json_builder_end_array(b->builder); }
static void member(JsonBackendBuilder *b, const char *name) { json_builder_set_member_name(b->builder, name); }
static void string(JsonBackendBuilder *b, const char *value) { json_builder_add_string_value(b->builder, value); }
static void integer(JsonBackendBuilder *b, gint64 value) { json_builder_add_int_value(b->builder, value); }
static void boolean(JsonBackendBuilder *b, gboolean value) { json_builder_add_boolean_value(b->builder, value); }
static void null(JsonBackendBuilder *b) { json_builder_add_null_value(b->builder); }

/* json-glib 1.6 escapes control bytes below 0x1f only, leaving 0x1f raw,
 * which is not JSON; a raw 0x1f can only stand inside a string. */
static char *escape_unit_separator(char *text)
{
    if (strchr(text, 0x1f) == NULL)
        return text;
    GString *s = g_string_new(NULL);
    for (const char *p = text; *p; p++) {
        if (*p == 0x1f)
            g_string_append(s, "\\u001f");
        else
            g_string_append_c(s, *p);
    }
    g_free(text);
    return g_string_free(s, FALSE);
}

static char *text(JsonBackendBuilder *b)
{
    g_autoptr(JsonNode) root = json_builder_get_root(b->builder);
    if (root == NULL)
        return g_strdup("");
    return escape_unit_separator(json_to_string(root, TRUE));
}

static char *quote(const char *value)
{
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_VALUE);
    json_node_set_string(node, value);
    return escape_unit_separator(json_to_string(node, FALSE));
}

static const JsonBackend backend = {
    .abi = JSON_BACKEND_ABI,
    .builder_new = builder_new,
    .builder_free = builder_free,
    .begin_object = begin_object,
    .end_object = end_object,
    .begin_array = begin_array,
    .end_array = end_array,
    .member = member,
    .string = string,
    .integer = integer,
    .boolean = boolean,
    .null = null,
    .text = text,
    .quote = quote,
};

__attribute__((visibility("default"))) const JsonBackend *virt_hostdev_json_backend(void);

const JsonBackend *virt_hostdev_json_backend(void)
{
    return &backend;
}
