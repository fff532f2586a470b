/* session.c: starting and stopping the recording of a process.
 *
 * Owns the life of the one recording session: braid_trace_start and
 * braid_trace_stop, the module entry point that the runtime calls at its
 * first loop creation (it starts recording when BRAID_TRACE is set), and
 * the guarantees that a trace is valid after any exit: an atexit handler,
 * SIGINT and SIGTERM handlers that flush and then re-raise the signal with
 * its default action, and a fork handler so that a child does not write
 * into its parent's trace; and the file of each process of a traced
 * process tree (tree_path). Nothing here is on the hot path.
 */
#include "trace-private.h"

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <braid/braid.h>

/* Serialises start and stop between threads (never taken by the hook). */
static pthread_mutex_t control = PTHREAD_MUTEX_INITIALIZER;
static int exit_handlers_installed;

static const int caught_signals[] = { SIGINT, SIGTERM };
#define N_CAUGHT (sizeof caught_signals / sizeof caught_signals[0])

/* Flushes from inside a signal handler. pthread_join and the condition
 * variable are not async-signal-safe, so this only raises the stop flag
 * and polls until the writer says it is done (it wakes at least every 10
 * ms by itself), which includes finalizing the file (about a second per
 * million events). Gives up after 30 s so a broken disk cannot hang a
 * kill: the committed batches then stay in the file, for braid repair. */
static void
flush_from_signal (void)
{
  braid__session *s = &braid__the_session;
  int expected = BRAID__SESSION_ACTIVE;
  if (!atomic_compare_exchange_strong (&s->state, &expected,
                                       BRAID__SESSION_STOPPING))
    return;
  braid__record_set_active (0);
  atomic_store (&s->stop_requested, 1);
  for (int i = 0; i < 30000; i++)
    {
      if (atomic_load_explicit (&s->writer_done, memory_order_acquire))
        return;
      struct timespec ts = { 0, 1000000 };
      nanosleep (&ts, NULL);
    }
}

static void
on_signal (int sig)
{
  flush_from_signal ();
  /* Re-raise with the default action: the process ends as it would
   * have without tracing, with the same status for its parent. The
   * signal is blocked while this handler runs and is delivered again,
   * now fatal, as soon as it returns. */
  struct sigaction dfl;
  memset (&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset (&dfl.sa_mask);
  sigaction (sig, &dfl, NULL);
  raise (sig);
}

static void
on_exit_flush (void)
{
  braid_trace_stop ();
}

/* A forked child has no writer thread: it must not record into the
 * parent's rings. */
static void
on_fork_child (void)
{
  atomic_store (&braid__the_session.state, BRAID__SESSION_OFF);
  braid__record_set_active (0);
}

static void
install_exit_handlers (void)
{
  if (exit_handlers_installed)
    return;
  exit_handlers_installed = 1;
  atexit (on_exit_flush);
  pthread_atfork (NULL, NULL, on_fork_child);
  for (size_t i = 0; i < N_CAUGHT; i++)
    {
      struct sigaction old;
      if (sigaction (caught_signals[i], NULL, &old) != 0)
        continue;
      /* Respect a program that ignores the signal or handles it itself:
       * its handler will end the process through exit(), which flushes. */
      if (old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO))
        continue;
      struct sigaction sa;
      memset (&sa, 0, sizeof sa);
      sa.sa_handler = on_signal;
      sigemptyset (&sa.sa_mask);
      sa.sa_flags = SA_RESTART;
      sigaction (caught_signals[i], &sa, NULL);
    }
}

/* The largest ring: 2^24 slots of 32 bytes, 512 MiB per recording
 * thread. A larger request (BRAID_TRACE_RING) gets this one. */
#define MAX_RING_CAPACITY ((size_t)1 << 24)

/* A ring's capacity for @n slots asked: a power of two (the ring indexes
 * with a mask), at least 64, room for an observer wait and a wide event,
 * which record.c counts on, and at most MAX_RING_CAPACITY. */
static size_t
round_up_pow2 (size_t n)
{
  size_t p = 64;
  while (p < n && p < MAX_RING_CAPACITY)
    p <<= 1;
  return p;
}

/* Stores in @buf (40 bytes) a new run id: the wall-clock time in ns and
 * the pid, in hex, which no other run on this machine shares. */
static void
new_run_id (char *buf)
{
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  snprintf (buf, 40, "%llx-%lx",
            (unsigned long long) now.tv_sec * 1000000000ULL
              + (unsigned long long) now.tv_nsec,
            (long) getpid ());
}

/* Starts a session: braid__trace_begin with the meta.program and
 * meta.arguments of braid_trace_start_with (NULL: the command line) and
 * the run id @run_id (NULL: a run of its own). */
static int
begin (const char *path, int install_hooks, size_t ring_capacity,
       const char *program, const char *arguments, const char *run_id)
{
  braid__session *s = &braid__the_session;
  if (path == NULL || path[0] == '\0')
    {
      fprintf (stderr, "braid-trace: no trace file given\n");
      return BRAID_EINVAL;
    }
  pthread_mutex_lock (&control);
  if (atomic_load (&s->state) != BRAID__SESSION_OFF)
    {
      pthread_mutex_unlock (&control);
      fprintf (stderr, "braid-trace: already recording to %s\n", s->path);
      return BRAID_EBUSY;
    }
  braid__producers_free (s);
  free (s->path);
  s->path = strdup (path);
  free (s->program);
  free (s->arguments);
  s->program = program ? strdup (program) : NULL;
  s->arguments = program ? strdup (arguments ? arguments : "") : NULL;
  if (s->path == NULL || (program != NULL && s->arguments == NULL)
      || (program != NULL && s->program == NULL))
    {
      pthread_mutex_unlock (&control);
      return BRAID_ENOMEM;
    }
  if (run_id != NULL)
    snprintf (s->run_id, sizeof s->run_id, "%s", run_id);
  else
    new_run_id (s->run_id);
  atomic_store (&s->next_seq, 0); /* the last seq handed out */
  atomic_store (&s->next_string, 1);
  atomic_store (&s->time_base, INT64_MIN);
  atomic_store (&s->stop_requested, 0);
  atomic_store (&s->writer_done, 0);
  atomic_store (&s->writer_sleeping, 0);
  atomic_store (&s->n_events, 0);
  atomic_store (&s->n_observer_waits, 0);
  if (ring_capacity == 0)
    {
      const char *env = getenv ("BRAID_TRACE_RING");
      ring_capacity = env ? strtoull (env, NULL, 10) : 0;
    }
  s->ring_capacity = ring_capacity ? round_up_pow2 (ring_capacity) : 0;

  int rc = braid__writer_start (s);
  if (rc != 0)
    {
      pthread_mutex_unlock (&control);
      return rc;
    }
  atomic_store (&s->state, BRAID__SESSION_ACTIVE);
  braid__record_set_active (1);
  s->hooks_installed = 0;
  if (install_hooks)
    {
      rc = braid_hooks_install (braid__trace_hook, NULL);
      if (rc == 0)
        s->hooks_installed = 1;
      else
        fprintf (stderr,
                 "braid-trace: another observer is installed; %s records "
                 "only what is fed to it directly\n",
                 path);
    }
  install_exit_handlers ();
  pthread_mutex_unlock (&control);
  return 0;
}

int
braid__trace_begin (const char *path, int install_hooks,
                    size_t ring_capacity)
{
  return begin (path, install_hooks, ring_capacity, NULL, NULL, NULL);
}

/* Process trees. BRAID_TRACE is inherited by the children of a traced
 * program, and each traced process writes its own file: the first one
 * the path itself, every other one the path with its pid before the
 * extension (trace.braid, trace.1234.braid), never overwriting another.
 * This applies to a path that came from the environment (braid_trace_start
 * and braid_trace_start_with given BRAID_TRACE's value, as the module
 * entry point and the braid Python module do). BRAID_TRACE_TREE says how
 * the path stands: unset, this is the first
 * traced process of its tree (a program run with BRAID_TRACE by hand),
 * which takes the path; "claim", set by braid run, the path goes to the
 * first process that creates PATH.owner (so that of two programs a
 * script runs, only one takes it); "taken", set by every traced process
 * for its children, the path is someone else's. BRAID_TRACE_RUN names
 * the run all of them belong to (meta.run_id): set by braid run, or else
 * by the first traced process for its children. */
#define TREE_VARIABLE "BRAID_TRACE_TREE"
#define RUN_VARIABLE "BRAID_TRACE_RUN"

/* Stores in @buf (@size bytes) @path with ".PID" before its extension
 * (the last dot of the last component), or at its end without one. */
static void
path_with_pid (const char *path, char *buf, size_t size)
{
  const char *slash = strrchr (path, '/');
  const char *dot = strrchr (slash ? slash + 1 : path, '.');
  if (dot == NULL || dot == (slash ? slash + 1 : path))
    dot = path + strlen (path);
  snprintf (buf, size, "%.*s.%ld%s", (int) (dot - path), path,
            (long) getpid (), dot);
}

/* Whether this process takes @path itself (see TREE_VARIABLE). */
static bool
takes_path (const char *path)
{
  const char *tree = getenv (TREE_VARIABLE);
  if (tree == NULL || tree[0] == '\0')
    return true;
  if (strcmp (tree, "claim") != 0)
    return false;
  char owner[4200];
  snprintf (owner, sizeof owner, "%s.owner", path);
  int fd = open (owner, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return false;
  close (fd);
  return true;
}

/* The file this process records into when asked for @path: @path, or
 * @path with the pid (stored in @buf of @size bytes) when @path is
 * BRAID_TRACE's and another process of the tree has it. Either way, this
 * process's children that trace will write files of their own, and
 * @run_id (40 bytes) gets the tree's run id, made here for the first
 * process of a tree and inherited by its children; for another path it
 * is left empty (a run of its own). */
static const char *
tree_path (const char *path, char *buf, size_t size, char *run_id)
{
  run_id[0] = '\0';
  const char *env = getenv ("BRAID_TRACE");
  if (path == NULL || env == NULL || strcmp (path, env) != 0)
    return path;
  const char *run = getenv (RUN_VARIABLE);
  if (run != NULL && run[0] != '\0' && strlen (run) < 40)
    snprintf (run_id, 40, "%s", run);
  else
    {
      new_run_id (run_id);
      setenv (RUN_VARIABLE, run_id, 1);
    }
  if (!takes_path (path))
    {
      path_with_pid (path, buf, size);
      path = buf;
    }
  setenv (TREE_VARIABLE, "taken", 1);
  return path;
}

int
braid_trace_start (const char *path)
{
  char own[4200], run_id[40];
  const char *file = tree_path (path, own, sizeof own, run_id);
  return begin (file, 1, 0, NULL, NULL, run_id[0] ? run_id : NULL);
}

int
braid_trace_start_with (const char *path,
                        const braid_trace_start_options *options)
{
  braid_trace_start_options none = { 0 };
  if (options == NULL)
    options = &none;
  char own[4200], run_id[40];
  const char *file = tree_path (path, own, sizeof own, run_id);
  return begin (file, !options->foreign, 0, options->program,
                options->arguments, run_id[0] ? run_id : NULL);
}

void
braid_trace_record (const braid_event *event)
{
  if (event != NULL)
    braid__trace_hook (NULL, event);
}

int
braid_trace_stop (void)
{
  braid__session *s = &braid__the_session;
  pthread_mutex_lock (&control);
  int expected = BRAID__SESSION_ACTIVE;
  if (!atomic_compare_exchange_strong (&s->state, &expected,
                                       BRAID__SESSION_STOPPING))
    {
      /* A signal handler may have flushed already: nothing to do. */
      pthread_mutex_unlock (&control);
      return 0;
    }
  braid__record_set_active (0);
  if (s->hooks_installed)
    {
      braid_hooks_uninstall (braid__trace_hook);
      s->hooks_installed = 0;
    }
  braid__writer_join (s);
  atomic_store (&s->state, BRAID__SESSION_OFF);
  pthread_mutex_unlock (&control);
  return 0;
}

/* braid_module_init:
 * The entry point the runtime calls when it loads this library as a
 * module (BRAID_MODULES, or the default module found beside libbraid).
 * Starts recording when BRAID_TRACE names a file; otherwise does nothing,
 * so loading the tracer costs an untraced program nothing. Exported (the
 * library is built with hidden visibility) for the runtime's dlsym.
 * Returns 0, or the negative code of braid_trace_start. */
__attribute__ ((visibility ("default"))) int braid_module_init (void);

int
braid_module_init (void)
{
  const char *path = getenv ("BRAID_TRACE");
  if (path == NULL || path[0] == '\0')
    return 0;
  if (atomic_load (&braid__the_session.state) != BRAID__SESSION_OFF)
    return 0;
  return braid_trace_start (path);
}
