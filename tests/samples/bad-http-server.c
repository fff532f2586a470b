/* bad-http-server.c: the loopback HTTP server the samples' failure tests
 * (check-failure-paths.py) point the HTTP samples at: the paths of
 * tests/runtime/io-http-server.h, among them every way of misbehaving it
 * knows (closing at once, a huge header, bad chunked framing, never
 * answering, a redirect loop...).
 *
 *   bad-http-server
 *
 * Listens on 127.0.0.1 on an ephemeral port, prints the port on a line of
 * its own on stdout, and serves until it is killed. Not hot.
 */
#define _GNU_SOURCE
#include <glib.h>
#include <stdio.h>

#include <braid/braid.h>
/* A header of static functions shared with the runtime's tests, not all
 * of which this program calls. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "io-http-server.h"

static test_http_server server;

static void *
serve_forever (void *arg)
{
  (void)arg;
  test_http_server_start (&server);
  printf ("%d\n", server.port);
  fflush (stdout);
  /* The connection tasks do the work; this one only keeps the loop
   * running until the test kills the process. */
  for (;;)
    if (braid_sleep (3600) < 0)
      return NULL;
}

int
main (void)
{
  if (braid_run (serve_forever, NULL, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
