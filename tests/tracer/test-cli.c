/* test-cli.c: the braid tool's contract: --help per command and
 * --version exit 0; usage errors exit 2; `braid run` exits with the
 * program's status (128+N for signal N, 2 when it cannot start); export
 * writes Chrome trace-event JSON with tracks, slices, flows and instants;
 * render without braid-render fails clearly. */
#include "sample-trace-util.h"

static int
braid (const char *const *args, char **out, char **err)
{
  const char *exe = g_getenv ("BRAID_EXE");
  g_assert_nonnull (exe);
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) exe);
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, (char *) *a);
  g_ptr_array_add (argv, NULL);
  int status = 0;
  char *o = NULL, *e = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                               G_SPAWN_DEFAULT, NULL, NULL, &o, &e, &status,
                               NULL));
  g_ptr_array_free (argv, TRUE);
  if (out)
    *out = o;
  else
    g_free (o);
  if (err)
    *err = e;
  else
    g_free (e);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static void
test_help_and_version_exit_0 (void)
{
  char *out = NULL;
  const char *version[] = { "--version", NULL };
  g_assert_cmpint (braid (version, &out, NULL), ==, 0);
  char *schema = g_strdup_printf ("schema version %d",
                                  BRAID_TRACE_SCHEMA_VERSION);
  g_assert_nonnull (strstr (out, schema));
  g_free (schema);
  g_free (out);
  const char *commands[] = { "run", "report", "problems", "export",
                             "render" };
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *args[] = { commands[i], "--help", NULL };
      g_assert_cmpint (braid (args, &out, NULL), ==, 0);
      char *want = g_strdup_printf ("usage: braid %s", commands[i]);
      if (strcmp (commands[i], "render") != 0)
        g_assert_true (g_str_has_prefix (out, want));
      g_free (want);
      g_free (out);
    }
  const char *help[] = { "--help", NULL };
  g_assert_cmpint (braid (help, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "export"));
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
    { "problems", "a.db", "b.db", NULL },
    { "export", "--format", "svg", "x.db", NULL },
    { "run", "-o", NULL },
    { "run", "-o", "x.db", "--", NULL },
    { "run", "--bogus", NULL },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char *err = NULL;
      g_assert_cmpint (braid (cases[i], NULL, &err), ==, 2);
      g_assert_true (g_str_has_prefix (err, "braid: ")
                     || g_str_has_prefix (err, "usage: braid"));
      g_free (err);
    }
}

static void
test_run_exits_with_the_program_status (void)
{
  char *path = test_trace_path ("status.db");
  const char *seven[] = { "run", "-o", path, "--", "/bin/sh", "-c",
                          "exit 7", NULL };
  char *err = NULL;
  g_assert_cmpint (braid (seven, NULL, &err), ==, 7);
  /* A program without libbraid writes no trace, and braid says so. */
  g_assert_nonnull (strstr (err, "wrote no trace"));
  g_free (err);
  const char *killed[] = { "run", "-o", path, "--", "/bin/sh", "-c",
                           "kill -TERM $$", NULL };
  g_assert_cmpint (braid (killed, NULL, NULL), ==, 128 + 15);
  const char *missing[] = { "run", "-o", path, "--",
                            "/nonexistent/program", NULL };
  g_assert_cmpint (braid (missing, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "cannot run /nonexistent/program"));
  g_free (err);
  remove_trace (path);
  g_free (path);
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
  g_assert_cmpint (braid (args, NULL, NULL), ==, 0);
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
  g_assert_cmpint (braid (args, NULL, &err), ==, 2);
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
  g_test_add_func ("/tracer/cli/export-writes-chrome-trace-events",
                   test_export_writes_chrome_trace_events);
  g_test_add_func ("/tracer/cli/render-without-braid-render-fails-clearly",
                   test_render_without_braid_render_fails_clearly);
  return g_test_run ();
}
