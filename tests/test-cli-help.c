/* The command-line contract of --help, help, --version and the libvirt
 * module's absence, tested by running the built binary as test-cli.c does
 * (cliutil.h). */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cliutil.h"
#include "testutil.h"

/* ---------------------------------------------------------------- help */

typedef struct {
    const char *verb;
    const char *const options[32];
} VerbOptions;

#define EDIT_OPTIONS "--file", "--dry-run", "--diff", "--in-place", "--backup", "--strict", "--force", "--config", \
                     "--live", "--current"
#define HOSTDEV_OPTIONS "--managed", "--driver", "--guest-address", "--rom-bar", "--rom-file", "--boot-order", \
                        "--alias", "--all-functions", "--interface", "--mac", "--vlan"
#define GLOBAL_OPTIONS "--connect", "--json", "--quiet", "--verbose", "--help", "--version"

static const VerbOptions verb_options[] = {
    { "address", { "--format", GLOBAL_OPTIONS, NULL } },
    { "hostdev", { HOSTDEV_OPTIONS, GLOBAL_OPTIONS, NULL } },
    { "add", { EDIT_OPTIONS, HOSTDEV_OPTIONS, GLOBAL_OPTIONS, NULL } },
    { "remove", { EDIT_OPTIONS, "--all-functions", GLOBAL_OPTIONS, NULL } },
    { "validate", { "--file", GLOBAL_OPTIONS, NULL } },
};

static void check_verb_help(const VerbOptions *v, const CmdResult *r)
{
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_autofree char *usage = g_strdup_printf("Usage: virt-hostdev %s ", v->verb);
    g_assert_true(g_str_has_prefix(r->out, usage));
    for (const char *const *o = v->options; *o; o++) {
        /* as a whole option word, e.g. --diff not only inside --dry-run */
        g_autofree char *word = g_strdup_printf(" %s ", *o);
        g_autofree char *eol = g_strdup_printf(" %s\n", *o);
        if (!strstr(r->out, word) && !strstr(r->out, eol))
            g_test_message("%s help lacks %s:\n%s", v->verb, *o, r->out);
        g_assert_true(strstr(r->out, word) || strstr(r->out, eol));
    }
}

static void test_help_verb(gconstpointer data)
{
    const VerbOptions *v = data;
    g_autoptr(CmdResult) a = run("help", v->verb, NULL);
    check_verb_help(v, a);
    g_autoptr(CmdResult) b = run(v->verb, "--help", NULL);
    check_verb_help(v, b);
    g_assert_cmpstr(a->out, ==, b->out);
    g_autoptr(CmdResult) c = run("-h", v->verb, NULL);
    g_assert_cmpstr(c->out, ==, a->out);
}

static void test_help_global(void)
{
    g_autoptr(CmdResult) r = run("--help", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_assert_true(g_str_has_prefix(r->out, "Usage: virt-hostdev "));
    for (guint i = 0; i < G_N_ELEMENTS(verb_options); i++) {
        g_autofree char *line = g_strdup_printf("\n  %s ", verb_options[i].verb);
        assert_contains(r->out, line);
    }
    static const char *const globals[] = { GLOBAL_OPTIONS };
    for (guint i = 0; i < G_N_ELEMENTS(globals); i++)
        assert_contains(r->out, globals[i]);
    g_autoptr(CmdResult) h = run("help", NULL);
    assert_exit(h, 0);
    g_assert_cmpstr(h->out, ==, r->out);
}

static void test_help_no_verb(void)
{
    g_autoptr(CmdResult) r = run(NULL, NULL);
    assert_exit(r, 2);
    g_assert_cmpstr(r->out, ==, "");
    assert_contains(r->err, "Usage: virt-hostdev ");
}

static void test_help_unknown_verb(void)
{
    g_autoptr(CmdResult) r = run("ad", "--file", "x.xml", "03:00.0", NULL);
    assert_error(r, 2, "'ad'", "did you mean 'add'", NULL);
}

static void test_help_unknown_option(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "--mangaed", "yes", "03:00.0", NULL);
    assert_error(r, 2, "--mangaed", "did you mean --managed", NULL);
}

static void test_help_version(void)
{
    g_autoptr(CmdResult) r = run("--version", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_assert_true(g_str_has_prefix(r->out, "virt-hostdev "));
    g_assert_true(g_str_has_suffix(r->out, "\n"));
    g_assert_cmpuint(test_count(r->out, "\n"), ==, 1);
    g_assert_true(g_ascii_isdigit(r->out[strlen("virt-hostdev ")]));
}

/* ---------------------------------------------------------------- libvirt module */

static char *empty_module_env(void)
{
    g_autofree char *dir = g_build_filename(test_tmpdir(), "empty-module-dir", NULL);
    g_mkdir_with_parents(dir, 0755);
    return g_strconcat("VIRT_HOSTDEV_MODULE_DIR=", dir, NULL);
}

static void test_module_offline(void)
{
    /* offline verbs never load the libvirt backend */
    g_autofree char *assign = empty_module_env();
    const char *const env[] = { assign, NULL };
    g_autoptr(CmdResult) r = run_env(env, "address", "03:00.0", NULL);
    assert_output(r, "0000:03:00.0\n");
    g_autoptr(CmdResult) h = run_env(env, "hostdev", "pci_0000_03_00_0", NULL);
    assert_output(h, PCI_BLOCK);
    enter_scratch_dir();
    g_autofree char *path = copy_fixture(I440FX);
    g_autoptr(CmdResult) a = run_env(env, "add", "--file", path, "03:00.0", NULL);
    assert_exit(a, 0);
    test_assert_golden_xml("cli/add-i440fx.xml", a->out);
}

static void test_module_missing(void)
{
    g_autofree char *assign = empty_module_env();
    const char *const env[] = { assign, NULL };
    g_autoptr(CmdResult) r = run_env(env, "hostdev", "usb_1_5", NULL);
    assert_error(r, 1, "usb_1_5", "libvirt backend", NULL);
}

static void test_module_unknown_device(void)
{
    g_autoptr(CmdResult) r = run("hostdev", "no_such_device", "-c", "test:///default", NULL);
    /* exit 2 as for an unknown address: the input names nothing there */
    assert_error(r, 2, "no device 'no_such_device' on test:///default", NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(g_chdir(test_tmpdir()), ==, 0);

    g_test_add_func("/cli/help/global", test_help_global);
    for (guint i = 0; i < G_N_ELEMENTS(verb_options); i++) {
        g_autofree char *name = g_strdup_printf("/cli/help/verb/%s", verb_options[i].verb);
        g_test_add_data_func(name, &verb_options[i], test_help_verb);
    }
    g_test_add_func("/cli/help/no-verb", test_help_no_verb);
    g_test_add_func("/cli/help/unknown-verb", test_help_unknown_verb);
    g_test_add_func("/cli/help/unknown-option", test_help_unknown_option);
    g_test_add_func("/cli/help/version", test_help_version);

    g_test_add_func("/cli/module/offline-without-backend", test_module_offline);
    g_test_add_func("/cli/module/lookup-needs-backend", test_module_missing);
    g_test_add_func("/cli/module/unknown-device", test_module_unknown_device);
    return g_test_run();
}
