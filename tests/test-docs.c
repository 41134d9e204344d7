/* The man page and the bash completion against the binary's own tables:
 * the page builds without warnings and documents every option; the
 * completion, run in a real bash (and in a terminal under tmux), offers the
 * verbs, options and option values. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define BASH_COMPLETION_MAIN "/usr/share/bash-completion/bash_completion"

static const char *source_dir(void)
{
    const char *dir = g_getenv("VIRT_HOSTDEV_SOURCE_DIR");
    g_assert_nonnull(dir);
    return dir;
}

static char *source_path(const char *relative)
{
    return g_build_filename(source_dir(), relative, NULL);
}

static char *binary_dir(void)
{
    const char *binary = g_getenv("VIRT_HOSTDEV_BINARY");
    g_assert_nonnull(binary);
    return g_path_get_dirname(binary);
}

/* Environment for the children: the build's binary first on PATH. */
static char **child_environ(void)
{
    g_autofree char *bindir = binary_dir();
    char **envp = g_get_environ();
    const char *path = g_environ_getenv(envp, "PATH");
    g_autofree char *new_path = g_strconcat(bindir, ":", path ? path : "/usr/bin:/bin", NULL);
    envp = g_environ_setenv(envp, "PATH", new_path, TRUE);
    envp = g_environ_unsetenv(envp, "VIRT_HOSTDEV");
    envp = g_environ_unsetenv(envp, "BASH_ENV");
    envp = g_environ_unsetenv(envp, "ENV");
    envp = g_environ_unsetenv(envp, "TMUX");
    envp = g_environ_setenv(envp, "BASH_COMPLETION_USER_FILE", "/dev/null", TRUE);
    return envp;
}

/* Run ARGV (searched on PATH) with ENVP in CWD (NULL: ours), stdin from
 * /dev/null; returns the exit status, -1 when it could not be started. */
static int spawn(const char *const *argv, char **envp, const char *cwd, char **out, char **err)
{
    int status = -1;
    g_autoptr(GError) error = NULL;
    char *o = NULL, *e = NULL;
    if (!g_spawn_sync(cwd, (char **)argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL, &o, &e, &status, &error)) {
        g_test_message("cannot run %s: %s", argv[0], error->message);
        if (out)
            *out = g_strdup("");
        if (err)
            *err = g_strdup("");
        return -1;
    }
    if (out)
        *out = o;
    else
        g_free(o);
    if (err)
        *err = e;
    else
        g_free(e);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Lines of a command's output, empty lines dropped. */
static GPtrArray *output_lines(const char *text)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) parts = g_strsplit(text, "\n", -1);
    for (char **p = parts; *p; p++)
        if (**p)
            g_ptr_array_add(lines, g_strdup(*p));
    return lines;
}

static gboolean lines_contain(GPtrArray *lines, const char *word)
{
    for (guint i = 0; i < lines->len; i++)
        if (g_strcmp0(lines->pdata[i], word) == 0)
            return TRUE;
    return FALSE;
}

static GPtrArray *complete_query(const char *what, const char *verb)
{
    g_autofree char *out = NULL, *err = NULL;
    const char *argv[] = { "__complete", what, verb, NULL };
    int rc = test_run(argv, NULL, &out, &err);
    g_assert_cmpint(rc, ==, 0);
    g_assert_cmpstr(err, ==, "");
    return output_lines(out);
}

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
        "LIBVIRT_DEFAULT_URI", "VIRT_HOSTDEV_SCHEMA_DIR", "VIRT_HOSTDEV_MODULE_DIR", "VIRT_HOSTDEV_TEST_BEFORE_DEFINE",
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

/* ---- (c) the completion in a real bash ---- */

/* The script run by bash -c: $1 = COMP_CWORD, $2 = COMP_LINE, then the
 * words. Prints COMPREPLY one per line. */
static const char completion_driver[] =
    "source " BASH_COMPLETION_MAIN " || exit 90\n"
    "source \"$VH_COMPLETION\" || exit 91\n"
    "spec=$(complete -p virt-hostdev) || exit 92\n"
    "func=${spec##*-F }; func=${func%% *}\n"
    "COMP_CWORD=$1; COMP_LINE=$2; COMP_POINT=${#COMP_LINE}; shift 2\n"
    "COMP_WORDS=(\"$@\")\n"
    "COMP_TYPE=9; COMP_KEY=9\n"
    "COMPREPLY=()\n"
    "\"$func\" virt-hostdev \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
    "(( ${#COMPREPLY[@]} )) && printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    "exit 0\n";

/* Split LINE into words as readline does for programmable completion: at
 * blanks, and at the characters of COMP_WORDBREAKS, a run of which makes a
 * word of its own. A trailing blank starts a new, empty word. */
static GPtrArray *readline_words(const char *line)
{
    static const char breaks[] = "\"'><=;|&(:";
    GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
    const char *p = line;
    while (*p) {
        if (*p == ' ' || *p == '\t') {
            p++;
            continue;
        }
        const char *start = p;
        gboolean is_break = strchr(breaks, *p) != NULL;
        while (*p && *p != ' ' && *p != '\t' && (strchr(breaks, *p) != NULL) == is_break)
            p++;
        g_ptr_array_add(words, g_strndup(start, (gsize)(p - start)));
    }
    if (*line == '\0' || line[strlen(line) - 1] == ' ')
        g_ptr_array_add(words, g_strdup(""));
    return words;
}

static gboolean have_bash_completion(void)
{
    if (!g_file_test(BASH_COMPLETION_MAIN, G_FILE_TEST_IS_REGULAR)) {
        g_test_skip(BASH_COMPLETION_MAIN " not installed");
        return FALSE;
    }
    g_autofree char *bash = g_find_program_in_path("bash");
    if (bash == NULL) {
        g_test_skip("bash not installed");
        return FALSE;
    }
    return TRUE;
}

/* COMPREPLY for LINE (the cursor at its end). EXTRA_ENV: "NAME=VALUE"
 * entries, NULL-terminated (or NULL). STDERR is returned in ERR if asked. */
static GPtrArray *complete_line_full(const char *line, const char *const *extra_env, const char *cwd, char **err_out)
{
    g_autoptr(GPtrArray) words = readline_words(line);
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(argv, g_strdup("bash"));
    g_ptr_array_add(argv, g_strdup("--norc"));
    g_ptr_array_add(argv, g_strdup("--noprofile"));
    g_ptr_array_add(argv, g_strdup("-c"));
    g_ptr_array_add(argv, g_strdup(completion_driver));
    g_ptr_array_add(argv, g_strdup("bash"));
    g_ptr_array_add(argv, g_strdup_printf("%u", words->len - 1));
    g_ptr_array_add(argv, g_strdup(line));
    for (guint i = 0; i < words->len; i++)
        g_ptr_array_add(argv, g_strdup(words->pdata[i]));
    g_ptr_array_add(argv, NULL);

    g_auto(GStrv) envp = child_environ();
    g_autofree char *completion = source_path("completions/virt-hostdev");
    envp = g_environ_setenv(envp, "VH_COMPLETION", completion, TRUE);
    for (const char *const *e = extra_env; e && *e; e++) {
        g_auto(GStrv) kv = g_strsplit(*e, "=", 2);
        envp = g_environ_setenv(envp, kv[0], kv[1] ? kv[1] : "", TRUE);
    }
    g_autofree char *out = NULL, *err = NULL;
    int rc = spawn((const char *const *)argv->pdata, envp, cwd, &out, &err);
    if (rc != 0)
        g_error("completing '%s': bash exited with %d: %s", line, rc, err);
    g_test_message("'%s' -> %s", line, out);
    if (err_out)
        *err_out = g_steal_pointer(&err);
    else if (*err)
        g_error("completing '%s' wrote on stderr: %s", line, err);
    return output_lines(out);
}

static GPtrArray *complete_line(const char *line)
{
    return complete_line_full(line, NULL, NULL, NULL);
}

static void assert_reply(const char *line, GPtrArray *reply, const char *const *want, gboolean exact)
{
    guint n = 0;
    for (const char *const *w = want; *w; w++, n++)
        if (!lines_contain(reply, *w))
            g_error("completing '%s': '%s' not offered", line, *w);
    if (exact && reply->len != n)
        g_error("completing '%s': %u candidates, expected %u", line, reply->len, n);
}

static void check_line(const char *line, const char *const *want, gboolean exact)
{
    g_autoptr(GPtrArray) reply = complete_line(line);
    assert_reply(line, reply, want, exact);
}

static void test_bash_words(void)
{
    if (!have_bash_completion())
        return;
    check_line("virt-hostdev a", (const char *const[]){ "add", "address", NULL }, TRUE);
    check_line("virt-hostdev ", (const char *const[]){ "address", "hostdev", "add", "remove", "validate", NULL }, FALSE);
    check_line("virt-hostdev help rem", (const char *const[]){ "remove", "remap", NULL }, TRUE);
    check_line("virt-hostdev ver", (const char *const[]){ "verify", NULL }, TRUE);
    check_line("virt-hostdev verify --r", (const char *const[]){ "--record", NULL }, TRUE);
    check_line("virt-hostdev add --man", (const char *const[]){ "--managed", NULL }, TRUE);
    check_line("virt-hostdev validate --f", (const char *const[]){ "--file", NULL }, TRUE);
    check_line("virt-hostdev --ver", (const char *const[]){ "--version", "--verbose", NULL }, TRUE);

    /* each verb's options, as the binary lists them */
    g_autoptr(GPtrArray) verbs = complete_query("verbs", NULL);
    for (guint v = 0; v < verbs->len; v++) {
        g_autoptr(GPtrArray) options = complete_query("options", verbs->pdata[v]);
        g_autofree char *line = g_strdup_printf("virt-hostdev %s --", (const char *)verbs->pdata[v]);
        g_autoptr(GPtrArray) reply = complete_line(line);
        for (guint i = 0; i < options->len; i++)
            if (!lines_contain(reply, options->pdata[i]))
                g_error("completing '%s': %s not offered", line, (const char *)options->pdata[i]);
    }
    g_autoptr(GPtrArray) validate = complete_line("virt-hostdev validate --");
    g_assert_false(lines_contain(validate, "--managed"));
}

static void test_bash_values(void)
{
    if (!have_bash_completion())
        return;
    check_line("virt-hostdev add --managed ", (const char *const[]){ "yes", "no", NULL }, TRUE);
    check_line("virt-hostdev add --managed=n", (const char *const[]){ "no", NULL }, TRUE);
    check_line("virt-hostdev address --format ", (const char *const[]){ "pci", "name", "xml", "attrs", NULL }, TRUE);
    check_line("virt-hostdev hostdev --rom-bar ", (const char *const[]){ "on", "off", NULL }, TRUE);
    check_line("virt-hostdev hostdev --driver ", (const char *const[]){ "vfio", NULL }, TRUE);
    check_line("virt-hostdev add --guest-address ", (const char *const[]){ "auto", NULL }, TRUE);
    check_line("virt-hostdev add --guest-address a", (const char *const[]){ "auto", NULL }, TRUE);
    /* auto needs a domain: hostdev refuses it, remove names the address
     * an element has */
    check_line("virt-hostdev hostdev --guest-address ", (const char *const[]){ NULL }, TRUE);
    check_line("virt-hostdev remove --file g.xml --guest-address ", (const char *const[]){ NULL }, TRUE);
    check_line("virt-hostdev remove vm --guest-address a", (const char *const[]){ NULL }, TRUE);
    /* generate --template: the names of the templates on the search path */
    check_line("virt-hostdev generate --template ",
               (const char *const[]){ "q35-ovmf", "i440fx-bios", "gpu-passthrough", NULL }, TRUE);
    check_line("virt-hostdev generate --name x --template q", (const char *const[]){ "q35-ovmf", NULL }, TRUE);
}

static void test_bash_files(void)
{
    if (!have_bash_completion())
        return;
    g_autofree char *dir = g_build_filename(test_tmpdir(), "files", NULL);
    g_autofree char *sub = g_build_filename(dir, "guests", NULL);
    g_assert_cmpint(g_mkdir_with_parents(sub, 0755), ==, 0);
    static const char *const names[] = { "gpu.xml", "notes.txt", "vbios.rom" };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_build_filename(dir, names[i], NULL);
        g_assert_true(g_file_set_contents(path, "<device/>\n", -1, NULL));
    }

    /* DEVICE: node-device XML files, directories and - */
    g_autoptr(GPtrArray) dev = complete_line_full("virt-hostdev hostdev ", NULL, dir, NULL);
    assert_reply("virt-hostdev hostdev ", dev, (const char *const[]){ "gpu.xml", "guests", "-", NULL }, TRUE);
    g_autoptr(GPtrArray) add = complete_line_full("virt-hostdev add -f guests/x.xml g", NULL, dir, NULL);
    assert_reply("virt-hostdev add -f guests/x.xml g", add, (const char *const[]){ "gpu.xml", "guests", NULL }, TRUE);

    /* --file, --rom-file: any file */
    g_autoptr(GPtrArray) file = complete_line_full("virt-hostdev add --file ", NULL, dir, NULL);
    assert_reply("virt-hostdev add --file ", file,
                 (const char *const[]){ "gpu.xml", "notes.txt", "vbios.rom", "guests", "-", NULL }, TRUE);
    g_autoptr(GPtrArray) rom = complete_line_full("virt-hostdev hostdev --rom-file v", NULL, dir, NULL);
    assert_reply("virt-hostdev hostdev --rom-file v", rom, (const char *const[]){ "vbios.rom", NULL }, TRUE);
}

/* The URI of -c/--connect reaches the binary; a failing binary leaves the
 * completion silent and quick. */
static void test_bash_connect_and_failures(void)
{
    if (!have_bash_completion())
        return;
    const char *binary = g_getenv("VIRT_HOSTDEV_BINARY");
    g_autofree char *log = g_build_filename(test_tmpdir(), "complete-args.log", NULL);
    g_autofree char *wrapper = g_build_filename(test_tmpdir(), "vh-wrapper", NULL);
    g_autofree char *script = g_strdup_printf("#!/bin/sh\necho \"$*\" >> '%s'\nexec '%s' \"$@\"\n", log, binary);
    g_assert_true(g_file_set_contents(wrapper, script, -1, NULL));
    g_assert_cmpint(g_chmod(wrapper, 0755), ==, 0);
    g_autofree char *wrapper_env = g_strconcat("VIRT_HOSTDEV=", wrapper, NULL);
    const char *env[] = { wrapper_env, NULL };

    static const struct {
        const char *line;
        const char *uri;
        const char *want;
    } cases[] = {
        { "virt-hostdev -c test:///default ad", "test:///default", "add" },
        { "virt-hostdev --connect qemu+ssh://root@host/system add --man", "qemu+ssh://root@host/system", "--managed" },
        { "virt-hostdev --connect=test:///default hostdev --rom-f", "test:///default", "--rom-file" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_unlink(log);
        g_autoptr(GPtrArray) reply = complete_line_full(cases[i].line, env, NULL, NULL);
        assert_reply(cases[i].line, reply, (const char *const[]){ cases[i].want, NULL }, FALSE);
        g_autofree char *args = NULL;
        g_assert_true(g_file_get_contents(log, &args, NULL, NULL));
        g_autofree char *expect = g_strdup_printf("--connect %s __complete", cases[i].uri);
        if (strstr(args, expect) == NULL)
            g_error("completing '%s': the binary was called as '%s', without '%s'", cases[i].line, args, expect);
    }

    /* missing, failing and hanging binaries */
    g_autofree char *hang = g_build_filename(test_tmpdir(), "vh-hang", NULL);
    g_assert_true(g_file_set_contents(hang, "#!/bin/sh\necho add\nexec sleep 30\n", -1, NULL));
    g_assert_cmpint(g_chmod(hang, 0755), ==, 0);
    g_autofree char *hang_env = g_strconcat("VIRT_HOSTDEV=", hang, NULL);
    const char *const bad[] = { "VIRT_HOSTDEV=/nonexistent/virt-hostdev", "VIRT_HOSTDEV=false", hang_env };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        const char *bad_env[] = { bad[i], NULL };
        gint64 start = g_get_monotonic_time();
        g_autofree char *err = NULL;
        g_autoptr(GPtrArray) verbs = complete_line_full("virt-hostdev a", bad_env, NULL, &err);
        g_autoptr(GPtrArray) opts = complete_line_full("virt-hostdev add --", bad_env, NULL, NULL);
        gint64 elapsed_ms = (g_get_monotonic_time() - start) / 1000;
        g_test_message("%s: %" G_GINT64_FORMAT " ms", bad[i], elapsed_ms);
        g_assert_cmpstr(err, ==, "");
        g_assert_cmpuint(verbs->len, ==, 0);
        g_assert_cmpuint(opts->len, ==, 0);
        g_assert_cmpint(elapsed_ms, <, 10000);
    }
}

/* ---- domains and devices, from the bundled test-driver host ---- */

static char *host_uri(void)
{
    g_autofree char *path = test_data_path("host.xml");
    return g_strconcat("test://", path, NULL);
}

static void assert_lacks(const char *line, GPtrArray *reply, const char *const *unwanted)
{
    for (const char *const *u = unwanted; *u; u++)
        if (lines_contain(reply, *u))
            g_error("completing '%s': '%s' offered", line, *u);
}

/* COMPREPLY for LINE with $LIBVIRT_DEFAULT_URI set to URI. */
static GPtrArray *complete_on(const char *uri, const char *line)
{
    g_autofree char *env_uri = g_strconcat("LIBVIRT_DEFAULT_URI=", uri, NULL);
    const char *env[] = { env_uri, NULL };
    return complete_line_full(line, env, NULL, NULL);
}

static const char *const host_domains[] = { "web1", "win11", NULL };
/* free, assignable devices of tests/data/host.xml, by name and address */
static const char *const free_devices[] = {
    "0000:00:02.0", "pci_0000_00_02_0", "0000:00:14.0", "pci_0000_00_14_0", "0000:00:1f.3", "pci_0000_00_1f_3",
    "0000:00:1f.4", "pci_0000_00_1f_4", "0000:01:00.0", "pci_0000_01_00_0", "0000:01:00.1", "pci_0000_01_00_1",
    "0000:01:00.2", "pci_0000_01_00_2", "0000:01:00.3", "pci_0000_01_00_3", "0000:03:10.0", "pci_0000_03_10_0",
    "0000:03:10.2", "pci_0000_03_10_2", "0001:40:00.0", "pci_0001_40_00_0",
    /* USB devices by name and lsusb's bus.device (not the root hubs) */
    "usb_1_5", "usb:001.005", "usb_2_3", "usb:002.003", NULL,
};
/* held by web1 (03:00.1), its IOMMU group mate (03:00.0), bridges */
static const char *const not_free[] = {
    "0000:03:00.1", "pci_0000_03_00_1", "0000:03:00.0", "pci_0000_03_00_0", "0000:00:01.0", "pci_0000_00_01_0",
    "0000:00:1c.0", "pci_0000_00_1c_0", "0001:00:01.0", "pci_0001_00_01_0", NULL,
};

static void check_on(const char *uri, const char *line, const char *const *want, gboolean exact,
                     const char *const *unwanted)
{
    g_autoptr(GPtrArray) reply = complete_on(uri, line);
    assert_reply(line, reply, want, exact);
    if (unwanted)
        assert_lacks(line, reply, unwanted);
}

/* Through $LIBVIRT_DEFAULT_URI */
static void test_bash_host_default_uri(void)
{
    if (!have_bash_completion())
        return;
    g_autofree char *uri = host_uri();
    check_on(uri, "virt-hostdev add ", host_domains, TRUE, NULL);
    check_on(uri, "virt-hostdev add wi", (const char *const[]){ "win11", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 ", free_devices, TRUE, not_free);
    /* ':' is in COMP_WORDBREAKS: readline replaces only what follows the
     * last colon, so the candidates must come back trimmed to that */
    check_on(uri, "virt-hostdev add win11 0000:01:", (const char *const[]){ "00.0", "00.1", "00.2", "00.3", NULL },
             TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 0000:0", (const char *const[]){ "00:02.0", "01:00.0", "03:10.2", NULL },
             FALSE, (const char *const[]){ "03:00.1", "0000:01:00.0", NULL });
    check_on(uri, "virt-hostdev add win11 0001:4", (const char *const[]){ "40:00.0", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 pci_0000_01",
             (const char *const[]){ "pci_0000_01_00_0", "pci_0000_01_00_1", "pci_0000_01_00_2", "pci_0000_01_00_3",
                                    NULL },
             TRUE, NULL);
    /* after options, their values and other devices, still devices */
    check_on(uri, "virt-hostdev add win11 --managed no gpu.xml --guest-address auto ", free_devices, TRUE, NULL);
    check_on(uri, "virt-hostdev add --all-functions win11 0000:01:", (const char *const[]){ "00.0", NULL }, FALSE,
             NULL);

    check_on(uri, "virt-hostdev remove ", host_domains, TRUE, NULL);
    check_on(uri, "virt-hostdev remove web1 ", (const char *const[]){ "0000:03:00.1", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev remove web1 0000:03:", (const char *const[]){ "00.1", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev remove win11 ", (const char *const[]){ NULL }, TRUE, NULL);

    /* show, detach, reattach: every PCI device, held or not */
    check_on(uri, "virt-hostdev show ", free_devices, FALSE, NULL);
    check_on(uri, "virt-hostdev show ", (const char *const[]){ "0000:03:00.1", "pci_0000_03_00_1", "0000:00:01.0", NULL },
             FALSE, NULL);
    check_on(uri, "virt-hostdev show 0000:03:1", (const char *const[]){ "10.0", "10.2", NULL }, TRUE, NULL);
    /* detach: not what running web1 has, nor its group mate (issue 16) */
    check_on(uri, "virt-hostdev detach --group 0000:03:", (const char *const[]){ "10.0", "10.2", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev reattach pci_0000_03_1",
             (const char *const[]){ "pci_0000_03_10_0", "pci_0000_03_10_2", NULL }, TRUE, NULL);

    check_on(uri, "virt-hostdev list --class ",
             (const char *const[]){ "gpu", "audio", "multimedia", "net", "storage", "usb-controller", "serial-bus",
                                    "serial", "bridge", "accelerator", "other", "usb", "mdev", NULL },
             TRUE, NULL);
    check_on(uri, "virt-hostdev list --class u", (const char *const[]){ "usb-controller", "usb", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev validate ", host_domains, TRUE, NULL);
    check_on(uri, "virt-hostdev validate web1 ", (const char *const[]){ NULL }, TRUE, NULL);
    /* verify and remap: one DOMAIN, nothing after it */
    check_on(uri, "virt-hostdev verify ", host_domains, TRUE, NULL);
    check_on(uri, "virt-hostdev remap w", (const char *const[]){ "web1", "win11", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev remap web1 ", (const char *const[]){ NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev verify --file guest.xml ", (const char *const[]){ NULL }, TRUE, NULL);

    /* with --file, the first argument is a device: no domains */
    check_on(uri, "virt-hostdev add --file guest.xml ", (const char *const[]){ "0000:01:00.0", NULL }, FALSE,
             host_domains);
    check_on(uri, "virt-hostdev validate --file guest.xml ", (const char *const[]){ NULL }, TRUE, NULL);
}

/* Through -c/--connect on the line, which wins over $LIBVIRT_DEFAULT_URI
 * (test:///default, whose only domain is "test"). */
static void test_bash_host_connect(void)
{
    if (!have_bash_completion())
        return;
    g_autofree char *uri = host_uri();
    const struct {
        const char *line; /* URI: the test host's */
        const char *const *want;
        gboolean exact;
    } cases[] = {
        { "virt-hostdev -c URI add ", host_domains, TRUE },
        { "virt-hostdev --connect URI add win11 ", free_devices, TRUE },
        { "virt-hostdev --connect=URI add win11 0000:01:", (const char *const[]){ "00.0", "00.1", "00.2", "00.3", NULL },
          TRUE },
        { "virt-hostdev add -c URI win11 0001:", (const char *const[]){ "40:00.0", NULL }, TRUE },
        { "virt-hostdev -c URI remove web1 ", (const char *const[]){ "0000:03:00.1", NULL }, TRUE },
        { "virt-hostdev -c URI validate w", host_domains, TRUE },
        { "virt-hostdev -c URI show pci_0000_03_00_", (const char *const[]){ "pci_0000_03_00_0", "pci_0000_03_00_1", NULL },
          TRUE },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_auto(GStrv) parts = g_strsplit(cases[i].line, "URI", 2);
        g_autofree char *line = g_strjoinv(uri, parts);
        check_on("test:///default", line, cases[i].want, cases[i].exact, (const char *const[]){ "test", NULL });
    }
    /* the default connection itself */
    check_on("test:///default", "virt-hostdev add ", (const char *const[]){ "test", NULL }, TRUE, NULL);
}

/* Issue 16: what remove DOMAIN takes, devices named once, short forms,
 * generate --hostdev, USB for show, and detach by the verdict. */
static void test_bash_host_issue16(void)
{
    if (!have_bash_completion())
        return;
    g_autofree char *uri = host_uri();
    /* web1 holds 0000:03:00.1 at guest 0000:00:06.0 as ua-uplink */
    check_on(uri, "virt-hostdev remove web1 --guest-address ", (const char *const[]){ "0000:00:06.0", NULL }, TRUE,
             NULL);
    check_on(uri, "virt-hostdev remove web1 --guest-address 0000:00:", (const char *const[]){ "06.0", NULL }, TRUE,
             NULL);
    check_on(uri, "virt-hostdev remove web1 --alias ", (const char *const[]){ "ua-uplink", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev remove web1 --alias ua-u", (const char *const[]){ "ua-uplink", NULL }, TRUE, NULL);
    /* a new alias is a name of one's own: nothing offered */
    check_on(uri, "virt-hostdev add win11 --alias ", (const char *const[]){ NULL }, TRUE, NULL);
    /* a device named already is not offered again, in any spelling */
    check_on(uri, "virt-hostdev remove web1 ", (const char *const[]){ "0000:03:00.1", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev remove web1 0000:03:00.1 ", (const char *const[]){ NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev remove web1 pci_0000_03_00_1 ", (const char *const[]){ NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 01:00.0 0000:01:00.", (const char *const[]){ "00.1", "00.2", "00.3", NULL },
             TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 pci_0000_01_00_0 pci_0000_01_00_",
             (const char *const[]){ "pci_0000_01_00_1", "pci_0000_01_00_2", "pci_0000_01_00_3", NULL }, TRUE, NULL);
    /* short forms: PCI domain 0000 without its domain */
    check_on(uri, "virt-hostdev add win11 03:", (const char *const[]){ "10.0", "10.2", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 01:00.", (const char *const[]){ "00.0", "00.1", "00.2", "00.3", NULL }, TRUE,
             NULL);
    check_on(uri, "virt-hostdev show 03:00", (const char *const[]){ "00.0", "00.1", NULL }, TRUE, NULL);
    /* USB for show (every one) and add (the verdict's) */
    check_on(uri, "virt-hostdev show usb_", (const char *const[]){ "usb_1_5", "usb_2_3", "usb_usb1", "usb_usb2", NULL },
             TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 usb", (const char *const[]){ "usb_1_5", "usb_2_3", NULL }, FALSE,
             (const char *const[]){ "usb_usb1", NULL });
    check_on(uri, "virt-hostdev add win11 usb:00", (const char *const[]){ "001.005", "002.003", NULL }, TRUE, NULL);
    /* generate --hostdev: devices as add offers them, and XML files */
    check_on(uri, "virt-hostdev generate --name g --hostdev 01:", (const char *const[]){ "00.0", "00.1", "00.2", "00.3",
             NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev generate --name g --hostdev ", free_devices, FALSE, not_free);
    /* detach: no root port, no LPC bridge, nothing running web1 has (nor
     * its IOMMU group mate), no USB; the free ones are */
    static const char *const detach_free[] = {
        "0000:01:00.0", "pci_0000_01_00_0", "0000:03:10.0", "0000:00:1f.3", "0001:40:00.0", NULL,
    };
    static const char *const never_detach[] = {
        "0000:00:01.0", "pci_0000_00_01_0", "0000:00:1c.0", "0000:00:1f.0", "pci_0000_00_1f_0", "0000:03:00.1",
        "pci_0000_03_00_1", "0000:03:00.0", "0001:00:01.0", "usb_1_5", NULL,
    };
    check_on(uri, "virt-hostdev detach ", detach_free, FALSE, never_detach);
}

/* libvirt unreachable: nothing offered, nothing on the terminal. */
static void test_bash_host_unreachable(void)
{
    if (!have_bash_completion())
        return;
    static const char *const lines[] = {
        "virt-hostdev add ", "virt-hostdev add win11 ", "virt-hostdev remove web1 ", "virt-hostdev show ",
        "virt-hostdev -c test:///nonexistent/other.xml validate ",
    };
    for (guint i = 0; i < G_N_ELEMENTS(lines); i++) {
        g_autofree char *uri_env = g_strdup("LIBVIRT_DEFAULT_URI=test:///nonexistent/host.xml");
        const char *env[] = { uri_env, NULL };
        g_autofree char *err = NULL;
        g_autoptr(GPtrArray) reply = complete_line_full(lines[i], env, NULL, &err);
        g_assert_cmpstr(err, ==, "");
        g_assert_cmpuint(reply->len, ==, 0);
    }
}

static int compare_gint64(gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
    return x < y ? -1 : x > y;
}

/* Median wall time of RUNS runs of ARGV, in microseconds. */
static gint64 median_us(const char *const *argv, char **envp, guint runs)
{
    g_autoptr(GArray) times = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (guint i = 0; i < runs; i++) {
        g_autofree char *out = NULL;
        gint64 start = g_get_monotonic_time();
        int rc = spawn(argv, envp, NULL, &out, NULL);
        gint64 t = g_get_monotonic_time() - start;
        g_assert_cmpint(rc, ==, 0);
        g_assert_cmpstr(out, !=, "");
        g_array_append_val(times, t);
    }
    g_array_sort(times, compare_gint64);
    return g_array_index(times, gint64, runs / 2);
}

/* What a Tab costs: the queries the completion makes, against the test
 * host. Only a generous bound is asserted (machines are shared); the
 * numbers are in the test log. */
static void test_completion_latency(void)
{
    g_autofree char *uri = host_uri();
    const char *binary = g_getenv("VIRT_HOSTDEV_BINARY");
    g_auto(GStrv) envp = child_environ();
    envp = g_environ_setenv(envp, "LIBVIRT_DEFAULT_URI", uri, TRUE);
    static const char *const queries[][3] = {
        { "devices", "free", NULL }, { "domains", NULL, NULL }, { "devices", NULL, NULL }, { "held", "web1", NULL },
    };
    for (guint q = 0; q < G_N_ELEMENTS(queries); q++) {
        const char *argv[] = { binary, "__complete", queries[q][0], queries[q][1], NULL };
        gint64 us = median_us(argv, envp, 20);
        g_test_message("latency: virt-hostdev __complete %s%s%s: median of 20 runs %.1f ms", queries[q][0],
                       queries[q][1] ? " " : "", queries[q][1] ? queries[q][1] : "", (double)us / 1000.0);
        g_assert_cmpint(us, <, 500 * 1000);
    }
    if (!have_bash_completion())
        return;
    /* a whole Tab in bash (bash-completion loaded each time, so an upper
     * bound): "add win11 " asks for the valued options and the devices */
    gint64 start = g_get_monotonic_time();
    for (guint i = 0; i < 5; i++) {
        g_autoptr(GPtrArray) reply = complete_on(uri, "virt-hostdev add win11 ");
        g_assert_cmpuint(reply->len, >, 0);
    }
    gint64 per_tab = (g_get_monotonic_time() - start) / 5;
    g_test_message("latency: 'virt-hostdev add win11 <TAB>' in a fresh bash with bash-completion: %.1f ms",
                   (double)per_tab / 1000.0);
    g_assert_cmpint(per_tab, <, 2000 * 1000);
}

/* ---- a terminal: Tab Tab in bash under tmux ---- */

static int tmux(const char *socket, const char *const *args, char **envp, char **out)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer) "tmux");
    g_ptr_array_add(argv, (gpointer) "-S");
    g_ptr_array_add(argv, (gpointer)socket);
    g_ptr_array_add(argv, (gpointer) "-f");
    g_ptr_array_add(argv, (gpointer) "/dev/null");
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    g_autofree char *err = NULL;
    int rc = spawn((const char *const *)argv->pdata, envp, NULL, out, &err);
    if (rc != 0)
        g_test_message("tmux %s: exit %d: %s", args[0], rc, err);
    return rc;
}

static void test_tmux_tab_tab(void)
{
    g_autofree char *tmux_path = g_find_program_in_path("tmux");
    if (tmux_path == NULL) {
        g_test_skip("tmux not installed");
        return;
    }
    if (!have_bash_completion())
        return;
    /* a private server, its socket in the scratch directory */
    g_autofree char *socket = g_build_filename(test_tmpdir(), "tmux.sock", NULL);
    g_auto(GStrv) envp = child_environ();
    envp = g_environ_setenv(envp, "TERM", "xterm", TRUE);
    envp = g_environ_setenv(envp, "INPUTRC", "/dev/null", TRUE);
    envp = g_environ_setenv(envp, "PS1", "$ ", TRUE);
    envp = g_environ_setenv(envp, "HISTFILE", "/dev/null", TRUE);

    const char *start[] = { "new-session", "-d", "-x", "200", "-y", "50", "bash --norc --noprofile", NULL };
    if (tmux(socket, start, envp, NULL) != 0) {
        g_test_skip("cannot start a tmux session");
        return;
    }
    g_autofree char *completion = source_path("completions/virt-hostdev");
    g_autofree char *bindir = binary_dir();
    g_autofree char *setup = g_strdup_printf("PS1='$ '; export PATH='%s':\"$PATH\"; source %s; source '%s'; clear",
                                             bindir, BASH_COMPLETION_MAIN, completion);
    const char *send_setup[] = { "send-keys", "-t", "0", "-l", setup, NULL };
    const char *enter[] = { "send-keys", "-t", "0", "Enter", NULL };
    const char *type[] = { "send-keys", "-t", "0", "-l", "virt-hostdev ad", NULL };
    const char *tab[] = { "send-keys", "-t", "0", "Tab", NULL };
    const char *capture[] = { "capture-pane", "-p", "-t", "0", NULL };
    const char *kill[] = { "kill-server", NULL };

    g_assert_cmpint(tmux(socket, send_setup, envp, NULL), ==, 0);
    g_assert_cmpint(tmux(socket, enter, envp, NULL), ==, 0);
    g_usleep(300 * 1000);
    g_assert_cmpint(tmux(socket, type, envp, NULL), ==, 0);

    /* readline: the first Tab inserts the common prefix ("ad" -> "add");
     * then, nothing being left to insert, Tab Tab lists add and address */
    g_autofree char *screen = NULL;
    gboolean completed = FALSE, listed = FALSE;
    g_autoptr(GRegex) list = g_regex_new("^add\\s+address\\s*$", G_REGEX_MULTILINE, 0, NULL);
    for (int tabs = 1; tabs <= 3 && !listed; tabs++) {
        g_assert_cmpint(tmux(socket, tab, envp, NULL), ==, 0);
        if (tabs == 2)
            continue;
        for (int attempt = 0; attempt < 50; attempt++) {
            g_usleep(100 * 1000);
            g_clear_pointer(&screen, g_free);
            if (tmux(socket, capture, envp, &screen) != 0)
                break;
            completed = strstr(screen, "$ virt-hostdev add") != NULL;
            listed = g_regex_match(list, screen, 0, NULL);
            if (tabs == 1 ? completed : listed)
                break;
        }
        if (tabs == 1 && !completed)
            break;
    }
    tmux(socket, kill, envp, NULL);
    g_test_message("screen:\n%s", screen ? screen : "(none)");
    g_assert_nonnull(screen);
    g_assert_true(completed);
    g_assert_true(listed);
    g_assert_nonnull(strstr(screen, "address"));
}

/* Poll the pane until RE matches (5 s at most); returns the last screen. */
static char *tmux_wait_for(const char *socket, char **envp, GRegex *re)
{
    const char *capture[] = { "capture-pane", "-p", "-t", "0", NULL };
    char *screen = NULL;
    for (int attempt = 0; attempt < 50; attempt++) {
        g_usleep(100 * 1000);
        g_clear_pointer(&screen, g_free);
        if (tmux(socket, capture, envp, &screen) != 0)
            break;
        if (g_regex_match(re, screen, 0, NULL))
            break;
    }
    return screen;
}

/* The whole workflow on a terminal, against the test host: domains after
 * "add", then Tab Tab lists the free devices, then an address completes
 * across its colons. */
static void test_tmux_add_devices(void)
{
    g_autofree char *tmux_path = g_find_program_in_path("tmux");
    if (tmux_path == NULL) {
        g_test_skip("tmux not installed");
        return;
    }
    if (!have_bash_completion())
        return;
    g_autofree char *socket = g_build_filename(test_tmpdir(), "tmux-host.sock", NULL);
    g_autofree char *uri = host_uri();
    g_auto(GStrv) envp = child_environ();
    envp = g_environ_setenv(envp, "TERM", "xterm", TRUE);
    envp = g_environ_setenv(envp, "INPUTRC", "/dev/null", TRUE);
    envp = g_environ_setenv(envp, "PS1", "$ ", TRUE);
    envp = g_environ_setenv(envp, "HISTFILE", "/dev/null", TRUE);
    envp = g_environ_setenv(envp, "LIBVIRT_DEFAULT_URI", uri, TRUE);

    const char *start[] = { "new-session", "-d", "-x", "200", "-y", "50", "bash --norc --noprofile", NULL };
    if (tmux(socket, start, envp, NULL) != 0) {
        g_test_skip("cannot start a tmux session");
        return;
    }
    g_autofree char *completion = source_path("completions/virt-hostdev");
    g_autofree char *bindir = binary_dir();
    g_autofree char *setup = g_strdup_printf("PS1='$ '; export PATH='%s':\"$PATH\"; source %s; source '%s'; clear",
                                             bindir, BASH_COMPLETION_MAIN, completion);
    const char *send_setup[] = { "send-keys", "-t", "0", "-l", setup, NULL };
    const char *enter[] = { "send-keys", "-t", "0", "Enter", NULL };
    const char *tab[] = { "send-keys", "-t", "0", "Tab", NULL };
    const char *kill[] = { "kill-server", NULL };
    g_assert_cmpint(tmux(socket, send_setup, envp, NULL), ==, 0);
    g_assert_cmpint(tmux(socket, enter, envp, NULL), ==, 0);
    g_usleep(300 * 1000);

    /* "add w" Tab: both domains start with w; "i" Tab completes win11 */
    const char *type_add[] = { "send-keys", "-t", "0", "-l", "virt-hostdev add wi", NULL };
    g_assert_cmpint(tmux(socket, type_add, envp, NULL), ==, 0);
    g_assert_cmpint(tmux(socket, tab, envp, NULL), ==, 0);
    g_autoptr(GRegex) domain_done = g_regex_new("\\$ virt-hostdev add win11\\s*$", G_REGEX_MULTILINE, 0, NULL);
    g_autofree char *screen1 = tmux_wait_for(socket, envp, domain_done);

    /* Tab Tab: the free devices, listed in columns */
    g_assert_cmpint(tmux(socket, tab, envp, NULL), ==, 0);
    g_usleep(200 * 1000);
    g_assert_cmpint(tmux(socket, tab, envp, NULL), ==, 0);
    g_autoptr(GRegex) listed = g_regex_new("pci_0001_40_00_0", 0, 0, NULL);
    g_autofree char *screen2 = tmux_wait_for(socket, envp, listed);

    /* an address across its colons: "0001:4" Tab -> 0001:40:00.0 */
    const char *type_addr[] = { "send-keys", "-t", "0", "-l", "0001:4", NULL };
    g_assert_cmpint(tmux(socket, type_addr, envp, NULL), ==, 0);
    g_assert_cmpint(tmux(socket, tab, envp, NULL), ==, 0);
    g_autoptr(GRegex) addr_done = g_regex_new("\\$ virt-hostdev add win11 0001:40:00\\.0\\s*$", G_REGEX_MULTILINE, 0, NULL);
    g_autofree char *screen3 = tmux_wait_for(socket, envp, addr_done);
    tmux(socket, kill, envp, NULL);

    g_test_message("screen after 'add wi' Tab:\n%s", screen1 ? screen1 : "(none)");
    g_test_message("screen after Tab Tab:\n%s", screen2 ? screen2 : "(none)");
    g_test_message("screen after '0001:4' Tab:\n%s", screen3 ? screen3 : "(none)");
    g_assert_nonnull(screen3);
    g_assert_true(g_regex_match(domain_done, screen1, 0, NULL));
    for (const char *const *d = free_devices; *d; d++)
        if (strstr(screen2, *d) == NULL)
            g_error("Tab Tab after 'virt-hostdev add win11 ' did not list %s:\n%s", *d, screen2);
    g_assert_null(strstr(screen2, "0000:03:00.1"));
    g_assert_null(strstr(screen2, "pci_0000_00_01_0"));
    g_assert_true(g_regex_match(addr_done, screen3, 0, NULL));
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
    g_test_add_func("/docs/bash/words", test_bash_words);
    g_test_add_func("/docs/bash/values", test_bash_values);
    g_test_add_func("/docs/bash/files", test_bash_files);
    g_test_add_func("/docs/bash/connect-and-failures", test_bash_connect_and_failures);
    g_test_add_func("/docs/bash/tmux", test_tmux_tab_tab);
    g_test_add_func("/docs/bash/tmux-add-devices", test_tmux_add_devices);
    g_test_add_func("/docs/bash/host-default-uri", test_bash_host_default_uri);
    g_test_add_func("/docs/bash/host-connect", test_bash_host_connect);
    g_test_add_func("/docs/bash/host-unreachable", test_bash_host_unreachable);
    g_test_add_func("/docs/bash/host-issue16", test_bash_host_issue16);
    g_test_add_func("/docs/completion-latency", test_completion_latency);
    return g_test_run();
}
