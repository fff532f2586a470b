/* braid-about.h: the About dialog of braid-viewer (app.about). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The application id, which names the desktop file, the AppStream
 * metadata and the icons too (data/). */
#define BRAID_VIEWER_APP_ID "org.braidtrace.Viewer"

/* braid_show_about:
 * Shows the About dialog (program, version, logo, licence, website),
 * transient for @parent (may be NULL). The dialog is created once per
 * parent and presented again on later calls (gtk_show_about_dialog). */
void braid_show_about (GtkWindow *parent);

/* braid_find_about:
 * The About dialog shown for @parent, or NULL before braid_show_about.
 * Borrowed. For the self-test. */
GtkAboutDialog *braid_find_about (GtkWindow *parent);

G_END_DECLS
