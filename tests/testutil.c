#include "testutil.h"
#include <json-glib/json-glib.h>

#include <glib/gstdio.h>
#include <stdarg.h>
#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <string.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *source_dir(void)
{
    const char *dir = g_getenv("VIRT_HOSTDEV_SOURCE_DIR");
    g_assert_nonnull(dir);
    return dir;
}

char *test_data_path(const char *relative)
{
    return g_build_filename(source_dir(), "tests", "data", relative, NULL);
}

char *test_data_read(const char *relative, gsize *len)
{
    g_autofree char *path = test_data_path(relative);
    char *data = NULL;
    gsize l = 0;
    g_autoptr(GError) error = NULL;
    g_file_get_contents(path, &data, &l, &error);
    g_assert_no_error(error);
    if (len)
        *len = l;
    return data;
}

char *test_canonical_xml(const char *text)
{
    xmlDoc *doc = xmlReadMemory(text, (int)strlen(text), NULL, NULL,
                                XML_PARSE_NOBLANKS | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL)
        return NULL;
    xmlChar *out = NULL;
    int n = xmlC14NDocDumpMemory(doc, NULL, XML_C14N_1_0, NULL, 0, &out);
    xmlFreeDoc(doc);
    if (n < 0)
        return NULL;
    char *copy = g_strdup((const char *)out);
    xmlFree(out);
    return copy;
}

static gboolean regenerating(void)
{
    return g_strcmp0(g_getenv("VIRT_HOSTDEV_REGENERATE_GOLDEN"), "1") == 0;
}

static char *golden_path(const char *name)
{
    g_autofree char *rel = g_build_filename("golden", name, NULL);
    return test_data_path(rel);
}

static gboolean regenerate(const char *name, const char *actual)
{
    if (!regenerating())
        return FALSE;
    g_autofree char *path = golden_path(name);
    g_autofree char *dir = g_path_get_dirname(path);
    g_mkdir_with_parents(dir, 0755);
    g_autoptr(GError) error = NULL;
    g_file_set_contents(path, actual, -1, &error);
    g_assert_no_error(error);
    g_test_message("regenerated %s", path);
    return TRUE;
}

void test_assert_golden_xml(const char *name, const char *actual)
{
    if (regenerate(name, actual))
        return;
    g_autofree char *rel = g_build_filename("golden", name, NULL);
    g_autofree char *expected = test_data_read(rel, NULL);
    g_autofree char *want = test_canonical_xml(expected);
    g_autofree char *got = test_canonical_xml(actual);
    g_assert_nonnull(want);
    g_assert_nonnull(got);
    g_assert_cmpstr(got, ==, want);
}

void test_assert_golden_text(const char *name, const char *actual)
{
    if (regenerate(name, actual))
        return;
    g_autofree char *rel = g_build_filename("golden", name, NULL);
    g_autofree char *expected = test_data_read(rel, NULL);
    g_assert_cmpstr(actual, ==, expected);
}

int test_run_env(const char *const *argv, const char *const *env, const char *stdin_text, char **out, char **err)
{
    const char *binary = g_getenv("VIRT_HOSTDEV_BINARY");
    g_assert_nonnull(binary);
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    g_ptr_array_add(args, (gpointer)binary);
    for (const char *const *a = argv; *a; a++)
        g_ptr_array_add(args, (gpointer)*a);
    g_ptr_array_add(args, NULL);

    g_auto(GStrv) envp = g_get_environ();
    for (const char *const *e = env; e && *e; e++) {
        g_auto(GStrv) kv = g_strsplit(*e, "=", 2);
        envp = g_environ_setenv(envp, kv[0], kv[1] ? kv[1] : "", TRUE);
    }

    /* stdin from a file so that the child sees a real EOF */
    g_autofree char *in_path = g_build_filename(test_tmpdir(), "stdin.XXXXXX", NULL);
    int in_fd = g_mkstemp(in_path);
    g_assert_cmpint(in_fd, >=, 0);
    if (stdin_text)
        g_assert_true(write(in_fd, stdin_text, strlen(stdin_text)) == (ssize_t)strlen(stdin_text));
    lseek(in_fd, 0, SEEK_SET);

    int status = -1;
    g_autoptr(GError) error = NULL;
    GPid pid;
    int out_fd, err_fd;
    g_assert_true(g_spawn_async_with_pipes_and_fds(NULL, (const char *const *)args->pdata, (const char *const *)envp,
                                                   G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, in_fd, -1, -1, NULL, NULL, 0,
                                                   &pid, NULL, &out_fd, &err_fd, &error));
    g_assert_no_error(error);
    close(in_fd);
    g_unlink(in_path);

    GString *o = g_string_new(NULL), *e = g_string_new(NULL);
    char buf[4096];
    gboolean out_open = TRUE, err_open = TRUE;
    while (out_open || err_open) {
        fd_set fds;
        FD_ZERO(&fds);
        if (out_open)
            FD_SET(out_fd, &fds);
        if (err_open)
            FD_SET(err_fd, &fds);
        if (select(MAX(out_fd, err_fd) + 1, &fds, NULL, NULL, NULL) < 0)
            continue;
        if (out_open && FD_ISSET(out_fd, &fds)) {
            ssize_t n = read(out_fd, buf, sizeof buf);
            if (n <= 0)
                out_open = FALSE;
            else
                g_string_append_len(o, buf, n);
        }
        if (err_open && FD_ISSET(err_fd, &fds)) {
            ssize_t n = read(err_fd, buf, sizeof buf);
            if (n <= 0)
                err_open = FALSE;
            else
                g_string_append_len(e, buf, n);
        }
    }
    close(out_fd);
    close(err_fd);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_spawn_close_pid(pid);
    if (out)
        *out = g_string_free(o, FALSE);
    else
        g_string_free(o, TRUE);
    if (err)
        *err = g_string_free(e, FALSE);
    else
        g_string_free(e, TRUE);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int test_run(const char *const *argv, const char *stdin_text, char **out, char **err)
{
    return test_run_env(argv, NULL, stdin_text, out, err);
}

static char *tmpdir;

static void remove_tree(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    if (dir) {
        const char *name;
        while ((name = g_dir_read_name(dir))) {
            g_autofree char *child = g_build_filename(path, name, NULL);
            if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
                remove_tree(child);
            else
                g_unlink(child);
        }
        g_dir_close(dir);
    }
    g_rmdir(path);
}

static void cleanup_tmpdir(void)
{
    if (tmpdir)
        remove_tree(tmpdir);
}

const char *test_tmpdir(void)
{
    if (tmpdir == NULL) {
        tmpdir = g_dir_make_tmp("virt-hostdev-test-XXXXXX", NULL);
        g_assert_nonnull(tmpdir);
        atexit(cleanup_tmpdir);
    }
    return tmpdir;
}

char *test_copy_to_tmp(const char *relative, const char *name)
{
    gsize len;
    g_autofree char *data = test_data_read(relative, &len);
    char *path = g_build_filename(test_tmpdir(), name, NULL);
    g_autoptr(GError) error = NULL;
    g_file_set_contents(path, data, (gssize)len, &error);
    g_assert_no_error(error);
    return path;
}

void cmd_result_free(CmdResult *r)
{
    if (r == NULL)
        return;
    g_free(r->out);
    g_free(r->err);
    g_free(r);
}

CmdResult *cmd_runv(const char *const *env, const char *in, const char *const *argv)
{
    CmdResult *r = g_new0(CmdResult, 1);
    r->rc = test_run_env(argv, env, in, &r->out, &r->err);
    g_autofree char *cmd = g_strjoinv(" ", (char **)argv);
    g_test_message("virt-hostdev %s -> %d\nstdout: %s\nstderr: %s", cmd, r->rc, r->out, r->err);
    return r;
}

CmdResult *cmd_run_va(const char *const *env, const char *in, const char *first, va_list ap)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    for (const char *a = first; a; a = va_arg(ap, const char *))
        g_ptr_array_add(argv, (gpointer)a);
    g_ptr_array_add(argv, NULL);
    return cmd_runv(env, in, (const char *const *)argv->pdata);
}

CmdResult *cmd_run(const char *const *env, const char *in, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    CmdResult *r = cmd_run_va(env, in, first, ap);
    va_end(ap);
    return r;
}

char *test_driver_uri(const char *host)
{
    g_autofree char *path = test_data_path(host);
    return g_strconcat("test://", path, NULL);
}

CmdResult *cmd_run_on(const char *host, const char *first, ...)
{
    g_autofree char *uri = test_driver_uri(host);
    const char *prefix[] = { "-c", uri, NULL };
    va_list ap;
    va_start(ap, first);
    g_autoptr(GPtrArray) argv = test_argv_va(prefix, first, ap);
    va_end(ap);
    return cmd_runv(NULL, NULL, (const char *const *)argv->pdata);
}

void cmd_assert_exit(const CmdResult *r, int code)
{
    if (r->rc != code)
        g_test_message("unexpected exit %d; stdout:\n%s\nstderr:\n%s", r->rc, r->out, r->err);
    g_assert_cmpint(r->rc, ==, code);
}

void cmd_assert_contains(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle) == NULL)
        g_test_message("'%s' not in:\n%s", needle, haystack);
    g_assert_nonnull(strstr(haystack, needle));
}

void cmd_assert_lacks(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle) != NULL)
        g_test_message("'%s' unexpectedly in:\n%s", needle, haystack);
    g_assert_null(strstr(haystack, needle));
}

void cmd_assert_error(const CmdResult *r, int code, ...)
{
    static const char prefix[] = "virt-hostdev: error: ";
    cmd_assert_exit(r, code);
    g_assert_cmpstr(r->out, ==, "");
    g_assert_true(g_str_has_prefix(r->err, prefix));
    g_assert_true(g_str_has_suffix(r->err, "\n"));
    g_assert_null(strchr(r->err, '\n') + 1 < r->err + strlen(r->err) ? strchr(r->err, '\n') : NULL);
    va_list ap;
    va_start(ap, code);
    for (const char *n = va_arg(ap, const char *); n; n = va_arg(ap, const char *))
        cmd_assert_contains(r->err, n);
    va_end(ap);
}

guint test_count(const char *haystack, const char *needle)
{
    guint n = 0;
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

GPtrArray *test_argv_va(const char *const *prefix, const char *first, va_list ap)
{
    GPtrArray *argv = g_ptr_array_new();
    for (const char *const *p = prefix; p && *p; p++)
        g_ptr_array_add(argv, (gpointer)*p);
    for (const char *a = first; a; a = va_arg(ap, const char *))
        g_ptr_array_add(argv, (gpointer)a);
    g_ptr_array_add(argv, NULL);
    return argv;
}

JsonNode *test_parse_json_object(const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    if (!json_parser_load_from_data(parser, text, -1, &error))
        g_test_message("not JSON: %s\n%s", error->message, text);
    g_assert_no_error(error);
    JsonNode *root = json_parser_steal_root(parser);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(root));
    return root;
}

guint64 test_libvirt_version(void)
{
    const char *v = g_getenv("VIRT_HOSTDEV_LIBVIRT_VERSION");
    g_assert_nonnull(v);
    g_auto(GStrv) parts = g_strsplit(v, ".", 3);
    guint64 n = 0;
    for (guint i = 0; i < 3; i++)
        n = n * 1000 + (parts[0] && i < g_strv_length(parts) ? g_ascii_strtoull(parts[i], NULL, 10) : 0);
    return n;
}

void test_find_xml(const char *dir, GPtrArray *files)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (d == NULL)
        return;
    const char *name;
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            test_find_xml(path, files);
        else if (g_str_has_suffix(name, ".xml"))
            g_ptr_array_add(files, g_steal_pointer(&path));
    }
    g_dir_close(d);
}
