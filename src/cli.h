/* The verb table, global options and helpers shared by the cmd-*.c files. */
#pragma once
#include <glib.h>

#include "jsonw.h"

#include "domedit.h"
#include "hostdev.h"

typedef int (*VerbRun)(char **args, GError **error);

typedef struct {
    const char *name;
    const char *params;       /* positional parameters, for the synopsis */
    const char *summary;      /* one line */
    const GOptionEntry *const *options;  /* NULL-terminated list of entry tables */
    VerbRun run;
    gboolean hidden;
    gboolean many_hosts;      /* takes -c more than once */
} VerbDef;

extern const VerbDef verb_list, verb_show, verb_address, verb_hostdev, verb_add, verb_remove, verb_detach,
    verb_reattach, verb_validate, verb_verify, verb_remap, verb_check, verb_generate, verb_templates, verb_nova_config,
    verb_export, verb_complete;
/* Every verb, in the order --help lists them; NULL-terminated. */
extern const VerbDef *const verb_table[];
const VerbDef *verb_find(const char *name);

typedef struct {
    char *connect;        /* the first -c */
    GPtrArray *connects;  /* every -c, in order (NULL when none) */
    gboolean json;
    gboolean quiet;
    gboolean verbose;
    gboolean help;
    gboolean version;
} GlobalOpts;

extern GlobalOpts global_opts;
extern const GOptionEntry global_entries[];

/* Options shaping the blocks: hostdev, add, generate. */
typedef struct {
    char *managed;
    char *driver;
    char *driver_model;
    char *guest_address;
    char *rom_bar;
    char *rom_file;
    char *boot_order;
    char *alias;
    gboolean all_functions;
    gboolean interface;
    char *mac;
    char *vlan;
} HostdevCli;

extern HostdevCli hostdev_cli;
extern const GOptionEntry hostdev_entries[];
gboolean hostdev_cli_parse(HostdevOpts *opts, GuestPlacement *placement, GError **error);
/* Whether the libvirt in use accepts what OPTS asks for beyond libvirt
 * 8.0 (--driver-model: libvirt 10.0.0): the libvirt of the connection when
 * the verb CONNECTS or -c is given (virConnectGetLibVersion), else libvirt's
 * schema on this machine. Refused with a FAILED error saying which. */
gboolean hostdev_cli_check_libvirt(const HostdevOpts *opts, gboolean connects, GError **error);
/* The hostdev options that do not apply to DEVICES (Nodedev*) refused:
 * --managed on an mdev (libvirt has no managed mdevs). */
gboolean hostdev_cli_check_devices(GPtrArray *devices, GError **error);

/* Options of the editing verbs: add, remove. */
typedef struct {
    char *file;
    gboolean dry_run;
    gboolean diff;
    gboolean in_place;
    char *backup;
    gboolean strict;
    gboolean force;
    gboolean config;
    gboolean live;
    gboolean current;
} EditCli;

extern EditCli edit_cli;
extern const GOptionEntry edit_entries[];

/* nova-config's options besides --alias (export nova takes them too):
 * --legacy, --physnet, --flavor-property, --count. */
extern const GOptionEntry nova_entries[];
/* Whether one of them was given. */
gboolean nova_cli_used(void);
/* nova-config's output for DEVICES (named by SPECS), ALIAS the base name:
 * the exit code. */
int nova_cli_write(GPtrArray *devices, char **specs, const char *alias, GError **error);
/* Host-critical devices: where this host's /proc and /sys are (show, list,
 * add, detach, completion), and the override of the refusal (add, detach). */
typedef struct {
    char *root;
    gboolean allow_host_critical;
} HostCli;

extern HostCli host_cli;
extern const GOptionEntry root_entries[];
extern const GOptionEntry host_critical_entries[];

/* The arguments of a verb on one domain: ARGS holds one DOMAIN, or none
 * with --file FILE; else a usage error naming VERB. */
gboolean cli_domain_or_file(const char *verb, const char *file, char **args, GError **error);

void cli_print_verb_help(const VerbDef *verb, FILE *out);
void cli_print_help(FILE *out);
/* "did you mean" for a mistyped word among CANDIDATES (NULL if none close). */
const char *cli_suggest(const char *word, const char *const *candidates, guint n);
/* Write to stdout, reporting a failure (e.g. closed pipe) as an error. */
/* Part of standard output (a DomDocEmit), written by stdio; then the flush
 * that reports whether it all went out. */
gboolean cli_write_piece(const char *data, gsize len, gpointer unused, GError **error);
gboolean cli_flush_stdout(GError **error);
gboolean cli_write_stdout(const char *data, gsize len, GError **error);
/* One JSON document on stdout. */
gboolean cli_write_json(VhJson *builder, GError **error);
/* "key": value members; NULL strings become null. */
void cli_json_string(VhJson *b, const char *key, const char *value);
/* For the verbs without a --json document: a usage error (exit 2) rather
 * than --json silently ignored. WHAT says what the verb prints instead. */
gboolean cli_no_json(const char *verb, const char *what, GError **error);
void cli_json_int(VhJson *b, const char *key, gint64 value);
void cli_json_bool(VhJson *b, const char *key, gboolean value);
/* "key": [strings] from a NULL-terminated vector; NULL becomes null. */
void cli_json_strv(VhJson *b, const char *key, char **values);
/* A diagnostic line on stderr unless --quiet. */
void cli_note(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* "virt-hostdev: warning: …" on stderr, even with --quiet (which drops
 * notes): something is wrong, though not enough to refuse. */
void cli_warning(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* cli_note of one ready-made line (the transaction's TxnNoteFn). */
void cli_note_line(const char *message);
/* Hand over DATA that the process no longer needs and that dies with it:
 * never freed, but kept reachable, so leak checkers do not report it. */
void cli_keep_until_exit(gpointer data);
