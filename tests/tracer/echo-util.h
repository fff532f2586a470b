/* echo-util.h: a TCP echo ping-pong over loopback with the runtime's
 * streams (braid_tcp_*), the worst case of tracing I/O: each round trip
 * of a 64-byte message is a few microseconds of system calls and ends
 * two waits on I/O in one poll. For the overhead benchmark and the test
 * of the wake-ups a trace implies. Header-only.
 */
#ifndef ECHO_UTIL_H
#define ECHO_UTIL_H

#include <braid/braid.h>

/* The server's handler: sends back each 64-byte message until the
 * client closes (or the loop's close cancels it). */
static void *
echo_handler (braid_stream *stream, void *arg)
{
  char buf[64];
  while (braid_stream_read_exactly (stream, buf, sizeof buf) == 0)
    if (braid_stream_write (stream, buf, sizeof buf) != 0)
      break;
  return NULL;
}

/* From a task: serves on a free port of 127.0.0.1, connects to it and
 * makes @round_trips round trips, then closes both. Returns 0, or -1
 * with what failed in *@failed (a static string). */
static int
echo_round_trips (long round_trips, const char **failed)
{
  braid_tcp_server *server = NULL;
  if (braid_tcp_serve ("127.0.0.1", 0, echo_handler, NULL, &server) != 0)
    {
      *failed = "cannot listen on 127.0.0.1";
      return -1;
    }
  braid_stream *stream = NULL;
  if (braid_tcp_connect ("127.0.0.1", braid_tcp_server_port (server), &stream)
      != 0)
    {
      *failed = "cannot connect to the echo server";
      braid_tcp_server_close (server);
      return -1;
    }
  char msg[64] = "ping", back[64];
  int rc = 0;
  for (long i = 0; i < round_trips && rc == 0; i++)
    if (braid_stream_write (stream, msg, sizeof msg) != 0
        || braid_stream_read_exactly (stream, back, sizeof back) != 0)
      {
        *failed = "an echo round trip failed";
        rc = -1;
      }
  braid_stream_close (stream);
  braid_tcp_server_close (server);
  return rc;
}

#endif /* ECHO_UTIL_H */
