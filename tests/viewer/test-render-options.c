/* test-render-options.c: braid-render and braid-viewer take their options
 * the way getopt_long and GOption users expect: braid-render accepts
 * -oFILE, --output=FILE, --opt value, abbreviations and -- before the
 * trace; both print "NAME VERSION" for --version; braid-viewer's --help
 * lists --version and none of the self-test's options.
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include <braid/braid-version.h>

#include "viewer-test-util.h"

/* Runs @exe with @args (NULL-terminated); returns its exit status, its
 * stdout in *@out (g_free). */
static int
run (const char *exe, const char *const *args, char **out)
{
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *)exe);
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);
  int status = -1;
  GError *error = NULL;
  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, out, NULL, &status, &error);
  g_assert_no_error (error);
  g_ptr_array_free (argv, TRUE);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* The width of the PNG at @path, which must exist and be a PNG. */
static int
png_width (const char *path)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  int w = cairo_image_surface_get_width (s);
  cairo_surface_destroy (s);
  return w;
}

static void
test_render_takes_gnu_option_forms (void)
{
  if (!vt_program ("BRAID_RENDER"))
    return;
  char *db = vt_record_sample ("print_numbers", NULL);
  if (!db)
    return;
  char *png = g_build_filename (vt_tmpdir (), "forms.png", NULL);

  /* -oFILE: the value glued to the short option. */
  char *glued = g_strconcat ("-o", png, NULL);
  const char *short_form[] = { db, glued, NULL };
  g_assert_cmpint (vt_render (short_form, NULL), ==, 0);
  g_assert_cmpint (png_width (png), ==, 1200);
  g_unlink (png);

  /* --output=FILE and --width=W, the options after the trace. */
  char *long_eq = g_strconcat ("--output=", png, NULL);
  const char *long_form[] = { db, long_eq, "--width=300", "--axis=steps",
                              NULL };
  g_assert_cmpint (vt_render (long_form, NULL), ==, 0);
  g_assert_cmpint (png_width (png), ==, 300);
  g_unlink (png);

  /* --opt value before the trace, which follows --. */
  const char *separate[]
      = { "--width", "320", "--output", png, "--no-legend", "--", db, NULL };
  g_assert_cmpint (vt_render (separate, NULL), ==, 0);
  g_assert_cmpint (png_width (png), ==, 320);
  g_unlink (png);

  /* A long option may be abbreviated while it is unambiguous. */
  char *abbrev = g_strconcat ("--out=", png, NULL);
  const char *abbreviated[] = { abbrev, "--wid", "340", db, NULL };
  g_assert_cmpint (vt_render (abbreviated, NULL), ==, 0);
  g_assert_cmpint (png_width (png), ==, 340);
  g_unlink (png);

  /* A value-less option given a value, and a missing value: one line. */
  const char *no_value[] = { db, "-o", png, "--no-legend=yes", NULL };
  char *err = NULL;
  g_assert_cmpint (vt_render (no_value, &err), ==, 2);
  g_assert_cmpstr (err, ==,
                   "braid-render: --no-legend takes no value (see --help)\n");
  g_free (err);
  const char *missing[] = { db, "--output", NULL };
  g_assert_cmpint (vt_render (missing, &err), ==, 2);
  g_assert_cmpstr (err, ==,
                   "braid-render: --output needs a value (see --help)\n");
  g_free (err);

  g_free (abbrev);
  g_free (long_eq);
  g_free (glued);
  g_free (png);
  g_free (db);
}

static void
test_render_prints_its_version (void)
{
  const char *exe = vt_program ("BRAID_RENDER");
  if (!exe)
    return;
  char *out = NULL;
  const char *version[] = { "--version", NULL };
  g_assert_cmpint (run (exe, version, &out), ==, 0);
  g_assert_cmpstr (out, ==, "braid-render " BRAID_VERSION_STRING "\n");
  g_free (out);
  const char *help[] = { "--help", NULL };
  g_assert_cmpint (run (exe, help, &out), ==, 0);
  g_assert_nonnull (strstr (out, "--version"));
  g_assert_nonnull (strstr (out, "-o, --output"));
  g_free (out);
}

static void
test_viewer_prints_its_version_and_hides_the_self_test (void)
{
  const char *exe = vt_program ("BRAID_VIEWER");
  if (!exe)
    return;
  /* Both are answered before GTK opens a display: no X server here. */
  char *out = NULL;
  const char *version[] = { "--version", NULL };
  g_assert_cmpint (run (exe, version, &out), ==, 0);
  g_assert_cmpstr (out, ==, "braid-viewer " BRAID_VERSION_STRING "\n");
  g_free (out);
  const char *help[] = { "--help", NULL };
  g_assert_cmpint (run (exe, help, &out), ==, 0);
  g_assert_nonnull (strstr (out, "--version"));
  g_assert_nonnull (strstr (out, "TRACE.braid"));
  g_assert_null (strstr (out, "self-test"));
  g_assert_null (strstr (out, "--select"));
  g_assert_null (strstr (out, "--show"));
  g_free (out);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/viewer/render/options/take-gnu-option-forms",
                   test_render_takes_gnu_option_forms);
  g_test_add_func ("/viewer/render/options/print-its-version",
                   test_render_prints_its_version);
  g_test_add_func ("/viewer/app/options/version-and-hidden-self-test",
                   test_viewer_prints_its_version_and_hides_the_self_test);
  return g_test_run ();
}
