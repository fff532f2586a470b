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
 * compares them and merged side by side on the step axis by the
 * timeline (braid_timeline_open_compared, as braid-render --compare
 * does), the steps that differ kept for it to mark; traces of two
 * different programs are refused with one line naming both files and
 * programs. Runs in the loading job's worker thread, like
 * braid_trace_open, so the window never waits for it.
 */
#include "braid-window-private.h"

#include <stdlib.h>
#include <string.h>

void
braid__window_several_clear (braid__window_several *extra)
{
  free (extra->marked_steps);
  g_free (extra->verdict);
  memset (extra, 0, sizeof *extra);
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
  /* The timeline opens, checks, compares and merges them, as it does
   * for braid-render --compare. */
  return braid_timeline_open_compared (paths, options, out,
                                       &extra->marked_steps,
                                       &extra->n_marked_steps, &extra->verdict,
                                       error);
}
