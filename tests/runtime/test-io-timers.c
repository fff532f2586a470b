/* test-io-timers.c: timers keep their time while I/O handles are open.
 *
 * When the ready queue is empty and a timer is due later, the loop arms its
 * libuv wake timer and blocks in uv_run. libuv computes the wake timer's
 * due time from its cached clock, which only uv_run refreshes; after a
 * long step the cache is stale, the wake timer is due at once, it fires
 * before the poll, and the poll then blocks with no timeout for as long as
 * any I/O handle (a listening server) stays open. runtime/core/loop.c now
 * refreshes libuv's clock before arming the wake timer; this test keeps it
 * so. A thread connects to the server after 2 s to end such a hang, so a
 * regression fails instead of hanging.
 */
#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <braid/braid.h>

static int port;
static pthread_t rescuer_thread;

/* Connects to the server after 2 s, which wakes a loop stuck in its
 * poll. */
static void *
rescuer (void *arg)
{
  (void)arg;
  usleep (2000 * 1000);
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = { 0 };
  sa.sin_family = AF_INET;
  sa.sin_port = htons ((uint16_t)port);
  sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  connect (fd, (struct sockaddr *)&sa, sizeof sa);
  usleep (100 * 1000);
  close (fd);
  return NULL;
}

static void *
ignore_connection (braid_stream *s, void *arg)
{
  (void)s;
  (void)arg;
  return NULL;
}

static void *
sleep_main (void *arg)
{
  gint64 *slept_us = arg;
  braid_tcp_server *srv = NULL;
  g_assert_cmpint (
      braid_tcp_serve ("127.0.0.1", 0, ignore_connection, NULL, &srv), ==, 0);
  port = braid_tcp_server_port (srv);
  pthread_create (&rescuer_thread, NULL, rescuer, NULL);
  braid_yield ();
  /* A long step: 30 ms of work without suspending. */
  gint64 t0 = g_get_monotonic_time ();
  while (g_get_monotonic_time () - t0 < 30 * 1000)
    ;
  t0 = g_get_monotonic_time ();
  g_assert_cmpint (braid_sleep (0.01), ==, 0);
  *slept_us = g_get_monotonic_time () - t0;
  braid_tcp_server_close (srv);
  return NULL;
}

static void
test_sleep_after_a_long_step_wakes_on_time_while_a_server_listens (void)
{
  gint64 slept_us = 0;
  g_assert_cmpint (braid_run (sleep_main, &slept_us, NULL), ==, 0);
  pthread_join (rescuer_thread, NULL);
  g_test_message ("braid_sleep (0.01) took %" G_GINT64_FORMAT " us", slept_us);
  g_assert_cmpint (slept_us, <, 1000 * 1000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func (
      "/runtime/io/timers/sleep-after-a-long-step-wakes-on-time-"
      "while-a-server-listens",
      test_sleep_after_a_long_step_wakes_on_time_while_a_server_listens);
  return g_test_run ();
}
