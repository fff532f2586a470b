/* names.c: human names of the stored enums.
 *
 * Owns the one spelling of every state, wait reason, object kind, outcome
 * and problem kind. The writer stores the wait reasons and object kinds
 * in the file (tables wait_reasons and object_kinds) so that SQL users see
 * the same words as the braid tool and the viewer.
 */
#include "trace-private.h"

static const char *const reason_names[BRAID_WAIT_REASON_COUNT] = {
  [BRAID_WAIT_NONE] = "none",       [BRAID_WAIT_YIELD] = "yield",
  [BRAID_WAIT_SLEEP] = "sleep",     [BRAID_WAIT_TASK] = "task",
  [BRAID_WAIT_FUTURE] = "future",   [BRAID_WAIT_GATHER] = "gather",
  [BRAID_WAIT_WAIT] = "wait",       [BRAID_WAIT_EVENT] = "event",
  [BRAID_WAIT_LOCK] = "lock",       [BRAID_WAIT_SEMAPHORE] = "semaphore",
  [BRAID_WAIT_CONDITION] = "condition", [BRAID_WAIT_QUEUE] = "queue",
  [BRAID_WAIT_IO] = "io",           [BRAID_WAIT_THREAD] = "thread",
  [BRAID_WAIT_OTHER] = "other",
};

static const char *const object_names[BRAID_OBJ_KIND_COUNT] = {
  [BRAID_OBJ_LOOP] = "loop",         [BRAID_OBJ_TASK] = "task",
  [BRAID_OBJ_FUTURE] = "future",     [BRAID_OBJ_TIMER] = "timer",
  [BRAID_OBJ_GATHER] = "gather",     [BRAID_OBJ_WAIT] = "wait",
  [BRAID_OBJ_EVENT] = "event",       [BRAID_OBJ_LOCK] = "lock",
  [BRAID_OBJ_SEMAPHORE] = "semaphore", [BRAID_OBJ_CONDITION] = "condition",
  [BRAID_OBJ_QUEUE] = "queue",       [BRAID_OBJ_IO] = "io",
  [BRAID_OBJ_TIMEOUT] = "timeout",
};

const char *
braid_trace_state_name (braid_trace_state state)
{
  switch (state)
    {
    case BRAID_STATE_RUNNING:
      return "running";
    case BRAID_STATE_READY:
      return "ready";
    case BRAID_STATE_WAITING:
      return "waiting";
    }
  return "unknown";
}

const char *
braid_trace_wait_reason_name (uint32_t reason)
{
  if (reason < BRAID_WAIT_REASON_COUNT && reason_names[reason])
    return reason_names[reason];
  return "unknown";
}

/* braid__object_kind_name:
 * The name of a braid_object_kind, "unknown" for any other number. */
const char *
braid__object_kind_name (uint32_t kind)
{
  if (kind < BRAID_OBJ_KIND_COUNT && object_names[kind])
    return object_names[kind];
  return "unknown";
}

const char *
braid_trace_outcome_name (braid_trace_outcome outcome)
{
  switch (outcome)
    {
    case BRAID_OUTCOME_PENDING:
      return "pending";
    case BRAID_OUTCOME_COMPLETED:
      return "completed";
    case BRAID_OUTCOME_FAILED:
      return "failed";
    case BRAID_OUTCOME_CANCELLED:
      return "cancelled";
    case BRAID_OUTCOME_DESTROYED_PENDING:
      return "destroyed-pending";
    }
  return "unknown";
}

const char *
braid_trace_problem_kind_name (braid_trace_problem_kind kind)
{
  switch (kind)
    {
    case BRAID_PROBLEM_NEVER_RETRIEVED:
      return "never-retrieved";
    case BRAID_PROBLEM_DESTROYED_PENDING:
      return "destroyed-pending";
    case BRAID_PROBLEM_SLOW_STEP:
      return "slow-step";
    case BRAID_PROBLEM_DEADLOCK:
      return "deadlock";
    case BRAID_PROBLEM_INCOMPLETE:
      return "incomplete";
    }
  return "unknown";
}
