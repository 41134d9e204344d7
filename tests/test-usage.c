/* Small things an operator meets first (issue 16): the --help layout of
 * every verb, a test suite that reports what it could not run, --json
 * refused where a verb has no JSON document, and check on an AMD host. */
#include <string.h>

#include "testutil.h"

/* In every help text, an option and its description never run together:
 * the description starts at the column (33) after at least one blank, or
 * on the next line at that column when the option is wider. */
static void check_help(const char *verb, const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        const char *l = lines[i];
        if (!g_str_has_prefix(l, "  -") && !g_str_has_prefix(l, "      --"))
            continue;
        gsize len = strlen(l);
        const char *desc = len > 33 ? l + 33 : NULL;
        if (desc && l[32] == ' ' && *desc != ' ')
            continue;
        /* an option alone on its line: the description follows, indented */
        const char *next = lines[i + 1];
        if (len <= 33 && next && strspn(next, " ") == 33 && next[33] != '\0')
            continue;
        g_error("help %s: option line runs into its description: '%s'", verb, l);
    }
}

static void test_help_layout(void)
{
    g_autoptr(CmdResult) verbs = cmd_run(NULL, NULL, "__complete", "verbs", NULL);
    cmd_assert_exit(verbs, 0);
    g_auto(GStrv) names = g_strsplit(verbs->out, "\n", -1);
    guint checked = 0;
    for (char **v = names; *v && **v; v++) {
        if (strcmp(*v, "help") == 0)
            continue;
        g_autoptr(CmdResult) r = cmd_run(NULL, NULL, *v, "--help", NULL);
        cmd_assert_exit(r, 0);
        check_help(*v, r->out);
        checked++;
    }
    g_assert_cmpuint(checked, >, 10);
    g_autoptr(CmdResult) top = cmd_run(NULL, NULL, "--help", NULL);
    check_help("(global)", top->out);

    /* the case that ran together: its description on a line of its own */
    g_autoptr(CmdResult) address = cmd_run(NULL, NULL, "address", "--help", NULL);
    cmd_assert_contains(address->out, "      --format pci|name|xml|attrs\n"
                                      "                                 output form (default pci: 0000:03:00.0)\n");
}

/* Without the real-XML corpus the corpus program is one counted SKIP that
 * says where it looked, not a pass. */
static void test_corpus_absent_is_skip(void)
{
    const char *build = g_getenv("VIRT_HOSTDEV_BUILD_DIR");
    g_autofree char *program = g_build_filename(build, "tests", "test-corpus", NULL);
    g_autofree char *src = g_build_filename(test_tmpdir(), "clone", "virt-hostdev", NULL);
    g_assert_cmpint(g_mkdir_with_parents(src, 0755), ==, 0);
    g_auto(GStrv) envp = g_get_environ();
    envp = g_environ_setenv(envp, "VIRT_HOSTDEV_SOURCE_DIR", src, TRUE);
    envp = g_environ_unsetenv(envp, "VIRT_HOSTDEV_CORPUS_DIR");
    const char *argv[] = { program, "--tap", NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;
    g_autoptr(GError) error = NULL;
    g_spawn_sync(NULL, (char **)argv, envp, 0, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error(error);
    g_test_message("%s", out);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    cmd_assert_contains(out, "1..1\n");
    g_autofree char *want = g_strdup_printf("ok 1 /corpus/present # SKIP the real-XML corpus %s/../shared/corpus "
                                            "is not present", src);
    cmd_assert_contains(out, want);
    /* one result line (newer GLib indents subtests and prints the plan
     * last: lines are read without their leading blanks) */
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    guint results = 0;
    for (char **l = lines; *l; l++)
        results += g_str_has_prefix(g_strchug(*l), "ok ") || g_str_has_prefix(*l, "not ok ");
    g_assert_cmpuint(results, ==, 1);

    /* $VIRT_HOSTDEV_CORPUS_DIR names another place */
    g_autofree char *elsewhere = g_build_filename(test_tmpdir(), "no-corpus-here", NULL);
    envp = g_environ_setenv(envp, "VIRT_HOSTDEV_CORPUS_DIR", elsewhere, TRUE);
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    g_spawn_sync(NULL, (char **)argv, envp, 0, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error(error);
    g_autofree char *want2 = g_strdup_printf("# SKIP the real-XML corpus %s is not present", elsewhere);
    cmd_assert_contains(out, want2);
}

/* Verbs without a JSON document refuse --json (exit 2) instead of ignoring
 * it, before reading anything or connecting (the -c URI is unreachable). */
static void test_no_json_verbs(void)
{
    static const char bad_uri[] = "test:///nonexistent/host.xml";
    g_autoptr(CmdResult) gen = cmd_run(NULL, NULL, "-c", bad_uri, "--json", "generate", "--name", "g", "--define", NULL);
    cmd_assert_error(gen, 2, "generate has no --json output (it prints a domain XML document; --json applies to "
                     "templates)", NULL);
    g_autoptr(CmdResult) det = cmd_run(NULL, NULL, "-c", bad_uri, "--json", "detach", "01:00.0", NULL);
    cmd_assert_error(det, 2, "detach has no --json output", NULL);
    g_autoptr(CmdResult) re = cmd_run(NULL, NULL, "-c", bad_uri, "--json", "reattach", "01:00.0", NULL);
    cmd_assert_error(re, 2, "reattach has no --json output", NULL);
    g_autoptr(CmdResult) remap = cmd_run(NULL, NULL, "-c", bad_uri, "--json", "remap", "web1", NULL);
    cmd_assert_error(remap, 2, "remap has no --json output", NULL);
    /* without --json they go on to the connection (and fail there) */
    g_autoptr(CmdResult) plain = cmd_run(NULL, NULL, "-c", bad_uri, "detach", "01:00.0", NULL);
    cmd_assert_exit(plain, 1);
    cmd_assert_lacks(plain->err, "--json");
}

/* An AMD host whose firmware has the IOMMU off: the command line is fine
 * (AMD-Vi needs no parameter), the fix is the firmware, never amd_iommu=on. */
static void test_check_amd_firmware_off(void)
{
    g_autofree char *root = g_build_filename(test_tmpdir(), "amd-firmware-off", NULL);
    g_autofree char *proc = g_build_filename(root, "proc", NULL);
    g_assert_cmpint(g_mkdir_with_parents(proc, 0755), ==, 0);
    g_autofree char *cpuinfo = g_build_filename(proc, "cpuinfo", NULL);
    g_autofree char *cmdline = g_build_filename(proc, "cmdline", NULL);
    g_assert_true(g_file_set_contents(cpuinfo, "vendor_id\t: AuthenticAMD\n", -1, NULL));
    g_assert_true(g_file_set_contents(cmdline, "root=/dev/sda1 ro\n", -1, NULL));
    g_autoptr(CmdResult) r = cmd_run(NULL, NULL, "check", "--root", root, NULL);
    cmd_assert_exit(r, 1);
    g_assert_cmpstr(r->err, ==, "");
    cmd_assert_contains(r->out, "ok    kernel command line  AMD-Vi needs no parameter (on by default)\n");
    cmd_assert_contains(r->out, "fail  IOMMU ");
    cmd_assert_contains(r->out, "fix: enable AMD-Vi (IOMMU) in the firmware (BIOS/UEFI) setup and reboot");
    g_assert_null(strstr(r->out, "amd_iommu=on"));
    g_assert_null(strstr(r->out, "fail  kernel command line"));
    /* read only: the tree is as it was */
    g_autofree char *after = NULL;
    g_assert_true(g_file_get_contents(cmdline, &after, NULL, NULL));
    g_assert_cmpstr(after, ==, "root=/dev/sda1 ro\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/usage/help-layout", test_help_layout);
    g_test_add_func("/usage/corpus-absent-is-skip", test_corpus_absent_is_skip);
    g_test_add_func("/usage/no-json-verbs", test_no_json_verbs);
    g_test_add_func("/usage/check-amd-firmware-off", test_check_amd_firmware_off);
    return g_test_run();
}
