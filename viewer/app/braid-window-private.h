/* braid-window-private.h: the BraidWindow struct, shared by the window's
 * files (one concern each: layout, actions, loading, panes, self-test),
 * as GNOME Text Editor splits EditorWindow.
 */
#pragma once

#include "braid-timeline-widget.h"
#include "braid-window.h"
#include "timeline.h"

G_BEGIN_DECLS

/* A search result: a task (its name, function or error matched) or an
 * output line. */
typedef struct braid__search_result
{
  bool is_output;
  size_t index; /* task index, or output index */
} braid__search_result;

/* What braid__window_load_several makes besides the trace: with
 * BRAID_WINDOW_OPEN_COMPARE, the merged steps that differ (sorted) and a
 * one-line verdict; else nothing. */
typedef struct braid__window_several
{
  uint64_t *marked_steps; /* free() */
  size_t n_marked_steps;
  char *verdict; /* g_free() */
} braid__window_several;

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
  GtkWidget *lane_scrollbar;
  GtkWidget *overview; /* BraidOverview: the whole run, under the lanes */
  /* Two traces side by side: the steps that differ, marked on the
   * timeline, and the verdict. */
  braid__window_several compared;
  GtkWidget *side; /* GtkNotebook: details, problems, output */
  GtkWidget *details_label;
  GtkWidget *events_label;
  GtkWidget *problems_list; /* GtkListView */
  GtkWidget *output_list;   /* GtkListView */
  GtkWidget *results_list;  /* GtkListView: search results */
  GArray *search_results;   /* braid__search_result */
  GtkWidget *range_label;   /* statistics of the Shift+dragged range */

  /* Following a trace that is still being written (braid-window-live.c):
   * NULL when the trace shown is not followed; the header bar's live
   * indicator. */
  struct braid__live *live;
  GtkWidget *live_label;

  /* Self-test script state. */
  braid_window_open_mode test_mode; /* the files opened together, or not */
  GFile **test_files;
  int n_test_files;
  int test_index;
  char *test_png;
  char *test_select;
  char *test_show;
  /* The selection the script made, put back for the snapshot. */
  int32_t test_picked_task;
  int64_t test_picked_slice;
  char *test_via; /* NULL, "dialog" or "drop" */
  int test_dialog_polls; /* looks at the Open dialog so far */
  /* Called when a load ends, with NULL or the error shown. */
  void (*loaded_hook) (BraidWindow *self, const char *error);
};

/* braid-window-actions.c */
void braid__window_init_actions (BraidWindow *self);
void braid__window_update_actions (BraidWindow *self);

/* braid-window-loading.c */
void braid__window_show_error (BraidWindow *self, const char *message);
void braid__window_fill_recent (BraidWindow *self);
/* Writes @n with thousands separators ("116,293,785") into @buf. */
char *braid__window_format_count (uint64_t n, char *buf, size_t size);

/* braid-window-several.c: opens the @n @paths and makes one trace of
 * them as @mode says, with @options for each file (its progress callback
 * sees the fraction of all). Returns 0 and a new trace in *@out (and
 * fills @extra), or non-zero with a one-line message in *@error
 * (g_free). */
int braid__window_load_several (char **paths, int n,
                                braid_window_open_mode mode,
                                const braid_trace_load_options *options,
                                braid_trace **out,
                                braid__window_several *extra, char **error);
void braid__window_several_clear (braid__window_several *extra);

/* The title and subtitle for the trace shown. */
void braid__window_set_titles (BraidWindow *self);

/* braid-window-live.c */
typedef struct braid__live braid__live;
/* The load of @path in a worker thread: braid_trace_open, or, when its
 * writer runs, braid_trace_follow, storing the follower in *@follower
 * (NULL otherwise). Returns as braid_trace_open. */
int braid__window_live_load (const char *path,
                             const braid_trace_load_options *options,
                             braid_trace **trace,
                             braid_trace_follower **follower, char **error);
/* Builds the header bar's live indicator (self->live_label). */
GtkWidget *braid__window_live_indicator (BraidWindow *self);
/* After a load: follows the trace shown with @follower (taken; NULL for
 * a trace that is not being written), and shows its liveness. */
void braid__window_live_start (BraidWindow *self,
                               braid_trace_follower *follower);
/* Stops following (the window closes, another trace comes). */
void braid__window_live_stop (BraidWindow *self);

/* braid-window-panes.c */
GtkWidget *braid__window_build_side (BraidWindow *self);
void braid__window_panes_set_trace (BraidWindow *self);
void braid__window_show_details (BraidWindow *self);
/* braid-window-sync.c: rows of the details pane for the primitive that
 * @slice waits on (its fairness, who held it), nothing for another
 * slice; and the self-test's look at a deadlock (the cycle drawn, the
 * details of its first wait). */
void braid__window_describe_primitive (BraidWindow *self, GString *s,
                                       const braid_trace_slice *slice);
void braid__window_check_deadlock (BraidWindow *self);
/* The self-test: selects the first wait robbed of a queue's item or
 * place and prints its Details' primitive and robbery lines as
 * "self-test: robbed details| ..." (nothing when no wait was robbed). */
void braid__window_check_robbed (BraidWindow *self);
/* The self-test's click on an empty point of a lane: at the step where
 * the wait-for graph is largest among the points just before a lane's
 * task began or just after it ended, reports the selection, the details
 * pane and where the graph's arrows are drawn at that instant. FALSE
 * (nothing done) when no such point has a task waiting. */
gboolean braid__window_check_empty_instant (BraidWindow *self);
/* The self-test's look at the wait-for graph under the pointer: shows
 * it at the step where the most tasks wait on a holder (then at the
 * first cycle), reporting its edges and where their arrows are drawn. */
void braid__window_check_wait_graph (BraidWindow *self);
/* "woken by worker1 through Event 3 at step 12", "woken by its timer at
 * step 4": what woke @task for the resumption at or after its slice
 * @slice, or NULL when nothing recorded did (free it). */
char *braid__window_describe_waker (BraidWindow *self, int32_t task,
                                    int64_t slice);
void braid__window_apply_filter (BraidWindow *self, const char *text);
/* Lists in the Search page the tasks whose name, function or error, and
 * the output lines, that contain @text; returns how many matched. */
size_t braid__window_search (BraidWindow *self, const char *text);
void braid__window_show_problems (BraidWindow *self);
/* The statistics of the timeline's selected range as text (free it): its
 * bounds, time per state and per wait reason, marks, and the tasks by
 * time running; a sentence when the range is empty. */
char *braid__window_range_text (BraidWindow *self);
/* Shows them in the Range page. */
void braid__window_show_range (BraidWindow *self);

G_END_DECLS
