/* A streaming JSON writer for the --json output (and nova-config's JSON
 * lines). The text is byte for byte what json-glib's pretty generator
 * writes (2-space indent, "key" : value, its spacing of empty containers;
 * one difference: json-glib writes the control byte 0x1f raw, which is not
 * JSON, we escape it), without linking json-glib: json-glib pulls gobject
 * and gio (about ten more shared libraries and 1.5 MiB of RSS) into every
 * process, also the offline verbs that never print JSON. Misuse (a value without a member name inside an
 * object, unbalanced ends) is a programming error caught by g_return_if_fail. */
#pragma once
#include <glib.h>

typedef struct VhJson VhJson;

VhJson *vh_json_new(void);
void vh_json_free(VhJson *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VhJson, vh_json_free)

void vh_json_begin_object(VhJson *w);
void vh_json_end_object(VhJson *w);
void vh_json_begin_array(VhJson *w);
void vh_json_end_array(VhJson *w);
/* The name of the next value, inside an object. */
void vh_json_member(VhJson *w, const char *name);
/* Values; a NULL string is written as null. */
void vh_json_string(VhJson *w, const char *value);
void vh_json_int(VhJson *w, gint64 value);
void vh_json_bool(VhJson *w, gboolean value);
void vh_json_null(VhJson *w);
/* The document written so far (complete once every container is closed),
 * without a trailing newline. */
const char *vh_json_text(const VhJson *w);

/* VALUE as a quoted JSON string literal, appended to OUT. */
void vh_json_quote(GString *out, const char *value);
