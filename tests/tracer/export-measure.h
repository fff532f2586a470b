/* export-measure.h: what bench-export.c and test-export-memory.c share to
 * measure the peak memory of `braid export`.
 *
 * A child's peak resident memory (getrusage's ru_maxrss) starts from the
 * memory of the process that forked it: until its exec it maps the same
 * pages. So the process that measures braid must stay small: the
 * repair of the recorded trace, which reads every event, runs in a child
 * of its own here, as the recording does (record_and_die).
 */
#ifndef EXPORT_MEASURE_H
#define EXPORT_MEASURE_H

#include "recording-util.h"

/* repair_quietly of @path in a child process. Returns its result (1
 * when the child failed). */
static inline int
repair_in_child (const char *path, uint64_t min_events)
{
  fflush (NULL);
  pid_t pid = fork ();
  if (pid < 0)
    return 1;
  if (pid == 0)
    _exit (repair_quietly (path, min_events));
  int status = 0;
  if (waitpid (pid, &status, 0) != pid || !WIFEXITED (status))
    return 1;
  return WEXITSTATUS (status);
}

#endif /* EXPORT_MEASURE_H */
