/* local-http-server.h: a small HTTP/1.1 server on loopback for the samples
 * that fetch URLs, so they run offline and print the same thing every time.
 *
 * Each page stands for one of the article's URLs: the server answers
 * GET /<index> with a fixed fake body after a fixed delay, so the order in
 * which concurrent fetches finish is set by the delays, not the network.
 * Written with braid's own TCP server (braid_tcp_serve): one task per
 * connection, keep-alive, Content-Length bodies. Also the client settings
 * the three HTTP samples share (their timeouts).
 */
#ifndef LOCAL_HTTP_SERVER_H
#define LOCAL_HTTP_SERVER_H

#include <braid/braid.h>

typedef struct local_page
{
  const char *url;  /* the article's URL the page stands for */
  const char *body; /* NULL: a fake HTML page naming the URL */
  double delay;     /* seconds before the answer */
} local_page;

typedef struct local_http_server local_http_server;

/* Starts serving @pages (borrowed, must outlive the server) on 127.0.0.1
 * with an ephemeral port, from a task. Returns NULL (error raised) on
 * failure. */
local_http_server *local_http_server_start (const local_page *pages, size_t n);
/* The local URL of page @i (static storage, overwritten by the next
 * call). */
const char *local_http_server_url (local_http_server *server, size_t i);
/* Stops listening, waits (from a task, at most a second) until the
 * connections closed by their clients have ended, and frees the server.
 * Close the HTTP clients first. */
void local_http_server_stop (local_http_server *server);

/* The fake body served for @url when a page has none (new string, to
 * free). */
char *local_http_fake_body (const char *url);

/* The timeouts the HTTP samples give their client: 10 s to connect, and
 * 30 s for a whole request or the number of seconds in the environment
 * variable SAMPLE_HTTP_TIMEOUT (the failure tests use a short one). A
 * sample must end, with an error, on a server that never answers. */
#define LOCAL_HTTP_CONNECT_TIMEOUT_S 10.0
#define LOCAL_HTTP_TIMEOUT_S 30.0

/* A new client with those timeouts (braid_http_client_new's other
 * defaults: http and https only, 10 redirects at most). NULL with the
 * error raised if it cannot be made. */
braid_http_client *local_http_client_new (void);

#endif /* LOCAL_HTTP_SERVER_H */
