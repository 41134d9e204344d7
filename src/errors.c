#include "errors.h"

#include <string.h>

G_DEFINE_QUARK(virt-hostdev-error-quark, vh_error)

int vh_error_exit_code(const GError *error)
{
    if (error == NULL)
        return VH_EXIT_OK;
    if (error->domain == VH_ERROR &&
        (error->code == VH_ERROR_USAGE || error->code == VH_ERROR_INPUT))
        return VH_EXIT_USAGE;
    if (error->domain == G_OPTION_ERROR)
        return VH_EXIT_USAGE;
    return VH_EXIT_FAILED;
}

char *vh_error_line(const char *message)
{
    GString *out = g_string_sized_new(strlen(message));
    for (const char *p = message; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\n')
            g_string_append(out, "\\n");
        else if (c == '\r')
            g_string_append(out, "\\r");
        else if (c == '\t')
            g_string_append(out, "\\t");
        else if (c < 0x20 || c == 0x7f)
            g_string_append_printf(out, "\\x%02x", c);
        else
            g_string_append_c(out, (char)c);
    }
    return g_string_free(out, FALSE);
}

#define QUOTE_MAX 40

char *vh_error_quote(const char *text)
{
    gsize len = strlen(text);
    gsize cut = MIN(len, (gsize)QUOTE_MAX);
    while (cut > 0 && cut < len && ((guchar)text[cut] & 0xc0) == 0x80)
        cut--;
    g_autofree char *head = g_strndup(text, cut);
    char *line = vh_error_line(head);
    if (cut == len)
        return line;
    char *quoted = g_strconcat(line, "...", NULL);
    g_free(line);
    return quoted;
}
