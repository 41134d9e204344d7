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
#include <glib/gstdio.h>
#include <string.h>

#include "errors.h"
#include "nodedev.h"
#include "testutil.h"
#include "xmlutil.h"

#define ERROR_PREFIX "virt-hostdev: error: "
#define GUEST_FIXTURE "domain/guest-i440fx.xml"
#define NODEDEV_FIXTURE "nodedev/pci_0000_03_00_0.xml"

/* ------------------------------------------------------------- fixtures */

typedef struct {
    char *data;
    gsize len;
} Bytes;

static Bytes fixture(const char *relative)
{
    Bytes b;
    b.data = test_data_read(relative, &b.len);
    return b;
}

static Bytes text(const char *s)
{
    return (Bytes){ g_strdup(s), strlen(s) };
}

/* The fixture with the first occurrence of FROM replaced by TO. */
static Bytes edited(const char *relative, const char *from, const char *to)
{
    Bytes b = fixture(relative);
    char *at = strstr(b.data, from);
    g_assert_nonnull(at);
    g_autofree char *head = g_strndup(b.data, (gsize)(at - b.data));
    char *out = g_strconcat(head, to, at + strlen(from), NULL);
    g_free(b.data);
    return (Bytes){ out, strlen(out) };
}

/* A PCI node device named "gpu" (so that its name gives no address) whose
 * capability holds BODY. */
static Bytes nodedev_with(const char *body)
{
    g_autofree char *s = g_strdup_printf("<device>\n  <name>gpu</name>\n  <capability type='pci'>\n%s\n"
                                         "  </capability>\n</device>\n", body);
    return text(s);
}

/* A one-device domain whose <devices> holds EXTRA. */
static Bytes domain_with(const char *extra)
{
    g_autofree char *s = g_strdup_printf("<domain type='kvm'>\n  <name>bad</name>\n  <os>\n"
                                         "    <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>\n  </os>\n"
                                         "  <devices>\n%s\n  </devices>\n</domain>\n", extra);
    return text(s);
}

static char *scratch_dir(void)
{
    g_autofree char *name = g_strdelimit(g_strdup(g_test_get_path() + 1), "/", '-');
    char *dir = g_build_filename(test_tmpdir(), name, NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_cmpint(g_chdir(dir), ==, 0);
    return dir;
}

static void put(const char *name, Bytes b)
{
    g_autoptr(GError) error = NULL;
    g_file_set_contents(name, b.data, (gssize)b.len, &error);
    g_assert_no_error(error);
    g_free(b.data);
}

/* ---------------------------------------------------------- the checks */

/* Every file in the working directory, with its bytes. */
static GHashTable *snapshot(void)
{
    GHashTable *files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
    GDir *d = g_dir_open(".", 0, NULL);
    g_assert_nonnull(d);
    for (const char *n; (n = g_dir_read_name(d));) {
        char *data;
        gsize len;
        g_assert_true(g_file_get_contents(n, &data, &len, NULL));
        g_hash_table_insert(files, g_strdup(n), g_bytes_new_take(data, len));
    }
    g_dir_close(d);
    return files;
}

static void assert_unchanged(GHashTable *before)
{
    g_autoptr(GHashTable) after = snapshot();
    g_assert_cmpuint(g_hash_table_size(after), ==, g_hash_table_size(before));
    GHashTableIter it;
    gpointer name, bytes;
    g_hash_table_iter_init(&it, before);
    while (g_hash_table_iter_next(&it, &name, &bytes)) {
        GBytes *now = g_hash_table_lookup(after, name);
        if (now == NULL || !g_bytes_equal(now, bytes))
            g_test_message("%s changed", (const char *)name);
        g_assert_nonnull(now);
        g_assert_true(g_bytes_equal(now, bytes));
    }
}

static GPtrArray *argv_of(const char *first, va_list ap)
{
    GPtrArray *argv = g_ptr_array_new();
    for (const char *a = first; a; a = va_arg(ap, const char *))
        g_ptr_array_add(argv, (gpointer)a);
    g_ptr_array_add(argv, NULL);
    return argv;
}

static void log_run(GPtrArray *argv, int rc, const char *out, const char *err)
{
    g_autofree char *cmd = g_strjoinv(" ", (char **)argv->pdata);
    g_test_message("virt-hostdev %s -> %d\nstdout: %.300s\nstderr: %.300s", cmd, rc, out, err);
}

/* virt-hostdev ARGS… with IN on stdin (NULL: empty) exits CODE with one
 * error line containing NEEDLE, and changes no file. */
static void refused_in(const char *in, int code, const char *needle, const char *first, ...) G_GNUC_NULL_TERMINATED;
static void refused_in(const char *in, int code, const char *needle, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    g_autoptr(GPtrArray) argv = argv_of(first, ap);
    va_end(ap);
    g_autoptr(GHashTable) before = snapshot();
    g_autofree char *out = NULL, *err = NULL;
    int rc = test_run((const char *const *)argv->pdata, in, &out, &err);
    if (g_test_verbose() || rc != code || strstr(err, needle) == NULL || strchr(err, '\n') != err + strlen(err) - 1)
        log_run(argv, rc, out, err);
    g_assert_cmpint(rc, ==, code);
    g_assert_cmpstr(out, ==, "");
    g_assert_true(g_str_has_prefix(err, ERROR_PREFIX));
    g_assert_true(strchr(err, '\n') == err + strlen(err) - 1); /* exactly one line */
    g_assert_nonnull(strstr(err, needle));
    g_assert_cmpuint(strlen(err), <, 1000); /* no flood of the input's bytes */
    assert_unchanged(before);
}

#define refused(code, needle, ...) refused_in(NULL, code, needle, __VA_ARGS__, NULL)

/* validate on a readable domain with problems: exit 1, nothing on stderr,
 * one stdout line per problem naming FILE, one of them containing NEEDLE. */
static void reported(const char *file, const char *needle)
{
    const char *argv[] = { "validate", "--file", file, NULL };
    g_autoptr(GHashTable) before = snapshot();
    g_autofree char *out = NULL, *err = NULL;
    int rc = test_run(argv, NULL, &out, &err);
    g_autofree char *prefix = g_strconcat(file, ": ", NULL);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    if (rc != 1 || strstr(out, needle) == NULL)
        g_test_message("validate --file %s -> %d\nstdout: %s\nstderr: %s", file, rc, out, err);
    g_assert_cmpint(rc, ==, 1);
    g_assert_cmpstr(err, ==, "");
    g_assert_nonnull(strstr(out, needle));
    for (char **l = lines; *l && **l; l++)
        g_assert_true(g_str_has_prefix(*l, prefix));
    assert_unchanged(before);
}

/* A node-device document the reading verbs refuse with exit 2. */
static void bad_nodedev(Bytes doc, const char *needle)
{
    put("bad.xml", doc);
    put("guest.xml", fixture(GUEST_FIXTURE));
    refused(2, needle, "address", "bad.xml");
    refused(2, needle, "hostdev", "bad.xml");
    refused(2, needle, "hostdev", "--all-functions", "bad.xml");
    refused(2, needle, "add", "--file", "guest.xml", "bad.xml");
    refused(2, needle, "add", "--file", "guest.xml", "--in-place", "bad.xml");
    refused(2, needle, "remove", "--file", "guest.xml", "bad.xml");
    g_assert_nonnull(strstr(needle, "bad.xml"));
}

/* A domain document the editing verbs refuse with exit 2 (unreadable) and
 * validate refuses the same way. */
static void bad_domain(Bytes doc, const char *needle)
{
    put("guest.xml", doc);
    refused(2, needle, "add", "--file", "guest.xml", "03:00.0");
    refused(2, needle, "add", "--file", "guest.xml", "--in-place", "03:00.0");
    refused(2, needle, "add", "--file", "guest.xml", "--in-place", "--backup", ".orig", "03:00.0");
    refused(2, needle, "remove", "--file", "guest.xml", "06:00.0");
    refused(2, needle, "remove", "--file", "guest.xml", "--in-place", "06:00.0");
    refused(2, needle, "validate", "--file", "guest.xml");
    g_assert_nonnull(strstr(needle, "guest.xml"));
}

/* A readable domain that is already wrong: the edits warn (one stderr line
 * per problem, NEEDLE among them) and go ahead, exit 0; with --strict they
 * refuse it (exit 1, "already invalid", nothing changed); validate reports
 * NEEDLE. */
static void invalid_domain(Bytes doc, const char *needle)
{
    put("guest.xml", doc);
    const char *strict_msg = "guest.xml is already invalid before any change (--strict)";
    refused(1, strict_msg, "add", "--strict", "--file", "guest.xml", "03:00.0");
    refused(1, strict_msg, "add", "--strict", "--file", "guest.xml", "--in-place", "03:00.0");
    refused(1, strict_msg, "remove", "--strict", "--file", "guest.xml", "--in-place", "06:00.0");
    const char *argv[] = { "add", "--file", "guest.xml", "03:00.0", NULL };
    g_autoptr(GHashTable) before = snapshot();
    g_autofree char *out = NULL, *err = NULL;
    int rc = test_run(argv, NULL, &out, &err);
    g_autofree char *warning = g_strconcat("virt-hostdev: warning: guest.xml: ", NULL);
    if (rc != 0 || strstr(err, needle) == NULL)
        g_test_message("add --file guest.xml 03:00.0 -> %d\nstderr: %s", rc, err);
    g_assert_cmpint(rc, ==, 0);
    g_assert_true(g_str_has_prefix(err, warning));
    g_assert_nonnull(strstr(err, needle));
    g_assert_nonnull(strstr(out, "bus='0x03' slot='0x00' function='0x0'"));
    assert_unchanged(before);
    reported("guest.xml", needle);
}

/* A bad DEVICE argument, refused by every verb taking one. */
static void bad_argument(const char *arg, int code)
{
    put("guest.xml", fixture(GUEST_FIXTURE));
    refused(code, arg, "address", arg);
    refused(code, arg, "hostdev", arg);
    refused(code, arg, "add", "--file", "guest.xml", arg);
    refused(code, arg, "add", "--file", "guest.xml", "--in-place", arg);
    refused(code, arg, "remove", "--file", "guest.xml", "--in-place", arg);
}

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
}
