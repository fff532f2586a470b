/* viewer-test-util.c: see viewer-test-util.h. Records traces by running
 * the real samples under tracing (BRAID_TRACE, BRAID_CLOCK=virtual), so
 * the pixel tests check what users will see, not hand-made data.
 */
#include "viewer-test-util.h"

#include <glib/gstdio.h>
#include <sys/wait.h>
#include <stdlib.h>

static char *tmpdir;

static void
remove_tmpdir (void)
{
  if (!tmpdir)
    return;
  GDir *dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      char *p = g_build_filename (tmpdir, name, NULL);
      g_unlink (p);
      g_free (p);
    }
  if (dir)
    g_dir_close (dir);
  g_rmdir (tmpdir);
}

const char *
vt_tmpdir (void)
{
  if (!tmpdir)
    {
      tmpdir = g_dir_make_tmp ("braid-viewer-test-XXXXXX", NULL);
      g_assert_nonnull (tmpdir);
      if (!g_getenv ("BRAID_TEST_KEEP"))
        atexit (remove_tmpdir);
    }
  return tmpdir;
}

const char *
vt_program (const char *var)
{
  const char *p = g_getenv (var);
  if (!p || !*p)
    {
      g_test_skip_printf ("%s is not set (run through meson test)", var);
      return NULL;
    }
  return p;
}

/* Runs @argv (NULL-terminated) with BRAID_TRACE naming a new trace
 * @db_name in the scratch directory, BRAID_CLOCK=virtual and, when not
 * NULL, PYTHONPATH=@pythonpath; fails the test unless it exits 0.
 * Returns the trace's path (g_free). */
static char *
record_run (const char *const *argv, const char *db_name,
            const char *pythonpath)
{
  char *db = g_strdup_printf ("%s/%s", vt_tmpdir (), db_name);
  g_unlink (db);
  char **env = g_get_environ ();
  env = g_environ_setenv (env, "BRAID_TRACE", db, TRUE);
  env = g_environ_setenv (env, "BRAID_CLOCK", "virtual", TRUE);
  if (pythonpath)
    env = g_environ_setenv (env, "PYTHONPATH", pythonpath, TRUE);
  int status = -1;
  GError *error = NULL;
  gboolean ok
      = g_spawn_sync (NULL, (char **)argv, env,
                      G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  /* Every sample and twin exits 0 (tests/samples checks it too): a trace
   * left by a program that failed or crashed is not the one the test
   * expects. */
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
  g_strfreev (env);
  return db;
}

char *
vt_record_sample (const char *name, const char *const *args)
{
  char *var = g_strdup_printf ("BRAID_SAMPLE_%s", name);
  const char *exe = vt_program (var);
  g_free (var);
  if (!exe)
    return NULL;
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *)exe);
  for (int i = 0; args && args[i]; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);
  char *db_name = g_strdup_printf ("%s.db", name);
  char *db = record_run ((const char *const *)argv->pdata, db_name, NULL);
  g_free (db_name);
  g_ptr_array_free (argv, TRUE);
  return db;
}

char *
vt_record_twin (const char *name)
{
  char *var = g_strdup_printf ("BRAID_TWIN_%s", name);
  const char *twin = vt_program (var);
  g_free (var);
  const char *python = twin ? vt_program ("BRAID_PYTHON") : NULL;
  const char *pythonpath = python ? vt_program ("BRAID_PYTHONPATH") : NULL;
  if (!pythonpath)
    return NULL;
  const char *argv[] = { python, "-m", "braid", twin, NULL };
  char *db_name = g_strdup_printf ("%s-python.braid", name);
  char *db = record_run (argv, db_name, pythonpath);
  g_free (db_name);
  return db;
}

gboolean
vt_record_diff_pair (char **plain, char **changed)
{
  *plain = *changed = NULL;
  char *first = vt_record_sample ("diffprog", NULL);
  if (!first)
    return FALSE;
  /* Each recording of a program goes to the same name: keep the first. */
  *plain = g_build_filename (vt_tmpdir (), "diffprog-plain.db", NULL);
  g_assert_cmpint (g_rename (first, *plain), ==, 0);
  g_free (first);
  const char *args[] = { "sleep-at=1", NULL };
  *changed = vt_record_sample ("diffprog", args);
  return *changed != NULL;
}

gboolean
vt_record_run_pair (char **a, char **b)
{
  g_setenv ("BRAID_TRACE_RUN", "viewer-test-run", TRUE);
  *a = vt_record_sample ("fetch_urls", NULL);
  *b = *a ? vt_record_sample ("semaphore_bounded", NULL) : NULL;
  g_unsetenv ("BRAID_TRACE_RUN");
  return *b != NULL;
}

int
vt_render (const char *const *args, char **err_out)
{
  const char *exe = vt_program ("BRAID_RENDER");
  g_assert_nonnull (exe);
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *)exe);
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);
  int status = -1;
  char *err = NULL;
  GError *error = NULL;
  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  g_ptr_array_free (argv, TRUE);
  if (err_out)
    *err_out = err;
  else
    g_free (err);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return -1;
}

guint
vt_count_near (cairo_surface_t *png, guint32 colour, int y0, int y1)
{
  guint n = 0;
  int w = cairo_image_surface_get_width (png);
  int h = cairo_image_surface_get_height (png);
  for (int y = y0 > 0 ? y0 : 0; y < y1 && y < h; y++)
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

guint32
vt_pixel (cairo_surface_t *png, int x, int y)
{
  int w = cairo_image_surface_get_width (png);
  int h = cairo_image_surface_get_height (png);
  if (x < 0 || y < 0 || x >= w || y >= h)
    return 0xff000000u;
  cairo_surface_flush (png);
  const unsigned char *data = cairo_image_surface_get_data (png);
  int stride = cairo_image_surface_get_stride (png);
  guint32 px = *(const guint32 *)(data + (size_t)y * stride + x * 4);
  return px & 0xffffff;
}

guint32
vt_rgb_hex (braid_timeline_rgb c)
{
  guint32 r = (guint32)(c.r * 255 + 0.5), g = (guint32)(c.g * 255 + 0.5),
          b = (guint32)(c.b * 255 + 0.5);
  return r << 16 | g << 8 | b;
}

gboolean
vt_has_line (const char *text, const char *prefix, const char *middle,
             const char *suffix)
{
  char **lines = g_strsplit (text, "\n", -1);
  gboolean found = FALSE;
  for (int i = 0; lines[i] && !found; i++)
    found = g_str_has_prefix (lines[i], prefix)
            && strstr (lines[i] + strlen (prefix), middle)
            && g_str_has_suffix (lines[i], suffix);
  g_strfreev (lines);
  return found;
}

braid_trace *
vt_open (const char *path)
{
  braid_trace *trace = NULL;
  char *error = NULL;
  int rc = braid_trace_open (path, NULL, &trace, &error);
  if (rc != 0)
    g_error ("cannot open %s: %s", path, error ? error : "?");
  return trace;
}

int32_t
vt_task_writing (const braid_trace *trace, const char *prefix)
{
  size_t n;
  const braid_trace_output *o = braid_trace_get_outputs (trace, &n);
  for (size_t i = 0; i < n; i++)
    if (g_str_has_prefix (o[i].text, prefix))
      return o[i].task;
  return -1;
}
