/* timeline-style.c: colours, the legend and value formatting.
 *
 * Owns the one palette of the timeline: a colour per task state and, for
 * waiting tasks, per wait reason (so "waiting on a lock" and "waiting on a
 * queue" read differently at a glance), a colour and a short name per
 * mark kind, and the legend that explains them. Also the formatting and parsing of axis
 * values shared by the ruler, tooltips and braid-render's --from/--to.
 * Nothing here is hot.
 */
#include "timeline-private.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid-hooks.h>

#define RGB(hex)                                                               \
  ((braid_timeline_rgb){ ((hex) >> 16 & 0xff) / 255.0,                         \
                         ((hex) >> 8 & 0xff) / 255.0, ((hex)&0xff) / 255.0 })

/* Waiting colours by braid_wait_reason: distinct hues, lighter than the
 * running green so that activity stands out. */
static const uint32_t wait_colors[BRAID_WAIT_REASON_COUNT] = {
  [BRAID_WAIT_NONE] = 0xc0bfbc,      /* grey */
  [BRAID_WAIT_YIELD] = 0xdeddda,     /* light grey: a bare yield */
  [BRAID_WAIT_SLEEP] = 0x99c1f1,     /* light blue */
  [BRAID_WAIT_TASK] = 0xc061cb,      /* purple */
  [BRAID_WAIT_FUTURE] = 0xf0a8e8,    /* pink */
  [BRAID_WAIT_GATHER] = 0x7d5cc6,    /* violet */
  [BRAID_WAIT_WAIT] = 0xb5835a,      /* brown */
  [BRAID_WAIT_EVENT] = 0xffa348,     /* orange */
  [BRAID_WAIT_LOCK] = 0xe66100,      /* dark orange */
  [BRAID_WAIT_SEMAPHORE] = 0xcd9309, /* ochre */
  [BRAID_WAIT_CONDITION] = 0xf9a3a3, /* salmon */
  [BRAID_WAIT_QUEUE] = 0x5bc8af,     /* teal */
  [BRAID_WAIT_IO] = 0x3584e4,        /* blue */
  [BRAID_WAIT_THREAD] = 0x1a5fb4,    /* dark blue */
  [BRAID_WAIT_OTHER] = 0x9a9996,     /* dark grey */
};

#define RUNNING_COLOR 0x26a269 /* green */
#define READY_COLOR 0xf6d32d   /* yellow */

braid_timeline_rgb
braid_timeline_state_color (braid_trace_state state, uint32_t reason)
{
  switch (state)
    {
    case BRAID_STATE_RUNNING:
      return RGB (RUNNING_COLOR);
    case BRAID_STATE_READY:
      return RGB (READY_COLOR);
    case BRAID_STATE_WAITING:
    default:
      if (reason >= BRAID_WAIT_REASON_COUNT)
        reason = BRAID_WAIT_OTHER;
      return RGB (wait_colors[reason]);
    }
}

braid_timeline_rgb
braid_timeline_mark_color (braid_trace_mark_kind kind)
{
  switch (kind)
    {
    case BRAID_MARK_YIELD:
      return RGB (0x5e5c64);
    case BRAID_MARK_ERROR:
      return RGB (0xe01b24);
    case BRAID_MARK_CANCELLED:
      return RGB (0x000000);
    case BRAID_MARK_NEVER_RETRIEVED:
      return RGB (0xff00ff);
    case BRAID_MARK_DESTROYED_PENDING:
      return RGB (0x63452c);
    case BRAID_MARK_SLOW_STEP:
      return RGB (0xa51d2d);
    case BRAID_MARK_OUTPUT:
      return RGB (0x241f31);
    case BRAID_MARK_OBSERVER_WAIT:
    default:
      return RGB (0x77767b);
    }
}

const char *
braid_timeline_mark_name (braid_trace_mark_kind kind)
{
  /* By braid_trace_mark_kind; the legend and the viewer's event list
   * both print these. */
  static const char *const names[] = {
    "yield",     "error",  "cancelled",  "never retrieved", "destroyed pending",
    "slow step", "output", "tracer wait"
  };
  return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind]
                                                         : "mark";
}

braid_timeline_rgb
braid_timeline_edge_color (braid_trace_edge_kind kind, bool by_loop)
{
  if (by_loop)
    return RGB (0x3d3846); /* near black, dashed: the loop itself */
  switch (kind)
    {
    case BRAID_EDGE_SPAWN:
      return (braid_timeline_rgb){ 0.45, 0.45, 0.50 };
    case BRAID_EDGE_WAKE:
      return (braid_timeline_rgb){ 0.10, 0.37, 0.71 };
    case BRAID_EDGE_GATHER:
      return (braid_timeline_rgb){ 0.49, 0.36, 0.78 };
    case BRAID_EDGE_ERROR:
      return (braid_timeline_rgb){ 0.88, 0.11, 0.14 };
    case BRAID_EDGE_CANCEL:
    default:
      return (braid_timeline_rgb){ 0.90, 0.38, 0.0 };
    }
}

/* ---------------------------------------------------------------------
 * Legend
 * ------------------------------------------------------------------ */

typedef struct legend_item
{
  const char *label; /* NULL for a mark: braid_timeline_mark_name's */
  int kind; /* 0: state swatch, 1: mark, 2: arrow (reason: the edge kind),
               3: a wake by the loop, 4: an arrow of the wait-for graph
               the viewer draws under the pointer ("g") */
  braid_trace_state state;
  uint32_t reason;
  braid_trace_mark_kind mark;
} legend_item;

static const legend_item legend_items[] = {
  { "running", 0, BRAID_STATE_RUNNING, 0, 0 },
  { "ready", 0, BRAID_STATE_READY, 0, 0 },
  { "sleep", 0, BRAID_STATE_WAITING, BRAID_WAIT_SLEEP, 0 },
  { "task", 0, BRAID_STATE_WAITING, BRAID_WAIT_TASK, 0 },
  { "future", 0, BRAID_STATE_WAITING, BRAID_WAIT_FUTURE, 0 },
  { "gather", 0, BRAID_STATE_WAITING, BRAID_WAIT_GATHER, 0 },
  { "wait", 0, BRAID_STATE_WAITING, BRAID_WAIT_WAIT, 0 },
  { "event", 0, BRAID_STATE_WAITING, BRAID_WAIT_EVENT, 0 },
  { "lock", 0, BRAID_STATE_WAITING, BRAID_WAIT_LOCK, 0 },
  { "semaphore", 0, BRAID_STATE_WAITING, BRAID_WAIT_SEMAPHORE, 0 },
  { "condition", 0, BRAID_STATE_WAITING, BRAID_WAIT_CONDITION, 0 },
  { "queue", 0, BRAID_STATE_WAITING, BRAID_WAIT_QUEUE, 0 },
  { "I/O", 0, BRAID_STATE_WAITING, BRAID_WAIT_IO, 0 },
  { "thread", 0, BRAID_STATE_WAITING, BRAID_WAIT_THREAD, 0 },
  { "other", 0, BRAID_STATE_WAITING, BRAID_WAIT_OTHER, 0 },
  { NULL, 1, 0, 0, BRAID_MARK_YIELD },
  { NULL, 1, 0, 0, BRAID_MARK_ERROR },
  { NULL, 1, 0, 0, BRAID_MARK_CANCELLED },
  { NULL, 1, 0, 0, BRAID_MARK_NEVER_RETRIEVED },
  { NULL, 1, 0, 0, BRAID_MARK_DESTROYED_PENDING },
  { NULL, 1, 0, 0, BRAID_MARK_SLOW_STEP },
  { NULL, 1, 0, 0, BRAID_MARK_OUTPUT },
  { "woke", 2, 0, BRAID_EDGE_WAKE, 0 },
  { "gathered", 2, 0, BRAID_EDGE_GATHER, 0 },
  { "spawned", 2, 0, BRAID_EDGE_SPAWN, 0 },
  { "error to", 2, 0, BRAID_EDGE_ERROR, 0 },
  { "cancelled", 2, 0, BRAID_EDGE_CANCEL, 0 },
  { "timer/I/O wake", 3, 0, BRAID_EDGE_WAKE, 0 },
  { "waits for holder (g)", 4, 0, 0, 0 },
};

#define N_LEGEND (sizeof legend_items / sizeof legend_items[0])
#define LEGEND_ROW 18
#define LEGEND_PAD 6

/* Lays the items out left to right, wrapping at @width; draws them when
 * @cr is not NULL. Returns the height used. */
static int
legend_layout (cairo_t *cr, PangoLayout *layout, double x0, double y0,
               int width)
{
  double x = x0 + LEGEND_PAD, y = y0 + LEGEND_PAD;
  for (size_t i = 0; i < N_LEGEND; i++)
    {
      const legend_item *it = &legend_items[i];
      int tw, th;
      pango_layout_set_text (
          layout, it->label ? it->label : braid_timeline_mark_name (it->mark),
          -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      double item_w = 16 + tw + 14;
      if (x + item_w > x0 + width && x > x0 + LEGEND_PAD)
        {
          x = x0 + LEGEND_PAD;
          y += LEGEND_ROW;
        }
      if (cr)
        {
          if (it->kind == 0)
            {
              braid_timeline_rgb c
                  = braid_timeline_state_color (it->state, it->reason);
              cairo_set_source_rgb (cr, c.r, c.g, c.b);
              cairo_rectangle (cr, x, y + 3, 12, 11);
              cairo_fill (cr);
            }
          else if (it->kind == 1)
            braid__timeline_draw_mark_shape (cr, it->mark, x + 6, y + 2, 14);
          else
            {
              /* A short arrow, as the lanes draw it. */
              bool loop = it->kind == 3;
              braid_timeline_rgb c
                  = it->kind == 4 ? braid_timeline_wait_graph_color ()
                                  : braid_timeline_edge_color (
                                      (braid_trace_edge_kind)it->reason, loop);
              cairo_save (cr);
              cairo_set_source_rgb (cr, c.r, c.g, c.b);
              cairo_set_line_width (cr, 1.2);
              if (loop)
                {
                  static const double dash[] = { 3, 2 };
                  cairo_set_dash (cr, dash, 2, 0);
                  cairo_new_path (cr);
                  cairo_arc (cr, x + 1.5, y + 4, 2.5, 0, 2 * G_PI);
                  cairo_stroke (cr);
                }
              cairo_move_to (cr, x + 1, y + 4);
              cairo_line_to (cr, x + 10, y + 13);
              cairo_stroke (cr);
              cairo_set_dash (cr, NULL, 0, 0);
              /* Down and right at 45 degrees: its corners fall on
               * (x + 6, y + 13) and (x + 10, y + 9). */
              braid__timeline_arrowhead_path (cr, x + 12, y + 15, M_SQRT1_2,
                                              M_SQRT1_2, 4 * M_SQRT2,
                                              2 * M_SQRT2);
              cairo_fill (cr);
              cairo_restore (cr);
            }
          cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
          cairo_move_to (cr, x + 16, y + (LEGEND_ROW - th) / 2.0);
          pango_cairo_show_layout (cr, layout);
        }
      x += item_w;
    }
  return (int)(y - y0) + LEGEND_ROW + LEGEND_PAD;
}

static PangoLayout *
legend_pango (cairo_t *cr)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans 8");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  return layout;
}

int
braid_timeline_legend_height (int width)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (s);
  PangoLayout *layout = legend_pango (cr);
  int h = legend_layout (NULL, layout, 0, 0, width);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  return h;
}

int
braid_timeline_draw_legend (cairo_t *cr, double x, double y, int width)
{
  cairo_save (cr);
  PangoLayout *layout = legend_pango (cr);
  int h = legend_layout (NULL, layout, x, y, width);
  cairo_set_source_rgb (cr, 0.97, 0.97, 0.96);
  cairo_rectangle (cr, x, y, width, h);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.8, 0.8, 0.8);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, x, y + 0.5);
  cairo_line_to (cr, x + width, y + 0.5);
  cairo_stroke (cr);
  legend_layout (cr, layout, x, y, width);
  g_object_unref (layout);
  cairo_restore (cr);
  return h;
}

/* ---------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------ */

char *
braid_timeline_format_duration (int64_t ns, char *buf, size_t size)
{
  double v = (double)ns;
  double a = fabs (v);
  if (a < 1e3)
    snprintf (buf, size, "%.0f ns", v);
  else if (a < 1e6)
    snprintf (buf, size, "%.4g µs", v / 1e3);
  else if (a < 1e9)
    snprintf (buf, size, "%.4g ms", v / 1e6);
  else
    snprintf (buf, size, "%.4g s", v / 1e9);
  return buf;
}

int
braid_timeline_parse_value (braid_timeline_axis axis, const char *text,
                            double *out)
{
  if (!text || !*text)
    return -1;
  char *end = NULL;
  double v = strtod (text, &end);
  if (end == text || !isfinite (v) || v < 0)
    return -1;
  while (*end == ' ')
    end++;
  if (axis == BRAID_TIMELINE_AXIS_STEPS)
    {
      if (*end)
        return -1;
      *out = v;
      return 0;
    }
  double mult;
  if (!*end || strcmp (end, "ns") == 0)
    mult = 1;
  else if (strcmp (end, "us") == 0 || strcmp (end, "µs") == 0)
    mult = 1e3;
  else if (strcmp (end, "ms") == 0)
    mult = 1e6;
  else if (strcmp (end, "s") == 0)
    mult = 1e9;
  else
    return -1;
  *out = v * mult;
  return 0;
}
