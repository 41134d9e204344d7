#include "diff.h"

#include <string.h>

typedef struct {
    const char *start;
    gsize len;  /* including the newline, if any */
} Line;

static GArray *split_lines(const char *text, gsize len)
{
    GArray *lines = g_array_new(FALSE, FALSE, sizeof(Line));
    gsize p = 0;
    while (p < len) {
        const char *nl = memchr(text + p, '\n', len - p);
        gsize end = nl ? (gsize)(nl - text) + 1 : len;
        Line l = { text + p, end - p };
        g_array_append_val(lines, l);
        p = end;
    }
    return lines;
}

static gboolean line_equal(const Line *a, const Line *b)
{
    return a->len == b->len && memcmp(a->start, b->start, a->len) == 0;
}

typedef enum { OP_EQUAL, OP_DELETE, OP_INSERT } OpKind;

/* Edit script as one op per line, found with Myers' greedy algorithm and a
 * saved V vector per D for the backtrack. */
static GArray *myers(GArray *a, GArray *b)
{
    gssize n = a->len, m = b->len, max = n + m;
    gssize offset = max + 1;
    GPtrArray *trace = g_ptr_array_new_with_free_func(g_free);
    gssize *v = g_new0(gssize, 2 * (gsize)max + 3);
    gssize d_found = -1;

    for (gssize d = 0; d <= max && d_found < 0; d++) {
        for (gssize k = -d; k <= d; k += 2) {
            gssize x;
            if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                x = v[offset + k + 1];
            else
                x = v[offset + k - 1] + 1;
            gssize y = x - k;
            while (x < n && y < m && line_equal(&g_array_index(a, Line, x), &g_array_index(b, Line, y))) {
                x++;
                y++;
            }
            v[offset + k] = x;
            if (x >= n && y >= m) {
                d_found = d;
                break;
            }
        }
        g_ptr_array_add(trace, g_memdup2(v, sizeof(gssize) * (2 * (gsize)max + 3)));
    }

    GArray *ops = g_array_new(FALSE, FALSE, sizeof(int));
    gssize x = n, y = m;
    for (gssize d = d_found; d > 0; d--) {
        gssize *pv = trace->pdata[d - 1];
        gssize k = x - y;
        gssize prev_k = (k == -d || (k != d && pv[offset + k - 1] < pv[offset + k + 1])) ? k + 1 : k - 1;
        gssize prev_x = pv[offset + prev_k], prev_y = prev_x - prev_k;
        while (x > prev_x && y > prev_y) {
            int op = OP_EQUAL;
            g_array_prepend_val(ops, op);
            x--;
            y--;
        }
        int op = x == prev_x ? OP_INSERT : OP_DELETE;
        g_array_prepend_val(ops, op);
        x = prev_x;
        y = prev_y;
    }
    while (x > 0 && y > 0) {
        int op = OP_EQUAL;
        g_array_prepend_val(ops, op);
        x--;
        y--;
    }
    g_free(v);
    g_ptr_array_unref(trace);
    return ops;
}

static void append_line(GString *out, char prefix, const Line *l)
{
    g_string_append_c(out, prefix);
    g_string_append_len(out, l->start, (gssize)l->len);
    if (l->len == 0 || l->start[l->len - 1] != '\n')
        g_string_append(out, "\n\\ No newline at end of file\n");
}

char *diff_unified(const char *old_text, gsize old_len, const char *new_text, gsize new_len,
                   const char *old_label, const char *new_label, guint context)
{
    g_autoptr(GArray) a = split_lines(old_text, old_len);
    g_autoptr(GArray) b = split_lines(new_text, new_len);

    /* Trim the common head and tail first: Myers then only sees the edit. */
    guint head = 0;
    while (head < a->len && head < b->len &&
           line_equal(&g_array_index(a, Line, head), &g_array_index(b, Line, head)))
        head++;
    guint tail = 0;
    while (tail < a->len - head && tail < b->len - head &&
           line_equal(&g_array_index(a, Line, a->len - 1 - tail), &g_array_index(b, Line, b->len - 1 - tail)))
        tail++;
    g_autoptr(GArray) mid_a = g_array_new(FALSE, FALSE, sizeof(Line));
    g_autoptr(GArray) mid_b = g_array_new(FALSE, FALSE, sizeof(Line));
    g_array_append_vals(mid_a, a->data + head * sizeof(Line), a->len - head - tail);
    g_array_append_vals(mid_b, b->data + head * sizeof(Line), b->len - head - tail);
    g_autoptr(GArray) mid = myers(mid_a, mid_b);

    g_autoptr(GArray) ops = g_array_new(FALSE, FALSE, sizeof(int));
    int eq = OP_EQUAL;
    for (guint i = 0; i < head; i++)
        g_array_append_val(ops, eq);
    g_array_append_vals(ops, mid->data, mid->len);
    for (guint i = 0; i < tail; i++)
        g_array_append_val(ops, eq);

    GString *out = g_string_new(NULL);
    guint i = 0;
    while (i < ops->len) {
        if (g_array_index(ops, int, i) == OP_EQUAL) {
            i++;
            continue;
        }
        /* a hunk: from CONTEXT lines before this change to CONTEXT lines
         * after the last change that is at most 2*CONTEXT lines further */
        guint start = i >= context ? i - context : 0;
        guint end = i;
        guint gap = 0;
        for (guint j = i; j < ops->len; j++) {
            if (g_array_index(ops, int, j) == OP_EQUAL) {
                if (++gap > 2 * context)
                    break;
            } else {
                gap = 0;
                end = j;
            }
        }
        guint stop = MIN(end + 1 + context, ops->len);
        /* line numbers of the hunk's first line in a and b */
        guint ai = 0, bi = 0;
        for (guint j = 0; j < start; j++) {
            int op = g_array_index(ops, int, j);
            if (op != OP_INSERT)
                ai++;
            if (op != OP_DELETE)
                bi++;
        }
        guint acount = 0, bcount = 0;
        for (guint j = start; j < stop; j++) {
            int op = g_array_index(ops, int, j);
            if (op != OP_INSERT)
                acount++;
            if (op != OP_DELETE)
                bcount++;
        }
        if (out->len == 0)
            g_string_append_printf(out, "--- %s\n+++ %s\n", old_label, new_label);
        g_string_append_printf(out, "@@ -%u,%u +%u,%u @@\n", acount ? ai + 1 : ai, acount, bcount ? bi + 1 : bi, bcount);
        guint x = ai, y = bi;
        for (guint j = start; j < stop; j++) {
            int op = g_array_index(ops, int, j);
            if (op == OP_EQUAL) {
                append_line(out, ' ', &g_array_index(a, Line, x++));
                y++;
            } else if (op == OP_DELETE) {
                append_line(out, '-', &g_array_index(a, Line, x++));
            } else {
                append_line(out, '+', &g_array_index(b, Line, y++));
            }
        }
        i = stop;
    }
    return g_string_free(out, FALSE);
}
