/* The fixtures and checks the test-badinput programs share (badinput.h). */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "badinput.h"
#include "testutil.h"

/* ------------------------------------------------------------- fixtures */

Bytes fixture(const char *relative)
{
    Bytes b;
    b.data = test_data_read(relative, &b.len);
    return b;
}

Bytes text(const char *s)
{
    return (Bytes){ g_strdup(s), strlen(s) };
}

/* The fixture with the first occurrence of FROM replaced by TO. */
Bytes edited(const char *relative, const char *from, const char *to)
{
    Bytes b = fixture(relative);
    char *at = strstr(b.data, from);
    g_assert_nonnull(at);
    g_autofree char *head = g_strndup(b.data, (gsize)(at - b.data));
    char *out = g_strconcat(head, to, at + strlen(from), NULL);
    g_free(b.data);
    return (Bytes){ out, strlen(out) };
}

/* A PCI node device named "gpu" (so that its name gives no address) whose
 * capability holds BODY. */
Bytes nodedev_with(const char *body)
{
    g_autofree char *s = g_strdup_printf("<device>\n  <name>gpu</name>\n  <capability type='pci'>\n%s\n"
                                         "  </capability>\n</device>\n", body);
    return text(s);
}

/* A one-device domain whose <devices> holds EXTRA. */
Bytes domain_with(const char *extra)
{
    g_autofree char *s = g_strdup_printf("<domain type='kvm'>\n  <name>bad</name>\n  <os>\n"
                                         "    <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>\n  </os>\n"
                                         "  <devices>\n%s\n  </devices>\n</domain>\n", extra);
    return text(s);
}

char *scratch_dir(void)
{
    g_autofree char *name = g_strdelimit(g_strdup(g_test_get_path() + 1), "/", '-');
    char *dir = g_build_filename(test_tmpdir(), name, NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_cmpint(g_chdir(dir), ==, 0);
    return dir;
}

void put(const char *name, Bytes b)
{
    g_autoptr(GError) error = NULL;
    g_file_set_contents(name, b.data, (gssize)b.len, &error);
    g_assert_no_error(error);
    g_free(b.data);
}

/* ---------------------------------------------------------- the checks */

/* Every file in the working directory, with its bytes. */
GHashTable *snapshot(void)
{
    GHashTable *files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
    GDir *d = g_dir_open(".", 0, NULL);
    g_assert_nonnull(d);
    for (const char *n; (n = g_dir_read_name(d));) {
        char *data;
        gsize len;
        g_assert_true(g_file_get_contents(n, &data, &len, NULL));
        g_hash_table_insert(files, g_strdup(n), g_bytes_new_take(data, len));
    }
    g_dir_close(d);
    return files;
}

void assert_unchanged(GHashTable *before)
{
    g_autoptr(GHashTable) after = snapshot();
    g_assert_cmpuint(g_hash_table_size(after), ==, g_hash_table_size(before));
    GHashTableIter it;
    gpointer name, bytes;
    g_hash_table_iter_init(&it, before);
    while (g_hash_table_iter_next(&it, &name, &bytes)) {
        GBytes *now = g_hash_table_lookup(after, name);
        if (now == NULL || !g_bytes_equal(now, bytes))
            g_test_message("%s changed", (const char *)name);
        g_assert_nonnull(now);
        g_assert_true(g_bytes_equal(now, bytes));
    }
}

static GPtrArray *argv_of(const char *first, va_list ap)
{
    GPtrArray *argv = g_ptr_array_new();
    for (const char *a = first; a; a = va_arg(ap, const char *))
        g_ptr_array_add(argv, (gpointer)a);
    g_ptr_array_add(argv, NULL);
    return argv;
}

static void log_run(GPtrArray *argv, int rc, const char *out, const char *err)
{
    g_autofree char *cmd = g_strjoinv(" ", (char **)argv->pdata);
    g_test_message("virt-hostdev %s -> %d\nstdout: %.300s\nstderr: %.300s", cmd, rc, out, err);
}

/* virt-hostdev ARGS… with IN on stdin (NULL: empty) exits CODE with one
 * error line containing NEEDLE, and changes no file. */
void refused_in(const char *in, int code, const char *needle, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    g_autoptr(GPtrArray) argv = argv_of(first, ap);
    va_end(ap);
    g_autoptr(GHashTable) before = snapshot();
    g_autofree char *out = NULL, *err = NULL;
    int rc = test_run((const char *const *)argv->pdata, in, &out, &err);
    if (g_test_verbose() || rc != code || strstr(err, needle) == NULL || strchr(err, '\n') != err + strlen(err) - 1)
        log_run(argv, rc, out, err);
    g_assert_cmpint(rc, ==, code);
    g_assert_cmpstr(out, ==, "");
    g_assert_true(g_str_has_prefix(err, ERROR_PREFIX));
    g_assert_true(strchr(err, '\n') == err + strlen(err) - 1); /* exactly one line */
    g_assert_nonnull(strstr(err, needle));
    g_assert_cmpuint(strlen(err), <, 1000); /* no flood of the input's bytes */
    assert_unchanged(before);
}

/* validate on a readable domain with problems: exit 1, nothing on stderr,
 * one stdout line per problem naming FILE, one of them containing NEEDLE. */
void reported(const char *file, const char *needle)
{
    const char *argv[] = { "validate", "--file", file, NULL };
    g_autoptr(GHashTable) before = snapshot();
    g_autofree char *out = NULL, *err = NULL;
    int rc = test_run(argv, NULL, &out, &err);
    g_autofree char *prefix = g_strconcat(file, ": ", NULL);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    if (rc != 1 || strstr(out, needle) == NULL)
        g_test_message("validate --file %s -> %d\nstdout: %s\nstderr: %s", file, rc, out, err);
    g_assert_cmpint(rc, ==, 1);
    g_assert_cmpstr(err, ==, "");
    g_assert_nonnull(strstr(out, needle));
    for (char **l = lines; *l && **l; l++)
        g_assert_true(g_str_has_prefix(*l, prefix));
    assert_unchanged(before);
}

/* A node-device document the reading verbs refuse with exit 2. */
void bad_nodedev(Bytes doc, const char *needle)
{
    put("bad.xml", doc);
    put("guest.xml", fixture(GUEST_FIXTURE));
    refused(2, needle, "address", "bad.xml");
    refused(2, needle, "hostdev", "bad.xml");
    refused(2, needle, "hostdev", "--all-functions", "bad.xml");
    refused(2, needle, "add", "--file", "guest.xml", "bad.xml");
    refused(2, needle, "add", "--file", "guest.xml", "--in-place", "bad.xml");
    refused(2, needle, "remove", "--file", "guest.xml", "bad.xml");
    g_assert_nonnull(strstr(needle, "bad.xml"));
}

/* A domain document the editing verbs refuse with exit 2 (unreadable) and
 * validate refuses the same way. */
void bad_domain(Bytes doc, const char *needle)
{
    put("guest.xml", doc);
    refused(2, needle, "add", "--file", "guest.xml", "03:00.0");
    refused(2, needle, "add", "--file", "guest.xml", "--in-place", "03:00.0");
    refused(2, needle, "add", "--file", "guest.xml", "--in-place", "--backup", ".orig", "03:00.0");
    refused(2, needle, "remove", "--file", "guest.xml", "06:00.0");
    refused(2, needle, "remove", "--file", "guest.xml", "--in-place", "06:00.0");
    refused(2, needle, "validate", "--file", "guest.xml");
    g_assert_nonnull(strstr(needle, "guest.xml"));
}

/* A readable domain that is already wrong: the edits warn (one stderr line
 * per problem, NEEDLE among them) and go ahead, exit 0; with --strict they
 * refuse it (exit 1, "already invalid", nothing changed); validate reports
 * NEEDLE. */
void invalid_domain(Bytes doc, const char *needle)
{
    put("guest.xml", doc);
    const char *strict_msg = "guest.xml is already invalid before any change (--strict)";
    refused(1, strict_msg, "add", "--strict", "--file", "guest.xml", "03:00.0");
    refused(1, strict_msg, "add", "--strict", "--file", "guest.xml", "--in-place", "03:00.0");
    refused(1, strict_msg, "remove", "--strict", "--file", "guest.xml", "--in-place", "06:00.0");
    const char *argv[] = { "add", "--file", "guest.xml", "03:00.0", NULL };
    g_autoptr(GHashTable) before = snapshot();
    g_autofree char *out = NULL, *err = NULL;
    int rc = test_run(argv, NULL, &out, &err);
    g_autofree char *warning = g_strconcat("virt-hostdev: warning: guest.xml: ", NULL);
    if (rc != 0 || strstr(err, needle) == NULL)
        g_test_message("add --file guest.xml 03:00.0 -> %d\nstderr: %s", rc, err);
    g_assert_cmpint(rc, ==, 0);
    g_assert_true(g_str_has_prefix(err, warning));
    g_assert_nonnull(strstr(err, needle));
    g_assert_nonnull(strstr(out, "bus='0x03' slot='0x00' function='0x0'"));
    assert_unchanged(before);
    reported("guest.xml", needle);
}

/* A bad DEVICE argument, refused by every verb taking one. */
void bad_argument(const char *arg, int code)
{
    put("guest.xml", fixture(GUEST_FIXTURE));
    refused(code, arg, "address", arg);
    refused(code, arg, "hostdev", arg);
    refused(code, arg, "add", "--file", "guest.xml", arg);
    refused(code, arg, "add", "--file", "guest.xml", "--in-place", arg);
    refused(code, arg, "remove", "--file", "guest.xml", "--in-place", arg);
}
