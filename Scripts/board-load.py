#!/usr/bin/env python3
"""The hall board under load (issue 14's target): 50 phones read and post while the node syncs.

    python3 Scripts/board-load.py [--kabar .build/release/kabar] [--clients 50] [--seconds 20]
                                  [--backlog 5000] [--think-ms 500] [--posts-per-s 2] [--conf LINE]...

Node A starts holding a `kabar debug backlog` of BACKLOG bulletins (imported with `kabar
import`); node B starts empty 1 s into the load, so A syncs the backlog to B while the phones
load A (the figures split into before, during and after that first sync). The two
nodes are the namespaces kbl-a (10.50.1.1) and kbl-b (10.50.1.2) of Scripts/board_lab.py when
run as root, else two daemons on loopback with their own ports and static peers. No other host
is ever a target. Both nodes' kabar.conf say `web.posting = open` and raise the daily limits
(`web.posts_per_day`, `web.posts_per_phone`) so the phones measure serving, not the limits;
`--conf LINE` adds lines.

Each phone is a thread with its own keep-alive connection (`http.client`) and its own cookies
(so its own `kabar_phone` token). Until the time is up it reads `/` (one in five `/?channel=pasar`),
`/b/<id>` of bulletins listed on the board or by `kabar list`, and `/search?q=...`, waiting a
random 0 to THINK ms between requests (`--think-ms 0`: as fast as it can). Posting runs at
POSTS_PER_S across all phones, each phone in turn: GET `/post`, read the hidden fields and the
cookie, POST the form (expect 303), GET the bulletin it leads to. A connection the node closed
while idle is reopened once, as a browser does, and counted (`reconnects`); any other failure to
get a response is a transport error.

Meanwhile, 2 s into the load, one bulletin is posted on B through the CLI and timed until it
shows in A's `kabar list --json`: gossip delivery on the LAN under load (the netns test's bound
is 10 s). B's store count is sampled every 0.5 s to tell when its first sync ended.

Prints one JSON object (p50/p90/p99/max page time per kind and for all, statuses, bytes, errors,
the must/goal verdicts, sync and gossip figures), then the same for people. Page time is from
sending the request to the last byte of the body, measured in this (single-interpreter) process:
under a heavy load the client's own scheduling counts against the node.

Exit 1 when a request failed at the transport level, a response was a 5xx or otherwise
unexpected, a p99 (of all requests, or of any kind) missed the must (200 ms), or the gossip
bulletin never arrived; else 0. The goal (50 ms) and page weight (32 KB) are reported.
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import secrets
import shutil
import string
import sys
import tempfile
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in Scripts/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import board_lab  # noqa: E402
from board_lab import LabError, Page, resolve  # noqa: E402

PREFIX = "kbl"
NET = "10.50.1"
CLIENTS_MAX = 200
SECONDS_MAX = 300
BACKLOG_MAX = 100000
POSTS_PER_S_MAX = 50.0
P99_MUST_MS = 200.0
P99_GOAL_MS = 50.0
PAGE_BYTES_MAX = 32 * 1024
B_START_AFTER_S = 1.0
GOSSIP_AFTER_S = 2.0
GOSSIP_BOUND_S = 10.0
GOSSIP_WAIT_S = 60.0
SYNC_SAMPLE_S = 0.5
REQUEST_TIMEOUT_S = 10.0
ID_POOL_MAX = 5000
# The phones must measure serving, not the daily limits (Documentation/Board.md): raise them.
CONF_LINES = ["web.posting = open", "web.posts_per_day = 100000", "web.posts_per_phone = 10000"]
SEARCHES = ["beras", "kelapa", "ikan salai", "hubungi balai", "semangka", "posyandu", "tidakadasamasekali"]
READ_KINDS = [("board", 30), ("channel", 8), ("bulletin", 45), ("search", 17)]
EXPECTED = {"board": {200}, "channel": {200}, "bulletin": {200}, "search": {200}, "post_form": {200},
            "post_submit": {303, 429}}
ORDER = ["board", "channel", "bulletin", "search", "post_form", "post_submit"]
BULLETIN_ID = re.compile(r"/b/([0-9a-f]{64})")


class IdPool:
    """Bulletin ids the phones may open: seeded from `kabar list`, grown from the boards they read."""

    def __init__(self, ids):
        self.lock = threading.Lock()
        self.ids = list(dict.fromkeys(ids))[:ID_POOL_MAX]
        self.known = set(self.ids)

    def add(self, ids):
        with self.lock:
            for bulletin_id in ids:
                if bulletin_id not in self.known and len(self.ids) < ID_POOL_MAX:
                    self.known.add(bulletin_id)
                    self.ids.append(bulletin_id)

    def pick(self, rng):
        with self.lock:
            return rng.choice(self.ids) if self.ids else None


class Samples:
    """Every response: (kind, start offset s, milliseconds, status, wire bytes); and every failure."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []
        self.transport_errors = []
        self.reconnects = 0

    def add(self, row):
        with self.lock:
            self.rows.append(row)

    def fail(self, kind, error):
        with self.lock:
            self.transport_errors.append(f"{kind}: {type(error).__name__}: {error}")

    def reconnected(self):
        with self.lock:
            self.reconnects += 1


class Phone(threading.Thread):
    """One phone: a keep-alive connection, a cookie jar, reads and the odd post until `end_at`."""

    def __init__(self, index, node, pool, samples, start_at, end_at, post_interval_s, think_s, seed):
        super().__init__(daemon=True, name=f"phone-{index}")
        self.index, self.node, self.pool, self.samples = index, node, pool, samples
        self.start_at, self.end_at, self.post_interval_s, self.think_s = start_at, end_at, post_interval_s, think_s
        self.rng = random.Random(seed * 1000 + index)
        self.jar = {}
        self.connection = None
        self.used = False

    def run(self):
        next_post = self.start_at + self.rng.uniform(0, self.post_interval_s) if self.post_interval_s else math.inf
        while time.monotonic() < self.end_at:
            if time.monotonic() >= next_post:
                self.post()
                next_post += self.post_interval_s
            else:
                self.read()
            if self.think_s:
                time.sleep(self.rng.uniform(0, self.think_s))
        if self.connection:
            self.connection.close()

    def read(self):
        kind = self.rng.choices([k for k, _ in READ_KINDS], weights=[w for _, w in READ_KINDS])[0]
        if kind == "board":
            self.get_board("/", kind)
        elif kind == "channel":
            self.get_board("/?channel=pasar", kind)
        elif kind == "bulletin":
            bulletin_id = self.pool.pick(self.rng)
            if bulletin_id:
                self.request("bulletin", "GET", f"/b/{bulletin_id}")
        else:
            query = self.rng.choice(SEARCHES + [f"Pasar {self.rng.randrange(5000)}"])
            self.request("search", "GET", "/search?q=" + urllib.parse.quote_plus(query))

    def get_board(self, path, kind):
        answer = self.request(kind, "GET", path)
        if answer and answer[0] == 200:
            self.pool.add(BULLETIN_ID.findall(answer[1].decode("utf-8", "replace")))

    def post(self):
        answer = self.request("post_form", "GET", "/post")
        if not answer or answer[0] != 200:
            return
        form = Page(answer[1].decode("utf-8", "replace")).form_with("title")
        if form is None:
            self.samples.add(("post_submit", time.monotonic() - self.start_at, 0.0, "no form", 0))
            return
        _, action, _ = resolve(self.node, "/post", form["action"] or "/post")
        word = "".join(self.rng.choice(string.ascii_lowercase) for _ in range(8))
        fields = board_lab.hidden_fields(form) + [
            ("channel", "warga"), ("title", f"Beban {self.index} {word}"),
            ("body", f"Pesan uji beban dari ponsel {self.index}: {word}. Dijual kelapa muda, hubungi balai.")]
        answer = self.request("post_submit", "POST", action, body=board_lab.form_body(fields), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Origin": self.node.origin(),
            "Referer": self.node.url("/post")})
        if answer and answer[0] == 303:
            location = answer[2].get("Location", "")
            match = BULLETIN_ID.search(location)
            if match:
                self.pool.add([match.group(1)])
                self.request("bulletin", "GET", urllib.parse.urlparse(location).path or f"/b/{match.group(1)}")

    def connect(self):
        self.connection = http.client.HTTPConnection(self.node.host, self.node.web_port, timeout=REQUEST_TIMEOUT_S)
        self.used = False

    def request(self, kind, method, path, body=None, headers=None):
        """Returns (status, body bytes, headers) or None after a transport error."""
        sent = {"User-Agent": board_lab.PHONE_USER_AGENT, "Accept": "text/html,*/*;q=0.8",
                "Accept-Language": "id-ID,id;q=0.9"}
        if self.jar:
            sent["Cookie"] = board_lab.cookie_header(self.jar)
        sent.update(headers or {})
        for attempt in (0, 1):
            if self.connection is None:
                self.connect()
            reused = self.used
            began = time.monotonic()
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self.connection.close()
                self.connection = None
                if reused and attempt == 0:  # the node closed an idle keep-alive connection: reopen once
                    self.samples.reconnected()
                    continue
                self.samples.fail(kind, error)
                return None
            except (OSError, http.client.HTTPException) as error:
                self.connection.close()
                self.connection = None
                self.samples.fail(kind, error)
                return None
            milliseconds = (time.monotonic() - began) * 1000
            self.used = True
            head_bytes = len(f"HTTP/1.1 {response.status} {response.reason}\r\n\r\n") + sum(
                len(name) + len(value) + 4 for name, value in response.getheaders())
            self.samples.add((kind, began - self.start_at, milliseconds, response.status, head_bytes + len(data)))
            for line in response.headers.get_all("Set-Cookie") or []:
                name, _, value = line.split(";")[0].strip().partition("=")
                self.jar[name] = value
            if response.will_close:
                self.connection.close()
                self.connection = None
            return response.status, data, response.headers


class SyncWatch(threading.Thread):
    """Starts B at `b_start_at`, then samples its store count until `stop`; notes when it holds the backlog."""

    def __init__(self, node, backlog, start_at, b_start_at):
        super().__init__(daemon=True, name="sync-watch")
        self.node, self.backlog, self.start_at, self.b_start_at = node, backlog, start_at, b_start_at
        self.stop_event = threading.Event()
        self.started_event = threading.Event()
        self.counts = []
        self.started_at = None
        self.done_at = None
        self.error = None

    def run(self):
        time.sleep(max(0.0, self.b_start_at - time.monotonic()))
        self.started_at = time.monotonic() - self.start_at
        try:
            self.node.start()
        except LabError as error:
            self.error = str(error)
            return
        finally:
            self.started_event.set()
        while not self.stop_event.is_set():
            count = self.node.count()
            now = time.monotonic() - self.start_at
            self.counts.append((round(now, 2), count))
            if self.done_at is None and count >= self.backlog:
                self.done_at = now
            self.stop_event.wait(SYNC_SAMPLE_S)


class GossipProbe(threading.Thread):
    """Posts one bulletin on B through the CLI during the load and times it into A's `kabar list --json`."""

    def __init__(self, a, b, post_at, b_started):
        super().__init__(daemon=True, name="gossip-probe")
        self.a, self.b, self.post_at, self.b_started = a, b, post_at, b_started
        self.result = {}

    def run(self):
        self.b_started.wait()
        time.sleep(max(0.0, self.post_at - time.monotonic()))
        if not self.b.running():
            self.result = {"error": "B is not running"}
            return
        word = "cepat" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
        began = time.monotonic()
        try:
            posted = self.b.cli("post", "--channel", "warga", "--title", f"Kabar cepat {word}",
                                "--body", f"Uji gosip saat beban {word}")
        except LabError as error:
            self.result = {"error": str(error)}
            return
        cli_s = time.monotonic() - began
        match = re.search(r"[0-9a-f]{64}", posted.stdout)
        if not match:
            self.result = {"error": f"kabar post printed {posted.stdout.strip()!r}"}
            return
        bulletin_id = match.group(0)
        while time.monotonic() - began < GOSSIP_WAIT_S:
            if any(bulletin["id"] == bulletin_id for bulletin in self.a.list_json("--search", word, "--limit", "5")):
                self.result = {"id": bulletin_id, "lan_delivery_s": round(time.monotonic() - began, 3),
                               "cli_post_s": round(cli_s, 3)}
                return
            time.sleep(0.1)
        self.result = {"id": bulletin_id, "error": f"not in A's kabar list --json after {GOSSIP_WAIT_S:.0f} s"}


def percentile(values, fraction):
    """Nearest-rank percentile of sorted `values`."""
    if not values:
        return None
    return values[max(0, math.ceil(fraction * len(values)) - 1)]


def summarize(rows):
    times = sorted(row[2] for row in rows)
    statuses = {}
    for row in rows:
        statuses[str(row[3])] = statuses.get(str(row[3]), 0) + 1
    sizes = [row[4] for row in rows]
    return {"count": len(rows),
            "p50_ms": round(percentile(times, 0.50), 1) if times else None,
            "p90_ms": round(percentile(times, 0.90), 1) if times else None,
            "p99_ms": round(percentile(times, 0.99), 1) if times else None,
            "max_ms": round(times[-1], 1) if times else None,
            "statuses": dict(sorted(statuses.items())),
            "bytes_max": max(sizes) if sizes else 0,
            "bytes_mean": round(sum(sizes) / len(sizes)) if sizes else 0}


def report(arguments, samples, watch, probe, lab_text, seconds, machine):
    rows = samples.rows
    kinds = {kind: summarize([row for row in rows if row[0] == kind]) for kind in ORDER}
    kinds = {kind: value for kind, value in kinds.items() if value["count"]}
    overall = summarize(rows)
    page_rows = [row for row in rows if row[0] != "post_submit"]
    b_started = watch.started_at if watch.started_at is not None else math.inf
    synced = watch.done_at if watch.done_at is not None else math.inf
    before = [row for row in rows if row[1] < b_started]
    during = [row for row in rows if b_started <= row[1] < synced]
    after = [row for row in rows if row[1] >= synced]
    unexpected = {kind: {status: count for status, count in value["statuses"].items()
                         if not status.isdigit() or int(status) not in EXPECTED[kind]}
                  for kind, value in kinds.items()}
    unexpected = {kind: value for kind, value in unexpected.items() if value}
    server_errors = sum(count for value in kinds.values() for status, count in value["statuses"].items()
                        if status.isdigit() and int(status) >= 500)
    slow_kinds = [kind for kind, value in kinds.items() if value["p99_ms"] > P99_MUST_MS]
    must_met = overall["count"] > 0 and overall["p99_ms"] <= P99_MUST_MS and not slow_kinds
    page_bytes_max = max((row[4] for row in page_rows), default=0)
    result = {
        "clients": arguments.clients, "seconds": arguments.seconds, "backlog": arguments.backlog,
        "think_ms": arguments.think_ms, "posts_per_s": arguments.posts_per_s, "lab": lab_text,
        "machine": machine,
        "requests": overall["count"], "requests_per_s": round(overall["count"] / seconds, 1),
        "all": overall, "kinds": kinds,
        "before_sync": summarize(before), "during_sync": summarize(during), "after_sync": summarize(after),
        "transport_errors": len(samples.transport_errors), "transport_error_examples": samples.transport_errors[:5],
        "reconnects": samples.reconnects, "server_errors": server_errors, "unexpected_statuses": unexpected,
        "p99_must_ms": P99_MUST_MS, "p99_goal_ms": P99_GOAL_MS, "must_met": must_met,
        "goal_met": overall["count"] > 0 and overall["p99_ms"] <= P99_GOAL_MS,
        "slow_kinds": slow_kinds,
        "page_bytes_max": page_bytes_max, "page_bytes_must": PAGE_BYTES_MAX,
        "page_weight_met": page_bytes_max <= PAGE_BYTES_MAX,
        "sync": {"b_started_at_s": round(watch.started_at, 2) if watch.started_at is not None else None,
                 "b_count_at_end": watch.counts[-1][1] if watch.counts else None,
                 "b_synced_at_s": round(watch.done_at, 2) if watch.done_at is not None else None,
                 "b_counts": watch.counts[:: max(1, len(watch.counts) // 20)]},
        "gossip": dict(probe.result, bound_s=GOSSIP_BOUND_S,
                       within_bound=probe.result.get("lan_delivery_s", math.inf) <= GOSSIP_BOUND_S),
    }
    print(json.dumps(result, sort_keys=True))
    print(f"board load: {arguments.clients} phones for {arguments.seconds} s on node A ({lab_text}), "
          f"A holding {arguments.backlog} bulletins and syncing them to an empty B")
    print(f"  {'kind':<12}{'count':>7}{'p50':>8}{'p90':>8}{'p99':>8}{'max':>8}{'bytes max':>11}  statuses")
    for kind, value in list(kinds.items()) + [("all", overall)]:
        print(f"  {kind:<12}{value['count']:>7}{value['p50_ms']:>8}{value['p90_ms']:>8}{value['p99_ms']:>8}"
              f"{value['max_ms']:>8}{value['bytes_max']:>11}  {value['statuses']}")
    if overall["count"]:
        print(f"p99 {overall['p99_ms']} ms over {overall['count']} requests ({result['requests_per_s']}/s): "
              f"must <= {P99_MUST_MS:.0f} ms {'met' if must_met else 'MISSED'}"
              + (f" (slow: {', '.join(slow_kinds)})" if slow_kinds else "")
              + f"; goal <= {P99_GOAL_MS:.0f} ms {'met' if result['goal_met'] else 'missed'}; "
              f"{len(samples.transport_errors)} transport errors, {samples.reconnects} reconnects, "
              f"{server_errors} 5xx; largest page {page_bytes_max} bytes "
              f"(must <= {PAGE_BYTES_MAX // 1024} KB: {'met' if result['page_weight_met'] else 'MISSED'})")
    sync = result["sync"]
    phases = "; ".join(f"{name.replace('_', ' ')}: {result[name]['count']} requests, p99 {result[name]['p99_ms']} ms"
                       for name in ("before_sync", "during_sync", "after_sync"))
    if sync["b_synced_at_s"] is None:
        print(f"B started {sync['b_started_at_s']} s into the load and still held {sync['b_count_at_end']} "
              f"of {arguments.backlog} at the end ({phases})")
    else:
        print(f"B started {sync['b_started_at_s']} s into the load and held the backlog at "
              f"{sync['b_synced_at_s']} s ({phases})")
    gossip = result["gossip"]
    if "lan_delivery_s" in gossip:
        print(f"LAN delivery during the load: a post on B was in A's kabar list in {gossip['lan_delivery_s']} s "
              f"(bound {GOSSIP_BOUND_S:.0f} s: {'met' if gossip['within_bound'] else 'missed'})")
    else:
        print(f"LAN delivery during the load: FAILED: {gossip.get('error', 'not measured')}")
    print(f"machine: {machine['cores']} cores, load average {machine['load_1m_before']} before the load; "
          f"the phones themselves used {machine['client_cpu_s']} s of CPU in {seconds} s")
    for error in samples.transport_errors[:5]:
        print(f"  transport error: {error}")
    if unexpected:
        print(f"  unexpected statuses: {unexpected}")
    failed = (samples.transport_errors or server_errors or unexpected or not must_met or "lan_delivery_s" not in gossip)
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kabar", default=".build/release/kabar")
    parser.add_argument("--clients", type=int, default=50, help=f"phones, 1 to {CLIENTS_MAX}")
    parser.add_argument("--seconds", type=float, default=20, help=f"load duration, 1 to {SECONDS_MAX}")
    parser.add_argument("--backlog", type=int, default=5000, help=f"bulletins A holds, 0 to {BACKLOG_MAX}")
    parser.add_argument("--think-ms", type=float, default=500, help="a phone waits 0 to this between requests")
    parser.add_argument("--posts-per-s", type=float, default=2.0,
                        help=f"posts across all phones, 0 to {POSTS_PER_S_MAX}")
    parser.add_argument("--conf", action="append", default=[], help="one more kabar.conf line for both nodes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the data folders and logs")
    arguments = parser.parse_args()
    if not 1 <= arguments.clients <= CLIENTS_MAX:
        parser.error(f"--clients must be 1 to {CLIENTS_MAX}")
    if not 1 <= arguments.seconds <= SECONDS_MAX:
        parser.error(f"--seconds must be 1 to {SECONDS_MAX}")
    if not 0 <= arguments.backlog <= BACKLOG_MAX:
        parser.error(f"--backlog must be 0 to {BACKLOG_MAX}")
    if not 0 <= arguments.posts_per_s <= POSTS_PER_S_MAX or not 0 <= arguments.think_ms <= 60000:
        parser.error("--posts-per-s must be 0 to 50 and --think-ms 0 to 60000")
    kabar = os.path.abspath(arguments.kabar)
    if not os.access(kabar, os.X_OK):
        print(f"board load: no kabar binary at {kabar}; build it first (swift build -c release)")
        return 1

    why_not = board_lab.namespaces_unavailable()
    lab = board_lab.Lab(PREFIX, NET, use_namespaces=why_not is None)
    if why_not:
        print(f"board load: network namespaces unavailable ({why_not}): both nodes on loopback", file=sys.stderr)
    work = tempfile.mkdtemp(prefix="kbl")
    a, b = lab.nodes(kabar, work, CONF_LINES + arguments.conf)
    code = 1
    try:
        lab.build()
        for node in (a, b):
            node.init()
        if arguments.backlog:
            bundle = os.path.join(work, "backlog.kabar")
            board_lab.sh(kabar, "debug", "backlog", bundle, "--count", str(arguments.backlog), "--json", timeout=600)
            imported = a.cli("import", bundle)
            if not imported.stdout.startswith(f"added {arguments.backlog},"):
                raise LabError(f"importing the backlog into A said: {imported.stdout.strip()}")
        a.start()
        first = board_lab.http_request(a.host, a.web_port, "GET", "/")
        if first.status != 200:
            raise LabError(f"A's board answered {first.status} to GET / before the load")
        pool = IdPool([bulletin["id"] for bulletin in a.list_json("--limit", "1000")]
                      + BULLETIN_ID.findall(first.text()))
        samples = Samples()
        start_at = time.monotonic() + 0.2
        end_at = start_at + arguments.seconds
        # B starts once the phones are busy, so the whole first sync runs under the load.
        watch = SyncWatch(b, arguments.backlog, start_at, start_at + min(B_START_AFTER_S, arguments.seconds / 5))
        probe = GossipProbe(a, b, start_at + min(GOSSIP_AFTER_S, arguments.seconds / 4), watch.started_event)
        post_interval_s = arguments.clients / arguments.posts_per_s if arguments.posts_per_s else 0
        phones = [Phone(index, a, pool, samples, start_at, end_at, post_interval_s, arguments.think_ms / 1000,
                        arguments.seed) for index in range(arguments.clients)]
        load_before = os.getloadavg()[0]
        cpu_before = time.process_time()
        watch.start()
        probe.start()
        for phone in phones:
            phone.start()
        for phone in phones:
            phone.join(timeout=max(0.0, end_at - time.monotonic()) + REQUEST_TIMEOUT_S * 2)
        probe.join(timeout=GOSSIP_WAIT_S + 10)
        watch.stop_event.set()
        watch.join(timeout=10)
        if watch.error:
            raise LabError(watch.error)
        for node in (a, b):
            if not node.running():
                raise LabError(f"node {node.name} stopped during the load:\n{node.log_tail()}")
        # Figures from a shared machine mean little: say how busy it was and what the client cost.
        machine = {"cores": os.cpu_count(), "load_1m_before": round(load_before, 2),
                   "client_cpu_s": round(time.process_time() - cpu_before, 1)}
        code = report(arguments, samples, watch, probe, lab.describe(), arguments.seconds, machine)
    except LabError as error:
        print(f"board load FAILED: {error}")
        code = 1
    finally:
        for node in (a, b):
            node.stop()
        lab.close()
        if code and not arguments.keep:
            for node in (a, b):
                print(f"--- last log lines of node {node.name}\n{node.log_tail(10)}", file=sys.stderr)
        if arguments.keep:
            print(f"data folders and logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
