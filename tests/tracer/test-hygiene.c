/* test-hygiene.c: trace strings are untrusted bytes, and nothing braid
 * prints passes them through raw. A program records task names, error
 * messages and output lines full of terminal controls (ESC, BEL, CR, OSC
 * and CSI sequences), invalid UTF-8 and multibyte characters where the
 * export cuts a name: `braid report` and `braid problems` print no raw
 * control byte, `braid export` writes JSON that python3's json module
 * parses from strict UTF-8 with the names cut on a character boundary,
 * and an error message that quotes the file (SQLite naming a table of its
 * schema) is escaped too. The writers themselves (safe-text.c) are
 * checked byte for byte. */
#include <sqlite3.h>

#include "trace-test-util.h"
#include "format/safe-text.h"

/* A name that would retitle the terminal (OSC 0, ended by BEL), return
 * the cursor and clear the screen, with a lone C1 CSI byte at the end. */
#define EVIL_NAME "evil\x1b]0;owned\x07\r\x1b[2J\x9b"
/* An error message with an OSC 8 hyperlink and a colour. */
#define EVIL_MESSAGE "bad\x1b]8;;http://x/\x07link\x1b]8;;\x07 \x1b[31mred"
/* An output line with invalid UTF-8 (a stray byte, a bad continuation, a
 * surrogate) and a colour. */
#define EVIL_OUTPUT "out \xff\xfe \xc3\x28 \xed\xa0\x80 \x1b[1mbold"

/* @prefix, @n times @piece, then @suffix (g_free). */
static char *
repeated (const char *prefix, const char *piece, int n, const char *suffix)
{
  GString *s = g_string_new (prefix);
  for (int i = 0; i < n; i++)
    g_string_append (s, piece);
  g_string_append (s, suffix);
  return g_string_free (s, FALSE);
}

/* 'a' and 100 euro signs (3 bytes each): byte 255, where export used to
 * cut a track's name, falls inside the 85th. */
static char *
long_multibyte_name (void)
{
  return repeated ("a", "\xe2\x82\xac", 100, "");
}

static char *
record_hostile_trace (void)
{
  char *path = test_trace_path ("hostile.db");
  char *long_name = long_multibyte_name ();
  g_assert_cmpint (braid__trace_begin (path, 0, 0), ==, 0);
  feed (BRAID_EV_TASK_CREATED, 10, 1, 0, 0, 0, 0, 3, "main", "main",
        "x.c");
  feed (BRAID_EV_TASK_CREATED, 20, 2, 1, 0, 0, 0, 4, EVIL_NAME,
        "f\x1b[5m", "dir/\x1b[7mfile.c");
  feed (BRAID_EV_TASK_CREATED, 30, 3, 1, 0, 0, 0, 5, long_name, "g", "x.c");
  feed (BRAID_EV_TASK_RESUMED, 40, 2, 0, 0, 0, 0, 0, NULL, NULL, NULL);
  feed (BRAID_EV_OUTPUT, 45, 2, 0, 0, 0, 0, 1, EVIL_OUTPUT, NULL, NULL);
  feed (BRAID_EV_TASK_FAILED, 50, 2, 0, 0, 0, 0, 7, "Error\x07",
        EVIL_MESSAGE, "x.c");
  feed (BRAID_EV_ERROR_NEVER_RETRIEVED, 60, 2, 0, 2, 0, 0, 7, "Error\x07",
        EVIL_MESSAGE, "x.c");
  feed (BRAID_EV_TASK_RESUMED, 70, 3, 0, 0, 0, 0, 0, NULL, NULL, NULL);
  feed (BRAID_EV_OUTPUT, 75, 3, 0, 0, 0, 0, 1, long_name, NULL, NULL);
  feed (BRAID_EV_TASK_COMPLETED, 80, 3, 0, 0, 0, 0, 0, NULL, NULL, NULL);
  g_assert_cmpint (braid_trace_stop (), ==, 0);
  g_free (long_name);
  return path;
}

/* Fails the test if @text holds anything a terminal would act on: a C0
 * control other than the newline, DEL, a C1 control (raw or as UTF-8), or
 * invalid UTF-8. */
static void
assert_terminal_safe (const char *what, const char *text)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if ((c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f))
        g_error ("%s prints U+%04X raw at byte %ld", what, c,
                 (long) (p - text));
    }
}

static void
test_report_and_problems_escape_control_bytes (void)
{
  char *path = record_hostile_trace ();
  char *out = NULL, *err = NULL;
  const char *report[] = { "report", path, NULL };
  g_assert_cmpint (spawn_braid (report, &out, &err), ==, 0);
  assert_terminal_safe ("report", out);
  /* The name is there, readable, with its controls spelt out. */
  g_assert_nonnull (strstr (out, "evil\\x1b]0;own"));
  g_assert_nonnull (strstr (out, "\\x1b[7mfile.c"));
  g_free (out);
  g_free (err);

  const char *time_axis[] = { "report", "--axis", "time", path, NULL };
  g_assert_cmpint (spawn_braid (time_axis, &out, &err), ==, 0);
  assert_terminal_safe ("report --axis time", out);
  g_free (out);
  g_free (err);

  const char *problems[] = { "problems", path, NULL };
  g_assert_cmpint (spawn_braid (problems, &out, &err), ==, 1);
  assert_terminal_safe ("problems", out);
  g_assert_nonnull (
    strstr (out, "'evil\\x1b]0;owned\\x07\\r\\x1b[2J\\x9b' failed with "
                 "Error\\x07: bad\\x1b]8;;http://x/\\x07link"));
  g_free (out);
  g_free (err);
  remove_trace (path);
  g_free (path);
}

/* Runs python3 on @script with @arg; returns its exit status and its
 * output in *out. */
static int
python (const char *script, const char *arg, char **out)
{
  const char *argv[] = { "python3", "-c", script, arg, NULL };
  char *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err,
                               &status, NULL));
  if (err != NULL && err[0] != '\0')
    g_test_message ("python3: %s", err);
  g_free (err);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_export_is_valid_utf8_json (void)
{
  char *path = record_hostile_trace ();
  char *json = g_strconcat (path, ".json", NULL);
  const char *args[] = { "export", "-o", json, path, NULL };
  g_assert_cmpint (spawn_braid (args, NULL, NULL), ==, 0);
  /* Strict UTF-8 first (json.loads of bytes would guess), then JSON; the
   * names and texts it holds are printed back, one per line, escaped by
   * Python so that this test can compare them. */
  static const char script[]
    = "import json, sys\n"
      "text = open(sys.argv[1], 'rb').read().decode('utf-8')\n"
      "doc = json.loads(text)\n"
      "for e in doc['traceEvents']:\n"
      "    a = e.get('args', {})\n"
      "    if e.get('name') == 'thread_name':\n"
      "        print('track', ascii(a['name']))\n"
      "    if 'text' in a:\n"
      "        print('text', ascii(a['text']))\n";
  char *out = NULL;
  g_assert_cmpint (python (script, json, &out), ==, 0);
  g_test_message ("%s", out);
  /* The controls are escaped in JSON and come back as themselves. */
  g_assert_nonnull (
    strstr (out, "track 'evil\\x1b]0;owned\\x07\\r\\x1b[2J\\ufffd (task 2)'"));
  /* Each invalid byte is one U+FFFD; valid text around it is kept. */
  g_assert_nonnull (strstr (out, "text 'out \\ufffd\\ufffd \\ufffd( "
                                 "\\ufffd\\ufffd\\ufffd \\x1b[1mbold'"));
  /* The long name is cut on a character boundary at 255 bytes: 'a' and
   * 84 euro signs (253 bytes), never half of the 85th. */
  char *want = repeated ("track 'a", "\\u20ac", 84, " (task 3)'");
  g_assert_nonnull (strstr (out, want));
  g_free (want);
  /* Outputs are not cut: all 100 signs. */
  char *whole = repeated ("text 'a", "\\u20ac", 100, "'");
  g_assert_nonnull (strstr (out, whole));
  g_free (whole);
  g_free (out);
  g_unlink (json);
  g_free (json);
  remove_trace (path);
  g_free (path);
}

/* SQLite's message for a broken schema quotes the name of the object it
 * could not parse, a name taken from the file: the reader's one-line
 * error, and braid's, escape it. */
static void
test_errors_quoting_the_file_are_escaped (void)
{
  char *path = record_hostile_trace ();
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
  char *msg = NULL;
  int rc = sqlite3_exec (db,
                         "PRAGMA writable_schema = ON;"
                         "INSERT INTO sqlite_schema VALUES ('table',"
                         " 'x' || char(27) || ']0;owned' || char(7), 'x', 0,"
                         " 'CREATE TABLE oops (')",
                         NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    g_error ("planting the schema: %s", msg);
  sqlite3_close (db);

  braid_trace *trace = NULL;
  char *error = NULL;
  g_assert_cmpint (braid_trace_open (path, NULL, &trace, &error), <, 0);
  g_assert_nonnull (error);
  g_test_message ("reader: %s", error);
  assert_terminal_safe ("the reader's error", error);
  g_assert_nonnull (strstr (error, "x\\x1b]0;owned\\x07"));
  free (error);

  const char *commands[] = { "report", "problems", "export", "repair" };
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *args[] = { commands[i], path, NULL };
      char *out = NULL, *err = NULL;
      g_assert_cmpint (spawn_braid (args, &out, &err), ==, 2);
      assert_terminal_safe (commands[i], err);
      g_assert_nonnull (strstr (err, "x\\x1b]0;owned\\x07"));
      g_free (out);
      g_free (err);
    }
  remove_trace (path);
  g_free (path);
}

/* braid__text_terminal: controls escaped, valid UTF-8 kept, invalid bytes
 * spelt out, cuts on character (and escape) boundaries only. */
static void
test_terminal_writer_escapes_and_cuts_whole_characters (void)
{
  char buf[128];
  size_t cols = 0;
  g_assert_cmpstr (braid__text_terminal ("a\x1b[1m\tb\n\r\x7f", SIZE_MAX, buf,
                                         sizeof buf, &cols),
                   ==, "a\\x1b[1m\\tb\\n\\r\\x7f");
  g_assert_cmpuint (cols, ==, strlen (buf));
  /* UTF-8 kept, one column per character; C1 and bidi controls escaped. */
  g_assert_cmpstr (braid__text_terminal ("\xc3\xa9\xe2\x82\xac \xc2\x9b "
                                         "\xe2\x80\xae",
                                         SIZE_MAX, buf, sizeof buf, &cols),
                   ==, "\xc3\xa9\xe2\x82\xac \\u009b \\u202e");
  g_assert_cmpuint (cols, ==, 2 + 1 + 6 + 1 + 6);
  /* Invalid bytes, an overlong '/', a surrogate, a cut sequence. */
  g_assert_cmpstr (braid__text_terminal ("\xff\xc0\xaf\xed\xa0\x80\xe2\x82",
                                         SIZE_MAX, buf, sizeof buf, NULL),
                   ==, "\\xff\\xc0\\xaf\\xed\\xa0\\x80\\xe2\\x82");
  /* A backslash is kept: escaping twice changes nothing. */
  g_assert_cmpstr (braid__text_terminal ("a\\x1b", SIZE_MAX, buf, sizeof buf,
                                         NULL),
                   ==, "a\\x1b");
  /* Column limit: whole characters and whole escapes only. */
  g_assert_cmpstr (braid__text_terminal ("\xe2\x82\xac\xe2\x82\xac\xe2\x82"
                                         "\xac",
                                         2, buf, sizeof buf, &cols),
                   ==, "\xe2\x82\xac\xe2\x82\xac");
  g_assert_cmpuint (cols, ==, 2);
  g_assert_cmpstr (braid__text_terminal ("ab\x1b", 5, buf, sizeof buf,
                                         &cols),
                   ==, "ab");
  /* Byte limit: the same. */
  g_assert_cmpstr (braid__text_terminal ("a\xe2\x82\xac", SIZE_MAX, buf, 4,
                                         NULL),
                   ==, "a");
  char *dup = braid__text_terminal_dup ("\x1b\x1b\x1b");
  g_assert_cmpstr (dup, ==, "\\x1b\\x1b\\x1b");
  free (dup);
}

/* The JSON string writer into a memory stream. */
static char *
json_of (const char *s, size_t max_bytes)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  g_assert_nonnull (f);
  braid__json_chars (f, s, max_bytes);
  fclose (f);
  return buf;
}

static void
test_json_writer_emits_valid_utf8 (void)
{
  char *j = json_of ("q\"b\\n\n\t\x01\x7f\xc2\x85\xe2\x80\xa8", SIZE_MAX);
  g_assert_cmpstr (j, ==, "q\\\"b\\\\n\\n\\t\\u0001\\u007f\\u0085\\u2028");
  free (j);
  j = json_of ("\xff" "a\xc3" "b\xed\xa0\x80\xf4\x90\x80\x80", SIZE_MAX);
  g_assert_true (g_utf8_validate (j, -1, NULL));
  g_assert_cmpstr (j, ==, "\xef\xbf\xbd" "a\xef\xbf\xbd" "b"
                          "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                          "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                          "\xef\xbf\xbd");
  free (j);
  /* A cut never splits a character: 4 bytes of "aé€" is "aé". */
  j = json_of ("a\xc3\xa9\xe2\x82\xac", 4);
  g_assert_cmpstr (j, ==, "a\xc3\xa9");
  free (j);
  g_assert_cmpuint (braid__utf8_cut ("a\xc3\xa9\xe2\x82\xac", 5), ==, 3);
  g_assert_cmpuint (braid__utf8_cut ("\xff\xff", 1), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/hygiene/report-and-problems-escape-control-bytes",
                   test_report_and_problems_escape_control_bytes);
  g_test_add_func ("/tracer/hygiene/export-is-valid-utf8-json",
                   test_export_is_valid_utf8_json);
  g_test_add_func ("/tracer/hygiene/errors-quoting-the-file-are-escaped",
                   test_errors_quoting_the_file_are_escaped);
  g_test_add_func ("/tracer/hygiene/terminal-writer-escapes-and-cuts-whole-"
                   "characters",
                   test_terminal_writer_escapes_and_cuts_whole_characters);
  g_test_add_func ("/tracer/hygiene/json-writer-emits-valid-utf8",
                   test_json_writer_emits_valid_utf8);
  return g_test_run ();
}
