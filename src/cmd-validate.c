/* validate (DOMAIN | --file F): libvirt's domain.rng plus our semantic
 * checks, on a file or on a domain's persistent definition */
#include "jsonw.h"
#include <string.h>

#include "cli.h"
#include "domxml.h"
#include "errors.h"
#include "fileio.h"
#include "validate.h"
#include "virt-loader.h"

static char *opt_file;

static const GOptionEntry validate_entries[] = {
    { "file", 'f', 0, G_OPTION_ARG_FILENAME, &opt_file, "validate a domain XML file ('-': stdin) instead of a domain", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const GOptionEntry *const validate_options[] = { validate_entries, NULL };

static int run_validate(char **args, GError **error)
{
    if (!cli_domain_or_file("validate", opt_file, args, error))
        return VH_EXIT_USAGE;
    g_autofree char *what = NULL;
    g_autofree char *data = NULL;
    g_autofree char *domain = NULL;
    gsize len;
    if (opt_file) {
        what = g_strdup(g_strcmp0(opt_file, "-") == 0 ? "standard input" : opt_file);
        if (!fileio_read(opt_file, &data, &len, error))
            return VH_EXIT_USAGE;
    } else {
        /* the persistent definition, as add and remove edit it */
        VirtConn *conn;
        const VirtBackend *virt = virt_connect(global_opts.connect, &conn, error);
        if (virt == NULL)
            return VH_EXIT_FAILED;
        g_autoptr(VirtDomain) dom = virt->domain_get(conn, args[0], error);
        if (dom == NULL)
            return VH_EXIT_FAILED;
        domain = g_strdup(dom->name);
        what = g_strdup_printf("domain '%s'", dom->name);
        len = strlen(dom->xml);
        data = g_steal_pointer(&dom->xml);
    }
    g_autoptr(DomDoc) dd = domdoc_parse(data, len, what, error);
    if (dd == NULL)
        return VH_EXIT_USAGE;

    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) schema_error = NULL;
    gboolean schema_ok = validate_domain_schema(domdoc_xml(dd), what, &schema_error);
    if (!schema_ok) {
        if (g_error_matches(schema_error, VH_ERROR, VH_ERROR_SCHEMA)) {
            g_propagate_error(error, g_steal_pointer(&schema_error));
            return VH_EXIT_FAILED;
        }
        g_ptr_array_add(problems, g_strdup(schema_error->message));
    }
    g_autoptr(GPtrArray) semantic = validate_domain_semantics(dd);
    for (guint i = 0; i < semantic->len; i++)
        g_ptr_array_add(problems, g_strdup(semantic->pdata[i]));

    g_autoptr(GString) out = g_string_new(NULL);
    if (global_opts.json) {
        g_autoptr(VhJson) b = vh_json_new();
        g_autofree char *schema = validate_libvirt_schema_path();
        vh_json_begin_object(b);
        cli_json_string(b, "file", domain ? NULL : what);
        cli_json_string(b, "domain", domain);
        vh_json_member(b, "valid");
        vh_json_bool(b, problems->len == 0);
        vh_json_member(b, "schema");
        vh_json_string(b, schema);
        vh_json_member(b, "schema_valid");
        vh_json_bool(b, schema_ok);
        vh_json_member(b, "problems");
        vh_json_begin_array(b);
        for (guint i = 0; i < problems->len; i++)
            vh_json_string(b, problems->pdata[i]);
        vh_json_end_array(b);
        vh_json_end_object(b);
        const char *text = vh_json_text(b);
        g_string_append_printf(out, "%s\n", text);
    } else if (problems->len == 0) {
        g_string_append_printf(out, "%s: valid\n", what);
    } else {
        for (guint i = 0; i < problems->len; i++)
            g_string_append_printf(out, "%s: %s\n", what, (const char *)problems->pdata[i]);
    }
    if (!cli_write_stdout(out->str, out->len, error))
        return VH_EXIT_FAILED;
    return problems->len == 0 ? VH_EXIT_OK : VH_EXIT_FAILED;
}

const VerbDef verb_validate = {
    .name = "validate",
    .params = "(DOMAIN | --file FILE)",
    .summary = "check a domain (or a domain XML file) against libvirt's domain.rng and for hostdev conflicts",
    .options = validate_options,
    .run = run_validate,
};
