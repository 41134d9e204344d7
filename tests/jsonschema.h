/* A validator for the subset of JSON Schema (draft 2020-12) that the
 * project's schemas/NAME.schema.json use, on json-glib, for the tests:
 *
 *   type (a name or an array of names: null boolean object array number
 *   integer string), properties, required, additionalProperties (false or a
 *   schema), items (one schema for every element), minItems, enum, const,
 *   pattern (GRegex, unanchored as the standard says), minimum, maximum,
 *   oneOf (exactly one of the schemas accepts the value), $defs and $ref
 *   to "#/..." inside the same document; the annotations
 *   $schema, $id, $comment, title, description, examples and default.
 *
 * Any other keyword is a schema error rather than silently ignored, so that
 * a typo cannot loosen a schema. */
#pragma once
#include <glib.h>

#include <json-glib/json-glib.h>

typedef struct JsonSchema JsonSchema;

/* Check that SCHEMA (a JSON object) stays within the subset: known
 * keywords, well-formed values, compilable patterns, resolvable $refs. The
 * schema node is referenced, not copied. */
JsonSchema *json_schema_new(JsonNode *schema, GError **error);
/* Same, from a file. */
JsonSchema *json_schema_load(const char *path, GError **error);
/* Same, from JSON text. */
JsonSchema *json_schema_parse(const char *text, GError **error);
void json_schema_free(JsonSchema *schema);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JsonSchema, json_schema_free)

/* Whether INSTANCE conforms. On failure ERROR names the first offending
 * location as a JSON pointer ("/devices/3/driver: ...") and the rule. */
gboolean json_schema_validate(JsonSchema *schema, JsonNode *instance, GError **error);
/* Same for JSON text (a parse error is a failure too). */
gboolean json_schema_validate_text(JsonSchema *schema, const char *text, GError **error);

/* For the tests of --json output: TEXT must be one JSON document followed
 * by a newline that schemas/NAME.schema.json (in the source tree named by
 * $VIRT_HOSTDEV_SOURCE_DIR) accepts; the test fails otherwise. Returns the
 * parsed document, to check values. Adding a schema for another verb takes
 * nothing but the file. */
JsonNode *json_schema_assert_output(const char *name, const char *text);
/* Path of schemas/NAME.schema.json in the source tree. */
char *json_schema_path(const char *name);
/* The node at a JSON pointer ("/devices/0/name", "" for ROOT), or NULL. */
JsonNode *json_pointer_get(JsonNode *root, const char *pointer);
/* The same, failing the test when there is no such node; and its value:
 * a string (NULL for null), an integer, a boolean, whether it is null, an
 * array's length. */
JsonNode *json_at(JsonNode *root, const char *pointer);
const char *json_str_at(JsonNode *root, const char *pointer);
gint64 json_int_at(JsonNode *root, const char *pointer);
gboolean json_bool_at(JsonNode *root, const char *pointer);
gboolean json_null_at(JsonNode *root, const char *pointer);
guint json_len_at(JsonNode *root, const char *pointer);
