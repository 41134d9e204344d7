/* One error domain for the whole tool; the code decides the exit status. */
#pragma once
#include <glib.h>

#define VH_ERROR (vh_error_quark())
GQuark vh_error_quark(void);

typedef enum {
    VH_ERROR_USAGE,   /* bad option or argument: exit 2 */
    VH_ERROR_INPUT,   /* unreadable or malformed input: exit 2 */
    VH_ERROR_FAILED,  /* the operation failed or was refused: exit 1 */
    VH_ERROR_LIBVIRT, /* libvirt reported an error: exit 1 (virt.c uses 3) */
    VH_ERROR_INVALID, /* a document does not validate against a schema: exit 1 */
    VH_ERROR_SCHEMA,  /* a schema is missing or unreadable: exit 1 */
} VhErrorCode;

enum {
    VH_EXIT_OK = 0,
    VH_EXIT_FAILED = 1,
    VH_EXIT_USAGE = 2,
};

int vh_error_exit_code(const GError *error);

/* MESSAGE as one line of text: control characters (a newline in a file name
 * or argument, say) are shown as \n, \r, \t or \xNN. */
char *vh_error_line(const char *message);

/* An input value quoted in a message: at most 40 bytes of it (cut at a
 * character boundary, "..." appended), control characters escaped as by
 * vh_error_line(), so that junk in an attribute or argument never floods
 * the terminal or breaks the message's line. */
char *vh_error_quote(const char *text);
