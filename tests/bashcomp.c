/* The bash completion harness of the tests: the completion script run in a
 * real bash (bash-completion loaded) the way readline calls it, and the
 * helpers the man-page tests share with it. See bashcomp.h. */
#include <string.h>
#include <sys/wait.h>

#include "bashcomp.h"
#include "testutil.h"

const char *source_dir(void)
{
    const char *dir = g_getenv("VIRT_HOSTDEV_SOURCE_DIR");
    g_assert_nonnull(dir);
    return dir;
}

char *source_path(const char *relative)
{
    return g_build_filename(source_dir(), relative, NULL);
}

char *binary_dir(void)
{
    const char *binary = g_getenv("VIRT_HOSTDEV_BINARY");
    g_assert_nonnull(binary);
    return g_path_get_dirname(binary);
}

/* Environment for the children: the build's binary first on PATH. */
char **child_environ(void)
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
int spawn(const char *const *argv, char **envp, const char *cwd, char **out, char **err)
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
GPtrArray *output_lines(const char *text)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) parts = g_strsplit(text, "\n", -1);
    for (char **p = parts; *p; p++)
        if (**p)
            g_ptr_array_add(lines, g_strdup(*p));
    return lines;
}

gboolean lines_contain(GPtrArray *lines, const char *word)
{
    for (guint i = 0; i < lines->len; i++)
        if (g_strcmp0(lines->pdata[i], word) == 0)
            return TRUE;
    return FALSE;
}

GPtrArray *complete_query(const char *what, const char *verb)
{
    g_autofree char *out = NULL, *err = NULL;
    const char *argv[] = { "__complete", what, verb, NULL };
    int rc = test_run(argv, NULL, &out, &err);
    g_assert_cmpint(rc, ==, 0);
    g_assert_cmpstr(err, ==, "");
    return output_lines(out);
}

/* ---- the completion in a real bash ---- */

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

gboolean have_bash_completion(void)
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
GPtrArray *complete_line_full(const char *line, const char *const *extra_env, const char *cwd, char **err_out)
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

GPtrArray *complete_line(const char *line)
{
    return complete_line_full(line, NULL, NULL, NULL);
}

void assert_reply(const char *line, GPtrArray *reply, const char *const *want, gboolean exact)
{
    guint n = 0;
    for (const char *const *w = want; *w; w++, n++)
        if (!lines_contain(reply, *w))
            g_error("completing '%s': '%s' not offered", line, *w);
    if (exact && reply->len != n)
        g_error("completing '%s': %u candidates, expected %u", line, reply->len, n);
}

void check_line(const char *line, const char *const *want, gboolean exact)
{
    g_autoptr(GPtrArray) reply = complete_line(line);
    assert_reply(line, reply, want, exact);
}

char *host_uri(void)
{
    g_autofree char *path = test_data_path("host.xml");
    return g_strconcat("test://", path, NULL);
}

void assert_lacks(const char *line, GPtrArray *reply, const char *const *unwanted)
{
    for (const char *const *u = unwanted; *u; u++)
        if (lines_contain(reply, *u))
            g_error("completing '%s': '%s' offered", line, *u);
}

/* COMPREPLY for LINE with $LIBVIRT_DEFAULT_URI set to URI. */
GPtrArray *complete_on(const char *uri, const char *line)
{
    g_autofree char *env_uri = g_strconcat("LIBVIRT_DEFAULT_URI=", uri, NULL);
    const char *env[] = { env_uri, NULL };
    return complete_line_full(line, env, NULL, NULL);
}

void check_on(const char *uri, const char *line, const char *const *want, gboolean exact,
                     const char *const *unwanted)
{
    g_autoptr(GPtrArray) reply = complete_on(uri, line);
    assert_reply(line, reply, want, exact);
    if (unwanted)
        assert_lacks(line, reply, unwanted);
}

/* Through $LIBVIRT_DEFAULT_URI */
