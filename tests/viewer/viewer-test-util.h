/* viewer-test-util.h: helpers shared by the viewer's tests: record a
 * sample's trace on the virtual clock, run braid-render, read pixels.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "timeline.h"

/* The path of a built program named by the environment variable @var
 * (set by tests/viewer/meson.build); skips the test when unset. */
const char *vt_program (const char *var);

/* Runs the sample executable in BRAID_SAMPLE_<name> with BRAID_TRACE and
 * BRAID_CLOCK=virtual and returns the new trace's path (g_free), in a
 * temporary directory. Fails the test if the sample fails. */
char *vt_record_sample (const char *name, const char *const *args);

/* The same for the asyncio twin of sample @name (BRAID_TWIN_<name>), run
 * as `python3 -m braid TWIN.py` with the build's Python module
 * (BRAID_PYTHON, BRAID_PYTHONPATH). Skips the test when the module is not
 * built. */
char *vt_record_twin (const char *name);

/* Runs braid-render with @argv (NULL-terminated, without the program) and
 * returns its exit status; stores its stderr in @err_out if not NULL. */
int vt_render (const char *const *argv, char **err_out);

/* The pixel at (@x, @y) as 0xRRGGBB; 0xff000000 when outside. */
guint32 vt_pixel (cairo_surface_t *png, int x, int y);
guint32 vt_rgb_hex (braid_timeline_rgb c);

/* Opens @path with the reader; fails the test on error. */
braid_trace *vt_open (const char *path);

/* The index of the task that wrote a line starting with @prefix, or -1. */
int32_t vt_task_writing (const braid_trace *trace, const char *prefix);

/* A scratch directory removed at exit. */
const char *vt_tmpdir (void);
