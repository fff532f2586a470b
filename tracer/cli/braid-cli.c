/* braid-cli.c: the braid command line tool's entry point.
 *
 * Owns dispatching to the commands (one file each: cli-run.c,
 * cli-report.c, cli-problems.c, cli-export.c, cli-render.c,
 * cli-repair.c, cli-diff.c), the global
 * --help and --version, and the helpers the commands share. Options are
 * parsed with getopt_long, the global ones up to the command's name, the
 * command's own from there on. Nothing here is hot.
 */
#include "cli.h"

#include <getopt.h>
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
    "  run [-o FILE] [--] PROGRAM [ARGS...]\n"
    "                                     run PROGRAM, recording a trace\n"
    "                                     (default trace.braid)\n"
    "  report FILE [--axis steps|time]    summary, per-task times, timeline\n"
    "  problems FILE                      never-retrieved errors, pending\n"
    "                                     tasks, slow steps, deadlocks\n"
    "  diff [options] A B                 compare two traces' schedules step\n"
    "                                     by step: first divergence, tasks\n"
    "  export --format chrome FILE -o OUT Chrome trace-event JSON (Perfetto)\n"
    "  render FILE -o OUT.png [options]   the viewer's timeline as a PNG\n"
    "  repair FILE                        finalize a trace whose recording\n"
    "                                     was killed (events table, views)\n"
    "\n"
    "  braid <command> --help    options of a command\n"
    "  braid -h, --help          this help\n"
    "  braid --version           version and trace schema\n"
    "\n"
    "A trace is an SQLite file; braid names it FILE.braid, but any name\n"
    "works.\n"
    "\n"
    "Exit status: the command's result; 2 for usage or input errors.\n";

enum
{
  OPT_VERSION = CLI_LONG_ONLY,
};

static const struct option options[] = {
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, OPT_VERSION },
  { NULL, 0, NULL, 0 },
};

static const struct
{
  const char *name;
  int (*fn) (int, char **);
} commands[] = {
  { "run", braid__cli_run },         { "report", braid__cli_report },
  { "problems", braid__cli_problems }, { "export", braid__cli_export },
  { "render", braid__cli_render },   { "repair", braid__cli_repair },
  { "diff", braid__cli_diff },
};

static void
print_version (void)
{
  printf ("braid %s (trace schema version %d)\n", BRAID_VERSION_STRING,
          BRAID_TRACE_SCHEMA_VERSION);
}

int
main (int argc, char **argv)
{
  /* "+": the global options end at the command's name, whose own options
   * its function parses. */
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+:h", options, NULL)) != -1)
    switch (c)
      {
      case 'h':
        fputs (usage, stdout);
        return 0;
      case OPT_VERSION:
        print_version ();
        return 0;
      default:
        {
          char problem[256];
          braid__cli_option_problem (c, argv, options, problem,
                                     sizeof problem);
          fprintf (stderr, "braid: %s\n(see 'braid --help')\n", problem);
          return CLI_EXIT_USAGE;
        }
      }
  if (optind >= argc)
    {
      fputs (usage, stderr);
      return CLI_EXIT_USAGE;
    }
  const char *cmd = argv[optind];
  int cmd_argc = argc - optind;
  char **cmd_argv = argv + optind;
  /* A command parses its arguments from the start again (optind 0 also
   * makes glibc read the command's own "+" or not). */
  optind = 0;
  if (strcmp (cmd, "help") == 0)
    {
      if (cmd_argc > 1)
        {
          char *args[] = { cmd_argv[1], "--help", NULL };
          for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp (cmd_argv[1], commands[i].name) == 0)
              return commands[i].fn (2, args);
        }
      fputs (usage, stdout);
      return 0;
    }
  if (strcmp (cmd, "version") == 0)
    {
      print_version ();
      return 0;
    }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (cmd, commands[i].name) == 0)
      return commands[i].fn (cmd_argc, cmd_argv);
  fprintf (stderr, "braid: unknown command '%s'\n(see 'braid --help')\n",
           cmd);
  return CLI_EXIT_USAGE;
}

braid_trace *
braid__cli_open (const char *path)
{
  return braid__cli_open_with (path, NULL);
}

braid_trace *
braid__cli_open_with (const char *path,
                      const braid_trace_load_options *load)
{
  braid_trace *trace = NULL;
  char *error = NULL;
  if (braid_trace_open (path, load, &trace, &error) != 0)
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
braid__cli_env_list_add (const char *var, const char *entry, bool first)
{
  const char *old = getenv (var);
  if (old == NULL || old[0] == '\0')
    return setenv (var, entry, 1);
  size_t n = strlen (entry) + strlen (old) + 2;
  char *list = malloc (n);
  if (list == NULL)
    return -1;
  snprintf (list, n, "%s:%s", first ? entry : old, first ? old : entry);
  int rc = setenv (var, list, 1);
  free (list);
  return rc;
}

int
braid__cli_find_helper (const char *name, const char *env, char *buf,
                        size_t size)
{
  char dir[4096];
  char candidates[3][4200];
  int n = 0;
  const char *value = getenv (env);
  if (value && *value)
    snprintf (candidates[n++], sizeof candidates[0], "%s", value);
  if (braid__cli_self_dir (dir, sizeof dir) == 0)
    snprintf (candidates[n++], sizeof candidates[0], "%s/%s", dir, name);
  snprintf (candidates[n++], sizeof candidates[0], "%s/%s", BRAID_BINDIR,
            name);
  for (int i = 0; i < n; i++)
    if (access (candidates[i], X_OK) == 0)
      {
        snprintf (buf, size, "%s", candidates[i]);
        return 0;
      }
  snprintf (buf, size, "%s", candidates[0]);
  return -1;
}

int
braid__cli_getopt (int argc, char **argv, const char *optstring,
                   const struct option *longopts)
{
  opterr = 0;
  int c = getopt_long (argc, argv, optstring, longopts, NULL);
  if (c == '?' || c == ':')
    {
      char problem[256];
      braid__cli_option_problem (c, argv, longopts, problem, sizeof problem);
      braid__cli_usage_error (argv[0], "%s", problem);
      return '?';
    }
  return c;
}

const char *
braid__cli_trace_arg (int argc, char **argv)
{
  if (argc - optind > 1)
    {
      braid__cli_usage_error (argv[0], "one trace file only");
      return NULL;
    }
  if (optind >= argc)
    {
      braid__cli_usage_error (argv[0], "no trace file given");
      return NULL;
    }
  return argv[optind];
}

const char *
braid__cli_file_only (int argc, char **argv, const char *help, int *status)
{
  static const struct option help_only[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  /* -h is the only option, so the first answer settles it. */
  int c = braid__cli_getopt (argc, argv, ":h", help_only);
  *status = c == 'h' ? 0 : CLI_EXIT_USAGE;
  if (c == 'h')
    fputs (help, stdout);
  return c == -1 ? braid__cli_trace_arg (argc, argv) : NULL;
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
