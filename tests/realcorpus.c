/* See realcorpus.h. */
#include "realcorpus.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

void rc_doc_free(RcDoc *doc)
{
    if (doc == NULL)
        return;
    g_free(doc->path);
    g_free(doc->label);
    g_free(doc);
}

const char *rc_family_name(RcFamily family)
{
    static const char *const names[RC_FAM_N] = { "i440fx", "q35", "virt", "pseries", "s390", "other" };
    return family < RC_FAM_N ? names[family] : "?";
}

const char *rc_verdict_name(RcVerdict verdict)
{
    return verdict == RC_ACCEPTED ? "accepted" : verdict == RC_REFUSED ? "refused" : "unjudged";
}

static void silence(void *ctx, const xmlError *error)
{
    (void)ctx;
    (void)error;
}

xmlDoc *rc_parse(const char *text, gsize len)
{
    xmlSetStructuredErrorFunc(NULL, (xmlStructuredErrorFunc)silence);
    return xmlReadMemory(text, (int)len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* ---- verdicts from libvirt's test programs ---- */

/* The C source with comments blanked out (string literals kept). */
static char *strip_comments(const char *src)
{
    char *out = g_strdup(src);
    for (char *p = out; *p; p++) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (!*p)
                break;
        } else if (p[0] == '/' && p[1] == '*') {
            char *end = strstr(p + 2, "*/");
            char *stop = end ? end + 2 : p + strlen(p);
            memset(p, ' ', stop - p);
            p = stop - 1;
        } else if (p[0] == '/' && p[1] == '/') {
            while (*p && *p != '\n')
                *p++ = ' ';
            if (!*p)
                break;
        }
    }
    return out;
}

/* For each DO_TEST* invocation whose first argument is a string literal (the
 * macros' own definitions pass a parameter, not a literal), record
 * NAME -> GINT_TO_POINTER(bits): 1 an invocation accepts it, 2 one refuses. */
static void scan_invocations(const char *path, GHashTable *verdicts)
{
    g_autofree char *raw = NULL;
    if (!g_file_get_contents(path, &raw, NULL, NULL))
        return;
    g_autofree char *src = strip_comments(raw);
    for (char *p = strstr(src, "DO_TEST"); p; p = strstr(p + 1, "DO_TEST")) {
        if (p > src && (g_ascii_isalnum(p[-1]) || p[-1] == '_'))
            continue;
        char *q = p;
        while (g_ascii_isalnum(*q) || *q == '_')
            q++;
        g_autofree char *macro = g_strndup(p, q - p);
        while (g_ascii_isspace(*q))
            q++;
        if (*q != '(')
            continue;
        char *args = ++q;
        for (int depth = 1; *q && depth > 0; q++)
            depth += (*q == '(') - (*q == ')');
        g_autofree char *arglist = g_strndup(args, q - args);
        char *a = g_strstrip(g_strdup(arglist));
        g_autofree char *first = a;
        char *close = *a == '"' ? strchr(a + 1, '"') : NULL;
        if (close == NULL)
            continue;
        g_autofree char *name = g_strndup(a + 1, close - a - 1);
        gboolean refuses = strstr(macro, "FAILURE") || strstr(macro, "PARSE_ERROR") ||
                           strstr(arglist, "FLAG_EXPECT_FAILURE") || strstr(arglist, "FLAG_EXPECT_PARSE_ERROR");
        guint bits = GPOINTER_TO_UINT(g_hash_table_lookup(verdicts, name)) | (refuses ? 2 : 1);
        g_hash_table_replace(verdicts, g_steal_pointer(&name), GUINT_TO_POINTER(bits));
    }
}

/* Does a refusal concern hostdevs or PCI addresses? Its name or the error
 * libvirt's test expects (qemuxml2argvdata/NAME*.err) says so. */
static gboolean about_pci(const char *argvdata, const char *name)
{
    static const char *const words[] = { "hostdev", "pci", "multifunction", "slot", "vfio", "address" };
    g_autofree char *lower = g_ascii_strdown(name, -1);
    for (guint i = 0; i < G_N_ELEMENTS(words); i++)
        if (strstr(lower, words[i]))
            return TRUE;
    g_autofree char *prefix = g_strconcat(name, ".", NULL);
    GDir *dir = g_dir_open(argvdata, 0, NULL);
    gboolean hit = FALSE;
    const char *f;
    while (dir && !hit && (f = g_dir_read_name(dir))) {
        if (!g_str_has_suffix(f, ".err") || !g_str_has_prefix(f, prefix))
            continue;
        g_autofree char *p = g_build_filename(argvdata, f, NULL);
        g_autofree char *text = NULL;
        if (g_file_get_contents(p, &text, NULL, NULL)) {
            g_autofree char *t = g_ascii_strdown(text, -1);
            hit = strstr(t, "pci") || strstr(t, "hostdev") || strstr(t, "multifunction") || strstr(t, "slot");
        }
    }
    if (dir)
        g_dir_close(dir);
    return hit;
}

/* ---- documents ---- */

static char *attr(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? g_strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static xmlNode *child(xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

RcFamily rc_family(xmlDoc *doc, gboolean *x86)
{
    xmlNode *type = child(child(xmlDocGetRootElement(doc), "os"), "type");
    g_autofree char *arch = type ? attr(type, "arch") : NULL;
    g_autofree char *machine = type ? attr(type, "machine") : NULL;
    const char *a = arch ? arch : "x86_64";
    const char *m = machine ? machine : "";
    *x86 = strcmp(a, "x86_64") == 0 || strcmp(a, "i686") == 0;
    if (*x86) {
        if (strstr(m, "q35"))
            return RC_FAM_Q35;
        if (!*m || strcmp(m, "pc") == 0 || g_str_has_prefix(m, "pc-i440fx") ||
            (g_str_has_prefix(m, "pc-") && g_ascii_isdigit(m[3])))
            return RC_FAM_I440FX;
        return RC_FAM_OTHER;
    }
    if (g_str_has_prefix(a, "ppc64"))
        return !*m || g_str_has_prefix(m, "pseries") ? RC_FAM_PSERIES : RC_FAM_OTHER;
    if (g_str_has_prefix(a, "s390"))
        return RC_FAM_S390;
    if (g_str_has_prefix(m, "virt"))
        return RC_FAM_VIRT;
    return RC_FAM_OTHER;
}

static RcDoc *doc_new(const char *path, const char *label, RcVerdict verdict)
{
    RcDoc *d = g_new0(RcDoc, 1);
    d->path = g_strdup(path);
    d->label = g_strdup(label);
    d->verdict = verdict;
    g_autofree char *text = NULL;
    gsize len = 0;
    if (g_file_get_contents(path, &text, &len, NULL)) {
        xmlDoc *doc = rc_parse(text, len);
        if (doc) {
            d->family = rc_family(doc, &d->x86);
            xmlFreeDoc(doc);
        }
    }
    return d;
}

static GPtrArray *xml_files(const char *dir)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *f;
    while (d && (f = g_dir_read_name(d)))
        if (g_str_has_suffix(f, ".xml"))
            g_ptr_array_add(names, g_strdup(f));
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    return names;
}

/* Run a project script; its last stdout line is the directory it names. */
static char *run_script(const char *script, char **error)
{
    const char *src = g_getenv("VIRT_HOSTDEV_SOURCE_DIR");
    g_autofree char *path = g_build_filename(src ? src : ".", "scripts", script, NULL);
    const char *argv[] = { "sh", path, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;
    g_autoptr(GError) gerr = NULL;
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &gerr)) {
        *error = g_strdup(gerr->message);
        return NULL;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_strstrip(err);
        const char *last = strrchr(err, '\n');
        *error = g_strdup_printf("scripts/%s failed: %s", script, last ? last + 1 : err);
        return NULL;
    }
    g_strstrip(out);
    const char *last = strrchr(out, '\n');
    return g_strdup(last ? last + 1 : out);
}

static void add_libvirt(GPtrArray *docs, const char *tests)
{
    g_autoptr(GHashTable) verdicts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autofree char *argvtest = g_build_filename(tests, "qemuxml2argvtest.c", NULL);
    g_autofree char *xmltest = g_build_filename(tests, "qemuxml2xmltest.c", NULL);
    scan_invocations(argvtest, verdicts);
    /* qemuxml2xmltest has no failure macros: each name it lists parses */
    g_autoptr(GHashTable) parsed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    scan_invocations(xmltest, parsed);
    g_autofree char *argvdata = g_build_filename(tests, "qemuxml2argvdata", NULL);
    g_autoptr(GPtrArray) in = xml_files(argvdata);
    for (guint i = 0; i < in->len; i++) {
        g_autofree char *name = g_strndup(in->pdata[i], strlen(in->pdata[i]) - 4);
        guint bits = GPOINTER_TO_UINT(g_hash_table_lookup(verdicts, name));
        if (g_hash_table_contains(parsed, name))
            bits |= 1;
        RcVerdict v = bits & 1 ? RC_ACCEPTED : bits & 2 ? RC_REFUSED : RC_UNJUDGED;
        g_autofree char *path = g_build_filename(argvdata, in->pdata[i], NULL);
        g_autofree char *label = g_strconcat("libvirt/qemuxml2argvdata/", in->pdata[i], NULL);
        RcDoc *d = doc_new(path, label, v);
        d->pci_refusal = v == RC_REFUSED && about_pci(argvdata, name);
        g_ptr_array_add(docs, d);
    }
    g_autofree char *outdata = g_build_filename(tests, "qemuxml2xmloutdata", NULL);
    g_autoptr(GPtrArray) out = xml_files(outdata);
    for (guint i = 0; i < out->len; i++) {
        g_autofree char *path = g_build_filename(outdata, out->pdata[i], NULL);
        g_autofree char *label = g_strconcat("libvirt/qemuxml2xmloutdata/", out->pdata[i], NULL);
        g_ptr_array_add(docs, doc_new(path, label, RC_ACCEPTED));
    }
}

GPtrArray *rc_corpus_load(char **skip, char **note)
{
    g_autofree char *error = NULL;
    g_autofree char *libvirt = run_script("fetch-libvirt-tests", &error);
    if (libvirt == NULL) {
        *skip = g_strdup_printf("libvirt 9.0's test data cannot be had: %s", error);
        return NULL;
    }
    GPtrArray *docs = g_ptr_array_new_with_free_func((GDestroyNotify)rc_doc_free);
    g_autofree char *tests = g_build_filename(libvirt, "tests", NULL);
    add_libvirt(docs, tests);
    g_clear_pointer(&error, g_free);
    g_autofree char *vi = run_script("gen-virt-install-domains", &error);
    if (vi == NULL) {
        *note = g_steal_pointer(&error);
        return docs;
    }
    g_autoptr(GPtrArray) files = xml_files(vi);
    for (guint i = 0; i < files->len; i++) {
        g_autofree char *path = g_build_filename(vi, files->pdata[i], NULL);
        g_autofree char *label = g_strconcat("virt-install/", files->pdata[i], NULL);
        RcDoc *d = doc_new(path, label, RC_ACCEPTED);
        d->virt_install = TRUE;
        g_ptr_array_add(docs, d);
    }
    return docs;
}

/* ---- addresses and controllers ---- */

static gboolean parse_uint(xmlNode *n, const char *name, guint *value)
{
    g_autofree char *v = attr(n, name);
    if (v == NULL)
        return FALSE;
    char *end = NULL;
    unsigned long u = strtoul(v, &end, 0);
    if (end == v || *end)
        return FALSE;
    *value = (guint)u;
    return TRUE;
}

static RcPci pci_of(xmlNode *a)
{
    RcPci p = { 0 };
    if (a == NULL)
        return p;
    parse_uint(a, "domain", &p.domain);
    p.present = parse_uint(a, "bus", &p.bus) && parse_uint(a, "slot", &p.slot);
    if (!parse_uint(a, "function", &p.function))
        p.function = 0;
    g_autofree char *mf = attr(a, "multifunction");
    p.multifunction = g_strcmp0(mf, "on") == 0;
    return p;
}

RcPci rc_guest_address(xmlNode *node)
{
    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "address") != 0)
            continue;
        g_autofree char *type = attr(c, "type");
        if (g_strcmp0(type, "pci") == 0)
            return pci_of(c);
    }
    return (RcPci){ 0 };
}

RcPci rc_source_address(xmlNode *hostdev)
{
    return pci_of(child(child(hostdev, "source"), "address"));
}

GPtrArray *rc_device_elements(xmlDoc *doc, const char *name)
{
    GPtrArray *out = g_ptr_array_new();
    xmlNode *devices = child(xmlDocGetRootElement(doc), "devices");
    for (xmlNode *c = devices ? devices->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && (name == NULL || strcmp((const char *)c->name, name) == 0))
            g_ptr_array_add(out, c);
    return out;
}

GArray *rc_pci_controllers(xmlDoc *doc)
{
    GArray *out = g_array_new(FALSE, TRUE, sizeof(RcController));
    g_autoptr(GPtrArray) ctrls = rc_device_elements(doc, "controller");
    g_autoptr(GHashTable) used = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_add(used, GINT_TO_POINTER(0)); /* the implicit root */
    g_autoptr(GPtrArray) pci = g_ptr_array_new();
    for (guint i = 0; i < ctrls->len; i++) {
        g_autofree char *type = attr(ctrls->pdata[i], "type");
        if (g_strcmp0(type, "pci") != 0)
            continue;
        g_ptr_array_add(pci, ctrls->pdata[i]);
        guint idx;
        if (parse_uint(ctrls->pdata[i], "index", &idx))
            g_hash_table_add(used, GINT_TO_POINTER((int)idx));
    }
    for (guint i = 0; i < pci->len; i++) {
        RcController c = { .index = -1 };
        g_autofree char *model = attr(pci->pdata[i], "model");
        g_strlcpy(c.model, model ? model : "", sizeof c.model);
        guint idx;
        if (parse_uint(pci->pdata[i], "index", &idx))
            c.index = (int)idx;
        else if (g_str_has_suffix(c.model, "-root") && !strstr(c.model, "expander"))
            c.index = 0;
        else {
            for (c.index = 0; g_hash_table_contains(used, GINT_TO_POINTER(c.index)); c.index++)
                ;
            g_hash_table_add(used, GINT_TO_POINTER(c.index));
        }
        g_array_append_val(out, c);
    }
    return out;
}

/* ---- judging the guest addresses an add wrote ---- */

static const RcController *controller_at(GArray *ctrls, guint index)
{
    for (guint i = 0; i < ctrls->len; i++)
        if (g_array_index(ctrls, RcController, i).index == (int)index)
            return &g_array_index(ctrls, RcController, i);
    return NULL;
}

/* Is the controller of index INDEX in OUT one the edit added? */
static gboolean added_controller(GArray *in, GArray *out, guint index)
{
    const RcController *o = controller_at(out, index), *i = controller_at(in, index);
    return o && (i == NULL || strcmp(i->model, o->model) != 0);
}

static gboolean same_pci(const RcPci *a, const RcPci *b)
{
    return a->present && b->present && a->domain == b->domain && a->bus == b->bus && a->slot == b->slot &&
           a->function == b->function;
}

/* Where one guest address may be, by the family's rule; NULL when fine. */
static char *judge_place(const RcPci *g, RcFamily family, GArray *in, GArray *out, const char **klass)
{
    const RcController *c = controller_at(out, g->bus);
    const char *model = c ? c->model : "no controller";
    gboolean added = added_controller(in, out, g->bus);
    if (g->bus == 0 && g->slot == 0)
        return *klass = "00:00", g_strdup_printf("guest address %02x:%02x.%x", g->bus, g->slot, g->function);
    if (family == RC_FAM_Q35 || family == RC_FAM_VIRT) {
        /* a port: a root port or a switch's downstream port (libvirt
         * places endpoints on both), existing or added by the edit */
        gboolean port = c && (strcmp(c->model, "pcie-root-port") == 0 ||
                              strcmp(c->model, "pcie-switch-downstream-port") == 0);
        if (!port)
            return *klass = "not-a-port", g_strdup_printf("bus 0x%02x is %s%s, not a PCIe port", g->bus,
                                                          added ? "an added " : "", model);
        if (g->slot != 0)
            return *klass = "port-slot", g_strdup_printf("slot 0x%02x behind a port (only 0 exists)", g->slot);
    } else if (family == RC_FAM_I440FX) {
        if (g->bus == 0 && g->slot < 3)
            return *klass = "bus0-slot<3", g_strdup_printf("guest slot 00:%02x", g->slot);
        if (g->bus != 0 && (c == NULL || strcmp(c->model, "pci-bridge") != 0))
            return *klass = "not-a-bridge", g_strdup_printf("bus 0x%02x is %s%s, not a pci-bridge", g->bus,
                                                            added ? "an added " : "", model);
        if (g->bus != 0 && g->slot == 0)
            return *klass = "bridge-slot0", g_strdup("slot 0 of a pci-bridge (reserved)");
    }
    return NULL;
}

/* A guest address that another element of OUT already has. */
static char *judge_collision(xmlDoc *out, GPtrArray *ours, const RcPci *g, const char **klass)
{
    g_autoptr(GPtrArray) all = rc_device_elements(out, NULL);
    for (guint i = 0; i < all->len; i++) {
        if (g_ptr_array_find(ours, all->pdata[i], NULL))
            continue;
        RcPci o = rc_guest_address(all->pdata[i]);
        if (same_pci(&o, g))
            return *klass = "collision", g_strdup_printf("guest address %02x:%02x.%x also used by <%s>", g->bus,
                                                         g->slot, g->function, ((xmlNode *)all->pdata[i])->name);
    }
    return NULL;
}

char *rc_judge_pins(xmlDoc *in, xmlDoc *out, RcFamily family, guint bus, guint functions, const char **klass)
{
    g_autoptr(GPtrArray) hostdevs = rc_device_elements(out, "hostdev");
    g_autoptr(GPtrArray) ours = g_ptr_array_new();
    for (guint i = 0; i < hostdevs->len; i++) {
        RcPci s = rc_source_address(hostdevs->pdata[i]);
        if (s.present && s.domain == 0 && s.bus == bus && s.slot == 0)
            g_ptr_array_add(ours, hostdevs->pdata[i]);
    }
    if (ours->len != functions)
        return *klass = "count", g_strdup_printf("%u hostdevs of the device, %u expected", ours->len, functions);
    g_autoptr(GArray) cin = rc_pci_controllers(in);
    g_autoptr(GArray) cout = rc_pci_controllers(out);
    RcPci first = rc_guest_address(ours->pdata[0]);
    for (guint i = 0; i < ours->len; i++) {
        RcPci g = rc_guest_address(ours->pdata[i]);
        if (!g.present)
            return *klass = "unpinned", g_strdup("no guest PCI address");
        char *why = judge_place(&g, family, cin, cout, klass);
        if (why == NULL)
            why = judge_collision(out, ours, &g, klass);
        if (why)
            return why;
        if (g.domain != first.domain || g.bus != first.bus || g.slot != first.slot)
            return *klass = "split", g_strdup_printf("functions in slots %02x:%02x and %02x:%02x", first.bus,
                                                     first.slot, g.bus, g.slot);
        RcPci s = rc_source_address(ours->pdata[i]);
        if (functions > 1 && s.function == 0 && !g.multifunction)
            return *klass = "no-multifunction", g_strdup("function 0 lacks multifunction='on'");
    }
    return NULL;
}

/* ---- for defines on a real libvirtd ---- */

/* TEXT with its domain <name> replaced by NAME and its <uuid> dropped (the
 * corpus shares UUIDs); NULL when it has no <name>. */
char *rc_rename_domain(const char *text, const char *name)
{
    const char *open = strstr(text, "<name>"), *close = open ? strstr(open, "</name>") : NULL;
    if (close == NULL)
        return NULL;
    GString *s = g_string_new_len(text, open - text);
    g_string_append_printf(s, "<name>%s", name);
    const char *rest = close;
    const char *u = strstr(rest, "<uuid>"), *ue = u ? strstr(u, "</uuid>") : NULL;
    if (ue) {
        g_string_append_len(s, rest, u - rest);
        rest = ue + strlen("</uuid>");
    }
    g_string_append(s, rest);
    return g_string_free(s, FALSE);
}

/* The guest address of the hostdev whose source is on host bus BUS. */
GArray *rc_pins_of_bus(const char *xml, guint bus)
{
    GArray *pins = g_array_new(FALSE, TRUE, sizeof(RcPci));
    xmlDoc *doc = xml ? rc_parse(xml, strlen(xml)) : NULL;
    if (doc == NULL)
        return pins;
    g_autoptr(GPtrArray) hostdevs = rc_device_elements(doc, "hostdev");
    for (guint i = 0; i < hostdevs->len; i++) {
        RcPci s = rc_source_address(hostdevs->pdata[i]);
        if (s.present && s.bus == bus) {
            RcPci g = rc_guest_address(hostdevs->pdata[i]);
            g_array_append_val(pins, g);
        }
    }
    xmlFreeDoc(doc);
    return pins;
}

gboolean rc_same_pins(GArray *a, GArray *b)
{
    if (a->len == 0 || a->len != b->len)
        return FALSE;
    for (guint i = 0; i < a->len; i++) {
        RcPci *x = &g_array_index(a, RcPci, i), *y = &g_array_index(b, RcPci, i);
        if (!x->present || x->domain != y->domain || x->bus != y->bus || x->slot != y->slot ||
            x->function != y->function)
            return FALSE;
    }
    return TRUE;
}

gboolean rc_no_pci_room(xmlDoc *doc, RcFamily family, const char **why)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *os = NULL, *type = NULL;
    for (xmlNode *c = root ? root->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "os"))
            os = c;
    for (xmlNode *c = os ? os->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "type"))
            type = c;
    g_autofree char *arch = type ? (char *)xmlGetProp(type, BAD_CAST "arch") : NULL;
    g_autofree char *machine = type ? (char *)xmlGetProp(type, BAD_CAST "machine") : NULL;
    if (family == RC_FAM_OTHER && arch &&
        (g_str_has_prefix(arch, "arm") || g_str_has_prefix(arch, "aarch64") || g_str_has_prefix(arch, "riscv")) &&
        g_strcmp0(machine, "versatilepb") != 0) {
        *why = "board-without-pci";
        return TRUE;
    }
    if (family != RC_FAM_I440FX)
        return FALSE;
    g_autoptr(GArray) controllers = rc_pci_controllers(doc);
    for (guint i = 0; i < controllers->len; i++) {
        const RcController *c = &g_array_index(controllers, RcController, i);
        if (strcmp(c->model, "pci-bridge") == 0 || strcmp(c->model, "pci-expander-bus") == 0)
            return FALSE;
    }
    gboolean used[32] = { FALSE };
    guint n = 0;
    g_autoptr(GPtrArray) devices = rc_device_elements(doc, NULL);
    for (guint i = 0; i < devices->len; i++) {
        RcPci a = rc_guest_address(devices->pdata[i]);
        if (a.present && a.domain == 0 && a.bus == 0 && a.slot >= 1 && a.slot <= 31 && !used[a.slot]) {
            used[a.slot] = TRUE;
            n++;
        }
    }
    *why = "i440fx-bus0-full";
    return n == 31;
}
