/* add / remove: insert or remove hostdev blocks in a domain definition, in
 * an XML file (offline) or through libvirt (DOMAIN by name or UUID). */
#include <string.h>

#include "aliases.h"
#include "cli.h"
#include "diff.h"
#include "editjson.h"
#include "domedit.h"
#include "edit.h"
#include "errors.h"
#include "fileio.h"
#include "resolve.h"
#include "validate.h"

static struct {
    char *pci_alias;
    char *aliases_file;
} pool_opt;

static const GOptionEntry pool_entries[] = {
    { "pci-alias", 0, 0, G_OPTION_ARG_STRING, &pool_opt.pci_alias,
      "add COUNT free devices of a nova-style alias (from --aliases FILE), e.g. gpu:2", "NAME[:COUNT]" },
    { "aliases", 0, 0, G_OPTION_ARG_FILENAME, &pool_opt.aliases_file,
      "the alias definitions (default " ALIAS_CONFIG_DEFAULT ")", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const add_options[] = { edit_entries, hostdev_entries, pool_entries, root_entries,
                                                    host_critical_entries, NULL };

static struct {
    char **guest_addresses;
    char **aliases;
    gboolean reattach;
    char *timeout;
} remove_opt;

static const GOptionEntry remove_entries[] = {
    { "all-functions", 0, 0, G_OPTION_ARG_NONE, &hostdev_cli.all_functions,
      "also remove the other functions of each device's host slot", NULL },
    { "guest-address", 0, 0, G_OPTION_ARG_STRING_ARRAY, &remove_opt.guest_addresses,
      "remove the hostdev the guest sees at ADDR (0000:00:05.0, or bus=0,slot=5,function=0), repeatable", "ADDR" },
    { "alias", 0, 0, G_OPTION_ARG_STRING_ARRAY, &remove_opt.aliases,
      "remove the hostdev with this alias (with or without ua-), repeatable", "NAME" },
    { "reattach", 0, 0, G_OPTION_ARG_NONE, &remove_opt.reattach,
      "give removed unmanaged devices back to their host drivers", NULL },
    { "timeout", 0, 0, G_OPTION_ARG_STRING, &remove_opt.timeout,
      "seconds a live detach waits for the guest to release the device (default 30)", "SECONDS" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const remove_options[] = { edit_entries, remove_entries, NULL };

/* With --file, every argument is a DEVICE; without, the first is the domain.
 * Every option acts or is refused, saying why. */
static gboolean check_edit_flags(EditKind kind, GError **error)
{
    const EditCli *e = &edit_cli;
    if (e->force && (kind == EDIT_REMOVE || e->file)) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--force overrides the host's verdict on an add to a DOMAIN; "
                    "%s has none to override", kind == EDIT_REMOVE ? "remove" : "--file");
        return FALSE;
    }
    if (e->dry_run && e->file) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "--dry-run: an edit of --file already changes nothing without --in-place (it prints the result)");
        return FALSE;
    }
    if (e->dry_run && e->diff) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--dry-run prints the domain, --diff the change: pick one");
        return FALSE;
    }
    if (remove_opt.timeout && e->file) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--timeout applies to a live detach from a DOMAIN, not to --file");
        return FALSE;
    }
    if (e->file && (e->live || e->current)) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--live and --current apply to a domain, not to --file");
        return FALSE;
    }
    if (e->current && (e->live || e->config)) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--current excludes --live and --config");
        return FALSE;
    }
    if (!e->file && (e->in_place || e->backup)) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--in-place and --backup apply to --file");
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
    if (pool_opt.pci_alias && e->file) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "--pci-alias picks from the host's devices, through libvirt: name a DOMAIN instead of --file");
        return FALSE;
    }
    if (pool_opt.aliases_file && !pool_opt.pci_alias) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--aliases only applies with --pci-alias");
        return FALSE;
    }
    if (remove_opt.reattach && e->file) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--reattach needs libvirt: name a DOMAIN instead of --file");
        return FALSE;
    }
    return TRUE;
}

/* --timeout on a domain: only a live detach waits. */
static gboolean check_timeout(const DomainEdit *de, GError **error)
{
    if (remove_opt.timeout && !de->live) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "--timeout applies to a live detach: add --live (domain '%s' is changed in its definition only)",
                    de->dom->name);
        return FALSE;
    }
    return TRUE;
}

static gboolean remove_match_init(Edit *edit, GError **error)
{
    edit->match.devices = edit->devices;
    edit->match.all_functions = hostdev_cli.all_functions;
    edit->match.aliases = remove_opt.aliases;
    if (remove_opt.guest_addresses) {
        edit->match.guest_addrs = g_array_new(FALSE, FALSE, sizeof(PciAddr));
        for (char **a = remove_opt.guest_addresses; *a; a++) {
            PciAddr addr;
            if (!pci_addr_parse_guest(*a, &addr, error))
                return FALSE;
            g_array_append_val(edit->match.guest_addrs, addr);
        }
    }
    if (edit->devices == NULL && edit->match.guest_addrs == NULL && edit->match.aliases == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "nothing to remove: name a DEVICE, --guest-address or --alias");
        return FALSE;
    }
    return TRUE;
}

gboolean edit_apply(const Edit *edit, DomDoc *dd, GString *notes, GPtrArray *added, GPtrArray *removed,
                    GError **error)
{
    if (edit->kind == EDIT_ADD)
        return domedit_add(dd, edit->devices, edit->opts, edit->placement, edit->all_functions, edit_cli.strict, notes,
                           added, error);
    return domedit_remove(dd, &edit->match, edit_cli.strict, notes, removed, error);
}

/* The input's problems as warnings (shown even with --quiet: they say what
 * libvirt will refuse); the other notes are facts, printed once they are
 * true, or with --dry-run / --diff what would be. */
void edit_print_notes(GString *notes, NotesKind kind)
{
    g_auto(GStrv) lines = g_strsplit(notes->str, "\n", -1);
    for (char **l = lines; *l; l++) {
        gboolean warning = g_str_has_prefix(*l, "warning: ");
        if (warning && kind == NOTES_WARNINGS) {
            cli_warning("%s", *l + strlen("warning: "));
        } else if (!warning && **l && kind == NOTES_WOULD && g_str_has_prefix(*l, "removed ")) {
            cli_note("would remove %s", *l + strlen("removed "));
        } else if (!warning && **l && kind == NOTES_WOULD && g_str_has_prefix(*l, "added ")) {
            cli_note("would add %s", *l + strlen("added "));
        } else if (!warning && **l && kind != NOTES_WARNINGS) {
            cli_note("%s", *l);
        }
    }
}

gboolean edit_strict_check(DomDoc *dd, const char *orig, gsize orig_len, GError **error)
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

/* --json: the document of editjson.c instead of the XML or the diff.
 * CHANGED: "domain", "file", or NULL when the result is only printed. With
 * KEEP, the document is kept there to be written once every later step
 * (--reattach) has succeeded too: an error leaves stdout empty. */
gboolean edit_show_json(const Edit *edit, const char *domain, const char *changed, gboolean live, gboolean config,
                          const char *before, gsize before_len, const char *after, gsize after_len, char **keep,
                          GError **error)
{
    const char *file = edit_cli.file && g_strcmp0(edit_cli.file, "-") == 0 ? "standard input" : edit_cli.file;
    EditReport r = { edit->kind == EDIT_ADD ? "add" : "remove", domain, domain ? NULL : file, changed, live, config,
                     before, before_len, after, after_len };
    g_autofree char *text = editjson_edit(&r, error);
    if (text && keep) {
        g_free(*keep);
        *keep = g_steal_pointer(&text);
        return TRUE;
    }
    return text && cli_write_stdout(text, strlen(text), error);
}

gboolean edit_show_result(const char *before, gsize before_len, const char *after, gsize after_len, const char *what,
                          GError **error)
{
    if (edit_cli.diff) {
        g_autofree char *diff = diff_unified(before, before_len, after, after_len, what, what, 3);
        return cli_write_stdout(diff, strlen(diff), error);
    }
    return cli_write_stdout(after, after_len, error);
}

static gboolean edit_file(const Edit *edit, GError **error)
{
    const char *path = edit_cli.file;
    const char *what = g_strcmp0(path, "-") == 0 ? "standard input" : path;
    g_autoptr(FileLock) lock = NULL;
    if (edit_cli.in_place && !(lock = fileio_lock(path, error)))
        return FALSE;
    char *read = NULL;
    gsize len = 0;
    if (!fileio_read(lock ? fileio_lock_path(lock) : path, &read, &len, error))
        return FALSE;
    /* the document owns the bytes read (DATA below), and keeps them */
    const char *data = read;
    g_autoptr(DomDoc) dd = domdoc_adopt(read, len, what, error);
    if (dd == NULL)
        return FALSE;
    g_autoptr(GString) notes = g_string_new(NULL);
    if (!edit_apply(edit, dd, notes, NULL, NULL, error) || (edit_cli.strict && !edit_strict_check(dd, data, len, error)))
        return FALSE;
    /* The edit is done and the process ends after it: taking a large
     * document apart node by node costs a fifth of the whole add. */
    DomDoc *edited = g_steal_pointer(&dd);
    cli_keep_until_exit(edited);
    edit_print_notes(notes, NOTES_WARNINGS);
    if (!edit_cli.in_place && !edit_cli.diff && !global_opts.json) {
        edit_print_notes(notes, NOTES_FACTS);
        /* the common pipeline: the pieces go out as they are */
        return domdoc_emit(edited, cli_write_piece, NULL, error) && cli_flush_stdout(error);
    }
    gsize new_len;
    g_autofree char *result = domdoc_render(edited, &new_len);
    if (edit_cli.in_place) {
        if (!fileio_replace(fileio_lock_path(lock), result, new_len, edit_cli.backup, error))
            return FALSE;
        edit_print_notes(notes, NOTES_FACTS);
        cli_note("updated %s", path);
        return !global_opts.json || edit_show_json(edit, NULL, "file", FALSE, FALSE, data, len, result, new_len, NULL, error);
    }
    /* without --in-place the file stays as it is: the output is the edit */
    edit_print_notes(notes, edit_cli.diff ? NOTES_WOULD : NOTES_FACTS);
    if (global_opts.json)
        return edit_show_json(edit, NULL, NULL, FALSE, FALSE, data, len, result, new_len, NULL, error);
    return edit_show_result(data, len, result, new_len, what, error);
}

/* --pci-alias NAME[:COUNT]: free devices of the alias, added to DEVICES
 * (the host's own models). Each pick is one device for one guest slot; the
 * functions of a multifunction device share theirs, so *GROUP_SLOTS says
 * whether the edit groups functions by host slot (a VF pool never does). */
static gboolean pick_from_pool(DomainEdit *de, GPtrArray *devices, gboolean *group_slots, GError **error)
{
    g_autofree char *name = NULL;
    guint count = 1;
    if (!alias_request_parse(pool_opt.pci_alias, &name, &count, error))
        return FALSE;
    g_autoptr(AliasConfig) config = alias_config_load(pool_opt.aliases_file, error);
    const Alias *alias = config ? alias_config_find(config, name, error) : NULL;
    if (alias == NULL)
        return FALSE;
    g_autoptr(GPtrArray) picked = alias_pick(alias, de->host.inv, de->dom->uuid, count, error);
    if (picked == NULL)
        return FALSE;
    g_autoptr(GString) choice = g_string_new(NULL);
    gboolean multifunction = FALSE, shared_slot = FALSE;
    for (guint i = 0; i < picked->len; i++) {
        const PoolEntry *e = picked->pdata[i];
        multifunction |= e->functions->len > 1;
        for (guint j = 0; j < i; j++)
            shared_slot |= pci_addr_same_slot(&((const PoolEntry *)picked->pdata[j])->dev->pci, &e->dev->pci);
        for (guint f = 0; f < e->functions->len; f++) {
            Nodedev *dev = e->functions->pdata[f];
            g_autofree char *label = nodedev_label(dev);
            if (g_ptr_array_find(devices, dev, NULL)) {
                g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "alias '%s' picked %s, which is also named", name, label);
                return FALSE;
            }
            g_ptr_array_add(devices, dev);
            g_string_append_printf(choice, "%s%s", choice->len ? " " : "", label);
        }
    }
    *group_slots = hostdev_cli.all_functions || multifunction;
    if (*group_slots && shared_slot) {
        /* one flag groups by host slot for the whole edit: separate devices
         * of one slot (VFs) would end up in one guest slot */
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "alias '%s' picked multifunction devices and separate devices of one host slot: "
                    "add them with two commands (or narrow the alias)", name);
        return FALSE;
    }
    cli_note("alias '%s': picked %s", name, choice->str);
    return TRUE;
}

/* The devices an edit of a domain names: add resolves them on the host
 * (libvirt itself would accept a hostdev for hardware that does not exist)
 * and asks the inventory's verdict; remove also takes stale entries. */
static gboolean edit_devices(DomainEdit *de, Edit *edit, char **device_args, GPtrArray **owned, GError **error)
{
    if (edit->kind == EDIT_REMOVE) {
        if (device_args && device_args[0] &&
            !(*owned = resolve_devices(&de->host, device_args, RESOLVE_AS_GIVEN, error)))
            return FALSE;
        edit->devices = *owned;
        return remove_match_init(edit, error);
    }
    if (pool_opt.pci_alias && !(device_args && device_args[0]))
        *owned = g_ptr_array_new();
    else if (!(*owned = resolve_devices(&de->host, device_args, edit->all_functions ? RESOLVE_ALL_FUNCTIONS : 0,
                                        error)))
        return FALSE;
    edit->devices = *owned;
    host_warn_devices(&de->host, *owned, FALSE);
    if (pool_opt.pci_alias && !pick_from_pool(de, *owned, &edit->all_functions, error))
        return FALSE;
    if (!hostdev_cli_check_devices(*owned, error))
        return FALSE;
    /* the inventory's verdict on all of them together; --force overrides
     * it (never an address collision: domedit's job) */
    AssignContext ctx = { .domain_uuid = de->dom->uuid, .together = *owned, .interface = edit->opts->interface,
                          .allow_host_critical = host_cli.allow_host_critical };
    if (!host_check_assignable(&de->host, *owned, &ctx, edit_cli.force, error))
        return FALSE;
    if (edit->opts->managed)
        return TRUE;
    /* --managed no detaches them: whole IOMMU groups, or refused */
    g_autoptr(GPtrArray) set = inventory_detach_set(de->host.inv, *owned, FALSE, edit_cli.force, error);
    return set != NULL;
}

static gboolean edit_domain(const Edit *edit_in, const char *name, char **device_args, GError **error)
{
    Edit edit = *edit_in;
    DomainEdit de = { 0 };
    g_autoptr(GPtrArray) owned = NULL;
    gboolean ok = host_open(&de.host, NULL, TRUE, error) && (de.dom = host_domain(&de.host, name, error)) &&
                  edit_domain_affect(&de, error) && check_timeout(&de, error);
    if (ok)
        host_read_subsystem_ids(&de.host); /* for the identities add records */
    ok = ok && edit_devices(&de, &edit, device_args, &owned, error) && edit_domain_run(&de, &edit, error);
    if (edit.match.guest_addrs)
        g_array_unref(edit.match.guest_addrs);
    virt_domain_free(de.dom);
    host_clear(&de.host);
    return ok;
}

static int run_edit(EditKind kind, char **args, GError **error)
{
    HostdevOpts opts;
    GuestPlacement placement = { GUEST_NONE, { 0 } };
    hostdev_opts_init(&opts);
    const char *domain = edit_cli.file ? NULL : args && args[0] ? args[0] : NULL;
    char **device_args = domain ? args + 1 : args;
    if (!edit_cli.file && domain == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "name a DOMAIN (or --file FILE) and the DEVICEs");
        return VH_EXIT_USAGE;
    }
    guint timeout = 30;
    if (!check_edit_flags(kind, error) || (kind == EDIT_ADD && !hostdev_cli_parse(&opts, &placement, error)) ||
        (remove_opt.timeout && !pci_number_parse(remove_opt.timeout, "--timeout", 86400, &timeout, error))) {
        hostdev_opts_clear(&opts);
        return VH_EXIT_USAGE;
    }
    if (!hostdev_cli_check_libvirt(&opts, domain != NULL, error)) {
        hostdev_opts_clear(&opts);
        return VH_EXIT_FAILED;
    }
    Edit edit = { .kind = kind, .opts = &opts, .placement = &placement, .all_functions = hostdev_cli.all_functions,
                  .reattach = remove_opt.reattach, .timeout = timeout };
    gboolean ok;
    if (domain) {
        ok = edit_domain(&edit, domain, device_args, error);
    } else {
        Host host = { 0 };
        g_autoptr(GPtrArray) devices = NULL;
        gboolean named = device_args && device_args[0];
        ResolveFlags flags = kind == EDIT_REMOVE ? RESOLVE_AS_GIVEN : edit.all_functions ? RESOLVE_ALL_FUNCTIONS : 0;
        ok = TRUE;
        if (kind == EDIT_ADD || named)
            ok = (devices = resolve_devices_open(&host, device_args, flags, error)) != NULL;
        host_read_subsystem_ids(&host);
        edit.devices = devices;
        if (ok && kind == EDIT_REMOVE)
            ok = remove_match_init(&edit, error);
        ok = ok && (kind == EDIT_REMOVE || hostdev_cli_check_devices(devices, error)) && edit_file(&edit, error);
        if (edit.match.guest_addrs)
            g_array_unref(edit.match.guest_addrs);
        host_clear(&host);
    }
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
    .params = "(DOMAIN | --file FILE) DEVICE... | DOMAIN --pci-alias NAME[:COUNT]",
    .summary = "insert hostdev elements into a domain definition, validated",
    .options = add_options,
    .run = run_add,
};

const VerbDef verb_remove = {
    .name = "remove",
    .params = "(DOMAIN | --file FILE) [DEVICE...] [--guest-address ADDR] [--alias NAME]",
    .summary = "remove hostdev elements from a domain definition, by host device, guest address or alias",
    .options = remove_options,
    .run = run_remove,
};
