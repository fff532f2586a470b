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

/* Records diff-program (BRAID_SAMPLE_diffprog) twice: plainly into
 * *@plain (diffprog-plain.db) and with worker b sleeping after round 1
 * (sleep-at=1) into *@changed (g_free both). FALSE when the program is
 * not built (the test is skipped). */
gboolean vt_record_diff_pair (char **plain, char **changed);

/* Records fetch_urls into *@a and semaphore_bounded into *@b as two
 * processes of one run (one BRAID_TRACE_RUN; g_free both). FALSE when
 * the samples are not built (the test is skipped). */
gboolean vt_record_run_pair (char **a, char **b);

/* Runs braid-render with @argv (NULL-terminated, without the program) and
 * returns its exit status; stores its stderr in @err_out if not NULL. */
int vt_render (const char *const *argv, char **err_out);

/* The pixel at (@x, @y) as 0xRRGGBB; 0xff000000 when outside. */
guint32 vt_pixel (cairo_surface_t *png, int x, int y);
guint32 vt_rgb_hex (braid_timeline_rgb c);
/* The pixels of rows [@y0, @y1) of @png within 2 of 0xRRGGBB @colour per
 * channel (a renderer may round a fractional colour either way). */
guint vt_count_near (cairo_surface_t *png, guint32 colour, int y0, int y1);

/* Whether a line of @text starts with @prefix, contains @middle after
 * it and ends with @suffix. */
gboolean vt_has_line (const char *text, const char *prefix,
                      const char *middle, const char *suffix);

/* Opens @path with the reader; fails the test on error. */
braid_trace *vt_open (const char *path);

/* The index of the task that wrote a line starting with @prefix, or -1. */
int32_t vt_task_writing (const braid_trace *trace, const char *prefix);

/* A scratch directory removed at exit. */
const char *vt_tmpdir (void);
