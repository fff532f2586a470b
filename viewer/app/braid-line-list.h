/* braid-line-list.h: BraidLineList, a GListModel of text lines made on
 * demand, so a list of a million output lines costs no memory until rows
 * are shown.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BRAID_TYPE_LINE_LIST (braid_line_list_get_type ())
G_DECLARE_FINAL_TYPE (BraidLineList, braid_line_list, BRAID, LINE_LIST, GObject)

/* Returns the text of line @index, newly allocated (g_free). */
typedef char *(*BraidLineFunc) (guint index, gpointer user_data);

/* A list of @n_items lines whose items are GtkStringObjects made by
 * @func. @user_data must outlive the list. */
BraidLineList *braid_line_list_new (guint n_items, BraidLineFunc func,
                                    gpointer user_data);

/* Makes the list @n_items long (a live trace grew): with @all_changed
 * every line may have changed (problems, sorted by time), else the
 * lines kept are the same and the new ones come after them (output). */
void braid_line_list_set_n_items (BraidLineList *self, guint n_items,
                                  gboolean all_changed);

G_END_DECLS
