/* What the test-cli programs share: running the built binary, a scratch
 * working directory per case, fixtures copied into it, and checks of files
 * left behind. */
#pragma once

#include <glib.h>

#include "testutil.h"

#define ERROR_PREFIX "virt-hostdev: error: "

/* virt-hostdev ARGS... (NULL-terminated), empty stdin */
#define run(...) cmd_run(NULL, NULL, __VA_ARGS__)
/* the same with IN on stdin */
#define run_in(in, ...) cmd_run(NULL, (in), __VA_ARGS__)
/* the same with extra environment assignments */
#define run_env(env, ...) cmd_run((env), NULL, __VA_ARGS__)
#define assert_exit cmd_assert_exit
#define assert_error cmd_assert_error
#define assert_contains cmd_assert_contains

void assert_output(const CmdResult *r, const char *expected);
char *read_file(const char *path);
void write_file(const char *path, const char *data);
void enter_scratch_dir(void);
char *copy_fixture(const char *relative);
void assert_same_as_fixture(const char *path, const char *relative);
void assert_dir_holds(const char *dir, ...) G_GNUC_NULL_TERMINATED;
char *wrap_blocks(const char *blocks);
char *diff_lines(const char *diff, char sign);
void assert_json_member(const char *json, const char *key, const char *value);
const char *nodedev(const char *file);

/* nodedev/ fixtures */
extern const char *const GPU;
extern const char *const NET_NODEDEV;
/* the hostdev block of 0000:03:00.0 */
extern const char PCI_BLOCK[];
/* domain/ fixtures */
extern const char *const I440FX;
extern const char *const Q35;
extern const char *const Q35_FULL;
extern const char *const TABS;
extern const char *const MINIMAL;
extern const char *const INVALID;
