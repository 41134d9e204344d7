/* libFuzzer harness: node-device XML -> <hostdev> emission. Every block we
 * emit for a device hostdev_check() accepts must be well-formed and pass
 * schemas/hostdev.rng, whatever the options. The first input byte picks the
 * options; the rest is the node-device document. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domedit.h"
#include "errors.h"
#include "hostdev.h"
#include "nodedev.h"
#include "validate.h"
#include "xmlutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    guint8 sel = data[0];
    g_autoptr(Nodedev) dev = nodedev_parse((const char *)data + 1, size - 1, "fuzz.xml", NULL);
    if (dev == NULL)
        return 0;

    HostdevOpts opts;
    hostdev_opts_init(&opts);
    opts.managed = !(sel & 1);
    opts.driver_vfio = (sel & 2) != 0;
    opts.rom_bar = (sel & 4) ? ((sel & 8) ? ROM_BAR_ON : ROM_BAR_OFF) : ROM_BAR_DEFAULT;
    if (sel & 16)
        opts.rom_file = g_strdup("/usr/share/roms/<odd> & 'quoted'.rom");
    opts.boot_order = (sel & 32) ? 1 : 0;
    if (sel & 64)
        opts.alias = g_strdup("ua-fuzz");
    opts.interface = (sel & 128) != 0;
    if (opts.interface) {
        opts.mac = g_strdup("52:54:00:12:34:56");
        opts.vlan = 42;
    }

    GError *error = NULL;
    if (!hostdev_check(dev, &opts, &error)) {
        if (error == NULL || strchr(error->message, '\n'))
            abort();
        g_error_free(error);
        hostdev_opts_clear(&opts);
        return 0;
    }
    HostdevBlock block = { dev, (sel & 6) == 6, { 0, 0, 0x10, 0 }, (sel & 24) == 24, NULL };
    g_autofree char *text = hostdev_format(&block, &opts, "  ", "\n");
    g_autoptr(xmlDoc) doc = validate_block(text, &error);
    if (doc == NULL) {
        /* an accepted device must give a valid block */
        abort();
    }

    /* the same through the public rendering path */
    g_autoptr(GPtrArray) devices = g_ptr_array_new();
    g_ptr_array_add(devices, dev);
    GuestPlacement placement = { GUEST_NONE, { 0 } };
    g_autoptr(GPtrArray) blocks = hostdev_render(devices, &opts, &placement, FALSE, &error);
    if (blocks == NULL)
        abort();
    hostdev_opts_clear(&opts);
    return 0;
}
