/* check: is this host ready for PCI passthrough? Reads /proc and /sys only
 * (under --root), through hostcheck.c. */
#include "jsonw.h"
#include <string.h>

#include "cli.h"
#include "errors.h"
#include "hostcheck.h"

static char *opt_root;

static const GOptionEntry check_entries[] = {
    { "root", 0, 0, G_OPTION_ARG_FILENAME, &opt_root, "read proc/ and sys/ under DIR instead of / (default /)", "DIR" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const check_options[] = { check_entries, NULL };

static char *report_json(const HostReport *r)
{
    g_autoptr(VhJson) b = vh_json_new();
    vh_json_begin_object(b);
    cli_json_string(b, "root", r->root);
    vh_json_member(b, "ready");
    vh_json_bool(b, host_report_ready(r));
    cli_json_string(b, "cpu_vendor", r->cpu == CPU_INTEL ? "intel" : r->cpu == CPU_AMD ? "amd" : NULL);
    vh_json_member(b, "findings");
    vh_json_begin_array(b);
    for (guint i = 0; i < r->findings->len; i++) {
        const CheckFinding *f = r->findings->pdata[i];
        vh_json_begin_object(b);
        cli_json_string(b, "check", f->id);
        cli_json_string(b, "status", check_status_name(f->status));
        cli_json_string(b, "message", f->message);
        cli_json_string(b, "fix", f->fix);
        vh_json_end_object(b);
    }
    vh_json_end_array(b);
    vh_json_member(b, "iommu_groups");
    vh_json_begin_array(b);
    for (guint i = 0; i < r->groups->len; i++) {
        const CheckGroup *g = r->groups->pdata[i];
        vh_json_begin_object(b);
        vh_json_member(b, "group");
        vh_json_int(b, g->number);
        vh_json_member(b, "devices");
        vh_json_begin_array(b);
        for (guint d = 0; d < g->devices->len; d++) {
            const CheckDevice *dev = g->devices->pdata[d];
            vh_json_begin_object(b);
            cli_json_string(b, "address", dev->address);
            cli_json_string(b, "vendor_id", dev->vendor_id);
            cli_json_string(b, "product_id", dev->product_id);
            cli_json_string(b, "class", dev->pci_class);
            cli_json_string(b, "driver", dev->driver);
            cli_json_strv(b, "reset_methods", dev->reset_methods);
            g_ptr_array_add(dev->host_critical, NULL);
            cli_json_strv(b, "host_critical", (char **)dev->host_critical->pdata);
            g_ptr_array_set_size(dev->host_critical, dev->host_critical->len - 1);
            vh_json_end_object(b);
        }
        vh_json_end_array(b);
        vh_json_end_object(b);
    }
    vh_json_end_array(b);
    vh_json_member(b, "vfio_devices");
    vh_json_begin_array(b);
    for (guint i = 0; i < r->vfio->len; i++)
        vh_json_string(b, r->vfio->pdata[i]);
    vh_json_end_array(b);
    vh_json_end_object(b);
    const char *text = vh_json_text(b);
    return g_strconcat(text, "\n", NULL);
}

static char *report_text(const HostReport *r)
{
    GString *out = g_string_new(NULL);
    guint fails = 0, warns = 0;
    for (guint i = 0; i < r->findings->len; i++) {
        const CheckFinding *f = r->findings->pdata[i];
        fails += f->status == CHECK_FAIL;
        warns += f->status == CHECK_WARN;
        g_string_append_printf(out, "%-5s %-20s %s\n", check_status_name(f->status), f->title, f->message);
        if (f->fix && f->status != CHECK_OK)
            g_string_append_printf(out, "%-26s fix: %s\n", "", f->fix);
    }
    if (r->groups->len) {
        g_string_append(out, "\nIOMMU groups:\n");
        for (guint i = 0; i < r->groups->len; i++) {
            const CheckGroup *g = r->groups->pdata[i];
            for (guint d = 0; d < g->devices->len; d++) {
                const CheckDevice *dev = g->devices->pdata[d];
                g_autofree char *ids = dev->vendor_id && dev->product_id
                                           ? g_strdup_printf("%s:%s", dev->vendor_id, dev->product_id)
                                           : g_strdup("?");
                char number[16] = "";
                if (d == 0)
                    g_snprintf(number, sizeof number, "%u", g->number);
                g_autofree char *reset = dev->reset_methods ? g_strjoinv(",", dev->reset_methods) : NULL;
                g_string_append_printf(out, "  %4s  %s  %-9s  %-14s reset: %s%s\n", number, dev->address, ids,
                                       dev->driver ? dev->driver : "(no driver)",
                                       reset == NULL ? "?" : *reset ? reset : "none",
                                       dev->host_critical->len ? "  (host-critical)" : "");
            }
        }
    }
    if (fails)
        g_string_append_printf(out, "\nnot ready for PCI passthrough: %u check%s failed\n", fails,
                               fails == 1 ? "" : "s");
    else
        g_string_append_printf(out, "\nready for PCI passthrough%s\n",
                               warns ? " (see the warnings above)" : "");
    return g_string_free(out, FALSE);
}

static int run_check(char **args, GError **error)
{
    if (args[0]) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "check takes no arguments ('%s')", args[0]);
        return VH_EXIT_USAGE;
    }
    const char *root = opt_root ? opt_root : "/";
    if (!g_file_test(root, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--root '%s' is not a directory", root);
        return VH_EXIT_USAGE;
    }
    g_autoptr(HostReport) report = hostcheck_run(root);
    g_autofree char *text = global_opts.json ? report_json(report) : report_text(report);
    if (!cli_write_stdout(text, strlen(text), error))
        return VH_EXIT_FAILED;
    return host_report_ready(report) ? VH_EXIT_OK : VH_EXIT_FAILED;
}

const VerbDef verb_check = {
    .name = "check",
    .params = "[--root DIR]",
    .summary = "check the host for passthrough: IOMMU, interrupt remapping, vfio, IOMMU groups",
    .options = check_options,
    .run = run_check,
};
