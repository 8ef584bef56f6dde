"""Checks this implementation against Documentation/Vectors/*.json (README there)."""
import json
import os

HANDLERS = {}


def handler(name):
    def wrap(fn):
        HANDLERS[name] = fn
        return fn
    return wrap


def check_all(vecdir):
    """Yields (check name, ok or None for skipped, detail)."""
    if not os.path.isdir(vecdir):
        yield ("vectors: Documentation/Vectors/", None, "no such folder in this tree")
        return
    for fname in sorted(os.listdir(vecdir)):
        if not fname.endswith(".json"):
            continue
        path = os.path.join(vecdir, fname)
        try:
            with open(path) as f:
                data = json.load(f)
        except ValueError as e:
            yield ("vectors: %s is JSON" % fname, False, str(e))
            continue
        fn = HANDLERS.get(fname)
        if fn is None:
            yield ("vectors: %s" % fname, None, "no checker for this file here")
            continue
        try:
            for name, ok, detail in fn(data):
                yield ("vectors %s: %s" % (fname, name), ok, detail)
        except Exception:  # a format this checker misread is a failure to report, not a crash
            import traceback
            yield ("vectors %s: checker ran" % fname, False, traceback.format_exc())


# -- reconciliation (Documentation/Vectors/README.md, "Reconciliation") ---------------------------
import hashlib  # noqa: E402
import struct  # noqa: E402

from . import recon as R  # noqa: E402
from . import wire  # noqa: E402


def vid(n):
    return hashlib.sha256(b"kabar-vector-id-%d" % n).digest()


def vitem(n):
    return (1790000000000 + 1000 * n, vid(n))


def h64(x):
    return int(x, 16)


@handler("fingerprints.json")
def _fingerprints(d):
    bad = [m for m in d["mix"] if R.mix(h64(m["input"])) != h64(m["output"])]
    yield ("mix (SplitMix64 finaliser), %d inputs" % len(d["mix"]), not bad, bad)
    bad = []
    for e in d["idHash"]:
        i = bytes.fromhex(e["id"])
        if i != vid(e["n"]) or R.id_hash(i) != (h64(e["high"]), h64(e["low"])):
            bad.append(e)
    yield ("idHash of ids by rule, %d ids" % len(d["idHash"]), not bad, bad)
    bad = []
    for e in d["sets"]:
        ids = [vid(n) for n in e.get("n", [])] or [bytes.fromhex(x) for x in e.get("ids", [])]
        if e.get("ids") and [bytes.fromhex(x) for x in e["ids"]] != ids:
            bad.append((e["name"], "ids differ from the rule"))
        count, fp = R.fingerprint(ids)
        if count != e["count"] or fp.hex() != e["fingerprint"]:
            bad.append((e["name"], count, fp.hex(), e["fingerprint"]))
    yield ("set fingerprints (%s)" % ", ".join(e["name"] for e in d["sets"]), not bad, bad)


@handler("reconciliation-symbols.json")
def _symbols(d):
    bad = []
    for e in d["siphashReference"]:
        k0, k1 = struct.unpack("<QQ", bytes.fromhex(e["key"]))
        h = R.siphash24(k0, k1, bytes.fromhex(e["message"]))
        if h != h64(e["hash"]) or struct.pack("<Q", h).hex() != e["hashBytesLittleEndian"]:
            bad.append(e)
    yield ("SipHash-2-4 reference, %d messages" % len(d["siphashReference"]), not bad, bad)
    bad = []
    for e in d["saltKeys"]:
        k0, k1 = R.sip_keys(h64(e["salt"]))
        if k0 != h64(e["k0"]) or k1 != h64(e["k1"]) or struct.pack("<QQ", k0, k1).hex() != e["sipKey"]:
            bad.append(e)
    yield ("SipHash key from the salt, %d salts" % len(d["saltKeys"]), not bad, bad)
    bad = []
    for e in d["keys"]:
        i = bytes.fromhex(e["id"])
        key = R.key_of(i, h64(e["salt"]))
        problems = []
        if i != vid(e["n"]):
            problems.append("id")
        if key != h64(e["key"]):
            problems.append("key %016x" % key)
        if R.checksum(key) != h64(e["checksum"]):
            problems.append("checksum %08x" % R.checksum(key))
        if R.walk(key, 1000) != e["walkBelow1000"]:
            problems.append("walk %s" % R.walk(key, 1000)[:16])
        for st in e.get("firstSteps", []):
            random = R.mix(((key ^ 0x77616C6B73656564) + st["steps"] * 0x9E3779B97F4A7C15) & R.M64)
            r = (float(random >> 11) + 1.0) * 2.0 ** -53
            rbits = struct.unpack(">Q", struct.pack(">d", r))[0]
            if random != h64(st["random"]) or rbits != h64(st["rBits"]):
                problems.append("step %d random/r" % st["steps"])
            w = R.walk(key, st["index"] + 1)
            if len(w) <= st["steps"] or w[st["steps"]] != st["index"]:
                problems.append("step %d index" % st["steps"])
        if problems:
            bad.append((e["n"], problems))
    yield ("keys, checksums, walks below 1,000 and first steps for %d ids" % len(d["keys"]), not bad, bad)
    sk = d["sketch"]
    salt = h64(sk["salt"])
    keys = [R.key_of(vid(n), salt) for n in sk["n"]]
    end = max(e["index"] for e in sk["symbols"]) + 1
    S = R.symbols(keys, end)
    bad = []
    for e in sk["symbols"]:
        j = e["index"]
        mine = S[j]
        exp = R.expected(j, sk["itemCount"])
        if (mine[0], mine[1], mine[2], exp, mine[2] - exp) != (h64(e["keySum"]), h64(e["checkSum"]), e["count"],
                                                              e["expected"], e["deviation"]):
            bad.append((j, mine, e))
    yield ("sketch: symbols 0-%d of ids %s" % (end - 1, sk["n"][:3] + ["..."]), not bad, bad[:3])
    fp = R.fingerprint([vid(n) for n in sk["n"]])[1]
    payload = R.enc_symbols(salt, 0, None, None, sk["itemCount"], fp, end, 0, S)
    yield ("sketch: the symbols payload (%s)" % sk.get("payloadNote", ""), payload.hex() == sk["payload"],
           "mine   %s\nvector %s" % (payload.hex()[:120], sk["payload"][:120]))


def _bound(b):
    return None if b is None else (b["created"], h64(b["idPrefix"]))


def _encode_decoded(dd):
    t = dd["type"]
    if t == "symbols":
        syms = [(h64(x["keySum"]), h64(x["checkSum"]), x["count"]) for x in dd["symbols"]]
        fp = bytes.fromhex(dd["fingerprint"]) if dd.get("fingerprint") else None
        return R.enc_symbols(h64(dd["salt"]), dd["part"], _bound(dd.get("lower")), _bound(dd.get("upper")),
                             dd["itemCount"], fp, dd["roundEnd"], dd["firstIndex"], syms)
    if t == "request":
        return R.enc_request(dd["part"], dd["responderCount"], dd["from"], dd["to"])
    if t == "inSync":
        return R.enc_insync(dd["part"])
    if t == "result":
        return R.enc_result_frame(dd["part"], dd["flags"], dd["frameIndex"], dd["frameCount"],
                                  [h64(k) for k in dd["keys"]], [bytes.fromhex(i) for i in dd["ids"]])
    if t == "resend":
        return R.enc_resend(dd["part"], dd["frameCount"], dd["missing"])
    if t == "abort":
        return R.enc_abort(dd["part"], dd["reason"])
    if t == "split":
        return R.enc_split(dd["part"], [_bound(b) for b in dd["bounds"]], dd["counts"])
    raise ValueError("unknown type " + t)


TYPES = {1: "symbols", 2: "request", 3: "inSync", 4: "result", 5: "resend", 6: "abort", 7: "split"}


def _compare_decoded(f, dd):
    """Compares this parser's fields with a vector's decoded fields; returns differences."""
    diffs = []
    if TYPES.get(f["type"]) != dd["type"]:
        return ["type %s" % f["type"]]
    for k in ("part", "itemCount", "roundEnd", "firstIndex", "responderCount", "from", "to", "flags",
              "frameIndex", "frameCount", "reason", "counts", "missing"):
        if k in dd and k != "flags" and f.get(k) != dd[k]:
            diffs.append((k, f.get(k), dd[k]))
    if dd["type"] == "result" and f["flags"] != dd["flags"]:
        diffs.append(("flags", f["flags"], dd["flags"]))
    if "salt" in dd and f["salt"] != h64(dd["salt"]):
        diffs.append("salt")
    if dd["type"] == "symbols":
        if (f["fingerprint"].hex() if f["fingerprint"] else None) != dd.get("fingerprint"):
            diffs.append("fingerprint")
        for k in ("lower", "upper"):
            if f[k] != _bound(dd.get(k)):
                diffs.append((k, f[k]))
        mine = [(ks, cs, c) for ks, cs, c in f["symbols"]]
        theirs = [(h64(x["keySum"]), h64(x["checkSum"]), x["count"]) for x in dd["symbols"]]
        if mine != theirs:
            diffs.append("symbols")
    if "keys" in dd and f["keys"] != [h64(k) for k in dd["keys"]]:
        diffs.append("keys")
    if "ids" in dd and [i.hex() for i in f["ids"]] != dd["ids"]:
        diffs.append("ids")
    if "bounds" in dd and f["bounds"] != [_bound(b) for b in dd["bounds"]]:
        diffs.append("bounds")
    return diffs


def _items(side):
    if "n" in side:
        return [vitem(n) for n in side["n"]]
    return [vitem(n) for lo, hi in side["nRanges"] for n in range(lo, hi)]


def _nset(o, key):
    """ids of an outcome field: hex ids, or `<key>NRanges` of vector numbers."""
    if key in o:
        return sorted(o[key])
    return sorted(vid(n).hex() for lo, hi in o.get(key + "NRanges", []) for n in range(lo, hi))


def _replay(sess, role, network_id):
    """Replays a recorded session with this side in `role`, on the session's step clock: the
    other side's frames arrive at their `received` tick, this side's timers fire at theirs.
    Returns (every frame as recorded?, outcome agrees?, datagrams agree?, notes)."""
    init_items, resp_items = _items(sess["initiator"]), _items(sess["responder"])
    salt = h64(sess["salt"])
    mine_dir = "initiator->responder" if role == "initiator" else "responder->initiator"
    if role == "initiator":
        eng = R.Initiator(init_items, salt, sess["responder"]["count"] if sess["peerCountKnown"] else None)
    else:
        eng = R.Responder(resp_items)
    frames = sess["frames"]
    events = []
    for f in frames:
        if f["direction"] != mine_dir and not f.get("lost"):
            events.append((f["received"], 1, f))
    for t in sess.get("timers", []):
        if t["side"] == role:
            events.append((t["at"], 0, None))
    if role == "initiator":
        events.append((-1, 0, "start"))
    events.sort(key=lambda e: (e[0], e[1]))
    sent, notes = [], []
    for tick, kind, f in events:
        try:
            if f == "start":
                sent += eng.start()
            elif f is None:
                sent += eng.timeout()
            else:
                sent += eng.receive(bytes.fromhex(f["payload"]))
        except R.ReconError as e:
            notes.append("refused at tick %d: %s" % (tick, e))
    recorded = sorted((f for f in frames if f["direction"] == mine_dir), key=lambda f: f["sent"])
    exact = len(sent) == len(recorded)
    for k, (got, rec) in enumerate(zip(sent, recorded)):
        if got.hex() != rec["payload"]:
            exact = False
            notes.append("frame %d differs: here %s, recorded %s" % (k, _short(got), _short(bytes.fromhex(rec["payload"]))))
            break
    if len(sent) != len(recorded):
        notes.append("this side sent %d frames, the recording %d" % (len(sent), len(recorded)))
    o = sess["initiatorOutcome"]
    if role == "initiator":
        ranges = [(_bound(r["lower"]), _bound(r["upper"])) for r in o["weLackRanges"]]
        agree = eng.done and eng.failed is None and sorted(i.hex() for i in eng.we_lack) == _nset(o, "weLack") \
            and sorted(i.hex() for i in eng.peer_lacks) == _nset(o, "peerLacks") and eng.we_lack_ranges == ranges
        if not agree:
            notes.append("outcome here: weLack %d peerLacks %d ranges %s failed %s" % (
                len(eng.we_lack), len(eng.peer_lacks), eng.we_lack_ranges, eng.failed))
    else:
        # the initiator's lists follow from the responder's answers: rebuild them from ours
        init_ids = {i.hex() for _, i in init_items}
        we_lack, peer_lacks, ranges = set(), set(), []
        for part, keys, ids, flags in eng.outcomes:
            if flags == 0:
                we_lack |= {i.hex() for i in ids}
                kt = {R.key_of(i, salt): i.hex() for _, i in init_items}
                peer_lacks |= {kt.get(k, "?") for k in keys}
            elif flags == 2:
                listed = {i.hex() for i in ids}
                we_lack |= listed - init_ids
                eng_range = eng.part_ranges[part]
                peer_lacks |= {i.hex() for c, i in init_items if R.in_range((c, i), *eng_range)} - listed
            elif flags == 1:
                peer_lacks |= {i.hex() for c, i in init_items if R.in_range((c, i), *eng.part_ranges[part])}
            elif flags == 4:
                ranges.append(1)
        agree = sorted(we_lack) == _nset(o, "weLack") and sorted(peer_lacks) == _nset(o, "peerLacks") \
            and len(ranges) == len(o["weLackRanges"])
        if not agree:
            notes.append("outcome here: weLack %d peerLacks %d" % (len(we_lack), len(peer_lacks)))
    codec = wire.Codec()
    dg_ok = codec.net.hex() == network_id and all(
        codec.sync(sess["session"], 1 if f["direction"] == "initiator->responder" else 0,
                   bytes.fromhex(f["payload"])).hex() == f["datagram"] for f in frames if "datagram" in f)
    return exact, agree, dg_ok, "; ".join(notes)


def _short(p):
    try:
        from .sync import describe
        return describe(p)
    except Exception:
        return p[:16].hex()


@handler("reconciliation-session.json")
def _session(d):
    bad = []
    for m in d["messages"]:
        payload = bytes.fromhex(m["payload"])
        try:
            f = R.parse(payload)
        except R.ReconError as e:
            bad.append((m["decoded"]["type"], "refused: %s" % e))
            continue
        diffs = _compare_decoded(f, m["decoded"])
        enc = _encode_decoded(m["decoded"])
        if diffs or enc != payload:
            bad.append((m["decoded"]["type"], diffs, "encoded here %s" % enc.hex()[:60] if enc != payload else ""))
    yield ("one payload of every type: decoded fields and re-encoded bytes (%d payloads)" % len(d["messages"]),
           not bad, bad)
    for sess in d["sessions"]:
        for role in ("initiator", "responder"):
            exact, agree, dg_ok, notes = _replay(sess, role, d["networkID"])
            if role == "initiator":
                yield ("session '%s' replayed as initiator: every frame as recorded, outcome agrees"
                       % sess["name"], exact and agree and dg_ok, notes)
            else:
                # Kabar's responder policy is written out exactly, and followed here: every frame
                # must match too.
                yield ("session '%s' replayed as responder: every frame as recorded, outcome agrees"
                       % sess["name"], exact and agree and dg_ok, notes)


# -- bulletins, datagrams, bundles (Documentation/Vectors/README.md) ------------------------------
from . import bulletin as B  # noqa: E402
from . import bundle as BU  # noqa: E402
from . import ed25519  # noqa: E402

KIND_NAMES = {1: "post", 2: "retraction", 3: "grant", 4: "hide", 5: "vouch", 6: "report"}


def bulletin_fields(b):
    f = b.fields
    ids = lambda v: [v[i:i + 32].hex() for i in range(0, len(v), 32)] if v else []  # noqa: E731
    grant = None
    if 7 in f:
        g = B.parse_grant(f[7])
        grant = {"channels": g["channels"], "grantee": g["grantee"].hex(), "may_grant": g["may_grant"],
                 "moderator": g["moderator"]}
    return {
        "version": b.version, "kind": b.kind, "kind_name": KIND_NAMES.get(b.kind, "kind-%d" % b.kind),
        "author": b.author.hex(), "created": b.created, "expires": b.expires,
        "channel": f[1].decode(), "title": f.get(2, b"").decode(), "body": f.get(3, b"").decode(),
        "references": ids(f.get(4)), "attachments": ids(f.get(6)),
        "supersedes": f[5].hex() if 5 in f else None, "grant": grant,
        "unknown_fields": [{"tag": t, "value": f[t].hex()} for t in sorted(f) if t >= 8],
        "signature": b.signature.hex(),
    }


def bulletin_from_fields(fd):
    fields = {1: fd["channel"].encode()}
    if fd["title"]:
        fields[2] = fd["title"].encode()
    if fd["body"]:
        fields[3] = fd["body"].encode()
    if fd["references"]:
        fields[4] = b"".join(bytes.fromhex(i) for i in fd["references"])
    if fd["supersedes"]:
        fields[5] = bytes.fromhex(fd["supersedes"])
    if fd["attachments"]:
        fields[6] = b"".join(bytes.fromhex(i) for i in fd["attachments"])
    if fd["grant"]:
        g = fd["grant"]
        v = bytes.fromhex(g["grantee"]) + bytes([(1 if g["may_grant"] else 0) | (2 if g["moderator"] else 0),
                                                len(g["channels"])])
        for c in g["channels"]:
            v += bytes([len(c)]) + c.encode()
        fields[7] = v
    for u in fd["unknown_fields"]:
        fields[u["tag"]] = bytes.fromhex(u["value"])
    return B.Bulletin(fd["kind"], bytes.fromhex(fd["author"]), fd["created"], fd["expires"], fields,
                      version=fd["version"])


@handler("bulletins.json")
def _bulletins(d):
    seeds = {bytes.fromhex(k["public_key"]): bytes.fromhex(k["seed"]) for k in d["keys"]}
    kb = [k for k in d["keys"] if ed25519.public_key(bytes.fromhex(k["seed"])).hex() != k["public_key"]]
    yield ("author keys from their seeds (%d)" % len(d["keys"]), not kb, kb)
    yield ("signing domain", B.DOMAIN.hex() == d["signing_domain_hex"], d["signing_domain_hex"])
    now = d["now"]
    for v in d["valid"]:
        data = bytes.fromhex(v["hex"])
        problems = []
        try:
            b = B.decode(data, now=now)
            mine = bulletin_fields(b)
            diff = [k for k in v["fields"] if mine.get(k) != v["fields"][k]]
            if diff:
                problems.append("fields differ: %s" % diff)
            again = bulletin_from_fields(v["fields"])
            seed = seeds.get(again.author)
            if seed is None or again.sign(seed).encode() != data:
                problems.append("encoding and signing the fields here gives other bytes")
            if b.id.hex() != v["id"] or len(data) != v["size"]:
                problems.append("id or size")
            stamp = _stamp_bits(data)
            if stamp != v["stamp_bits"]:
                problems.append("stamp_bits %d" % stamp)
        except B.BulletinError as e:
            problems.append("refused: %s" % e)
        yield ("valid '%s' (%d B): decodes to its fields, re-encodes and re-signs to the same bytes, "
               "verifies, dates pass" % (v["name"], v["size"]), not problems, "; ".join(problems))
    bad = []
    for v in d["invalid"]:
        data = bytes.fromhex(v["hex"])
        got = None
        try:
            if v["stage"] == "decode":
                B.decode(data, check_signature=False)
            elif v["stage"] == "signature":
                B.decode(data, check_signature=False)   # must decode,
                B.decode(data)                          # and fail here
            else:
                B.decode(data)
                B.decode(data, now=now)
            got = ("accepted", None)
        except B.BulletinError as e:
            got = (e.reason, e.field)
        if got != (v["error"], v.get("field")):
            bad.append((v["name"], "expected %s(%s), got %s(%s)" % (v["error"], v.get("field"), got[0], got[1])))
    yield ("%d invalid bulletins refused with the expected error and field" % len(d["invalid"]), not bad,
           "\n".join("%s: %s" % x for x in bad))


def _stamp_bits(data):
    digest = hashlib.sha256(data[:-64]).digest()
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        bits += 8 - byte.bit_length()
        break
    return bits


def datagram_fields(t, f):
    if t == wire.BEACON:
        return {"key": f["key"].hex(), "incarnation": f["incarnation"], "wall_clock": f["clock"],
                "store_count": f["count"], "fingerprint": f["fingerprint"].hex(), "flags": f["flags"]}
    if t in (wire.CHALLENGE, wire.RESPONSE):
        return {"cookie": "%016x" % f["cookie"]}
    if t in (wire.ANNOUNCE, wire.REQUEST, wire.BLOCK_REQUEST, wire.BLOCK_MISSING):
        return {"ids": [i.hex() for i in f["ids"]]}
    if t == wire.BULLETIN:
        return {"bulletin": f["bytes"].hex(), "id": hashlib.sha256(f["bytes"]).hexdigest()}
    if t == wire.FRAGMENT:
        return {"id": f["id"].hex(), "index": f["index"], "count": f["count"], "payload": f["payload"].hex()}
    if t == wire.FRAGMENT_REQUEST:
        return {"id": f["id"].hex(), "missing": f["bitmap"]}
    if t == wire.SYNC:
        return {"session": f["session"], "from_initiator": f["direction"] == 1, "payload": f["payload"].hex()}
    if t == wire.TRANSFER_REQUEST:
        def bound(b):
            return None if b is None else {"created": b[0], "id_prefix": "%016x" % b[1]}
        return {"stream": f["stream"], "ranges": [{"lower": bound(lo), "upper": bound(hi)} for lo, hi in f["ranges"]],
                "ids": [i.hex() for i in f["ids"]]}
    if t == wire.TRANSFER_DATA:
        return {"stream": f["stream"], "seq": f["seq"], "is_last": f["last"], "records": [r.hex() for r in f["records"]]}
    if t == wire.TRANSFER_ACK:
        return {"stream": f["stream"], "stop": f["stop"], "ranges": [{"high": h, "low": lo} for h, lo in f["runs"]]}
    if t == wire.BLOCK_DATA:
        return {"block": f["bytes"].hex(), "id": hashlib.sha256(f["bytes"]).hexdigest()}
    return None


def datagram_from_fields(codec, t, fd):
    H = bytes.fromhex
    if t == wire.BEACON:
        return codec.beacon(H(fd["key"]), fd["incarnation"], fd["wall_clock"], fd["store_count"],
                            H(fd["fingerprint"]), fd["flags"])
    if t == wire.CHALLENGE:
        return codec.challenge(int(fd["cookie"], 16))
    if t == wire.RESPONSE:
        return codec.response(int(fd["cookie"], 16))
    if t in (wire.ANNOUNCE, wire.REQUEST, wire.BLOCK_REQUEST, wire.BLOCK_MISSING):
        return codec.datagram(t, bytes([len(fd["ids"])]) + b"".join(H(i) for i in fd["ids"]))
    if t == wire.BULLETIN:
        return codec.bulletin(H(fd["bulletin"]))
    if t == wire.FRAGMENT:
        return codec.datagram(t, H(fd["id"]) + bytes([fd["index"], fd["count"]]) + H(fd["payload"]))
    if t == wire.FRAGMENT_REQUEST:
        return codec.fragment_request(H(fd["id"]), fd["missing"])
    if t == wire.SYNC:
        return codec.sync(fd["session"], 1 if fd["from_initiator"] else 0, H(fd["payload"]))
    if t == wire.TRANSFER_REQUEST:
        def bound(b):
            return None if b is None else (b["created"], int(b["id_prefix"], 16))
        return codec.transfer_request(fd["stream"], [(bound(r["lower"]), bound(r["upper"])) for r in fd["ranges"]],
                                      [H(i) for i in fd["ids"]])
    if t == wire.TRANSFER_DATA:
        return codec.transfer_data(fd["stream"], fd["seq"], fd["is_last"], [H(r) for r in fd["records"]])
    if t == wire.TRANSFER_ACK:
        return codec.transfer_ack(fd["stream"], fd["stop"], [(r["high"], r["low"]) for r in fd["ranges"]])
    if t == wire.BLOCK_DATA:
        return codec.datagram(t, H(fd["block"]))
    return None


@handler("datagrams.json")
def _datagrams(d):
    codec = wire.Codec(d.get("network_name", "kabar"))
    yield ("network id of '%s'" % d.get("network_name", "kabar"), codec.net.hex() == d["network_id"], codec.net.hex())
    for v in d["valid"]:
        data = bytes.fromhex(v["hex"])
        problems = []
        try:
            t, f = codec.parse(data)
            if t != v["type"]:
                problems.append("type %d" % t)
            mine = datagram_fields(t, f)
            if mine != v["fields"]:
                problems.append("fields differ: %s" % [k for k in v["fields"] if (mine or {}).get(k) != v["fields"][k]])
            again = datagram_from_fields(codec, t, v["fields"])
            if again != data:
                problems.append("encoded here: %s" % (again.hex()[:80] if again else None))
        except wire.WireError as e:
            problems.append("refused: %s" % e)
        yield ("datagram '%s' (%s, %d B): decodes to its fields and encodes back" % (v["name"], v["type_name"], v["size"]),
               not problems, "; ".join(problems))
    bad = []
    for v in d["invalid"]:
        try:
            codec.parse(bytes.fromhex(v["hex"]))
            got = "accepted"
        except wire.WireError as e:
            got = e.reason
        if got != v["error"]:
            bad.append("%s: expected %s, got %s" % (v["name"], v["error"], got))
    yield ("%d invalid datagrams refused with the expected WireError" % len(d["invalid"]), not bad, "\n".join(bad))


@handler("bundles.json")
def _bundles(d):
    for v in d["bundles"]:
        data = bytes.fromhex(v["hex"])
        try:
            recs, problem = BU.decode(data)
            error = problem.reason if problem else None
        except BU.BundleError as e:
            recs, error = [], e.reason
        mine = []
        for kind, r in recs:
            if kind == "block":
                mine.append({"kind": "block", "id": hashlib.sha256(r).hexdigest()})
                continue
            try:
                b = B.decode(r, check_signature=False)
                mine.append({"kind": "bulletin", "id": b.id.hex()})
            except B.BulletinError:
                mine.append({"kind": "undecodable", "id": hashlib.sha256(r).hexdigest()})
        ok = mine == v["records"] and error == v["error"] and len(data) == v["size"]
        yield ("bundle '%s': records %d, stops with %s" % (v["name"], len(v["records"]), v["error"]), ok,
               "here: %s, %s" % (mine, error))
