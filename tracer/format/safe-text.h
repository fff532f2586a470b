/* safe-text.h: the strings of a trace, made safe for where they go.
 *
 * Every string in a trace file is untrusted bytes: task names, error
 * messages and output lines come from the traced program (or from whoever
 * wrote the file), and SQLite's own error messages can quote the file's
 * schema. Nothing that prints them may pass them through raw. This file
 * has the two writers every printer uses: one for a terminal (control
 * characters escaped, as git and ls do) and one for JSON (always valid
 * UTF-8). libbraid-trace builds it for the reader's error messages, and
 * the braid tool builds its own copy for the commands that print trace
 * content (the library exports only braid-trace.h).
 */
#ifndef BRAID_SAFE_TEXT_H
#define BRAID_SAFE_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* braid__utf8_char:
 * Decodes the UTF-8 character at @p, of which @avail (at least 1) bytes
 * may be read. Returns its length (1 to 4) and stores the code point in
 * *cp, or returns 0 when the bytes are not a well-formed character (a
 * stray continuation byte, an overlong form, a surrogate, a code point
 * above U+10FFFF, or a sequence cut short), as RFC 3629 defines it. */
size_t braid__utf8_char (const unsigned char *p, size_t avail, uint32_t *cp);

/* braid__utf8_cut:
 * The length of the longest prefix of @s (NUL-terminated) that is at most
 * @max_bytes long and does not end inside a well-formed character. An
 * invalid byte counts as a character of its own. */
size_t braid__utf8_cut (const char *s, size_t max_bytes);

/* braid__text_terminal:
 * Copies @s (NUL-terminated, untrusted) into @buf of @size bytes (at
 * least 1) as text that is safe to print on a terminal, and returns @buf:
 * well-formed UTF-8 is kept, and every character that could move the
 * cursor, change the terminal's state or reorder the line is written as
 * an escape: \n, \r and \t for those three, \xNN for the other C0 control
 * bytes (ESC is \x1b), DEL and each byte that is not part of a
 * well-formed character, \uNNNN for the C1 controls (U+0080 to U+009F)
 * and the bidirectional formatting characters. A backslash is kept as it
 * is, so escaping escaped text changes nothing. The copy stops before a
 * character or escape that would take it past @max_cols columns (a
 * character counts as one; SIZE_MAX for no limit) or past @size - 1
 * bytes: it never cuts one in two. *cols (may be NULL) gets the columns
 * written. */
char *braid__text_terminal (const char *s, size_t max_cols, char *buf,
                            size_t size, size_t *cols);

/* braid__text_terminal_dup:
 * braid__text_terminal of all of @s into a new malloc'd string (free
 * it), or NULL when out of memory. */
char *braid__text_terminal_dup (const char *s);

/* braid__error_printf:
 * Stores the printf-style message @fmt in *@error, a new malloc'd string
 * made safe for a terminal as braid__text_terminal_dup makes it (the
 * reader's messages quote paths and SQLite's text, untrusted bytes).
 * Does nothing when @error is NULL or *@error holds a message already:
 * the first failure is the one reported. Out of memory leaves *@error
 * NULL. */
void braid__error_printf (char **error, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* braid__text_fputs_terminal:
 * Writes all of @s to @out as braid__text_terminal would copy it. */
void braid__text_fputs_terminal (const char *s, FILE *out);

/* braid__json_chars:
 * Writes @s (NUL-terminated, untrusted) to @out as the characters of a
 * JSON string, without the quotes, in valid UTF-8 whatever @s holds:
 * well-formed characters are kept, each byte that is not part of one
 * becomes U+FFFD, '"' and '\\' are escaped, and so are the control
 * characters (\n, \r, \t, and \u00NN for the others, DEL and the C1
 * controls included) and U+2028 and U+2029, which JavaScript does not
 * allow raw in a string. At most @max_bytes bytes of @s are written
 * (SIZE_MAX for all), cut on a character boundary (braid__utf8_cut). */
void braid__json_chars (FILE *out, const char *s, size_t max_bytes);

/* braid__json_string:
 * braid__json_chars of all of @s between double quotes: one JSON
 * string. */
void braid__json_string (FILE *out, const char *s);

#endif /* BRAID_SAFE_TEXT_H */
