#include "cli.h"
#include "errors.h"
static int run_check(char **args, GError **error)
{
    g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "todo");
    return 2;
}
const VerbDef verb_check = { .name = "check", .params = "", .summary = "todo", .run = run_check };
