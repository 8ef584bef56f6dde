#!/usr/bin/env python3
"""SD-card wear of a node (issue 16, item 4; Documentation/Deploy.md, "SD card wear").

Two daemons on loopback, each traced with strace for the writes and syncs that reach files of
its data folder (sockets, pipes and the terminal are left out):

1. idle: both run for IDLE seconds (default 60) with nothing to do but beacons and peers;
   the bytes each writes to files, per day;
2. traffic: COUNT posts (default 300) are made on A, one `kabar post` each (the operator's
   path: one fdatasync per post); B receives them by gossip (lazy inserts, flushed once a
   second). The bytes written per bulletin, and per byte of bulletin, on each.

Usage: python3 Scripts/sd-wear.py [KABAR] [--idle S] [--count N]
Needs strace. Prints figures; exits 1 only when a daemon cannot start.
"""
import argparse, os, re, shutil, signal, subprocess, sys, tempfile, time, json

WRITE = re.compile(r'^(\d+)\s+(?:\S+\s+)?(write|pwrite64|pwritev|writev)\((\d+)<([^>]*)>.*\)\s+=\s+(\d+)')
SYNC = re.compile(r'^(\d+)\s+(?:\S+\s+)?(fsync|fdatasync)\((\d+)<([^>]*)>')


def tally(trace_path, folder):
    """Bytes written to files under `folder`, and syncs, from a strace -f -y file."""
    written, syncs, by_file = 0, 0, {}
    if not os.path.exists(trace_path):
        return 0, 0, {}
    with open(trace_path, errors="replace") as handle:
        for line in handle:
            match = WRITE.match(line)
            if match and match.group(4).startswith(folder + "/"):
                count = int(match.group(5))
                written += count
                name = os.path.basename(match.group(4))
                by_file[name] = by_file.get(name, 0) + count
                continue
            match = SYNC.match(line)
            if match and match.group(4).startswith(folder + "/"):
                syncs += 1
    return written, syncs, by_file


class Daemon:
    def __init__(self, kabar, work, label, port, peer_port):
        self.kabar, self.label = kabar, label
        self.data = os.path.join(work, label)
        self.trace = os.path.join(work, label + ".strace")
        subprocess.run([kabar, "init", "--data", self.data], check=True, capture_output=True)
        with open(os.path.join(self.data, "kabar.conf"), "w") as conf:
            conf.write(f"port = {port}\npeer = 127.0.0.1:{peer_port}\nweb.enabled = off\n")
        self.log = open(os.path.join(work, label + ".log"), "w")
        self.process = subprocess.Popen(
            ["strace", "-f", "-y", "-qq", "-e", "trace=write,pwrite64,pwritev,writev,fsync,fdatasync", "-o", self.trace,
             kabar, "run", "--data", self.data, "--no-repl", "--lang", "en"],
            stdout=self.log, stderr=subprocess.STDOUT)

    def cli(self, *args):
        return subprocess.run([self.kabar, *args, "--data", self.data], capture_output=True, text=True)

    def wait_ready(self, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.cli("status", "--json").returncode == 0 and '"running":true' in self.cli("status", "--json").stdout.replace(" ", ""):
                return True
            time.sleep(0.2)
        return False

    def mark(self):
        written, syncs, by_file = tally(self.trace, self.data)
        # The log: standard error here; under systemd it goes to journald, in the REPL to
        # DIR/kabar.log. Counted apart, since where it lands is the operator's choice.
        self.log.flush()
        by_file["log (stderr)"] = os.path.getsize(self.log.name)
        return written, syncs, by_file

    def stop(self):
        # strace does not pass SIGTERM on to the node: stop the node itself, strace follows.
        subprocess.run(["pkill", "-TERM", "-f", f"run --data {self.data} "], check=False)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kabar", nargs="?", default=".build/release/kabar")
    parser.add_argument("--idle", type=float, default=60)
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    kabar = os.path.abspath(args.kabar)
    if not shutil.which("strace"):
        print("sd-wear: strace is needed (apt-get install strace)")
        return 1
    work = tempfile.mkdtemp(prefix="kabar-wear-")
    a = Daemon(kabar, work, "a", 4871, 4872)
    b = Daemon(kabar, work, "b", 4872, 4871)
    try:
        if not (a.wait_ready() and b.wait_ready()):
            print("sd-wear: a daemon did not start; logs in", work)
            return 1
        time.sleep(3)
        start = {d.label: d.mark() for d in (a, b)}
        time.sleep(args.idle)
        end = {d.label: d.mark() for d in (a, b)}
        print(f"idle for {args.idle:.0f} s (two nodes, beacons every 5 s):")
        for d in (a, b):
            written = end[d.label][0] - start[d.label][0]
            syncs = end[d.label][1] - start[d.label][1]
            files = {k: v - start[d.label][2].get(k, 0) for k, v in end[d.label][2].items() if v - start[d.label][2].get(k, 0)}
            log = files.pop("log (stderr)", 0)
            print(f"  figure {d.label}: {written} bytes to the data folder, {syncs} syncs: {written * 86400 / args.idle:,.0f} bytes a day; "
                  f"log lines {log * 86400 / args.idle:,.0f} bytes a day at log_level info {files}")

        before = {d.label: d.mark() for d in (a, b)}
        sizes = 0
        for number in range(args.count):
            body = f"Harga cabai hari ini Rp {20000 + number}/kg di pasar desa; hubungi ketua KIM untuk pesan."
            result = a.cli("post", "-c", "pasar", "-t", f"Cabai {number}", "--body", body)
            if result.returncode != 0:
                print("post failed:", result.stderr)
                return 1
        # B has them all?
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = json.loads(b.cli("status", "--json").stdout or "{}")
            if status.get("store", {}).get("count", 0) >= args.count:
                break
            time.sleep(0.5)
        time.sleep(2)
        status_a = json.loads(a.cli("status", "--json").stdout)
        disk = status_a["store"].get("disk_bytes") or 0
        after = {d.label: d.mark() for d in (a, b)}
        held = json.loads(b.cli("status", "--json").stdout)["store"]["count"]
        print(f"traffic: {args.count} posts on A ({disk:,} bytes of log on A), B holds {held}:")
        for d, how in ((a, "posted here, one fdatasync each"), (b, "received by gossip, flushed once a second")):
            written = after[d.label][0] - before[d.label][0]
            syncs = after[d.label][1] - before[d.label][1]
            files = {k: v - before[d.label][2].get(k, 0) for k, v in after[d.label][2].items() if v - before[d.label][2].get(k, 0)}
            print(f"  figure {d.label} ({how}): {written / args.count:,.0f} bytes written per bulletin, "
                  f"{syncs / args.count:.2f} syncs per bulletin, {written / max(disk, 1):.2f} bytes written per byte of log {files}")
    finally:
        a.stop()
        b.stop()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
