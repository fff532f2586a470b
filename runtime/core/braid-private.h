/* braid-private.h: the structs the runtime core's files share (loop.c,
 * task.c, future.c, timer.c, sleep.c, error.c, hooks.c, diagnostics.c,
 * print.c, run.c, clock.c), which two primitives read too (asyncgen.c,
 * error-group.c). Not installed; the combinators, the other primitives and
 * the I/O files use braid-internal.h instead and never see these fields.
 *
 * Hot path: the ready queue (a power-of-two ring of 32-byte entries) and
 * the task switch are inline here so that braid_yield and braid_await do
 * not pay a call per push or pop.
 */
#ifndef BRAID_PRIVATE_H
#define BRAID_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "braid-internal.h"
#include <braid/braid.h>
#include "coro.h"

/* The coroutine layer is internal to libbraid: calling it without the
 * PLT saves an indirect jump per switch. Declaring these hidden here makes
 * them hidden in the library (nothing outside libbraid links them: the
 * coro tests use their own static library). */
#pragma GCC visibility push(hidden)
void braid__coro_switch (braid__coro *from, braid__coro *to);
void braid__coro_switch_final (braid__coro *from, braid__coro *to)
    __attribute__ ((noreturn));
int braid__coro_init (braid__coro *co, braid__stack_pool *pool,
                      braid__coro_entry entry, void *arg, const char *name);
void braid__coro_release (braid__coro *co);
#pragma GCC visibility pop

#define BRAID_LIKELY(x) __builtin_expect (!!(x), 1)
#define BRAID_UNLIKELY(x) __builtin_expect (!!(x), 0)
#if defined(__SANITIZE_ADDRESS__)
#define BRAID_ASAN_BUILD 1
#else
#define BRAID_ASAN_BUILD 0
#endif

#define BRAID_TLS __thread __attribute__ ((tls_model ("initial-exec")))
#define BRAID_HIDDEN __attribute__ ((visibility ("hidden")))

/* ------------------------------------------------------------------ */
/* Errors                                                              */

struct braid_error
{
  const braid_error_type *type;
  char *message; /* owned */
  /* After the two pointers: glibc's free list overwrites the first 16
   * bytes of a freed block, so a released error still reads 0 here until
   * its memory is reused, which braid_error_unref checks. */
  int refcount;
  int code;       /* the return code raising it produced */
  uint32_t magic; /* BRAID__MAGIC_ERROR until freed */
  /* Copies owned by the error (one block, file first; NULL when both are
   * NULL): an error outlives the stack buffer, the task and the loop
   * that raised it, so it keeps nothing it does not own. */
  const char *file;
  int line;
  const char *func;
  /* The chained error: the explicit cause (raise from) when
   * cause_explicit, else the context (the error being handled when this
   * one was raised). cause_explicit with a NULL cause is "from None". */
  braid_error *cause;
  bool cause_explicit;
  /* Sub-errors of a group error (references, released with the error);
   * NULL/0 for any other error. For error-group.c. */
  braid_error **subs;
  size_t nsubs;
};

/* For braid__check_object: @e (an error) was not freed. */
#define ERROR_ALIVE(e) ((e)->magic == BRAID__MAGIC_ERROR && (e)->refcount > 0)

/* A new error object that is not made current (refcount 1). */
BRAID_HIDDEN braid_error *braid__error_new (const braid_error_type *type,
                                            int code, const char *file,
                                            int line, const char *func,
                                            const char *message);
/* Makes @error (ownership taken) the current error of the running task or
 * thread, dropping the previous one; returns @error's code. */
BRAID_HIDDEN int braid__error_set_current (braid_error *error);
/* Takes the current error (ownership to the caller), leaving none. */
BRAID_HIDDEN braid_error *braid__error_steal_current (void);
/* Raises a CancelledError with @msg (may be NULL). */
BRAID_HIDDEN int braid__raise_cancelled (const char *msg);

/* ------------------------------------------------------------------ */
/* Hooks                                                               */

extern BRAID_HIDDEN int braid__hooks_active;
BRAID_HIDDEN void braid__hook_call (braid_event *event);
BRAID_HIDDEN void braid__modules_load_once (void);

/* The emitters of the frequent events (hooks.c). Each is out of line, so
 * that a transition's untraced path keeps only its branch on
 * braid__hooks_active, but not cold: with a hook installed they are the
 * hot path, and cold code is compiled for size (braid__event_time would
 * not be inlined). Each builds its event field by field (no block
 * zeroing) and stamps it with braid__event_time or the loop's shared
 * reading (see braid__event_time_shared). */
struct braid_loop;
struct braid_task;
/* TASK_SUSPENDED of @t, waiting on @object for @reason; @value: the
 * delay of a sleep. Opens a shared-reading window (the switch). The
 * event is held back, to be reported with the RESUMED of a direct
 * switch as one TASK_SWITCHED, or alone before any other event, or at
 * braid__hooks_flush. */
BRAID_HIDDEN void braid__emit_suspended (struct braid_task *t, uint32_t reason,
                                         uint64_t object, int64_t value)
    __attribute__ ((noinline));
/* TASK_RESUMED of @t. With @may_share, the reading of an open window is
 * used (the switch from a task, or the loop's first entry after its
 * ITERATION_BEGIN), except for a task's first step; without, a fresh
 * one. Closes the window. */
BRAID_HIDDEN void braid__emit_resumed (struct braid_loop *loop,
                                       struct braid_task *t, bool may_share)
    __attribute__ ((noinline));
/* Reports a suspension still held back (see braid__emit_suspended):
 * called before a switch to the loop, which may run anything next. */
BRAID_HIDDEN void braid__hooks_flush (void);

/* ------------------------------------------------------------------ */
/* Ready queue                                                         */

typedef enum
{
  ENTRY_RESUME = 0, /* a: the task to step */
  ENTRY_CALL,       /* fn (a) */
  ENTRY_DONE_CB,    /* fn (a = future, reference held, b = data) */
  ENTRY_TIMER,      /* a: a braid__timer that fired */
} braid__entry_kind;

typedef struct braid__entry
{
  uintptr_t kind;
  void *fn;
  void *a;
  void *b;
} braid__entry;

typedef struct braid__queue
{
  braid__entry *ring;
  size_t mask; /* capacity - 1, capacity a power of two */
  size_t head;
  size_t len;
} braid__queue;

BRAID_HIDDEN void braid__queue_grow (braid__queue *q);

static inline braid__entry *
queue_push_slot (braid__queue *q)
{
  if (BRAID_UNLIKELY (q->len > q->mask))
    braid__queue_grow (q);
  braid__entry *e = &q->ring[(q->head + q->len) & q->mask];
  q->len++;
  return e;
}

static inline braid__entry *
queue_peek (braid__queue *q)
{
  return &q->ring[q->head];
}

static inline void
queue_drop_head (braid__queue *q)
{
  q->head = (q->head + 1) & q->mask;
  q->len--;
}

/* ------------------------------------------------------------------ */
/* Timers                                                              */

enum
{
  TIMER_IDLE = 0,
  TIMER_ARMED,            /* in the heap */
  TIMER_QUEUED,           /* fired: its entry waits in the ready queue */
  TIMER_CANCELLED_QUEUED, /* cancelled after it fired, entry still queued */
};

struct braid__timer
{
  uint64_t deadline;
  uint64_t seq; /* ties break in arming order */
  braid__timer_fn fn;
  void *data;
  uint64_t id; /* 0 until asked for */
  size_t index;
  braid_loop *loop;
  uint8_t state;
  bool embedded; /* part of a task (sleep): never freed on its own */
};

BRAID_HIDDEN void braid__timer_arm (braid_loop *loop, braid__timer *timer,
                                    uint64_t deadline);
BRAID_HIDDEN void braid__timers_move_due (braid_loop *loop, uint64_t now);
BRAID_HIDDEN void braid__timer_dispatch (braid__timer *timer);
BRAID_HIDDEN void braid__timers_free_all (braid_loop *loop);

/* ------------------------------------------------------------------ */
/* Futures and tasks                                                   */

enum
{
  FUT_PENDING = 0,
  FUT_RESULT,
  FUT_ERROR,
  FUT_CANCELLED,
};

typedef struct braid__callback
{
  braid_done_fn fn; /* NULL: a task waiting (data is the task) */
  void *data;
} braid__callback;

struct braid_future
{
  uint64_t id;
  braid_loop *loop;
  /* After 16 bytes: glibc's free list overwrites the first 16 bytes of a
   * freed block, so a released future still reads 0 here (and magic, below,
   * 0) until its memory is reused, which braid_future_unref checks. */
  int refcount;
  uint8_t state;
  bool is_task;
  bool retrieved;
  bool gathered;
  bool reported;   /* never-retrieved already reported */
  bool close_wait; /* braid__future_set_close_wait */
  /* The runtime's own future behind a wait that names another object
   * (an I/O handle, a primitive, a wait): observers are not told of its
   * creation or completion, only of the wait on that object. */
  bool is_private;
  /* Rule 31: a task that ended by raising its CancelledError hands that
   * error (with its message) to the first reader only (cancel_once); once
   * it has (cancel_handed), readers get a new one with no message. */
  bool cancel_once;
  bool cancel_handed;
  bool owns_result; /* result is a malloc'd block freed with the future */
  uint32_t ncbs;
  uint32_t capcbs;
  uint32_t magic; /* BRAID__MAGIC_FUTURE until freed (braid_future_unref) */
  void *result;
  braid_error *error; /* FUT_ERROR, FUT_CANCELLED */
  /* A cancel_once task's CancelledError with no message, made when a
   * gather with return_exceptions lists it (braid__future_cancel_entry). */
  braid_error *cancel_bare;
  braid__callback *cbs;
  braid__callback inline_cb[1];
  braid__cancel_fn cancel_fn;
  void *cancel_data;
  /* With hooks active: the task whose action completed this future (the
   * running task, or the cause of the callback that completed it), so a
   * wake-up through done callbacks still names who caused it. */
  uint64_t completer;
};

/* For braid__check_object: @f (a future or a task's) was not freed. */
#define FUTURE_ALIVE(f) ((f)->magic == BRAID__MAGIC_FUTURE && (f)->refcount > 0)

enum
{
  WAITK_NONE = 0,
  WAITK_YIELD,
  WAITK_SLEEP,
  WAITK_FUTURE,
};

struct braid_task
{
  braid_future fut; /* first: a task is its future */
  braid__coro co;
  braid_task_fn fn;
  void *arg;
  braid_error *error; /* the task's current error */
  braid_loop *loop;
  const char *fn_name;
  const char *file;
  int line;
  bool started;
  /* The current error was left current across a suspension: it is no
   * longer being handled, so a new raise does not chain it (error.c). */
  bool error_stale;
  bool must_cancel;    /* deliver a CancelledError at the next step */
  bool wake_cancelled; /* its sleep was cancelled: raise on resume */
  bool closing;        /* unwound by braid_loop_close: every await fails */
  /* "Task was destroyed but it is pending!" was reported (rule 41, or
   * rule 28 at loop close): once per task. */
  bool destroyed_reported;
  uint8_t wait_kind;
  uint32_t wait_reason;
  int cancel_requests;
  uint64_t name_num; /* Task-N, or 0 with custom_name */
  char *custom_name;
  char *cancel_msg;
  char *wake_cancel_msg;
  uint64_t cancel_requester;
  uint64_t wait_object;
  braid_future *waiting_on;
  uint64_t parent_id;
  uint64_t parent_num;
  char *parent_name;
  braid__timer sleep_timer;
  braid_task *prev, *next; /* the loop's list of tasks */
  char name_buf[32];
};

static inline braid_task *
future_as_task (braid_future *f)
{
  return (braid_task *)f;
}

BRAID_HIDDEN void braid__future_init (braid_future *f, braid_loop *loop,
                                      uint64_t id, bool is_task);
BRAID_HIDDEN void braid__future_complete (braid_future *f, int state,
                                          void *result, braid_error *error);
BRAID_HIDDEN void braid__future_add_waiter (braid_future *f, braid_task *t);
BRAID_HIDDEN void braid__future_release_cbs (braid_future *f);
BRAID_HIDDEN void braid__future_forget_waiter (braid_future *f, braid_task *t);
BRAID_HIDDEN bool braid__task_cancel_by (braid_task *t, const char *msg);
BRAID_HIDDEN void braid__task_free (braid_task *t);
BRAID_HIDDEN bool braid__task_start (braid_loop *loop, braid_task *t);
BRAID_HIDDEN void braid__task_reap (braid_loop *loop, braid_task *t);
BRAID_HIDDEN void braid__task_detach (braid_task *t);
BRAID_HIDDEN int braid__task_deliver_cancel (braid_task *t);
BRAID_HIDDEN void braid__emit_woken (braid_task *t, braid_task *waker,
                                     uint64_t object)
    __attribute__ ((noinline));
BRAID_HIDDEN void braid__wait_describe (const braid_task *t, char *buf,
                                        size_t size);

extern BRAID_TLS braid_task *braid__tls_task;
extern BRAID_TLS braid_loop *braid__tls_loop;

/* ------------------------------------------------------------------ */
/* Loop                                                                */

/* A non-blocking poll happens at least every BRAID_POLL_EVERY iterations,
 * every BRAID_POLL_WORK ready entries, and once BRAID_POLL_NS passed since
 * the last poll, whichever comes first, at an iteration's start. The clock
 * is not read per entry: it is read when the entries run since the last
 * poll reach `work_check`, which braid__poll_due then moves on by what
 * the entries seen so far say is left until BRAID_POLL_NS (at least 1,
 * at most BRAID_POLL_CHECK entries after a poll that was due by count).
 * So short steps read the clock about once per poll and long steps about
 * once per step. A poll due by count when libuv has nothing that could
 * report is skipped (braid__poll_skip), as the loop would skip it. */
#define BRAID_POLL_EVERY 32
#define BRAID_POLL_WORK 256
#define BRAID_POLL_NS 1000000
#define BRAID_POLL_CHECK 16

struct braid_loop
{
  uv_loop_t uv;
  uv_timer_t wake_timer;
  struct braid__threadsafe *threadsafe; /* call.c */
  braid__coro main_ctx;
  braid__queue queue;
  size_t remaining; /* entries left in the running iteration's snapshot */
  braid__timer **heap;
  size_t nheap, capheap;
  uint64_t timer_seq;
  uint64_t iteration;
  unsigned since_poll;    /* iterations since the last poll */
  size_t work_since_poll; /* entries run since the last poll */
  size_t work_check;      /* braid__poll_due when work_since_poll gets here */
  size_t check_first;     /* work_check after a poll */
  uint64_t last_poll_ns;  /* braid__monotonic_ns at the last poll */
  bool running;
  bool stopping;
  bool ever_ran;
  uint8_t clock;
  uint64_t virtual_now;
  /* Added to the virtual time on event stamps only: the last stamp taken
   * on the monotonic clock when the loop was switched to the virtual one
   * (braid_loop_set_clock), so a trace never goes backwards while the
   * program still sees virtual time start at 0. */
  uint64_t virtual_stamp_base;
  uint64_t slow_step_ns;
  size_t stack_size;
  braid__stack_pool **pools; /* the last one is in use */
  size_t npools;
  braid_task *tasks; /* every task not yet freed or detached */
  size_t ntasks;
  braid_task *finished;   /* a task whose stack the loop must release */
  braid_task *free_tasks; /* freed task memory kept for reuse */
  unsigned nfree_tasks;
  uint64_t id;
  unsigned long owner; /* pthread_self () of the thread that created it */
  /* With hooks active, while a done callback runs: the task that completed
   * the callback's future (0 outside callbacks). Wake-ups the callback
   * causes name it as their waker. */
  uint64_t cause;
  /* The slow-step watchdog (diagnostics.c). */
  uint64_t step_seq; /* bumped at every step (relaxed atomic stores) */
  int in_step;
  int slow_flag; /* SLOW_FLAG_* bits: the suspension's slow path */
  uint64_t slow_seq;
  uint64_t slow_since;
  void *watchdog;
  /* The owner thread's braid__tls_task, read by the watchdog thread to
   * name a step that is still running. */
  braid_task *const *tls_task_addr;
  /* braid_loop_close: unwinding the pending tasks (loop.c). */
  bool closing;
  unsigned close_fails; /* failed awaits of the task being unwound */
  /* Things braid_loop_close closes (braid__loop_add_closer). */
  braid__closer *closers;
  /* Event timestamps (clock.c, braid__event_time): the last time handed
   * to an event (they never go backwards), the counter reading and
   * monotonic time of the last anchor, the calibration's origin, the
   * counter-to-ns multiplier (32 fraction bits; 0 until calibrated) and
   * how many ticks after the anchor the next re-anchoring is due (0: no
   * usable counter, every event reads the monotonic clock). */
  uint64_t ev_last;
  uint64_t ev_anchor_cyc, ev_anchor_ns;
  uint64_t ev_origin_cyc, ev_origin_ns;
  uint64_t ev_mult;
  uint64_t ev_limit;
  /* A shared-reading window is open: ev_last may stamp the next events
   * (braid__event_time_shared). */
  bool ev_held;
  /* The list of loops not yet closed (loop.c, braid__loop_check). */
  braid_loop *live_next;
  /* Where each done callback function was registered, to name it in
   * "braid: error in callback" (diagnostics.c): an open-addressing table
   * keyed by the function, a power of two in size, at most half full. */
  struct braid__callback_site *cb_sites;
  size_t ncb_sites, capcb_sites;
};

/* A done callback's name and registration site (static strings from
 * braid_future_add_done_callback's macro). */
typedef struct braid__callback_site
{
  const void *fn; /* NULL: a free slot */
  const char *name;
  const char *file;
  int line;
} braid__callback_site;

/* Records that @fn, called @name in the program, was registered at
 * @file:@line (the first registration of each function is kept). */
BRAID_HIDDEN void braid__callback_site_note (braid_loop *loop, const void *fn,
                                             const char *name, const char *file,
                                             int line);
/* Prints the name of the callback @fn for "braid: error in callback
 * NAME": its registered name and site, or its symbol, or its address. */
BRAID_HIDDEN void braid__callback_print_name (const braid_loop *loop,
                                              const void *fn, FILE *out);

/* Reports @left, the error the callback @fn left current, as "braid:
 * error in callback NAME: ..." on stderr, and releases it (loop.c). */
BRAID_HIDDEN void braid__callback_report (braid_loop *loop, const void *fn,
                                          braid_error *left);

/* slow_flag bits. */
#define SLOW_FLAG_STEP 1    /* the watchdog flagged the running step */
#define SLOW_FLAG_CLOSING 2 /* the loop is closing: suspensions fail */

/* A task being unwound by braid_loop_close may fail this many awaits in a
 * row (each returns at once) before the close aborts: such a task loops
 * forever on a failing await, a bug in the program. */
#define BRAID_CLOSE_MAX_FAILS 1000

BRAID_HIDDEN uint64_t braid__clock_read (const braid_loop *loop);
BRAID_HIDDEN uint64_t braid__monotonic_ns (void);

/* ------------------------------------------------------------------ */
/* Event timestamps (clock.c)                                          */

/* A free-running counter at a constant rate, when the CPU has one that
 * is cheap to read from user space: the invariant TSC on x86-64, the
 * virtual counter on AArch64. BRAID_HAVE_CYCLES is 0 elsewhere. */
#if defined(__x86_64__)
#define BRAID_HAVE_CYCLES 1
static inline uint64_t
braid__cycles (void)
{
  uint32_t lo, hi;
  __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
  return (uint64_t)hi << 32 | lo;
}
#elif defined(__aarch64__)
#define BRAID_HAVE_CYCLES 1
static inline uint64_t
braid__cycles (void)
{
  uint64_t v;
  __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(v));
  return v;
}
#else
#define BRAID_HAVE_CYCLES 0
static inline uint64_t
braid__cycles (void)
{
  return 0;
}
#endif

/* The slow path of braid__event_time: reads the monotonic clock,
 * re-anchors (and refines) the counter's conversion, and returns the
 * reading (never below loop->ev_last, which it updates). */
BRAID_HIDDEN uint64_t braid__event_time_slow (braid_loop *loop)
    __attribute__ ((noinline, cold));

/* braid__event_time_fast:
 * braid__event_time without its slow path: stores the time in *@ns and
 * returns true, or returns false having changed nothing when the clock
 * must be read (then call braid__event_time). For an emitter whose
 * common path should make no call, so that it saves no registers. */
static inline __attribute__ ((always_inline)) bool
braid__event_time_fast (braid_loop *loop, uint64_t *ns)
{
  if (loop->clock == BRAID_CLOCK_VIRTUAL)
    {
      *ns = loop->virtual_now + loop->virtual_stamp_base;
      return true;
    }
  if (BRAID_HAVE_CYCLES && BRAID_LIKELY (loop->ev_limit != 0))
    {
      /* Unsigned: a counter below the anchor (it cannot go backwards on
       * one thread, but be safe) is a huge delta, hence the slow path. */
      uint64_t d = braid__cycles () - loop->ev_anchor_cyc;
      if (BRAID_LIKELY (d < loop->ev_limit))
        {
          uint64_t t = loop->ev_anchor_ns + ((d * loop->ev_mult) >> 32);
          if (BRAID_UNLIKELY (t < loop->ev_last))
            t = loop->ev_last;
          loop->ev_last = t;
          *ns = t;
          return true;
        }
    }
  return false;
}

/* braid__event_time:
 * The time stamped on an event of @loop (braid-hooks.h, time_ns): the
 * virtual time with the virtual clock; otherwise CLOCK_MONOTONIC as
 * extrapolated from the last anchor by the CPU's counter (a few ns to
 * read instead of a vDSO call), re-anchored on the real clock every
 * millisecond or so, and never below the previous event's time. */
static inline __attribute__ ((always_inline)) uint64_t
braid__event_time (braid_loop *loop)
{
  uint64_t ns;
  if (BRAID_LIKELY (braid__event_time_fast (loop, &ns)))
    return ns;
  return braid__event_time_slow (loop);
}

/* braid__event_time_shared:
 * The time for an event emitted a few instructions after the previous
 * one of the same transition: the previous event's time while a window
 * is open (loop->ev_held: from a task's SUSPENDED or end event to the
 * RESUMED of the task switched to, or among the wake-ups of one
 * completion), a fresh braid__event_time otherwise. */
static inline __attribute__ ((always_inline)) uint64_t
braid__event_time_shared (braid_loop *loop)
{
  if (loop->clock == BRAID_CLOCK_VIRTUAL)
    return loop->virtual_now + loop->virtual_stamp_base;
  if (loop->ev_held)
    return loop->ev_last;
  return braid__event_time (loop);
}
BRAID_HIDDEN void braid__emit_iteration (braid_loop *loop)
    __attribute__ ((noinline));
/* POLL of @loop, which just polled (stamped with loop->last_poll_ns, the
 * reading after it): @blocked ns spent blocked, @jumped when the virtual
 * clock jumped; then, when @begins, the ITERATION_BEGIN that follows at
 * the same reading (the iteration's fields already set). */
BRAID_HIDDEN void braid__emit_poll (braid_loop *loop, uint64_t blocked,
                                    bool jumped, bool begins)
    __attribute__ ((noinline));
/* Called when loop->work_since_poll reached loop->work_check: reads the
 * clock and returns true when a poll is due (BRAID_POLL_WORK entries or
 * BRAID_POLL_NS since the last poll); otherwise sets the next work_check. */
BRAID_HIDDEN bool braid__poll_due (braid_loop *loop);
/* Called when a poll is due by count (BRAID_POLL_EVERY iterations): when
 * libuv has nothing that could report (no active handle or request), the
 * poll would do nothing, so it starts counting afresh, as a poll that
 * found nothing to poll does, and returns true; otherwise it returns
 * false and the loop polls. Lets the task that ends an iteration begin
 * the next without a switch to the loop and back. */
BRAID_HIDDEN bool braid__poll_skip (braid_loop *loop)
    __attribute__ ((noinline));
/* Emits an event of @kind with the fields given, every other field 0,
 * stamped with a fresh braid__event_time (the monotonic clock when @loop
 * is NULL). Closes any shared-reading window. */
BRAID_HIDDEN void braid__emit_simple (braid_loop *loop, braid_event_kind kind,
                                      uint64_t task, uint64_t other,
                                      uint64_t object, int64_t value,
                                      uint32_t reason)
    __attribute__ ((noinline));

/* Sets every field of @ev: @kind and @time_ns, the rest 0 / NULL. Field
 * by field: an initializer `= { 0 }` of the whole struct compiles to a
 * `rep stos`, slower than the few stores an emitter needs. */
static inline __attribute__ ((always_inline)) void
braid__event_init (braid_event *ev, braid_event_kind kind, uint64_t time_ns)
{
  ev->kind = kind;
  ev->reason = 0;
  ev->time_ns = time_ns;
  ev->task = 0;
  ev->other = 0;
  ev->object = 0;
  ev->value = 0;
  ev->line = 0;
  ev->str1 = NULL;
  ev->str2 = NULL;
  ev->str3 = NULL;
  ev->error = NULL;
}

/* Queues the next step of @t, which waited, without reporting the
 * wake-up: braid__task_wake's part, and all of a wake-up that the trace
 * implies (future.c, wake_implied). */
static inline void
braid__task_queue_resume (braid_task *t)
{
  braid__entry *e = queue_push_slot (&t->loop->queue);
  e->kind = ENTRY_RESUME;
  e->a = t;
}

/* Wakes @t, waiting on @object: queues its next step. */
static inline void
braid__task_wake (braid_task *t, braid_task *waker, uint64_t object)
{
  braid__task_queue_resume (t);
  if (BRAID_UNLIKELY (braid__hooks_active))
    braid__emit_woken (t, waker, object);
}

/* Diagnostics (diagnostics.c). */
BRAID_HIDDEN void braid__report_never_retrieved (braid_future *f);
BRAID_HIDDEN void braid__report_destroyed_pending (braid_task *t,
                                                  bool abandoned);
/* Rule 41: called when a reference to the pending @f (a task waiting on a
 * future, or a plain future tasks wait on) was dropped; reports the tasks
 * that nothing can wake any more (diagnostics.c). */
BRAID_HIDDEN void braid__abandoned_check (braid_future *f)
    __attribute__ ((noinline, cold));
BRAID_HIDDEN void braid__report_deadlock (braid_loop *loop);
BRAID_HIDDEN void braid__watchdog_start (braid_loop *loop);
BRAID_HIDDEN void braid__watchdog_stop (braid_loop *loop);
BRAID_HIDDEN void braid__watchdog_check (braid_loop *loop, braid_task *t);
/* The slow path of a suspension, taken when slow_flag is set: reports a
 * slow step, and returns true when @t must not suspend (the loop is
 * closing: the caller's post-suspension path sees must_cancel and fails
 * with the closing CancelledError). */
BRAID_HIDDEN bool braid__suspend_attention (braid_loop *loop, braid_task *t);

#define STEP_SEQ_BUMP(loop)                                                    \
  __atomic_store_n (&(loop)->step_seq, (loop)->step_seq + 1, __ATOMIC_RELAXED)

/* Starts the next iteration from a task's context, when the last one is
 * done: possible when something is ready, the loop is not stopping and no
 * poll is due (the loop's own begin_iteration does the rest). */
static inline __attribute__ ((always_inline)) bool
braid__loop_fast_iteration (braid_loop *loop)
{
  if (loop->queue.len == 0 || loop->stopping)
    return false;
  if (BRAID_UNLIKELY (loop->since_poll + 1 >= BRAID_POLL_EVERY))
    {
      if (!braid__poll_skip (loop))
        return false;
    }
  else if (BRAID_UNLIKELY (loop->work_since_poll >= loop->work_check)
           && braid__poll_due (loop))
    return false;
  else
    loop->since_poll++;
  if (loop->nheap)
    braid__timers_move_due (loop, braid__clock_read (loop));
  loop->iteration++;
  loop->remaining = loop->queue.len;
  loop->work_since_poll += loop->remaining;
  if (BRAID_UNLIKELY (braid__hooks_active))
    braid__emit_iteration (loop);
  return true;
}

/* Picks the next task to switch to directly from a task that suspends
 * or ends: the head of the running iteration (starting a new iteration
 * when the last one is done and no poll is due), if it is a task's step.
 * Pops it and starts it if needed. Returns NULL when the loop must run
 * (a callback or timer is next, a poll is due, the loop stops, or a task
 * could not start). */
static inline __attribute__ ((always_inline)) braid_task *
braid__next_task (braid_loop *loop)
{
  if (BRAID_LIKELY (loop->remaining > 0) || braid__loop_fast_iteration (loop))
    {
      braid__entry *e = queue_peek (&loop->queue);
      if (e->kind != ENTRY_RESUME)
        return NULL;
      braid_task *next = (braid_task *)e->a;
      if (BRAID_UNLIKELY (!next->started) && next->must_cancel)
        return NULL; /* the loop ends it without a stack */
      queue_drop_head (&loop->queue);
      loop->remaining--;
      if (BRAID_UNLIKELY (!next->started) && !braid__task_start (loop, next))
        return NULL;
      STEP_SEQ_BUMP (loop);
      if (BRAID_UNLIKELY (braid__hooks_active))
        braid__emit_resumed (loop, next, true);
      return next;
    }
  return NULL;
}

/* Releases the stack of the task that ended with the last switch. */
static inline void
braid__reap_finished (braid_loop *loop)
{
  if (BRAID_UNLIKELY (loop->finished != NULL))
    {
      braid_task *done = loop->finished;
      loop->finished = NULL;
      braid__task_reap (loop, done);
    }
}

/* Suspends the running task @t: its wake-up must already be arranged
 * (queued, registered on a future or armed on a timer). Switches straight
 * to the next ready task when it can, otherwise to the loop. Returns when
 * @t is resumed. */
static inline __attribute__ ((always_inline)) void
braid__task_suspend (braid_loop *loop, braid_task *t)
{
  if (BRAID_UNLIKELY (__atomic_load_n (&loop->slow_flag, __ATOMIC_RELAXED))
      && braid__suspend_attention (loop, t))
    return;
  braid_task *next = braid__next_task (loop);
  if (next == t)
    goto resumed;
  if (next)
    {
      braid__tls_task = next;
      braid__coro_transfer (&t->co, &next->co);
    }
  else
    {
      /* The loop may block or run callbacks before the next event: no
       * event after this point shares the suspension's reading. */
      loop->ev_held = false;
      if (BRAID_UNLIKELY (braid__hooks_active))
        braid__hooks_flush ();
      braid__tls_task = NULL;
      braid__coro_transfer (&t->co, &loop->main_ctx);
    }
  braid__reap_finished (loop);
resumed:
  /* An error still current after an await was handled and left behind
   * (C has no end of an except block to drop it at): a raise from here
   * on must not chain it as its context. */
  if (BRAID_UNLIKELY (t->error != NULL))
    t->error_stale = true;
}

/* call.c: the public handles (braid_call_soon/later/at) and the
 * thread-safe queue. braid__handle_run is what a public handle queues
 * (a callback or a timer function); braid__handle_dropped drops the
 * loop's reference on a handle whose entry or timer is freed without
 * running (the loop closes).
 * braid__threadsafe_init/close set up and tear down the loop's uv_async
 * (loop.c, braid_loop_new and braid_loop_close). */
BRAID_HIDDEN void braid__handle_run (void *data);
BRAID_HIDDEN void braid__handle_dropped (void *data);
BRAID_HIDDEN int braid__threadsafe_init (braid_loop *loop);
BRAID_HIDDEN void braid__threadsafe_close (braid_loop *loop);

/* Aborts naming @call when @loop is NULL or not a loop that exists (it
 * was closed): checked against the list of open loops, so a closed
 * loop's memory is never read. For the calls on a loop that are rare
 * (close, run, the setters). */
BRAID_HIDDEN void braid__loop_check (const braid_loop *loop, const char *call);

/* Aborts naming @call when @loop is used from a thread other than the
 * one that created it (braid.h: a programming error). */
BRAID_HIDDEN void braid__loop_check_thread (const braid_loop *loop,
                                            const char *call);

/* The allocation helpers (braid__xmalloc, braid__xcalloc, braid__xstrdup)
 * and braid__abort are declared in braid-internal.h: the I/O files use
 * them too. */

#endif /* BRAID_PRIVATE_H */
