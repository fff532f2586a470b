/* export-perfetto.c: `braid export --format perfetto`, Perfetto's
 * protobuf TrackEvent format.
 *
 * The output is a Trace message: a sequence of TracePackets, each written
 * to the file as soon as it is built (one packet's buffer is the only
 * copy of anything), on one packet sequence (trusted_packet_sequence_id
 * 1; with several traces of one run, one sequence per process, K + 1 for
 * the K-th, each with its own tracks and flow ids). Field numbers are
 * those of Perfetto's protos (protos/perfetto/trace/trace_packet.proto,
 * track_event/ and
 * interned_data/interned_data.proto, clock_snapshot.proto).
 *
 * What maps to what:
 * - the process: a track with a ProcessDescriptor (the recorded pid, or
 *   one derived from the start time for traces that do not record it,
 *   and the program's name); under it a track per loop ("loop", "loop 1"
 *   ...) whose slices are its iterations, and a track per task, nested
 *   under the track of the task that created it, named "NAME (task ID)",
 *   in creation order;
 * - each state slice of a task: a TYPE_SLICE_BEGIN / TYPE_SLICE_END pair
 *   named "running", "ready" or "waiting: REASON on OBJECT";
 * - each mark (yield, error, cancelled, never-retrieved, output...): a
 *   TYPE_INSTANT, with the error or the output line as debug annotations;
 * - each causal edge (spawn, wake, gather, error, cancel): a flow, its id
 *   in flow_ids of the slice it leaves and in terminating_flow_ids of the
 *   slice it enters (export-stream.c finds both);
 * - event names are interned (the first packet clears the incremental
 *   state, each name is sent once, before its first use);
 * - time: nanoseconds since the Unix epoch (the trace's start_unix_ns
 *   plus its times; for a process of a run, the first process's plus
 *   its offset on the run's clock), with a ClockSnapshot that makes REALTIME the trace
 *   clock, so that two exported traces line up. On the steps axis a step
 *   is a microsecond from the same start.
 *
 * The hot path is a packet per slice begin and end, written as the trace
 * streams by (export-stream.c): the buffer is reused, and the flows of a
 * slice come from the two cursors of the flows' store. Nothing grows with
 * the number of events: the memory is a cursor per task and loop and a
 * bit per interned wait name (per object or task and reason).
 */
#include "export.h"
#include "protobuf-writer.h"

#include <braid/braid-hooks.h>

#include <stdlib.h>
#include <string.h>

/* Field numbers (Perfetto's protos). */
enum
{
  TRACE_PACKET = 1,

  PACKET_CLOCK_SNAPSHOT = 6,
  PACKET_TIMESTAMP = 8,
  PACKET_SEQUENCE_ID = 10,
  PACKET_TRACK_EVENT = 11,
  PACKET_INTERNED_DATA = 12,
  PACKET_SEQUENCE_FLAGS = 13,
  PACKET_TRACK_DESCRIPTOR = 60,

  CLOCK_SNAPSHOT_CLOCKS = 1,
  CLOCK_SNAPSHOT_PRIMARY = 2,
  CLOCK_ID = 1,
  CLOCK_TIMESTAMP = 2,

  TRACK_UUID = 1,
  TRACK_NAME = 2,
  TRACK_PROCESS = 3,
  TRACK_PARENT_UUID = 5,
  TRACK_CHILD_ORDERING = 11,
  TRACK_SIBLING_RANK = 12,
  TRACK_DESCRIPTION = 14,

  PROCESS_PID = 1,
  PROCESS_CMDLINE = 2,
  PROCESS_NAME = 6,

  EVENT_DEBUG_ANNOTATIONS = 4,
  EVENT_TYPE = 9,
  EVENT_NAME_IID = 10,
  EVENT_TRACK_UUID = 11,
  EVENT_NAME = 23,
  EVENT_FLOW_IDS = 47,
  EVENT_TERMINATING_FLOW_IDS = 48,

  ANNOTATION_NAME_IID = 1,
  ANNOTATION_INT = 4,
  ANNOTATION_STRING = 6,

  INTERNED_EVENT_NAMES = 2,
  INTERNED_ANNOTATION_NAMES = 3,
  INTERNED_IID = 1,
  INTERNED_NAME = 2,
};

enum
{
  SLICE_BEGIN = 1,
  SLICE_END = 2,
  INSTANT = 3,
};

enum
{
  SEQ_INCREMENTAL_STATE_CLEARED = 1,
  SEQ_NEEDS_INCREMENTAL_STATE = 2,
};

enum
{
  CLOCK_REALTIME = 1,
  CLOCK_BOOTTIME = 6,
  ORDERING_EXPLICIT = 3,
};

/* Interned name ids: the fixed names first, then one per wait (reason,
 * object) pair, sent when first used. */
enum
{
  IID_RUNNING = 1,
  IID_READY = 2,
  IID_ITERATION = 3,
  IID_MARKS = 10, /* + mark kind, up to BRAID_MARK_OBSERVER_WAIT */
  IID_WAITS = 32, /* + reason: a wait on no object */
  IID_OBJECT_WAITS = 64,
};
#define N_REASONS (BRAID_WAIT_REASON_COUNT + 1)

/* Interned debug annotation names. */
enum
{
  ARG_STEP = 1,
  ARG_OBJECT,
  ARG_NUMBER,
  ARG_FIRST_STEP,
  ARG_DURATION_NS,
  ARG_ERROR_TYPE,
  ARG_ERROR_MESSAGE,
  ARG_TEXT,
  N_ARGS
};

static const char *const arg_names[N_ARGS] = {
  [ARG_STEP] = "step",
  [ARG_OBJECT] = "object",
  [ARG_NUMBER] = "number",
  [ARG_FIRST_STEP] = "first_step",
  [ARG_DURATION_NS] = "duration_ns",
  [ARG_ERROR_TYPE] = "error_type",
  [ARG_ERROR_MESSAGE] = "error_message",
  [ARG_TEXT] = "text",
};

/* Track names are cut to this many bytes, as in the JSON export. */
#define MAX_TRACK_NAME 255

typedef struct exporter
{
  FILE *out;
  const braid_trace *trace; /* the summary: tasks, objects, meta */
  export_flows *flows;
  export_axis axis;
  braid__pb pb;
  int64_t base;  /* ns since the epoch of the trace's time 0 */
  uint64_t uuid; /* the process track (see loop_uuid, task_uuid) */
  uint32_t seq;  /* the packet sequence: one per process of the output */
  uint64_t flow_base; /* added to the flow ids, apart per process */
  size_t n_objects, n_tasks;
  uint32_t n_loops;
  uint8_t *sent; /* a bit per object-wait iid: name already sent */
  int failed;    /* the flows' store failed */
} exporter;

/* The tracks: the process's uuid, the first loop's next, then one per
 * task, then the other loops'. */
static uint64_t
task_uuid (const exporter *ex, size_t task)
{
  return ex->uuid + 2 + task;
}

static uint64_t
loop_uuid (const exporter *ex, uint32_t loop)
{
  return loop == 0 ? ex->uuid + 1 : ex->uuid + 1 + ex->n_tasks + loop;
}

typedef struct flow_field
{
  exporter *ex;
  uint32_t field;
} flow_field;

static void
put_flow_id (void *data, uint64_t id)
{
  flow_field *ff = data;
  braid__pb_fixed64 (&ff->ex->pb, ff->field, ff->ex->flow_base + id);
}

/* Writes the flows that leave and enter slice (or iteration) @sid to the
 * event being built, from the store's two cursors: slices begin in the
 * order of their sids. */
static void
put_flows (exporter *ex, uint64_t sid)
{
  flow_field out = { ex, EVENT_FLOW_IDS };
  flow_field in = { ex, EVENT_TERMINATING_FLOW_IDS };
  if (braid__export_flows_at (ex->flows, true, sid, put_flow_id, &out) != 0
      || braid__export_flows_at (ex->flows, false, sid, put_flow_id, &in)
           != 0)
    {
      fprintf (stderr, "braid: cannot export: the temporary store of flows "
                       "failed\n");
      ex->failed = 1;
    }
}

/* Writes the packet built in ex->pb as one field of the Trace, and
 * empties the buffer. */
static int
flush_packet (exporter *ex)
{
  if (ex->pb.failed)
    return -1;
  uint8_t head[16];
  size_t n = 0;
  head[n++] = TRACE_PACKET << 3 | 2;
  uint64_t len = ex->pb.len;
  while (len >= 0x80)
    {
      head[n++] = (uint8_t)len | 0x80;
      len >>= 7;
    }
  head[n++] = (uint8_t)len;
  fwrite (head, 1, n, ex->out);
  fwrite (ex->pb.data, 1, ex->pb.len, ex->out);
  braid__pb_reset (&ex->pb);
  return 0;
}

/* An absolute timestamp for @ns of the axis, never below 0. */
static uint64_t
stamp (const exporter *ex, int64_t ns)
{
  int64_t t = ex->base + ns;
  return t < 0 ? 0 : (uint64_t)t;
}

/* Begins a TracePacket holding a TrackEvent at @ns on @track; returns
 * the mark of the TrackEvent, for braid__pb_end. */
static size_t
begin_event (exporter *ex, int64_t ns, uint64_t track, int type)
{
  braid__pb_varint (&ex->pb, PACKET_TIMESTAMP, stamp (ex, ns));
  braid__pb_varint (&ex->pb, PACKET_SEQUENCE_ID, ex->seq);
  braid__pb_varint (&ex->pb, PACKET_SEQUENCE_FLAGS,
                    SEQ_NEEDS_INCREMENTAL_STATE);
  size_t mark = braid__pb_begin (&ex->pb, PACKET_TRACK_EVENT);
  braid__pb_varint (&ex->pb, EVENT_TYPE, type);
  braid__pb_varint (&ex->pb, EVENT_TRACK_UUID, track);
  return mark;
}

static void
put_interned_name (braid__pb *pb, uint32_t field, uint64_t iid,
                   const char *name)
{
  size_t m = braid__pb_begin (pb, field);
  braid__pb_varint (pb, INTERNED_IID, iid);
  braid__pb_string (pb, INTERNED_NAME, name, SIZE_MAX);
  braid__pb_end (pb, m);
}

static void
put_string_annotation (braid__pb *pb, int name, const char *value)
{
  size_t m = braid__pb_begin (pb, EVENT_DEBUG_ANNOTATIONS);
  braid__pb_varint (pb, ANNOTATION_NAME_IID, name);
  braid__pb_string (pb, ANNOTATION_STRING, value, SIZE_MAX);
  braid__pb_end (pb, m);
}

static void
put_int_annotation (braid__pb *pb, int name, int64_t value)
{
  size_t m = braid__pb_begin (pb, EVENT_DEBUG_ANNOTATIONS);
  braid__pb_varint (pb, ANNOTATION_NAME_IID, name);
  braid__pb_varint (pb, ANNOTATION_INT, (uint64_t)value);
  braid__pb_end (pb, m);
}

/* The clock snapshot, the interned fixed names, and the tracks. */
static void
write_header (exporter *ex)
{
  braid__pb *pb = &ex->pb;
  const braid_trace_meta *m = braid_trace_get_meta (ex->trace);
  size_t n_tasks;
  const braid_trace_task *tasks = braid_trace_get_tasks (ex->trace, &n_tasks);

  /* REALTIME is the trace clock, and BOOTTIME (the clock of packets that
   * name none) is declared equal to it: every timestamp is epoch ns. */
  braid__pb_varint (pb, PACKET_SEQUENCE_ID, ex->seq);
  size_t snap = braid__pb_begin (pb, PACKET_CLOCK_SNAPSHOT);
  static const int clocks[] = { CLOCK_REALTIME, CLOCK_BOOTTIME };
  for (size_t i = 0; i < 2; i++)
    {
      size_t c = braid__pb_begin (pb, CLOCK_SNAPSHOT_CLOCKS);
      braid__pb_varint (pb, CLOCK_ID, clocks[i]);
      braid__pb_varint (pb, CLOCK_TIMESTAMP, stamp (ex, 0));
      braid__pb_end (pb, c);
    }
  braid__pb_varint (pb, CLOCK_SNAPSHOT_PRIMARY, CLOCK_REALTIME);
  braid__pb_end (pb, snap);
  flush_packet (ex);

  /* The process, with the fixed names, clearing the incremental state. */
  braid__pb_varint (pb, PACKET_SEQUENCE_ID, ex->seq);
  braid__pb_varint (pb, PACKET_SEQUENCE_FLAGS, SEQ_INCREMENTAL_STATE_CLEARED);
  size_t in = braid__pb_begin (pb, PACKET_INTERNED_DATA);
  put_interned_name (pb, INTERNED_EVENT_NAMES, IID_RUNNING, "running");
  put_interned_name (pb, INTERNED_EVENT_NAMES, IID_READY, "ready");
  put_interned_name (pb, INTERNED_EVENT_NAMES, IID_ITERATION, "iteration");
  for (int k = 0; k <= BRAID_MARK_OBSERVER_WAIT + 1; k++)
    put_interned_name (pb, INTERNED_EVENT_NAMES, IID_MARKS + k,
                       braid__export_mark_name (k));
  for (int k = 1; k < N_ARGS; k++)
    put_interned_name (pb, INTERNED_ANNOTATION_NAMES, k, arg_names[k]);
  for (int r = 0; r < N_REASONS; r++)
    {
      char name[64];
      snprintf (name, sizeof name, "waiting: %s",
                braid_trace_wait_reason_name (r));
      put_interned_name (pb, INTERNED_EVENT_NAMES, IID_WAITS + r, name);
    }
  braid__pb_end (pb, in);
  size_t td = braid__pb_begin (pb, PACKET_TRACK_DESCRIPTOR);
  braid__pb_varint (pb, TRACK_UUID, ex->uuid);
  braid__pb_varint (pb, TRACK_CHILD_ORDERING, ORDERING_EXPLICIT);
  size_t pd = braid__pb_begin (pb, TRACK_PROCESS);
  braid__pb_varint (pb, PROCESS_PID, (uint64_t)braid__export_pid (m));
  braid__pb_string (pb, PROCESS_CMDLINE, m->program, SIZE_MAX);
  if (m->arguments[0])
    braid__pb_string (pb, PROCESS_CMDLINE, m->arguments, SIZE_MAX);
  braid__pb_string (pb, PROCESS_NAME, braid__export_process_name (m),
                    MAX_TRACK_NAME);
  braid__pb_end (pb, pd);
  braid__pb_end (pb, td);
  flush_packet (ex);

  uint32_t n_loops = ex->n_loops;
  for (uint32_t k = 0; k < n_loops; k++)
    {
      char name[32] = "loop";
      if (k > 0)
        snprintf (name, sizeof name, "loop %u", k);
      braid__pb_varint (pb, PACKET_SEQUENCE_ID, ex->seq);
      td = braid__pb_begin (pb, PACKET_TRACK_DESCRIPTOR);
      braid__pb_varint (pb, TRACK_UUID, loop_uuid (ex, k));
      braid__pb_varint (pb, TRACK_PARENT_UUID, ex->uuid);
      braid__pb_string (pb, TRACK_NAME, name, SIZE_MAX);
      /* The loops first, then the tasks. */
      braid__pb_varint (pb, TRACK_SIBLING_RANK, k);
      braid__pb_end (pb, td);
      flush_packet (ex);
    }

  for (size_t i = 0; i < n_tasks; i++)
    {
      const braid_trace_task *t = &tasks[i];
      braid__pb_varint (pb, PACKET_SEQUENCE_ID, ex->seq);
      td = braid__pb_begin (pb, PACKET_TRACK_DESCRIPTOR);
      braid__pb_varint (pb, TRACK_UUID, task_uuid (ex, i));
      braid__pb_varint (pb, TRACK_PARENT_UUID,
                        t->parent >= 0 && (size_t)t->parent < n_tasks
                            ? task_uuid (ex, (size_t)t->parent)
                            : ex->uuid);
      size_t nm = braid__pb_begin (pb, TRACK_NAME);
      braid__pb_append_utf8 (pb, t->name, MAX_TRACK_NAME);
      char id[40];
      snprintf (id, sizeof id, " (task %llu)", (unsigned long long)t->id);
      braid__pb_append (pb, id, strlen (id));
      braid__pb_end (pb, nm);
      if (t->function[0])
        braid__pb_string (pb, TRACK_DESCRIPTION, t->function, SIZE_MAX);
      braid__pb_varint (pb, TRACK_CHILD_ORDERING, ORDERING_EXPLICIT);
      braid__pb_varint (pb, TRACK_SIBLING_RANK, (uint64_t)n_loops + i);
      braid__pb_end (pb, td);
      flush_packet (ex);
    }
}

/* The interned name of slice @s: sends it first (as interned data in the
 * packet being built, which must not have begun its TrackEvent yet) if
 * it was never sent. */
static uint64_t
slice_name_iid (exporter *ex, const braid_trace_slice *s)
{
  if (s->state == BRAID_STATE_RUNNING)
    return IID_RUNNING;
  if (s->state != BRAID_STATE_WAITING)
    return IID_READY;
  uint64_t reason = s->wait_reason < BRAID_WAIT_REASON_COUNT
                        ? s->wait_reason
                        : BRAID_WAIT_REASON_COUNT;
  /* The key of the object: an index in the objects, or after them in
   * the tasks; waits on no known object share the reason's name. */
  uint64_t key;
  size_t n;
  const braid_trace_object *objects = braid_trace_get_objects (ex->trace, &n);
  const braid_trace_object *o
      = s->object ? braid_trace_find_object (ex->trace, s->object) : NULL;
  int32_t task = -1;
  if (o != NULL && o->name[0])
    key = (uint64_t)(o - objects);
  else if (s->object != 0
           && (task = braid_trace_find_task (ex->trace, s->object)) >= 0)
    key = ex->n_objects + (uint64_t)task;
  else
    return IID_WAITS + reason;
  uint64_t slot = key * N_REASONS + reason;
  if (!(ex->sent[slot / 8] & 1u << (slot % 8)))
    {
      char name[320];
      braid__export_wait_name (ex->trace, s, name, sizeof name);
      size_t in = braid__pb_begin (&ex->pb, PACKET_INTERNED_DATA);
      put_interned_name (&ex->pb, INTERNED_EVENT_NAMES, IID_OBJECT_WAITS + slot,
                         name);
      braid__pb_end (&ex->pb, in);
      ex->sent[slot / 8] |= (uint8_t)(1u << (slot % 8));
    }
  return IID_OBJECT_WAITS + slot;
}

/* The slices and iterations are written as the trace streams by, in the
 * order of events: a slice's begin when it begins, its end when it ends.
 * Perfetto sorts events by time and keeps the file's order among equal
 * times, and the order of events is what makes a flow's source slice
 * begin before its target's when both begin at the same time (every step
 * of a trace recorded on the virtual clock does), a slice end before the
 * next of its task begins, and an iteration begin before the steps it
 * runs. */
static int
pf_slice_begin (void *data, uint64_t sid, const braid_trace_slice *sl,
                int64_t start)
{
  exporter *ex = data;
  uint64_t iid = slice_name_iid (ex, sl);
  size_t m = begin_event (ex, start, task_uuid (ex, sl->task), SLICE_BEGIN);
  braid__pb_varint (&ex->pb, EVENT_NAME_IID, iid);
  put_flows (ex, sid);
  put_int_annotation (&ex->pb, ARG_STEP, (int64_t)sl->start_step);
  if (sl->object != 0)
    put_int_annotation (&ex->pb, ARG_OBJECT, (int64_t)sl->object);
  braid__pb_end (&ex->pb, m);
  return flush_packet (ex) != 0 || ex->failed ? -1 : 0;
}

/* The end of a slice or iteration on @track at @end. */
static int
write_end (exporter *ex, uint64_t track, int64_t end)
{
  size_t m = begin_event (ex, end, track, SLICE_END);
  braid__pb_end (&ex->pb, m);
  return flush_packet (ex);
}

static int
pf_slice_end (void *data, uint64_t sid, const braid_trace_slice *sl,
              int64_t start, int64_t end)
{
  exporter *ex = data;
  (void)sid, (void)start;
  return write_end (ex, task_uuid (ex, sl->task), end);
}

static int
pf_iteration_begin (void *data, uint64_t sid, const braid_trace_iteration *it,
                    int64_t start)
{
  exporter *ex = data;
  size_t m = begin_event (ex, start, loop_uuid (ex, it->loop), SLICE_BEGIN);
  braid__pb_varint (&ex->pb, EVENT_NAME_IID, IID_ITERATION);
  put_flows (ex, sid);
  put_int_annotation (&ex->pb, ARG_NUMBER, it->number);
  put_int_annotation (&ex->pb, ARG_FIRST_STEP, (int64_t)it->first_step);
  braid__pb_end (&ex->pb, m);
  return flush_packet (ex) != 0 || ex->failed ? -1 : 0;
}

static int
pf_iteration_end (void *data, uint64_t sid, const braid_trace_iteration *it,
                  int64_t start, int64_t end)
{
  exporter *ex = data;
  (void)sid, (void)start;
  return write_end (ex, loop_uuid (ex, it->loop), end);
}

/* A mark: an instant on its task's track (the loop's when it has none),
 * written as it comes, in the order of events. */
static int
pf_mark (void *data, const braid_trace_mark *mk, const char *text)
{
  exporter *ex = data;
  size_t n_tasks;
  const braid_trace_task *tasks = braid_trace_get_tasks (ex->trace, &n_tasks);
  bool has_task = mk->task >= 0 && (size_t)mk->task < n_tasks;
  uint64_t track
      = has_task ? task_uuid (ex, (size_t)mk->task) : loop_uuid (ex, 0);
  int64_t at = ex->axis == EXPORT_AXIS_STEPS ? (int64_t)mk->step * 1000
                                             : mk->time_ns;
  size_t ev = begin_event (ex, at, track, INSTANT);
  braid__pb_varint (&ex->pb, EVENT_NAME_IID,
                    (unsigned)mk->kind <= BRAID_MARK_OBSERVER_WAIT
                        ? IID_MARKS + mk->kind
                        : IID_MARKS + BRAID_MARK_OBSERVER_WAIT + 1);
  put_int_annotation (&ex->pb, ARG_STEP, (int64_t)mk->step);
  if (mk->value != 0)
    put_int_annotation (&ex->pb, ARG_DURATION_NS, mk->value);
  /* The task's error as the whole trace leaves it (the summary's). */
  if (has_task
      && (mk->kind == BRAID_MARK_ERROR || mk->kind == BRAID_MARK_CANCELLED
          || mk->kind == BRAID_MARK_NEVER_RETRIEVED))
    {
      const braid_trace_task *t = &tasks[mk->task];
      if (t->error_type[0])
        put_string_annotation (&ex->pb, ARG_ERROR_TYPE, t->error_type);
      if (t->error_message[0])
        put_string_annotation (&ex->pb, ARG_ERROR_MESSAGE, t->error_message);
    }
  /* An output mark comes with the line the task wrote. */
  if (mk->kind == BRAID_MARK_OUTPUT && text != NULL)
    put_string_annotation (&ex->pb, ARG_TEXT, text);
  braid__pb_end (&ex->pb, ev);
  return flush_packet (ex);
}


int
braid__export_perfetto (FILE *out, const char *path,
                        const braid_trace *trace, export_flows *flows,
                        export_axis axis, unsigned process, int64_t base_ns)
{
  exporter ex = { .out = out, .trace = trace, .flows = flows, .axis = axis };
  /* The processes of one output: a packet sequence each (each clears and
   * interns its own names), and flow ids apart (2^40 edges each). */
  ex.seq = process + 1;
  ex.flow_base = (uint64_t) process << 40;
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  braid_trace_get_objects (trace, &ex.n_objects);
  braid_trace_get_tasks (trace, &ex.n_tasks);
  ex.n_loops = braid__export_flows_n_loops (flows);
  ex.base = base_ns;
  /* Track uuids (task_uuid, loop_uuid): from the pid up, so that the tracks of
   * two processes differ (unless one has 2^24 tasks), in few bytes: every event
   * names one. */
  ex.uuid = (uint64_t)braid__export_pid (m) << 24;
  size_t n_slots = (ex.n_objects + ex.n_tasks) * N_REASONS;
  ex.sent = calloc (n_slots / 8 + 1, 1);
  int rc = -1;
  if (ex.sent == NULL)
    goto done;
  write_header (&ex);
  export_writer w = {
    .data = &ex,
    .slice_begin = pf_slice_begin,
    .slice_end = pf_slice_end,
    .iteration_begin = pf_iteration_begin,
    .iteration_end = pf_iteration_end,
    .mark = pf_mark,
  };
  if (braid__export_stream (path, trace, axis, &w) != 0)
    goto done;
  rc = ex.pb.failed || ex.failed ? -1 : 0;
done:
  if (rc != 0 && (ex.sent == NULL || ex.pb.failed))
    fprintf (stderr, "braid: out of memory\n");
  free (ex.sent);
  braid__pb_free (&ex.pb);
  return rc;
}
