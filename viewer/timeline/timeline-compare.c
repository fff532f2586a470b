/* timeline-compare.c: two traces of one program, opened side by side.
 *
 * Owns braid_timeline_open_compared, the one way braid-render --compare
 * and the viewer (braid-viewer --compare) open two traces: each is
 * opened (the progress covering the two in turn), checked to be a trace
 * of the same program as the other (braid_trace_same_program), compared
 * as `braid diff` compares them (braid_trace_compare) and merged side by
 * side on the step axis (braid_trace_merge_compared), the steps that
 * differ kept for braid_timeline_draw_marked_steps, and what the
 * comparison found said in one line. The two traces are closed before it
 * returns: the merged one stands alone.
 */
#include "timeline-private.h"

#include <glib.h>
#include <stdlib.h>

/* The progress of file @k of two, as a fraction of the whole load. */
typedef struct pair_progress
{
  braid_trace_progress_fn fn;
  void *data;
  int k;
} pair_progress;

static bool
on_file_progress (double fraction, void *data)
{
  pair_progress *p = data;
  return !p->fn || p->fn ((p->k + fraction) / 2, p->data);
}

/* The line that refuses @a and @b (of @paths) as traces of different
 * programs, naming each file and its program. */
static char *
different_programs (const braid_trace *a, const braid_trace *b,
                    char *const paths[2])
{
  char *pa = g_path_get_basename (paths[0]);
  char *pb = g_path_get_basename (paths[1]);
  char *sa = g_path_get_basename (braid_trace_get_meta (a)->program);
  char *sb = g_path_get_basename (braid_trace_get_meta (b)->program);
  char *line = g_strdup_printf ("%s (%s) and %s (%s) are traces of different "
                                "programs: their steps cannot be lined up",
                                pa, sa, pb, sb);
  g_free (pa);
  g_free (pb);
  g_free (sa);
  g_free (sb);
  return line;
}

static const char *
ordinal_suffix (size_t n)
{
  if (n % 100 >= 11 && n % 100 <= 13)
    return "th";
  return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

/* What @c found: how many steps differ (@n_marked) and the first
 * divergence, or that the schedules are the same. */
static char *
verdict_line (const braid_trace_comparison *c, size_t n_marked)
{
  size_t n;
  const braid_trace_step_pair *pairs = braid_trace_comparison_pairs (c, &n);
  const braid_trace_step_pair *first = NULL;
  for (size_t i = 0; i < n && !first; i++)
    if (pairs[i].difference)
      first = &pairs[i];
  if (!first)
    return g_strdup_printf ("the schedules are the same (%zu steps)", n);
  return g_strdup_printf (
      "%zu step%s differ%s, the first at step %zu of the %zu%s iteration: "
      "%s",
      n_marked, n_marked == 1 ? "" : "s", n_marked == 1 ? "s" : "",
      first->position, first->round, ordinal_suffix (first->round),
      first->difference);
}

int
braid_timeline_open_compared (char *const paths[2],
                              const braid_trace_load_options *options,
                              braid_trace **out, uint64_t **marked,
                              size_t *n_marked,
                              char **verdict, char **error)
{
  *out = NULL;
  *marked = NULL;
  *n_marked = 0;
  *error = NULL;
  if (verdict)
    *verdict = NULL;
  braid_trace *traces[2] = { NULL, NULL };
  pair_progress progress = { options ? options->progress : NULL,
                             options ? options->progress_data : NULL, 0 };
  braid_trace_load_options one = { 0 };
  if (options)
    one = *options;
  one.progress = on_file_progress;
  one.progress_data = &progress;
  int rc = 0;
  for (int k = 0; k < 2 && rc == 0; k++)
    {
      char *e = NULL;
      progress.k = k;
      rc = braid_trace_open (paths[k], &one, &traces[k], &e);
      if (rc != 0)
        /* The reader's message names the file and the problem. */
        *error = g_strdup (e ? e : "cannot open the trace");
      free (e);
    }
  braid_trace_comparison *c = NULL;
  if (rc == 0 && !braid_trace_same_program (traces[0], traces[1]))
    {
      *error = different_programs (traces[0], traces[1], paths);
      rc = -1;
    }
  else if (rc == 0
           && (braid_trace_compare (traces[0], traces[1], NULL, &c, NULL) != 0
               || braid_trace_merge_compared (traces[0], traces[1], c, out,
                                              marked, n_marked)
                      != 0))
    {
      *error = g_strdup ("out of memory while comparing the traces");
      rc = -1;
    }
  if (rc == 0 && verdict)
    *verdict = verdict_line (c, *n_marked);
  braid_trace_comparison_free (c);
  for (int k = 0; k < 2; k++)
    braid_trace_close (traces[k]);
  return rc;
}
