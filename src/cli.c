#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "fileio.h"
#include "validate.h"
#include "virt-loader.h"

GlobalOpts global_opts;

/* -c URI: the first one is the connection; every one is kept for the verbs
 * that read several hosts (main refuses a second -c for the others). */
static gboolean add_connect(const char *option, const char *value, gpointer data, GError **error)
{
    (void)option, (void)data, (void)error;
    if (global_opts.connects == NULL)
        global_opts.connects = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(global_opts.connects, g_strdup(value));
    if (global_opts.connect == NULL)
        global_opts.connect = g_strdup(value);
    return TRUE;
}

const GOptionEntry global_entries[] = {
    { "connect", 'c', 0, G_OPTION_ARG_CALLBACK, (gpointer)add_connect,
      "libvirt URI (default: $LIBVIRT_DEFAULT_URI, then libvirt's default)", "URI" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &global_opts.json, "one JSON document on stdout", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &global_opts.quiet, "no notes on stderr, only errors", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &global_opts.verbose, "explain more on stderr", NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &global_opts.help, "show help", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &global_opts.version, "print the version", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

HostdevCli hostdev_cli;

const GOptionEntry hostdev_entries[] = {
    { "managed", 0, 0, G_OPTION_ARG_STRING, &hostdev_cli.managed,
      "yes: libvirt detaches and reattaches the device (default); no: you do", "yes|no" },
    { "driver", 0, 0, G_OPTION_ARG_STRING, &hostdev_cli.driver, "write <driver name='vfio'/>", "vfio" },
    { "driver-model", 0, 0, G_OPTION_ARG_STRING, &hostdev_cli.driver_model,
      "VFIO variant driver, as <driver model='NAME'/> (libvirt >= 10.0)", "NAME" },
    { "guest-address", 0, 0, G_OPTION_ARG_STRING, &hostdev_cli.guest_address,
      "pin the guest PCI address, or pick a free one", "ADDR|auto" },
    { "rom-bar", 0, 0, G_OPTION_ARG_STRING, &hostdev_cli.rom_bar, "show the device's ROM BAR to the guest", "on|off" },
    { "rom-file", 0, 0, G_OPTION_ARG_FILENAME, &hostdev_cli.rom_file, "ROM image to present instead", "PATH" },
    { "boot-order", 0, 0, G_OPTION_ARG_STRING, &hostdev_cli.boot_order, "boot from this device, at position N", "N" },
    { "alias", 0, 0, G_OPTION_ARG_STRING, &hostdev_cli.alias, "libvirt user alias (ua- is prepended)", "NAME" },
    { "all-functions", 0, 0, G_OPTION_ARG_NONE, &hostdev_cli.all_functions,
      "every function of the device's slot, in one guest slot", NULL },
    { "interface", 0, 0, G_OPTION_ARG_NONE, &hostdev_cli.interface,
      "an SR-IOV VF as <interface type='hostdev'>", NULL },
    { "mac", 0, 0, G_OPTION_ARG_STRING, &hostdev_cli.mac, "MAC address of the VF interface", "MAC" },
    { "vlan", 0, 0, G_OPTION_ARG_STRING, &hostdev_cli.vlan, "VLAN tag of the VF interface", "ID" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

EditCli edit_cli;

const GOptionEntry edit_entries[] = {
    { "file", 'f', 0, G_OPTION_ARG_FILENAME, &edit_cli.file, "edit a domain XML file ('-': stdin) instead of a domain", "FILE" },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &edit_cli.dry_run, "print the resulting domain XML, change nothing", NULL },
    { "diff", 0, 0, G_OPTION_ARG_NONE, &edit_cli.diff, "print a unified diff of the change, change nothing", NULL },
    { "in-place", 'i', 0, G_OPTION_ARG_NONE, &edit_cli.in_place, "replace FILE atomically", NULL },
    { "backup", 0, 0, G_OPTION_ARG_STRING, &edit_cli.backup, "with --in-place, keep the old file as FILE+SUFFIX", "SUFFIX" },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &edit_cli.strict, "also validate against libvirt's full domain.rng", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &edit_cli.force, "allow what a check refused (never an address collision)", NULL },
    { "config", 0, 0, G_OPTION_ARG_NONE, &edit_cli.config, "change the persistent definition (default)", NULL },
    { "live", 0, 0, G_OPTION_ARG_NONE, &edit_cli.live, "change the running domain", NULL },
    { "current", 0, 0, G_OPTION_ARG_NONE, &edit_cli.current, "change the current state of the domain", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

HostCli host_cli;

const GOptionEntry root_entries[] = {
    { "root", 0, 0, G_OPTION_ARG_FILENAME, &host_cli.root,
      "read the host's proc/ and sys/ under DIR for host-critical devices (default: / for a local URI)", "DIR" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

const GOptionEntry host_critical_entries[] = {
    { "allow-host-critical", 0, 0, G_OPTION_ARG_NONE, &host_cli.allow_host_critical,
      "give away a device the host itself needs (its root disk, swap, default route, console), with a warning",
      NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

const VerbDef *const verb_table[] = {
    &verb_list, &verb_show, &verb_address, &verb_hostdev, &verb_add, &verb_remove, &verb_detach, &verb_reattach,
    &verb_validate, &verb_verify, &verb_remap, &verb_check, &verb_generate, &verb_templates, &verb_nova_config,
    &verb_export, &verb_complete, NULL,
};

const VerbDef *verb_find(const char *name)
{
    for (const VerbDef *const *v = verb_table; *v; v++)
        if (g_strcmp0((*v)->name, name) == 0)
            return *v;
    return NULL;
}

static gboolean parse_on_off(const char *value, const char *option, const char *on, const char *off,
                             gboolean *out, GError **error)
{
    if (g_strcmp0(value, on) == 0)
        *out = TRUE;
    else if (g_strcmp0(value, off) == 0)
        *out = FALSE;
    else {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "%s '%s': expected %s or %s", option, value, on, off);
        return FALSE;
    }
    return TRUE;
}

gboolean hostdev_cli_parse(HostdevOpts *opts, GuestPlacement *placement, GError **error)
{
    const HostdevCli *c = &hostdev_cli;
    hostdev_opts_init(opts);
    if (c->managed && !parse_on_off(c->managed, "--managed", "yes", "no", &opts->managed, error))
        return FALSE;
    if (c->driver) {
        if (g_strcmp0(c->driver, "vfio") != 0) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--driver '%s': only vfio is supported", c->driver);
            return FALSE;
        }
        opts->driver_vfio = TRUE;
    }
    if (c->driver_model) {
        if (!g_regex_match_simple("^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$", c->driver_model, 0, 0)) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                        "--driver-model '%s': expected a driver name (letters, digits, _ . + -), e.g. mlx5_vfio_pci",
                        c->driver_model);
            return FALSE;
        }
        opts->driver_model = g_strdup(c->driver_model);
    }
    if (c->rom_bar) {
        gboolean on;
        if (!parse_on_off(c->rom_bar, "--rom-bar", "on", "off", &on, error))
            return FALSE;
        opts->rom_bar = on ? ROM_BAR_ON : ROM_BAR_OFF;
    }
    if (c->rom_file) {
        if (!g_path_is_absolute(c->rom_file)) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--rom-file '%s' must be an absolute path", c->rom_file);
            return FALSE;
        }
        opts->rom_file = g_strdup(c->rom_file);
    }
    if (c->boot_order) {
        if (!pci_number_parse(c->boot_order, "--boot-order", 65535, &opts->boot_order, error))
            return FALSE;
        if (opts->boot_order == 0) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--boot-order starts at 1");
            return FALSE;
        }
    }
    if (c->alias && !hostdev_alias_normalize(c->alias, &opts->alias, error))
        return FALSE;
    opts->interface = c->interface;
    if (c->mac && !hostdev_mac_normalize(c->mac, &opts->mac, error))
        return FALSE;
    if (c->vlan) {
        guint vlan;
        if (!pci_number_parse(c->vlan, "--vlan", 4095, &vlan, error))
            return FALSE;
        opts->vlan = (gint)vlan;
    }
    return guest_placement_parse(c->guest_address, placement, error);
}

gboolean hostdev_cli_check_libvirt(const HostdevOpts *opts, gboolean connects, GError **error)
{
    if (opts->driver_model == NULL)
        return TRUE;
    if (connects || global_opts.connect) {
        VirtConn *conn;
        const VirtBackend *virt = virt_connect(global_opts.connect, &conn, error);
        guint64 v = 0;
        if (virt == NULL || !virt->lib_version(conn, &v, error))
            return FALSE;
        if (v >= 10000000)
            return TRUE;
        g_autofree char *uri = virt->uri(conn);
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "--driver-model %s: <driver model=...> needs libvirt 10.0.0 or newer, and %s is libvirt "
                    "%u.%u.%u",
                    opts->driver_model, uri, (guint)(v / 1000000), (guint)(v / 1000 % 1000), (guint)(v % 1000));
        return FALSE;
    }
    /* offline: the schema of the libvirt installed here decides */
    g_autofree char *schema = validate_libvirt_schema_path();
    if (!g_file_test(schema, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "--driver-model %s: no libvirt schema %s to tell whether libvirt accepts <driver model=...> "
                    "(give -c URI to ask a libvirt)", opts->driver_model, schema);
        return FALSE;
    }
    g_autofree char *probe = g_strdup_printf("<hostdev mode='subsystem' type='pci'><driver model='%s'/><source>"
                                             "<address domain='0x0000' bus='0x00' slot='0x00' function='0x0'/>"
                                             "</source></hostdev>", opts->driver_model);
    g_autoptr(GError) err = NULL;
    if (validate_libvirt_accepts_device(probe, &err))
        return TRUE;
    g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                "--driver-model %s: libvirt's schema %s does not accept <driver model=...> (libvirt 10.0.0 or "
                "newer does; give -c URI to ask another libvirt)", opts->driver_model, schema);
    return FALSE;
}

gboolean hostdev_cli_check_devices(GPtrArray *devices, GError **error)
{
    for (guint i = 0; hostdev_cli.managed && devices && i < devices->len; i++) {
        const Nodedev *dev = devices->pdata[i];
        if (dev->kind == NODEDEV_MDEV) {
            g_autofree char *label = nodedev_label(dev);
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                        "--managed does not apply to %s: libvirt creates and removes mdevs itself", label);
            return FALSE;
        }
    }
    return TRUE;
}

static void print_entries(FILE *out, const GOptionEntry *entries)
{
    for (const GOptionEntry *e = entries; e->long_name; e++) {
        if (e->flags & G_OPTION_FLAG_HIDDEN)
            continue;
        g_autofree char *lhs = g_strdup_printf("%s%c%s--%s%s%s", e->short_name ? "-" : "",
                                               e->short_name ? e->short_name : ' ', e->short_name ? ", " : "  ",
                                               e->long_name, e->arg_description ? " " : "",
                                               e->arg_description ? e->arg_description : "");
        if (!e->short_name)
            memmove(lhs, lhs + 3, strlen(lhs + 3) + 1);
        int width = e->short_name ? 30 : 26;
        /* an option wider than its column gets its description on the
         * next line, at the column, rather than glued to it */
        if ((int)strlen(lhs) >= width)
            fprintf(out, "  %s%s\n  %-30s %s\n", e->short_name ? "" : "    ", lhs, "", e->description);
        else
            fprintf(out, "  %s%-*s %s\n", e->short_name ? "" : "    ", width, lhs, e->description);
    }
}

gboolean cli_domain_or_file(const char *verb, const char *file, char **args, GError **error)
{
    if (file && args[0])
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "give either DOMAIN or --file, not both ('%s')", args[0]);
    else if (!file && !args[0])
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "%s needs a DOMAIN or --file FILE", verb);
    else if (args[0] && args[1])
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "%s takes one DOMAIN ('%s' is one too many)", verb, args[1]);
    return *error == NULL;
}

void cli_print_verb_help(const VerbDef *verb, FILE *out)
{
    fprintf(out, "Usage: virt-hostdev %s %s\n\n%s\n", verb->name, verb->params, verb->summary);
    for (const GOptionEntry *const *group = verb->options; group && *group; group++) {
        fprintf(out, "\n%s:\n", *group == hostdev_entries ? "Hostdev options" :
                               *group == edit_entries ? "Edit options" : "Options");
        print_entries(out, *group);
    }
    fprintf(out, "\nGlobal options:\n");
    print_entries(out, global_entries);
}

void cli_print_help(FILE *out)
{
    fprintf(out, "Usage: virt-hostdev [GLOBAL OPTIONS] VERB [OPTIONS] [ARGS]\n\n"
                 "PCI/USB/mdev passthrough for libvirt guests.\n\nVerbs:\n");
    for (const VerbDef *const *v = verb_table; *v; v++)
        if (!(*v)->hidden)
            fprintf(out, "  %-12s %s\n", (*v)->name, (*v)->summary);
    fprintf(out, "\nGlobal options:\n");
    print_entries(out, global_entries);
    fprintf(out, "\n'virt-hostdev help VERB' or 'virt-hostdev VERB --help' describes one verb.\n");
}

static guint edit_distance(const char *a, const char *b)
{
    gsize la = strlen(a), lb = strlen(b);
    g_autofree guint *row = g_new(guint, lb + 1);
    for (gsize j = 0; j <= lb; j++)
        row[j] = (guint)j;
    for (gsize i = 1; i <= la; i++) {
        guint diag = row[0];
        row[0] = (guint)i;
        for (gsize j = 1; j <= lb; j++) {
            guint up = row[j];
            guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + cost);
            diag = up;
        }
    }
    return row[lb];
}

const char *cli_suggest(const char *word, const char *const *candidates, guint n)
{
    const char *best = NULL;
    guint best_d = G_MAXUINT;
    for (guint i = 0; i < n; i++) {
        guint d = edit_distance(word, candidates[i]);
        if (g_str_has_prefix(candidates[i], word))
            d = MIN(d, 2);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best_d <= MAX(2u, (guint)strlen(word) / 3) ? best : NULL;
}

gboolean cli_write_piece(const char *data, gsize len, gpointer unused, GError **error)
{
    if (fwrite(data, 1, len, stdout) != len) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "cannot write to standard output");
        return FALSE;
    }
    return TRUE;
}

gboolean cli_flush_stdout(GError **error)
{
    if (fflush(stdout) != 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "cannot write to standard output");
        return FALSE;
    }
    return TRUE;
}

gboolean cli_write_stdout(const char *data, gsize len, GError **error)
{
    return cli_write_piece(data, len, NULL, error) && cli_flush_stdout(error);
}

/* One diagnostic line on stderr (one line whatever MSG holds). */
static void diagnostic(const char *kind, const char *fmt, va_list ap) G_GNUC_PRINTF(2, 0);
static void diagnostic(const char *kind, const char *fmt, va_list ap)
{
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    g_autofree char *line = vh_error_line(msg);
    fprintf(stderr, "virt-hostdev: %s%s\n", kind, line);
}

void cli_note(const char *fmt, ...)
{
    if (global_opts.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    diagnostic("", fmt, ap);
    va_end(ap);
}

void cli_note_line(const char *message)
{
    cli_note("%s", message);
}

void cli_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diagnostic("warning: ", fmt, ap);
    va_end(ap);
}

void cli_keep_until_exit(gpointer data)
{
    static GPtrArray *kept;
    if (kept == NULL)
        kept = g_ptr_array_new();
    g_ptr_array_add(kept, data);
}

gboolean cli_write_json(VhJson *builder, GError **error)
{
    g_autofree char *line = g_strconcat(vh_json_text(builder), "\n", NULL);
    return cli_write_stdout(line, strlen(line), error);
}

void cli_json_string(VhJson *b, const char *key, const char *value)
{
    vh_json_member(b, key);
    if (value)
        vh_json_string(b, value);
    else
        vh_json_null(b);
}

void cli_json_int(VhJson *b, const char *key, gint64 value)
{
    vh_json_member(b, key);
    vh_json_int(b, value);
}

void cli_json_bool(VhJson *b, const char *key, gboolean value)
{
    vh_json_member(b, key);
    vh_json_bool(b, value);
}

gboolean cli_no_json(const char *verb, const char *what, GError **error)
{
    if (!global_opts.json)
        return TRUE;
    g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "%s has no --json output (%s)", verb, what);
    return FALSE;
}

void cli_json_strv(VhJson *b, const char *key, char **values)
{
    vh_json_member(b, key);
    if (values == NULL) {
        vh_json_null(b);
        return;
    }
    vh_json_begin_array(b);
    for (char **v = values; *v; v++)
        vh_json_string(b, *v);
    vh_json_end_array(b);
}
