/* The helpers and fixture names the test-cli programs share (cliutil.h). */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>

#include "testutil.h"
#include "cliutil.h"

void assert_output(const CmdResult *r, const char *expected)
{
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_assert_cmpstr(r->out, ==, expected);
}

char *read_file(const char *path)
{
    char *data = NULL;
    g_autoptr(GError) error = NULL;
    g_file_get_contents(path, &data, NULL, &error);
    g_assert_no_error(error);
    return data;
}

void write_file(const char *path, const char *data)
{
    g_autoptr(GError) error = NULL;
    g_file_set_contents(path, data, -1, &error);
    g_assert_no_error(error);
}

/* A fresh scratch directory for the running test case, named after it, made
 * the working directory: the tool sees short, stable file names (they appear
 * in diff headers and messages). */
void enter_scratch_dir(void)
{
    g_autofree char *name = g_strdelimit(g_strdup(g_test_get_path() + 1), "/", '-');
    g_autofree char *dir = g_build_filename(test_tmpdir(), name, NULL);
    g_assert_cmpint(g_mkdir(dir, 0755), ==, 0);
    g_assert_cmpint(g_chdir(dir), ==, 0);
}

/* Copy tests/data/RELATIVE into the working directory; returns its name. */
char *copy_fixture(const char *relative)
{
    gsize len;
    g_autofree char *data = test_data_read(relative, &len);
    char *path = g_path_get_basename(relative);
    g_autoptr(GError) error = NULL;
    g_file_set_contents(path, data, (gssize)len, &error);
    g_assert_no_error(error);
    return path;
}

/* PATH holds exactly the bytes of tests/data/RELATIVE. */
void assert_same_as_fixture(const char *path, const char *relative)
{
    gsize want_len;
    g_autofree char *want = test_data_read(relative, &want_len);
    g_autofree char *got = NULL;
    gsize got_len;
    g_autoptr(GError) error = NULL;
    g_file_get_contents(path, &got, &got_len, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(got_len, ==, want_len);
    g_assert_cmpmem(got, got_len, want, want_len);
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* DIR holds exactly the NULL-terminated list of file names (no temp files,
 * no backups left behind). */
void assert_dir_holds(const char *dir, ...)
{
    g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func(g_free);
    va_list ap;
    va_start(ap, dir);
    for (const char *n = va_arg(ap, const char *); n; n = va_arg(ap, const char *))
        g_ptr_array_add(want, g_strdup(n));
    va_end(ap);
    g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    for (const char *n; (n = g_dir_read_name(d));)
        g_ptr_array_add(got, g_strdup(n));
    g_dir_close(d);
    g_ptr_array_sort(want, compare_strings);
    g_ptr_array_sort(got, compare_strings);
    g_ptr_array_add(want, NULL);
    g_ptr_array_add(got, NULL);
    g_autofree char *w = g_strjoinv(" ", (char **)want->pdata);
    g_autofree char *g = g_strjoinv(" ", (char **)got->pdata);
    g_assert_cmpstr(g, ==, w);
}

/* Several top-level blocks as one document, for the golden XML files. */
char *wrap_blocks(const char *blocks)
{
    return g_strdup_printf("<devices>\n%s</devices>\n", blocks);
}

/* The lines a unified diff adds / removes (without the +/- and headers). */
char *diff_lines(const char *diff, char sign)
{
    g_autoptr(GString) s = g_string_new(NULL);
    g_auto(GStrv) lines = g_strsplit(diff, "\n", -1);
    for (char **l = lines; *l; l++) {
        if ((*l)[0] != sign || g_str_has_prefix(*l, "+++") || g_str_has_prefix(*l, "---"))
            continue;
        g_string_append_printf(s, "%s\n", *l + 1);
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

/* The JSON text has KEY with the literal VALUE (true, false, a number…). */
void assert_json_member(const char *json, const char *key, const char *value)
{
    g_autofree char *quoted = g_strdup_printf("\"%s\"", key);
    const char *p = strstr(json, quoted);
    if (p == NULL)
        g_test_message("no key %s in:\n%s", quoted, json);
    g_assert_nonnull(p);
    p += strlen(quoted);
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    g_assert_cmpint(*p, ==, ':');
    p++;
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    g_assert_true(g_str_has_prefix(p, value));
}

const char *nodedev(const char *file)
{
    static char *paths[32];
    static guint n;
    g_assert_cmpuint(n, <, G_N_ELEMENTS(paths));
    g_autofree char *rel = g_build_filename("nodedev", file, NULL);
    return paths[n++] = test_data_path(rel);
}

const char *const GPU = "pci_0000_01_00_0.xml";
const char *const NET_NODEDEV = "net_enp3s0_00_1b_21_aa_bb_cc.xml";

const char PCI_BLOCK[] =
    "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
    "  <source>\n"
    "    <address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>\n"
    "  </source>\n"
    "</hostdev>\n";

const char *const I440FX = "domain/guest-i440fx.xml";
const char *const Q35 = "domain/guest-q35.xml";
const char *const Q35_FULL = "domain/guest-q35-full.xml";
const char *const TABS = "domain/guest-tabs.xml";
const char *const MINIMAL = "domain/guest-minimal.xml";
const char *const INVALID = "domain/guest-invalid.xml";
