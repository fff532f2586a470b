/* safe-text.c: the strings of a trace, made safe for a terminal and for
 * JSON (safe-text.h says who calls what).
 *
 * Both writers walk their input one piece at a time: a well-formed UTF-8
 * character (braid__utf8_char, the one decoder) or a byte that is not
 * part of one. A terminal gets the character as it is unless it is a
 * control or a bidirectional formatting character, which it gets as a
 * visible escape; JSON gets it as it is unless the format (or a
 * JavaScript reader) needs an escape, and gets U+FFFD for the invalid
 * byte. Nothing here is hot: it runs per printed string.
 */
#include "safe-text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

size_t
braid__utf8_char (const unsigned char *p, size_t avail, uint32_t *cp)
{
  unsigned char b = p[0];
  if (b < 0x80)
    {
      *cp = b;
      return 1;
    }
  size_t len;
  uint32_t v;
  /* The range of the second byte depends on the first (RFC 3629): it is
   * what rules out overlong forms, surrogates and values past U+10FFFF. */
  unsigned char lo = 0x80, hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf)
    len = 2, v = b & 0x1f;
  else if (b >= 0xe0 && b <= 0xef)
    {
      len = 3, v = b & 0x0f;
      if (b == 0xe0)
        lo = 0xa0;
      else if (b == 0xed)
        hi = 0x9f;
    }
  else if (b >= 0xf0 && b <= 0xf4)
    {
      len = 4, v = b & 0x07;
      if (b == 0xf0)
        lo = 0x90;
      else if (b == 0xf4)
        hi = 0x8f;
    }
  else
    return 0;
  if (avail < len || p[1] < lo || p[1] > hi)
    return 0;
  for (size_t i = 1; i < len; i++)
    {
      if ((p[i] & 0xc0) != 0x80)
        return 0;
      v = v << 6 | (p[i] & 0x3f);
    }
  *cp = v;
  return len;
}

size_t
braid__utf8_cut (const char *s, size_t max_bytes)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t n = strlen (s), at = 0;
  while (at < n)
    {
      uint32_t cp;
      size_t len = braid__utf8_char (p + at, n - at, &cp);
      if (len == 0)
        len = 1;
      if (at + len > max_bytes)
        break;
      at += len;
    }
  return at;
}

/* Whether a terminal must not get code point @cp raw: C0 and C1 controls,
 * DEL, and the characters that change the direction of what follows
 * them (a name could otherwise turn the rest of a report's line around). */
static int
terminal_escapes (uint32_t cp)
{
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c
         || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e)
         || (cp >= 0x2066 && cp <= 0x2069);
}

/* The escape of code point @cp (one terminal_escapes accepts) into @out
 * (at least 8 bytes); returns its length. */
static size_t
terminal_escape (uint32_t cp, char *out)
{
  switch (cp)
    {
    case '\n':
      return (size_t) snprintf (out, 8, "\\n");
    case '\r':
      return (size_t) snprintf (out, 8, "\\r");
    case '\t':
      return (size_t) snprintf (out, 8, "\\t");
    default:
      if (cp < 0x80)
        return (size_t) snprintf (out, 8, "\\x%02x", (unsigned) cp);
      return (size_t) snprintf (out, 8, "\\u%04x", (unsigned) cp);
    }
}

/* The next piece of @p (@avail bytes, at least 1) for a terminal, into
 * @out (at least 8 bytes): the character's bytes, or its escape. Returns
 * the output's length, sets *in to the input bytes it stands for and
 * *cols to the columns it takes (one for a character, one per byte of an
 * escape). */
static size_t
terminal_piece (const unsigned char *p, size_t avail, char *out, size_t *in,
                size_t *cols)
{
  uint32_t cp;
  size_t len = braid__utf8_char (p, avail, &cp), n;
  if (len == 0)
    {
      *in = 1;
      n = (size_t) snprintf (out, 8, "\\x%02x", p[0]);
      *cols = n;
      return n;
    }
  *in = len;
  if (!terminal_escapes (cp))
    {
      memcpy (out, p, len);
      *cols = 1;
      return len;
    }
  n = terminal_escape (cp, out);
  *cols = n;
  return n;
}

char *
braid__text_terminal (const char *s, size_t max_cols, char *buf, size_t size,
                      size_t *cols)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t n = strlen (s), at = 0, out = 0, used = 0;
  while (at < n)
    {
      char piece[8];
      size_t in, c;
      size_t len = terminal_piece (p + at, n - at, piece, &in, &c);
      if (out + len > size - 1 || used + c > max_cols)
        break;
      memcpy (buf + out, piece, len);
      out += len;
      used += c;
      at += in;
    }
  buf[out] = '\0';
  if (cols != NULL)
    *cols = used;
  return buf;
}

char *
braid__text_terminal_dup (const char *s)
{
  /* An escape is at most four bytes per byte of input (\xNN). */
  size_t size = strlen (s) * 4 + 1;
  char *buf = malloc (size);
  if (buf == NULL)
    return NULL;
  return braid__text_terminal (s, SIZE_MAX, buf, size, NULL);
}

void
braid__error_printf (char **error, const char *fmt, ...)
{
  if (error == NULL || *error != NULL)
    return;
  va_list ap;
  va_start (ap, fmt);
  int len = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  char *raw = len >= 0 ? malloc ((size_t) len + 1) : NULL;
  if (raw == NULL)
    return;
  va_start (ap, fmt);
  vsnprintf (raw, (size_t) len + 1, fmt, ap);
  va_end (ap);
  *error = braid__text_terminal_dup (raw);
  free (raw);
}

void
braid__text_fputs_terminal (const char *s, FILE *out)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t n = strlen (s), at = 0;
  while (at < n)
    {
      char piece[8];
      size_t in, c;
      size_t len = terminal_piece (p + at, n - at, piece, &in, &c);
      fwrite (piece, 1, len, out);
      at += in;
    }
}

void
braid__json_chars (FILE *out, const char *s, size_t max_bytes)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t n = braid__utf8_cut (s, max_bytes), at = 0;
  while (at < n)
    {
      uint32_t cp;
      size_t len = braid__utf8_char (p + at, n - at, &cp);
      if (len == 0)
        {
          fputs ("\xef\xbf\xbd", out); /* U+FFFD, the replacement */
          at++;
          continue;
        }
      if (cp == '"' || cp == '\\')
        fprintf (out, "\\%c", (char) cp);
      else if (cp == '\n')
        fputs ("\\n", out);
      else if (cp == '\r')
        fputs ("\\r", out);
      else if (cp == '\t')
        fputs ("\\t", out);
      else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028
               || cp == 0x2029)
        fprintf (out, "\\u%04x", (unsigned) cp);
      else
        fwrite (p + at, 1, len, out);
      at += len;
    }
}

void
braid__json_string (FILE *out, const char *s)
{
  fputc ('"', out);
  braid__json_chars (out, s, SIZE_MAX);
  fputc ('"', out);
}
