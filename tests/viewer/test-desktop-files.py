#!/usr/bin/env python3
"""test-desktop-files.py: braid-viewer's desktop integration (data/).

- desktop-file-validate passes on org.braidtrace.Viewer.desktop, whose
  Icon is the installed icon's name and whose MimeType is the MIME
  type data/ defines;
- appstreamcli validate --no-net passes on the metainfo, whose id and
  launchable name the desktop file and whose newest release is the
  project's version;
- both icons are SVG files that name themselves by the application id;
- a trace recorded by `braid run` is application/x-braid-trace to
  `xdg-mime query filetype`, under its .braid name and, by the application
  id in its SQLite header (magic), as a copy named .db or with no
  extension; another application's SQLite .db file is not. The MIME type
  is installed into a MIME database of a temporary XDG_DATA_HOME
  (update-mime-database), which nothing else sees; the same files are
  first checked to be plain SQLite without it, so the type comes from
  data/. xdg-mime is run with XDG_CURRENT_DESKTOP=GNOME: it then asks
  GLib (gio info), which reads the shared-mime-info database and needs no
  desktop session; with no desktop set it would ask file(1), whose magic
  knows nothing of shared-mime-info.

Usage: test-desktop-files.py DESKTOP METAINFO MIME_XML ICONS_DIR VERSION
Environment: BRAID_EXE (the braid tool), BRAID_SAMPLE_never_retrieved,
BRAID_MODULES. Prints TAP.
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

DESKTOP, METAINFO, MIME_XML, ICONS, VERSION = sys.argv[1:6]
APP_ID = "org.braidtrace.Viewer"
MIME_TYPE = "application/x-braid-trace"
results = []


def check(ok, what, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} {what}")
    if not ok and detail:
        for line in str(detail).splitlines()[-30:]:
            print(f"# {line}")
    sys.stdout.flush()
    return ok


def skip(what, why):
    results.append(True)
    print(f"ok {len(results)} {what} # SKIP {why}")


def run(cmd, env=None, timeout=60):
    return subprocess.run(cmd, env=env, text=True, capture_output=True,
                          timeout=timeout)


def desktop_entry(path):
    """The [Desktop Entry] group of a desktop file, as a dict."""
    entry, group = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                group = line
            elif group == "[Desktop Entry]" and "=" in line:
                key, value = line.split("=", 1)
                entry[key] = value
    return entry


# The desktop file.
if shutil.which("desktop-file-validate"):
    r = run(["desktop-file-validate", DESKTOP])
    check(r.returncode == 0 and not r.stdout.strip(),
          "desktop-file-validate passes, without a hint",
          r.stdout + r.stderr)
else:
    skip("desktop-file-validate passes", "desktop-file-utils not installed")
entry = desktop_entry(DESKTOP)
check(os.path.basename(DESKTOP) == APP_ID + ".desktop"
      and entry.get("Icon") == APP_ID,
      "the desktop file and its icon are named by the application id",
      entry)
check(entry.get("MimeType", "").split(";")[:1] == [MIME_TYPE],
      f"the desktop file opens {MIME_TYPE}", entry.get("MimeType"))
check(entry.get("Exec", "").split()[0] == "braid-viewer",
      "the desktop file starts braid-viewer", entry.get("Exec"))

# The AppStream metadata.
if shutil.which("appstreamcli"):
    r = run(["appstreamcli", "validate", "--no-net", "--explain", METAINFO])
    check(r.returncode == 0, "appstreamcli validate --no-net passes",
          r.stdout + r.stderr)
else:
    skip("appstreamcli validate --no-net passes", "appstream not installed")
meta = ET.parse(METAINFO).getroot()
check(meta.findtext("id") == APP_ID
      and meta.findtext("launchable") == os.path.basename(DESKTOP),
      "the metainfo's id and launchable name the desktop file")
releases = [r.get("version") for r in meta.iter("release")]
check(releases[:1] == [VERSION],
      f"the metainfo's newest release is the project's version {VERSION}",
      releases)
check([m.text for m in meta.iter("mediatype")] == [MIME_TYPE],
      f"the metainfo provides {MIME_TYPE}")

# The icons: SVG, under the names the desktop file and the app ask for.
for rel in (f"scalable/apps/{APP_ID}.svg",
            f"symbolic/apps/{APP_ID}-symbolic.svg"):
    path = os.path.join(ICONS, rel)
    try:
        root = ET.parse(path).getroot()
        ok = root.tag == "{http://www.w3.org/2000/svg}svg"
    except (OSError, ET.ParseError) as e:
        ok, root = False, e
    check(ok, f"hicolor/{rel} is an SVG image", root)

# The MIME type, on a real trace.
tmp = tempfile.mkdtemp(prefix="braid-mime-")
try:
    trace = os.path.join(tmp, "never_retrieved.braid")
    sample = os.environ.get("BRAID_SAMPLE_never_retrieved")
    r = run([os.environ["BRAID_EXE"], "run", "-o", trace, sample])
    if not check(r.returncode == 0 and os.path.exists(trace),
                 "braid run records a trace", r.stdout + r.stderr):
        sys.exit(1)
    with open(trace, "rb") as f:
        header = f.read(100)
    check(header[:16] == b"SQLite format 3\0" and header[68:72] == b"BRAD",
          "the trace's SQLite header holds application id 'BRAD' at 68",
          header[:16] + b" ... " + header[68:72])
    copies = {name: os.path.join(tmp, name) for name in ("trace.db", "trace")}
    for path in copies.values():
        shutil.copyfile(trace, path)
    other = os.path.join(tmp, "other.db")
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE contacts (name, phone)")
    db.commit()
    db.close()

    data_home = os.path.join(tmp, "data")
    env = dict(os.environ, XDG_DATA_HOME=data_home,
               XDG_DATA_DIRS="/usr/local/share:/usr/share",
               XDG_CURRENT_DESKTOP="GNOME")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(var, None)

    def filetype(path):
        r = run(["xdg-mime", "query", "filetype", path], env=env)
        return r.stdout.strip() or r.stderr.strip()

    tools = [t for t in ("xdg-mime", "gio", "update-mime-database")
             if not shutil.which(t)]
    if tools:
        skip("xdg-mime recognises a trace", "not installed: "
             + ", ".join(tools))
    else:
        # Without braid's type, the .db copy is just an SQLite file.
        before = filetype(copies["trace.db"])
        check(before == "application/vnd.sqlite3",
              "without data/'s MIME type a trace.db is plain SQLite", before)
        packages = os.path.join(data_home, "mime", "packages")
        os.makedirs(packages)
        shutil.copy(MIME_XML, packages)
        r = run(["update-mime-database", os.path.join(data_home, "mime")])
        check(r.returncode == 0, "update-mime-database takes the MIME type",
              r.stdout + r.stderr)
        for name, path in [("never_retrieved.braid", trace)] + sorted(
                copies.items()):
            got = filetype(path)
            check(got == MIME_TYPE, f"xdg-mime: {name} is {MIME_TYPE}", got)
        got = filetype(other)
        check(got == "application/vnd.sqlite3",
              "xdg-mime: another application's SQLite other.db is not", got)
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
