/* braid-line-list.c: BraidLineList, lines made when a row asks for them.
 *
 * Owns nothing but a count and a callback: get_item builds a
 * GtkStringObject for the one row GtkListView binds. Hot path: get_item,
 * called for the visible rows only.
 */
#include "braid-line-list.h"

#include <gtk/gtk.h>

struct _BraidLineList
{
  GObject parent_instance;
  guint n_items;
  BraidLineFunc func;
  gpointer user_data;
};

static GType
line_list_get_item_type (GListModel *list)
{
  return GTK_TYPE_STRING_OBJECT;
}

static guint
line_list_get_n_items (GListModel *list)
{
  return BRAID_LINE_LIST (list)->n_items;
}

static gpointer
line_list_get_item (GListModel *list, guint position)
{
  BraidLineList *self = BRAID_LINE_LIST (list);
  if (position >= self->n_items)
    return NULL;
  char *text = self->func (position, self->user_data);
  GtkStringObject *obj = gtk_string_object_new (text);
  g_free (text);
  return obj;
}

static void
line_list_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = line_list_get_item_type;
  iface->get_n_items = line_list_get_n_items;
  iface->get_item = line_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (BraidLineList, braid_line_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      line_list_iface_init))

static void
braid_line_list_class_init (BraidLineListClass *klass)
{
}

static void
braid_line_list_init (BraidLineList *self)
{
}

BraidLineList *
braid_line_list_new (guint n_items, BraidLineFunc func, gpointer user_data)
{
  BraidLineList *self = g_object_new (BRAID_TYPE_LINE_LIST, NULL);
  self->n_items = n_items;
  self->func = func;
  self->user_data = user_data;
  return self;
}

void
braid_line_list_set_n_items (BraidLineList *self, guint n_items,
                             gboolean all_changed)
{
  g_return_if_fail (BRAID_IS_LINE_LIST (self));
  guint old = self->n_items;
  if (old == n_items && !all_changed)
    return;
  self->n_items = n_items;
  if (all_changed)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, n_items);
  else if (n_items > old)
    g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n_items - old);
  else
    g_list_model_items_changed (G_LIST_MODEL (self), n_items, old - n_items,
                                0);
}
