#!/usr/bin/env python3
"""Kabar's real-network test: real `kabar run` daemons in Linux network namespaces.

Run by `.ci/run` as root, after the unit tests:

    python3 Scripts/netns-test.py [PATH_TO_KABAR]

Topology (all made here, removed at the end, whatever happens):

    subnet A 10.48.0.0/24, bridge br0:  a1 .. a5 (no static peers: discovery by broadcast)
                                        x   (10.48.0.100: sends junk)
    subnet B 10.48.1.0/24, bridge br1:  b1 (static peer a1), b2
    router r joins the subnets (routes unicast; broadcasts stay on their own subnet)

Checks, in order (each prints the times it measured):
 1. a post on a1 reaches a2..a5 within 10 s;
 2. the same with nft dropping 20% of incoming packets in every namespace of subnet A;
 3. a5 is cut off, each side posts 50, and after reconnection all converge;
 4. a4 is killed with SIGKILL while it syncs after a cut, and restarted: nothing it showed as
    held is lost, and it converges;
 5. subnets A and B, joined only by b1's static peer entry, converge both ways;
 6. garbage, oversized and a burst of 100,000 junk datagrams at a1's port leave it running and
    still serving honest peers;
 7. a first sync of 20,000 bulletins: c1 (holding a `kabar debug backlog` bundle) and an empty
    c2, joined by one veth pair, converge; prints the rate beside the single-core verify rate
    and the link's bytes beside the bulletins' bytes.

Where network namespaces cannot be made (not root, no iproute2, a container without the
rights), it says so and exits 0: the check is skipped, not failed. Exit 1 on any failure.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PREFIX = "kt-"
SUBNET_A = ["a1", "a2", "a3", "a4", "a5"]
SUBNET_B = ["b1", "b2"]
DELIVERY_BOUND_S = 10.0
CONVERGENCE_BOUND_S = 60.0
POLL_S = 0.05

figures = []


class TestFailure(Exception):
    pass


def sh(*args, check=True, quiet=False):
    """Runs a command; raises with its output when it fails and `check` is set."""
    result = subprocess.run(args, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise TestFailure(f"command failed ({result.returncode}): {' '.join(args)}\n{result.stderr.strip()}")
    return result


def ns(name):
    return PREFIX + name


def skip(reason):
    print(f"netns test SKIPPED: {reason}")
    sys.exit(0)


def probe_namespaces():
    if os.geteuid() != 0:
        skip("not running as root (network namespaces need CAP_SYS_ADMIN)")
    if shutil.which("ip") is None:
        skip("iproute2's 'ip' is not installed")
    probe = ns("probe")
    result = sh("ip", "netns", "add", probe, check=False)
    if result.returncode != 0:
        skip(f"'ip netns add' failed here: {result.stderr.strip()}")
    sh("ip", "netns", "del", probe, check=False)


class Network:
    """The namespaces, bridges and router; `close()` removes them all."""

    def __init__(self):
        self.names = []

    def add_namespace(self, name):
        sh("ip", "netns", "add", ns(name))
        self.names.append(ns(name))
        sh("ip", "-n", ns(name), "link", "set", "lo", "up")

    def build(self):
        # Namespaces left by an earlier run that was killed would make `ip netns add` fail.
        for line in sh("ip", "netns", "list").stdout.splitlines():
            name = line.split()[0] if line.split() else ""
            if name.startswith(PREFIX):
                sh("ip", "netns", "del", name, check=False)
        self.add_namespace("hub")
        for bridge in ["br0", "br1"]:
            sh("ip", "-n", ns("hub"), "link", "add", bridge, "type", "bridge")
            sh("ip", "-n", ns("hub"), "link", "set", bridge, "up")
        for index, name in enumerate(SUBNET_A):
            self.host(name, "br0", f"10.48.0.{index + 1}/24", "10.48.0.254")
        self.host("x", "br0", "10.48.0.100/24", "10.48.0.254")
        for index, name in enumerate(SUBNET_B):
            self.host(name, "br1", f"10.48.1.{index + 1}/24", "10.48.1.254")
        self.add_namespace("r")
        for interface, bridge, address in [("ra", "br0", "10.48.0.254/24"), ("rb", "br1", "10.48.1.254/24")]:
            self.link(ns("r"), interface, bridge)
            sh("ip", "-n", ns("r"), "addr", "add", address, "brd", "+", "dev", interface)
            sh("ip", "-n", ns("r"), "link", "set", interface, "up")
        sh("ip", "netns", "exec", ns("r"), "sysctl", "-qw", "net.ipv4.ip_forward=1")

    def link(self, namespace, interface, bridge):
        outside = "v" + namespace[len(PREFIX):] + interface[-1]
        sh("ip", "link", "add", outside, "type", "veth", "peer", "name", interface, "netns", namespace)
        sh("ip", "link", "set", outside, "netns", ns("hub"))
        sh("ip", "-n", ns("hub"), "link", "set", outside, "master", bridge, "up")

    def host(self, name, bridge, address, gateway):
        self.add_namespace(name)
        self.link(ns(name), "eth0", bridge)
        sh("ip", "-n", ns(name), "addr", "add", address, "brd", "+", "dev", "eth0")
        sh("ip", "-n", ns(name), "link", "set", "eth0", "up")
        sh("ip", "-n", ns(name), "route", "add", "default", "via", gateway)

    def close(self):
        for name in reversed(self.names):
            sh("ip", "netns", "del", name, check=False)


class Node:
    """One `kabar run` in a namespace, with its data folder and log."""

    def __init__(self, kabar, work, name, peers=()):
        self.kabar = kabar
        self.name = name
        self.data = os.path.join(work, name)
        self.log_path = os.path.join(work, name + ".log")
        self.peers = list(peers)
        self.process = None

    def start(self):
        arguments = ["ip", "netns", "exec", ns(self.name), self.kabar, "run", "--data", self.data, "--no-repl"]
        for peer in self.peers:
            arguments += ["--peer", peer]
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        # Ready when the daemon answers on its control socket (without one, `status` reads the
        # store and says running: false).
        wait_until(self.answers, 10, f"{self.name} to start")

    def answers(self):
        result = self.cli("status", "--json", check=False)
        return result.returncode == 0 and json.loads(result.stdout).get("running") is True

    def kill(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def running(self):
        return self.process is not None and self.process.poll() is None

    def cli(self, *args, check=True):
        # The control socket is a file: the CLI reaches the daemon from any namespace.
        return sh(self.kabar, *args, "--data", self.data, check=check)

    def post(self, title, channel="warga"):
        return self.cli("post", "--channel", channel, "--title", title, "--body", f"{title} ({self.name})").stdout.strip()

    def ids(self):
        result = self.cli("list", "--json", "--limit", "10000", check=False)
        if result.returncode != 0:
            return set()
        return {bulletin["id"] for bulletin in json.loads(result.stdout)}

    def status(self):
        return json.loads(self.cli("status", "--json").stdout)

    def log_tail(self, lines=15):
        try:
            with open(self.log_path) as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return "(no log)"


def wait_until(condition, timeout, what):
    """Polls `condition` until true; returns the seconds it took, raises after `timeout`."""
    start = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise TestFailure(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(POLL_S)


def delivery_time(nodes, ids, bound, what):
    """Seconds until every node in `nodes` holds every id in `ids`."""
    wanted = set(ids)
    pending = list(nodes)

    def done():
        pending[:] = [node for node in pending if not wanted <= node.ids()]
        return not pending

    try:
        return wait_until(done, bound, what)
    except TestFailure as failure:
        missing = ", ".join(node.name for node in pending)
        raise TestFailure(f"{failure} (still missing at {missing})")


def record(name, seconds, note=""):
    figures.append((name, seconds, note))
    print(f"  {name}: {seconds:.2f} s {note}".rstrip())


def nft(namespace, *script):
    sh("ip", "netns", "exec", ns(namespace), "nft", *script)


def add_loss(namespace, percent):
    nft(namespace, "add", "table", "inet", "kabarloss")
    nft(namespace, "add", "chain", "inet", "kabarloss", "input", "{ type filter hook input priority 0 ; }")
    nft(namespace, "add", "rule", "inet", "kabarloss", "input", "meta", "l4proto", "udp",
        "numgen", "random", "mod", "100", "<", str(percent), "drop")


def remove_table(namespace, table):
    sh("ip", "netns", "exec", ns(namespace), "nft", "delete", "table", "inet", table, check=False)


def cut(namespace):
    nft(namespace, "add", "table", "inet", "kabarcut")
    for hook in ["input", "output"]:
        nft(namespace, "add", "chain", "inet", "kabarcut", hook, f"{{ type filter hook {hook} priority 0 ; }}")
        nft(namespace, "add", "rule", "inet", "kabarcut", hook, "meta", "l4proto", "udp", "drop")


def step_discovery_and_delivery(nodes):
    print("1. broadcast discovery and delivery on one LAN (5 nodes, no static peers)")
    seconds = wait_until(lambda: all(len(node.status()["peers"]) >= len(nodes) - 1 for node in nodes), 30,
                         "every node to discover the other four")
    record("discovery (every node sees 4 peers)", seconds)
    for attempt in range(3):
        sender = nodes[attempt]
        start = time.monotonic()
        bulletin = sender.post(f"Kumpul warga {attempt}")
        seconds = delivery_time([node for node in nodes if node is not sender], [bulletin], DELIVERY_BOUND_S,
                                f"post {attempt} from {sender.name} to reach every node")
        record(f"post from {sender.name} on all 4 others", time.monotonic() - start)


def step_loss(nodes, have_nft):
    print("2. delivery with nft dropping 20% of incoming UDP in every namespace")
    if not have_nft:
        print("  SKIPPED: nft (nftables) is not installed")
        return
    for node in nodes:
        add_loss(node.name, 20)
    try:
        for attempt in range(3):
            sender = nodes[(attempt + 1) % len(nodes)]
            start = time.monotonic()
            bulletin = sender.post(f"Jadwal posyandu {attempt}")
            delivery_time([node for node in nodes if node is not sender], [bulletin], DELIVERY_BOUND_S,
                          f"post {attempt} under 20% loss to reach every node")
            record(f"post from {sender.name} on all 4 others, 20% loss", time.monotonic() - start)
    finally:
        for node in nodes:
            remove_table(node.name, "kabarloss")


def step_partition(nodes, have_nft):
    print("3. partition: a5 cut off, 50 posts on each side, then reconnection")
    if not have_nft:
        print("  SKIPPED: nft (nftables) is not installed")
        return
    island, mainland = nodes[-1], nodes[:-1]
    cut(island.name)
    try:
        main_ids = [mainland[index % len(mainland)].post(f"Harga pupuk {index}", channel="pasar") for index in range(50)]
        island_ids = [island.post(f"Kabar pulau {index}") for index in range(50)]
        delivery_time(mainland, main_ids, CONVERGENCE_BOUND_S, "the mainland's 50 posts to spread on the mainland")
        if set(main_ids) & island.ids():
            raise TestFailure("the cut-off node received posts through the cut: the cut does not hold")
    finally:
        remove_table(island.name, "kabarcut")
    start = time.monotonic()
    delivery_time(nodes, main_ids + island_ids, CONVERGENCE_BOUND_S, "all 100 posts on all 5 nodes after the heal")
    record("convergence after the heal (100 posts, 5 nodes)", time.monotonic() - start)


def step_kill_during_sync(nodes, have_nft):
    print("4. SIGKILL during a sync, then restart")
    if not have_nft:
        print("  SKIPPED: nft (nftables) is not installed")
        return
    victim, sender = nodes[3], nodes[0]
    cut(victim.name)
    try:
        new_ids = [sender.post(f"Laporan banjir {index}", channel="pasar") for index in range(300)]
    finally:
        remove_table(victim.name, "kabarcut")
    before = set()

    def syncing():
        nonlocal before
        before = victim.ids()  # a command's answer is durable first (the daemon flushes)
        return bool(before & set(new_ids))

    wait_until(syncing, 30, f"{victim.name} to start pulling the posts it missed")
    victim.kill(signal.SIGKILL)
    got = len(before & set(new_ids))
    note = f"(killed holding {got} of the 300 new posts{', mid-sync' if got < 300 else ''})"
    start = time.monotonic()
    victim.start()
    after = victim.ids()
    lost = before - after
    if lost:
        raise TestFailure(f"{len(lost)} bulletins {victim.name} held before SIGKILL are gone after restart")
    record("restart after SIGKILL, nothing lost", time.monotonic() - start, note)
    start = time.monotonic()
    delivery_time([victim], new_ids, CONVERGENCE_BOUND_S, f"{victim.name} to catch up after the restart")
    record("catch-up after the restart", time.monotonic() - start)


def step_subnets(nodes, kabar, work):
    print("5. two subnets joined only by a static peer entry (b1 -> a1)")
    b1 = Node(kabar, work, "b1", peers=["10.48.0.1:4747"])
    b2 = Node(kabar, work, "b2")
    b1.start()
    b2.start()
    try:
        start = time.monotonic()
        from_b = b2.post("Dari subnet B")
        delivery_time(nodes, [from_b], CONVERGENCE_BOUND_S, "a post on b2 to reach subnet A")
        record("post on b2 reaches all of subnet A", time.monotonic() - start)
        start = time.monotonic()
        from_a = nodes[2].post("Dari subnet A")
        delivery_time([b1, b2], [from_a], CONVERGENCE_BOUND_S, "a post on a3 to reach subnet B")
        record("post on a3 reaches all of subnet B", time.monotonic() - start)
        start = time.monotonic()
        everything = nodes[0].ids()
        delivery_time([b1, b2], everything, CONVERGENCE_BOUND_S, f"subnet B to hold all {len(everything)} bulletins")
        record(f"subnet B holds all {len(everything)} earlier bulletins", time.monotonic() - start)
    finally:
        b1.kill()
        b2.kill()


JUNK_SENDER = r"""
import os, random, socket, sys, time
target = (sys.argv[1], 4747)
rng = random.Random(4747)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
def send(payload):
    try:
        s.sendto(payload, target)
    except OSError:
        pass
for _ in range(2000):
    send(bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 1400))))
for _ in range(2000):  # the right magic and version, garbage after
    send(b"KB\x02" + bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 1400))))
for _ in range(20):
    send(os.urandom(65000))
start = time.monotonic()
junk = os.urandom(512)
for index in range(100000):
    send(junk[: 16 + index % 496])
print(f"{time.monotonic() - start:.2f}")
"""


def step_junk(nodes):
    print("6. garbage, oversized and 100,000 junk datagrams at a1's port")
    target = nodes[0]
    before = target.status()["counters"].get("rejected_datagrams", 0)
    start = time.monotonic()
    result = sh("ip", "netns", "exec", ns("x"), sys.executable, "-c", JUNK_SENDER, "10.48.0.1")
    record("sending the junk (burst of 100,000)", time.monotonic() - start, f"(burst alone {result.stdout.strip()} s)")
    if not target.running():
        raise TestFailure(f"{target.name} died under junk:\n{target.log_tail()}")
    rejected = target.status()["counters"].get("rejected_datagrams", 0) - before
    start = time.monotonic()
    bulletin = nodes[1].post("Setelah serangan")
    delivery_time([target], [bulletin], DELIVERY_BOUND_S, "an honest post to reach a1 after the junk")
    record("honest post reaches a1 after the junk", time.monotonic() - start, f"({rejected} datagrams rejected)")
    start = time.monotonic()
    bulletin = target.post("a1 masih hidup")
    delivery_time(nodes[1:], [bulletin], DELIVERY_BOUND_S, "a1's post to reach the others after the junk")
    record("a1's post reaches the others after the junk", time.monotonic() - start)
    if not target.running():
        raise TestFailure(f"{target.name} stopped after the junk:\n{target.log_tail()}")


BULK_COUNT = 20000
BULK_BOUND_S = 120.0


def step_bulk_first_sync(network, kabar, work):
    print(f"7. first sync of {BULK_COUNT} bulletins over one veth pair")
    for name in ["c1", "c2"]:
        network.add_namespace(name)
    sh("ip", "link", "add", "kc1", "netns", ns("c1"), "type", "veth", "peer", "name", "kc2", "netns", ns("c2"))
    for name, address in [("c1", "10.48.2.1/24"), ("c2", "10.48.2.2/24")]:
        sh("ip", "-n", ns(name), "addr", "add", address, "brd", "+", "dev", "k" + name)
        sh("ip", "-n", ns(name), "link", "set", "k" + name, "up")
    bundle = os.path.join(work, "backlog.kabar")
    made = json.loads(sh(kabar, "debug", "backlog", bundle, "--count", str(BULK_COUNT), "--json").stdout)
    full, empty = Node(kabar, work, "c1"), Node(kabar, work, "c2")
    sh(kabar, "init", "--data", full.data)
    imported = sh(kabar, "import", bundle, "--data", full.data)
    if not imported.stdout.startswith(f"added {BULK_COUNT},"):
        raise TestFailure(f"import of the backlog said: {imported.stdout.strip()}")
    full.start()
    def link_bytes():
        stats = json.loads(sh("ip", "-n", ns("c2"), "-s", "-j", "link", "show", "kc2").stdout)[0]["stats64"]
        return stats["rx"]["bytes"] + stats["tx"]["bytes"]
    before = link_bytes()
    start = time.monotonic()
    empty.start()
    try:
        def synced():
            if not empty.running():
                raise TestFailure(f"c2 died during the bulk sync:\n{empty.log_tail()}")
            return empty.status()["store"]["count"] >= BULK_COUNT
        wait_until(synced, BULK_BOUND_S, f"c2 to hold all {BULK_COUNT} bulletins")
        seconds = time.monotonic() - start
        wire = link_bytes() - before
    finally:
        full.kill()
        empty.kill()
    verify = json.loads(sh(kabar, "bench", "crypto", "--json").stdout)["ed25519_verify_per_s"]
    rate = BULK_COUNT / seconds
    record(f"first sync of {BULK_COUNT} bulletins", seconds,
           f"({rate:.0f}/s = {rate / verify:.2f}x the single-core verify rate {verify:.0f}/s; "
           f"{wire} bytes on the link = {wire / made['bulletin_bytes']:.2f}x the bulletins)")
    if wire > 1.3 * made["bulletin_bytes"]:
        raise TestFailure(f"the first sync moved {wire} bytes for {made['bulletin_bytes']} bytes of bulletins (over 1.3x)")


def main():
    kabar = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/kabar")
    if not os.access(kabar, os.X_OK):
        print(f"netns test: no kabar binary at {kabar}; build it first (swift build -c release)")
        return 1
    probe_namespaces()
    have_nft = shutil.which("nft") is not None
    if not have_nft:
        print("netns test: nft (nftables) is missing: the loss, partition and kill steps are skipped")
    work = tempfile.mkdtemp(prefix="kt")
    network = Network()
    nodes = []
    started = time.monotonic()
    try:
        network.build()
        nodes = [Node(kabar, work, name) for name in SUBNET_A]
        for node in nodes:
            node.start()
        step_discovery_and_delivery(nodes)
        step_loss(nodes, have_nft)
        step_partition(nodes, have_nft)
        step_kill_during_sync(nodes, have_nft)
        step_subnets(nodes, kabar, work)
        step_junk(nodes)
        step_bulk_first_sync(network, kabar, work)
        for node in nodes:
            if not node.running():
                raise TestFailure(f"{node.name} is not running at the end:\n{node.log_tail()}")
    except TestFailure as failure:
        print(f"netns test FAILED: {failure}")
        for node in nodes:
            print(f"--- last log lines of {node.name}\n{node.log_tail()}")
        return 1
    finally:
        for node in nodes:
            node.kill()
        network.close()
        shutil.rmtree(work, ignore_errors=True)
    print(f"netns test passed in {time.monotonic() - started:.1f} s; measured:")
    for name, seconds, note in figures:
        print(f"  {seconds:7.2f} s  {name} {note}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
