/* add / remove: insert or remove hostdev blocks in a domain definition, in
 * an XML file (offline) or through libvirt (DOMAIN by name or UUID). */
#include <string.h>

#include "aliases.h"
#include "cli.h"
#include "diff.h"
#include "editjson.h"
#include "domedit.h"
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
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const remove_options[] = { edit_entries, remove_entries, NULL };

typedef enum { EDIT_ADD, EDIT_REMOVE } EditKind;

/* Everything one edit needs, whatever the domain's home. */
typedef struct {
    EditKind kind;
    const HostdevOpts *opts;
    const GuestPlacement *placement;
    GPtrArray *devices;     /* add: what to insert; remove: what to match */
    gboolean all_functions; /* one guest slot per host slot */
    RemoveMatch match;      /* remove */
} Edit;

/* With --file, every argument is a DEVICE; without, the first is the domain. */
static gboolean check_edit_flags(GError **error)
{
    const EditCli *e = &edit_cli;
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

static gboolean apply_edit(const Edit *edit, DomDoc *dd, GString *notes, GPtrArray *added, GPtrArray *removed,
                           GError **error)
{
    if (edit->kind == EDIT_ADD)
        return domedit_add(dd, edit->devices, edit->opts, edit->placement, edit->all_functions, edit_cli.strict, notes,
                           added, error);
    return domedit_remove(dd, &edit->match, edit_cli.strict, notes, removed, error);
}

/* Notes, and the input's problems as warnings (shown even with --quiet:
 * they say what libvirt will refuse). */
static void print_notes(GString *notes)
{
    g_auto(GStrv) lines = g_strsplit(notes->str, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (g_str_has_prefix(*l, "warning: ")) {
            cli_warning("%s", *l + strlen("warning: "));
        } else if (**l) {
            cli_note("%s", *l);
        }
    }
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

/* --json: the document of editjson.c instead of the XML or the diff.
 * CHANGED: "domain", "file", or NULL when the result is only printed. With
 * KEEP, the document is kept there to be written once every later step
 * (--reattach) has succeeded too: an error leaves stdout empty. */
static gboolean show_json(const Edit *edit, const char *domain, const char *changed, gboolean live, gboolean config,
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

/* --dry-run / --diff output. */
static gboolean show_result(const char *before, gsize before_len, const char *after, gsize after_len,
                            const char *what, GError **error)
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
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!fileio_read(lock ? fileio_lock_path(lock) : path, &data, &len, error))
        return FALSE;
    g_autoptr(DomDoc) dd = domdoc_parse(data, len, what, error);
    if (dd == NULL)
        return FALSE;
    g_autoptr(GString) notes = g_string_new(NULL);
    if (!apply_edit(edit, dd, notes, NULL, NULL, error) || (edit_cli.strict && !strict_check(dd, data, len, error)))
        return FALSE;
    gsize new_len;
    g_autofree char *result = domdoc_render(dd, &new_len);
    /* The edit is done and the process ends after it: taking a large
     * document apart node by node costs a fifth of the whole add. */
    cli_keep_until_exit(g_steal_pointer(&dd));
    print_notes(notes);
    if (edit_cli.in_place) {
        if (!fileio_replace(fileio_lock_path(lock), result, new_len, edit_cli.backup, error))
            return FALSE;
        cli_note("updated %s", path);
        return !global_opts.json || show_json(edit, NULL, "file", FALSE, FALSE, data, len, result, new_len, NULL, error);
    }
    if (global_opts.json)
        return show_json(edit, NULL, NULL, FALSE, FALSE, data, len, result, new_len, NULL, error);
    if (edit_cli.diff)
        return show_result(data, len, result, new_len, what, error);
    return cli_write_stdout(result, new_len, error);
}

/* ---- through libvirt ---- */

typedef struct {
    Host host;
    VirtDomain *dom;
    gboolean live, config;
    GPtrArray *detached;   /* Nodedev* this run moved to vfio-pci */
    char *json;            /* --json: the document, written when all is done */
} DomainEdit;

static void domain_edit_clear(DomainEdit *de)
{
    g_free(de->json);
    virt_domain_free(de->dom);
    g_clear_pointer(&de->detached, g_ptr_array_unref);
    host_clear(&de->host);
}

/* --config (default) / --live / --current, as virsh attach-device. */
static gboolean resolve_affect(DomainEdit *de, GError **error)
{
    if (edit_cli.current) {
        de->live = de->dom->active;
        de->config = !de->dom->active;
    } else {
        de->live = edit_cli.live;
        de->config = edit_cli.config || !edit_cli.live;
    }
    if (de->live && !de->dom->active) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "domain '%s' is not running: --live needs a running domain",
                    de->dom->name);
        return FALSE;
    }
    return TRUE;
}

/* Test seam: a command run between the edit and the define, so that a test
 * can change the definition underneath us (the race the re-read catches). */
static void run_before_define_hook(void)
{
    const char *hook = g_getenv("VIRT_HOSTDEV_TEST_BEFORE_DEFINE");
    if (hook && *hook)
        g_spawn_command_line_sync(hook, NULL, NULL, NULL, NULL);
}

/* Edit the persistent definition and define it. If the definition changed
 * since it was read, the edit is redone once on the new one; a second
 * change fails: someone else's edit is never overwritten. */
static gboolean edit_config(DomainEdit *de, const Edit *edit, gboolean detach_first, GPtrArray *removed,
                            GError **error)
{
    const VirtBackend *virt = de->host.virt;
    for (int attempt = 0;; attempt++) {
        g_autofree char *what = g_strdup_printf("domain '%s'", de->dom->name);
        g_autoptr(DomDoc) dd = domdoc_parse(de->dom->xml, strlen(de->dom->xml), what, error);
        g_autoptr(GString) notes = g_string_new(NULL);
        if (removed)
            g_ptr_array_set_size(removed, 0);
        if (dd == NULL || !apply_edit(edit, dd, notes, NULL, removed, error))
            return FALSE;
        if (edit_cli.strict && !strict_check(dd, de->dom->xml, strlen(de->dom->xml), error))
            return FALSE;
        gsize new_len;
        g_autofree char *result = domdoc_render(dd, &new_len);
        if (attempt == 0)
            print_notes(notes);
        if ((edit_cli.dry_run || edit_cli.diff) && global_opts.json)
            return show_json(edit, de->dom->name, NULL, de->live, de->config, de->dom->xml, strlen(de->dom->xml),
                             result, new_len, NULL, error);
        if (edit_cli.dry_run || edit_cli.diff)
            return show_result(de->dom->xml, strlen(de->dom->xml), result, new_len, what, error);
        if (detach_first && attempt == 0 && !host_detach(&de->host, edit->devices, de->detached, error))
            return FALSE;

        run_before_define_hook();
        g_autoptr(VirtDomain) now = virt->domain_get(de->host.conn, de->dom->uuid, error);
        if (now == NULL)
            return FALSE;
        if (g_strcmp0(now->xml, de->dom->xml) != 0) {
            if (attempt > 0) {
                g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                            "the definition of domain '%s' keeps changing underneath; nothing was defined, try again",
                            de->dom->name);
                return FALSE;
            }
            cli_note("the definition of domain '%s' changed since it was read; redoing the edit on the new one",
                     de->dom->name);
            virt_domain_free(de->dom);
            de->dom = g_steal_pointer(&now);
            continue;
        }
        if (!virt->domain_define(de->host.conn, result, error))
            return FALSE;
        cli_note("defined domain '%s'", de->dom->name);
        return !global_opts.json || show_json(edit, de->dom->name, "domain", de->live, de->config, de->dom->xml,
                                              strlen(de->dom->xml), result, new_len, &de->json, error);
    }
}

/* Attach (add) or detach (remove) the same elements on the running domain. */
static gboolean edit_live(DomainEdit *de, const Edit *edit, GPtrArray *done, GError **error)
{
    g_autofree char *what = g_strdup_printf("running domain '%s'", de->dom->name);
    g_autoptr(DomDoc) dd = domdoc_parse(de->dom->live_xml, strlen(de->dom->live_xml), what, error);
    g_autoptr(GString) notes = g_string_new(NULL);
    g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func((GDestroyNotify)removed_device_free);
    if (dd == NULL || !apply_edit(edit, dd, notes, added, removed, error))
        return FALSE;
    if (!de->config)
        print_notes(notes);
    gsize new_len;
    g_autofree char *result = domdoc_render(dd, &new_len);
    const char *live_xml = de->dom->live_xml;
    if ((edit_cli.dry_run || edit_cli.diff) && global_opts.json)
        return de->config ||
               show_json(edit, de->dom->name, NULL, TRUE, FALSE, live_xml, strlen(live_xml), result, new_len, NULL,
                         error);
    if (edit_cli.dry_run || edit_cli.diff)
        return de->config || show_result(live_xml, strlen(live_xml), result, new_len, what, error);
    for (guint i = 0; i < added->len; i++) {
        if (!de->host.virt->device_attach(de->host.conn, de->dom->uuid, added->pdata[i], VIRT_AFFECT_LIVE, error))
            return FALSE;
        g_ptr_array_add(done, g_strdup(added->pdata[i]));
    }
    for (guint i = 0; i < removed->len; i++) {
        const RemovedDevice *r = removed->pdata[i];
        if (!de->host.virt->device_detach(de->host.conn, de->dom->uuid, r->xml, VIRT_AFFECT_LIVE, error))
            return FALSE;
    }
    cli_note("%s the running domain '%s'", edit->kind == EDIT_ADD ? "attached to" : "detached from", de->dom->name);
    return de->config || !global_opts.json ||
           show_json(edit, de->dom->name, "domain", TRUE, FALSE, live_xml, strlen(live_xml), result, new_len,
                     &de->json, error);
}

/* remove --reattach: unmanaged PCI devices no other domain holds. */
static gboolean reattach_removed(DomainEdit *de, GPtrArray *removed, GError **error)
{
    g_autoptr(GPtrArray) back = g_ptr_array_new();
    for (guint i = 0; i < removed->len; i++) {
        const RemovedDevice *r = removed->pdata[i];
        if (r->source == NULL || r->source->kind != NODEDEV_PCI)
            continue;
        g_autofree char *label = nodedev_label(r->source);
        Nodedev *dev = inventory_find_pci(de->host.inv, &r->source->pci);
        if (r->managed) {
            cli_note("%s was managed: libvirt gives it back itself", label);
            continue;
        }
        if (dev == NULL) {
            cli_note("%s is not on this host any more: nothing to give back", label);
            continue;
        }
        GPtrArray *users = inventory_users(de->host.inv, dev);
        gboolean elsewhere = FALSE;
        for (guint u = 0; u < users->len; u++)
            elsewhere |= g_strcmp0(((const DeviceUser *)users->pdata[u])->uuid, de->dom->uuid) != 0;
        if (elsewhere) {
            cli_note("%s stays on vfio-pci: another domain holds it too", label);
            continue;
        }
        g_ptr_array_add(back, dev);
    }
    return host_reattach(&de->host, back, FALSE, error);
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

static gboolean edit_domain(const Edit *edit_in, const char *name, char **device_args, GError **error)
{
    Edit edit = *edit_in;
    DomainEdit de = { 0 };
    g_autoptr(GPtrArray) owned = NULL;
    g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func((GDestroyNotify)removed_device_free);
    g_autoptr(GPtrArray) live_done = g_ptr_array_new_with_free_func(g_free);
    gboolean ok = FALSE;
    de.detached = g_ptr_array_new();

    if (!host_open(&de.host, NULL, TRUE, error) ||
        !(de.dom = de.host.virt->domain_get(de.host.conn, name, error)) || !resolve_affect(&de, error))
        goto out;
    host_read_subsystem_ids(&de.host); /* for the identities add records */
    if (edit.kind == EDIT_ADD) {
        /* the host must have the device: libvirt itself would accept a
         * hostdev for hardware that does not exist */
        if (pool_opt.pci_alias && !(device_args && device_args[0]))
            owned = g_ptr_array_new();
        else if (!(owned = resolve_devices(&de.host, device_args,
                                           edit.all_functions ? RESOLVE_ALL_FUNCTIONS : 0, error)))
            goto out;
        host_warn_devices(&de.host, owned, FALSE);
        if (pool_opt.pci_alias && !pick_from_pool(&de, owned, &edit.all_functions, error))
            goto out;
        /* the inventory's verdict on all of them together; --force
         * overrides it (never an address collision: domedit's job) */
        AssignContext ctx = { .domain_uuid = de.dom->uuid, .together = owned, .interface = edit.opts->interface,
                              .allow_host_critical = host_cli.allow_host_critical };
        if (!host_check_assignable(&de.host, owned, &ctx, edit_cli.force, error))
            goto out;
    } else if (device_args && device_args[0]) {
        /* stale entries whose host device is gone can still be removed */
        owned = resolve_devices(&de.host, device_args, RESOLVE_AS_GIVEN, error);
        if (owned == NULL)
            goto out;
    }
    edit.devices = owned;
    if (edit.kind == EDIT_REMOVE && !remove_match_init(&edit, error))
        goto out;

    gboolean detach_first = edit.kind == EDIT_ADD && !edit.opts->managed && !edit_cli.dry_run && !edit_cli.diff;
    if (detach_first) {
        g_autoptr(GPtrArray) set = inventory_detach_set(de.host.inv, owned, FALSE, edit_cli.force, error);
        if (set == NULL)
            goto out;
    }
    if (de.live) {
        if (detach_first && !host_detach(&de.host, owned, de.detached, error))
            goto out;
        if (!edit_live(&de, &edit, live_done, error))
            goto rollback;
    }
    if (de.config && !edit_config(&de, &edit, detach_first && !de.live, removed, error))
        goto rollback;
    if (edit.kind == EDIT_REMOVE && remove_opt.reattach && !edit_cli.dry_run && !edit_cli.diff &&
        !reattach_removed(&de, removed, error))
        goto out;
    ok = !de.json || cli_write_stdout(de.json, strlen(de.json), error);
    goto out;

rollback:
    /* nothing half-done: live attachments undone, detached devices back */
    for (guint i = 0; i < live_done->len; i++) {
        g_autoptr(GError) err = NULL;
        if (!de.host.virt->device_detach(de.host.conn, de.dom->uuid, live_done->pdata[i], VIRT_AFFECT_LIVE, &err))
            cli_note("could not undo the live attach: %s", err->message);
    }
    host_give_back(&de.host, de.detached, 0);
out:
    if (edit.match.guest_addrs)
        g_array_unref(edit.match.guest_addrs);
    domain_edit_clear(&de);
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
    if (!check_edit_flags(error) || (kind == EDIT_ADD && !hostdev_cli_parse(&opts, &placement, error))) {
        hostdev_opts_clear(&opts);
        return VH_EXIT_USAGE;
    }
    if (!hostdev_cli_check_libvirt(&opts, domain != NULL, error)) {
        hostdev_opts_clear(&opts);
        return VH_EXIT_FAILED;
    }
    Edit edit = { .kind = kind, .opts = &opts, .placement = &placement, .all_functions = hostdev_cli.all_functions };
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
        ok = ok && edit_file(&edit, error);
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
