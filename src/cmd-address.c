/* address DEVICE… | address [DOMAIN] BUS SLOT FUNCTION */
#include "jsonw.h"
#include <string.h>

#include "cli.h"
#include "errors.h"
#include "resolve.h"

static char *opt_format;

static const GOptionEntry address_entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, "output form (default pci: 0000:03:00.0)", "pci|name|xml|attrs" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const address_options[] = { address_entries, NULL };

/* Numeric components are words without ':' or '.' ("0", "26", "0x1a", "-1"). */
static gboolean is_component(const char *arg)
{
    return strpbrk(arg, ":._/") == NULL && !g_str_has_suffix(arg, ".xml") &&
           strspn(arg, "0123456789abcdefABCDEFxX-+") == strlen(arg);
}

static gboolean parse_components(char **args, guint n, PciAddr *addr, GError **error)
{
    static const char *const names[] = { "domain", "bus", "slot", "function" };
    static const guint maxima[] = { PCI_DOMAIN_MAX, PCI_BUS_MAX, PCI_SLOT_MAX, PCI_FUNCTION_MAX };
    guint v[4] = { 0 };
    guint first = 4 - n;
    for (guint i = 0; i < n; i++)
        if (!pci_number_parse(args[i], names[first + i], maxima[first + i], &v[first + i], error))
            return FALSE;
    *addr = (PciAddr){ v[0], v[1], v[2], v[3] };
    return TRUE;
}

static void address_json(VhJson *b, const PciAddr *a)
{
    g_autofree char *pci = pci_addr_format(a, PCI_FORMAT_PCI);
    g_autofree char *name = pci_addr_format(a, PCI_FORMAT_NAME);
    vh_json_begin_object(b);
    vh_json_member(b, "address");
    vh_json_string(b, pci);
    vh_json_member(b, "name");
    vh_json_string(b, name);
    vh_json_member(b, "domain");
    vh_json_int(b, a->domain);
    vh_json_member(b, "bus");
    vh_json_int(b, a->bus);
    vh_json_member(b, "slot");
    vh_json_int(b, a->slot);
    vh_json_member(b, "function");
    vh_json_int(b, a->function);
    vh_json_end_object(b);
}

/* The PCI address of each DEVICE argument. */
static gboolean device_addresses(Host *host, char **args, GArray *addrs, GError **error)
{
    g_autoptr(GPtrArray) devices = resolve_devices_open(host, args, RESOLVE_REPEATS, error);
    if (devices == NULL)
        return FALSE;
    for (guint i = 0; i < devices->len; i++) {
        const Nodedev *dev = devices->pdata[i];
        if (dev->problem) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s", dev->problem);
            return FALSE;
        }
        if (dev->kind != NODEDEV_PCI) {
            g_autofree char *label = nodedev_label(dev);
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s (%s) has no PCI address", args[i], label);
            return FALSE;
        }
        g_array_append_val(addrs, dev->pci);
    }
    return TRUE;
}

static int run_address(char **args, GError **error)
{
    PciFormat format = PCI_FORMAT_PCI;
    guint n = g_strv_length(args);
    g_autoptr(GArray) addrs = g_array_new(FALSE, FALSE, sizeof(PciAddr));

    if (opt_format && !pci_format_parse(opt_format, &format, error))
        return VH_EXIT_USAGE;
    if (n == 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "address needs a DEVICE or [DOMAIN] BUS SLOT FUNCTION");
        return VH_EXIT_USAGE;
    }
    gboolean numeric = (n == 3 || n == 4);
    for (guint i = 0; numeric && i < n; i++)
        numeric = is_component(args[i]);
    if (numeric) {
        PciAddr a;
        if (!parse_components(args, n, &a, error))
            return VH_EXIT_USAGE;
        g_array_append_val(addrs, a);
    } else {
        Host host = { 0 };
        gboolean ok = device_addresses(&host, args, addrs, error);
        host_clear(&host);
        if (!ok)
            return vh_error_exit_code(*error);
    }

    g_autoptr(GString) out = g_string_new(NULL);
    if (global_opts.json) {
        g_autoptr(VhJson) b = vh_json_new();
        vh_json_begin_object(b);
        vh_json_member(b, "addresses");
        vh_json_begin_array(b);
        for (guint i = 0; i < addrs->len; i++)
            address_json(b, &g_array_index(addrs, PciAddr, i));
        vh_json_end_array(b);
        vh_json_end_object(b);
        const char *text = vh_json_text(b);
        g_string_append_printf(out, "%s\n", text);
    } else {
        for (guint i = 0; i < addrs->len; i++) {
            g_autofree char *text = pci_addr_format(&g_array_index(addrs, PciAddr, i), format);
            g_string_append_printf(out, "%s\n", text);
        }
    }
    return cli_write_stdout(out->str, out->len, error) ? VH_EXIT_OK : VH_EXIT_FAILED;
}

const VerbDef verb_address = {
    .name = "address",
    .params = "DEVICE... | [DOMAIN] BUS SLOT FUNCTION",
    .summary = "print a device's normalized PCI address (decimal components are converted)",
    .options = address_options,
    .run = run_address,
};
