/// One reconciliation with one peer, in either role.
struct SyncSession: Sendable {
    enum Role: Sendable {
        case initiator(ReconciliationInitiator)
        case responder(ReconciliationResponder)
    }

    var role: Role
    let id: UInt32
    let started: Instant
    /// When the peer's last frame of this session arrived: a session silent for `syncTimeout`
    /// is dead and dropped, however often we resent.
    var lastHeard: Instant
    /// When to resend if nothing arrives (the quiet timer; resends never count as hearing).
    var retryAt: Instant
    var quietRetries = 0
    /// A finished responder lingers to answer resends until the initiator falls silent.
    var finished = false
    /// Initiator: our fingerprint and the peer's (from its beacon, if known) when it started,
    /// remembered as settled if the session leaves us nothing to pull (`SettledSync`).
    var fingerprints: (ours: [UInt8], theirs: [UInt8]?)?

    var isInitiator: Bool {
        if case .initiator = role { return true }
        return false
    }
}

/// The node's side of anti-entropy: the set of (created, id) it reconciles and the open
/// sessions. What a session finds moves by bulk transfer (Node+Transfer.swift).
struct SyncState: Sendable {
    var set = ReconciliationSet()
    var sessions: [PeerAddress: SyncSession] = [:]

    mutating func insert(created: UnixTime, id: BulletinID) { _ = set.insert(created: created, id: id) }
    mutating func remove(_ id: BulletinID) { _ = set.remove(id: id) }

    mutating func forget(_ address: PeerAddress) {
        sessions[address] = nil
    }

    /// When `tickSync` has work: a resend (`retryAt`), or a session to drop (`timeout` after
    /// the peer's last frame).
    func nextDeadline(quietAfter: TimeSpan, timeout: TimeSpan) -> Instant? {
        var deadline: Instant?
        for session in sessions.values {
            let due = session.finished ? session.lastHeard + timeout : min(session.retryAt, session.lastHeard + timeout)
            deadline = deadline.map { min($0, due) } ?? due
        }
        return deadline
    }
}

// Anti-entropy: when beacons show different fingerprints, reconcile and pull the difference.
extension Node {
    /// Starts a reconciliation with `address` if its fingerprint differs from ours and the
    /// rules allow (Documentation/Protocol.md, "Anti-entropy").
    /// `eager` (a node that just joined a network) starts whichever key is smaller.
    mutating func considerSync(with address: PeerAddress, at now: NodeTime, force: Bool = false, eager: Bool = false) {
        // Proven, not only validated: what a session finds moves as a stream, and streams go
        // only to addresses that answered our challenge (a static peer is validated by the
        // operator's word before that). The challenge's answer calls this again.
        guard let peer = peers[address], peer.validated, peer.proven, sync.sessions[address] == nil,
            sync.sessions.count < configuration.syncSessionsMax,
            // A transfer with this peer is still moving what the last session found: a new
            // session now would find the same differences and send them twice.
            !transfer.isBusy(with: address),
            // Another peer is filling our store: what this session found would arrive twice.
            !transfer.isReceiving(besides: address),
            // The same node reached at another address (its IPv4 and IPv6 link-local addresses
            // on one LAN): syncing with both at once would move every bulletin twice.
            !busyElsewhere(peer, besides: address)
        else { return }
        if !force {
            guard let theirs = peer.fingerprint, theirs != beaconFingerprint else { return }
            if let last = peer.lastSync, now.monotonic - last < configuration.syncCooldown { return }
            if let stored = lastStored, now.monotonic - stored < configuration.syncSettle { return }
            // The last session with these very fingerprints left us nothing to pull: another
            // would find the same difference (bulletins each side refuses) and gain nothing.
            if let settled = peer.settled,
                settled.holds(ours: beaconFingerprint, theirs: theirs, at: now.monotonic, recheck: configuration.syncSettledRecheck)
            { return }
            // One side starts: the smaller key, or either once the difference has persisted.
            let ourTurn = peer.key.map { key < $0 } ?? true
            guard ourTurn || eager || peer.mismatchedBeacons >= 2 else { return }
        }
        var initiator = ReconciliationInitiator(set: sync.set, salt: prng.next(), peerCount: peer.storeCount)
        let id = UInt32(truncatingIfNeeded: prng.next())
        let frames = initiator.start()
        sync.sessions[address] = SyncSession(
            role: .initiator(initiator), id: id, started: now.monotonic, lastHeard: now.monotonic,
            retryAt: now.monotonic + configuration.requestTimeout * 2,
            fingerprints: (ours: beaconFingerprint, theirs: peer.fingerprint))
        peers[address]?.lastSync = now.monotonic
        sendSync(frames, session: id, fromInitiator: true, to: address, at: now.monotonic)
    }

    /// True when a peer claiming `peer`'s key at another address has a session or transfer
    /// running. The key is only claimed, so this only defers a session, never refuses one.
    func busyElsewhere(_ peer: Peer, besides address: PeerAddress) -> Bool {
        guard let key = peer.key else { return false }
        return peers.contains { other, candidate in
            other != address && candidate.key == key && (sync.sessions[other] != nil || transfer.isBusy(with: other))
        }
    }

    mutating func handleSync(session id: UInt32, fromInitiator: Bool, payload: [UInt8], from source: PeerAddress, at now: NodeTime) {
        // Sessions answer only validated peers (a cookie echoed, or static by the operator's
        // word): replies are large. Documentation/Reconciliation.md, "Sessions in the node".
        guard peers[source]?.validated == true else { return }
        if fromInitiator {
            respond(to: source, session: id, payload: payload, at: now)
        } else {
            continueInitiating(with: source, session: id, payload: payload, at: now)
        }
    }

    private mutating func respond(to source: PeerAddress, session id: UInt32, payload: [UInt8], at now: NodeTime) {
        var session: SyncSession
        if let existing = sync.sessions[source], existing.id == id, !existing.isInitiator {
            session = existing
        } else {
            if let existing = sync.sessions[source], existing.isInitiator {
                // Both sides started at once (whatever ids they drew): the smaller key's session
                // wins; ours is dropped only when the peer's key is the smaller.
                guard let theirKey = peers[source]?.key, theirKey < key else { return }
            }
            guard sync.sessions[source] != nil || sync.sessions.count < configuration.syncSessionsMax else { return }
            // While another peer fills our store, a session would only find the same bulletins
            // missing and push them a second time; stay silent, the initiator tries again later.
            guard !transfer.isReceiving(besides: source) else { return }
            session = SyncSession(
                role: .responder(ReconciliationResponder(set: sync.set)), id: id, started: now.monotonic,
                lastHeard: now.monotonic, retryAt: now.monotonic)
            peers[source]?.lastSync = now.monotonic
        }
        guard case .responder(var responder) = session.role else { return }
        session.lastHeard = now.monotonic
        session.retryAt = now.monotonic + configuration.requestTimeout * 2
        session.quietRetries = 0
        do {
            let step = try responder.receive(payload)
            session.role = .responder(responder)
            if step.outcome != nil { session.finished = true }
            sync.sessions[source] = session
            sendSync(step.frames, session: id, fromInitiator: false, to: source, at: now.monotonic)
        } catch {
            sync.sessions[source] = session
            countRejectedSync(error, from: source)
        }
    }

    private mutating func continueInitiating(with source: PeerAddress, session id: UInt32, payload: [UInt8], at now: NodeTime) {
        guard var session = sync.sessions[source], session.id == id, case .initiator(var initiator) = session.role else {
            return
        }
        session.lastHeard = now.monotonic
        session.retryAt = now.monotonic + configuration.requestTimeout * 2
        session.quietRetries = 0
        let step: ReconciliationStep
        do {
            step = try initiator.receive(payload)
        } catch {
            countRejectedSync(error, from: source)
            if initiator.isDone { sync.sessions[source] = nil } else {
                session.role = .initiator(initiator)
                sync.sessions[source] = session
            }
            return
        }
        session.role = .initiator(initiator)
        sync.sessions[source] = session
        sendSync(step.frames, session: id, fromInitiator: true, to: source, at: now.monotonic)
        guard let outcome = step.outcome else {
            if initiator.isDone { sync.sessions[source] = nil }
            return
        }
        sync.sessions[source] = nil
        apply(outcome, with: source, started: session.fingerprints, at: now)
    }

    /// A sync payload the engine refused: counted like any rejected datagram, in the node's
    /// `rejectedDatagrams` (`status`: `rejected_datagrams`) and the peer's. A peer's abort is a
    /// well-formed answer, not a rejection (Documentation/Reconciliation.md, "Sessions in the node").
    private mutating func countRejectedSync(_ error: ReconciliationError, from source: PeerAddress) {
        if case .peerAborted = error { return }
        counters.rejectedDatagrams += 1
        peers[source]?.rejectedDatagrams += 1
    }

    /// Pulls what we lack and pushes what the peer lacks, each as one bulk stream.
    /// `started` holds both fingerprints when the session began: if we are left with nothing
    /// to pull, that pair is settled (`SettledSync`) and no session with this peer starts
    /// again until one of them changes.
    private mutating func apply(
        _ outcome: ReconciliationOutcome, with peer: PeerAddress, started: (ours: [UInt8], theirs: [UInt8]?)?, at now: NodeTime
    ) {
        // A give-all answer names ranges, not ids: count the peer's store (from its beacon).
        let wholeRanges = outcome.weLackRanges.isEmpty ? 0 : peers[peer]?.storeCount ?? 0
        emit(.syncFinished(
            peer: peer, roundTrips: outcome.roundTrips, bytesSent: outcome.bytesSent,
            bytesReceived: outcome.bytesReceived, differences: outcome.weLackCount + outcome.peerLacks.count + wholeRanges))
        let lacking = outcome.weLack.filter { id in
            !store.contains(id) && !store.isRemoved(id) && !refused.contains(id, at: now.monotonic)
        }
        // Settled only when nothing is left to pull: what we pull now may be refused on arrival,
        // and the next session, finding it refused, settles then. What we push may be stored by
        // the peer, which changes its fingerprint and so unsettles the pair by itself.
        if outcome.complete, outcome.weLackRanges.isEmpty, lacking.isEmpty, let started, let theirs = started.theirs {
            peers[peer]?.settled = SettledSync(ours: started.ours, theirs: theirs, at: now.monotonic)
        } else {
            peers[peer]?.settled = nil
        }
        pull(ranges: outcome.weLackRanges, ids: lacking, from: peer, at: now.monotonic)
        push(outcome.peerLacks, to: peer, at: now.monotonic)
        // The streams clear `lastSync` when they end, so a session that stopped at its limit
        // goes again once what it found has moved; with nothing to move, go again soon.
        if !outcome.complete && !transfer.isBusy(with: peer) { peers[peer]?.lastSync = nil }
    }

    private mutating func sendSync(_ frames: [[UInt8]], session id: UInt32, fromInitiator: Bool, to peer: PeerAddress, at now: Instant) {
        for frame in frames {
            send(.sync(session: id, fromInitiator: fromInitiator, payload: frame), to: .peer(peer), at: now)
        }
    }

    /// Resends for quiet sessions and drops dead ones: a session whose peer has said nothing
    /// for `syncTimeout` goes, and the next beacon that still differs starts a new one.
    mutating func tickSync(at now: NodeTime) {
        let quietAfter = configuration.requestTimeout * 2
        for address in sync.sessions.keys.sorted() {
            guard var session = sync.sessions[address] else { continue }
            let silent = now.monotonic - session.lastHeard
            // A finished responder lingers as long as any session, to answer the initiator's
            // requests for result frames it missed (a long result outruns the send budget).
            if silent >= configuration.syncTimeout {
                sync.sessions[address] = nil
                continue
            }
            guard !session.finished, now.monotonic >= session.retryAt else { continue }
            session.quietRetries += 1
            session.retryAt = now.monotonic + quietAfter
            var frames: [[UInt8]]
            switch session.role {
            case .initiator(var initiator):
                frames = initiator.timeout()
                session.role = .initiator(initiator)
            case .responder(var responder):
                frames = responder.timeout()
                session.role = .responder(responder)
            }
            sync.sessions[address] = session
            sendSync(frames, session: session.id, fromInitiator: session.isInitiator, to: address, at: now.monotonic)
        }
    }

    /// The fingerprint beacons carry.
    var beaconFingerprint: [UInt8] { sync.set.fingerprint.hashBytes }
}
