/* Helpers of the man-page and completion tests (bashcomp.c). */
#pragma once
#include <glib.h>

#define BASH_COMPLETION_MAIN "/usr/share/bash-completion/bash_completion"

/* The source tree ($VIRT_HOSTDEV_SOURCE_DIR), a path in it, and the
 * directory of the built binary ($VIRT_HOSTDEV_BINARY). */
const char *source_dir(void);
char *source_path(const char *relative);
char *binary_dir(void);
/* Environment for the children: the build's binary first on PATH, no
 * user bash-completion file, no BASH_ENV/ENV/TMUX. */
char **child_environ(void);
/* Run ARGV (searched on PATH) with ENVP in CWD (NULL: ours), stdin from
 * /dev/null; returns the exit status, -1 when it could not be started. */
int spawn(const char *const *argv, char **envp, const char *cwd, char **out, char **err);
/* Lines of a command's output, empty lines dropped; whether one is WORD. */
GPtrArray *output_lines(const char *text);
gboolean lines_contain(GPtrArray *lines, const char *word);
/* The lines of virt-hostdev __complete WHAT [VERB]. */
GPtrArray *complete_query(const char *what, const char *verb);

/* Whether bash and bash-completion are installed (else the test skips). */
gboolean have_bash_completion(void);
/* COMPREPLY for LINE (the cursor at its end), split into words as readline
 * does. EXTRA_ENV: "NAME=VALUE" entries, NULL-terminated (or NULL). STDERR
 * is returned in ERR_OUT if asked, else must be empty. */
GPtrArray *complete_line_full(const char *line, const char *const *extra_env, const char *cwd, char **err_out);
GPtrArray *complete_line(const char *line);
/* REPLY holds each of WANT (NULL-terminated), and nothing else if EXACT. */
void assert_reply(const char *line, GPtrArray *reply, const char *const *want, gboolean exact);
void check_line(const char *line, const char *const *want, gboolean exact);
/* REPLY holds none of UNWANTED. */
void assert_lacks(const char *line, GPtrArray *reply, const char *const *unwanted);

/* The test-driver URI of tests/data/host.xml; COMPREPLY for LINE with
 * $LIBVIRT_DEFAULT_URI set to URI, and the checks of both above. */
char *host_uri(void);
GPtrArray *complete_on(const char *uri, const char *line);
void check_on(const char *uri, const char *line, const char *const *want, gboolean exact,
              const char *const *unwanted);
