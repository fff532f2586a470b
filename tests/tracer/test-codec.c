/* test-codec.c: the packed form of batches (codec.c) gives back every
 * field of every event exactly, extremes included, and stays compact for
 * the common events of a ping-pong. */
#include "trace-test-util.h"

static void
test_extreme_values_round_trip (void)
{
  braid__rec in[] = {
    { .seq = 1, .t = 0, .kind = BRAID_EV_LOOP_CREATED, .object = 1 },
    { .seq = 2,
      .t = INT64_MAX,
      .task = UINT64_MAX,
      .other = UINT64_MAX,
      .object = UINT64_MAX,
      .value = INT64_MIN,
      .kind = BRAID_EV_OUTPUT,
      .reason = UINT32_MAX,
      .line = INT32_MIN,
      .s1 = UINT32_MAX,
      .s2 = 1,
      .s3 = 127 },
    /* Time going backwards, a task id going down, a seq jump. */
    { .seq = 1000000007,
      .t = -5,
      .task = 3,
      .value = INT64_MAX,
      .kind = BRAID_EV_TASK_SUSPENDED,
      .reason = BRAID_WAIT_YIELD,
      .line = INT32_MAX },
    { .seq = 1000000008,
      .t = -5,
      .kind = BRAID_EV_ITERATION_BEGIN,
      .object = 1,
      .value = 1,
      .other = 2 },
    /* After an event without a task, the next difference is from the
     * last task present (3). */
    { .seq = 1000000009, .t = 10, .task = 4, .kind = BRAID_EV_TASK_RESUMED },
    { .seq = 1000000010,
      .t = 11,
      .task = 1,
      .line = -1,
      .kind = BRAID_EV_OBSERVER_WAIT },
  };
  size_t n = G_N_ELEMENTS (in);
  uint8_t buf[G_N_ELEMENTS (in) * BRAID__MAX_ENCODED_REC];
  braid__enc_state st = { 0 };
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    {
      size_t k = braid__batch_encode (buf + len, &st, &in[i]);
      g_assert_cmpuint (k, <=, BRAID__MAX_ENCODED_REC);
      len += k;
    }
  braid__rec out[G_N_ELEMENTS (in)];
  g_assert_cmpuint (braid__batch_decode (buf, len, n, out), ==, n);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpmem (&in[i], sizeof in[i], &out[i], sizeof out[i]);
  /* One event too many or too few announced: refused. */
  g_assert_cmpuint (braid__batch_decode (buf, len, n - 1, out), ==, (size_t)-1);
  braid__rec more[G_N_ELEMENTS (in) + 1];
  g_assert_cmpuint (braid__batch_decode (buf, len, n + 1, more), ==,
                    (size_t)-1);
  /* Cut anywhere inside: refused, never read past the end. */
  for (size_t cut = 1; cut < len; cut++)
    {
      uint8_t *copy = g_memdup2 (buf, cut);
      size_t got = braid__batch_decode (copy, cut, n, out);
      g_assert_true (got == (size_t)-1);
      g_free (copy);
    }
}

static void
test_ping_pong_events_take_a_few_bytes (void)
{
  braid__enc_state st = { 0 };
  uint8_t buf[BRAID__MAX_ENCODED_REC * 4];
  size_t len = 0;
  uint64_t seq = 0;
  int64_t t = 0;
  for (int i = 0; i < 1000; i++)
    {
      uint64_t task = 1 + (uint64_t)(i & 1);
      braid__rec r[3] = {
        { .seq = ++seq,
          .t = t += 90,
          .task = task,
          .kind = BRAID_EV_TASK_RESUMED },
        { .seq = ++seq,
          .t = t += 40,
          .task = task,
          .kind = BRAID_EV_TASK_SUSPENDED,
          .reason = BRAID_WAIT_YIELD },
        { .seq = ++seq,
          .t = t += 5,
          .task = task,
          .other = task,
          .kind = BRAID_EV_TASK_WOKEN,
          .reason = BRAID_WAIT_YIELD },
      };
      len = 0;
      for (int k = 0; k < 3; k++)
        len += braid__batch_encode (buf + len, &st, &r[k]);
      g_assert_cmpuint (len, <=, 3 * 6);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/codec/extreme-values-round-trip",
                   test_extreme_values_round_trip);
  g_test_add_func ("/tracer/codec/ping-pong-events-take-a-few-bytes",
                   test_ping_pong_events_take_a_few_bytes);
  return g_test_run ();
}
