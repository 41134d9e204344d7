#include "validate.h"

#include <libxml/relaxng.h>
#include <string.h>

#include "config.h"
#include "domindex.h"
#include "domxml.h"
#include "errors.h"
#include "xmlutil.h"

/* schemas/hostdev.rng, cut by embed-file.py into one grammar per kind of
 * block (start "hostdevPci", "hostdevUsb", …, "interface") */
struct EmbeddedGrammar {
    const char *start, *grammar, *lean, *lean_without;
};
extern const struct EmbeddedGrammar vh_hostdev_rng[];

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
        g_set_error(error, VH_ERROR, VH_ERROR_SCHEMA, "cannot load schema %s: %s", what,
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
        g_set_error(error, VH_ERROR, VH_ERROR_INVALID, "%s does not validate: %s", what,
                    errs.messages->len ? errs.messages->str : "schema validation failed");
    g_string_free(errs.messages, TRUE);
    return rc == 0;
}

/* The grammar of ROOT's kind: "interface" for <interface>, "hostdevPci" for
 * <hostdev type='pci'>; -1 when hostdev.rng has none. */
static int grammar_index(xmlNode *root)
{
    g_autofree char *type = vh_xml_prop(root, "type");
    g_autofree char *kind = type && *type && g_strcmp0((const char *)root->name, "hostdev") == 0
                                ? g_strdup_printf("%s%c%s", root->name, g_ascii_toupper(type[0]), type + 1)
                                : g_strdup((const char *)root->name);
    for (int i = 0; vh_hostdev_rng[i].start; i++)
        if (strcmp(vh_hostdev_rng[i].start, kind) == 0)
            return i;
    return -1;
}

/* Whether an element named in WITHOUT (" a b ") occurs in the subtree of NODE. */
static gboolean holds_any(const xmlNode *node, const char *without)
{
    for (const xmlNode *n = node; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        g_autofree char *word = g_strdup_printf(" %s ", (const char *)n->name);
        if (strstr(without, word) || holds_any(n->children, without))
            return TRUE;
    }
    return FALSE;
}

xmlDoc *validate_block_as(const char *text, ValidateGrammar which, GError **error)
{
    static xmlRelaxNG *schemas[16];  /* compiled once per kind and form; hostdev.rng has 5 kinds */
    g_autoptr(xmlDoc) doc = vh_xml_parse(text, strlen(text), "generated block", error);
    if (doc == NULL)
        return NULL;
    xmlNode *root = xmlDocGetRootElement(doc);
    g_autofree char *what = g_strdup_printf("generated <%s> (hostdev.rng)", (const char *)root->name);
    int i = grammar_index(root);
    if (i < 0 || 2 * i + 1 >= (int)G_N_ELEMENTS(schemas)) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s does not validate: no grammar for this kind of element", what);
        return NULL;
    }
    /* the lean form for a block without any of its optional elements: the
     * same verdict, for about three quarters of the compile (a PCI block) */
    gboolean lean = which == VALIDATE_LEAN || (which == VALIDATE_CHOOSE &&
                                                !holds_any(root->children, vh_hostdev_rng[i].lean_without));
    int slot = 2 * i + lean;
    if (schemas[slot] == NULL) {
        const char *rng = lean ? vh_hostdev_rng[i].lean : vh_hostdev_rng[i].grammar;
        if (!(schemas[slot] = compile_schema(xmlRelaxNGNewMemParserCtxt(rng, (int)strlen(rng)), "hostdev.rng", error)))
            return NULL;
    }
    if (!run_schema(schemas[slot], doc, what, error))
        return NULL;
    return g_steal_pointer(&doc);
}

xmlDoc *validate_block(const char *text, GError **error)
{
    return validate_block_as(text, VALIDATE_CHOOSE, error);
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
        g_set_error(error, VH_ERROR, VH_ERROR_SCHEMA,
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

gboolean validate_libvirt_accepts_device(const char *device, GError **error)
{
    g_autofree char *text = g_strdup_printf("<domain type='kvm'><name>probe</name><memory>65536</memory>"
                                            "<os><type arch='x86_64'>hvm</type></os><devices>%s</devices></domain>",
                                            device);
    g_autoptr(xmlDoc) doc = vh_xml_parse(text, strlen(text), "probe domain", error);
    return doc && validate_domain_schema(doc, "a domain with it", error);
}

GPtrArray *validate_domain_semantics(DomDoc *dd)
{
    g_autoptr(DomIndex) idx = domindex_build(domdoc_xml(dd));
    return domindex_problems(idx);
}
