/* template.c: search path, listing, option values, and template_apply() on
 * the DOM (name, uuid, memory, vcpus, disks, interfaces, hiding the
 * hypervisor), with the output format libvirt uses. */
#include <glib/gstdio.h>
#include <string.h>

#include "errors.h"
#include "template.h"
#include "testutil.h"
#include "xmlutil.h"

#define UUID "4b20d080-1b54-4048-85b3-a6a62d165c01"

static const char MINIMAL[] =
    "<?xml version='1.0'?>\n"
    "<!-- \n   A tiny test template\n  second line -->\n"
    "<domain type='kvm'>\n  <name>t</name>\n  <memory unit='KiB'>1024</memory>\n"
    "  <vcpu>1</vcpu>\n  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n    <boot dev='hd'/>\n  </os>\n"
    "  <devices>\n    <disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>\n"
    "    <memballoon model='virtio'/>\n  </devices>\n</domain>\n";

static char *apply(const char *text, const GenSpec *spec)
{
    g_autoptr(GError) error = NULL;
    char *out = template_apply(text, strlen(text), "test template", spec, &error);
    g_assert_no_error(error);
    g_assert_nonnull(out);
    return out;
}

static char *read_template(const char *name)
{
    g_autofree char *path = g_build_filename(g_getenv("VIRT_HOSTDEV_SOURCE_DIR"), "templates", name, NULL);
    char *data = NULL;
    g_autoptr(GError) error = NULL;
    g_file_get_contents(path, &data, NULL, &error);
    g_assert_no_error(error);
    return data;
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle) == NULL)
        g_test_message("'%s' not in:\n%s", needle, haystack);
    g_assert_nonnull(strstr(haystack, needle));
}

static void write_file(const char *dir, const char *name, const char *text)
{
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) error = NULL;
    g_file_set_contents(path, text, -1, &error);
    g_assert_no_error(error);
}

/* ------------------------------------------------------------ search path */

static void test_search_path(void)
{
    g_autoptr(GPtrArray) all = template_search_path_for("/cli", "/xdg", "/home/u", "/env", "/usr/share/t");
    g_assert_cmpuint(all->len, ==, 3);
    g_assert_cmpstr(all->pdata[0], ==, "/cli");
    g_assert_cmpstr(all->pdata[1], ==, "/xdg/virt-hostdev/templates");
    g_assert_cmpstr(all->pdata[2], ==, "/env"); /* the env var replaces the installed dir */

    g_autoptr(GPtrArray) home = template_search_path_for(NULL, "", "/home/u", NULL, "/usr/share/t");
    g_assert_cmpuint(home->len, ==, 2);
    g_assert_cmpstr(home->pdata[0], ==, "/home/u/.config/virt-hostdev/templates");
    g_assert_cmpstr(home->pdata[1], ==, "/usr/share/t");

    g_autoptr(GPtrArray) none = template_search_path_for(NULL, NULL, NULL, NULL, "/usr/share/t");
    g_assert_cmpuint(none->len, ==, 1);
}

static void test_description(void)
{
    g_autofree char *d = template_description(MINIMAL, strlen(MINIMAL));
    g_assert_cmpstr(d, ==, "A tiny test template");
    const char *none = "<domain/>";
    g_autofree char *e = template_description(none, strlen(none));
    g_assert_cmpstr(e, ==, "");
    const char *unterminated = "<!-- oops";
    g_autofree char *f = template_description(unterminated, strlen(unterminated));
    g_assert_cmpstr(f, ==, "");
    /* every shipped template describes itself */
    const char *names[] = { "q35-ovmf.xml", "i440fx-bios.xml", "gpu-passthrough.xml" };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *text = read_template(names[i]);
        g_autofree char *desc = template_description(text, strlen(text));
        g_assert_cmpuint(strlen(desc), >, 20);
    }
}

static void test_list_shadowing(void)
{
    g_autofree char *a = g_build_filename(test_tmpdir(), "list-a", NULL);
    g_autofree char *b = g_build_filename(test_tmpdir(), "list-b", NULL);
    write_file(a, "mine.xml", "<!-- mine first -->\n<domain/>");
    write_file(a, "shared.xml", "<!-- shared from a -->\n<domain/>");
    write_file(a, "notes.txt", "not a template");
    write_file(b, "shared.xml", "<!-- shared from b -->\n<domain/>");
    write_file(b, "zeta.xml", "<domain/>");
    g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(dirs, g_strdup(a));
    g_ptr_array_add(dirs, g_build_filename(test_tmpdir(), "does-not-exist", NULL));
    g_ptr_array_add(dirs, g_strdup(b));
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = template_list(dirs, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(list->len, ==, 3);
    const TemplateInfo *t0 = list->pdata[0], *t1 = list->pdata[1], *t2 = list->pdata[2];
    g_assert_cmpstr(t0->name, ==, "mine");
    g_assert_cmpstr(t1->name, ==, "shared");
    g_assert_cmpstr(t1->description, ==, "shared from a");
    g_assert_cmpstr(t1->dir, ==, a);
    g_assert_cmpstr(t2->name, ==, "zeta");
    g_assert_cmpstr(t2->description, ==, "");

    g_autoptr(TemplateInfo) found = template_find(dirs, "shared", &error);
    g_assert_no_error(error);
    g_assert_true(g_str_has_prefix(found->path, a));

    g_autoptr(TemplateInfo) missing = template_find(dirs, "q35", &error);
    g_assert_null(missing);
    g_assert_error(error, VH_ERROR, VH_ERROR_USAGE);
    assert_contains(error->message, "no template 'q35'");
    assert_contains(error->message, "available: mine, shared, zeta");
    assert_contains(error->message, b);
    g_clear_error(&error);

    /* a path is taken as it is */
    g_autofree char *path = g_build_filename(b, "zeta.xml", NULL);
    g_autoptr(TemplateInfo) by_path = template_find(dirs, path, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(by_path->name, ==, "zeta");
    g_autoptr(TemplateInfo) gone = template_find(dirs, "/nonexistent/x.xml", &error);
    g_assert_null(gone);
    assert_contains(error->message, "template 'x'");
}

/* ---------------------------------------------------------- option values */

static void test_memory(void)
{
    static const struct {
        const char *text;
        guint64 kib;
    } ok[] = {
        { "4096", 4194304 },    { "512M", 524288 },       { "512m", 524288 },      { "8G", 8388608 },
        { "8GiB", 8388608 },    { "8g", 8388608 },        { "1T", 1073741824 },    { "2048k", 2048 },
        { "2048KiB", 2048 },    { "1000KB", 977 },        { "1GB", 976563 },       { "1024b", 1 },
        { "1", 1024 },          { "16TiB", 17179869184 },
    };
    for (guint i = 0; i < G_N_ELEMENTS(ok); i++) {
        guint64 kib = 0;
        g_autoptr(GError) error = NULL;
        g_assert_true(gen_memory_parse(ok[i].text, &kib, &error));
        g_assert_no_error(error);
        if (kib != ok[i].kib)
            g_test_message("%s -> %" G_GUINT64_FORMAT, ok[i].text, kib);
        g_assert_cmpuint(kib, ==, ok[i].kib);
    }
    static const struct {
        const char *text;
        const char *needle;
    } bad[] = {
        { "", "expected a size" },      { "G", "expected a size" },   { "-1", "expected a size" },
        { "0", "more than 0" },         { "0G", "more than 0" },      { "8X", "unknown unit 'X'" },
        { "8 G", "unknown unit" },      { "8gib", "unknown unit" },   { "17T", "16 TiB" },
        { "999999999999999T", "16 TiB" }, { "1234567890123456", "expected a size" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        guint64 kib = 77;
        g_autoptr(GError) error = NULL;
        g_assert_false(gen_memory_parse(bad[i].text, &kib, &error));
        g_assert_error(error, VH_ERROR, VH_ERROR_USAGE);
        assert_contains(error->message, bad[i].needle);
        g_assert_cmpuint(kib, ==, 77);
    }
}

static void test_network(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GenNetwork) n = gen_network_parse("network=default", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(n->type, ==, "network");
    g_assert_cmpstr(n->source, ==, "default");
    g_assert_cmpstr(n->model, ==, "virtio");
    g_assert_null(n->mac);
    g_autoptr(GenNetwork) b = gen_network_parse("bridge=br0,model=e1000e,mac=52:54:00:AA:bb:01", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(b->type, ==, "bridge");
    g_assert_cmpstr(b->model, ==, "e1000e");
    g_assert_cmpstr(b->mac, ==, "52:54:00:aa:bb:01");

    const char *bad[] = { "", "default", "direct=eth0", "network=", "network=x,foo=1", "network=x,model=a b",
                          "network=x,mac=01:00:5e:00:00:01", "network=x,mac=zz", "network=x,model=a,model=b" };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(GenNetwork) x = gen_network_parse(bad[i], &err);
        g_assert_null(x);
        g_assert_error(err, VH_ERROR, VH_ERROR_USAGE);
        assert_contains(err->message, "--network");
    }
}

static void test_name(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(gen_name_check("win 11 & <co>", &error));
    g_assert_false(gen_name_check("a/b", &error));
    assert_contains(error->message, "'/'");
    g_clear_error(&error);
    g_assert_false(gen_name_check("a\nb", &error));
    assert_contains(error->message, "control characters");
    g_clear_error(&error);
    g_assert_false(gen_name_check("", &error));
    assert_contains(error->message, "--name");
}

/* ------------------------------------------------------------------ apply */

static void test_apply_basics(void)
{
    GenSpec spec = { .name = "guest & 'co'", .uuid = UUID, .memory_kib = 2097152, .vcpus = 3 };
    g_autofree char *out = apply(MINIMAL, &spec);
    /* libvirt's format: two spaces, single quotes, escaped text */
    g_assert_true(g_str_has_prefix(out, "<domain type='kvm'>\n  <name>guest &amp; 'co'</name>\n  <uuid>" UUID
                                        "</uuid>\n  <memory unit='KiB'>2097152</memory>\n"
                                        "  <vcpu placement='static'>3</vcpu>\n"));
    g_assert_true(g_str_has_suffix(out, "</devices>\n</domain>\n"));
    assert_contains(out, "    <disk type='file' device='disk'>\n      <source file='/a.img'/>\n");
    /* the leading comment and declaration describe the template, not the domain */
    g_assert_null(strstr(out, "tiny test template"));
    g_assert_null(strstr(out, "<?xml"));
    /* no currentMemory in the template: none added */
    g_assert_null(strstr(out, "currentMemory"));
}

static void test_apply_keeps_template_values(void)
{
    GenSpec spec = { .name = "x", .uuid = UUID };
    g_autofree char *out = apply(MINIMAL, &spec);
    assert_contains(out, "<memory unit='KiB'>1024</memory>");
    assert_contains(out, "<vcpu>1</vcpu>");
    assert_contains(out, "<boot dev='hd'/>");
}

static void test_apply_topology_and_current(void)
{
    const char *text = "<domain type='kvm'><name>t</name><memory>1</memory><currentMemory>1</currentMemory>"
                       "<vcpu current='2'>8</vcpu><os><type>hvm</type></os>"
                       "<cpu mode='host-passthrough'><topology sockets='2' dies='1' cores='2' threads='2'/></cpu>"
                       "<devices/></domain>";
    GenSpec spec = { .name = "x", .uuid = UUID, .memory_kib = 4096, .vcpus = 6 };
    g_autofree char *out = apply(text, &spec);
    assert_contains(out, "<memory unit='KiB'>4096</memory>");
    assert_contains(out, "<currentMemory unit='KiB'>4096</currentMemory>");
    assert_contains(out, "<vcpu placement='static'>6</vcpu>");
    assert_contains(out, "<topology sockets='1' dies='1' cores='6' threads='1'/>");
    /* an empty <devices/> is written open, ready for devices on their own lines */
    g_assert_true(g_str_has_suffix(out, "  <devices>\n  </devices>\n</domain>\n"));
    /* uuid inserted right after name */
    assert_contains(out, "<name>x</name>\n  <uuid>" UUID "</uuid>\n  <memory");
}

static void test_apply_disks(void)
{
    GenSpec spec = { .name = "x", .uuid = UUID };
    spec.disks = g_ptr_array_new();
    g_ptr_array_add(spec.disks, "/img/a.qcow2");
    g_ptr_array_add(spec.disks, "/dev/vg/b");
    g_ptr_array_add(spec.disks, "/iso/c.iso");
    g_ptr_array_add(spec.disks, "/img/d.raw");
    g_autofree char *out = apply(MINIMAL, &spec);
    g_ptr_array_unref(spec.disks);
    /* vda is taken by the template's own disk */
    assert_contains(out, "<source file='/img/a.qcow2'/>\n      <target dev='vdb' bus='virtio'/>");
    assert_contains(out, "<driver name='qemu' type='qcow2' discard='unmap'/>");
    assert_contains(out, "<disk type='block' device='disk'>\n      <driver name='qemu' type='raw' discard='unmap'/>\n"
                         "      <source dev='/dev/vg/b'/>\n      <target dev='vdc' bus='virtio'/>");
    /* i440fx: a CD-ROM on IDE */
    assert_contains(out, "<disk type='file' device='cdrom'>\n      <driver name='qemu' type='raw'/>\n"
                         "      <source file='/iso/c.iso'/>\n      <target dev='hda' bus='ide'/>\n      <readonly/>");
    assert_contains(out, "<target dev='vdd' bus='virtio'/>");
    /* in order, after the template's disk and before the balloon */
    const char *first = strstr(out, "/a.img"), *last = strstr(out, "/img/d.raw"), *balloon = strstr(out, "memballoon");
    g_assert_true(first < strstr(out, "/img/a.qcow2") && last < balloon);
}

static void test_apply_q35_cdrom_and_many_disks(void)
{
    g_autofree char *text = read_template("q35-ovmf.xml");
    GenSpec spec = { .name = "x", .uuid = UUID };
    spec.disks = g_ptr_array_new();
    for (guint i = 0; i < 28; i++)
        g_ptr_array_add(spec.disks, "/img/a.raw");
    g_ptr_array_add(spec.disks, "/iso/install.iso");
    g_autofree char *out = apply(text, &spec);
    g_ptr_array_unref(spec.disks);
    assert_contains(out, "<target dev='vda' bus='virtio'/>");
    assert_contains(out, "<target dev='vdz' bus='virtio'/>");
    assert_contains(out, "<target dev='vdaa' bus='virtio'/>");
    assert_contains(out, "<target dev='vdab' bus='virtio'/>");
    assert_contains(out, "<target dev='sda' bus='sata'/>");
    /* disks come first among the devices, as libvirt orders them */
    g_assert_true(strstr(out, "<disk") < strstr(out, "<controller"));
}

static void test_apply_networks(void)
{
    g_autofree char *text = read_template("q35-ovmf.xml");
    GenSpec spec = { .name = "x", .uuid = UUID };
    g_autoptr(GPtrArray) nets = g_ptr_array_new_with_free_func((GDestroyNotify)gen_network_free);
    g_ptr_array_add(nets, gen_network_parse("network=default", NULL));
    g_ptr_array_add(nets, gen_network_parse("bridge=br0,mac=52:54:00:00:00:01,model=e1000e", NULL));
    spec.networks = nets;
    g_autofree char *out = apply(text, &spec);
    assert_contains(out, "    <interface type='network'>\n      <source network='default'/>\n"
                         "      <model type='virtio'/>\n    </interface>\n    <interface type='bridge'>\n"
                         "      <mac address='52:54:00:00:00:01'/>\n      <source bridge='br0'/>\n"
                         "      <model type='e1000e'/>\n    </interface>\n");
    /* after the controllers, before the serial port */
    g_assert_true(strstr(out, "model='qemu-xhci'") < strstr(out, "<interface"));
    g_assert_true(strstr(out, "<interface") < strstr(out, "<serial"));
}

static void test_apply_hide_hypervisor(void)
{
    GenSpec spec = { .name = "x", .uuid = UUID, .hide_hypervisor = TRUE };
    /* no <features> at all: one is made, after <os> */
    g_autofree char *out = apply(MINIMAL, &spec);
    assert_contains(out, "  </os>\n  <features>\n    <hyperv mode='custom'>\n"
                         "      <vendor_id state='on' value='" GEN_HYPERV_VENDOR_ID "'/>\n    </hyperv>\n"
                         "    <kvm>\n      <hidden state='on'/>\n    </kvm>\n  </features>\n  <devices>");
    /* i440fx template: added among the existing features, in libvirt's order */
    g_autofree char *text = read_template("i440fx-bios.xml");
    g_autofree char *i440 = apply(text, &spec);
    assert_contains(i440, "<apic/>\n    <hyperv mode='custom'>");
    assert_contains(i440, "</kvm>\n    <vmport state='off'/>");
    /* a template's own vendor_id value is kept; state forced on */
    const char *own = "<domain type='kvm'><name>t</name><memory>1</memory><os><type>hvm</type></os><features>"
                      "<hyperv><relaxed state='on'/><vendor_id state='off' value='mine'/></hyperv>"
                      "<kvm><hidden state='off'/></kvm></features><devices/></domain>";
    g_autofree char *kept = apply(own, &spec);
    assert_contains(kept, "<vendor_id state='on' value='mine'/>");
    assert_contains(kept, "<hidden state='on'/>");
    g_assert_null(strstr(kept, GEN_HYPERV_VENDOR_ID));
    /* idempotent on the gpu-passthrough template, which has both */
    g_autofree char *gpu = read_template("gpu-passthrough.xml");
    GenSpec plain = { .name = "x", .uuid = UUID };
    g_autofree char *with = apply(gpu, &spec), *without = apply(gpu, &plain);
    g_assert_cmpstr(with, ==, without);
    g_assert_cmpuint(strlen(GEN_HYPERV_VENDOR_ID), <=, 12);
}

static void test_apply_drop_boot(void)
{
    GenSpec spec = { .name = "x", .uuid = UUID, .drop_os_boot = TRUE };
    g_autofree char *out = apply(MINIMAL, &spec);
    g_assert_null(strstr(out, "<boot"));
    assert_contains(out, "<os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n  </os>");
}

static void test_apply_namespaces_and_comments(void)
{
    const char *text = "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
                       "<name>t</name><metadata><a:x xmlns:a='urn:a' a:k='v&quot;&apos;&lt;'>t&amp;</a:x></metadata>"
                       "<memory>1</memory><os><type>hvm</type></os><devices><!-- keep me --></devices>"
                       "<qemu:commandline><qemu:arg value='-x'/></qemu:commandline></domain>";
    GenSpec spec = { .name = "x", .uuid = UUID };
    g_autofree char *out = apply(text, &spec);
    assert_contains(out, "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>");
    assert_contains(out, "<a:x a:k='v\"&apos;&lt;' xmlns:a='urn:a'>t&amp;</a:x>");
    assert_contains(out, "<devices>\n    <!-- keep me -->\n  </devices>");
    assert_contains(out, "<qemu:arg value='-x'/>");
    /* and the result means what the input meant */
    g_autoptr(xmlDoc) doc = vh_xml_parse(out, strlen(out), "out", NULL);
    g_assert_nonnull(doc);
}

static void test_apply_errors(void)
{
    GenSpec spec = { .name = "x", .uuid = UUID };
    static const struct {
        const char *text;
        const char *needle;
        int code;
    } cases[] = {
        { "<network/>", "not a domain template (root element <network>", VH_ERROR_INPUT },
        { "<domain><name>x</name></domain>", "no <devices> element", VH_ERROR_INPUT },
        { "<domain><name>x</name>", "malformed XML", VH_ERROR_INPUT },
        { "", "empty input", VH_ERROR_INPUT },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *out = template_apply(cases[i].text, strlen(cases[i].text), "t.xml", &spec, &error);
        g_assert_null(out);
        g_assert_error(error, VH_ERROR, cases[i].code);
        assert_contains(error->message, "t.xml");
        assert_contains(error->message, cases[i].needle);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/template/search-path", test_search_path);
    g_test_add_func("/template/description", test_description);
    g_test_add_func("/template/list-shadowing", test_list_shadowing);
    g_test_add_func("/template/memory", test_memory);
    g_test_add_func("/template/network", test_network);
    g_test_add_func("/template/name", test_name);
    g_test_add_func("/template/apply/basics", test_apply_basics);
    g_test_add_func("/template/apply/keeps-template-values", test_apply_keeps_template_values);
    g_test_add_func("/template/apply/topology-current", test_apply_topology_and_current);
    g_test_add_func("/template/apply/disks", test_apply_disks);
    g_test_add_func("/template/apply/q35-cdrom-many-disks", test_apply_q35_cdrom_and_many_disks);
    g_test_add_func("/template/apply/networks", test_apply_networks);
    g_test_add_func("/template/apply/hide-hypervisor", test_apply_hide_hypervisor);
    g_test_add_func("/template/apply/drop-boot", test_apply_drop_boot);
    g_test_add_func("/template/apply/namespaces-comments", test_apply_namespaces_and_comments);
    g_test_add_func("/template/apply/errors", test_apply_errors);
    return g_test_run();
}
