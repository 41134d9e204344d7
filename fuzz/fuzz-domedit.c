/* libFuzzer harness: offline edits of a domain document. The first two input
 * bytes pick devices, placement and options; the rest is the domain XML.
 *
 * Properties checked: an edit that succeeds renders to a document that parses
 * again with the same checks, holds the new devices, and removing them again
 * gives back the original bytes (add + remove is a byte-exact round trip). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domedit.h"
#include "domxml.h"
#include "errors.h"
#include "validate.h"
#include "xmlutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(GError *error)
{
    /* one line, and never a flood of the input's bytes */
    if (error == NULL || error->message == NULL || strchr(error->message, '\n') || strlen(error->message) > 600) {
        fprintf(stderr, "bad error: %s\n", error ? error->message : "(none)");
        abort();
    }
}

static GPtrArray *pick_devices(guint8 sel, gboolean *all_functions)
{
    GPtrArray *devices = g_ptr_array_new_with_free_func((GDestroyNotify)nodedev_free);
    static const char *const specs[] = {
        "0000:03:00.0", "01:00.0", "usb:046d:c52b", "usb:001.005", "4b20d080-1b54-4048-85b3-a6a62d165c01",
        "0000:00:02.0", "0001:40:00.0", "03:10.2",
    };
    *all_functions = FALSE;
    switch (sel & 7) {
    case 6: /* four functions of one slot, as --all-functions finds them */
        *all_functions = TRUE;
        for (guint f = 0; f < 4; f++) {
            Nodedev *d = nodedev_new(NODEDEV_PCI);
            d->pci = (PciAddr){ 0, 1, 0, f };
            g_ptr_array_add(devices, d);
        }
        return devices;
    case 7: /* two devices at once */
        g_ptr_array_add(devices, nodedev_from_spec(specs[0], NULL));
        g_ptr_array_add(devices, nodedev_from_spec(specs[2], NULL));
        return devices;
    default:
        g_ptr_array_add(devices, nodedev_from_spec(specs[sel & 7], NULL));
        return devices;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    guint8 sel = data[0], sel2 = data[1];
    const char *xml = (const char *)data + 2;
    gsize len = size - 2;

    GError *error = NULL;
    g_autoptr(DomDoc) dd = domdoc_parse(xml, len, "fuzz.xml", &error);
    if (dd == NULL) {
        check_error(error);
        g_error_free(error);
        return 0;
    }
    gboolean all_functions;
    g_autoptr(GPtrArray) devices = pick_devices(sel, &all_functions);

    HostdevOpts opts;
    hostdev_opts_init(&opts);
    opts.driver_vfio = (sel & 8) != 0;
    if (sel & 16)
        opts.alias = g_strdup("ua-fuzz");
    GuestPlacement placement = { GUEST_NONE, { 0 } };
    switch (sel2 & 3) {
    case 1: placement.mode = GUEST_AUTO; break;
    case 2: placement = (GuestPlacement){ GUEST_EXPLICIT, { 0, 0, 0x10, 0 } }; break;
    case 3: placement = (GuestPlacement){ GUEST_EXPLICIT, { 0, 1, 0, 0 } }; break;
    }

    g_autoptr(GString) notes = g_string_new(NULL);
    if (sel2 & 4) {
        /* removal straight from the input */
        if (!domedit_remove(dd, &(RemoveMatch){ devices, NULL, NULL, all_functions }, FALSE, notes, NULL, &error)) {
            check_error(error);
            g_error_free(error);
        } else {
            gsize out_len;
            g_autofree char *out = domdoc_render(dd, &out_len);
            g_autoptr(DomDoc) again = domdoc_parse(out, out_len, "removed", NULL);
            if (again == NULL)
                abort();
        }
        hostdev_opts_clear(&opts);
        return 0;
    }

    gboolean had_children = vh_xml_child(domdoc_devices(dd), NULL) != NULL;
    if (!domedit_add(dd, devices, &opts, &placement, all_functions, FALSE, notes, NULL, &error)) {
        check_error(error);
        g_error_free(error);
        hostdev_opts_clear(&opts);
        return 0;
    }
    hostdev_opts_clear(&opts);
    gsize out_len;
    g_autofree char *out = domdoc_render(dd, &out_len);

    /* the text we produced is a domain document our own checks accept */
    g_autoptr(DomDoc) added = domdoc_parse(out, out_len, "added", &error);
    if (added == NULL) {
        fprintf(stderr, "re-parse failed: %s\n", error->message);
        abort();
    }
    g_autoptr(GPtrArray) problems = validate_domain_semantics(added);
    if (problems->len > 0) {
        fprintf(stderr, "edited domain invalid: %s\n", (const char *)problems->pdata[0]);
        abort();
    }

    /* and removing what we added gives the original bytes back, except for
     * a pcie-root-port the add created */
    g_autoptr(GString) notes2 = g_string_new(NULL);
    if (!domedit_remove(added, &(RemoveMatch){ devices, NULL, NULL, all_functions }, FALSE, notes2, NULL, &error)) {
        fprintf(stderr, "remove after add failed: %s\n", error->message);
        abort();
    }
    gsize back_len;
    g_autofree char *back = domdoc_render(added, &back_len);
    /* (not when <devices> held no element: "<devices><!-- c --></devices>"
     * gets its end tag moved to a line of its own) */
    /* (nor with mixed line endings: the block takes those after <devices>) */
    gboolean crlf = g_strstr_len(xml, (gssize)len, "\r\n") != NULL;
    gboolean lf = FALSE;
    for (gsize i = 0; i < len && !lf; i++)
        lf = xml[i] == '\n' && (i == 0 || xml[i - 1] != '\r');
    if (had_children && !(crlf && lf) && strstr(notes->str, "pcie-root-port") == NULL &&
        (back_len != len || memcmp(back, xml, len) != 0)) {
        fprintf(stderr, "add + remove is not a round trip\n");
        abort();
    }
    return 0;
}
