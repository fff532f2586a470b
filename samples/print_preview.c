/* print_preview.c: the "Real world example" of "Async programming in
 * Python with asyncio" (seed 002): print_preview(url) downloads a page
 * with a session of its own and prints a rule and its first 3 non-empty
 * lines; print_all_pages() creates a task per page on a new event loop and
 * runs it until asyncio.wait() of them completes.
 *
 *   print_preview [URL...]
 *
 * Without arguments the article's textfiles.com pages are served on
 * loopback by samples/local-http-server.c with fixed fake texts and
 * delays of 30, 60 and 90 ms, so the previews come in the list's order and
 * the run is offline. python/print_preview.py is the twin on asyncio
 * streams (aiohttp is not in the standard library). Not hot.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid.h>
#include "local-http-server.h"

static const local_page pages[] = {
  { "http://textfiles.com/adventure/amforever.txt",
    "\n\n                         AMERICA FOREVER\n\n"
    "      A fake text standing in for amforever.txt, served on loopback.\n"
    "\n      Walkthrough: go north, take lamp, go north again.\n",
    0.03 },
  { "http://textfiles.com/adventure/ballyhoo.txt",
    "BALLYHOO\n\n  Another fake text, for ballyhoo.txt.\n\n\n"
    "  The circus is in town. Find the owner's daughter.\n  The end.\n",
    0.06 },
  { "http://textfiles.com/adventure/bardstale.txt",
    "   \n\nTHE BARD'S TALE\n========\nA third fake text, for "
    "bardstale.txt.\n",
    0.09 },
};

/* print_preview: the article's coroutine. */
static void *
print_preview (void *p)
{
  const char *url = p;
  /* A session of its own, with timeouts: a server that never answers
   * ends the run with a TimeoutError instead of hanging it. */
  braid_http_client *session = local_http_client_new ();
  if (!session)
    return NULL;
  braid_http_response r;
  int rc = braid_http_client_get (session, url, &r);
  braid_http_client_close (session);
  if (rc < 0)
    return NULL;
  /* print first 3 not empty lines (Python's filter(len(x) > 0) over
   * split('\n'): lines of spaces count as not empty). */
  braid_print ("--------------------------------------------------------"
               "------------------------\n");
  int count = 0;
  char *line = r.body;
  while (line && count < 3)
    {
      char *nl = strchr (line, '\n');
      size_t len = nl ? (size_t)(nl - line) : strlen (line);
      if (len > 0)
        {
          braid_print ("%.*s\n", (int)len, line);
          count++;
        }
      line = nl ? nl + 1 : NULL;
    }
  braid_print ("\n");
  braid_http_response_clear (&r);
  return NULL;
}

typedef struct run
{
  braid_task **tasks;
  size_t n;
  local_http_server *server;
} run;

/* asyncio.wait(tasks) as the future run_until_complete runs for. */
static void *
wait_all (void *p)
{
  run *r = p;
  bool *done = calloc (r->n, sizeof *done);
  braid_wait_tasks (r->tasks, r->n, BRAID_NO_TIMEOUT, BRAID_ALL_COMPLETED, done);
  free (done);
  return NULL;
}

static void *
start_server (void *p)
{
  run *r = p;
  r->server = local_http_server_start (pages, 3);
  return NULL;
}

static void *
stop_server (void *p)
{
  local_http_server_stop (((run *)p)->server);
  return NULL;
}

/* Runs @fn(@arg) as a task on @loop until it is done. */
static int
run_task (braid_loop *loop, braid_task_fn fn, void *arg)
{
  braid_task *t = braid_loop_spawn (loop, NULL, fn, arg);
  int rc = braid_loop_run_until_complete (loop, braid_task_future (t), NULL);
  braid_task_unref (t);
  return rc;
}

int
main (int argc, char **argv)
{
  run r = { 0 };
  r.n = argc > 1 ? (size_t)argc - 1 : 3;
  braid_loop *loop = braid_loop_new ();
  if (!loop)
    return 1;
  int status = 0;
  if (argc <= 1 && (run_task (loop, start_server, &r) < 0 || !r.server))
    {
      braid_error_print (braid_error_current (), stderr);
      braid_loop_close (loop);
      return 1;
    }
  char **urls = calloc (r.n, sizeof *urls);
  r.tasks = calloc (r.n, sizeof *r.tasks);
  for (size_t i = 0; i < r.n; i++)
    {
      urls[i] = strdup (r.server ? local_http_server_url (r.server, i)
                                 : argv[i + 1]);
      char name[48];
      snprintf (name, sizeof name, "print_preview%zu", i + 1);
      r.tasks[i] = braid_loop_spawn (loop, name, print_preview, urls[i]);
    }
  if (run_task (loop, wait_all, &r) < 0)
    status = 1;
  for (size_t i = 0; i < r.n; i++)
    {
      braid_error *e = braid_task_error (r.tasks[i]);
      if (e)
        {
          braid_error_print (e, stderr);
          status = 1;
        }
      braid_task_unref (r.tasks[i]);
      free (urls[i]);
    }
  if (r.server)
    run_task (loop, stop_server, &r);
  braid_loop_close (loop);
  free (urls);
  free (r.tasks);
  return status;
}
