/* fuzz-trace.c: libFuzzer harness for whole trace files: the reader
 * (tracer/reader/), the batches it decodes, `braid repair`
 * (tracer/format/finalize.c) and, when the viewer is built, the timeline
 * model the viewer and braid-render build from what the reader gives.
 *
 * An input is the bytes of a file. SQLite reads files, so the harness
 * writes each input to one temporary file (in /dev/shm when there is one:
 * repair syncs) after removing any -wal, -shm or -journal left by the
 * previous input, which SQLite would otherwise apply to this one. It
 * opens the file in full and in compact mode, and checks what the reader
 * promises in braid-trace.h beyond not crashing: an error is one line
 * with no control character in it; every index points into its array; a
 * task's slices lie in order without overlap; every time lies within
 * BRAID_TRACE_TIME_LIMIT_NS; every string can be read. Then it builds the
 * timeline model and asks it what drawing and hit-testing ask. When the
 * file opened, it is repaired (finalized in place) and opened again. A
 * broken promise aborts, as a crash does. Built by the fuzz build with
 * libFuzzer, and by every build with replay.c.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <braid/braid-trace.h>
#ifdef FUZZ_TIMELINE
#include "timeline.h"
#endif

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char file_path[4096];

#define CHECK(cond)                                                          \
  do                                                                         \
    {                                                                        \
      if (!(cond))                                                           \
        {                                                                    \
          fprintf (stderr, "fuzz-trace: broken promise: %s (line %d)\n",     \
                   #cond, __LINE__);                                         \
          abort ();                                                          \
        }                                                                    \
    }                                                                        \
  while (0)

static void
remove_sidecars (const char *path);

/* Removes the temporary file and what SQLite left beside it (atexit). */
static void
remove_input (void)
{
  remove_sidecars (file_path);
  unlink (file_path);
}

/* The temporary file every input is written to, made once and removed at
 * exit. */
static const char *
input_path (void)
{
  if (file_path[0] != '\0')
    return file_path;
  const char *dir = access ("/dev/shm", W_OK) == 0 ? "/dev/shm" : NULL;
  if (dir == NULL)
    dir = getenv ("TMPDIR") ? getenv ("TMPDIR") : "/tmp";
  snprintf (file_path, sizeof file_path, "%s/braid-fuzz-XXXXXX", dir);
  int fd = mkstemp (file_path);
  CHECK (fd >= 0);
  close (fd);
  atexit (remove_input);
  return file_path;
}

static void
remove_sidecars (const char *path)
{
  static const char *const suffixes[] = { "-wal", "-shm", "-journal" };
  for (size_t i = 0; i < 3; i++)
    {
      char name[4200];
      snprintf (name, sizeof name, "%s%s", path, suffixes[i]);
      unlink (name);
    }
}

static void
write_input (const char *path, const uint8_t *data, size_t size)
{
  remove_sidecars (path);
  int fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  CHECK (fd >= 0);
  size_t at = 0;
  while (at < size)
    {
      ssize_t n = write (fd, data + at, size - at);
      CHECK (n > 0);
      at += (size_t) n;
    }
  close (fd);
}

/* An error message: one line, nothing a terminal would act on. */
static void
check_error (const char *error)
{
  CHECK (error != NULL);
  for (const unsigned char *p = (const unsigned char *) error; *p; p++)
    CHECK (*p >= 0x20 && *p != 0x7f);
}

static size_t
touch (const char *s)
{
  CHECK (s != NULL);
  return strlen (s);
}

static void
check_time (int64_t t)
{
  CHECK (t >= -BRAID_TRACE_TIME_LIMIT_NS && t <= BRAID_TRACE_TIME_LIMIT_NS);
}

/* The reader's promises (braid-trace.h) about a loaded trace. */
static size_t
check_model (const braid_trace *trace)
{
  size_t sum = 0;
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  sum += touch (m->program) + touch (m->arguments) + touch (m->clock)
         + touch (m->braid_version);
  check_time (m->duration_ns);
  size_t nt, ns, ncs, nends, ne, nm, no, nob, np;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &nt);
  const braid_trace_slice *sl = braid_trace_get_slices (trace, &ns);
  const braid_trace_compact_slice *cs
    = braid_trace_get_compact_slices (trace, &ncs);
  const braid_trace_compact_end *ends
    = braid_trace_get_compact_ends (trace, &nends);
  CHECK (sl == NULL || cs == NULL);
  CHECK (cs == NULL || nends == nt);
  size_t n_slices = cs ? ncs : ns;
  for (size_t i = 0; i < nt; i++)
    {
      const braid_trace_task *t = &tasks[i];
      sum += touch (t->name) + touch (t->function) + touch (t->file)
             + touch (t->error_type) + touch (t->error_message)
             + touch (t->error_file);
      CHECK (t->parent >= -1 && t->parent < (int64_t) nt);
      CHECK (t->first_slice <= n_slices
             && t->n_slices <= n_slices - t->first_slice);
      check_time (t->created_ns);
      CHECK (t->ended_ns >= -BRAID_TRACE_TIME_LIMIT_NS
             && t->ended_ns <= BRAID_TRACE_TIME_LIMIT_NS);
      CHECK (t->running_ns >= 0 && t->ready_ns >= 0 && t->waiting_ns >= 0);
      int64_t last_end = INT64_MIN;
      for (size_t k = t->first_slice; k < t->first_slice + t->n_slices; k++)
        {
          int64_t start = cs ? cs[k].start_ns : sl[k].start_ns;
          check_time (start);
          /* Compact slices end where the next begins: in order too. */
          CHECK (start >= last_end);
          if (cs != NULL)
            last_end = start;
          if (sl != NULL)
            {
              CHECK (sl[k].task == i);
              CHECK (sl[k].end_ns >= start);
              check_time (sl[k].end_ns);
              last_end = sl[k].end_ns;
            }
        }
      if (cs != NULL)
        check_time (ends[i].end_ns);
    }
  const braid_trace_edge *e = braid_trace_get_edges (trace, &ne);
  for (size_t i = 0; i < ne; i++)
    {
      CHECK (e[i].from >= -1 && e[i].from < (int64_t) nt);
      CHECK (e[i].to >= 0 && e[i].to < (int64_t) nt);
      check_time (e[i].time_ns);
    }
  const braid_trace_mark *mk = braid_trace_get_marks (trace, &nm);
  for (size_t i = 0; i < nm; i++)
    {
      CHECK (mk[i].task >= -1 && mk[i].task < (int64_t) nt);
      check_time (mk[i].time_ns);
      CHECK (mk[i].value >= 0 && mk[i].value <= BRAID_TRACE_TIME_LIMIT_NS);
    }
  const braid_trace_output *o = braid_trace_get_outputs (trace, &no);
  for (size_t i = 0; i < no; i++)
    {
      CHECK (o[i].task >= -1 && o[i].task < (int64_t) nt);
      check_time (o[i].time_ns);
      sum += touch (o[i].text);
    }
  const braid_trace_object *ob = braid_trace_get_objects (trace, &nob);
  for (size_t i = 0; i < nob; i++)
    {
      CHECK (ob[i].creator >= -1 && ob[i].creator < (int64_t) nt);
      sum += touch (ob[i].name);
      CHECK (braid_trace_find_object (trace, ob[i].id) != NULL);
    }
  const braid_trace_problem *p = braid_trace_get_problems (trace, &np);
  for (size_t i = 0; i < np; i++)
    {
      CHECK (p[i].task >= -1 && p[i].task < (int64_t) nt);
      sum += touch (p[i].summary) + touch (p[i].detail);
    }
  for (size_t i = 0; i < nt; i++)
    CHECK (braid_trace_find_task (trace, tasks[i].id) >= 0);
  return sum;
}

#ifdef FUZZ_TIMELINE
/* What the viewer and braid-render ask of the timeline model. */
static void
exercise_timeline (const braid_trace *trace)
{
  braid_timeline_model *m = braid_timeline_model_new (trace);
  if (m == NULL)
    return; /* out of memory, which the fuzzer's limits may cause */
  size_t nt;
  braid_trace_get_tasks (trace, &nt);
  for (int axis = 0; axis < 2; axis++)
    {
      double extent = braid_timeline_model_get_extent (m, axis);
      CHECK (extent >= 1.0);
      braid_timeline_model_convert (m, axis, extent / 2);
      braid_timeline_model_convert (m, axis, -1.0);
      braid_timeline_model_convert (m, axis, extent * 2);
    }
  braid_timeline_model_preferred_axis (m);
  size_t lanes = braid_timeline_model_get_n_lanes (m);
  CHECK (lanes <= nt);
  for (size_t lane = 0; lane < lanes && lane < 64; lane++)
    {
      int32_t task = braid_timeline_model_lane_task (m, lane);
      CHECK (task >= 0 && (size_t) task < nt);
      size_t first, n;
      CHECK (braid_timeline_model_task_slices (m, task, &first, &n));
      for (int axis = 0; axis < 2; axis++)
        {
          double extent = braid_timeline_model_get_extent (m, axis);
          for (double at = -1.0; at <= extent; at += extent / 4)
            {
              int64_t s = braid_timeline_model_find_slice (m, task, axis, at);
              braid_trace_slice out;
              if (s >= 0)
                {
                  CHECK (braid_timeline_model_get_slice (m, s, &out));
                  CHECK (braid_timeline_model_slice_task (m, s) == task);
                }
            }
        }
      size_t n_marks;
      const uint32_t *marks = braid_timeline_model_task_marks (m, task,
                                                               &n_marks);
      size_t total_marks;
      braid_trace_get_marks (trace, &total_marks);
      for (size_t k = 0; k < n_marks; k++)
        CHECK (marks[k] < total_marks);
      braid_timeline_model_task_has_children (m, task);
    }
  if (nt > 0)
    {
      braid_timeline_model_set_collapsed (m, 0, true);
      braid_timeline_model_set_filter (m, "a");
      braid_timeline_model_reveal (m, (int32_t) (nt - 1));
      braid_timeline_model_set_filter (m, NULL);
    }
  braid_timeline_model_free (m);
}
#endif

/* Opens @path in full or compact mode. Returns whether it opened. */
static int
open_and_check (const char *path, int compact)
{
  braid_trace_load_options options = { .compact = compact };
  braid_trace *trace = NULL;
  char *error = NULL;
  int rc = braid_trace_open (path, &options, &trace, &error);
  if (rc != 0)
    {
      CHECK (trace == NULL);
      check_error (error);
      free (error);
      return 0;
    }
  CHECK (trace != NULL && error == NULL);
  check_model (trace);
#ifdef FUZZ_TIMELINE
  exercise_timeline (trace);
#endif
  braid_trace_close (trace);
  return 1;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = input_path ();
  write_input (path, data, size);
  int opened = open_and_check (path, 0);
  opened |= open_and_check (path, 1);
  if (!opened)
    return 0;
  /* Finalize it in place, as `braid repair` does, and read the result. */
  char *error = NULL;
  uint64_t n = 0;
  if (braid_trace_repair (path, &n, &error) == 0)
    {
      CHECK (error == NULL);
      open_and_check (path, 0);
    }
  else
    check_error (error);
  free (error);
  return 0;
}
