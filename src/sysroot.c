#include "sysroot.h"

#include <string.h>

char *sysroot_path(const char *root, const char *relative)
{
    return g_build_filename(root, relative, NULL);
}

char *sysroot_read(const char *root, const char *relative)
{
    g_autofree char *path = sysroot_path(root, relative);
    char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, NULL))
        return NULL;
    if (len > 1024 * 1024) {
        g_free(data);
        return NULL;
    }
    return g_strstrip(data);
}

gboolean sysroot_exists(const char *root, const char *relative)
{
    g_autofree char *path = sysroot_path(root, relative);
    return g_file_test(path, G_FILE_TEST_EXISTS);
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *sysroot_list(const char *root, const char *relative)
{
    g_autofree char *path = sysroot_path(root, relative);
    GDir *dir = g_dir_open(path, 0, NULL);
    if (dir == NULL)
        return NULL;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    for (const char *n; (n = g_dir_read_name(dir));)
        if (n[0] != '.')
            g_ptr_array_add(names, g_strdup(n));
    g_dir_close(dir);
    g_ptr_array_sort(names, compare_strings);
    return names;
}

char *sysroot_link_name(const char *root, const char *relative)
{
    g_autofree char *path = sysroot_path(root, relative);
    g_autofree char *target = g_file_read_link(path, NULL);
    return target ? g_path_get_basename(target) : NULL;
}

/* Push the components of PATH onto TODO (to be walked next, in order). */
static void push_parts(GPtrArray *todo, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    for (guint n = g_strv_length(parts); n > 0; n--)
        if (parts[n - 1][0] && strcmp(parts[n - 1], ".") != 0)
            g_ptr_array_add(todo, g_strdup(parts[n - 1]));
}

char *sysroot_resolve(const char *root, const char *relative)
{
    g_autoptr(GPtrArray) todo = g_ptr_array_new_with_free_func(g_free);  /* a stack: last = next */
    g_autoptr(GPtrArray) done = g_ptr_array_new_with_free_func(g_free);
    push_parts(todo, relative);
    /* a loop of links ends like the kernel's ELOOP, where it got to */
    for (guint links = 0; todo->len > 0;) {
        char *part = g_ptr_array_steal_index(todo, todo->len - 1);
        if (strcmp(part, "..") == 0) {
            g_free(part);
            if (done->len)
                g_ptr_array_remove_index(done, done->len - 1);
            continue;
        }
        g_ptr_array_add(done, part);
        g_ptr_array_add(done, NULL);
        g_autofree char *sofar = g_strjoinv("/", (char **)done->pdata);
        g_ptr_array_remove_index(done, done->len - 1);
        g_autofree char *path = sysroot_path(root, sofar);
        g_autofree char *target = links < 40 ? g_file_read_link(path, NULL) : NULL;
        if (target == NULL)
            continue;
        links++;
        g_ptr_array_remove_index(done, done->len - 1);
        if (target[0] == '/')
            g_ptr_array_set_size(done, 0);
        push_parts(todo, target);
    }
    g_ptr_array_add(done, NULL);
    return g_strjoinv("/", (char **)done->pdata);
}

GArray *sysroot_pci_chain(const char *sys_path)
{
    GArray *chain = g_array_new(FALSE, FALSE, sizeof(PciAddr));
    g_auto(GStrv) parts = g_strsplit(sys_path, "/", -1);
    for (char **p = parts; *p; p++) {
        PciAddr a;
        /* only the kernel's full form: 0000:00:1c.0 */
        if (strlen(*p) == 12 && pci_addr_parse(*p, &a, NULL))
            g_array_append_val(chain, a);
    }
    return chain;
}

static gboolean read_number(const char *root, const char *dir, const char *name, guint *value)
{
    g_autofree char *rel = g_build_filename(dir, name, NULL);
    g_autofree char *text = sysroot_read(root, rel);
    char *end = NULL;
    guint64 v = text ? g_ascii_strtoull(text, &end, 10) : 0;
    if (text == NULL || end == text || *end != '\0' || v > G_MAXUINT)
        return FALSE;
    *value = (guint)v;
    return TRUE;
}

gboolean sysroot_usb_device(const char *root, const char *sys_path, guint *bus, guint *device)
{
    /* from the device itself outwards: its interfaces (1-5:1.0) have no
     * busnum; the device has, and so have the hubs above it */
    g_autofree char *dir = g_strdup(sys_path);
    for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
        if (read_number(root, dir, "busnum", bus) && read_number(root, dir, "devnum", device))
            return TRUE;
        *slash = '\0';
    }
    return FALSE;
}

char **sysroot_reset_methods(const char *root, const PciAddr *addr)
{
    g_autofree char *dev = pci_addr_format(addr, PCI_FORMAT_PCI);
    g_autofree char *base = g_strdup_printf("sys/bus/pci/devices/%s", dev);
    g_autofree char *file = g_strconcat(base, "/reset_method", NULL);
    g_autofree char *config = g_strconcat(base, "/config", NULL);
    g_autofree char *text = sysroot_read(root, file);
    if (text) {
        g_auto(GStrv) words = g_strsplit_set(text, " \t\n", -1);
        GPtrArray *methods = g_ptr_array_new();
        for (char **w = words; *w; w++)
            if (**w)
                g_ptr_array_add(methods, g_strdup(*w));
        g_ptr_array_add(methods, NULL);
        return (char **)g_ptr_array_free(methods, FALSE);
    }
    /* the kernel hides reset_method on a device without any; "reset" came
     * long before it, so a device with neither on a kernel that has
     * reset_method elsewhere has no reset method */
    if (!sysroot_exists(root, config))
        return NULL;
    g_autofree char *reset = g_strconcat(base, "/reset", NULL);
    if (sysroot_exists(root, reset))
        return NULL;
    return g_new0(char *, 1);
}
