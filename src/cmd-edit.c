/* add / remove: insert or remove hostdev blocks in a domain definition */
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "domedit.h"
#include "errors.h"
#include "fileio.h"
#include "validate.h"

static const GOptionEntry *const add_options[] = { edit_entries, hostdev_entries, NULL };
static const GOptionEntry remove_entries[] = {
    { "all-functions", 0, 0, G_OPTION_ARG_NONE, &hostdev_cli.all_functions,
      "also remove the other functions of each device's host slot", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const remove_options[] = { edit_entries, remove_entries, NULL };

typedef enum { EDIT_ADD, EDIT_REMOVE } EditKind;

static gboolean check_edit_flags(GError **error)
{
    const EditCli *e = &edit_cli;
    if (e->file == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "editing a domain by name needs libvirt, which this build of the verb does not reach yet; "
                    "use --file with the domain's XML (virsh dumpxml --inactive NAME)");
        return FALSE;
    }
    if (e->live || e->current) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--live and --current apply to a domain, not to --file");
        return FALSE;
    }
    if (e->in_place && g_strcmp0(e->file, "-") == 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--in-place needs a file, not standard input");
        return FALSE;
    }
    if (e->backup && !e->in_place) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--backup only applies with --in-place");
        return FALSE;
    }
    if (e->backup && (*e->backup == '\0' || strchr(e->backup, '/'))) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--backup '%s': a suffix such as .orig, without '/'", e->backup);
        return FALSE;
    }
    if ((e->dry_run || e->diff) && e->in_place) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--dry-run and --diff change nothing: drop --in-place");
        return FALSE;
    }
    return TRUE;
}

/* --strict: libvirt's full schema; blame the input when it was invalid. */
static gboolean strict_check(DomDoc *dd, const char *orig, gsize orig_len, GError **error)
{
    g_autoptr(GError) err = NULL;
    if (validate_domain_schema(domdoc_xml(dd), "the edited domain", &err))
        return TRUE;
    g_autoptr(DomDoc) before = domdoc_parse(orig, orig_len, domdoc_what(dd), NULL);
    if (before && !validate_domain_schema(domdoc_xml(before), domdoc_what(dd), NULL)) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "%s is already invalid before any change (libvirt's domain.rng): %s", domdoc_what(dd), err->message);
        return FALSE;
    }
    g_propagate_error(error, g_steal_pointer(&err));
    return FALSE;
}

static gboolean edit_file(EditKind kind, char **args, const HostdevOpts *opts, const GuestPlacement *placement,
                          GError **error)
{
    const char *path = edit_cli.file;
    const char *what = g_strcmp0(path, "-") == 0 ? "standard input" : path;
    g_autoptr(FileLock) lock = NULL;
    if (edit_cli.in_place && !(lock = fileio_lock(path, error)))
        return FALSE;
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!fileio_read(lock ? fileio_lock_path(lock) : path, &data, &len, error))
        return FALSE;
    g_autoptr(DomDoc) dd = domdoc_parse(data, len, what, error);
    if (dd == NULL)
        return FALSE;
    g_autoptr(GPtrArray) devices = cli_resolve_devices(args, hostdev_cli.all_functions, error);
    if (devices == NULL)
        return FALSE;

    g_autoptr(GString) notes = g_string_new(NULL);
    gboolean ok = kind == EDIT_ADD
                      ? domedit_add(dd, devices, opts, placement, hostdev_cli.all_functions, notes, error)
                      : domedit_remove(dd, devices, hostdev_cli.all_functions, notes, error);
    if (!ok || (edit_cli.strict && !strict_check(dd, data, len, error)))
        return FALSE;

    gsize new_len;
    g_autofree char *result = domdoc_render(dd, &new_len);
    g_auto(GStrv) lines = g_strsplit(notes->str, "\n", -1);
    for (char **l = lines; *l; l++)
        if (**l)
            cli_note("%s", *l);

    if (edit_cli.diff) {
        g_autofree char *diff = diff_unified(data, len, result, new_len, what, what, 3);
        return cli_write_stdout(diff, strlen(diff), error);
    }
    if (edit_cli.in_place) {
        if (!fileio_replace(fileio_lock_path(lock), result, new_len, edit_cli.backup, error))
            return FALSE;
        cli_note("updated %s", path);
        return TRUE;
    }
    return cli_write_stdout(result, new_len, error);
}

static int run_edit(EditKind kind, char **args, GError **error)
{
    HostdevOpts opts;
    GuestPlacement placement = { GUEST_NONE, { 0 } };
    hostdev_opts_init(&opts);
    if (!check_edit_flags(error) || (kind == EDIT_ADD && !hostdev_cli_parse(&opts, &placement, error))) {
        hostdev_opts_clear(&opts);
        return VH_EXIT_USAGE;
    }
    gboolean ok = edit_file(kind, args, &opts, &placement, error);
    hostdev_opts_clear(&opts);
    return ok ? VH_EXIT_OK : vh_error_exit_code(*error);
}

static int run_add(char **args, GError **error)
{
    return run_edit(EDIT_ADD, args, error);
}

static int run_remove(char **args, GError **error)
{
    return run_edit(EDIT_REMOVE, args, error);
}

const VerbDef verb_add = {
    .name = "add",
    .params = "(DOMAIN | --file FILE) DEVICE...",
    .summary = "insert hostdev elements into a domain definition, validated",
    .options = add_options,
    .run = run_add,
};

const VerbDef verb_remove = {
    .name = "remove",
    .params = "(DOMAIN | --file FILE) DEVICE...",
    .summary = "remove the hostdev elements of devices from a domain definition",
    .options = remove_options,
    .run = run_remove,
};
