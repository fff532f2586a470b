/* test-viewer-gui.c: the real braid-viewer, driven on an Xvfb server
 * the test starts itself (Xvfb -displayfd).
 *
 * Starts braid-viewer --self-test on a bad file then a recorded trace: the
 * window must show the error and then load the trace (the app stays
 * usable), select a task, switch to loop steps and open the problems list
 * through its actions, and write a snapshot of itself; started again
 * without a file, it must offer that trace as recent and show the About
 * dialog with the app's logo. The files of one run open as one timeline
 * given with --run, chosen together in the Open dialog (--via=dialog:
 * GTK's own dialog, driven as a user would) or dropped together as a
 * GdkFileList (--via=drop); files of different runs are refused in the
 * window. The test checks the script's report and the snapshots'
 * pixels, on an Xvfb server of its own.
 * Skipped (a TAP plan of 0) without Xvfb.
 */
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <braid/braid-version.h>

#include "viewer-test-util.h"

/* One X server for the whole program, started with -displayfd so that
 * Xvfb itself picks a free display number: `xvfb-run -a` guesses one from
 * lock files, and two started at once (parallel test runs, other programs
 * on the machine) can pick the same number and fail. */
static char *xvfb;
static GPid xvfb_pid;
static char *display;

/* Starts Xvfb; returns FALSE (with a message) when it cannot. */
static gboolean
xvfb_start (void)
{
  int fds[2];
  if (pipe (fds) != 0)
    return FALSE;
  /* Only the write end goes to Xvfb. */
  fcntl (fds[0], F_SETFD, FD_CLOEXEC);
  char *fd_arg = g_strdup_printf ("%d", fds[1]);
  const char *argv[] = { xvfb, "-displayfd", fd_arg, "-screen", "0",
                         "1280x800x24", "-nolisten", "tcp", NULL };
  GError *error = NULL;
  gboolean ok = g_spawn_async_with_fds (NULL, (char **)argv, NULL,
                                        G_SPAWN_DO_NOT_REAP_CHILD
                                            | G_SPAWN_LEAVE_DESCRIPTORS_OPEN
                                            | G_SPAWN_STDOUT_TO_DEV_NULL
                                            | G_SPAWN_STDERR_TO_DEV_NULL,
                                        NULL, NULL, &xvfb_pid, -1, -1, -1,
                                        &error);
  g_free (fd_arg);
  close (fds[1]);
  if (!ok)
    {
      printf ("# Xvfb did not start: %s\n", error->message);
      g_error_free (error);
      close (fds[0]);
      return FALSE;
    }
  /* Xvfb writes the display number, then a newline, once it accepts
   * connections; end of file means it died. */
  char buf[32] = { 0 };
  size_t len = 0;
  while (len < sizeof buf - 1)
    {
      ssize_t r = read (fds[0], buf + len, sizeof buf - 1 - len);
      if (r <= 0)
        break;
      len += (size_t)r;
      if (memchr (buf, '\n', len))
        break;
    }
  close (fds[0]);
  if (len == 0 || !g_ascii_isdigit (buf[0]))
    {
      printf ("# Xvfb exited before it was ready\n");
      return FALSE;
    }
  display = g_strdup_printf (":%d", atoi (buf));
  return TRUE;
}

static void
xvfb_stop (void)
{
  if (xvfb_pid > 0)
    {
      kill (xvfb_pid, SIGTERM);
      waitpid (xvfb_pid, NULL, 0);
      g_spawn_close_pid (xvfb_pid);
    }
}

/* The environment of the viewer under test: the test's Xvfb, no
 * accessibility bus, the cairo renderer, recent files of its own. */
static char **
viewer_environ (void)
{
  char **env = g_get_environ ();
  env = g_environ_setenv (env, "DISPLAY", display, TRUE);
  env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
  env = g_environ_setenv (env, "GTK_A11Y", "none", TRUE);
  env = g_environ_setenv (env, "NO_AT_BRIDGE", "1", TRUE);
  /* The cairo renderer needs no GL under Xvfb. */
  env = g_environ_setenv (env, "GSK_RENDERER", "cairo", TRUE);
  /* Keep the user's recent files out of the test. */
  env = g_environ_setenv (env, "XDG_DATA_HOME", vt_tmpdir (), TRUE);
  return env;
}

/* Runs the viewer's self-test on @files; returns the exit status and the
 * script's stdout. */
static int
run_viewer_with (const char *option, const char *png, const char *select,
                 const char *const *files, char **out)
{
  const char *viewer = vt_program ("BRAID_VIEWER");
  g_assert_nonnull (viewer);
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (viewer));
  if (option)
    g_ptr_array_add (argv, g_strdup (option));
  g_ptr_array_add (argv, g_strdup_printf ("--self-test=%s", png));
  if (select)
    g_ptr_array_add (argv, g_strdup_printf ("--select=%s", select));
  for (int i = 0; files[i]; i++)
    g_ptr_array_add (argv, g_strdup (files[i]));
  g_ptr_array_add (argv, NULL);
  char **env = viewer_environ ();
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

static int
run_viewer (const char *png, const char *select, const char *const *files,
            char **out)
{
  return run_viewer_with (NULL, png, select, files, out);
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
  return vt_count_near (png, colour, 0, G_MAXINT);
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
  /* The About dialog that app.about opens, and the app's icon: found in
   * the icon theme (from the resources: nothing is installed here) and
   * drawn as the dialog's logo. */
  g_assert_nonnull (strstr (out, "self-test: default icon org.braidtrace.Viewer"
                                 " (in the icon theme: yes)\n"));
  g_assert_nonnull (strstr (
      out, "self-test: about dialog shown: braid viewer " BRAID_VERSION_STRING
           ", logo org.braidtrace.Viewer (in the icon theme: yes), licence "
           "MIT, https://braidtrace.org/\n"));
  char *about_png = g_build_filename (vt_tmpdir (), "viewer-about.png", NULL);
  s = cairo_image_surface_create_from_png (about_png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  /* The logo's three strands: green, blue and orange. */
  g_assert_cmpuint (count_near (s, 0x33d17a), >=, 100);
  g_assert_cmpuint (count_near (s, 0x62a0ea), >=, 100);
  g_assert_cmpuint (count_near (s, 0xffa348), >=, 100);
  cairo_surface_destroy (s);
  g_free (about_png);
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

/* fetch_urls in the real window: it opens on loop steps (a virtual
 * clock), Ctrl+scroll's zoom keeps the point under the pointer, the
 * subtitle shows whole counts, clicking a gather arrow selects the parent
 * at its resumption and again the child, the details pane names the
 * waker, an output dot's tooltip shows the printed text, and searching
 * for that text lists the line, whose result selects the task that
 * wrote it. */
static void
test_viewer_navigates_arrows_and_search (void)
{
  char *db = vt_record_sample ("fetch_urls", NULL);
  if (!db)
    return;
  char *png = g_build_filename (vt_tmpdir (), "viewer-arrows.png", NULL);
  const char *files[] = { db, NULL };
  char *out = NULL;
  int status = run_viewer (png, "fetch_url2", files, &out);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, ", on the steps axis\n"));
  g_assert_nonnull (strstr (
      out, "self-test: zoom at the pointer: zoomed in, the value under it "
           "stayed\n"));
  /* Whole counts: the subtitle starts with them, the program's name (cut
   * if need be) comes last. */
  const char *sub = strstr (out, "self-test: subtitle ");
  g_assert_nonnull (sub);
  g_assert_true (g_ascii_isdigit (sub[strlen ("self-test: subtitle ")]));
  g_assert_nonnull (strstr (sub, " events · 7 tasks · "));
  g_assert_nonnull (
      strstr (out, "self-test: 116293785 events read 116,293,785\n"));
  g_assert_nonnull (strstr (out, "self-test: lane scrollbar hidden"));
  /* The gather arrow from a child to Task-1, clicked twice. */
  const char *click = strstr (out, "self-test: clicking the arrow from ");
  g_assert_nonnull (click);
  g_assert_nonnull (strstr (click, " to Task-1 selects Task-1 (its "
                                   "resumption: yes)\n"));
  g_assert_nonnull (strstr (out, "self-test: arrow tooltip: fetch_url"));
  g_assert_nonnull (strstr (out, " finished, waking (gather) Task-1"));
  /* The last child to finish woke the parent. */
  g_assert_nonnull (
      strstr (out, "self-test: details say woken by fetch_url1 finishing"));
  g_assert_nonnull (strstr (out, "self-test: clicking it again selects "
                                 "fetch_url"));
  g_assert_nonnull (strstr (out, "self-test: a loop wake: "));
  /* Task-1's events: woken from its gather by the last child, and from
   * its last sleep by its timer. */
  g_assert_nonnull (strstr (out, " after gather (gather) ← fetch_url1\n"));
  g_assert_nonnull (strstr (out, " after sleep ← its timer\n"));
  g_assert_nonnull (
      strstr (out, "self-test: hovering the arrow highlights it: yes\n"));
  g_assert_nonnull (strstr (out, "self-test: output dot tooltip: "));
  g_assert_nonnull (strstr (out, "|Content from https://"));
  g_assert_nonnull (strstr (out, "self-test: search 'Content from "));
  g_assert_nonnull (strstr (out, "(wrote it: yes)\n"));

  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  /* The gather arrows are drawn in their colour. */
  g_assert_cmpuint (count_near (s, vt_rgb_hex (braid_timeline_edge_color (
                                       BRAID_EDGE_GATHER, false))),
                    >=, 60);
  cairo_surface_destroy (s);
  g_free (out);
  g_free (png);
  g_free (db);
}

/* semaphore_bounded's whole run selected as a range on wall time: the
 * statistics pane adds up what the sample's source says (ten sleeps of
 * 50..500 ms, 2.75 s; seven semaphore waits of 50..600 ms, 1.95 s; the
 * 1.1 s gather), counts its 29 steps and 21 output lines, and lists the
 * task that waited longest first; a zero-width range says it is empty. */
static void
test_viewer_range_statistics (void)
{
  char *db = vt_record_sample ("semaphore_bounded", NULL);
  if (!db)
    return;
  char *png = g_build_filename (vt_tmpdir (), "viewer-range.png", NULL);
  const char *files[] = { db, NULL };
  char *out = NULL;
  int status = run_viewer (png, NULL, files, &out);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (
      strstr (out, "self-test: range| Range 0 ns – 1.1 s (1.1 s), steps "
                   "0–29\n"));
  g_assert_nonnull (strstr (out, "self-test: range| 11 of 11 tasks alive; "
                                 "29 steps, "));
  g_assert_nonnull (strstr (out, " arrows, 21 output lines\n"));
  g_assert_nonnull (strstr (out, "self-test: range|   waiting  5.8 s\n"));
  g_assert_nonnull (strstr (out, "self-test: range|   sleep      2.75 s\n"));
  g_assert_nonnull (
      strstr (out, "self-test: range|   semaphore  1.95 s\n"));
  g_assert_nonnull (strstr (out, "self-test: range|   gather     1.1 s\n"));
  g_assert_nonnull (strstr (out, "self-test: range|   output 21\n"));
  /* Nearest-rank percentiles of whole waits, as braid report --stats
   * gives them: sleeps of 50..500 ms, semaphore waits of 50..600 ms. */
  g_assert_nonnull (strstr (out, "self-test: range|   wait sleep        10 "
                                 "  250 ms   450 ms   500 ms   500 ms\n"));
  g_assert_nonnull (strstr (out, "self-test: range|   wait semaphore     7 "
                                 "  250 ms   600 ms   600 ms   600 ms\n"));
  g_assert_nonnull (strstr (out, "self-test: range|   steps             29 "));
  /* Sorted by waiting (nothing runs for long on the virtual clock):
   * main and the last operation waited 1.1 s. */
  const char *table = strstr (out, "self-test: range| Task ");
  g_assert_nonnull (table);
  g_assert_nonnull (strstr (table, "\nself-test: range| Task-1 "));
  g_assert_nonnull (strstr (out, "self-test: range| bounded_operation0 "
                                 "      0 ns     0 ns    50 ms\n"));
  g_assert_nonnull (strstr (out, "self-test: a zero-width range: The "
                                 "selected range is empty"));
  g_free (out);
  g_free (png);
  g_free (db);
}

/* A trace of 300 tasks has more lanes than the window shows: the lane
 * scrollbar appears, spans all lanes, and moving it scrolls them. */
static void
test_viewer_scrolls_many_lanes (void)
{
  const char *args[] = { "300", "2", NULL };
  char *db = vt_record_sample ("spawner", args);
  if (!db)
    return;
  char *png = g_build_filename (vt_tmpdir (), "viewer-lanes.png", NULL);
  const char *files[] = { db, NULL };
  char *out = NULL;
  int status = run_viewer (png, NULL, files, &out);
  g_assert_cmpint (status, ==, 0);
  /* 301 lanes (main and its 300 workers) of 22 px. */
  g_assert_nonnull (strstr (out, "self-test: loaded "));
  g_assert_nonnull (strstr (out, ", 301 lanes, "));
  g_assert_nonnull (
      strstr (out, "self-test: lane scrollbar shown, lanes 6622 px in a "));
  g_assert_nonnull (
      strstr (out, "self-test: the scrollbar scrolls the lanes: yes\n"));
  /* A click in the overview strip, at 80% of its width and 90% of its
   * height, moves the zoomed-in view there: across and down the lanes. */
  g_assert_nonnull (strstr (out, "% of the run (there), lanes scrolled "
                                 "down\n"));
  /* The strip is drawn under the lanes: its outline's colour. */
  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpuint (count_near (s, 0x1a4dcc), >=, 100);
  cairo_surface_destroy (s);
  g_free (out);
  g_free (png);
  g_free (db);
}

/* The report of the window showing vt_record_run_pair's two files as
 * one run: fetch_urls' 7 tasks and semaphore_bounded's 11, plus a lane
 * per process, a group per process headed by the program and its pid,
 * and both processes' output lines in the one window. */
static void
assert_shows_the_run_pair (const char *out)
{
  g_assert_nonnull (strstr (out, ", 20 lanes, "));
  g_assert_nonnull (strstr (out, "self-test: title fetch_urls.db and 1 "
                                 "more\n"));
  const char *g1 = strstr (out, "self-test: group 'fetch_urls [pid ");
  const char *g2 = strstr (out, "self-test: group 'semaphore_bounded [pid ");
  g_assert_nonnull (g1);
  g_assert_nonnull (g2);
  g_assert_nonnull (strstr (g1, "]': 7 tasks, from Task-1\n"));
  g_assert_nonnull (strstr (g2, "]': 11 tasks, from Task-1\n"));
  g_assert_nonnull (strstr (out, "self-test: output line "));
}

/* The report of the window refusing the files @a and @b together: the
 * reader's one line, naming both, in the visible error banner. */
static void
assert_refused_as_other_runs (const char *out, const char *a, const char *b)
{
  char *line = g_strdup_printf ("self-test: load failed, shown in the "
                                "window: %s and %s are traces of different "
                                "runs (banner visible)\n",
                                a, b);
  g_assert_nonnull (strstr (out, line));
  g_free (line);
}

/* Two samples traced as one run (one BRAID_TRACE_RUN, a file each) open
 * with --run as one timeline: a group of lanes per process, headed by
 * the program and its pid, each holding that process's tasks; a file of
 * another run given with them is refused with one line, in the window. */
static void
test_viewer_opens_a_run_as_one_timeline (void)
{
  char *a, *b;
  if (!vt_record_run_pair (&a, &b))
    return;
  char *other = vt_record_sample ("hello_world", NULL);
  char *png = g_build_filename (vt_tmpdir (), "viewer-run.png", NULL);
  const char *files[] = { a, b, NULL };
  char *out = NULL;
  int status = run_viewer_with ("--run", png, NULL, files, &out);
  g_assert_cmpint (status, ==, 0);
  assert_shows_the_run_pair (out);
  g_free (out);

  /* A file of another run among them: refused, in the window, the line
   * naming both files. */
  const char *mixed[] = { a, other, NULL };
  status = run_viewer_with ("--run", png, NULL, mixed, &out);
  g_assert_cmpint (status, ==, 1);
  assert_refused_as_other_runs (out, a, other);
  g_free (out);
  g_free (png);
  g_free (a);
  g_free (b);
  g_free (other);
}

/* A copy of the file @path in the folder @dir (made if need be): the
 * Open dialog is shown a folder that holds only the files to choose. */
static char *
copy_into (const char *dir, const char *path)
{
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  char *base = g_path_get_basename (path);
  char *copy = g_build_filename (dir, base, NULL);
  char *data = NULL;
  gsize len = 0;
  GError *error = NULL;
  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (copy, data, (gssize)len, &error);
  g_assert_no_error (error);
  g_free (data);
  g_free (base);
  return copy;
}

/* The Open dialog takes several files: the two files of one run, chosen
 * together in it (all the files of their folder selected, as Ctrl+A
 * does, then Open), open as one timeline in the window, as --run opens
 * them; two files of different runs chosen together are refused with
 * one line in the window. */
static void
test_viewer_open_dialog_opens_several_files_as_a_run (void)
{
  char *a, *b;
  if (!vt_record_run_pair (&a, &b))
    return;
  char *other = vt_record_sample ("hello_world", NULL);
  char *png = g_build_filename (vt_tmpdir (), "viewer-dialog.png", NULL);
  char *run_dir = g_build_filename (vt_tmpdir (), "dialog-run", NULL);
  char *ca = copy_into (run_dir, a), *cb = copy_into (run_dir, b);
  const char *files[] = { ca, cb, NULL };
  char *out = NULL;
  int status = run_viewer_with ("--via=dialog", png, NULL, files, &out);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "self-test: the Open dialog takes several "
                                 "files: yes; selected 2: fetch_urls.db, "
                                 "semaphore_bounded.db\n"));
  assert_shows_the_run_pair (out);
  g_free (out);

  char *mixed_dir = g_build_filename (vt_tmpdir (), "dialog-mixed", NULL);
  char *ma = copy_into (mixed_dir, a), *mo = copy_into (mixed_dir, other);
  const char *mixed[] = { ma, mo, NULL };
  status = run_viewer_with ("--via=dialog", png, NULL, mixed, &out);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (out, "selected 2: fetch_urls.db, "
                                 "hello_world.db\n"));
  assert_refused_as_other_runs (out, ma, mo);
  g_free (out);
  g_free (ma);
  g_free (mo);
  g_free (mixed_dir);
  g_free (ca);
  g_free (cb);
  g_free (run_dir);
  g_free (png);
  g_free (a);
  g_free (b);
  g_free (other);
}

/* A drop of several files (a GdkFileList, what a file manager drops) on
 * the window opens them as one run; the window's drop target takes file
 * lists. */
static void
test_viewer_drop_of_several_files_opens_a_run (void)
{
  char *a, *b;
  if (!vt_record_run_pair (&a, &b))
    return;
  char *png = g_build_filename (vt_tmpdir (), "viewer-drop.png", NULL);
  const char *files[] = { a, b, NULL };
  char *out = NULL;
  int status = run_viewer_with ("--via=drop", png, NULL, files, &out);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "self-test: the window takes file lists: "
                                 "yes; dropped 2 files: taken\n"));
  assert_shows_the_run_pair (out);
  g_free (out);
  g_free (png);
  g_free (a);
  g_free (b);
}

/* How many of the 5x5 pixels of @s around the point that the last
 * self-test line starting with @prefix gives (" at X,Y", in the window's
 * pixels; the last graph reported is the one left drawn) have @colour:
 * an arrow of the wait-for graph drawn there, a vertical stroke, covers
 * at least 5. */
static guint
arrow_pixels (cairo_surface_t *s, const char *out, const char *prefix,
              guint32 colour)
{
  const char *line = g_strrstr (out, prefix);
  g_assert_nonnull (line);
  const char *at = strstr (line, " at ");
  g_assert_nonnull (at);
  int x, y;
  g_assert_cmpint (sscanf (at, " at %d,%d", &x, &y), ==, 2);
  /* The 5x5 pixels copied out, to count them as a whole picture. */
  cairo_surface_t *box = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 5, 5);
  cairo_t *cr = cairo_create (box);
  cairo_set_source_surface (cr, s, -(x - 2), -(y - 2));
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_paint (cr);
  cairo_destroy (cr);
  guint n = vt_count_near (box, colour, 0, 5);
  cairo_surface_destroy (box);
  return n;
}

/* The wait-for graph under the pointer ("g") at a moment of the fair
 * run of tests/tracer/prim-program.c where the three workers wait on the
 * lock the main task holds: its edges in words, and an arrow of the
 * graph's colour from each worker's lane to the main task's, none in
 * the deadlock colour. */
static void
test_viewer_wait_graph_at_a_held_lock (void)
{
  const char *args[] = { "fair", NULL };
  char *db = vt_record_sample ("prim", args);
  if (!db)
    return;
  char *png = g_build_filename (vt_tmpdir (), "viewer-wait-graph.png", NULL);
  const char *files[] = { db, NULL };
  char *out = NULL;
  g_assert_cmpint (run_viewer (png, NULL, files, &out), ==, 0);
  /* Turned on through the window's action, as its menu item and "g". */
  g_assert_nonnull (strstr (out, "self-test: wait-for graph shown: yes\n"));
  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  guint32 colour = vt_rgb_hex (braid_timeline_wait_graph_color ());
  const char *const workers[] = { "w1", "w2", "w3" };
  for (int i = 0; i < 3; i++)
    {
      /* "w1 → lock 3 → Task-1", not in a cycle. */
      char *edge = g_strdup_printf ("| %s → lock ", workers[i]);
      g_assert_true (vt_has_line (out, "self-test: wait-for graph at step ",
                                  edge, " → Task-1"));
      g_free (edge);
      char *arrow = g_strdup_printf ("self-test: wait-for arrow %s → Task-1 "
                                     "at ",
                                     workers[i]);
      g_assert_cmpuint (arrow_pixels (s, out, arrow, colour), >=, 5);
      g_free (arrow);
    }
  g_assert_null (strstr (out, "(deadlock cycle)"));
  g_assert_cmpuint (
      count_near (s, vt_rgb_hex (braid_timeline_deadlock_color ())), ==, 0);
  cairo_surface_destroy (s);
  g_free (out);
  g_free (png);
  g_free (db);
}

/* The robbed run of tests/tracer/prim-program.c: getter is woken for an
 * item that thief takes first. The Details of getter's wait say the queue
 * is NOT FIFO, with one robbery, and name the robber. */
static void
test_viewer_names_a_robber (void)
{
  const char *args[] = { "robbed", NULL };
  char *db = vt_record_sample ("prim", args);
  if (!db)
    return;
  char *png = g_build_filename (vt_tmpdir (), "viewer-robbed.png", NULL);
  const char *files[] = { db, NULL };
  char *out = NULL;
  g_assert_cmpint (run_viewer (png, NULL, files, &out), ==, 0);
  g_assert_true (vt_has_line (out, "self-test: robbed details| Primitive  queue ",
                              ": NOT FIFO (1 overtaken, 1 robbed)", ""));
  g_assert_true (vt_has_line (out, "self-test: robbed details| Robbed  ",
                              "getter: its item went to thief at step ",
                              ", and it waited again"));
  g_free (out);
  g_free (png);
  g_free (db);
}

/* The deadlock_locks sample, two workers taking two locks in opposite
 * order: the window draws the cycle where it happens (the deadlock colour
 * over the lanes, the caption naming the tasks and the locks), and the
 * details of worker_a's wait give the lock's fairness, who held it, and
 * the cycle in the wait-for graph. */
static void
test_viewer_shows_a_deadlock_cycle (void)
{
  char *db = vt_record_sample ("deadlock_locks", NULL);
  if (!db)
    return;
  char *png = g_build_filename (vt_tmpdir (), "viewer-deadlock.png", NULL);
  const char *files[] = { db, NULL };
  char *out = NULL;
  g_assert_cmpint (run_viewer (png, "worker_a", files, &out), ==, 0);
  const char *drawn = strstr (out, "self-test: deadlock cycle drawn: "
                                   "worker_a → lock ");
  g_assert_nonnull (drawn);
  const char *eol = strchr (drawn, '\n');
  g_assert_nonnull (eol);
  char *line = g_strndup (drawn, (gsize)(eol - drawn));
  g_assert_nonnull (strstr (line, " → worker_b → lock "));
  g_assert_true (g_str_has_suffix (line, " → worker_a"));
  g_free (line);
  g_assert_nonnull (strstr (out, "self-test: details| Primitive  lock "));
  g_assert_nonnull (strstr (out, " held by worker_b\n"));
  g_assert_nonnull (strstr (out, "→ worker_b  (deadlock cycle)\n"));
  g_assert_nonnull (strstr (out, "→ worker_a  (deadlock cycle)\n"));
  /* The reporter waits on the event outside the cycle: no arrow, and no
   * holder. */
  g_assert_true (vt_has_line (out, "self-test: wait-for graph at step ",
                              "| reporter → event ", " → (nobody)"));
  /* Hovering worker_a's wait names its holder. */
  const char *tip = strstr (out, "self-test: wait tooltip: worker_a|waiting "
                                 "on lock");
  g_assert_nonnull (tip);
  eol = strchr (tip, '\n');
  g_assert_nonnull (eol);
  char *tip_line = g_strndup (tip, (gsize)(eol - tip));
  g_assert_true (g_str_has_suffix (tip_line, " held by worker_b"));
  g_free (tip_line);
  /* The wait-for graph under the pointer at the deadlock: the cycle, in
   * words and as two arrows in the deadlock colour. */
  g_assert_true (vt_has_line (out, "self-test: wait-for graph at step ",
                              "| worker_a → lock ",
                              " → worker_b  (deadlock cycle)"));
  g_assert_true (vt_has_line (out, "self-test: wait-for graph at step ",
                              "| worker_b → lock ",
                              " → worker_a  (deadlock cycle)"));

  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpuint (
      count_near (s, vt_rgb_hex (braid_timeline_deadlock_color ())), >=, 150);
  guint32 red = vt_rgb_hex (braid_timeline_deadlock_color ());
  g_assert_cmpuint (
      arrow_pixels (s, out, "self-test: wait-for arrow worker_a → worker_b "
                            "at ",
                    red),
      >=, 5);
  g_assert_cmpuint (
      arrow_pixels (s, out, "self-test: wait-for arrow worker_b → worker_a "
                            "at ",
                    red),
      >=, 5);
  cairo_surface_destroy (s);
  g_free (out);
  g_free (png);
  g_free (db);
}

/* A click on an empty point of a lane (in semaphore_bounded, a lane
 * whose task has ended while others wait on the semaphore) selects that
 * task and that instant: the details pane shows the instant and the
 * wait-for graph then, line for line in the timeline model's words
 * (braid_timeline_model_wait_graph_text, which the pane calls), and the
 * timeline draws the graph at the instant, its arrows in the graph's
 * colour (the window written once it has drawn the click). */
static void
test_viewer_empty_point_shows_the_wait_graph (void)
{
  char *db = vt_record_sample ("semaphore_bounded", NULL);
  if (!db)
    return;
  char *png = g_build_filename (vt_tmpdir (), "viewer-empty-point.png", NULL);
  const char *files[] = { db, NULL };
  char *out = NULL;
  g_assert_cmpint (run_viewer (png, NULL, files, &out), ==, 0);
  const char *clicked = strstr (out, "self-test: empty point of ");
  g_assert_nonnull (clicked);
  char task[64], selected[64];
  unsigned long long step;
  long long slice, instant;
  g_assert_cmpint (sscanf (clicked,
                           "self-test: empty point of %63[^']'s lane at "
                           "step %llu selects %63[^,], slice %lld, instant "
                           "%lld",
                           task, &step, selected, &slice, &instant),
                   ==, 5);
  g_assert_cmpstr (selected, ==, task);
  g_assert_cmpint (slice, ==, -1);
  g_assert_cmpint (instant, ==, (long long)step);

  /* Tasks wait then, some on a task holding the semaphore. */
  braid_trace *trace = vt_open (db);
  braid_trace_wait_edge *e = NULL;
  size_t n = 0, held = 0;
  g_assert_cmpint (braid_trace_wait_graph (trace, step, &e, &n), ==, 0);
  for (size_t i = 0; i < n; i++)
    held += e[i].holder >= 0;
  free (e);
  g_assert_cmpuint (held, >, 0);
  /* The details pane: the instant, then the graph as the model words it
   * (the first 20 edges, the rest counted). */
  char *at = g_strdup_printf ("self-test: instant details| Selected  the "
                              "instant of step %llu (",
                              step);
  g_assert_nonnull (strstr (out, at));
  g_free (at);
  braid_timeline_model *model = braid_timeline_model_new (trace);
  char *text = braid_timeline_model_wait_graph_text (model, step);
  g_assert_nonnull (text);
  char **edges = g_strsplit (text, "\n", -1);
  GString *want = g_string_new (NULL);
  g_string_append_printf (want, "self-test: instant details| Wait-for graph "
                                "at step %llu\n",
                          step);
  guint k = 0;
  for (; edges[k] && *edges[k]; k++)
    if (k < 20)
      g_string_append_printf (want, "self-test: instant details|   %s\n",
                              edges[k]);
  g_assert_cmpuint (k, ==, n);
  if (k > 20)
    g_string_append_printf (want, "self-test: instant details|   … and %u "
                                  "more\n",
                            k - 20);
  if (!strstr (out, want->str))
    g_test_message ("wants:\n%s", want->str);
  g_assert_nonnull (strstr (out, want->str));
  g_string_free (want, TRUE);
  g_strfreev (edges);
  g_free (text);
  braid_timeline_model_free (model);
  braid_trace_close (trace);

  /* The graph drawn at the instant: an arrow of its colour where the
   * first is said to be. */
  char *instant_png = g_build_filename (vt_tmpdir (),
                                        "viewer-empty-point-instant.png",
                                        NULL);
  cairo_surface_t *s = cairo_image_surface_create_from_png (instant_png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpuint (
      arrow_pixels (s, out, "self-test: instant arrow ",
                    vt_rgb_hex (braid_timeline_wait_graph_color ())),
      >=, 5);
  cairo_surface_destroy (s);
  g_free (instant_png);
  g_free (out);
  g_free (png);
  g_free (db);
}

/* A live trace: `braid run -o FILE -- live-program SECONDS` started in
 * the background (its pid in *@braid_pid), once its trace says it runs.
 * Returns FILE (g_free), or NULL (the test is skipped) without the
 * program. */
static char *
start_live_program (const char *seconds, GPid *braid_pid,
                    braid_trace_writer_status *st)
{
  const char *braid = g_getenv ("BRAID_EXE");
  const char *program = g_getenv ("LIVE_PROGRAM");
  if (!braid || !program)
    {
      g_test_skip ("BRAID_EXE or LIVE_PROGRAM is not set");
      return NULL;
    }
  char *path = g_build_filename (vt_tmpdir (), "live.braid", NULL);
  const char *argv[] = { braid, "run", "-o", path, "--", program, seconds,
                         NULL };
  GError *error = NULL;
  g_assert_true (g_spawn_async (NULL, (char **)argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD
                                    | G_SPAWN_STDOUT_TO_DEV_NULL,
                                NULL, NULL, braid_pid, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 2000; i++)
    {
      if (braid_trace_probe (path, st, NULL) == 0
          && st->liveness == BRAID_LIVENESS_RUNNING && st->n_batches > 0)
        return path;
      g_usleep (10000);
    }
  g_error ("%s never showed a running recording", path);
}

/* Starts braid-viewer following @path, with its live script
 * (BRAID_VIEWER_LIVE_TEST): it quits by itself when the follow ends.
 * Its stdout goes to the pipe in *@out_fd. */
static GPid
start_live_viewer (const char *path, int *out_fd)
{
  const char *argv[] = { vt_program ("BRAID_VIEWER"), path, NULL };
  char **env = viewer_environ ();
  env = g_environ_setenv (env, "BRAID_VIEWER_LIVE_TEST", "1", TRUE);
  GPid pid = 0;
  GError *error = NULL;
  g_assert_true (g_spawn_async_with_pipes (
      NULL, (char **)argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
      NULL, out_fd, NULL, &error));
  g_assert_no_error (error);
  g_strfreev (env);
  return pid;
}

/* Reads the viewer's stdout @fd into @out until it holds @needle (or
 * the viewer closed it, or 30 s passed). */
static void
read_until (int fd, GString *out, const char *needle)
{
  gint64 until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!strstr (out->str, needle) && g_get_monotonic_time () < until)
    {
      struct pollfd p = { fd, POLLIN, 0 };
      if (poll (&p, 1, 100) <= 0)
        continue;
      char buf[4096];
      ssize_t n = read (fd, buf, sizeof buf);
      if (n <= 0)
        return;
      g_string_append_len (out, buf, n);
    }
}

/* Reads the viewer's stdout to its end after what @out holds (NULL:
 * nothing yet) and waits for it; returns all it printed. */
static char *
finish_live_viewer (GPid pid, int fd, GString *out)
{
  if (!out)
    out = g_string_new (NULL);
  char buf[4096];
  ssize_t n;
  while ((n = read (fd, buf, sizeof buf)) > 0)
    g_string_append_len (out, buf, n);
  close (fd);
  int status = 0;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_test_message ("viewer stdout:\n%s", out->str);
  g_assert_true (WIFEXITED (status));
  return g_string_free (out, FALSE);
}

/* Checks that the viewer's script @out ended @how, showing every event
 * of the trace at @path. */
static void
assert_live_ended (const char *out, const char *path, const char *how)
{
  braid_trace *trace = vt_open (path);
  char *end = g_strdup_printf ("live-test: ended: %s, %" G_GUINT64_FORMAT
                               " events\n",
                               how, braid_trace_get_meta (trace)->n_events);
  g_assert_nonnull (strstr (out, end));
  g_free (end);
  braid_trace_close (trace);
}

/* The viewer follows a program's trace while it runs: events appear
 * within a second of being written (an update at least every second,
 * each a fraction of a second behind the program), the view that was at
 * the end scrolls with the run and one moved away from it stays, and
 * the live indicator goes away when the program ends, with every event
 * of the finished file shown. */
static void
test_viewer_follows_a_live_trace (void)
{
  GPid braid = 0;
  braid_trace_writer_status st;
  char *path = start_live_program ("3", &braid, &st);
  if (!path)
    return;
  int fd = -1;
  GPid viewer = start_live_viewer (path, &fd);
  char *out = finish_live_viewer (viewer, fd, NULL);
  int status = 0;
  g_assert_cmpint (waitpid (braid, &status, 0), ==, braid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (out, "live-test: following "));
  g_assert_nonnull (strstr (out, ", indicator '● live'\n"));
  /* Updates with growing counts of events, while the program runs. */
  guint updates = 0;
  guint64 last = 0;
  char **lines = g_strsplit (out, "\n", -1);
  for (char **l = lines; *l; l++)
    {
      gint64 after = 0, lag = 0;
      guint64 events = 0;
      guint n = 0;
      size_t outputs = 0;
      if (sscanf (*l,
                  "live-test: update %u after %" G_GINT64_FORMAT
                  " ms, %" G_GUINT64_FORMAT " events, %zu outputs, lag %"
                  G_GINT64_FORMAT " ms",
                  &n, &after, &events, &outputs, &lag)
              != 5
          || !strstr (*l, "'● live'"))
        continue;
      g_assert_cmpuint (events, >=, last);
      g_assert_cmpint (after, <=, 1000);
      g_assert_cmpint (lag, <, 1000);
      last = events;
      updates++;
    }
  g_strfreev (lines);
  g_assert_cmpuint (updates, >=, 7);
  g_assert_nonnull (
      strstr (out, "live-test: at the end, the view follows it: yes\n"));
  g_assert_nonnull (strstr (
      out, "live-test: away from the end, the view kept its place: yes\n"));
  assert_live_ended (out, path, "program ended (indicator '')");
  g_free (out);
  g_free (path);
}

/* A program killed with -9 while the viewer follows it: the indicator
 * stops and says the writer died, with every committed event shown. */
static void
test_viewer_live_writer_killed (void)
{
  GPid braid = 0;
  braid_trace_writer_status st;
  char *path = start_live_program ("60", &braid, &st);
  if (!path)
    return;
  int fd = -1;
  GPid viewer = start_live_viewer (path, &fd);
  /* Killed once the viewer follows it and has shown two updates. */
  GString *seen = g_string_new (NULL);
  read_until (fd, seen, "live-test: update 1 ");
  g_assert_cmpint (kill ((pid_t)st.pid, SIGKILL), ==, 0);
  int status = 0;
  g_assert_cmpint (waitpid (braid, &status, 0), ==, braid);
  char *out = finish_live_viewer (viewer, fd, seen);
  g_assert_nonnull (strstr (out, ", indicator '● live'\n"));
  assert_live_ended (out, path, "writer died (indicator 'writer died')");
  g_free (out);
  g_free (path);
}

/* diff-program traced plainly and with worker b sleeping after round 1,
 * opened with --compare: side by side on loop steps as braid diff pairs
 * them, the first marked step is the one braid diff names (b's step in
 * the 3rd iteration, lined up in A and B), and the marks are drawn in
 * the ruler; a trace of another program beside it is refused in the
 * window. */
static void
test_viewer_compares_two_runs (void)
{
  char *plain, *changed;
  if (!vt_record_diff_pair (&plain, &changed))
    return;
  char *png = g_build_filename (vt_tmpdir (), "viewer-compare.png", NULL);
  const char *files[] = { plain, changed, NULL };
  char *out = NULL;
  int status = run_viewer_with ("--compare", png, NULL, files, &out);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, ", on the steps axis\n"));
  g_assert_nonnull (strstr (out, "self-test: group 'A: diff-program [pid "));
  g_assert_nonnull (strstr (out, "self-test: group 'B: diff-program [pid "));
  g_assert_nonnull (strstr (out, " steps differ, the first at step 2 of the "
                                 "3rd iteration: the step ends "
                                 "differently, "));
  g_assert_nonnull (strstr (out, "self-test: marked step 5 runs A:b B:b\n"));
  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  /* The marks' ticks in the ruler, solid red. */
  g_assert_cmpuint (count_near (s, 0xd91a1a), >=, 60);
  cairo_surface_destroy (s);
  g_free (out);

  char *other = vt_record_sample ("hello_world", NULL);
  const char *mixed[] = { plain, other, NULL };
  status = run_viewer_with ("--compare", png, NULL, mixed, &out);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (out, "self-test: load failed, shown in the "
                                 "window: diffprog-plain.db (diff-program) and "
                                 "hello_world.db (hello_world) are traces "
                                 "of different programs: their steps "
                                 "cannot be lined up (banner visible)\n"));
  g_free (out);
  g_free (png);
  g_free (plain);
  g_free (changed);
  g_free (other);
}

/* `braid run --view` opens the viewer on the trace as the program
 * starts: it follows it (the program's first events are there when it
 * opens, far fewer than at the end) until the program ends. */
static void
test_braid_run_view_follows_the_program (void)
{
  const char *braid = g_getenv ("BRAID_EXE");
  const char *program = g_getenv ("LIVE_PROGRAM");
  if (!braid || !program)
    {
      g_test_skip ("BRAID_EXE or LIVE_PROGRAM is not set");
      return;
    }
  char *path = g_build_filename (vt_tmpdir (), "run-view.braid", NULL);
  const char *argv[] = { braid, "run", "--view", "-o", path, "--", program,
                         "4", NULL };
  char **env = viewer_environ ();
  env = g_environ_setenv (env, "BRAID_VIEWER_LIVE_TEST", "1", TRUE);
  char *out = NULL, *err = NULL;
  int status = -1;
  GError *error = NULL;
  /* The viewer shares braid's stdout: reading to its end waits for it. */
  g_assert_true (g_spawn_sync (NULL, (char **)argv, env, G_SPAWN_DEFAULT,
                               NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("stdout:\n%s\nstderr:\n%s", out, err);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (out, "live-program done\n"));
  guint64 first = 0, last = 0;
  const char *f = strstr (out, "live-test: following ");
  g_assert_nonnull (f);
  first = g_ascii_strtoull (f + strlen ("live-test: following "), NULL, 10);
  const char *e = strstr (out, "live-test: ended: program ended "
                               "(indicator ''), ");
  g_assert_nonnull (e);
  last = g_ascii_strtoull (strrchr (e, ',') + 2, NULL, 10);
  g_assert_cmpuint (first, <, last / 4 * 3);
  g_strfreev (env);
  g_free (out);
  g_free (err);
  g_free (path);
}

int
main (int argc, char **argv)
{
  xvfb = g_find_program_in_path ("Xvfb");
  if (!xvfb || !g_getenv ("BRAID_VIEWER"))
    {
      /* The whole program is skipped: a TAP plan of 0 with a reason. */
      printf ("1..0 # SKIP %s\n", xvfb ? "braid-viewer was not built"
                                       : "Xvfb is not installed");
      return 0;
    }
  if (!xvfb_start ())
    {
      printf ("Bail out! Xvfb could not be started\n");
      return 1;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/viewer/gui/survives-a-bad-file-then-shows-a-trace",
                   test_viewer_survives_a_bad_file_then_shows_a_trace);
  g_test_add_func ("/viewer/gui/shows-the-error-of-a-bad-file",
                   test_viewer_shows_the_error_of_a_bad_file);
  g_test_add_func ("/viewer/gui/navigates-arrows-and-search",
                   test_viewer_navigates_arrows_and_search);
  g_test_add_func ("/viewer/gui/range-statistics",
                   test_viewer_range_statistics);
  g_test_add_func ("/viewer/gui/scrolls-many-lanes",
                   test_viewer_scrolls_many_lanes);
  g_test_add_func ("/viewer/gui/wait-graph-at-a-held-lock",
                   test_viewer_wait_graph_at_a_held_lock);
  g_test_add_func ("/viewer/gui/names-a-robber", test_viewer_names_a_robber);
  g_test_add_func ("/viewer/gui/shows-a-deadlock-cycle",
                   test_viewer_shows_a_deadlock_cycle);
  g_test_add_func ("/viewer/gui/empty-point-shows-the-wait-graph",
                   test_viewer_empty_point_shows_the_wait_graph);
  g_test_add_func ("/viewer/gui/opens-a-run-as-one-timeline",
                   test_viewer_opens_a_run_as_one_timeline);
  g_test_add_func ("/viewer/gui/open-dialog-opens-several-files-as-a-run",
                   test_viewer_open_dialog_opens_several_files_as_a_run);
  g_test_add_func ("/viewer/gui/drop-of-several-files-opens-a-run",
                   test_viewer_drop_of_several_files_opens_a_run);
  g_test_add_func ("/viewer/gui/compares-two-runs",
                   test_viewer_compares_two_runs);
  g_test_add_func ("/viewer/gui/follows-a-live-trace",
                   test_viewer_follows_a_live_trace);
  g_test_add_func ("/viewer/gui/live-writer-killed",
                   test_viewer_live_writer_killed);
  g_test_add_func ("/viewer/gui/braid-run-view-follows-the-program",
                   test_braid_run_view_follows_the_program);
  int rc = g_test_run ();
  xvfb_stop ();
  return rc;
}
