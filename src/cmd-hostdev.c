/* hostdev DEVICE…: print the <hostdev> / <interface> blocks */
#include <string.h>

#include "cli.h"
#include "editjson.h"
#include "errors.h"
#include "resolve.h"

static const GOptionEntry *const hostdev_options[] = { hostdev_entries, NULL };

static int run_hostdev(char **args, GError **error)
{
    HostdevOpts opts;
    GuestPlacement placement;
    if (!hostdev_cli_parse(&opts, &placement, error))
        return VH_EXIT_USAGE;
    if (!hostdev_cli_check_libvirt(&opts, FALSE, error)) {
        hostdev_opts_clear(&opts);
        return VH_EXIT_FAILED;
    }
    Host host = { 0 };
    g_autoptr(GPtrArray) devices =
        resolve_devices_open(&host, args, hostdev_cli.all_functions ? RESOLVE_ALL_FUNCTIONS : 0, error);
    if (devices && !hostdev_cli_check_devices(devices, error))
        g_clear_pointer(&devices, g_ptr_array_unref);
    g_autoptr(GPtrArray) blocks =
        devices ? hostdev_render(devices, &opts, &placement, hostdev_cli.all_functions, error) : NULL;
    hostdev_opts_clear(&opts);
    host_clear(&host);  /* the array outlives it: only its length is read */
    if (devices == NULL)
        return vh_error_exit_code(*error);
    if (blocks == NULL)
        return VH_EXIT_FAILED;
    if (hostdev_cli.all_functions && placement.mode == GUEST_NONE && devices->len > 1)
        cli_note("%u functions emitted without a guest address: add them with 'add', or give "
                 "--guest-address, to keep them in one guest slot", devices->len);
    if (global_opts.json) {
        g_autofree char *json = editjson_hostdevs(blocks, error);
        return json && cli_write_stdout(json, strlen(json), error) ? VH_EXIT_OK : VH_EXIT_FAILED;
    }
    g_autoptr(GString) out = g_string_new(NULL);
    for (guint i = 0; i < blocks->len; i++)
        g_string_append_printf(out, "%s\n", (const char *)blocks->pdata[i]);
    return cli_write_stdout(out->str, out->len, error) ? VH_EXIT_OK : VH_EXIT_FAILED;
}

const VerbDef verb_hostdev = {
    .name = "hostdev",
    .params = "DEVICE...",
    .summary = "print <hostdev> (or <interface type='hostdev'>) elements for devices",
    .options = hostdev_options,
    .run = run_hostdev,
};
