/* braid-about.c: the About dialog of braid-viewer.
 *
 * Owns what the dialog says: the program name, braid's version, the
 * application's icon as its logo, the MIT licence, the website and a
 * line on what the viewer is for. GtkAboutDialog (GTK 4.8, no
 * libadwaita) through gtk_show_about_dialog, which keeps one dialog per
 * parent window and hides it on close. The logo is looked up in the icon
 * theme: installed in hicolor (data/), and in the resources' icons/
 * folder, which GtkApplication adds to the theme, so an uninstalled
 * build shows it too.
 */
#include "braid-about.h"

#include <braid/braid-version.h>

void
braid_show_about (GtkWindow *parent)
{
  static const char *const authors[] = { "The braid authors", NULL };
  gtk_show_about_dialog (
      parent, "program-name", "braid viewer", "version", BRAID_VERSION_STRING,
      "logo-icon-name", BRAID_VIEWER_APP_ID, "comments",
      "Shows the timeline of the traces braid records of asynchronous "
      "programs: which task ran when, why it stopped, who woke it up.",
      "website", "https://braidtrace.org/", "website-label", "braidtrace.org",
      "license-type", GTK_LICENSE_MIT_X11, "copyright",
      "© 2026 The braid authors", "authors", authors, NULL);
}

GtkAboutDialog *
braid_find_about (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      GtkWindow *w = g_list_model_get_item (toplevels, i);
      g_object_unref (w); /* the list still holds it */
      if (GTK_IS_ABOUT_DIALOG (w) && gtk_window_get_transient_for (w) == parent)
        return GTK_ABOUT_DIALOG (w);
    }
  return NULL;
}
