/* cli-run.c: `braid run [-o FILE] [--] PROGRAM ARGS...`.
 *
 * Runs a program with tracing switched on from outside: it sets
 * BRAID_TRACE to the output file and, when the tracer module is not
 * already on the runtime's module list, points BRAID_MODULES at the
 * libbraid-trace that braid itself runs with. The exit status is the
 * program's (128 + N when it died of signal N); 2 when braid could not run
 * it at all, or when no trace was written (an unwritable path, a program
 * that did not load the tracer): the program still runs in both cases.
 * A Python program runs under the braid Python module instead
 * (cli-run-python.c).
 */
#define _GNU_SOURCE /* pipe2, dladdr, strchrnul */
#include "cli.h"
#include "safe-text.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char help[]
  = "usage: braid run [-o FILE] [--view] [--] PROGRAM [ARGS...]\n"
    "\n"
    "Runs PROGRAM (any program linked with libbraid) and records every task\n"
    "event into the trace FILE (default trace.braid), replacing it. A Python\n"
    "program (python3 prog.py ARGS, or prog.py ARGS) runs under the braid\n"
    "Python module, which records its asyncio tasks. Each process of the\n"
    "program's tree that links libbraid writes a trace of its own: the\n"
    "first FILE, the others FILE with their pid before the extension\n"
    "(trace.1234.braid); braid run lists them when there are several.\n"
    "\n"
    "  -o, --output FILE   the trace to write (an SQLite file; .braid is\n"
    "                      its usual extension)\n"
    "  --view              open braid-viewer on FILE as the program starts:\n"
    "                      it follows the trace while the program runs\n"
    "  -h, --help          this help\n"
    "\n"
    "Exit status: PROGRAM's own (128+N if it died of signal N); 2 if it\n"
    "could not be started or no trace was written (the reason is said).\n";

enum
{
  OPT_VIEW = 256,
};

static const struct option options[] = {
  { "output", required_argument, NULL, 'o' },
  { "view", no_argument, NULL, OPT_VIEW },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static pid_t child_pid;

static void
forward_signal (int sig)
{
  if (child_pid > 0)
    kill (child_pid, sig);
}

/* The path of the libbraid-trace this braid runs with (dladdr on one of
 * its functions), into @buf. Returns 0, or -1 when it is not known. */
static int
tracer_path (char *buf, size_t size)
{
  Dl_info info;
  if (!dladdr ((void *)braid_trace_open, &info) || !info.dli_fname
      || info.dli_fname[0] != '/' || strlen (info.dli_fname) >= size)
    return -1;
  strcpy (buf, info.dli_fname);
  return 0;
}

/* Whether the colon-separated list @modules names a tracer: an entry
 * whose file name is the tracer library's (libbraid-trace.so, with or
 * without a version after it), whatever its folder. Only the file name
 * counts, so that another module whose path merely contains the words
 * (/opt/braid-tracer-extras.so) is not taken for one. */
static bool
names_tracer (const char *modules)
{
  static const char lib[] = "libbraid-trace.so";
  const char *entry = modules;
  for (;;)
    {
      const char *end = strchrnul (entry, ':');
      const char *base = entry;
      for (const char *c = entry; c < end; c++)
        if (*c == '/')
          base = c + 1;
      size_t n = (size_t)(end - base);
      if (n >= sizeof lib - 1 && memcmp (base, lib, sizeof lib - 1) == 0
          && (n == sizeof lib - 1 || base[sizeof lib - 1] == '.'))
        return true;
      if (*end == '\0')
        return false;
      entry = end + 1;
    }
}

/* Makes sure the program will load the same tracer as braid itself, the
 * one whose format this braid reads: appended to BRAID_MODULES when that
 * is set (and names no tracer), else set as its only entry. Wherever
 * braid is (installed in any prefix, or in a build tree), its tracer is
 * found. */
static void
setup_modules (void)
{
  char module[4096];
  if (tracer_path (module, sizeof module) != 0)
    return;
  const char *current = getenv ("BRAID_MODULES");
  if (current != NULL && names_tracer (current))
    return;
  braid__cli_env_list_add ("BRAID_MODULES", module, false);
}

/* Whether the trace @path can be created: tried by creating it (and
 * removing it again) so that every reason (a missing folder, no write
 * permission, a read-only file system) is found and said in one line. */
static bool
trace_path_writable (const char *path)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      fprintf (stderr,
               "braid: cannot write the trace %s: %s (the program runs "
               "untraced)\n",
               path, strerror (errno));
      return false;
    }
  close (fd);
  unlink (path);
  return true;
}

static void
remove_trace (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  for (size_t i = 0; i < 4; i++)
    {
      char name[4200];
      snprintf (name, sizeof name, "%s%s", path, suffixes[i]);
      unlink (name);
    }
}

/* The name of the trace of a process of the tree other than the first
 * (braid_module_init in tracer/recorder/session.c): @output with ".PID"
 * before its extension. Whether @name, in @output's directory, is one. */
static bool
is_tree_trace (const char *output, const char *name)
{
  const char *slash = strrchr (output, '/');
  const char *base = slash ? slash + 1 : output;
  const char *dot = strrchr (base, '.');
  if (dot == NULL || dot == base)
    dot = base + strlen (base);
  size_t stem = (size_t) (dot - base);
  if (strncmp (name, base, stem) != 0 || name[stem] != '.')
    return false;
  const char *p = name + stem + 1;
  if (*p < '1' || *p > '9')
    return false;
  while (*p >= '0' && *p <= '9')
    p++;
  return strcmp (p, dot) == 0;
}

/* Says on stderr which traces the processes of the program's tree wrote
 * since @since, when there is more than @output's. */
static void
list_tree_traces (const char *output, time_t since)
{
  const char *slash = strrchr (output, '/');
  char dir[4200];
  snprintf (dir, sizeof dir, "%.*s", slash ? (int) (slash - output) : 1,
            slash ? output : ".");
  if (slash == output)
    snprintf (dir, sizeof dir, "/");
  DIR *d = opendir (dir);
  if (d == NULL)
    return;
  struct dirent *e;
  bool first = true;
  while ((e = readdir (d)) != NULL)
    {
      char path[8400];
      struct stat st;
      if (!is_tree_trace (output, e->d_name))
        continue;
      snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
      if (stat (path, &st) != 0 || st.st_mtime < since)
        continue;
      if (first)
        {
          fputs ("braid: traces written: ", stderr);
          braid__text_fputs_terminal (output, stderr);
          first = false;
        }
      fputs (", ", stderr);
      braid__text_fputs_terminal (slash ? path : e->d_name, stderr);
    }
  if (!first)
    fputc ('\n', stderr);
  closedir (d);
}

/* Starts @viewer on @output, detached (a session of its own, so that the
 * terminal's Ctrl+C for the program leaves it open, and reaped at once
 * through an intermediate child). */
static void
launch_viewer (const char *viewer, const char *output)
{
  pid_t child = fork ();
  if (child < 0)
    {
      fprintf (stderr, "braid: fork: %s\n", strerror (errno));
      return;
    }
  if (child == 0)
    {
      if (fork () == 0)
        {
          setsid ();
          int null = open ("/dev/null", O_RDONLY | O_CLOEXEC);
          if (null >= 0)
            dup2 (null, 0);
          execl (viewer, viewer, output, (char *) NULL);
          fprintf (stderr, "braid: cannot run %s: %s\n", viewer,
                   strerror (errno));
          _exit (127);
        }
      _exit (0);
    }
  while (waitpid (child, NULL, 0) < 0 && errno == EINTR)
    ;
}

/* braid run --view: waits, while the program @pid runs, for its trace
 * @output to hold a braid schema (the program has made its first loop),
 * then opens braid-viewer on it, which follows it as it grows. Returns
 * then, or when the program ended first: *@reaped says so, with its
 * status in *@status (its trace, if any, is shown whole). */
static void
view_when_ready (const char *output, pid_t pid, int *status, bool *reaped)
{
  char viewer[4200];
  if (braid__cli_find_helper ("braid-viewer", "BRAID_VIEWER", viewer,
                              sizeof viewer)
      != 0)
    {
      fprintf (stderr,
               "braid: --view needs braid-viewer, which is not built "
               "(looked for %s); the program runs without it\n",
               viewer);
      return;
    }
  for (;;)
    {
      if (!*reaped && waitpid (pid, status, WNOHANG) == pid)
        *reaped = true;
      braid_trace_writer_status st;
      if (braid_trace_probe (output, &st, NULL) == 0)
        {
          launch_viewer (viewer, output);
          return;
        }
      if (*reaped)
        return; /* no trace: said below */
      struct timespec ts = { 0, 20000000 };
      nanosleep (&ts, NULL);
    }
}

int
braid__cli_run (int argc, char **argv)
{
  const char *output = "trace.braid";
  bool view = false;
  /* "+": braid's options end at PROGRAM, whose own options are its. */
  int c;
  while ((c = braid__cli_getopt (argc, argv, "+:ho:", options)) != -1)
    switch (c)
      {
      case 'h':
        fputs (help, stdout);
        return 0;
      case 'o':
        output = optarg;
        break;
      case OPT_VIEW:
        view = true;
        break;
      default:
        return CLI_EXIT_USAGE;
      }
  int i = optind;
  if (i >= argc)
    return braid__cli_usage_error ("run", "no program to run");
  if (output[0] == '\0')
    return braid__cli_usage_error ("run", "empty output file name");

  remove_trace (output);
  /* The first process of the tree to create OUTPUT.owner writes OUTPUT
   * (braid_module_init). */
  char owner[4200];
  snprintf (owner, sizeof owner, "%s.owner", output);
  unlink (owner);
  time_t started = time (NULL);
  /* A trace path that cannot be written is said before the program runs,
   * which then runs untraced; braid run still fails at the end. */
  bool writable = trace_path_writable (output);
  if (writable)
    {
      setenv ("BRAID_TRACE", output, 1);
      setenv ("BRAID_TRACE_TREE", "claim", 1);
      /* Every traced process of the tree records this run id
       * (meta.run_id), which tells the CLI their traces belong together. */
      struct timespec now;
      clock_gettime (CLOCK_REALTIME, &now);
      char run_id[40];
      snprintf (run_id, sizeof run_id, "%llx-%lx",
                (unsigned long long) now.tv_sec * 1000000000ULL
                  + (unsigned long long) now.tv_nsec,
                (long) getpid ());
      setenv ("BRAID_TRACE_RUN", run_id, 1);
    }
  else
    unsetenv ("BRAID_TRACE");
  setup_modules ();

  /* A Python program runs under the braid Python module. */
  char **python = NULL;
  if (braid__cli_run_python (argv + i, &python) != 0)
    return CLI_EXIT_USAGE;
  char **run = python ? python : argv + i;

  /* A close-on-exec pipe tells the parent whether exec failed. */
  int fds[2];
  if (pipe2 (fds, O_CLOEXEC) != 0)
    {
      fprintf (stderr, "braid: pipe: %s\n", strerror (errno));
      return CLI_EXIT_USAGE;
    }
  fflush (NULL);
  pid_t pid = fork ();
  if (pid < 0)
    {
      fprintf (stderr, "braid: fork: %s\n", strerror (errno));
      return CLI_EXIT_USAGE;
    }
  if (pid == 0)
    {
      close (fds[0]);
      execvp (run[0], run);
      int err = errno;
      if (write (fds[1], &err, sizeof err) < 0)
        _exit (127);
      _exit (127);
    }
  close (fds[1]);
  child_pid = pid;
  int exec_errno = 0;
  ssize_t got;
  do
    got = read (fds[0], &exec_errno, sizeof exec_errno);
  while (got < 0 && errno == EINTR);
  close (fds[0]);

  /* The terminal sends SIGINT to the whole group: the program gets it by
   * itself, and braid stays to report its status. SIGTERM aimed at braid
   * is passed on. */
  signal (SIGINT, SIG_IGN);
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = forward_signal;
  sigaction (SIGTERM, &sa, NULL);

  int status = 0;
  bool reaped = false;
  if (view && writable && got != (ssize_t) sizeof exec_errno)
    view_when_ready (output, pid, &status, &reaped);
  while (!reaped && waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      {
        fprintf (stderr, "braid: waitpid: %s\n", strerror (errno));
        return CLI_EXIT_USAGE;
      }
  if (got == (ssize_t) sizeof exec_errno)
    {
      fprintf (stderr, "braid: cannot run %s: %s\n", argv[i],
               strerror (exec_errno));
      return CLI_EXIT_USAGE;
    }
  struct stat st;
  unlink (owner);
  if (!writable)
    return CLI_EXIT_USAGE;
  list_tree_traces (output, started);
  /* The braid Python module says itself why it did not start (status
   * 2): a missing file, a syntax error... */
  bool said = python != NULL && WIFEXITED (status)
              && WEXITSTATUS (status) == CLI_EXIT_USAGE;
  free (python);
  if (stat (output, &st) != 0)
    {
      if (!said)
        fprintf (stderr,
                 "braid: no trace was written to %s: %s did not load the "
                 "tracer (is it linked with libbraid, and does it create a "
                 "loop?)\n",
                 output, argv[i]);
      return CLI_EXIT_USAGE;
    }
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}
