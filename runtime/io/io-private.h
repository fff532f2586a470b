/* io-private.h: what the I/O files of runtime/ (io-*.c) share.
 *
 * An I/O call suspends the calling task on a braid__io_op: a one-shot
 * completion that a libuv (or libcurl) callback finishes. The op lives on
 * the heap and is reference counted between the waiting task and the
 * callback, so a cancelled task may resume before the callback has run
 * without either side touching freed memory. The callback never writes
 * into the task's stack: it stores its outcome in the op, and the task
 * copies it out after it resumes.
 *
 * Cancellation goes through the future's cancel override
 * (braid__future_set_cancel_fn): the op's cancel function tries to stop
 * the work (uv_cancel, uv_read_stop, curl_multi_remove_handle...). If the
 * work can no longer touch the caller's memory it returns true and the
 * wait ends at once with CancelledError; otherwise (a thread already
 * running the caller's function or filling the caller's buffer) it returns
 * false and the task stays suspended until the completion, which then
 * delivers the CancelledError instead of the result.
 */
#ifndef BRAID_IO_PRIVATE_H
#define BRAID_IO_PRIVATE_H

#include <uv.h>

#include "braid-internal.h"

#define BRAID_IO_HIDDEN __attribute__ ((visibility ("hidden")))

typedef struct braid__io_op braid__io_op;

/* Tries to stop @op's work after a cancellation request. Returns true if
 * the work will not touch the caller's memory any more (the wait then ends
 * now), false to keep the task waiting until braid__io_op_complete. */
typedef bool (*braid__io_cancel_fn) (braid__io_op *op);
/* Frees the structure that embeds @op (its libuv request, buffers). */
typedef void (*braid__io_free_fn) (braid__io_op *op);

struct braid__io_op
{
  braid_future *fut; /* the completer's reference; NULL once finished */
  braid__io_cancel_fn cancel;
  braid__io_free_fn free;
  int refs;         /* the waiting task's and the completer's */
  bool cancelled;   /* a cancellation reached the op */
  bool completed;   /* braid__io_op_complete ran */
  char *cancel_msg; /* kept while a cancellation is deferred */
  int status;       /* 0 or a negative code, set by the completer */
};

/* Sets up @op (zeroed by the caller) on @loop with two references (the
 * task's and the completer's) and a pending future. */
BRAID_IO_HIDDEN void braid__io_op_init (braid__io_op *op, braid_loop *loop,
                                        braid__io_cancel_fn cancel,
                                        braid__io_free_fn free_fn);

/* Suspends the calling task until @op completes or is cancelled; the
 * suspension is reported as @reason on @object_id. Returns 0 when the op
 * completed (read op->status), BRAID_ECANCELLED when the task was
 * cancelled (raised). Does not drop the task's reference. */
BRAID_IO_HIDDEN int braid__io_op_wait (braid__io_op *op,
                                       braid_wait_reason reason,
                                       uint64_t object_id);

/* Called by the completer once: records @status and wakes the task (or
 * delivers a deferred cancellation), then drops the completer's
 * reference. */
BRAID_IO_HIDDEN void braid__io_op_complete (braid__io_op *op, int status);

/* Drops a reference; the last one frees the op through its free
 * function. */
BRAID_IO_HIDDEN void braid__io_op_unref (braid__io_op *op);

/* For a submission that failed synchronously: the completer will never
 * run, so its reference is dropped here (and the future with it). */
BRAID_IO_HIDDEN void braid__io_op_abandon (braid__io_op *op);

/* Raises OSError for the libuv code @status (uv_strerror's text prefixed
 * by @what, the call's name) and returns @status. */
BRAID_IO_HIDDEN int braid__io_raise_uv (int status, const char *what);

/* Reports a new I/O object named printf-style to the hooks; returns its
 * id. */
BRAID_IO_HIDDEN uint64_t braid__io_object_new (braid_loop *loop,
                                               const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* Resolves @host / @service (either may be NULL) on the thread pool for
 * the calling task. On success stores a list to release with
 * uv_freeaddrinfo. Returns 0 or a negative code (raised). */
BRAID_IO_HIDDEN int braid__io_getaddrinfo (const char *host,
                                           const char *service, int socktype,
                                           struct addrinfo **out);

#endif /* BRAID_IO_PRIVATE_H */
