/* io-fs.c: files through libuv's asynchronous uv_fs_* requests (which run
 * on the thread pool): braid_file open/read/write/close, stat, and the
 * whole-file helpers aiofiles users reach for.
 *
 * Each call is one request on a braid__io_op (io-op.c): the task waits
 * with BRAID_WAIT_IO on the file's object id. A cancellation uv_cancel()s
 * a request still queued; one already running may be filling the caller's
 * buffer, so the task waits until it finishes and then raises
 * CancelledError (an open that completes that way has its descriptor
 * closed). Not hot: the thread pool hop dominates.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>

#include "io-private.h"

struct braid_file
{
  uv_file fd;
  uint64_t id;
  char *path; /* for the errors of reads, writes and the close */
};

typedef struct fs_op
{
  braid__io_op op; /* first: the op is the fs_op */
  uv_fs_t req;
} fs_op;

static void
fs_cb (uv_fs_t *req)
{
  fs_op *o = req->data;
  if (o->op.cancelled && req->fs_type == UV_FS_OPEN && req->result >= 0)
    {
      /* Nobody will receive this descriptor. */
      uv_fs_t close_req;
      uv_fs_close (NULL, &close_req, (uv_file)req->result, NULL);
      uv_fs_req_cleanup (&close_req);
    }
  braid__io_op_complete (&o->op, req->result < 0 ? (int)req->result : 0);
}

static bool
fs_cancel (braid__io_op *op)
{
  return uv_cancel ((uv_req_t *)&((fs_op *)op)->req) == 0;
}

static void
fs_free (braid__io_op *op)
{
  uv_fs_req_cleanup (&((fs_op *)op)->req);
  free (op);
}

/* A new op for the current task's loop, or NULL (raised) outside a task. */
static fs_op *
fs_op_new (const char *what, braid_loop **loop)
{
  if (!braid_task_current ())
    {
      braid__raise_code (BRAID_ENOTASK, what);
      return NULL;
    }
  *loop = braid_loop_current ();
  fs_op *o = braid__xcalloc (1, sizeof *o);
  braid__io_op_init (&o->op, *loop, fs_cancel, fs_free);
  o->req.data = o;
  return o;
}

/* Waits for @o after a submission that returned @submitted. Returns the
 * request's result (>= 0) or a negative code, raised by @call with a
 * message that names @path ("PATH: no such file or directory"). Releases
 * the task's reference. *@stat (may be NULL) receives the stat buffer. */
static int64_t
fs_finish (fs_op *o, int submitted, uint64_t id, const char *call,
           const char *path, uv_stat_t *stat)
{
  if (submitted < 0)
    {
      braid__io_op_abandon (&o->op);
      braid__io_op_unref (&o->op);
      return braid__raise_code_on (submitted, call, path);
    }
  int rc = braid__io_op_wait (&o->op, BRAID_WAIT_IO, id);
  int64_t result = rc;
  if (rc == 0)
    {
      result = o->req.result;
      if (result < 0)
        result = braid__raise_code_on ((int)result, call, path);
      else if (stat)
        *stat = o->req.statbuf;
    }
  braid__io_op_unref (&o->op);
  return result;
}

int
braid_file_open (const char *path, int flags, int mode, braid_file **file)
{
  if (file)
    *file = NULL;
  if (!path || !file)
    return braid__raise_code (BRAID_EINVAL, "braid_file_open");
  braid_loop *loop;
  fs_op *o = fs_op_new ("braid_file_open", &loop);
  if (!o)
    return BRAID_ENOTASK;
  uint64_t id = braid__io_object_new (loop, "file %s", path);
  int rc = uv_fs_open (braid_loop_uv (loop), &o->req, path, flags, mode, fs_cb);
  int64_t fd = fs_finish (o, rc, id, "braid_file_open", path, NULL);
  if (fd < 0)
    return (int)fd;
  braid_file *f = braid__xcalloc (1, sizeof *f);
  f->fd = (uv_file)fd;
  f->id = id;
  f->path = braid__xstrdup (path);
  *file = f;
  return 0;
}

ssize_t
braid_file_read (braid_file *file, void *buf, size_t len, int64_t offset)
{
  if (!file || (!buf && len))
    return braid__raise_code (BRAID_EINVAL, "braid_file_read");
  braid_loop *loop;
  fs_op *o = fs_op_new ("braid_file_read", &loop);
  if (!o)
    return BRAID_ENOTASK;
  uv_buf_t b
      = uv_buf_init (buf, (unsigned)(len > 0x40000000 ? 0x40000000 : len));
  int rc = uv_fs_read (braid_loop_uv (loop), &o->req, file->fd, &b, 1, offset,
                       fs_cb);
  return fs_finish (o, rc, file->id, "braid_file_read", file->path, NULL);
}

ssize_t
braid_file_write (braid_file *file, const void *buf, size_t len, int64_t offset)
{
  if (!file || (!buf && len))
    return braid__raise_code (BRAID_EINVAL, "braid_file_write");
  size_t done = 0;
  /* A write may be short (a full disk, a signal): go on until all of it
   * is written or an error says why not. */
  do
    {
      braid_loop *loop;
      fs_op *o = fs_op_new ("braid_file_write", &loop);
      if (!o)
        return BRAID_ENOTASK;
      size_t chunk = len - done > 0x40000000 ? 0x40000000 : len - done;
      uv_buf_t b = uv_buf_init ((char *)buf + done, (unsigned)chunk);
      int rc = uv_fs_write (braid_loop_uv (loop), &o->req, file->fd, &b, 1,
                            offset < 0 ? -1 : offset + (int64_t)done, fs_cb);
      int64_t n
          = fs_finish (o, rc, file->id, "braid_file_write", file->path, NULL);
      if (n < 0)
        return n;
      if (n == 0 && chunk > 0)
        /* No progress and no error: report it as an I/O error. */
        return braid__raise_code_on (UV_EIO, "braid_file_write", file->path);
      done += (size_t)n;
    }
  while (done < len);
  return (ssize_t)done;
}

int
braid_file_close (braid_file *file)
{
  if (!file)
    return 0;
  int rc = 0;
  braid_loop *loop;
  fs_op *o
      = braid_task_current () ? fs_op_new ("braid_file_close", &loop) : NULL;
  if (o)
    rc = (int)fs_finish (
        o, uv_fs_close (braid_loop_uv (loop), &o->req, file->fd, fs_cb),
        file->id, "braid_file_close", file->path, NULL);
  else
    {
      /* Outside a task (cleanup code): close synchronously. */
      braid_error_clear ();
      uv_fs_t req;
      rc = uv_fs_close (NULL, &req, file->fd, NULL);
      uv_fs_req_cleanup (&req);
      if (rc < 0)
        rc = braid__raise_code_on (rc, "braid_file_close", file->path);
    }
  free (file->path);
  free (file);
  return rc;
}

int
braid_fs_stat (const char *path, braid_stat *st)
{
  if (!path || !st)
    return braid__raise_code (BRAID_EINVAL, "braid_fs_stat");
  braid_loop *loop;
  fs_op *o = fs_op_new ("braid_fs_stat", &loop);
  if (!o)
    return BRAID_ENOTASK;
  uint64_t id = braid__io_object_new (loop, "stat %s", path);
  uv_stat_t s;
  int rc = uv_fs_stat (braid_loop_uv (loop), &o->req, path, fs_cb);
  int64_t r = fs_finish (o, rc, id, "braid_fs_stat", path, &s);
  if (r < 0)
    return (int)r;
  st->size = s.st_size;
  st->mode = s.st_mode;
  st->mtime_ns = (int64_t)s.st_mtim.tv_sec * 1000000000 + s.st_mtim.tv_nsec;
  return 0;
}

int
braid_fs_unlink (const char *path)
{
  if (!path)
    return braid__raise_code (BRAID_EINVAL, "braid_fs_unlink");
  braid_loop *loop;
  fs_op *o = fs_op_new ("braid_fs_unlink", &loop);
  if (!o)
    return BRAID_ENOTASK;
  uint64_t id = braid__io_object_new (loop, "unlink %s", path);
  int rc = uv_fs_unlink (braid_loop_uv (loop), &o->req, path, fs_cb);
  return (int)fs_finish (o, rc, id, "braid_fs_unlink", path, NULL);
}

int
braid_fs_read_file (const char *path, char **data, size_t *len)
{
  if (data)
    *data = NULL;
  if (len)
    *len = 0;
  if (!path || !data)
    return braid__raise_code (BRAID_EINVAL, "braid_fs_read_file");
  braid_file *f;
  int rc = braid_file_open (path, O_RDONLY, 0, &f);
  if (rc < 0)
    return rc;
  size_t cap = 4096, n = 0;
  char *buf = malloc (cap + 1);
  if (!buf)
    {
      braid_file_close (f);
      return braid__raise_code (BRAID_ENOMEM, "braid_fs_read_file");
    }
  for (;;)
    {
      if (n == cap)
        {
          char *nb = realloc (buf, cap * 2 + 1);
          if (!nb)
            {
              rc = braid__raise_code (BRAID_ENOMEM, "braid_fs_read_file");
              break;
            }
          buf = nb;
          cap *= 2;
        }
      ssize_t r = braid_file_read (f, buf + n, cap - n, -1);
      if (r < 0)
        {
          rc = (int)r;
          break;
        }
      if (r == 0)
        break;
      n += (size_t)r;
    }
  if (rc < 0)
    {
      /* Keep the read's error current, not the close's. */
      braid_error *e = braid_error_ref (braid_error_current ());
      braid_file_close (f);
      braid_error_clear ();
      braid_reraise (e);
      braid_error_unref (e);
      free (buf);
      return rc;
    }
  rc = braid_file_close (f);
  if (rc < 0)
    {
      free (buf);
      return rc;
    }
  buf[n] = '\0';
  *data = buf;
  if (len)
    *len = n;
  return 0;
}

int
braid_fs_write_file (const char *path, const void *data, size_t len)
{
  if (!path || (!data && len))
    return braid__raise_code (BRAID_EINVAL, "braid_fs_write_file");
  braid_file *f;
  int rc = braid_file_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644, &f);
  if (rc < 0)
    return rc;
  ssize_t w = braid_file_write (f, data, len, -1);
  if (w < 0)
    {
      braid_error *e = braid_error_ref (braid_error_current ());
      braid_file_close (f);
      braid_error_clear ();
      braid_reraise (e);
      braid_error_unref (e);
      return (int)w;
    }
  return braid_file_close (f);
}
