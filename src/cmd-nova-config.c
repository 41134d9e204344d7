#include "cli.h"
#include "errors.h"
static int run_nova_config(char **args, GError **error)
{
    g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "todo");
    return 2;
}
const VerbDef verb_nova_config = { .name = "nova-config", .params = "", .summary = "todo", .run = run_nova_config };
