/* bench-io-peers.c: braid's I/O path against its peers, as ratios measured
 * in one run against one local server.
 *
 *   bench-io-peers http|echo --server PEER-SERVER --python SCRIPT
 *                  --node SCRIPT [--seconds S]
 *
 * It starts PEER-SERVER (tests/bench/peer-server.c, plain libuv: none of
 * the clients) once, and every client talks to that same server:
 *   http: 10,000 GETs of a 13-byte body, 100 in flight, through braid's
 *         HTTP client (one braid_http_client, 100 tasks), aiohttp (one
 *         ClientSession) and node's http module (one keep-alive Agent).
 *         Each first makes 100 untimed requests to open its connections.
 *   echo: 64-byte round trips (write, then read the 64 bytes back) on one
 *         connection (20,000 of them) and on 16 connections at once
 *         (50,000 in all), through braid's TCP streams, asyncio streams on
 *         uvloop, plain asyncio streams and node's net module.
 * The Python and Node clients are tests/bench/io_peers.py and io-peers.mjs.
 * Each client runs three times and the fastest run counts. Every client
 * run stops after its count or after S seconds (default 20); a
 * peer that is not installed is reported as skipped, never given a figure.
 * It also prints the server's CPU time per request (from
 * /proc/PID/schedstat), which shows whether the server could be the
 * bottleneck. Figures are printed as "bench NAME VALUE UNIT" lines; this
 * is a benchmark and asserts nothing about time.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <braid/braid.h>

enum
{
  HTTP_TOTAL = 10000,
  HTTP_INFLIGHT = 100,
  ECHO_SIZE = 64,
};

static double seconds = 20;
static int server_port;
static pid_t server_pid;

/* What one client run measured: its rate per second (-1 when it did not
 * run), how many operations it completed, and why it was skipped. */
typedef struct result
{
  double rate;
  long done;
  double server_ns_per_op; /* server CPU per operation, -1 if unknown */
  char skipped[256];
} result;

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* server_cpu_ns: the nanoseconds the server has run on a CPU so far (the
 * first field of /proc/PID/schedstat), or -1 if unreadable. */
static double
server_cpu_ns (void)
{
  char path[64];
  double ns = -1;
  FILE *f;

  snprintf (path, sizeof path, "/proc/%ld/schedstat", (long)server_pid);
  f = fopen (path, "r");
  if (f == NULL)
    return -1;
  if (fscanf (f, "%lf", &ns) != 1)
    ns = -1;
  fclose (f);
  return ns;
}

/* start_server: runs "@path @mode SECONDS" with its stdout on a pipe and
 * reads the "port N" line it prints. Returns 0 or -1 with a message. */
static int
start_server (const char *path, const char *mode)
{
  int fds[2];
  char lifetime[32], line[64];
  FILE *out;

  if (pipe (fds) < 0)
    return -1;
  /* The server outlives every client's time limit, then stops itself. */
  snprintf (lifetime, sizeof lifetime, "%.0f", seconds * 12 + 60);
  server_pid = fork ();
  if (server_pid < 0)
    return -1;
  if (server_pid == 0)
    {
      dup2 (fds[1], STDOUT_FILENO);
      close (fds[0]);
      close (fds[1]);
      execl (path, path, mode, lifetime, (char *)NULL);
      fprintf (stderr, "bench-io-peers: cannot run %s: %s\n", path,
               strerror (errno));
      _exit (127);
    }
  close (fds[1]);
  out = fdopen (fds[0], "r");
  if (out == NULL || fgets (line, sizeof line, out) == NULL
      || sscanf (line, "port %d", &server_port) != 1)
    {
      fprintf (stderr, "bench-io-peers: %s printed no port\n", path);
      return -1;
    }
  fclose (out);
  return 0;
}

static void
stop_server (void)
{
  if (server_pid > 0)
    {
      kill (server_pid, SIGTERM);
      waitpid (server_pid, NULL, 0);
      server_pid = 0;
    }
}

/* finish: fills @r's server cost from the CPU the server used since
 * @cpu_before for @ops operations. */
static void
finish (result *r, double cpu_before, long ops)
{
  double after = server_cpu_ns ();

  r->server_ns_per_op
    = cpu_before >= 0 && after >= 0 && ops > 0 ? (after - cpu_before) / ops
                                               : -1;
}

/* run_script_once: runs @command (a Python or Node client, under timeout(1)
 * as a last resort) and reads its "rate", "done" and "skip" lines into
 * @r. @ops_extra is how many untimed operations it makes besides the
 * timed ones (for the server's cost per operation). */
static void
run_script_once (const char *command, long ops_extra, result *r)
{
  char full[4096], line[512];
  double cpu_before = server_cpu_ns ();
  FILE *out;
  int status;

  r->rate = -1;
  r->done = 0;
  r->skipped[0] = '\0';
  snprintf (full, sizeof full, "timeout -k 5 %.0f %s", seconds + 60, command);
  out = popen (full, "r");
  if (out == NULL)
    {
      snprintf (r->skipped, sizeof r->skipped, "cannot run: %s",
                strerror (errno));
      return;
    }
  while (fgets (line, sizeof line, out) != NULL)
    {
      line[strcspn (line, "\n")] = '\0';
      if (strncmp (line, "rate ", 5) == 0)
        r->rate = strtod (line + 5, NULL);
      else if (strncmp (line, "done ", 5) == 0)
        r->done = strtol (line + 5, NULL, 10);
      else if (strncmp (line, "skip ", 5) == 0)
        snprintf (r->skipped, sizeof r->skipped, "%.200s", line + 5);
    }
  status = pclose (out);
  if (r->skipped[0] == '\0' && (status != 0 || r->rate <= 0))
    snprintf (r->skipped, sizeof r->skipped, "it failed (exit status %d)",
              WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  if (r->skipped[0] != '\0')
    r->rate = -1;
  finish (r, cpu_before, r->done + ops_extra);
}

/* find_python: the first of $BENCH_PYTHON, python3 and /usr/bin/python3
 * that can import @module ("" for none needed), or NULL. Debian's
 * python3-aiohttp and python3-uvloop are importable by /usr/bin/python3
 * only, which another python3 may come before on PATH. */
static const char *
find_python (const char *module)
{
  const char *candidates[] = { getenv ("BENCH_PYTHON"), "python3",
                               "/usr/bin/python3" };
  char command[512];

  for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++)
    {
      if (candidates[i] == NULL || candidates[i][0] == '\0')
        continue;
      snprintf (command, sizeof command,
                "%s -c 'import asyncio%s%s' >/dev/null 2>&1", candidates[i],
                module[0] ? ", " : "", module);
      if (system (command) == 0)
        return candidates[i];
    }
  return NULL;
}

static int
have_node (void)
{
  return system ("node --version >/dev/null 2>&1") == 0;
}

/* ---------------------------------------------------------------------
 * braid's clients
 * ------------------------------------------------------------------ */

/* The state the braid tasks of one run share. */
typedef struct braid_run_state
{
  braid_http_client *client;
  braid_stream **streams;
  char url[128];
  long left;
  double deadline;
  long done;
  int failed;
} braid_run_state;

/* http_get_one: one GET that must answer 200. Returns 0 or < 0. */
static int
http_get_one (braid_run_state *s)
{
  braid_http_response response = { 0 };
  int rc = braid_http_client_get (s->client, s->url, &response);

  if (rc == 0 && response.status != 200)
    rc = braid_raise (BRAID_RUNTIME_ERROR, "GET %s: status %ld", s->url,
                      response.status);
  braid_http_response_clear (&response);
  return rc;
}

/* http_worker: takes requests from the shared count until none is left or
 * the time is up. */
static void *
http_worker (void *arg)
{
  braid_run_state *s = arg;

  while (s->left > 0 && now_s () < s->deadline)
    {
      s->left--;
      if (http_get_one (s) < 0)
        {
          s->failed = 1;
          return NULL;
        }
      s->done++;
    }
  return NULL;
}

/* http_warm: one untimed request, to open a connection of the pool. */
static void *
http_warm (void *arg)
{
  if (http_get_one (arg) < 0)
    ((braid_run_state *)arg)->failed = 1;
  return NULL;
}

/* spawn_all: runs @n tasks of @fn(@s) and waits for them all. */
static void
spawn_all (braid_task_fn fn, braid_run_state *s, int n)
{
  braid_task *tasks[HTTP_INFLIGHT];

  for (int i = 0; i < n; i++)
    tasks[i] = braid_spawn (fn, s);
  braid_gather_tasks (tasks, (size_t)n, NULL, NULL,
                      BRAID_GATHER_RETURN_EXCEPTIONS);
  for (int i = 0; i < n; i++)
    braid_task_unref (tasks[i]);
}

static void *
http_main (void *arg)
{
  result *r = arg;
  braid_run_state s = { 0 };
  double start;

  snprintf (s.url, sizeof s.url, "http://127.0.0.1:%d/", server_port);
  s.client = braid_http_client_new ();
  if (s.client == NULL)
    return NULL;
  s.deadline = now_s () + seconds;
  spawn_all (http_warm, &s, HTTP_INFLIGHT);
  s.left = HTTP_TOTAL;
  start = now_s ();
  spawn_all (http_worker, &s, HTTP_INFLIGHT);
  r->rate = s.failed ? -1 : (double)s.done / (now_s () - start);
  r->done = s.done;
  if (s.failed)
    snprintf (r->skipped, sizeof r->skipped, "a request failed");
  braid_http_client_close (s.client);
  return NULL;
}

/* One echo pinger: the shared state and its own connection. */
typedef struct pinger
{
  braid_run_state *s;
  braid_stream *stream;
} pinger;

/* echo_pinger: round trips on its stream until none is left or the time
 * is up. */
static void *
echo_pinger (void *arg)
{
  pinger *p = arg;
  braid_run_state *s = p->s;
  char message[ECHO_SIZE], back[ECHO_SIZE];

  memset (message, 'x', sizeof message);
  while (s->left > 0 && now_s () < s->deadline)
    {
      s->left--;
      if (braid_stream_write (p->stream, message, sizeof message) < 0
          || braid_stream_read_exactly (p->stream, back, sizeof back) < 0)
        {
          s->failed = 1;
          return NULL;
        }
      s->done++;
    }
  return NULL;
}

/* The number of connections and round trips of the echo run. */
static int echo_conns;
static long echo_rounds;

static void *
echo_main (void *arg)
{
  result *r = arg;
  braid_run_state s = { 0 };
  pinger pingers[HTTP_INFLIGHT] = { 0 };
  braid_task *tasks[HTTP_INFLIGHT];
  double start;

  for (int i = 0; i < echo_conns; i++)
    {
      pingers[i].s = &s;
      if (braid_tcp_connect ("127.0.0.1", server_port, &pingers[i].stream) < 0)
        {
          snprintf (r->skipped, sizeof r->skipped, "cannot connect");
          goto out;
        }
    }
  s.left = echo_rounds;
  s.deadline = now_s () + seconds;
  start = now_s ();
  for (int i = 0; i < echo_conns; i++)
    tasks[i] = braid_spawn (echo_pinger, &pingers[i]);
  braid_gather_tasks (tasks, (size_t)echo_conns, NULL, NULL,
                      BRAID_GATHER_RETURN_EXCEPTIONS);
  r->rate = s.failed ? -1 : (double)s.done / (now_s () - start);
  r->done = s.done;
  if (s.failed)
    snprintf (r->skipped, sizeof r->skipped, "a round trip failed");
  for (int i = 0; i < echo_conns; i++)
    braid_task_unref (tasks[i]);
out:
  for (int i = 0; i < echo_conns; i++)
    braid_stream_close (pingers[i].stream);
  return NULL;
}

/* run_braid_once: runs @fn in braid_run and measures the server's cost. */
static void
run_braid_once (braid_task_fn fn, long ops_extra, result *r)
{
  double cpu_before = server_cpu_ns ();

  r->rate = -1;
  r->done = 0;
  r->skipped[0] = '\0';
  if (braid_run (fn, r, NULL) < 0)
    {
      braid_error *e = braid_error_current ();

      snprintf (r->skipped, sizeof r->skipped, "failed: %s",
                braid_error_message (e));
      r->rate = -1;
    }
  else if (r->rate <= 0 && r->skipped[0] == '\0')
    snprintf (r->skipped, sizeof r->skipped, "failed");
  finish (r, cpu_before, r->done + ops_extra);
}

/* The best of REPEATS runs of each client is kept: the machine may be
 * shared, and a run slowed by a neighbour says nothing about the client. */
enum
{
  REPEATS = 3
};

/* keep_best: copies @run into @best when it is faster. */
static void
keep_best (result *best, const result *run, int first)
{
  if (first || run->rate > best->rate)
    *best = *run;
}

/* run_client: the best of REPEATS runs of braid's @fn, or of @command
 * when @fn is NULL (stops at a skip or a failure). */
static void
run_client (braid_task_fn fn, const char *command, long ops_extra, result *r)
{
  result run;

  for (int i = 0; i < REPEATS; i++)
    {
      if (fn != NULL)
        run_braid_once (fn, ops_extra, &run);
      else
        run_script_once (command, ops_extra, &run);
      keep_best (r, &run, i == 0);
      if (run.rate <= 0)
        {
          *r = run;
          return;
        }
    }
}

/* ---------------------------------------------------------------------
 * Reporting
 * ------------------------------------------------------------------ */

/* report: one prose line for a client and its "bench" line (none when it
 * was skipped). */
static void
report (const char *label, const char *bench_name, const char *unit,
        const result *r)
{
  if (r->rate <= 0)
    {
      printf ("  %-16s skipped: %s\n", label, r->skipped);
      return;
    }
  printf ("  %-16s %10.0f %s over %ld", label, r->rate, unit, r->done);
  if (r->server_ns_per_op > 0)
    printf ("  (server CPU %.1f us per op)", r->server_ns_per_op / 1000);
  printf ("\n");
  printf ("bench %s %.1f %s\n", bench_name, r->rate, unit);
}

/* ratio: "bench NAME braid/peer ratio", or a line saying why not. */
static void
ratio (const char *name, const result *braid, const result *peer)
{
  if (braid->rate > 0 && peer->rate > 0)
    printf ("bench %s %.2f ratio\n", name, braid->rate / peer->rate);
  else
    printf ("%s: not measured (a side was skipped)\n", name);
}

static void
python_client (const char *module, const char *script, const char *args,
               long ops_extra, result *r)
{
  const char *python = find_python (module);
  char command[2048];

  if (python == NULL)
    {
      r->rate = -1;
      snprintf (r->skipped, sizeof r->skipped,
                "no python3 here can import %s (Debian package python3%s%s)",
                module[0] ? module : "asyncio", module[0] ? "-" : "", module);
      return;
    }
  snprintf (command, sizeof command, "%s '%s' %s", python, script, args);
  printf ("  (%s: %s)\n", module[0] ? module : "asyncio", python);
  run_client (NULL, command, ops_extra, r);
}

static void
node_client (const char *script, const char *args, long ops_extra, result *r)
{
  char command[2048];

  if (!have_node ())
    {
      r->rate = -1;
      snprintf (r->skipped, sizeof r->skipped, "node is not installed");
      return;
    }
  snprintf (command, sizeof command, "node '%s' %s", script, args);
  run_client (NULL, command, ops_extra, r);
}

static void
bench_http (const char *python_script, const char *node_script)
{
  result braid, aiohttp, node;
  char args[512];

  printf ("http: %d GETs of a 13-byte body, %d in flight, after %d "
          "untimed ones; one peer-server (plain libuv) on 127.0.0.1:%d for "
          "every client\n",
          HTTP_TOTAL, HTTP_INFLIGHT, HTTP_INFLIGHT, server_port);
  snprintf (args, sizeof args, "http http://127.0.0.1:%d/ %d %d %.0f",
            server_port, HTTP_TOTAL, HTTP_INFLIGHT, seconds);
  run_client (http_main, NULL, HTTP_INFLIGHT, &braid);
  report ("braid", "http-braid-rps", "req/s", &braid);
  python_client ("aiohttp", python_script, args, HTTP_INFLIGHT, &aiohttp);
  report ("python3-aiohttp", "http-aiohttp-rps", "req/s", &aiohttp);
  node_client (node_script, args, HTTP_INFLIGHT, &node);
  report ("node http", "http-node-rps", "req/s", &node);
  ratio ("http-vs-aiohttp", &braid, &aiohttp);
  ratio ("http-vs-node", &braid, &node);
}

/* bench_echo_with: one echo configuration (@conns connections, @rounds
 * round trips in all) for every client; @suffix names its bench lines. */
static void
bench_echo_with (int conns, long rounds, const char *suffix,
                 const char *python_script, const char *node_script)
{
  result braid, uvloop, asyncio, node;
  char args[512], name[128];

  printf ("tcp echo: %ld round trips of %d bytes on %d connection%s at "
          "once; one peer-server (plain libuv) echoing on 127.0.0.1:%d\n",
          rounds, ECHO_SIZE, conns, conns == 1 ? "" : "s", server_port);
  echo_conns = conns;
  echo_rounds = rounds;
  run_client (echo_main, NULL, 0, &braid);
#define NAME(what) (snprintf (name, sizeof name, "tcp-echo-%s-rtps%s", what, \
                              suffix),                                       \
                    name)
  report ("braid", NAME ("braid"), "rt/s", &braid);
  snprintf (args, sizeof args, "echo %d uvloop %d %ld %.0f", server_port,
            conns, rounds, seconds);
  python_client ("uvloop", python_script, args, 0, &uvloop);
  report ("python3-uvloop", NAME ("uvloop"), "rt/s", &uvloop);
  snprintf (args, sizeof args, "echo %d asyncio %d %ld %.0f", server_port,
            conns, rounds, seconds);
  python_client ("", python_script, args, 0, &asyncio);
  report ("python3 asyncio", NAME ("asyncio"), "rt/s", &asyncio);
  snprintf (args, sizeof args, "echo %d node %d %ld %.0f", server_port, conns,
            rounds, seconds);
  node_client (node_script, args, 0, &node);
  report ("node net", NAME ("node"), "rt/s", &node);
#undef NAME
  snprintf (name, sizeof name, "tcp-echo-vs-uvloop%s", suffix);
  ratio (name, &braid, &uvloop);
  snprintf (name, sizeof name, "tcp-echo-vs-asyncio%s", suffix);
  ratio (name, &braid, &asyncio);
  snprintf (name, sizeof name, "tcp-echo-vs-node%s", suffix);
  ratio (name, &braid, &node);
}

int
main (int argc, char **argv)
{
  const char *mode = NULL, *server = NULL, *python_script = NULL,
             *node_script = NULL;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--server") == 0 && i + 1 < argc)
        server = argv[++i];
      else if (strcmp (argv[i], "--python") == 0 && i + 1 < argc)
        python_script = argv[++i];
      else if (strcmp (argv[i], "--node") == 0 && i + 1 < argc)
        node_script = argv[++i];
      else if (strcmp (argv[i], "--seconds") == 0 && i + 1 < argc)
        seconds = strtod (argv[++i], NULL);
      else if (mode == NULL
               && (strcmp (argv[i], "http") == 0
                   || strcmp (argv[i], "echo") == 0))
        mode = argv[i];
      else
        mode = NULL, i = argc;
    }
  if (mode == NULL || server == NULL || python_script == NULL
      || node_script == NULL || !(seconds > 0))
    {
      fprintf (stderr,
               "usage: %s http|echo --server PEER-SERVER --python SCRIPT "
               "--node SCRIPT [--seconds S]\n",
               argv[0]);
      return 2;
    }
  if (start_server (server, mode) < 0)
    {
      stop_server ();
      return 1;
    }
  if (strcmp (mode, "http") == 0)
    bench_http (python_script, node_script);
  else
    {
      /* The one-connection ping-pong is the headline tcp-echo-vs-uvloop:
       * each round trip waits for the last, so it measures the runtime's
       * cost per read and write. */
      bench_echo_with (1, 20000, "", python_script, node_script);
      bench_echo_with (16, 50000, "-16conn", python_script, node_script);
    }
  stop_server ();
  return 0;
}
