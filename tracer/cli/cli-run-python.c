/* cli-run-python.c: how `braid run` runs a Python program.
 *
 * A CPython program cannot load libbraid-trace as a module of libbraid:
 * it is traced by the braid Python package (python/), whose recorder
 * writes through libbraid-trace. braid run recognises a Python program,
 * `python3 prog.py ARGS` (any python, python3, python3.11... or a path to
 * one) or `prog.py ARGS` (run with the Python braid was built for), and
 * runs `python3 [its options] -m braid -- prog.py ARGS` instead, with the
 * package's directory first on PYTHONPATH: BRAID_PYTHONPATH when set (an
 * uninstalled build: `meson devenv` and the tests set it), else where
 * meson installs it (BRAID_PYTHON_DIR). The module reads the trace's path
 * from BRAID_TRACE, as libbraid-trace does.
 */
#define _GNU_SOURCE
#include "cli.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef BRAID_PYTHON
#define BRAID_PYTHON ""
#endif
#ifndef BRAID_PYTHON_DIR
#define BRAID_PYTHON_DIR ""
#endif

/* Whether the file name @path (a command) is a CPython interpreter:
 * python, python3, python3.11, python3.11d, python3-dbg... */
static bool
is_python (const char *path)
{
  const char *base = strrchr (path, '/');
  base = base ? base + 1 : path;
  if (strncmp (base, "python", 6) != 0)
    return false;
  const char *p = base + 6;
  p += strspn (p, "0123456789.");
  return *p == '\0' || strcmp (p, "d") == 0 || strcmp (p, "m") == 0
         || strcmp (p, "-dbg") == 0;
}

static bool
ends_with (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);
  return n >= m && strcmp (s + n - m, suffix) == 0;
}

/* The directory that holds the braid package, or NULL (said on stderr)
 * when there is none. */
static const char *
package_dir (void)
{
  const char *dir = getenv ("BRAID_PYTHONPATH");
  if (dir == NULL || dir[0] == '\0')
    dir = BRAID_PYTHON_DIR;
  if (dir[0] == '\0')
    {
      fprintf (stderr, "braid: cannot trace a Python program: this braid "
                       "was built without its Python module (python3-dev "
                       "missing, or -Dpython=disabled)\n");
      return NULL;
    }
  char init[4200];
  struct stat st;
  snprintf (init, sizeof init, "%s/braid/__init__.py", dir);
  if (stat (init, &st) != 0)
    {
      fprintf (stderr, "braid: cannot trace a Python program: no braid "
                       "Python package in %s (install braid, or set "
                       "BRAID_PYTHONPATH)\n",
               dir);
      return NULL;
    }
  return dir;
}

/* Whether the interpreter option @opt (e.g. "-W") takes the next word as
 * its value: -W and -X do unless the value is attached (-Wignore). */
static bool
takes_value (const char *opt)
{
  return strcmp (opt, "-W") == 0 || strcmp (opt, "-X") == 0
         || strcmp (opt, "--check-hash-based-pycs") == 0;
}

int
braid__cli_run_python (char **argv, char ***out)
{
  *out = NULL;
  bool interpreter = is_python (argv[0]);
  if (!interpreter && !ends_with (argv[0], ".py"))
    return 0;
  const char *dir = package_dir ();
  if (dir == NULL)
    return -1;
  if (!interpreter && BRAID_PYTHON[0] == '\0')
    {
      fprintf (stderr, "braid: cannot run %s: no Python interpreter is "
                       "known to this braid\n",
               argv[0]);
      return -1;
    }

  size_t argc = 0;
  while (argv[argc] != NULL)
    argc++;
  /* At most: python, -m, braid, --, and every word of argv. */
  char **run = calloc (argc + 5, sizeof *run);
  if (run == NULL || braid__cli_env_list_add ("PYTHONPATH", dir, true) != 0)
    {
      free (run);
      fprintf (stderr, "braid: out of memory\n");
      return -1;
    }
  size_t n = 0, i = 0;
  if (interpreter)
    {
      run[n++] = argv[i++];
      /* The interpreter's own options stay before -m braid; the first
       * word that is not one is the program (or -m MODULE, -c CODE,
       * which braid's module takes as python3 does). */
      while (argv[i] != NULL && argv[i][0] == '-' && argv[i][1] != '\0'
             && strcmp (argv[i], "--") != 0 && strncmp (argv[i], "-m", 2) != 0
             && strncmp (argv[i], "-c", 2) != 0)
        {
          bool value = takes_value (argv[i]);
          run[n++] = argv[i++];
          if (value && argv[i] != NULL)
            run[n++] = argv[i++];
        }
      if (argv[i] != NULL && strcmp (argv[i], "--") == 0)
        i++;
      if (argv[i] != NULL && strcmp (argv[i], "-m") == 0
          && argv[i + 1] != NULL && strcmp (argv[i + 1], "braid") == 0)
        {
          /* Already `python3 -m braid ...`: only the path was missing. */
          while (argv[i] != NULL)
            run[n++] = argv[i++];
          *out = run;
          return 0;
        }
    }
  else
    run[n++] = (char *) BRAID_PYTHON;
  run[n++] = (char *) "-m";
  run[n++] = (char *) "braid";
  if (argv[i] != NULL && argv[i][0] != '-')
    run[n++] = (char *) "--";
  while (argv[i] != NULL)
    run[n++] = argv[i++];
  run[n] = NULL;
  *out = run;
  return 0;
}
