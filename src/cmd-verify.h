/* What verify shares with remap (cmd-remap.c). */
#pragma once
#include <glib.h>

#include "domhome.h"
#include "verify.h"

/* The one DOMAIN argument, or --file FILE (a usage error otherwise). */
gboolean verify_target_args(const char *verb, const char *file, char **args, GError **error);
/* The verdicts on stdout: a table, or with --json the verify document
 * (schemas/verify.schema.json). */
gboolean verify_print(const Verification *v, DomHome *home, GError **error);
