/* file_ops.c: "File Operations (aiofiles)" of seed 003: read_file() and
 * write_file() as coroutines, used by a main that writes a file, reads it
 * back and prints it.
 *
 *   file_ops [DIRECTORY]
 *
 * The file goes to a new temporary directory (or DIRECTORY), which is
 * removed afterwards. braid's files go through libuv's asynchronous file
 * requests, which run on a thread pool as aiofiles does; the twin
 * python/file_ops.py does the same with asyncio.to_thread, since aiofiles
 * is not in the standard library. Not hot.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <braid/braid.h>

/* read_file: `async with aiofiles.open(filename, mode='r') as f: return
 * await f.read()`. Returns the text (to free) or NULL with the error set. */
static char *
read_file (const char *filename)
{
  char *text = NULL;
  if (braid_fs_read_file (filename, &text, NULL) < 0)
    return NULL;
  return text;
}

/* write_file: `async with aiofiles.open(filename, mode='w') as f: await
 * f.write(content)`. */
static int
write_file (const char *filename, const char *content)
{
  braid_file *f;
  int rc = braid_file_open (filename, O_WRONLY | O_CREAT | O_TRUNC, 0644, &f);
  if (rc < 0)
    return rc;
  ssize_t w = braid_file_write (f, content, strlen (content), -1);
  int rc2 = braid_file_close (f);
  return w < 0 ? (int)w : rc2;
}

static void *
main_task (void *p)
{
  const char *path = p;
  braid_print ("Writing %s\n", "notes.txt");
  if (write_file (path, "async file I/O with braid\nsecond line\n") < 0)
    return NULL;
  char *text = read_file (path);
  if (!text)
    return NULL;
  braid_print ("Read back:\n%s", text);
  free (text);
  braid_fs_unlink (path);
  return NULL;
}

int
main (int argc, char **argv)
{
  char tmpl[] = "/tmp/braid-file-ops-XXXXXX";
  const char *dir = argc > 1 ? argv[1] : mkdtemp (tmpl);
  if (!dir)
    {
      perror ("file_ops: mkdtemp");
      return 1;
    }
  char path[4096];
  snprintf (path, sizeof path, "%s/notes.txt", dir);
  int rc = braid_run (main_task, path, NULL);
  if (argc <= 1)
    rmdir (dir);
  if (rc < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
