"""Two `kabar run` daemons serving the hall board, and a plain HTTP client to read them.

Shared by Scripts/board-browser-test.py and Scripts/board-load.py (not run on its own).

Where network namespaces can be made (root, iproute2), a lab is two namespaces PREFIX-a and
PREFIX-b joined by a veth pair. A's end of that pair and the root namespace's veth both sit on
a bridge inside PREFIX-a, so the root namespace (where the test, the browser and the load
clients run) is on the same /24 as both nodes and reaches either board directly:

    root namespace              PREFIX-a                          PREFIX-b
    PREFIX0 .254 ---------- rt0 -+
                                 br0 NET.1 (kabar A)
                            pb0 -+-------- veth pair -------- eth0 NET.2 (kabar B)

Each node runs `kabar run --no-repl --web-port 8080` with a static `--peer` naming the other's
gossip address, and a kabar.conf holding the lab's web settings. Names and the subnet come from
the caller, so two labs (the browser test's and the load's) can exist at once. Namespaces and the
root-side link a killed run left behind are removed first; `close()` removes everything.

Without namespaces (not root, no `ip`, a container without the rights) both nodes run in the
root namespace on 127.0.0.1 with their own free gossip and web ports.

Every request here goes over a raw socket, never through a proxy: the bytes counted are the
bytes that crossed the wire.
"""

import gzip
import html.parser
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse

NODE_START_S = 20.0
POLL_S = 0.1
HTTP_TIMEOUT_S = 10.0
RESPONSE_BYTES_MAX = 8 * 1024 * 1024
BULLETIN_ID = re.compile(r"/b/([0-9a-f]{64})")
PHONE_USER_AGENT = ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
                    "Chrome/120.0.0.0 Mobile Safari/537.36")


class LabError(Exception):
    """Something the lab could not do: a command failed, a node did not start or answer."""


def sh(*args, check=True, timeout=120):
    """Runs a command and returns its CompletedProcess; raises LabError when it fails and `check` is set."""
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise LabError(f"command timed out after {timeout} s: {' '.join(args)}")
    if check and result.returncode != 0:
        raise LabError(f"command failed ({result.returncode}): {' '.join(args)}\n"
                       f"{(result.stderr or result.stdout).strip()}")
    return result


def wait_until(condition, timeout_s, what, poll_s=POLL_S):
    """Polls `condition` until it returns a true value; returns (value, seconds); raises LabError after `timeout_s`."""
    start = time.monotonic()
    while True:
        value = condition()
        if value:
            return value, time.monotonic() - start
        if time.monotonic() - start > timeout_s:
            raise LabError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(poll_s)


def free_port(kind=socket.SOCK_STREAM):
    """A port the kernel says is free on 127.0.0.1 now (TCP for web, UDP for gossip)."""
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def namespaces_unavailable():
    """None when network namespaces can be made here, else the reason they cannot."""
    if os.geteuid() != 0:
        return "not running as root (network namespaces need CAP_SYS_ADMIN)"
    if shutil.which("ip") is None:
        return "iproute2's 'ip' is not installed"
    probe = "kbprobe-lab"
    result = sh("ip", "netns", "add", probe, check=False)
    if result.returncode != 0:
        return f"'ip netns add' failed here: {result.stderr.strip()}"
    sh("ip", "netns", "del", probe, check=False)
    return None


class Lab:
    """Where two board nodes run: namespaces PREFIX-a/PREFIX-b on NET.0/24, or loopback.

    `prefix` names the namespaces and the root-side link (at most 8 characters); `net` is the
    first three octets of the lab's /24 (for example "10.50.0").
    """

    WEB_PORT = 8080
    GOSSIP_PORT = 4747

    def __init__(self, prefix, net, use_namespaces):
        self.prefix = prefix
        self.net = net
        self.use_namespaces = use_namespaces
        self.made = []

    def namespace(self, node):
        return f"{self.prefix}-{node}" if self.use_namespaces else None

    def root_link(self):
        return f"{self.prefix}0"

    def address(self, node):
        """The address the root namespace reaches `node` ("a" or "b") at."""
        if not self.use_namespaces:
            return "127.0.0.1"
        return f"{self.net}.{1 if node == 'a' else 2}"

    def clear_leftovers(self):
        """Removes this lab's namespaces and root-side link if a killed run left them."""
        for line in sh("ip", "netns", "list").stdout.splitlines():
            name = line.split()[0] if line.split() else ""
            if name.startswith(self.prefix + "-"):
                # Daemons of a killed run live on in their namespace: only this lab puts processes there.
                for pid in sh("ip", "netns", "pids", name, check=False).stdout.split():
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except (ValueError, OSError):
                        pass
                sh("ip", "netns", "del", name, check=False)
        if sh("ip", "link", "show", self.root_link(), check=False).returncode == 0:
            sh("ip", "link", "del", self.root_link(), check=False)

    def build(self):
        if not self.use_namespaces:
            return
        self.clear_leftovers()
        clash = sh("ip", "-4", "-o", "addr", "show", "to", f"{self.net}.0/24").stdout.strip()
        if clash:
            raise LabError(f"{self.net}.0/24 is already in use in the root namespace:\n{clash}")
        a, b = self.namespace("a"), self.namespace("b")
        for name in (a, b):
            sh("ip", "netns", "add", name)
            self.made.append(name)
            sh("ip", "-n", name, "link", "set", "lo", "up")
        sh("ip", "-n", a, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", a, "addr", "add", f"{self.net}.1/24", "brd", "+", "dev", "br0")
        sh("ip", "link", "add", "pb0", "netns", a, "type", "veth", "peer", "name", "eth0", "netns", b)
        sh("ip", "link", "add", self.root_link(), "type", "veth", "peer", "name", "rt0", "netns", a)
        for port in ("pb0", "rt0"):
            sh("ip", "-n", a, "link", "set", port, "master", "br0", "up")
        sh("ip", "-n", a, "link", "set", "br0", "up")
        sh("ip", "-n", b, "addr", "add", f"{self.net}.2/24", "brd", "+", "dev", "eth0")
        sh("ip", "-n", b, "link", "set", "eth0", "up")
        sh("ip", "addr", "add", f"{self.net}.254/24", "dev", self.root_link())
        sh("ip", "link", "set", self.root_link(), "up")
        # The bridge has STP off, so its ports forward at once; a node's start waits for its web
        # port to answer from the root namespace, which proves the path.

    def close(self):
        if not self.use_namespaces:
            return
        for name in reversed(self.made):
            sh("ip", "netns", "del", name, check=False)
        sh("ip", "link", "del", self.root_link(), check=False)
        self.made = []

    def describe(self):
        if self.use_namespaces:
            return (f"namespaces {self.namespace('a')} ({self.address('a')}) and {self.namespace('b')} "
                    f"({self.address('b')}), root side {self.root_link()} {self.net}.254")
        return "loopback (127.0.0.1), one port pair per node"

    def nodes(self, kabar, work, conf_lines):
        """The lab's two nodes (not started): A and B, each naming the other as its static peer."""
        if self.use_namespaces:
            ports = {"a": (self.GOSSIP_PORT, self.WEB_PORT), "b": (self.GOSSIP_PORT, self.WEB_PORT)}
        else:
            ports = {"a": (free_port(socket.SOCK_DGRAM), free_port()), "b": (free_port(socket.SOCK_DGRAM), free_port())}
        made = {}
        for name, other in (("a", "b"), ("b", "a")):
            gossip, web = ports[name]
            peer = f"{self.address(other)}:{ports[other][0]}"
            made[name] = BoardNode(kabar, os.path.join(work, name), name.upper(), self.address(name), gossip, web,
                                   peer, self.namespace(name), conf_lines)
        return made["a"], made["b"]


class BoardNode:
    """One `kabar run` with the board on, its data folder, kabar.conf and log."""

    def __init__(self, kabar, data, name, host, gossip_port, web_port, peer, namespace, conf_lines):
        self.kabar = kabar
        self.data = data
        self.name = name
        self.host = host
        self.gossip_port = gossip_port
        self.web_port = web_port
        self.peer = peer
        self.namespace = namespace
        self.conf_lines = list(conf_lines)
        self.log_path = data + ".log"
        self.process = None

    def origin(self):
        return f"http://{self.host}:{self.web_port}"

    def url(self, path):
        return self.origin() + path

    def init(self):
        self.cli("init", "--label", f"Balai uji {self.name}")

    def write_conf(self):
        os.makedirs(self.data, mode=0o700, exist_ok=True)
        with open(os.path.join(self.data, "kabar.conf"), "w") as conf:
            conf.write(f"# written by {os.path.basename(__file__)} for the board tests\n")
            conf.write("".join(line + "\n" for line in self.conf_lines))

    def command(self):
        arguments = [self.kabar, "run", "--data", self.data, "--no-repl", "--port", str(self.gossip_port),
                     "--web-port", str(self.web_port), "--peer", self.peer]
        return (["ip", "netns", "exec", self.namespace] if self.namespace else []) + arguments

    def start(self):
        """Starts the daemon; returns once its control socket and its web port both answer."""
        self.write_conf()
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()

        def ready():
            if self.process.poll() is not None:
                raise LabError(f"node {self.name} exited with {self.process.returncode} at start:\n{self.log_tail()}")
            return self.answers() and self.web_answers()

        try:
            wait_until(ready, NODE_START_S, f"node {self.name} to answer on its control socket and web port")
        except LabError as error:
            raise LabError(f"{error}\n--- {self.log_path}\n{self.log_tail()}")

    def answers(self):
        result = self.cli("status", "--json", check=False)
        try:
            return result.returncode == 0 and json.loads(result.stdout).get("running") is True
        except ValueError:
            return False

    def web_answers(self):
        try:
            with socket.create_connection((self.host, self.web_port), timeout=1):
                return True
        except OSError:
            return False

    def running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cli(self, *args, check=True):
        # The control socket is a file in the data folder: the CLI reaches the daemon from the root namespace.
        return sh(self.kabar, *args, "--data", self.data, check=check)

    def list_json(self, *args):
        result = self.cli("list", "--json", *args, check=False)
        if result.returncode != 0:
            return []
        try:
            return json.loads(result.stdout)
        except ValueError:
            return []

    def holds(self, bulletin_id):
        result = self.cli("show", bulletin_id, "--json", check=False)
        return result.returncode == 0

    def count(self):
        result = self.cli("status", "--json", check=False)
        try:
            return json.loads(result.stdout).get("store", {}).get("count", 0)
        except ValueError:
            return 0

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors="replace") as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return "(no log)"


class Response:
    """One HTTP response as it came off the wire."""

    def __init__(self, status, reason, headers, body, wire_bytes):
        self.status = status
        self.reason = reason
        self.headers = headers          # [(lower-case name, value)] in order
        self.body = body                # bytes, de-chunked and un-gzipped
        self.wire_bytes = wire_bytes    # status line + headers + body as sent

    def header(self, name):
        """The first value of header `name`, or None."""
        for key, value in self.headers:
            if key == name.lower():
                return value
        return None

    def header_all(self, name):
        return [value for key, value in self.headers if key == name.lower()]

    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def cookies(self):
        """Cookies this response sets: {name: (value, attributes in lower case)}."""
        made = {}
        for line in self.header_all("set-cookie"):
            first, _, rest = line.partition(";")
            name, _, value = first.strip().partition("=")
            made[name] = (value, rest.lower())
        return made


def http_request(host, port, method, path, headers=None, body=b"", timeout=HTTP_TIMEOUT_S, raw=None):
    """Sends one request on a new connection (`Connection: close`) and reads the whole response.

    `raw` (bytes) replaces the whole request, for malformed requests. Raises OSError or
    LabError when the connection fails or the response does not parse.
    """
    if raw is None:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", f"User-Agent: {PHONE_USER_AGENT}",
                 "Accept: text/html,application/json;q=0.9,*/*;q=0.8", "Accept-Language: id-ID,id;q=0.9",
                 "Accept-Encoding: gzip", "Connection: close"]
        names = {name.lower() for name in (headers or {})}
        lines = [line for line in lines if line.split(":")[0].lower() not in names]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    with socket.create_connection((host, port), timeout=timeout) as connection:
        connection.sendall(raw)
        return read_response(connection, method)


def read_response(connection, method):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise LabError(f"connection closed before the response headers ({len(data)} bytes read)")
        data += chunk
        if len(data) > RESPONSE_BYTES_MAX:
            raise LabError("response headers too long")
    head, _, rest = data.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    parts = head_lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise LabError(f"not an HTTP status line: {head_lines[0]!r}")
    status, reason = int(parts[1]), parts[2] if len(parts) > 2 else ""
    headers = []
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    fields = dict(headers)
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        body_wire = b""
    elif "chunked" in fields.get("transfer-encoding", "").lower():
        body_wire = read_chunked(connection, rest)
    elif "content-length" in fields:
        length = int(fields["content-length"])
        body_wire = rest
        while len(body_wire) < length:
            chunk = connection.recv(65536)
            if not chunk:
                raise LabError(f"body ended after {len(body_wire)} of {length} bytes")
            body_wire += chunk
        body_wire = body_wire[:length]
    else:
        body_wire = rest + read_to_end(connection)
    body = decode_chunks(body_wire) if "chunked" in fields.get("transfer-encoding", "").lower() else body_wire
    if fields.get("content-encoding", "").lower() == "gzip":
        body = gzip.decompress(body)
    return Response(status, reason, headers, body, len(head) + 4 + len(body_wire))


def read_to_end(connection):
    data = b""
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
        if len(data) > RESPONSE_BYTES_MAX:
            raise LabError("response body too long")


def read_chunked(connection, data):
    """Reads until the last chunk and its trailer; returns the chunked body as sent."""
    while chunked_end(data) is None:
        chunk = connection.recv(65536)
        if not chunk:
            raise LabError(f"chunked body ended early ({len(data)} bytes read)")
        data += chunk
        if len(data) > RESPONSE_BYTES_MAX:
            raise LabError("chunked body too long")
    return data[:chunked_end(data)]


def chunked_end(data):
    """Where a complete chunked body ends in `data`, or None while it is incomplete."""
    position = 0
    while True:
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            return None
        try:
            size = int(data[position:line_end].split(b";")[0].strip(), 16)
        except ValueError:
            raise LabError(f"bad chunk size line {data[position:line_end][:40]!r}")
        if size == 0:
            trailer_end = data.find(b"\r\n\r\n", line_end)
            if data[line_end:line_end + 4] == b"\r\n\r\n":
                return line_end + 4
            return None if trailer_end < 0 else trailer_end + 4
        position = line_end + 2 + size + 2
        if position > len(data):
            return None


def decode_chunks(data):
    body, position = b"", 0
    while True:
        line_end = data.index(b"\r\n", position)
        size = int(data[position:line_end].split(b";")[0].strip(), 16)
        if size == 0:
            return body
        body += data[line_end + 2:line_end + 2 + size]
        position = line_end + 2 + size + 2


class Page(html.parser.HTMLParser):
    """What a test needs from an HTML page: forms, links, every start tag, text, the lang."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.forms = []          # [{"action", "method", "fields": [(tag, type, name, value)]}]
        self.links = []          # every a href
        self.tags = []           # [(tag, {attr: value})]
        self.text_parts = []
        self.script_texts = []
        self.lang = None
        self.viewport = None
        self.open_textarea = None
        self.in_script = False
        self.in_style = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value or "") for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "meta" and attributes.get("name", "").lower() == "viewport":
            self.viewport = attributes.get("content", "")
        elif tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
        elif tag == "form":
            self.forms.append({"action": attributes.get("action", ""),
                               "method": attributes.get("method", "get").lower(), "fields": []})
        elif tag in ("input", "button", "select") and self.forms:
            default = {"input": "text", "button": "submit", "select": "select"}[tag]
            self.forms[-1]["fields"].append((tag, attributes.get("type", default).lower(), attributes.get("name", ""),
                                             attributes.get("value", "")))
        elif tag == "textarea" and self.forms:
            self.open_textarea = [tag, "textarea", attributes.get("name", ""), ""]
        elif tag == "script":
            self.in_script = True
            self.script_texts.append("")
        elif tag == "style":
            self.in_style = True

    def handle_endtag(self, tag):
        if tag == "textarea" and self.open_textarea and self.forms:
            self.forms[-1]["fields"].append(tuple(self.open_textarea))
            self.open_textarea = None
        elif tag == "script":
            self.in_script = False
        elif tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_script:
            self.script_texts[-1] += data
            return
        if self.in_style:
            return
        if self.open_textarea:
            self.open_textarea[3] += data
        self.text_parts.append(data)

    def text(self):
        return " ".join(" ".join(self.text_parts).split())

    def form_with(self, field_name, action_pattern=None):
        """The first form holding a field named `field_name` (and an action matching the pattern)."""
        for form in self.forms:
            if any(name == field_name for _, _, name, _ in form["fields"]):
                if action_pattern is None or re.search(action_pattern, form["action"]):
                    return form
        return None

    def subresources(self):
        """URLs the page makes a browser fetch by itself: scripts, styles, images, icons, frames."""
        found = []
        for tag, attributes in self.tags:
            if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and attributes.get("src"):
                found.append(attributes["src"])
            elif tag == "link" and attributes.get("href") and (
                    set(attributes.get("rel", "").lower().split()) & {"stylesheet", "icon", "preload", "manifest",
                                                                       "apple-touch-icon", "shortcut"}):
                found.append(attributes["href"])
            elif tag == "object" and attributes.get("data"):
                found.append(attributes["data"])
        return found


def resolve(node, base_path, reference):
    """(same_origin, path with query, absolute URL) of `reference` as a browser on `base_path` of `node` resolves it."""
    absolute = urllib.parse.urljoin(node.url(base_path), reference)
    parsed = urllib.parse.urlparse(absolute)
    same = parsed.scheme == "http" and parsed.hostname == node.host and (parsed.port or 80) == node.web_port
    return same, (parsed.path or "/") + (f"?{parsed.query}" if parsed.query else ""), absolute


def hidden_fields(form):
    return [(name, value) for tag, kind, name, value in form["fields"] if kind == "hidden" and name]


def form_body(fields):
    return urllib.parse.urlencode(fields).encode()


def cookie_header(jar):
    return "; ".join(f"{name}={value}" for name, value in sorted(jar.items()))


def remember_cookies(jar, response):
    for name, (value, _) in response.cookies().items():
        jar[name] = value
