/* Unified diff of two texts, line by line (Myers' O(ND) algorithm: our edits
 * touch few lines, so D is small and the diff is fast on large documents). */
#pragma once
#include <glib.h>

/* "--- OLD_LABEL" / "+++ NEW_LABEL" headers and hunks with CONTEXT lines;
 * an empty string when the texts are equal. */
char *diff_unified(const char *old_text, gsize old_len, const char *new_text, gsize new_len,
                   const char *old_label, const char *new_label, guint context);
