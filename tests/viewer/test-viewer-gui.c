/* test-viewer-gui.c: the real braid-viewer, driven under xvfb-run.
 *
 * Starts braid-viewer --self-test on a bad file then a recorded trace: the
 * window must show the error and then load the trace (the app stays
 * usable), select a task, switch to loop steps and open the problems list
 * through its actions, and write a snapshot of itself. The test checks the
 * script's report and the snapshot's pixels. Skipped (exit 77) without
 * xvfb-run.
 */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "viewer-test-util.h"

static char *xvfb;

/* Runs the viewer's self-test on @files; returns the exit status and the
 * script's stdout. */
static int
run_viewer (const char *png, const char *select, const char *const *files,
            char **out)
{
  const char *viewer = vt_program ("BRAID_VIEWER");
  g_assert_nonnull (viewer);
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (xvfb));
  g_ptr_array_add (argv, g_strdup ("-a"));
  g_ptr_array_add (argv, g_strdup (viewer));
  g_ptr_array_add (argv, g_strdup_printf ("--self-test=%s", png));
  if (select)
    g_ptr_array_add (argv, g_strdup_printf ("--select=%s", select));
  for (int i = 0; files[i]; i++)
    g_ptr_array_add (argv, g_strdup (files[i]));
  g_ptr_array_add (argv, NULL);
  char **env = g_get_environ ();
  env = g_environ_setenv (env, "GTK_A11Y", "none", TRUE);
  env = g_environ_setenv (env, "NO_AT_BRIDGE", "1", TRUE);
  /* The cairo renderer needs no GL under Xvfb. */
  env = g_environ_setenv (env, "GSK_RENDERER", "cairo", TRUE);
  /* Keep the user's recent files out of the test. */
  env = g_environ_setenv (env, "XDG_DATA_HOME", vt_tmpdir (), TRUE);
  int status = -1;
  char *err = NULL;
  GError *error = NULL;
  g_spawn_sync (NULL, (char **)argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                out, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("stdout:\n%s\nstderr:\n%s", *out, err);
  g_free (err);
  g_strfreev (env);
  g_ptr_array_free (argv, TRUE);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static guint
count_colour (cairo_surface_t *png, guint32 colour)
{
  guint n = 0;
  int w = cairo_image_surface_get_width (png);
  int h = cairo_image_surface_get_height (png);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      n += vt_pixel (png, x, y) == colour;
  return n;
}

/* Pixels within 2 of @colour per channel: the GTK renderer may round a
 * fractional colour differently from cairo's image backend. */
static guint
count_near (cairo_surface_t *png, guint32 colour)
{
  guint n = 0;
  int w = cairo_image_surface_get_width (png);
  int h = cairo_image_surface_get_height (png);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = vt_pixel (png, x, y);
        gboolean near = TRUE;
        for (int shift = 0; shift < 24; shift += 8)
          near = near
                 && ABS ((int)(p >> shift & 0xff)
                         - (int)(colour >> shift & 0xff))
                        <= 2;
        n += near;
      }
  return n;
}

static guint
count_distinct (cairo_surface_t *png)
{
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  int w = cairo_image_surface_get_width (png);
  int h = cairo_image_surface_get_height (png);
  for (int y = 0; y < h; y += 2)
    for (int x = 0; x < w; x += 2)
      g_hash_table_add (seen, GUINT_TO_POINTER (vt_pixel (png, x, y) + 1));
  guint n = g_hash_table_size (seen);
  g_hash_table_destroy (seen);
  return n;
}

static void
test_viewer_survives_a_bad_file_then_shows_a_trace (void)
{
  char *db = vt_record_sample ("never_retrieved", NULL);
  if (!db)
    return;
  braid_trace *trace = vt_open (db);
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n);
  g_assert_cmpuint (n, >=, 2);
  /* Select the never-retrieved task by name. */
  size_t n_problems;
  const braid_trace_problem *problems
      = braid_trace_get_problems (trace, &n_problems);
  g_assert_cmpuint (n_problems, >=, 1);
  g_assert_cmpint (problems[0].task, >=, 0);
  char *select = g_strdup (tasks[problems[0].task].name);
  braid_trace_close (trace);

  char *bad = g_build_filename (vt_tmpdir (), "not-a-trace.db", NULL);
  g_assert_true (g_file_set_contents (bad, "hello\n", -1, NULL));
  char *png = g_build_filename (vt_tmpdir (), "viewer.png", NULL);
  const char *files[] = { bad, db, NULL };
  char *out = NULL;
  int status = run_viewer (png, select, files, &out);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "load failed, shown in the window"));
  g_assert_nonnull (strstr (out, "(banner visible)"));
  g_assert_nonnull (strstr (out, "self-test: loaded"));
  char *sel_line = g_strdup_printf ("self-test: selected task %s\n", select);
  g_assert_nonnull (strstr (out, sel_line));
  g_assert_nonnull (strstr (out, "self-test: axis steps"));
  g_assert_nonnull (strstr (out, "self-test: showing Problems ("));
  g_assert_nonnull (
      strstr (out, "self-test: zoom in ok, out ok, to selection ok, fit ok\n"));
  char *filter_line
      = g_strdup_printf ("self-test: filter '%s' leaves 2 lanes\n", select);
  /* The task and its parent, for context. */
  g_assert_nonnull (strstr (out, filter_line));
  g_free (filter_line);
  g_assert_nonnull (strstr (out, "(wrote it: yes)"));
  g_assert_nonnull (strstr (out, "(its task: yes)"));
  g_assert_nonnull (strstr (out, "self-test: shortcuts window yes\n"));

  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (s), >=, 600);
  /* Not blank: the header, lanes, legend and panes make many colours. */
  g_assert_cmpuint (count_distinct (s), >=, 30);
  guint running = count_colour (
      s, vt_rgb_hex (braid_timeline_state_color (BRAID_STATE_RUNNING, 0)));
  g_assert_cmpuint (running, >=, 200);
  /* The selected lane is highlighted. */
  g_assert_cmpuint (count_near (s, 0xdbebfc), >=, 200);
  /* The never-retrieved mark is on screen. */
  g_assert_cmpuint (count_colour (s, vt_rgb_hex (braid_timeline_mark_color (
                                         BRAID_MARK_NEVER_RETRIEVED))),
                    >=, 10);
  cairo_surface_destroy (s);
  g_free (sel_line);
  g_free (out);

  /* Started again without a file, it offers that trace as recent. */
  const char *none[] = { NULL };
  status = run_viewer (png, NULL, none, &out);
  g_assert_cmpint (status, ==, 1); /* no trace shown */
  g_assert_nonnull (strstr (out, "self-test: empty page with 1 recent traces"));
  g_free (out);
  g_free (png);
  g_free (bad);
  g_free (select);
  g_free (db);
}

static void
test_viewer_shows_the_error_of_a_bad_file (void)
{
  char *bad = g_build_filename (vt_tmpdir (), "garbage.db", NULL);
  char buf[4096];
  memset (buf, 0x42, sizeof buf);
  memcpy (buf, "SQLite format 3", 16);
  g_assert_true (g_file_set_contents (bad, buf, sizeof buf, NULL));
  char *png = g_build_filename (vt_tmpdir (), "viewer-error.png", NULL);
  const char *files[] = { bad, NULL };
  char *out = NULL;
  int status = run_viewer (png, NULL, files, &out);
  /* No trace at the end: status 1, but no crash and a snapshot. */
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (out, "(banner visible)"));
  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  /* The red error banner is drawn. */
  g_assert_cmpuint (count_colour (s, 0xe01b24), >=, 1000);
  cairo_surface_destroy (s);
  g_free (out);
  g_free (png);
  g_free (bad);
}

int
main (int argc, char **argv)
{
  xvfb = g_find_program_in_path ("xvfb-run");
  if (!xvfb || !g_getenv ("BRAID_VIEWER"))
    {
      /* The whole program is skipped: say so in TAP, and exit 77. */
      printf ("1..0 # SKIP %s\n", xvfb ? "braid-viewer was not built"
                                       : "xvfb-run is not installed");
      return 77;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/viewer/gui/survives-a-bad-file-then-shows-a-trace",
                   test_viewer_survives_a_bad_file_then_shows_a_trace);
  g_test_add_func ("/viewer/gui/shows-the-error-of-a-bad-file",
                   test_viewer_shows_the_error_of_a_bad_file);
  return g_test_run ();
}
