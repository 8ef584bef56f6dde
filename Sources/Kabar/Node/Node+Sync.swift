/// One reconciliation with one peer, in either role.
struct SyncSession: Sendable {
    enum Role: Sendable {
        case initiator(ReconciliationInitiator)
        case responder(ReconciliationResponder)
    }

    var role: Role
    let id: UInt32
    let started: Instant
    var lastHeard: Instant
    var quietRetries = 0
    /// A finished responder lingers to answer resends, then goes.
    var finished = false

    var isInitiator: Bool {
        if case .initiator = role { return true }
        return false
    }
}

/// The node's side of anti-entropy: the set of (created, id) it reconciles, open sessions,
/// and bulletins waiting to be pushed to peers that lack them.
struct SyncState: Sendable {
    var set = ReconciliationSet()
    var sessions: [PeerAddress: SyncSession] = [:]
    /// Ids each peer lacks, pushed as the send budget allows.
    var pushQueues: [PeerAddress: [BulletinID]] = [:]
    /// When the push queues are next served.
    var nextPush: Instant?

    /// Ids queued for one peer, at most.
    static let pushQueueMax = 16_384
    /// Bulletins pushed per peer per wakeup, at most.
    static let pushesPerWakeupMax = 64
    /// Pause between two rounds of pushing, so the budget refills.
    static let pushInterval = TimeSpan.milliseconds(50)

    mutating func insert(created: UnixTime, id: BulletinID) { _ = set.insert(created: created, id: id) }
    mutating func remove(_ id: BulletinID) { _ = set.remove(id: id) }

    mutating func forget(_ address: PeerAddress) {
        sessions[address] = nil
        pushQueues[address] = nil
    }

    func nextDeadline(quietAfter: TimeSpan) -> Instant? {
        var deadline = nextPush
        for session in sessions.values {
            let due = session.lastHeard + quietAfter
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
        guard let peer = peers[address], peer.validated, sync.sessions[address] == nil,
            sync.sessions.count < configuration.syncSessionsMax
        else { return }
        if !force {
            guard let theirs = peer.fingerprint, theirs != beaconFingerprint else { return }
            if let last = peer.lastSync, now.monotonic - last < configuration.syncCooldown { return }
            if let stored = lastStored, now.monotonic - stored < configuration.syncSettle { return }
            // One side starts: the smaller key, or either once the difference has persisted.
            let ourTurn = peer.key.map { key < $0 } ?? true
            guard ourTurn || eager || peer.mismatchedBeacons >= 2 else { return }
        }
        var initiator = ReconciliationInitiator(set: sync.set, salt: prng.next(), peerCount: peer.storeCount)
        let id = UInt32(truncatingIfNeeded: prng.next())
        let frames = initiator.start()
        sync.sessions[address] = SyncSession(
            role: .initiator(initiator), id: id, started: now.monotonic, lastHeard: now.monotonic)
        peers[address]?.lastSync = now.monotonic
        sendSync(frames, session: id, fromInitiator: true, to: address, at: now.monotonic)
    }

    mutating func handleSync(session id: UInt32, fromInitiator: Bool, payload: [UInt8], from source: PeerAddress, at now: NodeTime) {
        // Sessions answer only peers that proved their address: replies are large.
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
            if let existing = sync.sessions[source], existing.isInitiator, existing.id != id {
                // Both sides started at once: the smaller key's session wins.
                guard let theirKey = peers[source]?.key, theirKey < key else { return }
            }
            guard sync.sessions[source] != nil || sync.sessions.count < configuration.syncSessionsMax else { return }
            session = SyncSession(
                role: .responder(ReconciliationResponder(set: sync.set)), id: id, started: now.monotonic,
                lastHeard: now.monotonic)
            peers[source]?.lastSync = now.monotonic
        }
        guard case .responder(var responder) = session.role else { return }
        session.lastHeard = now.monotonic
        session.quietRetries = 0
        do {
            let step = try responder.receive(payload)
            session.role = .responder(responder)
            if step.outcome != nil { session.finished = true }
            sync.sessions[source] = session
            sendSync(step.frames, session: id, fromInitiator: false, to: source, at: now.monotonic)
        } catch {
            sync.sessions[source] = session
            peers[source]?.rejectedDatagrams += 1
        }
    }

    private mutating func continueInitiating(with source: PeerAddress, session id: UInt32, payload: [UInt8], at now: NodeTime) {
        guard var session = sync.sessions[source], session.id == id, case .initiator(var initiator) = session.role else {
            return
        }
        session.lastHeard = now.monotonic
        session.quietRetries = 0
        let step: ReconciliationStep
        do {
            step = try initiator.receive(payload)
        } catch {
            peers[source]?.rejectedDatagrams += 1
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
        apply(outcome, with: source, at: now)
    }

    /// Pulls what we lack and queues what the peer lacks.
    private mutating func apply(_ outcome: ReconciliationOutcome, with peer: PeerAddress, at now: NodeTime) {
        emit(.syncFinished(
            peer: peer, roundTrips: outcome.roundTrips, bytesSent: outcome.bytesSent,
            bytesReceived: outcome.bytesReceived, differences: outcome.weLackCount + outcome.peerLacks.count))
        var toRequest: [BulletinID] = []
        for id in outcome.weLack where !store.contains(id) && !store.isRemoved(id) && !refused.contains(id, at: now.monotonic) {
            if var want = wanted[id] {
                if !want.sources.contains(peer), want.sources.count < Want.sourcesMax { want.sources.append(peer) }
                wanted[id] = want
            } else if wanted.count < configuration.wantedMax {
                wanted[id] = Want(sources: [peer])
                toRequest.append(id)
            }
        }
        request(toRequest, from: peer, at: now.monotonic)
        var queue = sync.pushQueues[peer] ?? []
        queue.append(contentsOf: outcome.peerLacks.prefix(SyncState.pushQueueMax - queue.count))
        sync.pushQueues[peer] = queue
        sync.nextPush = sync.nextPush ?? now.monotonic
        if !outcome.complete { peers[peer]?.lastSync = nil }  // go again soon for the rest
    }

    private mutating func sendSync(_ frames: [[UInt8]], session id: UInt32, fromInitiator: Bool, to peer: PeerAddress, at now: Instant) {
        for frame in frames {
            send(.sync(session: id, fromInitiator: fromInitiator, payload: frame), to: .peer(peer), at: now)
        }
    }

    /// Resends for quiet sessions, drops dead ones, and serves the push queues.
    mutating func tickSync(at now: NodeTime) {
        let quietAfter = configuration.requestTimeout * 2
        for address in sync.sessions.keys.sorted() {
            guard var session = sync.sessions[address], now.monotonic >= session.lastHeard + quietAfter else { continue }
            if session.finished || now.monotonic - session.lastHeard >= configuration.syncTimeout {
                sync.sessions[address] = nil
                continue
            }
            session.quietRetries += 1
            session.lastHeard = now.monotonic
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
        servePushQueues(at: now.monotonic)
    }

    private mutating func servePushQueues(at now: Instant) {
        guard let due = sync.nextPush, due <= now else { return }
        for address in sync.pushQueues.keys.sorted() {
            let queue = sync.pushQueues[address] ?? []
            // Walk with an index and cut the served prefix once: removeFirst per item would be
            // quadratic on a queue of thousands.
            var served = 0
            var pushed = 0
            while served < queue.count, pushed < SyncState.pushesPerWakeupMax {
                if let bulletin = store.bulletin(queue[served]) {
                    let messages = Self.messages(carrying: bulletin)
                    guard messages.allSatisfy({ send($0, to: .peer(address), at: now) }) else { break }
                    pushed += 1
                }
                served += 1
            }
            sync.pushQueues[address] = served == queue.count ? nil : Array(queue[served...])
        }
        sync.nextPush = sync.pushQueues.isEmpty ? nil : now + SyncState.pushInterval
    }

    /// The fingerprint beacons carry.
    var beaconFingerprint: [UInt8] { sync.set.fingerprint.hashBytes }
}
