/* io-http-server.h: a tiny HTTP/1.1 server on braid's own TCP server, for
 * the HTTP client's tests: keep-alive connections, Content-Length bodies,
 * and a few paths:
 *   /delay/<ms>  answers "slept <ms>" after sleeping that long;
 *   /hang        never answers (for cancellation);
 *   /missing     404;
 *   anything else 200 "hello from <path>".
 * It counts connections and requests so tests can check reuse.
 */
#ifndef IO_HTTP_SERVER_H
#define IO_HTTP_SERVER_H

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid.h>

typedef struct
{
  braid_tcp_server *srv;
  int port;
  int connections;
  int requests;
} test_http_server;

static void *
test_http_conn (braid_stream *s, void *arg)
{
  test_http_server *hs = arg;
  hs->connections++;
  char req[8192];
  for (;;)
    {
      ssize_t n
          = braid_stream_read_until (s, "\r\n\r\n", 4, req, sizeof req - 1);
      if (n <= 0 || req[n - 1] != '\n')
        break;
      req[n] = '\0';
      hs->requests++;
      char method[16], path[1024];
      if (sscanf (req, "%15s %1023s", method, path) != 2)
        break;
      int status = 200;
      char body[1200];
      if (strncmp (path, "/delay/", 7) == 0)
        {
          int ms = atoi (path + 7);
          if (braid_sleep (ms / 1000.0) < 0)
            break;
          snprintf (body, sizeof body, "slept %d", ms);
        }
      else if (strcmp (path, "/hang") == 0)
        {
          if (braid_sleep (3600) < 0)
            break;
          snprintf (body, sizeof body, "woke");
        }
      else if (strcmp (path, "/missing") == 0)
        {
          status = 404;
          snprintf (body, sizeof body, "not found: %s", path);
        }
      else
        snprintf (body, sizeof body, "hello from %s", path);
      char head[256];
      int m = snprintf (head, sizeof head,
                        "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
                        "Content-Length: %zu\r\nX-Test-Server: braid\r\n\r\n",
                        status, status == 200 ? "OK" : "Not Found",
                        strlen (body));
      if (braid_stream_write (s, head, (size_t)m) < 0
          || braid_stream_write_str (s, body) < 0)
        break;
      if (strcasestr (req, "Connection: close"))
        break;
    }
  /* A cancellation ends the task as cancelled; other errors (the client
   * went away) end the connection quietly. */
  if (braid_error_current ()
      && !braid_error_is (braid_error_current (), BRAID_CANCELLED_ERROR))
    braid_error_clear ();
  return NULL;
}

static void
test_http_server_start (test_http_server *hs)
{
  memset (hs, 0, sizeof *hs);
  g_assert_cmpint (
      braid_tcp_serve ("127.0.0.1", 0, test_http_conn, hs, &hs->srv), ==, 0);
  hs->port = braid_tcp_server_port (hs->srv);
}

static char *
test_http_url (const test_http_server *hs, const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%d%s", hs->port, path);
}

#endif /* IO_HTTP_SERVER_H */
