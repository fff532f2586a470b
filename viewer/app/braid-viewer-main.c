/* braid-viewer-main.c: the braid-viewer program.
 *
 *   braid-viewer [TRACE.braid...]
 *   braid-viewer --run TRACE.braid... (the files of one run, one timeline)
 *   braid-viewer --compare A.braid B.braid (side by side, on loop steps)
 *   braid-viewer --version
 *   braid-viewer --self-test=OUT.png [--select=NAME] TRACE.braid...
 *
 * The options are GOptionEntries of BraidApplication
 * (braid-application.c); the self-test ones are hidden from --help.
 *
 * Exit status: the application's, or with --self-test the script's (0 on
 * success, 1 on failure; see braid-window-selftest.c).
 */
#include "braid-application.h"

int
main (int argc, char **argv)
{
  g_set_application_name ("braid-viewer");
  BraidApplication *app = braid_application_new ();
  int status = g_application_run (G_APPLICATION (app), argc, argv);
  gpointer st = g_object_get_data (G_OBJECT (app), "braid-exit-status");
  if (st)
    status = GPOINTER_TO_INT (st);
  g_object_unref (app);
  return status;
}
