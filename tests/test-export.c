/* Issue 15: export proxmox|kubevirt|nova and nova-config's semantics, run
 * as the built binary on the bundled host (tests/data/host.xml through
 * libvirt's test driver) and a second one (host-fleet.xml) for several -c;
 * --json against schemas/export.schema.json and nova-config.schema.json;
 * every nova form read by nova's own code (tests/nova/parse: Debian's
 * python3-nova, a SKIP where it cannot be had). Errors: message, exit
 * code, nothing on stdout. */
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "jsonschema.h"
#include "testutil.h"

#define HOST "host.xml"
#define FLEET "host-fleet.xml"

static char *node_of_test_driver;

static CmdResult *run(const char *first, ...) G_GNUC_NULL_TERMINATED;
static CmdResult *run(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    CmdResult *r = cmd_run_va(NULL, NULL, first, ap);
    va_end(ap);
    return r;
}

/* What virsh says the test driver's host is called, cut at the first dot
 * as export cuts it for Proxmox. */
static const char *test_node(void)
{
    if (node_of_test_driver)
        return node_of_test_driver;
    g_autofree char *uri = test_driver_uri(HOST);
    const char *argv[] = { "virsh", "-c", uri, "hostname", NULL };
    g_autofree char *out = NULL;
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_strstrip(out);
    char *dot = strchr(out, '.');
    if (dot)
        *dot = '\0';
    return node_of_test_driver = g_steal_pointer(&out);
}

static char *nodedev(const char *file)
{
    g_autofree char *rel = g_build_filename("nodedev", file, NULL);
    return test_data_path(rel);
}

/* ---------------------------------------------------------------- proxmox */

static void test_proxmox_all_functions(void)
{
    g_autoptr(CmdResult) r = cmd_run_on(HOST, "export", "proxmox", "--name", "gpu", "--all-functions", "01:00.0", NULL);
    cmd_assert_exit(r, 0);
    g_autofree char *want = g_strdup_printf("pvesh create /cluster/mapping/pci --id gpu --map node=%s,"
                                            "path=0000:01:00,id=10de:1e87,iommugroup=14\n",
                                            test_node());
    g_assert_cmpstr(r->out, ==, want);
    /* what libvirt cannot tell is said on stderr */
    cmd_assert_contains(r->err, "subsystem-id=VVVV:DDDD");
    g_autoptr(CmdResult) j = cmd_run_on(HOST, "--json", "export", "proxmox", "--name", "gpu", "--all-functions",
                                        "--node", "pve1", "01:00.0", NULL);
    cmd_assert_exit(j, 0);
    g_autoptr(JsonNode) doc = json_schema_assert_output("export", j->out);
    JsonNode *map = json_pointer_get(doc, "/mappings/0/map/0");
    g_assert_cmpstr(json_node_get_string(map), ==, "node=pve1,path=0000:01:00,id=10de:1e87,iommugroup=14");
    g_assert_cmpstr(json_node_get_string(json_pointer_get(doc, "/mappings/0/command")), ==,
                    "pvesh create /cluster/mapping/pci --id gpu --map node=pve1,path=0000:01:00,id=10de:1e87,"
                    "iommugroup=14");
    g_assert_null(json_pointer_get(doc, "/mappings/1"));
}

static void test_proxmox_functions(void)
{
    g_autoptr(CmdResult) r = cmd_run_on(HOST, "-q", "export", "proxmox", "--name", "gpu", "--node", "pve1", "01:00.0",
                                        "01:00.1", NULL);
    cmd_assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_assert_cmpstr(r->out, ==,
                    "pvesh create /cluster/mapping/pci --id gpu --map node=pve1,path=0000:01:00.0,id=10de:1e87,"
                    "iommugroup=14\n"
                    "pvesh create /cluster/mapping/pci --id gpu-audio --map node=pve1,path=0000:01:00.1,"
                    "id=10de:10f8,iommugroup=14\n");
}

static void test_proxmox_hosts(void)
{
    g_autofree char *a = test_driver_uri(HOST), *b = test_driver_uri(FLEET);
    g_autoptr(CmdResult) r = run("-q", "-c", a, "-c", b, "export", "proxmox", "--name", "gpu", "--all-functions",
                                 "--node", "pve1", "--node", "pve2", "01:00.0", NULL);
    cmd_assert_exit(r, 0);
    g_assert_cmpstr(r->out, ==,
                    "pvesh create /cluster/mapping/pci --id gpu --map node=pve1,path=0000:01:00,id=10de:1e87,"
                    "iommugroup=14 --map node=pve2,path=0000:01:00,id=10de:1e87,iommugroup=3\n");
    /* two cards of one node: two --map for it, Proxmox's alternatives */
    g_autoptr(CmdResult) two = run("-q", "-c", b, "export", "proxmox", "--name", "gpu", "--all-functions", "--node",
                                   "pve2", "01:00.0", "02:00.0", NULL);
    cmd_assert_exit(two, 0);
    g_assert_cmpstr(two->out, ==,
                    "pvesh create /cluster/mapping/pci --id gpu --map node=pve2,path=0000:01:00,id=10de:1e87,"
                    "iommugroup=3 --map node=pve2,path=0000:02:00,id=10de:1e87,iommugroup=4\n");
    /* the host's own name twice (both test hosts are this machine) */
    g_autoptr(CmdResult) same = run("-c", a, "-c", b, "export", "proxmox", "--name", "gpu", "01:00.0", NULL);
    cmd_assert_error(same, 2, "two hosts are node '", "give --node for each -c", NULL);
    g_autoptr(CmdResult) count = run("-c", a, "-c", b, "export", "proxmox", "--name", "gpu", "--node", "x", "01:00.0",
                                     NULL);
    cmd_assert_error(count, 2, "--node is given once per -c", NULL);
    /* a device one host lacks names the host */
    g_autoptr(CmdResult) lacks = run("-c", a, "-c", b, "export", "proxmox", "--name", "gpu", "--node", "x", "--node",
                                     "y", "03:00.0", NULL);
    cmd_assert_error(lacks, 2, "no device 0000:03:00.0 on ", "host-fleet.xml", NULL);
}

static void test_proxmox_offline(void)
{
    g_autofree char *gpu = nodedev("pci_0000_01_00_0.xml");
    g_autoptr(CmdResult) r = run("-q", "export", "proxmox", "--name", "gpu", "--node", "pve1", gpu, NULL);
    cmd_assert_exit(r, 0);
    g_assert_cmpstr(r->out, ==,
                    "pvesh create /cluster/mapping/pci --id gpu --map node=pve1,path=0000:01:00.0,id=10de:1e87,"
                    "iommugroup=14\n");
    /* the whole slot from the XML alone: its IOMMU group names the other
     * functions, the ids are function 0's */
    g_autoptr(CmdResult) whole = run("-q", "export", "proxmox", "--name", "gpu", "--node", "pve1", "--all-functions",
                                     gpu, NULL);
    cmd_assert_exit(whole, 0);
    g_assert_cmpstr(whole->out, ==,
                    "pvesh create /cluster/mapping/pci --id gpu --map node=pve1,path=0000:01:00,id=10de:1e87,"
                    "iommugroup=14\n");
    /* KubeVirt needs every function's ids: the XML of each, or -c */
    g_autoptr(CmdResult) kv = run("export", "kubevirt", "--name", "gpu", "--all-functions", gpu, NULL);
    cmd_assert_error(kv, 2, "0000:01:00.1: kubevirt needs the vendor and product ids", NULL);
    g_autoptr(CmdResult) no_node = run("export", "proxmox", "--name", "gpu", gpu, NULL);
    cmd_assert_error(no_node, 2, "proxmox needs the node's name: --node NODE, or -c URI", NULL);
    g_autoptr(CmdResult) bad_node = run("export", "proxmox", "--name", "gpu", "--node", "pve.example", gpu, NULL);
    cmd_assert_error(bad_node, 2, "node name 'pve.example'", NULL);
    g_autoptr(CmdResult) bad_id = run("export", "proxmox", "--name", "1gpu", "--node", "pve1", gpu, NULL);
    cmd_assert_error(bad_id, 2, "--name '1gpu': a Proxmox mapping id", NULL);
    g_autoptr(CmdResult) bare = run("export", "proxmox", "--name", "gpu", "--node", "pve1", "01:00.0", NULL);
    cmd_assert_error(bare, 2, "01:00.0: proxmox needs the vendor and product ids", NULL);
}

/* ---------------------------------------------------------------- kubevirt */

static const char kubevirt_cr[] = "spec:\n"
                                  "  configuration:\n"
                                  "    permittedHostDevices:\n"
                                  "      pciHostDevices:\n"
                                  "        - pciVendorSelector: \"10DE:1E87\"\n"
                                  "          resourceName: \"nvidia.com/gpu\"\n"
                                  "        - pciVendorSelector: \"10DE:10F8\"\n"
                                  "          resourceName: \"nvidia.com/gpu-audio\"\n";

static const char kubevirt_vm[] = "spec:\n"
                                  "  domain:\n"
                                  "    devices:\n"
                                  "      hostDevices:\n"
                                  "        - name: \"gpu\"\n"
                                  "          deviceName: \"nvidia.com/gpu\"\n"
                                  "        - name: \"gpu-audio\"\n"
                                  "          deviceName: \"nvidia.com/gpu-audio\"\n";

static void test_kubevirt(void)
{
    g_autoptr(CmdResult) r = cmd_run_on(HOST, "export", "kubevirt", "--name", "gpu", "01:00.0", "01:00.1", NULL);
    cmd_assert_exit(r, 0);
    g_assert_cmpstr(r->err, ==, "");
    g_assert_cmpstr(r->out, ==, kubevirt_cr);
    g_autoptr(CmdResult) j = cmd_run_on(HOST, "--json", "export", "kubevirt", "--name", "gpu", "01:00.0", "01:00.1",
                                        NULL);
    g_autoptr(JsonNode) doc = json_schema_assert_output("export", j->out);
    g_assert_cmpstr(
        json_node_get_string(json_pointer_get(doc, "/spec/configuration/permittedHostDevices/pciHostDevices/1/"
                                                   "resourceName")),
        ==, "nvidia.com/gpu-audio");
    g_autoptr(CmdResult) vm = cmd_run_on(HOST, "export", "kubevirt", "--vm", "--name", "gpu", "--all-functions",
                                         "01:00.0", NULL);
    cmd_assert_exit(vm, 0);
    /* --all-functions brings the USB and serial-bus functions too */
    g_assert_true(g_str_has_prefix(vm->out, kubevirt_vm));
    cmd_assert_contains(vm->out, "        - name: \"gpu-usb-controller\"\n");
    cmd_assert_contains(vm->out, "deviceName: \"nvidia.com/gpu-serial-bus\"\n");
    g_autoptr(CmdResult) vj = cmd_run_on(HOST, "--json", "export", "kubevirt", "--vm", "--name", "gpu", "01:00.0",
                                         NULL);
    g_autoptr(JsonNode) vdoc = json_schema_assert_output("export", vj->out);
    g_assert_cmpstr(json_node_get_string(json_pointer_get(vdoc, "/spec/domain/devices/hostDevices/0/deviceName")), ==,
                    "nvidia.com/gpu");
    /* a vendor without a known domain needs DOMAIN/NAME */
    g_autoptr(CmdResult) nvme = cmd_run_on(HOST, "export", "kubevirt", "--name", "nvme", "0001:40:00.0", NULL);
    cmd_assert_error(nvme, 2, "no resource domain is known for vendor 144d", "--name DOMAIN/NAME", NULL);
    g_autoptr(CmdResult) named = cmd_run_on(HOST, "export", "kubevirt", "--name", "samsung.com/nvme", "0001:40:00.0",
                                            NULL);
    cmd_assert_exit(named, 0);
    cmd_assert_contains(named->out, "- pciVendorSelector: \"144D:A808\"\n          resourceName: \"samsung.com/nvme\"\n");
    g_autoptr(CmdResult) bad = cmd_run_on(HOST, "export", "kubevirt", "--name", "Vendor.com/gpu", "01:00.0", NULL);
    cmd_assert_error(bad, 2, "the resource domain is a DNS name in lower case", NULL);
}

/* Two hosts' devices are one list of selectors. */
static void test_kubevirt_hosts(void)
{
    g_autofree char *a = test_driver_uri(HOST), *b = test_driver_uri(FLEET);
    g_autoptr(CmdResult) r = run("-c", a, "-c", b, "export", "kubevirt", "--name", "gpu", "01:00.0", "01:00.1", NULL);
    cmd_assert_exit(r, 0);
    g_assert_cmpstr(r->out, ==, kubevirt_cr);
    g_autoptr(CmdResult) vm = run("-c", a, "-c", b, "export", "kubevirt", "--vm", "--name", "gpu", "01:00.0", NULL);
    cmd_assert_error(vm, 2, "--vm describes one VM's devices", NULL);
}

/* The YAML is the JSON document (read by PyYAML, where it is installed). */
static void test_kubevirt_yaml(void)
{
    const char *check[] = { "/usr/bin/python3", "-c", "import yaml", NULL };
    int status = 1;
    if (!g_spawn_sync(NULL, (char **)check, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status,
                      NULL) ||
        !g_spawn_check_wait_status(status, NULL)) {
        g_test_skip("PyYAML (python3-yaml) not installed");
        return;
    }
    const char *const forms[][2] = { { "--name", "gpu" }, { "--vm", "--name=gpu" } };
    for (guint i = 0; i < G_N_ELEMENTS(forms); i++) {
        g_autoptr(CmdResult) y = cmd_run_on(HOST, "export", "kubevirt", forms[i][0], forms[i][1], "01:00.0", "01:00.1",
                                            NULL);
        g_autoptr(CmdResult) j = cmd_run_on(HOST, "--json", "export", "kubevirt", forms[i][0], forms[i][1], "01:00.0",
                                            "01:00.1", NULL);
        cmd_assert_exit(y, 0);
        const char *conv[] = { "/usr/bin/python3", "-c",
                               "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))", NULL };
        g_autoptr(GSubprocess) p = g_subprocess_newv(conv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                                     NULL);
        g_assert_nonnull(p);
        g_autofree char *out = NULL;
        g_assert_true(g_subprocess_communicate_utf8(p, y->out, NULL, &out, NULL, NULL));
        g_autoptr(JsonNode) from_yaml = test_parse_json_object(out);
        g_autoptr(JsonNode) from_json = test_parse_json_object(j->out);
        g_assert_true(json_node_equal(from_yaml, from_json));
    }
}

/* ---------------------------------------------------------------- nova */

static void test_nova_same(void)
{
    g_autoptr(CmdResult) e = cmd_run_on(HOST, "export", "nova", "--name", "gpu", "--all-functions", "--flavor-property",
                                        "gpu.large", "--count", "2", "01:00.0", NULL);
    g_autoptr(CmdResult) n = cmd_run_on(HOST, "nova-config", "--alias", "gpu", "--all-functions", "--flavor-property",
                                        "gpu.large", "--count", "2", "01:00.0", NULL);
    cmd_assert_exit(e, 0);
    g_assert_cmpstr(e->out, ==, n->out);
    cmd_assert_contains(e->out, "\"pci_passthrough:alias\"=\"gpu:2,gpu-audio:2,gpu-usb-controller:2,"
                                "gpu-serial-bus:2\"\n");
    g_autoptr(CmdResult) ej = cmd_run_on(HOST, "--json", "export", "nova", "--name", "gpu", "01:00.0", "01:00.1", NULL);
    g_autoptr(CmdResult) nj = cmd_run_on(HOST, "--json", "nova-config", "--alias", "gpu", "01:00.0", "01:00.1", NULL);
    g_assert_cmpstr(ej->out, ==, nj->out);
    g_autoptr(JsonNode) doc = json_schema_assert_output("nova-config", ej->out);
    g_assert_cmpstr(json_node_get_string(json_pointer_get(doc, "/requests/1/alias")), ==, "gpu-audio");
    g_assert_true(JSON_NODE_HOLDS_NULL(json_pointer_get(doc, "/flavor")));
    g_autoptr(CmdResult) fj = cmd_run_on(HOST, "--json", "nova-config", "--alias", "gpu", "--flavor-property", "f1",
                                         "--count", "3", "01:00.0", "01:00.1", NULL);
    g_autoptr(JsonNode) fdoc = json_schema_assert_output("nova-config", fj->out);
    g_assert_cmpstr(json_node_get_string(json_pointer_get(fdoc, "/flavor/value")), ==, "gpu:3,gpu-audio:3");
    g_assert_cmpint(json_node_get_int(json_pointer_get(fdoc, "/requests/0/count")), ==, 3);
}

/* Each output as a file, for nova's parser. */
static char *write_conf(const char *name, const char *text)
{
    char *path = g_build_filename(test_tmpdir(), name, NULL);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* tests/nova/parse on PAIRS (CONF ALIAS_SPEC …, NULL-terminated): its JSON
 * array, or NULL after a SKIP. */
static JsonNode *nova_parse(const char *const *pairs)
{
    g_autofree char *script = g_build_filename(g_getenv("VIRT_HOSTDEV_SOURCE_DIR"), "tests", "nova", "parse", NULL);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, "sh");
    g_ptr_array_add(argv, script);
    for (const char *const *p = pairs; *p; p++)
        g_ptr_array_add(argv, (gpointer)*p);
    g_ptr_array_add(argv, NULL);
    g_autofree char *out = NULL, *err = NULL;
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                               &status, NULL));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
        g_test_skip("nova's parser (python3-nova) cannot be had here");
        return NULL;
    }
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("tests/nova/parse failed: %s", err);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, out, -1, NULL));
    return json_node_copy(json_parser_get_root(parser));
}

static const char *str_at(JsonNode *root, const char *pointer)
{
    JsonNode *n = json_pointer_get(root, pointer);
    if (n == NULL)
        g_error("nova's reading has no %s", pointer);
    return json_node_get_string(n);
}

/* The flavor value an output names: its "pci_passthrough:alias"="…" line. */
static char *flavor_value(const char *out)
{
    const char *mark = "\"pci_passthrough:alias\"=\"";
    const char *at = strstr(out, mark);
    g_assert_nonnull(at);
    at += strlen(mark);
    gsize n = strcspn(at, "\"");
    g_assert_cmpint(at[n], ==, '"');
    return g_strndup(at, n);
}

/* Every nova form the tests print, and what nova makes of its own flavor
 * value: one request per alias name, each for one kind of device. */
static void test_nova_parsed_by_nova(void)
{
    g_autofree char *gpu_xml = nodedev("pci_0000_01_00_0.xml"), *audio_xml = nodedev("pci_0000_01_00_1.xml");
    g_autofree char *uri = test_driver_uri(HOST);
    const char *const cases[][14] = {
        { "-c", uri, "nova-config", "--alias", "gpu", "--flavor-property", "gpu.large", "--count", "2", "01:00.0",
          "01:00.1", NULL },
        { "-c", uri, "nova-config", "--alias", "nic", "--legacy", "--physnet", "physnet1", "03:10.0", "03:10.2", NULL },
        { "-c", uri, "export", "nova", "--name", "gpu", "--all-functions", "01:00.0", NULL },
        { "nova-config", "--alias", "gpu", "--flavor-property", "my flavor", gpu_xml, audio_xml, NULL },
        { "-c", uri, "nova-config", "--alias", "nic", "03:00.0", "03:00.1", NULL },
        { "-c", uri, "nova-config", "--alias", "vga", "01:00.0", "0000:00:02.0", NULL },
    };
    /* the alias names each case's flavor asks for, in order */
    const char *const names[][5] = {
        { "gpu", "gpu-audio", NULL },
        { "nic", NULL },
        { "gpu", "gpu-audio", "gpu-usb-controller", "gpu-serial-bus", NULL },
        { "gpu", "gpu-audio", NULL },
        { "nic", "nic-1", NULL },
        { "vga", NULL },
    };
    g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(CmdResult) r = cmd_runv(NULL, NULL, cases[i]);
        cmd_assert_exit(r, 0);
        g_autofree char *file = g_strdup_printf("case%u.conf", i);
        g_ptr_array_add(pairs, write_conf(file, r->out));
        g_ptr_array_add(pairs, flavor_value(r->out));
    }
    /* the form before issue 15: both functions under one name */
    g_ptr_array_add(pairs, write_conf("old.conf", "[pci]\n"
                                                  "alias = {\"vendor_id\": \"10de\", \"product_id\": \"1e87\", "
                                                  "\"device_type\": \"type-PCI\", \"name\": \"gpu\"}\n"
                                                  "alias = {\"vendor_id\": \"10de\", \"product_id\": \"10f8\", "
                                                  "\"device_type\": \"type-PCI\", \"name\": \"gpu\"}\n"));
    g_ptr_array_add(pairs, g_strdup("gpu:1"));
    /* and what nova-config refuses (one name, two device types) */
    g_ptr_array_add(pairs, write_conf("mixed.conf", "[pci]\n"
                                                    "alias = {\"vendor_id\": \"10de\", \"product_id\": \"1e87\", "
                                                    "\"device_type\": \"type-PCI\", \"name\": \"x\"}\n"
                                                    "alias = {\"vendor_id\": \"8086\", \"product_id\": \"10ca\", "
                                                    "\"device_type\": \"type-VF\", \"name\": \"x\"}\n"));
    g_ptr_array_add(pairs, g_strdup("x:1"));
    g_ptr_array_add(pairs, NULL);
    g_autoptr(JsonNode) got = nova_parse((const char *const *)pairs->pdata);
    if (got == NULL)
        return;
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *err = g_strdup_printf("/%u/error", i);
        if (json_pointer_get(got, err))
            g_error("case %u: nova says %s", i, json_node_get_string(json_pointer_get(got, err)));
        guint n = 0;
        for (; names[i][n]; n++) {
            g_autofree char *name = g_strdup_printf("/%u/requests/%u/alias_name", i, n);
            g_autofree char *second = g_strdup_printf("/%u/requests/%u/spec/1", i, n);
            g_assert_cmpstr(str_at(got, name), ==, names[i][n]);
            if (i != 5) /* the one case of two kinds under one name */
                g_assert_null(json_pointer_get(got, second));
        }
        g_autofree char *beyond = g_strdup_printf("/%u/requests/%u", i, n);
        g_assert_null(json_pointer_get(got, beyond));
    }
    /* GPU + audio, --count 2: one request per function, each for its device */
    g_assert_cmpint(json_node_get_int(json_pointer_get(got, "/0/requests/1/count")), ==, 2);
    g_assert_cmpstr(str_at(got, "/0/requests/0/spec/0/product_id"), ==, "1e87");
    g_assert_cmpstr(str_at(got, "/0/requests/1/spec/0/product_id"), ==, "10f8");
    g_assert_cmpstr(str_at(got, "/0/device_spec/1/address"), ==, "0000:01:00.1");
    /* VFs: passthrough_whitelist read as device_spec, the physnet a tag */
    g_assert_cmpstr(str_at(got, "/1/device_spec/1/tags/physical_network"), ==, "physnet1");
    g_assert_cmpstr(str_at(got, "/1/requests/0/spec/0/dev_type"), ==, "type-VF");
    /* two cards under one name: one request, either card */
    g_assert_cmpstr(str_at(got, "/5/requests/0/spec/1/product_id"), ==, "3e92");
    /* the old form: one request for either function, the bug of issue 15 */
    g_assert_cmpstr(str_at(got, "/6/requests/0/spec/1/product_id"), ==, "10f8");
    g_assert_null(json_pointer_get(got, "/6/requests/1"));
    cmd_assert_contains(str_at(got, "/7/error"), "Device type mismatch for alias 'x'");
}

/* What nova itself refuses is refused here: nothing on stdout. */
static void test_nova_refusals(void)
{
    g_autoptr(CmdResult) pfvf = cmd_run_on(HOST, "nova-config", "--alias", "nic", "03:00.0", "03:10.0", NULL);
    cmd_assert_error(pfvf, 1, "0000:03:00.0 and its VF 0000:03:10.0 in one device_spec set",
                     "nova-compute refuses to start", NULL);
    g_autoptr(CmdResult) vfpf = cmd_run_on(HOST, "export", "nova", "--name", "nic", "03:10.0", "03:00.0", NULL);
    cmd_assert_error(vfpf, 1, "0000:03:00.0 and its VF 0000:03:10.0", NULL);
    g_autoptr(CmdResult) mixed = cmd_run_on(HOST, "nova-config", "--alias", "x", "01:00.0", "03:10.2", NULL);
    cmd_assert_error(mixed, 1, "alias 'x' would hold type-PCI devices and 0000:03:10.2 (type-VF)", NULL);
    g_autoptr(CmdResult) physnet = cmd_run_on(HOST, "nova-config", "--alias", "gpu", "--physnet", "p1", "01:00.0", NULL);
    cmd_assert_error(physnet, 2, "--physnet applies to SR-IOV VFs", NULL);
    g_autoptr(CmdResult) quote = cmd_run_on(HOST, "nova-config", "--alias", "nic", "--physnet", "p\"1", "03:10.0", NULL);
    cmd_assert_error(quote, 2, "--physnet: expected the name", NULL);
    /* a dual-port NIC's second port is a further function: nic-1 */
    g_autoptr(CmdResult) ports = cmd_run_on(HOST, "nova-config", "--alias", "nic", "03:00.0", "03:00.1", NULL);
    cmd_assert_exit(ports, 0);
    cmd_assert_contains(ports->out, "\"pci_passthrough:alias\"=\"nic:1,nic-1:1\"\n");
    cmd_assert_contains(ports->out, "\"product_id\": \"10c9\", \"device_type\": \"type-PCI\", \"name\": \"nic-1\"}\n");
}

/* ---------------------------------------------------------------- usage */

static void test_export_usage(void)
{
    g_autofree char *gpu = nodedev("pci_0000_01_00_0.xml");
    g_autoptr(CmdResult) a = run("export", "proxmx", "--name", "gpu", gpu, NULL);
    cmd_assert_error(a, 2, "unknown export format 'proxmx' (did you mean 'proxmox'?)", NULL);
    g_autoptr(CmdResult) b = run("export", NULL);
    cmd_assert_error(b, 2, "export needs a FORMAT: proxmox, kubevirt or nova", NULL);
    g_autoptr(CmdResult) c = run("export", "kubevirt", gpu, NULL);
    cmd_assert_error(c, 2, "export needs --name NAME", NULL);
    g_autoptr(CmdResult) d = run("export", "proxmox", "--vm", "--name", "gpu", "--node", "p", gpu, NULL);
    cmd_assert_error(d, 2, "--vm applies to kubevirt", NULL);
    g_autoptr(CmdResult) e = run("export", "kubevirt", "--node", "p", "--name", "gpu", gpu, NULL);
    cmd_assert_error(e, 2, "--node applies to proxmox", NULL);
    g_autoptr(CmdResult) f = run("export", "kubevirt", "--legacy", "--name", "gpu", gpu, NULL);
    cmd_assert_error(f, 2, "apply to nova", NULL);
    g_autoptr(CmdResult) g = run("export", "kubevirt", "--name", "gpu", NULL);
    cmd_assert_error(g, 2, "no DEVICE given", NULL);
    g_autofree char *uri = test_driver_uri(HOST);
    g_autoptr(CmdResult) h = run("-c", uri, "-c", uri, "export", "nova", "--name", "gpu", "01:00.0", NULL);
    cmd_assert_error(h, 2, "nova's [pci] lines are one compute node's", NULL);
    /* the other verbs work on one host */
    g_autoptr(CmdResult) i = run("-c", uri, "-c", uri, "list", NULL);
    cmd_assert_error(i, 2, "-c is given 2 times; list works on one host", NULL);
    g_autofree char *usb = nodedev("usb_1_5.xml");
    g_autoptr(CmdResult) j = run("export", "kubevirt", "--name", "gpu", usb, NULL);
    cmd_assert_error(j, 2, "kubevirt takes PCI devices", NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/export/proxmox/all-functions", test_proxmox_all_functions);
    g_test_add_func("/export/proxmox/functions", test_proxmox_functions);
    g_test_add_func("/export/proxmox/hosts", test_proxmox_hosts);
    g_test_add_func("/export/proxmox/offline", test_proxmox_offline);
    g_test_add_func("/export/kubevirt/documents", test_kubevirt);
    g_test_add_func("/export/kubevirt/hosts", test_kubevirt_hosts);
    g_test_add_func("/export/kubevirt/yaml", test_kubevirt_yaml);
    g_test_add_func("/export/nova/same-as-nova-config", test_nova_same);
    g_test_add_func("/export/nova/parsed-by-nova", test_nova_parsed_by_nova);
    g_test_add_func("/export/nova/refusals", test_nova_refusals);
    g_test_add_func("/export/usage", test_export_usage);
    int rc = g_test_run();
    g_free(node_of_test_driver);
    return rc;
}
