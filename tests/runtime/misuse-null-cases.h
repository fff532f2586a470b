/* misuse-null-cases.h: every pointer argument of every call in braid.h,
 * given NULL, and what the call must do then (test-misuse.c runs each
 * case in a subprocess of its own).
 *
 * One X (CALL, PARAM, WHERE, EXPECT, NAMED, EXPR) per parameter: CALL is
 * the function and PARAM its parameter as braid.h names them; WHERE is
 * TASK (EXPR runs inside a task of a running loop) or MAIN (on the
 * thread, no loop running); EXPECT is what braid.h promises:
 *   ABORTS       abort with "braid: NAMED: ..." on stderr (a programming
 *                error the API cannot report);
 *   RAISES_EINVAL return BRAID_EINVAL with a ValueError raised by NAMED
 *                (the I/O calls and the combinators, braid.h says so);
 *   RAISES_EINVALSTATE return BRAID_EINVALSTATE, raised by NAMED;
 *   ACCEPTS      NULL is a documented value ("may be NULL", "accepts
 *                NULL"): the call returns normally.
 * EXPR is an int expression making the call with PARAM NULL and every
 * other argument valid (fixtures from test-misuse.c); for RAISES_ cases
 * its value is the call's return code. NAMED is the name the message
 * gives: the call's own, or for a _at function the macro's that wraps it.
 *
 * tests/runtime/check-misuse-table.py compares the (CALL, PARAM) pairs
 * here with the pointer parameters of include/braid/braid.h and fails on
 * any difference, so a new call, or a new pointer parameter, cannot go
 * without its case.
 */

/* A pointer-returning call as an int: 0 when it returned an object, else
 * the code of the error it raised. */
#define PTR_RC(p) ((p) != NULL ? 0 : braid_error_code (braid_error_current ()))

#define MISUSE_NULL_CASES(X)                                                   \
  /* Errors. */                                                                \
  X (braid_raise_at, type, TASK, ACCEPTS, "braid_raise_at",                    \
     braid_raise_at (NULL, "f.c", 1, "fn", "%s", "m"))                         \
  X (braid_raise_at, file, TASK, ACCEPTS, "braid_raise_at",                    \
     braid_raise_at (BRAID_VALUE_ERROR, NULL, 1, "fn", "%s", "m"))             \
  X (braid_raise_at, func, TASK, ACCEPTS, "braid_raise_at",                    \
     braid_raise_at (BRAID_VALUE_ERROR, "f.c", 1, NULL, "%s", "m"))            \
  X (braid_raise_at, fmt, TASK, ACCEPTS, "braid_raise_at", raise_null_fmt ())  \
  X (braid_raise_atv, type, TASK, ACCEPTS, "braid_raise_atv",                  \
     raisev (NULL, "f.c", "fn", "m"))                                          \
  X (braid_raise_atv, file, TASK, ACCEPTS, "braid_raise_atv",                  \
     raisev (BRAID_VALUE_ERROR, NULL, "fn", "m"))                              \
  X (braid_raise_atv, func, TASK, ACCEPTS, "braid_raise_atv",                  \
     raisev (BRAID_VALUE_ERROR, "f.c", NULL, "m"))                             \
  X (braid_raise_atv, fmt, TASK, ACCEPTS, "braid_raise_atv",                   \
     raisev (BRAID_VALUE_ERROR, "f.c", "fn", NULL))                            \
  X (braid_reraise, error, TASK, ABORTS, "braid_reraise",                      \
     braid_reraise (NULL))                                                     \
  X (braid_error_new_at, type, TASK, ACCEPTS, "braid_error_new_at",            \
     error_new_null (0))                                                       \
  X (braid_error_new_at, file, TASK, ACCEPTS, "braid_error_new_at",            \
     error_new_null (1))                                                       \
  X (braid_error_new_at, func, TASK, ACCEPTS, "braid_error_new_at",            \
     error_new_null (2))                                                       \
  X (braid_error_new_at, fmt, TASK, ACCEPTS, "braid_error_new_at",             \
     error_new_null (3))                                                       \
  X (braid_error_set_cause, error, TASK, ABORTS, "braid_error_set_cause",      \
     braid_error_set_cause (NULL, fx_error ()))                                \
  X (braid_error_set_cause, cause, TASK, ACCEPTS, "braid_error_set_cause",     \
     braid_error_set_cause (fx_error (), NULL))                                \
  X (braid_raise_from, error, TASK, ABORTS, "braid_raise_from",                \
     braid_raise_from (NULL, fx_error ()))                                     \
  X (braid_raise_from, cause, TASK, ACCEPTS, "braid_raise_from",               \
     (braid_raise_from (fx_error (), NULL), 0))                                \
  X (braid_error_catch, type, TASK, ACCEPTS, "braid_error_catch",              \
     (braid_error_unref (braid_error_catch (NULL)), 0))                        \
  X (braid_error_ref, error, TASK, ACCEPTS, "braid_error_ref",                 \
     PTR_RC (braid_error_ref (NULL)))                                          \
  X (braid_error_unref, error, TASK, ACCEPTS, "braid_error_unref",             \
     (braid_error_unref (NULL), 0))                                            \
  X (braid_error_is, error, TASK, ACCEPTS, "braid_error_is",                   \
     braid_error_is (NULL, BRAID_EXCEPTION))                                   \
  X (braid_error_is, type, TASK, ACCEPTS, "braid_error_is",                    \
     braid_error_is (fx_error (), NULL))                                       \
  X (braid_error_get_type, error, TASK, ACCEPTS, "braid_error_get_type",       \
     braid_error_get_type (NULL) != NULL)                                      \
  X (braid_error_message, error, TASK, ACCEPTS, "braid_error_message",         \
     braid_error_message (NULL) != NULL)                                       \
  X (braid_error_file, error, TASK, ACCEPTS, "braid_error_file",               \
     braid_error_file (NULL) != NULL)                                          \
  X (braid_error_line, error, TASK, ACCEPTS, "braid_error_line",               \
     braid_error_line (NULL))                                                  \
  X (braid_error_function, error, TASK, ACCEPTS, "braid_error_function",       \
     braid_error_function (NULL) != NULL)                                      \
  X (braid_error_cause, error, TASK, ACCEPTS, "braid_error_cause",             \
     braid_error_cause (NULL) != NULL)                                         \
  X (braid_error_cause_explicit, error, TASK, ACCEPTS,                         \
     "braid_error_cause_explicit", braid_error_cause_explicit (NULL))          \
  X (braid_error_code, error, TASK, ACCEPTS, "braid_error_code",               \
     braid_error_code (NULL))                                                  \
  X (braid_error_print, error, TASK, ACCEPTS, "braid_error_print",             \
     (braid_error_print (NULL, stderr), 0))                                    \
  X (braid_error_print, out, TASK, ABORTS, "braid_error_print",                \
     (braid_error_print (fx_error (), NULL), 0))                               \
  X (braid_error_format, error, TASK, ACCEPTS, "braid_error_format",           \
     braid_error_format (NULL, BRAID_ERROR_REPR) != NULL)                      \
  /* Loops. */                                                                 \
  X (braid_loop_close, loop, MAIN, ABORTS, "braid_loop_close",                 \
     braid_loop_close (NULL))                                                  \
  X (braid_loop_set_clock, loop, MAIN, ABORTS, "braid_loop_set_clock",         \
     braid_loop_set_clock (NULL, BRAID_CLOCK_VIRTUAL))                         \
  X (braid_loop_get_clock, loop, MAIN, ABORTS, "braid_loop_get_clock",         \
     (int)braid_loop_get_clock (NULL))                                         \
  X (braid_loop_set_slow_step_ns, loop, MAIN, ABORTS,                          \
     "braid_loop_set_slow_step_ns",                                            \
     (braid_loop_set_slow_step_ns (NULL, 1), 0))                               \
  X (braid_loop_set_stack_size, loop, MAIN, ABORTS,                            \
     "braid_loop_set_stack_size", braid_loop_set_stack_size (NULL, 65536))     \
  X (braid_loop_now_ns, loop, MAIN, ABORTS, "braid_loop_now_ns",               \
     (int)braid_loop_now_ns (NULL))                                            \
  X (braid_loop_uv, loop, MAIN, ABORTS, "braid_loop_uv",                       \
     braid_loop_uv (NULL) != NULL)                                             \
  X (braid_loop_time, loop, MAIN, ABORTS, "braid_loop_time",                   \
     (int)braid_loop_time (NULL))                                              \
  X (braid_call_soon, loop, TASK, ACCEPTS, "braid_call_soon",                  \
     (braid_handle_unref (braid_call_soon (NULL, noop_callback, NULL)), 0))    \
  X (braid_call_soon, fn, TASK, ABORTS, "braid_call_soon",                     \
     braid_call_soon (NULL, NULL, NULL) != NULL)                               \
  X (braid_call_soon, arg, TASK, ACCEPTS, "braid_call_soon",                   \
     (braid_handle_unref (braid_call_soon (NULL, noop_callback, NULL)), 0))    \
  X (braid_call_later, loop, TASK, ACCEPTS, "braid_call_later",                \
     (braid_handle_unref (braid_call_later (NULL, 0.5, noop_callback,         \
                                           NULL)),                             \
      0))                                                                      \
  X (braid_call_later, fn, TASK, ABORTS, "braid_call_later",                   \
     braid_call_later (NULL, 0.5, NULL, NULL) != NULL)                         \
  X (braid_call_later, arg, TASK, ACCEPTS, "braid_call_later",                 \
     (braid_handle_unref (braid_call_later (NULL, 0.5, noop_callback,         \
                                           NULL)),                             \
      0))                                                                      \
  X (braid_call_at, loop, TASK, ACCEPTS, "braid_call_at",                      \
     (braid_handle_unref (braid_call_at (NULL, 0.5, noop_callback, NULL)), 0)) \
  X (braid_call_at, fn, TASK, ABORTS, "braid_call_at",                         \
     braid_call_at (NULL, 0.5, NULL, NULL) != NULL)                            \
  X (braid_call_at, arg, TASK, ACCEPTS, "braid_call_at",                       \
     (braid_handle_unref (braid_call_at (NULL, 0.5, noop_callback, NULL)), 0)) \
  X (braid_call_soon_threadsafe, loop, TASK, ABORTS,                           \
     "braid_call_soon_threadsafe",                                             \
     braid_call_soon_threadsafe (NULL, noop_callback, NULL) != NULL)           \
  X (braid_call_soon_threadsafe, fn, TASK, ABORTS,                             \
     "braid_call_soon_threadsafe",                                             \
     braid_call_soon_threadsafe (braid_loop_current (), NULL, NULL) != NULL)   \
  X (braid_call_soon_threadsafe, arg, TASK, ACCEPTS,                           \
     "braid_call_soon_threadsafe",                                             \
     (braid_handle_unref (braid_call_soon_threadsafe (                         \
          braid_loop_current (), noop_callback, NULL)),                        \
      0))                                                                      \
  X (braid_handle_cancel, handle, TASK, ABORTS, "braid_handle_cancel",         \
     (braid_handle_cancel (NULL), 0))                                          \
  X (braid_handle_cancelled, handle, TASK, ABORTS, "braid_handle_cancelled",   \
     braid_handle_cancelled (NULL))                                            \
  X (braid_handle_when, handle, TASK, ABORTS, "braid_handle_when",             \
     (int)braid_handle_when (NULL))                                            \
  X (braid_handle_unref, handle, TASK, ACCEPTS, "braid_handle_unref",          \
     (braid_handle_unref (NULL), 0))                                           \
  X (braid_loop_run_until_complete, loop, MAIN, ABORTS,                        \
     "braid_loop_run_until_complete",                                          \
     braid_loop_run_until_complete (NULL, fx_main_future (), NULL))            \
  X (braid_loop_run_until_complete, future, MAIN, ABORTS,                      \
     "braid_loop_run_until_complete",                                          \
     braid_loop_run_until_complete (fx_main_loop (), NULL, NULL))              \
  X (braid_loop_run_until_complete, result, MAIN, ACCEPTS,                     \
     "braid_loop_run_until_complete",                                          \
     braid_loop_run_until_complete (fx_main_loop (), fx_main_future (), NULL)) \
  X (braid_run, main, MAIN, ABORTS, "braid_run", braid_run (NULL, NULL, NULL)) \
  X (braid_run, arg, MAIN, ACCEPTS, "braid_run",                               \
     braid_run (noop_task, NULL, &fx_result))                                  \
  X (braid_run, result, MAIN, ACCEPTS, "braid_run",                            \
     braid_run (noop_task, "arg", NULL))                                       \
  /* Futures. */                                                               \
  X (braid_future_new, loop, TASK, ACCEPTS, "braid_future_new",                \
     (braid_future_unref (braid_future_new (NULL)), 0))                        \
  X (braid_future_ref, future, TASK, ABORTS, "braid_future_ref",               \
     PTR_RC (braid_future_ref (NULL)))                                         \
  X (braid_future_unref, future, TASK, ACCEPTS, "braid_future_unref",          \
     (braid_future_unref (NULL), 0))                                           \
  X (braid_future_id, future, TASK, ABORTS, "braid_future_id",                 \
     (int)braid_future_id (NULL))                                              \
  X (braid_future_done, future, TASK, ABORTS, "braid_future_done",             \
     braid_future_done (NULL))                                                 \
  X (braid_future_cancelled, future, TASK, ABORTS, "braid_future_cancelled",   \
     braid_future_cancelled (NULL))                                            \
  X (braid_future_task, future, TASK, ABORTS, "braid_future_task",             \
     braid_future_task (NULL) != NULL)                                         \
  X (braid_future_set_result, future, TASK, ABORTS, "braid_future_set_result", \
     braid_future_set_result (NULL, NULL))                                     \
  X (braid_future_set_result, result, TASK, ACCEPTS,                           \
     "braid_future_set_result", braid_future_set_result (fx_future (), NULL))  \
  X (braid_future_set_error, future, TASK, ABORTS, "braid_future_set_error",   \
     braid_future_set_error (NULL, fx_error ()))                               \
  X (braid_future_set_error, error, TASK, ABORTS, "braid_future_set_error",    \
     braid_future_set_error (fx_future (), NULL))                              \
  X (braid_future_cancel, future, TASK, ABORTS, "braid_future_cancel",         \
     braid_future_cancel (NULL, "m"))                                          \
  X (braid_future_cancel, msg, TASK, ACCEPTS, "braid_future_cancel",           \
     braid_future_cancel (fx_future (), NULL))                                 \
  X (braid_future_result, future, TASK, ABORTS, "braid_future_result",         \
     braid_future_result (NULL, &fx_result))                                   \
  X (braid_future_result, result, TASK, ACCEPTS, "braid_future_result",        \
     braid_future_result (fx_done_future (), NULL))                            \
  X (braid_future_error, future, TASK, ABORTS, "braid_future_error",           \
     braid_future_error (NULL) != NULL)                                        \
  X (braid_await, future, TASK, ABORTS, "braid_await",                         \
     braid_await (NULL, &fx_result))                                           \
  X (braid_await, result, TASK, ACCEPTS, "braid_await",                        \
     braid_await (fx_done_future (), NULL))                                    \
  X (braid_future_add_done_callback_at, future, TASK, ABORTS,                  \
     "braid_future_add_done_callback",                                         \
     braid_future_add_done_callback (NULL, noop_done, NULL))                   \
  X (braid_future_add_done_callback_at, fn, TASK, ABORTS,                      \
     "braid_future_add_done_callback",                                         \
     braid_future_add_done_callback_at (fx_future (), NULL, NULL, "f", "f.c",  \
                                        1))                                    \
  X (braid_future_add_done_callback_at, data, TASK, ACCEPTS,                   \
     "braid_future_add_done_callback",                                         \
     braid_future_add_done_callback (fx_future (), noop_done, NULL))           \
  X (braid_future_add_done_callback_at, fn_name, TASK, ACCEPTS,                \
     "braid_future_add_done_callback",                                         \
     braid_future_add_done_callback_at (fx_future (), noop_done, "d", NULL,    \
                                        "f.c", 1))                             \
  X (braid_future_add_done_callback_at, file, TASK, ACCEPTS,                   \
     "braid_future_add_done_callback",                                         \
     braid_future_add_done_callback_at (fx_future (), noop_done, "d", "f",     \
                                        NULL, 1))                              \
  X (braid_future_add_done_callback, future, TASK, ABORTS,                     \
     "braid_future_add_done_callback",                                         \
     (braid_future_add_done_callback)(NULL, noop_done, NULL))                  \
  X (braid_future_add_done_callback, fn, TASK, ABORTS,                         \
     "braid_future_add_done_callback",                                         \
     (braid_future_add_done_callback)(fx_future (), NULL, NULL))               \
  X (braid_future_add_done_callback, data, TASK, ACCEPTS,                      \
     "braid_future_add_done_callback",                                         \
     (braid_future_add_done_callback)(fx_future (), noop_done, NULL))          \
  X (braid_future_remove_done_callback, future, TASK, ABORTS,                  \
     "braid_future_remove_done_callback",                                      \
     braid_future_remove_done_callback (NULL, noop_done, NULL))                \
  X (braid_future_remove_done_callback, fn, TASK, ACCEPTS,                     \
     "braid_future_remove_done_callback",                                      \
     braid_future_remove_done_callback (fx_future (), NULL, NULL))             \
  X (braid_future_remove_done_callback, data, TASK, ACCEPTS,                   \
     "braid_future_remove_done_callback",                                      \
     braid_future_remove_done_callback (fx_future (), noop_done, NULL))        \
  /* Tasks. */                                                                 \
  X (braid_spawn_at, loop, TASK, ACCEPTS, "braid_spawn",                       \
     PTR_RC (braid_spawn_at (NULL, "t", noop_task, "noop", NULL, "f.c", 1)))   \
  X (braid_spawn_at, name, TASK, ACCEPTS, "braid_spawn",                       \
     PTR_RC (braid_spawn_at (NULL, NULL, noop_task, "noop", NULL, "f.c", 1)))  \
  X (braid_spawn_at, fn, TASK, ABORTS, "braid_spawn",                          \
     PTR_RC (braid_spawn_at (NULL, "t", NULL, "noop", NULL, "f.c", 1)))        \
  X (braid_spawn_at, fn_name, TASK, ACCEPTS, "braid_spawn",                    \
     spawn_and_await (                                                         \
         braid_spawn_at (NULL, "t", noop_task, NULL, NULL, "f.c", 1)))         \
  X (braid_spawn_at, arg, TASK, ACCEPTS, "braid_spawn",                        \
     spawn_and_await (                                                         \
         braid_spawn_at (NULL, "t", noop_task, "noop", NULL, "f.c", 1)))       \
  X (braid_spawn_at, file, TASK, ACCEPTS, "braid_spawn",                       \
     spawn_and_await (                                                         \
         braid_spawn_at (NULL, "t", noop_task, "noop", NULL, NULL, 1)))        \
  X (braid_task_ref, task, TASK, ABORTS, "braid_task_ref",                     \
     PTR_RC (braid_task_ref (NULL)))                                           \
  X (braid_task_unref, task, TASK, ACCEPTS, "braid_task_unref",                \
     (braid_task_unref (NULL), 0))                                             \
  X (braid_task_future, task, TASK, ABORTS, "braid_task_future",               \
     PTR_RC (braid_task_future (NULL)))                                        \
  X (braid_task_id, task, TASK, ABORTS, "braid_task_id",                       \
     (int)braid_task_id (NULL))                                                \
  X (braid_task_name, task, TASK, ABORTS, "braid_task_name",                   \
     braid_task_name (NULL) != NULL)                                           \
  X (braid_task_done, task, TASK, ABORTS, "braid_task_done",                   \
     braid_task_done (NULL))                                                   \
  X (braid_task_cancelled, task, TASK, ABORTS, "braid_task_cancelled",         \
     braid_task_cancelled (NULL))                                              \
  X (braid_task_cancel, task, TASK, ABORTS, "braid_task_cancel",               \
     braid_task_cancel (NULL, "m"))                                            \
  X (braid_task_cancel, msg, TASK, ACCEPTS, "braid_task_cancel",               \
     braid_task_cancel (fx_task (), NULL))                                     \
  X (braid_task_cancelling, task, TASK, ABORTS, "braid_task_cancelling",       \
     braid_task_cancelling (NULL))                                             \
  X (braid_task_uncancel, task, TASK, ABORTS, "braid_task_uncancel",           \
     braid_task_uncancel (NULL))                                               \
  X (braid_task_result, task, TASK, ABORTS, "braid_task_result",               \
     braid_task_result (NULL, &fx_result))                                     \
  X (braid_task_result, result, TASK, ACCEPTS, "braid_task_result",            \
     braid_task_result (fx_done_task (), NULL))                                \
  X (braid_task_error, task, TASK, ABORTS, "braid_task_error",                 \
     braid_task_error (NULL) != NULL)                                          \
  /* Combinators. */                                                           \
  X (braid_gather_future, futures, TASK, RAISES_EINVAL, "braid_gather_future", \
     PTR_RC (braid_gather_future (NULL, 1, BRAID_GATHER_DEFAULT)))             \
  X (braid_gather, futures, TASK, RAISES_EINVAL, "braid_gather",               \
     braid_gather (NULL, 1, NULL, NULL, BRAID_GATHER_DEFAULT))                 \
  X (braid_gather, results, TASK, ACCEPTS, "braid_gather",                     \
     braid_gather (fx_futures (), 1, NULL, NULL, BRAID_GATHER_DEFAULT))        \
  X (braid_gather, errors, TASK, ACCEPTS, "braid_gather",                      \
     braid_gather (fx_futures (), 1, fx_results, NULL,                         \
                   BRAID_GATHER_RETURN_EXCEPTIONS))                            \
  X (braid_gather_tasks, tasks, TASK, RAISES_EINVAL, "braid_gather_tasks",     \
     braid_gather_tasks (NULL, 1, NULL, NULL, BRAID_GATHER_DEFAULT))           \
  X (braid_gather_tasks, results, TASK, ACCEPTS, "braid_gather_tasks",         \
     braid_gather_tasks (fx_tasks (), 1, NULL, NULL, BRAID_GATHER_DEFAULT))    \
  X (braid_gather_tasks, errors, TASK, ACCEPTS, "braid_gather_tasks",          \
     braid_gather_tasks (fx_tasks (), 1, fx_results, NULL,                     \
                         BRAID_GATHER_RETURN_EXCEPTIONS))                      \
  X (braid_wait, futures, TASK, RAISES_EINVAL, "braid_wait",                   \
     braid_wait (NULL, 1, BRAID_NO_TIMEOUT, BRAID_ALL_COMPLETED, fx_done))     \
  X (braid_wait, done, TASK, ACCEPTS, "braid_wait",                            \
     braid_wait (fx_futures (), 1, BRAID_NO_TIMEOUT, BRAID_ALL_COMPLETED,      \
                 NULL))                                                        \
  X (braid_wait_tasks, tasks, TASK, RAISES_EINVAL, "braid_wait_tasks",         \
     braid_wait_tasks (NULL, 1, BRAID_NO_TIMEOUT, BRAID_ALL_COMPLETED,         \
                       fx_done))                                               \
  X (braid_wait_tasks, done, TASK, ACCEPTS, "braid_wait_tasks",                \
     braid_wait_tasks (fx_tasks (), 1, BRAID_NO_TIMEOUT, BRAID_ALL_COMPLETED,  \
                       NULL))                                                  \
  X (braid_as_completed_new, futures, TASK, RAISES_EINVAL,                     \
     "braid_as_completed_new",                                                 \
     PTR_RC (braid_as_completed_new (NULL, 1, BRAID_NO_TIMEOUT)))              \
  X (braid_as_completed_new_tasks, tasks, TASK, RAISES_EINVAL,                 \
     "braid_as_completed_new_tasks",                                           \
     PTR_RC (braid_as_completed_new_tasks (NULL, 1, BRAID_NO_TIMEOUT)))        \
  X (braid_as_completed_remaining, it, TASK, ACCEPTS,                          \
     "braid_as_completed_remaining", (int)braid_as_completed_remaining (NULL)) \
  X (braid_as_completed_next, it, TASK, RAISES_EINVALSTATE,                    \
     "braid_as_completed_next",                                                \
     braid_as_completed_next (NULL, NULL, &fx_result))                         \
  X (braid_as_completed_next, which, TASK, ACCEPTS, "braid_as_completed_next", \
     braid_as_completed_next (fx_as_completed (), NULL, &fx_result))           \
  X (braid_as_completed_next, result, TASK, ACCEPTS,                           \
     "braid_as_completed_next",                                                \
     braid_as_completed_next (fx_as_completed (), NULL, NULL))                 \
  X (braid_as_completed_free, it, TASK, ACCEPTS, "braid_as_completed_free",    \
     (braid_as_completed_free (NULL), 0))                                      \
  X (braid_wait_for, future, TASK, RAISES_EINVAL, "braid_wait_for",            \
     braid_wait_for (NULL, 1, &fx_result))                                     \
  X (braid_wait_for, result, TASK, ACCEPTS, "braid_wait_for",                  \
     braid_wait_for (fx_done_future (), 1, NULL))                              \
  X (braid_wait_for_call_at, fn, TASK, RAISES_EINVAL, "braid_wait_for_call",  \
     braid_wait_for_call_at (NULL, "noop", NULL, 1, &fx_result, "f.c", 1))     \
  X (braid_wait_for_call_at, fn_name, TASK, ACCEPTS, "braid_wait_for_call",    \
     braid_wait_for_call_at (noop_task, NULL, NULL, 1, &fx_result, "f.c", 1))  \
  X (braid_wait_for_call_at, arg, TASK, ACCEPTS, "braid_wait_for_call",        \
     braid_wait_for_call_at (noop_task, "noop", NULL, BRAID_NO_TIMEOUT,        \
                             &fx_result, "f.c", 1))                            \
  X (braid_wait_for_call_at, result, TASK, ACCEPTS, "braid_wait_for_call",     \
     braid_wait_for_call_at (noop_task, "noop", NULL, 1, NULL, "f.c", 1))      \
  X (braid_wait_for_call_at, file, TASK, ACCEPTS, "braid_wait_for_call",       \
     braid_wait_for_call_at (noop_task, "noop", NULL, 1, &fx_result, NULL, 1)) \
  X (braid_timeout_reschedule, scope, TASK, ACCEPTS,                           \
     "braid_timeout_reschedule", braid_timeout_reschedule (NULL, 1))           \
  X (braid_timeout_expired, scope, TASK, ACCEPTS, "braid_timeout_expired",     \
     braid_timeout_expired (NULL))                                             \
  X (braid_timeout_exit, scope, TASK, ACCEPTS, "braid_timeout_exit",           \
     braid_timeout_exit (NULL, 0))                                             \
  X (braid_shield, future, TASK, RAISES_EINVAL, "braid_shield",                \
     PTR_RC (braid_shield (NULL)))                                             \
  /* Output. */                                                                \
  X (braid_print, fmt, TASK, ABORTS, "braid_print", print_null_fmt (1))        \
  X (braid_printv, fmt, TASK, ABORTS, "braid_printv", print_null_fmt (0))      \
  X (braid_eprint, fmt, TASK, ABORTS, "braid_eprint", print_null_fmt (2))      \
  /* Events. */                                                                \
  X (braid_event_new, loop, TASK, ACCEPTS, "braid_event_new",                  \
     (braid_event_free (braid_event_new (NULL)), 0))                           \
  X (braid_event_free, event, TASK, ACCEPTS, "braid_event_free",               \
     (braid_event_free (NULL), 0))                                             \
  X (braid_event_is_set, event, TASK, ABORTS, "braid_event_is_set",            \
     braid_event_is_set (NULL))                                                \
  X (braid_event_set, event, TASK, ABORTS, "braid_event_set",                  \
     (braid_event_set (NULL), 0))                                              \
  X (braid_event_clear, event, TASK, ABORTS, "braid_event_clear",              \
     (braid_event_clear (NULL), 0))                                            \
  X (braid_event_wait, event, TASK, ABORTS, "braid_event_wait",                \
     braid_event_wait (NULL))                                                  \
  /* Locks. */                                                                 \
  X (braid_lock_new, loop, TASK, ACCEPTS, "braid_lock_new",                    \
     (braid_lock_free (braid_lock_new (NULL)), 0))                             \
  X (braid_lock_free, lock, TASK, ACCEPTS, "braid_lock_free",                  \
     (braid_lock_free (NULL), 0))                                              \
  X (braid_lock_locked, lock, TASK, ABORTS, "braid_lock_locked",               \
     braid_lock_locked (NULL))                                                 \
  X (braid_lock_acquire, lock, TASK, ABORTS, "braid_lock_acquire",             \
     braid_lock_acquire (NULL))                                                \
  X (braid_lock_release, lock, TASK, ABORTS, "braid_lock_release",             \
     braid_lock_release (NULL))                                                \
  /* Semaphores. */                                                            \
  X (braid_semaphore_new, loop, TASK, ACCEPTS, "braid_semaphore_new",          \
     (braid_semaphore_free (braid_semaphore_new (NULL, 1)), 0))                \
  X (braid_bounded_semaphore_new, loop, TASK, ACCEPTS,                         \
     "braid_bounded_semaphore_new",                                            \
     (braid_semaphore_free (braid_bounded_semaphore_new (NULL, 1)), 0))        \
  X (braid_semaphore_free, sem, TASK, ACCEPTS, "braid_semaphore_free",         \
     (braid_semaphore_free (NULL), 0))                                         \
  X (braid_semaphore_locked, sem, TASK, ABORTS, "braid_semaphore_locked",      \
     braid_semaphore_locked (NULL))                                            \
  X (braid_semaphore_value, sem, TASK, ABORTS, "braid_semaphore_value",        \
     braid_semaphore_value (NULL))                                             \
  X (braid_semaphore_acquire, sem, TASK, ABORTS, "braid_semaphore_acquire",    \
     braid_semaphore_acquire (NULL))                                           \
  X (braid_semaphore_release, sem, TASK, ABORTS, "braid_semaphore_release",    \
     braid_semaphore_release (NULL))                                           \
  /* Conditions. */                                                            \
  X (braid_condition_new, loop, TASK, ACCEPTS, "braid_condition_new",          \
     (braid_condition_free (braid_condition_new (NULL, NULL)), 0))             \
  X (braid_condition_new, lock, TASK, ACCEPTS, "braid_condition_new",          \
     (braid_condition_free (braid_condition_new (NULL, NULL)), 0))             \
  X (braid_condition_free, cond, TASK, ACCEPTS, "braid_condition_free",        \
     (braid_condition_free (NULL), 0))                                         \
  X (braid_condition_lock, cond, TASK, ABORTS, "braid_condition_lock",         \
     braid_condition_lock (NULL) != NULL)                                      \
  X (braid_condition_acquire, cond, TASK, ABORTS, "braid_condition_acquire",   \
     braid_condition_acquire (NULL))                                           \
  X (braid_condition_release, cond, TASK, ABORTS, "braid_condition_release",   \
     braid_condition_release (NULL))                                           \
  X (braid_condition_locked, cond, TASK, ABORTS, "braid_condition_locked",     \
     braid_condition_locked (NULL))                                            \
  X (braid_condition_wait, cond, TASK, ABORTS, "braid_condition_wait",         \
     braid_condition_wait (NULL))                                              \
  X (braid_condition_wait_for, cond, TASK, ABORTS, "braid_condition_wait_for", \
     braid_condition_wait_for (NULL, always_true, NULL, &fx_result))           \
  X (braid_condition_wait_for, predicate, TASK, ABORTS,                        \
     "braid_condition_wait_for",                                               \
     braid_condition_wait_for (fx_condition (), NULL, NULL, &fx_result))       \
  X (braid_condition_wait_for, data, TASK, ACCEPTS,                            \
     "braid_condition_wait_for",                                               \
     braid_condition_wait_for (fx_condition (), always_true, NULL,             \
                               &fx_result))                                    \
  X (braid_condition_wait_for, value, TASK, ACCEPTS,                           \
     "braid_condition_wait_for",                                               \
     braid_condition_wait_for (fx_condition (), always_true, NULL, NULL))      \
  X (braid_condition_notify, cond, TASK, ABORTS, "braid_condition_notify",     \
     braid_condition_notify (NULL, 1))                                         \
  X (braid_condition_notify_all, cond, TASK, ABORTS,                           \
     "braid_condition_notify_all", braid_condition_notify_all (NULL))          \
  /* Queues. */                                                                \
  X (braid_queue_new, loop, TASK, ACCEPTS, "braid_queue_new",                  \
     (braid_queue_free (braid_queue_new (NULL, 0, BRAID_QUEUE_FIFO, NULL)),    \
      0))                                                                      \
  X (braid_queue_new, compare, TASK, RAISES_EINVAL, "braid_queue_new",         \
     PTR_RC (braid_queue_new (NULL, 0, BRAID_QUEUE_PRIORITY, NULL)))           \
  X (braid_queue_free, queue, TASK, ACCEPTS, "braid_queue_free",               \
     (braid_queue_free (NULL), 0))                                             \
  X (braid_queue_qsize, queue, TASK, ABORTS, "braid_queue_qsize",              \
     (int)braid_queue_qsize (NULL))                                            \
  X (braid_queue_maxsize, queue, TASK, ABORTS, "braid_queue_maxsize",          \
     (int)braid_queue_maxsize (NULL))                                          \
  X (braid_queue_empty, queue, TASK, ABORTS, "braid_queue_empty",              \
     braid_queue_empty (NULL))                                                 \
  X (braid_queue_full, queue, TASK, ABORTS, "braid_queue_full",                \
     braid_queue_full (NULL))                                                  \
  X (braid_queue_put, queue, TASK, ABORTS, "braid_queue_put",                  \
     braid_queue_put (NULL, "x"))                                              \
  X (braid_queue_put, item, TASK, ACCEPTS, "braid_queue_put",                  \
     braid_queue_put (fx_queue (), NULL))                                      \
  X (braid_queue_get, queue, TASK, ABORTS, "braid_queue_get",                  \
     braid_queue_get (NULL, &fx_result))                                       \
  X (braid_queue_get, item, TASK, ACCEPTS, "braid_queue_get",                  \
     braid_queue_get (fx_full_queue (), NULL))                                 \
  X (braid_queue_put_nowait, queue, TASK, ABORTS, "braid_queue_put_nowait",    \
     braid_queue_put_nowait (NULL, "x"))                                       \
  X (braid_queue_put_nowait, item, TASK, ACCEPTS, "braid_queue_put_nowait",    \
     braid_queue_put_nowait (fx_queue (), NULL))                               \
  X (braid_queue_get_nowait, queue, TASK, ABORTS, "braid_queue_get_nowait",    \
     braid_queue_get_nowait (NULL, &fx_result))                                \
  X (braid_queue_get_nowait, item, TASK, ACCEPTS, "braid_queue_get_nowait",    \
     braid_queue_get_nowait (fx_full_queue (), NULL))                          \
  X (braid_queue_task_done, queue, TASK, ABORTS, "braid_queue_task_done",      \
     braid_queue_task_done (NULL))                                             \
  X (braid_queue_join, queue, TASK, ABORTS, "braid_queue_join",                \
     braid_queue_join (NULL))                                                  \
  /* Task groups. */                                                           \
  X (braid_task_group_spawn_at, group, TASK, ABORTS, "braid_task_group_spawn", \
     PTR_RC (braid_task_group_spawn_at (NULL, "t", noop_task, "noop", NULL,    \
                                        "f.c", 1)))                            \
  X (braid_task_group_spawn_at, name, TASK, ACCEPTS, "braid_task_group_spawn", \
     group_spawn_and_wait (NULL, noop_task, "noop", "f.c"))                    \
  X (braid_task_group_spawn_at, fn, TASK, ABORTS, "braid_task_group_spawn",    \
     group_spawn_and_wait ("t", NULL, "noop", "f.c"))                          \
  X (braid_task_group_spawn_at, fn_name, TASK, ACCEPTS,                        \
     "braid_task_group_spawn",                                                 \
     group_spawn_and_wait ("t", noop_task, NULL, "f.c"))                       \
  X (braid_task_group_spawn_at, arg, TASK, ACCEPTS, "braid_task_group_spawn",  \
     group_spawn_and_wait ("t", noop_task, "noop", "f.c"))                     \
  X (braid_task_group_spawn_at, file, TASK, ACCEPTS, "braid_task_group_spawn", \
     group_spawn_and_wait ("t", noop_task, "noop", NULL))                      \
  X (braid_task_group_wait, group, TASK, ABORTS, "braid_task_group_wait",      \
     braid_task_group_wait (NULL, 0))                                          \
  X (braid_error_group_count, error, TASK, ACCEPTS, "braid_error_group_count", \
     (int)braid_error_group_count (NULL))                                      \
  X (braid_error_group_get, error, TASK, ACCEPTS, "braid_error_group_get",     \
     braid_error_group_get (NULL, 0) != NULL)                                  \
  X (braid_error_group_split, error, TASK, ABORTS, "braid_error_group_split",  \
     braid_error_group_split (NULL, BRAID_VALUE_ERROR, &(braid_error *){ 0 },  \
                              &(braid_error *){ 0 }))                          \
  X (braid_error_group_split, type, TASK, ABORTS, "braid_error_group_split",   \
     braid_error_group_split (fx_error (), NULL, &(braid_error *){ 0 },        \
                              &(braid_error *){ 0 }))                          \
  X (braid_error_group_split, match, TASK, ABORTS, "braid_error_group_split",  \
     braid_error_group_split (fx_error (), BRAID_VALUE_ERROR, NULL,            \
                              &(braid_error *){ 0 }))                          \
  X (braid_error_group_split, rest, TASK, ABORTS, "braid_error_group_split",   \
     braid_error_group_split (fx_error (), BRAID_VALUE_ERROR,                  \
                              &(braid_error *){ 0 }, NULL))                    \
  /* Async generators. */                                                      \
  X (braid_agen_new, fn, TASK, ABORTS, "braid_agen_new",                       \
     PTR_RC (braid_agen_new (NULL, NULL)))                                     \
  X (braid_agen_new, arg, TASK, ACCEPTS, "braid_agen_new",                     \
     (braid_agen_free (braid_agen_new (yield_once, NULL)), 0))                 \
  X (braid_agen_next, gen, TASK, ABORTS, "braid_agen_next",                    \
     braid_agen_next (NULL, &fx_result))                                       \
  X (braid_agen_next, value, TASK, ACCEPTS, "braid_agen_next",                 \
     braid_agen_next (fx_agen (), NULL))                                       \
  X (braid_agen_yield, gen, TASK, ABORTS, "braid_agen_yield",                  \
     braid_agen_yield (NULL, "v"))                                             \
  X (braid_agen_yield, value, TASK, ACCEPTS, "braid_agen_yield",               \
     braid_agen_next (fx_agen (), &fx_result))                                 \
  X (braid_agen_asend, gen, TASK, ABORTS, "braid_agen_asend",                  \
     braid_agen_asend (NULL, NULL, &fx_result))                                \
  X (braid_agen_asend, sent, TASK, ACCEPTS, "braid_agen_asend",                \
     braid_agen_asend (fx_agen (), NULL, &fx_result))                          \
  X (braid_agen_asend, value, TASK, ACCEPTS, "braid_agen_asend",               \
     braid_agen_asend (fx_agen (), NULL, NULL))                                \
  X (braid_agen_athrow, gen, TASK, ABORTS, "braid_agen_athrow",                \
     braid_agen_athrow (NULL, fx_error (), &fx_result))                        \
  X (braid_agen_athrow, error, TASK, ABORTS, "braid_agen_athrow",              \
     braid_agen_athrow (fx_started_agen (), NULL, &fx_result))                 \
  X (braid_agen_athrow, value, TASK, ACCEPTS, "braid_agen_athrow",             \
     (braid_agen_athrow (fx_started_agen (), fx_error (), NULL), 0))           \
  X (braid_agen_yield_recv, gen, TASK, ABORTS, "braid_agen_yield_recv",        \
     braid_agen_yield_recv (NULL, "v", NULL))                                  \
  X (braid_agen_yield_recv, value, TASK, ACCEPTS, "braid_agen_yield_recv",     \
     braid_agen_next (fx_started_agen (), &fx_result))                         \
  X (braid_agen_yield_recv, sent, TASK, ACCEPTS, "braid_agen_yield_recv",      \
     braid_agen_asend (fx_started_agen (), NULL, &fx_result))                  \
  X (braid_agen_close, gen, TASK, ABORTS, "braid_agen_close",                  \
     braid_agen_close (NULL))                                                  \
  X (braid_agen_done, gen, TASK, ABORTS, "braid_agen_done",                    \
     braid_agen_done (NULL))                                                   \
  X (braid_agen_free, gen, TASK, ACCEPTS, "braid_agen_free",                   \
     (braid_agen_free (NULL), 0))                                              \
  /* The thread pool. */                                                       \
  X (braid_to_thread_at, name, TASK, ACCEPTS, "braid_to_thread",               \
     braid_to_thread_at (NULL, noop_thread, NULL, &fx_result))                 \
  X (braid_to_thread_at, fn, TASK, RAISES_EINVAL, "braid_to_thread",           \
     braid_to_thread_at ("f", NULL, NULL, &fx_result))                         \
  X (braid_to_thread_at, arg, TASK, ACCEPTS, "braid_to_thread",                \
     braid_to_thread_at ("f", noop_thread, NULL, &fx_result))                  \
  X (braid_to_thread_at, result, TASK, ACCEPTS, "braid_to_thread",             \
     braid_to_thread_at ("f", noop_thread, NULL, NULL))                        \
  /* Files. */                                                                 \
  X (braid_file_open, path, TASK, RAISES_EINVAL, "braid_file_open",            \
     braid_file_open (NULL, O_RDONLY, 0, &fx_file_out))                        \
  X (braid_file_open, file, TASK, RAISES_EINVAL, "braid_file_open",            \
     braid_file_open ("/dev/null", O_RDONLY, 0, NULL))                         \
  X (braid_file_read, file, TASK, RAISES_EINVAL, "braid_file_read",            \
     (int)braid_file_read (NULL, fx_buf, sizeof fx_buf, 0))                    \
  X (braid_file_read, buf, TASK, RAISES_EINVAL, "braid_file_read",             \
     (int)braid_file_read (fx_file (), NULL, 4, 0))                            \
  X (braid_file_write, file, TASK, RAISES_EINVAL, "braid_file_write",          \
     (int)braid_file_write (NULL, "x", 1, 0))                                  \
  X (braid_file_write, buf, TASK, RAISES_EINVAL, "braid_file_write",           \
     (int)braid_file_write (fx_file (), NULL, 4, 0))                           \
  X (braid_file_close, file, TASK, ACCEPTS, "braid_file_close",                \
     braid_file_close (NULL))                                                  \
  X (braid_fs_stat, path, TASK, RAISES_EINVAL, "braid_fs_stat",                \
     braid_fs_stat (NULL, &fx_stat))                                           \
  X (braid_fs_stat, st, TASK, RAISES_EINVAL, "braid_fs_stat",                  \
     braid_fs_stat ("/dev/null", NULL))                                        \
  X (braid_fs_unlink, path, TASK, RAISES_EINVAL, "braid_fs_unlink",            \
     braid_fs_unlink (NULL))                                                   \
  X (braid_fs_read_file, path, TASK, RAISES_EINVAL, "braid_fs_read_file",      \
     braid_fs_read_file (NULL, &fx_text, NULL))                                \
  X (braid_fs_read_file, data, TASK, RAISES_EINVAL, "braid_fs_read_file",      \
     braid_fs_read_file ("/dev/null", NULL, NULL))                             \
  X (braid_fs_read_file, len, TASK, ACCEPTS, "braid_fs_read_file",             \
     read_dev_null ())                                                         \
  X (braid_fs_write_file, path, TASK, RAISES_EINVAL, "braid_fs_write_file",    \
     braid_fs_write_file (NULL, "x", 1))                                       \
  X (braid_fs_write_file, data, TASK, RAISES_EINVAL, "braid_fs_write_file",    \
     braid_fs_write_file ("/dev/null", NULL, 1))                               \
  /* DNS. */                                                                   \
  X (braid_dns_resolve, host, TASK, RAISES_EINVAL, "braid_dns_resolve",        \
     braid_dns_resolve (NULL, &fx_addresses))                                  \
  X (braid_dns_resolve, addresses, TASK, RAISES_EINVAL, "braid_dns_resolve",   \
     braid_dns_resolve ("127.0.0.1", NULL))                                    \
  X (braid_dns_free, addresses, TASK, ACCEPTS, "braid_dns_free",               \
     (braid_dns_free (NULL), 0))                                               \
  /* TCP. */                                                                   \
  X (braid_tcp_connect, host, TASK, RAISES_EINVAL, "braid_tcp_connect",        \
     braid_tcp_connect (NULL, 80, &fx_stream_out))                             \
  X (braid_tcp_connect, stream, TASK, RAISES_EINVAL, "braid_tcp_connect",      \
     braid_tcp_connect ("127.0.0.1", 80, NULL))                                \
  X (braid_stream_read, stream, TASK, RAISES_EINVAL, "braid_stream_read",      \
     (int)braid_stream_read (NULL, fx_buf, sizeof fx_buf))                     \
  X (braid_stream_read, buf, TASK, RAISES_EINVAL, "braid_stream_read",         \
     (int)braid_stream_read (fx_stream (), NULL, 4))                           \
  X (braid_stream_read_exactly, stream, TASK, RAISES_EINVAL,                   \
     "braid_stream_read_exactly", braid_stream_read_exactly (NULL, fx_buf, 4)) \
  X (braid_stream_read_exactly, buf, TASK, RAISES_EINVAL,                      \
     "braid_stream_read_exactly",                                              \
     braid_stream_read_exactly (fx_stream (), NULL, 4))                        \
  X (braid_stream_read_until, stream, TASK, RAISES_EINVAL,                     \
     "braid_stream_read_until",                                                \
     (int)braid_stream_read_until (NULL, "\n", 1, fx_buf, sizeof fx_buf))      \
  X (braid_stream_read_until, delim, TASK, RAISES_EINVAL,                      \
     "braid_stream_read_until",                                                \
     (int)braid_stream_read_until (fx_stream (), NULL, 1, fx_buf,              \
                                   sizeof fx_buf))                             \
  X (braid_stream_read_until, buf, TASK, RAISES_EINVAL,                        \
     "braid_stream_read_until",                                                \
     (int)braid_stream_read_until (fx_stream (), "\n", 1, NULL, 4))            \
  X (braid_stream_read_line, stream, TASK, RAISES_EINVAL,                      \
     "braid_stream_read_line",                                                 \
     (int)braid_stream_read_line (NULL, fx_buf, sizeof fx_buf))                \
  X (braid_stream_read_line, buf, TASK, RAISES_EINVAL,                         \
     "braid_stream_read_line",                                                 \
     (int)braid_stream_read_line (fx_stream (), NULL, 4))                      \
  X (braid_stream_write, stream, TASK, RAISES_EINVAL, "braid_stream_write",    \
     braid_stream_write (NULL, "x", 1))                                        \
  X (braid_stream_write, data, TASK, RAISES_EINVAL, "braid_stream_write",      \
     braid_stream_write (fx_stream (), NULL, 1))                               \
  X (braid_stream_write_str, stream, TASK, RAISES_EINVAL,                      \
     "braid_stream_write_str", braid_stream_write_str (NULL, "x"))             \
  X (braid_stream_write_str, text, TASK, RAISES_EINVAL,                        \
     "braid_stream_write_str", braid_stream_write_str (fx_stream (), NULL))    \
  X (braid_stream_shutdown, stream, TASK, RAISES_EINVAL,                       \
     "braid_stream_shutdown", braid_stream_shutdown (NULL))                    \
  X (braid_stream_close, stream, TASK, ACCEPTS, "braid_stream_close",          \
     (braid_stream_close (NULL), 0))                                           \
  X (braid_stream_id, stream, TASK, ACCEPTS, "braid_stream_id",                \
     (int)braid_stream_id (NULL))                                              \
  X (braid_tcp_listen, host, TASK, RAISES_EINVAL, "braid_tcp_listen",          \
     braid_tcp_listen (NULL, 0, &fx_server_out))                               \
  X (braid_tcp_listen, server, TASK, RAISES_EINVAL, "braid_tcp_listen",        \
     braid_tcp_listen ("127.0.0.1", 0, NULL))                                  \
  X (braid_tcp_serve_at, host, TASK, RAISES_EINVAL, "braid_tcp_listen",        \
     braid_tcp_serve_at (NULL, 0, noop_handler, "h", NULL, &fx_server_out,     \
                         "f.c", 1))                                            \
  X (braid_tcp_serve_at, handler, TASK, RAISES_EINVAL, "braid_tcp_serve",      \
     braid_tcp_serve_at ("127.0.0.1", 0, NULL, "h", NULL, &fx_server_out,      \
                         "f.c", 1))                                            \
  X (braid_tcp_serve_at, handler_name, TASK, ACCEPTS, "braid_tcp_serve",       \
     serve_and_close (NULL, "f.c"))                                            \
  X (braid_tcp_serve_at, arg, TASK, ACCEPTS, "braid_tcp_serve",                \
     serve_and_close ("h", "f.c"))                                             \
  X (braid_tcp_serve_at, server, TASK, RAISES_EINVAL, "braid_tcp_listen",      \
     braid_tcp_serve_at ("127.0.0.1", 0, noop_handler, "h", NULL, NULL, "f.c", \
                         1))                                                   \
  X (braid_tcp_serve_at, file, TASK, ACCEPTS, "braid_tcp_serve",               \
     serve_and_close ("h", NULL))                                              \
  X (braid_tcp_accept, server, TASK, RAISES_EINVAL, "braid_tcp_accept",        \
     braid_tcp_accept (NULL, &fx_stream_out))                                  \
  X (braid_tcp_accept, stream, TASK, RAISES_EINVAL, "braid_tcp_accept",        \
     braid_tcp_accept (fx_server (), NULL))                                    \
  X (braid_tcp_server_port, server, TASK, ACCEPTS, "braid_tcp_server_port",    \
     braid_tcp_server_port (NULL))                                             \
  X (braid_tcp_server_close, server, TASK, ACCEPTS, "braid_tcp_server_close",  \
     (braid_tcp_server_close (NULL), 0))                                       \
  /* HTTP. */                                                                  \
  X (braid_http_client_set_protocols, client, TASK, ABORTS,                    \
     "braid_http_client_set_protocols",                                        \
     braid_http_client_set_protocols (NULL, "http"))                           \
  X (braid_http_client_set_protocols, protocols, TASK, ACCEPTS,                \
     "braid_http_client_set_protocols",                                        \
     braid_http_client_set_protocols (fx_client (), NULL))                     \
  X (braid_http_client_set_max_redirects, client, TASK, ABORTS,                \
     "braid_http_client_set_max_redirects",                                    \
     braid_http_client_set_max_redirects (NULL, 1))                            \
  X (braid_http_client_set_timeouts, client, TASK, ABORTS,                     \
     "braid_http_client_set_timeouts",                                         \
     braid_http_client_set_timeouts (NULL, 1, 1))                              \
  X (braid_http_client_close, client, TASK, ACCEPTS,                           \
     "braid_http_client_close", (braid_http_client_close (NULL), 0))           \
  X (braid_http_client_request, client, TASK, RAISES_EINVAL,                   \
     "braid_http_client_request",                                              \
     braid_http_client_request (NULL, &fx_request, &fx_response))              \
  X (braid_http_client_request, request, TASK, RAISES_EINVAL,                  \
     "braid_http_client_request",                                              \
     braid_http_client_request (fx_client (), NULL, &fx_response))             \
  X (braid_http_client_request, response, TASK, RAISES_EINVAL,                 \
     "braid_http_client_request",                                              \
     braid_http_client_request (fx_client (), &fx_request, NULL))              \
  X (braid_http_client_get, client, TASK, RAISES_EINVAL,                       \
     "braid_http_client_request",                                              \
     braid_http_client_get (NULL, "http://127.0.0.1:1/", &fx_response))        \
  X (braid_http_client_get, url, TASK, RAISES_EINVAL,                          \
     "braid_http_client_request",                                              \
     braid_http_client_get (fx_client (), NULL, &fx_response))                 \
  X (braid_http_client_get, response, TASK, RAISES_EINVAL,                     \
     "braid_http_client_request",                                              \
     braid_http_client_get (fx_client (), "http://127.0.0.1:1/", NULL))        \
  X (braid_http_get, url, TASK, RAISES_EINVAL, "braid_http_get",               \
     braid_http_get (NULL, &fx_response))                                      \
  X (braid_http_get, response, TASK, RAISES_EINVAL, "braid_http_get",          \
     braid_http_get ("http://127.0.0.1:1/", NULL))                             \
  X (braid_http_response_header, response, TASK, ACCEPTS,                      \
     "braid_http_response_header",                                             \
     braid_http_response_header (NULL, "a") != NULL)                           \
  X (braid_http_response_header, name, TASK, ACCEPTS,                          \
     "braid_http_response_header",                                             \
     braid_http_response_header (&fx_response, NULL) != NULL)                  \
  X (braid_http_response_clear, response, TASK, ACCEPTS,                       \
     "braid_http_response_clear", (braid_http_response_clear (NULL), 0))
