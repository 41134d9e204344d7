/* Unified diff: exact hunks, headers, context, no-newline markers. */
#include <string.h>

#include "diff.h"

static char *d(const char *a, const char *b)
{
    return diff_unified(a, strlen(a), b, strlen(b), "old", "new", 3);
}

static void test_equal(void)
{
    g_autofree char *out = d("a\nb\n", "a\nb\n");
    g_assert_cmpstr(out, ==, "");
}

static void test_insert_middle(void)
{
    g_autofree char *out = d("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nX\nY\n5\n6\n7\n8\n");
    g_assert_cmpstr(out, ==, "--- old\n+++ new\n@@ -2,6 +2,8 @@\n 2\n 3\n 4\n+X\n+Y\n 5\n 6\n 7\n");
}

static void test_delete_start(void)
{
    g_autofree char *out = d("x\na\nb\n", "a\nb\n");
    g_assert_cmpstr(out, ==, "--- old\n+++ new\n@@ -1,3 +1,2 @@\n-x\n a\n b\n");
}

static void test_two_hunks(void)
{
    GString *a = g_string_new(NULL), *b = g_string_new(NULL);
    for (int i = 0; i < 20; i++) {
        g_string_append_printf(a, "%d\n", i);
        if (i == 2)
            g_string_append(b, "new-a\n");
        g_string_append_printf(b, "%d\n", i);
        if (i == 16)
            g_string_append(b, "new-b\n");
    }
    g_autofree char *out = d(a->str, b->str);
    g_assert_cmpstr(out, ==,
                    "--- old\n+++ new\n@@ -1,5 +1,6 @@\n 0\n 1\n+new-a\n 2\n 3\n 4\n"
                    "@@ -15,6 +16,7 @@\n 14\n 15\n 16\n+new-b\n 17\n 18\n 19\n");
    g_string_free(a, TRUE);
    g_string_free(b, TRUE);
}

static void test_change_and_no_newline(void)
{
    g_autofree char *out = d("a\nb", "a\nc");
    g_assert_cmpstr(out, ==, "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
                             "+c\n\\ No newline at end of file\n");
}

static void test_from_empty(void)
{
    g_autofree char *out = d("", "a\n");
    g_assert_cmpstr(out, ==, "--- old\n+++ new\n@@ -0,0 +1,1 @@\n+a\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/diff/equal", test_equal);
    g_test_add_func("/diff/insert-middle", test_insert_middle);
    g_test_add_func("/diff/delete-start", test_delete_start);
    g_test_add_func("/diff/two-hunks", test_two_hunks);
    g_test_add_func("/diff/change-no-newline", test_change_and_no_newline);
    g_test_add_func("/diff/from-empty", test_from_empty);
    return g_test_run();
}
