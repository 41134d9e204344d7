/* nova-config DEVICE… --alias NAME: the OpenStack nova.conf [pci] lines that
 * offer the devices (device_spec) and name them for flavors (alias); the
 * rules are nova.c's. export nova prints the same through nova_cli_write. */
#include <string.h>

#include "aliases.h"
#include "cli.h"
#include "errors.h"
#include "fleet.h"
#include "nova.h"
#include "resolve.h"

static struct {
    char *alias;
    gboolean legacy;
    char *physnet;
    char *flavor;
    char *count;
} nova;

static const GOptionEntry alias_entries[] = {
    { "alias", 0, 0, G_OPTION_ARG_STRING, &nova.alias, "the alias name flavors ask for (required)", "NAME" },
    { "all-functions", 0, 0, G_OPTION_ARG_NONE, &hostdev_cli.all_functions,
      "every function of the device's slot, each under its own alias", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

const GOptionEntry nova_entries[] = {
    { "legacy", 0, 0, G_OPTION_ARG_NONE, &nova.legacy,
      "write passthrough_whitelist (nova before Zed) instead of device_spec", NULL },
    { "physnet", 0, 0, G_OPTION_ARG_STRING, &nova.physnet,
      "the neutron physical network of the SR-IOV VFs (physical_network)", "NAME" },
    { "flavor-property", 0, 0, G_OPTION_ARG_STRING, &nova.flavor,
      "also print the openstack command that makes FLAVOR ask for the aliases", "FLAVOR" },
    { "count", 0, 0, G_OPTION_ARG_STRING, &nova.count, "devices of each alias per instance (default 1)", "N" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const nova_options[] = { alias_entries, nova_entries, NULL };

gboolean nova_cli_used(void)
{
    return nova.legacy || nova.physnet || nova.flavor || nova.count;
}

int nova_cli_write(GPtrArray *devices, char **specs, const char *alias, GError **error)
{
    guint count = 1;
    if (nova.count) {
        if (!nova.flavor) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--count applies to --flavor-property FLAVOR");
            return VH_EXIT_USAGE;
        }
        if (!pci_number_parse(nova.count, "--count", 1024, &count, error))
            return VH_EXIT_USAGE;
        if (count == 0) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--count must be at least 1");
            return VH_EXIT_USAGE;
        }
    }
    if (!fleet_check_pci(devices, specs, "nova", error))
        return vh_error_exit_code(*error);
    NovaOptions opts = { alias, nova.legacy, nova.physnet, nova.flavor, count };
    g_autoptr(NovaConfig) config = nova_config_new(devices, &opts, error);
    if (config == NULL)
        return vh_error_exit_code(*error);
    if (global_opts.json) {
        g_autoptr(VhJson) b = vh_json_new();
        nova_config_json(config, b);
        return cli_write_json(b, error) ? VH_EXIT_OK : VH_EXIT_FAILED;
    }
    g_autofree char *text = nova_config_text(config);
    return cli_write_stdout(text, strlen(text), error) ? VH_EXIT_OK : VH_EXIT_FAILED;
}

static int run_nova_config(char **args, GError **error)
{
    if (nova.alias == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "nova-config needs --alias NAME");
        return VH_EXIT_USAGE;
    }
    if (!alias_name_check(nova.alias, error))
        return VH_EXIT_USAGE;
    Host host = { 0 };
    ResolveFlags flags = hostdev_cli.all_functions ? RESOLVE_ALL_FUNCTIONS : 0;
    g_autoptr(GPtrArray) devices = resolve_devices_open(&host, args, flags, error);
    int rc = devices ? nova_cli_write(devices, args, nova.alias, error) : vh_error_exit_code(*error);
    host_clear(&host);
    return rc;
}

const VerbDef verb_nova_config = {
    .name = "nova-config",
    .params = "--alias NAME DEVICE...",
    .summary = "print OpenStack nova [pci] device_spec and alias lines for devices",
    .options = nova_options,
    .run = run_nova_config,
};
