/* Helpers shared by the g_test programs. */
#pragma once
#include <glib.h>
#include <stdarg.h>

/* Path of a file under the source tree's tests/data. */
char *test_data_path(const char *relative);
/* Contents of a tests/data file (the test fails when it cannot be read). */
char *test_data_read(const char *relative, gsize *len);
/* Every *.xml under DIR, in its subdirectories too, appended to FILES (g_free). */
void test_find_xml(const char *dir, GPtrArray *files);

/* Compare XML text with the golden file tests/data/golden/NAME after
 * canonicalisation (C14N, whitespace-only text dropped). With
 * VIRT_HOSTDEV_REGENERATE_GOLDEN=1 in the environment, write ACTUAL as the
 * new golden file instead. */
void test_assert_golden_xml(const char *name, const char *actual);
/* Same for plain text (diffs, messages): compared byte for byte. */
void test_assert_golden_text(const char *name, const char *actual);
/* C14N form of XML text, for comparing two documents. */
char *test_canonical_xml(const char *text);

/* Run the built virt-hostdev with ARGV (NULL-terminated, without argv[0]),
 * STDIN_TEXT on standard input (NULL: empty). Returns the exit status. */
int test_run(const char *const *argv, const char *stdin_text, char **out, char **err);
/* Same with extra environment assignments "NAME=VALUE" (NULL-terminated). */
int test_run_env(const char *const *argv, const char *const *env, const char *stdin_text, char **out, char **err);

/* A scratch directory removed at exit. */
const char *test_tmpdir(void);
/* Copy a tests/data file into the scratch directory; returns the new path. */
char *test_copy_to_tmp(const char *relative, const char *name);

/* One run of the binary, for the CLI tests. */
typedef struct {
    int rc;
    char *out;
    char *err;
} CmdResult;

void cmd_result_free(CmdResult *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CmdResult, cmd_result_free)

/* virt-hostdev FIRST... (NULL-terminated) with extra environment ENV
 * ("NAME=VALUE", NULL-terminated, or NULL) and IN on stdin (or NULL). */
CmdResult *cmd_run(const char *const *env, const char *in, const char *first, ...) G_GNUC_NULL_TERMINATED;
CmdResult *cmd_run_va(const char *const *env, const char *in, const char *first, va_list ap);
/* The same with the arguments in a NULL-terminated array. */
CmdResult *cmd_runv(const char *const *env, const char *in, const char *const *argv);
/* The test-driver URI of tests/data/HOST (e.g. "host.xml"), and
 * virt-hostdev -c that-URI FIRST... (NULL-terminated). */
char *test_driver_uri(const char *host);
CmdResult *cmd_run_on(const char *host, const char *first, ...) G_GNUC_NULL_TERMINATED;
void cmd_assert_exit(const CmdResult *r, int code);
/* exit CODE, nothing on stdout, one line "virt-hostdev: error: …" on stderr
 * containing each of the NULL-terminated NEEDLES */
void cmd_assert_error(const CmdResult *r, int code, ...) G_GNUC_NULL_TERMINATED;
void cmd_assert_contains(const char *haystack, const char *needle);
void cmd_assert_lacks(const char *haystack, const char *needle);
/* How many times NEEDLE occurs in HAYSTACK (overlapping too). */
guint test_count(const char *haystack, const char *needle);

/* PREFIX (NULL-terminated, or NULL) then FIRST and the rest of AP up to NULL,
 * as a NULL-terminated argument vector (strings borrowed). */
GPtrArray *test_argv_va(const char *const *prefix, const char *first, va_list ap);

/* Parse TEXT as a JSON document whose root is an object (the test fails
 * otherwise); free with json_node_unref. */
typedef struct _JsonNode JsonNode;
JsonNode *test_parse_json_object(const char *text);

/* The libvirt version the build was configured against (pkg-config's, as
 * major * 1000000 + minor * 1000 + micro): what a test expects of the
 * machine's libvirt, found apart from the code under test. */
guint64 test_libvirt_version(void);
