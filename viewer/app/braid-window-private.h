/* braid-window-private.h: the BraidWindow struct, shared by the window's
 * files (one concern each: layout, actions, loading, panes, self-test),
 * as GNOME Text Editor splits EditorWindow.
 */
#pragma once

#include "braid-timeline-widget.h"
#include "braid-window.h"
#include "timeline.h"

G_BEGIN_DECLS

struct _BraidWindow
{
  GtkApplicationWindow parent_instance;

  /* The trace shown, owned; the timeline widget borrows the model. */
  braid_trace *trace;
  braid_timeline_model *model;
  GFile *file;

  /* Header bar. */
  GtkWidget *title;
  GtkWidget *subtitle;
  GtkWidget *search_button;

  /* Pages: empty state, loading, trace. */
  GtkWidget *stack;
  GtkWidget *recent_box;
  GtkWidget *progress;
  GtkWidget *progress_label;
  GCancellable *cancellable;
  guint load_generation;

  /* The error banner. */
  GtkWidget *error_revealer;
  GtkWidget *error_label;

  /* The trace page. */
  GtkWidget *search_bar;
  GtkWidget *search_entry;
  GtkWidget *filter_label;
  GtkWidget *timeline;
  GtkWidget *side; /* GtkNotebook: details, problems, output */
  GtkWidget *details_label;
  GtkWidget *events_label;
  GtkWidget *problems_list; /* GtkListView */
  GtkWidget *output_list;   /* GtkListView */

  /* Self-test script state. */
  GFile **test_files;
  int n_test_files;
  int test_index;
  char *test_png;
  char *test_select;
  char *test_show;
  /* Called when a load ends, with NULL or the error shown. */
  void (*loaded_hook) (BraidWindow *self, const char *error);
};

/* braid-window-actions.c */
void braid__window_init_actions (BraidWindow *self);
void braid__window_update_actions (BraidWindow *self);

/* braid-window-loading.c */
void braid__window_show_error (BraidWindow *self, const char *message);
void braid__window_fill_recent (BraidWindow *self);

/* braid-window-panes.c */
GtkWidget *braid__window_build_side (BraidWindow *self);
void braid__window_panes_set_trace (BraidWindow *self);
void braid__window_show_details (BraidWindow *self);
void braid__window_apply_filter (BraidWindow *self, const char *text);
void braid__window_show_problems (BraidWindow *self);

G_END_DECLS
