#include "errors.h"

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
