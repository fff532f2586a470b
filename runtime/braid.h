/* braid.h: the public interface of libbraid, an asyncio-style runtime of
 * stackful coroutines on libuv.
 *
 * A task is a C function with its own stack. Awaiting (braid_await,
 * braid_sleep, braid_gather, ...) is an ordinary call that suspends the
 * calling task until what it waits for is done. Tasks run in exactly the
 * order CPython 3.11's asyncio runs the equivalent program: see
 * runtime/ORDERING.md for the rules and the tests that check each one.
 *
 * Errors behave like exceptions. Every fallible call returns 0 on success
 * or a negative code, and every negative code also *raises*: it makes an
 * error object the current error of the calling task (or thread, outside
 * tasks), readable with braid_error_current(). So:
 *
 *   raise:    return braid_raise (BRAID_VALUE_ERROR, "bad size %d", n);
 *   catch:    if (rc < 0) { braid_error *e = braid_error_catch (type);
 *               if (e) { ...handle...; braid_error_unref (e); } }
 *   re-raise: if (rc < 0) return rc;   (the current error stays set)
 *
 * A task function returns its result as a void pointer. If the current
 * error is set when it returns, the task fails with that error and the
 * result is ignored; awaiting the task then raises the same error object in
 * the awaiter. Cancellation is the error type BRAID_CANCELLED_ERROR.
 *
 * Ownership: "new reference" means the caller must release it with the
 * matching _unref(); "borrowed" means valid while the owner lives.
 * Programming errors the API cannot report (a NULL task where a task is
 * required, a loop used from another thread) abort with a message that
 * names the call.
 */
#ifndef BRAID_H
#define BRAID_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "braid-hooks.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BRAID_VERSION_STRING "0.1.0"

/* ---------------------------------------------------------------------
 * Return codes. libuv's codes (negative errno values above -5000) pass
 * through unchanged from I/O calls.
 * ------------------------------------------------------------------ */
enum
{
  BRAID_OK = 0,
  BRAID_EFAILED = -5001,      /* an error was raised (any type not below) */
  BRAID_ECANCELLED = -5002,   /* a CancelledError was raised */
  BRAID_ETIMEDOUT = -5003,    /* a TimeoutError was raised */
  BRAID_EINVAL = -5004,       /* bad argument: raises ValueError */
  BRAID_EINVALSTATE = -5005,  /* wrong state: raises InvalidStateError */
  BRAID_ENOTASK = -5006,      /* must be called from a task: RuntimeError */
  BRAID_EDEADLK = -5007,      /* a task awaited itself: RuntimeError */
  BRAID_EXLOOP = -5008,       /* object of another loop: RuntimeError */
  BRAID_ENOMEM = -5009,       /* out of memory: MemoryError */
  BRAID_EBUSY = -5010,        /* already in use: RuntimeError */
  BRAID_ECLOSED = -5011,      /* the loop is closed: RuntimeError */
};

/* Returns a static description of @code (a braid or libuv code). */
const char *braid_strerror (int code);

/* ---------------------------------------------------------------------
 * Error objects and types
 * ------------------------------------------------------------------ */

/* An error type. Types form a tree through @base, so catching a type also
 * catches its descendants. Define your own as a static const object:
 *   static const braid_error_type my_error = { "MyError", BRAID_EXCEPTION };
 */
typedef struct braid_error_type
{
  const char *name;
  const struct braid_error_type *base;
} braid_error_type;

extern const braid_error_type braid_base_exception_type;  /* the root */
extern const braid_error_type braid_exception_type;       /* BaseException */
extern const braid_error_type braid_cancelled_error_type; /* BaseException */
extern const braid_error_type braid_timeout_error_type;   /* Exception */
extern const braid_error_type braid_invalid_state_error_type;
extern const braid_error_type braid_value_error_type;
extern const braid_error_type braid_runtime_error_type;
extern const braid_error_type braid_memory_error_type;
extern const braid_error_type braid_os_error_type;        /* I/O; errno */
extern const braid_error_type braid_group_error_type;     /* task groups */

#define BRAID_BASE_EXCEPTION (&braid_base_exception_type)
#define BRAID_EXCEPTION (&braid_exception_type)
#define BRAID_CANCELLED_ERROR (&braid_cancelled_error_type)
#define BRAID_TIMEOUT_ERROR (&braid_timeout_error_type)
#define BRAID_INVALID_STATE_ERROR (&braid_invalid_state_error_type)
#define BRAID_VALUE_ERROR (&braid_value_error_type)
#define BRAID_RUNTIME_ERROR (&braid_runtime_error_type)
#define BRAID_MEMORY_ERROR (&braid_memory_error_type)
#define BRAID_OS_ERROR (&braid_os_error_type)
#define BRAID_GROUP_ERROR (&braid_group_error_type)

/* An error: a type, a message, the site that raised it, an optional cause
 * (the error that was current when it was raised), and for OS errors the
 * code. Reference counted; immutable once raised. */
typedef struct braid_error braid_error;

/* braid_raise:
 * Raises a new error of @type with a printf-style message, recording the
 * calling file, line and function. The previously current error, if any,
 * becomes its cause. Returns the code for the type: BRAID_ECANCELLED,
 * BRAID_ETIMEDOUT, or BRAID_EFAILED. */
#define braid_raise(type, ...) \
  braid_raise_at ((type), __FILE__, __LINE__, __func__, __VA_ARGS__)
int braid_raise_at (const braid_error_type *type, const char *file, int line,
                    const char *func, const char *fmt, ...)
  __attribute__ ((format (printf, 5, 6)));
int braid_raise_atv (const braid_error_type *type, const char *file, int line,
                     const char *func, const char *fmt, va_list ap);

/* braid_reraise:
 * Makes @error (a reference is taken) the current error again. Returns the
 * code for its type. */
int braid_reraise (braid_error *error);

/* Returns the current error of the calling task (or thread), or NULL.
 * Borrowed. */
braid_error *braid_error_current (void);

/* braid_error_catch:
 * If the current error is of @type or a descendant, clears it and returns
 * it (new reference). Otherwise returns NULL and leaves it set. */
braid_error *braid_error_catch (const braid_error_type *type);

/* Clears the current error, if any. */
void braid_error_clear (void);

braid_error *braid_error_ref (braid_error *error);
void braid_error_unref (braid_error *error); /* accepts NULL */

/* True if @error's type is @type or descends from it. */
bool braid_error_is (const braid_error *error, const braid_error_type *type);
const braid_error_type *braid_error_get_type (const braid_error *error);
const char *braid_error_message (const braid_error *error);
const char *braid_error_file (const braid_error *error);
int braid_error_line (const braid_error *error);
const char *braid_error_function (const braid_error *error);
/* The cause, or NULL (borrowed). */
braid_error *braid_error_cause (const braid_error *error);
/* The return code that matches the error's type. */
int braid_error_code (const braid_error *error);
/* Prints "Type: message (raised at file:line in func)" and the chain of
 * causes to @out. */
void braid_error_print (const braid_error *error, FILE *out);

/* ---------------------------------------------------------------------
 * Loops
 * ------------------------------------------------------------------ */

typedef struct braid_loop braid_loop;
typedef struct braid_task braid_task;
typedef struct braid_future braid_future;

/* A task's body. Its return value is the task's result; if the current
 * error is set when it returns, the task fails with that error instead. */
typedef void *(*braid_task_fn) (void *arg);

typedef enum braid_clock_kind
{
  BRAID_CLOCK_MONOTONIC = 0, /* real time */
  BRAID_CLOCK_VIRTUAL = 1,   /* time jumps to the next timer when every
                                task waits: sleeps cost nothing and a run is
                                reproducible to the event. It starts at 0.
                                While I/O is active (a libuv handle or
                                request), it does not jump: it advances by
                                the real time the loop spends blocked in the
                                poll, so only programs without I/O are
                                reproducible. */
} braid_clock_kind;

/* braid_loop_new:
 * Creates a loop on the calling thread. The clock is virtual when the
 * environment variable BRAID_CLOCK is "virtual"; the slow-step threshold
 * is BRAID_SLOW_STEP_MS (default 100; 0 disables). Returns NULL only when
 * memory or libuv fails. New reference-free object: close it with
 * braid_loop_close(). */
braid_loop *braid_loop_new (void);

/* braid_loop_close:
 * Closes @loop: every task still pending is reported as "Task was
 * destroyed but it is pending!" and released, every failed task whose error
 * was never read is reported, and the memory is freed. Must not be called
 * while the loop runs. Returns 0, or BRAID_EBUSY if it is running. */
int braid_loop_close (braid_loop *loop);

/* Sets the clock; only before the loop first runs. Returns 0 or
 * BRAID_EBUSY. */
int braid_loop_set_clock (braid_loop *loop, braid_clock_kind clock);
braid_clock_kind braid_loop_get_clock (const braid_loop *loop);

/* Sets the threshold above which a step is reported as holding the loop
 * (asyncio's slow_callback_duration; the time.sleep mistake). 0 disables.
 * A watchdog thread samples the loop while it runs, so steps are not
 * timed on the hot path; the report ("slow step: TASK ... held the loop
 * for at least N ms") comes when the step ends. Takes effect at the next
 * braid_loop_run_until_complete. */
void braid_loop_set_slow_step_ns (braid_loop *loop, uint64_t ns);

/* Sets the usable stack size of tasks created from now on (default 256
 * KiB, only touched pages are resident). */
void braid_loop_set_stack_size (braid_loop *loop, size_t bytes);

/* The loop's clock in nanoseconds (monotonic or virtual). */
uint64_t braid_loop_now_ns (const braid_loop *loop);

/* The loop running on this thread (inside a task or a callback), or NULL.
 * Borrowed. */
braid_loop *braid_loop_current (void);

/* The libuv loop under @loop, for I/O code (borrowed). */
struct uv_loop_s *braid_loop_uv (braid_loop *loop);

/* braid_loop_run_until_complete:
 * Runs @loop until @future is done (asyncio's run_until_complete). Stores
 * its result in @result (may be NULL). Must be called outside any task.
 * Returns 0, or the code of the future's error, which becomes the calling
 * thread's current error; BRAID_EBUSY if the loop is already running;
 * BRAID_EDEADLK if the loop ran out of things to do before @future was done
 * (a deadlock: nothing ready, no timer, no active libuv handle or request;
 * reported on stderr with every waiting task and what it waits on).
 * BRAID_EBUSY also when called from a task or a callback of any loop on
 * this thread; BRAID_EXLOOP if @future belongs to another loop. As in
 * asyncio, the loop finishes the iteration in which @future's completion
 * is seen, so at least one iteration runs even if @future is done. */
int braid_loop_run_until_complete (braid_loop *loop, braid_future *future,
                                   void **result);

/* braid_run:
 * asyncio.run: creates a loop, runs @main as the task "Task-N" (task names
 * count up across the process), and when it finishes cancels and awaits
 * every task still pending, then closes the loop. Returns as
 * braid_loop_run_until_complete. On failure the error stays current for
 * the calling thread. */
int braid_run (braid_task_fn main, void *arg, void **result);

/* ---------------------------------------------------------------------
 * Futures
 * ------------------------------------------------------------------ */

/* Creates a pending future on @loop (NULL: the current loop). New
 * reference. */
braid_future *braid_future_new (braid_loop *loop);
braid_future *braid_future_ref (braid_future *future);
void braid_future_unref (braid_future *future); /* accepts NULL */

uint64_t braid_future_id (const braid_future *future);
bool braid_future_done (const braid_future *future);
bool braid_future_cancelled (const braid_future *future);
/* The task behind @future, or NULL for a plain future. Borrowed. */
braid_task *braid_future_task (braid_future *future);

/* Completes @future with @result (not owned). Returns 0 or
 * BRAID_EINVALSTATE if it is already done. Callbacks are scheduled, never
 * run inline. */
int braid_future_set_result (braid_future *future, void *result);
/* Completes @future with @error (a reference is taken). Returns 0 or
 * BRAID_EINVALSTATE. */
int braid_future_set_error (braid_future *future, braid_error *error);
/* Cancels @future with @msg (copied, may be NULL). Returns true if it was
 * pending and is now cancelled, false if it was already done. */
bool braid_future_cancel (braid_future *future, const char *msg);

/* braid_future_result:
 * Reads the outcome of a done future without waiting. Returns 0 and stores
 * the result; the future's error (re-raised, marked retrieved) if it
 * failed; BRAID_EINVALSTATE if it is pending. */
int braid_future_result (braid_future *future, void **result);
/* The error of a done future (borrowed; marks it retrieved), NULL if it
 * succeeded. Raises InvalidStateError and returns NULL if pending; for a
 * cancelled future returns its CancelledError. */
braid_error *braid_future_error (braid_future *future);

/* braid_await:
 * Suspends the calling task until @future is done, then as
 * braid_future_result. A future already done does not suspend.
 * Returns 0; the future's error code (its error is now current);
 * BRAID_ECANCELLED if the caller was cancelled while waiting;
 * BRAID_ENOTASK outside a task; BRAID_EDEADLK if @future is the caller's
 * own task; BRAID_EXLOOP if it belongs to another loop. */
int braid_await (braid_future *future, void **result);

typedef void (*braid_done_fn) (braid_future *future, void *data);
/* Schedules @fn(@future, @data) when @future is done (scheduled through
 * the ready queue, in registration order, even if already done). */
int braid_future_add_done_callback (braid_future *future, braid_done_fn fn,
                                    void *data);
/* Removes every registration of @fn with @data. Returns how many. */
int braid_future_remove_done_callback (braid_future *future, braid_done_fn fn,
                                       void *data);

/* ---------------------------------------------------------------------
 * Tasks
 * ------------------------------------------------------------------ */

/* braid_spawn:
 * Creates a task running @fn(@arg) on the current loop, named "Task-N".
 * Its first step runs after the caller suspends (creation only schedules).
 * Returns a new reference; the loop keeps its own while the task runs.
 * Dropping the last reference to a failed task whose error nobody read
 * reports "Task exception was never retrieved". Outside a loop it aborts:
 * use braid_loop_spawn. The _named variant takes a name (copied). */
#define braid_spawn(fn, arg) \
  braid_spawn_at (NULL, NULL, (fn), #fn, (arg), __FILE__, __LINE__)
#define braid_spawn_named(name, fn, arg) \
  braid_spawn_at (NULL, (name), (fn), #fn, (arg), __FILE__, __LINE__)
#define braid_loop_spawn(loop, name, fn, arg) \
  braid_spawn_at ((loop), (name), (fn), #fn, (arg), __FILE__, __LINE__)
braid_task *braid_spawn_at (braid_loop *loop, const char *name,
                            braid_task_fn fn, const char *fn_name, void *arg,
                            const char *file, int line);

braid_task *braid_task_ref (braid_task *task);
void braid_task_unref (braid_task *task); /* accepts NULL */

/* The task's future (borrowed; shares the task's reference count). */
braid_future *braid_task_future (braid_task *task);
uint64_t braid_task_id (const braid_task *task);
const char *braid_task_name (const braid_task *task);
bool braid_task_done (const braid_task *task);
bool braid_task_cancelled (const braid_task *task);

/* The running task, or NULL outside tasks. Borrowed. */
braid_task *braid_task_current (void);

/* braid_task_cancel:
 * Requests cancellation with @msg (copied, may be NULL): the task gets a
 * CancelledError at its current or next suspension point, once, however
 * many requests were made. Returns false if the task is already done. */
bool braid_task_cancel (braid_task *task, const char *msg);
/* How many cancellation requests are pending (asyncio's cancelling()). */
int braid_task_cancelling (const braid_task *task);
/* Decrements the count of requests; returns the new count. */
int braid_task_uncancel (braid_task *task);

/* Shorthands on the task's future. */
int braid_task_result (braid_task *task, void **result);
braid_error *braid_task_error (braid_task *task);
#define braid_await_task(task, result) \
  braid_await (braid_task_future (task), (result))

/* ---------------------------------------------------------------------
 * Sleeping and yielding
 * ------------------------------------------------------------------ */

/* braid_sleep:
 * Suspends the calling task for @seconds. 0 is a bare yield (asyncio's
 * sleep(0)): the task goes to the back of the ready queue. Returns 0;
 * BRAID_ECANCELLED if cancelled while sleeping; BRAID_EINVAL for a
 * negative or NaN delay; BRAID_ENOTASK outside a task. */
int braid_sleep (double seconds);
int braid_sleep_ns (uint64_t ns);
/* braid_sleep(0). */
int braid_yield (void);

/* ---------------------------------------------------------------------
 * Combinators
 * ------------------------------------------------------------------ */

typedef enum braid_gather_flags
{
  BRAID_GATHER_DEFAULT = 0,
  BRAID_GATHER_RETURN_EXCEPTIONS = 1 << 0,
} braid_gather_flags;

/* braid_gather_future:
 * asyncio.gather: a future that completes when every one of @futures is
 * done (identical arguments count once). New reference. Its result is
 * unused; read the children. Without RETURN_EXCEPTIONS it fails with the
 * first child error (in completion order) and the other children keep
 * running; their later errors count as retrieved. Cancelling it cancels
 * the unfinished children in argument order. */
braid_future *braid_gather_future (braid_future *const *futures, size_t n,
                                   braid_gather_flags flags);

/* braid_gather:
 * Awaits braid_gather_future, then stores each child's result in
 * @results[i] (may be NULL). With RETURN_EXCEPTIONS, @errors[i] (may be
 * NULL) receives each child's error (borrowed from the child) or NULL.
 * Returns 0; the first failure's code; BRAID_ECANCELLED if the caller was
 * cancelled (which cancels the children). */
int braid_gather (braid_future *const *futures, size_t n, void **results,
                  braid_error **errors, braid_gather_flags flags);
/* braid_gather over tasks. */
int braid_gather_tasks (braid_task *const *tasks, size_t n, void **results,
                        braid_error **errors, braid_gather_flags flags);

typedef enum braid_return_when
{
  BRAID_ALL_COMPLETED = 0,
  BRAID_FIRST_COMPLETED = 1,
  BRAID_FIRST_EXCEPTION = 2,
} braid_return_when;

/* braid_wait:
 * asyncio.wait: suspends until @when holds or @timeout seconds pass (a
 * negative timeout waits forever). Sets @done[i] for every finished
 * future. Never raises the futures' errors and never cancels them.
 * Returns the number of done futures (>= 0); BRAID_ECANCELLED if the
 * caller was cancelled; BRAID_EINVAL for n == 0. */
int braid_wait (braid_future *const *futures, size_t n, double timeout,
                braid_return_when when, bool *done);
int braid_wait_tasks (braid_task *const *tasks, size_t n, double timeout,
                      braid_return_when when, bool *done);

/* asyncio.as_completed: an iterator over futures in completion order. */
typedef struct braid_as_completed braid_as_completed;

/* Starts iterating over @futures (references are taken); @timeout in
 * seconds, negative for none. */
braid_as_completed *braid_as_completed_new (braid_future *const *futures,
                                            size_t n, double timeout);
braid_as_completed *braid_as_completed_new_tasks (braid_task *const *tasks,
                                                  size_t n, double timeout);
/* How many futures are still to be returned. */
size_t braid_as_completed_remaining (const braid_as_completed *it);
/* braid_as_completed_next:
 * Waits for the next future to finish. Stores it in @which (borrowed, may
 * be NULL) and its result in @result. Returns 0; that future's error code
 * (now current, marked retrieved); BRAID_ETIMEDOUT after the timeout (the
 * futures keep running); BRAID_ECANCELLED if the caller was cancelled;
 * BRAID_EINVALSTATE when none remain. */
int braid_as_completed_next (braid_as_completed *it, braid_future **which,
                             void **result);
void braid_as_completed_free (braid_as_completed *it); /* accepts NULL */

/* braid_wait_for:
 * asyncio.wait_for: awaits @future for at most @timeout seconds (negative:
 * forever). On timeout, cancels it, waits until it is done, and raises
 * TimeoutError, unless it swallowed the cancellation and produced a
 * result, which is returned. Cancelling the caller cancels @future.
 * Returns 0, the future's error code, BRAID_ETIMEDOUT or
 * BRAID_ECANCELLED. */
int braid_wait_for (braid_future *future, double timeout, void **result);

/* asyncio.timeout: a scope that cancels the current task at a deadline.
 *
 *   braid_timeout *scope = braid_timeout_enter (1.5);
 *   int rc = long_operation ();
 *   rc = braid_timeout_exit (scope, rc);  // ECANCELLED -> ETIMEDOUT
 */
typedef struct braid_timeout braid_timeout;
/* Opens a scope with a deadline @seconds from now (negative: none).
 * Returns NULL outside a task (and raises RuntimeError). */
braid_timeout *braid_timeout_enter (double seconds);
/* Moves the deadline to @seconds from now (negative: none). */
void braid_timeout_reschedule (braid_timeout *scope, double seconds);
bool braid_timeout_expired (const braid_timeout *scope);
/* braid_timeout_exit:
 * Closes and frees @scope. @rc is the code the scoped code returned. If the
 * deadline cancelled the task, the CancelledError is replaced by a
 * TimeoutError (whose cause it is) and the task is uncancelled: returns
 * BRAID_ETIMEDOUT. Otherwise returns @rc unchanged. */
int braid_timeout_exit (braid_timeout *scope, int rc);

/* braid_shield:
 * asyncio.shield: a new future (new reference) that follows @future.
 * Cancelling the returned future leaves @future running; cancelling
 * @future cancels the returned one. */
braid_future *braid_shield (braid_future *future);

/* ---------------------------------------------------------------------
 * Output
 * ------------------------------------------------------------------ */

/* braid_print:
 * printf to stdout, flushed at each newline, and each complete line is
 * reported to the hooks with its task and moment (so traces hold the
 * program's output). Returns the number of bytes written. */
int braid_print (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
int braid_printv (const char *fmt, va_list ap);
/* The same, to stderr. */
int braid_eprint (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));

#ifdef __cplusplus
}
#endif
#endif /* BRAID_H */
