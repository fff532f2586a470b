/* prime_generator.c: the "Async generator" section of "Async programming
 * in Python with asyncio" (seed 002), as samples/python/prime_generator.py:
 * an async generator of primes (braid_agen), consumed like `async for`,
 * runs alongside a task checking email every 2 seconds, both on an
 * explicit loop run until asyncio.wait([prime, email]) completes.
 *
 * As in the Python twin, random.random() is a small linear congruential
 * generator both programs compute alike, and the arguments scale the run
 * down: [n_prime [emails [interval]]], the article's 3000 10 2 by default.
 * The generator's body runs inside print_prime's task: each sleep(0) in
 * is_prime suspends print_prime, letting check_email run, exactly where
 * asyncio would.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <braid/braid.h>

static uint64_t state = 8;

/* next_random: a linear congruential generator in [0, 1). */
static double
next_random (void)
{
  state = (state * 1103515245u + 12345u) % 2147483648u;
  return (double)state / 2147483648.0;
}

/* is_prime: a plain coroutine function, so it runs inline in the task
 * that calls it; each division yields to the loop. Returns 1 or 0, or a
 * negative code when cancelled. */
static int
is_prime (long n)
{
  if (n < 2)
    return 1;
  for (long i = 2; i < n; i++)
    {
      /* allow event_loop to run other coroutine */
      int rc = braid_sleep (0);
      if (rc < 0)
        return rc;
      if (n % i == 0)
        return 0;
    }
  return 1;
}

/* prime_generator: yields the first @arg (a long) primes, as the article
 * counts them (1 included). */
static void
prime_generator (braid_agen *gen, void *arg)
{
  long n_prime = *(long *)arg;
  long counter = 0, n = 0;

  while (counter < n_prime)
    {
      n++;
      /* wait for is_prime to finish */
      int prime = is_prime (n);
      if (prime < 0)
        return;
      if (prime)
        {
          if (braid_agen_yield (gen, (void *)(intptr_t)n) < 0)
            return;
          counter++;
        }
    }
}

typedef struct email_args
{
  long limit;
  double interval;
} email_args;

static void *
check_email (void *arg)
{
  email_args *a = arg;

  for (long i = 0; i < a->limit; i++)
    {
      if (next_random () > 0.8)
        braid_print ("1 new email\n");
      else
        braid_print ("0 new email\n");
      if (braid_sleep (a->interval) < 0)
        return NULL;
    }
  return NULL;
}

/* print_prime: `async for prime in prime_generator(n): print(...)`. */
static void *
print_prime (void *arg)
{
  braid_agen *gen = braid_agen_new (prime_generator, arg);
  void *prime;
  int rc;

  while ((rc = braid_agen_next (gen, &prime)) == 0)
    braid_print ("new prime number found: %ld\n", (long)(intptr_t)prime);
  if (rc == BRAID_ESTOP)
    braid_error_clear (); /* the end of `async for` */
  braid_agen_free (gen);
  return NULL;
}

/* wait_all: asyncio.wait([prime, email]) as a task, the future that
 * run_until_complete runs the loop for (CPython wraps the wait() coroutine
 * in a task too). */
static void *
wait_all (void *arg)
{
  braid_task **tasks = arg;
  bool done[2];

  braid_wait_tasks (tasks, 2, BRAID_NO_TIMEOUT, BRAID_ALL_COMPLETED, done);
  return NULL;
}

/* Parses argument @i of @argv as a number in [@min, @max]. */
static bool
parse_arg (char **argv, int i, double min, double max, double *out)
{
  char *end;

  errno = 0;
  *out = strtod (argv[i], &end);
  if (end == argv[i] || *end != '\0' || errno != 0 || !isfinite (*out)
      || *out < min || *out > max)
    {
      fprintf (stderr,
               "%s: argument %d ('%s') must be a number between %g "
               "and %g\n",
               argv[0], i, argv[i], min, max);
      return false;
    }
  return true;
}

int
main (int argc, char **argv)
{
  long n_prime = 3000;
  email_args email_arg = { 10, 2.0 };
  double v;
  braid_loop *loop;
  braid_task *tasks[2], *waiter;
  int rc;

  if (argc > 4)
    {
      fprintf (stderr, "usage: %s [n_prime [emails [interval]]]\n", argv[0]);
      return 2;
    }
  if (argc > 1)
    {
      if (!parse_arg (argv, 1, 0, 1e6, &v))
        return 2;
      n_prime = (long)v;
    }
  if (argc > 2)
    {
      if (!parse_arg (argv, 2, 0, 1e6, &v))
        return 2;
      email_arg.limit = (long)v;
    }
  if (argc > 3 && !parse_arg (argv, 3, 0, 3600, &email_arg.interval))
    return 2;

  loop = braid_loop_new ();
  if (!loop)
    {
      fprintf (stderr, "%s: cannot create a loop\n", argv[0]);
      return 1;
    }
  tasks[0] = braid_loop_spawn (loop, "prime", print_prime, &n_prime);
  tasks[1] = braid_loop_spawn (loop, "email", check_email, &email_arg);
  waiter = braid_loop_spawn (loop, NULL, wait_all, tasks);
  rc = braid_loop_run_until_complete (loop, braid_task_future (waiter), NULL);
  braid_task_unref (waiter);
  braid_task_unref (tasks[0]);
  braid_task_unref (tasks[1]);
  braid_loop_close (loop);
  if (rc < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
