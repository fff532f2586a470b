/* cli-problems.c: `braid problems FILE`.
 *
 * Lists every problem the reader found in a trace (never-retrieved
 * errors with their creation and raise sites, tasks destroyed while
 * pending, steps that held the loop, deadlocks, an incomplete trace), one
 * summary line and one detail line each. Exit status 1 when there is any
 * problem, 0 when there is none, 2 when the file cannot be read. The
 * summaries quote task names and error messages, printed through
 * safe-text.c, which escapes control characters.
 */
#include "cli.h"
#include "safe-text.h"

#include <stdio.h>
#include <string.h>

static const char help[]
  = "usage: braid problems FILE\n"
    "\n"
    "Lists the problems of a trace: errors never retrieved (with where the\n"
    "task was created and where it raised), tasks destroyed while pending,\n"
    "steps that held the loop too long, deadlocks, an incomplete trace.\n"
    "\n"
    "  -h, --help   this help\n"
    "\n"
    "Exit status: 1 if there is any problem, 0 if none, 2 if FILE cannot\n"
    "be read.\n";

int
braid__cli_problems (int argc, char **argv)
{
  int status;
  const char *path = braid__cli_file_only (argc, argv, help, &status);
  if (path == NULL)
    return status;
  braid_trace *trace = braid__cli_open (path);
  if (trace == NULL)
    return CLI_EXIT_USAGE;

  size_t n;
  const braid_trace_problem *problems = braid_trace_get_problems (trace, &n);
  for (size_t i = 0; i < n; i++)
    {
      const braid_trace_problem *p = &problems[i];
      char when[32];
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
    }
  if (n == 0)
    printf ("No problems.\n");
  else
    printf ("%zu problem%s.\n", n, n == 1 ? "" : "s");
  braid_trace_close (trace);
  return n == 0 ? 0 : 1;
}
