/* braid-window.h: BraidWindow, one trace per window. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BRAID_TYPE_WINDOW (braid_window_get_type ())
G_DECLARE_FINAL_TYPE (BraidWindow, braid_window, BRAID, WINDOW,
                      GtkApplicationWindow)

BraidWindow *braid_window_new (GtkApplication *app);

/* Starts loading @file in a worker thread; the window stays responsive
 * and shows progress. A failure is shown in the window and keeps the
 * previous trace, if any. */
void braid_window_open (BraidWindow *self, GFile *file);

/* Whether a trace is shown or loading. */
gboolean braid_window_is_empty (BraidWindow *self);

/* Runs the self-test script on @files in order (see braid-window-selftest.c)
 * and writes a snapshot of the window to @png; quits the application with
 * the script's status when done. */
void braid_window_run_self_test (BraidWindow *self, GFile **files, int n_files,
                                 const char *png, const char *select_name,
                                 const char *show_page);

G_END_DECLS
