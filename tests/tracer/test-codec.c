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

/* A direct switch is packed as one TASK_SWITCHED that takes two or three
 * seqs; decoding gives back the plain events it stands for, numbered on
 * from its seq, and the events after it keep their seqs. */
static void
test_switched_expands_into_its_events (void)
{
  braid__rec in[] = {
    { .seq = 1, .t = 10, .task = 1, .kind = BRAID_EV_TASK_RESUMED },
    /* Task 1 yields, task 2 runs in the same iteration: seqs 2, 3. */
    { .seq = 2, .t = 50, .task = 2, .other = 1,
      .kind = BRAID_EV_TASK_SWITCHED, .reason = BRAID_WAIT_YIELD },
    /* Task 2 yields, iteration 5 of loop 7 begins with 2 entries, task 1
     * runs: seqs 4, 5, 6. */
    { .seq = 4, .t = 90, .task = 1, .other = 2, .object = 7, .value = 5,
      .line = 2, .kind = BRAID_EV_TASK_SWITCHED,
      .reason = BRAID_WAIT_YIELD },
    /* Task 1 awaits future 11, task 2 runs: seqs 7, 8. */
    { .seq = 7, .t = 95, .task = 2, .other = 1, .object = 11,
      .kind = BRAID_EV_TASK_SWITCHED, .reason = BRAID_WAIT_FUTURE },
    { .seq = 9, .t = 99, .task = 2, .kind = BRAID_EV_TASK_COMPLETED },
  };
  const braid__rec want[] = {
    { .seq = 1, .t = 10, .task = 1, .kind = BRAID_EV_TASK_RESUMED },
    { .seq = 2, .t = 50, .task = 1, .kind = BRAID_EV_TASK_SUSPENDED,
      .reason = BRAID_WAIT_YIELD },
    { .seq = 3, .t = 50, .task = 2, .kind = BRAID_EV_TASK_RESUMED },
    { .seq = 4, .t = 90, .task = 2, .kind = BRAID_EV_TASK_SUSPENDED,
      .reason = BRAID_WAIT_YIELD },
    { .seq = 5, .t = 90, .other = 2, .object = 7, .value = 5,
      .kind = BRAID_EV_ITERATION_BEGIN },
    { .seq = 6, .t = 90, .task = 1, .kind = BRAID_EV_TASK_RESUMED },
    { .seq = 7, .t = 95, .task = 1, .object = 11,
      .kind = BRAID_EV_TASK_SUSPENDED, .reason = BRAID_WAIT_FUTURE },
    { .seq = 8, .t = 95, .task = 2, .kind = BRAID_EV_TASK_RESUMED },
    { .seq = 9, .t = 99, .task = 2, .kind = BRAID_EV_TASK_COMPLETED },
  };
  size_t n = G_N_ELEMENTS (want);
  uint8_t buf[G_N_ELEMENTS (in) * BRAID__MAX_ENCODED_REC];
  braid__enc_state st = { 0 };
  size_t len = 0;
  for (size_t i = 0; i < G_N_ELEMENTS (in); i++)
    len += braid__batch_encode (buf + len, &st, &in[i]);
  /* The packed seqs follow each other: no seq difference is stored. */
  g_assert_cmpuint (st.seq, ==, 9);
  braid__rec out[G_N_ELEMENTS (want) + 1];
  g_assert_cmpuint (braid__batch_decode (buf, len, n, out), ==, n);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpmem (&want[i], sizeof want[i], &out[i], sizeof out[i]);
  /* A count that cuts a switch in two, or one too many: refused. */
  g_assert_cmpuint (braid__batch_decode (buf, len, n - 2, out), ==,
                    (size_t)-1);
  g_assert_cmpuint (braid__batch_decode (buf, len, n + 1, out), ==,
                    (size_t)-1);
}

/* The writer's path for compact ring records (braid__batch_encode_run)
 * gives the same bytes as braid__batch_encode of the events the records
 * stand for, across the ring's wrap, with every field small, large or
 * absent, and stops at the first record that is not a compact event. */
static void
test_compact_run_encodes_as_events (void)
{
  enum { CAP = 64, N = 5000 };
  braid__slot ring[CAP];
  GRand *rand = g_rand_new_with_seed (15);
  /* Field magnitudes: absent, one byte, two, three, the largest. */
  static const uint32_t sizes[] = { 0, 1, 100, 300, 20000, 3000000,
                                    UINT32_MAX };
#define PICK() sizes[g_rand_int_range (rand, 0, G_N_ELEMENTS (sizes))]
  braid__enc_state run_st = { 0 }, ev_st = { 0 };
  uint8_t *run_buf = g_malloc (N * BRAID__MAX_ENCODED_REC);
  uint8_t *ev_buf = g_malloc (N * BRAID__MAX_ENCODED_REC);
  size_t run_len = 0, ev_len = 0, n = 0;
  uint64_t seq = 0, pos = 17;
  int64_t t = 0;
  while (n < N)
    {
      /* Fill the ring's next stretch, from pos (wrapping), with compact
       * records and now and then a record that ends the run. */
      uint64_t count = (uint64_t)g_rand_int_range (rand, 1, CAP);
      uint64_t limit = pos + count;
      for (uint64_t i = pos; i < limit; i++)
        {
          braid__slot *s = &ring[i & (CAP - 1)];
          uint32_t kind = (uint32_t)g_rand_int_range (
              rand, BRAID_EV_LOOP_CREATED + 1, BRAID_EV_KIND_COUNT);
          if (i + 1 == limit && g_rand_boolean (rand))
            kind = g_rand_boolean (rand) ? BRAID__REC_STRING
                                         : BRAID__SLOT_WIDE;
          s->c.kind = kind;
          s->c.reason = PICK ();
          s->c.dt = PICK ();
          s->c.line = (int32_t)PICK ();
          s->c.task = PICK ();
          s->c.other = PICK ();
          s->c.object = PICK ();
          s->c.value = (int32_t)PICK ();
        }
      uint64_t at = pos;
      size_t events = 0;
      run_len += braid__batch_encode_run (run_buf + run_len, &run_st, ring,
                                          CAP - 1, &at, limit, &events);
      /* The same records, one event at a time. */
      uint64_t i = pos;
      for (; i < limit; i++)
        {
          const braid__slot *s = &ring[i & (CAP - 1)];
          if (s->c.kind <= BRAID_EV_LOOP_CREATED
              || s->c.kind >= BRAID_EV_KIND_COUNT)
            break;
          braid__rec r = { .seq = seq + 1,
                           .t = t + s->c.dt,
                           .task = s->c.task,
                           .other = s->c.other,
                           .object = s->c.object,
                           .value = s->c.value,
                           .kind = s->c.kind,
                           .reason = s->c.reason,
                           .line = s->c.line };
          ev_len += braid__batch_encode (ev_buf + ev_len, &ev_st, &r);
          seq += braid__rec_span (r.kind, r.line);
          t = r.t;
          n++;
        }
      g_assert_cmpuint (at, ==, i);
      g_assert_cmpuint (run_st.seq, ==, ev_st.seq);
      g_assert_cmpint (run_st.t, ==, ev_st.t);
      g_assert_cmpuint (run_st.task, ==, ev_st.task);
      g_assert_cmpuint (run_len, ==, ev_len);
      g_assert_cmpmem (run_buf, run_len, ev_buf, ev_len);
      pos = i == limit ? limit : i + 1;
    }
#undef PICK
  g_free (run_buf);
  g_free (ev_buf);
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/codec/extreme-values-round-trip",
                   test_extreme_values_round_trip);
  g_test_add_func ("/tracer/codec/ping-pong-events-take-a-few-bytes",
                   test_ping_pong_events_take_a_few_bytes);
  g_test_add_func ("/tracer/codec/switched-expands-into-its-events",
                   test_switched_expands_into_its_events);
  g_test_add_func ("/tracer/codec/compact-run-encodes-as-events",
                   test_compact_run_encodes_as_events);
  return g_test_run ();
}
