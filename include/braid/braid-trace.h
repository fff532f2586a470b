/* braid-trace.h: the public interface of libbraid-trace.
 *
 * Two halves. Recording: install the runtime's hooks and store every event
 * in a SQLite file (tracer/SCHEMA.md documents the file). Reading: load a
 * trace file into an in-memory model of plain arrays (tasks, state slices,
 * causal edges, marks, output lines, objects, problems) that the `braid`
 * tool and the viewer draw from. The reader is the only code that knows the
 * file format; nothing else in braid runs SQL on a trace.
 *
 * Every array of the model is sorted as documented, indexed from 0, and
 * lives as long as the braid_trace. Strings are borrowed from it too and are
 * never NULL (an unknown string is ""). Times are nanoseconds since the
 * trace's first event; "steps" number the resumptions of tasks in the order
 * they happened (step k is the k-th resumption, from 0), which is the
 * loop-step axis of the timeline.
 */
#ifndef BRAID_TRACE_H
#define BRAID_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared here is exported from the library; the rest of
 * the library is built with hidden visibility. */
#pragma GCC visibility push(default)

/* The schema version this library writes and the newest it reads. */
#define BRAID_TRACE_SCHEMA_VERSION 4

/* The SQLite application id of every trace this library writes (PRAGMA
 * application_id, the big-endian 32-bit word at offset 68 of the file):
 * "BRAD" in ASCII. Traces written before it was set have 0; a file with
 * any other id belongs to another application. */
#define BRAID_TRACE_APPLICATION_ID 0x42524144

/* ---------------------------------------------------------------------
 * Recording
 * ------------------------------------------------------------------ */

/* braid_trace_start:
 * Starts recording every loop of the process into a new trace at @path
 * (replaced if it exists). Call before the first loop is created. The
 * environment variable BRAID_TRACE=path does the same for any program
 * linked with libbraid, without code changes. When @path is BRAID_TRACE's
 * value, the processes of a tree share it (children inherit it): the
 * first to record writes @path, each other one @path with its pid before
 * the extension (trace.1234.braid), never overwriting another.
 * Returns 0, or a negative BRAID_E* code with a message on stderr. */
int braid_trace_start (const char *path);

/* braid_trace_stop:
 * Flushes every buffered event, marks the trace complete and closes it.
 * Runs by itself at exit() and on SIGINT/SIGTERM. Returns 0 or a negative
 * code. */
int braid_trace_stop (void);

/* What braid_trace_start_with() takes besides the path. A zeroed struct
 * (or NULL) starts recording as braid_trace_start() does. */
typedef struct braid_trace_start_options
{
  /* meta.program and meta.arguments of the trace. NULL: argv[0] of the
   * process and the rest of its command line. A runtime that runs the
   * traced program inside an interpreter (python3 -m braid prog.py)
   * names the program itself here. */
  const char *program;
  const char *arguments;
  /* true: libbraid's hooks are left alone, and the caller records every
   * event itself with braid_trace_record(). For a runtime other than
   * libbraid (the braid Python module). */
  bool foreign;
} braid_trace_start_options;

/* braid_trace_start_with:
 * braid_trace_start() with @options (may be NULL). Returns the same. */
int braid_trace_start_with (const char *path,
                            const braid_trace_start_options *options);

struct braid_event;

/* braid_trace_record:
 * Records @event (see braid-hooks.h for every kind and its fields) into
 * the active recording, exactly as libbraid's hook would: it is the
 * entry point of a runtime other than libbraid. The event's time_ns is
 * stored as given, on the caller's loop clock: it must never decrease
 * on one thread, and every thread's events must use one clock. Strings
 * are copied; nothing else is kept. Call it on the thread the event
 * happened on (each thread records into its own buffer, in order) with
 * a BRAID_EV_LOOP_CREATED before the first event of each loop. Does
 * nothing when no recording is active. Safe from any thread. */
void braid_trace_record (const struct braid_event *event);

/* braid_trace_repair:
 * What `braid repair` does: checks the trace at @path with the reader,
 * then finalizes it in place (expands its batches into the events table;
 * on a finalized file only its indexes are made again). meta.complete
 * stays as it is: a killed recording stays incomplete. Stores the number
 * of events in *n_events. Returns 0, or a negative code with a message in
 * *error (malloc'd, release with free()). */
int braid_trace_repair (const char *path, uint64_t *n_events, char **error);

/* ---------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------ */

typedef struct braid_trace braid_trace;

/* Every time of the reader model (the *_ns fields; start_unix_ns aside)
 * and every duration lies within BRAID_TRACE_TIME_LIMIT_NS (2^61 ns, 73
 * years) of 0: the reader clamps a file's times into that range. So the
 * difference of two times, and the sum of a task's slices (which do not
 * overlap), fit in an int64_t. start_unix_ns lies in [0, 2^62]. Strings
 * are as recorded, untrusted bytes: print them through an escape. */
#define BRAID_TRACE_TIME_LIMIT_NS ((int64_t) 1 << 61)

typedef enum braid_trace_state
{
  BRAID_STATE_RUNNING = 0, /* a step of the task is executing */
  BRAID_STATE_READY = 1,   /* in the ready queue, not yet run by the loop */
  BRAID_STATE_WAITING = 2, /* suspended on something (see wait_reason) */
} braid_trace_state;

typedef enum braid_trace_outcome
{
  BRAID_OUTCOME_PENDING = 0, /* still pending when the trace ended */
  BRAID_OUTCOME_COMPLETED = 1,
  BRAID_OUTCOME_FAILED = 2,
  BRAID_OUTCOME_CANCELLED = 3,
  BRAID_OUTCOME_DESTROYED_PENDING = 4,
} braid_trace_outcome;

/* Whether the program that writes a trace still runs (tracer/SCHEMA.md,
 * "While recording"): told from meta.complete, the writer's heartbeat
 * (meta.heartbeat_unix_ns, refreshed every 250 ms) and, on the machine
 * that writes it, whether meta.pid is alive. */
typedef enum braid_trace_liveness
{
  BRAID_LIVENESS_COMPLETE = 0, /* the recording ended cleanly */
  BRAID_LIVENESS_RUNNING = 1,  /* being written: the writer is alive and its
                                  heartbeat fresh (or it is finalizing) */
  BRAID_LIVENESS_DEAD = 2,     /* not ended cleanly and nobody writes it any
                                  more: killed, crashed, or its heartbeat
                                  went stale */
} braid_trace_liveness;

/* A heartbeat older than this says the writer is gone. */
#define BRAID_TRACE_HEARTBEAT_STALE_NS ((int64_t) 3000000000)

typedef struct braid_trace_meta
{
  int schema_version;
  const char *program;
  const char *arguments;     /* space separated, as recorded */
  const char *braid_version;
  const char *clock;         /* "monotonic" or "virtual" */
  int64_t start_unix_ns;     /* wall-clock time recording started */
  bool complete;             /* false after a kill or a crash */
  uint64_t n_events;
  int64_t duration_ns;       /* last event time */
  uint64_t n_steps;          /* number of resumptions */
  uint64_t n_iterations;     /* loop iterations (braid_trace_get_iterations) */
  int64_t pid;               /* process id of the traced process, 0 if the
                                trace does not say (added last: the struct
                                is only ever handed out by the library) */
  const char *run_id;        /* the run the process belongs to: the same in
                                every trace of one traced process tree
                                (braid run), "" if the trace does not say */
  braid_trace_liveness liveness; /* when the trace was loaded (added after
                                    run_id) */
  int64_t heartbeat_unix_ns; /* the writer's last heartbeat (wall clock), 0
                                if the trace has none */
  int64_t start_monotonic_ns; /* CLOCK_MONOTONIC when recording started
                                 (the moment of start_unix_ns), 0 if the
                                 trace does not say */
  int64_t time_base_ns;       /* the loop clock's reading at time 0 (on
                                 the monotonic clock, a CLOCK_MONOTONIC
                                 reading), 0 if the trace does not say */
} braid_trace_meta;

typedef struct braid_trace_task
{
  uint64_t id;               /* the runtime's task id */
  int32_t parent;            /* index of the creating task, -1 if none */
  int32_t depth;             /* 0 for a root, parent's depth + 1 */
  const char *name;
  const char *function;
  const char *file;          /* creation site */
  int line;
  int64_t created_ns;
  int64_t ended_ns;          /* -1 if pending at the end of the trace */
  braid_trace_outcome outcome;
  const char *error_type;    /* failed or cancelled: else "" */
  const char *error_message;
  const char *error_file;    /* raise site */
  int error_line;
  bool error_retrieved;
  int64_t running_ns, ready_ns, waiting_ns;
  uint32_t n_steps;
  size_t first_slice;        /* this task's slices are a contiguous range */
  size_t n_slices;
} braid_trace_task;

/* One interval of one task in one state. Sorted by task index, then time;
 * a task's slices do not overlap and cover created_ns..ended_ns. */
typedef struct braid_trace_slice
{
  uint32_t task;             /* task index */
  braid_trace_state state;
  uint32_t wait_reason;      /* braid_wait_reason when WAITING (or READY:
                                what it was woken from) */
  uint64_t object;           /* what it waited on (object id), 0 if none */
  int64_t start_ns, end_ns;
  uint64_t start_step, end_step; /* a RUNNING slice of step k is [k, k+1) */
} braid_trace_slice;

typedef enum braid_trace_edge_kind
{
  BRAID_EDGE_SPAWN = 0,  /* from creator to created, at creation */
  BRAID_EDGE_WAKE = 1,   /* from the waker to the woken task */
  BRAID_EDGE_GATHER = 2, /* from a gathered child to the awaiting task */
  BRAID_EDGE_ERROR = 3,  /* an error travelling from a task to its reader */
  BRAID_EDGE_CANCEL = 4, /* a cancellation request */
} braid_trace_edge_kind;

/* A causal arrow. Sorted by time. from is -1 when the loop itself (a timer,
 * I/O) caused it. */
typedef struct braid_trace_edge
{
  braid_trace_edge_kind kind;
  int32_t from, to;          /* task indexes */
  int64_t time_ns;
  uint64_t step;             /* the step during which it happened */
  uint64_t object;
} braid_trace_edge;

typedef enum braid_trace_mark_kind
{
  BRAID_MARK_YIELD = 0,            /* sleep(0) */
  BRAID_MARK_ERROR = 1,            /* the task failed */
  BRAID_MARK_CANCELLED = 2,
  BRAID_MARK_NEVER_RETRIEVED = 3,
  BRAID_MARK_DESTROYED_PENDING = 4,
  BRAID_MARK_SLOW_STEP = 5,
  BRAID_MARK_OUTPUT = 6,           /* the task wrote a line */
  BRAID_MARK_OBSERVER_WAIT = 7,    /* tracing made the run wait */
} braid_trace_mark_kind;

/* A point event on a task's lane. Sorted by time. */
typedef struct braid_trace_mark
{
  braid_trace_mark_kind kind;
  int32_t task;
  int64_t time_ns;
  uint64_t step;
  int64_t value;             /* duration for SLOW_STEP/OBSERVER_WAIT, else 0 */
} braid_trace_mark;

typedef struct braid_trace_output
{
  int32_t task;              /* -1 outside tasks */
  int stream;                /* 1 stdout, 2 stderr */
  int64_t time_ns;
  uint64_t step;
  const char *text;
} braid_trace_output;

typedef struct braid_trace_object
{
  uint64_t id;
  uint32_t kind;             /* braid_object_kind */
  const char *name;
  int32_t creator;           /* task index, -1 if none */
} braid_trace_object;

typedef enum braid_trace_problem_kind
{
  BRAID_PROBLEM_NEVER_RETRIEVED = 0,
  BRAID_PROBLEM_DESTROYED_PENDING = 1,
  BRAID_PROBLEM_SLOW_STEP = 2,
  BRAID_PROBLEM_DEADLOCK = 3,
  BRAID_PROBLEM_INCOMPLETE = 4,  /* the trace was not closed cleanly */
} braid_trace_problem_kind;

typedef struct braid_trace_problem
{
  braid_trace_problem_kind kind;
  int32_t task;              /* -1 when it concerns no single task */
  int64_t time_ns;
  uint64_t step;
  int64_t duration_ns;       /* SLOW_STEP */
  const char *summary;       /* one line, ready to print */
  const char *detail;        /* sites: created at..., raised at... */
} braid_trace_problem;

/* A loop iteration (BRAID_EV_ITERATION_BEGIN): the steps that began
 * after it and before the next iteration began are its steps, first_step
 * up to the next iteration's first_step (meta.n_steps for the last); an
 * iteration that ran only callbacks has none. Sorted by first_step, the
 * order in which iterations began. With several loops running at once on
 * several threads their iterations interleave, and this grouping follows
 * the order of events. A time window keeps every iteration, as it keeps
 * the step numbers of the whole trace. */
typedef struct braid_trace_iteration
{
  uint64_t first_step;
  int64_t time_ns;           /* when it began */
  uint32_t loop;             /* which loop: 0 for the first loop created in
                                the trace, 1 for the next one... */
  uint32_t number;           /* the loop's own count, from 1 */
} braid_trace_iteration;

typedef bool (*braid_trace_progress_fn) (double fraction, void *user_data);

typedef struct braid_trace_load_options
{
  /* Load only events with start_ns <= time < end_ns (end_ns 0: no end);
   * tasks alive in the window are kept whole in the task list. */
  int64_t start_ns, end_ns;
  /* Called now and then with the loaded fraction; return false to stop
   * loading (braid_trace_open then returns BRAID_ECANCELLED). */
  braid_trace_progress_fn progress;
  void *progress_data;
  /* Compact mode (added after the fields above; zero keeps the full
   * model). When true the slices are kept only as 24-byte
   * braid_trace_compact_slice records (braid_trace_get_compact_slices)
   * instead of 56-byte braid_trace_slice ones: braid_trace_get_slices
   * then returns NULL and stores 0 in *n, while tasks' first_slice and
   * n_slices index the compact array as they would the full one: each
   * task's slices are back to back at first_slice. In a trace made by a
   * follower (braid_trace_follow, braid_trace_follower_update) the
   * tasks' ranges may have gaps between them, slots that belong to no
   * task: walk the slices through the tasks' ranges, never the whole
   * array. Everything else is the same. The viewer opens traces this way; the
   * `braid` CLI keeps the full mode. If a trace's slices cannot be
   * represented compactly (a step or object id beyond 32 bits, slices of
   * a task that are not back to back), the full model is kept and
   * braid_trace_get_compact_slices returns NULL. */
  bool compact;
  /* Summary mode (added after compact; false keeps everything): only
   * what a summary of the run needs is kept: the meta, the tasks (their
   * outcomes, sites, errors, steps and times running, ready and waiting,
   * but no slices: n_slices is 0), the objects and the problems. There
   * are no slices, edges, marks, outputs or iterations (their getters
   * store 0 in *n), and compact is ignored. `braid problems` opens traces
   * this way: every event is still read, but nothing is kept per event,
   * so it takes a fraction of the time and memory of a full load. */
  bool summary;
} braid_trace_load_options;

/* A slice in compact mode. Its end time is not stored: a task's slices
 * are back to back, so a slice ends where the next slice of its task
 * starts, and the task's last slice ends at
 * braid_trace_get_compact_ends()[task].end_ns. */
typedef struct braid_trace_compact_slice
{
  int64_t start_ns;
  uint32_t start_step, end_step;
  uint32_t object;      /* the object id (0 if none) */
  uint16_t state;       /* braid_trace_state */
  uint16_t wait_reason; /* braid_wait_reason */
} braid_trace_compact_slice;

/* Per task, in compact mode: where the task's last slice ends. */
typedef struct braid_trace_compact_end
{
  int64_t end_ns;
} braid_trace_compact_end;

/* braid_trace_open:
 * Opens @path read-only (SQLite defensive mode, untrusted input) and loads
 * it. @options may be NULL (whole trace, no progress). On success stores a
 * new trace in @out and returns 0. On failure returns a negative code and,
 * if @error is not NULL, stores a one-line message naming the file and the
 * problem (free it with free()): missing, empty, not SQLite, not a braid
 * trace, newer schema version, truncated or corrupted. */
int braid_trace_open (const char *path,
                      const braid_trace_load_options *options,
                      braid_trace **out, char **error);
void braid_trace_close (braid_trace *trace); /* accepts NULL */

/* A trace read as a stream (braid_trace_stream): what the model would
 * hold, handed over one record at a time in the order of events instead
 * of kept. Each callback may be NULL; one that returns non-zero stops the
 * read. Task indexes are those of the summary trace that
 * braid_trace_stream returns. */
typedef struct braid_trace_stream_callbacks
{
  /* A slice of task s->task begins: its state, reason, object and start
   * (end_ns and end_step are its start). The task's previous slice has
   * ended before. */
  int (*slice_begin) (void *user_data, const braid_trace_slice *s);
  /* That slice ends, whole as braid_trace_get_slices would give it. A
   * task's slices begin and end in its order. */
  int (*slice_end) (void *user_data, const braid_trace_slice *s);
  /* An edge, as braid_trace_get_edges would give it. */
  int (*edge) (void *user_data, const braid_trace_edge *e);
  /* A mark; @text is the line written for an output mark (NULL for the
   * others). */
  int (*mark) (void *user_data, const braid_trace_mark *m,
               const char *text);
  /* A loop's iteration begins. */
  int (*iteration) (void *user_data, const braid_trace_iteration *it);
} braid_trace_stream_callbacks;

/* braid_trace_stream:
 * Reads @path as braid_trace_open does in summary mode, and hands the
 * slices, edges, marks and iterations to @callbacks (with @user_data) as
 * they are made, in the order of events: edges, marks and iterations in
 * the order they happened (not sorted by time), slices when they begin
 * and end, and at the end of the trace the slices still open, ending.
 * Nothing per event is kept, so the memory does not grow with the length
 * of the trace: what `braid export` writes from. The same file read
 * twice gives the same records in the same order. With @max_events not
 * 0, only the first @max_events events are taken (those an earlier read
 * of a file still being written saw: meta.n_events). Stores the summary
 * trace in *@out (the meta, tasks, objects and problems, as the summary
 * mode; may be NULL to have none) and returns 0; on failure returns a
 * negative code with a message in *@error as braid_trace_open, and
 * BRAID_ECANCELLED when a callback stopped the read. */
int braid_trace_stream (const char *path,
                        const braid_trace_stream_callbacks *callbacks,
                        uint64_t max_events, void *user_data,
                        braid_trace **out, char **error);

const braid_trace_meta *braid_trace_get_meta (const braid_trace *trace);
const braid_trace_task *braid_trace_get_tasks (const braid_trace *trace,
                                               size_t *n);
const braid_trace_slice *braid_trace_get_slices (const braid_trace *trace,
                                                 size_t *n);
const braid_trace_edge *braid_trace_get_edges (const braid_trace *trace,
                                               size_t *n);
const braid_trace_mark *braid_trace_get_marks (const braid_trace *trace,
                                               size_t *n);
const braid_trace_output *braid_trace_get_outputs (const braid_trace *trace,
                                                   size_t *n);
const braid_trace_object *braid_trace_get_objects (const braid_trace *trace,
                                                   size_t *n);
const braid_trace_problem *braid_trace_get_problems (const braid_trace *trace,
                                                     size_t *n);
const braid_trace_iteration *braid_trace_get_iterations (
  const braid_trace *trace, size_t *n);

/* braid_trace_step_iteration:
 * The index in braid_trace_get_iterations() of the iteration in which step
 * @step ran, found by binary search: the last iteration that began at or
 * before it. Returns -1 when the step began before the first iteration
 * (a trace without iteration events) or is not a step of the trace. */
int64_t braid_trace_step_iteration (const braid_trace *trace, uint64_t step);

/* Compact mode (see braid_trace_load_options.compact): the slices, and
 * one end per task (n is the number of tasks). Both return NULL and store
 * 0 in *n when the trace was loaded in full mode. */
const braid_trace_compact_slice *braid_trace_get_compact_slices (
  const braid_trace *trace, size_t *n);
const braid_trace_compact_end *braid_trace_get_compact_ends (
  const braid_trace *trace, size_t *n);

/* Index of the task with runtime id @id, or -1. */
int32_t braid_trace_find_task (const braid_trace *trace, uint64_t id);
/* The object with id @id, or NULL. */
const braid_trace_object *braid_trace_find_object (const braid_trace *trace,
                                                   uint64_t id);

/* ---------------------------------------------------------------------
 * Live traces: a recording that is still being written
 * ------------------------------------------------------------------ */

/* What braid_trace_probe() finds out about a trace's writer. */
typedef struct braid_trace_writer_status
{
  braid_trace_liveness liveness;
  int64_t pid;               /* meta.pid, 0 if unknown */
  bool same_host;            /* written on this machine, this boot: pid is
                                meaningful here */
  bool pid_alive;            /* same_host and that process exists */
  bool finalizing;           /* the writer is expanding its batches */
  int64_t heartbeat_age_ns;  /* now minus the last heartbeat; -1 without one */
  uint64_t n_batches;        /* rows in batches (events not yet finalized) */
} braid_trace_writer_status;

/* braid_trace_probe:
 * Reads only the meta of the trace at @path (read-only, a snapshot, in a
 * few milliseconds whatever its size) and tells whether its writer still
 * runs. Never blocks the writer. Returns 0 and fills @out, or a negative
 * code with a message in *error as braid_trace_open. */
int braid_trace_probe (const char *path, braid_trace_writer_status *out,
                       char **error);

/* The liveness name: "complete", "running" or "dead". */
const char *braid_trace_liveness_name (braid_trace_liveness liveness);

typedef struct braid_trace_follower braid_trace_follower;

/* braid_trace_follow:
 * Starts following the trace at @path, which may be still being written
 * (or complete: it then never grows). Loads everything stored so far, as
 * braid_trace_open does with @options (its time window is ignored), and
 * stores a new trace in *@first. Later braid_trace_follower_update()
 * calls read only what was stored since. Returns 0, or a negative code
 * with a message in *error as braid_trace_open. */
int braid_trace_follow (const char *path,
                        const braid_trace_load_options *options,
                        braid_trace_follower **out, braid_trace **first,
                        char **error);

/* braid_trace_follower_update:
 * Reads the events stored since the last call (the batches rows of a
 * larger id, or the events rows after the ones seen, once the writer has
 * finalized the file), adds them to the follower's model, and checks the
 * writer's liveness. The file is opened read-only for the length of the
 * call only, in one read transaction: the writer never waits for it, and
 * a reader never sees half a commit. When anything changed (events, or
 * the liveness), stores a new trace with everything so far in *@out and
 * returns 1; returns 0 with *@out NULL when nothing changed; a negative
 * code with a message in *error on failure. Each trace returned is the
 * caller's (release it with braid_trace_close(), before or after the
 * follower). With several recording threads the events of one update are
 * merged among themselves; the file's final order may differ where two
 * threads' events of different updates interleave. */
int braid_trace_follower_update (braid_trace_follower *follower,
                                 braid_trace **out, char **error);

/* The liveness the last update (or braid_trace_follow) found. */
braid_trace_liveness braid_trace_follower_liveness (
  const braid_trace_follower *follower);

void braid_trace_follower_free (braid_trace_follower *follower); /* NULL ok */

/* ---------------------------------------------------------------------
 * Several traces: the files of one run, two runs side by side
 * ------------------------------------------------------------------ */

/* braid_trace_run_offsets:
 * Where each of the @n traces of one run starts on the run's common
 * clock: in @offsets[i], trace i's start minus the earliest start, in ns
 * (so the earliest gets 0). Measured on CLOCK_MONOTONIC when every
 * trace has start_monotonic_ns (one boot's processes share that clock,
 * and it never jumps): time 0 of a trace on the monotonic clock is its
 * time_base_ns, else (a virtual clock) its start_monotonic_ns. Without
 * it, on start_unix_ns. Clamped to [0, 2^60]. */
void braid_trace_run_offsets (braid_trace *const *traces, size_t n,
                              int64_t *offsets);

/* braid_trace_check_run:
 * Whether the @n traces can be shown as one run: all record the same
 * run id, and no two are the same process (pid and start). Returns 0, or
 * BRAID_EINVAL with, in *@bad_a and *@bad_b, the indexes of two traces
 * that cannot go together and in *@why a sentence ending saying why
 * ("are traces of different runs"; static text). Any of the out
 * pointers may be NULL. One trace is always a run. */
int braid_trace_check_run (braid_trace *const *traces, size_t n,
                           size_t *bad_a, size_t *bad_b, const char **why);

/* braid_trace_merge_run:
 * One trace holding the @n traces of one run (braid_trace_check_run
 * must accept them; they are borrowed and may be closed afterwards): a
 * task per process first, named "PROGRAM [pid N]", with that process's
 * tasks under it; times shifted onto the run's clock
 * (braid_trace_run_offsets); loop steps of all processes numbered
 * together in the order they began; edges, marks, output lines and
 * iterations merged in time order; problems labelled "[PROGRAM PID]";
 * task and object ids renumbered so that they stay unique. The result
 * holds full slices (braid_trace_get_slices), whatever the inputs
 * held. Stores it in *@out and returns 0; BRAID_EINVAL (with a message
 * in *@error, free it) for traces that are not one run; BRAID_ENOMEM. */
int braid_trace_merge_run (braid_trace *const *traces, size_t n,
                           braid_trace **out, char **error);

/* braid_trace_open_run:
 * Opens the @n files @paths as one trace, what braid-render and the
 * viewer show for the files of one run. One file is opened as it is
 * (braid_trace_open). Several are each opened with @options (which may
 * be NULL; its progress callback sees the fraction of all the files, and
 * stopping it stops the load, at the latest once the file it is in has
 * loaded: BRAID_ECANCELLED), checked with braid_trace_check_run, and
 * merged with braid_trace_merge_run; the traces opened on the way are
 * closed before it returns. Stores a new trace in *@out and returns 0.
 * On failure stores NULL, returns a negative code and, if @error is not
 * NULL, stores a one-line message (free it with free()): the reader's
 * for a file that cannot be opened (it names the file); "A and B are
 * traces of different runs" (or braid_trace_check_run's other reasons)
 * with A and B as given in @paths, and BRAID_EINVAL; BRAID_EINVAL for no
 * file; BRAID_ENOMEM. */
int braid_trace_open_run (char *const *paths, size_t n,
                          const braid_trace_load_options *options,
                          braid_trace **out, char **error);

/* ---------------------------------------------------------------------
 * Comparing two schedules (braid diff, the viewer's side by side)
 * ------------------------------------------------------------------ */

/* How a compared step began. */
typedef enum braid_trace_step_began
{
  BRAID_STEP_BEGAN_CREATED = 0, /* the task's first step; by: its creator */
  BRAID_STEP_BEGAN_YIELD = 1,   /* after its own sleep(0) */
  BRAID_STEP_BEGAN_WOKEN = 2,   /* woken from began_reason by `by` (-1: the
                                   loop) */
  BRAID_STEP_BEGAN_UNKNOWN = 3, /* the trace does not say (a window, a cut
                                   trace) */
} braid_trace_step_began;

/* How a compared step ended. */
typedef enum braid_trace_step_ended
{
  BRAID_STEP_ENDED_WAIT = 0,    /* suspended on ended_reason
                                   (BRAID_WAIT_YIELD: sleep(0)) */
  BRAID_STEP_ENDED_OUTCOME = 1, /* the task ended: ended_reason is its
                                   braid_trace_outcome */
  BRAID_STEP_ENDED_RUNNING = 2, /* still running when the trace ended */
} braid_trace_step_ended;

/* One step of a compared task: 32 bytes, as a trace may hold tens of
 * millions. */
typedef struct braid_trace_compared_step
{
  uint64_t step; /* the trace's step number */
  int64_t start_ns;
  uint32_t task;
  int32_t by;            /* creator or waker task index; -1: the loop */
  uint16_t began_reason; /* braid_wait_reason woken from */
  uint16_t ended_reason; /* braid_wait_reason, or braid_trace_outcome */
  uint8_t began;         /* braid_trace_step_began */
  uint8_t ended;         /* braid_trace_step_ended */
} braid_trace_compared_step;

/* Two steps the comparison puts side by side: the k-th step of the r-th
 * loop iteration that ran compared tasks, in A and in B. */
typedef struct braid_trace_step_pair
{
  int64_t a, b;       /* indexes into braid_trace_comparison_steps() of A
                         and B; -1 when that side has no such step */
  size_t round;       /* the iteration that ran compared tasks, from 1 */
  size_t position;    /* the step within it, from 1 */
  const char *difference; /* what differs ("another task woke it"),
                             static text; NULL when the steps are alike */
} braid_trace_step_pair;

typedef struct braid_trace_compare_options
{
  /* Compare only the tasks with these names (or NAME#K, the K-th of
   * that name) and their partners; none: every task but those only a
   * runtime's machinery creates. */
  const char *const *tasks;
  size_t n_tasks;
  bool time;            /* also compare when each step began */
  int64_t tolerance_ns; /* with time: times within it are equal */
} braid_trace_compare_options;

typedef struct braid_trace_comparison braid_trace_comparison;

/* braid_trace_compare:
 * Compares the schedules of @a and @b (borrowed: they must outlive the
 * comparison) as `braid diff` does: tasks matched by name and order of
 * creation (the k-th "worker" of A is the k-th "worker" of B; unnamed
 * Task-N by their order among the unnamed; asyncio.run's own tasks left
 * out), then, loop iteration by loop iteration (counting only the
 * iterations that ran a compared step), each step of A against the step
 * at the same place in B: which task ran it, how it began (created by
 * whom, after a yield, woken by whom from which wait) and how it ended.
 * @options may be NULL. Stores the comparison in *@out and returns 0;
 * BRAID_EINVAL when a name of @options->tasks names no task of either
 * trace (its index in *@unknown_task, which may be NULL); BRAID_ENOMEM. */
int braid_trace_compare (const braid_trace *a, const braid_trace *b,
                         const braid_trace_compare_options *options,
                         braid_trace_comparison **out, size_t *unknown_task);
void braid_trace_comparison_free (braid_trace_comparison *c); /* NULL ok */

/* Every pair of steps, in schedule order; the first with a difference
 * is the first divergence. */
const braid_trace_step_pair *braid_trace_comparison_pairs (
  const braid_trace_comparison *c, size_t *n);
/* The number of iterations that ran compared tasks (the larger side's). */
size_t braid_trace_comparison_rounds (const braid_trace_comparison *c);
/* The compared steps of side @side (0: A, 1: B), grouped by task and in
 * step order within a task. */
const braid_trace_compared_step *braid_trace_comparison_steps (
  const braid_trace_comparison *c, int side, size_t *n);
/* The compared steps of @task of side @side (none for a task that is not
 * compared). */
const braid_trace_compared_step *braid_trace_comparison_task_steps (
  const braid_trace_comparison *c, int side, int32_t task, size_t *n);
/* Whether @task of side @side is compared. */
bool braid_trace_comparison_is_compared (const braid_trace_comparison *c,
                                         int side, int32_t task);
/* The task of the other side matched with @task of side @side, or -1. */
int32_t braid_trace_comparison_partner (const braid_trace_comparison *c,
                                        int side, int32_t task);
/* The name of @task of side @side as the comparison shows it: its name,
 * with "#K" when several tasks share it (the trace's bytes, unescaped);
 * NULL when @task is out of range. */
const char *braid_trace_comparison_label (const braid_trace_comparison *c,
                                          int side, int32_t task);
/* Whether task @ta of A and @tb of B stand for the same task: both the
 * loop (-1), a matched pair, or two tasks of one name and rank. */
bool braid_trace_comparison_same_task (const braid_trace_comparison *c,
                                       int32_t ta, int32_t tb);

/* Whether @a and @b are traces of one program: the same program name
 * (meta.program) without its folder and extension, so that a C sample
 * and its asyncio twin (never_retrieved, never_retrieved.py) are one. */
bool braid_trace_same_program (const braid_trace *a, const braid_trace *b);

/* braid_trace_merge_compared:
 * One trace holding @a and @b (those @c compared; borrowed, they may be
 * closed afterwards) side by side: a task "A: PROGRAM [pid N]" over A's
 * tasks, then "B: ..." over B's, both from their own time 0, their steps
 * lined up on the step axis as @c pairs them (a pair's two steps share a
 * step; steps of tasks not compared take steps of their own). Stores the
 * trace in *@out and in *@diff_steps (release with free()) the sorted
 * steps of the merged trace whose pair differs, *@n_diff of them.
 * Returns 0 or BRAID_ENOMEM. */
int braid_trace_merge_compared (braid_trace *a, braid_trace *b,
                                const braid_trace_comparison *c,
                                braid_trace **out, uint64_t **diff_steps,
                                size_t *n_diff);

/* ---------------------------------------------------------------------
 * Primitives: who holds what, who waits in what order
 * ------------------------------------------------------------------ */

/* Who held a lock or a permit of a semaphore: from the task's
 * acquisition to its release (tracer/SCHEMA.md, kinds 25 and 26; a
 * trace of schema 1 or 2 has none). In the order of the acquisitions. */
typedef struct braid_trace_hold
{
  uint64_t object;           /* the lock or semaphore */
  int32_t task;              /* task index, -1 outside any task */
  uint32_t kind;             /* braid_object_kind: lock or semaphore */
  int64_t start_ns, end_ns;  /* end_ns -1: still held when the trace ended */
  uint64_t start_step, end_step; /* the steps of acquisition and release */
} braid_trace_hold;

/* braid_trace_get_holds:
 * Every hold of the trace (borrowed from @trace), *n of them. */
const braid_trace_hold *braid_trace_get_holds (const braid_trace *trace,
                                               size_t *n);

typedef enum braid_trace_wait_outcome
{
  BRAID_TRACE_WAIT_SERVED = 0,    /* woken by the primitive and resumed */
  BRAID_TRACE_WAIT_CANCELLED = 1, /* cancelled (or timed out) meanwhile */
  BRAID_TRACE_WAIT_PENDING = 2,   /* still waiting when the trace ended, or
                                     its task ended while it waited */
} braid_trace_wait_outcome;

/* A task's wait on a lock, semaphore, condition, queue or event. Waits
 * of one task on one primitive that follow each other within a step (it
 * was woken, found the primitive taken again and waited again) are one
 * wait, the repeats counted in rewaits. For a queue (schema 4: its gets
 * and puts are recorded) such a repeat is a robbery: the item (or the
 * place in a bounded queue) the waiter was woken for went to another
 * task first, often one that never waited. */
typedef struct braid_trace_sync_wait
{
  uint64_t object;
  int32_t task;              /* task index */
  int32_t woken_by;          /* the task whose action woke it, -1: the loop
                                or none */
  braid_trace_wait_outcome outcome;
  uint32_t reason;           /* braid_wait_reason: event, lock, semaphore,
                                condition or queue */
  uint32_t rewaits;
  int64_t start_ns;          /* when it began waiting */
  int64_t end_ns;            /* when it was woken; -1 while PENDING */
  uint64_t start_step;       /* orders the waits: the step after the one
                                in which it began waiting */
  uint64_t served_step;      /* the step it resumed in (SERVED), else
                                UINT64_MAX */
  uint32_t wait_rank;        /* its place among the primitive's waits in
                                the order they began, from 0 */
  uint32_t serve_rank;       /* its place among the served waits in the
                                order they were served, UINT32_MAX if not
                                served */
  bool overtaken;            /* a wait that began later was served first
                                while this one still waited, or it was
                                robbed (below) */
  uint32_t robbed;           /* times it was woken for a queue's item or
                                place that another task took first, and
                                waited again (each one of rewaits) */
  uint32_t robbed_op;        /* braid_queue_op of the first robbery: GET,
                                the item; PUT, the place; 0 if none */
  int32_t robbed_by;         /* the task that took it the first time
                                (index), -1 outside any task or unknown */
  uint64_t robbed_step;      /* the step of that take; UINT64_MAX when not
                                robbed or the trace does not say who */
} braid_trace_sync_wait;

/* The fairness of one lock, semaphore, condition, queue or event. */
typedef struct braid_trace_primitive
{
  uint64_t object;
  uint32_t kind;             /* braid_object_kind */
  const char *name;          /* as created, "" if unknown */
  size_t first_wait, n_waits; /* its waits in braid_trace_get_sync_waits,
                                in the order they began */
  uint32_t n_served, n_cancelled, n_pending;
  uint32_t n_handovers;      /* served waits woken by another task (the
                                release, put, set or notify handed the
                                primitive over) */
  uint32_t n_rewaits;        /* times a woken task had to wait again */
  uint32_t n_overtaken;      /* FIFO violations: waits overtaken,
                                robbed ones included */
  uint32_t n_acquisitions;   /* holds taken (lock, semaphore) */
  int64_t longest_wait_ns;   /* over served and cancelled waits */
  int64_t mean_wait_ns;      /* over served waits, 0 if none */
  bool fifo;                 /* no wait was overtaken */
  uint32_t n_robbed;         /* waits robbed (a queue's, see
                                braid_trace_sync_wait.robbed) */
  uint32_t n_gets, n_puts;   /* a queue's gets, and its puts when it is
                                bounded (schema 4; 0 in older traces) */
} braid_trace_primitive;

/* braid_trace_get_primitives:
 * Every lock, semaphore, condition, queue and event of the trace (those
 * it created and those it waited on), sorted by object id, with the
 * waits they served. Computed from the model at the first call (not
 * safe against two threads making that first call at once); NULL and 0
 * when out of memory. */
const braid_trace_primitive *braid_trace_get_primitives (
  const braid_trace *trace, size_t *n);
/* The waits of every primitive, grouped by primitive as
 * braid_trace_get_primitives() says. */
const braid_trace_sync_wait *braid_trace_get_sync_waits (
  const braid_trace *trace, size_t *n);
/* The primitive with object id @id, or NULL. */
const braid_trace_primitive *braid_trace_find_primitive (
  const braid_trace *trace, uint64_t id);

/* braid_trace_holders:
 * The tasks holding the lock or semaphore @object at step @step, counted
 * as braid_trace_wait_graph() counts a hold, each task once (holds
 * outside any task are left out): stores the first @max task indexes in
 * @out (may be NULL when @max is 0) and returns how many there are. */
size_t braid_trace_holders (const braid_trace *trace, uint64_t object,
                            uint64_t step, int32_t *out, size_t max);

/* An edge of the wait-for graph: @task waits on @object, which @holder
 * holds (a lock's holder, a task holding a permit of a semaphore, the
 * task awaited). */
typedef struct braid_trace_wait_edge
{
  int32_t task;              /* the waiting task (index) */
  uint32_t reason;           /* braid_wait_reason */
  uint64_t object;
  int32_t holder;            /* task index; -1 when nobody is known to hold
                                it (an event nobody set, a queue) */
  bool in_cycle;             /* part of the cycle, when there is one */
} braid_trace_wait_edge;

/* braid_trace_wait_graph:
 * The wait-for graph at step @step (braid_trace_problem.step for a
 * deadlock; meta.n_steps: at the end of the trace): every task waiting
 * then, on what, and who holds it. A wait or a hold counts at the steps
 * where it begins and ends too, so the waits a step ends (and the holds
 * it releases) are still in its graph. A wait that nothing ended (its
 * task's last slice) lasts to the end of the trace, as does a hold
 * never released. Steps, not times, because under the virtual clock a
 * whole run may share one time. When the graph
 * has a cycle (a deadlock), its edges come first, in cycle order: each
 * one's holder is the next one's task, the last one's holder the first
 * one's task. Stores a new array in *out (release with free(); NULL when
 * empty) and its length in *n. Returns 0, or BRAID_ENOMEM. */
int braid_trace_wait_graph (const braid_trace *trace, uint64_t step,
                            braid_trace_wait_edge **out, size_t *n);

/* Human names for the enums ("running", "sleep", "never-retrieved"...). */
const char *braid_trace_state_name (braid_trace_state state);
const char *braid_trace_wait_reason_name (uint32_t reason);
const char *braid_trace_outcome_name (braid_trace_outcome outcome);
const char *braid_trace_problem_kind_name (braid_trace_problem_kind kind);
const char *braid_trace_wait_outcome_name (braid_trace_wait_outcome outcome);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif /* BRAID_TRACE_H */
