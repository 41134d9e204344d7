/* --json of hostdev, add and remove (schemas/hostdev, add and
 * remove.schema.json): each document valid for its schema, its values
 * those of the edit, and its "xml" the very document the command writes
 * (or defines) without --json. Offline on tests/data, and through the
 * test-driver host tests/data/host.xml. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "jsonschema.h"
#include "testutil.h"

/* virt-hostdev ARGV exits WANT_RC; stdout is valid for SCHEMA. */
static JsonNode *run_json(const char *schema, int want_rc, const char *const *argv)
{
    g_autoptr(CmdResult) r = cmd_runv(NULL, NULL, argv);
    g_autofree char *line = g_strjoinv(" ", (char **)argv);
    g_test_message("virt-hostdev %s -> %d\n%s%s", line, r->rc, r->out, r->err);
    if (r->rc != want_rc)
        g_error("virt-hostdev %s: exit %d, expected %d: %s", line, r->rc, want_rc, r->err);
    return json_schema_assert_output(schema, r->out);
}

static char *stdout_of(const char *const *argv)
{
    g_autoptr(CmdResult) r = cmd_runv(NULL, NULL, argv);
    cmd_assert_exit(r, 0);
    return g_strdup(r->out);
}

static void test_hostdev(void)
{
    g_autofree char *nic = test_data_path("nodedev/pci_0000_03_00_0.xml");
    const char *argv[] = { "--json", "hostdev", nic, "--guest-address", "0000:00:10.0", "--alias", "nic", NULL };
    g_autoptr(JsonNode) one = run_json("hostdev", 0, argv);
    g_assert_cmpuint(json_len_at(one, "/hostdevs"), ==, 1);
    g_assert_cmpstr(json_str_at(one, "/hostdevs/0/element"), ==, "hostdev");
    g_assert_cmpstr(json_str_at(one, "/hostdevs/0/type"), ==, "pci");
    g_assert_cmpstr(json_str_at(one, "/hostdevs/0/source"), ==, "0000:03:00.0");
    g_assert_true(json_bool_at(one, "/hostdevs/0/managed"));
    g_assert_cmpstr(json_str_at(one, "/hostdevs/0/guest_address"), ==, "0000:00:10.0");
    g_assert_cmpstr(json_str_at(one, "/hostdevs/0/alias"), ==, "ua-nic");
    /* the block is the text output, byte for byte */
    const char *text_argv[] = { "hostdev", nic, "--guest-address", "0000:00:10.0", "--alias", "nic", NULL };
    g_autofree char *text = stdout_of(text_argv);
    g_autofree char *block = g_strconcat(json_str_at(one, "/hostdevs/0/xml"), "\n", NULL);
    g_assert_cmpstr(block, ==, text);

    /* every function, one slot; USB by ids; a VF as an interface */
    g_autofree char *gpu = test_data_path("nodedev/pci_0000_01_00_0.xml");
    const char *all[] = { "--json", "hostdev", gpu, "--all-functions", "--guest-address", "0000:00:11.0", NULL };
    g_autoptr(JsonNode) fns = run_json("hostdev", 0, all);
    g_assert_cmpuint(json_len_at(fns, "/hostdevs"), ==, 4);
    g_assert_true(json_bool_at(fns, "/hostdevs/0/multifunction"));
    g_assert_cmpstr(json_str_at(fns, "/hostdevs/3/guest_address"), ==, "0000:00:11.3");
    const char *usb[] = { "--json", "hostdev", "usb:046d:c52b", "--managed", "no", NULL };
    g_autoptr(JsonNode) stick = run_json("hostdev", 0, usb);
    g_assert_cmpstr(json_str_at(stick, "/hostdevs/0/type"), ==, "usb");
    g_assert_cmpstr(json_str_at(stick, "/hostdevs/0/source"), ==, "usb:046d:c52b");
    g_assert_false(json_bool_at(stick, "/hostdevs/0/managed"));
    g_assert_null(json_str_at(stick, "/hostdevs/0/guest_address"));
    g_autofree char *vf = test_data_path("nodedev/pci_0000_03_10_0.xml");
    const char *iface[] = { "--json", "hostdev", vf, "--interface", "--mac", "52:54:00:aa:bb:cc", NULL };
    g_autoptr(JsonNode) ifc = run_json("hostdev", 0, iface);
    g_assert_cmpstr(json_str_at(ifc, "/hostdevs/0/element"), ==, "interface");
    g_assert_cmpstr(json_str_at(ifc, "/hostdevs/0/source"), ==, "0000:03:10.0");

    /* an error prints no document */
    g_autoptr(CmdResult) bad = cmd_run(NULL, NULL, "--json", "hostdev", "3", "0", "0", NULL);
    cmd_assert_error(bad, 2, "'3' is not a DEVICE", NULL);
}

/* add --file: printed (changed null), then in place (changed "file"), and
 * remove of what was added; the pcie-root-port added for it is a change. */
static void test_edit_file(void)
{
    g_autofree char *path = test_copy_to_tmp("domain/guest-q35-full.xml", "json-edit.xml");
    g_autofree char *before = NULL;
    g_assert_true(g_file_get_contents(path, &before, NULL, NULL));
    const char *dry[] = { "-q", "--json", "add", "--file", path, "03:10.0", "--guest-address", "auto", NULL };
    g_autoptr(JsonNode) printed = run_json("add", 0, dry);
    g_assert_cmpstr(json_str_at(printed, "/verb"), ==, "add");
    g_assert_cmpstr(json_str_at(printed, "/file"), ==, path);
    g_assert_null(json_str_at(printed, "/domain"));
    g_assert_null(json_str_at(printed, "/changed"));
    g_assert_cmpuint(json_len_at(printed, "/changes"), ==, 2);
    g_assert_cmpstr(json_str_at(printed, "/changes/0/element"), ==, "controller");
    g_assert_cmpstr(json_str_at(printed, "/changes/0/model"), ==, "pcie-root-port");
    g_assert_cmpint(json_int_at(printed, "/changes/0/index"), ==, 6);
    g_assert_cmpstr(json_str_at(printed, "/changes/1/action"), ==, "add");
    g_assert_cmpstr(json_str_at(printed, "/changes/1/source"), ==, "0000:03:10.0");
    g_assert_cmpstr(json_str_at(printed, "/changes/1/guest_address"), ==, "0000:06:00.0");
    cmd_assert_contains(json_str_at(printed, "/diff"), "+    <controller type='pci' index='6' model='pcie-root-port'/>");
    /* the xml is what add prints without --json; the file is untouched */
    const char *plain[] = { "-q", "add", "--file", path, "03:10.0", "--guest-address", "auto", NULL };
    g_autofree char *xml = stdout_of(plain);
    g_assert_cmpstr(json_str_at(printed, "/xml"), ==, xml);
    g_autofree char *still = NULL;
    g_assert_true(g_file_get_contents(path, &still, NULL, NULL));
    g_assert_cmpstr(still, ==, before);

    const char *in_place[] = { "-q", "--json", "add", "-i", "--file", path, "03:10.0", "--guest-address", "auto", NULL };
    g_autoptr(JsonNode) written = run_json("add", 0, in_place);
    g_assert_cmpstr(json_str_at(written, "/changed"), ==, "file");
    g_autofree char *now = NULL;
    g_assert_true(g_file_get_contents(path, &now, NULL, NULL));
    g_assert_cmpstr(json_str_at(written, "/xml"), ==, now);
    g_assert_cmpstr(now, ==, xml);

    const char *rm[] = { "-q", "--json", "remove", "--file", path, "--guest-address", "0000:06:00.0", NULL };
    g_autoptr(JsonNode) removed = run_json("remove", 0, rm);
    g_assert_cmpstr(json_str_at(removed, "/verb"), ==, "remove");
    g_assert_cmpuint(json_len_at(removed, "/changes"), ==, 1);
    g_assert_cmpstr(json_str_at(removed, "/changes/0/action"), ==, "remove");
    g_assert_cmpstr(json_str_at(removed, "/changes/0/source"), ==, "0000:03:10.0");
    g_assert_null(json_str_at(removed, "/changed"));

    /* refused: nothing on stdout, the file as it was */
    g_autoptr(CmdResult) clash = cmd_run(NULL, NULL, "--json", "add", "--file", path, "03:10.2", "--guest-address",
                                         "0000:06:00.0", NULL);
    cmd_assert_exit(clash, 1);
    g_assert_cmpstr(clash->out, ==, "");
    g_autofree char *after = NULL;
    g_assert_true(g_file_get_contents(path, &after, NULL, NULL));
    g_assert_cmpstr(after, ==, now);
}

/* Through libvirt (the test driver): the domain, --dry-run and a define. */
static void test_edit_domain(void)
{
    g_autofree char *uri = test_driver_uri("host.xml");
    const char *dry[] = { "-c", uri, "-q", "--json", "remove", "web1", "03:00.1", "--dry-run", NULL };
    g_autoptr(JsonNode) rm = run_json("remove", 0, dry);
    g_assert_cmpstr(json_str_at(rm, "/domain"), ==, "web1");
    g_assert_null(json_str_at(rm, "/file"));
    g_assert_null(json_str_at(rm, "/changed"));
    g_assert_true(json_bool_at(rm, "/config"));
    g_assert_false(json_bool_at(rm, "/live"));
    g_assert_cmpuint(json_len_at(rm, "/changes"), ==, 1);
    g_assert_cmpstr(json_str_at(rm, "/changes/0/source"), ==, "0000:03:00.1");
    g_assert_null(strstr(json_str_at(rm, "/xml"), "bus='0x03' slot='0x00' function='0x1'"));

    const char *add[] = { "-c", uri, "-q", "--json", "add", "win11", "01:00.0", "--alias", "gpu", NULL };
    g_autoptr(JsonNode) added = run_json("add", 0, add);
    g_assert_cmpstr(json_str_at(added, "/domain"), ==, "win11");
    g_assert_cmpstr(json_str_at(added, "/changed"), ==, "domain");
    g_assert_cmpstr(json_str_at(added, "/changes/0/alias"), ==, "ua-gpu");
    g_assert_cmpstr(json_str_at(added, "/changes/0/source"), ==, "0000:01:00.0");
}

/* A later step failing (remove --reattach: the test driver cannot give a
 * device back) leaves stdout empty: no document for an edit that failed. */
static void test_edit_fails_late(void)
{
    g_autofree char *xml = test_data_read("host.xml", NULL);
    const char *held = "<hostdev mode='subsystem' type='pci' managed='yes'>";
    char *at = strstr(xml, held);
    g_assert_nonnull(at);
    memcpy(strstr(at, "'yes'"), "'no' ", 5); /* one unmanaged device of web1 */
    g_autofree char *path = g_build_filename(test_tmpdir(), "host-unmanaged.xml", NULL);
    g_assert_true(g_file_set_contents(path, xml, -1, NULL));
    g_autofree char *uri = g_strconcat("test://", path, NULL);
    g_autoptr(CmdResult) r = cmd_run(NULL, NULL, "-q", "-c", uri, "--json", "remove", "web1", "03:00.1", "--reattach",
                                     NULL);
    cmd_assert_error(r, 1, "cannot give pci_0000_03_00_1 back to the host", NULL);
    g_assert_cmpstr(r->out, ==, "");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-edit/hostdev", test_hostdev);
    g_test_add_func("/json-edit/file", test_edit_file);
    g_test_add_func("/json-edit/domain", test_edit_domain);
    g_test_add_func("/json-edit/fails-late", test_edit_fails_late);
    return g_test_run();
}
