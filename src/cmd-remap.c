/* remap (DOMAIN | --file F) [--dry-run | --diff | --in-place]: the source
 * addresses of moved devices rewritten to where the devices are now. */
#include <string.h>

#include "cli.h"
#include "cmd-verify.h"
#include "errors.h"

static struct {
    char *file;
    gboolean dry_run, diff, in_place;
    char *backup;
} opt;

static const GOptionEntry remap_entries[] = {
    { "file", 'f', 0, G_OPTION_ARG_FILENAME, &opt.file, "remap a domain XML file ('-': stdin) instead of a domain",
      "FILE" },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &opt.dry_run, "print the resulting domain XML, change nothing", NULL },
    { "diff", 0, 0, G_OPTION_ARG_NONE, &opt.diff, "print a unified diff of the change, change nothing", NULL },
    { "in-place", 0, 0, G_OPTION_ARG_NONE, &opt.in_place, "with --file: replace the file atomically", NULL },
    { "backup", 0, 0, G_OPTION_ARG_STRING, &opt.backup, "with --in-place: keep the original as FILE+SUFFIX",
      "SUFFIX" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const remap_options[] = { remap_entries, NULL };

static gboolean check_flags(GError **error)
{
    const char *problem = NULL;
    if ((opt.dry_run || opt.diff) && opt.in_place)
        problem = "--dry-run and --diff change nothing: drop --in-place";
    else if (opt.in_place && !opt.file)
        problem = "--in-place and --backup apply to --file";
    else if (opt.in_place && g_strcmp0(opt.file, "-") == 0)
        problem = "--in-place needs a file, not standard input";
    else if (opt.backup && !opt.in_place)
        problem = "--backup only applies with --in-place";
    else if (opt.backup && (*opt.backup == '\0' || strchr(opt.backup, '/')))
        problem = "--backup: a suffix such as .orig, without '/'";
    if (problem)
        g_set_error_literal(error, VH_ERROR, VH_ERROR_USAGE, problem);
    return problem == NULL;
}

static DomHomeWrite write_mode(const DomHome *home)
{
    if (opt.diff)
        return DOMHOME_DIFF;
    if (opt.dry_run)
        return DOMHOME_PRINT;
    if (home->dom)
        return DOMHOME_DEFINE;
    return opt.in_place ? DOMHOME_IN_PLACE : DOMHOME_PRINT;
}

/* The hostdevs remap leaves, named in one error line (exit 1). */
static gboolean report_left(const Verification *v, const DomHome *home, GError **error)
{
    g_autoptr(GString) left = g_string_new(NULL);
    for (guint i = 0; i < v->items->len; i++) {
        const VerifyItem *item = v->items->pdata[i];
        IdentityStatus st = item->verdict.status;
        if (st == IDENTITY_OK || st == IDENTITY_MOVED)
            continue;
        g_autofree char *source = pci_addr_format(&item->source, PCI_FORMAT_PCI);
        g_string_append_printf(left, "%s%s %s", left->len ? ", " : "", source, identity_status_name(st));
        for (guint c = 0; st == IDENTITY_AMBIGUOUS && c < item->verdict.candidates->len; c++) {
            g_autofree char *a = pci_addr_format(&((const Nodedev *)item->verdict.candidates->pdata[c])->pci,
                                                 PCI_FORMAT_PCI);
            g_string_append_printf(left, "%s%s", c ? " or " : " (", a);
        }
        if (st == IDENTITY_AMBIGUOUS)
            g_string_append(left, ": refusing to guess)");
    }
    if (left->len == 0)
        return TRUE;
    g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: left as they are: %s", home->what, left->str);
    return FALSE;
}

/* After a define: the definition read back has every moved device where
 * it is now (a change is done only when libvirt holds it). */
static gboolean check_read_back(DomHome *home, const char *xml, GError **error)
{
    g_autoptr(DomDoc) dd = domdoc_parse(xml, strlen(xml), home->what, error);
    g_autoptr(Verification) v = dd ? verify_domain(dd, home->host.inv, error) : NULL;
    if (v == NULL)
        return FALSE;
    for (guint i = 0; i < v->items->len; i++) {
        const VerifyItem *item = v->items->pdata[i];
        if (item->verdict.status == IDENTITY_MOVED) {
            g_autofree char *source = pci_addr_format(&item->source, PCI_FORMAT_PCI);
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: the definition read back still has %s", home->what,
                        source);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean remap(DomHome *home, GError **error)
{
    g_autoptr(DomDoc) dd = domhome_parse(home, error);
    g_autoptr(Verification) v = dd ? verify_domain(dd, home->host.inv, error) : NULL;
    guint moved = 0;
    if (v == NULL || !verify_remap(dd, v, &moved, error))
        return FALSE;
    for (guint i = 0; i < v->items->len; i++) {
        const VerifyItem *item = v->items->pdata[i];
        if (item->verdict.status != IDENTITY_MOVED)
            continue;
        g_autofree char *from = pci_addr_format(&item->source, PCI_FORMAT_PCI);
        g_autofree char *to = pci_addr_format(&item->verdict.now->pci, PCI_FORMAT_PCI);
        cli_note("%s: %s is now %s", home->what, from, to);
    }
    DomHomeWrite how = write_mode(home);
    if (moved == 0 && (how == DOMHOME_DEFINE || how == DOMHOME_IN_PLACE))
        cli_note("%s: no hostdev moved; nothing written", home->what);
    else {
        g_autofree char *read_back = NULL;
        if (!domhome_write(home, dd, how, opt.backup, &read_back, error) ||
            (read_back && !check_read_back(home, read_back, error)))
            return FALSE;
    }
    return report_left(v, home, error);
}

static int run_remap(char **args, GError **error)
{
    if (!cli_no_json("remap", "it prints or writes the domain XML; verify --json reports the identities", error))
        return VH_EXIT_USAGE;
    if (!cli_domain_or_file("remap", opt.file, args, error) || !check_flags(error))
        return VH_EXIT_USAGE;
    DomHome home = { 0 };
    gboolean ok = domhome_open(&home, args[0], opt.file, opt.in_place, error) && remap(&home, error);
    domhome_clear(&home);
    return ok ? VH_EXIT_OK : vh_error_exit_code(*error);
}

const VerbDef verb_remap = {
    .name = "remap",
    .params = "(DOMAIN | --file FILE)",
    .summary = "rewrite the source addresses of hostdevs whose devices moved (verify says where)",
    .options = remap_options,
    .run = run_remap,
};
