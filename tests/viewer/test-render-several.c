/* test-render-several.c: braid-render with several trace files.
 *
 * The files of one run (two samples traced under one BRAID_TRACE_RUN, a
 * file each) draw as one timeline with a lane per task and one per
 * process; files of two runs are refused in one line. With --compare,
 * diff-program traced plainly and with a changed schedule draws side by
 * side with the differing steps marked in red in the ruler, the same
 * trace twice draws no mark, and traces of two programs are refused.
 * braid_trace_open_run, the one call that braid-render and the viewer
 * open a run with, is checked on its own: the merge, one file as it is,
 * its progress over all the files, and its one-line refusals.
 */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid.h>

#include "viewer-test-util.h"

/* Pixels of the PNG @path near 0xRRGGBB @colour in rows [@y0, @y1); its
 * height in *@height. */
static guint
count_near_rows (const char *path, guint32 colour, int y0, int y1,
                 int *height)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  *height = cairo_image_surface_get_height (s);
  guint n = vt_count_near (s, colour, y0, y1);
  cairo_surface_destroy (s);
  return n;
}

static void
test_render_draws_a_run_as_one_timeline (void)
{
  if (!vt_program ("BRAID_RENDER"))
    return;
  char *a, *b;
  if (!vt_record_run_pair (&a, &b))
    return;
  char *other = vt_record_sample ("hello_world", NULL);
  char *png = g_build_filename (vt_tmpdir (), "run.png", NULL);
  const char *run[] = { a, b, "-o", png, "--no-legend", NULL };
  g_assert_cmpint (vt_render (run, NULL), ==, 0);
  /* The ruler and 20 lanes of 22 px: fetch_urls' 7 tasks,
   * semaphore_bounded's 11 and a lane per process. */
  int height;
  count_near_rows (png, 0, 0, 0, &height);
  g_assert_cmpint (height, ==, 28 + 20 * 22);

  char *err = NULL;
  const char *mixed[] = { a, other, "-o", png, NULL };
  g_assert_cmpint (vt_render (mixed, &err), ==, 2);
  /* One line. */
  g_assert_nonnull (strstr (err, "are traces of different runs\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
  g_free (err);
  g_free (png);
  g_free (a);
  g_free (b);
  g_free (other);
}

/* The fractions a load reports, and after how many it stops the load
 * (0: never). */
typedef struct seen_progress
{
  GArray *fractions;
  guint stop_after;
} seen_progress;

static bool
on_progress (double fraction, void *data)
{
  seen_progress *p = data;
  g_array_append_val (p->fractions, fraction);
  return p->stop_after == 0 || p->fractions->len < p->stop_after;
}

static size_t
n_tasks (const braid_trace *trace)
{
  size_t n;
  braid_trace_get_tasks (trace, &n);
  return n;
}

/* braid_trace_open_run merges the files of one run (a task per process
 * over its tasks), reporting progress over all the files in order from
 * 0 to 1; one file opens as braid_trace_open opens it; files of two
 * runs, a missing file, no file and a load stopped by its progress
 * callback fail with one line and no trace. */
static void
test_open_run_merges_checks_and_refuses (void)
{
  char *a, *b;
  if (!vt_record_run_pair (&a, &b))
    return;
  char *other = vt_record_sample ("hello_world", NULL);
  braid_trace *ta = vt_open (a), *tb = vt_open (b);

  seen_progress seen = { g_array_new (FALSE, FALSE, sizeof (double)), 0 };
  braid_trace_load_options options
      = { .compact = true, .progress = on_progress, .progress_data = &seen };
  char *run[] = { a, b };
  braid_trace *out = NULL;
  char *error = NULL;
  g_assert_cmpint (braid_trace_open_run (run, 2, &options, &out, &error), ==,
                   0);
  g_assert_null (error);
  g_assert_cmpuint (n_tasks (out), ==, n_tasks (ta) + n_tasks (tb) + 2);
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (out, &n);
  g_assert_true (g_str_has_prefix (tasks[0].name, "fetch_urls [pid "));
  g_assert_cmpint (tasks[0].parent, <, 0);
  /* Both files' progress, in order, within [0, 1], past the half. */
  g_assert_cmpuint (seen.fractions->len, >=, 2);
  double last = 0;
  for (guint i = 0; i < seen.fractions->len; i++)
    {
      double f = g_array_index (seen.fractions, double, i);
      g_assert_cmpfloat (f, >=, last);
      g_assert_cmpfloat (f, <=, 1);
      last = f;
    }
  g_assert_cmpfloat (last, >, 0.5);
  braid_trace_close (out);

  /* One file: as it is, no task for its process. */
  g_assert_cmpint (braid_trace_open_run (run, 1, NULL, &out, NULL), ==, 0);
  g_assert_cmpuint (n_tasks (out), ==, n_tasks (ta));
  braid_trace_close (out);

  char *mixed[] = { a, other };
  g_assert_cmpint (braid_trace_open_run (mixed, 2, NULL, &out, &error), ==,
                   BRAID_EINVAL);
  g_assert_null (out);
  char *want
      = g_strdup_printf ("%s and %s are traces of different runs", a, other);
  g_assert_cmpstr (error, ==, want);
  g_free (want);
  free (error);

  char *missing_path = g_build_filename (vt_tmpdir (), "no-such.braid", NULL);
  char *missing[] = { a, missing_path };
  g_assert_cmpint (braid_trace_open_run (missing, 2, NULL, &out, &error), <, 0);
  g_assert_null (out);
  g_assert_true (g_str_has_prefix (error, missing_path));
  g_assert_null (strchr (error, '\n'));
  free (error);

  g_assert_cmpint (braid_trace_open_run (run, 0, NULL, &out, &error), ==,
                   BRAID_EINVAL);
  g_assert_null (out);
  g_assert_nonnull (error);
  free (error);

  /* The callback stops the load in the second file: no trace, and a
   * line naming that file. */
  g_array_set_size (seen.fractions, 0);
  seen.stop_after = 2;
  g_assert_cmpint (braid_trace_open_run (run, 2, &options, &out, &error), ==,
                   BRAID_ECANCELLED);
  g_assert_null (out);
  want = g_strdup_printf ("%s: loading cancelled", b);
  g_assert_cmpstr (error, ==, want);
  g_free (want);
  free (error);

  g_array_free (seen.fractions, TRUE);
  braid_trace_close (ta);
  braid_trace_close (tb);
  g_free (missing_path);
  g_free (a);
  g_free (b);
  g_free (other);
}

static void
test_render_compares_two_runs (void)
{
  if (!vt_program ("BRAID_RENDER"))
    return;
  char *plain, *changed;
  if (!vt_record_diff_pair (&plain, &changed))
    return;
  char *png = g_build_filename (vt_tmpdir (), "compare.png", NULL);
  int height;

  /* The marks' ticks, solid red, in the ruler (28 px). */
  const char *differ[] = { "--compare", plain, changed, "-o", png, NULL };
  g_assert_cmpint (vt_render (differ, NULL), ==, 0);
  g_assert_cmpuint (count_near_rows (png, 0xd91a1a, 0, 28, &height), >=, 100);
  const char *same[] = { "--compare", plain, plain, "-o", png, NULL };
  g_assert_cmpint (vt_render (same, NULL), ==, 0);
  g_assert_cmpuint (count_near_rows (png, 0xd91a1a, 0, 28, &height), ==, 0);

  char *other = vt_record_sample ("hello_world", NULL);
  char *err = NULL;
  const char *programs[] = { "--compare", plain, other, "-o", png, NULL };
  g_assert_cmpint (vt_render (programs, &err), ==, 2);
  g_assert_nonnull (strstr (err, "are traces of different programs"));
  g_free (err);
  const char *three[] = { "--compare", plain, changed, other, "-o", png,
                          NULL };
  g_assert_cmpint (vt_render (three, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--compare takes two trace files, got 3"));
  g_free (err);
  g_free (png);
  g_free (plain);
  g_free (changed);
  g_free (other);
}

/* A C sample and its asyncio twin are one program: they compare, and
 * never_retrieved runs the same schedule in both (no mark). */
static void
test_render_compares_a_sample_and_its_twin (void)
{
  if (!vt_program ("BRAID_RENDER"))
    return;
  char *c = vt_record_sample ("never_retrieved", NULL);
  char *py = c ? vt_record_twin ("never_retrieved") : NULL;
  if (!py)
    return;
  char *png = g_build_filename (vt_tmpdir (), "twin.png", NULL);
  const char *args[] = { "--compare", c, py, "-o", png, NULL };
  g_assert_cmpint (vt_render (args, NULL), ==, 0);
  int height;
  g_assert_cmpuint (count_near_rows (png, 0xd91a1a, 0, 28, &height), ==, 0);
  g_free (png);
  g_free (c);
  g_free (py);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/viewer/render/draws-a-run-as-one-timeline",
                   test_render_draws_a_run_as_one_timeline);
  g_test_add_func ("/viewer/render/open-run-merges-checks-and-refuses",
                   test_open_run_merges_checks_and_refuses);
  g_test_add_func ("/viewer/render/compares-two-runs",
                   test_render_compares_two_runs);
  g_test_add_func ("/viewer/render/compares-a-sample-and-its-twin",
                   test_render_compares_a_sample_and_its_twin);
  return g_test_run ();
}
