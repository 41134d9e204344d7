#include "jsonschema.h"

#include <math.h>
#include <string.h>

static GQuark json_schema_error_quark(void);
#define JSON_SCHEMA_ERROR (json_schema_error_quark())
G_DEFINE_QUARK(json-schema-error-quark, json_schema_error)

enum { JSON_SCHEMA_ERROR_SCHEMA, JSON_SCHEMA_ERROR_INVALID };

struct JsonSchema {
    JsonNode *root;
    GHashTable *regexes; /* pattern text -> GRegex */
};

static const char *const type_names[] = { "null", "boolean", "object", "array", "number", "integer", "string" };
static const char *const annotations[] = { "$schema", "$id", "$comment", "title", "description", "examples", "default" };
static const char *const keywords[] = {
    "type", "properties", "required", "additionalProperties", "items", "minItems", "enum",
    "const", "pattern", "minimum", "maximum", "$defs", "$ref", "oneOf",
};

static gboolean in_list(const char *word, const char *const *list, gsize n)
{
    for (gsize i = 0; i < n; i++)
        if (strcmp(word, list[i]) == 0)
            return TRUE;
    return FALSE;
}

static gboolean is_number(JsonNode *node)
{
    if (!JSON_NODE_HOLDS_VALUE(node))
        return FALSE;
    GType t = json_node_get_value_type(node);
    return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static gboolean is_string(JsonNode *node)
{
    return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING;
}

static gboolean is_boolean(JsonNode *node)
{
    return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_BOOLEAN;
}

static gboolean is_integer(JsonNode *node)
{
    if (!is_number(node))
        return FALSE;
    if (json_node_get_value_type(node) == G_TYPE_INT64)
        return TRUE;
    double d = json_node_get_double(node);
    return isfinite(d) && floor(d) == d;
}

static double number_of(JsonNode *node)
{
    return json_node_get_value_type(node) == G_TYPE_INT64 ? (double)json_node_get_int(node) : json_node_get_double(node);
}

static const char *type_of(JsonNode *node)
{
    switch (JSON_NODE_TYPE(node)) {
    case JSON_NODE_NULL: return "null";
    case JSON_NODE_OBJECT: return "object";
    case JSON_NODE_ARRAY: return "array";
    case JSON_NODE_VALUE: break;
    }
    if (is_boolean(node))
        return "boolean";
    if (is_string(node))
        return "string";
    return is_integer(node) ? "integer" : "number";
}

static gboolean has_type(JsonNode *node, const char *type)
{
    if (strcmp(type, "number") == 0)
        return is_number(node);
    if (strcmp(type, "integer") == 0)
        return is_integer(node);
    return strcmp(type, type_of(node)) == 0;
}

/* A JSON pointer segment, escaped (~0 ~1). */
static void append_segment(GString *path, const char *segment)
{
    g_string_append_c(path, '/');
    for (const char *p = segment; *p; p++) {
        if (*p == '~')
            g_string_append(path, "~0");
        else if (*p == '/')
            g_string_append(path, "~1");
        else
            g_string_append_c(path, *p);
    }
}

JsonNode *json_pointer_get(JsonNode *root, const char *pointer)
{
    if (pointer[0] == '\0')
        return root;
    if (pointer[0] != '/')
        return NULL;
    g_auto(GStrv) parts = g_strsplit(pointer + 1, "/", -1);
    JsonNode *node = root;
    for (char **p = parts; *p; p++) {
        g_autoptr(GString) seg = g_string_new(NULL);
        for (const char *c = *p; *c; c++) {
            if (c[0] == '~' && c[1] == '0') {
                g_string_append_c(seg, '~');
                c++;
            } else if (c[0] == '~' && c[1] == '1') {
                g_string_append_c(seg, '/');
                c++;
            } else {
                g_string_append_c(seg, *c);
            }
        }
        if (JSON_NODE_HOLDS_OBJECT(node)) {
            JsonObject *o = json_node_get_object(node);
            if (!json_object_has_member(o, seg->str))
                return NULL;
            node = json_object_get_member(o, seg->str);
        } else if (JSON_NODE_HOLDS_ARRAY(node)) {
            char *end;
            guint64 i = g_ascii_strtoull(seg->str, &end, 10);
            JsonArray *a = json_node_get_array(node);
            if (*seg->str == '\0' || *end || i >= json_array_get_length(a))
                return NULL;
            node = json_array_get_element(a, (guint)i);
        } else {
            return NULL;
        }
    }
    return node;
}

/* "#/$defs/user" -> the node it points to in ROOT, or NULL. */
static JsonNode *resolve_ref(JsonNode *root, const char *ref)
{
    return ref[0] == '#' ? json_pointer_get(root, ref + 1) : NULL;
}

/* ---- checking a schema ---- */

static gboolean schema_error(GError **error, GString *path, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean schema_error(GError **error, GString *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, JSON_SCHEMA_ERROR, JSON_SCHEMA_ERROR_SCHEMA, "schema %s: %s", path->len ? path->str : "/",
                msg);
    return FALSE;
}

static gboolean check_schema(JsonSchema *s, JsonNode *node, GString *path, GError **error);

static gboolean check_schema_map(JsonSchema *s, JsonNode *node, GString *path, GError **error)
{
    if (!JSON_NODE_HOLDS_OBJECT(node))
        return schema_error(error, path, "expected an object of schemas");
    JsonObject *o = json_node_get_object(node);
    g_autoptr(GList) names = json_object_get_members(o);
    for (GList *l = names; l; l = l->next) {
        gsize len = path->len;
        append_segment(path, l->data);
        if (!check_schema(s, json_object_get_member(o, l->data), path, error))
            return FALSE;
        g_string_truncate(path, len);
    }
    return TRUE;
}

static gboolean check_keyword(JsonSchema *s, const char *key, JsonNode *value, GString *path, GError **error)
{
    if (in_list(key, annotations, G_N_ELEMENTS(annotations)))
        return TRUE;
    if (!in_list(key, keywords, G_N_ELEMENTS(keywords)))
        return schema_error(error, path, "keyword '%s' is outside the supported subset", key);
    if (strcmp(key, "type") == 0) {
        if (is_string(value)) {
            if (!in_list(json_node_get_string(value), type_names, G_N_ELEMENTS(type_names)))
                return schema_error(error, path, "unknown type '%s'", json_node_get_string(value));
            return TRUE;
        }
        if (!JSON_NODE_HOLDS_ARRAY(value) || json_array_get_length(json_node_get_array(value)) == 0)
            return schema_error(error, path, "type must be a name or a non-empty array of names");
        JsonArray *a = json_node_get_array(value);
        for (guint i = 0; i < json_array_get_length(a); i++) {
            JsonNode *t = json_array_get_element(a, i);
            if (!is_string(t) || !in_list(json_node_get_string(t), type_names, G_N_ELEMENTS(type_names)))
                return schema_error(error, path, "type[%u] is not a type name", i);
        }
        return TRUE;
    }
    if (strcmp(key, "properties") == 0 || strcmp(key, "$defs") == 0)
        return check_schema_map(s, value, path, error);
    if (strcmp(key, "required") == 0) {
        if (!JSON_NODE_HOLDS_ARRAY(value))
            return schema_error(error, path, "required must be an array of names");
        JsonArray *a = json_node_get_array(value);
        for (guint i = 0; i < json_array_get_length(a); i++)
            if (!is_string(json_array_get_element(a, i)))
                return schema_error(error, path, "required[%u] is not a string", i);
        return TRUE;
    }
    if (strcmp(key, "additionalProperties") == 0 || strcmp(key, "items") == 0)
        return check_schema(s, value, path, error);
    if (strcmp(key, "minItems") == 0) {
        if (!is_integer(value) || number_of(value) < 0)
            return schema_error(error, path, "minItems must be a non-negative integer");
        return TRUE;
    }
    if (strcmp(key, "enum") == 0) {
        if (!JSON_NODE_HOLDS_ARRAY(value))
            return schema_error(error, path, "enum must be an array");
        return TRUE;
    }
    if (strcmp(key, "pattern") == 0) {
        if (!is_string(value))
            return schema_error(error, path, "pattern must be a string");
        const char *text = json_node_get_string(value);
        if (!g_hash_table_contains(s->regexes, text)) {
            g_autoptr(GError) err = NULL;
            GRegex *re = g_regex_new(text, 0, 0, &err);
            if (re == NULL)
                return schema_error(error, path, "pattern '%s': %s", text, err->message);
            g_hash_table_insert(s->regexes, g_strdup(text), re);
        }
        return TRUE;
    }
    if (strcmp(key, "minimum") == 0 || strcmp(key, "maximum") == 0) {
        if (!is_number(value))
            return schema_error(error, path, "%s must be a number", key);
        return TRUE;
    }
    if (strcmp(key, "oneOf") == 0) {
        if (!JSON_NODE_HOLDS_ARRAY(value) || json_array_get_length(json_node_get_array(value)) == 0)
            return schema_error(error, path, "oneOf must be a non-empty array of schemas");
        JsonArray *a = json_node_get_array(value);
        for (guint i = 0; i < json_array_get_length(a); i++) {
            gsize len = path->len;
            g_string_append_printf(path, "/%u", i);
            if (!check_schema(s, json_array_get_element(a, i), path, error))
                return FALSE;
            g_string_truncate(path, len);
        }
        return TRUE;
    }
    if (strcmp(key, "$ref") == 0) {
        if (!is_string(value) || resolve_ref(s->root, json_node_get_string(value)) == NULL)
            return schema_error(error, path, "$ref does not point into this document");
        return TRUE;
    }
    return TRUE; /* const: any value */
}

static gboolean check_schema(JsonSchema *s, JsonNode *node, GString *path, GError **error)
{
    if (is_boolean(node))
        return TRUE;
    if (!JSON_NODE_HOLDS_OBJECT(node))
        return schema_error(error, path, "a schema is an object or a boolean");
    JsonObject *o = json_node_get_object(node);
    g_autoptr(GList) names = json_object_get_members(o);
    for (GList *l = names; l; l = l->next) {
        gsize len = path->len;
        append_segment(path, l->data);
        if (!check_keyword(s, l->data, json_object_get_member(o, l->data), path, error))
            return FALSE;
        g_string_truncate(path, len);
    }
    return TRUE;
}

JsonSchema *json_schema_new(JsonNode *schema, GError **error)
{
    g_autoptr(JsonSchema) s = g_new0(JsonSchema, 1);
    s->root = json_node_ref(schema);
    s->regexes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_regex_unref);
    g_autoptr(GString) path = g_string_new(NULL);
    if (!JSON_NODE_HOLDS_OBJECT(schema))
        return schema_error(error, path, "the root must be an object"), NULL;
    if (!check_schema(s, schema, path, error))
        return NULL;
    return g_steal_pointer(&s);
}

JsonSchema *json_schema_parse(const char *text, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_data(parser, text, -1, error))
        return NULL;
    return json_schema_new(json_parser_get_root(parser), error);
}

JsonSchema *json_schema_load(const char *path, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_file(parser, path, error)) {
        g_prefix_error(error, "%s: ", path);
        return NULL;
    }
    JsonSchema *s = json_schema_new(json_parser_get_root(parser), error);
    if (s == NULL)
        g_prefix_error(error, "%s: ", path);
    return s;
}

void json_schema_free(JsonSchema *schema)
{
    if (schema == NULL)
        return;
    if (schema->root)
        json_node_unref(schema->root);
    if (schema->regexes)
        g_hash_table_unref(schema->regexes);
    g_free(schema);
}

/* ---- validating an instance ---- */

static gboolean invalid(GError **error, GString *path, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean invalid(GError **error, GString *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, JSON_SCHEMA_ERROR, JSON_SCHEMA_ERROR_INVALID, "%s: %s", path->len ? path->str : "/", msg);
    return FALSE;
}

static char *node_text(JsonNode *node)
{
    g_autofree char *text = json_to_string(node, FALSE);
    if (strlen(text) > 60)
        return g_strdup_printf("%.57s...", text);
    return g_steal_pointer(&text);
}

static gboolean validate_node(JsonSchema *s, JsonNode *schema, JsonNode *inst, GString *path, GError **error);

static gboolean validate_type(JsonNode *type, JsonNode *inst, GString *path, GError **error)
{
    if (is_string(type)) {
        if (has_type(inst, json_node_get_string(type)))
            return TRUE;
        return invalid(error, path, "expected %s, got %s", json_node_get_string(type), type_of(inst));
    }
    JsonArray *a = json_node_get_array(type);
    g_autoptr(GString) names = g_string_new(NULL);
    for (guint i = 0; i < json_array_get_length(a); i++) {
        const char *t = json_array_get_string_element(a, i);
        if (has_type(inst, t))
            return TRUE;
        g_string_append_printf(names, "%s%s", i ? " or " : "", t);
    }
    return invalid(error, path, "expected %s, got %s", names->str, type_of(inst));
}

static gboolean validate_object(JsonSchema *s, JsonObject *schema, JsonNode *inst, GString *path, GError **error)
{
    JsonObject *o = json_node_get_object(inst);
    if (json_object_has_member(schema, "required")) {
        JsonArray *req = json_object_get_array_member(schema, "required");
        for (guint i = 0; i < json_array_get_length(req); i++) {
            const char *key = json_array_get_string_element(req, i);
            if (!json_object_has_member(o, key))
                return invalid(error, path, "required key '%s' is missing", key);
        }
    }
    JsonObject *props = json_object_has_member(schema, "properties")
                            ? json_object_get_object_member(schema, "properties") : NULL;
    JsonNode *additional = json_object_get_member(schema, "additionalProperties");
    g_autoptr(GList) names = json_object_get_members(o);
    for (GList *l = names; l; l = l->next) {
        const char *key = l->data;
        JsonNode *sub = props && json_object_has_member(props, key) ? json_object_get_member(props, key) : additional;
        if (sub == NULL)
            continue;
        gsize len = path->len;
        if (sub == additional && is_boolean(additional) && !json_node_get_boolean(additional))
            return invalid(error, path, "unexpected key '%s'", key);
        append_segment(path, key);
        if (!validate_node(s, sub, json_object_get_member(o, key), path, error))
            return FALSE;
        g_string_truncate(path, len);
    }
    return TRUE;
}

static gboolean validate_array(JsonSchema *s, JsonObject *schema, JsonNode *inst, GString *path, GError **error)
{
    JsonArray *a = json_node_get_array(inst);
    guint n = json_array_get_length(a);
    if (json_object_has_member(schema, "minItems") &&
        n < (guint)json_object_get_int_member(schema, "minItems"))
        return invalid(error, path, "%u items, at least %" G_GINT64_FORMAT " expected", n,
                       json_object_get_int_member(schema, "minItems"));
    JsonNode *items = json_object_get_member(schema, "items");
    for (guint i = 0; items && i < n; i++) {
        gsize len = path->len;
        g_string_append_printf(path, "/%u", i);
        if (!validate_node(s, items, json_array_get_element(a, i), path, error))
            return FALSE;
        g_string_truncate(path, len);
    }
    return TRUE;
}

static gboolean validate_node(JsonSchema *s, JsonNode *schema, JsonNode *inst, GString *path, GError **error);

/* oneOf: exactly one of the schemas accepts INST; the error of the last
 * one tried is kept when none does. */
static gboolean validate_one_of(JsonSchema *s, JsonArray *schemas, JsonNode *inst, GString *path, GError **error)
{
    guint matched = 0;
    g_autoptr(GError) last = NULL;
    for (guint i = 0; i < json_array_get_length(schemas); i++) {
        g_clear_error(&last);
        gsize len = path->len;
        if (validate_node(s, json_array_get_element(schemas, i), inst, path, &last))
            matched++;
        g_string_truncate(path, len);
    }
    if (matched == 1)
        return TRUE;
    if (matched > 1)
        return invalid(error, path, "%u schemas of oneOf accept the value, not one", matched);
    return invalid(error, path, "no schema of oneOf accepts the value (the last: %s)", last->message);
}

static gboolean validate_node(JsonSchema *s, JsonNode *schema, JsonNode *inst, GString *path, GError **error)
{
    if (is_boolean(schema))
        return json_node_get_boolean(schema) ? TRUE : invalid(error, path, "no value is allowed here");
    JsonObject *so = json_node_get_object(schema);
    if (json_object_has_member(so, "oneOf") &&
        !validate_one_of(s, json_object_get_array_member(so, "oneOf"), inst, path, error))
        return FALSE;

    if (json_object_has_member(so, "$ref")) {
        JsonNode *target = resolve_ref(s->root, json_object_get_string_member(so, "$ref"));
        if (!validate_node(s, target, inst, path, error))
            return FALSE;
    }
    JsonNode *type = json_object_get_member(so, "type");
    if (type && !validate_type(type, inst, path, error))
        return FALSE;
    if (json_object_has_member(so, "const") && !json_node_equal(json_object_get_member(so, "const"), inst)) {
        g_autofree char *got = node_text(inst), *want = node_text(json_object_get_member(so, "const"));
        return invalid(error, path, "%s is not %s", got, want);
    }
    if (json_object_has_member(so, "enum")) {
        JsonArray *values = json_object_get_array_member(so, "enum");
        gboolean found = FALSE;
        for (guint i = 0; i < json_array_get_length(values) && !found; i++)
            found = json_node_equal(json_array_get_element(values, i), inst);
        if (!found) {
            g_autofree char *got = node_text(inst);
            g_autofree char *allowed = node_text(json_object_get_member(so, "enum"));
            return invalid(error, path, "%s is not one of %s", got, allowed);
        }
    }
    if (is_string(inst) && json_object_has_member(so, "pattern")) {
        const char *pattern = json_object_get_string_member(so, "pattern");
        GRegex *re = g_hash_table_lookup(s->regexes, pattern);
        if (!g_regex_match(re, json_node_get_string(inst), 0, NULL))
            return invalid(error, path, "\"%s\" does not match /%s/", json_node_get_string(inst), pattern);
    }
    if (is_number(inst)) {
        double v = number_of(inst);
        if (json_object_has_member(so, "minimum") && v < number_of(json_object_get_member(so, "minimum")))
            return invalid(error, path, "%g is below the minimum %g", v, number_of(json_object_get_member(so, "minimum")));
        if (json_object_has_member(so, "maximum") && v > number_of(json_object_get_member(so, "maximum")))
            return invalid(error, path, "%g is above the maximum %g", v, number_of(json_object_get_member(so, "maximum")));
    }
    if (JSON_NODE_HOLDS_OBJECT(inst) && !validate_object(s, so, inst, path, error))
        return FALSE;
    if (JSON_NODE_HOLDS_ARRAY(inst) && !validate_array(s, so, inst, path, error))
        return FALSE;
    return TRUE;
}

gboolean json_schema_validate(JsonSchema *schema, JsonNode *instance, GError **error)
{
    g_autoptr(GString) path = g_string_new(NULL);
    return validate_node(schema, schema->root, instance, path, error);
}

gboolean json_schema_validate_text(JsonSchema *schema, const char *text, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_data(parser, text, -1, error)) {
        g_prefix_error(error, "not JSON: ");
        return FALSE;
    }
    JsonNode *root = json_parser_get_root(parser);
    if (root == NULL) {
        g_set_error(error, JSON_SCHEMA_ERROR, JSON_SCHEMA_ERROR_INVALID, "empty document");
        return FALSE;
    }
    return json_schema_validate(schema, root, error);
}

/* ---- test helpers ---- */

char *json_schema_path(const char *name)
{
    const char *src = g_getenv("VIRT_HOSTDEV_SOURCE_DIR");
    g_assert_nonnull(src);
    g_autofree char *file = g_strconcat(name, ".schema.json", NULL);
    return g_build_filename(src, "schemas", file, NULL);
}

JsonNode *json_schema_assert_output(const char *name, const char *text)
{
    g_autofree char *path = json_schema_path(name);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonSchema) schema = json_schema_load(path, &error);
    g_assert_no_error(error);
    if (!g_str_has_suffix(text, "}\n") && !g_str_has_suffix(text, "]\n"))
        g_error("%s output does not end with one JSON document and a newline:\n%s", name, text);
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_data(parser, text, -1, &error))
        g_error("%s output is not one JSON document: %s\n%s", name, error->message, text);
    JsonNode *root = json_parser_get_root(parser);
    if (!json_schema_validate(schema, root, &error))
        g_error("%s output does not match schemas/%s.schema.json: %s\n%s", name, name, error->message, text);
    return json_node_copy(root);
}

JsonNode *json_at(JsonNode *root, const char *pointer)
{
    JsonNode *n = json_pointer_get(root, pointer);
    if (n == NULL)
        g_error("no %s in the document", pointer);
    return n;
}

const char *json_str_at(JsonNode *root, const char *pointer)
{
    JsonNode *n = json_at(root, pointer);
    return JSON_NODE_HOLDS_NULL(n) ? NULL : json_node_get_string(n);
}

gint64 json_int_at(JsonNode *root, const char *pointer)
{
    return json_node_get_int(json_at(root, pointer));
}

gboolean json_bool_at(JsonNode *root, const char *pointer)
{
    return json_node_get_boolean(json_at(root, pointer));
}

gboolean json_null_at(JsonNode *root, const char *pointer)
{
    return JSON_NODE_HOLDS_NULL(json_at(root, pointer));
}

guint json_len_at(JsonNode *root, const char *pointer)
{
    return json_array_get_length(json_node_get_array(json_at(root, pointer)));
}
