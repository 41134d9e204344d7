/* Bad input, continued (test-badinput.c says what every row checks): device
 * names, domains already wrong, collisions, and what libxml2 must not do
 * (external entities, entity expansion, messages of its own). */
#include <glib.h>
#include <string.h>

#include "badinput.h"
#include "testutil.h"
#include "xmlutil.h"

/* ------------------------------------------------------------- classes */

static void test_unknown_name_form(void)
{
    g_autofree char *dir = scratch_dir();
    bad_argument("usb:zz", 2);
    bad_argument("usb:1.2.3", 2);
    bad_argument("usb:0.1", 2);
    bad_argument("usb:46d:c52b", 2);
    bad_argument("pci_0000_03_00", 2);
    bad_argument("pci_zz_03_00_0", 2);
    bad_argument("mdev_not-a-uuid", 2);
    bad_argument("03:00", 2);
    /* words that name no device: a usage error before any connection (the
     * unreachable -c would fail with exit 1 if one were tried) */
    static const char bad_uri[] = "test:///nonexistent/host.xml";
    refused(2, "'3' is not a DEVICE (decimal BUS SLOT FUNCTION are read by 'virt-hostdev address", "-c", bad_uri,
            "hostdev", "3", "0", "0");
    refused(2, "'3' is not a DEVICE", "hostdev", "3", "0", "0");
    refused(2, "'03.00.0' is not a DEVICE (a PCI address separates bus and slot with ':'", "-c", bad_uri, "address",
            "03.00.0");
    refused(2, "'03.00.0' is not a DEVICE", "address", "03.00.0");
    refused(2, "an empty DEVICE argument", "-c", bad_uri, "address", "");
    refused(2, "an empty DEVICE argument", "address", "");
    refused(2, "an empty DEVICE argument", "hostdev", "");
    /* hex out of range that reads as decimal components: the conversion */
    refused(2, "slot 0x26 is out of range (0x0-0x1f); if these numbers are decimal, convert them with "
               "'virt-hostdev address 0 26 7'", "-c", bad_uri, "address", "00:26.7");
    refused(2, "'virt-hostdev address 0 0 26 7'", "address", "0000:00:26.7");
    /* not decimal either, or out of range as decimal: no suggestion */
    refused(2, "slot 0x2a is out of range (0x0-0x1f)\n", "address", "00:2a.0");
    refused(2, "slot 0x40 is out of range (0x0-0x1f)\n", "address", "00:40.0");
    /* a node-device name libvirt (the test driver here) does not know:
     * unreadable input, like an unknown address */
    put("guest.xml", fixture(GUEST_FIXTURE));
    refused(2, "no device 'no-such-device' on test:///default", "hostdev", "no-such-device");
    refused(2, "no device 'no-such-device' on test:///default", "add", "--file", "guest.xml", "-i", "no-such-device");
    /* not a node device at all */
    put("bad.xml", fixture("nodedev/net_enp3s0_00_1b_21_aa_bb_cc.xml"));
    refused(2, "net_enp3s0", "hostdev", "bad.xml");
    refused(2, "bad.xml", "address", "bad.xml");
}

static void test_already_invalid(void)
{
    g_autofree char *dir = scratch_dir();
    /* a second function without function 0 of its slot: libvirt defines
     * it, so it is no problem of ours (add goes ahead without a warning) */
    put("guest.xml", edited(GUEST_FIXTURE, "slot='0x04' function='0x0'", "slot='0x04' function='0x3'"));
    {
        const char *argv[] = { "add", "--file", "guest.xml", "03:00.0", NULL };
        g_autofree char *out = NULL, *err = NULL;
        g_assert_cmpint(test_run(argv, NULL, &out, &err), ==, 0);
        g_assert_null(strstr(err, "warning"));
        const char *check[] = { "validate", "--file", "guest.xml", NULL };
        g_autofree char *vout = NULL, *verr = NULL;
        g_assert_cmpint(test_run(check, NULL, &vout, &verr), ==, 0);
    }
    /* schema-invalid: refused by --strict and validate */
    put("guest.xml", fixture("domain/guest-invalid.xml"));
    refused(2, "guest.xml is already invalid before any change (libvirt's domain.rng)", "add", "--strict", "--file",
            "guest.xml", "-i", "03:00.0");
    reported("guest.xml", "does not validate");
}

static void test_colliding_guest_address(void)
{
    g_autofree char *dir = scratch_dir();
    put("guest.xml", fixture(GUEST_FIXTURE));
    const char *used = "guest PCI address 0000:00:04.0 is already used by disk 'vda' (line 31)";
    refused(1, used, "add", "--file", "guest.xml", "03:00.0", "--guest-address", "00:04.0");
    refused(1, used, "add", "--file", "guest.xml", "-i", "03:00.0", "--guest-address", "00:04.0");
    /* slots of the machine itself */
    refused(1, "guest.xml: guest PCI address 0000:00:01.3 belongs to the machine's built-in PIIX3", "add", "--file",
            "guest.xml", "-i", "03:00.0", "--guest-address", "0000:00:01.3");
    refused(1, "belongs to the machine's built-in host bridge", "add", "--file", "guest.xml", "-i", "03:00.0",
            "--guest-address", "00:00.0");
    put("q35.xml", fixture("domain/guest-q35.xml"));
    refused(1, "q35.xml: guest PCI address 0000:00:1f.5 belongs to the machine's built-in ICH9", "add", "--file",
            "q35.xml", "-i", "03:00.0", "--guest-address", "00:1f.5");
    /* a function of a slot whose function 0 is no multifunction device */
    refused(1, "not a multifunction device", "add", "--file", "guest.xml", "-i", "03:00.0", "--guest-address",
            "00:04.1");
    /* an impossible guest address is a usage error */
    refused(2, "--guest-address", "add", "--file", "guest.xml", "-i", "03:00.0", "--guest-address", "00:20.0");
}

static void test_duplicate_guest_address(void)
{
    g_autofree char *dir = scratch_dir();
    invalid_domain(edited(GUEST_FIXTURE, "slot='0x05'", "slot='0x04'"), "guest PCI address 0000:00:04.0 is used twice");
}

static void test_duplicate_hostdev(void)
{
    g_autofree char *dir = scratch_dir();
    put("guest.xml", fixture(GUEST_FIXTURE));
    refused(1, "guest.xml already has 0000:06:00.0", "add", "--file", "guest.xml", "06:00.0");
    refused(1, "guest.xml already has 0000:06:00.0", "add", "--file", "guest.xml", "-i", "pci_0000_06_00_0");
    refused(2, "0000:03:00.0 is given twice", "hostdev", "03:00.0", "0000:03:00.0");
    refused(2, "0000:03:00.0 is given twice", "add", "--file", "guest.xml", "-i", "03:00.0", "pci_0000_03_00_0");
    const char *hostdev = "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
                          "      <source>\n"
                          "        <address domain='0x0000' bus='0x06' slot='0x00' function='0x0'/>\n"
                          "      </source>\n"
                          "    </hostdev>\n"
                          "    <memballoon";
    invalid_domain(edited(GUEST_FIXTURE, "    <memballoon", hostdev), "host device 0000:06:00.0 is assigned twice");
}

static const char *const xxe_nodedev =
    "<?xml version='1.0'?>\n"
    "<!DOCTYPE device [\n"
    "  <!ENTITY xxe SYSTEM 'file:///etc/passwd'>\n"
    "]>\n"
    "<device><name>&xxe;</name><capability type='pci'><domain>0</domain><bus>3</bus>"
    "<slot>0</slot><function>0</function></capability></device>\n";

static void test_xxe(void)
{
    g_autofree char *dir = scratch_dir();
    bad_nodedev(text(xxe_nodedev), "bad.xml: entity declarations are not accepted");
    bad_domain(edited(GUEST_FIXTURE, "<domain type='kvm'>",
                      "<!DOCTYPE domain [<!ENTITY xxe SYSTEM 'file:///etc/hostname'>]>\n<domain type='kvm'>"),
               "guest.xml: entity declarations are not accepted");
    /* a parameter entity pulling a remote DTD */
    bad_domain(edited(GUEST_FIXTURE, "<domain type='kvm'>",
                      "<!DOCTYPE domain [<!ENTITY % dtd SYSTEM 'http://192.0.2.1/x.dtd'> %dtd;]>\n<domain type='kvm'>"),
               "guest.xml: entity declarations are not accepted");
    /* an external DTD, never read */
    bad_nodedev(edited(NODEDEV_FIXTURE, "<device>", "<!DOCTYPE device SYSTEM 'file:///etc/passwd'>\n<device>"),
                "bad.xml: DOCTYPE with an external DTD (SYSTEM/PUBLIC) is not accepted");
    bad_domain(edited(GUEST_FIXTURE, "<domain type='kvm'>",
                      "<!DOCTYPE domain PUBLIC '-//x//y' 'http://192.0.2.1/d.dtd'>\n<domain type='kvm'>"),
               "guest.xml: DOCTYPE with an external DTD");
    /* any internal subset, even without entities */
    bad_domain(edited(GUEST_FIXTURE, "<domain type='kvm'>",
                      "<!DOCTYPE domain [<!ATTLIST domain id CDATA '7'>]>\n<domain type='kvm'>"),
               "guest.xml: DOCTYPE internal subsets are not accepted");
    /* the file's contents never reach the message */
    put("bad.xml", text(xxe_nodedev));
    const char *argv[] = { "address", "bad.xml", NULL };
    g_autofree char *err = NULL;
    test_run(argv, NULL, NULL, &err);
    g_assert_null(strstr(err, "root:"));
}

static void test_billion_laughs(void)
{
    g_autoptr(GString) doc = g_string_new("<?xml version='1.0'?>\n<!DOCTYPE lolz [\n  <!ENTITY lol0 'lol'>\n");
    for (int i = 1; i < 10; i++) {
        g_string_append_printf(doc, "  <!ENTITY lol%d '", i);
        for (int j = 0; j < 10; j++)
            g_string_append_printf(doc, "&lol%d;", i - 1);
        g_string_append(doc, "'>\n");
    }
    g_string_append(doc, "]>\n");
    g_autofree char *nodedev = g_strconcat(doc->str, "<device><name>&lol9;</name></device>\n", NULL);
    g_autofree char *domain = g_strconcat(doc->str, "<domain type='kvm'><name>&lol9;</name><devices/></domain>\n", NULL);

    g_autofree char *dir = scratch_dir();
    gint64 start = g_get_monotonic_time();
    bad_nodedev(text(nodedev), "bad.xml: entity declarations are not accepted");
    bad_domain(text(domain), "guest.xml: entity declarations are not accepted");
    refused_in(nodedev, 2, "standard input: entity declarations are not accepted", "address", "-", NULL);
    /* refused up front: nothing was expanded (generous bound for slow CI
     * and sanitizer builds) */
    g_assert_cmpint(g_get_monotonic_time() - start, <, 60 * G_USEC_PER_SEC);
}

/* A plain <!DOCTYPE NAME> is accepted (the documented exception). */
static void test_plain_doctype(void)
{
    g_autofree char *dir = scratch_dir();
    put("guest.xml", edited(GUEST_FIXTURE, "<domain type='kvm'>", "<!DOCTYPE domain>\n<domain type='kvm'>"));
    const char *argv[] = { "-q", "add", "--file", "guest.xml", "-i", "03:00.0", NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint(test_run(argv, NULL, &out, &err), ==, 0);
    g_assert_cmpstr(err, ==, "");
    const char *rm[] = { "-q", "remove", "--file", "guest.xml", "-i", "03:00.0", NULL };
    g_assert_cmpint(test_run(rm, NULL, NULL, NULL), ==, 0);
    gsize len;
    g_autofree char *now = NULL;
    g_assert_true(g_file_get_contents("guest.xml", &now, &len, NULL));
    g_assert_true(g_str_has_prefix(now, "<!DOCTYPE domain>\n<domain type='kvm'>"));
}

/* Control characters in arguments or file names stay on the error's line. */
static void test_control_characters(void)
{
    g_autofree char *dir = scratch_dir();
    refused(2, "'03:00\\n.0'", "hostdev", "03:00\n.0");
    refused(2, "bad\\nname.xml", "address", "bad\nname.xml");
    put("bad.xml", nodedev_with("    <domain>0</domain><bus>3\n\n4</bus><slot>0</slot><function>0</function>"));
    refused(2, "bad.xml: <bus>3\\n\\n4</bus>", "address", "bad.xml");
    /* a long value is cut short in the message */
    g_autofree char *junk = g_strnfill(100000, '7');
    g_autofree char *body = g_strdup_printf("    <domain>0</domain><bus>%s</bus><slot>0</slot><function>0</function>", junk);
    put("bad.xml", nodedev_with(body));
    refused(2, "bad.xml: <bus>7777777777777777777777777777777777777777...</bus> is out of range", "address", "bad.xml");
}

/* libxml2 prints nothing itself, even when another library (libvirt, in
 * the same process) has put its default handlers back. */
static void test_libxml2_silent(void)
{
    if (g_test_subprocess()) {
        g_autoptr(GError) error = NULL;
        g_autoptr(xmlDoc) ok = vh_xml_parse("<a/>", 4, "first", &error);
        g_assert_nonnull(ok);
        xmlSetGenericErrorFunc(NULL, NULL);
        xmlSetStructuredErrorFunc(NULL, NULL);
        const char *bad[] = { "<a><b></a>", "<a>\xc3\x28</a>", "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>",
                              "<a>&undeclared;</a>", "<a x='1' x='2'/>" };
        for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
            g_autoptr(GError) e = NULL;
            g_autoptr(xmlDoc) doc = vh_xml_parse(bad[i], strlen(bad[i]), "bad", &e);
            g_assert_null(doc);
            g_assert_nonnull(e);
        }
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/badinput/unknown-device-name-form", test_unknown_name_form);
    g_test_add_func("/badinput/already-invalid-domain", test_already_invalid);
    g_test_add_func("/badinput/colliding-guest-address", test_colliding_guest_address);
    g_test_add_func("/badinput/duplicate-guest-address", test_duplicate_guest_address);
    g_test_add_func("/badinput/duplicate-hostdev", test_duplicate_hostdev);
    g_test_add_func("/badinput/xxe", test_xxe);
    g_test_add_func("/badinput/billion-laughs", test_billion_laughs);
    g_test_add_func("/badinput/plain-doctype", test_plain_doctype);
    g_test_add_func("/badinput/control-characters", test_control_characters);
    g_test_add_func("/badinput/libxml2-silent", test_libxml2_silent);
    return g_test_run();
    return g_test_run();
}
