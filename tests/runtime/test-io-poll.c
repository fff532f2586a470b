/* test-io-poll.c: I/O is polled while tasks keep the ready queue busy
 * (ORDERING.md, "How the loop works": a poll at least every
 * BRAID_POLL_EVERY iterations, BRAID_POLL_WORK entries or BRAID_POLL_NS).
 * Two tasks ping-pong with braid_yield forever, each step doing 300 us of
 * work; a TCP echo over loopback must still get through, in a bounded
 * number of their steps: with the 1 ms bound a poll comes every 4 or so
 * steps, where the iteration bound alone would let 64 pass.
 */
#include <glib.h>
#include <string.h>

#include <braid/braid.h>

#define STEP_US 300
#define ROUNDS 5

static volatile bool echo_done;
static long steps;

static void *
echo_handler (braid_stream *s, void *arg)
{
  (void)arg;
  char buf[64];
  for (;;)
    {
      ssize_t n = braid_stream_read (s, buf, sizeof buf);
      if (n <= 0 || braid_stream_write (s, buf, (size_t)n) < 0)
        break;
    }
  return NULL; /* the server closes the stream */
}

/* A step of STEP_US of work, then a yield, until the echo is done. */
static void *
ping_pong (void *arg)
{
  (void)arg;
  while (!echo_done)
    {
      gint64 t0 = g_get_monotonic_time ();
      while (g_get_monotonic_time () - t0 < STEP_US)
        ;
      steps++;
      braid_yield ();
    }
  return NULL;
}

static void *
echo_main (void *arg)
{
  long *echo_steps = arg;
  braid_tcp_server *srv = NULL;
  g_assert_cmpint (braid_tcp_serve ("127.0.0.1", 0, echo_handler, NULL, &srv),
                   ==, 0);
  int port = braid_tcp_server_port (srv);
  braid_stream *s = NULL;
  g_assert_cmpint (braid_tcp_connect ("127.0.0.1", port, &s), ==, 0);
  /* The echo server's connection task is running: start the noise. */
  braid_task *a = braid_spawn (ping_pong, NULL);
  braid_task *b = braid_spawn (ping_pong, NULL);
  braid_yield ();
  long start = steps;
  for (int i = 0; i < ROUNDS; i++)
    {
      char line[32];
      g_assert_cmpint (braid_stream_write_str (s, "ping\n"), ==, 0);
      g_assert_cmpint (braid_stream_read_line (s, line, sizeof line), ==, 5);
      g_assert_true (memcmp (line, "ping\n", 5) == 0);
    }
  *echo_steps = steps - start;
  echo_done = true;
  braid_await_task (a, NULL);
  braid_await_task (b, NULL);
  braid_task_unref (a);
  braid_task_unref (b);
  braid_stream_close (s);
  braid_tcp_server_close (srv);
  return NULL;
}

static void
test_echo_gets_through_while_two_tasks_ping_pong (void)
{
  long echo_steps = -1;
  g_assert_cmpint (braid_run (echo_main, &echo_steps, NULL), ==, 0);
  g_test_message ("%d echo round trips took %ld ping-pong steps of %d us",
                  ROUNDS, echo_steps, STEP_US);
  /* Each round trip needs a couple of polls; at one poll per 1 ms (about 4
   * steps) that is well under 20 steps per round trip, where a poll every
   * 32 iterations (64 steps) needs over 100. */
  g_assert_cmpint (echo_steps, >=, 0);
  g_assert_cmpint (echo_steps, <, ROUNDS * 20);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/runtime/io/poll/echo-gets-through-while-two-tasks-"
                   "ping-pong",
                   test_echo_gets_through_while_two_tasks_ping_pong);
  return g_test_run ();
}
