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
 * the awaiter. Cancellation is the error type BRAID_CANCELLED_ERROR. To
 * call a task function inline (`await fn(arg)`), use braid_call_inline,
 * which returns 0 or the function's error code: the result alone cannot
 * tell a failure (NULL may be a result).
 *
 * Ownership: "new reference" means the caller must release it with the
 * matching _unref(); "borrowed" means valid while the owner lives.
 * Programming errors the API cannot report (a NULL task where a task is
 * required, a loop used from another thread) abort with a message that
 * names the call ("braid: braid_lock_acquire: NULL lock"). So do the
 * uses of freed objects that a cheap check can catch (closing a loop
 * twice, a second braid_task_group_wait, unref past zero, a freed lock,
 * event, semaphore, condition, queue or generator, exactly in ASan
 * builds, otherwise until the memory is reused) and freeing an object
 * while tasks wait on it. Where a pointer argument may be NULL, its
 * comment says so; tests/runtime/misuse-null-cases.h lists what each call
 * does with NULL in each pointer argument.
 */
#ifndef BRAID_H
#define BRAID_H

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <braid/braid-hooks.h>
#include <braid/braid-version.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared here is exported from the library; the rest of
 * the library is built with hidden visibility. */
#pragma GCC visibility push(default)

/* braid_version:
 * The version of the libbraid loaded at run time ("0.2.0"), which may be
 * newer than BRAID_VERSION_STRING, the headers' version. Static string. */
const char *braid_version (void);

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
extern const braid_error_type braid_type_error_type;      /* TypeError */
extern const braid_error_type braid_group_error_type;     /* ExceptionGroup */
extern const braid_error_type braid_base_group_error_type; /* BaseException */

#define BRAID_BASE_EXCEPTION (&braid_base_exception_type)
#define BRAID_EXCEPTION (&braid_exception_type)
#define BRAID_CANCELLED_ERROR (&braid_cancelled_error_type)
#define BRAID_TIMEOUT_ERROR (&braid_timeout_error_type)
#define BRAID_INVALID_STATE_ERROR (&braid_invalid_state_error_type)
#define BRAID_VALUE_ERROR (&braid_value_error_type)
#define BRAID_RUNTIME_ERROR (&braid_runtime_error_type)
#define BRAID_MEMORY_ERROR (&braid_memory_error_type)
#define BRAID_OS_ERROR (&braid_os_error_type)
#define BRAID_TYPE_ERROR (&braid_type_error_type)
#define BRAID_GROUP_ERROR (&braid_group_error_type)
#define BRAID_BASE_GROUP_ERROR (&braid_base_group_error_type)

/* An error: a type, a message, the site that raised it, an optional cause
 * (the error that was current when it was raised), and for OS errors the
 * code. Reference counted; immutable once raised. It owns copies of its
 * message, file and function name, so it stays valid and printable after
 * whatever raised it is gone (a buffer on the raising task's stack, the
 * task, its loop). */
typedef struct braid_error braid_error;

/* braid_raise:
 * Raises a new error of @type with a printf-style message, recording the
 * calling file, line and function. The error being handled, if any,
 * becomes its cause (Python's implicit __context__, "During handling of
 * the above exception"): that is the current error, unless it was left
 * current across an await (the task suspended and resumed with it set),
 * which means the code had handled it and moved on; such a stale error
 * is replaced, not chained. Returns the code for the type: BRAID_ECANCELLED,
 * BRAID_ETIMEDOUT, BRAID_ESTOP (StopAsyncIteration, the code every end
 * of an async iteration returns), or BRAID_EFAILED. A NULL @type is
 * Exception, a NULL @fmt an empty message; @file and @func may be NULL
 * (unknown). */
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

/* braid_error_new:
 * A new error of @type with a printf-style message and the calling site,
 * without raising it (Python's ValueError("x") before a raise): it has no
 * cause and the current error is left alone. New reference. A NULL @type
 * is Exception, a NULL @fmt an empty message; @file and @func may be
 * NULL. Raise it with braid_reraise or braid_raise_from. */
#define braid_error_new(type, ...) \
  braid_error_new_at ((type), __FILE__, __LINE__, __func__, __VA_ARGS__)
braid_error *braid_error_new_at (const braid_error_type *type,
                                 const char *file, int line, const char *func,
                                 const char *fmt, ...)
  __attribute__ ((format (printf, 5, 6)));

/* braid_error_set_cause:
 * Makes @cause @error's explicit cause (Python's __cause__), replacing the
 * one it had (a reference on @cause is taken; NULL removes it, as "from
 * None"). Returns 0, or BRAID_EINVAL with a ValueError raised when @error
 * is @cause or one of @cause's causes (the chain would loop). Aborts on a
 * NULL @error. */
int braid_error_set_cause (braid_error *error, braid_error *cause);

/* braid_raise_from:
 * Python's "raise @error from @cause": sets @error's cause to @cause (NULL:
 * "from None") and makes @error (a reference is taken) the current error,
 * replacing the one that was current, which does not become its cause.
 * Returns the code for @error's type, or BRAID_EINVAL as
 * braid_error_set_cause. Aborts on a NULL @error. */
int braid_raise_from (braid_error *error, braid_error *cause);

/* Returns the current error of the calling task (or thread), or NULL.
 * Borrowed. */
braid_error *braid_error_current (void);

/* braid_error_catch:
 * If the current error is of @type or a descendant (any error when @type
 * is NULL), clears it and returns it (new reference). Otherwise returns
 * NULL and leaves it set. */
braid_error *braid_error_catch (const braid_error_type *type);

/* Clears the current error, if any. */
void braid_error_clear (void);

braid_error *braid_error_ref (braid_error *error);
void braid_error_unref (braid_error *error); /* accepts NULL */

/* The accessors below accept a NULL @error (false, NULL or 0). */
/* True if @error's type is @type or descends from it (any type when
 * @type is NULL). */
bool braid_error_is (const braid_error *error, const braid_error_type *type);
const braid_error_type *braid_error_get_type (const braid_error *error);
const char *braid_error_message (const braid_error *error);
const char *braid_error_file (const braid_error *error);
int braid_error_line (const braid_error *error);
const char *braid_error_function (const braid_error *error);
/* The cause, or NULL (borrowed): the explicit one (braid_raise_from,
 * braid_error_set_cause) or else the context, the error that was being
 * handled when this one was raised. */
braid_error *braid_error_cause (const braid_error *error);
/* True when the cause was given explicitly (Python's __cause__, printed
 * as "the direct cause"), also for "from None" (a NULL cause); false for
 * an implicit context or none. */
bool braid_error_cause_explicit (const braid_error *error);
/* The return code that matches the error's type. */
int braid_error_code (const braid_error *error);
/* Prints "Type: message (raised at file:line in func)" (or "(raised by
 * CALL)" for an error raised by a braid call) and the chain of
 * causes to @out. */
void braid_error_print (const braid_error *error, FILE *out);

/* What braid_error_format writes. */
typedef enum braid_error_style
{
  BRAID_ERROR_STR,  /* str(e): the message, "x" */
  BRAID_ERROR_REPR, /* repr(e): "ValueError('x')", "ValueError()" for an
                       empty message; a group "ExceptionGroup('msg',
                       [ValueError('a')])" */
  BRAID_ERROR_LINE, /* a traceback's last line: "ValueError: x\n", the
                       bare type name for an empty message */
  BRAID_ERROR_CHAIN, /* the chain as Python prints a traceback (without
                        its frames): oldest first, each error's line,
                        separated by "\nThe above exception was the direct
                        cause of the following exception:\n\n" after an
                        explicit cause and "\nDuring handling of the above
                        exception, another exception occurred:\n\n" after
                        a context */
} braid_error_style;

/* braid_error_format:
 * @error as Python formats it in @style. Returns a new string (release it
 * with free()), or NULL for a NULL @error. Aborts on an unknown @style.
 * Type names are braid's (CancelledError, not Python's qualified
 * asyncio.exceptions.CancelledError). */
char *braid_error_format (const braid_error *error, braid_error_style style);

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
 * destroyed but it is pending!", every failed task whose error was never
 * read is reported. Then each pending task that has started is unwound,
 * newest first, as Python throws GeneratorExit into a destroyed
 * coroutine: what it waits on is cancelled (so I/O and combinators stop
 * their work; thread-pool work or a file operation already running is
 * waited for, since it may use the task's memory) and its pending await
 * returns BRAID_ECANCELLED with a
 * CancelledError whose message is BRAID_LOOP_CLOSING_MESSAGE, so its C
 * cleanup code runs. While it unwinds every further await, yield or sleep
 * fails the same way at once, without suspending (awaiting a future that
 * is already done still returns its result). Its end is recorded as for
 * any task. A task that ignores the error and awaits again in a loop is a
 * bug: after BRAID_CLOSE_MAX_FAILS (1000) failed awaits in a row the
 * close aborts naming it. Callbacks queued meanwhile run; no I/O is
 * polled and no timer fires. A task that never started never runs.
 * Then I/O objects the program left open (streams, servers, HTTP clients)
 * are closed and freed (pointers to them dangle afterwards), and the
 * memory is freed. Must not be called while the loop runs. Returns 0, or
 * BRAID_EBUSY if it is running (or closing). Closing a closed loop aborts
 * naming the call (the list of open loops tells, without reading the
 * freed loop). */
int braid_loop_close (braid_loop *loop);

/* The message of the CancelledError a task unwound by braid_loop_close
 * receives. */
#define BRAID_LOOP_CLOSING_MESSAGE "the loop is closing (braid_loop_close)"


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

/* braid_loop_set_stack_size:
 * Sets the usable stack size of tasks created from now on (0: the default,
 * BRAID_STACK_SIZE_DEFAULT; only touched pages are resident). Returns 0;
 * BRAID_EINVAL (ValueError) for a size outside BRAID_STACK_SIZE_MIN to
 * BRAID_STACK_SIZE_MAX, which leaves the size unchanged; BRAID_ENOMEM. */
int braid_loop_set_stack_size (braid_loop *loop, size_t bytes);
#define BRAID_STACK_SIZE_DEFAULT (256 * 1024)
#define BRAID_STACK_SIZE_MIN (16 * 1024)
#define BRAID_STACK_SIZE_MAX ((size_t)1 << 30)

/* The loop's clock in nanoseconds (monotonic or virtual). */
uint64_t braid_loop_now_ns (const braid_loop *loop);

/* The loop running on this thread (inside a task or a callback), or NULL.
 * Borrowed. */
braid_loop *braid_loop_current (void);

/* The libuv loop under @loop, for I/O code (borrowed). */
struct uv_loop_s *braid_loop_uv (braid_loop *loop);

/* braid_loop_time:
 * asyncio's loop.time(): the loop's clock in seconds, the time
 * braid_call_at takes (the virtual clock's time with the virtual clock,
 * which starts at 0). Aborts on a NULL @loop. */
double braid_loop_time (const braid_loop *loop);

/* ---------------------------------------------------------------------
 * Callbacks (loop.call_soon, call_later, call_at, call_soon_threadsafe)
 * ------------------------------------------------------------------ */

/* A callback: a plain function the loop calls between task steps. An error
 * it leaves current is reported on stderr ("braid: error in callback")
 * and cleared, as asyncio's "Exception in callback". */
typedef void (*braid_callback_fn) (void *arg);

/* A scheduled callback (asyncio's Handle / TimerHandle). Ownership: each
 * braid_call_* returns a new reference the caller must release with
 * braid_handle_unref, at any time (releasing it does not cancel the
 * call; the loop keeps its own reference until the callback has run, was
 * cancelled or the loop closed). A caller that never cancels may release
 * it at once. */
typedef struct braid_handle braid_handle;

/* braid_call_soon:
 * Schedules @fn(@arg) on @loop (NULL: the loop running on this thread;
 * aborts when there is none or @fn is NULL). It runs in FIFO order with
 * the tasks and callbacks already ready (ORDERING.md rule 37). A
 * callback still queued when braid_loop_close is called runs during the
 * close; a timed one (braid_call_later, braid_call_at) never does. Never
 * NULL. */
braid_handle *braid_call_soon (braid_loop *loop, braid_callback_fn fn,
                               void *arg);

/* braid_call_later:
 * Schedules @fn(@arg) @delay_s seconds from now on the loop's clock (a
 * delay <= 0 is already due; BRAID_NO_TIMEOUT never fires). Due timers
 * join the ready queue after what was already ready, in deadline order and
 * then in the order they were scheduled (rule 38). Returns NULL with
 * ValueError (BRAID_EINVAL) raised for a NaN delay. @loop and @fn as for
 * braid_call_soon. */
braid_handle *braid_call_later (braid_loop *loop, double delay_s,
                                braid_callback_fn fn, void *arg);

/* braid_call_at:
 * braid_call_later at an absolute time @when_s of braid_loop_time; a
 * time already past is due at once. */
braid_handle *braid_call_at (braid_loop *loop, double when_s,
                             braid_callback_fn fn, void *arg);

/* braid_call_soon_threadsafe:
 * braid_call_soon that any thread may call while @loop is open (aborts on
 * a NULL @loop or @fn). On the loop's own thread it is braid_call_soon.
 * From another thread the call wakes the loop and joins its ready queue
 * when the loop next polls, in the order the calls were made. It does not
 * keep the loop alive: a task that waits for what such a callback does
 * must also have a timer (a timeout) or I/O pending, or the loop reports
 * a deadlock. Calls the loop has not received when it closes never
 * run. The handle may be cancelled and released on any thread. Never
 * NULL. */
braid_handle *braid_call_soon_threadsafe (braid_loop *loop,
                                          braid_callback_fn fn, void *arg);

/* braid_handle_cancel:
 * Cancels the call if it has not run; a callback that already ran, or a
 * second cancel, is not affected. A pending timed handle (braid_call_later,
 * braid_call_at) must be cancelled on its loop's thread (another thread
 * aborts naming the call); a braid_call_soon or
 * braid_call_soon_threadsafe handle on any thread. Aborts on NULL. */
void braid_handle_cancel (braid_handle *handle);
/* True once braid_handle_cancel was called. Aborts on NULL. */
bool braid_handle_cancelled (const braid_handle *handle);
/* A timed handle's time on braid_loop_time's clock (TimerHandle.when()):
 * the time asked for (braid_loop_time plus the delay for braid_call_later,
 * @when_s as given for braid_call_at, even when past); NaN for a
 * braid_call_soon handle, which has none. Aborts on NULL. */
double braid_handle_when (const braid_handle *handle);
/* Releases the caller's reference (accepts NULL). */
void braid_handle_unref (braid_handle *handle);

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
 * reference. Whatever will complete it later (a task, a callback, another
 * thread) must hold a reference until then: once the tasks waiting on it
 * hold the only ones, nothing can complete it, and those tasks, when no
 * one else holds them either, are reported as "Task was destroyed but it
 * is pending!" (runtime/ORDERING.md rule 41). */
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
 * failed; BRAID_EINVALSTATE if it is pending. A task that ended by
 * raising its CancelledError gives that error (with its message) to its
 * first reader (this or an await) and a new one with no message to later
 * readers, as asyncio does. */
int braid_future_result (braid_future *future, void **result);
/* The error of a done future (borrowed; marks it retrieved), NULL if it
 * succeeded. Raises InvalidStateError and returns NULL if pending; for a
 * cancelled future returns its stored CancelledError (an inspection: it
 * does not count as the read that hands it out). */
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
/* braid_future_add_done_callback:
 * Schedules @fn(@future, @data) when @future is done (scheduled through
 * the ready queue, in registration order, even if already done). @fn runs
 * outside any task (it must not await); an error it leaves current is
 * reported on stderr ("braid: error in callback FN (added at FILE:LINE):
 * ...") and cleared. Returns 0. The macro records @fn's name and the
 * call's site for that report; the function of the same name (for
 * function pointers) names @fn by its symbol, when it has one. */
#define braid_future_add_done_callback(future, fn, data)                       \
  braid_future_add_done_callback_at ((future), (fn), (data), #fn, __FILE__,    \
                                     __LINE__)
int braid_future_add_done_callback_at (braid_future *future, braid_done_fn fn,
                                       void *data, const char *fn_name,
                                       const char *file, int line);
int (braid_future_add_done_callback) (braid_future *future, braid_done_fn fn,
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
 * many requests were made. A task that returns before it suspends again
 * still ends cancelled (its result is dropped). Returns false if the task
 * is already done. */
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

/* "No timeout", for every timeout argument of the asyncio-like calls
 * below (asyncio's None): +inf. For those (sleeps, wait_for, wait,
 * as_completed, timeout scopes, call_later) a negative timeout or delay
 * is not "none" but a time already past, as in asyncio: it expires at
 * once (a sleep of it is a bare yield). The HTTP client's timeouts are
 * libcurl's and differ: 0 there is the default and a negative value is
 * none (see braid_http_request). */
#define BRAID_NO_TIMEOUT INFINITY

/* braid_sleep:
 * Suspends the calling task for @seconds. 0 or less is a bare yield
 * (asyncio's sleep(0)): the task goes to the back of the ready queue.
 * Returns 0; BRAID_ECANCELLED if cancelled while sleeping; BRAID_EINVAL
 * for a NaN delay; BRAID_ENOTASK outside a task. */
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
 * done (identical arguments count once). New reference. Its result
 * (braid_await, braid_future_result) is the list of results: a `void **`
 * of @n entries, each argument's result in argument order, owned by the
 * future (valid while a reference to it is held; NULL when @n is 0). With
 * RETURN_EXCEPTIONS a child that failed or was cancelled has a NULL entry
 * (Python lists its exception: read it from the child, or use
 * braid_gather's @errors). Without RETURN_EXCEPTIONS it fails with the
 * first child error (in completion order) and the other children keep
 * running; their later errors count as retrieved. A cancelled child
 * fails it with that child's CancelledError as an error, not a
 * cancellation (braid_future_cancelled is false, as in Python 3.11).
 * Cancelling it cancels the unfinished children in argument order. */
braid_future *braid_gather_future (braid_future *const *futures, size_t n,
                                   braid_gather_flags flags);

/* braid_gather:
 * Awaits braid_gather_future, then stores each child's result in
 * @results[i] (may be NULL). With RETURN_EXCEPTIONS, @errors[i] (may be
 * NULL) receives each child's error (borrowed from the child) or NULL; a
 * cancelled task is listed as a CancelledError with no message, as in
 * Python.
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
 * asyncio.wait: suspends until @when holds or @timeout seconds pass
 * (BRAID_NO_TIMEOUT: forever; 0 or negative: the next iteration). Sets
 * @done[i] for every finished future. Never raises the futures' errors
 * and never cancels them.
 * Returns the number of done futures (>= 0); BRAID_ECANCELLED if the
 * caller was cancelled; BRAID_EINVAL for n == 0. */
int braid_wait (braid_future *const *futures, size_t n, double timeout,
                braid_return_when when, bool *done);
int braid_wait_tasks (braid_task *const *tasks, size_t n, double timeout,
                      braid_return_when when, bool *done);

/* asyncio.as_completed: an iterator over futures in completion order. */
typedef struct braid_as_completed braid_as_completed;

/* Starts iterating over @futures (references are taken); @timeout in
 * seconds (BRAID_NO_TIMEOUT: none; 0 or negative: already past). */
braid_as_completed *braid_as_completed_new (braid_future *const *futures,
                                            size_t n, double timeout);
braid_as_completed *braid_as_completed_new_tasks (braid_task *const *tasks,
                                                  size_t n, double timeout);
/* How many futures are still to be returned (0 for NULL). */
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
 * asyncio.wait_for: awaits @future for at most @timeout seconds
 * (BRAID_NO_TIMEOUT: forever, a plain await; 0 or negative: if @future is
 * not done yet it is cancelled at once). On timeout, cancels it, waits
 * until it is done, and raises TimeoutError, unless it swallowed the
 * cancellation and produced a result, which is returned. Cancelling the
 * caller cancels @future.
 * Returns 0, the future's error code, BRAID_ETIMEDOUT or
 * BRAID_ECANCELLED. */
int braid_wait_for (braid_future *future, double timeout, void **result);

/* braid_wait_for_call:
 * asyncio.wait_for on a coroutine: runs @fn(@arg) with at most @timeout
 * seconds to finish, and stores its result in @result (may be NULL).
 * With BRAID_NO_TIMEOUT it is a plain call in the calling task, as
 * asyncio's `await coro`: no task of its own is made, @fn sees the caller
 * as braid_task_current() and runs before any other task gets a step.
 * With any other timeout @fn runs in a task of its own, created at the
 * macro's site (asyncio's ensure_future), which is waited for as
 * braid_wait_for does: on timeout it is cancelled and awaited and
 * TimeoutError is raised; with 0 or less it is cancelled before its first
 * step, so @fn never runs. @fn starts with no current error, as a task
 * does, and has failed when it returns with one set (the caller's own
 * error, if it had one, is current again after a success).
 * Returns 0; the code of @fn's error (which is current);
 * BRAID_ETIMEDOUT; BRAID_ECANCELLED; BRAID_EINVAL for a NULL @fn or a NaN
 * @timeout; BRAID_ENOTASK outside a task. */
#define braid_wait_for_call(fn, arg, timeout, result)                         \
  braid_wait_for_call_at ((fn), #fn, (arg), (timeout), (result), __FILE__,    \
                          __LINE__)
int braid_wait_for_call_at (braid_task_fn fn, const char *fn_name, void *arg,
                            double timeout, void **result, const char *file,
                            int line);

/* braid_call_inline:
 * `result = await fn(arg)` in the calling task, with a status: the way to
 * call a task function inline and tell its failure from its result. Its
 * return value cannot say it (NULL may be a result), and reading the
 * current error after a plain `fn (arg)` mistakes an error left current
 * before the call for a failure. It is braid_wait_for_call with
 * BRAID_NO_TIMEOUT: @fn starts with no current error and has failed when
 * it returns with one set. Returns 0 with @fn's result in @result (may be
 * NULL; untouched on failure); the code of @fn's error (current);
 * BRAID_EINVAL for a NULL @fn; BRAID_ENOTASK outside a task.
 *
 *   void *row;
 *   int rc = braid_call_inline (fetch_row, db, &row);
 *   if (rc < 0)
 *     return rc;        // fetch_row failed; its error is current
 *   use (row);          // NULL is a result like any other
 */
#define braid_call_inline(fn, arg, result)                                    \
  braid_wait_for_call ((fn), (arg), BRAID_NO_TIMEOUT, (result))

/* asyncio.timeout: a scope that cancels the current task at a deadline.
 *
 *   braid_timeout *scope = braid_timeout_enter (1.5);
 *   int rc = long_operation ();
 *   rc = braid_timeout_exit (scope, rc);  // ECANCELLED -> ETIMEDOUT
 */
typedef struct braid_timeout braid_timeout;
/* Opens a scope with a deadline @seconds from now (BRAID_NO_TIMEOUT: none;
 * 0 or negative: already past, it expires at the next iteration).
 * Returns NULL outside a task (and raises RuntimeError); the three calls
 * below accept that NULL (no deadline, not expired, @rc returned). */
braid_timeout *braid_timeout_enter (double seconds);
/* Moves the deadline to @seconds from now (BRAID_NO_TIMEOUT: none).
 * Returns 0; BRAID_EINVAL for NaN; once the deadline has fired (the scope
 * is expiring) a RuntimeError "Cannot change state of expiring Timeout",
 * as asyncio's reschedule. */
int braid_timeout_reschedule (braid_timeout *scope, double seconds);
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

/* ---------------------------------------------------------------------
 * Synchronization primitives: shared codes and error types
 *
 * asyncio's locks.py and queues.py, on futures, with CPython 3.11's
 * ordering (ORDERING.md rules 8, 21-23): waiters are served in arrival
 * order, a task woken by set/release/put resumes one iteration later, a
 * waiter cancelled while waiting does not consume a wake-up (it is passed
 * on), and an uncontended acquire, a wait on a set event, or a queue
 * operation that can proceed never suspends. Every object is reported to
 * the hooks when created (BRAID_OBJ_EVENT, _LOCK, ...) and a task waiting
 * on one suspends with the matching reason (BRAID_WAIT_EVENT, _LOCK, ...)
 * on the object's id. An object may be created outside a loop; it must
 * be used by the tasks of one loop and not freed while tasks wait on it.
 * ------------------------------------------------------------------ */
enum
{
  BRAID_EQUEUEFULL = -5101,  /* raises QueueFull */
  BRAID_EQUEUEEMPTY = -5102, /* raises QueueEmpty */
  BRAID_ESTOP = -5103,       /* raises StopAsyncIteration */
  BRAID_EGENEXIT = -5104,    /* raises GeneratorExit */
};

extern const braid_error_type braid_queue_full_type;       /* Exception */
extern const braid_error_type braid_queue_empty_type;      /* Exception */
extern const braid_error_type braid_stop_async_iteration_type; /* Exception */
extern const braid_error_type braid_generator_exit_type; /* BaseException */
#define BRAID_QUEUE_FULL (&braid_queue_full_type)
#define BRAID_QUEUE_EMPTY (&braid_queue_empty_type)
#define BRAID_STOP_ASYNC_ITERATION (&braid_stop_async_iteration_type)
#define BRAID_GENERATOR_EXIT (&braid_generator_exit_type)

/* ---------------------------------------------------------------------
 * Events (asyncio.Event)
 * ------------------------------------------------------------------ */

/* The type is braid_async_event because braid_event names the hooks'
 * event record (braid-hooks.h). */
typedef struct braid_async_event braid_async_event;

/* Creates an unset event. @loop (NULL: the current loop, if any) is only
 * where the creation is reported: like every primitive here, the event
 * works on the loop of the tasks that use it. Free it with
 * braid_event_free(). Never NULL (aborts on OOM). */
braid_async_event *braid_event_new (braid_loop *loop);
/* Frees @event (accepts NULL). No task may be waiting on it (aborts). */
void braid_event_free (braid_async_event *event);
bool braid_event_is_set (const braid_async_event *event);
/* braid_event_set:
 * Sets the flag and wakes every waiter, in the order they began waiting
 * (rule 22); each resumes in the next iteration. Setting a set event does
 * nothing. Never suspends. */
void braid_event_set (braid_async_event *event);
/* Clears the flag: later waits suspend until the next set. */
void braid_event_clear (braid_async_event *event);
/* braid_event_wait:
 * Returns at once if the flag is set (rule 8), otherwise suspends until
 * braid_event_set. Returns 0; BRAID_ECANCELLED if the caller was
 * cancelled while waiting; BRAID_ENOTASK outside a task. */
int braid_event_wait (braid_async_event *event);

/* ---------------------------------------------------------------------
 * Locks (asyncio.Lock)
 * ------------------------------------------------------------------ */

typedef struct braid_lock braid_lock;

/* Creates an unlocked lock on @loop (NULL: the current loop). */
braid_lock *braid_lock_new (braid_loop *loop);
/* Frees @lock (accepts NULL). No task may be waiting on it (aborts),
 * including one woken by a release that has not run yet. */
void braid_lock_free (braid_lock *lock);
/* True while the lock is held. Right after a release it reads false even
 * though the lock is promised to its first waiter (rule 21). */
bool braid_lock_locked (const braid_lock *lock);
/* braid_lock_acquire:
 * Takes the lock. Without contention (unlocked and nobody queued) it
 * returns at once; otherwise the caller queues behind the earlier waiters,
 * a newcomer never jumping the queue. Returns 0; BRAID_ECANCELLED if the
 * caller was cancelled while queued (the lock is then passed on to the
 * next waiter if it was free); BRAID_ENOTASK outside a task. */
int braid_lock_acquire (braid_lock *lock);
/* braid_lock_release:
 * Releases the lock and wakes the oldest waiter. Any task may release
 * (asyncio does not check the owner). Returns 0, or BRAID_EFAILED with a
 * RuntimeError ("Lock is not acquired.") if it was not locked. */
int braid_lock_release (braid_lock *lock);

/* BRAID_WITH_LOCK:
 * `async with lock:` as a statement prefix:
 *
 *   int rc;
 *   BRAID_WITH_LOCK (lock, rc)
 *     {
 *       ...the lock is held here...
 *     }
 *   if (rc < 0) ...acquiring failed (cancelled): the body did not run...
 *
 * Acquires the lock into @rc (an int lvalue); when that succeeds runs the
 * body once and releases the lock on every way out of it, as `async with`
 * does. The same holds for BRAID_WITH_SEMAPHORE and BRAID_WITH_CONDITION.
 *
 * Two forms, and BRAID_HAVE_SCOPE_GUARDS says which one a program gets:
 * - 1 (GCC and clang, the compilers braid is built with): a scope guard,
 *   released by __attribute__ ((cleanup)) when control leaves the
 *   statement, whatever the way: the end of the body, `continue`,
 *   `break`, `return` or `goto`.
 * - 0 (any other compiler): a portable form that releases when the body
 *   ends or `continue`s only: there `break`, `return` and `goto` skip the
 *   release (use explicit acquire and release calls then).
 * The release's own result is not reported; a body that must know it
 * calls braid_lock_release itself, outside this form. */
#if defined(__GNUC__) || defined(__clang__)
#define BRAID_HAVE_SCOPE_GUARDS 1
/* A guard per kind of object: what it holds, and whether it still holds
 * it; its cleanup releases what is still held. */
#define BRAID_GUARD_TYPE_(kind)                                              \
  typedef struct braid_##kind##_guard_                                       \
  {                                                                          \
    braid_##kind *obj;                                                       \
    int held;                                                                \
  } braid_##kind##_guard_;                                                   \
  static inline void braid_##kind##_guard_exit_ (braid_##kind##_guard_ *g)   \
  {                                                                          \
    if (g->held)                                                             \
      (void)braid_##kind##_release (g->obj);                                 \
  }
#define BRAID_WITH_(kind, object_, rc)                                       \
  for (braid_##kind##_guard_ BRAID_WITH_VAR_ (__LINE__)                      \
       __attribute__ ((cleanup (braid_##kind##_guard_exit_)))                \
       = { (object_), ((rc) = braid_##kind##_acquire (object_)) == 0 };      \
       BRAID_WITH_VAR_ (__LINE__).held;                                      \
       BRAID_WITH_VAR_ (__LINE__).held = 0,                                  \
       (void)braid_##kind##_release (BRAID_WITH_VAR_ (__LINE__).obj))
#else
#define BRAID_HAVE_SCOPE_GUARDS 0
#define BRAID_GUARD_TYPE_(kind)
#define BRAID_WITH_(kind, object_, rc)                                       \
  for (int BRAID_WITH_VAR_ (__LINE__)                                        \
       = ((rc) = braid_##kind##_acquire (object_)) == 0;                     \
       BRAID_WITH_VAR_ (__LINE__);                                           \
       BRAID_WITH_VAR_ (__LINE__) = 0, (void)braid_##kind##_release (object_))
#endif
/* A name per line, so that nested blocks do not shadow each other. */
#define BRAID_WITH_CAT_(a, b) a##b
#define BRAID_WITH_VAR_(line) BRAID_WITH_CAT_ (braid_with_once_, line)
BRAID_GUARD_TYPE_ (lock)
#define BRAID_WITH_LOCK(lock_, rc) BRAID_WITH_ (lock, lock_, rc)

/* ---------------------------------------------------------------------
 * Semaphores (asyncio.Semaphore, asyncio.BoundedSemaphore)
 * ------------------------------------------------------------------ */

typedef struct braid_semaphore braid_semaphore;

/* Creates a semaphore with counter @value on @loop (NULL: the current
 * loop). Returns NULL and raises ValueError if @value < 0. */
braid_semaphore *braid_semaphore_new (braid_loop *loop, int value);
/* The same, but a release that would raise the counter above @value is a
 * ValueError. */
braid_semaphore *braid_bounded_semaphore_new (braid_loop *loop, int value);
/* Frees @sem (accepts NULL). No task may be waiting on it (aborts). */
void braid_semaphore_free (braid_semaphore *sem);
/* True if an acquire would suspend: the counter is 0 or some task is
 * queued (not cancelled). */
bool braid_semaphore_locked (const braid_semaphore *sem);
/* The counter (slots promised to woken waiters are already taken off). */
int braid_semaphore_value (const braid_semaphore *sem);
/* braid_semaphore_acquire:
 * Takes a slot; queues in arrival order when none is free. A release
 * keeps its slot for the first waiter (rule 21). Returns 0;
 * BRAID_ECANCELLED if cancelled while queued (a slot already handed to
 * the caller goes to the next waiter); BRAID_ENOTASK outside a task. */
int braid_semaphore_acquire (braid_semaphore *sem);
/* braid_semaphore_release:
 * Gives a slot back and hands it to the oldest waiter. Returns 0, or
 * BRAID_EINVAL with a ValueError ("BoundedSemaphore released too many
 * times") for a bounded semaphore already at its initial value. */
int braid_semaphore_release (braid_semaphore *sem);

/* `async with sem:`; see BRAID_WITH_LOCK for the rules of the body. */
BRAID_GUARD_TYPE_ (semaphore)
#define BRAID_WITH_SEMAPHORE(sem, rc) BRAID_WITH_ (semaphore, sem, rc)

/* ---------------------------------------------------------------------
 * Conditions (asyncio.Condition)
 * ------------------------------------------------------------------ */

typedef struct braid_condition braid_condition;

/* Creates a condition on @lock (borrowed: it must outlive the condition),
 * or on a lock of its own when @lock is NULL, on @loop (NULL: current). */
braid_condition *braid_condition_new (braid_loop *loop, braid_lock *lock);
/* Frees @cond and its own lock (accepts NULL). No task may wait on it
 * (aborts). */
void braid_condition_free (braid_condition *cond);
/* The underlying lock (borrowed). */
braid_lock *braid_condition_lock (braid_condition *cond);
/* braid_lock_acquire/release/locked on the underlying lock. */
int braid_condition_acquire (braid_condition *cond);
int braid_condition_release (braid_condition *cond);
bool braid_condition_locked (const braid_condition *cond);
/* braid_condition_wait:
 * Releases the lock, waits to be notified, then re-acquires the lock
 * through its FIFO queue (rule 22), even when cancelled meanwhile: the
 * lock is held again whatever this returns, except for BRAID_EFAILED.
 * Returns 0; BRAID_ECANCELLED if the caller was cancelled (while waiting
 * or while re-acquiring); BRAID_EFAILED with a RuntimeError ("cannot wait
 * on un-acquired lock") if the lock is not held; BRAID_ENOTASK outside a
 * task. */
int braid_condition_wait (braid_condition *cond);
/* braid_condition_wait_for:
 * Waits until @predicate(@data) returns non-NULL (true), checking it first
 * and after every wake-up, and stores that value in @value (may be NULL):
 * asyncio's wait_for, which returns the predicate's result. Returns as
 * braid_condition_wait (@value is set only on 0). */
int braid_condition_wait_for (braid_condition *cond,
                              void *(*predicate) (void *data), void *data,
                              void **value);
/* braid_condition_notify:
 * Wakes the @n oldest waiters (each resumes only once it re-acquired the
 * lock). Returns 0, or BRAID_EFAILED with a RuntimeError ("cannot notify
 * on un-acquired lock") if the lock is not held. */
int braid_condition_notify (braid_condition *cond, size_t n);
/* Wakes every waiter; as braid_condition_notify. */
int braid_condition_notify_all (braid_condition *cond);

/* `async with cond:`; see BRAID_WITH_LOCK for the rules of the body. */
BRAID_GUARD_TYPE_ (condition)
#define BRAID_WITH_CONDITION(cond, rc) BRAID_WITH_ (condition, cond, rc)

/* ---------------------------------------------------------------------
 * Queues (asyncio.Queue, LifoQueue, PriorityQueue)
 * ------------------------------------------------------------------ */

typedef struct braid_queue braid_queue;

typedef enum braid_queue_kind
{
  BRAID_QUEUE_FIFO = 0,
  BRAID_QUEUE_LIFO = 1,
  BRAID_QUEUE_PRIORITY = 2, /* smallest first, by the compare function,
                               with heapq's exact order among equals */
} braid_queue_kind;

/* Orders two items of a priority queue: negative if @a comes first. */
typedef int (*braid_queue_compare_fn) (const void *a, const void *b);

/* braid_queue_new:
 * Creates a queue of pointers (not owned) holding at most @maxsize items
 * (0 or less: unbounded) on @loop (NULL: the current loop). @compare is
 * required for BRAID_QUEUE_PRIORITY and ignored otherwise. Returns NULL
 * and raises ValueError for a priority queue without @compare. */
braid_queue *braid_queue_new (braid_loop *loop, long maxsize,
                              braid_queue_kind kind,
                              braid_queue_compare_fn compare);
/* Frees @queue (accepts NULL); the items still in it are not touched. No
 * task may be waiting on it (aborts). */
void braid_queue_free (braid_queue *queue);
size_t braid_queue_qsize (const braid_queue *queue);
long braid_queue_maxsize (const braid_queue *queue);
bool braid_queue_empty (const braid_queue *queue);
/* True if bounded and holding maxsize items. */
bool braid_queue_full (const braid_queue *queue);
/* braid_queue_put:
 * Waits while the queue is full (in arrival order, rule 23), then adds
 * @item, which wakes the oldest waiting getter. Returns 0;
 * BRAID_ECANCELLED if cancelled while waiting (a wake-up it got is passed
 * on to the next putter); BRAID_ENOTASK outside a task. */
int braid_queue_put (braid_queue *queue, void *item);
/* braid_queue_get:
 * Waits while the queue is empty, then removes an item into @item (may be
 * NULL), which wakes the oldest waiting putter. Returns 0;
 * BRAID_ECANCELLED; BRAID_ENOTASK. */
int braid_queue_get (braid_queue *queue, void **item);
/* Adds @item without waiting. Returns 0, or BRAID_EQUEUEFULL (raising
 * QueueFull) when full. */
int braid_queue_put_nowait (braid_queue *queue, void *item);
/* Removes an item without waiting. Returns 0, or BRAID_EQUEUEEMPTY
 * (raising QueueEmpty) when empty. */
int braid_queue_get_nowait (braid_queue *queue, void **item);
/* braid_queue_task_done:
 * Marks one item taken with get as processed; when every item ever put
 * is, the tasks in braid_queue_join wake. Returns 0, or BRAID_EINVAL
 * (ValueError "task_done() called too many times"). */
int braid_queue_task_done (braid_queue *queue);
/* braid_queue_join:
 * Waits until every item put has been marked done (returns at once if
 * so). Returns 0; BRAID_ECANCELLED; BRAID_ENOTASK. */
int braid_queue_join (braid_queue *queue);

/* ---------------------------------------------------------------------
 * Task groups (asyncio.TaskGroup)
 *
 *   braid_task_group *g = braid_task_group_new ();  // async with ... as g:
 *   braid_task *t = braid_task_group_spawn (g, child, arg); // create_task
 *   braid_task_unref (t);                           //   (unless kept)
 *   int rc = body ();                               //   the body
 *   rc = braid_task_group_wait (g, rc);             // the `async with` exit
 *
 * Rule 24: the first child failure cancels the other unfinished children
 * and the parent (the task that created the group), so the body's current
 * or next await returns BRAID_ECANCELLED; the exit waits for every child,
 * then raises one ExceptionGroup whose sub-errors (braid_error_group_count /
 * braid_error_group_get) are the children's errors in the order they
 * finished, the body's own error (other than the cancellation) last; the
 * parent is uncancelled if the group had cancelled it when the exit began
 * (rule 33: a child failing while the parent waits in the exit leaves
 * its braid_task_cancelling at 1, as in Python 3.11). Cancelled children
 * are not errors.
 * ------------------------------------------------------------------ */

typedef struct braid_task_group braid_task_group;

/* Opens a group whose parent is the calling task. Returns NULL outside a
 * task (and raises RuntimeError). */
braid_task_group *braid_task_group_new (void);

/* braid_task_group_spawn:
 * Creates a child task (as braid_spawn; _named takes a name). Returns a
 * new reference, as braid_spawn does: release it with braid_task_unref
 * (at once if you do not need the task; the group keeps its own until
 * braid_task_group_wait returns). Returns NULL and raises RuntimeError if
 * the group is shutting down (a child failed) or finished. */
#define braid_task_group_spawn(group, fn, arg) \
  braid_task_group_spawn_at ((group), NULL, (fn), #fn, (arg), __FILE__, \
                             __LINE__)
#define braid_task_group_spawn_named(group, name, fn, arg) \
  braid_task_group_spawn_at ((group), (name), (fn), #fn, (arg), __FILE__, \
                             __LINE__)
braid_task *braid_task_group_spawn_at (braid_task_group *group,
                                       const char *name, braid_task_fn fn,
                                       const char *fn_name, void *arg,
                                       const char *file, int line);

/* braid_task_group_wait:
 * The end of the `async with` block: @rc is what the body returned (its
 * error, if negative, is current). Waits until every child is done (a
 * body error first cancels the children), frees @group, and returns: 0;
 * BRAID_EFAILED with an ExceptionGroup (a BaseExceptionGroup if a
 * sub-error is not an Exception) current ("unhandled errors in a
 * TaskGroup (N sub-exceptions)") if any child or the body failed;
 * BRAID_ECANCELLED if the parent was cancelled from outside (and no child
 * failed). Must be called by the parent task (aborts otherwise). */
int braid_task_group_wait (braid_task_group *group, int rc);

/* Group errors are named as Python names them: an ExceptionGroup
 * (BRAID_GROUP_ERROR, an Exception) when every sub-error is an Exception,
 * else a BaseExceptionGroup (BRAID_BASE_GROUP_ERROR). */

/* The number of sub-errors of a group error (0 for any other error). */
size_t braid_error_group_count (const braid_error *error);
/* Sub-error @index of a group error, borrowed from it, or NULL. */
braid_error *braid_error_group_get (const braid_error *error, size_t index);
/* braid_error_group_split:
 * Python's eg.split(type), the role of `except* type`: stores in @match
 * the part of @error that is of @type (or a descendant) and in @rest the
 * part that is not (new references, NULL when empty). Nested groups are
 * split alike; each part is a new group with the same message and its own
 * count, and @error itself when it matches as a whole. Handle @match,
 * then re-raise only @rest: `if (rest) rc = braid_reraise (rest);`.
 * Returns 0. */
int braid_error_group_split (braid_error *error, const braid_error_type *type,
                             braid_error **match, braid_error **rest);

/* ---------------------------------------------------------------------
 * Async generators
 *
 * A generator is a function with its own stack that yields values to
 * the task consuming it. Its body runs inside the consumer's task (as
 * Python's async generators do): it starts at the first next(), runs in
 * the consumer's step until it yields, and when it awaits, the consumer
 * suspends (rule 25). No loop iteration is spent between next() and the
 * yield. Its cleanup (code after a failed yield) runs on exhaustion or
 * close.
 *
 *   static void numbers (braid_agen *gen, void *arg)
 *   {
 *     for (intptr_t i = 0; i < 3; i++)
 *       {
 *         if (braid_sleep (1) < 0 || braid_agen_yield (gen, (void *)i) < 0)
 *           return;             // cancelled, or closed: clean up here
 *       }
 *   }
 *   ...
 *   braid_agen *gen = braid_agen_new (numbers, NULL);
 *   void *v;
 *   while ((rc = braid_agen_next (gen, &v)) == 0)
 *     use (v);
 *   if (rc == BRAID_ESTOP) braid_error_clear ();  // StopAsyncIteration
 *   braid_agen_free (gen);
 * ------------------------------------------------------------------ */

typedef struct braid_agen braid_agen;
/* The generator's body. It ends by returning; if the current error is set
 * then, the error propagates out of the braid_agen_next that resumed it. */
typedef void (*braid_agen_fn) (braid_agen *gen, void *arg);

/* Creates a generator that will run @fn(gen, @arg) on its own stack from
 * the first braid_agen_next. Nothing runs yet. Never NULL (aborts on
 * OOM). */
braid_agen *braid_agen_new (braid_agen_fn fn, void *arg);
/* braid_agen_next:
 * Runs the body until it yields (storing the value in @value, may be
 * NULL) or ends. Must be called from a task. Returns 0 with a value;
 * BRAID_ESTOP (StopAsyncIteration raised) once the body has ended; the
 * body's error code if it ended with an error (it is current; a
 * StopAsyncIteration the body raised comes out as a RuntimeError whose
 * cause it is, as in Python, so BRAID_ESTOP always means the end);
 * BRAID_EBUSY (RuntimeError) if the generator is already running;
 * BRAID_ENOMEM if no stack could be mapped; BRAID_ENOTASK. */
int braid_agen_next (braid_agen *gen, void **value);
/* braid_agen_asend:
 * Python's asend(@sent): as braid_agen_next, and the yield the body waits
 * at receives @sent (braid_agen_yield_recv; next() sends NULL, Python's
 * None). On a generator that has not started, a non-NULL @sent is
 * refused with BRAID_EINVAL and a TypeError ("can't send non-None value
 * to a just-started async generator"), the body not run; NULL starts it.
 * Returns as braid_agen_next. */
int braid_agen_asend (braid_agen *gen, void *sent, void **value);
/* braid_agen_athrow:
 * Python's athrow(@error): raises @error (a reference is taken) at the
 * yield the body waits at, then runs the body on as next() does.
 * Returns 0 with the next yielded value in @value (may be NULL) when the
 * body handled the error and yielded again; BRAID_ESTOP
 * (StopAsyncIteration raised) when it returned; the code of the error it
 * ended with (@error itself when not handled, now current) otherwise.
 * A generator not started never runs its body: @error is raised at once
 * and the generator is finished. On a generator that has ended it
 * returns 0 and stores NULL in @value, as CPython 3.11's athrow gives
 * None there. BRAID_EBUSY (RuntimeError) if it is running; BRAID_ENOTASK
 * outside a task. Aborts on a NULL @error. */
int braid_agen_athrow (braid_agen *gen, braid_error *error, void **value);
/* braid_agen_yield:
 * Called by the body: hands @value to the consumer and suspends the body
 * until the next braid_agen_next. Returns 0 when resumed by next() or
 * asend(); BRAID_EGENEXIT (GeneratorExit current) when the generator is
 * being closed: the body should clean up and return without yielding
 * again; the code of the error braid_agen_athrow raised here (it is
 * current: catch it to go on, or return to let it out).
 * BRAID_EINVALSTATE if called from outside the running body. */
int braid_agen_yield (braid_agen *gen, void *value);
/* braid_agen_yield_recv:
 * Python's `x = yield value`: braid_agen_yield, and on resumption
 * stores in @sent (may be NULL) what braid_agen_asend sent (NULL after
 * next(), a close or an athrow). Returns as braid_agen_yield. */
int braid_agen_yield_recv (braid_agen *gen, void *value, void **sent);
/* braid_agen_close:
 * asyncio's aclose(): if the body is suspended at a yield, resumes it with
 * BRAID_EGENEXIT so that its cleanup runs (its awaits suspend the
 * caller), and waits until it returns. A generator never started or
 * already ended is just marked closed. Returns 0; the error the cleanup
 * ended with; BRAID_EFAILED (RuntimeError "async generator ignored
 * GeneratorExit") if the body yielded again; BRAID_EBUSY if it is
 * running; BRAID_ENOTASK outside a task. */
int braid_agen_close (braid_agen *gen);
/* True once the body has ended or the generator was closed. */
bool braid_agen_done (const braid_agen *gen);
/* Frees @gen (accepts NULL). A generator suspended at a yield is closed
 * first when called from a task; outside a task its stack is released
 * without running the cleanup. Must be called before its loop closes.
 * Aborts when called from the generator's own body, or from a task while
 * the body runs (its consumer is suspended inside it). */
void braid_agen_free (braid_agen *gen);


/* ---------------------------------------------------------------------
 * I/O (io-*.c): the thread pool, files, TCP, DNS, HTTP.
 *
 * Every call here must be made from a task (else BRAID_ENOTASK) and
 * suspends it with BRAID_WAIT_IO (BRAID_WAIT_THREAD for braid_to_thread)
 * on an I/O object reported to the hooks ("tcp 127.0.0.1:8080",
 * "GET http://..."). libuv's negative codes pass through unchanged and
 * raise OSError with uv_strerror's text; BRAID_ECANCELLED means the
 * calling task was cancelled while waiting: the request was withdrawn (or,
 * for work already running on a thread, awaited) and no callback touches
 * the caller's memory afterwards. Every call also returns BRAID_ENOTASK
 * and BRAID_EINVAL (NULL or out-of-range arguments) as said once here.
 * ------------------------------------------------------------------ */

#include <sys/types.h>

/* A function for the thread pool: it runs on another thread, so it must
 * not call braid functions. */
typedef void *(*braid_thread_fn) (void *arg);

/* braid_to_thread:
 * asyncio.to_thread: runs @fn(@arg) on libuv's thread pool while the loop
 * runs other tasks, and stores its return value in @result (may be NULL).
 * Returns 0; BRAID_ECANCELLED if the caller was cancelled: work not yet
 * started never runs; work already running cannot be stopped, so the
 * caller stays suspended until it returns (its result is still stored in
 * @result, to be released); a libuv code if the work could not be queued.
 * The macro names the work after @fn in traces. */
#define braid_to_thread(fn, arg, result) \
  braid_to_thread_at (#fn, (fn), (arg), (result))
int braid_to_thread_at (const char *name, braid_thread_fn fn, void *arg,
                        void **result);

/* Files, through libuv's asynchronous file requests (the thread pool). */
typedef struct braid_file braid_file;

typedef struct braid_stat
{
  uint64_t size;
  uint64_t mode;    /* st_mode */
  int64_t mtime_ns; /* since the epoch */
} braid_stat;

/* Opens @path with open(2) @flags and @mode; stores a new file in @file
 * (close it with braid_file_close). Returns 0 or a libuv code (UV_ENOENT,
 * UV_EACCES...), or BRAID_ECANCELLED (a descriptor opened meanwhile is
 * closed). */
int braid_file_open (const char *path, int flags, int mode,
                     braid_file **file);
/* Reads up to @len bytes at @offset (negative: the current position).
 * Returns the number read (0 at the end of the file), a libuv code, or
 * BRAID_ECANCELLED (a read already running finishes first: the bytes it
 * read are dropped). */
ssize_t braid_file_read (braid_file *file, void *buf, size_t len,
                         int64_t offset);
/* Writes all @len bytes at @offset (negative: the current position).
 * Returns @len, a libuv code, or BRAID_ECANCELLED (part may be written). */
ssize_t braid_file_write (braid_file *file, const void *buf, size_t len,
                          int64_t offset);
/* Closes and frees @file (NULL is accepted). Outside a task it closes
 * synchronously. Returns 0 or a libuv code; @file is freed either way. */
int braid_file_close (braid_file *file);
/* stat(2). Returns 0 or a libuv code. */
int braid_fs_stat (const char *path, braid_stat *st);
/* unlink(2). Returns 0 or a libuv code. */
int braid_fs_unlink (const char *path);
/* Reads the whole of @path into a new NUL-terminated buffer (release with
 * free) and its length in @len (may be NULL). Returns 0, a libuv code,
 * BRAID_ENOMEM or BRAID_ECANCELLED. */
int braid_fs_read_file (const char *path, char **data, size_t *len);
/* Creates or truncates @path (mode 0644) and writes @len bytes. Returns 0,
 * a libuv code or BRAID_ECANCELLED. */
int braid_fs_write_file (const char *path, const void *data, size_t len);

/* DNS. */

/* braid_dns_resolve:
 * Resolves @host with getaddrinfo on the thread pool. Stores a new
 * NULL-terminated array of distinct numeric addresses (IPv4 and IPv6, in
 * the resolver's order) in @addresses; release it with braid_dns_free.
 * Returns the number of addresses (>= 0), a libuv code (UV_EAI_NONAME for
 * an unknown name) or BRAID_ECANCELLED. */
int braid_dns_resolve (const char *host, char ***addresses);
void braid_dns_free (char **addresses); /* accepts NULL */

/* TCP streams (asyncio's StreamReader and StreamWriter in one object).
 * Only one task may read a stream at a time (else BRAID_EBUSY); writes
 * from several tasks go out in call order. The first stream sets SIGPIPE
 * to be ignored, as CPython does at startup, unless the program installed
 * a handler of its own: a write to a peer that has gone then fails with
 * UV_EPIPE instead of killing the process. */
typedef struct braid_stream braid_stream;
typedef struct braid_tcp_server braid_tcp_server;

/* braid_tcp_connect:
 * Resolves @host and connects to @port, trying each address in turn.
 * Stores a new stream in @stream (close it with braid_stream_close).
 * Returns 0; the last address's libuv code (UV_ECONNREFUSED...) or the
 * resolver's; BRAID_ECANCELLED. */
int braid_tcp_connect (const char *host, int port, braid_stream **stream);

/* Reads what is available, up to @len bytes, waiting if nothing is.
 * Returns the number read (> 0), 0 at the end of the stream, a libuv
 * code, BRAID_EBUSY (another task reads), BRAID_ECANCELLED (the stream
 * stays usable; nothing is lost). A read pending when another task closes
 * the stream returns UV_ECANCELED. */
ssize_t braid_stream_read (braid_stream *stream, void *buf, size_t len);
/* Reads exactly @len bytes. Returns 0; UV_EOF if the stream ends first
 * (the partial bytes stay buffered for braid_stream_read); as
 * braid_stream_read otherwise. */
int braid_stream_read_exactly (braid_stream *stream, void *buf, size_t len);
/* Reads up to and including the first @delim (@dlen bytes) into @buf (no
 * NUL is added). Returns the length (> 0); at the end of the stream what
 * is left without a delimiter (0 when nothing is, as readline()); UV_ENOBUFS
 * if no delimiter appears within @cap bytes (nothing is consumed); as
 * braid_stream_read otherwise. */
ssize_t braid_stream_read_until (braid_stream *stream, const void *delim,
                                 size_t dlen, void *buf, size_t cap);
/* braid_stream_read_until with "\n". */
ssize_t braid_stream_read_line (braid_stream *stream, char *buf, size_t cap);
/* Writes all of @data (copied) and waits until it was handed to the
 * kernel (write + drain). Returns 0, a libuv code (UV_EPIPE,
 * UV_ECONNRESET, UV_EBADF once closed) or BRAID_ECANCELLED (the bytes may
 * still go out). */
int braid_stream_write (braid_stream *stream, const void *data, size_t len);
int braid_stream_write_str (braid_stream *stream, const char *text);
/* Shuts the writing side down (the peer reads the end of the stream) after
 * the pending writes. Returns 0, a libuv code or BRAID_ECANCELLED. */
int braid_stream_shutdown (braid_stream *stream);
/* Closes @stream and releases the caller's reference; the memory goes
 * after libuv's close callback. Accepts NULL; may be called outside a
 * task. Closing twice aborts. */
void braid_stream_close (braid_stream *stream);
/* The stream's I/O object id (as in the hooks' events; 0 for NULL). */
uint64_t braid_stream_id (const braid_stream *stream);

/* A connection handler for braid_tcp_serve. It runs in its own task and
 * owns @stream until it returns; the stream is then closed for it (the
 * handler must not close it). Its return value is the task's result. */
typedef void *(*braid_tcp_handler) (braid_stream *stream, void *arg);

/* braid_tcp_listen:
 * Listens on @host (resolved; "127.0.0.1", "::1", "0.0.0.0"...) and @port
 * (0: an ephemeral port, see braid_tcp_server_port). Stores a new server
 * in @server (close it with braid_tcp_server_close). Returns 0 or a libuv
 * code (UV_EADDRINUSE...). */
int braid_tcp_listen (const char *host, int port, braid_tcp_server **server);
/* braid_tcp_serve:
 * asyncio.start_server: braid_tcp_listen, then each connection runs
 * @handler(stream, @arg) in a new task "Task-N" (traces show it as created
 * by @handler at the braid_tcp_serve call). Returns as braid_tcp_listen,
 * or BRAID_EINVAL for a NULL handler. */
#define braid_tcp_serve(host, port, handler, arg, server)                  \
  braid_tcp_serve_at ((host), (port), (handler), #handler, (arg), (server), \
                      __FILE__, __LINE__)
int braid_tcp_serve_at (const char *host, int port, braid_tcp_handler handler,
                        const char *handler_name, void *arg,
                        braid_tcp_server **server, const char *file,
                        int line);
/* Waits for the next connection of a braid_tcp_listen server and stores a
 * new stream in @stream. Returns 0; a libuv code (UV_EBADF once the server
 * is closed); BRAID_EBUSY if another task accepts; BRAID_EINVAL for a
 * braid_tcp_serve server; BRAID_ECANCELLED. */
int braid_tcp_accept (braid_tcp_server *server, braid_stream **stream);
/* The port the server listens on (0 for NULL). */
int braid_tcp_server_port (const braid_tcp_server *server);
/* Stops listening and releases the caller's reference (connections
 * already accepted go on). Accepts NULL; closing twice aborts. */
void braid_tcp_server_close (braid_tcp_server *server);

/* HTTP (libcurl's multi-socket API on the loop). */

/* A client: a connection pool shared by its requests (aiohttp's
 * ClientSession). Use one per loop, from that loop's tasks. */
typedef struct braid_http_client braid_http_client;

typedef struct braid_http_request
{
  const char *method;         /* NULL: "GET" */
  const char *url;
  const char *const *headers; /* "Name: value" strings, NULL-terminated;
                                 may be NULL */
  const void *body;           /* copied; may be NULL */
  size_t body_len;
  double timeout;             /* seconds for the whole transfer (a
                                 fraction of a millisecond rounds up);
                                 0: the client's (default 300 s);
                                 negative: none */
  bool no_redirects;          /* do not follow 3xx redirects */
} braid_http_request;

typedef struct braid_http_response
{
  long status;         /* 200, 404... */
  char *body;          /* NUL-terminated, owned */
  size_t body_len;
  char **header_names; /* the last response's headers, in order, owned */
  char **header_values;
  size_t nheaders;
} braid_http_response;

/* Creates a client on the current loop (inside a task or a callback).
 * Returns NULL and raises outside a loop or if libcurl fails.
 *
 * A new client is safe by default: its requests and the redirects they
 * follow may use http and https only (a file://, dict:// or gopher:// URL
 * or redirect fails with an OSError), at most 10 redirects are followed
 * (then OSError), a connection must be made within 30 s and a whole
 * transfer end within 300 s (then TimeoutError), and response headers
 * larger than 256 KiB in all fail the request (OSError). The setters below
 * widen or narrow this, for every later request of the client. */
braid_http_client *braid_http_client_new (void);
/* braid_http_client_set_protocols:
 * Sets the protocols requests and their redirects may use, as a
 * comma-separated list of libcurl's names ("http,https,ftp"; "all" for
 * every protocol libcurl knows, which includes file:// and should not be
 * given untrusted URLs); NULL restores "http,https". Returns 0, or
 * BRAID_EINVAL (ValueError) for a list libcurl rejects (unchanged
 * then). */
int braid_http_client_set_protocols (braid_http_client *client,
                                     const char *protocols);
/* Sets how many redirects a request follows before it fails (0: none is
 * followed, a 3xx response fails with an OSError; default 10). Returns 0
 * or BRAID_EINVAL for a negative count. */
int braid_http_client_set_max_redirects (braid_http_client *client, long max);
/* braid_http_client_set_timeouts:
 * Sets the connect timeout and the default whole-transfer timeout (used
 * by requests whose timeout is 0), in seconds: 0 restores the default (30
 * s, 300 s), a negative value means none, a fraction of a millisecond
 * rounds up. Returns 0 or BRAID_EINVAL for NaN. */
int braid_http_client_set_timeouts (braid_http_client *client, double connect,
                                    double total);
/* Releases the caller's reference: the pool is freed once the requests in
 * flight are done (accepts NULL; closing twice aborts). */
void braid_http_client_close (braid_http_client *client);

/* braid_http_client_request:
 * Performs @request and fills @response (cleared first; release it with
 * braid_http_response_clear). Any HTTP status is a success: read
 * response->status. Returns 0; BRAID_ECANCELLED (the transfer is
 * abandoned at once); BRAID_ETIMEDOUT past the connect timeout or the
 * request's timeout; UV_EAI_NONAME (unknown host), UV_ECONNREFUSED,
 * UV_ECONNRESET (the server closed without answering); BRAID_ENOMEM;
 * BRAID_EFAILED with an OSError naming libcurl's reason for other
 * transfer failures (a protocol the client does not allow, too many
 * redirects, a malformed response); BRAID_EINVALSTATE for a closed
 * client; BRAID_EXLOOP for a client of another loop. The error's message
 * names the request ("GET http://...: connection refused"). */
int braid_http_client_request (braid_http_client *client,
                               const braid_http_request *request,
                               braid_http_response *response);
/* A GET through @client; returns as braid_http_client_request. */
int braid_http_client_get (braid_http_client *client, const char *url,
                           braid_http_response *response);
/* A GET through a client of its own (no connection reuse); returns as
 * braid_http_client_request. */
int braid_http_get (const char *url, braid_http_response *response);
/* The first header called @name (any case), or NULL. Borrowed. */
const char *braid_http_response_header (const braid_http_response *response,
                                        const char *name);
/* Frees what @response owns and zeroes it (accepts NULL). */
void braid_http_response_clear (braid_http_response *response);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif /* BRAID_H */
