/* braid-application.h: BraidApplication, the braid-viewer application. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BRAID_TYPE_APPLICATION (braid_application_get_type ())
G_DECLARE_FINAL_TYPE (BraidApplication, braid_application, BRAID, APPLICATION,
                      GtkApplication)

BraidApplication *braid_application_new (void);

G_END_DECLS
