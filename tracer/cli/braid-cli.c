/* braid-cli.c: the braid command line tool's entry point.
 *
 * Owns dispatching to the commands (one file each: cli-run.c,
 * cli-report.c, cli-problems.c, cli-export.c, cli-render.c,
 * cli-repair.c), the global
 * --help and --version, and the helpers the commands share. Nothing here
 * is hot.
 */
#include "cli.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <braid/braid.h>

static const char usage[]
  = "usage: braid <command> [options]\n"
    "\n"
    "Trace asynchronous programs built on braid, and read their traces.\n"
    "\n"
    "commands:\n"
    "  run -o FILE -- PROGRAM [ARGS...]   run PROGRAM, recording a trace\n"
    "  report FILE [--axis steps|time]    summary, per-task times, timeline\n"
    "  problems FILE                      never-retrieved errors, pending\n"
    "                                     tasks, slow steps, deadlocks\n"
    "  export --format chrome FILE -o OUT Chrome trace-event JSON (Perfetto)\n"
    "  render FILE -o OUT.png [options]   the viewer's timeline as a PNG\n"
    "  repair FILE                        finalize a trace whose recording\n"
    "                                     was killed (events table, views)\n"
    "\n"
    "  braid <command> --help    options of a command\n"
    "  braid --version           version and trace schema\n"
    "\n"
    "Exit status: the command's result; 2 for usage or input errors.\n";

static const struct
{
  const char *name;
  int (*fn) (int, char **);
} commands[] = {
  { "run", braid__cli_run },         { "report", braid__cli_report },
  { "problems", braid__cli_problems }, { "export", braid__cli_export },
  { "render", braid__cli_render },   { "repair", braid__cli_repair },
};

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fputs (usage, stderr);
      return CLI_EXIT_USAGE;
    }
  const char *cmd = argv[1];
  if (strcmp (cmd, "--help") == 0 || strcmp (cmd, "-h") == 0
      || strcmp (cmd, "help") == 0)
    {
      if (strcmp (cmd, "help") == 0 && argc > 2)
        {
          char *args[] = { argv[2], "--help", NULL };
          for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp (argv[2], commands[i].name) == 0)
              return commands[i].fn (2, args);
        }
      fputs (usage, stdout);
      return 0;
    }
  if (strcmp (cmd, "--version") == 0 || strcmp (cmd, "version") == 0)
    {
      printf ("braid %s (trace schema version %d)\n", BRAID_VERSION_STRING,
              BRAID_TRACE_SCHEMA_VERSION);
      return 0;
    }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (cmd, commands[i].name) == 0)
      return commands[i].fn (argc - 1, argv + 1);
  fprintf (stderr, "braid: unknown command '%s'\n\n%s", cmd, usage);
  return CLI_EXIT_USAGE;
}

braid_trace *
braid__cli_open (const char *path)
{
  braid_trace *trace = NULL;
  char *error = NULL;
  if (braid_trace_open (path, NULL, &trace, &error) != 0)
    {
      fprintf (stderr, "braid: %s\n",
               error ? error : "cannot load the trace");
      free (error);
      return NULL;
    }
  return trace;
}

const char *
braid__cli_duration (int64_t ns, char *buf, size_t size)
{
  double v = (double) ns;
  if (ns < 0)
    snprintf (buf, size, "-");
  else if (ns < 1000)
    snprintf (buf, size, "%lld ns", (long long) ns);
  else if (ns < 1000000)
    snprintf (buf, size, "%.1f us", v / 1e3);
  else if (ns < 1000000000)
    snprintf (buf, size, "%.1f ms", v / 1e6);
  else
    snprintf (buf, size, "%.2f s", v / 1e9);
  return buf;
}

int
braid__cli_self_dir (char *buf, size_t size)
{
  ssize_t n = readlink ("/proc/self/exe", buf, size - 1);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  char *slash = strrchr (buf, '/');
  if (slash == NULL)
    return -1;
  *slash = '\0';
  return 0;
}

int
braid__cli_usage_error (const char *cmd, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fputs ("braid: ", stderr);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fprintf (stderr, "\n(see 'braid %s --help')\n", cmd);
  return CLI_EXIT_USAGE;
}
