/* cli-render.c: `braid render FILE -o OUT.png [options]`.
 *
 * The renderer belongs to the viewer (it needs cairo and pango); braid
 * finds the braid-render executable and runs it with the same arguments,
 * as git runs its subcommands, so the tracer never links the viewer. It
 * looks at BRAID_RENDER (an uninstalled build sets it: meson devenv, the
 * tests), then beside itself, then in the bindir braid was configured
 * with.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[]
  = "usage: braid render FILE... -o OUT.png [options]\n"
    "\n"
    "Draws the viewer's timeline of the trace FILE into a PNG, without a\n"
    "display; several FILEs of one run as one timeline, a group of lanes\n"
    "per process, or with --compare two traces side by side. This runs\n"
    "braid-render, built with the viewer; its options are shown by\n"
    "'braid-render --help' when it is built.\n";

int
braid__cli_render (int argc, char **argv)
{
  char render[4200];
  if (braid__cli_find_helper ("braid-render", "BRAID_RENDER", render,
                              sizeof render)
      == 0)
    {
      argv[0] = render;
      execv (render, argv);
      fprintf (stderr, "braid: cannot run %s: %s\n", render,
               strerror (errno));
      return CLI_EXIT_USAGE;
    }
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
      {
        fputs (help, stdout);
        return 0;
      }
  fprintf (stderr,
           "braid: render needs braid-render, which is not built (looked "
           "for %s); build the viewer (meson setup -Dviewer=enabled)\n",
           render);
  return CLI_EXIT_USAGE;
}
