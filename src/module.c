#include "module.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "errors.h"

typedef gconstpointer (*ModuleEntry)(void);

const char *vh_module_dir(void)
{
    /* never from the environment of a setuid or setcap caller */
    const char *dir = secure_getenv("VIRT_HOSTDEV_MODULE_DIR");
    return dir && *dir ? dir : VH_MODULE_DIR;
}

char *vh_build_tree_hint(void)
{
    /* An uninstalled build keeps the modules next to the binary, in a tree
     * meson configured (meson-private/ at its top); an installed binary
     * has neither, so this says nothing there. */
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (exe == NULL)
        return NULL;
    g_autofree char *bindir = g_path_get_dirname(exe);
    g_autofree char *module = g_build_filename(bindir, "libvirt-backend.so", NULL);
    if (!g_file_test(module, G_FILE_TEST_EXISTS))
        return NULL;
    g_autofree char *top = g_strdup(bindir);
    for (;;) {
        g_autofree char *marker = g_build_filename(top, "meson-private", NULL);
        if (g_file_test(marker, G_FILE_TEST_IS_DIR))
            break;
        char *up = g_path_get_dirname(top);
        gboolean root = strcmp(up, top) == 0;
        g_free(top);
        top = up;
        if (root)
            return NULL;
    }
    return g_strdup_printf("%s is an uninstalled build: run it in `meson devenv -C %s`, which points it at the "
                           "build's modules and the source's templates",
                           exe, top);
}

gconstpointer vh_module_load(const char *file, const char *symbol, guint abi, const char *what, const char *needs,
                             GError **error)
{
    g_autofree char *path = g_build_filename(vh_module_dir(), file, NULL);
    /* dlopen, not GModule: one shared library fewer to load in every run,
     * most of which never open a module. RTLD_NODELETE: the table stays
     * valid for the process's life. */
    void *module = dlopen(path, RTLD_LAZY | RTLD_LOCAL | RTLD_NODELETE);
    if (module == NULL) {
        g_autofree char *reason = g_strdup(dlerror());
        g_autofree char *hint = vh_build_tree_hint();
        if (hint)
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "cannot load the %s %s: %s; %s", what, path, reason, hint);
        else
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                        "cannot load the %s %s: %s (it is installed with virt-hostdev; it needs %s)", what, path,
                        reason, needs);
        return NULL;
    }
    ModuleEntry entry = NULL;
    gconstpointer table = NULL;
    void *sym = dlsym(module, symbol);
    memcpy(&entry, &sym, sizeof entry); /* ISO C has no object-to-function pointer cast */
    if (entry == NULL || (table = entry()) == NULL || *(const guint *)table != abi) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s is not a %s of this virt-hostdev version", path, what);
        dlclose(module);
        return NULL;
    }
    return table;
}
