/* local-http-server.c: the samples' loopback HTTP/1.1 server and their
 * client settings (see local-http-server.h). Not hot: a handful of
 * requests per run.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "local-http-server.h"

struct local_http_server
{
  braid_tcp_server *tcp;
  const local_page *pages;
  size_t n;
  int active; /* connections being served */
  char url[64];
};

char *
local_http_fake_body (const char *url)
{
  char *body = NULL;
  if (asprintf (&body,
                "<!DOCTYPE html>\n<html>\n<head><title>Local copy of %s"
                "</title></head>\n<body>\n<h1>%s</h1>\n<p>A fake page served "
                "on loopback by samples/local-http-server.c.</p>\n</body>\n"
                "</html>\n",
                url, url)
      < 0)
    return NULL;
  return body;
}

/* Answers the requests of one connection until the client closes it. */
static void *
serve_connection (braid_stream *s, void *arg)
{
  local_http_server *srv = arg;
  const local_page *pages = srv->pages;
  size_t npages = srv->n;
  srv->active++;
  char req[8192];
  for (;;)
    {
      ssize_t n
          = braid_stream_read_until (s, "\r\n\r\n", 4, req, sizeof req - 1);
      if (n <= 0 || req[n - 1] != '\n')
        break;
      req[n] = '\0';
      char path[256] = "";
      sscanf (req, "%*15s %255s", path);
      char *end = NULL;
      unsigned long i = path[0] == '/' ? strtoul (path + 1, &end, 10) : 0;
      const local_page *page = NULL;
      if (end && end != path + 1 && *end == '\0' && i < npages)
        page = &pages[i];
      char *body = page ? (page->body ? strdup (page->body)
                                      : local_http_fake_body (page->url))
                        : strdup ("not found\n");
      if (page && page->delay > 0 && braid_sleep (page->delay) < 0)
        {
          free (body);
          break;
        }
      char head[256];
      int m = snprintf (head, sizeof head,
                        "HTTP/1.1 %s\r\nContent-Type: text/html; "
                        "charset=utf-8\r\nContent-Length: %zu\r\n\r\n",
                        page ? "200 OK" : "404 Not Found", strlen (body));
      int rc = braid_stream_write (s, head, (size_t)m);
      if (rc == 0)
        rc = braid_stream_write_str (s, body);
      free (body);
      if (rc < 0)
        break;
    }
  /* The client going away ends the connection quietly; a cancellation
   * (braid_run's shutdown) ends the task as cancelled. */
  if (braid_error_current ()
      && !braid_error_is (braid_error_current (), BRAID_CANCELLED_ERROR))
    braid_error_clear ();
  srv->active--;
  return NULL;
}

local_http_server *
local_http_server_start (const local_page *pages, size_t n)
{
  local_http_server *srv = calloc (1, sizeof *srv);
  if (!srv)
    {
      braid_raise (BRAID_MEMORY_ERROR, "local_http_server_start");
      return NULL;
    }
  srv->pages = pages;
  srv->n = n;
  if (braid_tcp_serve ("127.0.0.1", 0, serve_connection, srv, &srv->tcp) < 0)
    {
      free (srv);
      return NULL;
    }
  return srv;
}

const char *
local_http_server_url (local_http_server *srv, size_t i)
{
  snprintf (srv->url, sizeof srv->url, "http://127.0.0.1:%d/%zu",
            braid_tcp_server_port (srv->tcp), i);
  return srv->url;
}

void
local_http_server_stop (local_http_server *srv)
{
  if (!srv)
    return;
  braid_tcp_server_close (srv->tcp);
  /* Let the connections see their clients' close (at most 1 s), so no
   * connection task is left pending when the loop closes. */
  for (int i = 0; i < 1000 && srv->active > 0; i++)
    if (braid_sleep (0.001) < 0)
      break;
  if (srv->active == 0)
    free (srv); /* else a connection still uses it: leave it */
}

/* The whole-request timeout of local_http_client_new (see
 * local-http-server.h). */
static double
local_http_timeout (void)
{
  const char *env = getenv ("SAMPLE_HTTP_TIMEOUT");
  char *end = NULL;
  double t = env ? strtod (env, &end) : 0;
  return env && end != env && t > 0 ? t : LOCAL_HTTP_TIMEOUT_S;
}

braid_http_client *
local_http_client_new (void)
{
  braid_http_client *client = braid_http_client_new ();
  if (client
      && braid_http_client_set_timeouts (client, LOCAL_HTTP_CONNECT_TIMEOUT_S,
                                         local_http_timeout ())
             < 0)
    {
      braid_http_client_close (client);
      return NULL;
    }
  return client;
}
