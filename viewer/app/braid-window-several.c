/* braid-window-several.c: several trace files as one timeline.
 *
 * Owns what the loading job does when the window opens more than one
 * file at once (braid_window_open_several): with BRAID_WINDOW_OPEN_RUN,
 * the files of one run (a process tree: one file per process, one
 * meta.run_id) are opened, checked to be one run, and merged by the
 * reader (braid_trace_merge_run) into one trace, a process group of lanes
 * per file on the run's common clock. Files of different runs are
 * refused with one line naming two of them. Runs in the loading job's
 * worker thread, like braid_trace_open.
 */
#include "braid-window-private.h"

#include <stdlib.h>

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

int
braid__window_load_several (char **paths, int n, braid_window_open_mode mode,
                            const braid_trace_load_options *options,
                            braid_trace **out, char **error)
{
  *out = NULL;
  *error = NULL;
  braid_trace **traces = g_new0 (braid_trace *, n);
  several_progress progress
      = { options->progress, options->progress_data, 0, n };
  braid_trace_load_options one = *options;
  one.progress = on_file_progress;
  one.progress_data = &progress;
  int rc = 0;
  for (int k = 0; k < n && rc == 0; k++)
    {
      progress.k = k;
      char *e = NULL;
      rc = braid_trace_open (paths[k], &one, &traces[k], &e);
      if (rc != 0)
        {
          *error = g_strdup (e ? e : "cannot open the trace");
          free (e);
        }
    }
  if (rc == 0 && mode == BRAID_WINDOW_OPEN_RUN)
    {
      size_t a, b;
      const char *why;
      if (braid_trace_check_run (traces, (size_t)n, &a, &b, &why) != 0)
        {
          char *pa = g_path_get_basename (paths[a]);
          char *pb = g_path_get_basename (paths[b]);
          *error = g_strdup_printf ("%s and %s %s", pa, pb, why);
          g_free (pa);
          g_free (pb);
          rc = -1;
        }
      else
        {
          char *e = NULL;
          rc = braid_trace_merge_run (traces, (size_t)n, out, &e);
          if (rc != 0)
            {
              *error = g_strdup (e ? e : "cannot merge the traces");
              free (e);
            }
        }
    }
  for (int k = 0; k < n; k++)
    braid_trace_close (traces[k]);
  g_free (traces);
  return rc;
}
