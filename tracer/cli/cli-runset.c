/* cli-runset.c: the trace files of one run, for report, problems and
 * export.
 *
 * Each traced process of a process tree writes its own file (session.c),
 * all of them with the same meta.run_id. These commands take any number
 * of FILE operands, open them all, refuse files of different runs (or
 * that do not say their run, or of one process twice) in one line, and
 * hand them back ordered by their wall-clock start, so that the first
 * process comes first.
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
  run->traces = NULL;
  run->paths = NULL;
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
  memset (run, 0, sizeof *run);
  if (optind >= argc)
    return braid__cli_usage_error (argv[0], "no trace file given");
  size_t n = (size_t)(argc - optind);
  run->traces = calloc (n, sizeof *run->traces);
  run->paths = calloc (n, sizeof *run->paths);
  if (run->traces == NULL || run->paths == NULL)
    {
      fprintf (stderr, "braid: out of memory\n");
      braid__cli_run_close (run);
      return CLI_EXIT_USAGE;
    }
  for (size_t i = 0; i < n; i++)
    {
      const char *path = argv[optind + (int)i];
      braid_trace *trace = braid__cli_open (path);
      if (trace == NULL)
        {
          braid__cli_run_close (run);
          return CLI_EXIT_USAGE;
        }
      /* Insertion by start time: a few files, the order they began. */
      int64_t start = braid_trace_get_meta (trace)->start_unix_ns;
      size_t at = run->n;
      while (at > 0
             && braid_trace_get_meta (run->traces[at - 1])->start_unix_ns
                    > start)
        {
          run->traces[at] = run->traces[at - 1];
          run->paths[at] = run->paths[at - 1];
          at--;
        }
      run->traces[at] = trace;
      run->paths[at] = path;
      run->n++;
    }
  const char *first = braid_trace_get_meta (run->traces[0])->run_id;
  for (size_t i = 0; n > 1 && i < n; i++)
    {
      const char *id = braid_trace_get_meta (run->traces[i])->run_id;
      if (id[0] == '\0')
        {
          say_other_runs (run->paths[i], run->paths[i ? 0 : 1],
                          "cannot be shown as one run (the first does not "
                          "record its run)");
          braid__cli_run_close (run);
          return CLI_EXIT_USAGE;
        }
      if (strcmp (id, first) != 0)
        {
          say_other_runs (run->paths[0], run->paths[i],
                          "are traces of different runs");
          braid__cli_run_close (run);
          return CLI_EXIT_USAGE;
        }
      /* The same process twice (a file given twice, or a copy) would
       * count everything of it twice. */
      const braid_trace_meta *m = braid_trace_get_meta (run->traces[i]);
      for (size_t j = 0; j < i; j++)
        {
          const braid_trace_meta *o = braid_trace_get_meta (run->traces[j]);
          if (o->pid == m->pid && o->start_unix_ns == m->start_unix_ns)
            {
              say_other_runs (run->paths[j], run->paths[i],
                              "are the trace of one process");
              braid__cli_run_close (run);
              return CLI_EXIT_USAGE;
            }
        }
    }
  return 0;
}
