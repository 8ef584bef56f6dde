#!/usr/bin/env python3
"""Issue 19's acceptance check: an independent implementation of Kabar's protocol, written from
Documentation/ and Documentation/Vectors/ alone (Scripts/indie/, Python standard library only),
against a running `kabar run` node on loopback.

    python3 Scripts/indie-interop-test.py [PATH_TO_KABAR] [--keep] [--no-netns] [--verbose] [--vectors DIR]

PATH_TO_KABAR defaults to .build/release/kabar. Each run uses a mesh name of its own
(`network = indie-XXXXXXXX`). --vectors DIR (repeatable) reads vectors from DIR instead of
this tree's Documentation/Vectors; --keep keeps the nodes' folders and logs. Where `unshare -rn` works (an unprivileged user
and network namespace), the test re-runs itself inside one, so the nodes' broadcasts reach no
real interface; elsewhere it runs on 127.0.0.1 as it is.

Checks, in order:
 1. offline: Ed25519 (RFC 8032 section 7.1) and bulletins built and verified here, both checked
    by the binary's own `kabar crypto`; both reconciliation roles of this implementation against
    each other in memory; every vector file of Documentation/Vectors/ (bulletins, datagrams,
    bundles, fingerprints, symbols, recorded sessions replayed in both roles);
 2. node A: the handshake (cookie echo both ways), a bulletin pushed whole and one in fragments
    (stored: `kabar list --json`), posts pulled through announce, request and bulletin or
    fragments, and verified here; a pull by transferRequest; a bundle made here imported
    (`kabar import`), a damaged one refused, an exported one (`kabar export`) read and verified
    here; documented behaviours: a fragment request, one fragment cut only, a bare `last` for an
    ended stream, transferData from an unproven address, unknown beacon flags, a 16,385-byte
    bulletin in fragments refused, a refused sync payload counted, a retraction made here and
    how `kabar list --json` shows it, and an unknown type, a higher version and junk counted;
 3. reconciliation of non-empty sets, 20 shared, 5 only on each side: (a) on node B this side
    initiates; (b) on node C the node initiates and this side responds; then 60 shared and 40
    only on each side, both roles (request rounds, results of several frames; nodes E, F); then
    a split (node G holds 4,100, this side 8); then the node initiating against 2,100 here, over
    the 2,048 a responder may list (node H). Each ends with the union on both sides. On
    failure the session is printed frame by frame, with the datagrams and the node's log.
 4. the responder's other answers, this side initiating: give all (on node C, this side empty),
    list (node C against many more here), want all (a fresh, empty node D).

Prints PASS/FAIL lines; exit status 1 when anything failed. Takes well under two minutes.
"""

import fcntl
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from indie import bulletin as B  # noqa: E402
from indie import bundle as BU  # noqa: E402
from indie import ed25519  # noqa: E402
from indie import peer as P  # noqa: E402
from indie import recon as R  # noqa: E402
from indie import sync as S  # noqa: E402
from indie import vectors as V  # noqa: E402

VERBOSE = "--verbose" in sys.argv
# --vectors DIR (repeatable) reads vectors from DIR instead of this tree's Documentation/Vectors.
VECTOR_DIRS = [os.path.abspath(sys.argv[i + 1]) for i, a in enumerate(sys.argv[:-1]) if a == "--vectors"] \
    or [os.path.join(REPO, "Documentation", "Vectors")]
KEEP = "--keep" in sys.argv
results = []


def check(name, ok, detail=""):
    results.append((name, bool(ok)))
    line = ("PASS " if ok else "FAIL ") + name
    if detail and (not ok or VERBOSE):
        line += "\n     " + str(detail).replace("\n", "\n     ")
    print(line, flush=True)
    return ok


def now_ms():
    return int(time.time() * 1000)


# A mesh name of this run's own: nodes of other runs or on the LAN never mix with these
# (Protocol.md: the network id is SHA-256("kabar-network:" + name)).
NETWORK = "indie-%08x" % random.getrandbits(32)


# -- the namespace ------------------------------------------------------------------------------
def enter_namespace():
    """Re-runs this script inside `unshare -rn` when possible; brings up lo there."""
    if os.environ.get("INDIE_NETNS") == "1":
        s = socket.socket()
        try:
            ifr = struct.pack("16sH", b"lo", 0)
            flags = struct.unpack("16sH", fcntl.ioctl(s, 0x8913, ifr)[:18])[1]
            fcntl.ioctl(s, 0x8914, struct.pack("16sH", b"lo", flags | 1))
        finally:
            s.close()
        print("(inside a private network namespace: only loopback)")
        return
    if "--no-netns" in sys.argv or shutil.which("unshare") is None:
        print("(no private network namespace: running on this host's loopback)")
        return
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        print("(unshare -rn is not allowed here: running on this host's loopback)")
        return
    env = dict(os.environ, INDIE_NETNS="1")
    args = [os.path.abspath(a) if i == 0 and os.path.exists(a) else a
            for i, a in enumerate(sys.argv[1:])]
    os.execvpe("unshare", ["unshare", "-rn", sys.executable, os.path.abspath(__file__)] + args, env)


# -- a node -------------------------------------------------------------------------------------
def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Node:
    def __init__(self, binary, name, root):
        self.binary = binary
        self.name = name
        self.dir = os.path.join(root, name)
        os.mkdir(self.dir, 0o700)
        with open(os.path.join(self.dir, "kabar.conf"), "w") as f:
            f.write("web.enabled = off\nreport = off\nlog_level = debug\nnetwork = %s\n" % NETWORK)
        self.port = free_udp_port()
        self.addr = ("127.0.0.1", self.port)
        self.process = None
        self.log_path = os.path.join(self.dir, "node.log")
        self.kabar("init", "--label", "indie-" + name)
        self.key = bytes.fromhex(self.kabar("id").stdout.strip())

    def kabar(self, *args, check=True, stdin=None):
        r = subprocess.run([self.binary, *args, "--data", self.dir], capture_output=True, text=True,
                           input=stdin, timeout=30)
        if check and r.returncode != 0:
            raise RuntimeError("kabar %s failed (%d): %s" % (" ".join(args), r.returncode,
                                                              r.stderr.strip() or r.stdout.strip()))
        return r

    def start(self):
        log = open(self.log_path, "w")
        self.process = subprocess.Popen([self.binary, "run", "--data", self.dir, "--port", str(self.port),
                                         "--no-repl"], stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        end = time.time() + 15
        while time.time() < end:
            if self.process.poll() is not None:
                raise RuntimeError("kabar run exited with %d:\n%s" % (self.process.returncode, self.log_tail()))
            r = self.kabar("status", "--json", check=False)
            if r.returncode == 0:
                try:
                    if json.loads(r.stdout).get("running"):
                        return
                except ValueError:
                    pass
            time.sleep(0.1)
        raise RuntimeError("kabar run did not come up in 15 s:\n" + self.log_tail())

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def log_tail(self, n=30):
        try:
            with open(self.log_path) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def ids(self):
        return {bytes.fromhex(b["id"]) for b in json.loads(self.kabar("list", "--json", "--limit", "10000").stdout)}

    def status(self):
        return json.loads(self.kabar("status", "--json").stdout)

    def post(self, title, body):
        r = self.kabar("post", "--channel", "warga", "--title", title, "--body", body)
        return bytes.fromhex(r.stdout.strip().split()[-1])


def wait_for(cond, timeout, step=0.1):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


def converge(peer, node, union, timeout, extra=lambda: True):
    """Pumps the peer (it must keep answering: acknowledgements, pulls, resends) until both
    sides hold `union` and `extra()` holds; checks the node at most every 0.25 s."""
    state = {"t": 0.0, "node": False}

    def done():
        if not union <= set(peer.store) or not extra():
            return False
        if time.time() - state["t"] > 0.25:
            state["t"] = time.time()
            state["node"] = union <= node.ids()
        return state["node"]
    return peer.run_until(done, timeout)


def seed_with_key(order, node_key):
    """A seed whose public key is smaller (order < 0) or larger (order > 0) than node_key."""
    while True:
        seed = os.urandom(32)
        pub = ed25519.public_key(seed)
        if (pub < node_key) == (order < 0):
            return seed


# -- 1. offline ---------------------------------------------------------------------------------
RFC8032 = [
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
]


def offline(binary):
    ok = True
    for sk, pk, msg, sig in RFC8032:
        seed, m = bytes.fromhex(sk), bytes.fromhex(msg)
        ok &= ed25519.public_key(seed).hex() == pk and ed25519.sign(seed, m).hex() == sig \
            and ed25519.verify(bytes.fromhex(pk), m, bytes.fromhex(sig)) \
            and not ed25519.verify(bytes.fromhex(pk), m + b"x", bytes.fromhex(sig))
    check("Ed25519 here matches RFC 8032 section 7.1 tests 1-3", ok)

    seed = os.urandom(32)
    msg = os.urandom(40)
    sig = ed25519.sign(seed, msg)
    r = subprocess.run([binary, "crypto", "ed25519-verify", ed25519.public_key(seed).hex(), msg.hex(), sig.hex()],
                       capture_output=True, text=True, timeout=30)
    r2 = subprocess.run([binary, "crypto", "ed25519-sign", seed.hex(), msg.hex()], capture_output=True,
                        text=True, timeout=30)
    check("kabar crypto agrees with this Ed25519 (verify ours, sign the same bytes)",
          r.stdout.strip() == "valid" and r2.stdout.strip() == sig.hex(), r.stdout + r.stderr + r2.stdout)

    b = B.make_post(seed, "warga", "Rapat desa", "Senin jam 9\nbalai desa")
    enc = b.encode()
    d = B.decode(enc, now=now_ms())
    check("a bulletin built here decodes canonically and its signature verifies",
          d.encode() == enc and d.verify_signature() and d.title == "Rapat desa")
    bad = bytearray(enc)
    bad[-70] ^= 1
    reasons = []
    for data, want in ((bytes(bad), "badSignature"), (bytes([2]) + enc[1:], "unknownVersion"),
                       (enc[:1] + b"\x00" + enc[1 + 1:], "reservedKind"), (enc + bytes(16384), "tooLarge")):
        try:
            B.decode(data, now=now_ms())
            reasons.append((want, "accepted"))
        except B.BulletinError as e:
            reasons.append((want, e.reason))
    check("broken bulletins are refused with the documented reason", all(a == b for a, b in reasons), reasons)

    rnd = random.Random(19)
    for shared, a_only, b_only in ((20, 5, 5), (60, 40, 40), (30, 0, 4), (0, 3, 0)):
        def item():
            return (1790000000000 + rnd.randrange(10 ** 9), bytes(rnd.getrandbits(8) for _ in range(32)))
        common = [item() for _ in range(shared)]
        a = common + [item() for _ in range(a_only)]
        b = common + [item() for _ in range(b_only)]
        ini, res = R.Initiator(a, rnd.getrandbits(64), len(b)), R.Responder(b)
        queue, hops = [("r", x) for x in ini.start()], 0
        while queue and hops < 1000:
            hops += 1
            who, x = queue.pop(0)
            queue += [("i", y) for y in res.receive(x)] if who == "r" else [("r", y) for y in ini.receive(x)]
        check("this implementation reconciles with itself in memory (%d shared, %d / %d only)" % (shared, a_only, b_only),
              ini.done and ini.failed is None and set(ini.we_lack) == {i for _, i in b[shared:]}
              and set(ini.peer_lacks) == {i for _, i in a[shared:]}, "failed: %s" % ini.failed)

    for vecdir in VECTOR_DIRS:
        for name, ok, detail in V.check_all(vecdir):
            if ok is None:
                print("SKIP " + name + (": " + detail if detail else ""))
            else:
                check(name, ok, detail)


# -- 2. node A: handshake, push, pull, bundles ----------------------------------------------------
def node_basics(node, tmp):
    peer = P.Peer(network=NETWORK)
    try:
        ok = peer.handshake(node.addr, 3)
        st = node.status()
        me = "%s:%d" % peer.addr
        entry = [p for p in st.get("peers", []) if p.get("address") == me]
        check("handshake: the node echoes our cookie, we echo its, it shows us as proven",
              ok and entry and entry[0].get("proven"), peer.dump_trace(10) + "\n" + json.dumps(entry))

        small = B.make_post(peer.seed, "warga", "Dari Python", "bulletin in one datagram")
        big = B.make_post(peer.seed, "warga", "Dari Python, panjang", "x" * 5000)
        peer.send(node.addr, peer.codec.bulletin(small.encode()))
        for fr in peer.codec.fragments(big.encode()):
            peer.send(node.addr, fr)
        stored = wait_for(lambda: {small.id, big.id} <= node.ids(), 5)
        check("push: a bulletin made here, whole and in %d fragments, is stored by the node"
              % len(peer.codec.fragments(big.encode())), stored, peer.dump_trace(10) + "\n" + node.log_tail())

        id1 = node.post("Dari node", "kecil")
        id2 = node.post("Dari node, panjang", "y" * 3000)
        got = peer.run_until(lambda: id1 in peer.store and id2 in peer.store, 5)
        detail = peer.dump_trace(30)
        if got:
            b1 = B.decode(peer.store[id1], now=now_ms())
            b2 = B.decode(peer.store[id2], now=now_ms())
            got = b1.title == "Dari node" and b2.title == "Dari node, panjang" and b1.author == node.key
        names = [e[2] for e in peer.trace]
        check("pull: the node's posts arrive by announce -> request -> bulletin / fragments, verified here",
              got and "announce" in names and "request" in names and "fragment" in names, detail)

        # a stream pull by id (transferRequest / transferData / transferAck)
        others = list(node.ids() - set(peer.store))
        pull_ok = bool(others)   # the two pushed above: made here, never kept here
        if others:
            peer.pull(node.addr, ids=others)
            pull_ok = peer.run_until(lambda: all(i in peer.store for i in others), 5)
        check("transfer: a transferRequest for %d ids is answered (stream or fragments) and verified here"
              % len(others), pull_ok,
              peer.dump_trace(20))

        # bundle import
        fresh = [B.make_post(peer.seed, "pasar", "Jual %d" % i, "Rp %d.000/kg" % (5 + i)) for i in range(3)]
        path = os.path.join(tmp, "python.bundle")
        with open(path, "wb") as f:
            f.write(BU.encode([b.encode() for b in fresh]))
        r = node.kabar("import", path, check=False)
        have = node.ids()
        check("bundle: `kabar import` takes a bundle made here (3 added)",
              r.returncode == 0 and all(b.id in have for b in fresh) and "3" in r.stdout,
              r.stdout + r.stderr)

        more = [B.make_post(peer.seed, "pasar", "Rusak %d" % i, "isi") for i in range(2)]
        damaged = bytearray(BU.encode([b.encode() for b in more]))
        damaged[-1] ^= 0xFF
        path2 = os.path.join(tmp, "damaged.bundle")
        with open(path2, "wb") as f:
            f.write(bytes(damaged))
        r = node.kabar("import", path2, check=False)
        check("bundle: a damaged bundle (checksum byte changed) is reported and exits 1, as Bundle.md says",
              r.returncode == 1 and "checksum" in (r.stdout + r.stderr).lower(), r.stdout + r.stderr)
        truncated = BU.encode([b.encode() for b in more])[:-40]
        mine_ok = True
        try:
            recs, problem = BU.decode(truncated)
            mine_ok = problem is not None and problem.reason == "truncated" and len(recs) == 2
        except BU.BundleError:
            mine_ok = False
        check("bundle: this reader reports a bundle cut before its trailer as truncated, records kept", mine_ok)

        out = os.path.join(tmp, "export.bundle")
        node.kabar("export", out)
        with open(out, "rb") as f:
            data = f.read()
        recs, problem = BU.decode(data)
        bulletins = [B.decode(r_, now=now_ms()) for kind, r_ in recs if kind == "bulletin"]
        ids = {b.id for b in bulletins}
        check("bundle: `kabar export` is read here, checksum and count good, every bulletin verifies, "
              "ids = the node's list", problem is None and ids == node.ids() and all(b.verify_signature() for b in bulletins),
              "problem %s, %d records, %d listed" % (problem, len(recs), len(node.ids())))

        # Protocol.md: a fragment request is answered with exactly the pieces asked
        peer.trace.clear()
        peer.send(node.addr, peer.codec.fragment_request(id2, 0b110))
        peer.pump(0.5)
        got = sorted(e[3].get("index") for e in peer.trace if e[1] == "<" and e[2] == "fragment")
        check("fragment request for pieces 1 and 2 of a node's bulletin is answered with exactly those",
              got == [1, 2], peer.dump_trace(10))

        # Protocol.md: one cut only; a piece other than the last that is not 1158 bytes is refused
        cut = B.make_post(peer.seed, "warga", "Potongan lain", "z" * 3000).encode()
        before = node.status()["counters"].get("rejected_datagrams", 0)
        pieces = [cut[i:i + 1000] for i in range(0, len(cut), 1000)]
        cut_id = hashlib.sha256(cut).digest()
        for i, piece in enumerate(pieces):
            peer.sock.sendto(peer.codec.datagram(7, cut_id + bytes([i, len(pieces)]) + piece), node.addr)
        peer.pump(0.5)
        after = node.status()["counters"].get("rejected_datagrams", 0)
        check("fragments cut in 1000-byte pieces: each but the last refused and counted, nothing stored "
              "(Protocol.md: one cut only)",
              cut_id not in node.ids() and after - before == len(pieces) - 1,
              "rejected +%d of %d pieces, stored: %s" % (after - before, len(pieces), cut_id in node.ids()))

        # Transfer.md: a request for a stream that ended is answered with one bare `last`
        sid = peer.pull(node.addr, ids=[id1])
        peer.pump(0.8)
        peer.trace.clear()
        peer.send(node.addr, peer.codec.transfer_request(sid, [], [id1]))
        peer.pump(0.5)
        answers = [e[3] for e in peer.trace if e[1] == "<" and e[2] == "transferData"]
        check("a request for a stream that ended is answered with one bare `last` (seq 0xFFFFFFFF)",
              len(answers) == 1 and answers[0]["seq"] == 0xFFFFFFFF and answers[0]["last"] and answers[0]["records"] == 0,
              peer.dump_trace(10))

        # Protocol.md "Before the echo": transferData from an address not proven: ack with stop, not read
        stranger = P.Peer(network=NETWORK)
        try:
            b = B.make_post(stranger.seed, "warga", "Tanpa bukti", "x")
            stranger.send(node.addr, stranger.codec.transfer_data(77, 0, True, [b.encode()]))
            stranger.pump(0.5)
            acks = [e[3] for e in stranger.trace if e[1] == "<" and e[2] == "transferAck"]
            check("transferData from an address that has not echoed a cookie: transferAck with stop, records not read",
                  acks and acks[0]["stop"] and b.id not in node.ids(), stranger.dump_trace(10))
        finally:
            stranger.close(linger=0)

        # Protocol.md "Compatibility": unknown beacon flag bits are ignored
        before = node.status()["counters"].get("rejected_datagrams", 0)
        peer.send(node.addr, peer.codec.beacon(ed25519.public_key(peer.seed), 5, now_ms(), len(peer.store),
                                               R.fingerprint(list(peer.store))[1], 0x81))
        peer.pump(0.3)
        check("a beacon with unknown flag bits (0x81) is accepted, not counted as rejected",
              node.status()["counters"].get("rejected_datagrams", 0) == before)

        # Protocol.md fragments: a correct 16,385-byte bulletin in 15 pieces is refused as tooLarge
        huge = B.make_post(peer.seed, "warga", "Terlalu besar", "b" * 15000, extra={8: b"u" * 1200})
        enc = huge.encode()
        pad = 16385 - len(enc)
        huge = B.make_post(peer.seed, "warga", "Terlalu besar", "b" * 15000, extra={8: b"u" * (1200 + pad)})
        enc = huge.encode()
        counters = node.status()["counters"]
        for fr in peer.codec.fragments(enc):
            peer.send(node.addr, fr)
        peer.pump(0.5)
        after = node.status()["counters"]
        check("a correct %d-byte bulletin in %d fragments is refused (too large), counted as a rejected bulletin"
              % (len(enc), len(peer.codec.fragments(enc))),
              len(enc) == 16385 and huge.id not in node.ids()
              and after.get("rejected_bulletins", 0) == counters.get("rejected_bulletins", 0) + 1,
              "rejected_bulletins %s -> %s; %s" % (counters.get("rejected_bulletins"), after.get("rejected_bulletins"),
                                                   node.log_tail(3)))

        # Reconciliation.md "Sessions in the node": a refused sync payload counts in status. From
        # a second, fresh address: the node may hold an initiator session with the first (it
        # reconciles at once with the first peer that proves its address), and then drops a
        # payload from it unread while it does not know its key.
        other = P.Peer(network=NETWORK)
        try:
            other.handshake(node.addr, 3)
            other.pump(0.2)
            before = node.status()["counters"].get("rejected_datagrams", 0)
            other.send(node.addr, other.codec.sync(4242, 1, b"\x09\x00"))
            other.pump(0.3)
            after = node.status()["counters"].get("rejected_datagrams", 0)
            check("a sync payload the engine refuses (unknown payload type 9) counts in status rejected_datagrams",
                  after == before + 1, "before %d after %d\n%s" % (before, after, other.dump_trace(10)))
        finally:
            other.close(linger=0)

        # Bulletin.md / Trust.md / CLI.md: a retraction made here withdraws its target, and
        # `kabar list --json` shows the retraction, its absent title and body as ""
        target = B.make_post(peer.seed, "warga", "Akan ditarik", "isi")
        peer.send(node.addr, peer.codec.bulletin(target.encode()))
        wait_for(lambda: target.id in node.ids(), 3)
        retraction = B.Bulletin(2, ed25519.public_key(peer.seed), now_ms(), now_ms() + 86400000,
                                {1: b"warga", 4: target.id}).sign(peer.seed)
        peer.send(node.addr, peer.codec.bulletin(retraction.encode()))
        wait_for(lambda: retraction.id in node.ids(), 3)
        listed = {b["id"]: b for b in json.loads(node.kabar("list", "--json", "--limit", "10000").stdout)}
        entry = listed.get(retraction.id.hex(), {})
        check("a retraction made here withdraws its target; `kabar list --json` shows it, title and body \"\"",
              target.id.hex() not in listed and entry.get("kind") == "retraction" and entry.get("title") == ""
              and entry.get("body") == "", json.dumps(entry))

        before = node.status()["counters"].get("rejected_datagrams", 0)
        peer.sock.sendto(b"KB\x02\x63" + peer.codec.net + b"\x00" * 4, node.addr)   # unknown type 99
        peer.sock.sendto(b"KB\x09\x01" + peer.codec.net + b"\x00" * 65, node.addr)  # a later version
        peer.sock.sendto(b"XX" + os.urandom(30), node.addr)                        # not Kabar
        wait_for(lambda: node.status()["counters"].get("rejected_datagrams", 0) >= before + 3, 3)
        after = node.status()["counters"].get("rejected_datagrams", 0)
        check("an unknown type, a higher version and junk are dropped and counted (rejected_datagrams +3)",
              after - before == 3 and node.process.poll() is None, "before %d after %d" % (before, after))
    finally:
        peer.close()


# -- 3. reconciliation ------------------------------------------------------------------------------
def prepare_sets(node, peer, tmp, tag, n_shared=20, n_only=5):
    """n_shared made here and imported by the node; n_only only at the node (`kabar post` when
    few, else a bundle from another key made here and not kept); n_only only here."""
    base = now_ms() - 600000
    shared = [B.make_post(peer.seed, "warga", "%s bersama %d" % (tag, i), "isi %d" % i, created=base + i * 7)
              for i in range(n_shared)]
    path = os.path.join(tmp, tag + "-shared.bundle")
    with open(path, "wb") as f:
        f.write(BU.encode([b.encode() for b in shared]))
    node.kabar("import", path)
    if n_only <= 5:
        node_only = [node.post("%s node %d" % (tag, i), "hanya di node") for i in range(n_only)]
    else:
        other = os.urandom(32)
        made = [B.make_post(other, "pasar", "%s node %d" % (tag, i), "hanya di node", created=base + 3 + i * 11)
                for i in range(n_only)]
        path = os.path.join(tmp, tag + "-node-only.bundle")
        with open(path, "wb") as f:
            f.write(BU.encode([b.encode() for b in made]))
        node.kabar("import", path)
        node_only = [b.id for b in made]
    mine = [B.make_post(peer.seed, "warga", "%s python %d" % (tag, i), "hanya di Python", created=base + 500 + i)
            for i in range(n_only)]
    for b in shared + mine:
        peer.add(b.encode())
    return {b.id for b in shared}, set(node_only), {b.id for b in mine}


def beacon(peer, node, incarnation):
    ids = list(peer.store)
    count, fp = R.fingerprint(ids)
    peer.send(node.addr, peer.codec.beacon(ed25519.public_key(peer.seed), incarnation, now_ms(), count, fp))


def reconcile(node, tmp, role, n_shared=20, n_only=5):
    order = -1 if role.startswith("a") else 1      # (a) our key is smaller: we start; (b) larger: the node does
    peer = P.Peer(network=NETWORK, seed=seed_with_key(order, node.key))
    mgr = S.SyncManager(peer)
    if role.startswith("a"):
        mgr.respond = False               # a session the node might start is left unanswered
    try:
        shared, node_only, mine = prepare_sets(node, peer, tmp, role, n_shared, n_only)
        union = shared | node_only | mine
        check("(%s) sets ready: node holds %d, this side %d, union %d" % (role, len(node.ids()), len(peer.store), len(union)),
              node.ids() == shared | node_only and set(peer.store) == shared | mine
              and len(union) == n_shared + 2 * n_only)
        incarnation = random.getrandbits(32)
        beacon(peer, node, incarnation)
        peer.handshake(node.addr, 3)
        if role.startswith("a"):
            peer.run_until(lambda: peer.beacons, 7)
            count = peer.beacons[-1][1]["count"] if peer.beacons else None
            mgr.initiate(node.addr, count)
        else:
            last = [time.time()]

            def beaconing():
                if time.time() - last[0] > 2:
                    last[0] = time.time()
                    beacon(peer, node, incarnation)
                return bool(mgr.outcomes)
            peer.run_until(beaconing, 15)
        done = converge(peer, node, union, 15, lambda: bool(mgr.outcomes))
        node_done = union <= node.ids()
        if role.startswith("a"):
            outs = [o for o in mgr.outcomes if o[0] == "initiator"]
            found = outs and outs[0][2].get("failed") is None and set(outs[0][2]["we_lack"]) == node_only \
                and set(outs[0][2]["peer_lacks"]) == mine
            what = "this side initiates: its outcome names the node's %d and our %d" % (n_only, n_only)
        else:
            outs = [o for o in mgr.outcomes if o[0] == "responder"]
            found = bool(outs) and outs[0][2][3] == 0 and len(outs[0][2][1]) == n_only and set(outs[0][2][2]) == mine
            what = "the node initiates, this side responds: it decodes the node's %d keys we lack and names our %d ids" % (
                n_only, n_only)
        detail = ("outcomes: %s\nerrors: %s\nsession frame by frame:\n%s\ndatagrams:\n%s\nnode log:\n%s" % (
            S.summarise(mgr.outcomes), mgr.errors, mgr.dump(), peer.dump_trace(60), node.log_tail(25)))
        check("(%s) reconciliation, %s" % (role, what), found, detail)
        check("(%s) after the sync both sides hold the union of %d (here %d, node %d)"
              % (role, len(union), len(set(peer.store) & union), len(node.ids() & union)), done and node_done, detail)
        if VERBOSE:
            print(mgr.dump())
    finally:
        peer.close()


def split_case(node, tmp):
    """The node holds 4,100, this side 5 of them and 3 of its own: |N - M| > 4,000, so the node
    answers with a split; this side runs the pieces as parts (bounds, per-piece counts), and
    pulls ranges and lists. Signatures of the 4,095 pulled are not checked here (pure Python)."""
    path = os.path.join(tmp, "backlog.bundle")
    subprocess.run([node.binary, "debug", "backlog", "--count", "4100", "--authors", "10", "--body-bytes", "40",
                    path], check=True, capture_output=True, timeout=60)
    node.kabar("import", path)
    with open(path, "rb") as f:
        recs, problem = BU.decode(f.read())
    peer = P.Peer(network=NETWORK, seed=seed_with_key(-1, node.key))
    peer.verify = False
    mgr = S.SyncManager(peer)
    mgr.respond = False
    try:
        for kind, r in recs[:5]:
            peer.add(r)
        for i in range(3):
            peer.add(B.make_post(peer.seed, "warga", "pecah %d" % i, "x").encode())
        node_ids = node.ids()
        union = node_ids | set(peer.store)
        check("split: sets ready (node %d, this side %d, union %d)" % (len(node_ids), len(peer.store), len(union)),
              problem is None and len(node_ids) == 4100 and len(union) == 4103)
        beacon(peer, node, 1)
        peer.handshake(node.addr, 3)
        mgr.initiate(node.addr, None)
        converge(peer, node, union, 40, lambda: bool(mgr.outcomes))
        kinds = [e[3].split()[0] for e in mgr.log]
        outs = [o for o in mgr.outcomes if o[0] == "initiator"]
        o = outs[0][2] if outs else {}
        parts = max([int(e[3].split("part=")[1].split()[0]) for e in mgr.log if "part=" in e[3]] or [0])
        check("split: the node answers split, this side runs %d parts and its outcome covers the difference" % parts,
              "split" in kinds and o.get("failed") is None and len(o.get("peer_lacks", [])) == 3,
              "outcome %s\n%s" % (S.summarise(mgr.outcomes), mgr.dump()))
        check("split: both end with the union of %d (here %d, node %d)"
              % (len(union), len(set(peer.store) & union), len(node.ids() & union)),
              union <= set(peer.store) and union <= node.ids(), mgr.dump() + "\n" + node.log_tail(15))
    finally:
        peer.close()


def large_responder_case(node, tmp):
    """The node initiates against 2,100 here (over 2,048: this side must decode, not list):
    2,000 shared, 50 only at the node, 100 only here (from `kabar debug backlog`)."""
    path = os.path.join(tmp, "backlog-2150.bundle")
    subprocess.run([node.binary, "debug", "backlog", "--count", "2150", "--authors", "10", "--body-bytes", "40",
                    "--seed", "2", path], check=True, capture_output=True, timeout=60)
    with open(path, "rb") as f:
        recs = [r for kind, r in BU.decode(f.read())[0]]
    to_node = os.path.join(tmp, "backlog-node.bundle")
    with open(to_node, "wb") as f:
        f.write(BU.encode(recs[:2050]))
    node.kabar("import", to_node)
    peer = P.Peer(network=NETWORK, seed=seed_with_key(1, node.key))
    peer.verify = False
    mgr = S.SyncManager(peer)
    try:
        for r in recs[:2000] + recs[2050:]:
            peer.add(r)
        union = node.ids() | set(peer.store)
        incarnation = random.getrandbits(32)
        beacon(peer, node, incarnation)
        peer.handshake(node.addr, 3)
        last = [time.time()]

        def beaconing():
            if time.time() - last[0] > 2:
                last[0] = time.time()
                beacon(peer, node, incarnation)
            return bool(mgr.outcomes)
        peer.run_until(beaconing, 15)
        converge(peer, node, union, 20)
        outs = [o for o in mgr.outcomes if o[0] == "responder"]
        ok = bool(outs) and outs[0][2][3] == 0 and len(outs[0][2][1]) == 50 and len(outs[0][2][2]) == 100
        check("responder over 2,048 items: the node initiates, this side decodes 50 keys it lacks and names "
              "100 ids", ok, "outcomes %s\n%s" % (S.summarise(mgr.outcomes), mgr.dump()))
        check("responder over 2,048 items: both end with the union of %d (here %d, node %d)"
              % (len(union), len(set(peer.store) & union), len(node.ids() & union)),
              union <= set(peer.store) and union <= node.ids(), mgr.dump() + "\n" + node.log_tail(15))
    finally:
        peer.close()


def answer_case(node, name, flags_expected, own):
    """This side (smaller key) initiates with `own` bulletins of its own; the responder's answer
    must carry flags_expected; both end with the union."""
    peer = P.Peer(network=NETWORK, seed=seed_with_key(-1, node.key))
    mgr = S.SyncManager(peer)
    mgr.respond = False
    try:
        for i in range(own):
            peer.add(B.make_post(peer.seed, "kesehatan", "%s %d" % (name, i), "Posyandu").encode())
        node_ids = node.ids()
        union = node_ids | set(peer.store)
        beacon(peer, node, 1)
        peer.handshake(node.addr, 3)
        mgr.initiate(node.addr, None)
        converge(peer, node, union, 10, lambda: bool(mgr.outcomes))
        flags = [int(e[3].split("flags=")[1].split()[0]) for e in mgr.log if e[3].startswith("result")]
        ok = flags and all(f == flags_expected for f in flags) and union <= set(peer.store) and union <= node.ids()
        check("%s: node held %d, this side %d; the node answers result flags %d; both end with %d"
              % (name, len(node_ids), own, flags_expected, len(union)), ok,
              "flags seen %s\noutcomes %s\n%s\n%s\n%s" % (flags, S.summarise(mgr.outcomes), mgr.dump(),
                                                           peer.dump_trace(30), node.log_tail(15)))
    finally:
        peer.close()


def other_answers(node, tmp):
    answer_case(node, "give all (this side holds nothing, pulls the whole range)", 4, 0)
    answer_case(node, "list (the node holds few, this side many)", 2, 3 * len(node.ids()) + 3)


def want_all(node, tmp):
    answer_case(node, "want all (the node holds nothing, this side pushes all)", 1, 4)


def main():
    enter_namespace()
    # SIGTERM (a CI timeout) unwinds like an error, so the nodes are stopped and folders removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = [a for i, a in enumerate(sys.argv[1:], 1) if not a.startswith("--") and sys.argv[i - 1] != "--vectors"]
    binary = os.path.abspath(args[0] if args else ".build/release/kabar")
    if not args and not os.access(binary, os.X_OK):
        binary = os.path.join(REPO, ".build", "release", "kabar")
    if not os.access(binary, os.X_OK):
        print("FAIL no kabar binary at %s" % binary)
        return 1
    t0 = time.time()
    print("== 1. offline: crypto, bulletins, vectors")
    try:
        offline(binary)
    except Exception:
        check("offline checks ran without an exception", False, traceback.format_exc())
    tmp = tempfile.mkdtemp(prefix="kabar-indie-")
    nodes = []
    try:
        for title, name, fn in (("== 2. node A: handshake, push, pull, bundles", "A", node_basics),
                                ("== 3a. node B: this side initiates a reconciliation", "B",
                                 lambda n, t: reconcile(n, t, "a")),
                                ("== 3b. node C: the node initiates, this side responds", "C",
                                 lambda n, t: reconcile(n, t, "b")),
                                ("== 3c. node E: 60 shared, 40 only on each side, this side initiates "
                                 "(request rounds, results over several frames)", "E",
                                 lambda n, t: reconcile(n, t, "a-large", 60, 40)),
                                ("== 3d. node F: the same, the node initiates", "F",
                                 lambda n, t: reconcile(n, t, "b-large", 60, 40)),
                                ("== 3e. node G: 4,100 against 8: the node splits, this side runs the parts", "G",
                                 split_case),
                                ("== 3f. node H: the node initiates against 2,100 here (this side must decode)",
                                 "H", large_responder_case),
                                ("== 4. node C again: the other answers (give all, list)", "C", other_answers),
                                ("== 4. node D, empty: want all", "D", want_all)):
            print(title)
            node = None
            try:
                same = [n for n in nodes if n.name == name]
                if same:
                    node = same[0]
                else:
                    node = Node(binary, name, tmp)
                    nodes.append(node)
                if node.process is None or node.process.poll() is not None:
                    node.start()
                fn(node, tmp)
            except Exception:
                check("node %s steps ran without an exception" % name, False,
                      traceback.format_exc() + ("\nnode log:\n" + node.log_tail() if node else ""))
    finally:
        for n in nodes:
            n.stop()
        if KEEP:
            print("kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    failed = [n for n, ok in results if not ok]
    print("== %d checks, %d failed, %.1f s" % (len(results), len(failed), time.time() - t0))
    for n in failed:
        print("FAILED: " + n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
