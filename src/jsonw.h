/* The --json output (and nova-config's JSON lines), written by json-glib in
 * a module opened on the first document (see jsonw.c): a builder API that
 * keeps json-glib, gobject and gio out of every run without --json. */
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
const char *vh_json_text(VhJson *w);

/* VALUE as a quoted JSON string literal, appended to OUT. */
void vh_json_quote(GString *out, const char *value);
