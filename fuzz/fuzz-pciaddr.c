/* libFuzzer harness: every textual address and device-name parser. An
 * address that parses must format and parse back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "nodedev.h"
#include "pciaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const PciAddr *a)
{
    static const PciFormat text_forms[] = { PCI_FORMAT_PCI, PCI_FORMAT_NAME };
    for (guint i = 0; i < G_N_ELEMENTS(text_forms); i++) {
        g_autofree char *text = pci_addr_format(a, text_forms[i]);
        PciAddr back;
        gboolean ok = text_forms[i] == PCI_FORMAT_PCI ? pci_addr_parse(text, &back, NULL)
                                                       : pci_addr_parse_nodedev_name(text, &back, NULL);
        if (!ok || !pci_addr_equal(a, &back))
            abort();
    }
    g_free(pci_addr_format(a, PCI_FORMAT_ATTRS));
    g_free(pci_addr_format(a, PCI_FORMAT_XML));
}

static void check_error(gboolean ok, GError *error)
{
    /* a refusal always says why (arguments are echoed as given: the one
     * place that prints errors, main.c, escapes control characters) */
    if (ok != (error == NULL))
        abort();
    if (error && (error->message == NULL || *error->message == '\0'))
        abort();
    if (error && vh_error_exit_code(error) != VH_EXIT_USAGE)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    g_autofree char *text = g_strndup((const char *)data, size);
    PciAddr a;
    guint v, w;
    GError *error = NULL;

    gboolean ok = pci_addr_parse(text, &a, &error);
    check_error(ok, error);
    g_clear_error(&error);
    if (ok) {
        if (!pci_addr_check(&a, NULL))
            abort();
        round_trip(&a);
    }
    ok = pci_addr_parse_nodedev_name(text, &a, &error);
    check_error(ok, error);
    g_clear_error(&error);
    if (ok)
        round_trip(&a);
    (void)pci_addr_looks_like(text);

    ok = pci_number_parse(text, "bus", PCI_BUS_MAX, &v, &error);
    check_error(ok, error);
    g_clear_error(&error);
    if (ok && v > PCI_BUS_MAX)
        abort();
    ok = pci_attr_parse(text, "domain", PCI_DOMAIN_MAX, &v, &error);
    check_error(ok, error);
    g_clear_error(&error);
    if (ok && v > PCI_DOMAIN_MAX)
        abort();
    ok = usb_busdev_parse(text, &v, &w, &error);
    check_error(ok, error);
    g_clear_error(&error);
    ok = usb_ids_parse(text, &v, &w, &error);
    check_error(ok, error);
    g_clear_error(&error);
    (void)uuid_is_valid(text);

    PciFormat format;
    ok = pci_format_parse(text, &format, &error);
    check_error(ok, error);
    g_clear_error(&error);

    DevSpecKind kind = devspec_classify(text);
    if (kind != DEVSPEC_XML && kind != DEVSPEC_NODEDEV_NAME) {
        Nodedev *dev = nodedev_from_spec(text, &error);
        check_error(dev != NULL, error);
        g_clear_error(&error);
        if (dev) {
            g_free(nodedev_label(dev));
            (void)nodedev_class_name(dev);
            nodedev_free(dev);
        }
    }
    return 0;
}
