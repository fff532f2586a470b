/* replay.c: runs a fuzz harness (fuzz-batch.c or fuzz-trace.c) over files,
 * without libFuzzer: how every build replays the seed corpus and the
 * regressions (inputs that once crashed) as an ordinary test.
 *
 * Usage: fuzz-<name>-replay PATH... where each PATH is a file or a folder
 * of files (not recursive). Each input goes through the harness's
 * LLVMFuzzerTestOneInput once; a crash or a broken promise aborts, which
 * fails the test. Exits 0 after the last input, 1 when a PATH cannot be
 * read or when no input was found at all.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Runs the harness on the file @path. Returns 0, or 1 if it cannot be
 * read. */
static int
replay_file (const char *path)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    {
      perror (path);
      return 1;
    }
  uint8_t *data = NULL;
  size_t size = 0, cap = 0;
  for (;;)
    {
      if (size == cap)
        {
          cap = cap ? cap * 2 : 65536;
          uint8_t *grown = realloc (data, cap);
          if (grown == NULL)
            {
              fprintf (stderr, "%s: out of memory\n", path);
              free (data);
              fclose (f);
              return 1;
            }
          data = grown;
        }
      size_t n = fread (data + size, 1, cap - size, f);
      size += n;
      if (n == 0)
        break;
    }
  int failed = ferror (f);
  fclose (f);
  if (failed)
    {
      fprintf (stderr, "%s: cannot read\n", path);
      free (data);
      return 1;
    }
  printf ("replay %s (%zu bytes)\n", path, size);
  fflush (stdout);
  LLVMFuzzerTestOneInput (data, size);
  free (data);
  return 0;
}

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Replays every regular file in the folder @dir, in name order. Adds the
 * number replayed to *count. Returns 0 or 1. */
static int
replay_dir (const char *dir, size_t *count)
{
  DIR *d = opendir (dir);
  if (d == NULL)
    {
      perror (dir);
      return 1;
    }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (e->d_name[0] == '.')
        continue;
      if (n == cap)
        {
          cap = cap ? cap * 2 : 64;
          char **grown = realloc (names, cap * sizeof *names);
          if (grown == NULL)
            abort ();
          names = grown;
        }
      size_t len = strlen (dir) + strlen (e->d_name) + 2;
      names[n] = malloc (len);
      if (names[n] == NULL)
        abort ();
      snprintf (names[n++], len, "%s/%s", dir, e->d_name);
    }
  closedir (d);
  qsort (names, n, sizeof *names, cmp_names);
  int failed = 0;
  for (size_t i = 0; i < n; i++)
    {
      struct stat st;
      if (stat (names[i], &st) == 0 && S_ISREG (st.st_mode))
        {
          failed |= replay_file (names[i]);
          (*count)++;
        }
      free (names[i]);
    }
  free (names);
  return failed;
}

int
main (int argc, char **argv)
{
  int failed = 0;
  size_t count = 0;
  for (int i = 1; i < argc; i++)
    {
      struct stat st;
      if (stat (argv[i], &st) != 0)
        {
          perror (argv[i]);
          failed = 1;
        }
      else if (S_ISDIR (st.st_mode))
        failed |= replay_dir (argv[i], &count);
      else
        {
          failed |= replay_file (argv[i]);
          count++;
        }
    }
  printf ("%zu inputs replayed\n", count);
  if (count == 0)
    {
      fprintf (stderr, "no input to replay\n");
      return 1;
    }
  return failed;
}
