/* modules.c: loading the modules of BRAID_MODULES (or the build's default
 * module, the tracer) at the first loop creation.
 *
 * A module is a shared object with a braid_module_init symbol
 * (braid-hooks.h). With BRAID_MODULES set, its colon-separated paths are
 * loaded and any that fails is reported on stderr. Unset, the build's
 * default module (BRAID_DEFAULT_MODULE, a file name) is looked for beside
 * the libbraid that is running (dladdr), then in the libdir braid was
 * configured with: an installed braid finds its tracer wherever the prefix
 * is, and no path of a build tree is ever compiled in (an uninstalled
 * build sets BRAID_MODULES: meson devenv, the tests). A default module
 * that cannot be loaded is reported, once, only when the environment
 * variable that asks for it (BRAID_DEFAULT_MODULE_WANTED_BY: BRAID_TRACE)
 * is set; otherwise a program without the tracer runs silently.
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "braid-config.h"
#include "braid-private.h"

/* Loads one module and runs its init. Returns true when it loaded (even if
 * its init failed: that is reported here); false with the reason in
 * @why (of @why_size bytes). */
static bool
load_module (const char *path, char *why, size_t why_size)
{
  void *h = dlopen (path, RTLD_NOW | RTLD_GLOBAL);
  if (!h)
    {
      const char *err = dlerror ();
      snprintf (why, why_size, "%s", err ? err : "dlopen failed");
      return false;
    }
  braid_module_init_fn init
      = (braid_module_init_fn)dlsym (h, BRAID_MODULE_INIT_SYMBOL);
  if (!init)
    {
      snprintf (why, why_size, "%s has no %s", path,
                BRAID_MODULE_INIT_SYMBOL);
      return false;
    }
  int rc = init ();
  if (rc < 0)
    {
      fprintf (stderr, "braid: module %s failed to initialise: %s\n", path,
               braid_strerror (rc));
      braid_error_clear ();
    }
  return true;
}

static void
load_listed (const char *list)
{
  char *copy = braid__xstrdup (list);
  char *save = NULL;
  char why[PATH_MAX + 256];
  for (char *p = strtok_r (copy, ":", &save); p;
       p = strtok_r (NULL, ":", &save))
    if (*p && !load_module (p, why, sizeof why))
      fprintf (stderr, "braid: cannot load module %s: %s\n", p, why);
  free (copy);
}

/* Writes into @buf the folder of the libbraid shared object that is
 * running. Returns false when it is not known (a static link). */
static bool
libbraid_dir (char *buf, size_t size)
{
  Dl_info info;
  if (!dladdr ((void *)braid_hooks_install, &info) || !info.dli_fname
      || !strchr (info.dli_fname, '/'))
    return false;
  const char *slash = strrchr (info.dli_fname, '/');
  size_t n = (size_t)(slash - info.dli_fname);
  if (n + 1 > size)
    return false;
  memcpy (buf, info.dli_fname, n);
  buf[n] = '\0';
  return true;
}

static void
load_default (void)
{
  const char *name = BRAID_DEFAULT_MODULE;
  if (!*name)
    return;
  const char *wanted = getenv (BRAID_DEFAULT_MODULE_WANTED_BY);
  bool report = wanted && *wanted;

  char dirs[2][PATH_MAX];
  int ndirs = 0;
  bool self_known = libbraid_dir (dirs[0], sizeof dirs[0]);
  if (self_known)
    ndirs++;
  if (!self_known || strcmp (dirs[0], BRAID_LIBDIR) != 0)
    snprintf (dirs[ndirs++], sizeof dirs[0], "%s", BRAID_LIBDIR);

  char why[2 * PATH_MAX + 256] = "";
  for (int i = 0; i < ndirs; i++)
    {
      char path[2 * PATH_MAX + 64];
      snprintf (path, sizeof path, "%s/%s", dirs[i], name);
      if (access (path, F_OK) != 0)
        continue;
      if (load_module (path, why, sizeof why))
        return;
      /* Present but unloadable: say why, whatever the other folder has. */
      if (report)
        fprintf (stderr,
                 "braid: %s is set but the tracer %s cannot be loaded: %s\n",
                 BRAID_DEFAULT_MODULE_WANTED_BY, path, why);
      return;
    }
  if (report)
    fprintf (stderr,
             "braid: %s is set but the tracer %s is not installed beside "
             "libbraid (%s) nor in %s; set BRAID_MODULES to its path\n",
             BRAID_DEFAULT_MODULE_WANTED_BY, name,
             self_known ? dirs[0] : "unknown", BRAID_LIBDIR);
}

static void
modules_load (void)
{
  const char *env = getenv ("BRAID_MODULES");
  if (env)
    load_listed (env);
  else
    load_default ();
}

void
braid__modules_load_once (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once (&once, modules_load);
}
