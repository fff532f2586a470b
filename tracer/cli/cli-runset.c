/* cli-runset.c: the trace files of one run, for report, problems and
 * export.
 *
 * Each traced process of a process tree writes its own file (session.c),
 * all of them with the same meta.run_id. These commands take any number
 * of FILE operands, open them all, refuse files of different runs (or
 * that do not say their run, or of one process twice) in one line, and
 * hand them back ordered by their start on the run's common clock (the
 * reader's braid_trace_run_offsets: monotonic when every file records it,
 * else wall-clock), so that the first process comes first.
 */
#include "cli.h"
#include "safe-text.h"

#include <stdlib.h>
#include <string.h>

void
braid__cli_run_close (cli_run *run)
{
  for (size_t i = 0; i < run->n; i++)
    braid_trace_close (run->traces[i]);
  free (run->traces);
  free (run->paths);
  free (run->offsets);
  run->traces = NULL;
  run->paths = NULL;
  run->offsets = NULL;
  run->n = 0;
}

/* Says in one line that @a and @b are not traces of one run. */
static void
say_other_runs (const char *a, const char *b, const char *why)
{
  fputs ("braid: ", stderr);
  braid__text_fputs_terminal (a, stderr);
  fputs (" and ", stderr);
  braid__text_fputs_terminal (b, stderr);
  fprintf (stderr, " %s\n", why);
}

int
braid__cli_run_open (int argc, char **argv, cli_run *run)
{
  return braid__cli_run_open_with (argc, argv, NULL, run);
}

int
braid__cli_run_open_with (int argc, char **argv,
                          const braid_trace_load_options *load, cli_run *run)
{
  memset (run, 0, sizeof *run);
  if (optind >= argc)
    return braid__cli_usage_error (argv[0], "no trace file given");
  size_t n = (size_t)(argc - optind);
  run->traces = calloc (n, sizeof *run->traces);
  run->paths = calloc (n, sizeof *run->paths);
  run->offsets = calloc (n, sizeof *run->offsets);
  if (run->traces == NULL || run->paths == NULL || run->offsets == NULL)
    {
      fprintf (stderr, "braid: out of memory\n");
      braid__cli_run_close (run);
      return CLI_EXIT_USAGE;
    }
  for (size_t i = 0; i < n; i++)
    {
      const char *path = argv[optind + (int)i];
      braid_trace *trace = braid__cli_open_with (path, load);
      if (trace == NULL)
        {
          braid__cli_run_close (run);
          return CLI_EXIT_USAGE;
        }
      run->traces[i] = trace;
      run->paths[i] = path;
      run->n++;
    }
  /* Insertion by start on the run's clock: a few files, the order they
   * began. */
  int64_t *start = malloc (n * sizeof *start);
  if (start == NULL)
    {
      fprintf (stderr, "braid: out of memory\n");
      braid__cli_run_close (run);
      return CLI_EXIT_USAGE;
    }
  braid_trace_run_offsets (run->traces, n, start);
  for (size_t i = 0; i < n; i++)
    {
      braid_trace *trace = run->traces[i];
      const char *path = run->paths[i];
      size_t at = i;
      while (at > 0 && run->offsets[at - 1] > start[i])
        {
          run->traces[at] = run->traces[at - 1];
          run->paths[at] = run->paths[at - 1];
          run->offsets[at] = run->offsets[at - 1];
          at--;
        }
      run->traces[at] = trace;
      run->paths[at] = path;
      run->offsets[at] = start[i];
    }
  free (start);
  /* Different runs, a file without its run, the same process twice (a
   * file given twice, or a copy, would count everything of it twice). */
  size_t a, b;
  const char *why;
  if (braid_trace_check_run (run->traces, n, &a, &b, &why) != 0)
    {
      say_other_runs (run->paths[a], run->paths[b], why);
      braid__cli_run_close (run);
      return CLI_EXIT_USAGE;
    }
  return 0;
}
