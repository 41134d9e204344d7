#include "validate.h"

#include <libxml/relaxng.h>
#include <string.h>

#include "config.h"
#include "domindex.h"
#include "domxml.h"
#include "errors.h"
#include "xmlutil.h"

extern const char vh_hostdev_rng[];

typedef struct {
    GString *messages;
    guint count;
} RngErrors;

static void collect_rng_error(void *data, const xmlError *err)
{
    RngErrors *errs = data;
    if (errs->count++ >= 3)
        return;
    g_autofree char *msg = g_strstrip(g_strdup(err->message ? err->message : "invalid"));
    if (errs->messages->len)
        g_string_append(errs->messages, "; ");
    if (err->line > 0)
        g_string_append_printf(errs->messages, "line %d: %s", err->line, msg);
    else
        g_string_append(errs->messages, msg);
}

static xmlRelaxNG *compile_schema(xmlRelaxNGParserCtxt *pctxt, const char *what, GError **error)
{
    RngErrors errs = { g_string_new(NULL), 0 };
    xmlRelaxNGSetParserStructuredErrors(pctxt, (xmlStructuredErrorFunc)collect_rng_error, &errs);
    xmlRelaxNG *schema = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (schema == NULL)
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "cannot load schema %s: %s", what,
                    errs.messages->len ? errs.messages->str : "parse error");
    g_string_free(errs.messages, TRUE);
    return schema;
}

static gboolean run_schema(xmlRelaxNG *schema, xmlDoc *doc, const char *what, GError **error)
{
    RngErrors errs = { g_string_new(NULL), 0 };
    xmlRelaxNGValidCtxt *vctxt = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidStructuredErrors(vctxt, (xmlStructuredErrorFunc)collect_rng_error, &errs);
    int rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    if (rc != 0)
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s does not validate: %s", what,
                    errs.messages->len ? errs.messages->str : "schema validation failed");
    g_string_free(errs.messages, TRUE);
    return rc == 0;
}

xmlDoc *validate_block(const char *text, GError **error)
{
    static xmlRelaxNG *schema;
    g_autoptr(xmlDoc) doc = vh_xml_parse(text, strlen(text), "generated block", error);
    if (doc == NULL)
        return NULL;
    if (schema == NULL) {
        xmlRelaxNGParserCtxt *pctxt = xmlRelaxNGNewMemParserCtxt(vh_hostdev_rng, (int)strlen(vh_hostdev_rng));
        if (!(schema = compile_schema(pctxt, "hostdev.rng", error)))
            return NULL;
    }
    g_autofree char *what = g_strdup_printf("generated <%s> (hostdev.rng)", (const char *)xmlDocGetRootElement(doc)->name);
    if (!run_schema(schema, doc, what, error))
        return NULL;
    return g_steal_pointer(&doc);
}

char *validate_libvirt_schema_path(void)
{
    const char *dir = g_getenv("VIRT_HOSTDEV_SCHEMA_DIR");
    return g_build_filename(dir && *dir ? dir : VH_LIBVIRT_SCHEMA_DIR, "domain.rng", NULL);
}

gboolean validate_domain_schema(xmlDoc *doc, const char *what, GError **error)
{
    g_autofree char *path = validate_libvirt_schema_path();
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "libvirt's schema %s not found (install libvirt0 or set VIRT_HOSTDEV_SCHEMA_DIR)", path);
        return FALSE;
    }
    xmlRelaxNG *schema = compile_schema(xmlRelaxNGNewParserCtxt(path), path, error);
    if (schema == NULL)
        return FALSE;
    gboolean ok = run_schema(schema, doc, what, error);
    xmlRelaxNGFree(schema);
    return ok;
}

GPtrArray *validate_domain_semantics(DomDoc *dd)
{
    g_autoptr(DomIndex) idx = domindex_build(domdoc_xml(dd));
    return domindex_problems(idx);
}
