/* libFuzzer harness: node-device XML (virsh nodedev-dumpxml) -> model. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "nodedev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    Nodedev *dev = nodedev_parse((const char *)data, size, "fuzz.xml", &error);
    if ((dev == NULL) != (error != NULL))
        abort();
    if (error) {
        /* one line, naming the input, and an input error (exit 2) */
        if (strchr(error->message, '\n') || !g_str_has_prefix(error->message, "fuzz.xml") ||
            strlen(error->message) > 400 || 
            vh_error_exit_code(error) != VH_EXIT_USAGE)
            abort();
        g_error_free(error);
        return 0;
    }
    g_free(nodedev_label(dev));
    (void)nodedev_class_name(dev);
    if (dev->kind == NODEDEV_PCI && dev->problem == NULL && !pci_addr_check(&dev->pci, NULL))
        abort();
    nodedev_free(dev);
    return 0;
}
