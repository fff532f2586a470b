/* recording-util.h: synthetic recordings for the tracer's benchmarks and
 * the tests of large files.
 *
 * The load: events shaped like a sleep(0) ping-pong between two tasks on
 * one loop (resumed, suspended by a yield, woken, an iteration every
 * other step, an output line every 16 steps), fed straight into the
 * tracer's hook as fast as one thread can, which is the writer's
 * sustained pace (lossless: far more than a ring holds). A recording can
 * be made in a child process that then dies without its clean end, as a
 * killed program does, leaving its batches unfinalized for `braid
 * repair`. Header-only.
 */
#ifndef RECORDING_UTIL_H
#define RECORDING_UTIL_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trace-test-util.h"

/* Feeds about @n events (a loop, two tasks, then whole steps until @n are
 * fed) into the active session. Returns the number fed. */
static inline uint64_t
feed_ping_pong (uint64_t n)
{
  feed (BRAID_EV_LOOP_CREATED, 1, 0, 0, 1, 0, 0, 0, "bench", NULL, NULL);
  feed (BRAID_EV_TASK_CREATED, 1, 1, 0, 1, 0, 0, 10, "ping", "ping_fn",
        "bench.c");
  feed (BRAID_EV_TASK_CREATED, 1, 2, 0, 1, 0, 0, 11, "pong", "pong_fn",
        "bench.c");
  uint64_t time_ns = 1000;
  uint64_t fed = 3, step = 0;
  char line[64];
  while (fed < n)
    {
      uint64_t task = 1 + (step & 1);
      time_ns += 150;
      if ((step & 1) == 0)
        {
          feed (BRAID_EV_ITERATION_BEGIN, time_ns, 0, 2, 1, 0,
                (int64_t) step / 2, 0, 0, 0, 0);
          fed++;
        }
      feed (BRAID_EV_TASK_RESUMED, time_ns, task, 0, 0, 0, 0, 0, 0, 0, 0);
      if ((step & 15) == 0)
        {
          snprintf (line, sizeof line, "step %llu",
                    (unsigned long long) (step & 255));
          feed (BRAID_EV_OUTPUT, time_ns + 20, task, 0, 0, 0, 8, 1, line,
                NULL, NULL);
          fed++;
        }
      feed (BRAID_EV_TASK_SUSPENDED, time_ns + 50, task, 0, 0,
            BRAID_WAIT_YIELD, 0, 0, 0, 0, 0);
      feed (BRAID_EV_TASK_WOKEN, time_ns + 50, task, task, 0,
            BRAID_WAIT_YIELD, 0, 0, 0, 0, 0);
      fed += 3;
      step++;
    }
  return fed;
}

/* Waits until the session's writer has stored @fed events (it counts
 * after a batch's row is inserted and commits right after). */
static inline void
wait_until_stored (uint64_t fed)
{
  while (atomic_load (&braid__the_session.n_events)
         < fed + atomic_load (&braid__the_session.n_observer_waits))
    g_usleep (200);
}

/* Records into @path, in a child process, whatever @scenario feeds (it
 * returns the number of events it fed), then kills the child (SIGKILL):
 * every batch committed, the file not finalized. A kill rather than an
 * _exit, so that under valgrind the child ends without a leak check of
 * the process it was forked from (which would fail it). Returns 0 when
 * the child did all that and died of the kill, -1 otherwise. */
static inline int
record_and_die (const char *path, uint64_t (*scenario) (void *data),
                void *data)
{
  fflush (NULL);
  pid_t pid = fork ();
  if (pid < 0)
    return -1;
  if (pid == 0)
    {
      if (braid__trace_begin (path, 0, 0) != 0)
        _exit (3);
      wait_until_stored (scenario (data));
      g_usleep (50000); /* the commit after the last batch's insert */
      raise (SIGKILL);
      _exit (4);
    }
  int status = 0;
  if (waitpid (pid, &status, 0) != pid || !WIFSIGNALED (status)
      || WTERMSIG (status) != SIGKILL)
    return -1;
  return 0;
}

/* A scenario for record_and_die: feed_ping_pong of *(uint64_t *) @data
 * events. */
static inline uint64_t
ping_pong_scenario (void *data)
{
  return feed_ping_pong (*(const uint64_t *) data);
}

/* braid_trace_repair of @path, the error (if any) on stderr. Returns 0
 * when it finalized at least @min_events events, 1 otherwise. */
static inline int
repair_quietly (const char *path, uint64_t min_events)
{
  char *error = NULL;
  uint64_t n = 0;
  int rc = braid_trace_repair (path, &n, &error);
  if (rc != 0)
    fprintf (stderr, "repair: %s\n", error ? error : "?");
  free (error);
  return rc == 0 && n >= min_events ? 0 : 1;
}

static inline double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Runs @argv to its end; returns its exit status (-1 when it could not
 * run), its peak resident memory in *maxrss_kb and its CPU time (user and
 * system) in *cpu_s. */
static inline int
run_measured_cpu (char *const *argv, long *maxrss_kb, double *cpu_s)
{
  pid_t pid = fork ();
  if (pid < 0)
    return -1;
  if (pid == 0)
    {
      execv (argv[0], argv);
      _exit (127);
    }
  int status = 0;
  struct rusage ru;
  pid_t got;
  while ((got = wait4 (pid, &status, 0, &ru)) < 0 && errno == EINTR)
    ;
  if (got != pid)
    return -1;
  *maxrss_kb = ru.ru_maxrss;
  *cpu_s = (double) ru.ru_utime.tv_sec + (double) ru.ru_utime.tv_usec / 1e6
           + (double) ru.ru_stime.tv_sec + (double) ru.ru_stime.tv_usec / 1e6;
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* run_measured_cpu without the CPU time. */
static inline int
run_measured (char *const *argv, long *maxrss_kb)
{
  double cpu_s;
  return run_measured_cpu (argv, maxrss_kb, &cpu_s);
}

#endif /* RECORDING_UTIL_H */
