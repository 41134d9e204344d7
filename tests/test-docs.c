/* The man page against the binary's own tables: the page builds without
 * warnings and documents every option, every JSON key and the installed
 * layout; --help agrees with it. (The bash completion is test-completion.c.) */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "bashcomp.h"
#include "testutil.h"

/* Whether TEXT contains OPTION as a whole word ("--config" not in "--configure"). */
static gboolean contains_option(const char *text, const char *option)
{
    gsize n = strlen(option);
    for (const char *p = strstr(text, option); p; p = strstr(p + 1, option)) {
        char next = p[n];
        gboolean starts = p == text || !(g_ascii_isalnum(p[-1]) || p[-1] == '-');
        if (starts && !(g_ascii_isalnum(next) || next == '-' || next == '_'))
            return TRUE;
    }
    return FALSE;
}

/* ---- (a) the man page builds and man(1) has nothing to say about it ---- */

static void test_man_renders(void)
{
    const char *page = g_getenv("VIRT_HOSTDEV_MAN_PAGE");
    if (page == NULL || *page == '\0') {
        g_test_skip("scdoc not found: no man page built");
        return;
    }
    g_assert_true(g_file_test(page, G_FILE_TEST_IS_REGULAR));
    g_autofree char *man = g_find_program_in_path("man");
    if (man == NULL) {
        g_test_skip("man(1) not installed");
        return;
    }
    g_auto(GStrv) envp = child_environ();
    envp = g_environ_setenv(envp, "MANWIDTH", "80", TRUE);
    envp = g_environ_setenv(envp, "MANPAGER", "cat", TRUE);
    envp = g_environ_setenv(envp, "PAGER", "cat", TRUE);
    const char *modes[][4] = {
        { "man", "-l", page, NULL },
        { "man", "--warnings", "-l", page },
    };
    for (guint i = 0; i < G_N_ELEMENTS(modes); i++) {
        const char *argv[5] = { modes[i][0], modes[i][1], modes[i][2], modes[i][3], NULL };
        g_autofree char *out = NULL, *err = NULL;
        int rc = spawn(argv, envp, NULL, &out, &err);
        g_assert_cmpstr(err, ==, "");
        g_assert_cmpint(rc, ==, 0);
        g_assert_nonnull(strstr(out, "SYNOPSIS"));
        g_assert_nonnull(strstr(out, "EXIT STATUS"));
        g_assert_nonnull(strstr(out, "virt-hostdev"));
    }
}

/* ---- (b) every option of every verb is documented and in --help ---- */

static void test_options_documented(void)
{
    g_autofree char *scd_path = source_path("man/virt-hostdev.1.scd");
    g_autofree char *scd = NULL;
    g_autoptr(GError) error = NULL;
    g_file_get_contents(scd_path, &scd, NULL, &error);
    g_assert_no_error(error);

    g_autoptr(GPtrArray) verbs = complete_query("verbs", NULL);
    g_assert_true(lines_contain(verbs, "add"));
    g_autoptr(GHashTable) known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint v = 0; v < verbs->len; v++) {
        const char *verb = verbs->pdata[v];
        g_autofree char *verb_heading = g_strdup_printf("\n*%s*", verb);
        if (strstr(scd, verb_heading) == NULL)
            g_error("the man page has no entry for verb '%s'", verb);

        g_autofree char *help = NULL, *err = NULL;
        const char *argv[] = { verb, "--help", NULL };
        g_assert_cmpint(test_run(argv, NULL, &help, &err), ==, 0);
        g_assert_cmpstr(err, ==, "");

        g_autoptr(GPtrArray) options = complete_query("options", verb);
        g_assert_true(lines_contain(options, "--help"));
        for (guint i = 0; i < options->len; i++) {
            const char *opt = options->pdata[i];
            g_assert_true(g_str_has_prefix(opt, "--"));
            g_hash_table_add(known, g_strdup(opt));
            g_autofree char *bold = g_strdup_printf("*%s*", opt);
            if (strstr(scd, bold) == NULL)
                g_error("option %s of '%s' is not documented as %s in man/virt-hostdev.1.scd", opt, verb, bold);
            if (!contains_option(help, opt))
                g_error("option %s of '%s' is missing from 'virt-hostdev %s --help'", opt, verb, verb);
        }
    }

    /* and the page documents no option the binary does not know */
    g_autoptr(GRegex) re = g_regex_new("\\*(--[a-z][a-z0-9-]*)\\*", 0, 0, &error);
    g_assert_no_error(error);
    g_autoptr(GMatchInfo) match = NULL;
    g_regex_match(re, scd, 0, &match);
    for (; g_match_info_matches(match); g_match_info_next(match, NULL)) {
        g_autofree char *opt = g_match_info_fetch(match, 1);
        if (!g_hash_table_contains(known, opt))
            g_error("man/virt-hostdev.1.scd documents %s, which no verb accepts", opt);
    }
}

/* The text of the section of the scdoc source that starts with HEADING
 * ("# JSON OUTPUT"), up to the next top-level heading. */
static char *scd_section(const char *scd, const char *heading)
{
    g_autofree char *start_mark = g_strconcat("\n", heading, "\n", NULL);
    const char *start = strstr(scd, start_mark);
    if (start == NULL)
        g_error("man/virt-hostdev.1.scd has no section '%s'", heading);
    start += strlen(start_mark);
    const char *end = strstr(start, "\n# ");
    return g_strndup(start, end ? (gsize)(end - start) : strlen(start));
}

static char *read_scd(void)
{
    g_autofree char *path = source_path("man/virt-hostdev.1.scd");
    char *scd = NULL;
    g_autoptr(GError) error = NULL;
    g_file_get_contents(path, &scd, NULL, &error);
    g_assert_no_error(error);
    return scd;
}

static void collect_properties(JsonNode *node, GHashTable *names)
{
    if (JSON_NODE_HOLDS_ARRAY(node)) {
        JsonArray *a = json_node_get_array(node);
        for (guint i = 0; i < json_array_get_length(a); i++)
            collect_properties(json_array_get_element(a, i), names);
    }
    if (!JSON_NODE_HOLDS_OBJECT(node))
        return;
    JsonObject *o = json_node_get_object(node);
    g_autoptr(GList) members = json_object_get_members(o);
    for (GList *l = members; l; l = l->next) {
        JsonNode *child = json_object_get_member(o, l->data);
        if (strcmp(l->data, "properties") == 0 && JSON_NODE_HOLDS_OBJECT(child)) {
            g_autoptr(GList) keys = json_object_get_members(json_node_get_object(child));
            for (GList *k = keys; k; k = k->next)
                g_hash_table_add(names, g_strdup(k->data));
        }
        collect_properties(child, names);
    }
}

/* Every key of every --json document (as the schemas list them) is
 * explained in the man page's JSON OUTPUT section, which also says where
 * the schemas are installed. */
static void test_man_json_keys(void)
{
    g_autofree char *scd = read_scd();
    g_autofree char *section = scd_section(scd, "# JSON OUTPUT");
    g_assert_nonnull(strstr(section, "_$datadir/virt-hostdev/schemas/"));
    g_autofree char *dir = source_path("schemas");
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    guint schemas = 0;
    for (const char *f; (f = g_dir_read_name(d));) {
        if (!g_str_has_suffix(f, ".schema.json"))
            continue;
        schemas++;
        g_autofree char *verb = g_strndup(f, strlen(f) - strlen(".schema.json"));
        g_autofree char *heading = g_strdup_printf("\n## %s\n", verb);
        if (strstr(section, heading) == NULL)
            g_error("JSON OUTPUT has no '## %s' subsection for schemas/%s", verb, f);
        g_autofree char *path = g_build_filename(dir, f, NULL);
        g_autoptr(JsonParser) p = json_parser_new();
        g_autoptr(GError) error = NULL;
        json_parser_load_from_file(p, path, &error);
        g_assert_no_error(error);
        g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        collect_properties(json_parser_get_root(p), names);
        GHashTableIter it;
        gpointer key;
        g_hash_table_iter_init(&it, names);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            g_autofree char *bold = g_strdup_printf("*%s*", (const char *)key);
            if (strstr(section, bold) == NULL)
                g_error("key '%s' of schemas/%s is not explained (as %s) in the man page's JSON OUTPUT", (const char *)key,
                        f, bold);
        }
    }
    g_assert_cmpuint(schemas, >=, 4);
}

/* What the issue asks the page to carry, so that an edit cannot drop it:
 * the environment, and examples of the real workflows. */
static void test_man_contents(void)
{
    g_autofree char *scd = read_scd();
    g_autofree char *env = scd_section(scd, "# ENVIRONMENT");
    static const char *const vars[] = {
        "LIBVIRT_DEFAULT_URI", "VIRT_HOSTDEV_SCHEMA_DIR", "VIRT_HOSTDEV_MODULE_DIR",
    };
    for (guint i = 0; i < G_N_ELEMENTS(vars); i++) {
        g_autofree char *entry = g_strdup_printf("*%s*\n\t", vars[i]);
        if (strstr(env, entry) == NULL)
            g_error("ENVIRONMENT does not document %s", vars[i]);
    }
    g_autofree char *examples = scd_section(scd, "# EXAMPLES");
    static const char *const workflows[] = {
        "virt-hostdev add win11 0000:01:00.0 --all-functions --guest-address auto",
        "virt-hostdev detach 0000:03:00.0 --group",
        "add vm 03:00.0 --managed no",
        "virsh dumpxml --inactive vm |",
        "virt-hostdev add --file - 03:00.0 --guest-address auto |",
        "virsh define /dev/stdin",
        "virt-hostdev -c qemu+ssh://root@host/system list --free",
        "remove web1 --guest-address 0000:00:06.0",
        "virt-hostdev show 0000:03:00.0",
    };
    for (guint i = 0; i < G_N_ELEMENTS(workflows); i++)
        if (strstr(examples, workflows[i]) == NULL)
            g_error("EXAMPLES lacks '%s'", workflows[i]);
    /* exit status of the verbs that use libvirt */
    g_autofree char *exit_status = scd_section(scd, "# EXIT STATUS");
    static const char *const cases[] = { "no connection", "no such domain", "another domain holds", "does not support",
                                         "that the host does not have" };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        if (strstr(exit_status, cases[i]) == NULL)
            g_error("EXIT STATUS lacks '%s'", cases[i]);
}

/* "man virt-hostdev" as it will be after meson install: the built page in
 * man1 of a manual tree (installing for real is too slow for a unit test;
 * tests/test-json.c checks that meson installs the page to man1). */
static void test_man_installed_layout(void)
{
    const char *page = g_getenv("VIRT_HOSTDEV_MAN_PAGE");
    if (page == NULL || *page == '\0') {
        g_test_skip("scdoc not found: no man page built");
        return;
    }
    g_autofree char *man = g_find_program_in_path("man");
    if (man == NULL) {
        g_test_skip("man(1) not installed");
        return;
    }
    g_autofree char *root = g_build_filename(test_tmpdir(), "share", "man", NULL);
    g_autofree char *man1 = g_build_filename(root, "man1", NULL);
    g_assert_cmpint(g_mkdir_with_parents(man1, 0755), ==, 0);
    g_autofree char *text = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(page, &text, &len, NULL));
    g_autofree char *dest = g_build_filename(man1, "virt-hostdev.1", NULL);
    g_assert_true(g_file_set_contents(dest, text, (gssize)len, NULL));

    g_auto(GStrv) envp = child_environ();
    envp = g_environ_setenv(envp, "MANPATH", root, TRUE);
    envp = g_environ_setenv(envp, "MANWIDTH", "80", TRUE);
    envp = g_environ_setenv(envp, "MANPAGER", "cat", TRUE);
    envp = g_environ_setenv(envp, "PAGER", "cat", TRUE);
    envp = g_environ_setenv(envp, "LC_ALL", "C.UTF-8", TRUE);
    envp = g_environ_unsetenv(envp, "MANOPT");
    const char *argv[] = { "man", "--warnings", "virt-hostdev", NULL };
    g_autofree char *out = NULL, *err = NULL;
    int rc = spawn(argv, envp, NULL, &out, &err);
    g_assert_cmpstr(err, ==, "");
    g_assert_cmpint(rc, ==, 0);
    /* the sections, and no line wider than the terminal */
    static const char *const headings[] = { "NAME", "SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "VERBS",
                                            "JSON OUTPUT", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES",
                                            "SEE ALSO" };
    for (guint i = 0; i < G_N_ELEMENTS(headings); i++) {
        g_autofree char *line = g_strdup_printf("\n%s\n", headings[i]);
        if (strstr(out, line) == NULL)
            g_error("'man virt-hostdev' has no %s section", headings[i]);
    }
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (char **l = lines; *l; l++)
        if (g_utf8_strlen(*l, -1) > 100)
            g_error("'man virt-hostdev' has a line of %ld columns: %s", g_utf8_strlen(*l, -1), *l);
    /* scdoc markup never leaks into the text */
    g_assert_null(strstr(out, "\\fB"));
    g_assert_null(strstr(out, "*virt-hostdev*"));
    g_assert_null(strstr(out, "_DEVICE_"));
}

/* --help, help VERB and VERB --help agree with each other and with the man
 * page's SYNOPSIS, for every verb of the table. */
static void test_help_consistent(void)
{
    g_autofree char *global = NULL, *err = NULL;
    const char *help_argv[] = { "--help", NULL };
    g_assert_cmpint(test_run(help_argv, NULL, &global, &err), ==, 0);
    g_autofree char *scd = read_scd();
    g_autofree char *synopsis = scd_section(scd, "# SYNOPSIS");
    /* the SYNOPSIS without markup */
    g_autoptr(GString) plain = g_string_new(NULL);
    for (const char *c = synopsis; *c; c++)
        if (*c != '*' && *c != '_' && !(c[0] == '+' && c[1] == '+'))
            g_string_append_c(plain, *c);
        else if (*c == '+')
            c++;

    g_autoptr(GPtrArray) verbs = complete_query("verbs", NULL);
    for (guint v = 0; v < verbs->len; v++) {
        const char *verb = verbs->pdata[v];
        if (strcmp(verb, "help") == 0)
            continue;
        const char *forms[][4] = {
            { "help", verb, NULL, NULL }, { verb, "--help", NULL, NULL }, { verb, "-h", NULL, NULL },
            { "--help", verb, NULL, NULL },
        };
        g_autofree char *first = NULL;
        for (guint f = 0; f < G_N_ELEMENTS(forms); f++) {
            g_autofree char *out = NULL, *e = NULL;
            g_assert_cmpint(test_run(forms[f], NULL, &out, &e), ==, 0);
            g_assert_cmpstr(e, ==, "");
            if (first == NULL)
                first = g_strdup(out);
            else if (strcmp(first, out) != 0)
                g_error("'virt-hostdev %s %s' differs from 'virt-hostdev help %s'", forms[f][0], forms[f][1], verb);
        }
        /* Usage: virt-hostdev VERB PARAMS \n\n SUMMARY */
        g_auto(GStrv) lines = g_strsplit(first, "\n", 4);
        g_autofree char *usage = g_strdup_printf("Usage: virt-hostdev %s", verb);
        g_assert_true(g_str_has_prefix(lines[0], usage));
        g_assert_cmpstr(lines[1], ==, "");
        const char *summary = lines[2];
        g_autofree char *listed = g_strdup_printf("\n  %-12s %s\n", verb, summary);
        if (strstr(global, listed) == NULL)
            g_error("'virt-hostdev --help' does not list '%s' with its summary '%s'", verb, summary);

        /* each placeholder and option of the usage line is in the man page
         * SYNOPSIS, on a line of this verb */
        g_autofree char *verb_word = g_strdup_printf(" %s ", verb);
        g_autoptr(GString) verb_lines = g_string_new(NULL);
        g_auto(GStrv) syn = g_strsplit(plain->str, "\n", -1);
        for (char **l = syn; *l; l++) {
            g_autofree char *padded = g_strconcat(*l, " ", NULL);
            if (strstr(padded, verb_word))
                g_string_append_printf(verb_lines, "%s\n", *l);
        }
        if (verb_lines->len == 0)
            g_error("the man page SYNOPSIS has no line for '%s'", verb);
        g_autoptr(GRegex) word = g_regex_new("--[a-z-]+|[A-Z][A-Z]+", 0, 0, NULL);
        g_autoptr(GMatchInfo) m = NULL;
        g_regex_match(word, lines[0] + strlen(usage), 0, &m);
        for (; g_match_info_matches(m); g_match_info_next(m, NULL)) {
            g_autofree char *w = g_match_info_fetch(m, 0);
            if (strstr(verb_lines->str, w) == NULL)
                g_error("'%s' of '%s' is not in the man page SYNOPSIS of %s:\n%s", w, lines[0], verb, verb_lines->str);
        }
    }

    /* help for what is not a verb */
    g_autofree char *out = NULL, *e = NULL;
    const char *bad[] = { "help", "shwo", NULL };
    g_assert_cmpint(test_run(bad, NULL, &out, &e), ==, 2);
    g_assert_cmpstr(out, ==, "");
    g_assert_nonnull(strstr(e, "did you mean 'show'"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/docs/man/renders", test_man_renders);
    g_test_add_func("/docs/man/options", test_options_documented);
    g_test_add_func("/docs/man/json-keys", test_man_json_keys);
    g_test_add_func("/docs/man/contents", test_man_contents);
    g_test_add_func("/docs/man/installed-layout", test_man_installed_layout);
    g_test_add_func("/docs/help/consistent", test_help_consistent);
    return g_test_run();
}

