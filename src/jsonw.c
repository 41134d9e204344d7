#include "jsonw.h"

#include <string.h>

typedef struct {
    gboolean object;
    guint count;
} Level;

struct VhJson {
    GString *out;
    GArray *stack;        /* Level */
    gboolean have_name;   /* a member name was written, its value comes next */
};

VhJson *vh_json_new(void)
{
    VhJson *w = g_new0(VhJson, 1);
    w->out = g_string_sized_new(1024);
    w->stack = g_array_new(FALSE, FALSE, sizeof(Level));
    return w;
}

void vh_json_free(VhJson *w)
{
    if (w == NULL)
        return;
    g_string_free(w->out, TRUE);
    g_array_unref(w->stack);
    g_free(w);
}

static void indent(VhJson *w, guint level)
{
    for (guint i = 0; i < level * 2; i++)
        g_string_append_c(w->out, ' ');
}

/* Separator and indentation before a value (or a member name). */
static void before_item(VhJson *w)
{
    if (w->stack->len == 0)
        return;
    Level *top = &g_array_index(w->stack, Level, w->stack->len - 1);
    g_string_append(w->out, top->count++ ? ",\n" : "\n");
    indent(w, w->stack->len);
}

static gboolean before_value(VhJson *w)
{
    if (w->have_name) {
        w->have_name = FALSE;
        return TRUE;
    }
    g_return_val_if_fail(w->stack->len == 0 || !g_array_index(w->stack, Level, w->stack->len - 1).object, FALSE);
    before_item(w);
    return TRUE;
}

void vh_json_quote(GString *out, const char *value)
{
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        switch (*p) {
        case '"': g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\b': g_string_append(out, "\\b"); break;
        case '\f': g_string_append(out, "\\f"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        case '\t': g_string_append(out, "\\t"); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                g_string_append_printf(out, "\\u%04x", *p);
            else
                g_string_append_c(out, (char)*p);
        }
    }
    g_string_append_c(out, '"');
}

static void begin(VhJson *w, gboolean object)
{
    if (!before_value(w))
        return;
    g_string_append_c(w->out, object ? '{' : '[');
    Level l = { object, 0 };
    g_array_append_val(w->stack, l);
}

static void end(VhJson *w, gboolean object)
{
    g_return_if_fail(w->stack->len > 0 && !w->have_name);
    Level top = g_array_index(w->stack, Level, w->stack->len - 1);
    g_return_if_fail(top.object == object);
    g_array_set_size(w->stack, w->stack->len - 1);
    if (top.count) {
        g_string_append_c(w->out, '\n');
        indent(w, w->stack->len);
    } else if (object) {
        /* json-glib indents the closing brace of an empty nested object:
         * "key" : {  } */
        indent(w, w->stack->len);
    }
    g_string_append_c(w->out, object ? '}' : ']');
}

void vh_json_begin_object(VhJson *w) { begin(w, TRUE); }
void vh_json_end_object(VhJson *w) { end(w, TRUE); }
void vh_json_begin_array(VhJson *w) { begin(w, FALSE); }
void vh_json_end_array(VhJson *w) { end(w, FALSE); }

void vh_json_member(VhJson *w, const char *name)
{
    g_return_if_fail(w->stack->len > 0 && g_array_index(w->stack, Level, w->stack->len - 1).object &&
                     !w->have_name);
    before_item(w);
    vh_json_quote(w->out, name);
    g_string_append(w->out, " : ");
    w->have_name = TRUE;
}

void vh_json_string(VhJson *w, const char *value)
{
    if (value == NULL) {
        vh_json_null(w);
        return;
    }
    if (before_value(w))
        vh_json_quote(w->out, value);
}

void vh_json_int(VhJson *w, gint64 value)
{
    if (before_value(w))
        g_string_append_printf(w->out, "%" G_GINT64_FORMAT, value);
}

void vh_json_bool(VhJson *w, gboolean value)
{
    if (before_value(w))
        g_string_append(w->out, value ? "true" : "false");
}

void vh_json_null(VhJson *w)
{
    if (before_value(w))
        g_string_append(w->out, "null");
}

const char *vh_json_text(const VhJson *w)
{
    return w->out->str;
}
