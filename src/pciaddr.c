#include "pciaddr.h"

#include <string.h>

#include "errors.h"

#define shown vh_error_quote

#define PCI_SYNTAX "expected [DDDD:]BB:SS.F in hex, e.g. 0000:03:00.0"

static const struct {
    const char *name;
    guint max;
    int width;
} pci_fields[] = {
    { "domain", PCI_DOMAIN_MAX, 4 },
    { "bus", PCI_BUS_MAX, 2 },
    { "slot", PCI_SLOT_MAX, 2 },
    { "function", PCI_FUNCTION_MAX, 1 },
};

static guint *pci_field(PciAddr *addr, int i)
{
    guint *fields[] = { &addr->domain, &addr->bus, &addr->slot, &addr->function };
    return fields[i];
}

static guint pci_field_value(const PciAddr *addr, int i)
{
    return *pci_field((PciAddr *)addr, i);
}

gboolean pci_addr_check(const PciAddr *addr, GError **error)
{
    for (int i = 0; i < 4; i++) {
        guint v = pci_field_value(addr, i);
        if (v > pci_fields[i].max) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                        "%s 0x%x is out of range (0x0-0x%x)",
                        pci_fields[i].name, v, pci_fields[i].max);
            return FALSE;
        }
    }
    return TRUE;
}

/* Read hex digits at *p; values beyond 32 bits saturate so that range checks
 * report them instead of wrapping around. */
static gboolean read_hex(const char **p, guint *value)
{
    const char *s = *p;
    guint64 v = 0;
    while (g_ascii_isxdigit(*s)) {
        v = v * 16 + (guint64)g_ascii_xdigit_value(*s);
        if (v > G_MAXUINT)
            v = G_MAXUINT;
        s++;
    }
    if (s == *p)
        return FALSE;
    *value = (guint)v;
    *p = s;
    return TRUE;
}

/* An out-of-range hex address whose parts are all decimal digits was most
 * likely copied from decimal components (nodedev XML's <slot>26</slot>):
 * the `address` arguments that convert them, e.g. "0 26 7", or NULL when
 * the parts are not decimal or out of range read as decimal too. */
static char *decimal_reading(const char *text)
{
    g_auto(GStrv) parts = g_strsplit_set(text, ":.", 4);
    guint n = g_strv_length(parts);
    if (n != 3 && n != 4)
        return NULL;
    g_autoptr(GString) args = g_string_new(NULL);
    for (guint i = 0; i < n; i++) {
        guint64 v;
        if (!g_ascii_string_to_unsigned(parts[i], 10, 0, pci_fields[4 - n + i].max, &v, NULL))
            return NULL;
        g_string_append_printf(args, "%s%u", i ? " " : "", (guint)v);
    }
    return g_string_free(g_steal_pointer(&args), FALSE);
}

static gboolean pci_addr_range_error(const char *text, const PciAddr *addr, GError **error)
{
    g_autoptr(GError) range = NULL;
    if (pci_addr_check(addr, &range))
        return TRUE;
    g_autofree char *t = shown(text);
    g_autofree char *decimal = decimal_reading(text);
    g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "PCI address '%s': %s%s%s%s", t, range->message,
                decimal ? "; if these numbers are decimal, convert them with 'virt-hostdev address " : "",
                decimal ? decimal : "", decimal ? "'" : "");
    return FALSE;
}

gboolean pci_addr_parse(const char *text, PciAddr *addr, GError **error)
{
    guint parts[4];
    int nparts = 0;
    const char *p = text;
    char seps[3] = { 0 };
    g_autofree char *t = text ? shown(text) : NULL;

    if (text == NULL || *text == '\0') {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "empty PCI address: " PCI_SYNTAX);
        return FALSE;
    }
    while (nparts < 4) {
        if (*p == '-' || *p == '+') {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                        "invalid PCI address '%s': signs are not allowed; " PCI_SYNTAX, t);
            return FALSE;
        }
        if (!read_hex(&p, &parts[nparts])) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                        "invalid PCI address '%s': " PCI_SYNTAX, t);
            return FALSE;
        }
        nparts++;
        if (*p == ':' || *p == '.') {
            if (nparts > 3)
                break;
            seps[nparts - 1] = *p++;
            continue;
        }
        break;
    }
    if (*p != '\0') {
        g_autofree char *rest = shown(p);
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "invalid PCI address '%s': unexpected '%s' at the end; " PCI_SYNTAX, t, rest);
        return FALSE;
    }
    if (nparts == 4 && seps[0] == ':' && seps[1] == ':' && seps[2] == '.') {
        *addr = (PciAddr){ parts[0], parts[1], parts[2], parts[3] };
    } else if (nparts == 3 && seps[0] == ':' && seps[1] == '.') {
        *addr = (PciAddr){ 0, parts[0], parts[1], parts[2] };
    } else {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "invalid PCI address '%s': " PCI_SYNTAX, t);
        return FALSE;
    }
    return pci_addr_range_error(text, addr, error);
}

gboolean pci_addr_looks_like(const char *text)
{
    /* hex digits, colons and one dot, with a colon before the dot */
    const char *colon = strchr(text, ':');
    const char *dot = strrchr(text, '.');
    if (colon == NULL || dot == NULL || dot < colon)
        return FALSE;
    for (const char *s = text; *s; s++)
        if (!g_ascii_isxdigit(*s) && *s != ':' && *s != '.' && *s != '-')
            return FALSE;
    return TRUE;
}

gboolean pci_addr_parse_nodedev_name(const char *name, PciAddr *addr, GError **error)
{
    const char *p;
    guint parts[4];
    g_autofree char *t = shown(name);

    if (!g_str_has_prefix(name, "pci_")) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "'%s' is not a PCI node-device name (pci_DDDD_BB_SS_F)", t);
        return FALSE;
    }
    p = name + 4;
    for (int i = 0; i < 4; i++) {
        if (!read_hex(&p, &parts[i]) || (i < 3 && *p++ != '_')) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                        "'%s' is not a PCI node-device name (pci_DDDD_BB_SS_F)", t);
            return FALSE;
        }
    }
    if (*p != '\0') {
        g_autofree char *rest = shown(p);
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "'%s' is not a PCI node-device name: unexpected '%s' at the end", t, rest);
        return FALSE;
    }
    *addr = (PciAddr){ parts[0], parts[1], parts[2], parts[3] };
    return pci_addr_range_error(name, addr, error);
}

/* g_ascii_(x)digit_value() without a call per character: every address
 * attribute of every document comes through here */
static inline int digit_value(char c, guint base)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (base == 16 && c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Why TEXT is not a number: BAD is where its digits went wrong (NULL when
 * they did not, and the value was over MAX). */
static gboolean number_error(const char *text, const char *bad, gboolean hex, const char *what, guint max,
                             gboolean hex_only_with_prefix, GError **error)
{
    g_autofree char *t = shown(text);
    if (*text == '-')
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s '%s': negative numbers are not allowed", what, t);
    else if (bad && *bad == '\0')
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s '%s': no digits", what, t);
    else if (bad && !hex && hex_only_with_prefix && g_ascii_isxdigit(*bad))
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s '%s' is not a decimal number (write hex as 0x%s)", what, t,
                    t);
    else if (bad) {
        g_autofree char *rest = shown(bad);
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s '%s': unexpected '%s'", what, t, rest);
    } else
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s '%s' is out of range (0-%u, 0x0-0x%x)", what, t, max, max);
    return FALSE;
}

/* Nothing is allocated unless TEXT is refused: this runs for every address
 * attribute of every document. */
static gboolean parse_unsigned(const char *text, const char *what, guint max, gboolean hex_only_with_prefix,
                               guint *value, GError **error)
{
    if (text == NULL || *text == '\0') {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: empty value", what);
        return FALSE;
    }
    gboolean hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    guint base = hex ? 16 : 10;
    const char *digits = hex ? text + 2 : text;
    if (*digits == '\0' || *text == '-')
        return number_error(text, digits, hex, what, max, hex_only_with_prefix, error);
    guint64 v = 0;
    for (const char *s = digits; *s; s++) {
        int d = digit_value(*s, base);
        if (d < 0)
            return number_error(text, s, hex, what, max, hex_only_with_prefix, error);
        v = v * base + (guint)d;
        if (v > G_MAXUINT)
            v = G_MAXUINT;
    }
    if (v > max)
        return number_error(text, NULL, hex, what, max, hex_only_with_prefix, error);
    *value = (guint)v;
    return TRUE;
}

gboolean pci_number_parse(const char *text, const char *what, guint max, guint *value, GError **error)
{
    return parse_unsigned(text, what, max, TRUE, value, error);
}

gboolean pci_attr_parse(const char *text, const char *what, guint max, guint *value, GError **error)
{
    return parse_unsigned(text, what, max, FALSE, value, error);
}

char *pci_addr_format(const PciAddr *a, PciFormat format)
{
    switch (format) {
    case PCI_FORMAT_PCI:
        return g_strdup_printf("%04x:%02x:%02x.%x", a->domain, a->bus, a->slot, a->function);
    case PCI_FORMAT_NAME:
        return g_strdup_printf("pci_%04x_%02x_%02x_%x", a->domain, a->bus, a->slot, a->function);
    case PCI_FORMAT_ATTRS:
        return g_strdup_printf("domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'",
                               a->domain, a->bus, a->slot, a->function);
    case PCI_FORMAT_XML:
        return g_strdup_printf("<address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>",
                               a->domain, a->bus, a->slot, a->function);
    }
    g_return_val_if_reached(NULL);
}

gboolean pci_format_parse(const char *text, PciFormat *format, GError **error)
{
    g_autofree char *t = shown(text);
    static const char *const names[] = { "pci", "name", "xml", "attrs" };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        if (g_strcmp0(text, names[i]) == 0) {
            *format = (PciFormat)i;
            return TRUE;
        }
    }
    g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                "unknown --format '%s' (expected pci, name, xml or attrs)", t);
    return FALSE;
}

gboolean pci_addr_equal(const PciAddr *a, const PciAddr *b)
{
    return pci_addr_compare(a, b) == 0;
}

gboolean pci_addr_same_slot(const PciAddr *a, const PciAddr *b)
{
    return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot;
}

guint32 pci_addr_key(const PciAddr *a)
{
    return (guint32)(a->domain << 16 | a->bus << 8 | a->slot << 3 | a->function);
}

int pci_addr_compare(const PciAddr *a, const PciAddr *b)
{
    guint32 ka = pci_addr_key(a), kb = pci_addr_key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
}

gboolean usb_busdev_parse(const char *text, guint *bus, guint *device, GError **error)
{
    /* messages name the argument as given: usb:BBB.DDD */
    g_autofree char *t = shown(text);
    g_auto(GStrv) parts = g_strsplit(text, ".", -1);
    if (g_strv_length(parts) != 2) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "invalid USB bus.device 'usb:%s': expected BBB.DDD (decimal, as lsusb prints)", t);
        return FALSE;
    }
    g_autoptr(GError) part_error = NULL;
    if (!parse_unsigned(parts[0], "bus", 255, TRUE, bus, &part_error) ||
        !parse_unsigned(parts[1], "device", 255, TRUE, device, &part_error)) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "invalid USB bus.device 'usb:%s': %s", t, part_error->message);
        return FALSE;
    }
    if (*bus == 0 || *device == 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "invalid USB bus.device 'usb:%s': bus and device numbers start at 1", t);
        return FALSE;
    }
    return TRUE;
}

static gboolean parse_hex4(const char *s, guint *value)
{
    if (strlen(s) != 4)
        return FALSE;
    const char *p = s;
    return read_hex(&p, value) && *p == '\0';
}

gboolean usb_ids_parse(const char *text, guint *vendor, guint *product, GError **error)
{
    g_autofree char *t = shown(text);
    g_auto(GStrv) parts = g_strsplit(text, ":", -1);
    if (g_strv_length(parts) != 2 || !parse_hex4(parts[0], vendor) || !parse_hex4(parts[1], product)) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "invalid USB vendor:product 'usb:%s': expected VVVV:PPPP in hex, e.g. 046d:c52b", t);
        return FALSE;
    }
    return TRUE;
}

gboolean uuid_is_valid(const char *text)
{
    static const int groups[] = { 8, 4, 4, 4, 12 };
    const char *p = text;
    for (guint g = 0; g < G_N_ELEMENTS(groups); g++) {
        for (int i = 0; i < groups[g]; i++, p++)
            if (!g_ascii_isxdigit(*p))
                return FALSE;
        if (g + 1 < G_N_ELEMENTS(groups) && *p++ != '-')
            return FALSE;
    }
    return *p == '\0';
}

gboolean pci_addr_parse_guest(const char *text, PciAddr *addr, GError **error)
{
    if (pci_addr_looks_like(text))
        return pci_addr_parse(text, addr, error);
    memset(addr, 0, sizeof(*addr));
    g_auto(GStrv) parts = g_strsplit(text, ",", -1);
    for (char **p = parts; *p; p++) {
        g_auto(GStrv) kv = g_strsplit(g_strstrip(*p), "=", 2);
        guint *field = NULL, max = 0;
        if (kv[0] == NULL || kv[1] == NULL) {
            field = NULL;
        } else if (strcmp(kv[0], "domain") == 0) {
            field = &addr->domain, max = PCI_DOMAIN_MAX;
        } else if (strcmp(kv[0], "bus") == 0) {
            field = &addr->bus, max = PCI_BUS_MAX;
        } else if (strcmp(kv[0], "slot") == 0) {
            field = &addr->slot, max = PCI_SLOT_MAX;
        } else if (strcmp(kv[0], "function") == 0) {
            field = &addr->function, max = PCI_FUNCTION_MAX;
        }
        if (field == NULL) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                        "--guest-address '%s': expected 0000:00:05.0 or bus=0,slot=5,function=0", text);
            return FALSE;
        }
        if (!pci_attr_parse(kv[1], kv[0], max, field, error)) {
            g_prefix_error(error, "--guest-address '%s': ", text);
            return FALSE;
        }
    }
    return TRUE;
}
