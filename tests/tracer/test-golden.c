/* test-golden.c: `braid report` and `braid problems` print exactly the
 * golden files in tests/tracer/golden/ for virtual-clock traces of the
 * samples (source paths shortened to their file names, since they depend
 * on where the build directory is). Run with BRAID_UPDATE_GOLDEN=1 to
 * rewrite the golden files after an intended change, and review the diff.
 */
#include "sample-trace-util.h"

typedef struct golden_case
{
  const char *sample;
  const char *golden;  /* file name in golden/ */
  const char *args[4]; /* after the command: options before FILE */
  const char *command;
  int status;          /* expected exit status */
} golden_case;

static const golden_case cases[] = {
  { "print_numbers", "report-print_numbers.txt", { NULL }, "report", 0 },
  { "print_numbers", "problems-print_numbers.txt", { NULL }, "problems", 0 },
  { "never_retrieved", "report-never_retrieved-time.txt",
    { "--axis", "time", "--width", "40" }, "report", 0 },
  { "never_retrieved", "problems-never_retrieved.txt", { NULL }, "problems",
    1 },
};

static char *
normalise (const char *text)
{
  GRegex *dirs = g_regex_new ("[^ ':]*/([^/ ':]+\\.c:)", 0, 0, NULL);
  char *out = g_regex_replace (dirs, text, -1, 0, "\\1", 0, NULL);
  g_regex_unref (dirs);
  return out;
}

static void
run_case (gconstpointer data)
{
  const golden_case *c = data;
  char *path = trace_sample (c->sample);
  if (path == NULL)
    {
      g_test_skip ("sample not built");
      return;
    }
  const char *args[8] = { c->command };
  size_t n = 1;
  for (size_t i = 0; i < 4 && c->args[i]; i++)
    args[n++] = c->args[i];
  args[n++] = path;
  args[n] = NULL;
  char *out = NULL;
  int status = run_braid (args, &out);
  g_assert_cmpint (status, ==, c->status);
  char *got = normalise (out);
  char *golden = g_build_filename (g_getenv ("GOLDEN_DIR"), c->golden, NULL);
  if (g_strcmp0 (g_getenv ("BRAID_UPDATE_GOLDEN"), "1") == 0)
    g_assert_true (g_file_set_contents (golden, got, -1, NULL));
  char *want = NULL;
  if (!g_file_get_contents (golden, &want, NULL, NULL))
    g_error ("missing golden file %s", golden);
  if (strcmp (got, want) != 0)
    g_test_message ("got:\n%s\nwanted:\n%s", got, want);
  g_assert_cmpstr (got, ==, want);
  g_free (want);
  g_free (golden);
  g_free (got);
  g_free (out);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char *name = g_strdup_printf ("/tracer/golden/%s", cases[i].golden);
      g_test_add_data_func (name, &cases[i], run_case);
      g_free (name);
    }
  return g_test_run ();
}
