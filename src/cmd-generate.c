/* generate: a whole domain from a template; templates: list the templates.
 * The template work is in template.c, the host devices go in through
 * domedit_add() exactly as `add` puts them in a file. */
#include "jsonw.h"
#include <string.h>

#include "cli.h"
#include "domedit.h"
#include "errors.h"
#include "fileio.h"
#include "module.h"
#include "pciaddr.h"
#include "resolve.h"
#include "template.h"
#include "txn.h"
#include "validate.h"
#include "virt-loader.h"
#include "xmlutil.h"

#define DEFAULT_TEMPLATE "q35-ovmf"
#define VCPUS_MAX 4096

static struct {
    char *template_name;
    char *template_dir;
    char *name;
    char *memory;
    char *vcpus;
    char **disks;
    char **networks;
    char *uuid;
    char **hostdevs;
    gboolean hide_hypervisor;
    gboolean define;
} gen;

static const GOptionEntry generate_entries[] = {
    { "template", 't', 0, G_OPTION_ARG_STRING, &gen.template_name,
      "template name (default " DEFAULT_TEMPLATE ") or path to a template file", "T" },
    { "template-dir", 0, 0, G_OPTION_ARG_FILENAME, &gen.template_dir, "look for templates here first", "DIR" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &gen.name, "the domain's name (required)", "NAME" },
    { "memory", 'm', 0, G_OPTION_ARG_STRING, &gen.memory, "memory size: MiB, or with a unit (8G, 8GiB, 512M)", "SIZE" },
    { "vcpus", 0, 0, G_OPTION_ARG_STRING, &gen.vcpus, "number of virtual CPUs", "N" },
    { "disk", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &gen.disks,
      "add a disk image, block device or .iso (repeatable)", "PATH" },
    { "network", 0, 0, G_OPTION_ARG_STRING_ARRAY, &gen.networks,
      "add an interface: network=NAME or bridge=NAME[,model=M][,mac=MAC] (repeatable)", "SPEC" },
    { "uuid", 0, 0, G_OPTION_ARG_STRING, &gen.uuid, "the domain's UUID (default: a random one)", "UUID" },
    { "hostdev", 0, 0, G_OPTION_ARG_STRING_ARRAY, &gen.hostdevs,
      "pass a host device through (repeatable; takes the hostdev options)", "DEVICE" },
    { "hide-hypervisor", 0, 0, G_OPTION_ARG_NONE, &gen.hide_hypervisor,
      "hide KVM from the guest: <kvm><hidden/>, Hyper-V vendor_id", NULL },
    { "define", 0, 0, G_OPTION_ARG_NONE, &gen.define, "define the domain through libvirt instead of printing it", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const generate_options[] = { generate_entries, hostdev_entries, NULL };

static gboolean hostdev_options_given(void)
{
    const HostdevCli *c = &hostdev_cli;
    return c->managed || c->driver || c->guest_address || c->rom_bar || c->rom_file || c->boot_order || c->alias ||
           c->all_functions || c->interface || c->mac || c->vlan;
}

/* The command line -> GenSpec (strings owned by the caller's buffers). */
static gboolean build_spec(GenSpec *spec, char **uuid_out, GPtrArray *networks, GError **error)
{
    if (!gen_name_check(gen.name, error))
        return FALSE;
    spec->name = gen.name;
    if (gen.uuid) {
        g_autofree char *lower = g_ascii_strdown(gen.uuid, -1);
        if (!uuid_is_valid(lower)) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                        "--uuid '%s': expected a UUID such as 4b20d080-1b54-4048-85b3-a6a62d165c01", gen.uuid);
            return FALSE;
        }
        *uuid_out = g_steal_pointer(&lower);
    } else {
        *uuid_out = g_uuid_string_random();
    }
    spec->uuid = *uuid_out;
    if (gen.memory && !gen_memory_parse(gen.memory, &spec->memory_kib, error))
        return FALSE;
    if (gen.vcpus) {
        if (!pci_number_parse(gen.vcpus, "--vcpus", VCPUS_MAX, &spec->vcpus, error))
            return FALSE;
        if (spec->vcpus == 0) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--vcpus must be at least 1");
            return FALSE;
        }
    }
    for (char **d = gen.disks; d && *d; d++) {
        if (!g_path_is_absolute(*d)) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                        "--disk '%s' must be an absolute path (as the host's QEMU process sees it)", *d);
            return FALSE;
        }
    }
    if (gen.disks) {
        spec->disks = g_ptr_array_new();
        for (char **d = gen.disks; *d; d++)
            g_ptr_array_add(spec->disks, *d);
    }
    for (char **n = gen.networks; n && *n; n++) {
        GenNetwork *net = gen_network_parse(*n, error);
        if (net == NULL)
            return FALSE;
        g_ptr_array_add(networks, net);
    }
    spec->networks = networks;
    spec->hide_hypervisor = gen.hide_hypervisor;
    return TRUE;
}

/* When the domain did not validate: blame the template if it is invalid
 * without our host devices (an input error), else the result. */
static gboolean check_schema(const char *result, const char *without_hostdevs, const char *tmpl_what,
                             const char *what, GError **error)
{
    g_autoptr(xmlDoc) doc = vh_xml_parse(result, strlen(result), what, error);
    if (doc == NULL)
        return FALSE;
    g_autoptr(GError) err = NULL;
    if (validate_domain_schema(doc, what, &err))
        return TRUE;
    g_autoptr(xmlDoc) plain = vh_xml_parse(without_hostdevs, strlen(without_hostdevs), what, NULL);
    if (!g_error_matches(err, VH_ERROR, VH_ERROR_INVALID) || (plain && validate_domain_schema(plain, what, NULL))) {
        /* the schema is missing, or our devices made the domain invalid */
        g_propagate_error(error, g_steal_pointer(&err));
        return FALSE;
    }
    g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s gives an invalid domain: %s", tmpl_what, err->message);
    return FALSE;
}

/* Print the domain, or with --define hand it to libvirt (which validates
 * it again: VIR_DOMAIN_DEFINE_VALIDATE). An existing domain of that name is
 * never replaced. */
static gboolean emit_domain(const char *xml, const char *name, GError **error)
{
    if (!gen.define)
        return cli_write_stdout(xml, strlen(xml), error);
    VirtConn *conn;
    const VirtBackend *virt = virt_connect(global_opts.connect, &conn, error);
    if (virt == NULL)
        return FALSE;
    g_autoptr(Txn) txn = txn_new(virt, conn, cli_note_line);
    txn_plan_define_new(txn, name, xml);
    return txn_commit(txn, error);
}

/* The domain of SPEC from the template, with the host devices of --hostdev;
 * validated. */
static char *generate_domain(const GenSpec *spec, const HostdevOpts *opts, const GuestPlacement *placement,
                             GError **error)
{
    g_autoptr(GPtrArray) dirs = template_search_path(gen.template_dir);
    g_autoptr(TemplateInfo) tmpl = template_find(dirs, gen.template_name ? gen.template_name : DEFAULT_TEMPLATE, error);
    g_autofree char *data = NULL;
    gsize len = 0;
    if (tmpl == NULL || !fileio_read(tmpl->path, &data, &len, error))
        return NULL;
    g_autofree char *tmpl_what = g_strdup_printf("template '%s' (%s)", tmpl->name, tmpl->path);
    g_autofree char *plain = template_apply(data, len, tmpl_what, spec, error);
    if (plain == NULL)
        return NULL;

    g_autofree char *what = g_strdup_printf("generated domain '%s'", spec->name);
    g_autoptr(DomDoc) dd = domdoc_parse(plain, strlen(plain), what, error);
    if (dd == NULL)
        return NULL;
    if (gen.hostdevs) {
        Host host = { 0 };
        g_autoptr(GPtrArray) devices = resolve_devices_open(
            &host, gen.hostdevs, hostdev_cli.all_functions ? RESOLVE_ALL_FUNCTIONS : 0, error);
        g_autoptr(GString) notes = g_string_new(NULL);
        gboolean added = devices && hostdev_cli_check_devices(devices, error) && domedit_add(dd, devices, opts, placement, hostdev_cli.all_functions, TRUE,
                                                notes, NULL, error);
        host_clear(&host);
        if (!added) {
            if (devices && (*error)->code == VH_ERROR_INPUT)
                g_prefix_error(error, "%s: ", tmpl_what);
            return NULL;
        }
        g_auto(GStrv) lines = g_strsplit(notes->str, "\n", -1);
        for (char **l = lines; *l; l++)
            if (**l)
                cli_note("%s", *l);
    } else {
        g_autoptr(GPtrArray) problems = validate_domain_semantics(dd);
        if (problems->len) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s gives an invalid domain: %s", tmpl_what,
                        (const char *)problems->pdata[0]);
            return NULL;
        }
    }
    gsize result_len = 0;
    g_autofree char *result = domdoc_render(dd, &result_len);
    if (!check_schema(result, plain, tmpl_what, what, error))
        return NULL;
    return g_steal_pointer(&result);
}

static int run_generate(char **args, GError **error)
{
    if (!cli_no_json("generate", "it prints a domain XML document; --json applies to templates", error))
        return VH_EXIT_USAGE;
    if (args[0]) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "generate takes no arguments ('%s'); name host devices with --hostdev DEVICE", args[0]);
        return VH_EXIT_USAGE;
    }
    if (gen.hostdevs == NULL && hostdev_options_given()) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "hostdev options (such as --managed, --all-functions) apply to the devices of "
                    "--hostdev DEVICE; none was given");
        return VH_EXIT_USAGE;
    }
    GenSpec spec = { 0 };
    g_autofree char *uuid = NULL;
    g_autoptr(GPtrArray) networks = g_ptr_array_new_with_free_func((GDestroyNotify)gen_network_free);
    gboolean ok = build_spec(&spec, &uuid, networks, error);
    g_autoptr(GPtrArray) disks = spec.disks;
    if (!ok)
        return VH_EXIT_USAGE;

    HostdevOpts opts;
    GuestPlacement placement = { GUEST_NONE, { 0 } };
    if (!hostdev_cli_parse(&opts, &placement, error)) {
        hostdev_opts_clear(&opts);
        return VH_EXIT_USAGE;
    }
    if (!hostdev_cli_check_libvirt(&opts, gen.define, error)) {
        hostdev_opts_clear(&opts);
        return VH_EXIT_FAILED;
    }
    /* libvirt refuses <os><boot> together with per-device boot orders */
    spec.drop_os_boot = opts.boot_order > 0;
    g_autofree char *result = generate_domain(&spec, &opts, &placement, error);
    hostdev_opts_clear(&opts);
    if (result == NULL)
        return vh_error_exit_code(*error);
    return emit_domain(result, spec.name, error) ? VH_EXIT_OK : vh_error_exit_code(*error);
}

const VerbDef verb_generate = {
    .name = "generate",
    .params = "--name NAME [--template T] [--hostdev DEVICE]...",
    .summary = "print a complete domain from a template, with host devices",
    .options = generate_options,
    .run = run_generate,
};

/* ---------------------------------------------------------------- templates */

static char *templates_dir;

static const GOptionEntry templates_entries[] = {
    { "template-dir", 0, 0, G_OPTION_ARG_FILENAME, &templates_dir, "look for templates here first", "DIR" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const templates_options[] = { templates_entries, NULL };

static int run_templates(char **args, GError **error)
{
    if (args[0]) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "templates takes no arguments ('%s')", args[0]);
        return VH_EXIT_USAGE;
    }
    g_autoptr(GPtrArray) dirs = template_search_path(templates_dir);
    g_autoptr(GPtrArray) infos = template_list(dirs, error);
    if (infos == NULL)
        return VH_EXIT_USAGE;
    g_autoptr(GString) out = g_string_new(NULL);
    if (global_opts.json) {
        g_autoptr(VhJson) b = vh_json_new();
        vh_json_begin_object(b);
        vh_json_member(b, "search_path");
        vh_json_begin_array(b);
        for (guint i = 0; i < dirs->len; i++)
            vh_json_string(b, dirs->pdata[i]);
        vh_json_end_array(b);
        vh_json_member(b, "templates");
        vh_json_begin_array(b);
        for (guint i = 0; i < infos->len; i++) {
            const TemplateInfo *t = infos->pdata[i];
            vh_json_begin_object(b);
            vh_json_member(b, "name");
            vh_json_string(b, t->name);
            vh_json_member(b, "path");
            vh_json_string(b, t->path);
            vh_json_member(b, "description");
            vh_json_string(b, t->description);
            vh_json_end_object(b);
        }
        vh_json_end_array(b);
        vh_json_end_object(b);
        const char *text = vh_json_text(b);
        g_string_append_printf(out, "%s\n", text);
    } else if (infos->len == 0) {
        g_string_append(out, "no templates in:");
        for (guint i = 0; i < dirs->len; i++)
            g_string_append_printf(out, " %s", (const char *)dirs->pdata[i]);
        g_string_append_c(out, '\n');
        g_autofree char *hint = vh_build_tree_hint();
        if (hint)
            cli_note("%s", hint);
    } else {
        guint width = 4;
        for (guint i = 0; i < infos->len; i++)
            width = MAX(width, (guint)strlen(((TemplateInfo *)infos->pdata[i])->name));
        for (guint i = 0; i < infos->len; i++) {
            const TemplateInfo *t = infos->pdata[i];
            g_string_append_printf(out, "%-*s  %s\n%-*s  %s\n", (int)width, t->name,
                                   *t->description ? t->description : "(no description)", (int)width, "", t->path);
        }
    }
    return cli_write_stdout(out->str, out->len, error) ? VH_EXIT_OK : VH_EXIT_FAILED;
}

const VerbDef verb_templates = {
    .name = "templates",
    .params = "",
    .summary = "list the domain templates generate can use",
    .options = templates_options,
    .run = run_templates,
};
