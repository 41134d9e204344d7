/* libFuzzer harness: node-device XML -> <hostdev> emission. Every block we
 * emit for a device hostdev_check() accepts must be well-formed and pass
 * schemas/hostdev.rng, whatever the options: hostdev_render() refuses only
 * with a usage or input error. The first two input bytes pick the options
 * and placement; the rest is the node-device document. */
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
    if (size < 2)
        return 0;
    guint8 sel = data[0], sel2 = data[1];
    g_autoptr(Nodedev) dev = nodedev_parse((const char *)data + 2, size - 2, "fuzz.xml", NULL);
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
    if (opts.interface && (sel2 & 4)) {
        opts.mac = g_strdup("52:54:00:12:34:56");
        opts.vlan = 42;
    }
    GuestPlacement placement = { GUEST_NONE, { 0 } };
    if (sel2 & 1)
        placement = (GuestPlacement){ GUEST_EXPLICIT, { 0, 0, 0x10, (sel2 & 2) ? 3 : 0 } };

    /* the verb's path: every refusal is the user's (exit 2), never a block
     * of ours that fails our own schema */
    g_autoptr(GPtrArray) devices = g_ptr_array_new();
    g_ptr_array_add(devices, dev);
    GError *error = NULL;
    g_autoptr(GPtrArray) blocks = hostdev_render(devices, &opts, &placement, (sel2 & 8) != 0, &error);
    if (blocks == NULL) {
        /* (a block failing hostdev.rng is VH_ERROR_FAILED, exit 1) */
        if (error == NULL || strchr(error->message, '\n') || vh_error_exit_code(error) != VH_EXIT_USAGE) {
            fprintf(stderr, "refused: %s\n", error ? error->message : "(no error)");
            abort();
        }
        g_error_free(error);
    } else {
        for (guint i = 0; i < blocks->len; i++) {
            g_autoptr(xmlDoc) doc = vh_xml_parse(blocks->pdata[i], strlen(blocks->pdata[i]), "block", NULL);
            if (doc == NULL)
                abort();
        }
    }
    hostdev_opts_clear(&opts);
    return 0;
}
