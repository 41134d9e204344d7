/* One error domain for the whole tool; the code decides the exit status. */
#pragma once
#include <glib.h>

#define VH_ERROR (vh_error_quark())
GQuark vh_error_quark(void);

typedef enum {
    VH_ERROR_USAGE,   /* bad option or argument: exit 2 */
    VH_ERROR_INPUT,   /* unreadable or malformed input: exit 2 */
    VH_ERROR_FAILED,  /* the operation failed or was refused: exit 1 */
    VH_ERROR_LIBVIRT, /* libvirt reported an error: exit 1 */
} VhErrorCode;

enum {
    VH_EXIT_OK = 0,
    VH_EXIT_FAILED = 1,
    VH_EXIT_USAGE = 2,
};

int vh_error_exit_code(const GError *error);
