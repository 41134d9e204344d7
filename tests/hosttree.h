/* Fake host trees (/proc, /sys) under a test's scratch directory, for
 * hostcrit.c and sysroot.c, which read them under a --root prefix. */
#pragma once
#include <glib.h>

/* A fresh directory NAME under the test's scratch directory. */
char *tree_new(const char *name);
/* ROOT/REL holding TEXT; ROOT/REL a symlink to TARGET; ROOT/REL a directory
 * (each with the directories above it). */
void put(const char *root, const char *rel, const char *text);
void link_to(const char *root, const char *rel, const char *target);
void mkdirs(const char *root, const char *rel);
