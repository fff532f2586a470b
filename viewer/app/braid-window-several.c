/* braid-window-several.c: several trace files as one timeline.
 *
 * Owns what the loading job does when the window opens more than one
 * file at once (braid_window_open_several): with BRAID_WINDOW_OPEN_RUN,
 * the files of one run (a process tree: one file per process, one
 * meta.run_id) are opened, checked to be one run, and merged into one
 * trace by the reader (braid_trace_open_run, as braid-render does), a
 * process group of lanes per file on the run's common clock. Files of
 * different runs are refused with the reader's line naming two of them.
 * With BRAID_WINDOW_OPEN_COMPARE, two traces of one program (two runs,
 * or a C sample and its asyncio twin) are compared as `braid diff`
 * compares them (braid_trace_compare) and merged side by side on the
 * step axis (braid_trace_merge_compared), the steps that differ kept for
 * the timeline to mark; traces of two different programs are refused
 * with one line. Runs in the loading job's worker thread, like
 * braid_trace_open, so the window never waits for it.
 */
#include "braid-window-private.h"

#include <stdlib.h>
#include <string.h>

/* The progress of file @k of @n, as a fraction of the whole load. */
typedef struct several_progress
{
  braid_trace_progress_fn fn;
  void *data;
  int k, n;
} several_progress;

static bool
on_file_progress (double fraction, void *data)
{
  several_progress *p = data;
  return !p->fn || p->fn ((p->k + fraction) / p->n, p->data);
}

void
braid__window_several_clear (braid__window_several *extra)
{
  free (extra->marked_steps);
  g_free (extra->verdict);
  memset (extra, 0, sizeof *extra);
}

static const char *
ordinal_suffix (size_t n)
{
  if (n % 100 >= 11 && n % 100 <= 13)
    return "th";
  return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

/* Compares @a and @b (of @paths) and merges them side by side. */
static int
compare_two (braid_trace *a, braid_trace *b, char **paths, braid_trace **out,
             braid__window_several *extra, char **error)
{
  if (!braid_trace_same_program (a, b))
    {
      char *pa = g_path_get_basename (paths[0]);
      char *pb = g_path_get_basename (paths[1]);
      char *sa = g_path_get_basename (braid_trace_get_meta (a)->program);
      char *sb = g_path_get_basename (braid_trace_get_meta (b)->program);
      *error = g_strdup_printf ("%s (%s) and %s (%s) are traces of different "
                                "programs: their steps cannot be lined up",
                                pa, sa, pb, sb);
      g_free (pa);
      g_free (pb);
      g_free (sa);
      g_free (sb);
      return -1;
    }
  braid_trace_comparison *c = NULL;
  if (braid_trace_compare (a, b, NULL, &c, NULL) != 0
      || braid_trace_merge_compared (a, b, c, out, &extra->marked_steps,
                                     &extra->n_marked_steps)
             != 0)
    {
      braid_trace_comparison_free (c);
      *error = g_strdup ("out of memory while comparing the traces");
      return -1;
    }
  size_t n;
  const braid_trace_step_pair *pairs = braid_trace_comparison_pairs (c, &n);
  const braid_trace_step_pair *first = NULL;
  for (size_t i = 0; i < n && !first; i++)
    if (pairs[i].difference)
      first = &pairs[i];
  if (first)
    extra->verdict = g_strdup_printf (
        "%zu step%s differ%s, the first at step %zu of the %zu%s iteration: "
        "%s",
        extra->n_marked_steps, extra->n_marked_steps == 1 ? "" : "s",
        extra->n_marked_steps == 1 ? "s" : "", first->position, first->round,
        ordinal_suffix (first->round), first->difference);
  else
    extra->verdict = g_strdup_printf ("the schedules are the same (%zu "
                                      "steps)",
                                      n);
  braid_trace_comparison_free (c);
  return 0;
}

int
braid__window_load_several (char **paths, int n, braid_window_open_mode mode,
                            const braid_trace_load_options *options,
                            braid_trace **out, braid__window_several *extra,
                            char **error)
{
  *out = NULL;
  *error = NULL;
  memset (extra, 0, sizeof *extra);
  char *e = NULL;
  if (mode == BRAID_WINDOW_OPEN_RUN)
    {
      /* The reader opens, checks and merges them, and says why not in
       * one line naming the files. */
      int rc = braid_trace_open_run (paths, (size_t)n, options, out, &e);
      if (rc != 0)
        *error = g_strdup (e ? e : "out of memory while opening the run");
      free (e);
      return rc;
    }
  if (n != 2)
    {
      *error = g_strdup_printf ("two traces are compared, not %d", n);
      return -1;
    }
  braid_trace *traces[2] = { NULL, NULL };
  several_progress progress
      = { options->progress, options->progress_data, 0, n };
  braid_trace_load_options one = *options;
  one.progress = on_file_progress;
  one.progress_data = &progress;
  int rc = 0;
  for (int k = 0; k < n && rc == 0; k++)
    {
      progress.k = k;
      rc = braid_trace_open (paths[k], &one, &traces[k], &e);
      if (rc != 0)
        *error = g_strdup (e ? e : "cannot open the trace");
      free (e);
      e = NULL;
    }
  if (rc == 0)
    rc = compare_two (traces[0], traces[1], paths, out, extra, error);
  for (int k = 0; k < n; k++)
    braid_trace_close (traces[k]);
  return rc;
}
