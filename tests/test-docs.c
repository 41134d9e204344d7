/* The man page and the bash completion against the binary's own tables:
 * the page builds without warnings and documents every option; the
 * completion, run in a real bash (and in a terminal under tmux), offers the
 * verbs, options and option values. */
#include <glib/gstdio.h>
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
    check_line("virt-hostdev help rem", (const char *const[]){ "remove", NULL }, TRUE);
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/docs/man/renders", test_man_renders);
    g_test_add_func("/docs/man/options", test_options_documented);
    g_test_add_func("/docs/bash/words", test_bash_words);
    g_test_add_func("/docs/bash/values", test_bash_values);
    g_test_add_func("/docs/bash/files", test_bash_files);
    g_test_add_func("/docs/bash/connect-and-failures", test_bash_connect_and_failures);
    g_test_add_func("/docs/bash/tmux", test_tmux_tab_tab);
    return g_test_run();
}
