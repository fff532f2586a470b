/* peer-server.c: the one loopback server every client of the I/O peer
 * benchmarks (bench-io-peers) talks to, written on plain libuv so that it
 * is none of the runtimes being compared and costs as little per request
 * as a server can.
 *
 *   peer-server http|echo [SECONDS]
 *
 * It listens on an ephemeral port of 127.0.0.1, prints "port N" on stdout
 * and serves until it is killed or SECONDS (default 600) have passed, so a
 * forgotten server stops by itself.
 *   http: HTTP/1.1 keep-alive; every request (a GET: headers only, no
 *         body) gets the same 200 response of 13 bytes, in order, pipelined
 *         requests included.
 *   echo: writes back every byte it reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static const char response[] = "HTTP/1.1 200 OK\r\n"
                               "Content-Type: text/plain\r\n"
                               "Content-Length: 13\r\n"
                               "\r\n"
                               "hello, world\n";

/* One connection: its handle, its mode and how much of a request's end
 * the last bytes read matched (HTTP only). */
typedef struct conn
{
  uv_tcp_t tcp;
  int http;
  int state; /* how much of "\r\n\r\n" the last bytes matched */
} conn;

/* A write in flight and the bytes it owns. */
typedef struct write_req
{
  uv_write_t req;
  char data[];
} write_req;

static int http_mode;

static void
on_close (uv_handle_t *handle)
{
  free (handle->data);
}

static void
on_write (uv_write_t *req, int status)
{
  free (req->data);
}

static void
on_alloc (uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
  static char slab[65536];

  /* One slab serves every read: each is consumed before the next. */
  *buf = uv_buf_init (slab, sizeof slab);
}

/* send_copy: writes @len bytes of @data to @c (copied, freed when the
 * write ends); closes the connection when the write cannot start. */
static void
send_copy (conn *c, const char *data, size_t len)
{
  write_req *w = malloc (sizeof *w + len);
  uv_buf_t buf;

  if (w == NULL)
    {
      uv_close ((uv_handle_t *)&c->tcp, on_close);
      return;
    }
  memcpy (w->data, data, len);
  w->req.data = w;
  buf = uv_buf_init (w->data, (unsigned)len);
  if (uv_write (&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_write) < 0)
    {
      free (w);
      uv_close ((uv_handle_t *)&c->tcp, on_close);
    }
}

/* count_requests: how many request ends ("\r\n\r\n") @len bytes of @data
 * complete, carrying the partial match across reads in @c->state. */
static size_t
count_requests (conn *c, const char *data, size_t len)
{
  static const char end[] = "\r\n\r\n";
  size_t n = 0;

  for (size_t i = 0; i < len; i++)
    {
      if (data[i] == end[c->state])
        c->state++;
      else
        c->state = data[i] == '\r' ? 1 : 0;
      if (c->state == 4)
        {
          n++;
          c->state = 0;
        }
    }
  return n;
}

static void
on_read (uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
  conn *c = stream->data;

  if (nread < 0)
    {
      uv_close ((uv_handle_t *)stream, on_close);
      return;
    }
  if (nread == 0)
    return;
  if (!c->http)
    {
      send_copy (c, buf->base, (size_t)nread);
      return;
    }
  size_t n = count_requests (c, buf->base, (size_t)nread);
  if (n == 0)
    return;
  /* One write answers every request this read completed. */
  size_t one = sizeof response - 1;
  char *all = malloc (n * one);
  if (all == NULL)
    {
      uv_close ((uv_handle_t *)stream, on_close);
      return;
    }
  for (size_t i = 0; i < n; i++)
    memcpy (all + i * one, response, one);
  send_copy (c, all, n * one);
  free (all);
}

static void
on_connection (uv_stream_t *server, int status)
{
  conn *c;

  if (status < 0)
    return;
  c = calloc (1, sizeof *c);
  if (c == NULL)
    return;
  c->http = http_mode;
  uv_tcp_init (server->loop, &c->tcp);
  c->tcp.data = c;
  if (uv_accept (server, (uv_stream_t *)&c->tcp) < 0)
    {
      uv_close ((uv_handle_t *)&c->tcp, on_close);
      return;
    }
  uv_tcp_nodelay (&c->tcp, 1);
  uv_read_start ((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

static void
on_lifetime (uv_timer_t *timer)
{
  fprintf (stderr, "peer-server: lifetime over, stopping\n");
  exit (0);
}

int
main (int argc, char **argv)
{
  uv_loop_t *loop = uv_default_loop ();
  uv_tcp_t server;
  uv_timer_t lifetime;
  struct sockaddr_in addr;
  struct sockaddr_storage bound;
  int namelen = sizeof bound, rc;
  double seconds = 600;

  if (argc < 2 || argc > 3
      || (strcmp (argv[1], "http") != 0 && strcmp (argv[1], "echo") != 0)
      || (argc == 3 && (seconds = strtod (argv[2], NULL)) <= 0))
    {
      fprintf (stderr, "usage: %s http|echo [SECONDS]\n", argv[0]);
      return 2;
    }
  http_mode = strcmp (argv[1], "http") == 0;
  uv_tcp_init (loop, &server);
  uv_ip4_addr ("127.0.0.1", 0, &addr);
  if ((rc = uv_tcp_bind (&server, (const struct sockaddr *)&addr, 0)) < 0
      || (rc = uv_listen ((uv_stream_t *)&server, 1024, on_connection)) < 0
      || (rc = uv_tcp_getsockname (&server, (struct sockaddr *)&bound,
                                   &namelen))
           < 0)
    {
      fprintf (stderr, "peer-server: cannot listen: %s\n", uv_strerror (rc));
      return 1;
    }
  printf ("port %d\n", ntohs (((struct sockaddr_in *)&bound)->sin_port));
  fflush (stdout);
  uv_timer_init (loop, &lifetime);
  uv_timer_start (&lifetime, on_lifetime, (uint64_t)(seconds * 1000), 0);
  uv_unref ((uv_handle_t *)&lifetime);
  return uv_run (loop, UV_RUN_DEFAULT);
}
