/* cli-options.c: the words for a refused command line (cli-options.h).
 *
 * getopt_long reports a problem as '?' or ':' and leaves what it was in
 * optind and optopt: for a long option, argv[optind - 1] is the element
 * it refused (getopt has stepped past it); for a short one, optopt is the
 * letter, which may sit inside a group such as "-qx". Nothing here is
 * hot.
 */
#include "cli-options.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The number of @longopts whose name starts with the @len bytes of
 * @name. */
static int
prefix_matches (const struct option *longopts, const char *name, size_t len)
{
  int n = 0;
  for (const struct option *o = longopts; o->name != NULL; o++)
    n += strncmp (o->name, name, len) == 0;
  return n;
}

/* Whether @val is the value of a long option that takes no argument. */
static bool
is_flag_value (const struct option *longopts, int val)
{
  for (const struct option *o = longopts; o->name != NULL; o++)
    if (o->val == val && o->flag == NULL && o->has_arg == no_argument)
      return true;
  return false;
}

void
braid__cli_option_problem (int c, char *const *argv,
                           const struct option *longopts, char *buf,
                           size_t size)
{
  const char *arg = optind > 0 ? argv[optind - 1] : "";
  bool is_long = strncmp (arg, "--", 2) == 0;
  /* The long option as typed, without any "=value". */
  int name_len = (int) strcspn (arg, "=");

  if (c == ':')
    {
      /* A missing value belongs to the last option of its element, so
       * argv[optind - 1] is that element. */
      if (is_long)
        snprintf (buf, size, "%.*s needs a value", name_len, arg);
      else
        snprintf (buf, size, "-%c needs a value", optopt);
    }
  else if (optopt == 0 && is_long
           && prefix_matches (longopts, arg + 2, (size_t) name_len - 2) > 1)
    snprintf (buf, size, "ambiguous option '%.*s'", name_len, arg);
  else if (optopt == 0)
    snprintf (buf, size, "unknown option '%.*s'", name_len, arg);
  else if (is_long && arg[name_len] == '=' && is_flag_value (longopts, optopt))
    snprintf (buf, size, "%.*s takes no value", name_len, arg);
  else
    snprintf (buf, size, "unknown option '-%c'", optopt);
}
