/* The fixtures and checks of the test-badinput programs: generated inputs
 * in a scratch directory, and the refusal every bad input must get. */
#pragma once

#include <glib.h>

#define ERROR_PREFIX "virt-hostdev: error: "
#define GUEST_FIXTURE "domain/guest-i440fx.xml"
#define NODEDEV_FIXTURE "nodedev/pci_0000_03_00_0.xml"

typedef struct {
    char *data;
    gsize len;
} Bytes;

Bytes fixture(const char *relative);
Bytes text(const char *s);
Bytes edited(const char *relative, const char *from, const char *to);
Bytes nodedev_with(const char *body);
Bytes domain_with(const char *extra);
char *scratch_dir(void);
void put(const char *name, Bytes b);
GHashTable *snapshot(void);
void assert_unchanged(GHashTable *before);
void refused_in(const char *in, int code, const char *needle, const char *first, ...) G_GNUC_NULL_TERMINATED;
void reported(const char *file, const char *needle);
void bad_nodedev(Bytes doc, const char *needle);
void bad_domain(Bytes doc, const char *needle);
void invalid_domain(Bytes doc, const char *needle);
void bad_argument(const char *arg, int code);

#define refused(code, needle, ...) refused_in(NULL, code, needle, __VA_ARGS__, NULL)
