/* cli-repair.c: `braid repair FILE`.
 *
 * A recording that was killed (kill -9, a crash) leaves its committed
 * events packed in the batches table: the reader reads them, but the
 * events table and the SQL views are empty until the file is finalized.
 * This command does what the clean end would have done, in place
 * (finalize.c). The trace stays marked incomplete: the program did not
 * end cleanly, and the problems view still says so. Nothing here is hot.
 * Its messages can quote the file (SQLite's errors name its tables), so
 * they are printed through safe-text.c.
 */
#include "cli.h"
#include "safe-text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char help[]
    = "usage: braid repair FILE\n"
      "\n"
      "Finalizes a trace whose recording was killed before its clean end:\n"
      "expands the committed batches into the events table, builds the\n"
      "indexes, so that the SQL views (SCHEMA.md) answer. Keep the FILE-wal\n"
      "file beside FILE: it holds the last committed batches. A finalized\n"
      "trace is left as it is. The trace stays marked incomplete.\n"
      "\n"
      "  -h, --help   this help\n";

int
braid__cli_repair (int argc, char **argv)
{
  int status;
  const char *path = braid__cli_file_only (argc, argv, help, &status);
  if (path == NULL)
    return status;
  char *error = NULL;
  uint64_t n = 0;
  if (braid_trace_repair (path, &n, &error) != 0)
    {
      fputs ("braid: ", stderr);
      braid__text_fputs_terminal (error ? error : "cannot repair", stderr);
      fputc ('\n', stderr);
      free (error);
      return CLI_EXIT_USAGE;
    }
  braid__text_fputs_terminal (path, stdout);
  printf (": %llu events in the events table\n", (unsigned long long) n);
  return 0;
}
