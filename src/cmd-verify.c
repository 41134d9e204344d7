/* verify (DOMAIN | --file F) [--record]: each PCI hostdev's recorded
 * identity against the host's devices now. */
#include <string.h>

#include "cli.h"
#include "cmd-verify.h"
#include "errors.h"
#include "verify.h"

static struct {
    char *file;
    gboolean record;
} opt;

static const GOptionEntry verify_entries[] = {
    { "file", 'f', 0, G_OPTION_ARG_FILENAME, &opt.file, "verify a domain XML file instead of a domain", "FILE" },
    { "record", 0, 0, G_OPTION_ARG_NONE, &opt.record,
      "record the identity of hostdevs that have none (the file is rewritten in place, the domain defined)", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const verify_options[] = { verify_entries, NULL };

static char *address_or_null(const Nodedev *dev)
{
    return dev ? pci_addr_format(&dev->pci, PCI_FORMAT_PCI) : NULL;
}

static char *ids_text(const Identity *id)
{
    return id ? g_strdup_printf("%04x:%04x", id->vendor, id->product) : NULL;
}

static void json_item(VhJson *b, const VerifyItem *item)
{
    g_autofree char *source = pci_addr_format(&item->source, PCI_FORMAT_PCI);
    const IdentityVerdict *v = &item->verdict;
    g_autofree char *now = v->status == IDENTITY_MOVED ? address_or_null(v->now) : NULL;
    g_autofree char *ids = ids_text(item->recorded);
    vh_json_begin_object(b);
    cli_json_string(b, "source", source);
    cli_json_string(b, "status", identity_status_name(v->status));
    cli_json_string(b, "now", now);
    cli_json_string(b, "alias", item->alias);
    cli_json_string(b, "ids", ids);
    cli_json_string(b, "serial", item->recorded ? item->recorded->serial : NULL);
    vh_json_member(b, "candidates");
    vh_json_begin_array(b);
    for (guint i = 0; v->candidates && v->status == IDENTITY_AMBIGUOUS && i < v->candidates->len; i++) {
        g_autofree char *c = address_or_null(v->candidates->pdata[i]);
        vh_json_string(b, c);
    }
    vh_json_end_array(b);
    vh_json_end_object(b);
}

/* The human detail of one verdict. */
static char *item_detail(const VerifyItem *item, Inventory *inv)
{
    const IdentityVerdict *v = &item->verdict;
    g_autofree char *ids = ids_text(item->recorded);
    g_autoptr(GString) s = g_string_new(ids ? ids : "");
    if (item->recorded && item->recorded->serial)
        g_string_append_printf(s, " serial %s", item->recorded->serial);
    if (item->alias)
        g_string_append_printf(s, " (%s)", item->alias);
    if (v->status == IDENTITY_UNKNOWN) {
        g_string_append_printf(s, "%snothing recorded (verify --record records it)", s->len ? "; " : "");
    } else if (v->status == IDENTITY_AMBIGUOUS) {
        g_string_append(s, "; candidates:");
        for (guint i = 0; i < v->candidates->len; i++) {
            g_autofree char *c = address_or_null(v->candidates->pdata[i]);
            g_string_append_printf(s, " %s", c);
        }
    } else if (v->status == IDENTITY_REPLACED) {
        const Nodedev *there = inventory_find_pci(inv, &item->source);
        g_string_append_printf(s, "; there now: %04x:%04x%s%s", there->vendor_id, there->product_id,
                               there->vpd_serial ? " serial " : "", there->vpd_serial ? there->vpd_serial : "");
    } else if (v->status == IDENTITY_MISSING) {
        g_string_append(s, "; not on this host");
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

gboolean verify_print(const Verification *v, DomHome *home, GError **error)
{
    g_autoptr(GString) out = g_string_new(NULL);
    if (global_opts.json) {
        g_autoptr(VhJson) b = vh_json_new();
        vh_json_begin_object(b);
        cli_json_string(b, "domain", home->dom ? home->dom->name : NULL);
        cli_json_string(b, "file", home->dom ? NULL : home->what);
        cli_json_bool(b, "ok", verification_ok(v));
        vh_json_member(b, "hostdevs");
        vh_json_begin_array(b);
        for (guint i = 0; i < v->items->len; i++)
            json_item(b, v->items->pdata[i]);
        vh_json_end_array(b);
        vh_json_end_object(b);
        g_string_append_printf(out, "%s\n", vh_json_text(b));
    } else if (v->items->len) {
        g_string_append_printf(out, "%-12s  %-9s  %-12s  %s\n", "SOURCE", "STATUS", "NOW", "DEVICE");
        for (guint i = 0; i < v->items->len; i++) {
            const VerifyItem *item = v->items->pdata[i];
            g_autofree char *source = pci_addr_format(&item->source, PCI_FORMAT_PCI);
            g_autofree char *now = item->verdict.status == IDENTITY_MOVED ? address_or_null(item->verdict.now) : NULL;
            g_autofree char *detail = item_detail(item, home->host.inv);
            g_string_append_printf(out, "%-12s  %-9s  %-12s  %s\n", source, identity_status_name(item->verdict.status),
                                   now ? now : "-", detail);
        }
    } else {
        cli_note("%s has no PCI hostdev", home->what);
    }
    return cli_write_stdout(out->str, out->len, error);
}

/* --record, then *V judged again on what was written (libvirt's
 * definition read back, or the file's new text). */
static gboolean record(DomHome *home, DomDoc *dd, Verification **v, GError **error)
{
    guint n = 0;
    if (!verify_record(dd, *v, home->host.inv, &n, error))
        return FALSE;
    if (n == 0) {
        cli_note("nothing to record: every hostdev found on the host has a recorded identity");
        return TRUE;
    }
    g_autofree char *read_back = NULL;
    if (!domhome_write(home, dd, home->dom ? DOMHOME_DEFINE : DOMHOME_IN_PLACE, NULL, &read_back, error))
        return FALSE;
    cli_note("recorded the identity of %u hostdev%s", n, n == 1 ? "" : "s");
    gsize len;
    g_autofree char *text = read_back ? g_steal_pointer(&read_back) : domdoc_render(dd, &len);
    g_autoptr(DomDoc) after = domdoc_parse(text, strlen(text), home->what, error);
    Verification *again = after ? verify_domain(after, home->host.inv, error) : NULL;
    if (again == NULL)
        return FALSE;
    verification_free(*v);
    *v = again;
    return TRUE;
}

static int run_verify(char **args, GError **error)
{
    if (!cli_domain_or_file("verify", opt.file, args, error))
        return VH_EXIT_USAGE;
    if (opt.record && g_strcmp0(opt.file, "-") == 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--record rewrites the file: name one, not standard input");
        return VH_EXIT_USAGE;
    }
    DomHome home = { 0 };
    g_autoptr(DomDoc) dd = NULL;
    Verification *v = NULL;
    gboolean ok = domhome_open(&home, args[0], opt.file, opt.record && opt.file, error) &&
                  (dd = domhome_parse(&home, error)) && (v = verify_domain(dd, home.host.inv, error)) &&
                  (!opt.record || record(&home, dd, &v, error)) && verify_print(v, &home, error);
    gboolean drift = ok && !verification_ok(v);
    verification_free(v);
    domhome_clear(&home);
    if (!ok)
        return vh_error_exit_code(*error);
    return drift ? VH_EXIT_FAILED : VH_EXIT_OK;
}

const VerbDef verb_verify = {
    .name = "verify",
    .params = "(DOMAIN | --file FILE)",
    .summary = "check each hostdev's recorded identity against the host: ok, moved, missing, replaced, unknown",
    .options = verify_options,
    .run = run_verify,
};
