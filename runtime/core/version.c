/* version.c: braid_version(), the version of the libbraid that was loaded
 * (the headers' version is BRAID_VERSION_STRING, braid-version.h). */
#include <braid/braid.h>

const char *
braid_version (void)
{
  return BRAID_VERSION_STRING;
}
