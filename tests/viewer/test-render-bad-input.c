/* test-render-bad-input.c: braid-render refuses bad input with exit status
 * 2 and exactly one line on stderr, and never crashes, whatever the file;
 * a trace of a million lanes opens, renders and gets its overview.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "viewer-test-util.h"

static char *
scratch (const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (vt_tmpdir (), name, NULL);
  g_assert_true (g_file_set_contents (path, data, (gssize)len, NULL));
  return path;
}

static int
count_lines (const char *text)
{
  int n = 0;
  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

/* Renders @path and expects status 2 with one line naming the problem. */
static void
expect_refused (const char *path, const char *const *extra)
{
  char *png = g_build_filename (vt_tmpdir (), "bad.png", NULL);
  const char *argv[16] = { path, "-o", png };
  int n = 3;
  for (int i = 0; extra && extra[i]; i++)
    argv[n++] = extra[i];
  argv[n] = NULL;
  char *err = NULL;
  int status = vt_render (argv, &err);
  g_test_message ("%s -> %d: %s", path, status, err);
  g_assert_cmpint (status, ==, 2);
  g_assert_cmpint (count_lines (err), ==, 1);
  g_assert_true (g_str_has_prefix (err, "braid-render: "));
  g_free (err);
  g_free (png);
}

static void
test_missing_file_is_refused (void)
{
  if (!vt_program ("BRAID_RENDER"))
    return;
  char *path = g_build_filename (vt_tmpdir (), "no-such.db", NULL);
  expect_refused (path, NULL);
  g_free (path);
}

/* A file name with control characters (an escape sequence that would
 * clear the screen, a newline) is quoted with them escaped: one line, and
 * no raw control byte on the terminal. */
static void
test_control_bytes_in_a_name_are_escaped (void)
{
  if (!vt_program ("BRAID_RENDER"))
    return;
  char *path = g_build_filename (vt_tmpdir (), "no\033[2J\nsuch.db", NULL);
  char *png = g_build_filename (vt_tmpdir (), "bad.png", NULL);
  const char *argv[] = { path, "-o", png, NULL };
  char *err = NULL;
  int status = vt_render (argv, &err);
  g_test_message ("-> %d: %s", status, err);
  g_assert_cmpint (status, ==, 2);
  g_assert_cmpint (count_lines (err), ==, 1);
  g_assert_nonnull (strstr (err, "no\\x1b[2J\\nsuch.db"));
  for (const char *p = err; *p; p++)
    g_assert_true (*p == '\n' || (unsigned char)*p >= 0x20);
  g_free (err);
  g_free (png);
  g_free (path);
}

static void
test_text_file_is_refused (void)
{
  if (!vt_program ("BRAID_RENDER"))
    return;
  const char text[] = "this is not a trace\n";
  char *path = scratch ("text.db", text, sizeof text - 1);
  expect_refused (path, NULL);
  g_free (path);
}

static void
test_empty_file_is_refused (void)
{
  if (!vt_program ("BRAID_RENDER"))
    return;
  char *path = scratch ("empty.db", "", 0);
  expect_refused (path, NULL);
  g_free (path);
}

static void
test_sqlite_header_with_garbage_is_refused (void)
{
  if (!vt_program ("BRAID_RENDER"))
    return;
  char buf[8192];
  memset (buf, 0xa5, sizeof buf);
  memcpy (buf, "SQLite format 3", 16);
  char *path = scratch ("garbage.db", buf, sizeof buf);
  expect_refused (path, NULL);
  g_free (path);
}

/* A damaged real trace: the reader may or may not detect the damage
 * (pages it never reads), but braid-render must either draw or refuse
 * with one line; a crash fails. */
static void
check_damaged (const char *name, char *data, gsize len)
{
  char *path = scratch (name, data, len);
  char *png = g_build_filename (vt_tmpdir (), "damaged.png", NULL);
  const char *argv[] = { path, "-o", png, NULL };
  char *err = NULL;
  int status = vt_render (argv, &err);
  g_test_message ("%s -> %d: %s", name, status, err);
  g_assert_true (status == 0 || status == 2);
  if (status == 2)
    g_assert_cmpint (count_lines (err), ==, 1);
  g_free (err);
  g_free (png);
  g_free (path);
}

static void
test_truncated_and_corrupted_traces_never_crash (void)
{
  char *db = vt_record_sample ("print_numbers", NULL);
  if (!db)
    return;
  char *data;
  gsize len;
  g_assert_true (g_file_get_contents (db, &data, &len, NULL));
  g_assert_cmpuint (len, >, 4096);
  check_damaged ("half.db", data, len / 2);
  check_damaged ("first-page.db", data, 4096);
  /* Overwrite everything after the first page with a pattern. */
  char *bad = g_memdup2 (data, len);
  for (gsize i = 4096; i < len; i += 7)
    bad[i] ^= 0x5a;
  check_damaged ("corrupted.db", bad, len);
  g_free (bad);
  g_free (data);
  g_free (db);
}

static void
test_bad_arguments_are_refused (void)
{
  if (!vt_program ("BRAID_RENDER"))
    return;
  char *db = vt_record_sample ("print_numbers", NULL);
  if (!db)
    return;
  const char *bad_width[] = { "--width", "abc", NULL };
  expect_refused (db, bad_width);
  const char *bad_axis[] = { "--axis", "sideways", NULL };
  expect_refused (db, bad_axis);
  const char *bad_range[]
      = { "--axis", "steps", "--from", "5", "--to", "2", NULL };
  expect_refused (db, bad_range);
  const char *unknown[] = { "--colour", NULL };
  expect_refused (db, unknown);
  g_free (db);
}

/* A million tasks, each a lane: the model, the overview strip's image
 * and braid-render all cope (the image is capped in height, not the
 * process's memory or time). */
static void
test_a_million_lanes_open_and_render (void)
{
  const char *args[] = { "1000000", "1", NULL };
  char *db = vt_record_sample ("spawner", args);
  if (!db)
    return;
  braid_trace *trace = vt_open (db);
  braid_timeline_model *model = braid_timeline_model_new (trace);
  g_assert_nonnull (model);
  /* main and the million workers. */
  g_assert_cmpuint (braid_timeline_model_get_n_lanes (model), >, 1000000);
  braid_timeline_overview *ov
      = braid_timeline_overview_new (model, BRAID_TIMELINE_AXIS_STEPS, 512);
  g_assert_nonnull (ov);
  g_assert_true (braid_timeline_overview_is_current (
      ov, model, BRAID_TIMELINE_AXIS_STEPS));
  braid_timeline_overview_free (ov);
  braid_timeline_model_free (model);
  braid_trace_close (trace);
  if (vt_program ("BRAID_RENDER"))
    {
      char *png = g_build_filename (vt_tmpdir (), "million.png", NULL);
      const char *argv[] = { db, "-o", png, NULL };
      char *err = NULL;
      g_assert_cmpint (vt_render (argv, &err), ==, 0);
      g_free (err);
      cairo_surface_t *image = cairo_image_surface_create_from_png (png);
      g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
      g_assert_cmpint (cairo_image_surface_get_height (image), >, 1000);
      cairo_surface_destroy (image);
      g_free (png);
    }
  g_free (db);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/viewer/render/bad-input/missing-file-is-refused",
                   test_missing_file_is_refused);
  g_test_add_func (
      "/viewer/render/bad-input/control-bytes-in-a-name-are-escaped",
      test_control_bytes_in_a_name_are_escaped);
  g_test_add_func ("/viewer/render/bad-input/text-file-is-refused",
                   test_text_file_is_refused);
  g_test_add_func ("/viewer/render/bad-input/empty-file-is-refused",
                   test_empty_file_is_refused);
  g_test_add_func (
      "/viewer/render/bad-input/sqlite-header-with-garbage-is-refused",
      test_sqlite_header_with_garbage_is_refused);
  g_test_add_func (
      "/viewer/render/bad-input/truncated-and-corrupted-traces-never-crash",
      test_truncated_and_corrupted_traces_never_crash);
  g_test_add_func ("/viewer/render/bad-input/bad-arguments-are-refused",
                   test_bad_arguments_are_refused);
  g_test_add_func ("/viewer/render/bad-input/a-million-lanes-open-and-render",
                   test_a_million_lanes_open_and_render);
  return g_test_run ();
}
