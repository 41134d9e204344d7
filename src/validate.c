#include "validate.h"

#include <libxml/relaxng.h>
#include <string.h>

#include "config.h"
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

static char *source_key(const Nodedev *src)
{
    switch (src->kind) {
    case NODEDEV_PCI:
        return pci_addr_format(&src->pci, PCI_FORMAT_PCI);
    case NODEDEV_USB:
        if (src->usb_has_busdev)
            return g_strdup_printf("usb bus %u device %u", src->usb_bus, src->usb_device);
        return g_strdup_printf("usb %04x:%04x", src->vendor_id, src->product_id);
    case NODEDEV_MDEV:
        return g_strdup_printf("mdev %s", src->uuid);
    case NODEDEV_OTHER:
        break;
    }
    return NULL;
}

/* Chipset slots whose function 0 is built into the machine and never listed:
 * the PIIX3 (00:01.x: IDE, USB) on i440fx, the ICH9 (00:1f.x: SATA, SMBus)
 * on q35. */
static gboolean builtin_multifunction_slot(MachineKind machine, gint64 slot_key)
{
    PciAddr builtin = { 0, 0, machine == MACHINE_Q35 ? 0x1f : 0x01, 0 };
    return slot_key == (gint64)pci_addr_key(&builtin);
}

GPtrArray *validate_domain_semantics(DomDoc *dd)
{
    xmlNode *devices = domdoc_devices(dd);
    MachineKind machine = domdoc_machine(dd);
    GPtrArray *problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) sources = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    /* PCI sources by number: no text per device unless one is a duplicate */
    g_autoptr(GHashTable) pci_sources = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    g_autoptr(GHashTable) guests = g_hash_table_new(g_int64_hash, g_int64_equal);
    g_autoptr(GArray) keys = g_array_new(FALSE, FALSE, sizeof(gint64));
    g_autoptr(GHashTable) slots = g_hash_table_new(g_int64_hash, g_int64_equal);

    /* keys live in KEYS; sized first so pointers into it stay valid */
    guint ndev = 0;
    for (xmlNode *d = vh_xml_child(devices, NULL); d; d = vh_xml_next(d, NULL))
        ndev++;
    g_array_set_size(keys, ndev * 2);
    guint k = 0;

    for (xmlNode *d = vh_xml_child(devices, NULL); d; d = vh_xml_next(d, NULL)) {
        g_autoptr(GError) err = NULL;
        g_autoptr(Nodedev) src = domdoc_hostdev_source(d, &err);
        if (err) {
            g_autofree char *desc = domdoc_describe(d);
            g_ptr_array_add(problems, g_strdup_printf("%s: %s", desc, err->message));
            continue;
        }
        if (src && src->kind == NODEDEV_PCI) {
            gint64 *pkey = g_new(gint64, 1);
            *pkey = (gint64)pci_addr_key(&src->pci);
            xmlNode *other = g_hash_table_lookup(pci_sources, pkey);
            if (other) {
                g_autofree char *text = source_key(src);
                g_autofree char *d1 = domdoc_describe(other), *d2 = domdoc_describe(d);
                g_ptr_array_add(problems, g_strdup_printf("host device %s is assigned twice: %s and %s", text, d1, d2));
                g_free(pkey);
            } else {
                g_hash_table_insert(pci_sources, pkey, d);
            }
        }
        g_autofree char *key = src && src->kind != NODEDEV_PCI ? source_key(src) : NULL;
        if (key) {
            xmlNode *other = g_hash_table_lookup(sources, key);
            if (other) {
                g_autofree char *d1 = domdoc_describe(other), *d2 = domdoc_describe(d);
                g_ptr_array_add(problems, g_strdup_printf("host device %s is assigned twice: %s and %s", key, d1, d2));
            } else {
                g_hash_table_insert(sources, g_steal_pointer(&key), d);
            }
        }

        PciAddr addr;
        gboolean present;
        if (!domdoc_guest_address(d, &addr, &present, &err)) {
            g_autofree char *desc = domdoc_describe(d);
            g_ptr_array_add(problems, g_strdup_printf("%s: %s", desc, err->message));
            continue;
        }
        if (!present)
            continue;
        gint64 *full = &g_array_index(keys, gint64, k++);
        *full = (gint64)pci_addr_key(&addr);
        xmlNode *holder = g_hash_table_lookup(guests, full);
        if (holder) {
            g_autofree char *d1 = domdoc_describe(holder), *d2 = domdoc_describe(d);
            g_autofree char *a = pci_addr_format(&addr, PCI_FORMAT_PCI);
            g_ptr_array_add(problems, g_strdup_printf("guest PCI address %s is used twice: by %s and by %s", a, d1, d2));
            continue;
        }
        g_hash_table_insert(guests, full, d);
        gint64 *slot = &g_array_index(keys, gint64, k++);
        *slot = *full & ~(gint64)0xff;
        g_hash_table_insert(slots, slot, slot);
    }

    /* every slot with a function other than 0 needs function 0, multifunction='on' */
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, slots);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        gint64 slot = *(gint64 *)key;
        guint nfun = 0;
        xmlNode *fn0 = NULL, *other = NULL;
        for (gint64 f = 0; f <= PCI_FUNCTION_MAX; f++) {
            gint64 probe = slot | f;
            xmlNode *d = g_hash_table_lookup(guests, &probe);
            if (d) {
                nfun++;
                if (f == 0)
                    fn0 = d;
                else if (other == NULL)
                    other = d;
            }
        }
        if (other == NULL || builtin_multifunction_slot(machine, slot))
            continue;
        PciAddr a = { (guint)(slot >> 24) & 0xffff, (guint)(slot >> 16) & 0xff, (guint)(slot >> 8) & 0xff, 0 };
        g_autofree char *text = pci_addr_format(&a, PCI_FORMAT_PCI);
        text[strlen(text) - 2] = '\0';
        g_autofree char *desc = domdoc_describe(other);
        if (fn0 == NULL) {
            g_ptr_array_add(problems, g_strdup_printf("guest slot %s has %s but no function 0", text, desc));
        } else {
            gboolean multi = FALSE;
            VH_XML_FOREACH_CHILD(ad, fn0, "address")
                multi = multi || vh_xml_prop_is(ad, "multifunction", "on");
            if (!multi) {
                g_autofree char *d0 = domdoc_describe(fn0);
                g_ptr_array_add(problems, g_strdup_printf("guest slot %s holds %u functions but function 0, %s, "
                                                          "lacks multifunction='on'", text, nfun, d0));
            }
        }
    }
    return problems;
}
