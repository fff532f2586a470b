/* bench-yield.c: the cost of one bare yield (braid_yield, asyncio's
 * sleep(0)), compared with CPython's asyncio and Node.js in the same run.
 *
 *   bench-yield [--python SCRIPT] [--node SCRIPT] [N]
 *
 * Two tasks take turns N times each (default 5,000,000); the figure is the
 * elapsed time divided by the 2N yields, so it includes a loop iteration
 * per round. The Python and Node scripts (tests/bench/yield.py, yield.mjs)
 * do the same with N/50 and N/5 rounds, and the ratios are printed. Each
 * side splits its rounds into RUNS runs of a few milliseconds and keeps
 * the best (braid here, the scripts themselves): the machine is shared,
 * and a short run is more often one the scheduler left alone.
 * Besides the prose line it prints "bench NAME VALUE UNIT" lines:
 * yield-ns, yield-vs-node (Node's `await null` ns / braid's ns) and
 * yield-vs-python (asyncio.sleep(0) ns / braid's ns); a ratio whose peer
 * is missing is reported as not measured instead. This is a benchmark:
 * it prints figures and asserts nothing about time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <braid/braid.h>

#define RUNS 50

static long rounds = 5000000;
static long run_rounds; /* rounds / RUNS */
static double braid_ns;

static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* pinger: yields @run_rounds times; stops at the first failure. */
static void *
pinger (void *arg)
{
  for (long i = 0; i < run_rounds; i++)
    if (braid_yield () < 0)
      return NULL;
  return NULL;
}

/* main_task: times two pingers from their spawn to the end of both,
 * RUNS times, and keeps the best. */
static void *
main_task (void *arg)
{
  for (int run = 0; run < RUNS; run++)
    {
      braid_task *tasks[2];
      uint64_t start = now_ns ();
      double ns;

      tasks[0] = braid_spawn (pinger, NULL);
      tasks[1] = braid_spawn (pinger, NULL);
      braid_gather_tasks (tasks, 2, NULL, NULL, BRAID_GATHER_DEFAULT);
      ns = (double)(now_ns () - start) / (2.0 * (double)run_rounds);
      braid_task_unref (tasks[0]);
      braid_task_unref (tasks[1]);
      if (run == 0 || ns < braid_ns)
        braid_ns = ns;
    }
  return NULL;
}

/* run_script: runs "@interpreter @script @n" and stores in @values[i] the
 * figure printed after @labels[i] ("" for a bare number), or -1 when the
 * interpreter is missing or did not print it. */
static void
run_script (const char *interpreter, const char *script, long n,
            const char *const *labels, double *values, int count)
{
  char command[4096], line[256];
  FILE *out;

  for (int i = 0; i < count; i++)
    values[i] = -1.0;
  if (script == NULL)
    return;
  snprintf (command, sizeof command, "%s '%s' %ld 2>/dev/null", interpreter,
            script, n);
  out = popen (command, "r");
  if (out == NULL)
    return;
  while (fgets (line, sizeof line, out) != NULL)
    for (int i = 0; i < count; i++)
      {
        size_t len = strlen (labels[i]);

        if (len == 0)
          values[i] = strtod (line, NULL);
        else if (strncmp (line, labels[i], len) == 0 && line[len] == ' ')
          values[i] = strtod (line + len + 1, NULL);
      }
  if (pclose (out) != 0)
    for (int i = 0; i < count; i++)
      values[i] = -1.0;
}

/* bench_ratio: "bench NAME RATIO ratio" with @peer_ns / braid_ns, or a
 * line saying why it was not measured. */
static void
bench_ratio (const char *name, const char *peer, double peer_ns)
{
  if (peer_ns > 0 && braid_ns > 0)
    printf ("bench %s %.2f ratio\n", name, peer_ns / braid_ns);
  else
    printf ("%s: not measured (%s did not run)\n", name, peer);
}

/* append_ratio: "python 1750.0 ns: 95x faster" into @buf. */
static void
append_ratio (char *buf, size_t size, const char *what, double ns)
{
  size_t len = strlen (buf);

  if (ns <= 0)
    snprintf (buf + len, size - len, "%s%s: not measured", len > 0 ? "; " : "",
              what);
  else if (ns >= braid_ns)
    snprintf (buf + len, size - len, "%s%s %.1f ns: %.1fx faster",
              len > 0 ? "; " : "", what, ns, ns / braid_ns);
  else
    snprintf (buf + len, size - len, "%s%s %.1f ns: %.1fx slower",
              len > 0 ? "; " : "", what, ns, braid_ns / ns);
}

int
main (int argc, char **argv)
{
  const char *python_script = NULL, *node_script = NULL;
  char comparisons[1024] = "";
  static const char *const python_labels[] = { "" };
  static const char *const node_labels[] = { "await", "setImmediate" };
  double python_ns, node_ns[2];

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--python") == 0 && i + 1 < argc)
        python_script = argv[++i];
      else if (strcmp (argv[i], "--node") == 0 && i + 1 < argc)
        node_script = argv[++i];
      else
        {
          char *end;

          rounds = strtol (argv[i], &end, 10);
          if (*end != '\0' || rounds <= 0)
            {
              fprintf (stderr,
                       "usage: %s [--python SCRIPT] [--node SCRIPT] [N]\n",
                       argv[0]);
              return 2;
            }
        }
    }

  run_rounds = rounds / RUNS > 0 ? rounds / RUNS : 1;
  if (braid_run (main_task, NULL, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }

  run_script ("python3", python_script, rounds / 50 > 0 ? rounds / 50 : 1,
              python_labels, &python_ns, 1);
  run_script ("node", node_script, rounds / 5 > 0 ? rounds / 5 : 1, node_labels,
              node_ns, 2);
  append_ratio (comparisons, sizeof comparisons, "python asyncio.sleep(0)",
                python_ns);
  append_ratio (comparisons, sizeof comparisons, "node await null", node_ns[0]);
  append_ratio (comparisons, sizeof comparisons, "node setImmediate",
                node_ns[1]);
  printf ("yield: %.1f ns/op, best of %d runs of %ld rounds of 2 tasks "
          "(%s)\n",
          braid_ns, RUNS, run_rounds, comparisons);
  printf ("bench yield-ns %.2f ns\n", braid_ns);
  bench_ratio ("yield-vs-node", "node", node_ns[0]);
  bench_ratio ("yield-vs-python", "python3", python_ns);
  return 0;
}
