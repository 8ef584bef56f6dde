#!/usr/bin/env python3
"""Bulk first sync between two real `kabar run` daemons: the figures of issue [bulk].

    python3 Scripts/bulk-sync.py stall [--kabar PATH] [--runs N] [--counts 3000,10000] [--board on|off]
    python3 Scripts/bulk-sync.py veth  [--kabar PATH] [--count 50000]

`stall`: over loopback with static peers (each names the other), a node holding COUNT
bulletins meets an empty one; every run must end with the empty node holding all of them.
Runs alternate which of the two has the smaller node key, so both key orders are covered
(the old stall depended on it). A run that makes no progress for 20 s is a stall. `--board on`
gives each daemon its own board port (the board's search index follows the sync), `off` says
`web.enabled = off` in both kabar.conf; unset, the daemons take 80 and 8080 as they can.

`veth` (root): two network namespaces joined by one veth pair, no rate limit; one node holds
COUNT bulletins (a `kabar debug backlog` bundle: 125 keys, 200-byte bodies), the other starts
empty. Prints the first sync's rate beside `kabar bench crypto`'s single-core verify rate from
the same run, and the bytes that crossed the link beside the bulletins' own bytes.

Exit 0 when every run converged, 1 otherwise. Prints one JSON object per run (`stall`: with the
CPU seconds each daemon used until convergence, `cpu_s_full` and `cpu_s_empty`) and a summary.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

STALL_S = 20.0
POLL_S = 0.2


def sh(*args, check=True):
    result = subprocess.run(args, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"command failed ({result.returncode}): {' '.join(args)}\n{result.stderr.strip()}")
    return result


class Daemon:
    def __init__(self, kabar, data, port, peers, netns=None, web_port=None):
        self.kabar, self.data, self.port, self.peers, self.netns = kabar, data, port, peers, netns
        self.web_port = web_port
        self.process = None

    def command(self):
        arguments = [self.kabar, "run", "--data", self.data, "--no-repl", "--port", str(self.port)]
        if self.web_port:
            arguments += ["--web-port", str(self.web_port)]
        for peer in self.peers:
            arguments += ["--peer", peer]
        return (["ip", "netns", "exec", self.netns] if self.netns else []) + arguments

    def start(self):
        log = open(self.data + ".log", "a")
        self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.status().get("running"):
                return
            time.sleep(0.05)
        raise RuntimeError(f"daemon at {self.data} did not start")

    def status(self):
        result = sh(self.kabar, "status", "--json", "--data", self.data, check=False)
        try:
            return json.loads(result.stdout)
        except ValueError:
            return {}

    def count(self):
        return self.status().get("store", {}).get("count", 0)

    def cpu_seconds(self):
        """User and system CPU time the daemon has used so far (Linux /proc), or None."""
        try:
            with open(f"/proc/{self.process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)
        except (OSError, IndexError, ValueError, AttributeError):
            return None

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def node_id(kabar, data):
    return json.loads(sh(kabar, "status", "--json", "--data", data).stdout)["node_id"]


def make_pair(kabar, work, bundle, count, full_key_smaller):
    """Two data folders, the full one importing `bundle`; returns (full, empty) paths."""
    first, second = os.path.join(work, "p"), os.path.join(work, "q")
    for data in (first, second):
        sh(kabar, "init", "--data", data)
    smaller, larger = sorted([first, second], key=lambda data: node_id(kabar, data))
    full, empty = (smaller, larger) if full_key_smaller else (larger, smaller)
    sh(kabar, "import", bundle, "--data", full)
    return full, empty


def wait_for(daemon, count, limit_s):
    """Seconds until `daemon` holds `count`; None on a stall (no progress for STALL_S) or limit."""
    start = last_change = time.monotonic()
    last = -1
    while time.monotonic() - start < limit_s:
        held = daemon.count()
        if held >= count:
            return time.monotonic() - start
        if held != last:
            last, last_change = held, time.monotonic()
        elif time.monotonic() - last_change > STALL_S:
            return None
        time.sleep(POLL_S)
    return None


def bundle_for(kabar, work, count):
    path = os.path.join(work, f"backlog-{count}.kabar")
    made = json.loads(sh(kabar, "debug", "backlog", path, "--count", str(count), "--json").stdout)
    return path, made["bulletin_bytes"]


def stall(arguments):
    kabar = arguments.kabar
    failures = 0
    runs = 0
    with tempfile.TemporaryDirectory(prefix="kbulk") as work:
        for count in [int(text) for text in arguments.counts.split(",")]:
            bundle, _ = bundle_for(kabar, work, count)
            for run in range(arguments.runs):
                pair = os.path.join(work, f"run-{count}-{run}")
                os.mkdir(pair)
                full_smaller = run % 2 == 0
                full, empty = make_pair(kabar, pair, bundle, count, full_smaller)
                port = 47800 + run % 50 * 2
                web = {"on": (port + 1000, port + 1001), "off": (None, None), None: (None, None)}[arguments.board]
                if arguments.board == "off":
                    for data in (full, empty):
                        with open(os.path.join(data, "kabar.conf"), "a") as conf:
                            conf.write("web.enabled = off\n")
                a = Daemon(kabar, full, port, [f"127.0.0.1:{port + 1}"], web_port=web[0])
                b = Daemon(kabar, empty, port + 1, [f"127.0.0.1:{port}"], web_port=web[1])
                a.start()
                b.start()
                try:
                    seconds = wait_for(b, count, 300)
                    held = b.count()
                    cpu = (a.cpu_seconds(), b.cpu_seconds())
                finally:
                    a.stop()
                    b.stop()
                runs += 1
                ok = seconds is not None
                failures += 0 if ok else 1
                print(json.dumps({
                    "count": count, "run": run, "board": arguments.board, "full_node_key": "smaller" if full_smaller else "larger",
                    "converged": ok, "held": held, "seconds": round(seconds, 2) if ok else None,
                    "cpu_s_full": cpu[0], "cpu_s_empty": cpu[1]}), flush=True)
                shutil.rmtree(pair, ignore_errors=True)
    print(f"stall check: {runs - failures} of {runs} runs converged, {failures} stalled")
    return 1 if failures else 0


def link_bytes(namespace, interface):
    statistics = json.loads(sh("ip", "-n", namespace, "-s", "-j", "link", "show", interface).stdout)[0]["stats64"]
    return statistics["rx"]["bytes"] + statistics["tx"]["bytes"]


def veth(arguments):
    kabar = arguments.kabar
    if os.geteuid() != 0:
        print("veth: needs root (network namespaces)")
        return 1
    names = ["kb-full", "kb-empty"]
    for name in names:
        sh("ip", "netns", "del", name, check=False)
    try:
        for name in names:
            sh("ip", "netns", "add", name)
            sh("ip", "-n", name, "link", "set", "lo", "up")
        sh("ip", "link", "add", "kbf", "netns", names[0], "type", "veth", "peer", "name", "kbe", "netns", names[1])
        for name, interface, address in [(names[0], "kbf", "10.49.0.1/24"), (names[1], "kbe", "10.49.0.2/24")]:
            sh("ip", "-n", name, "addr", "add", address, "brd", "+", "dev", interface)
            sh("ip", "-n", name, "link", "set", interface, "up")
        with tempfile.TemporaryDirectory(prefix="kbulk") as work:
            bundle, bulletin_bytes = bundle_for(kabar, work, arguments.count)
            full, empty = make_pair(kabar, work, bundle, arguments.count, True)
            a = Daemon(kabar, full, 4747, [], netns=names[0])
            b = Daemon(kabar, empty, 4747, [], netns=names[1])
            a.start()
            before = link_bytes(names[1], "kbe")
            b.start()
            try:
                seconds = wait_for(b, arguments.count, 900)
                wire = link_bytes(names[1], "kbe") - before
            finally:
                a.stop()
                b.stop()
        crypto = json.loads(sh(kabar, "bench", "crypto", "--json").stdout)
        verify = crypto["ed25519_verify_per_s"]
        if seconds is None:
            print(json.dumps({"count": arguments.count, "converged": False}))
            return 1
        rate = arguments.count / seconds
        print(json.dumps({
            "count": arguments.count, "converged": True, "first_sync_s": round(seconds, 2),
            "bulletins_per_s": round(rate), "verify_per_s": round(verify),
            "rate_vs_verify": round(rate / verify, 3), "wire_bytes": wire, "bulletin_bytes": bulletin_bytes,
            "wire_vs_bulletin_bytes": round(wire / bulletin_bytes, 3)}))
        return 0
    finally:
        for name in names:
            sh("ip", "netns", "del", name, check=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["stall", "veth"])
    parser.add_argument("--kabar", default=".build/release/kabar")
    parser.add_argument("--runs", type=int, default=10, help="runs per count (stall)")
    parser.add_argument("--counts", default="3000,10000", help="backlog sizes (stall)")
    parser.add_argument("--count", type=int, default=50000, help="backlog size (veth)")
    parser.add_argument("--board", choices=["on", "off"], help="each node's board on its own port, or off (stall)")
    arguments = parser.parse_args()
    arguments.kabar = os.path.abspath(arguments.kabar)
    return stall(arguments) if arguments.mode == "stall" else veth(arguments)


if __name__ == "__main__":
    sys.exit(main())
