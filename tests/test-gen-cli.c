/* The offline verbs of issue 8, run as the built binary: generate and
 * templates (goldens, domain.rng, defining every generated domain on
 * libvirt's test driver), nova-config, and check on the fake host trees and
 * on this machine. Errors: message, exit code, nothing on stdout. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>

#include "jsonschema.h"
#include "testutil.h"

#define ERROR_PREFIX "virt-hostdev: error: "
#define UUID "4b20d080-1b54-4048-85b3-a6a62d165c01"

/* Every run gets a private XDG_CONFIG_HOME, so that the user's own
 * templates never leak in; EXTRA_ENV adds to it. */
static const char *xdg_home;

static CmdResult *run_va(const char *const *extra_env, const char *first, va_list ap)
{
    g_autoptr(GPtrArray) env = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(env, g_strconcat("XDG_CONFIG_HOME=", xdg_home, NULL));
    for (const char *const *e = extra_env; e && *e; e++)
        g_ptr_array_add(env, g_strdup(*e));
    g_ptr_array_add(env, NULL);
    return cmd_run_va((const char *const *)env->pdata, NULL, first, ap);
}

static CmdResult *run(const char *first, ...) G_GNUC_NULL_TERMINATED;
static CmdResult *run(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    CmdResult *r = run_va(NULL, first, ap);
    va_end(ap);
    return r;
}

static CmdResult *run_env(const char *const *env, const char *first, ...) G_GNUC_NULL_TERMINATED;
static CmdResult *run_env(const char *const *env, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    CmdResult *r = run_va(env, first, ap);
    va_end(ap);
    return r;
}

#define assert_exit cmd_assert_exit
#define assert_contains cmd_assert_contains
#define assert_error cmd_assert_error

static const char *nodedev(const char *file)
{
    static char *paths[16];
    static guint n;
    g_assert_cmpuint(n, <, G_N_ELEMENTS(paths));
    g_autofree char *rel = g_build_filename("nodedev", file, NULL);
    return paths[n++] = test_data_path(rel);
}

static char *scratch_file(const char *name, const char *content)
{
    char *path = g_build_filename(test_tmpdir(), name, NULL);
    g_autofree char *dir = g_path_get_dirname(path);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_true(g_file_set_contents(path, content, -1, NULL));
    return path;
}

/* libvirt's test driver defines the document (one virsh process: the test
 * driver forgets everything when it exits) and dumps it back. */
static void assert_defines(const char *xml, const char *name)
{
    g_autofree char *virsh = g_find_program_in_path("virsh");
    if (virsh == NULL) {
        g_test_message("virsh not installed: not defining %s", name);
        return;
    }
    g_autofree char *file_name = g_strdup_printf("define-%s.xml", name);
    g_autofree char *path = scratch_file(file_name, xml);
    g_autofree char *script = g_strdup_printf("define %s; dumpxml %s", path, name);
    const char *argv[] = { virsh, "-q", "-c", "test:///default", script, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &out, &err, &status, &error));
    g_assert_no_error(error);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        g_test_message("virsh define failed:\n%s\n%s", err, xml);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    g_autofree char *want = g_strdup_printf("<name>%s</name>", name);
    assert_contains(out, want);
    g_assert_cmpstr(err, ==, "");
}

/* `validate --file` agrees that the output is a valid domain */
static void assert_validates(const char *xml)
{
    g_autofree char *path = scratch_file("validate-me.xml", xml);
    g_autoptr(CmdResult) r = run("validate", "--file", path, NULL);
    assert_exit(r, 0);
}

/* ---------------------------------------------------------------- generate */

static void test_generate_template(gconstpointer data)
{
    const char *tmpl = data;
    g_autofree char *name = g_strdup_printf("vm-%s", tmpl);
    g_autoptr(CmdResult) r = run("generate", "--template", tmpl, "--name", name, "--uuid", UUID, NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_autofree char *golden = g_strdup_printf("generate/%s.xml", tmpl);
    test_assert_golden_xml(golden, r->out);
    assert_validates(r->out);
    assert_defines(r->out, name);
}

static void test_generate_default_template(void)
{
    g_autoptr(CmdResult) r = run("generate", "--name", "vm-q35-ovmf", "--uuid", UUID, NULL);
    assert_exit(r, 0);
    test_assert_golden_xml("generate/q35-ovmf.xml", r->out);
}

/* The acceptance example: the bundled GPU with all its functions */
static void test_generate_gpu_acceptance(void)
{
    g_autoptr(CmdResult) r = run("generate", "--template", "gpu-passthrough", "--name", "win", "--hostdev",
                              nodedev("pci_0000_01_00_0.xml"), "--all-functions", "--hide-hypervisor", "--uuid",
                              UUID, NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "virt-hostdev: 0000:01:00.0: guest address 0000:01:00.0 (multifunction slot)\n");
    g_assert_cmpuint(test_count(r->out, "<hostdev "), ==, 4);
    g_assert_cmpuint(test_count(r->out, "multifunction='on'"), ==, 1);
    assert_contains(r->out, "<hidden state='on'/>");
    assert_contains(r->out, "<vendor_id state='on' value='virt-hostdev'/>");
    assert_contains(r->out, "<ioapic driver='kvm'/>");
    assert_contains(r->out, "<cpu mode='host-passthrough'");
    assert_contains(r->out, "<os firmware='efi'>");
    test_assert_golden_xml("generate/gpu-acceptance.xml", r->out);
    assert_validates(r->out);
    assert_defines(r->out, "win");
}

/* A bare address: the other functions are unknown, said so on stderr */
static void test_generate_gpu_bare_address(void)
{
    g_autoptr(CmdResult) r = run("generate", "--template", "gpu-passthrough", "--name", "win", "--hostdev",
                              "0000:01:00.0", "--all-functions", "--hide-hypervisor", NULL);
    assert_exit(r, 0);
    assert_contains(r->err, "other functions of 0000:01:00.0 are unknown");
    g_assert_cmpuint(test_count(r->out, "<hostdev "), ==, 1);
    assert_validates(r->out);
    assert_defines(r->out, "win");
}

static void test_generate_full_i440fx(void)
{
    g_autoptr(CmdResult) r = run("generate", "--template", "i440fx-bios", "--name", "legacy", "--uuid", UUID,
                              "--memory", "3G", "--vcpus", "3", "--disk", "/var/lib/libvirt/images/legacy.qcow2",
                              "--disk", "/srv/iso/install.iso", "--network", "bridge=br0,model=e1000",
                              "--network", "network=default,mac=52:54:00:12:34:56", "--hostdev",
                              nodedev("pci_0000_03_00_0.xml"), "--hostdev", "03:10.2", "--guest-address", "auto",
                              "--hide-hypervisor", NULL);
    assert_exit(r, 0);
    assert_contains(r->err, "0000:03:00.0: guest address 0000:00:03.0");
    assert_contains(r->err, "0000:03:10.2: guest address 0000:00:04.0");
    assert_contains(r->out, "<memory unit='KiB'>3145728</memory>");
    assert_contains(r->out, "<vcpu placement='static'>3</vcpu>");
    assert_contains(r->out, "<target dev='hda' bus='ide'/>");
    test_assert_golden_xml("generate/i440fx-full.xml", r->out);
    assert_validates(r->out);
    assert_defines(r->out, "legacy");
}

static void test_generate_q35_options(void)
{
    g_autoptr(CmdResult) r = run("generate", "--name", "db1", "--uuid", UUID, "-m", "8192", "--vcpus", "4", "--disk",
                              "/dev/vg0/db1", "--network", "network=default", "--hostdev",
                              nodedev("pci_0001_40_00_0.xml"), "--managed", "no", "--driver", "vfio", "--rom-bar",
                              "off", "--alias", "nvme", "--guest-address", "auto", NULL);
    assert_exit(r, 0);
    assert_contains(r->out, "<hostdev mode='subsystem' type='pci' managed='no'>");
    assert_contains(r->out, "<alias name='ua-nvme'/>");
    assert_contains(r->out, "<source dev='/dev/vg0/db1'/>");
    test_assert_golden_xml("generate/q35-options.xml", r->out);
    assert_validates(r->out);
    assert_defines(r->out, "db1");
}

/* libvirt refuses <os><boot> next to per-device boot orders */
static void test_generate_boot_order(void)
{
    g_autoptr(CmdResult) r = run("generate", "--name", "pxe", "--hostdev", nodedev("pci_0000_03_00_0.xml"),
                              "--boot-order", "1", NULL);
    assert_exit(r, 0);
    g_assert_null(strstr(r->out, "<boot dev="));
    assert_contains(r->out, "<boot order='1'/>");
    assert_defines(r->out, "pxe");
}

static void test_generate_random_uuid(void)
{
    g_autoptr(CmdResult) a = run("generate", "--name", "a", NULL);
    g_autoptr(CmdResult) b = run("generate", "--name", "a", NULL);
    assert_exit(a, 0);
    assert_exit(b, 0);
    const char *ua = strstr(a->out, "<uuid>"), *ub = strstr(b->out, "<uuid>");
    g_assert_nonnull(ua);
    g_assert_nonnull(ub);
    g_autofree char *x = g_strndup(ua + 6, 36), *y = g_strndup(ub + 6, 36);
    g_assert_true(g_uuid_string_is_valid(x));
    g_assert_cmpstr(x, !=, y);
    /* an upper-case --uuid is written the way libvirt writes it */
    g_autoptr(CmdResult) c = run("generate", "--name", "a", "--uuid", "4B20D080-1B54-4048-85B3-A6A62D165C01", NULL);
    assert_contains(c->out, "<uuid>" UUID "</uuid>");
}

static void test_generate_user_templates(void)
{
    /* XDG_CONFIG_HOME/virt-hostdev/templates shadows the installed ones;
     * --template-dir shadows both; a path is used as it is */
    g_autofree char *q35 = g_build_filename(g_getenv("VIRT_HOSTDEV_SOURCE_DIR"), "templates", "q35-ovmf.xml", NULL);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(q35, &text, NULL, NULL));
    g_autofree char *xdg = g_build_filename(test_tmpdir(), "xdg", NULL);
    g_autoptr(GString) mine = g_string_new(text);
    g_string_replace(mine, "Q35 machine with UEFI", "My site's Q35 with UEFI", 1);
    g_string_replace(mine, "<vcpu placement='static'>2</vcpu>", "<vcpu placement='static'>12</vcpu>", 1);
    g_autofree char *user_path = g_build_filename("xdg", "virt-hostdev", "templates", "q35-ovmf.xml", NULL);
    g_autofree char *user_file = scratch_file(user_path, mine->str);
    g_autofree char *env_xdg = g_strconcat("XDG_CONFIG_HOME=", xdg, NULL);
    const char *env[] = { env_xdg, NULL };

    g_autoptr(CmdResult) r = run_env(env, "generate", "--name", "x", NULL);
    assert_exit(r, 0);
    assert_contains(r->out, "<vcpu placement='static'>12</vcpu>");
    g_autoptr(CmdResult) list = run_env(env, "templates", NULL);
    assert_exit(list, 0);
    assert_contains(list->out, "My site's Q35 with UEFI");
    assert_contains(list->out, user_file);
    assert_contains(list->out, "gpu-passthrough");

    g_autofree char *dir = g_build_filename(test_tmpdir(), "tdir", NULL);
    g_autoptr(GString) other = g_string_new(text);
    g_string_replace(other, "<vcpu placement='static'>2</vcpu>", "<vcpu placement='static'>7</vcpu>", 1);
    g_autofree char *other_file = scratch_file("tdir/q35-ovmf.xml", other->str);
    g_autoptr(CmdResult) r2 = run_env(env, "generate", "--name", "x", "--template-dir", dir, NULL);
    assert_contains(r2->out, "<vcpu placement='static'>7</vcpu>");
    g_autoptr(CmdResult) r3 = run_env(env, "generate", "--name", "x", "--template", other_file, NULL);
    assert_contains(r3->out, "<vcpu placement='static'>7</vcpu>");
}

static void test_generate_errors(void)
{
    struct {
        const char *argv[12];
        int code;
        const char *needle;
        const char *needle2;
    } cases[] = {
        { { "generate", NULL }, 2, "generate needs --name NAME", NULL },
        { { "generate", "--name", "a/b", NULL }, 2, "--name 'a/b'", NULL },
        { { "generate", "--name", "x", "--uuid", "nope", NULL }, 2, "--uuid 'nope'", NULL },
        { { "generate", "--name", "x", "--memory", "8X", NULL }, 2, "--memory '8X'", "unknown unit" },
        { { "generate", "--name", "x", "--memory", "0", NULL }, 2, "--memory '0'", NULL },
        { { "generate", "--name", "x", "--vcpus", "0", NULL }, 2, "--vcpus", NULL },
        { { "generate", "--name", "x", "--vcpus", "5000", NULL }, 2, "--vcpus", NULL },
        { { "generate", "--name", "x", "--disk", "images/x.qcow2", NULL }, 2, "--disk 'images/x.qcow2'", "absolute" },
        { { "generate", "--name", "x", "--network", "default", NULL }, 2, "--network 'default'", NULL },
        { { "generate", "--name", "x", "--template", "q35", NULL }, 2, "no template 'q35'",
          "available: gpu-passthrough, i440fx-bios, q35-ovmf" },
        { { "generate", "--name", "x", "--template", "/nonexistent/t.xml", NULL }, 2, "/nonexistent/t.xml", NULL },
        /* $LIBVIRT_DEFAULT_URI is test:///default, which has a domain 'test' */
        { { "generate", "--name", "test", "--define", NULL }, 1, "domain 'test' already exists", "never replaces" },
        { { "generate", "--name", "x", "03:00.0", NULL }, 2, "takes no arguments ('03:00.0')", "--hostdev" },
        { { "generate", "--name", "x", "--all-functions", NULL }, 2, "hostdev options", "--hostdev" },
        { { "generate", "--name", "x", "--hostdev", "03:00.0", "--hostdev", "0000:03:00.0", NULL }, 2,
          "0000:03:00.0 is given twice", NULL },
        { { "generate", "--name", "x", "--hostdev", "03:00.0", "--managed", "maybe", NULL }, 2, "--managed 'maybe'",
          NULL },
        { { "generate", "--name", "x", "--hostdev", "0000:03:20.0", NULL }, 2, "slot", NULL },
        { { "generate", "--name", "x", "--hostdev", "/nonexistent/dev.xml", NULL }, 2, "/nonexistent/dev.xml", NULL },
        { { "generate", "--name", "x", "--hostdev", "03:00.0", "--hostdev", "03:00.1", "--guest-address",
            "00:10.0", NULL }, 2, "--guest-address names one guest slot", NULL },
        { { "generate", "--name", "x", "--templat", "q35-ovmf", NULL }, 2, "did you mean --template", NULL },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *env_xdg = g_strconcat("XDG_CONFIG_HOME=", xdg_home, NULL);
        const char *env[] = { env_xdg, NULL };
        g_autoptr(CmdResult) r = cmd_runv(env, NULL, cases[i].argv);
        assert_error(r, cases[i].code, cases[i].needle, cases[i].needle2, NULL);
    }
}

static void test_generate_invalid_template(void)
{
    /* well-formed, but not a domain libvirt accepts: blamed on the template */
    g_autofree char *bad = scratch_file("bad-template.xml",
                                        "<domain type='kvm'><name>t</name><memory>1</memory><vcpu>lots</vcpu>"
                                        "<os><type>hvm</type></os><devices/></domain>");
    g_autoptr(CmdResult) r = run("generate", "--name", "x", "--template", bad, NULL);
    assert_error(r, 2, "template 'bad-template'", "gives an invalid domain", NULL);
    g_autoptr(CmdResult) r2 = run("generate", "--name", "x", "--template", bad, "--hostdev", "03:00.0", NULL);
    assert_error(r2, 2, "template 'bad-template'", "gives an invalid domain", NULL);

    g_autofree char *broken = scratch_file("broken.xml", "<domain><name>t</name>");
    g_autoptr(CmdResult) r3 = run("generate", "--name", "x", "--template", broken, NULL);
    assert_error(r3, 2, "broken.xml", "malformed XML", NULL);

    g_autofree char *network = scratch_file("network.xml", "<network><name>n</name></network>");
    g_autoptr(CmdResult) r4 = run("generate", "--name", "x", "--template", network, NULL);
    assert_error(r4, 2, "not a domain template", NULL);

    /* a template whose devices clash: two devices at one guest address */
    g_autofree char *clash = scratch_file(
        "clash.xml", "<domain type='kvm'><name>t</name><memory>1048576</memory><os><type arch='x86_64' "
                     "machine='pc'>hvm</type></os><devices><memballoon model='virtio'><address type='pci' "
                     "domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></memballoon><rng model='virtio'>"
                     "<backend model='random'>/dev/urandom</backend><address type='pci' domain='0x0000' "
                     "bus='0x00' slot='0x05' function='0x0'/></rng></devices></domain>");
    g_autoptr(CmdResult) r5 = run("generate", "--name", "x", "--template", clash, NULL);
    assert_error(r5, 2, "template 'clash'", "0000:00:05.0", NULL);

    /* our device at an address the template uses: the edit is refused */
    g_autofree char *taken = scratch_file(
        "taken.xml", "<domain type='kvm'><name>t</name><memory>1048576</memory><os><type arch='x86_64' "
                     "machine='pc'>hvm</type></os><devices><memballoon model='virtio'><address type='pci' "
                     "domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></memballoon></devices></domain>");
    g_autoptr(CmdResult) r6 = run("generate", "--name", "x", "--template", taken, "--hostdev", "03:00.0",
                               "--guest-address", "00:05.0", NULL);
    assert_error(r6, 1, "0000:00:05.0 is already used by memballoon", NULL);
}

/* ---------------------------------------------------------------- templates */

static void test_templates_text(void)
{
    g_autoptr(CmdResult) r = run("templates", NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    const char *gpu = strstr(r->out, "gpu-passthrough"), *i440 = strstr(r->out, "i440fx-bios"),
               *q35 = strstr(r->out, "q35-ovmf ");
    g_assert_true(gpu && i440 && q35 && gpu < i440 && i440 < q35);
    assert_contains(r->out, "Q35 machine with UEFI firmware (OVMF)");
    assert_contains(r->out, "templates/q35-ovmf.xml\n");
}

static void test_templates_json(void)
{
    g_autoptr(CmdResult) r = run("--json", "templates", NULL);
    assert_exit(r, 0);
    g_autoptr(JsonNode) root = json_schema_assert_output("templates", r->out);
    JsonObject *o = json_node_get_object(root);
    JsonArray *path = json_object_get_array_member(o, "search_path");
    g_assert_cmpuint(json_array_get_length(path), ==, 2);
    assert_contains(json_array_get_string_element(path, 0), xdg_home);
    g_assert_cmpstr(json_array_get_string_element(path, 1), ==, g_getenv("VIRT_HOSTDEV_TEMPLATE_DIR"));
    JsonArray *list = json_object_get_array_member(o, "templates");
    g_assert_cmpuint(json_array_get_length(list), ==, 3);
    JsonObject *first = json_array_get_object_element(list, 0);
    g_assert_cmpstr(json_object_get_string_member(first, "name"), ==, "gpu-passthrough");
    assert_contains(json_object_get_string_member(first, "path"), "templates/gpu-passthrough.xml");
    assert_contains(json_object_get_string_member(first, "description"), "passed-through GPU");
}

static void test_templates_errors(void)
{
    g_autoptr(CmdResult) r = run("templates", "extra", NULL);
    assert_error(r, 2, "templates takes no arguments", NULL);
    /* an empty directory first on the path adds nothing */
    g_autofree char *empty = g_build_filename(test_tmpdir(), "empty-templates", NULL);
    g_assert_cmpint(g_mkdir_with_parents(empty, 0755), ==, 0);
    g_autoptr(CmdResult) r2 = run("--json", "templates", "--template-dir", empty, NULL);
    assert_exit(r2, 0);
    g_autoptr(JsonNode) root = json_schema_assert_output("templates", r2->out);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(json_node_get_object(root), "templates")),
                     ==, 3);
}

/* ---------------------------------------------------------------- nova */

static void test_nova_text(void)
{
    /* a GPU and its audio function: one alias each (issue 15) */
    g_autoptr(CmdResult) r = run("nova-config", "--alias", "gpu", nodedev("pci_0000_01_00_0.xml"),
                              nodedev("pci_0000_01_00_1.xml"), NULL);
    assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_assert_cmpstr(r->out, ==,
                    "[pci]\n"
                    "# compute nodes: the devices this host offers to guests\n"
                    "device_spec = {\"vendor_id\": \"10de\", \"product_id\": \"1e87\", \"address\": \"0000:01:00.0\"}\n"
                    "device_spec = {\"vendor_id\": \"10de\", \"product_id\": \"10f8\", \"address\": \"0000:01:00.1\"}\n"
                    "# API and compute nodes: the aliases; a flavor asks for each once with\n"
                    "# \"pci_passthrough:alias\"=\"gpu:1,gpu-audio:1\"\n"
                    "alias = {\"vendor_id\": \"10de\", \"product_id\": \"1e87\", \"device_type\": \"type-PCI\", "
                    "\"name\": \"gpu\"}\n"
                    "alias = {\"vendor_id\": \"10de\", \"product_id\": \"10f8\", \"device_type\": \"type-PCI\", "
                    "\"name\": \"gpu-audio\"}\n");
    /* every value is JSON nova can read */
    g_auto(GStrv) lines = g_strsplit(r->out, "\n", -1);
    for (char **l = lines; *l; l++) {
        const char *brace = strchr(*l, '{');
        if (brace == NULL)
            continue;
        g_autoptr(JsonNode) n = test_parse_json_object(brace);
        g_assert_nonnull(n);
    }
    /* two VFs are one kind under one name, with their physical network */
    g_autoptr(CmdResult) v = run("nova-config", "--alias", "nic", "--physnet", "physnet1",
                              nodedev("pci_0000_03_10_0.xml"), nodedev("pci_0000_03_10_2.xml"), NULL);
    assert_exit(v, 0);
    assert_contains(v->out, "device_spec = {\"vendor_id\": \"8086\", \"product_id\": \"10ca\", \"address\": "
                            "\"0000:03:10.2\", \"physical_network\": \"physnet1\"}\n");
    assert_contains(v->out, "\"pci_passthrough:alias\"=\"nic:1\"\n");
    g_assert_cmpuint(test_count(v->out, "alias = {"), ==, 1);
}

static void test_nova_legacy_flavor(void)
{
    g_autoptr(CmdResult) r = run("nova-config", "--alias", "gpu", "--legacy", "--flavor-property", "gpu.large",
                              "--count", "2", nodedev("pci_0000_01_00_0.xml"), NULL);
    assert_exit(r, 0);
    assert_contains(r->out, "\npassthrough_whitelist = {\"vendor_id\": \"10de\", \"product_id\": \"1e87\", "
                            "\"address\": \"0000:01:00.0\"}\n");
    g_assert_null(strstr(r->out, "device_spec"));
    g_assert_true(g_str_has_suffix(r->out, "\n\nopenstack flavor set gpu.large --property "
                                           "\"pci_passthrough:alias\"=\"gpu:2\"\n"));
    /* a flavor name the shell would split is quoted */
    g_autoptr(CmdResult) q = run("nova-config", "--alias", "gpu", "--flavor-property", "my flavor",
                              nodedev("pci_0000_01_00_0.xml"), NULL);
    assert_contains(q->out, "openstack flavor set 'my flavor' --property \"pci_passthrough:alias\"=\"gpu:1\"\n");
}

static void test_nova_json(void)
{
    g_autoptr(CmdResult) r = run("--json", "nova-config", "--alias", "nic", "--flavor-property", "f1",
                              nodedev("pci_0000_03_10_2.xml"), NULL);
    assert_exit(r, 0);
    g_autoptr(JsonNode) root = test_parse_json_object(r->out);
    JsonObject *o = json_node_get_object(root);
    g_assert_cmpstr(json_object_get_string_member(o, "alias"), ==, "nic");
    g_assert_cmpstr(json_object_get_string_member(o, "option"), ==, "device_spec");
    JsonObject *spec = json_array_get_object_element(json_object_get_array_member(o, "device_spec"), 0);
    g_assert_cmpstr(json_object_get_string_member(spec, "vendor_id"), ==, "8086");
    g_assert_cmpstr(json_object_get_string_member(spec, "product_id"), ==, "10ca");
    g_assert_cmpstr(json_object_get_string_member(spec, "address"), ==, "0000:03:10.2");
    JsonObject *alias = json_array_get_object_element(json_object_get_array_member(o, "alias_spec"), 0);
    g_assert_cmpstr(json_object_get_string_member(alias, "device_type"), ==, "type-VF");
    g_assert_cmpstr(json_object_get_string_member(alias, "name"), ==, "nic");
    assert_contains(json_object_get_string_member(o, "nova_conf"), "alias = {");
    JsonObject *flavor = json_object_get_object_member(o, "flavor");
    g_assert_cmpstr(json_object_get_string_member(flavor, "property"), ==, "pci_passthrough:alias");
    g_assert_cmpstr(json_object_get_string_member(flavor, "value"), ==, "nic:1");
    /* without --flavor-property, flavor is null */
    g_autoptr(CmdResult) r2 = run("--json", "nova-config", "--alias", "nic", nodedev("pci_0000_03_10_2.xml"), NULL);
    g_autoptr(JsonNode) root2 = test_parse_json_object(r2->out);
    g_assert_true(json_object_get_null_member(json_node_get_object(root2), "flavor"));
}

static void test_nova_errors(void)
{
    const char *gpu = nodedev("pci_0000_01_00_0.xml");
    g_autoptr(CmdResult) a = run("nova-config", gpu, NULL);
    assert_error(a, 2, "nova-config needs --alias NAME", NULL);
    g_autoptr(CmdResult) b = run("nova-config", "--alias", "g:pu", gpu, NULL);
    assert_error(b, 2, "alias name 'g:pu'", NULL);
    g_autoptr(CmdResult) c = run("nova-config", "--alias", "gpu", "01:00.0", NULL);
    assert_error(c, 2, "01:00.0: nova needs the vendor and product ids of 0000:01:00.0",
                 "virsh nodedev-dumpxml pci_0000_01_00_0", NULL);
    g_autoptr(CmdResult) d = run("nova-config", "--alias", "gpu", nodedev("usb_1_5.xml"), NULL);
    assert_error(d, 2, "takes PCI devices", NULL);
    g_autoptr(CmdResult) e = run("nova-config", "--alias", "gpu", "--count", "2", gpu, NULL);
    assert_error(e, 2, "--count applies to --flavor-property", NULL);
    g_autoptr(CmdResult) f = run("nova-config", "--alias", "gpu", gpu, gpu, NULL);
    assert_error(f, 2, "0000:01:00.0 is given twice", NULL);
    g_autoptr(CmdResult) g = run("nova-config", "--alias", "gpu", NULL);
    assert_error(g, 2, "no DEVICE given", NULL);
    g_autoptr(CmdResult) h = run("nova-config", "--alias", "gpu", "--flavor-property", "f", "--count", "0", gpu, NULL);
    assert_error(h, 2, "--count", NULL);
}

/* ---------------------------------------------------------------- check */

static JsonNode *check_json(const char *tree, int expect_rc)
{
    g_autofree char *rel = g_build_filename("check", tree, NULL);
    g_autofree char *root = test_data_path(rel);
    g_autoptr(CmdResult) r = run("--json", "check", "--root", root, NULL);
    assert_exit(r, expect_rc);
    g_assert_cmpstr(r->err, ==, "");
    JsonNode *n = json_schema_assert_output("check", r->out);
    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(n), "root"), ==, root);
    return n;
}

static const char *finding_status(JsonObject *o, const char *check)
{
    JsonArray *findings = json_object_get_array_member(o, "findings");
    for (guint i = 0; i < json_array_get_length(findings); i++) {
        JsonObject *f = json_array_get_object_element(findings, i);
        if (strcmp(json_object_get_string_member(f, "check"), check) == 0)
            return json_object_get_string_member(f, "status");
    }
    g_assert_not_reached();
}

static void test_check_fixtures(void)
{
    g_autoptr(JsonNode) ready = check_json("intel-ready", 0);
    JsonObject *o = json_node_get_object(ready);
    g_assert_true(json_object_get_boolean_member(o, "ready"));
    g_assert_cmpstr(json_object_get_string_member(o, "cpu_vendor"), ==, "intel");
    g_assert_cmpstr(finding_status(o, "interrupt-remapping"), ==, "ok");
    JsonArray *groups = json_object_get_array_member(o, "iommu_groups");
    g_assert_cmpuint(json_array_get_length(groups), ==, 5);
    JsonObject *g1 = json_array_get_object_element(groups, 1);
    g_assert_cmpint(json_object_get_int_member(g1, "group"), ==, 1);
    JsonObject *gpu = json_array_get_object_element(json_object_get_array_member(g1, "devices"), 1);
    g_assert_cmpstr(json_object_get_string_member(gpu, "address"), ==, "0000:01:00.0");
    g_assert_cmpstr(json_object_get_string_member(gpu, "driver"), ==, "vfio-pci");
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(o, "vfio_devices")), ==, 2);

    g_autoptr(JsonNode) none = check_json("no-iommu", 1);
    JsonObject *n = json_node_get_object(none);
    g_assert_false(json_object_get_boolean_member(n, "ready"));
    g_assert_cmpstr(finding_status(n, "iommu"), ==, "fail");
    g_assert_cmpstr(finding_status(n, "vfio-modules"), ==, "warn");

    g_autoptr(JsonNode) amd = check_json("amd-selinux", 0);
    JsonObject *a = json_node_get_object(amd);
    g_assert_cmpstr(json_object_get_string_member(a, "cpu_vendor"), ==, "amd");
    g_assert_cmpstr(finding_status(a, "selinux"), ==, "warn");
    g_assert_cmpstr(finding_status(a, "vfio-modules"), ==, "ok");
}

static void test_check_text(void)
{
    g_autofree char *root = test_data_path("check/no-iommu");
    g_autoptr(CmdResult) r = run("check", "--root", root, NULL);
    assert_exit(r, 1);
    assert_contains(r->out, "fail  IOMMU ");
    assert_contains(r->out, "fix: enable VT-d in the firmware setup, add intel_iommu=on iommu=pt to "
                            "GRUB_CMDLINE_LINUX");
    assert_contains(r->out, "fix: modprobe vfio-pci");
    g_assert_true(g_str_has_suffix(r->out, "\nnot ready for PCI passthrough: 3 checks failed\n"));
    g_autofree char *amd = test_data_path("check/amd-selinux");
    g_autoptr(CmdResult) r2 = run("check", "--root", amd, NULL);
    assert_exit(r2, 0);
    assert_contains(r2->out, "fix: setsebool -P virt_manage_sysfs 1");
    assert_contains(r2->out, "\nIOMMU groups:\n");
    assert_contains(r2->out, "0000:0b:00.0  1002:73bf  vfio-pci");
    g_assert_true(g_str_has_suffix(r2->out, "ready for PCI passthrough (see the warnings above)\n"));
}

static void test_check_errors(void)
{
    g_autoptr(CmdResult) r = run("check", "--root", "/nonexistent/root", NULL);
    assert_error(r, 2, "--root '/nonexistent/root' is not a directory", NULL);
    g_autoptr(CmdResult) r2 = run("check", "now", NULL);
    assert_error(r2, 2, "check takes no arguments", NULL);
}

/* This machine, whatever it is: reads only, answers 0 or 1 with JSON. */
static void test_check_this_host(void)
{
    g_autoptr(CmdResult) r = run("--json", "check", NULL);
    if (r->rc != 0 && r->rc != 1)
        g_test_message("exit %d: %s", r->rc, r->err);
    g_assert_true(r->rc == 0 || r->rc == 1);
    g_autoptr(JsonNode) root = json_schema_assert_output("check", r->out);
    JsonObject *o = json_node_get_object(root);
    g_assert_cmpint(json_object_get_boolean_member(o, "ready"), ==, r->rc == 0);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(o, "findings")), >=, 5);
    g_assert_cmpstr(json_object_get_string_member(o, "root"), ==, "/");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_autofree char *xdg = g_build_filename(test_tmpdir(), "no-user-config", NULL);
    xdg_home = xdg;
    g_assert_nonnull(g_getenv("VIRT_HOSTDEV_TEMPLATE_DIR"));

    g_test_add_data_func("/gen-cli/generate/template/q35-ovmf", "q35-ovmf", test_generate_template);
    g_test_add_data_func("/gen-cli/generate/template/i440fx-bios", "i440fx-bios", test_generate_template);
    g_test_add_data_func("/gen-cli/generate/template/gpu-passthrough", "gpu-passthrough", test_generate_template);
    g_test_add_func("/gen-cli/generate/default-template", test_generate_default_template);
    g_test_add_func("/gen-cli/generate/gpu-acceptance", test_generate_gpu_acceptance);
    g_test_add_func("/gen-cli/generate/gpu-bare-address", test_generate_gpu_bare_address);
    g_test_add_func("/gen-cli/generate/i440fx-full", test_generate_full_i440fx);
    g_test_add_func("/gen-cli/generate/q35-options", test_generate_q35_options);
    g_test_add_func("/gen-cli/generate/boot-order", test_generate_boot_order);
    g_test_add_func("/gen-cli/generate/random-uuid", test_generate_random_uuid);
    g_test_add_func("/gen-cli/generate/user-templates", test_generate_user_templates);
    g_test_add_func("/gen-cli/generate/errors", test_generate_errors);
    g_test_add_func("/gen-cli/generate/invalid-template", test_generate_invalid_template);
    g_test_add_func("/gen-cli/templates/text", test_templates_text);
    g_test_add_func("/gen-cli/templates/json", test_templates_json);
    g_test_add_func("/gen-cli/templates/errors", test_templates_errors);
    g_test_add_func("/gen-cli/nova-config/text", test_nova_text);
    g_test_add_func("/gen-cli/nova-config/legacy-flavor", test_nova_legacy_flavor);
    g_test_add_func("/gen-cli/nova-config/json", test_nova_json);
    g_test_add_func("/gen-cli/nova-config/errors", test_nova_errors);
    g_test_add_func("/gen-cli/check/fixtures", test_check_fixtures);
    g_test_add_func("/gen-cli/check/text", test_check_text);
    g_test_add_func("/gen-cli/check/errors", test_check_errors);
    g_test_add_func("/gen-cli/check/this-host", test_check_this_host);
    return g_test_run();
}
