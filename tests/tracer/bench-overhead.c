/* bench-overhead.c: what tracing costs a running program.
 *
 * 1. Two tasks ping-ponging with sleep(0) (the worst case: nothing but
 *    task switches, 2.5 events per switch, which the runtime reports as
 *    one TASK_SWITCHED), run untraced, with a hook that does nothing
 *    (what the runtime itself spends reporting events: it reads its
 *    clock and fills a braid_event per switch), and traced into a file:
 *    a burst that fits in the ring (the hook's own cost) and a sustained
 *    run of many rings (the writer's pace, lossless). Each over several
 *    rounds of one run per mode: the best run of each mode, and the
 *    median of the rounds' ratios. The burst is run again with the
 *    virtual clock, which stamps events without reading a clock, to show
 *    what the one counter reading per switch costs.
 * 2. An I/O sample: samples/fetch_urls's work (three pages fetched
 *    concurrently with gather through one HTTP client, from the local
 *    server on loopback), repeated, untraced, with the null hook and
 *    traced, fifteen rounds of one run of each.
 * 3. The worst case for I/O: a TCP echo ping-pong of 64-byte messages
 *    over loopback with the runtime's streams (braid_tcp_*), where a
 *    round trip is a few microseconds of system calls and 12 events
 *    (the wake-ups by I/O completions are implied, not recorded).
 * Same process, same loop code; runs alternate so that the load of the
 * shared machine hits both alike. For the I/O runs the CPU time of the
 * loop's thread is printed too: wall time on a loaded 2-core machine
 * varies by more than the effect measured. Prints figures (targets:
 * sleep(0) traced/untraced <= 1.5x sustained, I/O overhead <= 2 %, 3 ns
 * per recorded event), the load average, and these machine-readable
 * lines:
 *   bench tracing-yield-ratio R ratio: the sustained ping-pong, the
 *     median of the rounds' traced/untraced ratios (lossless: the line
 *     is only printed when the traced runs waited rather than dropped);
 *   bench tracing-tcp-echo-percent P %: the TCP echo's wall overhead,
 *     the median of the rounds' ratios;
 *   bench tracing-ns-per-event N ns: what one recorded event costs the
 *     running program, (traced - untraced) / events of the burst's best
 *     runs (the ring holds the whole run: the hot path, not the writer's
 *     pace; the best runs, as a difference of two medians of a loaded
 *     machine's rounds swings by more than the figure).
 * Usage: bench-tracer-overhead [YIELDS PER TASK] [ECHO ROUND TRIPS]
 * [BURST YIELDS PER TASK] [FETCH ROUNDS] (defaults 200,000, 20,000,
 * 100,000 and 1,000; small figures for callgrind).
 */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <braid/braid.h>
#include "echo-util.h"
#include "local-http-server.h"
#include "recording-util.h"

static long yields_per_task;
static long round_trips;

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

static void *
echo_main (void *arg)
{
  const char *failed = NULL;
  if (echo_round_trips (round_trips, &failed) != 0)
    {
      fprintf (stderr, "%s\n", failed);
      exit (1);
    }
  return NULL;
}

/* The fetch_urls sample's pages, answered without delay. */
static const local_page fetch_pages[] = {
  { "https://www.example.com", NULL, 0 },
  { "https://www.python.org", NULL, 0 },
  { "https://www.google.com", NULL, 0 },
};
enum { N_FETCH_PAGES = sizeof fetch_pages / sizeof fetch_pages[0] };
static long fetch_rounds;

typedef struct fetch_arg
{
  braid_http_client *session;
  char *url;
} fetch_arg;

static void *
fetch_url (void *p)
{
  fetch_arg *a = p;
  braid_http_response r;
  if (braid_http_client_get (a->session, a->url, &r) < 0)
    {
      fprintf (stderr, "fetch of %s failed\n", a->url);
      exit (1);
    }
  braid_http_response_clear (&r);
  return NULL;
}

/* fetch_urls's main task, its gather of three fetches done @fetch_rounds
 * times over one client (keep-alive connections). */
static void *
fetch_main (void *arg)
{
  local_http_server *server
      = local_http_server_start (fetch_pages, N_FETCH_PAGES);
  if (!server)
    {
      fprintf (stderr, "cannot start the local HTTP server\n");
      exit (1);
    }
  braid_http_client *session = braid_http_client_new ();
  fetch_arg args[N_FETCH_PAGES];
  for (int i = 0; i < N_FETCH_PAGES; i++)
    args[i] = (fetch_arg){ session,
                           strdup (local_http_server_url (server, i)) };
  for (long round = 0; round < fetch_rounds; round++)
    {
      braid_task *tasks[N_FETCH_PAGES];
      for (int i = 0; i < N_FETCH_PAGES; i++)
        tasks[i] = braid_spawn_named ("fetch_url", fetch_url, &args[i]);
      if (braid_gather_tasks (tasks, N_FETCH_PAGES, NULL, NULL,
                              BRAID_GATHER_DEFAULT)
          != 0)
        exit (1);
      for (int i = 0; i < N_FETCH_PAGES; i++)
        braid_task_unref (tasks[i]);
    }
  braid_http_client_close (session);
  local_http_server_stop (server);
  for (int i = 0; i < N_FETCH_PAGES; i++)
    free (args[i].url);
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
  uint32_t producers; /* threads that recorded: 1 keeps the fast path */
  /* Every event handed a seq was stored: the file holds as many events
   * as the recorder numbered (it waits for the writer, never drops). */
  bool lossless;
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
  r.producers = braid__the_session.n_producers;
  r.lossless = r.events == atomic_load (&braid__the_session.next_seq);
  remove_trace (path);
  g_free (path);
  return r;
}

static double
min_of (double a, double b)
{
  return a < b ? a : b;
}

enum { UNTRACED, NULL_HOOKED, TRACED, N_MODES };

/* Round @round of a comparison: one run of @fn in each mode, traced with
 * rings of @ring records (0: the default). Fills @wall and @cpu (the
 * loop thread's) per mode, and *@t with the traced run's figures. The
 * mode that runs first changes from one round to the next: a run right
 * after a traced one shares the machine with the kernel writing that
 * trace back to disk. */
static void
run_round (braid_task_fn fn, int round, size_t ring, double wall[N_MODES],
           double cpu[N_MODES], traced *t)
{
  for (int k = 0; k < N_MODES; k++)
    {
      int m = (round + k) % N_MODES;
      if (m == UNTRACED)
        wall[m] = timed_run (fn);
      else if (m == NULL_HOOKED)
        wall[m] = null_hook_run (fn);
      else
        {
          *t = traced_run (fn, ring);
          wall[m] = t->run_s; /* last_cpu_s is the traced run's */
        }
      cpu[m] = last_cpu_s;
    }
}

/* The ping-pong compared over @runs rounds (run_round): the best run of
 * each mode, and each round's ratios to its untraced run, in which the
 * drift of the shared machine's speed mostly cancels. */
enum { BURST_RUNS = 15, SUSTAINED_RUNS = 7, MAX_RUNS = 15 };
typedef struct best_figures
{
  double untraced, null_hooked;
  traced traced;
  double traced_ratio[MAX_RUNS], null_ratio[MAX_RUNS];
  /* Traced runs that lost an event (see traced.lossless). */
  int lossy_runs;
} best_figures;

static best_figures
measure_best (int runs, size_t ring)
{
  best_figures b
      = { .untraced = 1e9, .null_hooked = 1e9, .traced = { .run_s = 1e9 } };
  for (int i = 0; i < runs; i++)
    {
      double wall[N_MODES], cpu[N_MODES];
      traced t;
      run_round (ping_pong, i, ring, wall, cpu, &t);
      b.untraced = min_of (b.untraced, wall[UNTRACED]);
      b.null_hooked = min_of (b.null_hooked, wall[NULL_HOOKED]);
      if (t.run_s < b.traced.run_s)
        b.traced = t;
      b.traced_ratio[i] = wall[TRACED] / wall[UNTRACED];
      b.null_ratio[i] = wall[NULL_HOOKED] / wall[UNTRACED];
      if (!t.lossless)
        b.lossy_runs++;
    }
  return b;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Writes the ratio @r into @buf (16 bytes) as a factor (2.00x) when
 * @as_factor, otherwise as a change in percent (+2.0 %). */
static const char *
format_ratio (char *buf, double r, bool as_factor)
{
  if (as_factor)
    snprintf (buf, 16, "%.2fx", r);
  else
    snprintf (buf, 16, "%+.1f %%", (r - 1.0) * 100.0);
  return buf;
}

/* The median of the @n values @v (sorted here). */
static double
median_of (double *v, int n)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return v[n / 2];
}

/* Prints @label and the median of the @n ratios @r (sorted here), with
 * its quartiles (see format_ratio). */
static void
print_ratio (const char *label, double *r, int n, bool as_factor)
{
  char median[16], low[16], high[16];
  median_of (r, n);
  printf ("  %s%s (median of the rounds' ratios; quartiles %s, %s)\n", label,
          format_ratio (median, r[n / 2], as_factor),
          format_ratio (low, r[n / 4], as_factor),
          format_ratio (high, r[n - 1 - n / 4], as_factor));
}

/* Prints the ping-pong figures @b of @runs rounds of @switches switches:
 * the best run of each mode and their ratios, then the rounds' ratios
 * (the figure that the drift of the machine's speed disturbs least). */
static void
print_ping_pong (const char *label, best_figures *b, int runs,
                 double switches)
{
  traced r = b->traced;
  printf ("%s (best of %d rounds)\n", label, runs);
  printf ("  untraced:   %.1f ns per switch\n", b->untraced * 1e9 / switches);
  printf ("  null hook:  %.1f ns per switch (%.2fx: the runtime's own cost "
          "of reporting, %.1f ns per switch)\n",
          b->null_hooked * 1e9 / switches, b->null_hooked / b->untraced,
          (b->null_hooked - b->untraced) * 1e9 / switches);
  printf ("  traced:     %.1f ns per switch (%.2fx; %.3f s, %llu events, "
          "%.2f per switch, %llu observer waits); the tracer's own share: "
          "%.1f ns per switch over the null hook\n",
          r.run_s * 1e9 / switches, r.run_s / b->untraced, r.run_s,
          (unsigned long long)r.events, (double)r.events / switches,
          (unsigned long long)r.waits,
          (r.run_s - b->null_hooked) * 1e9 / switches);
  print_ratio ("null hook / untraced: ", b->null_ratio, runs, true);
  print_ratio ("traced / untraced (target <= 1.5x sustained): ",
               b->traced_ratio, runs, true);
  if (b->lossy_runs > 0)
    printf ("  LOSSY: %d traced run%s stored fewer events than recorded\n",
            b->lossy_runs, b->lossy_runs == 1 ? "" : "s");
  printf ("  stop:       %.3f s to store the rest and finalize\n", r.drain_s);
}

/* Runs @fn untraced, with the null hook and traced, IO_RUNS rounds of
 * one run of each, back to back. The machine is shared: its speed drifts
 * by more than the effect measured, from one run to the next as much as
 * over a whole benchmark. Runs of one round are close in time, so each
 * round gives a ratio (traced / untraced, null hook / untraced) in which
 * the drift mostly cancels, and the figure is the median of those ratios,
 * with its quartiles. @units is the number of @unit (a round trip...)
 * that one run of @fn does. Returns the median of the traced / untraced
 * wall ratios. */
static double
compare_io (const char *label, braid_task_fn fn, long units, const char *unit)
{
  enum { IO_RUNS = 15 };
  double untraced[IO_RUNS];
  double traced_ratio[IO_RUNS], null_ratio[IO_RUNS], cpu_ratio[IO_RUNS];
  uint64_t events = 0;
  uint32_t producers = 0;
  timed_run (fn); /* warm up */
  for (int i = 0; i < IO_RUNS; i++)
    {
      double w[N_MODES], c[N_MODES];
      traced t;
      run_round (fn, i, 0, w, c, &t);
      events = t.events;
      producers = t.producers;
      untraced[i] = w[UNTRACED];
      traced_ratio[i] = w[TRACED] / w[UNTRACED];
      null_ratio[i] = w[NULL_HOOKED] / w[UNTRACED];
      cpu_ratio[i] = c[TRACED] / c[UNTRACED];
    }
  qsort (untraced, IO_RUNS, sizeof (double), compare_doubles);
  double per = 1e6 / (double)units;
  printf ("%s: %ld per run, %d rounds of one run of each mode\n", label,
          units, IO_RUNS);
  printf ("  untraced:   %.2f us per %s (median run; best %.2f)\n",
          untraced[IO_RUNS / 2] * per, unit, untraced[0] * per);
  printf ("  traced:     %.1f events per %s, recorded by %u thread%s\n",
          (double)events / (double)units, unit, producers,
          producers == 1 ? "" : "s");
  print_ratio ("null hook:  wall ", null_ratio, IO_RUNS, false);
  print_ratio ("overhead:   wall (target <= 2 %) ", traced_ratio, IO_RUNS,
               false);
  print_ratio ("loop thread CPU, traced / untraced: ", cpu_ratio, IO_RUNS,
               false);
  return median_of (traced_ratio, IO_RUNS);
}

int
main (int argc, char **argv)
{
  long sustained = argc > 1 ? atol (argv[1]) : 200000;
  round_trips = argc > 2 ? atol (argv[2]) : 20000;
  long burst_yields = argc > 3 ? atol (argv[3]) : 100000;
  fetch_rounds = argc > 4 ? atol (argv[4]) : 1000;
  double switches;

  /* Burst: the whole run fits in the ring, so this is the cost of the
   * hook itself, the writer catching up afterwards. */
  yields_per_task = burst_yields;
  switches = 2.0 * (double)yields_per_task;
  timed_run (ping_pong); /* warm up: stacks, pages, caches */
  best_figures b = measure_best (BURST_RUNS, (size_t)1 << 20);
  char label[160];
  snprintf (label, sizeof label,
            "sleep(0) ping-pong, %ld yields per task, burst (fits in a "
            "1M-record ring)",
            yields_per_task);
  print_ping_pong (label, &b, BURST_RUNS, switches);

  /* The same with the virtual clock, which stamps events without reading
   * any clock: the difference is what reading the CPU's counter once per
   * switch costs on this machine. */
  setenv ("BRAID_CLOCK", "virtual", 1);
  best_figures v = measure_best (BURST_RUNS, (size_t)1 << 20);
  unsetenv ("BRAID_CLOCK");
  printf ("  without clock readings (virtual clock): untraced %.1f ns, null "
          "hook %.1f ns, traced %.1f ns per switch (%.2fx); one reading "
          "per switch costs %.1f ns here\n",
          v.untraced * 1e9 / switches, v.null_hooked * 1e9 / switches,
          v.traced.run_s * 1e9 / switches, v.traced.run_s / v.untraced,
          (b.null_hooked - v.null_hooked) * 1e9 / switches);
  print_ratio ("virtual clock, traced / untraced: ", v.traced_ratio,
               BURST_RUNS, true);

  /* Sustained: far more events than a default ring holds, so the run
   * goes at the pace of the writer (lossless). */
  yields_per_task = sustained;
  switches = 2.0 * (double)yields_per_task;
  best_figures sus = measure_best (SUSTAINED_RUNS, 0);
  snprintf (label, sizeof label,
            "sleep(0) ping-pong, %ld yields per task, sustained (default "
            "ring, lossless)",
            yields_per_task);
  print_ping_pong (label, &sus, SUSTAINED_RUNS, switches);
  printf ("  into the file: %.0f events/s during the run\n",
          (double)sus.traced.events / sus.traced.run_s);

  compare_io ("I/O sample: fetch_urls's three concurrent fetches from the "
              "local HTTP server",
              fetch_main, fetch_rounds, "round");
  double echo_ratio = compare_io (
      "TCP echo over loopback, 64-byte messages (the worst case)", echo_main,
      round_trips, "round trip");

  /* The figures, machine-readable. A lossy traced run would make
   * tracing look cheaper than it is: no ratio then. */
  if (sus.lossy_runs == 0)
    printf ("bench tracing-yield-ratio %.2f ratio\n",
            median_of (sus.traced_ratio, SUSTAINED_RUNS));
  printf ("bench tracing-tcp-echo-percent %.1f %%\n",
          (echo_ratio - 1.0) * 100.0);
  if (b.lossy_runs == 0)
    printf ("bench tracing-ns-per-event %.1f ns\n",
            (b.traced.run_s - b.untraced) * 1e9
                / (double)(b.traced.events ? b.traced.events : 1));

  double load[3];
  if (getloadavg (load, 3) == 3)
    printf ("load average: %.2f %.2f %.2f (2 cores, shared)\n", load[0],
            load[1], load[2]);
  return 0;
}
