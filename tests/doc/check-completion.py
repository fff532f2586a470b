#!/usr/bin/env python3
"""check-completion.py: the bash completion of braid's programs works in bash.

    check-completion.py SCRIPT BRAID [BRAID_RENDER [BRAID_VIEWER]]

Sources SCRIPT (completions/braid.bash) in a real bash and calls its
completion functions as bash would (COMP_WORDS, COMP_CWORD), in a scratch
folder holding a.braid, b.db, c.txt and sub/. Checks that `complete -p`
knows the programs; that `braid r` offers run, report, render and repair;
that every command of `braid --help` is offered, and every option of each
`braid COMMAND --help`, `braid-render --help` and `braid-viewer --help`,
so that the script cannot fall behind the programs; that trace files are
offered where a trace is read and any file after -o; and the values of
--axis and --format, also in the --opt=value form.

Prints TAP.
"""
import os
import re
import subprocess
import sys
import tempfile

from help_text import Tap, commands_of, options_of, run

tap = Tap()
check = tap.check

# Calls the completion function of "$1" on the words "$@" (the last one
# being completed) and prints what it offers, one per line, between
# markers.
HARNESS = r"""
source "$SCRIPT" || exit 3
complete_words () {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  local spec fn
  spec=$(complete -p "$1") || return
  fn=${spec#*-F }
  fn=${fn%% *}
  "$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" \
    2>/dev/null
  printf '%s\n' "${COMPREPLY[@]}"
}
"""

def bash(script_path, body, cwd):
    env = dict(os.environ, SCRIPT=script_path)
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c",
                        HARNESS + body], capture_output=True, text=True,
                       cwd=cwd, env=env, timeout=60)
    return r


def offers(script_path, words, cwd):
    """What completing the last of @words offers, as a set."""
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    r = bash(script_path, f"complete_words {quoted}", cwd)
    return set(line for line in r.stdout.splitlines() if line)


def help_options(argv):
    r = run(argv + ["--help"])
    return r.returncode, options_of(r.stdout), r.stdout


def offers_every_option(script, program_argv, words, d):
    """Completing @words (ending in "-") offers every option of the
    --help of @program_argv."""
    rc, options, _ = help_options(program_argv)
    got = offers(script, words, d)
    missing = [o for o in options if o not in got]
    check(rc == 0 and options and not missing,
          f"{' '.join(words)} offers every option of its --help"
          + (f" (missing: {missing})" if missing else ""))


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    script = os.path.abspath(sys.argv[1])
    braid = sys.argv[2]
    render = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
    viewer = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else None

    with tempfile.TemporaryDirectory(prefix="braid-completion-") as d:
        for f in ("a.braid", "b.db", "c.txt"):
            open(os.path.join(d, f), "w").close()
        os.mkdir(os.path.join(d, "sub"))
        traces = {"a.braid", "b.db", "sub"}
        every_file = traces | {"c.txt"}

        r = bash(script, "complete -p braid braid-render braid-viewer", d)
        check(r.returncode == 0, "the script sources in bash --norc")
        for program in ("braid", "braid-render", "braid-viewer"):
            check(re.search(r"^complete -F \S+ " + re.escape(program) + "$",
                            r.stdout, re.M),
                  f"complete -p {program} names a function")

        got = offers(script, ["braid", "r"], d)
        check(got == {"run", "report", "render", "repair"},
              f"braid r offers run report render repair: {sorted(got)}")

        rc, _, top = help_options([braid])
        commands = commands_of(top)
        got = offers(script, ["braid", ""], d)
        missing = [c for c in commands if c not in got]
        check(commands and not missing,
              "braid offers every command of braid --help"
              + (f" (missing: {missing})" if missing else ""))

        for command in commands:
            offers_every_option(script, [braid, command],
                                ["braid", command, "-"], d)

        for command in ("report", "problems", "repair", "export", "diff"):
            got = offers(script, ["braid", command, ""], d)
            check(got == traces,
                  f"braid {command} offers trace files and folders: "
                  f"{sorted(got)}")
        got = offers(script, ["braid", "run", "-o", ""], d)
        check(got == every_file, f"braid run -o offers any file: {sorted(got)}")
        got = offers(script, ["braid", "export", "a.braid", "--output", "=",
                              ""], d)
        check(got == every_file,
              f"braid export --output= offers any file: {sorted(got)}")
        got = offers(script, ["braid", "report", "--axis", "=", ""], d)
        check(got == {"steps", "time"},
              f"braid report --axis= offers steps, time: {sorted(got)}")
        got = offers(script, ["braid", "export", "-f", ""], d)
        check(got == {"chrome", "perfetto"},
              f"braid export -f offers chrome, perfetto: {sorted(got)}")
        got = offers(script, ["braid", "export", "--axis", ""], d)
        check(got == {"steps", "time"},
              f"braid export --axis offers steps, time: {sorted(got)}")
        got = offers(script, ["braid", "help", "p"], d)
        check(got == {"problems"}, f"braid help p offers problems: {sorted(got)}")
        # After PROGRAM, the words are the program's: braid's own options
        # are not offered there.
        got = offers(script, ["braid", "run", "-o", "t.braid", "--", "ls",
                              "--o"], d)
        check("--output" not in got,
              "braid run ... -- ls --o does not offer braid's --output")

        if render:
            offers_every_option(script, [render], ["braid-render", "-"], d)
            got = offers(script, ["braid-render", "a.braid", "-o", ""], d)
            check(got == every_file,
                  f"braid-render -o offers any file: {sorted(got)}")
            got = offers(script, ["braid-render", "--axis", ""], d)
            check(got == {"time", "steps", "auto"},
                  f"braid-render --axis offers time, steps, auto: {sorted(got)}")
            got = offers(script, ["braid-render", ""], d)
            check(got == traces, f"braid-render offers trace files: {sorted(got)}")
        if viewer:
            offers_every_option(script, [viewer], ["braid-viewer", "-"], d)
            got = offers(script, ["braid-viewer", ""], d)
            check(got == traces, f"braid-viewer offers trace files: {sorted(got)}")

    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
