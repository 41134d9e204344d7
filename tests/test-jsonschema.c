/* The test-side JSON Schema validator (tests/jsonschema.c): it must accept
 * what conforms and reject each kind of deviation, naming where; and it must
 * refuse schemas outside its subset instead of ignoring what it does not
 * know. */
#include <string.h>

#include "jsonschema.h"
#include "testutil.h"

/* A small schema using every supported keyword. */
static const char device_schema[] =
    "{\n"
    "  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
    "  \"title\": \"test\",\n"
    "  \"type\": \"object\",\n"
    "  \"additionalProperties\": false,\n"
    "  \"required\": [\"name\", \"address\", \"group\", \"class\", \"users\", \"free\"],\n"
    "  \"properties\": {\n"
    "    \"name\": { \"type\": \"string\", \"description\": \"node-device name\" },\n"
    "    \"address\": { \"type\": [\"string\", \"null\"], \"pattern\": \"^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\\\.[0-7]$\" },\n"
    "    \"group\": { \"type\": [\"integer\", \"null\"], \"minimum\": 0, \"maximum\": 4095 },\n"
    "    \"class\": { \"enum\": [\"gpu\", \"net\", null] },\n"
    "    \"users\": { \"type\": \"array\", \"items\": { \"$ref\": \"#/$defs/user\" } },\n"
    "    \"free\": { \"type\": \"boolean\" },\n"
    "    \"version\": { \"const\": 1 },\n"
    "    \"tags\": { \"type\": \"array\", \"minItems\": 1, \"items\": { \"type\": \"string\" } },\n"
    "    \"load\": { \"type\": \"number\", \"maximum\": 1.5 },\n"
    "    \"extra\": { \"type\": \"object\", \"additionalProperties\": { \"type\": \"integer\" } }\n"
    "  },\n"
    "  \"$defs\": {\n"
    "    \"user\": {\n"
    "      \"type\": \"object\", \"additionalProperties\": false, \"required\": [\"domain\"],\n"
    "      \"properties\": { \"domain\": { \"type\": \"string\" }, \"running\": { \"type\": \"boolean\" } }\n"
    "    }\n"
    "  }\n"
    "}\n";

static const char good_device[] =
    "{\"name\": \"pci_0000_03_00_0\", \"address\": \"0000:03:00.0\", \"group\": 15, \"class\": \"net\","
    " \"users\": [{\"domain\": \"web1\", \"running\": true}], \"free\": false}";

static JsonSchema *device(void)
{
    g_autoptr(GError) error = NULL;
    JsonSchema *s = json_schema_parse(device_schema, &error);
    g_assert_no_error(error);
    g_assert_nonnull(s);
    return s;
}

static void assert_valid(JsonSchema *s, const char *doc)
{
    g_autoptr(GError) error = NULL;
    if (!json_schema_validate_text(s, doc, &error))
        g_error("rejected %s: %s", doc, error->message);
}

/* DOC is rejected with a message containing each of WANT. */
static void assert_invalid(JsonSchema *s, const char *doc, const char *const *want)
{
    g_autoptr(GError) error = NULL;
    if (json_schema_validate_text(s, doc, &error))
        g_error("accepted %s", doc);
    g_test_message("%s -> %s", doc, error->message);
    for (const char *const *w = want; *w; w++)
        if (strstr(error->message, *w) == NULL)
            g_error("rejecting %s: '%s' does not say '%s'", doc, error->message, *w);
}

/* GOOD_DEVICE with member KEY replaced by VALUE (a JSON text), or removed
 * when VALUE is NULL, or added when absent. */
static char *variant(const char *key, const char *value)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_assert_true(json_parser_load_from_data(p, good_device, -1, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    if (value == NULL) {
        json_object_remove_member(o, key);
    } else {
        g_autoptr(JsonParser) v = json_parser_new();
        g_assert_true(json_parser_load_from_data(v, value, -1, NULL));
        json_object_set_member(o, key, json_node_copy(json_parser_get_root(v)));
    }
    return json_to_string(json_parser_get_root(p), FALSE);
}

static void check_variant(JsonSchema *s, const char *key, const char *value, gboolean ok, const char *const *want)
{
    g_autofree char *doc = variant(key, value);
    if (ok)
        assert_valid(s, doc);
    else
        assert_invalid(s, doc, want);
}

static void test_accepts(void)
{
    g_autoptr(JsonSchema) s = device();
    assert_valid(s, good_device);
    check_variant(s, "address", "null", TRUE, NULL);
    check_variant(s, "group", "null", TRUE, NULL);
    check_variant(s, "group", "4095", TRUE, NULL);
    check_variant(s, "group", "7.0", TRUE, NULL); /* an integral number is an integer */
    check_variant(s, "class", "null", TRUE, NULL);
    check_variant(s, "users", "[]", TRUE, NULL);
    check_variant(s, "version", "1", TRUE, NULL);
    check_variant(s, "tags", "[\"a\"]", TRUE, NULL);
    check_variant(s, "load", "1.5", TRUE, NULL);
    check_variant(s, "load", "1", TRUE, NULL);
    check_variant(s, "extra", "{\"a\": 1, \"b\": 2}", TRUE, NULL);
}

static void test_missing_key(void)
{
    g_autoptr(JsonSchema) s = device();
    check_variant(s, "group", NULL, FALSE, (const char *const[]){ "/:", "required key 'group' is missing", NULL });
    assert_invalid(s, "{\"name\": \"x\", \"address\": null, \"group\": 1, \"class\": \"gpu\", \"free\": true,"
                      " \"users\": [{\"running\": true}]}",
                   (const char *const[]){ "/users/0", "'domain' is missing", NULL });
}

static void test_extra_key(void)
{
    g_autoptr(JsonSchema) s = device();
    check_variant(s, "colour", "\"red\"", FALSE, (const char *const[]){ "unexpected key 'colour'", NULL });
    assert_invalid(s, "{\"name\": \"x\", \"address\": null, \"group\": 1, \"class\": \"gpu\", \"free\": true,"
                      " \"users\": [{\"domain\": \"a\"}, {\"domain\": \"b\", \"uuid\": \"u\"}]}",
                   (const char *const[]){ "/users/1", "unexpected key 'uuid'", NULL });
    /* additionalProperties as a schema */
    check_variant(s, "extra", "{\"a\": \"one\"}", FALSE, (const char *const[]){ "/extra/a", "expected integer", NULL });
}

static void test_wrong_type(void)
{
    g_autoptr(JsonSchema) s = device();
    static const struct {
        const char *key, *value, *want;
    } cases[] = {
        { "name", "null", "/name: expected string, got null" },
        { "name", "3", "/name: expected string, got integer" },
        { "group", "\"15\"", "/group: expected integer or null, got string" },
        { "group", "1.5", "/group: expected integer or null, got number" },
        { "free", "\"yes\"", "/free: expected boolean, got string" },
        { "free", "0", "/free: expected boolean" },
        { "users", "{}", "/users: expected array, got object" },
        { "users", "[\"web1\"]", "/users/0: expected object, got string" },
        { "address", "[]", "/address: expected string or null, got array" },
        { "tags", "[1]", "/tags/0: expected string" },
        { "load", "\"high\"", "/load: expected number" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        check_variant(s, cases[i].key, cases[i].value, FALSE, (const char *const[]){ cases[i].want, NULL });
    assert_invalid(s, "[]", (const char *const[]){ "/: expected object, got array", NULL });
    assert_invalid(s, "{\"name\": ", (const char *const[]){ "not JSON", NULL });
}

static void test_bad_enum_const(void)
{
    g_autoptr(JsonSchema) s = device();
    check_variant(s, "class", "\"bridge\"", FALSE,
                  (const char *const[]){ "/class", "\"bridge\" is not one of", "gpu", NULL });
    check_variant(s, "class", "\"GPU\"", FALSE, (const char *const[]){ "is not one of", NULL });
    check_variant(s, "version", "2", FALSE, (const char *const[]){ "/version: 2 is not 1", NULL });
}

static void test_bad_pattern(void)
{
    g_autoptr(JsonSchema) s = device();
    static const char *const bad[] = {
        "\"03:00.0\"", "\"0000:03:00.8\"", "\"0000:03:00.0 \"", "\"0000:03:0G.0\"", "\"x0000:03:00.0\"",
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
        check_variant(s, "address", bad[i], FALSE, (const char *const[]){ "/address", "does not match", NULL });
}

static void test_bounds(void)
{
    g_autoptr(JsonSchema) s = device();
    check_variant(s, "group", "-1", FALSE, (const char *const[]){ "/group: -1 is below the minimum 0", NULL });
    check_variant(s, "group", "4096", FALSE, (const char *const[]){ "/group: 4096 is above the maximum 4095", NULL });
    check_variant(s, "load", "1.75", FALSE, (const char *const[]){ "above the maximum", NULL });
    check_variant(s, "tags", "[]", FALSE, (const char *const[]){ "/tags: 0 items, at least 1", NULL });
}

/* Schemas outside the subset are refused, not half-understood. */
static void test_schema_errors(void)
{
    static const struct {
        const char *schema, *want;
    } cases[] = {
        { "{\"type\": \"object\", \"additionalproperties\": false}", "keyword 'additionalproperties'" },
        { "{\"anyOf\": [{\"type\": \"string\"}]}", "keyword 'anyOf' is outside" },
        { "{\"oneOf\": []}", "oneOf must be a non-empty array" },
        { "{\"oneOf\": [{\"type\": \"txt\"}]}", "/oneOf/0/type" },
        { "{\"type\": \"text\"}", "unknown type 'text'" },
        { "{\"type\": []}", "type must be" },
        { "{\"properties\": {\"a\": {\"type\": \"string\", \"format\": \"uuid\"}}}", "/properties/a/format" },
        { "{\"pattern\": \"(\"}", "pattern '('" },
        { "{\"$ref\": \"#/$defs/missing\"}", "$ref does not point" },
        { "{\"$ref\": \"other.json#/x\"}", "$ref does not point" },
        { "{\"required\": \"name\"}", "required must be" },
        { "{\"minimum\": \"0\"}", "minimum must be a number" },
        { "{\"items\": 3}", "a schema is an object or a boolean" },
        { "[]", "the root must be an object" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonSchema) s = json_schema_parse(cases[i].schema, &error);
        if (s != NULL)
            g_error("schema %s accepted", cases[i].schema);
        g_test_message("%s -> %s", cases[i].schema, error->message);
        if (strstr(error->message, cases[i].want) == NULL)
            g_error("schema %s: '%s' does not say '%s'", cases[i].schema, error->message, cases[i].want);
    }
    /* boolean schemas and escaped pointers */
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonSchema) s = json_schema_parse(
        "{\"properties\": {\"a\": true, \"b\": false, \"c\": {\"$ref\": \"#/$defs/x~1y\"}},"
        " \"$defs\": {\"x/y\": {\"type\": \"integer\"}}}", &error);
    g_assert_no_error(error);
    assert_valid(s, "{\"a\": [1, {}], \"c\": 3}");
    assert_invalid(s, "{\"b\": 1}", (const char *const[]){ "/b: no value is allowed", NULL });
    assert_invalid(s, "{\"c\": \"3\"}", (const char *const[]){ "/c: expected integer", NULL });
}

/* oneOf: exactly one alternative (export's formats are told apart by
 * their keys). */
static void test_one_of(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonSchema) s = json_schema_parse(
        "{\"oneOf\": [{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\"}},"
        " \"required\": [\"a\"], \"additionalProperties\": false},"
        " {\"type\": \"object\", \"properties\": {\"b\": {\"type\": \"integer\"}},"
        " \"required\": [\"b\"], \"additionalProperties\": false},"
        " {\"type\": [\"string\", \"integer\"]}, {\"type\": \"integer\"}]}", &error);
    g_assert_no_error(error);
    assert_valid(s, "{\"a\": \"x\"}");
    assert_valid(s, "{\"b\": 1}");
    assert_valid(s, "\"text\"");
    assert_invalid(s, "{\"a\": 1}", (const char *const[]){ "no schema of oneOf accepts", NULL });
    assert_invalid(s, "{\"a\": \"x\", \"b\": 1}", (const char *const[]){ "no schema of oneOf", NULL });
    assert_invalid(s, "3", (const char *const[]){ "2 schemas of oneOf accept the value", NULL });
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/jsonschema/one-of", test_one_of);
    g_test_add_func("/jsonschema/accepts", test_accepts);
    g_test_add_func("/jsonschema/missing-key", test_missing_key);
    g_test_add_func("/jsonschema/extra-key", test_extra_key);
    g_test_add_func("/jsonschema/wrong-type", test_wrong_type);
    g_test_add_func("/jsonschema/bad-enum-const", test_bad_enum_const);
    g_test_add_func("/jsonschema/bad-pattern", test_bad_pattern);
    g_test_add_func("/jsonschema/bounds", test_bounds);
    g_test_add_func("/jsonschema/schema-errors", test_schema_errors);
    return g_test_run();
}
