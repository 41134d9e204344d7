/* Bad input, one table-driven test per class, over every verb that reads
 * it: address, hostdev (node-device XML or a DEVICE argument), add --file,
 * add --file --in-place, remove --file, validate --file (domain XML).
 *
 * For each row: the exit status is 2 (unreadable input) or 1 (a refused
 * operation), stdout is empty, stderr is exactly one line starting
 * "virt-hostdev: error: " that names the offending file or argument, and
 * every input file keeps its bytes (no file appears or disappears next to
 * it). validate reports the problems of a readable domain on stdout
 * instead (exit 1, each line naming the file). Fixtures are generated in a
 * scratch directory from tests/data. */
#include <glib.h>
#include <string.h>

#include "badinput.h"
#include "errors.h"
#include "nodedev.h"
#include "testutil.h"
#include "xmlutil.h"

/* ------------------------------------------------------------- classes */

static void test_malformed(void)
{
    g_autofree char *dir = scratch_dir();
    bad_nodedev(text("<device><name>x</name><capability type='pci'></device>\n"), "bad.xml: malformed XML at line 2: Premature end of data");
    bad_nodedev(text("<device><name>a & b</name></device>"), "bad.xml: malformed XML");
    bad_nodedev(text("<device attr=unquoted/>"), "bad.xml: malformed XML");
    bad_domain(edited(GUEST_FIXTURE, "  </devices>\n", ""), "guest.xml: malformed XML");
    bad_domain(edited(GUEST_FIXTURE, "<disk type='file'", "<disk type='file' type='block'"), "guest.xml: malformed XML");
}

static void test_truncated(void)
{
    g_autofree char *dir = scratch_dir();
    Bytes n = fixture(NODEDEV_FIXTURE);
    n.len /= 2;
    bad_nodedev(n, "bad.xml: malformed XML");
    Bytes d = fixture(GUEST_FIXTURE);
    d.len = d.len * 2 / 3;
    bad_domain(d, "guest.xml: malformed XML");
    Bytes tag = text("<domain type='kvm'><name>x</name><devices><disk type='fi");
    bad_domain(tag, "guest.xml: malformed XML");
}

static void test_wrong_root(void)
{
    g_autofree char *dir = scratch_dir();
    bad_nodedev(fixture(GUEST_FIXTURE), "bad.xml: root element is <domain>");
    bad_domain(fixture(NODEDEV_FIXTURE), "guest.xml: root element is <device>");
    bad_domain(text("<domainx/>"), "guest.xml: root element is <domainx>");
}

static void test_missing_source(void)
{
    g_autofree char *dir = scratch_dir();
    /* a node device without what it is, or without its address */
    bad_nodedev(text("<device><name>gpu</name></device>"), "bad.xml: <device> without <capability>");
    put("bad.xml", nodedev_with("    <domain>0</domain><slot>0</slot><function>0</function>"));
    refused(2, "bad.xml: <bus> missing", "address", "bad.xml");
    refused(2, "bad.xml: <bus> missing", "hostdev", "bad.xml");
    /* a domain's hostdev without its <source>, or with an empty one */
    invalid_domain(domain_with("    <hostdev mode='subsystem' type='pci' managed='yes'/>"), "without <source>");
    invalid_domain(domain_with("    <hostdev mode='subsystem' type='pci'><source/></hostdev>"),
                   "without <address> in <source>");
    invalid_domain(domain_with("    <hostdev mode='subsystem' type='usb'><source/></hostdev>"),
                   "neither <vendor> and <product> nor <address>");
}

static void test_decimal_hex(void)
{
    g_autofree char *dir = scratch_dir();
    put("guest.xml", fixture(GUEST_FIXTURE));
    /* hex without 0x where a decimal number is expected */
    refused(2, "slot '1a' is not a decimal number (write hex as 0x1a)", "address", "0", "1a", "0");
    refused(2, "'1f'", "address", "0", "3", "1f", "0");
    put("bad.xml", nodedev_with("    <domain>0</domain><bus>3</bus><slot>1f</slot><function>0</function>"));
    refused(2, "bad.xml: <slot>1f</slot> is not a number", "address", "bad.xml");
    refused(2, "bad.xml: <slot>1f</slot> is not a number", "hostdev", "bad.xml");
    refused(2, "bad.xml: <slot>1f</slot> is not a number", "add", "--file", "guest.xml", "bad.xml");
    /* decimal where the address text form wants hex: 0000:03:31.0 is slot 0x31 */
    bad_argument("0000:03:31.0", 2);
    invalid_domain(edited(GUEST_FIXTURE, "slot='0x04'", "slot='1f'"), "'1f'");
}

static void test_out_of_range(void)
{
    g_autofree char *dir = scratch_dir();
    put("guest.xml", fixture(GUEST_FIXTURE));
    refused(2, "domain '65536' is out of range", "address", "65536", "0", "0", "0");
    refused(2, "bus '256' is out of range", "address", "256", "0", "0");
    refused(2, "slot '32' is out of range", "address", "0", "32", "0");
    refused(2, "function '8' is out of range", "address", "0", "0", "8");
    refused(2, "slot '0x20' is out of range", "address", "0", "0x20", "0");
    bad_argument("0000:03:20.0", 2);
    bad_argument("0000:03:00.8", 2);
    bad_argument("10000:03:00.0", 2);
    bad_argument("0000:100:00.0", 2);
    bad_argument("pci_0000_03_20_0", 2);
    bad_argument("usb:256.1", 2);
    put("bad.xml", nodedev_with("    <domain>0</domain><bus>3</bus><slot>32</slot><function>0</function>"));
    refused(2, "bad.xml: <slot>32</slot> is out of range", "address", "bad.xml");
    refused(2, "bad.xml: <slot>32</slot> is out of range", "hostdev", "bad.xml");
    put("bad.xml", nodedev_with("    <domain>0</domain><bus>4294967296</bus><slot>0</slot><function>0</function>"));
    refused(2, "bad.xml: <bus>4294967296</bus> is out of range", "address", "bad.xml");
    invalid_domain(edited(GUEST_FIXTURE, "slot='0x04'", "slot='0x20'"), "slot at line");
    invalid_domain(edited(GUEST_FIXTURE, "bus='0x06'", "bus='0x100'"), "bus at line");
}

static void test_negative(void)
{
    g_autofree char *dir = scratch_dir();
    refused(2, "bus '-1': negative numbers are not allowed", "address", "0", "-1", "0", "0");
    refused(2, "function '-0': negative", "address", "0", "0", "-0");
    bad_argument("-03:00.0", 2);
    bad_argument("0000:-3:00.0", 2);
    bad_argument("usb:-1.2", 2);
    put("bad.xml", nodedev_with("    <domain>0</domain><bus>-1</bus><slot>0</slot><function>0</function>"));
    refused(2, "bad.xml: <bus>-1</bus> is negative", "address", "bad.xml");
    invalid_domain(edited(GUEST_FIXTURE, "slot='0x04'", "slot='-4'"), "negative");
}

static void test_trailing_junk(void)
{
    g_autofree char *dir = scratch_dir();
    bad_argument("03:00.0x", 2);
    bad_argument("0000:03:00.0 ", 2);
    bad_argument("03:00.0.1", 2);
    bad_argument("pci_0000_03_00_0_", 2);
    bad_argument("usb:046d:c52b:1", 2);
    refused(2, "'3x'", "address", "0", "3x", "0");
    Bytes n = fixture(NODEDEV_FIXTURE);
    g_autofree char *nj = g_strconcat(n.data, "trailing junk\n", NULL);
    g_free(n.data);
    bad_nodedev(text(nj), "bad.xml: malformed XML");
    Bytes d = fixture(GUEST_FIXTURE);
    g_autofree char *dj = g_strconcat(d.data, "<domain/>\n", NULL);
    g_free(d.data);
    bad_domain(text(dj), "guest.xml: malformed XML");
    put("bad.xml", nodedev_with("    <domain>0</domain><bus>3 junk</bus><slot>0</slot><function>0</function>"));
    refused(2, "bad.xml: <bus>3 junk</bus> is not a number", "address", "bad.xml");
}

static void test_empty(void)
{
    g_autofree char *dir = scratch_dir();
    bad_nodedev(text(""), "bad.xml: empty input");
    bad_domain(text(""), "guest.xml: empty input");
    bad_nodedev(text("   \n\t\n"), "bad.xml: malformed XML");
    put("guest.xml", fixture(GUEST_FIXTURE));
    refused(2, "standard input: empty input", "address", "-");
    refused(2, "standard input: empty input", "hostdev", "-");
    refused(2, "standard input: empty input", "add", "--file", "-", "03:00.0");
    refused(2, "standard input: empty input", "remove", "--file", "-", "03:00.0");
    refused(2, "standard input: empty input", "validate", "--file", "-");
    refused(2, "standard input: empty input", "add", "--file", "guest.xml", "-");
    refused(2, "empty value", "address", "0", "", "0");
}

static Bytes garbage(gsize len, gboolean with_nul)
{
    GRand *rand = g_rand_new_with_seed(42);
    char *data = g_malloc(len);
    for (gsize i = 0; i < len; i++) {
        guint8 c = (guint8)g_rand_int_range(rand, with_nul ? 0 : 0x80, 256);
        data[i] = (char)c;
    }
    g_rand_free(rand);
    return (Bytes){ data, len };
}

static void test_binary(void)
{
    g_autofree char *dir = scratch_dir();
    bad_nodedev(garbage(4096, TRUE), "bad.xml: binary data");
    bad_domain(garbage(4096, TRUE), "guest.xml: binary data");
    /* no NUL, not UTF-8: libxml2's own message, cut to one line */
    bad_nodedev(garbage(4096, FALSE), "bad.xml: malformed XML");
    bad_domain(garbage(4096, FALSE), "guest.xml: malformed XML");
    Bytes n = fixture(NODEDEV_FIXTURE);
    char *name = strstr(n.data, "igb");
    name[0] = (char)0xc3; /* an invalid UTF-8 sequence in the middle */
    name[1] = '(';
    bad_nodedev(n, "bad.xml: malformed XML at line 6: Input is not proper UTF-8");
    /* UTF-16 (NUL bytes) is refused as binary */
    gsize len;
    g_autofree char *doc = test_data_read(NODEDEV_FIXTURE, &len);
    gsize written;
    g_autofree char *utf16 = g_convert(doc, (gssize)len, "UTF-16", "UTF-8", NULL, &written, NULL);
    g_assert_nonnull(utf16);
    bad_nodedev((Bytes){ g_memdup2(utf16, written), written }, "bad.xml: binary data");
}

static void test_huge(void)
{
    g_autofree char *dir = scratch_dir();
    gsize len = VH_XML_INPUT_MAX + 1;
    char *data = g_malloc(len + 1);
    memset(data, ' ', len);
    memcpy(data, "<device>", 8);
    data[len] = '\0';
    put("bad.xml", (Bytes){ g_memdup2(data, len), len });
    put("guest.xml", (Bytes){ g_memdup2(data, len), len });
    refused(2, "bad.xml is larger than the 16 MiB input limit", "address", "bad.xml");
    refused(2, "bad.xml is larger than the 16 MiB input limit", "hostdev", "bad.xml");
    refused(2, "guest.xml is larger than the 16 MiB input limit", "add", "--file", "guest.xml", "03:00.0");
    refused(2, "guest.xml is larger than the 16 MiB input limit", "add", "--file", "guest.xml", "-i", "03:00.0");
    refused(2, "guest.xml is larger than the 16 MiB input limit", "remove", "--file", "guest.xml", "03:00.0");
    refused(2, "guest.xml is larger than the 16 MiB input limit", "validate", "--file", "guest.xml");
    refused_in(data, 2, "standard input is larger than the 16 MiB input limit", "address", "-", NULL);
    refused_in(data, 2, "standard input is larger than the 16 MiB input limit", "add", "--file", "-", "03:00.0",
               NULL);
    /* exactly at the limit: read, then refused for what it is */
    put("bad.xml", (Bytes){ g_memdup2(data, len - 1), len - 1 });
    refused(2, "bad.xml: malformed XML", "address", "bad.xml");
    g_free(data);

    /* what libvirt hands back goes through the same parser: a node device
     * XML string over the limit is refused before parsing */
    g_autofree char *big = g_malloc(len + 1);
    memset(big, ' ', len);
    memcpy(big, "<device>", 8);
    big[len] = '\0';
    g_autoptr(GError) error = NULL;
    g_autoptr(Nodedev) dev = nodedev_parse(big, len, "pci_0000_03_00_0", &error);
    g_assert_null(dev);
    g_assert_error(error, VH_ERROR, VH_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "pci_0000_03_00_0: input of 16777217 bytes is over the 16 MiB limit"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/badinput/malformed-xml", test_malformed);
    g_test_add_func("/badinput/truncated-xml", test_truncated);
    g_test_add_func("/badinput/wrong-root", test_wrong_root);
    g_test_add_func("/badinput/missing-source", test_missing_source);
    g_test_add_func("/badinput/decimal-hex-confusion", test_decimal_hex);
    g_test_add_func("/badinput/out-of-range", test_out_of_range);
    g_test_add_func("/badinput/negative", test_negative);
    g_test_add_func("/badinput/trailing-junk", test_trailing_junk);
    g_test_add_func("/badinput/empty", test_empty);
    g_test_add_func("/badinput/binary-garbage", test_binary);
    g_test_add_func("/badinput/huge", test_huge);
    return g_test_run();
}
