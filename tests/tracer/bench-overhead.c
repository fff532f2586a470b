/* bench-overhead.c: what tracing costs a running program.
 *
 * 1. Two tasks ping-ponging with sleep(0) (the worst case: nothing but
 *    task switches, 2.5 events per switch), run untraced, with a hook that
 *    does nothing (what the runtime itself spends reporting events: it
 *    fills a braid_event and reads its clock for each), and traced into a
 *    file: a burst that fits in the ring (the hook's own cost) and a
 *    sustained run of many rings (the writer's pace, lossless).
 * 2. A TCP echo ping-pong over loopback with the runtime's streams
 *    (braid_tcp_*): an I/O-bound program, untraced and traced.
 * Same process, same loop code; runs alternate so that the load of the
 * shared machine hits both alike. For the I/O runs the CPU time of the
 * loop's thread is printed too: wall time on a loaded 2-core machine
 * varies by more than the effect measured. Prints figures only (targets:
 * sleep(0) traced/untraced <= 2x, I/O overhead <= 2 %), and the load average.
 * Usage: bench-tracer-overhead [YIELDS PER TASK] [ECHO ROUND TRIPS]
 * [BURST YIELDS PER TASK] (defaults 500,000, 20,000 and 100,000; small
 * figures for callgrind).
 */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "braid.h"
#include "trace-test-util.h"

static long yields_per_task;
static long round_trips;

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
player (void *arg)
{
  for (long i = 0; i < yields_per_task; i++)
    if (braid_yield () < 0)
      return NULL;
  return NULL;
}

static void *
ping_pong (void *arg)
{
  braid_task *a = braid_spawn_named ("ping", player, NULL);
  braid_task *b = braid_spawn_named ("pong", player, NULL);
  braid_await_task (a, NULL);
  braid_await_task (b, NULL);
  braid_task_unref (a);
  braid_task_unref (b);
  return NULL;
}

/* The echo server's handler: sends back each 64-byte message. */
static void *
echo_handler (braid_stream *stream, void *arg)
{
  char buf[64];
  while (braid_stream_read_exactly (stream, buf, sizeof buf) == 0)
    if (braid_stream_write (stream, buf, sizeof buf) != 0)
      break;
  return NULL;
}

static void *
echo_main (void *arg)
{
  braid_tcp_server *server = NULL;
  if (braid_tcp_serve ("127.0.0.1", 0, echo_handler, NULL, &server) != 0)
    {
      fprintf (stderr, "cannot listen on 127.0.0.1\n");
      exit (1);
    }
  braid_stream *stream = NULL;
  if (braid_tcp_connect ("127.0.0.1", braid_tcp_server_port (server), &stream)
      != 0)
    {
      fprintf (stderr, "cannot connect to the echo server\n");
      exit (1);
    }
  char msg[64] = "ping", back[64];
  for (long i = 0; i < round_trips; i++)
    if (braid_stream_write (stream, msg, sizeof msg) != 0
        || braid_stream_read_exactly (stream, back, sizeof back) != 0)
      {
        fprintf (stderr, "echo failed at round trip %ld\n", i);
        exit (1);
      }
  braid_stream_close (stream);
  braid_tcp_server_close (server);
  return NULL;
}

/* CPU time of the calling thread (the loop's), in seconds. */
static double
thread_cpu_s (void)
{
  struct rusage ru;
  getrusage (RUSAGE_THREAD, &ru);
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
         + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The loop thread's CPU time of the last timed_run. */
static double last_cpu_s;

static double
timed_run (braid_task_fn fn)
{
  double c0 = thread_cpu_s ();
  double t0 = now_s ();
  if (braid_run (fn, NULL, NULL) != 0)
    {
      fprintf (stderr, "braid_run failed\n");
      exit (1);
    }
  double t = now_s () - t0;
  last_cpu_s = thread_cpu_s () - c0;
  return t;
}

static void
null_hook (void *user_data, const braid_event *event)
{
}

static double
null_hook_run (braid_task_fn fn)
{
  if (braid_hooks_install (null_hook, NULL) != 0)
    exit (1);
  double t = timed_run (fn);
  braid_hooks_uninstall (null_hook);
  return t;
}

typedef struct traced
{
  double run_s, cpu_s, drain_s;
  uint64_t events, waits;
} traced;

/* Runs @fn traced with rings of @ring records per thread (0: default). */
static traced
traced_run (braid_task_fn fn, size_t ring)
{
  traced r;
  char *path = test_trace_path ("overhead.db");
  if (braid__trace_begin (path, 1, ring) != 0)
    exit (1);
  /* A short ping-pong first: the thread's ring is made (and its pages
   * mapped) before the timed run, as in any program after its start. */
  long saved = yields_per_task;
  yields_per_task = 10;
  timed_run (ping_pong);
  yields_per_task = saved;
  r.run_s = timed_run (fn);
  r.cpu_s = last_cpu_s;
  double t0 = now_s ();
  braid_trace_stop ();
  r.drain_s = now_s () - t0;
  r.events = atomic_load (&braid__the_session.n_events);
  r.waits = atomic_load (&braid__the_session.n_observer_waits);
  remove_trace (path);
  g_free (path);
  return r;
}

static double
min_of (double a, double b)
{
  return a < b ? a : b;
}

static void
print_traced (const char *label, traced r, double switches, double untraced,
              double null_hooked)
{
  printf ("%s\n", label);
  printf ("  traced:     %.1f ns per switch (%.3f s, %llu events, %.2f per "
          "switch, %llu observer waits)\n",
          r.run_s * 1e9 / switches, r.run_s, (unsigned long long)r.events,
          (double)r.events / switches, (unsigned long long)r.waits);
  printf ("  ratio:      %.2fx traced/untraced (target <= 2x); the "
          "tracer's own share: %.1f ns per event over the null hook\n",
          r.run_s / untraced, (r.run_s - null_hooked) * 1e9 / (double)r.events);
  printf ("  stop:       %.3f s to store the rest and finalize\n", r.drain_s);
}

int
main (int argc, char **argv)
{
  long sustained = argc > 1 ? atol (argv[1]) : 500000;
  round_trips = argc > 2 ? atol (argv[2]) : 20000;
  long burst_yields = argc > 3 ? atol (argv[3]) : 100000;
  double switches;

  /* Burst: the whole run fits in the ring, so this is the cost of the
   * hook itself, the writer catching up afterwards. Runs alternate, best
   * of five of each. */
  yields_per_task = burst_yields;
  switches = 2.0 * (double)yields_per_task;
  timed_run (ping_pong); /* warm up: stacks, pages, caches */
  double untraced = 1e9, null_hooked = 1e9;
  traced burst = { .run_s = 1e9 };
  for (int i = 0; i < 5; i++)
    {
      untraced = min_of (untraced, timed_run (ping_pong));
      null_hooked = min_of (null_hooked, null_hook_run (ping_pong));
      traced t = traced_run (ping_pong, (size_t)1 << 20);
      if (t.run_s < burst.run_s)
        burst = t;
    }
  printf ("sleep(0) ping-pong, %ld yields per task (best of 5)\n",
          yields_per_task);
  printf ("  untraced:   %.1f ns per switch\n", untraced * 1e9 / switches);
  printf ("  null hook:  %.1f ns per switch (%.2fx: the runtime's own cost "
          "of reporting %.1f ns per event)\n",
          null_hooked * 1e9 / switches, null_hooked / untraced,
          (null_hooked - untraced) * 1e9 / (double)burst.events);
  print_traced ("burst (fits in a 1M-record ring):", burst, switches, untraced,
                null_hooked);

  /* Sustained: far more events than a default ring holds, so the run
   * goes at the pace of the writer (lossless). */
  yields_per_task = sustained;
  switches = 2.0 * (double)yields_per_task;
  untraced = timed_run (ping_pong);
  null_hooked = null_hook_run (ping_pong);
  traced sus = traced_run (ping_pong, 0);
  printf ("sleep(0) ping-pong, %ld yields per task\n", yields_per_task);
  printf ("  untraced:   %.1f ns per switch\n", untraced * 1e9 / switches);
  printf ("  null hook:  %.1f ns per switch\n", null_hooked * 1e9 / switches);
  print_traced ("sustained (default ring, lossless):", sus, switches, untraced,
                null_hooked);
  printf ("  into the file: %.0f events/s during the run\n",
          (double)sus.events / sus.run_s);

  /* I/O: alternate untraced and traced runs, keep the best of each. */
  double io_untraced = 1e9, io_null = 1e9, io_traced = 1e9;
  double cpu_untraced = 1e9, cpu_null = 1e9, cpu_traced = 1e9;
  uint64_t io_events = 0;
  timed_run (echo_main); /* warm up */
  for (int i = 0; i < 3; i++)
    {
      io_untraced = min_of (io_untraced, timed_run (echo_main));
      cpu_untraced = min_of (cpu_untraced, last_cpu_s);
      io_null = min_of (io_null, null_hook_run (echo_main));
      cpu_null = min_of (cpu_null, last_cpu_s);
      traced t = traced_run (echo_main, 0);
      io_traced = min_of (io_traced, t.run_s);
      cpu_traced = min_of (cpu_traced, t.cpu_s);
      io_events = t.events;
    }
  printf ("TCP echo over loopback, %ld round trips of 64 bytes (best of "
          "3)\n",
          round_trips);
  printf ("  untraced:   %.2f us per round trip\n",
          io_untraced * 1e6 / (double)round_trips);
  printf ("  null hook:  %.2f us per round trip (%+.1f %%)\n",
          io_null * 1e6 / (double)round_trips,
          (io_null / io_untraced - 1.0) * 100.0);
  printf ("  traced:     %.2f us per round trip (%.1f events per round "
          "trip)\n",
          io_traced * 1e6 / (double)round_trips,
          (double)io_events / (double)round_trips);
  printf ("  overhead:   %+.1f %% wall (target <= 2 %%)\n",
          (io_traced / io_untraced - 1.0) * 100.0);
  printf ("  loop thread CPU: untraced %.2f us, null hook %.2f us (%+.1f "
          "%%), traced %.2f us (%+.1f %%; the tracer's own share %+.1f "
          "%%)\n",
          cpu_untraced * 1e6 / (double)round_trips,
          cpu_null * 1e6 / (double)round_trips,
          (cpu_null / cpu_untraced - 1.0) * 100.0,
          cpu_traced * 1e6 / (double)round_trips,
          (cpu_traced / cpu_untraced - 1.0) * 100.0,
          (cpu_traced - cpu_null) / cpu_untraced * 100.0);

  double load[3];
  if (getloadavg (load, 3) == 3)
    printf ("load average: %.2f %.2f %.2f (2 cores, shared)\n", load[0],
            load[1], load[2]);
  return 0;
}
