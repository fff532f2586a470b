/* test-readahead.c: braid__batches_each_in reading ahead on a thread.
 *
 * With enough events (a few of its 4096-event chunks) and two cores,
 * codec.c hands the merge of the batches to a thread of its own and the
 * callback runs on the caller's thread. These tests record a real
 * unfinalized file (recording-util.h: a ping-pong, killed before its
 * clean end) and check that what the callback gets is exactly what the
 * merge gives one call at a time (braid__batches_next): every event, in
 * order, numbered alike; that a callback that stops is called no more;
 * and that a batch malformed half-way fails the read after the events
 * before it, as the merge does. On one core the same checks hold for
 * the plain loop.
 */
#include "recording-util.h"

/* Far more than the read-ahead's threshold, and over many batches. */
#define N_EVENTS 200000

typedef struct collected
{
  GArray *events;  /* braid__rec */
  size_t stop_at;  /* return non-zero at this index; SIZE_MAX never */
  size_t calls;
  size_t total;    /* the @n the callback was given */
} collected;

static int
collect (void *data, const braid__rec *ev, size_t i, size_t n)
{
  collected *c = data;
  g_assert_cmpuint (i, ==, c->calls);
  c->calls++;
  c->total = n;
  g_array_append_val (c->events, *ev);
  return i == c->stop_at;
}

/* The merge one call at a time: every event until it ends; its result
 * in *rc. */
static GArray *
merge_by_hand (sqlite3 *db, int *rc)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (braid__rec));
  braid__batches *it = NULL;
  size_t n = 0;
  g_assert_cmpint (braid__batches_open (db, 1, &it, &n), ==, SQLITE_OK);
  braid__rec ev;
  while ((*rc = braid__batches_next (it, &ev)) == SQLITE_ROW)
    g_array_append_val (all, ev);
  braid__batches_close (it);
  return all;
}

static void
assert_same_events (GArray *got, GArray *want)
{
  g_assert_cmpuint (got->len, ==, want->len);
  g_assert_cmpmem (got->data, got->len * sizeof (braid__rec), want->data,
                   want->len * sizeof (braid__rec));
}

static char *
record_ping_pong (void)
{
  char *path = test_trace_path ("readahead.db");
  uint64_t n = N_EVENTS;
  g_assert_cmpint (record_and_die (path, ping_pong_scenario, &n), ==, 0);
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM batches"), >=,
                   4);
  return path;
}

static sqlite3 *
open_db (const char *path, int flags)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, flags, NULL), ==, SQLITE_OK);
  return db;
}

/* Closes @db, frees @want and removes the trace at @path. */
static void
done (sqlite3 *db, GArray *want, char *path)
{
  sqlite3_close (db);
  g_array_free (want, TRUE);
  remove_trace (path);
  g_free (path);
}

static void
test_every_event_in_order (void)
{
  char *path = record_ping_pong ();
  sqlite3 *db = open_db (path, SQLITE_OPEN_READONLY);
  int rc = 0;
  GArray *want = merge_by_hand (db, &rc);
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  g_assert_cmpuint (want->len, >=, N_EVENTS);

  collected c = { g_array_new (FALSE, FALSE, sizeof (braid__rec)),
                  SIZE_MAX, 0, 0 };
  size_t n = 0;
  g_assert_cmpint (braid__batches_each (db, 1, collect, &c, &n), ==,
                   SQLITE_OK);
  g_assert_cmpuint (n, ==, want->len);
  g_assert_cmpuint (c.total, ==, want->len);
  assert_same_events (c.events, want);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (c.events, braid__rec, i).seq, ==,
                      i + 1);
  g_array_free (c.events, TRUE);
  done (db, want, path);
}

static void
test_a_callback_that_stops_is_called_no_more (void)
{
  char *path = record_ping_pong ();
  sqlite3 *db = open_db (path, SQLITE_OPEN_READONLY);
  int rc = 0;
  GArray *want = merge_by_hand (db, &rc);
  /* Mid-chunk, several chunks in, while the thread reads ahead. */
  size_t stops[] = { 0, 4095, 4096, 50001 };
  for (size_t k = 0; k < G_N_ELEMENTS (stops); k++)
    {
      collected c = { g_array_new (FALSE, FALSE, sizeof (braid__rec)),
                      stops[k], 0, 0 };
      size_t n = 12345;
      g_assert_cmpint (braid__batches_each (db, 1, collect, &c, &n), ==,
                       SQLITE_ABORT);
      g_assert_cmpuint (n, ==, 0);
      g_assert_cmpuint (c.calls, ==, stops[k] + 1);
      g_assert_cmpmem (c.events->data, c.calls * sizeof (braid__rec),
                       want->data, c.calls * sizeof (braid__rec));
      g_array_free (c.events, TRUE);
    }
  done (db, want, path);
}

static void
test_a_malformed_batch_half_way_fails_after_the_events_before_it (void)
{
  char *path = record_ping_pong ();
  sqlite3 *db = open_db (path, SQLITE_OPEN_READWRITE);
  /* A batch past the first chunks gets a byte that is no record: a
   * header whose kind is out of range. */
  g_assert_cmpint (
    sqlite3_exec (db,
                  "UPDATE batches"
                  " SET data = CAST (x'1f' || substr (data, 2) AS BLOB)"
                  " WHERE id = (SELECT id FROM batches ORDER BY id"
                  " LIMIT 1 OFFSET (SELECT count(*) / 2 FROM batches))",
                  NULL, NULL, NULL),
    ==, SQLITE_OK);
  int rc = 0;
  GArray *want = merge_by_hand (db, &rc);
  g_assert_cmpint (rc, ==, SQLITE_CORRUPT);
  g_assert_cmpuint (want->len, >, 4 * 4096);

  collected c = { g_array_new (FALSE, FALSE, sizeof (braid__rec)),
                  SIZE_MAX, 0, 0 };
  size_t n = 12345;
  g_assert_cmpint (braid__batches_each (db, 1, collect, &c, &n), ==,
                   SQLITE_CORRUPT);
  g_assert_cmpuint (n, ==, 0);
  assert_same_events (c.events, want);
  g_array_free (c.events, TRUE);
  done (db, want, path);
}

int
main (int argc, char **argv)
{
  g_setenv ("BRAID_SLOW_STEP_MS", "0", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/readahead/every-event-in-order",
                   test_every_event_in_order);
  g_test_add_func ("/tracer/readahead/a-callback-that-stops-is-called-no-"
                   "more",
                   test_a_callback_that_stops_is_called_no_more);
  g_test_add_func ("/tracer/readahead/a-malformed-batch-half-way-fails-"
                   "after-the-events-before-it",
                   test_a_malformed_batch_half_way_fails_after_the_events_before_it);
  return g_test_run ();
}
