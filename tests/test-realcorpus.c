/* The built binary over ~1,700 real domain documents nobody here wrote:
 * libvirt 9.0's own test-suite domains, judged by libvirt's own verdicts,
 * and the domains the installed virt-install writes (tests/realcorpus.c).
 * Every document gets, spawned as an operator would run them:
 *   add --file F NVME --guest-address auto        (one function)
 *   add --file F GPU --all-functions --guest-address auto   (two functions)
 *   remove --file - DEVICE [--all-functions]      on each add's output
 *   validate --file F
 * (each add also records its device's identity in <metadata>, which the
 * remove takes away: the round trip covers it), and each case below is one measure of issue 17's "Done when". A measure
 * that misses its target fails with its figure and the first offenders; all
 * figures also go to BUILD_DIR/realcorpus-summary.txt. The whole program is
 * one counted SKIP when libvirt's test data cannot be fetched. */
#include <libxml/relaxng.h>
#include <string.h>

#include "realcorpus.h"
#include "testutil.h"

#define DOMAIN_RNG "/usr/share/libvirt/schemas/domain.rng"
#define SHOW 20

typedef struct {
    int rc;
    char *out;
    char *err;
} Run;

typedef struct {
    RcDoc *doc;
    char *input;
    gsize len;
    Run add[2], rm[2], val;
    gboolean in_valid;
    gboolean out_valid[2];
    char *out_error[2];
} Job;

/* the two devices: [0] single function, [1] a GPU's two functions */
static const char *const device_file[2] = { "realcorpus/pci_0000_6d_00_0.xml", "realcorpus/pci_0000_6e_00_0.xml" };
static const guint device_bus[2] = { 0x6d, 0x6e };
static const guint device_functions[2] = { 1, 2 };
static char *device_path[2];

static GPtrArray *docs;
static Job *jobs;
static char *skip_reason;
static char *vi_note;
static GString *summary;
static double run_seconds;
static GString *missed; /* the measures of the running case that missed */

/* ---- running the binary ---- */

static void run(Run *r, const char *const *argv, const char *in)
{
    r->rc = test_run(argv, in, &r->out, &r->err);
}

static void job_run(gpointer data, gpointer user)
{
    Job *j = data;
    (void)user;
    g_file_get_contents(j->doc->path, &j->input, &j->len, NULL);
    for (int k = 0; k < 2; k++) {
        const char *add[] = { "add", "--file", j->doc->path, device_path[k], "--guest-address", "auto",
                              k ? "--all-functions" : NULL, NULL };
        run(&j->add[k], add, NULL);
        if (j->add[k].rc != 0)
            continue;
        const char *rm[] = { "remove", "--file", "-", device_path[k], k ? "--all-functions" : NULL, NULL };
        run(&j->rm[k], rm, j->add[k].out);
    }
    const char *val[] = { "validate", "--file", j->doc->path, NULL };
    run(&j->val, val, NULL);
}

static gboolean crashed(const Run *r)
{
    if (r->out == NULL)
        return FALSE; /* not run */
    return r->rc > 2 || strstr(r->err, "Sanitizer") || strstr(r->err, "runtime error:");
}

/* ---- libvirt's schema, in process ---- */

static void collect_error(void *ctx, const xmlError *error)
{
    GString *s = ctx;
    if (s->len == 0 && error->message) {
        g_autofree char *message = g_strchomp(g_strdup(error->message));
        g_string_append_printf(s, "line %d: %s", error->line, message);
    }
}

static gboolean schema_valid(xmlRelaxNG *schema, const char *text, gsize len, char **why)
{
    xmlDoc *doc = rc_parse(text, len);
    if (doc == NULL) {
        if (why)
            *why = g_strdup("not well-formed");
        return FALSE;
    }
    GString *err = g_string_new(NULL);
    xmlRelaxNGValidCtxt *v = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidStructuredErrors(v, (xmlStructuredErrorFunc)collect_error, err);
    gboolean ok = xmlRelaxNGValidateDoc(v, doc) == 0;
    xmlRelaxNGFreeValidCtxt(v);
    xmlFreeDoc(doc);
    if (why && !ok)
        *why = g_strdup(err->str);
    g_string_free(err, TRUE);
    return ok;
}

static void check_schemas(void)
{
    xmlRelaxNGParserCtxt *pc = xmlRelaxNGNewParserCtxt(DOMAIN_RNG);
    xmlRelaxNG *schema = pc ? xmlRelaxNGParse(pc) : NULL;
    g_assert_nonnull(schema);
    for (guint i = 0; i < docs->len; i++) {
        Job *j = &jobs[i];
        j->in_valid = j->input && schema_valid(schema, j->input, j->len, NULL);
        for (int k = 0; k < 2; k++)
            if (j->add[k].rc == 0)
                j->out_valid[k] = schema_valid(schema, j->add[k].out, strlen(j->add[k].out), &j->out_error[k]);
    }
    xmlRelaxNGFree(schema);
    xmlRelaxNGFreeParserCtxt(pc);
}

/* ---- reporting ---- */

static char *first_line(const char *text)
{
    const char *nl = strchr(text ? text : "", '\n');
    return nl ? g_strndup(text, nl - text) : g_strdup(text ? text : "");
}

/* One offender: CLASS, then the document and what is wrong. */
static void offend(GPtrArray *list, const char *klass, const Job *j, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void offend(GPtrArray *list, const char *klass, const Job *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(list, g_strdup_printf("%s\t%s\t%s", klass, j->doc->path, what));
}

static void note(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_test_message("%s", line);
    g_string_append_printf(summary, "%s\n", line);
}

/* The figure, the classes of OFFENDERS with their counts, the first SHOW
 * offenders; the case fails when FAIL. */
static void report(const char *measure, const char *figure, GPtrArray *offenders, gboolean fail)
{
    note("%s: %s%s", measure, figure, fail ? "  [target missed]" : "");
    g_autoptr(GHashTable) classes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < offenders->len; i++) {
        g_autofree char *k = g_strndup(offenders->pdata[i], strcspn(offenders->pdata[i], "\t"));
        guint n = GPOINTER_TO_UINT(g_hash_table_lookup(classes, k));
        g_hash_table_replace(classes, g_steal_pointer(&k), GUINT_TO_POINTER(n + 1));
    }
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, classes);
    while (g_hash_table_iter_next(&it, &key, &value))
        note("  class %s: %u", (char *)key, GPOINTER_TO_UINT(value));
    /* the first SHOW in the log, every one in the summary file */
    for (guint i = 0; i < offenders->len; i++) {
        if (i < SHOW)
            g_test_message("  %s", (char *)offenders->pdata[i]);
        g_string_append_printf(summary, "  %s\n", (char *)offenders->pdata[i]);
    }
    if (fail)
        g_string_append_printf(missed, "%s%s: %s", missed->len ? "; " : "", measure, figure);
}

/* Each case: its measures, then one verdict (GLib takes one failure message). */
static void run_case(gconstpointer data)
{
    void (*measure)(void) = (void (*)(void))data;
    missed = g_string_new(NULL);
    measure();
    if (missed->len)
        g_test_fail_printf("%s", missed->str);
    g_string_free(missed, TRUE);
}

static gboolean skipped(void)
{
    if (skip_reason)
        g_test_skip(skip_reason);
    return skip_reason != NULL;
}

static double pct(guint n, guint of)
{
    return of ? 100.0 * n / of : 0.0;
}

/* ---- the measures ---- */

static void test_corpus_size(void)
{
    if (skipped())
        return;
    guint n[3] = { 0 }, fam[RC_FAM_N][3] = { { 0 } }, vi = 0, pci = 0;
    for (guint i = 0; i < docs->len; i++) {
        const RcDoc *d = docs->pdata[i];
        n[d->verdict]++;
        fam[d->family][d->verdict]++;
        vi += d->virt_install;
        pci += d->pci_refusal;
    }
    note("documents: %u (accepted %u, refused %u, unjudged %u); virt-install %u; refused about hostdev/PCI %u",
         docs->len, n[RC_ACCEPTED], n[RC_REFUSED], n[RC_UNJUDGED], vi, pci);
    for (int f = 0; f < RC_FAM_N; f++)
        note("  family %-8s accepted %4u refused %4u unjudged %u", rc_family_name(f), fam[f][RC_ACCEPTED],
             fam[f][RC_REFUSED], fam[f][RC_UNJUDGED]);
    note("run: %u documents, 5 spawns each at most, %.1f s", docs->len, run_seconds);
    if (vi_note)
        g_string_append_printf(missed, "virt-install domains: %s", vi_note);
    g_assert_cmpuint(n[RC_ACCEPTED] + n[RC_REFUSED], >=, 1600);
    g_assert_cmpuint(n[RC_REFUSED], >=, 100);
    g_assert_cmpuint(vi, >=, 40);
}

static void test_crashes(void)
{
    g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func(g_free);
    guint spawns = 0;
    static const char *const what[] = { "add", "add --all-functions", "remove", "remove --all-functions", "validate" };
    for (guint i = 0; i < docs->len; i++) {
        const Job *j = &jobs[i];
        const Run *runs[] = { &j->add[0], &j->add[1], &j->rm[0], &j->rm[1], &j->val };
        for (guint r = 0; r < G_N_ELEMENTS(runs); r++) {
            spawns += runs[r]->out != NULL;
            if (crashed(runs[r])) {
                g_autofree char *line = first_line(runs[r]->err);
                offend(bad, "crash", j, "%s: exit %d: %s", what[r], runs[r]->rc, line);
            }
        }
    }
    g_autofree char *fig = g_strdup_printf("%u crashes in %u runs", bad->len, spawns);
    report("crashes (signal or sanitizer)", fig, bad, bad->len > 0);
}

/* A refusal's class: the family and what the message blames. */
static char *refusal_class(const Job *j, const Run *r)
{
    static const char *const reasons[][2] = {
        { "no free slot", "no-free-slot" },
        { "no <devices>", "no-devices" },
        { "used twice", "input-invalid:used-twice" },
        { "lacks multifunction", "input-invalid:multifunction" },
        { "already invalid", "input-invalid:other" },
    };
    const char *why = "other";
    for (guint i = 0; i < G_N_ELEMENTS(reasons); i++)
        if (strstr(r->err, reasons[i][0])) {
            why = reasons[i][1];
            break;
        }
    return g_strdup_printf("%s:%s", rc_family_name(j->doc->family), why);
}

/* Does a refusal say why the machine cannot take the device? */
static gboolean says_why(const Job *j, const Run *r)
{
    g_autofree char *line = first_line(r->err);
    gboolean one_line = strlen(line) + 1 >= strlen(r->err);
    return one_line && g_str_has_prefix(line, "virt-hostdev: error: ") && strlen(line) > 40 &&
           (strstr(line, rc_family_name(j->doc->family)) || strstr(line, "machine") || strstr(line, "arch"));
}

static void test_add_refusals(void)
{
    g_autoptr(GPtrArray) x86 = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) other = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) no_room = g_ptr_array_new_with_free_func(g_free);
    guint nx86 = 0, nother = 0, refused_x86 = 0, refused_other = 0, mute = 0, refused_no_room = 0;
    for (guint i = 0; i < docs->len; i++) {
        const Job *j = &jobs[i];
        if (j->doc->verdict != RC_ACCEPTED)
            continue;
        gboolean strict = j->doc->x86 && (j->doc->family == RC_FAM_I440FX || j->doc->family == RC_FAM_Q35);
        nx86 += strict;
        nother += !strict;
        gboolean any = FALSE;
        /* where libvirt itself has no room, a refusal is the right answer
         * (counted apart; a success there would be a wrong one) */
        const char *room_why = NULL;
        xmlDoc *in = j->add[0].rc != 0 || j->add[1].rc != 0 ? rc_parse(j->input, strlen(j->input)) : NULL;
        gboolean roomless = in && rc_no_pci_room(in, j->doc->family, &room_why), room_refused = FALSE;
        if (in)
            xmlFreeDoc(in);
        for (int k = 0; k < 2; k++) {
            const Run *r = &j->add[k];
            if (r->rc == 0)
                continue;
            g_autofree char *line = first_line(r->err);
            g_autofree char *klass = refusal_class(j, r);
            if (roomless && r->rc == 1) {
                offend(no_room, room_why, j, "%s: exit %d: %s", k ? "gpu" : "nvme", r->rc, line);
                room_refused = TRUE;
                continue;
            }
            any = TRUE;
            if (strict)
                offend(x86, klass, j, "%s: exit %d: %s", k ? "gpu" : "nvme", r->rc, line);
            else {
                gboolean why = says_why(j, r);
                mute += !why;
                g_autofree char *k2 = g_strconcat(why ? "" : "no-reason:", klass, NULL);
                offend(other, k2, j, "%s: exit %d: %s", k ? "gpu" : "nvme", r->rc, line);
            }
        }
        refused_no_room += room_refused;
        refused_x86 += strict && any;
        refused_other += !strict && any;
    }
    g_autofree char *fx = g_strdup_printf("%u of %u accepted x86_64 (i440fx/q35) inputs refused (target 0)",
                                          refused_x86, nx86);
    report("add refusals, x86_64", fx, x86, refused_x86 > 0);
    g_autofree char *fo = g_strdup_printf("%u of %u accepted inputs of other families refused (%.2f %%, target "
                                          "<= 0.5 %%), %u refusal messages without a reason (target 0)",
                                          refused_other, nother, pct(refused_other, nother), mute);
    report("add refusals, other families", fo, other, pct(refused_other, nother) > 0.5 || mute > 0);
    g_autofree char *fn = g_strdup_printf("%u accepted inputs refused where libvirt has no room for a PCI device "
                                          "either (not counted above)", refused_no_room);
    report("add refusals, no room in libvirt either", fn, no_room, FALSE);
}

static void test_pins(void)
{
    g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func(g_free);
    guint n = 0;
    for (guint i = 0; i < docs->len; i++) {
        const Job *j = &jobs[i];
        xmlDoc *in = j->input ? rc_parse(j->input, j->len) : NULL;
        for (int k = 0; in && k < 2; k++) {
            if (j->add[k].rc != 0)
                continue;
            n++;
            xmlDoc *out = rc_parse(j->add[k].out, strlen(j->add[k].out));
            const char *klass = "unparsable";
            g_autofree char *why = out ? rc_judge_pins(in, out, j->doc->family, device_bus[k], device_functions[k], &klass)
                                       : g_strdup("the output is not well-formed");
            if (why)
                offend(bad, klass, j, "%s (%s): %s", k ? "gpu" : "nvme", rc_family_name(j->doc->family), why);
            if (out)
                xmlFreeDoc(out);
        }
        if (in)
            xmlFreeDoc(in);
    }
    g_autofree char *fig = g_strdup_printf("%u bogus pins in %u adds (target 0)", bad->len, n);
    report("guest address pins", fig, bad, bad->len > 0);
}

static void test_valid_out(void)
{
    g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func(g_free);
    guint n = 0;
    for (guint i = 0; i < docs->len; i++) {
        const Job *j = &jobs[i];
        for (int k = 0; j->in_valid && k < 2; k++) {
            if (j->add[k].rc != 0)
                continue;
            n++;
            if (!j->out_valid[k])
                offend(bad, k ? "gpu" : "nvme", j, "output fails domain.rng: %s", j->out_error[k]);
        }
    }
    g_autofree char *fig = g_strdup_printf("%u of %u outputs of schema-valid inputs schema-valid (%.2f %%, target 100 %%)",
                                           n - bad->len, n, pct(n - bad->len, n));
    report("valid in, valid out", fig, bad, bad->len > 0);
}

/* Controllers, and the <devices> an add into a domain without one creates:
 * containers an add brings and a remove leaves */
static guint count_controllers(const char *text)
{
    return test_count(text, "<controller") + test_count(text, "<devices");
}

static void test_add_remove_exact(void)
{
    g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func(g_free);
    guint n = 0, with_controller = 0;
    for (guint i = 0; i < docs->len; i++) {
        const Job *j = &jobs[i];
        for (int k = 0; j->input && k < 2; k++) {
            if (j->add[k].rc != 0)
                continue;
            if (count_controllers(j->add[k].out) != count_controllers(j->input)) {
                with_controller++;
                continue;
            }
            n++;
            const Run *r = &j->rm[k];
            if (r->rc != 0) {
                g_autofree char *line = first_line(r->err);
                offend(bad, "remove-fails", j, "%s: exit %d: %s", k ? "gpu" : "nvme", r->rc, line);
            } else if (strcmp(r->out, j->input) != 0) {
                gsize at = 0;
                while (r->out[at] && r->out[at] == j->input[at])
                    at++;
                offend(bad, "differs", j, "%s: first difference at byte %" G_GSIZE_FORMAT, k ? "gpu" : "nvme", at);
            }
        }
    }
    g_autofree char *fig = g_strdup_printf("%u of %u add + remove round trips byte-exact (%.2f %%, target 100 %%); "
                                           "%u adds added a controller or <devices> (not compared)",
                                           n - bad->len, n, pct(n - bad->len, n), with_controller);
    report("add + remove byte-exact", fig, bad, bad->len > 0);
}

/* <metadata> children of <domain> (disks have a <metadata> of their own). */
static guint domain_metadata(const char *text)
{
    xmlDoc *doc = rc_parse(text, strlen(text));
    guint n = 0;
    for (xmlNode *c = doc ? xmlDocGetRootElement(doc)->children : NULL; c; c = c->next)
        n += c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "metadata");
    if (doc)
        xmlFreeDoc(doc);
    return n;
}

/* Issue 14: each add records its device once, in one element of ours,
 * with one <metadata> (the input's own, or a new one). The GPU's second
 * function, known offline only by its address in the first one's IOMMU
 * group, has nothing to record. */
static void test_identity_recorded(void)
{
    g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func(g_free);
    guint n = 0;
    for (guint i = 0; i < docs->len; i++) {
        const Job *j = &jobs[i];
        for (int k = 0; j->input && k < 2; k++) {
            if (j->add[k].rc != 0)
                continue;
            n++;
            const char *out = j->add[k].out;
            guint meta_in = domain_metadata(j->input), meta_out = domain_metadata(out);
            if (test_count(out, "<vh:hostdevs ") != 1 || test_count(out, "<vh:hostdev ") != 1)
                offend(bad, "entries", j, "%s: %u containers, %u entries", k ? "gpu" : "nvme",
                       test_count(out, "<vh:hostdevs "), test_count(out, "<vh:hostdev "));
            else if (meta_out != (meta_in ? meta_in : 1))
                offend(bad, "metadata", j, "%s: %u <metadata> in, %u out", k ? "gpu" : "nvme", meta_in, meta_out);
        }
    }
    g_autofree char *fig = g_strdup_printf("%u of %u adds recorded their device once (%.2f %%, target 100 %%)",
                                           n - bad->len, n, pct(n - bad->len, n));
    report("identity recorded", fig, bad, bad->len > 0);
}

static void test_validate(void)
{
    g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) caught = g_ptr_array_new_with_free_func(g_free);
    guint n = 0, npci = 0, refused = 0, nrefused = 0;
    for (guint i = 0; i < docs->len; i++) {
        const Job *j = &jobs[i];
        /* validate reports its findings on stdout, errors on stderr */
        g_autofree char *line = first_line(j->val.out && *j->val.out ? j->val.out : j->val.err);
        if (j->doc->verdict == RC_ACCEPTED && j->in_valid) {
            n++;
            if (j->val.rc != 0)
                offend(bad, "invalid", j, "exit %d: %s", j->val.rc, line);
        } else if (j->doc->verdict == RC_REFUSED) {
            nrefused++;
            refused += j->val.rc == 1;
            npci += j->doc->pci_refusal;
            if (j->doc->pci_refusal && j->val.rc == 1)
                offend(caught, "caught", j, "%s", line);
        }
    }
    g_autofree char *fig = g_strdup_printf("%u of %u accepted schema-valid inputs called invalid (target 0)",
                                           bad->len, n);
    report("validate, accepted inputs", fig, bad, bad->len > 0);
    g_autofree char *fr = g_strdup_printf("%u of %u refused inputs about hostdevs/PCI addresses called invalid; "
                                          "%u of %u refused inputs in all", caught->len, npci, refused, nrefused);
    report("validate, refused inputs", fr, caught, FALSE);
}

/* ---- setup ---- */

static void run_all(void)
{
    jobs = g_new0(Job, docs->len);
    (void)test_tmpdir(); /* created once, before the workers share it */
    for (int k = 0; k < 2; k++)
        device_path[k] = test_data_path(device_file[k]);
    const char *env = g_getenv("VIRT_HOSTDEV_TEST_JOBS");
    int threads = env ? atoi(env) : 2;
    gint64 start = g_get_monotonic_time();
    GThreadPool *pool = g_thread_pool_new(job_run, NULL, MAX(threads, 1), TRUE, NULL);
    for (guint i = 0; i < docs->len; i++) {
        jobs[i].doc = docs->pdata[i];
        g_thread_pool_push(pool, &jobs[i], NULL);
    }
    g_thread_pool_free(pool, FALSE, TRUE);
    check_schemas();
    run_seconds = (g_get_monotonic_time() - start) / 1e6;
}

static void write_summary(void)
{
    const char *build = g_getenv("VIRT_HOSTDEV_BUILD_DIR");
    g_autofree char *path = g_build_filename(build ? build : ".", "realcorpus-summary.txt", NULL);
    if (skip_reason)
        g_string_append_printf(summary, "SKIP: %s\n", skip_reason);
    g_file_set_contents(path, summary->str, -1, NULL);
}

int main(int argc, char **argv)
{
    /* every measure runs and reports, also after one missed (GLib stops at
     * the first failed case without --keep-going) */
    static char **args; /* GLib keeps pointers into it until the end */
    args = g_new0(char *, argc + 2);
    memcpy(args, argv, argc * sizeof *argv);
    args[argc++] = (char *)"--keep-going";
    g_test_init(&argc, &args, NULL);
    summary = g_string_new(NULL);
    docs = rc_corpus_load(&skip_reason, &vi_note);
    if (docs)
        run_all();
    g_test_add_data_func("/realcorpus/corpus", (gconstpointer)test_corpus_size, run_case);
    if (skip_reason) {
        /* one counted SKIP line naming why, not one per measure */
        int rc = g_test_run();
        write_summary();
        return rc;
    }
    g_test_add_data_func("/realcorpus/crashes", (gconstpointer)test_crashes, run_case);
    g_test_add_data_func("/realcorpus/add-refusals", (gconstpointer)test_add_refusals, run_case);
    g_test_add_data_func("/realcorpus/pins", (gconstpointer)test_pins, run_case);
    g_test_add_data_func("/realcorpus/valid-in-valid-out", (gconstpointer)test_valid_out, run_case);
    g_test_add_data_func("/realcorpus/add-remove-exact", (gconstpointer)test_add_remove_exact, run_case);
    g_test_add_data_func("/realcorpus/identity-recorded", (gconstpointer)test_identity_recorded, run_case);
    g_test_add_data_func("/realcorpus/validate", (gconstpointer)test_validate, run_case);
    int rc = g_test_run();
    write_summary();
    return rc;
}
