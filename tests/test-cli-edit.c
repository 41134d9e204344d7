/* The command-line contract of the edits (add, remove, validate), tested by
 * running the built binary as test-cli.c does (cliutil.h). */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cliutil.h"
#include "testutil.h"

/* ---------------------------------------------------------------- add / remove */

/* The new lines of a --diff are exactly BLOCK re-indented with INDENT per level. */
static char *indent_block(const char *block, const char *indent, guint base)
{
    g_autoptr(GString) s = g_string_new(NULL);
    g_auto(GStrv) lines = g_strsplit(block, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (**l == '\0')
            continue;
        guint spaces = (guint)strspn(*l, " ");
        for (guint i = 0; i < base + spaces / 2; i++)
            g_string_append(s, indent);
        g_string_append_printf(s, "%s\n", *l + spaces);
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

static void test_add_stdout(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) r = run("add", "--file", path, "03:00.0", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    test_assert_golden_xml("cli/add-i440fx.xml", r->out);
    /* the original text with the block inserted, nothing else */
    g_autofree char *orig = test_data_read(I440FX, NULL);
    g_autofree char *block = indent_block(PCI_BLOCK, "  ", 2);
    g_assert_cmpuint(strlen(r->out), ==, strlen(orig) + strlen(block));
    assert_contains(r->out, block);
    assert_same_as_fixture(path, I440FX);
    assert_dir_holds(".", "guest-i440fx.xml", NULL);
}

/* issue 13: an option's negative value reaches its parser as typed; the
 * verb is found after any option taking a value; no test hook ships. */
static void test_option_values(void)
{
    g_autoptr(CmdResult) boot = run("hostdev", "--boot-order", "-1", "03:00.0", NULL);
    assert_error(boot, 2, "--boot-order '-1': negative numbers are not allowed", NULL);
    cmd_assert_lacks(boot->err, "\\x01");
    g_autoptr(CmdResult) vlan = run("hostdev", "--interface", "--vlan", "-5", "03:00.0", NULL);
    assert_error(vlan, 2, "--vlan '-5'", NULL);
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) first = run("--file", path, "add", "03:00.0", NULL);
    g_autoptr(CmdResult) after = run("add", "--file", path, "03:00.0", NULL);
    assert_exit(first, 0);
    g_assert_cmpstr(first->out, ==, after->out);
    g_autoptr(CmdResult) bus = run("address", "-1", "2", "3", NULL);
    assert_error(bus, 2, "'-1'", NULL);

    g_autofree char *binary = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(g_getenv("VIRT_HOSTDEV_BINARY"), &binary, &len, NULL));
    g_assert_null(g_strstr_len(binary, (gssize)len, "VIRT_HOSTDEV_TEST_"));
    g_assert_null(g_strstr_len(binary, (gssize)len, "BEFORE_DEFINE"));
}

static void test_add_dry_run(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    /* an edit of --file changes nothing without --in-place: --dry-run
     * would be accepted and ignored, so it is refused, saying why */
    g_autoptr(CmdResult) r = run("add", "--dry-run", "--file", path, "03:00.0", NULL);
    assert_exit(r, 2);
    g_assert_cmpstr(r->out, ==, "");
    assert_contains(r->err, "--dry-run: an edit of --file already changes nothing without --in-place");
    assert_same_as_fixture(path, I440FX);
    assert_dir_holds(".", "guest-i440fx.xml", NULL);
}

static void check_diff(const char *fixture, const char *golden, const char *indent)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(fixture);
    g_autoptr(CmdResult) r = run("add", "--diff", "--file", path, "03:00.0", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_autofree char *header = g_strdup_printf("--- %s\n+++ %s\n@@ ", path, path);
    g_assert_true(g_str_has_prefix(r->out, header));
    /* exactly the new block, indented like its siblings; nothing removed */
    g_autofree char *added = diff_lines(r->out, '+');
    g_autofree char *removed = diff_lines(r->out, '-');
    g_autofree char *block = indent_block(PCI_BLOCK, indent, 2);
    g_assert_cmpstr(added, ==, block);
    g_assert_cmpstr(removed, ==, "");
    g_assert_cmpuint(test_count(r->out, "\n@@ "), ==, 1);
    g_autofree char *name = g_strdup_printf("cli/%s", golden);
    test_assert_golden_text(name, r->out);
    assert_same_as_fixture(path, fixture);
    assert_dir_holds(".", strrchr(fixture, '/') + 1, NULL);
}

static void test_add_diff(void)
{
    check_diff(I440FX, "add-i440fx.diff", "  ");
}

static void test_add_diff_tabs(void)
{
    check_diff(TABS, "add-tabs.diff", "\t");
}

static void test_add_in_place(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autofree char *other = copy_fixture(Q35);
    g_autoptr(CmdResult) expected = run("add", "--file", path, "03:00.0", NULL);
    assert_exit(expected, 0);
    g_autoptr(CmdResult) r = run("add", "--in-place", "--file", path, "03:00.0", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->out, ==, "");
    assert_contains(r->err, path);
    g_autofree char *after = read_file(path);
    g_assert_cmpstr(after, ==, expected->out);
    assert_same_as_fixture(other, Q35);
    assert_dir_holds(".", "guest-i440fx.xml", "guest-q35.xml", NULL);
}

static void test_add_in_place_mode(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(Q35);
    g_assert_cmpint(g_chmod(path, 0640), ==, 0);
    g_autoptr(CmdResult) r = run("-q", "add", "-i", "--file", path, "03:00.0", NULL);
    assert_output(r, "");
    GStatBuf st;
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0640);
}

static void test_add_in_place_backup(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) r = run("add", "--in-place", "--backup", ".orig", "--file", path, "03:00.0", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->out, ==, "");
    g_autofree char *backup = g_strconcat(path, ".orig", NULL);
    assert_same_as_fixture(backup, I440FX);
    g_autofree char *after = read_file(path);
    g_autofree char *block = indent_block(PCI_BLOCK, "  ", 2);
    assert_contains(after, block);
    assert_dir_holds(".", "guest-i440fx.xml", "guest-i440fx.xml.orig", NULL);
}

static void test_round_trip(gconstpointer data)
{
    const char *fixture = data;
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(fixture);
    g_autoptr(CmdResult) add = run("add", "-i", "--file", path, "03:00.0", NULL);
    assert_exit(add, 0);
    g_autofree char *changed = read_file(path);
    g_autofree char *orig = test_data_read(fixture, NULL);
    g_assert_cmpstr(changed, !=, orig);
    g_autoptr(CmdResult) rm = run("remove", "-i", "--file", path, "03:00.0", NULL);
    assert_exit(rm, 0);
    g_assert_cmpstr(rm->out, ==, "");
    assert_same_as_fixture(path, fixture);
    g_autofree char *base = g_path_get_basename(fixture);
    assert_dir_holds(".", base, NULL);
}

static CmdResult *add_auto_diff(const char *fixture, char **path)
{
    *path = copy_fixture(fixture);
    return run("add", "--diff", "--guest-address", "auto", "--file", *path, "03:00.0", NULL);
}

static void test_auto_i440fx(void)
{
    enter_scratch_dir();
    g_autofree char *path = NULL;
    g_autoptr(CmdResult) r = add_auto_diff(I440FX, &path);
    assert_exit(r, 0);
    /* slots 1-7 are taken: the first free one on bus 0 is 8 */
    assert_contains(r->err, "0000:00:08.0");
    g_assert_cmpuint(test_count(r->err, "\n"), ==, 1);
    assert_contains(r->out, "+      <address type='pci' domain='0x0000' bus='0x00' slot='0x08' function='0x0'/>\n");
    test_assert_golden_text("cli/add-auto-i440fx.diff", r->out);
    assert_same_as_fixture(path, I440FX);
}

static void test_auto_q35(void)
{
    enter_scratch_dir();
    g_autofree char *path = NULL;
    g_autoptr(CmdResult) r = add_auto_diff(Q35, &path);
    assert_exit(r, 0);
    /* root ports 1-4 hold devices, 5 is free */
    assert_contains(r->err, "0000:05:00.0");
    assert_contains(r->out, "+      <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>\n");
    g_assert_cmpuint(test_count(r->out, "<controller"), ==, 0);
    test_assert_golden_text("cli/add-auto-q35.diff", r->out);
    assert_same_as_fixture(path, Q35);
}

static void test_auto_q35_full(void)
{
    enter_scratch_dir();
    g_autofree char *path = NULL;
    g_autoptr(CmdResult) r = add_auto_diff(Q35_FULL, &path);
    assert_exit(r, 0);
    /* every root port is used: a sixth one is added */
    assert_contains(r->err, "pcie-root-port");
    assert_contains(r->err, "0000:06:00.0");
    assert_contains(r->out, "+    <controller type='pci' index='6' model='pcie-root-port'/>\n");
    assert_contains(r->out, "+      <address type='pci' domain='0x0000' bus='0x06' slot='0x00' function='0x0'/>\n");
    g_autofree char *removed = diff_lines(r->out, '-');
    g_assert_cmpstr(removed, ==, "");
    test_assert_golden_text("cli/add-auto-q35-full.diff", r->out);
    assert_same_as_fixture(path, Q35_FULL);
}

static void test_add_multifunction(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) r = run("add", "--diff", "--all-functions", "--guest-address", "auto", "--file", path,
                              nodedev(GPU), NULL);
    assert_exit(r, 0);
    assert_contains(r->err, "0000:00:08.0");
    g_autofree char *added = diff_lines(r->out, '+');
    g_assert_cmpuint(test_count(added, "<hostdev "), ==, 4);
    g_assert_cmpuint(test_count(added, "slot='0x08'"), ==, 4);
    g_assert_cmpuint(test_count(added, "multifunction='on'"), ==, 1);
    assert_contains(added, "<address type='pci' domain='0x0000' bus='0x00' slot='0x08' function='0x0' "
                           "multifunction='on'/>");
    test_assert_golden_text("cli/add-multifunction.diff", r->out);
    assert_same_as_fixture(path, I440FX);
}

static void test_add_err_collision(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) r = run("add", "-i", "--guest-address", "00:03.0", "--file", path, "03:00.0", NULL);
    assert_error(r, 1, path, "0000:00:03.0", "interface", NULL);
    assert_same_as_fixture(path, I440FX);
    assert_dir_holds(".", "guest-i440fx.xml", NULL);
    /* --force never allows a collision; with --file it has nothing to
     * override (no host verdict offline) and is refused as such */
    g_autoptr(CmdResult) r2 = run("add", "-i", "--force", "--guest-address", "00:03.0", "--file", path, "03:00.0", NULL);
    assert_error(r2, 2, "--force", "--file has none to override", NULL);
    assert_same_as_fixture(path, I440FX);
}

static void test_add_err_present(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) r = run("add", "-i", "--file", path, "06:00.0", NULL);
    assert_error(r, 1, path, "0000:06:00.0", NULL);
    assert_same_as_fixture(path, I440FX);
    assert_dir_holds(".", "guest-i440fx.xml", NULL);
}

static void test_remove_err_absent(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) r = run("remove", "-i", "--file", path, "03:00.0", NULL);
    assert_error(r, 1, path, "0000:03:00.0", NULL);
    assert_same_as_fixture(path, I440FX);
    assert_dir_holds(".", "guest-i440fx.xml", NULL);
}

static void test_remove_all_functions(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) add = run("add", "-i", "--all-functions", "--guest-address", "auto", "--file", path,
                                nodedev(GPU), NULL);
    assert_exit(add, 0);
    g_autofree char *with_gpu = read_file(path);
    g_assert_cmpuint(test_count(with_gpu, "bus='0x01' slot='0x00'"), ==, 4);
    /* naming another function of the slot removes all four */
    g_autoptr(CmdResult) r = run("remove", "-i", "--all-functions", "--file", path, "01:00.1", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->out, ==, "");
    assert_same_as_fixture(path, I440FX);
    assert_dir_holds(".", "guest-i440fx.xml", NULL);
}

static void test_add_err_strict_invalid(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(INVALID);
    g_autoptr(CmdResult) r = run("add", "-i", "--strict", "--file", path, "03:00.0", NULL);
    assert_error(r, 2, path, "already invalid", NULL);
    assert_same_as_fixture(path, INVALID);
    assert_dir_holds(".", "guest-invalid.xml", NULL);
}

static void test_add_err_malformed(void)
{
    enter_scratch_dir();
    g_autofree char *path = g_strdup("broken.xml");
    const char *broken = "<domain type='kvm'>\n  <name>x</name>\n  <devices>\n";
    write_file(path, broken);
    g_autoptr(CmdResult) r = run("add", "-i", "--file", path, "03:00.0", NULL);
    assert_error(r, 2, path, "malformed", NULL);
    g_autofree char *after = read_file(path);
    g_assert_cmpstr(after, ==, broken);
    assert_dir_holds(".", "broken.xml", NULL);
}

static void test_add_err_in_place_stdin(void)
{
    g_autofree char *xml = test_data_read(I440FX, NULL);
    g_autoptr(CmdResult) r = run_in(xml, "add", "--file", "-", "--in-place", "03:00.0", NULL);
    assert_error(r, 2, "--in-place", NULL);
}

static void test_add_stdin(void)
{
    /* the pipeline form: domain on stdin, document on stdout */
    g_autofree char *xml = test_data_read(I440FX, NULL);
    g_autoptr(CmdResult) r = run_in(xml, "add", "--file", "-", "03:00.0", NULL);
    assert_exit(r, 0);
    test_assert_golden_xml("cli/add-i440fx.xml", r->out);
}

static void test_validate_valid(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(Q35);
    g_autoptr(CmdResult) r = run("validate", "--file", path, NULL);
    g_autofree char *want = g_strdup_printf("%s: valid\n", path);
    assert_output(r, want);
    assert_same_as_fixture(path, Q35);
}

static void test_validate_invalid(void)
{
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(INVALID);
    g_autoptr(CmdResult) r = run("validate", "--file", path, NULL);
    assert_exit(r, 1);
    g_assert_true(g_str_has_prefix(r->out, path));
    g_assert_null(strstr(r->out, ": valid"));
    assert_same_as_fixture(path, INVALID);
}

static void test_validate_json(void)
{
    enter_scratch_dir();
    g_autofree char *good = copy_fixture(I440FX);
    g_autofree char *bad = copy_fixture(INVALID);
    g_autoptr(CmdResult) r = run("--json", "validate", "--file", good, NULL);
    assert_exit(r, 0);
    assert_json_member(r->out, "valid", "true");
    g_autoptr(CmdResult) r2 = run("validate", "--json", "--file", bad, NULL);
    assert_exit(r2, 1);
    assert_json_member(r2->out, "valid", "false");
    assert_contains(r2->out, "\"problems\"");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(g_chdir(test_tmpdir()), ==, 0);

    g_test_add_func("/cli/add/stdout", test_add_stdout);
    g_test_add_func("/cli/add/stdin", test_add_stdin);
    g_test_add_func("/cli/add/dry-run", test_add_dry_run);
    g_test_add_func("/cli/options/values", test_option_values);
    g_test_add_func("/cli/add/diff", test_add_diff);
    g_test_add_func("/cli/add/diff-tabs", test_add_diff_tabs);
    g_test_add_func("/cli/add/in-place", test_add_in_place);
    g_test_add_func("/cli/add/in-place-mode", test_add_in_place_mode);
    g_test_add_func("/cli/add/in-place-backup", test_add_in_place_backup);
    g_test_add_data_func("/cli/add/round-trip/i440fx", I440FX, test_round_trip);
    g_test_add_data_func("/cli/add/round-trip/q35", Q35, test_round_trip);
    g_test_add_data_func("/cli/add/round-trip/tabs", TABS, test_round_trip);
    g_test_add_data_func("/cli/add/round-trip/minimal", MINIMAL, test_round_trip);
    g_test_add_func("/cli/add/auto/i440fx", test_auto_i440fx);
    g_test_add_func("/cli/add/auto/q35", test_auto_q35);
    g_test_add_func("/cli/add/auto/q35-full", test_auto_q35_full);
    g_test_add_func("/cli/add/multifunction", test_add_multifunction);
    g_test_add_func("/cli/add/error/collision", test_add_err_collision);
    g_test_add_func("/cli/add/error/already-present", test_add_err_present);
    g_test_add_func("/cli/add/error/strict-invalid-input", test_add_err_strict_invalid);
    g_test_add_func("/cli/add/error/malformed-domain", test_add_err_malformed);
    g_test_add_func("/cli/add/error/in-place-stdin", test_add_err_in_place_stdin);
    g_test_add_func("/cli/remove/all-functions", test_remove_all_functions);
    g_test_add_func("/cli/remove/error/absent", test_remove_err_absent);
    g_test_add_func("/cli/validate/valid", test_validate_valid);
    g_test_add_func("/cli/validate/invalid", test_validate_invalid);
    g_test_add_func("/cli/validate/json", test_validate_json);
    return g_test_run();
}
