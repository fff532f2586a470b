/* io-http-server.h: a tiny HTTP/1.1 server on braid's own TCP server, for
 * the HTTP client's tests and the samples' failure tests
 * (tests/samples/bad-http-server.c): keep-alive connections,
 * Content-Length bodies, and a few paths:
 *   /delay/<ms>  answers "slept <ms>" after sleeping that long;
 *   /hang        never answers (for cancellation and timeouts);
 *   /missing     404;
 *   anything else 200 "hello from <path>".
 * and the ways a server misbehaves, each of which a client must turn into
 * a clean error:
 *   /close          closes the connection without answering;
 *   /huge-header    sends one header line of 1 MiB;
 *   /many-headers   sends 5000 headers of 100 bytes;
 *   /bad-chunked    announces chunked encoding and sends a chunk size
 *                   that is not hexadecimal;
 *   /truncated      promises 1000 bytes of body, sends 10 and closes;
 *   /garbage        answers with something that is not HTTP;
 *   /redirect-loop  redirects to itself, forever;
 *   /redirect-file  redirects to file:///etc/os-release.
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

/* Writes @n bytes of @c to @s, a chunk at a time. */
static int
test_http_write_fill (braid_stream *s, char c, size_t n)
{
  char chunk[4096];
  memset (chunk, c, sizeof chunk);
  while (n > 0)
    {
      size_t k = n < sizeof chunk ? n : sizeof chunk;
      if (braid_stream_write (s, chunk, k) < 0)
        return -1;
      n -= k;
    }
  return 0;
}

/* Answers the misbehaving paths. Returns 0 when @path is not one, 1 when
 * the connection may go on, -1 when it must close. */
static int
test_http_misbehave (braid_stream *s, const char *path)
{
  if (strcmp (path, "/close") == 0)
    return -1;
  if (strcmp (path, "/huge-header") == 0)
    {
      braid_stream_write_str (s, "HTTP/1.1 200 OK\r\nX-Huge: ");
      test_http_write_fill (s, 'h', (size_t)1 << 20);
      braid_stream_write_str (s, "\r\nContent-Length: 0\r\n\r\n");
      return -1;
    }
  if (strcmp (path, "/many-headers") == 0)
    {
      braid_stream_write_str (s, "HTTP/1.1 200 OK\r\n");
      for (int i = 0; i < 5000; i++)
        {
          char line[128];
          snprintf (line, sizeof line, "X-Header-%04d: %0*d\r\n", i, 83, i);
          if (braid_stream_write_str (s, line) < 0)
            return -1;
        }
      braid_stream_write_str (s, "Content-Length: 0\r\n\r\n");
      return -1;
    }
  if (strcmp (path, "/bad-chunked") == 0)
    {
      braid_stream_write_str (s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
                                 "chunked\r\n\r\nzz-not-hex\r\nbody\r\n");
      return -1;
    }
  if (strcmp (path, "/truncated") == 0)
    {
      braid_stream_write_str (s, "HTTP/1.1 200 OK\r\nContent-Length: 1000"
                                 "\r\n\r\n0123456789");
      return -1;
    }
  if (strcmp (path, "/garbage") == 0)
    {
      braid_stream_write_str (s, "this is not HTTP\r\n\r\n");
      return -1;
    }
  if (strcmp (path, "/redirect-loop") == 0
      || strcmp (path, "/redirect-file") == 0)
    {
      char head[256];
      snprintf (head, sizeof head,
                "HTTP/1.1 302 Found\r\nLocation: %s\r\n"
                "Content-Length: 0\r\n\r\n",
                strcmp (path, "/redirect-loop") == 0
                    ? "/redirect-loop"
                    : "file:///etc/os-release");
      return braid_stream_write_str (s, head) < 0 ? -1 : 1;
    }
  return 0;
}

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
      int bad = test_http_misbehave (s, path);
      if (bad < 0)
        break;
      if (bad > 0)
        continue;
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
