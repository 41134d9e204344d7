/* --json output of list, show, address and validate against the schemas
 * in schemas/ (with the validator in tests/jsonschema.c), in the situations
 * the bundled test-driver host offers (tests/data/host.xml: a multifunction
 * GPU, an SR-IOV PF with VFs, a NIC held by the running domain web1, an
 * mdev-capable iGPU, USB devices, an mdev), and a few values checked. The
 * schemas themselves are checked for strictness and for being installed. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "jsonschema.h"
#include "testutil.h"

static char *host_uri(void)
{
    g_autofree char *path = test_data_path("host.xml");
    return g_strconcat("test://", path, NULL);
}

/* virt-hostdev -c HOST --json ARGS...: exit status WANT_RC, output valid for
 * schemas/SCHEMA.schema.json; returns the document. */
static JsonNode *vh_json(const char *schema, int want_rc, const char *first, ...) G_GNUC_NULL_TERMINATED;
static JsonNode *vh_json(const char *schema, int want_rc, const char *first, ...)
{
    g_autofree char *uri = host_uri();
    const char *prefix[] = { "-c", uri, "--json", NULL };
    va_list ap;
    va_start(ap, first);
    g_autoptr(GPtrArray) argv = test_argv_va(prefix, first, ap);
    va_end(ap);
    g_autoptr(CmdResult) r = cmd_runv(NULL, NULL, (const char *const *)argv->pdata);
    g_autofree char *line = g_strjoinv(" ", (char **)argv->pdata);
    g_test_message("virt-hostdev %s -> %d\n%s%s", line, r->rc, r->out, r->err);
    if (r->rc != want_rc)
        g_error("virt-hostdev %s: exit %d, expected %d: %s", line, r->rc, want_rc, r->err);
    return json_schema_assert_output(schema, r->out);
}

/* The strings of the array at POINTER, joined with spaces. */
static char *strings_at(JsonNode *root, const char *pointer)
{
    JsonArray *a = json_node_get_array(json_at(root, pointer));
    g_autoptr(GString) s = g_string_new(NULL);
    for (guint i = 0; i < json_array_get_length(a); i++)
        g_string_append_printf(s, "%s%s", i ? " " : "", json_array_get_string_element(a, i));
    return g_string_free(g_steal_pointer(&s), FALSE);
}

/* The device of a list document whose name is NAME (NULL if absent). */
static JsonNode *list_device(JsonNode *root, const char *name)
{
    JsonArray *devices = json_node_get_array(json_at(root, "/devices"));
    for (guint i = 0; i < json_array_get_length(devices); i++) {
        JsonNode *d = json_array_get_element(devices, i);
        if (g_strcmp0(json_str_at(d, "/name"), name) == 0)
            return d;
    }
    return NULL;
}

/* ---- the schemas themselves ---- */

/* Every object schema closes its keys and requires all of them: the output
 * always has every key (null when unknown), so a missing one is a bug. */
static void check_strict(JsonNode *node, const char *file, GString *path)
{
    if (JSON_NODE_HOLDS_ARRAY(node)) {
        JsonArray *a = json_node_get_array(node);
        for (guint i = 0; i < json_array_get_length(a); i++)
            check_strict(json_array_get_element(a, i), file, path);
        return;
    }
    if (!JSON_NODE_HOLDS_OBJECT(node))
        return;
    JsonObject *o = json_node_get_object(node);
    if (json_object_has_member(o, "properties")) {
        JsonObject *props = json_object_get_object_member(o, "properties");
        JsonNode *additional = json_object_get_member(o, "additionalProperties");
        if (additional == NULL || !JSON_NODE_HOLDS_VALUE(additional) || json_node_get_boolean(additional))
            g_error("%s %s: an object schema without \"additionalProperties\": false", file, path->str);
        g_assert_true(json_object_has_member(o, "required"));
        JsonArray *req = json_object_get_array_member(o, "required");
        g_assert_cmpuint(json_array_get_length(req), ==, json_object_get_size(props));
        for (guint i = 0; i < json_array_get_length(req); i++)
            if (!json_object_has_member(props, json_array_get_string_element(req, i)))
                g_error("%s %s: '%s' is required but not a property", file, path->str,
                        json_array_get_string_element(req, i));
    }
    g_autoptr(GList) members = json_object_get_members(o);
    for (GList *l = members; l; l = l->next) {
        gsize len = path->len;
        g_string_append_printf(path, "/%s", (const char *)l->data);
        check_strict(json_object_get_member(o, l->data), file, path);
        g_string_truncate(path, len);
    }
}

static GPtrArray *schema_names(void)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *dir = g_build_filename(g_getenv("VIRT_HOSTDEV_SOURCE_DIR"), "schemas", NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    for (const char *f; (f = g_dir_read_name(d));)
        if (g_str_has_suffix(f, ".schema.json"))
            g_ptr_array_add(names, g_strndup(f, strlen(f) - strlen(".schema.json")));
    return names;
}

static void test_schemas_strict(void)
{
    g_autoptr(GPtrArray) names = schema_names();
    static const char *const expected[] = { "list", "show", "address", "validate", "verify", "check", "templates",
                                            "hostdev", "add", "remove", "nova-config", "export" };
    for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
        gboolean found = FALSE;
        for (guint j = 0; j < names->len && !found; j++)
            found = g_strcmp0(names->pdata[j], expected[i]) == 0;
        if (!found)
            g_error("schemas/%s.schema.json is missing", expected[i]);
    }
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path = json_schema_path(names->pdata[i]);
        g_autoptr(GError) error = NULL;
        /* within the validator's subset */
        g_autoptr(JsonSchema) s = json_schema_load(path, &error);
        g_assert_no_error(error);
        g_autoptr(JsonParser) p = json_parser_new();
        g_assert_true(json_parser_load_from_file(p, path, NULL));
        JsonNode *root = json_parser_get_root(p);
        const char *dialect = json_str_at(root, "/$schema");
        if (g_strcmp0(dialect, "https://json-schema.org/draft/2020-12/schema") != 0 &&
            g_strcmp0(dialect, "http://json-schema.org/draft-07/schema#") != 0)
            g_error("%s: $schema is '%s', not draft 2020-12 or draft-07", path, dialect);
        g_autoptr(GString) where = g_string_new(NULL);
        check_strict(root, path, where);
    }
}

/* meson installs every schema to $datadir/virt-hostdev/schemas, and the man
 * page and the completion to their places. */
static void test_schemas_installed(void)
{
    const char *build = g_getenv("VIRT_HOSTDEV_BUILD_DIR");
    g_assert_nonnull(build);
    g_autofree char *intro = g_build_filename(build, "meson-info", "intro-installed.json", NULL);
    g_autoptr(JsonParser) p = json_parser_new();
    g_autoptr(GError) error = NULL;
    json_parser_load_from_file(p, intro, &error);
    g_assert_no_error(error);
    JsonObject *installed = json_node_get_object(json_parser_get_root(p));
    g_autoptr(GHashTable) targets = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GList) sources = json_object_get_members(installed);
    for (GList *l = sources; l; l = l->next)
        g_hash_table_add(targets, (gpointer)json_object_get_string_member(installed, l->data));
    g_autoptr(GPtrArray) names = schema_names();
    for (guint i = 0; i < names->len; i++) {
        gboolean found = FALSE;
        g_autofree char *tail = g_strdup_printf("/virt-hostdev/schemas/%s.schema.json", (const char *)names->pdata[i]);
        GHashTableIter it;
        gpointer key;
        g_hash_table_iter_init(&it, targets);
        while (!found && g_hash_table_iter_next(&it, &key, NULL))
            found = g_str_has_suffix(key, tail);
        if (!found)
            g_error("schemas/%s.schema.json is not installed (name it in schemas/meson.build)",
                    (const char *)names->pdata[i]);
    }
    gboolean completion = FALSE, man = FALSE;
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, targets);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        completion = completion || g_str_has_suffix(key, "/completions/virt-hostdev");
        man = man || g_str_has_suffix(key, "/man1/virt-hostdev.1");
    }
    g_assert_true(completion);
    if (g_getenv("VIRT_HOSTDEV_MAN_PAGE"))
        g_assert_true(man);
}

/* ---- list ---- */

static void test_list(void)
{
    g_autoptr(JsonNode) all = vh_json("list", 0, "list", NULL);
    g_assert_true(g_str_has_prefix(json_str_at(all, "/uri"), "test:///"));
    g_assert_cmpuint(json_len_at(all, "/devices"), ==, 17);
    JsonNode *gpu = list_device(all, "pci_0000_01_00_0");
    g_assert_nonnull(gpu);
    g_assert_cmpstr(json_str_at(gpu, "/address"), ==, "0000:01:00.0");
    g_assert_cmpstr(json_str_at(gpu, "/class"), ==, "gpu");
    g_assert_cmpstr(json_str_at(gpu, "/vendor_id"), ==, "10de");
    g_assert_cmpstr(json_str_at(gpu, "/product_id"), ==, "1e87");
    g_assert_cmpint(json_int_at(gpu, "/iommu_group"), ==, 14);
    g_assert_cmpuint(json_len_at(gpu, "/used_by"), ==, 0);
    g_assert_true(json_bool_at(gpu, "/assignable"));
    JsonNode *nic = list_device(all, "pci_0000_03_00_1");
    g_assert_cmpstr(json_str_at(nic, "/used_by/0/domain"), ==, "web1");
    g_assert_cmpstr(json_str_at(nic, "/used_by/0/uuid"), ==, "6f1c2a9e-3d47-4b8a-9e51-0c7d2b8f4a13");
    g_assert_true(json_bool_at(nic, "/used_by/0/running"));
    g_assert_true(json_bool_at(nic, "/used_by/0/managed"));
    g_assert_false(json_bool_at(nic, "/used_by/0/live_only"));
    g_assert_false(json_bool_at(nic, "/assignable"));
    /* its group mate cannot go to another guest either */
    g_assert_false(json_bool_at(list_device(all, "pci_0000_03_00_0"), "/assignable"));
    g_assert_false(json_bool_at(list_device(all, "pci_0000_00_01_0"), "/assignable"));

    g_autoptr(JsonNode) free_devs = vh_json("list", 0, "list", "--free", NULL);
    /* held by no domain, and no bridges or chipset devices */
    g_assert_cmpuint(json_len_at(free_devs, "/devices"), ==, 12);
    g_assert_null(list_device(free_devs, "pci_0000_03_00_1"));
    g_assert_null(list_device(free_devs, "pci_0000_00_01_0"));
    g_assert_null(list_device(free_devs, "pci_0000_00_1f_0"));
    g_assert_nonnull(list_device(free_devs, "pci_0000_03_00_0"));

    g_autoptr(JsonNode) assignable = vh_json("list", 0, "list", "--assignable", NULL);
    JsonArray *a = json_node_get_array(json_at(assignable, "/devices"));
    g_assert_cmpuint(json_array_get_length(a), >, 0);
    for (guint i = 0; i < json_array_get_length(a); i++)
        g_assert_true(json_bool_at(json_array_get_element(a, i), "/assignable"));
    g_assert_null(list_device(assignable, "pci_0000_03_00_0"));

    g_autoptr(JsonNode) usb = vh_json("list", 0, "list", "--class", "usb", NULL);
    g_assert_cmpuint(json_len_at(usb, "/devices"), ==, 4);
    JsonNode *stick = list_device(usb, "usb_1_5");
    g_assert_cmpstr(json_str_at(stick, "/address"), ==, "001.005");
    g_assert_cmpstr(json_str_at(stick, "/class"), ==, "usb");
    g_assert_cmpstr(json_str_at(stick, "/vendor_id"), ==, "046d");
    g_assert_true(json_null_at(stick, "/iommu_group"));

    g_autoptr(JsonNode) mdev = vh_json("list", 0, "list", "--class", "mdev", NULL);
    g_assert_cmpuint(json_len_at(mdev, "/devices"), ==, 1);
    g_assert_cmpstr(json_str_at(mdev, "/devices/0/address"), ==, "4b20d080-1b54-4048-85b3-a6a62d165c01");
    g_assert_true(json_null_at(mdev, "/devices/0/vendor_id"));

    g_autoptr(JsonNode) gpus = vh_json("list", 0, "list", "--class", "gpu", "--free", NULL);
    g_assert_cmpuint(json_len_at(gpus, "/devices"), ==, 2);
    g_autoptr(JsonNode) none = vh_json("list", 0, "list", "--class", "accelerator", NULL);
    g_assert_cmpuint(json_len_at(none, "/devices"), ==, 0);
}

/* ---- show ---- */

static void test_show_gpu(void)
{
    g_autoptr(JsonNode) gpu = vh_json("show", 0, "show", "0000:01:00.0", NULL);
    g_assert_cmpstr(json_str_at(gpu, "/name"), ==, "pci_0000_01_00_0");
    g_assert_cmpstr(json_str_at(gpu, "/class"), ==, "gpu");
    g_assert_cmpstr(json_str_at(gpu, "/product"), ==, "TU104 [GeForce RTX 2080 Rev. A]");
    g_assert_cmpint(json_int_at(gpu, "/iommu_group/number"), ==, 14);
    g_assert_cmpuint(json_len_at(gpu, "/iommu_group/members"), ==, 4);
    g_assert_cmpstr(json_str_at(gpu, "/iommu_group/members/1/class"), ==, "audio");
    g_autofree char *fns = strings_at(gpu, "/slot_functions");
    g_assert_cmpstr(fns, ==, "0000:01:00.0 0000:01:00.1 0000:01:00.2 0000:01:00.3");
    g_assert_true(json_null_at(gpu, "/sriov"));
    g_assert_cmpuint(json_len_at(gpu, "/mdev_types"), ==, 0);
    g_assert_true(json_bool_at(gpu, "/assignable"));

    /* the same device by every name */
    g_autoptr(JsonNode) by_name = vh_json("show", 0, "show", "pci_0000_01_00_0", NULL);
    g_autoptr(JsonNode) by_short = vh_json("show", 0, "show", "01:00.0", NULL);
    g_assert_true(json_node_equal(gpu, by_name));
    g_assert_true(json_node_equal(gpu, by_short));
}

static void test_show_sriov(void)
{
    g_autoptr(JsonNode) pf = vh_json("show", 0, "show", "0000:03:00.0", NULL);
    g_assert_cmpstr(json_str_at(pf, "/sriov/role"), ==, "pf");
    g_assert_true(json_null_at(pf, "/sriov/pf"));
    g_assert_cmpint(json_int_at(pf, "/sriov/max_vfs"), ==, 7);
    g_autofree char *vfs = strings_at(pf, "/sriov/vfs");
    g_assert_cmpstr(vfs, ==, "0000:03:10.0 0000:03:10.2");
    /* its group mate 03:00.1 is in running web1: a group goes to one guest */
    g_assert_false(json_bool_at(pf, "/assignable"));
    g_autofree char *reasons = strings_at(pf, "/reasons");
    cmd_assert_contains(reasons, "0000:03:00.1, which running domain 'web1' has");
    cmd_assert_contains(reasons, "assign a VF");

    g_autoptr(JsonNode) vf = vh_json("show", 0, "show", "pci_0000_03_10_0", NULL);
    g_assert_cmpstr(json_str_at(vf, "/sriov/role"), ==, "vf");
    g_assert_cmpstr(json_str_at(vf, "/sriov/pf"), ==, "0000:03:00.0");
    g_assert_cmpuint(json_len_at(vf, "/sriov/vfs"), ==, 0);
    g_assert_cmpint(json_int_at(vf, "/iommu_group/number"), ==, 20);
    g_assert_true(json_bool_at(vf, "/assignable"));
    g_assert_cmpuint(json_len_at(vf, "/reasons"), ==, 0);
}

static void test_show_used(void)
{
    g_autoptr(JsonNode) nic = vh_json("show", 0, "show", "03:00.1", NULL);
    g_assert_false(json_bool_at(nic, "/assignable"));
    g_assert_cmpuint(json_len_at(nic, "/used_by"), ==, 1);
    g_assert_cmpstr(json_str_at(nic, "/used_by/0/domain"), ==, "web1");
    g_assert_true(json_bool_at(nic, "/used_by/0/running"));
    g_assert_true(json_bool_at(nic, "/used_by/0/managed"));
    g_autofree char *reasons = strings_at(nic, "/reasons");
    cmd_assert_contains(reasons, "in use by running domain 'web1'");
    g_autofree char *fns = strings_at(nic, "/slot_functions");
    g_assert_cmpstr(fns, ==, "0000:03:00.0 0000:03:00.1");
}

static void test_show_mdev(void)
{
    g_autoptr(JsonNode) igpu = vh_json("show", 0, "show", "00:02.0", NULL);
    g_assert_cmpuint(json_len_at(igpu, "/mdev_types"), ==, 2);
    g_assert_cmpstr(json_str_at(igpu, "/mdev_types/0/id"), ==, "i915-GVTg_V5_4");
    g_assert_cmpstr(json_str_at(igpu, "/mdev_types/0/name"), ==, "GVTg_V5_4");
    g_assert_cmpstr(json_str_at(igpu, "/mdev_types/0/device_api"), ==, "vfio-pci");
    g_assert_cmpint(json_int_at(igpu, "/mdev_types/1/available"), ==, 2);
    g_autofree char *reasons = strings_at(igpu, "/reasons");
    cmd_assert_contains(reasons, "supports mediated devices");

    g_autoptr(JsonNode) mdev = vh_json("show", 0, "show", "4b20d080-1b54-4048-85b3-a6a62d165c01", NULL);
    g_assert_cmpstr(json_str_at(mdev, "/class"), ==, "mdev");
    g_assert_cmpuint(json_len_at(mdev, "/slot_functions"), ==, 0);

    g_autoptr(JsonNode) usb = vh_json("show", 0, "show", "usb_1_5", NULL);
    g_assert_cmpstr(json_str_at(usb, "/address"), ==, "001.005");
    g_assert_true(json_null_at(usb, "/iommu_group/number"));
    g_assert_cmpuint(json_len_at(usb, "/iommu_group/members"), ==, 0);
    g_assert_true(json_null_at(usb, "/sriov"));
}

/* A node-device XML file (or stdin) is described offline: what needs the
 * host is null or empty, what the file says is there. */
static void test_show_offline(void)
{
    g_autofree char *file = test_data_path("nodedev/pci_0000_01_00_0.xml");
    g_autoptr(JsonNode) gpu = vh_json("show", 0, "show", file, NULL);
    g_assert_true(json_null_at(gpu, "/assignable"));
    g_assert_cmpuint(json_len_at(gpu, "/used_by"), ==, 0);
    g_assert_cmpstr(json_str_at(gpu, "/driver"), ==, "nouveau");
    g_assert_cmpuint(json_len_at(gpu, "/iommu_group/members"), ==, 4);
    g_assert_cmpstr(json_str_at(gpu, "/iommu_group/members/0/driver"), ==, "nouveau");
    g_assert_true(json_null_at(gpu, "/iommu_group/members/3/driver"));
    g_assert_cmpstr(json_str_at(gpu, "/iommu_group/members/3/name"), ==, "pci_0000_01_00_3");
    g_autofree char *fns = strings_at(gpu, "/slot_functions");
    g_assert_cmpstr(fns, ==, "0000:01:00.0 0000:01:00.1 0000:01:00.2 0000:01:00.3");

    /* no connection is needed: a broken URI does not matter */
    g_autofree char *xml = test_data_read("nodedev/pci_0000_03_10_2.xml", NULL);
    g_autoptr(CmdResult) r = cmd_run(NULL, xml, "-c", "test:///nonexistent/host.xml", "--json", "show", "-", NULL);
    cmd_assert_exit(r, 0);
    g_autoptr(JsonNode) vf = json_schema_assert_output("show", r->out);
    g_assert_cmpstr(json_str_at(vf, "/sriov/role"), ==, "vf");
    g_assert_cmpstr(json_str_at(vf, "/sriov/pf"), ==, "0000:03:00.0");

    g_autofree char *net = test_data_path("nodedev/net_enp3s0_00_1b_21_aa_bb_cc.xml");
    g_autoptr(JsonNode) iface = vh_json("show", 0, "show", net, NULL);
    g_assert_cmpstr(json_str_at(iface, "/class"), ==, "net");
    g_assert_true(json_null_at(iface, "/address"));
    g_assert_true(json_null_at(iface, "/vendor_id"));
}

/* Errors print nothing on stdout, not half a document. */
static void test_errors_no_json(void)
{
    g_autofree char *uri = host_uri();
    g_autoptr(CmdResult) missing = cmd_run(NULL, NULL, "-c", uri, "--json", "show", "0000:09:00.0", NULL);
    cmd_assert_error(missing, 2, "no device 0000:09:00.0", NULL);
    g_autoptr(CmdResult) cls = cmd_run(NULL, NULL, "-c", uri, "--json", "list", "--class", "gpus", NULL);
    cmd_assert_error(cls, 2, "--class 'gpus'", NULL);
    g_autoptr(CmdResult) addr = cmd_run(NULL, NULL, "--json", "address", "0", "0x100", "0", NULL);
    cmd_assert_error(addr, 2, "slot '0x100'", NULL);
}

/* ---- address ---- */

static void test_address(void)
{
    g_autoptr(JsonNode) one = vh_json("address", 0, "address", "03:00.0", NULL);
    g_assert_cmpuint(json_len_at(one, "/addresses"), ==, 1);
    g_assert_cmpstr(json_str_at(one, "/addresses/0/address"), ==, "0000:03:00.0");
    g_assert_cmpstr(json_str_at(one, "/addresses/0/name"), ==, "pci_0000_03_00_0");
    g_assert_cmpint(json_int_at(one, "/addresses/0/bus"), ==, 3);

    /* every DEVICE form gives the same object */
    g_autofree char *xml = test_data_path("nodedev/pci_0000_03_00_0.xml");
    g_autoptr(JsonNode) forms = vh_json("address", 0, "address", "0000:03:00.0", "pci_0000_03_00_0", xml, NULL);
    g_assert_cmpuint(json_len_at(forms, "/addresses"), ==, 3);
    g_assert_true(json_node_equal(json_at(forms, "/addresses/0"), json_at(one, "/addresses/0")));
    g_assert_true(json_node_equal(json_at(forms, "/addresses/1"), json_at(one, "/addresses/0")));
    g_assert_true(json_node_equal(json_at(forms, "/addresses/2"), json_at(one, "/addresses/0")));

    /* decimal components; the --format is ignored */
    g_autoptr(JsonNode) dec = vh_json("address", 0, "address", "--format", "attrs", "0", "26", "7", NULL);
    g_assert_cmpstr(json_str_at(dec, "/addresses/0/address"), ==, "0000:00:1a.7");
    g_assert_cmpint(json_int_at(dec, "/addresses/0/slot"), ==, 26);
    g_assert_cmpint(json_int_at(dec, "/addresses/0/function"), ==, 7);
    g_autoptr(JsonNode) max = vh_json("address", 0, "address", "0xffff", "0xff", "0x1f", "7", NULL);
    g_assert_cmpstr(json_str_at(max, "/addresses/0/address"), ==, "ffff:ff:1f.7");
    g_assert_cmpint(json_int_at(max, "/addresses/0/domain"), ==, 65535);
}

/* ---- validate ---- */

static void test_validate(void)
{
    g_autofree char *good = test_data_path("domain/guest-q35.xml");
    g_autoptr(JsonNode) ok = vh_json("validate", 0, "validate", "--file", good, NULL);
    g_assert_true(json_bool_at(ok, "/valid"));
    g_assert_true(json_bool_at(ok, "/schema_valid"));
    g_assert_cmpuint(json_len_at(ok, "/problems"), ==, 0);
    g_assert_cmpstr(json_str_at(ok, "/file"), ==, good);
    g_assert_true(json_null_at(ok, "/domain"));

    /* schema errors */
    g_autofree char *bad = test_data_path("domain/guest-invalid.xml");
    g_autoptr(JsonNode) ko = vh_json("validate", 1, "validate", "--file", bad, NULL);
    g_assert_false(json_bool_at(ko, "/valid"));
    g_assert_false(json_bool_at(ko, "/schema_valid"));
    g_assert_cmpuint(json_len_at(ko, "/problems"), >, 0);

    /* schema-valid, semantically not: the same device twice, from stdin */
    g_autofree char *q35 = test_data_read("domain/guest-q35.xml", NULL);
    static const char block[] = "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
                                "<address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>"
                                "</source></hostdev>";
    g_autofree char *twice = g_strconcat(block, block, "</devices>", NULL);
    g_assert_nonnull(strstr(q35, "</devices>"));
    g_auto(GStrv) parts = g_strsplit(q35, "</devices>", 2);
    g_autofree char *dup = g_strconcat(parts[0], twice, parts[1], NULL);
    g_autoptr(CmdResult) r = cmd_run(NULL, dup, "--json", "validate", "--file", "-", NULL);
    cmd_assert_exit(r, 1);
    g_autoptr(JsonNode) sem = json_schema_assert_output("validate", r->out);
    g_assert_false(json_bool_at(sem, "/valid"));
    g_assert_true(json_bool_at(sem, "/schema_valid"));
    g_assert_cmpstr(json_str_at(sem, "/file"), ==, "standard input");
    g_autofree char *problems = strings_at(sem, "/problems");
    cmd_assert_contains(problems, "0000:03:00.0");
}

/* validate DOMAIN: the persistent definition, through libvirt */
static void test_validate_domain(void)
{
    g_autoptr(JsonNode) web1 = vh_json("validate", 0, "validate", "web1", NULL);
    g_assert_true(json_null_at(web1, "/file"));
    g_assert_cmpstr(json_str_at(web1, "/domain"), ==, "web1");
    g_assert_true(json_bool_at(web1, "/valid"));
    g_assert_cmpuint(json_len_at(web1, "/problems"), ==, 0);
    /* by UUID, reported by name */
    g_autoptr(JsonNode) win11 = vh_json("validate", 0, "validate", "c3e8f1a2-7b64-4d09-8f2e-5a1b9c0d7e36", NULL);
    g_assert_cmpstr(json_str_at(win11, "/domain"), ==, "win11");
    g_autofree char *file = test_data_path("domain/guest-q35.xml");
    g_autoptr(JsonNode) f = vh_json("validate", 0, "validate", "--file", file, NULL);
    g_assert_true(json_null_at(f, "/domain"));

    g_autofree char *uri = host_uri();
    g_autoptr(CmdResult) text = cmd_run(NULL, NULL, "-c", uri, "validate", "web1", NULL);
    cmd_assert_exit(text, 0);
    g_assert_cmpstr(text->out, ==, "domain 'web1': valid\n");
    g_autoptr(CmdResult) nosuch = cmd_run(NULL, NULL, "-c", uri, "--json", "validate", "nosuch", NULL);
    cmd_assert_error(nosuch, 1, "no domain 'nosuch'", NULL);
    g_autoptr(CmdResult) both = cmd_run(NULL, NULL, "-c", uri, "validate", "web1", "--file", file, NULL);
    cmd_assert_error(both, 2, "either DOMAIN or --file", NULL);
    g_autoptr(CmdResult) none = cmd_run(NULL, NULL, "-c", uri, "validate", NULL);
    cmd_assert_error(none, 2, "validate needs a DOMAIN or --file FILE", NULL);
    g_autoptr(CmdResult) two = cmd_run(NULL, NULL, "-c", uri, "validate", "web1", "win11", NULL);
    cmd_assert_error(two, 2, "'win11' is one too many", NULL);
    g_autoptr(CmdResult) down = cmd_run(NULL, NULL, "-c", "test:///nonexistent/host.xml", "validate", "web1", NULL);
    cmd_assert_error(down, 1, "cannot connect", NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json/schemas/strict", test_schemas_strict);
    g_test_add_func("/json/schemas/installed", test_schemas_installed);
    g_test_add_func("/json/list", test_list);
    g_test_add_func("/json/show/gpu", test_show_gpu);
    g_test_add_func("/json/show/sriov", test_show_sriov);
    g_test_add_func("/json/show/used", test_show_used);
    g_test_add_func("/json/show/mdev-usb", test_show_mdev);
    g_test_add_func("/json/show/offline", test_show_offline);
    g_test_add_func("/json/errors", test_errors_no_json);
    g_test_add_func("/json/address", test_address);
    g_test_add_func("/json/validate", test_validate);
    g_test_add_func("/json/validate-domain", test_validate_domain);
    return g_test_run();
}
