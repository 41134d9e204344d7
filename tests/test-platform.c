/* What depends on the libvirt release, and the build tree on its own.
 *
 * --driver-model (libvirt 10.0.0's <driver model=…> for VFIO variant
 * drivers) is emitted only when the libvirt in use accepts it: a connection's
 * virConnectGetLibVersion, else the schema installed on this machine. What
 * each test expects is derived from the libvirt version the build was
 * configured against (pkg-config, the same Debian source package as the
 * schema and the test driver), not from the code under test: refused on
 * Debian 12 (libvirt 9.0), accepted on Debian 13 (11.x, scripts/test-platform).
 *
 * The build tree: a binary of this build without `meson devenv` names the
 * command in its error; inside `meson devenv -C BUILD` it finds the build's
 * modules and the source's templates. */
#include <string.h>

#include "testutil.h"

#define MODEL "mlx5_vfio_pci"

static gboolean libvirt_has_driver_model(void)
{
    return test_libvirt_version() >= 10000000;
}

/* "9.0.0" for the error message that names the connected libvirt */
static char *libvirt_version_text(void)
{
    guint64 v = test_libvirt_version();
    return g_strdup_printf("libvirt %u.%u.%u", (guint)(v / 1000000), (guint)(v / 1000 % 1000), (guint)(v % 1000));
}

static void assert_refused(const CmdResult *r, const char *needle)
{
    cmd_assert_error(r, 1, "--driver-model " MODEL, "10.0.0", needle, NULL);
}

static void test_offline_hostdev(void)
{
    g_autoptr(CmdResult) r = cmd_run(NULL, NULL, "hostdev", "03:00.0", "--driver-model", MODEL, NULL);
    if (libvirt_has_driver_model()) {
        cmd_assert_exit(r, 0);
        cmd_assert_contains(r->out, "<driver model='" MODEL "'/>");
    } else {
        /* offline, the schema of the installed libvirt decides */
        assert_refused(r, "domain.rng does not accept <driver model=...>");
    }
    g_autoptr(CmdResult) both =
        cmd_run(NULL, NULL, "hostdev", "03:00.0", "--driver", "vfio", "--driver-model", MODEL, NULL);
    if (libvirt_has_driver_model()) {
        cmd_assert_exit(both, 0);
        cmd_assert_contains(both->out, "<driver name='vfio' model='" MODEL "'/>");
    } else {
        assert_refused(both, "schema");
    }
    /* without the option nothing changes: no model attribute */
    g_autoptr(CmdResult) plain = cmd_run(NULL, NULL, "hostdev", "03:00.0", "--driver", "vfio", NULL);
    cmd_assert_exit(plain, 0);
    cmd_assert_contains(plain->out, "<driver name='vfio'/>");
}

static void test_connected(void)
{
    g_autofree char *version = libvirt_version_text();
    g_autoptr(CmdResult) r = cmd_run_on("host.xml", "hostdev", "pci_0000_03_00_0", "--driver-model", MODEL, NULL);
    g_autoptr(CmdResult) add =
        cmd_run_on("host.xml", "add", "win11", "pci_0000_01_00_0", "--driver-model", MODEL, "--dry-run", NULL);
    if (libvirt_has_driver_model()) {
        cmd_assert_exit(r, 0);
        cmd_assert_contains(r->out, "<driver model='" MODEL "'/>");
        cmd_assert_exit(add, 0);
        cmd_assert_contains(add->out, "<driver model='" MODEL "'/>");
    } else {
        /* the connection's libvirt is asked, and named */
        assert_refused(r, version);
        assert_refused(add, version);
    }
}

static void test_file_edit(void)
{
    g_autofree char *path = test_copy_to_tmp("domain/guest-q35.xml", "driver-model.xml");
    g_autofree char *before = NULL;
    g_assert_true(g_file_get_contents(path, &before, NULL, NULL));
    g_autoptr(CmdResult) r =
        cmd_run(NULL, NULL, "add", "--file", path, "03:00.0", "--driver-model", MODEL, "--in-place", NULL);
    g_autofree char *after = NULL;
    g_assert_true(g_file_get_contents(path, &after, NULL, NULL));
    if (libvirt_has_driver_model()) {
        cmd_assert_exit(r, 0);
        cmd_assert_contains(after, "<driver model='" MODEL "'/>");
        /* and libvirt's own schema takes the result */
        g_autoptr(CmdResult) v = cmd_run(NULL, NULL, "validate", "--file", path, NULL);
        cmd_assert_exit(v, 0);
    } else {
        assert_refused(r, "schema");
        g_assert_cmpstr(after, ==, before);
    }
}

static void test_bad_input(void)
{
    g_autoptr(CmdResult) name = cmd_run(NULL, NULL, "hostdev", "03:00.0", "--driver-model", "a'b", NULL);
    cmd_assert_error(name, 2, "--driver-model 'a'b'", "driver name", NULL);
    g_autoptr(CmdResult) empty = cmd_run(NULL, NULL, "hostdev", "03:00.0", "--driver-model", "", NULL);
    cmd_assert_error(empty, 2, "--driver-model ''", NULL);
    /* a model names a PCI variant driver: not for USB */
    g_autoptr(CmdResult) usb = cmd_run(NULL, NULL, "hostdev", "usb:046d:c52b", "--driver-model", MODEL, NULL);
    if (libvirt_has_driver_model())
        cmd_assert_error(usb, 2, "--driver-model", "only apply to PCI devices", NULL);
    else
        cmd_assert_error(usb, 1, "10.0.0", NULL);
}

/* ---- the build tree ---- */

static void test_build_tree_hint(void)
{
    const char *env[] = { "VIRT_HOSTDEV_MODULE_DIR=", NULL };
    g_autoptr(CmdResult) r = cmd_run(env, NULL, "-c", "test:///default", "list", NULL);
    g_autofree char *how = g_strdup_printf("meson devenv -C %s", g_getenv("VIRT_HOSTDEV_BUILD_DIR"));
    cmd_assert_error(r, 1, "cannot load the libvirt backend", "uninstalled build", how, NULL);
}

static void test_devenv(void)
{
    /* a plain shell's environment: none of the test's VIRT_HOSTDEV_* */
    g_auto(GStrv) env = g_get_environ();
    const char *drop[] = { "VIRT_HOSTDEV_MODULE_DIR", "VIRT_HOSTDEV_TEMPLATE_DIR", "VIRT_HOSTDEV_BINARY", NULL };
    for (const char *const *d = drop; *d; d++)
        env = g_environ_unsetenv(env, *d);
    g_autofree char *uri = test_driver_uri("host.xml");
    const char *build = g_getenv("VIRT_HOSTDEV_BUILD_DIR");
    const char *argv[] = { "meson", "devenv", "-C", build, "sh", "-c",
                           "virt-hostdev -c \"$1\" list && virt-hostdev templates", "sh", uri, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                               &error));
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_test_message("meson devenv: %s", err);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    cmd_assert_contains(out, "pci_0000_03_00_0");
    g_autofree char *tmpl = g_build_filename(g_getenv("VIRT_HOSTDEV_SOURCE_DIR"), "templates", "q35-ovmf.xml", NULL);
    cmd_assert_contains(out, tmpl);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/platform/driver-model/offline", test_offline_hostdev);
    g_test_add_func("/platform/driver-model/connected", test_connected);
    g_test_add_func("/platform/driver-model/file-edit", test_file_edit);
    g_test_add_func("/platform/driver-model/bad-input", test_bad_input);
    g_test_add_func("/platform/build-tree/hint", test_build_tree_hint);
    g_test_add_func("/platform/build-tree/devenv", test_devenv);
    return g_test_run();
}
