/* See hosttree.h. */
#include "hosttree.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "testutil.h"

char *tree_new(const char *name)
{
    char *root = g_build_filename(test_tmpdir(), name, NULL);
    g_assert_cmpint(g_mkdir_with_parents(root, 0755), ==, 0);
    return root;
}

void put(const char *root, const char *rel, const char *text)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    g_autofree char *dir = g_path_get_dirname(path);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

void link_to(const char *root, const char *rel, const char *target)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    g_autofree char *dir = g_path_get_dirname(path);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_unlink(path);
    g_assert_cmpint(symlink(target, path), ==, 0);
}

void mkdirs(const char *root, const char *rel)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    g_assert_cmpint(g_mkdir_with_parents(path, 0755), ==, 0);
}
