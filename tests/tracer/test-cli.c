/* test-cli.c: the braid tool's contract: --help per command and
 * --version exit 0; usage errors exit 2 with one line and a hint; options
 * take the getopt_long forms (-oFILE, --output=FILE, --, abbreviations),
 * and `braid run` leaves the program's options to the program; `braid
 * run` writes trace.braid by default and exits with the program's status
 * (128+N for signal N, 2 when it cannot start or wrote no trace); export
 * writes Chrome trace-event JSON with tracks, slices, flows and instants;
 * render without braid-render fails clearly. */
#include <braid/braid-version.h>

#include "sample-trace-util.h"

static void
test_help_and_version_exit_0 (void)
{
  char *out = NULL;
  const char *version[] = { "--version", NULL };
  g_assert_cmpint (spawn_braid (version, &out, NULL), ==, 0);
  char *schema = g_strdup_printf ("schema version %d",
                                  BRAID_TRACE_SCHEMA_VERSION);
  g_assert_nonnull (strstr (out, schema));
  /* "NAME VERSION" first, as every braid program prints it. */
  g_assert_true (g_str_has_prefix (out, "braid " BRAID_VERSION_STRING " ("));
  g_free (schema);
  g_free (out);
  const char *commands[] = { "run", "report", "problems", "export",
                             "render", "repair" };
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *args[] = { commands[i], "--help", NULL };
      g_assert_cmpint (spawn_braid (args, &out, NULL), ==, 0);
      char *want = g_strdup_printf ("usage: braid %s", commands[i]);
      if (strcmp (commands[i], "render") != 0)
        {
          g_assert_true (g_str_has_prefix (out, want));
          /* --version is braid's, said once, at the top level. */
          g_assert_null (strstr (out, "--version"));
        }
      /* `braid help CMD` is `braid CMD --help`. */
      char *again = NULL;
      const char *help_cmd[] = { "help", commands[i], NULL };
      g_assert_cmpint (spawn_braid (help_cmd, &again, NULL), ==, 0);
      g_assert_cmpstr (again, ==, out);
      g_free (again);
      g_free (want);
      g_free (out);
    }
  const char *help[] = { "--help", NULL };
  g_assert_cmpint (spawn_braid (help, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "export"));
  g_assert_nonnull (strstr (out, "--version"));
  g_assert_nonnull (strstr (out, "trace.braid"));
  g_free (out);
}

static void
test_usage_errors_exit_2 (void)
{
  const char *const cases[][5] = {
    { NULL },
    { "frobnicate", NULL },
    { "report", NULL },
    { "report", "--axis", "sideways", "x.db", NULL },
    { "report", "--width", "3", "x.db", NULL },
    { "problems", NULL },
    { "export", "--format", "svg", "x.db", NULL },
    { "run", "-o", NULL },
    { "run", "-o", "x.db", "--", NULL },
    { "run", "--bogus", NULL },
    { "run", "--output", NULL },
    { "--bogus", "report", NULL },
    { "report", "--axis=sideways", "x.db", NULL },
    { "report", "--width", NULL },
    { "export", "--help=x", NULL },
    { "export", "-x", "x.db", NULL },
    { "repair", "a.db", "b.db", NULL },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char *err = NULL;
      g_assert_cmpint (spawn_braid (cases[i], NULL, &err), ==, 2);
      g_test_message ("%s: %s", cases[i][0] ? cases[i][0] : "-", err);
      if (g_str_has_prefix (err, "usage: braid"))
        {
          /* braid alone: the usage. */
          g_assert_null (cases[i][0]);
          g_free (err);
          continue;
        }
      /* One line saying what is wrong, then where to look. */
      g_assert_true (g_str_has_prefix (err, "braid: "));
      char **lines = g_strsplit (err, "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), ==, 3);
      g_assert_true (g_str_has_prefix (lines[1], "(see 'braid "));
      g_assert_cmpstr (lines[2], ==, "");
      g_strfreev (lines);
      g_free (err);
    }
  /* getopt_long's refusals, in braid's words. */
  const struct
  {
    const char *args[4];
    const char *first_line;
  } words[] = {
    { { "run", "--output", NULL }, "braid: --output needs a value" },
    { { "run", "-o", NULL }, "braid: -o needs a value" },
    { { "report", "--bogus", "x.db", NULL },
      "braid: unknown option '--bogus'" },
    { { "export", "-x", "x.db", NULL }, "braid: unknown option '-x'" },
    { { "export", "--help=x", NULL }, "braid: --help takes no value" },
    { { "frobnicate", NULL }, "braid: unknown command 'frobnicate'" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (words); i++)
    {
      char *err = NULL;
      g_assert_cmpint (spawn_braid (words[i].args, NULL, &err), ==, 2);
      g_assert_true (g_str_has_prefix (err, words[i].first_line));
      g_assert_cmpint (err[strlen (words[i].first_line)], ==, '\n');
      g_free (err);
    }
}

static void
test_run_exits_with_the_program_status (void)
{
  /* A shell runs a traced sample, then exits its own way: the trace is
   * written, and braid exits as the shell did. */
  const char *exe = sample_exe ("print_numbers");
  if (exe == NULL)
    {
      g_test_skip ("print_numbers is not built");
      return;
    }
  char *path = test_trace_path ("status.braid");
  const char *seven[] = { "run", "-o", path, "--", "/bin/sh", "-c",
                          "\"$0\" >/dev/null; exit 7", exe, NULL };
  char *err = NULL;
  g_assert_cmpint (spawn_braid (seven, NULL, NULL), ==, 7);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  const char *killed[] = { "run", "-o", path, "--", "/bin/sh", "-c",
                           "\"$0\" >/dev/null; kill -TERM $$", exe, NULL };
  g_assert_cmpint (spawn_braid (killed, NULL, NULL), ==, 128 + 15);
  /* A program without libbraid writes no trace: braid says so, and
   * fails whatever the program's status. */
  const char *untraced[] = { "run", "-o", path, "--", "/bin/sh", "-c",
                             "exit 7", NULL };
  g_assert_cmpint (spawn_braid (untraced, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "no trace was written"));
  g_free (err);
  const char *missing[] = { "run", "-o", path, "--",
                            "/nonexistent/program", NULL };
  g_assert_cmpint (spawn_braid (missing, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "cannot run /nonexistent/program"));
  g_free (err);
  /* A trace path in a missing folder: said in one line before the run,
   * the program still runs (untraced), braid exits 2. */
  const char *unwritable[] = { "run", "-o", "/nonexistent-folder/t.braid",
                               "--", exe, NULL };
  char *out = NULL;
  g_assert_cmpint (spawn_braid (unwritable, &out, &err), ==, 2);
  g_assert_true (g_str_has_prefix (err, "braid: cannot write the trace "
                                        "/nonexistent-folder/t.braid: "));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
  g_assert_nonnull (strstr (out, "c1_2"));
  g_free (out);
  g_free (err);
  remove_trace (path);
  g_free (path);
}

/* braid run adds its tracer to a BRAID_MODULES that names none, judging
 * each entry by its file name: a module whose path merely contains the
 * words (braid-tracer-extras.so) still gets the tracer added, and an
 * entry named libbraid-trace.so.0 in any folder counts as the tracer. */
static void
test_run_adds_the_tracer_by_file_name (void)
{
  const char *exe = sample_exe ("print_numbers");
  if (exe == NULL)
    {
      g_test_skip ("print_numbers is not built");
      return;
    }
  char *path = test_trace_path ("modules.braid");
  char *saved = g_strdup (g_getenv ("BRAID_MODULES"));
  const char *run[] = { "run", "-o", path, "--", exe, NULL };
  char *err = NULL;

  /* Not a tracer: the tracer is appended, the trace written. */
  g_setenv ("BRAID_MODULES", "/nonexistent/braid-tracer-extras.so", TRUE);
  g_assert_cmpint (spawn_braid (run, NULL, &err), ==, 0);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_nonnull (strstr (err, "/nonexistent/braid-tracer-extras.so"));
  g_free (err);
  g_unlink (path);

  /* A tracer (missing here) named among others: nothing is added, so no
   * trace is written and braid says so. */
  g_setenv ("BRAID_MODULES",
            "/nonexistent/other.so:/nonexistent/libbraid-trace.so.0", TRUE);
  g_assert_cmpint (spawn_braid (run, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "no trace was written"));
  g_free (err);

  if (saved)
    g_setenv ("BRAID_MODULES", saved, TRUE);
  else
    g_unsetenv ("BRAID_MODULES");
  g_free (saved);
  remove_trace (path);
  g_free (path);
}

/* Whether @path is a Chrome trace-event file that braid export wrote. */
static gboolean
is_chrome_json (const char *path)
{
  char *text = NULL;
  gboolean ok = g_file_get_contents (path, &text, NULL, NULL)
                && g_str_has_prefix (text, "{\"displayTimeUnit\"")
                && g_str_has_suffix (text, "]}\n");
  g_free (text);
  return ok;
}

static void
test_options_take_getopt_forms (void)
{
  const char *exe = sample_exe ("print_numbers");
  if (exe == NULL)
    {
      g_test_skip ("print_numbers is not built");
      return;
    }
  char *dir = g_dir_make_tmp ("braid-cli-XXXXXX", NULL);
  g_assert_nonnull (dir);
  char *trace = g_build_filename (dir, "glued.braid", NULL);

  /* braid run -oFILE; braid's options end at the program, whose own
   * options (sh -c) are the program's. */
  char *glued = g_strconcat ("-o", trace, NULL);
  const char *run_glued[] = { "run", glued, "/bin/sh", "-c",
                              "\"$0\" >/dev/null; exit 5", exe, NULL };
  g_assert_cmpint (spawn_braid (run_glued, NULL, NULL), ==, 5);
  g_assert_true (g_file_test (trace, G_FILE_TEST_EXISTS));

  /* --output=FILE, abbreviated, and no -- before the program. */
  char *second = g_build_filename (dir, "second.braid", NULL);
  char *eq = g_strconcat ("--out=", second, NULL);
  const char *run_eq[] = { "run", eq, exe, NULL };
  g_assert_cmpint (spawn_braid (run_eq, NULL, NULL), ==, 0);
  g_assert_true (g_file_test (second, G_FILE_TEST_EXISTS));

  /* Without -o, trace.braid in the current folder. */
  const char *run_default[] = { "run", "--", exe, NULL };
  g_assert_cmpint (spawn_braid_in (dir, run_default, NULL, NULL), ==, 0);
  char *fallback = g_build_filename (dir, "trace.braid", NULL);
  g_assert_true (g_file_test (fallback, G_FILE_TEST_EXISTS));

  /* export -oFILE -fFORMAT, and --output=FILE --format=FORMAT after the
   * trace. */
  char *json = g_build_filename (dir, "glued.json", NULL);
  char *json_glued = g_strconcat ("-o", json, NULL);
  const char *export_glued[] = { "export", "-fchrome", json_glued, trace,
                                 NULL };
  g_assert_cmpint (spawn_braid (export_glued, NULL, NULL), ==, 0);
  g_assert_true (is_chrome_json (json));
  g_unlink (json);
  char *json_eq = g_strconcat ("--output=", json, NULL);
  const char *export_eq[] = { "export", trace, json_eq, "--format=chrome",
                              NULL };
  g_assert_cmpint (spawn_braid (export_eq, NULL, NULL), ==, 0);
  g_assert_true (is_chrome_json (json));

  /* report --axis=time --width=N, and -- before the trace. */
  char *out = NULL;
  const char *report[] = { "report", "--axis=time", "--width=20", "--",
                           fallback, NULL };
  g_assert_cmpint (spawn_braid (report, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "timeline (axis: time"));
  g_free (out);

  /* render -oFILE and --output=FILE, when braid-render is built. */
  if (g_getenv ("BRAID_RENDER") != NULL)
    {
      char *png = g_build_filename (dir, "t.png", NULL);
      char *png_glued = g_strconcat ("-o", png, NULL);
      const char *render_glued[] = { "render", trace, png_glued, NULL };
      g_assert_cmpint (spawn_braid (render_glued, NULL, NULL), ==, 0);
      g_assert_true (g_file_test (png, G_FILE_TEST_EXISTS));
      g_unlink (png);
      char *png_eq = g_strconcat ("--output=", png, NULL);
      const char *render_eq[] = { "render", png_eq, "--width=300", trace,
                                  NULL };
      g_assert_cmpint (spawn_braid (render_eq, NULL, NULL), ==, 0);
      g_assert_true (g_file_test (png, G_FILE_TEST_EXISTS));
      g_unlink (png);
      const char *render_version[] = { "render", "--version", NULL };
      g_assert_cmpint (spawn_braid (render_version, &out, NULL), ==, 0);
      g_assert_cmpstr (out, ==, "braid-render " BRAID_VERSION_STRING "\n");
      g_free (out);
      g_free (png_eq);
      g_free (png_glued);
      g_free (png);
    }

  g_unlink (json);
  remove_trace (trace);
  remove_trace (second);
  remove_trace (fallback);
  g_rmdir (dir);
  g_free (json_eq);
  g_free (json_glued);
  g_free (json);
  g_free (fallback);
  g_free (eq);
  g_free (second);
  g_free (glued);
  g_free (trace);
  g_free (dir);
}

static void
test_export_writes_chrome_trace_events (void)
{
  char *path = trace_sample ("print_numbers");
  if (path == NULL)
    {
      g_test_skip ("print_numbers is not built");
      return;
    }
  char *json = g_strconcat (path, ".json", NULL);
  const char *args[] = { "export", "--format", "chrome", path, "-o", json,
                         NULL };
  g_assert_cmpint (spawn_braid (args, NULL, NULL), ==, 0);
  char *text = NULL;
  g_assert_true (g_file_get_contents (json, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "{\"displayTimeUnit\""));
  g_assert_true (g_str_has_suffix (text, "]}\n"));
  g_assert_nonnull (strstr (text, "\"name\":\"thread_name\""));
  g_assert_nonnull (strstr (text, "\"ph\":\"X\""));
  g_assert_nonnull (strstr (text, "\"ph\":\"s\""));
  g_assert_nonnull (strstr (text, "\"ph\":\"f\",\"bp\":\"e\""));
  g_assert_nonnull (strstr (text, "\"ph\":\"i\""));
  g_assert_nonnull (strstr (text, "\"text\":\"c2_2 5\""));
  /* Balanced brackets and braces outside strings: a cheap validity
   * check that needs no JSON library. */
  int depth = 0, in_string = 0;
  for (const char *p = text; *p; p++)
    {
      if (in_string)
        {
          if (*p == '\\')
            p++;
          else if (*p == '"')
            in_string = 0;
          continue;
        }
      if (*p == '"')
        in_string = 1;
      else if (*p == '{' || *p == '[')
        depth++;
      else if (*p == '}' || *p == ']')
        g_assert_cmpint (--depth, >=, 0);
    }
  g_assert_cmpint (depth, ==, 0);
  g_free (text);
  g_unlink (json);
  g_free (json);
  remove_trace (path);
  g_free (path);
}

static void
test_render_without_braid_render_fails_clearly (void)
{
  /* The build names its braid-render in BRAID_RENDER when it has one. */
  if (g_getenv ("BRAID_RENDER") != NULL)
    {
      g_test_skip ("braid-render is built");
      return;
    }
  const char *args[] = { "render", "x.db", "-o", "x.png", NULL };
  char *err = NULL;
  g_assert_cmpint (spawn_braid (args, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "braid-render, which is not built"));
  g_free (err);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/cli/help-and-version-exit-0",
                   test_help_and_version_exit_0);
  g_test_add_func ("/tracer/cli/usage-errors-exit-2",
                   test_usage_errors_exit_2);
  g_test_add_func ("/tracer/cli/run-exits-with-the-program-status",
                   test_run_exits_with_the_program_status);
  g_test_add_func ("/tracer/cli/run-adds-the-tracer-by-file-name",
                   test_run_adds_the_tracer_by_file_name);
  g_test_add_func ("/tracer/cli/options-take-getopt-forms",
                   test_options_take_getopt_forms);
  g_test_add_func ("/tracer/cli/export-writes-chrome-trace-events",
                   test_export_writes_chrome_trace_events);
  g_test_add_func ("/tracer/cli/render-without-braid-render-fails-clearly",
                   test_render_without_braid_render_fails_clearly);
  return g_test_run ();
}
