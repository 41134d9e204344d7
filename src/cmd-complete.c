/* __complete: what the bash completion asks the binary, so that the script
 * and the parser share one table and cannot drift.
 *   __complete verbs            visible verbs
 *   __complete options VERB     the verb's long options, then global ones
 *   __complete templates [DIR]  template names for generate --template (DIR:
 *                               its --template-dir) */
#include <stdio.h>

#include "cli.h"
#include "errors.h"
#include "template.h"

static void print_long_options(GString *out, const GOptionEntry *entries)
{
    for (const GOptionEntry *e = entries; e->long_name; e++)
        g_string_append_printf(out, "--%s\n", e->long_name);
}

static int run_complete(char **args, GError **error)
{
    g_autoptr(GString) out = g_string_new(NULL);
    if (g_strcmp0(args[0], "verbs") == 0) {
        for (const VerbDef *const *v = verb_table; *v; v++)
            if (!(*v)->hidden)
                g_string_append_printf(out, "%s\n", (*v)->name);
        g_string_append(out, "help\n");
    } else if (g_strcmp0(args[0], "options") == 0 && args[1]) {
        const VerbDef *verb = verb_find(args[1]);
        for (const GOptionEntry *const *group = verb ? verb->options : NULL; group && *group; group++)
            print_long_options(out, *group);
        print_long_options(out, global_entries);
    } else if (g_strcmp0(args[0], "templates") == 0) {
        g_autoptr(GPtrArray) dirs = template_search_path(args[1] && *args[1] ? args[1] : NULL);
        g_autoptr(GPtrArray) infos = template_list(dirs, NULL);
        for (guint i = 0; infos && i < infos->len; i++)
            g_string_append_printf(out, "%s\n", ((TemplateInfo *)infos->pdata[i])->name);
    } else {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "__complete verbs | options VERB | templates [DIR]");
        return VH_EXIT_USAGE;
    }
    return cli_write_stdout(out->str, out->len, error) ? VH_EXIT_OK : VH_EXIT_FAILED;
}

const VerbDef verb_complete = {
    .name = "__complete",
    .params = "verbs | options VERB | templates [DIR]",
    .summary = "completion queries (used by the bash completion)",
    .run = run_complete,
    .hidden = TRUE,
};
