/* test-io-fs.c: files through libuv's asynchronous requests: what is
 * written reads back, stat sees it, errors are libuv's codes raised as
 * OSError, and many tasks may do file I/O at once.
 */
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include <braid/braid.h>

static char *tmpdir;

static void *
write_read_main (void *arg)
{
  (void)arg;
  char *path = g_build_filename (tmpdir, "hello.txt", NULL);
  const char *text = "first line\nsecond line\n";
  g_assert_cmpint (braid_fs_write_file (path, text, strlen (text)), ==, 0);

  braid_stat st;
  g_assert_cmpint (braid_fs_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.size, ==, strlen (text));

  char *data = NULL;
  size_t len = 0;
  g_assert_cmpint (braid_fs_read_file (path, &data, &len), ==, 0);
  g_assert_cmpuint (len, ==, strlen (text));
  g_assert_cmpstr (data, ==, text);
  free (data);

  /* Positioned reads and appends through a braid_file. */
  braid_file *f = NULL;
  g_assert_cmpint (braid_file_open (path, O_RDWR, 0, &f), ==, 0);
  char buf[16] = { 0 };
  g_assert_cmpint (braid_file_read (f, buf, 6, 11), ==, 6);
  g_assert_cmpstr (buf, ==, "second");
  g_assert_cmpint (braid_file_write (f, "third\n", 6, (int64_t)strlen (text)),
                   ==, 6);
  g_assert_cmpint (braid_file_close (f), ==, 0);
  g_assert_cmpint (braid_fs_read_file (path, &data, NULL), ==, 0);
  g_assert_cmpstr (data, ==, "first line\nsecond line\nthird\n");
  free (data);

  g_assert_cmpint (braid_fs_unlink (path), ==, 0);
  g_free (path);
  return NULL;
}

static void
test_write_then_read_back (void)
{
  g_assert_cmpint (braid_run (write_read_main, NULL, NULL), ==, 0);
}

static void *
missing_main (void *arg)
{
  (void)arg;
  char *path = g_build_filename (tmpdir, "no-such-file", NULL);
  char *data = (char *)1;
  int rc = braid_fs_read_file (path, &data, NULL);
  g_assert_cmpint (rc, ==, -ENOENT);
  g_assert_null (data);
  braid_error *e = braid_error_catch (BRAID_OS_ERROR);
  g_assert_nonnull (e);
  g_assert_cmpint (braid_error_code (e), ==, -ENOENT);
  g_assert_nonnull (strstr (braid_error_message (e), "no such file"));
  /* The message names the file, the error the call. */
  g_assert_nonnull (strstr (braid_error_message (e), path));
  g_assert_cmpstr (braid_error_function (e), ==, "braid_file_open");
  braid_error_unref (e);

  /* So do stat, unlink and writes into a directory that is not there. */
  braid_stat st;
  g_assert_cmpint (braid_fs_stat (path, &st), ==, -ENOENT);
  e = braid_error_catch (BRAID_OS_ERROR);
  g_assert_nonnull (strstr (braid_error_message (e), path));
  g_assert_cmpstr (braid_error_function (e), ==, "braid_fs_stat");
  braid_error_unref (e);
  g_assert_cmpint (braid_fs_unlink (path), ==, -ENOENT);
  e = braid_error_catch (BRAID_OS_ERROR);
  g_assert_nonnull (strstr (braid_error_message (e), path));
  braid_error_unref (e);
  char *deep = g_build_filename (path, "child", NULL);
  g_assert_cmpint (braid_fs_write_file (deep, "x", 1), ==, -ENOENT);
  e = braid_error_catch (BRAID_OS_ERROR);
  g_assert_nonnull (strstr (braid_error_message (e), deep));
  braid_error_unref (e);
  g_free (deep);
  g_free (path);

  /* A read error names the file that was opened. */
  braid_file *f = NULL;
  g_assert_cmpint (braid_file_open (tmpdir, O_RDONLY, 0, &f), ==, 0);
  char buf[8];
  g_assert_cmpint (braid_file_read (f, buf, sizeof buf, 0), ==, -EISDIR);
  e = braid_error_catch (BRAID_OS_ERROR);
  g_assert_nonnull (strstr (braid_error_message (e), tmpdir));
  g_assert_cmpstr (braid_error_function (e), ==, "braid_file_read");
  braid_error_unref (e);
  g_assert_cmpint (braid_file_close (f), ==, 0);
  return NULL;
}

static void
test_missing_file_raises_os_error (void)
{
  g_assert_cmpint (braid_run (missing_main, NULL, NULL), ==, 0);
}

static void *
one_writer (void *arg)
{
  int i = GPOINTER_TO_INT (arg);
  char name[32], body[64];
  snprintf (name, sizeof name, "f%d.txt", i);
  snprintf (body, sizeof body, "file number %d", i);
  char *path = g_build_filename (tmpdir, name, NULL);
  g_assert_cmpint (braid_fs_write_file (path, body, strlen (body)), ==, 0);
  char *back = NULL;
  g_assert_cmpint (braid_fs_read_file (path, &back, NULL), ==, 0);
  g_assert_cmpstr (back, ==, body);
  free (back);
  g_assert_cmpint (braid_fs_unlink (path), ==, 0);
  g_free (path);
  return NULL;
}

static void *
many_main (void *arg)
{
  (void)arg;
  braid_task *t[8];
  for (int i = 0; i < 8; i++)
    t[i] = braid_spawn (one_writer, GINT_TO_POINTER (i));
  g_assert_cmpint (braid_gather_tasks (t, 8, NULL, NULL, 0), ==, 0);
  for (int i = 0; i < 8; i++)
    braid_task_unref (t[i]);
  return NULL;
}

static void
test_concurrent_tasks_each_read_their_own_file (void)
{
  g_assert_cmpint (braid_run (many_main, NULL, NULL), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("braid-io-fs-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  g_test_add_func ("/runtime/io/fs/write-then-read-back",
                   test_write_then_read_back);
  g_test_add_func ("/runtime/io/fs/missing-file-raises-os-error",
                   test_missing_file_raises_os_error);
  g_test_add_func ("/runtime/io/fs/concurrent-tasks-each-read-their-own-file",
                   test_concurrent_tasks_each_read_their_own_file);
  int rc = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return rc;
}
