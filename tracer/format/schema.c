/* schema.c: the SQL of the trace file format, version 4.
 *
 * Owns the text of the tables and views that tracer/SCHEMA.md documents,
 * and the names of the stored enums. The writer runs it on a new file; the
 * reader checks a file against the table and column names listed here. A
 * change to anything stored is a new schema version: bump
 * BRAID_TRACE_SCHEMA_VERSION, keep reading the old one, and update
 * SCHEMA.md in the same commit. Also owns the one query of whether a file
 * has a table, which the reader and the batch decoder ask.
 */
#include "trace-private.h"

#include <sqlite3.h>

/* Tables. While recording, events stay packed in batches (one row per
 * drain of a thread's ring, codec.c); finalization (finalize.c) expands
 * them into events, the one big table: its rowid is the event's sequence
 * number, so it costs no separate key, and every column but kind, t and
 * value is NULL when unused (value is 0 then; a NULL or a 0 costs one
 * header byte and no data). */
const char braid__schema_sql[]
  = "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value)"
    "  WITHOUT ROWID;"
    "CREATE TABLE strings (id INTEGER PRIMARY KEY, text TEXT NOT NULL);"
    "CREATE TABLE events ("
    "  seq INTEGER PRIMARY KEY,"
    "  kind INTEGER NOT NULL,"
    "  t INTEGER NOT NULL,"
    "  task INTEGER, other INTEGER, object INTEGER, value INTEGER,"
    "  reason INTEGER, line INTEGER, s1 INTEGER, s2 INTEGER, s3 INTEGER);"
    "CREATE TABLE batches ("
    "  id INTEGER PRIMARY KEY,"
    "  producer INTEGER NOT NULL,"
    "  first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  data BLOB NOT NULL);"
    "CREATE TABLE event_kinds (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "CREATE TABLE wait_reasons (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "CREATE TABLE object_kinds (id INTEGER PRIMARY KEY, name TEXT NOT NULL);";

/* Views: the derived facts, for sqlite3 users. The reader does not use
 * them (it derives the same facts in one pass in C, see reader-model.c);
 * tests check that both agree. Event kinds by number: 5 created, 6
 * resumed, 7 suspended, 8 woken, 9 completed, 10 failed, 11 cancelled,
 * 14 never retrieved, 15 destroyed pending, 17 object created, 19 output,
 * 20 slow step, 21 deadlock, 22 deadlock task, 23 observer wait. */
const char braid__views_sql[]
  = "CREATE VIEW tasks AS"
    " SELECT e.task AS task, e.seq AS created_seq, e.t AS created_t,"
    "  e.other AS parent, n.text AS name, f.text AS function,"
    "  c.text AS file, e.line AS line"
    " FROM events e"
    "  LEFT JOIN strings n ON n.id = e.s1"
    "  LEFT JOIN strings f ON f.id = e.s2"
    "  LEFT JOIN strings c ON c.id = e.s3"
    " WHERE e.kind = 5;"

    "CREATE VIEW task_ends AS"
    " SELECT e.task AS task, e.seq AS seq, e.t AS t,"
    "  CASE e.kind WHEN 9 THEN 'completed' WHEN 10 THEN 'failed'"
    "   WHEN 11 THEN 'cancelled' ELSE 'destroyed-pending' END AS outcome,"
    "  ty.text AS error_type, m.text AS error_message,"
    "  rf.text AS raise_file, CASE WHEN e.kind = 10 THEN e.line END"
    "   AS raise_line"
    " FROM events e"
    "  LEFT JOIN strings ty ON ty.id = e.s1"
    "  LEFT JOIN strings m ON m.id = e.s2"
    "  LEFT JOIN strings rf ON rf.id = e.s3"
    " WHERE e.kind = 9 OR e.kind = 10 OR e.kind = 11 OR e.kind = 15;"

    "CREATE VIEW objects AS"
    " SELECT e.object AS object, k.name AS kind, n.text AS name,"
    "  e.other AS creator, e.t AS created_t"
    " FROM events e"
    "  LEFT JOIN object_kinds k ON k.id = e.reason"
    "  LEFT JOIN strings n ON n.id = e.s1"
    " WHERE e.kind = 17;"

    /* A waiting slice that the task's resumption ends, with no task-woken
     * between, ended with a wake-up the runtime does not report (an I/O
     * completion; SCHEMA.md, "Implied wake-ups"): at the
     * last iteration-begin of the task's loop (task-created's object)
     * between the two, where a ready slice begins (as reader-model.c's
     * implied_wake), else at the resumption. Its row is followed by that
     * ready slice (part 1 of the cross join, which keeps the rows in the
     * window's order), whose start_seq and end_seq are the resumption's,
     * and woken_implied is 1 on both. The LIMIT keeps b a subquery of its
     * own, whose search for the iteration runs once per row (flattened
     * into the join, it would run once per use of wake_t). */
    "CREATE VIEW slices AS"
    " WITH w AS (SELECT e.task AS task, e.seq AS start_seq, e.t AS start_t,"
    "   CASE e.kind WHEN 5 THEN 'ready' WHEN 6 THEN 'running'"
    "    WHEN 8 THEN 'ready'"
    "    WHEN 7 THEN CASE e.reason WHEN 1 THEN 'ready' ELSE 'waiting' END"
    "   END AS state,"
    "   CASE WHEN e.kind IN (7, 8) THEN e.reason END AS reason,"
    "   CASE WHEN e.kind = 7 THEN e.object END AS object,"
    "   LEAD (e.seq) OVER w AS end_seq, LEAD (e.t) OVER w AS end_t,"
    "   LEAD (e.kind) OVER w AS end_kind,"
    "   CASE WHEN LEAD (e.kind) OVER w = 8 THEN LEAD (e.other) OVER w END"
    "    AS woken_by"
    "  FROM events e"
    "  WHERE e.kind IN (5, 6, 7, 8, 9, 10, 11, 15) AND e.task IS NOT NULL"
    "   AND NOT (e.kind = 8 AND e.reason = 1)"
    "  WINDOW w AS (PARTITION BY e.task ORDER BY e.seq)),"
    " b AS (SELECT w.*, CASE WHEN w.state = 'waiting' AND w.end_kind = 6"
    "   THEN (SELECT b.t FROM events b"
    "    WHERE b.kind = 3 AND b.seq > w.start_seq AND b.seq < w.end_seq"
    "     AND b.object = (SELECT c.object FROM events c"
    "      WHERE c.kind = 5 AND c.task = w.task)"
    "    ORDER BY b.seq DESC LIMIT 1) END AS begin_t"
    "  FROM w WHERE w.state IS NOT NULL LIMIT -1),"
    " i AS (SELECT b.*, CASE WHEN b.state = 'waiting' AND b.end_kind = 6"
    "   THEN CASE WHEN b.begin_t > b.start_t AND b.begin_t < b.end_t"
    "    THEN b.begin_t ELSE b.end_t END END AS wake_t FROM b)"
    " SELECT i.task AS task, CASE p.part WHEN 0 THEN i.state ELSE 'ready' END"
    "   AS state, r.name AS reason,"
    "  CASE p.part WHEN 0 THEN i.object END AS object,"
    "  CASE p.part WHEN 0 THEN i.start_seq ELSE i.end_seq END AS start_seq,"
    "  CASE p.part WHEN 0 THEN i.start_t ELSE i.wake_t END AS start_t,"
    "  i.end_seq AS end_seq,"
    "  CASE p.part WHEN 0 THEN COALESCE (i.wake_t, i.end_t) ELSE i.end_t END"
    "   AS end_t,"
    "  CASE p.part WHEN 0 THEN COALESCE (i.wake_t, i.end_t) - i.start_t"
    "   ELSE i.end_t - i.wake_t END AS duration,"
    "  CASE p.part WHEN 0 THEN i.woken_by END AS woken_by,"
    "  i.wake_t IS NOT NULL AS woken_implied"
    " FROM i CROSS JOIN (SELECT 0 AS part UNION ALL SELECT 1) p"
    "  LEFT JOIN wait_reasons r ON r.id = i.reason"
    " WHERE p.part = 0 OR i.wake_t < i.end_t;"

    "CREATE VIEW run_slices AS"
    " SELECT ROW_NUMBER () OVER (ORDER BY s.start_seq) - 1 AS step,"
    "  s.task AS task, t.name AS name, s.start_t AS start_t,"
    "  s.end_t AS end_t, s.duration AS duration,"
    "  s.start_seq AS start_seq, s.end_seq AS end_seq"
    " FROM slices s LEFT JOIN tasks t ON t.task = s.task"
    " WHERE s.state = 'running';"

    "CREATE VIEW resume_order AS"
    " SELECT step, task, name, start_t AS t FROM run_slices ORDER BY step;"

    "CREATE VIEW waits AS"
    " SELECT s.task AS task, t.name AS name, s.reason AS reason,"
    "  s.object AS object, o.kind AS object_kind,"
    "  COALESCE (o.name, ot.name) AS object_name,"
    "  s.start_t AS start_t, s.end_t AS end_t, s.duration AS duration,"
    "  s.woken_by AS woken_by, w.name AS woken_by_name"
    " FROM slices s"
    "  LEFT JOIN tasks t ON t.task = s.task"
    "  LEFT JOIN objects o ON o.object = s.object"
    "  LEFT JOIN tasks ot ON ot.task = s.object"
    "  LEFT JOIN tasks w ON w.task = s.woken_by"
    " WHERE s.state = 'waiting';"

    /* The wake-ups recorded (kind 8) and those the resumptions imply
     * (slices.woken_implied: by the loop, numbered with the resumption's
     * seq), in seq order. */
    "CREATE VIEW wake_edges AS"
    " SELECT seq, t, waker, wt.name AS waker_name, woken,"
    "  tt.name AS woken_name, object, r.name AS reason"
    " FROM (SELECT e.seq AS seq, e.t AS t, e.other AS waker, e.task AS woken,"
    "   e.object AS object, e.reason AS reason"
    "  FROM events e WHERE e.kind = 8"
    "  UNION ALL"
    "  SELECT s.end_seq, s.end_t, NULL, s.task, s.object, wr.id"
    "  FROM slices s LEFT JOIN wait_reasons wr ON wr.name = s.reason"
    "  WHERE s.woken_implied AND s.state = 'waiting') e"
    "  LEFT JOIN tasks wt ON wt.task = e.waker"
    "  LEFT JOIN tasks tt ON tt.task = e.woken"
    "  LEFT JOIN wait_reasons r ON r.id = e.reason"
    " ORDER BY seq;"

    "CREATE VIEW outputs AS"
    " SELECT e.seq AS seq, e.t AS t, e.task AS task,"
    "  CASE e.line WHEN 2 THEN 'stderr' ELSE 'stdout' END AS stream,"
    "  s.text AS text"
    " FROM events e LEFT JOIN strings s ON s.id = e.s1"
    " WHERE e.kind = 19;"

    "CREATE VIEW task_summary AS"
    " WITH agg AS (SELECT task,"
    "   SUM (CASE WHEN state = 'running' THEN duration ELSE 0 END)"
    "    AS running_ns,"
    "   SUM (CASE WHEN state = 'ready' THEN duration ELSE 0 END)"
    "    AS ready_ns,"
    "   SUM (CASE WHEN state = 'waiting' THEN duration ELSE 0 END)"
    "    AS waiting_ns,"
    "   SUM (state = 'running') AS steps"
    "  FROM slices GROUP BY task)"
    " SELECT t.task AS task, t.name AS name, t.function AS function,"
    "  t.file AS file, t.line AS line, t.parent AS parent,"
    "  t.created_t AS created_t, en.t AS ended_t,"
    "  COALESCE (en.outcome, 'pending') AS outcome,"
    "  en.error_type AS error_type, en.error_message AS error_message,"
    "  COALESCE (a.steps, 0) AS steps,"
    "  COALESCE (a.running_ns, 0) AS running_ns,"
    "  COALESCE (a.ready_ns, 0) AS ready_ns,"
    "  COALESCE (a.waiting_ns, 0) AS waiting_ns"
    " FROM tasks t"
    "  LEFT JOIN task_ends en ON en.task = t.task"
    "  LEFT JOIN agg a ON a.task = t.task;"

    "CREATE VIEW problems AS"
    " SELECT 'never-retrieved' AS kind, e.seq AS seq, e.t AS t,"
    "  COALESCE (e.object, e.task) AS task, t.name AS task_name,"
    "  'Task exception was never retrieved: ' || COALESCE (ty.text, '?')"
    "   || ': ' || COALESCE (m.text, '') AS summary,"
    "  t.file AS created_file, t.line AS created_line,"
    "  t.parent AS created_by, rf.text AS raised_file,"
    "  e.line AS raised_line, NULL AS duration"
    " FROM events e"
    "  LEFT JOIN tasks t ON t.task = COALESCE (e.object, e.task)"
    "  LEFT JOIN strings ty ON ty.id = e.s1"
    "  LEFT JOIN strings m ON m.id = e.s2"
    "  LEFT JOIN strings rf ON rf.id = e.s3"
    " WHERE e.kind = 14"
    " UNION ALL"
    " SELECT 'destroyed-pending', e.seq, e.t, e.task, t.name,"
    "  'Task was destroyed but it is pending', t.file, t.line, t.parent,"
    "  NULL, NULL, NULL"
    " FROM events e LEFT JOIN tasks t ON t.task = e.task"
    " WHERE e.kind = 15"
    " UNION ALL"
    " SELECT 'slow-step', e.seq, e.t, e.task, t.name,"
    "  'A step held the loop for ' || (e.value / 1000000) || ' ms',"
    "  t.file, t.line, t.parent, NULL, NULL, e.value"
    " FROM events e LEFT JOIN tasks t ON t.task = e.task"
    " WHERE e.kind = 20"
    " UNION ALL"
    " SELECT 'deadlock', e.seq, e.t, NULL, NULL,"
    "  'Deadlock: ' || e.value || ' tasks wait and nothing can wake them',"
    "  NULL, NULL, NULL, NULL, NULL, NULL"
    " FROM events e WHERE e.kind = 21"
    " UNION ALL"
    " SELECT 'incomplete', NULL, NULL, NULL, NULL,"
    "  'The trace was not closed cleanly (killed or crashed)',"
    "  NULL, NULL, NULL, NULL, NULL, NULL"
    " FROM meta WHERE key = 'complete' AND value = 0;";

/* Indexes, created with the file, before events has rows. Each is
 * partial, so it costs bytes only for the rare kinds it covers, and
 * maintaining it while finalization inserts rows costs a compare per row
 * (building them afterwards would scan events once per index). SQLite
 * uses a partial index when the query has the same WHERE term, so each
 * matches a term of a view (the joins on tasks, task_ends and objects
 * become lookups, and outputs and problems read only their rows). The
 * views built on slices (window functions over every task event) scan
 * events once: an index on (task, seq) saved them only a fifth of their
 * time for 13 bytes per event, so there is none. Index conditions are
 * chains of = and OR, never IN (...): SQLite evaluates an index's
 * condition for every inserted row, and an IN list builds a temporary
 * b-tree each time (4,000 instructions per row). */
const char braid__indexes_sql[]
  = "CREATE INDEX IF NOT EXISTS events_rare_kinds ON events (kind, task)"
    "  WHERE kind = 5 OR kind = 14 OR kind = 15 OR kind = 19 OR kind = 20"
    "   OR kind = 21 OR kind = 23;"
    "CREATE INDEX IF NOT EXISTS events_task_ended ON events (task)"
    "  WHERE kind = 9 OR kind = 10 OR kind = 11 OR kind = 15;"
    "CREATE INDEX IF NOT EXISTS events_object_created ON events (object)"
    "  WHERE kind = 17;";

/* The names stored in event_kinds, indexed by braid_event_kind. */
const char *const braid__event_kind_names[BRAID_EV_KIND_COUNT] = {
  [BRAID_EV_LOOP_CREATED] = "loop-created",
  [BRAID_EV_LOOP_CLOSED] = "loop-closed",
  [BRAID_EV_ITERATION_BEGIN] = "iteration-begin",
  [BRAID_EV_POLL] = "poll",
  [BRAID_EV_TASK_CREATED] = "task-created",
  [BRAID_EV_TASK_RESUMED] = "task-resumed",
  [BRAID_EV_TASK_SUSPENDED] = "task-suspended",
  [BRAID_EV_TASK_WOKEN] = "task-woken",
  [BRAID_EV_TASK_COMPLETED] = "task-completed",
  [BRAID_EV_TASK_FAILED] = "task-failed",
  [BRAID_EV_TASK_CANCELLED] = "task-cancelled",
  [BRAID_EV_CANCEL_REQUESTED] = "cancel-requested",
  [BRAID_EV_ERROR_RETRIEVED] = "error-retrieved",
  [BRAID_EV_ERROR_NEVER_RETRIEVED] = "error-never-retrieved",
  [BRAID_EV_TASK_DESTROYED_PENDING] = "task-destroyed-pending",
  [BRAID_EV_TASK_FREED] = "task-freed",
  [BRAID_EV_OBJECT_CREATED] = "object-created",
  [BRAID_EV_OBJECT_DONE] = "object-done",
  [BRAID_EV_OUTPUT] = "output",
  [BRAID_EV_SLOW_STEP] = "slow-step",
  [BRAID_EV_DEADLOCK] = "deadlock",
  [BRAID_EV_DEADLOCK_TASK] = "deadlock-task",
  [BRAID_EV_OBSERVER_WAIT] = "observer-wait",
  [BRAID_EV_TASK_SWITCHED] = "task-switched",
  [BRAID_EV_ACQUIRED] = "acquired",
  [BRAID_EV_RELEASED] = "released",
  [BRAID_EV_QUEUE_ITEM] = "queue-item",
};

/* The views above name kinds by number: keep them in step with the enum. */
_Static_assert (BRAID_EV_TASK_CREATED == 5 && BRAID_EV_TASK_WOKEN == 8
                  && BRAID_EV_TASK_CANCELLED == 11
                  && BRAID_EV_ERROR_NEVER_RETRIEVED == 14
                  && BRAID_EV_TASK_DESTROYED_PENDING == 15
                  && BRAID_EV_OBJECT_CREATED == 17 && BRAID_EV_OUTPUT == 19
                  && BRAID_EV_SLOW_STEP == 20 && BRAID_EV_DEADLOCK == 21
                  && BRAID_EV_OBSERVER_WAIT == 23
                  && BRAID_EV_ACQUIRED == 25 && BRAID_EV_RELEASED == 26
                  && BRAID_EV_QUEUE_ITEM == 27,
                "schema.c's views assume these stored kind numbers");

int
braid__has_table (sqlite3 *db, const char *name, int *rc_out)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "SELECT 1 FROM sqlite_schema "
                               "WHERE type = 'table' AND name = ?",
                               -1, &st, NULL);
  int found = 0;
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
      rc = sqlite3_step (st);
      found = rc == SQLITE_ROW;
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (st);
  *rc_out = rc;
  return found;
}
