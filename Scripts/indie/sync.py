"""Reconciliation sessions over the Peer (Reconciliation.md "Sessions in the node")."""
import os
import struct
import time

from . import recon as R


def describe(payload):
    try:
        f = R.parse(payload)
    except R.ReconError as e:
        return "unparsable (%s) %s" % (e, payload[:16].hex())
    t = f["type"]
    if t == 1:
        return "symbols part=%d salt=%016x items=%d fp=%s roundEnd=%d first=%d n=%d%s" % (
            f["part"], f["salt"], f["itemCount"], f["fingerprint"].hex()[:12] if f["fingerprint"] else "-",
            f["roundEnd"], f["firstIndex"], len(f["symbols"]),
            " bounds" if f["lower"] or f["upper"] else "")
    if t == 2:
        return "request part=%d responderCount=%d [%d,%d)" % (f["part"], f["responderCount"], f["from"], f["to"])
    if t == 3:
        return "inSync part=%d" % f["part"]
    if t == 4:
        return "result part=%d flags=%d frame %d/%d keys=%d ids=%d" % (
            f["part"], f["flags"], f["frameIndex"], f["frameCount"], len(f["keys"]), len(f["ids"]))
    if t == 5:
        return "resend part=%d frameCount=%d missing=%s" % (f["part"], f["frameCount"], f["missing"])
    if t == 6:
        return "abort part=%d reason=%d" % (f["part"], f["reason"])
    if t == 7:
        return "split part=%d bounds=%d counts=%s" % (f["part"], len(f["bounds"]), f["counts"])
    return "type %d" % t


class SyncManager:
    def __init__(self, peer):
        self.peer = peer
        peer.sync_handler = self
        self.initiators = {}   # addr -> dict(session, engine, last_heard, last_sent)
        self.responders = {}   # addr -> dict(session, engine, last_heard)
        self.log = []          # (t, dir, session, description)
        self.outcomes = []     # (role, addr, details)
        self.errors = []
        self.respond = True    # False: sessions a peer starts are left unanswered

    def _note(self, direction, session, payload):
        self.log.append((round(time.time() - self.peer.t0, 3), direction, session, describe(payload)))

    def _send(self, addr, session, direction, payloads):
        for pl in payloads:
            self._note(">" if direction == 1 else ">r", session, pl)
            self.peer.send(addr, self.peer.codec.sync(session, direction, pl))

    def items(self):
        return [(self.peer.created[i], i) for i in self.peer.store]

    def initiate(self, addr, peer_count=None):
        session = struct.unpack(">I", os.urandom(4))[0]
        salt = struct.unpack(">Q", os.urandom(8))[0]
        eng = R.Initiator(self.items(), salt, peer_count)
        st = {"session": session, "engine": eng, "heard": time.time(), "sent": time.time(),
              "finished": False}
        self.initiators[addr] = st
        self._send(addr, session, 1, eng.start())
        return st

    def receive(self, addr, f):
        payload, session = f["payload"], f["session"]
        if f["direction"] == 1:
            self._note("<", session, payload)
            if not self.respond:
                return
            st = self.responders.get(addr)
            if st is None or st["session"] != session:
                st = {"session": session, "engine": R.Responder(self.items()), "heard": time.time(),
                      "sent": time.time(), "nout": 0}
                self.responders[addr] = st
            st["heard"] = time.time()
            try:
                out = st["engine"].receive(payload)
            except R.ReconError as e:
                self.errors.append(("responder", str(e)))
                return
            if out:
                st["sent"] = time.time()
            self._send(addr, session, 0, out)
            eng = st["engine"]
            while len(eng.outcomes) > st["nout"]:
                self.outcomes.append(("responder", addr, eng.outcomes[st["nout"]]))
                st["nout"] += 1
        elif f["direction"] == 0:
            self._note("<r", session, payload)
            st = self.initiators.get(addr)
            if st is None or st["session"] != session or st["finished"]:
                return
            st["heard"] = time.time()
            eng = st["engine"]
            try:
                out = eng.receive(payload)
            except R.ReconError as e:
                self.errors.append(("initiator", str(e)))
                return
            if out:
                st["sent"] = time.time()
            self._send(addr, session, 1, out)
            if eng.done and not st["finished"]:
                st["finished"] = True
                self.outcomes.append(("initiator", addr, {
                    "we_lack": list(eng.we_lack), "peer_lacks": list(eng.peer_lacks),
                    "we_lack_ranges": list(eng.we_lack_ranges), "failed": eng.failed}))
                if eng.failed is None:
                    if eng.we_lack or eng.we_lack_ranges:
                        self.peer.pull(addr, ids=eng.we_lack, ranges=eng.we_lack_ranges)
                    if eng.peer_lacks:
                        self.peer.push_stream(addr, eng.peer_lacks)

    def tick(self):
        now = time.time()
        for addr, st in list(self.initiators.items()):
            if st["finished"]:
                continue
            if now - st["heard"] > 3.0:
                st["finished"] = True
                self.outcomes.append(("initiator", addr, {"failed": "timeout (3 s without a payload)"}))
                continue
            if now - st["sent"] > 0.5 and now - st["heard"] > 0.5:
                st["sent"] = now
                self._send(addr, st["session"], 1, st["engine"].timeout())
        for addr, st in list(self.responders.items()):
            if now - st["heard"] > 3.0:
                del self.responders[addr]
            elif now - st["heard"] > 0.5 and now - st["sent"] > 0.5:
                st["sent"] = now
                self._send(addr, st["session"], 0, st["engine"].timeout())

    def dump(self, head=50, tail=30):
        lines = ["  %7.3f %-2s session %10d  %s" % e for e in self.log]
        if len(lines) > head + tail:
            lines = lines[:head] + ["  ... %d frames left out ..." % (len(lines) - head - tail)] + lines[-tail:]
        return "\n".join(lines)


def summarise(outcomes):
    out = []
    for role, addr, o in outcomes:
        if role == "initiator":
            out.append("initiator: " + ", ".join("%s=%s" % (k, len(v) if isinstance(v, list) else v)
                                                 for k, v in o.items()))
        else:
            part, keys, ids, flags = o
            out.append("responder part %d flags %d: %s keys we lack, %s ids the initiator lacks" % (
                part, flags, len(keys) if isinstance(keys, list) else keys,
                len(ids) if isinstance(ids, list) else ids))
    return "; ".join(out)
