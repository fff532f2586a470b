/* cli.h: what the files of the braid tool share.
 *
 * Each command lives in its own cli-<command>.c and has the signature of
 * main (argv[0] is the command's name). Exit codes: a command's own result
 * (0, or 1 where documented), 2 for usage and input errors.
 */
#ifndef BRAID_CLI_H
#define BRAID_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <braid/braid-trace.h>

#include "cli-options.h"

#define CLI_EXIT_USAGE 2

int braid__cli_run (int argc, char **argv);
int braid__cli_report (int argc, char **argv);
int braid__cli_problems (int argc, char **argv);
int braid__cli_export (int argc, char **argv);
int braid__cli_render (int argc, char **argv);
int braid__cli_repair (int argc, char **argv);
int braid__cli_diff (int argc, char **argv);

/* cli-run-python.c: when the NULL-terminated @argv that braid run runs is
 * a Python program (a python interpreter and its arguments, or a .py
 * file), stores in *out a new argv (malloc'd array of borrowed words)
 * that runs it under the braid Python module, with PYTHONPATH set to
 * find it; *out is NULL for any other program. Returns 0, or -1 after
 * saying on stderr why a Python program cannot be traced. */
int braid__cli_run_python (char **argv, char ***out);

/* Opens @path with the reader; on failure prints the reader's one-line
 * message as "braid: <file>: <problem>" and returns NULL. */
braid_trace *braid__cli_open (const char *path);
/* braid__cli_open with the load options @load (may be NULL). */
braid_trace *braid__cli_open_with (const char *path,
                                   const braid_trace_load_options *load);

/* The traces of one run (cli-runset.c): a file per process, ordered by
 * their start on the run's clock (braid_trace_run_offsets). */
typedef struct cli_run
{
  size_t n;
  braid_trace **traces;
  const char **paths; /* borrowed from argv */
  int64_t *offsets;   /* ns from the first process's time 0 to each one's */
} cli_run;

/* After a command's options: opens every FILE operand left into @run.
 * Returns 0, or CLI_EXIT_USAGE after saying in one line why not (no
 * file, a file that cannot be read, files of different runs or that do
 * not record their run); @run is then empty. */
int braid__cli_run_open (int argc, char **argv, cli_run *run);
/* braid__cli_run_open with the load options @load (NULL: the whole
 * trace) for every file. */
int braid__cli_run_open_with (int argc, char **argv,
                              const braid_trace_load_options *load,
                              cli_run *run);
/* Closes the traces of @run and empties it. */
void braid__cli_run_close (cli_run *run);

/* cli-primitives.c: prints every primitive's fairness (braid report
 * --primitives); returns 0 or -1 (out of memory, said on stderr). */
int braid__cli_print_primitives (const braid_trace *trace);
/* Prints the wait-for graph at step @step, a line per waiting task
 * starting with @indent, then the cycle if there is one. Returns 0 or
 * -1 (out of memory, said on stderr). */
int braid__cli_print_wait_graph (const braid_trace *trace, uint64_t step,
                                 const char *indent);

/* Formats @ns as a short human duration ("12.3 ms") into @buf. */
const char *braid__cli_duration (int64_t ns, char *buf, size_t size);

/* The directory of the running braid executable (/proc/self/exe), into
 * @buf. Returns 0 or -1. */
int braid__cli_self_dir (char *buf, size_t size);

/* Adds @entry to the colon-separated list in the environment variable
 * @var (first when @first, else last), or sets @var to @entry when it is
 * unset or empty. Returns 0, or -1 (out of memory). */
int braid__cli_env_list_add (const char *var, const char *entry, bool first);

/* braid__cli_find_helper:
 * The path of the viewer's program @name (braid-render, braid-viewer),
 * which braid runs as git runs its subcommands, into @buf: the one the
 * environment variable @env names (an uninstalled build sets it), else
 * the one beside braid, else the one in the bindir braid was configured
 * with; the first that can be run. Returns 0, or -1 with the first
 * candidate looked at in @buf, for the message. */
int braid__cli_find_helper (const char *name, const char *env, char *buf,
                            size_t size);

/* getopt_long for a command, whose name is @argv[0]: returns the next
 * option as getopt_long does, or -1 after the last; on an unknown option
 * or a missing value it prints the problem as braid__cli_usage_error()
 * does and returns '?' (the command then returns CLI_EXIT_USAGE). main()
 * resets optind before it calls a command. */
int braid__cli_getopt (int argc, char **argv, const char *optstring,
                       const struct option *longopts);

/* After a command's options: the one operand left, its trace FILE; or
 * NULL after a usage error (none, or more than one). */
const char *braid__cli_trace_arg (int argc, char **argv);

/* The arguments of a command whose only option is -h, --help and which
 * takes one trace FILE: returns FILE; or NULL with *@status set to 0
 * after printing @help, or to CLI_EXIT_USAGE after a usage error. */
const char *braid__cli_file_only (int argc, char **argv, const char *help,
                                  int *status);

/* Prints "braid: <msg>" and a hint to see `braid <cmd> --help`, returns
 * CLI_EXIT_USAGE. */
int braid__cli_usage_error (const char *cmd, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

#endif /* BRAID_CLI_H */
