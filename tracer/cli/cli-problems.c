/* cli-problems.c: `braid problems FILE...`.
 *
 * Lists every problem the reader found in a trace (never-retrieved
 * errors with their creation and raise sites, tasks destroyed while
 * pending, steps that held the loop, deadlocks, an incomplete trace), one
 * summary line and one detail line each; a deadlock also with each
 * waiting task, what it waits on and who holds that, and the cycle. Exit status 1 when there is any
 * problem, 0 when there is none, 2 when the file cannot be read. The
 * summaries quote task names and error messages, printed through
 * safe-text.c, which escapes control characters. Several files of one
 * run (cli-runset.c) are listed in turn, each problem labelled
 * "[PROGRAM PID]" with its process.
 */
#include "cli.h"
#include "safe-text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char help[]
  = "usage: braid problems FILE...\n"
    "\n"
    "Lists the problems of a trace: errors never retrieved (with where the\n"
    "task was created and where it raised), tasks destroyed while pending,\n"
    "steps that held the loop too long, deadlocks (each task, what it\n"
    "waits on, who holds that, and the cycle), an incomplete trace.\n"
    "Several FILEs of one run (the traces of a process tree that braid run\n"
    "lists) are read as one run: each problem says its process.\n"
    "\n"
    "  -h, --help   this help\n"
    "\n"
    "Exit status: 1 if there is any problem, 0 if none, 2 if a FILE cannot\n"
    "be read or the FILEs are of different runs.\n";

static const struct option options[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* Prints the problems of @trace, read from @path in summary mode (no
 * slices: braid_trace_load_options.summary), each labelled "[PROGRAM
 * PID] " when @label; returns how many. The wait graph of a deadlock
 * needs the slices: the file is loaded whole for it, only then. */
static size_t
print_problems (const braid_trace *trace, const char *path, bool label)
{
  braid_trace *full = NULL;
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  const char *slash = strrchr (m->program, '/');
  size_t n;
  const braid_trace_problem *problems = braid_trace_get_problems (trace, &n);
  for (size_t i = 0; i < n; i++)
    {
      const braid_trace_problem *p = &problems[i];
      char when[32];
      if (label)
        {
          putchar ('[');
          braid__text_fputs_terminal (slash ? slash + 1 : m->program,
                                      stdout);
          printf (" %lld] ", (long long) m->pid);
        }
      printf ("%s: ", braid_trace_problem_kind_name (p->kind));
      braid__text_fputs_terminal (p->summary, stdout);
      putchar ('\n');
      if (p->detail[0] != '\0')
        {
          fputs ("    ", stdout);
          braid__text_fputs_terminal (p->detail, stdout);
          putchar ('\n');
        }
      printf ("    at step %llu, t = %s\n", (unsigned long long) p->step,
              braid__cli_duration (p->time_ns, when, sizeof when));
      /* Who waits on what, who holds it, and the cycle. */
      if (p->kind == BRAID_PROBLEM_DEADLOCK
          && (full != NULL || (full = braid__cli_open (path)) != NULL))
        braid__cli_print_wait_graph (full, p->step, "    ");
    }
  braid_trace_close (full);
  return n;
}

int
braid__cli_problems (int argc, char **argv)
{
  int c;
  while ((c = braid__cli_getopt (argc, argv, ":h", options)) != -1)
    {
      if (c != 'h')
        return CLI_EXIT_USAGE;
      fputs (help, stdout);
      return 0;
    }
  /* Summary mode: every event is read, but nothing is kept per event. */
  braid_trace_load_options load = { .summary = true };
  cli_run run;
  if (braid__cli_run_open_with (argc, argv, &load, &run) != 0)
    return CLI_EXIT_USAGE;
  size_t n = 0;
  for (size_t k = 0; k < run.n; k++)
    n += print_problems (run.traces[k], run.paths[k], run.n > 1);
  if (n == 0)
    printf ("No problems.\n");
  else
    printf ("%zu problem%s%s.\n", n, n == 1 ? "" : "s",
            run.n > 1 ? " in the run" : "");
  braid__cli_run_close (&run);
  return n == 0 ? 0 : 1;
}
