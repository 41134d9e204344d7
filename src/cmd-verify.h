/* What verify shares with remap (cmd-remap.c). */
#pragma once
#include <glib.h>

#include "domhome.h"
#include "verify.h"

/* The verdicts on stdout: a table, or with --json the verify document
 * (schemas/verify.schema.json). */
gboolean verify_print(const Verification *v, DomHome *home, GError **error);
