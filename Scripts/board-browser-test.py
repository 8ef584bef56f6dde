#!/usr/bin/env python3
"""The hall board (issue 14) in a real browser, between two real `kabar run` daemons.

Run by `.ci/run` as root, after the netns test:

    python3 Scripts/board-browser-test.py [PATH_TO_KABAR] [--screenshots DIR] [--backlog N]

Topology (Scripts/board_lab.py; made here, removed at the end whatever happens, and cleared
first if a killed run left it): namespaces kbw-a (10.50.0.1) and kbw-b (10.50.0.2) joined by a
veth pair; the root namespace sits on the same /24 (kbw0, 10.50.0.254), so the test, urllib-like
raw requests and headless Chromium all run in the root namespace and reach both boards. Each node
runs `kabar run --web-port 8080 --peer OTHER:4747` with a kabar.conf holding `web.posting = open`
and `web.portal = on`; node A starts holding a `kabar debug backlog` of N bulletins (default 300)
so that the board's pages have a realistic store behind them.

Checks, in order (each line printed as `ok` or `FAIL`):

 raw HTTP, no browser (a phone's bytes over a plain socket):
  1. first visit: 200, HTML, Content-Security-Policy (only the node itself), X-Content-Type-Options:
     nosniff, Referrer-Policy, a `kabar_phone` cookie (HttpOnly), Indonesian for an Indonesian
     phone, a viewport for phones, no subresource from another host;
  2. page weight: `/`, `/post`, `/channels`, `/search`, `/?lang=en`, a bulletin: each page with the
     assets it loads is at most 32 KB over the wire (goal 16 KB, printed);
  3. the post form: fields `channel`, `title`, `body` and a hidden `csrf`; a POST with every
     hidden field and the cookies answers 303 to `/b/<id>`; the same POST from `Origin:
     http://evil.example`, without `csrf`, or with a wrong `csrf` is refused with 403 and stores
     nothing; a valid `csrf` with no Origin (an old browser) is accepted; an invalid channel
     answers 400 with the form again;
  4. that raw post reaches B's `kabar list --json` within 30 s;
  5. hostile content posted through the CLI on B (`<script>` title, `"><img onerror>` and
     `javascript:` body) shows on A's `/`, bulletin page and a hostile search as text only; the
     JSON API returns it byte for byte;
  6. `GET /api/bulletins?channel=warga&limit=5` and `/api/bulletins/<id>`: JSON with the keys of
     `kabar list --json`, the same bulletins and values the CLI prints;
  7. captive-portal probes (`/generate_204`, `/hotspot-detect.html`, `/connecttest.txt`, each with
     its real Host header) redirect (302/303/307) to the board on the node itself;
  8. a request with both Content-Length and Transfer-Encoding is refused (4xx); paths that climb
     out (`..`, `%2e%2e`, `%2f`) never return a file of the system; the node still answers.

 headless Chromium at phone size (360x740 CSS px, device scale 2, Android user agent, Accept-Language
 id), JavaScript on, then again with JavaScript off (`profile.managed_default_content_settings.javascript = 2`):
  9. the board on A loads, in Indonesian, fits 360 px, fetches nothing from another host;
 10. the post form on A: fill `channel`, `title`, `body`, submit (the browser sends the hidden
     fields); the bulletin page shows it, so does A's board;
 11. within 30 s it is on B's board and in B's `kabar list --json`;
 12. on B, the bulletin page's reply form posts a reply; within 30 s A's thread shows it;
 12b. issue 18: A's key is an authority on both nodes (the regency office; A reports 30 s after
     its start); a message on `aspirasi` posted at B at the start, A's `kabar reply` to it shows
     on B's page within 30 s, marked "Kantor kabupaten"; B's page must say "Diterima kantor
     kabupaten" within 30 s of A's first report made after the message;
 13. `/search?q=WORD` and the search form on `/` find it;
 14. the language link switches to English (`<html lang="en">`, an English word, cookie
     `kabar_lang` kept on the next page), `?lang=id` switches back;
 15. A's pages holding the hostile bulletin raise no alert;
 16. with JavaScript off: load, post, read, reply; and no alert in either session.

 attachments from phones (issue 15, item 6; PNGs are made here by a tiny encoder, no PIL):
 8b. raw HTTP: the post form is multipart with a file input `attach`; a multipart post with a PNG
     answers 303, its page shows it inline (`<img src="/a/ID">`), `/a/ID` serves the same bytes
     as image/png with nosniff and an inline Content-Disposition, and within 30 s B serves it
     too; a PNG sent as image/jpeg is refused 415 in Indonesian, a file over attachment_max 413
     with the limit in words, and a body past the upload allowance 413 from its head; the
     refused posts store nothing;
 10b. JavaScript on: a 2000x1500 PNG (noisy, over 2 MB: too large to send as it is) is chosen;
     the page scales it to a JPEG at most 1280 px on its long side before sending; after the
     post the bulletin shows the photo (loaded, naturalWidth > 0) and `/a/ID` serves a JPEG of
     at most 1280 px, smaller than the original; a file over attachment_max is refused on the
     phone before sending;
 10c. JavaScript on, with A's origin treated as secure and a fake microphone (Chromium flags):
     "record a voice note" records 3 s, the recording is posted and served as audio of a type
     the board serves; B's plain-HTTP post form shows no record button (not a secure context);
 16b. JavaScript off: a small PNG chosen in the file input is posted and served byte for byte; a
     full-size one is refused with the board's page saying why (both languages), not a reset.

Screenshots of every page go to `--screenshots DIR` (default `board-screenshots/` in the system
temp folder); their paths are printed at the end.

Without root or namespaces both nodes run on loopback instead (printed). Without chromium,
chromedriver or selenium the browser checks (9-16) are skipped, saying which and why, and the
raw checks still decide the exit code. Exit 1 on any failed check. The last line is
`N passed, N failed`.
"""

import argparse
import importlib.util
import json
import os
import random
import re
import secrets
import shutil
import string
import struct
import sys
import tempfile
import time
import urllib.parse
import zlib

sys.dont_write_bytecode = True  # no __pycache__ in Scripts/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import board_lab  # noqa: E402
from board_lab import LabError, Page, http_request, resolve  # noqa: E402

PREFIX = "kbw"
NET = "10.50.0"
CONF_LINES = ["web.posting = open", "web.portal = on"]
SYNC_BOUND_S = 30.0
BACKLOG_SYNC_BOUND_S = 90.0
PAGE_BYTES_MAX = 32 * 1024
PAGE_BYTES_GOAL = 16 * 1024
PHONE_WIDTH_PX = 360
PHONE_HEIGHT_PX = 740
PHONE_SCALE = 2
PAGE_LOAD_TIMEOUT_S = 20
NAVIGATION_WAIT_S = 10
BULLETIN_ID_PATH = re.compile(r"/b/([0-9a-f]{64})(?:[/?#]|$)")
LIST_KEYS = {"author", "body", "channel", "created", "expires", "id", "kind", "references", "supersedes", "title"}
HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_BODY = '"><img src=x onerror=alert(2)> javascript:alert(3)'
# Reflected into the search page, in text and in the search field's value="...".
HOSTILE_QUERY = '" onfocus="alert(6)" autofocus x="><script>alert(4)</script><img src=x onerror=alert(5)>'
ATTACHMENT_MAX = 2_000_000  # kabar.conf's attachment_max, the default
UPLOAD_FORM_BYTES = 64 * 1024  # Board.uploadFormBytesMax: the form's room around a file
SCALED_SIDE_MAX = 1280  # BoardScript's SIDE_MAX
BIG_PHOTO = (2000, 1500)  # a phone photo's shape, over attachment_max as a PNG
RECORD_SECONDS = 3
PROBES = [("/generate_204", "connectivitycheck.gstatic.com", "Android"),
          ("/hotspot-detect.html", "captive.apple.com", "Apple"),
          ("/connecttest.txt", "www.msftconnecttest.com", "Windows")]
REDIRECTS = (302, 303, 307)
# Words of the board's own interface, not of any bulletin this test or the backlog writes.
ENGLISH_WORDS = {"post", "search", "reply", "replies", "channels", "channel", "board", "send", "new", "all",
                 "title", "message", "language", "read", "write", "home", "back", "more", "older", "newer", "verified"}
INDONESIAN_WORDS = {"kirim", "cari", "balas", "balasan", "saluran", "papan", "baru", "semua", "judul", "pesan",
                    "bahasa", "tulis", "baca", "kembali", "lainnya", "lama", "terverifikasi", "beranda", "pencarian"}


class StepAborted(Exception):
    """A step cannot go on (a prerequisite is missing or an action failed); counted as one failure."""


class Checks:
    """Counts and prints every check."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"  ok    {name}" + (f" ({detail})" if detail else ""), flush=True)
        else:
            self.failed += 1
            self.failures.append(name)
            print(f"  FAIL  {name}" + (f": {detail}" if detail else ""), flush=True)
        return ok

    def require(self, name, ok, detail=""):
        """A check the rest of the step depends on: a failure ends the step."""
        if not self.check(name, ok, detail):
            raise StepAborted(f"'{name}' failed")


class Run:
    """What the steps share: the nodes, the checks, values found along the way."""

    def __init__(self, a, b, checks, tag):
        self.a, self.b, self.checks, self.tag = a, b, checks, tag
        self.state = {}

    def need(self, key, what):
        if key not in self.state:
            raise StepAborted(f"needs {what}, which an earlier step did not produce")
        return self.state[key]


def run_step(run, title, function, *args):
    print(title, flush=True)
    try:
        function(run, *args)
    except StepAborted as aborted:
        run.checks.check(f"{title.strip()}: rest of the step not run", False, str(aborted))
    except Exception as error:  # any other error ends the step as one failure, and the run goes on
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        run.checks.check(f"{title.strip()}: step aborted", False, f"{type(error).__name__}: {message}")


def word(prefix, length=8):
    """A word no bulletin holds by chance: letters only, so any tokenizer keeps it whole."""
    return prefix + "".join(secrets.choice(string.ascii_lowercase) for _ in range(length))


# ---------------------------------------------------------------- raw HTTP helpers

def get(node, path, jar=None, headers=None):
    headers = dict(headers or {})
    if jar:
        headers["Cookie"] = board_lab.cookie_header(jar)
    response = http_request(node.host, node.web_port, "GET", path, headers=headers)
    if jar is not None:
        board_lab.remember_cookies(jar, response)
    return response


def post_form(node, path, fields, jar, origin="same"):
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": board_lab.cookie_header(jar)}
    if origin == "same":
        headers["Origin"] = node.origin()
    elif origin:
        headers["Origin"] = origin
    response = http_request(node.host, node.web_port, "POST", path, headers=headers,
                            body=board_lab.form_body(fields))
    board_lab.remember_cookies(jar, response)
    return response


def header_problems(response):
    """What is missing or wrong in a response's security headers, as a list of phrases."""
    problems = []
    csp = response.header("content-security-policy")
    if csp is None:
        problems.append("no Content-Security-Policy")
    else:
        problems += csp_problems(csp)
    if (response.header("x-content-type-options") or "").strip().lower() != "nosniff":
        problems.append(f"X-Content-Type-Options is {response.header('x-content-type-options')!r}, not nosniff")
    referrer = response.header("referrer-policy")
    if referrer is None:
        problems.append("no Referrer-Policy")
    elif referrer.strip().lower() == "unsafe-url":
        problems.append("Referrer-Policy unsafe-url")
    return problems


def csp_problems(csp):
    """A policy must allow only the node itself: no other host, scheme or wildcard, no inline script."""
    problems = []
    directives = {}
    for part in csp.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0].lower()] = tokens[1:]
    if "default-src" not in directives:
        problems.append("CSP has no default-src")
    if "upgrade-insecure-requests" in directives:
        problems.append("CSP upgrade-insecure-requests (the node serves plain HTTP: every asset would break)")
    for name, sources in sorted(directives.items()):
        if name in ("report-uri", "report-to", "sandbox", "plugin-types", "require-trusted-types-for", "trusted-types"):
            if name.startswith("report"):
                problems.append(f"CSP {name} sends reports away")
            continue
        for source in sources:
            lowered = source.lower()
            quoted_ok = lowered in ("'self'", "'none'", "'unsafe-inline'", "'strict-dynamic'", "'unsafe-hashes'") \
                or lowered.startswith(("'nonce-", "'sha256-", "'sha384-", "'sha512-"))
            if quoted_ok or lowered in ("data:", "blob:"):
                continue
            problems.append(f"CSP {name} allows {source}")
    script_sources = directives.get("script-src", directives.get("default-src", []))
    lowered = [source.lower() for source in script_sources]
    has_nonce_or_hash = any(source.startswith(("'nonce-", "'sha")) for source in lowered)
    if "'unsafe-inline'" in lowered and not has_nonce_or_hash:
        problems.append("CSP lets inline scripts run ('unsafe-inline' for scripts)")
    if "'unsafe-eval'" in lowered:
        problems.append("CSP allows 'unsafe-eval'")
    if any(source in ("data:", "blob:") for source in lowered):
        problems.append("CSP allows scripts from data: or blob:")
    return problems


def foreign_subresources(node, path, page):
    foreign = []
    for reference in page.subresources():
        if reference.lower().startswith("data:"):
            continue
        same, _, absolute = resolve(node, path, reference)
        if not same:
            foreign.append(absolute)
    return foreign


def hostile_problems(response, markers):
    """Markup of hostile content that reached the page unescaped, as a list of phrases."""
    raw = response.text()
    lowered = raw.lower()
    page = Page(raw)
    problems = []
    for marker in markers:
        if marker.lower() in lowered:
            problems.append(f"raw {marker!r} in the HTML")
    for tag, attributes in page.tags:
        for name, value in attributes.items():
            if name.startswith("on") and "alert(" in value:
                problems.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "data") and \
                    re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"):
                problems.append(f"<{tag} {name}={value!r}>")
    for script in page.script_texts:
        if "alert(" in script:
            problems.append("a <script> holding alert(")
    return problems, page


# ---------------------------------------------------------------- files from phones

def png_bytes(width, height, seed):
    """An 8-bit RGB PNG like a photo: gradients with noise, so it compresses as badly as a
    camera's output (2000x1500 is about 5 MB). Made with zlib alone: no PIL on a CI machine."""
    rng = random.Random(seed)
    rows = []
    for _ in range(16):  # noisy rows, reused with a per-row shift: cheap, and no two rows alike
        row = bytearray(width * 3)
        for x in range(width):
            base = x * 200 // max(1, width - 1)
            row[3 * x] = (base + rng.randrange(48)) & 255
            row[3 * x + 1] = (base // 2 + 40 + rng.randrange(48)) & 255
            row[3 * x + 2] = (180 - base // 2 + rng.randrange(48)) & 255
        rows.append(bytes(row))
    raw = bytearray()
    for y in range(height):
        shift = y * 60 // max(1, height - 1)
        raw += b"\x00" + rows[(y * 7) % 16].translate(bytes((value + shift) & 255 for value in range(256)))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw), 6)) + chunk(b"IEND", b"")


def image_size(data):
    """(width, height) of a PNG or a JPEG (its first frame header), else None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:2] != b"\xff\xd8":
        return None
    index = 2
    while index + 9 <= len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:
            index += 1
            continue
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            index += 2
            continue
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return width, height
        index += 2 + struct.unpack(">H", data[index + 2:index + 4])[0]
    return None


def audio_kind(data):
    """The served audio type `data` begins as, else None."""
    if data[:4] == b"OggS":
        return "audio/ogg"
    if data[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in data[:64]:
        return "audio/webm"
    if data[4:8] == b"ftyp":
        return "audio/mp4"
    return None


def multipart_body(fields, files, boundary):
    body = b""
    for name, value in fields:
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
    for name, filename, content_type, data in files:
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                 f"Content-Type: {content_type}\r\n\r\n").encode() + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode()


def post_multipart(node, path, fields, files, jar):
    boundary = "----KabarBoardTest" + secrets.token_hex(8)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": board_lab.cookie_header(jar),
               "Origin": node.origin()}
    response = http_request(node.host, node.web_port, "POST", path, headers=headers,
                            body=multipart_body(fields, files, boundary))
    board_lab.remember_cookies(jar, response)
    return response


def attachment_links(page, tag):
    """The /a/ID sources of the `tag` elements (img, audio) of a page."""
    return [attributes["src"] for name, attributes in page.tags
            if name == tag and attributes.get("src", "").startswith("/a/")]


# ---------------------------------------------------------------- raw HTTP steps

def step_first_visit(run):
    a, checks = run.a, run.checks
    jar = {}
    response = get(a, "/", jar)
    checks.require("GET / on A answers 200", response.status == 200, f"status {response.status}")
    checks.check("GET / is HTML", (response.header("content-type") or "").startswith("text/html"),
                 f"Content-Type {response.header('content-type')!r}")
    problems = header_problems(response)
    checks.check("GET / carries CSP (only the node itself), nosniff and Referrer-Policy", not problems,
                 "; ".join(problems) or response.header("content-security-policy"))
    phone = response.cookies().get("kabar_phone")
    checks.check("a first visit gets a kabar_phone cookie", phone is not None and len(phone[0]) >= 16,
                 f"Set-Cookie: {response.header_all('set-cookie')}")
    if phone:
        checks.check("the kabar_phone cookie is HttpOnly (no script needs the phone's token)", "httponly" in phone[1],
                     f"attributes:{phone[1]}")
    page = Page(response.text())
    checks.check("an Indonesian phone gets Indonesian (<html lang=\"id\">)", (page.lang or "").startswith("id"),
                 f"lang={page.lang!r}")
    checks.check("the page declares a phone viewport", page.viewport is not None and "device-width" in page.viewport,
                 f"viewport={page.viewport!r}")
    foreign = foreign_subresources(a, "/", page)
    checks.check("every subresource of / comes from the node itself", not foreign, ", ".join(foreign))
    run.state["first_jar"] = jar


def page_weight(run, path, jar):
    """Bytes over the wire of `path` on A plus every same-origin asset it makes a browser load."""
    a = run.a
    response = get(a, path, dict(jar))
    if response.status != 200:
        raise StepAborted(f"GET {path} answered {response.status}")
    page = Page(response.text())
    assets = []
    for reference in sorted(set(page.subresources())):
        if reference.lower().startswith("data:"):
            continue
        same, asset_path, _ = resolve(a, path, reference)
        if same:
            asset = get(a, asset_path, dict(jar))
            assets.append((asset_path, asset.wire_bytes, asset.status))
    return response, assets


def step_page_weight(run):
    checks = run.checks
    jar = dict(run.state.get("first_jar", {}))
    newest = run.a.list_json("--limit", "1")
    paths = ["/", "/post", "/channels", "/search?q=beras", "/?lang=en", "/?channel=pasar"]
    if newest:
        paths.append(f"/b/{newest[0]['id']}")
    for path in paths:
        response, assets = page_weight(run, path, jar)
        total = response.wire_bytes + sum(size for _, size, _ in assets)
        detail = (f"{total:,} bytes: page {response.wire_bytes:,}"
                  + "".join(f" + {asset} {size:,}" for asset, size, _ in assets)
                  + f"; goal {PAGE_BYTES_GOAL // 1024} KB {'met' if total <= PAGE_BYTES_GOAL else 'missed'}")
        checks.check(f"page weight of {path} <= {PAGE_BYTES_MAX // 1024} KB", total <= PAGE_BYTES_MAX, detail)
        broken = [f"{asset} {status}" for asset, _, status in assets if status != 200]
        if broken:
            checks.check(f"assets of {path} load", False, ", ".join(broken))
        problems = header_problems(response)
        checks.check(f"security headers on {path}", not problems, "; ".join(problems))


def fresh_post_form(run, jar):
    """GETs /post with `jar`; returns (form, action path)."""
    response = get(run.a, "/post", jar)
    if response.status != 200:
        raise StepAborted(f"GET /post answered {response.status}")
    form = Page(response.text()).form_with("title")
    if form is None:
        raise StepAborted("GET /post has no form with a field named title")
    _, action, _ = resolve(run.a, "/post", form["action"] or "/post")
    return form, action


def post_fields(form, channel, title, body, drop=(), replace=None):
    fields = [(name, value) for name, value in board_lab.hidden_fields(form) if name not in drop]
    if replace:
        fields = [(name, replace.get(name, value)) for name, value in fields]
    return fields + [("channel", channel), ("title", title), ("body", body)]


def step_post_form_and_csrf(run):
    a, checks, tag = run.a, run.checks, run.tag
    jar = {}
    form, action = fresh_post_form(run, jar)
    kinds = {name: (tag_name, kind) for tag_name, kind, name, _ in form["fields"]}
    checks.check("the post form has a text input channel, an input title and a textarea body",
                 kinds.get("channel", ("", ""))[0] in ("input", "select") and kinds.get("title", ("", ""))[0] == "input"
                 and kinds.get("body", ("", ""))[0] == "textarea", f"fields {sorted(kinds)}")
    checks.require("the post form has a hidden csrf field", kinds.get("csrf") == ("input", "hidden"),
                   f"fields {kinds}")
    checks.check("the post form posts (method=post) to /post", form["method"] == "post" and action == "/post",
                 f"method={form['method']} action={form['action']!r}")

    title = f"Uji form mentah {word('raw')}"
    response = post_form(a, action, post_fields(form, "warga", title, f"Dikirim tanpa peramban {tag}"), jar)
    location = response.header("location") or ""
    match = BULLETIN_ID_PATH.search(location)
    checks.require("a POST /post with every hidden field and the cookies answers 303 to /b/<id>",
                   response.status == 303 and match is not None, f"status {response.status}, Location {location!r}")
    bulletin_id = match.group(1)
    run.state["raw_id"], run.state["raw_title"], run.state["raw_posted_at"] = bulletin_id, title, time.monotonic()
    shown = get(a, resolve(a, action, location)[1], jar)
    checks.check("the bulletin page it redirects to shows the post",
                 shown.status == 200 and title in Page(shown.text()).text(),
                 f"status {shown.status}")

    refusals = [("from Origin http://evil.example", "http://evil.example", (), None),
                ("without the csrf field", "same", ("csrf",), None),
                ("without csrf and without Origin", None, ("csrf",), None),
                ("with a wrong csrf value", "same", (), {"csrf": "0" * 32})]
    for what, origin, drop, replace in refusals:
        form, action = fresh_post_form(run, jar)
        refused_title = f"Tidak boleh {word('csrf')}"
        response = post_form(a, action, post_fields(form, "warga", refused_title, "x", drop, replace), jar, origin)
        checks.check(f"a POST /post {what} is refused with 403", response.status == 403, f"status {response.status}")
        stored = [b for b in a.list_json("--search", refused_title.split()[-1]) if b["title"] == refused_title]
        checks.check(f"the POST {what} stored nothing", not stored, f"stored {[b['id'] for b in stored]}")

    form, action = fresh_post_form(run, jar)
    old_browser_title = f"Peramban tanpa Origin {word('old')}"
    response = post_form(a, action, post_fields(form, "warga", old_browser_title, "Tanpa Origin"), jar, origin=None)
    checks.check("a POST with a valid csrf and no Origin header (an old browser) is accepted (303)",
                 response.status == 303, f"status {response.status}")

    form, action = fresh_post_form(run, jar)
    response = post_form(a, action, post_fields(form, "Bukan Saluran!", "Judul", "isi"), jar)
    again = Page(response.text()).form_with("title") if response.status == 400 else None
    checks.check("an invalid channel answers 400 with the form again", response.status == 400 and again is not None,
                 f"status {response.status}")


def step_raw_post_reaches_b(run):
    bulletin_id = run.need("raw_id", "the raw post of step 3")
    posted_at = run.state["raw_posted_at"]

    def on_b():
        return any(bulletin["id"] == bulletin_id for bulletin in run.b.list_json("--limit", "100"))

    try:
        board_lab.wait_until(on_b, max(0.0, posted_at + SYNC_BOUND_S - time.monotonic()), "the raw post on B", 0.2)
        run.checks.check(f"the raw post is in B's kabar list --json within {SYNC_BOUND_S:.0f} s", True,
                         f"{time.monotonic() - posted_at:.2f} s after posting")
    except LabError as error:
        run.checks.check(f"the raw post is in B's kabar list --json within {SYNC_BOUND_S:.0f} s", False, str(error))


def step_hostile(run):
    a, b, checks = run.a, run.b, run.checks
    result = b.cli("post", "--channel", "warga", "--title", HOSTILE_TITLE, "--body", HOSTILE_BODY)
    match = re.search(r"[0-9a-f]{64}", result.stdout)
    checks.require("kabar post on B stores the hostile bulletin", match is not None, result.stdout.strip())
    hostile_id = match.group(0)
    _, seconds = board_lab.wait_until(lambda: a.holds(hostile_id), SYNC_BOUND_S, "the hostile bulletin on A", 0.2)
    checks.check("the hostile bulletin reaches A", True, f"{seconds:.2f} s")
    run.state["hostile_id"] = hostile_id
    markers = ["<script>alert(1)", "<img src=x", "<script>alert(4)"]  # present only if unescaped
    pages = [("/", [HOSTILE_TITLE]),
             (f"/b/{hostile_id}", [HOSTILE_TITLE, '"><img src=x onerror=alert(2)>', "javascript:alert(3)"]),
             ("/search?q=" + urllib.parse.quote(HOSTILE_QUERY), [])]
    for path, shown_as_text in pages:
        response = get(a, path)
        checks.check(f"GET {path[:40]} answers 200", response.status == 200, f"status {response.status}")
        problems, page = hostile_problems(response, markers)
        checks.check(f"no hostile markup unescaped on {path[:40]}", not problems, "; ".join(problems[:5]))
        text = page.text()
        missing = [item for item in shown_as_text if item not in text]
        if shown_as_text:
            checks.check(f"the hostile text shows on {path[:40]} as text", not missing, f"not shown: {missing}")
    response = get(a, f"/api/bulletins/{hostile_id}")
    try:
        value = json.loads(response.body)
    except ValueError:
        value = {}
    checks.check("the JSON API returns the hostile title and body byte for byte",
                 value.get("title") == HOSTILE_TITLE and value.get("body") == HOSTILE_BODY,
                 f"status {response.status}")
    checks.check("the JSON API says application/json (never rendered as HTML)",
                 (response.header("content-type") or "").startswith("application/json"),
                 f"Content-Type {response.header('content-type')!r}")


def step_api(run):
    a, checks = run.a, run.checks
    response = get(a, "/api/bulletins?channel=warga&limit=5")
    checks.require("GET /api/bulletins?channel=warga&limit=5 answers 200", response.status == 200,
                   f"status {response.status}")
    checks.check("it is application/json", (response.header("content-type") or "").startswith("application/json"),
                 f"Content-Type {response.header('content-type')!r}")
    problems = header_problems(response)
    checks.check("security headers on the JSON API", not problems, "; ".join(problems))
    try:
        listed = json.loads(response.body)
    except ValueError as error:
        raise StepAborted(f"not JSON: {error}: {response.text()[:200]!r}")
    checks.require("it is a JSON array of at most 5 objects",
                   isinstance(listed, list) and 0 < len(listed) <= 5 and all(isinstance(x, dict) for x in listed),
                   f"{type(listed).__name__} of {len(listed) if isinstance(listed, list) else '?'}")
    missing = sorted({key for bulletin in listed for key in LIST_KEYS - set(bulletin)})
    checks.check("every object has the keys of kabar list --json", not missing, f"missing {missing}")
    checks.check("every object is on channel warga", all(b.get("channel") == "warga" for b in listed),
                 str([b.get("channel") for b in listed]))
    cli = a.list_json("--channel", "warga", "--limit", "5")
    checks.check("the same bulletins, in the same order, as kabar list --json --channel warga --limit 5",
                 [b.get("id") for b in listed] == [b["id"] for b in cli],
                 f"api {[b.get('id', '')[:8] for b in listed]} cli {[b['id'][:8] for b in cli]}")
    bulletin_id = run.need("raw_id", "the raw post of step 3")
    response = get(a, f"/api/bulletins/{bulletin_id}")
    checks.require("GET /api/bulletins/<id> answers 200", response.status == 200, f"status {response.status}")
    value = json.loads(response.body)
    shown = json.loads(a.cli("show", bulletin_id, "--json").stdout)
    differing = sorted(key for key in LIST_KEYS if value.get(key) != shown.get(key))
    checks.check("/api/bulletins/<id> is an object with the CLI's values for every key",
                 isinstance(value, dict) and not differing, f"differs in {differing}")
    extra = sorted(set(value) - LIST_KEYS)
    if extra:
        print(f"        (it also has {extra})")


def location_on_node(node, location):
    parsed = urllib.parse.urlparse(location)
    if not parsed.scheme and not parsed.netloc:
        return location.startswith("/")
    return parsed.scheme == "http" and parsed.hostname == node.host and (parsed.port or 80) == node.web_port


def step_portal(run):
    a, checks = run.a, run.checks
    for path, host, who in PROBES:
        response = get(a, path, headers={"Host": host})
        location = response.header("location") or ""
        checks.check(f"{who} probe {host}{path} redirects (302/303/307)", response.status in REDIRECTS,
                     f"status {response.status}")
        checks.check(f"{who} probe: the Location is the board on the node itself", location_on_node(a, location),
                     f"Location {location!r}")
        if location_on_node(a, location):
            _, board_path, _ = resolve(a, path, location)
            board = get(a, board_path)
            checks.check(f"{who} probe: {board_path} answers 200 with HTML", board.status == 200 and
                         (board.header("content-type") or "").startswith("text/html"), f"status {board.status}")


def step_robustness(run):
    a, checks = run.a, run.checks
    raw = (f"POST /post HTTP/1.1\r\nHost: {a.host}:{a.web_port}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           "Content-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n").encode()
    try:
        response = http_request(a.host, a.web_port, "POST", "/post", raw=raw)
        checks.check("a request with both Content-Length and Transfer-Encoding is refused (4xx)",
                     400 <= response.status < 500, f"status {response.status}")
    except (LabError, OSError) as error:
        checks.check("a request with both Content-Length and Transfer-Encoding is refused (4xx)", False,
                     f"no status line: {error}")
    for path in ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                 "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
                 "/b/..%2f..%2f..%2fetc%2fpasswd", "/assets/../../../../etc/passwd"]:
        raw = f"GET {path} HTTP/1.1\r\nHost: {a.host}:{a.web_port}\r\nConnection: close\r\n\r\n".encode()
        try:
            response = http_request(a.host, a.web_port, "GET", path, raw=raw)
            leaked = "root:" in response.text() and ":0:0:" in response.text()
            checks.check(f"GET {path} returns no system file", not leaked, f"status {response.status}")
        except (LabError, OSError) as error:
            checks.check(f"GET {path} returns no system file", True, f"connection ended: {error}")
    response = get(a, "/")
    checks.check("A still serves / and runs after the malformed requests", response.status == 200 and a.running(),
                 f"status {response.status}")


def step_raw_upload(run):
    a, b, checks, tag = run.a, run.b, run.checks, run.tag
    jar = {}
    response = get(a, "/post", jar)
    page = Page(response.text())
    form = page.form_with("attach")
    checks.require("the post form has a field named attach", form is not None)
    inputs = [attributes for name, attributes in page.tags if name == "input" and attributes.get("name") == "attach"]
    forms = [attributes for name, attributes in page.tags if name == "form" and attributes.get("action") == "/post"]
    checks.check("attach is a file input taking JPEG, PNG, WebP and audio",
                 inputs and inputs[0].get("type") == "file"
                 and inputs[0].get("accept") == "image/jpeg,image/png,image/webp,audio/*", f"{inputs}")
    checks.check("the post form is sent as multipart/form-data",
                 forms and forms[0].get("enctype") == "multipart/form-data", f"{forms}")
    photo = png_bytes(64, 48, 1)
    fields = board_lab.hidden_fields(form)
    title = f"Foto sawah mentah {word('foto')}"
    response = post_multipart(a, "/post", fields + [("channel", "warga"), ("title", title), ("body", f"Dari ponsel {tag}")],
                              [("attach", "sawah.png", "image/png", photo)], jar)
    match = BULLETIN_ID_PATH.search(response.header("location") or "")
    checks.require("a multipart post with a PNG answers 303 to /b/<id>", response.status == 303 and match is not None,
                   f"status {response.status}: {response.text()[:200]!r}")
    shown = Page(get(a, f"/b/{match.group(1)}", jar).text())
    images = attachment_links(shown, "img")
    checks.require("its page shows the photo inline (<img src=/a/ID>)", len(images) == 1, f"img sources {images}")
    served = get(a, images[0])
    checks.check("/a/ID serves the same bytes as image/png",
                 served.status == 200 and served.body == photo and served.header("content-type") == "image/png",
                 f"status {served.status}, {len(served.body)} of {len(photo)} bytes, {served.header('content-type')}")
    checks.check("/a/ID carries nosniff and an inline Content-Disposition",
                 served.header("x-content-type-options") == "nosniff"
                 and served.header("content-disposition") == 'inline; filename="sawah.png"',
                 f"{served.header('x-content-type-options')}, {served.header('content-disposition')}")

    refusals = [("a PNG sent as image/jpeg", [("attach", "palsu.jpg", "image/jpeg", photo)], 415, "isinya bukan"),
                ("a file over attachment_max", [("attach", "besar.ogg", "audio/ogg", b"OggS" + bytes(ATTACHMENT_MAX - 3))],
                 413, "paling besar")]
    for what, files, status, words in refusals:
        form, _ = fresh_post_form(run, jar)
        refused_title = f"Tidak boleh {word('file')}"
        response = post_multipart(a, "/post", board_lab.hidden_fields(form) + [("channel", "warga"), ("title", refused_title),
                                                                               ("body", "x")], files, jar)
        said = re.findall(r'<p class="err">(.*?)</p>', response.text())
        checks.check(f"{what} is refused with {status}, saying why in Indonesian",
                     response.status == status and any(words in text for text in said),
                     f"status {response.status}: {said}")
        stored = [x for x in a.list_json("--search", refused_title.split()[-1]) if x["title"] == refused_title]
        checks.check(f"{what}: nothing stored", not stored, f"stored {[x['id'] for x in stored]}")
    allowance = ATTACHMENT_MAX + UPLOAD_FORM_BYTES
    raw = (f"POST /post HTTP/1.1\r\nHost: {a.host}:{a.web_port}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
           f"Content-Length: {allowance + 1}\r\nConnection: close\r\n\r\n").encode()
    response = http_request(a.host, a.web_port, "POST", "/post", raw=raw)
    checks.check(f"a body past the upload allowance ({allowance:,} bytes) is refused 413 from its head",
                 response.status == 413, f"status {response.status}")

    def on_b():
        answer = get(b, images[0])
        return answer.status == 200 and answer.body == photo

    try:
        _, seconds = board_lab.wait_until(on_b, SYNC_BOUND_S, "the photo on B", 0.5)
        checks.check(f"B serves the photo, byte for byte, within {SYNC_BOUND_S:.0f} s", True, f"{seconds:.2f} s")
    except LabError as error:
        checks.check(f"B serves the photo, byte for byte, within {SYNC_BOUND_S:.0f} s", False, str(error))


# ---------------------------------------------------------------- browser

def browser_unavailable(arguments):
    """None when the browser part can run, else why not."""
    missing = []
    if not arguments.chromium or not os.access(arguments.chromium, os.X_OK):
        missing.append("chromium (Debian package chromium) is not installed")
    if not arguments.chromedriver or not os.access(arguments.chromedriver, os.X_OK):
        missing.append("chromedriver (Debian package chromium-driver) is not installed")
    if importlib.util.find_spec("selenium") is None:
        missing.append(f"the Python package selenium is not importable by {sys.executable}")
    return "; ".join(missing) or None


class Browser:
    """One headless Chromium at phone size, with JavaScript on or off."""

    def __init__(self, arguments, javascript, shots_dir, label, secure_origin=None):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        self.label = label
        self.javascript = javascript
        self.shots_dir = shots_dir
        self.shots = []
        self.alerts = []
        self.profile = tempfile.mkdtemp(prefix="kbw-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = arguments.chromium
        for argument in ["--headless=new", "--no-sandbox",  # as root Chromium refuses to start with its sandbox
                         "--disable-dev-shm-usage", "--disable-gpu", "--no-proxy-server", "--no-first-run",
                         "--disable-extensions", "--disable-background-networking", "--disable-sync",
                         f"--window-size={PHONE_WIDTH_PX},{PHONE_HEIGHT_PX}",
                         f"--user-agent={board_lab.PHONE_USER_AGENT}",
                         f"--user-data-dir={self.profile}"]:
            options.add_argument(argument)
        if secure_origin:
            # getUserMedia exists only in a secure context: this origin counts as one here, and a
            # fake microphone that needs no permission prompt records a tone.
            for argument in [f"--unsafely-treat-insecure-origin-as-secure={secure_origin}",
                             "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]:
                options.add_argument(argument)
        preferences = {"intl.accept_languages": "id-ID,id"}
        if not javascript:
            preferences["profile.managed_default_content_settings.javascript"] = 2
        options.add_experimental_option("prefs", preferences)
        # An alert stays open for us to see, instead of being dismissed by the next command.
        options.set_capability("unhandledPromptBehavior", "ignore")
        self.driver = webdriver.Chrome(service=Service(arguments.chromedriver), options=options)
        self.driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT_S)
        # chromedriver's mobileEmulation hangs clicks when JavaScript is off; the device metrics
        # alone give the 360-px viewport in both modes.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": PHONE_WIDTH_PX, "height": PHONE_HEIGHT_PX, "deviceScaleFactor": PHONE_SCALE, "mobile": True})

    def close(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def visit(self, url):
        self.driver.get(url)
        self.take_alert(url)

    def take_alert(self, where=None):
        """Records and closes every alert open now (hostile markup can raise several in a row)."""
        from selenium.common.exceptions import NoAlertPresentException
        for _ in range(20):
            try:
                alert = self.driver.switch_to.alert
                text = alert.text
                alert.accept()
            except NoAlertPresentException:
                return
            self.alerts.append(f"{text!r} on {where or self.driver.current_url}")

    def shot(self, name):
        self.take_alert()
        path = os.path.join(self.shots_dir, name)
        self.driver.save_screenshot(path)
        self.shots.append(path)
        return path

    def text(self):
        from selenium.webdriver.common.by import By
        self.take_alert()
        return self.driver.find_element(By.TAG_NAME, "body").text

    def words_text(self):
        """The page's text with a space between elements (body.text runs adjacent links together)."""
        self.take_alert()
        return Page(self.driver.page_source).text()

    def lang(self):
        from selenium.webdriver.common.by import By
        self.take_alert()
        return self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") or ""

    def widths(self):
        self.take_alert()
        return self.driver.execute_script(
            "return [window.innerWidth, document.documentElement.scrollWidth, document.body.scrollWidth]")

    def foreign_requests(self, node):
        self.take_alert()
        names = self.driver.execute_script(
            "return performance.getEntriesByType('resource').map(function (e) { return e.name; })") or []
        return [name for name in names if not name.startswith(node.origin() + "/") and not name.startswith("data:")]

    def links_to(self, bulletin_id):
        from selenium.webdriver.common.by import By
        self.take_alert()
        return self.driver.find_elements(By.CSS_SELECTOR, f"a[href*='{bulletin_id}']")

    def wait_url(self, pattern, what):
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            WebDriverWait(self.driver, NAVIGATION_WAIT_S, 0.1).until(lambda d: re.search(pattern, d.current_url))
        except TimeoutException:
            raise StepAborted(f"{what}: the browser stayed at {self.driver.current_url}")
        self.take_alert(self.driver.current_url)
        return re.search(pattern, self.driver.current_url)

    def wait(self, condition, what):
        """Waits until `condition()` (the page may redirect, as `?lang=` may, before it shows)."""
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            WebDriverWait(self.driver, NAVIGATION_WAIT_S, 0.1).until(lambda _: condition())
        except TimeoutException:
            raise StepAborted(f"{what}: nothing changed at {self.driver.current_url}")
        self.take_alert(self.driver.current_url)

    def fill_and_submit(self, anchor_name, values, action_pattern=None):
        """Fills the form holding field `anchor_name` (and an action matching the pattern), clicks its submit button."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import Select
        forms = self.driver.find_elements(By.TAG_NAME, "form")
        chosen = None
        for form in forms:
            if form.find_elements(By.NAME, anchor_name) and (
                    action_pattern is None or re.search(action_pattern, form.get_attribute("action") or "")):
                chosen = form
                break
        if chosen is None:
            raise StepAborted(f"no form with a field {anchor_name!r} on {self.driver.current_url}")
        for name, value in values:
            field = chosen.find_element(By.NAME, name)
            if field.tag_name == "select":
                Select(field).select_by_value(value)
            else:
                field.clear()
                field.send_keys(value)
        buttons = chosen.find_elements(By.CSS_SELECTOR, "button[type=submit], input[type=submit], button:not([type])")
        if buttons:
            buttons[0].click()
        else:
            print(f"        (no submit button in the form: submitting with Enter in {anchor_name})")
            chosen.find_element(By.NAME, anchor_name).send_keys(Keys.ENTER)


def step_browser_board(run, browser):
    a, checks = run.a, run.checks
    browser.visit(a.url("/"))
    path = browser.shot("01-board-a.png")
    checks.check("the board on A loads in the browser", browser.text().strip() != "", path)
    checks.check("the board is in Indonesian for an Indonesian phone", browser.lang().startswith("id"),
                 f"lang={browser.lang()!r}")
    inner, document_width, body_width = browser.widths()
    checks.check(f"the board fits a {PHONE_WIDTH_PX}-px phone (no sideways scroll)",
                 inner == PHONE_WIDTH_PX and max(document_width, body_width) <= inner,
                 f"viewport {inner}, document {document_width}, body {body_width}")
    foreign = browser.foreign_requests(a)
    checks.check("the browser fetched nothing from another host", not foreign, ", ".join(foreign[:5]))
    cookies = {cookie["name"] for cookie in browser.driver.get_cookies()}
    checks.check("the browser holds a kabar_phone cookie", "kabar_phone" in cookies, f"cookies {sorted(cookies)}")


def browser_post(run, browser, node, title, body, shot_form, shot_bulletin):
    checks = run.checks
    browser.visit(node.url("/post"))
    checks.check(f"the post form loads ({browser.label})", browser.driver.current_url.endswith("/post"),
                 browser.shot(shot_form))
    if browser.javascript:
        inner, document_width, body_width = browser.widths()
        checks.check(f"the post form fits a {PHONE_WIDTH_PX}-px phone", max(document_width, body_width) <= inner,
                     f"viewport {inner}, document {document_width}, body {body_width}")
    posted_at = time.monotonic()
    browser.fill_and_submit("title", [("channel", "warga"), ("title", title), ("body", body)])
    try:
        match = browser.wait_url(r"/b/([0-9a-f]{64})", "after submitting the post form")
    except StepAborted as aborted:
        raise StepAborted(f"{aborted}; the page says {browser.text()[:120]!r}{referrer_hint(node)}")
    checks.check(f"submitting the form lands on /b/<id> ({browser.label})", True, browser.driver.current_url)
    text = browser.text()
    checks.check(f"the bulletin page shows the title and the body ({browser.label})",
                 title in text and body.split()[0] in text, browser.shot(shot_bulletin))
    return match.group(1), posted_at


def referrer_hint(node):
    """Why a browser's own form post may be refused while a raw one passes."""
    policy = (get(node, "/post").header("referrer-policy") or "").lower()
    if policy.split(",")[-1].strip() == "no-referrer":
        return ("; note: under Referrer-Policy no-referrer Chromium sends 'Origin: null' on the board's own form "
                "posts, so an Origin check refuses them: use same-origin or strict-origin-when-cross-origin")
    return ""


def step_browser_post(run, browser):
    title = f"Panen semangka {run.tag}"
    body = f"Semangka manis 3 ton siap dijual di balai desa. Kode {run.tag}."
    bulletin_id, posted_at = browser_post(run, browser, run.a, title, body, "02-post-form.png", "03-bulletin-a.png")
    run.state.update(post_id=bulletin_id, post_title=title, post_at=posted_at)
    browser.visit(run.a.url("/"))
    run.checks.check("A's board shows the new post", title in browser.text() and bool(browser.links_to(bulletin_id)),
                     "title and a link to /b/<id>")


def file_status(browser):
    from selenium.webdriver.common.by import By
    element = browser.driver.find_element(By.ID, "attach-status")
    return element.text, element.get_attribute("class")


def chosen_file(browser):
    """(type, size, name) of the file the post form's file input holds, or None."""
    return browser.driver.execute_script(
        "var f = document.querySelector('input[name=attach]').files[0];"
        "return f ? [f.type, f.size, f.name] : null;")


def show_file_status(browser):
    """Scrolls the file's status line (and the preview under it) into the screenshot."""
    browser.driver.execute_script("document.getElementById('attach-status').scrollIntoView({block: 'start'})")


def post_with_file(run, browser, node, path, title, shot_chosen, wait_for):
    """Opens the post form, chooses the file at `path`, waits for `wait_for()` (the script's
    work), fills the text fields and posts; returns the new bulletin's id."""
    from selenium.webdriver.common.by import By
    browser.visit(node.url("/post"))
    browser.driver.find_element(By.NAME, "attach").send_keys(path)
    if wait_for is not None:
        browser.wait(wait_for, "after choosing the file")
        show_file_status(browser)
    browser.shot(shot_chosen)
    browser.fill_and_submit("title", [("channel", "warga"), ("title", title), ("body", f"Foto dari ponsel {run.tag}")])
    return browser.wait_url(r"/b/([0-9a-f]{64})", "after posting with a file").group(1)


def wait_media_loaded(browser, tag):
    """The first `tag` (img, audio) of the bulletin, once the browser has loaded it."""
    browser.wait(lambda: browser.driver.execute_script(
        f"var e = document.querySelector('article {tag}');"
        "return !!e && (e.tagName === 'IMG' ? e.complete && e.naturalWidth > 0 : true);"), f"the {tag} to load")
    return browser.driver.execute_script(
        f"var e = document.querySelector('article {tag}'); return [e.getAttribute('src'), e.naturalWidth || 0, e.naturalHeight || 0];")


def step_browser_photo(run, browser):
    checks, a = run.checks, run.a
    work = run.need("work", "the work folder")
    width, height = BIG_PHOTO
    original = png_bytes(width, height, 2)
    path = os.path.join(work, "foto-ponsel.png")
    with open(path, "wb") as file:
        file.write(original)
    print(f"        (the phone's photo: {width}x{height} PNG, {len(original):,} bytes; the hall takes {ATTACHMENT_MAX:,})")

    def scaled():
        chosen = chosen_file(browser)
        return chosen is not None and chosen[0] == "image/jpeg" and not browser.driver.execute_script(
            "return document.querySelector('button[type=submit]').disabled")

    bulletin_id = post_with_file(run, browser, a, path, f"Sawah dari atas {word('skala')}", "17-photo-chosen.png", scaled)
    source, shown_width, shown_height = wait_media_loaded(browser, "img")
    checks.check("the bulletin shows the photo inline, loaded", source.startswith("/a/") and shown_width > 0,
                 f"{source} {shown_width}x{shown_height}; {browser.shot('18-photo-bulletin.png')}")
    served = get(a, source)
    size = image_size(served.body)
    checks.check("the stored photo is the browser's JPEG, at most 1280 px on its long side",
                 served.header("content-type") == "image/jpeg" and size is not None and max(size) <= SCALED_SIDE_MAX
                 and size[0] * height == size[1] * width,
                 f"{served.header('content-type')}, {size}, from {width}x{height}")
    checks.check("the stored photo is smaller than the phone's original (and within attachment_max)",
                 len(served.body) < min(len(original), ATTACHMENT_MAX), f"{len(served.body):,} of {len(original):,} bytes")
    run.state["photo_id"] = bulletin_id

    # A file over the limit that the script cannot make smaller is refused before it is sent.
    big_audio = os.path.join(work, "rekaman-panjang.ogg")
    with open(big_audio, "wb") as file:
        file.write(b"OggS" + bytes(ATTACHMENT_MAX + 100_000))
    from selenium.webdriver.common.by import By
    browser.visit(a.url("/post"))
    browser.driver.find_element(By.NAME, "attach").send_keys(big_audio)
    browser.wait(lambda: file_status(browser)[1] == "err", "after choosing a file over the limit")
    text, _ = file_status(browser)
    show_file_status(browser)
    checks.check("a file over attachment_max is refused on the phone, in its language, and taken out of the form",
                 "paling besar" in text and chosen_file(browser) is None, f"{text!r}; {browser.shot('19-too-large.png')}")


def step_browser_voice(run, browser):
    from selenium.webdriver.common.by import By
    checks, a, b = run.checks, run.a, run.b
    browser.visit(a.url("/post"))
    buttons = browser.driver.find_elements(By.CSS_SELECTOR, "button.rec")
    checks.require("a secure origin's post form offers 'record a voice note'", bool(buttons),
                   "" if buttons else "no button.rec: MediaRecorder, getUserMedia or DataTransfer is missing")
    record_word = buttons[0].text
    buttons[0].click()
    browser.wait(lambda: buttons[0].text != record_word, "after pressing record")
    time.sleep(RECORD_SECONDS)  # the fake microphone records in real time
    checks.check("while recording, the page counts the seconds", "120" in file_status(browser)[0], file_status(browser)[0])
    buttons[0].click()
    browser.wait(lambda: chosen_file(browser) is not None, "after stopping the recording")
    kind, size, name = chosen_file(browser)
    show_file_status(browser)
    checks.check("the recording is the form's file, in a type the board serves",
                 kind in ("audio/ogg", "audio/mp4", "audio/webm") and size > 0,
                 f"{name}, {kind}, {size:,} bytes; {file_status(browser)[0]!r}; {browser.shot('20-voice-recorded.png')}")
    browser.fill_and_submit("title", [("channel", "warga"), ("title", f"Pesan suara {word('suara')}"),
                                      ("body", f"Dengarkan {run.tag}")])
    browser.wait_url(r"/b/([0-9a-f]{64})", "after posting the voice note")
    source, _, _ = wait_media_loaded(browser, "audio")
    served = get(a, source)
    checks.check("the bulletin has a player, and /a/ID serves the recording as the audio it is",
                 served.status == 200 and audio_kind(served.body) == served.header("content-type") == kind,
                 f"{source}: {served.header('content-type')}, {len(served.body):,} bytes; {browser.shot('21-voice-bulletin.png')}")
    browser.visit(b.url("/post"))
    checks.check("a plain-HTTP origin's post form shows no record button (not a secure context)",
                 not browser.driver.find_elements(By.CSS_SELECTOR, "button.rec"), b.origin())


def step_browser_on_b(run, browser):
    b, checks = run.b, run.checks
    bulletin_id = run.need("post_id", "the browser's post of step 10")
    title, posted_at = run.state["post_title"], run.state["post_at"]

    def on_board():
        browser.visit(b.url("/"))
        return title in browser.text()

    try:
        board_lab.wait_until(on_board, max(0.0, posted_at + SYNC_BOUND_S - time.monotonic()),
                             "the post on B's board", 0.5)
        checks.check(f"the post is on B's board within {SYNC_BOUND_S:.0f} s", True,
                     f"{time.monotonic() - posted_at:.2f} s; {browser.shot('04-board-b.png')}")
    except LabError as error:
        checks.check(f"the post is on B's board within {SYNC_BOUND_S:.0f} s", False,
                     f"{error}; {browser.shot('04-board-b.png')}")
    listed = {bulletin["id"]: bulletin for bulletin in b.list_json("--limit", "100")}
    checks.check(f"the post is in B's kabar list --json within {SYNC_BOUND_S:.0f} s",
                 bulletin_id in listed and listed[bulletin_id]["title"] == title
                 and listed[bulletin_id]["channel"] == "warga",
                 f"{time.monotonic() - posted_at:.2f} s after posting")


def browser_reply(run, browser, node, bulletin_id, reply, shot_name):
    browser.visit(node.url(f"/b/{bulletin_id}"))
    browser.fill_and_submit("body", [("body", reply)], action_pattern=r"/b/[0-9a-f]{64}/reply")
    browser.wait_url(r"/b/[0-9a-f]{64}", "after submitting the reply form")
    run.checks.check(f"the reply shows on {node.name}'s page after posting it ({browser.label})",
                     reply in browser.text(),
                     browser.shot(shot_name))


def wait_thread(run, browser, node, bulletin_id, reply, started_at, shot_name, what):
    def shown():
        browser.visit(node.url(f"/b/{bulletin_id}"))
        return reply in browser.text()

    try:
        board_lab.wait_until(shown, max(0.0, started_at + SYNC_BOUND_S - time.monotonic()), what, 0.5)
        run.checks.check(what, True, f"{time.monotonic() - started_at:.2f} s; {browser.shot(shot_name)}")
    except LabError as error:
        run.checks.check(what, False, f"{error}; {browser.shot(shot_name)}")


def step_browser_reply(run, browser):
    bulletin_id = run.need("post_id", "the browser's post of step 10")
    reply = f"Masih ada semangkanya? Saya ambil 50 kg. {run.tag}"
    started_at = time.monotonic()
    browser.visit(run.b.url(f"/b/{bulletin_id}"))
    browser.shot("05-bulletin-b.png")
    browser_reply(run, browser, run.b, bulletin_id, reply, "06-reply-b.png")
    wait_thread(run, browser, run.a, bulletin_id, reply, started_at, "07-thread-a.png",
                f"the reply from B is in A's thread within {SYNC_BOUND_S:.0f} s")


def step_browser_office(run, browser):
    """Issue 18: A is the regency office (its key an authority on both nodes). A villager's
    message on `aspirasi`, posted at B at the start (setup); A replies; B's page shows the reply
    marked as the office's, and "Diterima kantor kabupaten" once A's report lists the message.
    A reports 30 s after its start and after new bulletins of its channels (`report_delay = 30s`
    in A's kabar.conf)."""
    checks, a, b = run.checks, run.a, run.b
    message = run.need("office_message", "the aspirasi message posted at B in setup")
    office_key = run.need("office_key", "A's key")
    board_lab.wait_until(lambda: a.cli("show", message, "--json", check=False).returncode == 0, SYNC_BOUND_S,
                         "the message at A", 0.2)
    answer = f"Terima kasih, perbaikan dijadwalkan. {run.tag}"
    a.cli("reply", message, "--body", answer)
    started_at = time.monotonic()
    wait_thread(run, browser, b, message, answer, started_at, "08-office-reply-b.png",
                f"the office's reply is on B's page of the message within {SYNC_BOUND_S:.0f} s")
    checks.check("the reply is marked as the regency office's", "Kantor kabupaten" in browser.text(),
                 browser.shot("08-office-reply-b.png"))
    created = json.loads(b.cli("show", message, "--json").stdout)["created"]

    def office_report():
        halls = json.loads(a.cli("halls", "--json").stdout or "[]")
        return any(hall["node"] == office_key and hall["last_report"] > created + 2000 for hall in halls)

    board_lab.wait_until(office_report, 90, "A's report made after the message arrived", 1.0)

    def received():
        browser.visit(b.url(f"/b/{message}"))
        return "Diterima kantor kabupaten" in browser.text()

    try:
        _, seconds = board_lab.wait_until(received, SYNC_BOUND_S, "the receipt on B's page", 1.0)
        checks.check("B's page of the message says 'Diterima kantor kabupaten'", True,
                     f"{seconds:.1f} s after A's report listed it; {browser.shot('09-office-received-b.png')}")
    except LabError as error:
        checks.check("B's page of the message says 'Diterima kantor kabupaten'", False,
                     f"{error}; {browser.shot('09-office-received-b.png')}")


def step_browser_search(run, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    checks, a = run.checks, run.a
    bulletin_id = run.need("post_id", "the browser's post of step 10")
    browser.visit(a.url("/search?q=" + urllib.parse.quote(run.tag)))
    checks.check("/search?q=WORD finds the post", bool(browser.links_to(bulletin_id)), browser.shot("08-search.png"))
    browser.visit(a.url("/"))
    fields = browser.driver.find_elements(By.CSS_SELECTOR, "form input[name=q]")
    checks.require("the board has a search form (an input named q)", bool(fields))
    fields[0].clear()
    fields[0].send_keys(run.tag + Keys.ENTER)
    browser.wait_url(r"/search\?", "after submitting the search form")
    checks.check("the search form on / finds the post", bool(browser.links_to(bulletin_id)), browser.driver.current_url)


def ui_words(text, vocabulary):
    return {token for token in re.findall(r"[a-z]+", text.lower()) if token in vocabulary}


def step_browser_language(run, browser):
    from selenium.webdriver.common.by import By
    checks, a = run.checks, run.a
    browser.visit(a.url("/?lang=id"))
    indonesian = browser.words_text()
    indonesian_words = ui_words(indonesian, INDONESIAN_WORDS)
    checks.check("?lang=id: the board is in Indonesian", browser.lang().startswith("id") and indonesian_words,
                 f"lang={browser.lang()!r}, words {sorted(indonesian_words)}")
    links = browser.driver.find_elements(By.CSS_SELECTOR, "a[href*='lang=en']")
    checks.require("the Indonesian board has a link to English (href with lang=en)", bool(links))
    links[0].click()
    browser.wait(lambda: browser.lang().startswith("en"), "after clicking the English link")
    english = browser.words_text()
    english_words = ui_words(english, ENGLISH_WORDS)
    checks.check("the link switches the board to English (<html lang=\"en\">, an English word)",
                 browser.lang().startswith("en") and english_words,
                 f"lang={browser.lang()!r}, words {sorted(english_words)}; {browser.shot('09-board-en.png')}")
    left = indonesian_words & ui_words(english, INDONESIAN_WORDS)
    checks.check("no Indonesian interface word stays on the English board", len(left) < len(indonesian_words),
                 f"still there: {sorted(left)}")
    cookie = {c["name"]: c["value"] for c in browser.driver.get_cookies()}.get("kabar_lang")
    checks.check("the choice is kept in a kabar_lang cookie", cookie == "en", f"kabar_lang={cookie!r}")
    browser.visit(a.url("/post"))
    checks.check("the next page (no ?lang) stays English", browser.lang().startswith("en"), f"lang={browser.lang()!r}")
    browser.visit(a.url("/?lang=id"))
    words = ui_words(browser.words_text(), INDONESIAN_WORDS)
    checks.check("?lang=id switches back to Indonesian", browser.lang().startswith("id") and words,
                 f"lang={browser.lang()!r}, words {sorted(words)}; {browser.shot('10-board-id.png')}")


def step_browser_hostile(run, browser):
    checks, a = run.checks, run.a
    hostile_id = run.need("hostile_id", "the hostile bulletin of step 5")
    for path, shot_name in [("/", None), ("/search?q=" + urllib.parse.quote(HOSTILE_QUERY), None),
                            (f"/b/{hostile_id}", "11-hostile-a.png")]:
        before = len(browser.alerts)
        browser.visit(a.url(path))
        time.sleep(0.3)  # an onerror fires after the image fails to load
        browser.take_alert(path)
        detail = browser.shot(shot_name) if shot_name else ""
        checks.check(f"no alert on {path[:40]}", len(browser.alerts) == before,
                     "; ".join(browser.alerts[before:]) or detail)
    checks.check("the browser shows the hostile title as text on its bulletin page", HOSTILE_TITLE in browser.text(),
                 browser.driver.current_url)


def step_nojs(run, browser):
    checks, a = run.checks, run.a
    browser.driver.get("data:text/html,<title>off</title><body><script>document.title='on'</script></body>")
    checks.require("JavaScript is really off in this browser", browser.driver.title == "off",
                   f"title {browser.driver.title!r}")
    browser.visit(a.url("/"))
    checks.check("the board loads with JavaScript off", browser.text().strip() != "", browser.shot("12-board-nojs.png"))
    title = f"Posyandu tanpa skrip {word('nojs')}"
    body = "Posyandu hari Kamis jam 9 di balai desa, bawa buku KIA."
    bulletin_id, _ = browser_post(run, browser, a, title, body, "13-post-form-nojs.png", "14-bulletin-nojs.png")
    browser.visit(a.url("/"))
    links = browser.links_to(bulletin_id)
    checks.require("the board shows the post with JavaScript off", title in browser.text() and bool(links))
    links[0].click()
    browser.wait_url(bulletin_id, "after clicking the post on the board")
    checks.check("its link opens the bulletin with JavaScript off", title in browser.text(), browser.driver.current_url)
    reply = f"Terima kasih infonya {word('balas')}"
    browser_reply(run, browser, a, bulletin_id, reply, "15-reply-nojs.png")


def step_nojs_photo(run, browser):
    checks, a = run.checks, run.a
    work = run.need("work", "the work folder")
    photo = png_bytes(400, 300, 3)
    path = os.path.join(work, "foto-kecil.png")
    with open(path, "wb") as file:
        file.write(photo)
    post_with_file(run, browser, a, path, f"Foto tanpa skrip {word('nojs')}", "22-photo-form-nojs.png", None)
    source, shown_width, _ = wait_media_loaded(browser, "img")
    served = get(a, source)
    checks.check("with JavaScript off the photo is posted as chosen and shown",
                 shown_width == 400 and served.body == photo and served.header("content-type") == "image/png",
                 f"{source}, {shown_width} px wide, {len(served.body):,} of {len(photo):,} bytes; "
                 f"{browser.shot('23-photo-bulletin-nojs.png')}")
    # A full-size photo cannot be made smaller without the script: the server refuses it from
    # its head, and the phone reads why (not a connection reset, not "body larger than N").
    from selenium.webdriver.common.by import By
    big = os.path.join(work, "foto-besar.png")
    with open(big, "wb") as file:
        file.write(png_bytes(*BIG_PHOTO, 4))
    browser.visit(a.url("/post"))
    browser.driver.find_element(By.NAME, "attach").send_keys(big)
    browser.fill_and_submit("title", [("channel", "warga"), ("title", f"Terlalu besar {word('besar')}"), ("body", "x")])
    from selenium.common.exceptions import StaleElementReferenceException

    def refused():
        try:
            return "nyalakan JavaScript" in browser.text()
        except StaleElementReferenceException:  # the page was replaced while it was read
            return False

    browser.wait(refused, "after posting a photo over the limit")
    text = browser.text()
    checks.check("a full-size photo sent with JavaScript off is refused with the board's words, in Indonesian and English",
                 "paling besar" in text and "at most" in text, browser.shot("24-too-large-nojs.png"))


def run_browser(run, arguments, shots_dir):
    sessions = []
    try:
        print("9-15. headless Chromium at phone size, JavaScript on", flush=True)
        browser = Browser(arguments, True, shots_dir, "JavaScript on", secure_origin=run.a.origin())
        sessions.append(browser)
        run_step(run, " 9. the board on A", step_browser_board, browser)
        run_step(run, "10. post through the form on A", step_browser_post, browser)
        run_step(run, "10b. a big photo, scaled in the browser", step_browser_photo, browser)
        run_step(run, "10c. a voice note recorded in the browser", step_browser_voice, browser)
        run_step(run, "11. the post on B", step_browser_on_b, browser)
        run_step(run, "12. reply on B, read on A", step_browser_reply, browser)
        run_step(run, "12b. the regency office's reply and receipt on B", step_browser_office, browser)
        run_step(run, "13. search", step_browser_search, browser)
        run_step(run, "14. language", step_browser_language, browser)
        run_step(run, "15. hostile bulletin in the browser", step_browser_hostile, browser)
        nojs = Browser(arguments, False, shots_dir, "JavaScript off")
        sessions.append(nojs)
        run_step(run, "16. JavaScript off: load, post, read, reply", step_nojs, nojs)
        run_step(run, "16b. JavaScript off: a photo through the file input", step_nojs_photo, nojs)
        for session in sessions:
            run.checks.check(f"no alert in the whole session ({session.label})", not session.alerts,
                             "; ".join(session.alerts))
    finally:
        for session in sessions:
            session.close()
    return [path for session in sessions for path in session.shots]


# ---------------------------------------------------------------- main

def setup(run, kabar, work, backlog):
    a, b, checks = run.a, run.b, run.checks
    for node in (a, b):
        node.init()
    if backlog:
        bundle = os.path.join(work, "backlog.kabar")
        board_lab.sh(kabar, "debug", "backlog", bundle, "--count", str(backlog), "--json")
        imported = a.cli("import", bundle)
        checks.require(f"A imports a backlog of {backlog}", imported.stdout.startswith(f"added {backlog},"),
                       imported.stdout.strip())
    # Issue 18: A's key is the regency office's (an authority on both nodes), so its reply and
    # its reports count as the office's (step 12b).
    office_key = a.cli("id").stdout.strip()
    run.state["office_key"] = office_key
    for node in (a, b):
        node.conf_lines = list(node.conf_lines) + [f"authority = {office_key}"]
    a.conf_lines.append("report_delay = 30s")
    a.start()
    b.start()
    # A villager's message to the regency, posted now so that A's first report (30 s) can list it.
    message = b.cli("post", "--channel", "aspirasi", "--title", f"Jalan ke sekolah rusak {run.tag}",
                    "--body", "Berlubang di depan SD.").stdout.strip()
    checks.check("B posts a message on aspirasi", re.fullmatch(r"[0-9a-f]{64}", message) is not None, message)
    run.state["office_message"] = message
    checks.check("both daemons answer on their control socket and web port", True,
                 f"A {a.origin()}, B {b.origin()}")
    web = json.loads(a.cli("status", "--json").stdout).get("web")
    checks.check("kabar status --json shows the board (web)", bool(web), f"web: {json.dumps(web)}")
    if backlog:
        _, seconds = board_lab.wait_until(lambda: b.count() >= backlog, BACKLOG_SYNC_BOUND_S,
                                          f"B to hold A's backlog of {backlog}", 0.2)
        checks.check(f"B holds A's backlog of {backlog}", True, f"{seconds:.2f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kabar", nargs="?", default=".build/release/kabar")
    parser.add_argument("--screenshots", default=os.path.join(tempfile.gettempdir(), "board-screenshots"))
    parser.add_argument("--backlog", type=int, default=300, help="bulletins A holds at the start (0 to 20000)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--chromedriver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    parser.add_argument("--keep", action="store_true", help="keep the data folders and logs")
    arguments = parser.parse_args()
    kabar = os.path.abspath(arguments.kabar)
    if not os.access(kabar, os.X_OK):
        print(f"board browser test: no kabar binary at {kabar}; build it first (swift build -c release)")
        return 1
    if not 0 <= arguments.backlog <= 20000:
        parser.error("--backlog must be 0 to 20000")
    for name in ("no_proxy", "NO_PROXY"):  # selenium talks to chromedriver on localhost
        os.environ[name] = ",".join(filter(None, [os.environ.get(name), "127.0.0.1", "localhost", f"{NET}.0/24"]))

    why_no_namespaces = board_lab.namespaces_unavailable()
    if why_no_namespaces:
        print(f"board browser test: network namespaces unavailable ({why_no_namespaces}): "
              "both nodes run on loopback instead")
    why_no_browser = browser_unavailable(arguments)
    if why_no_browser:
        print(f"board browser test: the BROWSER PART (checks 9-16) IS SKIPPED: {why_no_browser}. "
              "The raw HTTP checks 1-8 still run. (.ci/run installs chromium, chromium-driver and selenium.)")
    shots_dir = os.path.abspath(arguments.screenshots)
    os.makedirs(shots_dir, exist_ok=True)

    checks = Checks()
    lab = board_lab.Lab(PREFIX, NET, use_namespaces=why_no_namespaces is None)
    work = tempfile.mkdtemp(prefix="kbw")
    a, b = lab.nodes(kabar, work, CONF_LINES)
    run = Run(a, b, checks, word("kbw"))
    run.state["work"] = work
    shots = []
    started = time.monotonic()
    print(f"board browser test: {lab.describe()}; data and logs in {work}")
    try:
        lab.build()
        run_step(run, "0. two daemons with the board on", setup, kabar, work, arguments.backlog)
        if a.running() and b.running():
            run_step(run, "1. first visit (raw HTTP)", step_first_visit)
            run_step(run, "2. page weight", step_page_weight)
            run_step(run, "3. the post form, CSRF and Origin", step_post_form_and_csrf)
            run_step(run, "4. the raw post on B", step_raw_post_reaches_b)
            run_step(run, "5. hostile content through the mesh", step_hostile)
            run_step(run, "6. the JSON API", step_api)
            run_step(run, "7. captive-portal probes", step_portal)
            run_step(run, "8. malformed requests and paths", step_robustness)
            run_step(run, "8b. a photo posted as multipart (raw HTTP)", step_raw_upload)
            if why_no_browser is None:
                try:
                    shots = run_browser(run, arguments, shots_dir)
                except Exception as error:  # the browser failing to start is a failure, not a skip
                    checks.check("the browser part runs", False, f"{type(error).__name__}: {error}")
            for node in (a, b):
                checks.check(f"node {node.name} still runs at the end", node.running(),
                             "" if node.running() else node.log_tail(5).strip())
    except LabError as error:
        checks.check("the lab is set up", False, str(error))
    finally:
        for node in (a, b):
            node.stop()
        lab.close()
        if checks.failed:
            for node in (a, b):
                print(f"--- last log lines of node {node.name} ({node.log_path})\n{node.log_tail()}")
        if arguments.keep or checks.failed:
            print(f"data folders and logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if shots:
        print("screenshots:")
        for path in shots:
            print(f"  {path}")
    if why_no_browser:
        print(f"browser part skipped: {why_no_browser}")
    if checks.failures:
        print("failed: " + "; ".join(checks.failures))
    print(f"board browser test took {time.monotonic() - started:.1f} s")
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
