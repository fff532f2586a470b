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

/* How braid_window_open_several shows its files. */
typedef enum braid_window_open_mode
{
  BRAID_WINDOW_OPEN_ONE = 0, /* a single file (braid_window_open) */
  BRAID_WINDOW_OPEN_RUN = 1, /* the files of one run: one timeline, a
                                process group of lanes per file */
  BRAID_WINDOW_OPEN_COMPARE = 2, /* two traces side by side, lined up on
                                    the step axis, the steps that differ
                                    marked */
} braid_window_open_mode;

/* Starts loading the @n_files @files together, as @mode says, as
 * braid_window_open loads one. Files that cannot go together (different
 * runs; with BRAID_WINDOW_OPEN_COMPARE, other than two files or two
 * different programs) are a failure shown in the window. */
void braid_window_open_several (BraidWindow *self, GFile **files,
                                int n_files, braid_window_open_mode mode);

/* Whether a trace is shown or loading. */
gboolean braid_window_is_empty (BraidWindow *self);

/* Runs the self-test script on @files in order (see braid-window-selftest.c)
 * and writes a snapshot of the window to @png; quits the application with
 * the script's status when done. */
void braid_window_run_self_test (BraidWindow *self, GFile **files, int n_files,
                                 const char *png, const char *select_name,
                                 const char *show_page);
/* The same, opening @files together as @mode says. */
void braid_window_run_self_test_several (BraidWindow *self, GFile **files,
                                         int n_files,
                                         braid_window_open_mode mode,
                                         const char *png,
                                         const char *select_name,
                                         const char *show_page);
/* Before braid_window_run_self_test_several: its files are opened as a
 * user would, @via "dialog" (chosen in the Open dialog) or "drop"
 * (dropped on the window as a file list). */
void braid_window_set_self_test_via (BraidWindow *self, const char *via);

G_END_DECLS
