#!/usr/bin/env python3
"""check-man-pages.py: a built manual page renders and documents its program.

    check-man-pages.py PAGE.1 PROGRAM [--commands]

Renders PAGE.1 (built from doc/man/*.scd by scdoc) with `man -l` and checks
that it renders without a warning, has the sections a page needs, names
the version that `PROGRAM --version` prints, and mentions every option
that `PROGRAM --help` prints, so that the page and the program cannot
drift apart. With --commands, PROGRAM is braid: the commands its --help
lists each need a section of the page ("braid run ..."), and every option
of each `braid COMMAND --help` must be on the page too.

Prints TAP; exits 77 (skipped) when `man` is not installed.
"""
import os
import re
import shutil
import subprocess
import sys

from help_text import Tap, commands_of, options_of, run

tap = Tap()
check = tap.check


def render(page):
    """The page as plain text, and what man said on stderr."""
    env = dict(os.environ, LC_ALL="C", MANWIDTH="200", MAN_KEEP_FORMATTING="")
    env.pop("MANPAGER", None)
    env.pop("PAGER", None)
    r = subprocess.run(["man", "--warnings", "--nh", "--nj", "-l", page],
                       capture_output=True, text=True, env=env, timeout=30)
    # Overstrikes (bold, underline) if man kept any.
    text = re.sub(r".\x08", "", r.stdout)
    return r.returncode, text, r.stderr


def mentions(text, word):
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])",
                     text) is not None


def main():
    args = [a for a in sys.argv[1:] if a != "--commands"]
    with_commands = "--commands" in sys.argv[1:]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    page, program = args
    if shutil.which("man") is None:
        print("1..0 # SKIP man is not installed (Debian package man-db)")
        return 77
    name = os.path.basename(page).rsplit(".", 1)[0]

    rc, text, warnings = render(page)
    check(rc == 0 and text.strip(), f"man -l {name}.1 renders")
    check(warnings.strip() == "",
          f"man --warnings has nothing to say: {warnings.strip()!r}")
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "SEE ALSO"):
        check(re.search(r"^" + section + r"$", text, re.M),
              f"{name}.1 has a {section} section")
    check(re.search(r"^\s*" + re.escape(name) + r" - ", text, re.M),
          f"{name}.1's NAME line reads '{name} - ...'")

    version = run([program, "--version"])
    check(version.returncode == 0, f"{name} --version exits 0")
    words = version.stdout.split()
    check(len(words) >= 2 and words[0] == name,
          f"{name} --version prints '{name} VERSION': {version.stdout!r}")
    if len(words) >= 2:
        check(f"braid {words[1]}" in text,
              f"{name}.1 documents version {words[1]}")

    helps = {name: run([program, "--help"])}
    if with_commands:
        commands = commands_of(helps[name].stdout)
        check(len(commands) >= 6,
              f"{name} --help lists its commands: {commands}")
        for command in commands:
            check(re.search(r"^\s+" + re.escape(f"{name} {command}") + r"\b",
                            text, re.M),
                  f"{name}.1 has a section for '{name} {command}'")
            helps[f"{name} {command}"] = run([program, command, "--help"])
    for what, r in helps.items():
        check(r.returncode == 0 and r.stdout.strip(),
              f"{what} --help exits 0 and prints the options")
        missing = [o for o in options_of(r.stdout) if not mentions(text, o)]
        check(not missing,
              f"{name}.1 mentions every option of {what} --help"
              + (f" (missing: {', '.join(missing)})" if missing else ""))

    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
