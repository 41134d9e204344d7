/* jsonw.c hands every --json document to json-glib in json-backend.so:
 * every case here is built with both the shim and json-glib directly and
 * compared byte for byte (the wiring), the one deliberate difference being
 * 0x1f, which json-glib 1.6 leaves raw (not JSON). And the module is only
 * loaded by runs that print JSON. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "jsonw.h"
#include "testutil.h"

typedef enum { OP_BEGIN_OBJECT, OP_END_OBJECT, OP_BEGIN_ARRAY, OP_END_ARRAY, OP_MEMBER, OP_STRING, OP_INT, OP_BOOL,
               OP_NULL } Op;

typedef struct {
    Op op;
    const char *s;
    gint64 i;
} Step;

static void both(const Step *steps, guint n)
{
    g_autoptr(JsonBuilder) jb = json_builder_new();
    g_autoptr(VhJson) w = vh_json_new();
    for (guint k = 0; k < n; k++) {
        const Step *st = &steps[k];
        switch (st->op) {
        case OP_BEGIN_OBJECT: json_builder_begin_object(jb); vh_json_begin_object(w); break;
        case OP_END_OBJECT: json_builder_end_object(jb); vh_json_end_object(w); break;
        case OP_BEGIN_ARRAY: json_builder_begin_array(jb); vh_json_begin_array(w); break;
        case OP_END_ARRAY: json_builder_end_array(jb); vh_json_end_array(w); break;
        case OP_MEMBER: json_builder_set_member_name(jb, st->s); vh_json_member(w, st->s); break;
        case OP_STRING: json_builder_add_string_value(jb, st->s); vh_json_string(w, st->s); break;
        case OP_INT: json_builder_add_int_value(jb, st->i); vh_json_int(w, st->i); break;
        case OP_BOOL: json_builder_add_boolean_value(jb, st->i != 0); vh_json_bool(w, st->i != 0); break;
        case OP_NULL: json_builder_add_null_value(jb); vh_json_null(w); break;
        }
    }
    g_autoptr(JsonNode) root = json_builder_get_root(jb);
    g_autofree char *expected = json_to_string(root, TRUE);
    g_assert_cmpstr(vh_json_text(w), ==, expected);
}

#define BOTH(...) do { const Step s_[] = { __VA_ARGS__ }; both(s_, G_N_ELEMENTS(s_)); } while (0)
#define BO { OP_BEGIN_OBJECT, NULL, 0 }
#define EO { OP_END_OBJECT, NULL, 0 }
#define BA { OP_BEGIN_ARRAY, NULL, 0 }
#define EA { OP_END_ARRAY, NULL, 0 }
#define M(n) { OP_MEMBER, (n), 0 }
#define S(v) { OP_STRING, (v), 0 }
#define I(v) { OP_INT, NULL, (v) }
#define B(v) { OP_BOOL, NULL, (v) }
#define N { OP_NULL, NULL, 0 }

static void test_shapes(void)
{
    BOTH(BO, EO);
    BOTH(BA, EA);
    BOTH(BO, M("a"), BA, EA, M("b"), BO, EO, EO);
    BOTH(BO, M("uri"), S("test:///default"), M("devices"), BA, BO, M("name"), S("pci_0000_03_00_0"),
         M("iommu_group"), I(15), M("used_by"), BA, BO, M("domain"), S("web1"), M("running"), B(TRUE), EO, EA,
         M("assignable"), B(FALSE), M("driver"), N, EO, BO, EO, EA, EO);
    BOTH(BA, I(0), I(-1), I(G_MAXINT64), I(G_MININT64), B(FALSE), N, S(""), BA, BA, EA, EA, EA);
    BOTH(BO, M("deep"), BO, M("deeper"), BA, BO, M("deepest"), BA, S("x"), EA, EO, EA, EO, EO);
}

static void test_strings(void)
{
    /* every ASCII byte, alone and in context (but 0x1f: json-glib 1.6
     * leaves it raw, which is not JSON; see test_quote) */
    for (int c = 1; c < 128; c++) {
        if (c == 0x1f)
            continue;
        char one[2] = { (char)c, 0 };
        g_autofree char *ctx = g_strdup_printf("a%cb", c);
        BOTH(BO, M(one), S(one), M(ctx), S(ctx), EO);
    }
    BOTH(BA, S("Ünïcødé ✓ 日本"), S("quote \" backslash \\ slash / tab\t nl\n cr\r"), S("\x01\x1e\x7f"), EA);
    BOTH(BO, M("nova_conf"), S("[pci]\ndevice_spec = {\"vendor_id\": \"8086\"}\n"), EO);
}

static void test_quote(void)
{
    g_autoptr(GString) s = g_string_new(NULL);
    vh_json_quote(s, "a\"b\\c\n\x02");
    g_assert_cmpstr(s->str, ==, "\"a\\\"b\\\\c\\n\\u0002\"");
    g_string_truncate(s, 0);
    vh_json_quote(s, "\x1f");
    g_assert_cmpstr(s->str, ==, "\"\\u001f\"");
}

/* json-glib (and gio) are loaded by --json runs only; a missing module is
 * one clear error. */
static void test_loaded_for_json_only(void)
{
    const char *env[] = { "LD_DEBUG=files", NULL };
    g_autoptr(CmdResult) plain = cmd_run(env, NULL, "address", "03:00.0", NULL);
    cmd_assert_exit(plain, 0);
    cmd_assert_lacks(plain->err, "libjson-glib");
    cmd_assert_lacks(plain->err, "libgio");
    g_autoptr(CmdResult) json = cmd_run(env, NULL, "--json", "address", "03:00.0", NULL);
    cmd_assert_exit(json, 0);
    cmd_assert_contains(json->err, "json-backend.so");
    cmd_assert_contains(json->err, "libjson-glib");

    const char *missing[] = { "VIRT_HOSTDEV_MODULE_DIR=/nonexistent", NULL };
    g_autoptr(CmdResult) broken = cmd_run(missing, NULL, "--json", "address", "03:00.0", NULL);
    cmd_assert_error(broken, 1, "cannot load the JSON backend /nonexistent/json-backend.so", NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/jsonw/shapes", test_shapes);
    g_test_add_func("/jsonw/strings", test_strings);
    g_test_add_func("/jsonw/quote", test_quote);
    g_test_add_func("/jsonw/loaded-for-json-only", test_loaded_for_json_only);
    return g_test_run();
}
