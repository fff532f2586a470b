/* sample-trace-util.h: running a sample program under `braid run` with
 * the virtual clock, for the tests that check real traces. The sample's
 * path comes from the environment variable SAMPLE_<NAME> that
 * tests/tracer/meson.build sets from sample_exes; braid's from BRAID_EXE.
 */
#ifndef SAMPLE_TRACE_UTIL_H
#define SAMPLE_TRACE_UTIL_H

#include <sys/wait.h>

#include "trace-test-util.h"

/* The executable of sample @name, or NULL (the test then skips). */
static inline const char *
sample_exe (const char *name)
{
  char *var = g_ascii_strup (name, -1);
  char *key = g_strconcat ("SAMPLE_", var, NULL);
  const char *exe = g_getenv (key);
  g_free (var);
  g_free (key);
  return exe;
}

/* Runs braid with @args (NULL-terminated, after "braid"); returns its exit
 * status and its stdout in *out (g_free). */
static inline int
run_braid (const char *const *args, char **out)
{
  char **env = g_environ_setenv (g_get_environ (), "BRAID_CLOCK", "virtual",
                                 TRUE);
  char *err = NULL;
  int status = spawn_braid_env (NULL, env, args, out, &err);
  if (err && err[0])
    g_test_message ("stderr: %s", err);
  g_free (err);
  g_strfreev (env);
  return status;
}

/* Traces sample @name into a new file; returns its path (g_free) or NULL
 * when the sample is not built. */
static inline char *
trace_sample (const char *name)
{
  const char *exe = sample_exe (name);
  if (exe == NULL)
    return NULL;
  char *path = test_trace_path ("sample.db");
  char *out = NULL;
  /* SAMPLE_ARGS_<NAME>: the arguments the tests give (sample_args). */
  char *var = g_ascii_strup (name, -1);
  char *key = g_strconcat ("SAMPLE_ARGS_", var, NULL);
  const char *extra = g_getenv (key);
  g_free (var);
  g_free (key);
  const char *args[] = { "run", "-o", path, "--", exe,
                         extra && extra[0] ? extra : NULL, NULL };
  int rc = run_braid (args, &out);
  g_free (out);
  g_assert_cmpint (rc, ==, 0);
  return path;
}

/* Asserts that each of the @n strings of @want (g_free'd here) occurs in
 * @out, a command's output, which is logged with the first one missing. */
static inline void
assert_output_has (const char *out, char **want, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      if (strstr (out, want[i]) == NULL)
        g_test_message ("output:\n%s\nwants: %s", out, want[i]);
      g_assert_nonnull (strstr (out, want[i]));
      g_free (want[i]);
    }
}

#endif /* SAMPLE_TRACE_UTIL_H */
