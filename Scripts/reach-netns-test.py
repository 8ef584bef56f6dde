#!/usr/bin/env python3
"""Reach for real (issue 18): five `kabar run` daemons in network namespaces on default settings.

Run by `.ci/run` as root, after the other network tests:

    python3 Scripts/reach-netns-test.py [PATH_TO_KABAR] [--chart FILE]

`--chart FILE` keeps a copy of the office's `kabar reach ID --svg` chart of the notice.

One bridge (namespace kr-hub, 10.53.0.0/24; Scripts/netns_lab.py) joins, as on one hall LAN
(discovery by broadcast, no --peer):

    office  10.53.0.1   the regency office: its own key is the authority every node trusts
    h1      10.53.0.2   a hall the office vouched for
    h2      10.53.0.3   a hall the office vouched for; a villager posts there
    h3      10.53.0.4   a hall the office vouched for
    forger  10.53.0.5   a fresh key no one vouched for, labelled "h1" (another hall's name)

Every node's kabar.conf holds one line, `authority = OFFICE_KEY` (what the regency hands every
hall); everything else is the default (report_delay 2 min, a report 2 min after new official
bulletins). The forger's own kabar.conf also says `report_delay = 30s`: it reports early.

Checks:
 1. The office posts a notice on `resmi`; `kabar reach ID --json` at the office must show every
    hall (office, h1, h2, h3) reached within five minutes of the post: printed.
 2. A villager's message on `aspirasi` (posted at h2): `kabar show ID --json` at h2 must give
    `office_received` within five minutes of the post, and `kabar show` the line "received by
    the regency office" (the office's reports list the posts of `office` channels it holds).
 3. The office replies to the message (`kabar reply`); the reply must show in `kabar show` at h2.
 4. The forger's reports (a fresh key naming hall h1, listing the notice) must be refused: the
    office's `kabar halls --json` never lists the forger's key, and reach stays at the four halls.

Exit 0 on success or when namespaces cannot be made (SKIPPED), 1 on any failure.
"""

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in Scripts/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns_lab import Lab, Node, TestFailure, probe_namespaces, wait_until  # noqa: E402

PREFIX = "kr-"
NET = "10.53.0"
# The bound: every hall shows in `reach` within five minutes of the post.
REACH_BOUND_S = 300.0
# The villager must see "received" within this of the post (the five minutes, as for
# reach: the office reports 2 minutes after new bulletins of its channels, then gossip).
RECEIPT_BOUND_S = 300.0
POLL_S = 1.0

figures = []


def record(name, value, note=""):
    figures.append((name, value, note))
    print(f"  {name}: {value} {note}".rstrip(), flush=True)


def reach_of(node, bulletin):
    return node.json("reach", bulletin) or {}


def halls_of(node):
    return node.json("halls") or []


def run(kabar, work, lab, nodes, chart=None):
    office = Node(kabar, lab, work, "office", label="Kantor Bupati Rokan Hilir")
    trusted = [f"authority = {office.key}"]
    office.write_conf(trusted)
    halls = [Node(kabar, lab, work, name, conf=trusted) for name in ("h1", "h2", "h3")]
    forger = Node(kabar, lab, work, "forger", label="h1", conf=trusted + ["report_delay = 30s"])
    # The office vouches for its halls (offline, before the start: a signed vouch in its store).
    office.cli("vouch", *[hall.key for hall in halls])
    nodes += [office] + halls + [forger]
    started = time.monotonic()
    for node in nodes:
        node.start()
    for node in nodes:
        node.wait_started()

    # 1. The office's notice, and a villager's message at h2.
    notice = office.cli("post", "--channel", "resmi", "--title", "Jadwal posyandu", "--body", "Senin pukul 08.00.").stdout.strip()
    posted = time.monotonic()
    message = halls[1].cli("post", "--channel", "aspirasi", "--title", "Jalan rusak",
                           "--body", "Jalan ke sekolah berlubang.").stdout.strip()
    print(f"1. reach of the office's notice {notice[:12]} at the office (bound {REACH_BOUND_S:.0f} s)", flush=True)
    expected = {office.key} | {hall.key for hall in halls}

    def everyone():
        reach = reach_of(office, notice)
        reached = {hall["node"] for hall in reach.get("halls", []) if hall.get("status") == "reached"}
        return reach if expected <= reached else None

    seconds, reach = wait_until(everyone, REACH_BOUND_S, "every hall to show in reach at the office", poll=POLL_S)
    record("every hall reached, by reach at the office", f"{seconds:.1f} s after the post",
           f"({reach['halls_reached']} of {reach['halls_known']} halls; daemons started {posted - started:.1f} s before the post)")
    lags = sorted((hall["first_seen"] - reach["halls"][0]["first_seen"]) for hall in reach["halls"] if hall["first_seen"])
    record("first_seen spread across halls", f"{(lags[-1] - lags[0]) / 1000:.1f} s")
    svg = os.path.join(work, "reach.svg")
    office.cli("reach", notice, "--svg", svg)
    with open(svg) as drawn:
        text = drawn.read()
    if not text.startswith("<svg") or text.count("<circle") != reach["halls_reached"]:
        raise TestFailure(f"the reach chart does not draw {reach['halls_reached']} halls: {text[:200]}")
    if chart:
        shutil.copyfile(svg, chart)
        record("chart", chart)

    # 4. The forger: its reports exist at its own node, and no other node takes them.
    print("4. a fresh key's reports naming hall h1: refused", flush=True)
    wait_until(lambda: any(hall["node"] == forger.key for hall in halls_of(forger)), 90, "the forger to make its report")
    time.sleep(10)  # gossip pushes a new bulletin at once; 10 s is one repair besides
    for node in [office] + halls:
        known = {hall["node"] for hall in halls_of(node)}
        if forger.key in known:
            raise TestFailure(f"{node.name} took the forger's report: {sorted(known)}")
    after = reach_of(office, notice)
    if after.get("halls_known") != len(expected) or forger.key in {hall["node"] for hall in after.get("halls", [])}:
        raise TestFailure(f"reach counts the forger: {json.dumps(after)}")
    # It did arrive: the nodes that were offered it logged the refusal.
    refusing = []
    for node in [office] + halls:
        with open(node.log_path, errors="replace") as log:
            if "hall report refused" in log.read():
                refusing.append(node.name)
    if not refusing:
        raise TestFailure("no node logged refusing the forger's report: did it travel at all?")
    record("forger's report refused", "counted by no node", f"(refusal logged by {', '.join(refusing)}; "
           f"reach still {after['halls_reached']} of {after['halls_known']})")

    # 3. The office replies; the reply shows at h2.
    print("3. the office replies to the villager's message", flush=True)
    reply = office.cli("reply", message, "--body", "Terima kasih, perbaikan dijadwalkan pekan depan.").stdout.strip()
    reply_id = reply.split()[-1] if reply else ""

    def replied():
        shown = halls[1].json("show", message) or {}
        return [r for r in shown.get("replies", []) if r.get("author") == office.key]

    seconds, replies = wait_until(replied, 30, "the office's reply at h2", poll=POLL_S)
    record("office's reply shown at h2", f"{seconds:.1f} s", f"({replies[0]['id'][:12]}; {reply_id[:12]})")

    # 2. "Received by the regency office" at h2: the office's report lists the message.
    print("2. the villager's message received by the office, at h2", flush=True)

    def received():
        return (halls[1].json("show", message) or {}).get("office_received")

    left = max(1.0, RECEIPT_BOUND_S - (time.monotonic() - posted))
    wait_until(received, left, "office_received at h2", poll=POLL_S)
    text = halls[1].cli("show", message, "--lang", "en").stdout
    if "received by the regency office" not in text:
        raise TestFailure(f"kabar show at h2 does not say 'received by the regency office':\n{text}")
    record("received by the office, shown at h2", f"{time.monotonic() - posted:.1f} s after the post (at most)",
           f"(bound {RECEIPT_BOUND_S:.0f} s)")
    # The office's own notice is listed by its own report, but the office does not "receive"
    # what it wrote: no node may say so.
    for node in halls:
        if (node.json("show", notice) or {}).get("office_received") is not None:
            raise TestFailure(f"{node.name} shows the office's own notice as received by the office")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kabar", nargs="?", default=".build/release/kabar")
    parser.add_argument("--chart", help="keep a copy of the reach chart here")
    arguments = parser.parse_args()
    kabar = os.path.abspath(arguments.kabar)
    chart = os.path.abspath(arguments.chart) if arguments.chart else None
    if not os.access(kabar, os.X_OK):
        print(f"reach netns test: no kabar binary at {kabar}; build it first (swift build -c release)")
        return 1
    probe_namespaces(PREFIX, "reach netns test")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = tempfile.mkdtemp(prefix="kr")
    lab = Lab(PREFIX, NET)
    nodes = []
    started = time.monotonic()
    try:
        lab.build({"office": 1, "h1": 2, "h2": 3, "h3": 4, "forger": 5})
        run(kabar, work, lab, nodes, chart)
    except TestFailure as failure:
        print(f"reach netns test FAILED: {failure}")
        for name in ("office", "h1", "h2", "h3", "forger"):
            path = os.path.join(work, name + ".log")
            if os.path.exists(path):
                with open(path) as log:
                    print(f"--- last log lines of {name}\n{''.join(log.readlines()[-15:])}")
        return 1
    finally:
        for node in nodes:
            node.stop()
        lab.close()
        shutil.rmtree(work, ignore_errors=True)
    print(f"reach netns test passed in {time.monotonic() - started:.1f} s; measured:")
    for name, value, note in figures:
        print(f"  {name}: {value} {note}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
