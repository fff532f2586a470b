/* braid-hooks.h: the runtime's instrumentation interface.
 *
 * The runtime reports every transition of every task, and the objects and
 * output lines around them, as a fixed-size braid_event passed to one
 * installed hook function. The tracer (or any other observer) installs the
 * hook; the runtime never names who listens.
 *
 * Hot path: when no hook is installed, each transition costs one
 * predictable branch on braid__hooks_active. When one is installed, the
 * runtime calls an out-of-line emitter that stamps the event (see
 * braid_event_kind on time_ns: a counter read at most, none within a
 * transition), fills a braid_event on its stack field by field and makes
 * one indirect call, passing the event by pointer. A direct switch
 * from one task to the next is one event, BRAID_EV_TASK_SWITCHED. The
 * hook runs on the loop's thread, inside the transition: it must not call
 * back into the runtime (no awaits, no spawns), and it must copy what it
 * keeps, since every pointer in the event is borrowed for the call only.
 *
 * Modules: at the first loop creation the runtime dlopens each shared
 * object listed in the environment variable BRAID_MODULES (colon
 * separated; when unset, the list compiled in by the build) and calls its
 * `braid_module_init` symbol (braid_module_init_fn). A module decides by
 * itself whether to install hooks (the tracer does when BRAID_TRACE is
 * set). A module that is missing is skipped silently unless BRAID_MODULES
 * named it explicitly, in which case a warning goes to stderr.
 */
#ifndef BRAID_HOOKS_H
#define BRAID_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared here is exported from the library; the rest of
 * the library is built with hidden visibility. */
#pragma GCC visibility push(default)

/* What an event says happened. The field use per kind is listed here; a
 * field not listed is 0 / NULL. `task` is always the task the event is
 * about (0 when none), `time_ns` always the time on the loop's clock:
 *
 * - With BRAID_CLOCK_VIRTUAL, the loop's virtual time (nothing is read).
 * - With BRAID_CLOCK_MONOTONIC, CLOCK_MONOTONIC nanoseconds (the clock of
 *   braid_loop_now_ns). Where the CPU has a constant-rate counter that
 *   user space reads cheaply (the invariant TSC on x86-64, the virtual
 *   counter on AArch64), the runtime extrapolates the clock from its last
 *   reading with that counter and reads the clock again about every
 *   millisecond of events: event times then agree with a clock reading
 *   at the same instant to well under a microsecond (tens of ns
 *   measured), without drift. BRAID_EVENT_CLOCK=monotonic in the
 *   environment makes every event read the clock instead. Events outside
 *   any loop read CLOCK_MONOTONIC.
 * - A loop's event times never decrease.
 * - Events of one transition, emitted a few hundred instructions apart
 *   at most, share one reading, the first one's: a task's SUSPENDED or
 *   end event (COMPLETED, FAILED, CANCELLED) with the WOKEN events of its
 *   awaiters, the ITERATION_BEGIN and the RESUMED of the task the switch
 *   goes to directly (not a task's first step, which follows its stack's
 *   set-up); a future's OBJECT_DONE with its waiters' WOKEN; the wake-ups
 *   of one completion; a POLL with the ITERATION_BEGIN that follows it,
 *   and with the RESUMED of the iteration's first entry when that is a
 *   task's step.
 *   Their order is the order of emission (the tracer's sequence
 *   numbers); the time between them, which includes what the hook itself
 *   spends on the first, is not shown. A switch that goes through the
 *   loop (which may poll or run callbacks) reads the clock again. */
typedef enum braid_event_kind
{
  /* A loop was created. object: loop id; value: clock kind
   * (braid_clock_kind); str1: program name (argv[0] when known). */
  BRAID_EV_LOOP_CREATED = 1,
  /* A loop was closed. object: loop id. */
  BRAID_EV_LOOP_CLOSED,
  /* An iteration of the loop begins. object: loop id; value: iteration
   * number (from 1); other: number of entries in its ready snapshot. */
  BRAID_EV_ITERATION_BEGIN,
  /* The loop polled I/O. object: loop id; value: nanoseconds spent
   * blocked in the poll (0 for a non-blocking poll); other: whether the
   * virtual clock jumped (1) and by how much is visible in time_ns. */
  BRAID_EV_POLL,

  /* A task was created. task: new task id; other: creating task id (0 when
   * created outside any task); object: loop id; str1: task name; str2:
   * function name; str3: file of the creation site; line: its line. */
  BRAID_EV_TASK_CREATED,
  /* The loop switched into a task (a step begins). */
  BRAID_EV_TASK_RESUMED,
  /* The task suspended (a step ends). reason: braid_wait_reason; object:
   * id of what it waits on (task, future, timer, gather, ...; 0 for a bare
   * yield); value: for BRAID_WAIT_SLEEP, the delay in ns. */
  BRAID_EV_TASK_SUSPENDED,
  /* The task was made ready. other: id of the task that caused it (0 when
   * the loop did: a timer, a thread-pool completion, or a callback outside
   * any task); object: id of the object whose completion woke it (a task,
   * a future, a timer...); reason: the wait reason it was woken from. Not
   * reported when the loop ends a wait on I/O (BRAID_WAIT_IO) by the
   * completion of the operation: the task's next RESUMED implies that
   * wake-up (by the loop, from that wait, object and reason those of its
   * SUSPENDED), and tracer/SCHEMA.md ("Implied wake-ups") says how a
   * trace derives it. A wake-up from a wait on I/O by a task (a
   * cancellation) is reported. */
  BRAID_EV_TASK_WOKEN,
  /* The task finished with a result. */
  BRAID_EV_TASK_COMPLETED,
  /* The task finished with an error other than cancellation. error:
   * the error (borrowed); str1: type name; str2: message; str3: raise
   * file; line: raise line. */
  BRAID_EV_TASK_FAILED,
  /* The task finished cancelled. str2: cancel message (may be NULL);
   * other: the task that requested the cancellation (0: none/loop). */
  BRAID_EV_TASK_CANCELLED,
  /* A cancellation was requested. other: requesting task; str2: message. */
  BRAID_EV_CANCEL_REQUESTED,
  /* A task's or future's error was read. object: the task/future id;
   * other: the reading task (0 outside tasks). */
  BRAID_EV_ERROR_RETRIEVED,
  /* A failed task's or future's error can no longer be read by anyone.
   * object: its id; error, str1..str3, line: as for TASK_FAILED. */
  BRAID_EV_ERROR_NEVER_RETRIEVED,
  /* A pending task was destroyed (loop closed or last reference dropped
   * while pending). */
  BRAID_EV_TASK_DESTROYED_PENDING,
  /* A task's memory was released. */
  BRAID_EV_TASK_FREED,

  /* An object was created. object: its id; reason: braid_object_kind;
   * other: the task that created it; str1: its name (may be NULL). The
   * futures the runtime makes for itself behind a wait on another object
   * (an I/O operation on a stream, a wait on a lock, a queue, an event,
   * braid_wait...) are not reported, here or in OBJECT_DONE: the wait's
   * SUSPENDED and WOKEN name that object. */
  BRAID_EV_OBJECT_CREATED,
  /* A future or other object completed or was signalled. object: its id;
   * value: 0 result, 1 error, 2 cancelled (futures); other: the task. */
  BRAID_EV_OBJECT_DONE,

  /* The program wrote a line (braid_print). str1: the line without its
   * newline; value: its length; line: 1 for stdout, 2 for stderr. */
  BRAID_EV_OUTPUT,
  /* A step held the loop longer than the loop's slow-step threshold.
   * task: the task; value: duration of the step in ns. */
  BRAID_EV_SLOW_STEP,
  /* Every task waits and nothing can wake any of them. value: number of
   * waiting tasks; each is then reported by a BRAID_EV_DEADLOCK_TASK with
   * task, reason and object. */
  BRAID_EV_DEADLOCK,
  BRAID_EV_DEADLOCK_TASK,
  /* The observer made the runtime wait (for example, the tracer's buffer
   * was full). value: nanoseconds waited. Emitted by observers through
   * braid_hooks_emit so the wait is recorded like any other event. */
  BRAID_EV_OBSERVER_WAIT,

  /* A task suspended and the loop switched straight to another task
   * (or back to the same one) at the same reading: the TASK_SUSPENDED
   * and TASK_RESUMED of a direct switch, folded into one event so that
   * a switch costs the observer one call. task: the task resumed;
   * other: the task that suspended; reason: its wait reason.
   * - line 0: object and value are the suspension's (as in SUSPENDED).
   * - line > 0: an iteration began between the two (a suspension with
   *   no object and no value, such as a yield, is folded with it):
   *   object is the loop id, value the iteration number and line the
   *   number of entries in its ready snapshot (ITERATION_BEGIN's other).
   * braid_event_expand turns it back into the two or three events it
   * stands for, in their order, all at time_ns; an observer that wants
   * only the plain kinds above calls it on every event. */
  BRAID_EV_TASK_SWITCHED,

  /* A task took a lock or a permit of a semaphore (a condition's lock is
   * a lock: its wait's release and re-acquisition are reported too).
   * task: the task (0 outside any task); object: the lock or semaphore;
   * reason: its braid_object_kind; value: for a semaphore, the permits
   * still free after it, else 0. Emitted when the task has it, so after
   * a wait it follows the task's RESUMED. */
  BRAID_EV_ACQUIRED,
  /* A task gave a lock or a permit back. Fields as for ACQUIRED; value:
   * for a semaphore, the permits free after it (before one is handed to
   * a waiter, whose WOKEN follows). A semaphore's permit may be released
   * by another task than the one that took it. */
  BRAID_EV_RELEASED,

  /* A task got an item from a queue, or put one into a bounded queue
   * (maxsize > 0): what the queue's waiting getters (putters) wait for,
   * so that a waiter woken for an item (a free place) that another task
   * took first shows who took it. task: the task (0 outside any task);
   * object: the queue; reason: braid_queue_op; value: the number of
   * items in the queue after it. Emitted once the item has moved (and
   * the waiter it makes way for, if any, is woken: the WOKEN precedes
   * it). A put into an unbounded queue, which no putter ever waits on,
   * is not reported. Not a hold: nobody holds a queue. */
  BRAID_EV_QUEUE_ITEM,

  BRAID_EV_KIND_COUNT
} braid_event_kind;

/* What a BRAID_EV_QUEUE_ITEM did (its reason). Stable numbers: they are
 * stored in traces. */
typedef enum braid_queue_op
{
  BRAID_QUEUE_OP_GET = 1, /* got an item (get, get_nowait) */
  BRAID_QUEUE_OP_PUT = 2, /* put an item into a bounded queue */
} braid_queue_op;

/* Why a task suspended. Stable numbers: they are stored in traces. */
typedef enum braid_wait_reason
{
  BRAID_WAIT_NONE = 0,
  BRAID_WAIT_YIELD = 1,      /* sleep(0): back of the ready queue */
  BRAID_WAIT_SLEEP = 2,      /* sleep(d > 0) */
  BRAID_WAIT_TASK = 3,       /* awaiting a task */
  BRAID_WAIT_FUTURE = 4,     /* awaiting a plain future */
  BRAID_WAIT_GATHER = 5,     /* gather */
  BRAID_WAIT_WAIT = 6,       /* wait / as_completed / wait_for */
  BRAID_WAIT_EVENT = 7,
  BRAID_WAIT_LOCK = 8,
  BRAID_WAIT_SEMAPHORE = 9,
  BRAID_WAIT_CONDITION = 10,
  BRAID_WAIT_QUEUE = 11,
  BRAID_WAIT_IO = 12,
  BRAID_WAIT_THREAD = 13,    /* work in the thread pool */
  BRAID_WAIT_OTHER = 14,
  BRAID_WAIT_REASON_COUNT
} braid_wait_reason;

/* What kind of object an id names. Stable numbers: stored in traces. */
typedef enum braid_object_kind
{
  BRAID_OBJ_LOOP = 1,
  BRAID_OBJ_TASK = 2,
  BRAID_OBJ_FUTURE = 3,
  BRAID_OBJ_TIMER = 4,
  BRAID_OBJ_GATHER = 5,
  BRAID_OBJ_WAIT = 6,
  BRAID_OBJ_EVENT = 7,
  BRAID_OBJ_LOCK = 8,
  BRAID_OBJ_SEMAPHORE = 9,
  BRAID_OBJ_CONDITION = 10,
  BRAID_OBJ_QUEUE = 11,
  BRAID_OBJ_IO = 12,
  BRAID_OBJ_TIMEOUT = 13,
  BRAID_OBJ_KIND_COUNT
} braid_object_kind;

struct braid_error;

/* One event. Pointers are borrowed for the duration of the hook call. */
typedef struct braid_event
{
  braid_event_kind kind;
  uint32_t reason;        /* braid_wait_reason or braid_object_kind */
  uint64_t time_ns;       /* the loop's clock (see braid_event_kind) */
  uint64_t task;          /* the task the event is about, 0 if none */
  uint64_t other;         /* a second task: parent, waker, reader... */
  uint64_t object;        /* an object id */
  int64_t value;          /* a number whose meaning depends on kind */
  int32_t line;           /* a source line, or a stream number */
  const char *str1;       /* names, lines of output: see the kinds */
  const char *str2;
  const char *str3;
  const struct braid_error *error;
} braid_event;

typedef void (*braid_hook_fn) (void *user_data, const braid_event *event);

/* braid_hooks_install:
 * Installs @fn as the observer of every loop of the process. Call it
 * before the first loop is created (a module's init, a constructor, or
 * main) or from outside any running loop.
 * Returns: 0; BRAID_EBUSY if another hook is installed. */
int braid_hooks_install (braid_hook_fn fn, void *user_data);

/* braid_hooks_uninstall:
 * Removes the hook installed with @fn. Returns 0, or BRAID_EINVAL when
 * @fn is not the installed hook. */
int braid_hooks_uninstall (braid_hook_fn fn);

/* braid_event_expand:
 * Writes into @out the plain events that @event stands for, in their
 * order: the two or three of a BRAID_EV_TASK_SWITCHED (SUSPENDED, maybe
 * ITERATION_BEGIN, RESUMED), a copy of @event for any other kind.
 * Returns: how many (1 to 3). */
int braid_event_expand (const braid_event *event, braid_event out[3]);

/* braid_hooks_emit:
 * Passes @event to the installed hook, if any, filling time_ns with the
 * current loop's clock when it is 0. For observers that record their own
 * effect on the run (BRAID_EV_OBSERVER_WAIT). */
void braid_hooks_emit (braid_event *event);

/* The symbol a module exports. Returns 0, or a negative code that the
 * runtime reports on stderr (the program still runs). */
typedef int (*braid_module_init_fn) (void);
#define BRAID_MODULE_INIT_SYMBOL "braid_module_init"

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif /* BRAID_HOOKS_H */
