"""help_text.py: what the tests of tests/doc read from the programs'
--help, and how they report (TAP). Shared by check-man-pages.py and
check-completion.py."""
import re
import subprocess

# An option as --help prints it: -o or --output, not the middle of a word
# (FILE-wal, non-negative) nor a lone '-' or '--'.
OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][A-Za-z0-9-]*)")


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=30)


def options_of(help_text):
    """The options that a --help text names, sorted, each once."""
    return sorted(set(OPTION.findall(help_text)))


def commands_of(help_text):
    """The command names of braid --help: the first words of the lines of
    its "commands:" block."""
    names, in_block = [], False
    for line in help_text.splitlines():
        if line.strip() == "commands:":
            in_block = True
        elif in_block:
            if not line.strip():
                break
            m = re.match(r"^  ([a-z]+)\b", line)
            if m:
                names.append(m.group(1))
    return names


class Tap:
    """Collects checks and prints them as TAP."""

    def __init__(self):
        self.results = []

    def check(self, ok, what):
        self.results.append((bool(ok), what))

    def finish(self):
        """Prints the plan and the results; returns the exit status."""
        print(f"1..{len(self.results)}")
        for i, (ok, what) in enumerate(self.results, 1):
            print(f"{'ok' if ok else 'not ok'} {i} {what}")
        return 0 if all(ok for ok, _ in self.results) else 1
