/* braid-internal.h: the internal services the runtime core offers to the
 * rest of runtime/ (combinators, primitives, I/O).
 *
 * The core (loop.c, task.c, future.c, timer.c, ...) implements these; the
 * combinators (gather.c, wait.c, as-completed.c, wait-for.c, timeout.c,
 * shield.c), most primitives and the I/O files build on them plus the
 * public API, so they never touch the core's structs directly. Not
 * installed.
 */
#ifndef BRAID_INTERNAL_H
#define BRAID_INTERNAL_H

#include <braid/braid.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

/* braid__future_new_private:
 * A future for the runtime's own use behind a wait on another object
 * (struct braid_future, is_private): like braid_future_new (it never
 * returns NULL), without the OBJECT_CREATED and OBJECT_DONE events. Its
 * waiters must name that object (braid__await_as with a non-zero object
 * id). */
braid_future *braid__future_new_private (braid_loop *loop);

/* braid__await_as:
 * braid_await, but the suspension is reported to the hooks with @reason and
 * @object_id (0: the future's own id) instead of TASK/FUTURE. For
 * combinators: a gather awaits its outer future as BRAID_WAIT_GATHER. */
int braid__await_as (braid_future *future, braid_wait_reason reason,
                     uint64_t object_id, void **result);

/* A new process-unique object id (ids are never 0). */
uint64_t braid__object_id_new (void);

/* Reports an object to the hooks (BRAID_EV_OBJECT_CREATED) as created by
 * the current task. @name may be NULL. */
void braid__object_created (braid_loop *loop, uint64_t id,
                            braid_object_kind kind, const char *name);

/* A one-shot timer on the loop's timer heap. @fn(@data) is put on the ready
 * queue when the deadline passes (ORDERING.md rule 2: due timers go after
 * what was already ready). */
typedef struct braid__timer braid__timer;
typedef void (*braid__timer_fn) (void *data);
/* Returns a timer handle owned by the loop until it fires or is cancelled;
 * the handle is valid until then. Never NULL (aborts on OOM). */
braid__timer *braid__call_later (braid_loop *loop, uint64_t delay_ns,
                                 braid__timer_fn fn, void *data);
/* braid__call_later at an absolute deadline on the loop's clock (ns). */
braid__timer *braid__call_at_ns (braid_loop *loop, uint64_t deadline,
                                 braid__timer_fn fn, void *data);
/* Cancels a timer that has not fired. After the callback ran, the handle
 * must not be used. */
void braid__timer_cancel (braid__timer *timer);
uint64_t braid__timer_id (const braid__timer *timer);

/* Schedules @fn(@data) through the ready queue (loop.call_soon). */
void braid__call_soon (braid_loop *loop, void (*fn) (void *data), void *data);

/* Converts seconds to nanoseconds for timeouts: BRAID_NO_TIMEOUT (+inf)
 * means "none" and returns UINT64_MAX; a negative delay is already past
 * and returns 0 (ORDERING.md rule 35); NaN raises ValueError and returns
 * 0 with *@rc set to BRAID_EINVAL. */
uint64_t braid__seconds_to_ns (double seconds, int *rc);

/* Marks a gather's child: it is exempt from "Task was destroyed but it is
 * pending!" (ORDERING.md rule 28). */
void braid__future_set_gathered (braid_future *future);

/* The loop a future belongs to (borrowed). */
braid_loop *braid__future_loop (const braid_future *future);

/* Raises a RuntimeError/ValueError/... for a misuse code (BRAID_EINVAL,
 * BRAID_ENOTASK, ...) with @what naming the call, and returns @code. */
int braid__raise_code (int code, const char *what);

/* braid__raise_code_on:
 * braid__raise_code for a call on something the message must name (a
 * file's path, "GET <url>"): the message reads "@subject: <text>" and
 * the error is raised by @call (the public call's name). Both strings
 * are copied: they may live in a buffer on the caller's stack. */
int braid__raise_code_on (int code, const char *call, const char *subject);

/* braid__future_set_cancel_fn:
 * Gives @future a cancel override, as asyncio's _GatheringFuture.cancel():
 * while @fn is set and @future is pending, braid_future_cancel (@future,
 * msg) calls @fn (@future, msg, @data) instead of cancelling it and returns
 * what @fn returns (true: the request was passed on). This includes the
 * cancel the core makes when a task waiting on @future is cancelled (so the
 * task stays suspended until @future completes, as for asyncio's
 * fut_waiter). @fn NULL removes the override. A future that is done ignores
 * it. Used by gather.c and io-op.c. */
typedef bool (*braid__cancel_fn) (braid_future *future, const char *msg,
                                  void *data);
void braid__future_set_cancel_fn (braid_future *future, braid__cancel_fn fn,
                                  void *data);

/* braid__future_cancelled_error:
 * The CancelledError a reader of the cancelled @future gets (a new
 * reference): its stored error, or, once a task that ended by raising its
 * CancelledError has handed that out, a new one with no message
 * (ORDERING.md rule 31, asyncio's _make_cancelled_error). */
braid_error *braid__future_cancelled_error (braid_future *future);

/* braid__future_cancel_entry:
 * The CancelledError a gather with return_exceptions lists for the
 * cancelled @future (borrowed from it; reading it hands nothing out): its
 * stored error, or for a task that ended by raising its CancelledError a
 * CancelledError with no message (asyncio builds CancelledError(
 * fut._cancel_message), which such a task no longer has). */
braid_error *braid__future_cancel_entry (braid_future *future);

/* braid__future_fail:
 * Completes the pending @future with @error (a reference is taken) in the
 * failed state even when @error is a CancelledError: asyncio's
 * set_exception, which leaves cancelled() false (rule 32: a gather whose
 * child was cancelled, and a shield of it). Returns 0 or
 * BRAID_EINVALSTATE. */
int braid__future_fail (braid_future *future, braid_error *error);

/* braid__future_set_owned_result:
 * braid_future_set_result, and the future owns @result, a block from
 * malloc that it frees with itself (a gather's result list). Returns 0 or
 * BRAID_EINVALSTATE (the block is then freed at once). */
int braid__future_set_owned_result (braid_future *future, void *result);

/* Primitives (lock.c, queue.c, taskgroup.c, asyncgen.c, error-group.c). */

/* The length of a group error's message without the " (N
 * sub-exceptions)" that str() of the group adds (Python's message
 * argument); the whole length when it has none (error.c). */
size_t braid__group_message_length (const char *message);

/* braid__raise_as:
 * Raises an error of @type with a printf-style message whose return code
 * (braid_error_code, and what braid_reraise returns) is @code rather than
 * the type's default. The current error becomes its cause. Returns @code.
 * For the primitives' own codes (BRAID_EQUEUEFULL raising QueueFull). */
#define braid__raise_as(type, code, ...) \
  braid__raise_as_at ((type), (code), __FILE__, __LINE__, __func__, \
                      __VA_ARGS__)
int braid__raise_as_at (const braid_error_type *type, int code,
                        const char *file, int line, const char *func,
                        const char *fmt, ...)
  __attribute__ ((format (printf, 6, 7)));

/* braid__error_group_new:
 * A new group error (not made current, no cause) with @message whose
 * sub-errors, read with braid_error_group_count/get, are @errors (a
 * reference is taken on each): an ExceptionGroup, or a BaseExceptionGroup
 * when one of @errors is not an Exception. New reference. */
braid_error *braid__error_group_new (const char *message,
                                     braid_error *const *errors, size_t n);

/* braid__agen_shutdown:
 * asyncio's loop.shutdown_asyncgens(), for braid_run: closes every
 * generator of @loop suspended at a yield, each in a task of its own, and
 * runs @loop until they are all closed (errors go to stderr). Call it
 * outside any task, after the pending tasks were cancelled (rule 26). */
void braid__agen_shutdown (braid_loop *loop);

/* braid__future_set_close_wait:
 * Marks @future as completed from outside the loop's tasks (a libuv
 * callback) by work that may still use a waiting task's memory after a
 * cancellation (a thread running the caller's function, a read filling
 * its buffer). braid_loop_close, unwinding a task that waits on it, runs
 * libuv until it completes before resuming the task. For io-op.c. */
void braid__future_set_close_wait (braid_future *future, bool on);

/* Things braid_loop_close closes (I/O handles the program left open).
 *
 * An I/O object registers a braid__closer when it is created and removes it
 * when the program closes it. braid_loop_close, after it has unwound the
 * pending tasks (so no task still uses the object), calls @close for each
 * one still registered (unregistered first, newest first), then runs the
 * libuv loop until every close callback has run: @close must uv_close its
 * handles with callbacks that free the object, and must not call back
 * into a task. The caller's pointer to the object is dangling after the
 * close. The struct is embedded in the object; both calls are O(1). */
typedef struct braid__closer braid__closer;
struct braid__closer
{
  void (*close) (braid__closer *closer);
  braid__closer *prev, *next;
};
void braid__loop_add_closer (braid_loop *loop, braid__closer *closer);
void braid__loop_remove_closer (braid_loop *loop, braid__closer *closer);

/* Helpers (error.c), for every file of runtime/. Allocations that abort
 * with "braid: <call>: out of memory" when memory runs out, so they never
 * return NULL; braid__xstrdup (NULL) returns NULL. braid__abort prints
 * "braid: @call: @what" and aborts (a programming error). */
__attribute__ ((visibility ("hidden"))) void *braid__xmalloc (size_t n);
__attribute__ ((visibility ("hidden"))) void *braid__xcalloc (size_t n,
                                                              size_t m);
__attribute__ ((visibility ("hidden"))) char *braid__xstrdup (const char *s);
__attribute__ ((visibility ("hidden"))) void braid__abort (const char *call,
                                                           const char *what)
    __attribute__ ((noreturn));

/* Checks of the public calls' arguments. braid.h promises that a
 * programming error the API cannot report (a NULL object, an object used
 * after it was freed) aborts with a message naming the call; every
 * public call of runtime/ checks its arguments with these two, so the
 * messages read alike: "braid: braid_lock_acquire: NULL lock". */

/* braid__freed:
 * True when @obj is known to point into freed memory. ASan builds ask
 * ASan, which poisons every freed block (and keeps it in quarantine), so
 * the answer is exact there; other builds cannot tell and return false,
 * leaving the caller to test a field its release cleared. */
static inline bool
braid__freed (const void *obj)
{
#if defined(__SANITIZE_ADDRESS__)
  return __asan_address_is_poisoned (obj) != 0;
#else
  (void)obj;
  return false;
#endif
}

/* braid__check_arg:
 * Aborts with "braid: @call: NULL @noun" when @p is NULL. @noun is a
 * string literal ("lock"). */
#define braid__check_arg(p, call, noun)                                        \
  do                                                                           \
    {                                                                          \
      if (__builtin_expect ((p) == NULL, 0))                                   \
        braid__abort ((call), "NULL " noun);                                   \
    }                                                                          \
  while (0)

/* braid__check_object:
 * braid__check_arg, then aborts with "braid: @call: @noun used after it
 * was freed" when @p was freed: ASan builds know (braid__freed, tested
 * before any field is read); the others evaluate @alive, a test of a
 * field that the object's release clears (a magic number, a reference
 * count), which is reliable until the memory is reused. Such fields sit
 * after the first 16 bytes of the object, which glibc's free list
 * overwrites. One compare on the fast path. */
#define braid__check_object(p, call, noun, alive)                              \
  do                                                                           \
    {                                                                          \
      braid__check_arg (p, call, noun);                                        \
      if (__builtin_expect (braid__freed (p) || !(alive), 0))                  \
        braid__abort ((call), noun " used after it was freed");                \
    }                                                                          \
  while (0)

/* braid__forget:
 * Clears @field (a magic number, a reference count) of an object about to
 * be freed, for braid__check_object. Through a volatile access: a plain
 * store right before free() is a dead store the compiler removes. */
#define braid__forget(field) (*(volatile __typeof__ (field) *)&(field) = 0)

/* The magic numbers of braid__check_object, one per kind of object (set
 * at creation, cleared by the free; no two bytes alike, so a block filled
 * with one byte never reads as one). */
enum
{
  BRAID__MAGIC_EVENT = 0x62457674,     /* "bEvt" */
  BRAID__MAGIC_LOCK = 0x624c636b,      /* "bLck" */
  BRAID__MAGIC_SEMAPHORE = 0x6253656d, /* "bSem" */
  BRAID__MAGIC_CONDITION = 0x62436e64, /* "bCnd" */
  BRAID__MAGIC_QUEUE = 0x62517565,     /* "bQue" */
  BRAID__MAGIC_GROUP = 0x62477270,     /* "bGrp" */
  BRAID__MAGIC_AGEN = 0x6241676e,      /* "bAgn" */
  /* Reference-counted objects have one too: a reference count alone
   * does not survive MALLOC_PERTURB_, which fills freed blocks with a
   * byte that reads as a large count. */
  BRAID__MAGIC_ERROR = 0x62457272,  /* "bErr" */
  BRAID__MAGIC_FUTURE = 0x62467574, /* "bFut" (tasks too) */
};

#endif /* BRAID_INTERNAL_H */
