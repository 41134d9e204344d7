/* virt-hostdev: verb table dispatch and global options (like kmod's
 * tools/kmod.c). Each verb's file owns its options and does the work through
 * the core modules. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "errors.h"
#include "virt-loader.h"

#define NEGATIVE_MARK "\x01"

static int report(GError *error)
{
    int code = vh_error_exit_code(error);
    g_autofree char *line = vh_error_line(error->message);
    fprintf(stderr, "virt-hostdev: error: %s\n", line);
    g_error_free(error);
    return code;
}

static GError *usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static GError *usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return g_error_new_literal(VH_ERROR, VH_ERROR_USAGE, msg);
}

/* Whether ARG is an option of TABLE that takes its value from the next
 * argument ("--connect URI", "-c URI"; not "--connect=URI" or "-cURI"). */
static gboolean takes_value_in(const GOptionEntry *table, const char *arg)
{
    gboolean lng = g_str_has_prefix(arg, "--");
    if (lng ? strchr(arg, '=') != NULL : strlen(arg) != 2)
        return FALSE;
    for (const GOptionEntry *e = table; e->long_name; e++)
        if (lng ? strcmp(arg + 2, e->long_name) == 0 : arg[1] == e->short_name)
            return e->arg != G_OPTION_ARG_NONE;
    return FALSE;
}

/* The one answer to "does ARG consume the next argument": the global
 * options and those of VERB (of any verb before the verb is known: options
 * may come first, as in "--file x.xml add"). */
static gboolean takes_value(const VerbDef *verb, const char *arg)
{
    if (arg[0] != '-' || arg[1] == '\0' || strcmp(arg, "--") == 0)
        return FALSE;
    if (takes_value_in(global_entries, arg))
        return TRUE;
    for (const VerbDef *const *v = verb_table; *v; v++)
        for (const GOptionEntry *const *group = (*v)->options; (verb == NULL || *v == verb) && group && *group;
             group++)
            if (takes_value_in(*group, arg))
                return TRUE;
    return FALSE;
}

/* Index of the verb in ARGV: the first word that is neither an option nor
 * the value of an option taking one. */
static int find_verb(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            return i + 1 < argc ? i + 1 : -1;
        if (takes_value(NULL, a)) {
            i++;
            continue;
        }
        if (a[0] == '-' && a[1] != '\0')
            continue;
        return i;
    }
    return -1;
}

static GError *unknown_option(const VerbDef *verb, GError *parse_error)
{
    /* GOption says: Unknown option --foo */
    const char *opt = strstr(parse_error->message, "--");
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    for (const GOptionEntry *e = global_entries; e->long_name; e++)
        g_ptr_array_add(names, g_strconcat("--", e->long_name, NULL));
    for (const GOptionEntry *const *group = verb ? verb->options : NULL; group && *group; group++)
        for (const GOptionEntry *e = *group; e->long_name; e++)
            g_ptr_array_add(names, g_strconcat("--", e->long_name, NULL));
    const char *hint = opt ? cli_suggest(opt, (const char *const *)names->pdata, names->len) : NULL;
    g_autofree char *suffix = hint ? g_strdup_printf(" (did you mean %s?)", hint) : g_strdup("");
    GError *e = usage_error("%s%s%s%s", parse_error->message, verb ? " for " : "", verb ? verb->name : "", suffix);
    g_error_free(parse_error);
    return e;
}

static GError *unknown_verb(const char *name)
{
    const char *names[32];
    guint n = 0;
    for (const VerbDef *const *v = verb_table; *v && n < G_N_ELEMENTS(names); v++)
        if (!(*v)->hidden)
            names[n++] = (*v)->name;
    const char *hint = cli_suggest(name, names, n);
    if (hint)
        return usage_error("unknown verb '%s' (did you mean '%s'?); see virt-hostdev --help", name, hint);
    return usage_error("unknown verb '%s'; see virt-hostdev --help", name);
}

static gboolean parse_options(const VerbDef *verb, char ***argv, GError **error)
{
    GOptionContext *ctx = g_option_context_new(NULL);
    g_option_context_set_help_enabled(ctx, FALSE);
    g_option_context_add_main_entries(ctx, global_entries, NULL);
    for (const GOptionEntry *const *group = verb ? verb->options : NULL; group && *group; group++) {
        GOptionGroup *g = g_option_group_new((*group)[0].long_name, "", "", NULL, NULL);
        g_option_group_add_entries(g, *group);
        g_option_context_add_group(ctx, g);
    }
    GError *parse_error = NULL;
    gboolean ok = g_option_context_parse_strv(ctx, argv, &parse_error);
    g_option_context_free(ctx);
    if (!ok) {
        if (g_error_matches(parse_error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION))
            g_propagate_error(error, unknown_option(verb, parse_error));
        else {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "%s", parse_error->message);
            g_error_free(parse_error);
        }
    }
    return ok;
}

#if defined(__SANITIZE_ADDRESS__)
/* Sanitizer builds only (the tests' second pass): LeakSanitizer's tracer
 * reads a bogus range for the dynamic TLS of the dlopen'ed libvirt module
 * once host_open's second thread has run, and crashes; not intercepting
 * __tls_get_addr keeps it off those blocks, which hold no heap pointers of
 * ours. ASAN_OPTIONS from the environment still apply on top. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "intercept_tls_get_addr=0";
}
#endif

int main(int argc, char **argv)
{
    /* the character set (UTF-8 text in messages) and libc's/libvirt's
     * translated messages; not LC_ALL: numbers, dates and collation stay
     * those of C for a scriptable tool, and loading a dozen locale files
     * was a tenth of a small edit */
    setlocale(LC_CTYPE, "");
    setlocale(LC_MESSAGES, "");
    g_set_prgname("virt-hostdev");

    int vi = find_verb(argc, argv);
    const VerbDef *verb = NULL;
    if (vi > 0) {
        verb = verb_find(argv[vi]);
        if (verb == NULL && strcmp(argv[vi], "help") != 0)
            return report(unknown_verb(argv[vi]));
    }

    /* argv without the verb word, as GOption wants it */
    g_auto(GStrv) args = g_new0(char *, (gsize)argc + 1);
    for (int i = 0, j = 0; i < argc; i++)
        if (i != vi)
            args[j++] = g_strdup(argv[i]);

    /* a positional "-1" is a (negative, refused later) number, not an
     * option: hide it from GOption behind a marker byte; an option's value
     * ("--boot-order -1") reaches its parser as typed */
    for (char **a = args + 1; *a; a++) {
        if (takes_value(verb, *a) && a[1]) {
            a++;
            continue;
        }
        if ((*a)[0] == '-' && g_ascii_isdigit((*a)[1])) {
            char *marked = g_strconcat(NEGATIVE_MARK, *a, NULL);
            g_free(*a);
            *a = marked;
        }
    }
    GError *error = NULL;
    if (!parse_options(verb, &args, &error))
        return report(error);
    for (char **a = args + 1; *a; a++) {
        if (g_str_has_prefix(*a, NEGATIVE_MARK))
            memmove(*a, *a + 1, strlen(*a));
    }

    if (global_opts.version) {
        printf("virt-hostdev %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (vi > 0 && verb == NULL) {
        /* help [VERB] */
        if (args[1] == NULL) {
            cli_print_help(stdout);
            return 0;
        }
        const VerbDef *about = verb_find(args[1]);
        if (about == NULL)
            return report(unknown_verb(args[1]));
        cli_print_verb_help(about, stdout);
        return 0;
    }
    if (verb == NULL) {
        cli_print_help(global_opts.help ? stdout : stderr);
        return global_opts.help ? 0 : 2;
    }
    if (global_opts.help) {
        cli_print_verb_help(verb, stdout);
        return 0;
    }
    for (char **a = args + 1; *a; a++) {
        if ((*a)[0] == '-' && (*a)[1] != '\0' && !g_ascii_isdigit((*a)[1]) && strcmp(*a, "--") != 0)
            return report(usage_error("unexpected option '%s' for %s", *a, verb->name));
    }
    if (global_opts.connects && global_opts.connects->len > 1 && !verb->many_hosts)
        return report(usage_error("-c is given %u times; %s works on one host", global_opts.connects->len,
                                  verb->name));

    int rc = verb->run(args + 1, &error);
    virt_connection_close();
    if (error) {
        /* both are kept: a verb never exits 0 with an error, and a usage
         * error (2) is never turned into a failure (1), whichever of the
         * two says it */
        int code = report(error);
        return MAX(rc, code);
    }
    return rc;
}
