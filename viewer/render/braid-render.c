/* braid-render.c: draws a trace's timeline to a PNG, without a display.
 *
 *   braid-render FILE... -o OUT.png [--width W] [--height H]
 *                [--axis time|steps|auto] [--from X] [--to Y] [--no-legend]
 *                [--compare]
 *
 * Several FILEs are the files of one run (a process tree), drawn as one
 * timeline with a group of lanes per process (braid_trace_open_run);
 * with --compare, two traces of one program side by side on loop steps
 * with the steps that differ marked, opened as braid-viewer --compare
 * opens them (braid_timeline_open_compared).
 *
 * Options are parsed with getopt_long (--width=W, -oOUT.png, -- before a
 * FILE that starts with '-'), and refused in the words of
 * tracer/cli/cli-options.c, which braid uses too.
 * `braid render` execs this program with its own arguments. It draws with
 * the same timeline library as the GTK viewer. Exit status: 0 on success,
 * 2 with one line on stderr for bad arguments or a bad trace file.
 * Nothing here is hot; the drawing is timeline-draw.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid-version.h>
#include <glib.h>

#include "cli-options.h"
#include "safe-text.h"
#include "timeline.h"

static const char usage[]
    = "usage: braid-render FILE... -o OUT.png [--width W] [--height H]\n"
      "                    [--axis time|steps|auto] [--from X] [--to Y]"
      " [--no-legend]\n"
      "                    [--compare]\n"
      "\n"
      "Draws the timeline of the braid trace FILE to the PNG OUT.png.\n"
      "Several FILEs of one run (a process tree) are drawn as one timeline,\n"
      "a group of lanes per process, on the run's clock.\n"
      "\n"
      "  -o, --output OUT.png  where to write the picture (required)\n"
      "  --width W             width in pixels (default 1200, 200..16384)\n"
      "  --height H            height in pixels (default: every lane, at\n"
      "                        most 8192)\n"
      "  --axis time|steps|auto  wall time or loop steps, where each\n"
      "                        resumption of a task is one step wide;\n"
      "                        auto (default): steps where the interleaving\n"
      "                        is invisible on wall time (a virtual clock,\n"
      "                        steps crowded into few pixels), else time\n"
      "  --from X, --to Y      the window to draw: times such as 1.5ms,\n"
      "                        200us, 3s or 42 (ns), or step numbers with\n"
      "                        --axis steps (default: the whole trace)\n"
      "  --no-legend           leave out the legend below the lanes\n"
      "  --compare             two FILEs of one program side by side on\n"
      "                        loop steps, as 'braid diff' pairs their\n"
      "                        steps, the steps that differ marked in red\n"
      "  -h, --help            this help\n"
      "  --version             the version of braid-render\n"
      "\n"
      "Exit status: 0 on success, 2 with one line on stderr on bad\n"
      "arguments or a file that is not a readable braid trace.\n";

enum
{
  OPT_WIDTH = CLI_LONG_ONLY,
  OPT_HEIGHT,
  OPT_AXIS,
  OPT_FROM,
  OPT_TO,
  OPT_NO_LEGEND,
  OPT_VERSION,
  OPT_COMPARE,
};

static const struct option long_options[] = {
  { "output", required_argument, NULL, 'o' },
  { "width", required_argument, NULL, OPT_WIDTH },
  { "height", required_argument, NULL, OPT_HEIGHT },
  { "axis", required_argument, NULL, OPT_AXIS },
  { "from", required_argument, NULL, OPT_FROM },
  { "to", required_argument, NULL, OPT_TO },
  { "no-legend", no_argument, NULL, OPT_NO_LEGEND },
  { "compare", no_argument, NULL, OPT_COMPARE },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, OPT_VERSION },
  { NULL, 0, NULL, 0 },
};

static int fail (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* Prints "braid-render: <message>" as one line and returns exit status 2.
 * The message may quote file names, program names and the reader's
 * messages, which hold whatever bytes they were given: it is written as
 * safe for a terminal (control characters escaped). */
static int
fail (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  fputs ("braid-render: ", stderr);
  braid__text_fputs_terminal (message, stderr);
  fputc ('\n', stderr);
  g_free (message);
  return 2;
}

static int
parse_int (const char *text, int lo, int hi, int *out)
{
  char *end;
  errno = 0;
  long v = strtol (text, &end, 10);
  if (errno || end == text || *end || v < lo || v > hi)
    return -1;
  *out = (int)v;
  return 0;
}

/* Opens the @n @paths as one trace: one file as it is, several as the
 * files of one run (braid_trace_open_run), or with @compare two side by
 * side (their differing steps in *@marked, *@n_marked). Returns the
 * trace, or NULL after saying why in one line. */
static braid_trace *
open_traces (char **paths, int n, bool compare, uint64_t **marked,
             size_t *n_marked)
{
  /* Compact mode: the timeline needs no more (braid-trace.h). */
  braid_trace_load_options options = { .compact = true };
  braid_trace *out = NULL;
  char *error = NULL;
  if (!compare)
    {
      /* The reader's message names the files and the problem. */
      if (braid_trace_open_run (paths, (size_t)n, &options, &out, &error) != 0)
        fail ("%s", error ? error : "out of memory");
      free (error);
      return out;
    }
  if (n != 2)
    {
      fail ("--compare takes two trace files, got %d", n);
      return NULL;
    }
  /* The timeline's message names the files and the problem. */
  if (braid_timeline_open_compared (paths, &options, &out, marked, n_marked,
                                    NULL, &error)
      != 0)
    fail ("%s", error);
  g_free (error);
  return out;
}

int
main (int argc, char **argv)
{
  const char *input = NULL, *output = NULL, *from = NULL, *to = NULL;
  int width = 1200, height = 0;
  bool legend = true, compare = false;
  braid_timeline_axis axis = BRAID_TIMELINE_AXIS_TIME;
  bool auto_axis = true;

  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, ":ho:", long_options, NULL)) != -1)
    switch (c)
      {
      case 'h':
        fputs (usage, stdout);
        return 0;
      case OPT_VERSION:
        printf ("braid-render %s\n", BRAID_VERSION_STRING);
        return 0;
      case OPT_NO_LEGEND:
        legend = false;
        break;
      case OPT_COMPARE:
        compare = true;
        break;
      case 'o':
        output = optarg;
        break;
      case OPT_WIDTH:
        if (parse_int (optarg, 200, 16384, &width) != 0)
          return fail ("bad --width '%s' (200..16384)", optarg);
        break;
      case OPT_HEIGHT:
        if (parse_int (optarg, 60, 16384, &height) != 0)
          return fail ("bad --height '%s' (60..16384)", optarg);
        break;
      case OPT_AXIS:
        auto_axis = false;
        if (strcmp (optarg, "time") == 0)
          axis = BRAID_TIMELINE_AXIS_TIME;
        else if (strcmp (optarg, "steps") == 0)
          axis = BRAID_TIMELINE_AXIS_STEPS;
        else if (strcmp (optarg, "auto") == 0)
          auto_axis = true;
        else
          return fail ("bad --axis '%s' (time, steps or auto)", optarg);
        break;
      case OPT_FROM:
        from = optarg;
        break;
      case OPT_TO:
        to = optarg;
        break;
      default:
        {
          char problem[256];
          braid__cli_option_problem (c, argv, long_options, problem,
                                     sizeof problem);
          return fail ("%s (see --help)", problem);
        }
      }
  if (optind < argc)
    input = argv[optind];
  if (!input)
    return fail ("%s", "no trace file given (see --help)");
  if (!output)
    return fail ("%s", "no output given: use -o OUT.png");

  uint64_t *marked = NULL;
  size_t n_marked = 0;
  braid_trace *trace = open_traces (argv + optind, argc - optind, compare,
                                    &marked, &n_marked);
  if (!trace)
    return 2;
  braid_timeline_model *model = braid_timeline_model_new (trace);
  if (!model)
    {
      braid_trace_close (trace);
      free (marked);
      return fail ("%s", "out of memory");
    }
  /* Two traces side by side line up on loop steps only. */
  if (auto_axis)
    axis = compare ? BRAID_TIMELINE_AXIS_STEPS
                   : braid_timeline_model_preferred_axis (model);

  /* --from/--to are read on the chosen axis. */
  double from_v = 0, to_v = 0;
  int bad = 0;
  if (from && braid_timeline_parse_value (axis, from, &from_v) != 0)
    bad = fail ("bad --from '%s' for the %s axis", from,
                axis == BRAID_TIMELINE_AXIS_STEPS ? "steps" : "time");
  else if (to && braid_timeline_parse_value (axis, to, &to_v) != 0)
    bad = fail ("bad --to '%s' for the %s axis", to,
                axis == BRAID_TIMELINE_AXIS_STEPS ? "steps" : "time");
  else if (from && to && !(to_v > from_v))
    bad = fail ("%s", "--to must be after --from");
  if (bad)
    {
      braid_timeline_model_free (model);
      braid_trace_close (trace);
      free (marked);
      return bad;
    }

  int legend_h = legend ? braid_timeline_legend_height (width) : 0;
  if (height == 0)
    {
      braid_timeline_view probe;
      braid_timeline_view_init (&probe, model, width, 100);
      double lanes = (double)braid_timeline_model_get_n_lanes (model);
      double h = probe.ruler_height + lanes * probe.lane_height + legend_h;
      height = h > 8192 ? 8192 : h < 60 ? 60 : (int)h;
    }
  int lanes_h = height - legend_h;
  if (lanes_h < 40)
    {
      legend = false;
      lanes_h = height;
    }

  braid_timeline_view view;
  braid_timeline_view_init (&view, model, width, lanes_h);
  if (axis != view.axis)
    {
      view.axis = axis;
      braid_timeline_view_fit (&view, model);
    }
  if (from || to)
    {
      double extent = braid_timeline_model_get_extent (model, axis);
      braid_timeline_view_show_range (&view, model, from ? from_v : 0,
                                      to ? to_v : extent);
    }

  cairo_surface_t *surface
      = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  braid_timeline_draw (model, &view, cr);
  braid_timeline_draw_marked_steps (model, &view, cr, marked, n_marked);
  if (legend)
    braid_timeline_draw_legend (cr, 0, lanes_h, width);
  cairo_destroy (cr);
  cairo_status_t st = cairo_surface_write_to_png (surface, output);
  cairo_surface_destroy (surface);
  braid_timeline_model_free (model);
  braid_trace_close (trace);
  free (marked);
  if (st != CAIRO_STATUS_SUCCESS)
    return fail ("cannot write the PNG: %s", cairo_status_to_string (st));
  return 0;
}
