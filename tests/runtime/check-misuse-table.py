#!/usr/bin/env python3
"""check-misuse-table.py: every pointer parameter of every call declared
in include/braid/braid.h has its NULL case in
tests/runtime/misuse-null-cases.h, and the table names no call or
parameter the header does not have.

    check-misuse-table.py BRAID_H CASES_H

A pointer parameter is one whose type has a '*', a function pointer
written out ("bool (*predicate) (void *data)"), or one of the header's
function pointer typedefs (any typedef of the form "typedef R (*NAME)
(...)"). va_list and "..." are not. Prints each difference and exits 1
if there is any, so a call added to braid.h without its misuse case
fails the suite.
"""
import re
import sys


def strip_comments_and_directives(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    # Preprocessor lines, with their continuations.
    return re.sub(r"^\s*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)


def split_params(params):
    out, depth, cur = [], 0, ""
    for ch in params:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [" ".join(p.split()) for p in out]


def header_pointer_params(path):
    src = strip_comments_and_directives(open(path, encoding="utf-8").read())
    fn_typedefs = set(re.findall(r"typedef[^;]*?\(\s*\*\s*(\w+)\s*\)", src))
    pairs = set()
    decl = re.compile(
        r"([A-Za-z_][\w\s\*]*?)\(?\b(braid_\w+)\)?\s*\("
        r"((?:[^;{}()]|\([^()]*\)\s*\([^()]*\))*)\)\s*"
        r"(?:__attribute__\s*\(\(.*?\)\)\s*)?;",
        re.S,
    )
    for pre, name, params in decl.findall(src):
        if "typedef" in pre:
            continue
        for p in split_params(params):
            if p in ("", "void", "..."):
                continue
            fnptr = re.search(r"\(\s*\*\s*(\w+)\s*\)", p)
            if fnptr:
                pairs.add((name, fnptr.group(1)))
                continue
            m = re.match(r"(.*?)(\w+)$", p)
            if not m:
                sys.exit(f"cannot read parameter '{p}' of {name}")
            ptype, pname = m.groups()
            if "va_list" in ptype:
                continue
            if "*" in ptype or ptype.split()[-1] in fn_typedefs:
                pairs.add((name, pname))
    return pairs


def table_pairs(path):
    src = open(path, encoding="utf-8").read()
    return set(re.findall(r"\bX \((braid_\w+), (\w+),", src))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    header = header_pointer_params(sys.argv[1])
    table = table_pairs(sys.argv[2])
    if len(header) < 100:
        sys.exit(f"only {len(header)} pointer parameters read from "
                 f"{sys.argv[1]}: the parser is broken")
    missing = sorted(header - table)
    extra = sorted(table - header)
    for call, param in missing:
        print(f"missing: no NULL case for {call} ({param})")
    for call, param in extra:
        print(f"extra: the table has {call} ({param}), braid.h does not")
    calls = {c for c, _ in header}
    print(f"{len(header)} pointer parameters of {len(calls)} calls, "
          f"{len(table)} cases")
    sys.exit(1 if missing or extra else 0)


if __name__ == "__main__":
    main()
