/* test-module.c: a tiny braid module (a shared object loaded through
 * BRAID_MODULES) for test-modules.c. Its braid_module_init installs a hook
 * that logs the kinds of a few events, with the task names they carry;
 * the test reads the log through braid_test_module_log, found with dlsym
 * (modules are loaded RTLD_GLOBAL).
 */
#include <stdio.h>
#include <string.h>

#include <braid/braid-hooks.h>
#include <braid/braid.h>
#include "plain-hook.h"

#define EXPORT __attribute__ ((visibility ("default")))

EXPORT const char *braid_test_module_log (void);
EXPORT int braid_test_module_init_calls (void);
EXPORT int braid_module_init (void);

static char log_text[4096];
static int init_calls;

static void
append (const char *text)
{
  size_t len = strlen (log_text);
  snprintf (log_text + len, sizeof log_text - len, "%s ", text);
}

static void
hook_plain (void *data, const braid_event *ev)
{
  (void)data;
  char buf[128];
  switch (ev->kind)
    {
    case BRAID_EV_LOOP_CREATED:
      append ("loop-created");
      break;
    case BRAID_EV_TASK_CREATED:
      snprintf (buf, sizeof buf, "task-created:%s", ev->str1);
      append (buf);
      break;
    case BRAID_EV_TASK_COMPLETED:
      append ("task-completed");
      break;
    case BRAID_EV_LOOP_CLOSED:
      append ("loop-closed");
      break;
    default:
      break;
    }
}
PLAIN_HOOK (hook, hook_plain)

/* What the hook saw so far. */
EXPORT const char *
braid_test_module_log (void)
{
  return log_text;
}

/* How many times the runtime called braid_module_init. */
EXPORT int
braid_test_module_init_calls (void)
{
  return init_calls;
}

EXPORT int
braid_module_init (void)
{
  init_calls++;
  return braid_hooks_install (hook, NULL);
}
