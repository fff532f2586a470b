/* cli-options.h: what braid and braid-render say about a command line
 * that getopt_long refused.
 *
 * Both tools parse their options with getopt_long, silenced (opterr = 0,
 * an optstring that starts with ':' or "+:"), and print their own
 * one-line messages; this header gives them the same words. Long options
 * without a short form use values from CLI_LONG_ONLY up, so that they
 * cannot be mistaken for a short option.
 */
#ifndef BRAID_CLI_OPTIONS_H
#define BRAID_CLI_OPTIONS_H

#include <getopt.h>
#include <stddef.h>

/* The first getopt_long value of a long option that has no short form. */
#define CLI_LONG_ONLY 256

/* Writes into @buf (@size bytes, always NUL-terminated) what was wrong
 * after getopt_long (@argv, @longopts) returned @c, '?' or ':', as a
 * phrase without the program's name: "unknown option '--bogus'",
 * "ambiguous option '--o'", "--output needs a value", "--help takes no
 * value". It reads getopt's optind and optopt, so call it before the next
 * getopt_long. */
void braid__cli_option_problem (int c, char *const *argv,
                                const struct option *longopts, char *buf,
                                size_t size);

#endif /* BRAID_CLI_OPTIONS_H */
