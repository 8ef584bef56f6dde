// Discovery, the peer table, and the rules every outgoing datagram obeys.
extension Node {
    /// Records that `bytes` arrived from `address`. Returns false when the table is full of
    /// peers that matter more, so the datagram is ignored.
    mutating func notePeer(_ address: PeerAddress, bytes: Int, at now: Instant) -> Bool {
        // One hash lookup per datagram for a known peer, updated in place through an inout
        // access (reading `peers.values[index]` would copy the whole `Peer`).
        if let index = peers.index(forKey: address) {
            let timeout = configuration.peerTimeout
            func touch(_ peer: inout Peer) -> Bool {
                let returning = now - peer.lastHeard >= timeout
                peer.lastHeard = now
                peer.bytesReceived += bytes
                return returning
            }
            if touch(&peers.values[index]) { emit(.peerDiscovered(address)) }
            return true
        }
        guard makeRoom(at: now) else { return false }
        var peer = Peer(address: address, isStatic: false, now: now, bytesPerSecond: configuration.peerBytesPerSecond)
        peer.bytesReceived = bytes
        peers[address] = peer
        emit(.peerDiscovered(address))
        return true
    }

    /// Frees a slot in a full peer table by dropping the unvalidated peer heard from least
    /// recently (spoofed sources land there), else the least recent dynamic peer.
    private mutating func makeRoom(at now: Instant) -> Bool {
        guard peers.count >= configuration.peersMax else { return true }
        let candidates = peers.values.filter { !$0.isStatic }
        let victim =
            candidates.filter { !$0.validated }.min { ($0.lastHeard, $0.address) < ($1.lastHeard, $1.address) }
            ?? candidates.min { ($0.lastHeard, $0.address) < ($1.lastHeard, $1.address) }
        guard let victim, victim.lastHeard < now else { return false }
        forget(victim.address)
        return true
    }

    /// Drops `address` from the table and everything kept for it; `quietly` for a peer that was
    /// never heard (nobody was told it came, so nobody is told it went).
    private mutating func forget(_ address: PeerAddress, quietly: Bool = false) {
        peers[address] = nil
        offLinkPeers = nil
        clockSamples[address] = nil
        sync.forget(address)
        transfer.forget(address)
        for id in wanted.keys.sorted() { wanted[id]?.sources.removeAll { $0 == address } }
        if !quietly { emit(.peerLost(address)) }
    }

    /// Drops dynamic peers not heard from within `peerTimeout`.
    mutating func expirePeers(at now: Instant) {
        for address in peers.keys.sorted() {
            guard let peer = peers[address], !peer.isStatic, now - peer.lastHeard >= configuration.peerTimeout else {
                continue
            }
            forget(address)
        }
        recomputePeerClockMedian(at: now)
    }

    // MARK: Sending

    /// Queues `message` for `destination` if the budgets allow; returns whether it was sent.
    /// Every datagram goes through here: anti-amplification, per-peer and total budgets.
    /// `paced` datagrams (a bulk stream's data and acknowledgements) go only to a peer that
    /// proved its address and skip the fixed token buckets: their stream's congestion control
    /// paces them by the path's round trip and loss instead (Documentation/Transfer.md).
    @discardableResult
    mutating func send(_ message: Message, to destination: Destination, at now: Instant, paced: Bool = false) -> Bool {
        let datagram = MessageCodec.encode(message, network: configuration.networkID)
        let size = datagram.count
        if case .peer(let address) = destination {
            guard var peer = peers[address] else { return false }
            if !peer.validated, peer.bytesSent + size > configuration.amplificationFactor * peer.bytesReceived {
                counters.amplificationLimited += 1
                return false
            }
            if paced {
                guard peer.proven else {
                    counters.amplificationLimited += 1
                    return false
                }
                peer.bytesSent += size
                peers[address] = peer
                counters.datagramsSent += 1
                counters.bytesSent += size
                outbox.append(.send(datagram, to: destination))
                return true
            }
            guard peer.budget.has(size, now: now), totalBudget.has(size, now: now) else {
                counters.budgetLimited += 1
                return false
            }
            _ = peer.budget.take(size, now: now)
            peer.bytesSent += size
            peers[address] = peer
        } else if !totalBudget.has(size, now: now) {
            counters.budgetLimited += 1
            return false
        }
        _ = totalBudget.take(size, now: now)
        counters.datagramsSent += 1
        counters.bytesSent += size
        outbox.append(.send(datagram, to: destination))
        return true
    }

    // MARK: Beacons and challenges

    /// This node's beacon now; `flags` says whether it goes by broadcast.
    private func beacon(flags: UInt8) -> Beacon {
        Beacon(
            key: key, incarnation: incarnation, wallClock: lastClock?.now ?? UnixTime(milliseconds: 0),
            storeCount: UInt32(clamping: store.count), fingerprint: beaconFingerprint, flags: flags)
    }

    mutating func sendBeacons(at now: Instant) {
        send(.beacon(beacon(flags: Beacon.broadcastFlag)), to: .broadcast, at: now)
        let unicast = beacon(flags: 0)
        for address in peers.keys.sorted() {
            guard let peer = peers[address], peer.isStatic || (!peer.onLink && peer.validated) else { continue }
            send(.beacon(unicast), to: .peer(address), at: now)
        }
    }

    /// One unicast beacon to `address`.
    mutating func sendBeacon(to address: PeerAddress, at now: Instant) {
        send(.beacon(beacon(flags: 0)), to: .peer(address), at: now)
    }

    /// Sends `address` a fresh cookie to echo, once per start or after a restart.
    mutating func challenge(_ address: PeerAddress, at now: Instant) {
        guard let peer = peers[address], !peer.proven else { return }
        if let sent = peer.challengeSent, now - sent < configuration.requestTimeout * 4 { return }
        let cookie = prng.next() | 1
        peers[address]?.cookie = cookie
        peers[address]?.challengeSent = now
        send(.challenge(cookie: cookie), to: .peer(address), at: now)
    }

    mutating func handle(_ message: Message, from source: PeerAddress, at now: NodeTime) {
        let monotonic = now.monotonic
        switch message {
        case .beacon(let beacon):
            handleBeacon(beacon, from: source, at: now)
        case .challenge(let cookie):
            send(.response(cookie: cookie), to: .peer(source), at: monotonic)
        case .response(let cookie):
            guard let peer = peers[source], peer.cookie != 0, peer.cookie == cookie else { return }
            peers[source]?.validated = true
            peers[source]?.proven = true
            offLinkPeers = nil
            peers[source]?.cookie = 0
            if let sent = peer.challengeSent { peers[source]?.roundTrip = monotonic - sent }
            // Just arrived (a mule at a hall): reconcile with the first peer that proves its
            // address now, its fingerprint known from its beacon, not at its next beacon.
            // A static peer (validated by the operator, so its beacon may have been answered
            // before this proof) is reconciled with by the usual rule now rather than at its next
            // beacon. Other peers wait for their beacon: every hall node syncing with a rebooted
            // one the moment it proves itself would send it the same bulletins.
            let justJoined = joinedNetworkAt.map { monotonic - $0 < configuration.peerTimeout } ?? false
            if justJoined && sync.sessions.isEmpty {
                considerSync(with: source, at: now, eager: true)
            } else if peer.isStatic {
                considerSync(with: source, at: now)
            }
        case .announce(let ids):
            handleAnnounce(ids, from: source, at: monotonic)
        case .request(let ids):
            serve(ids, to: source, at: monotonic)
        case .bulletin(let bytes):
            receiveBulletin(bytes, from: source, at: now)
        case .fragment(let fragment):
            receiveFragment(fragment, from: source, at: now)
        case .fragmentRequest(let id, let missing):
            serveFragments(of: id, missing: missing, to: source, at: monotonic)
        case .sync(let session, let fromInitiator, let payload):
            handleSync(session: session, fromInitiator: fromInitiator, payload: payload, from: source, at: now)
        case .transferRequest(let request):
            handleTransferRequest(request, from: source, at: monotonic)
        case .transferData(let data):
            handleTransferData(data, from: source, at: now)
        case .transferAck(let ack):
            handleTransferAck(ack, from: source, at: monotonic)
        case .blockRequest(let ids):
            handleBlockRequest(ids, from: source, at: monotonic)
        case .blockData(let bytes):
            handleBlockData(bytes, from: source, at: monotonic)
        case .blockMissing(let ids):
            handleBlockMissing(ids, from: source, at: monotonic)
        }
        // Read in place (a plain `peers[source]?.proven` copies the whole `Peer` per datagram).
        func isUnvalidated(_ peer: inout Peer) -> Bool { !peer.proven }
        if let index = peers.index(forKey: source), isUnvalidated(&peers.values[index]) { challenge(source, at: monotonic) }
    }

    private mutating func handleBeacon(_ beacon: Beacon, from source: PeerAddress, at now: NodeTime) {
        guard var peer = peers[source] else { return }
        if beacon.flags & Beacon.broadcastFlag != 0, !peer.validated, peer.challengeSent == nil {
            // First contact (a node or a mule just arrived): answer with our beacon at once,
            // so both sides know each other's fingerprint by the time the challenge completes.
            sendBeacon(to: source, at: now.monotonic)
        }
        if let previous = peer.incarnation, previous != beacon.incarnation {
            // The peer restarted: it must prove its address again, and may have lost data.
            // (A static peer stays validated by the operator's word, not proven.)
            peer.validated = peer.isStatic
            peer.proven = false
            peer.lastSync = nil
            peer.settled = nil
            transfer.forget(source)
        }
        peer.key = beacon.key
        peer.incarnation = beacon.incarnation
        peer.onLink = peer.onLink || beacon.flags & Beacon.broadcastFlag != 0
        if peer.onLink != peers[source]?.onLink || peer.validated != peers[source]?.validated { offLinkPeers = nil }
        peer.storeCount = Int(beacon.storeCount)
        peer.fingerprint = beacon.fingerprint
        if beacon.wallClock.milliseconds > 0 {
            peer.clockOffset = beacon.wallClock - now.wall
            clockSamples[source] = ClockSample(offset: beacon.wallClock - now.wall, heard: now.monotonic)
        }
        peer.mismatchedBeacons = beacon.fingerprint == beaconFingerprint ? 0 : peer.mismatchedBeacons + 1
        peers[source] = peer
        recomputePeerClockMedian(at: now.monotonic)
        considerSync(with: source, at: now)
    }
}

// MARK: - Reconfiguration

extension Node {
    /// Takes a changed operator's config without a restart (`kabar reload`): the static peers,
    /// the date and channel rules, and the attachment policy (fetches under way keep going). A new static peer is vouched for at once; a peer dropped
    /// from the list becomes an ordinary one (kept while it is heard, dropped when silent, as a
    /// discovered peer would be), or goes at once if it was never heard. Everything else in
    /// `configuration` (network, timers, budgets) is what the node started with: those need a
    /// restart.
    public mutating func reconfigure(staticPeers: [PeerAddress], policy: BulletinPolicy, attachments: AttachmentPolicy, at now: NodeTime) {
        let wanted = Set(staticPeers)
        for address in peers.keys.sorted() where peers[address]?.isStatic == true && !wanted.contains(address) {
            if peers[address]?.bytesReceived == 0 {
                forget(address, quietly: true)
                continue
            }
            peers[address]?.isStatic = false
            // Vouched for by the operator until now: it must prove its address like any peer.
            if peers[address]?.proven == false { peers[address]?.validated = false }
        }
        for address in staticPeers.sorted() {
            if peers[address] != nil {
                peers[address]?.isStatic = true
                peers[address]?.validated = true
            } else {
                peers[address] = Peer(
                    address: address, isStatic: true, now: now.monotonic, bytesPerSecond: configuration.peerBytesPerSecond)
            }
        }
        offLinkPeers = nil
        configuration.staticPeers = staticPeers
        configuration.policy = policy
        configuration.attachments = attachments
        nextBeacon = min(nextBeacon, now.monotonic)
    }
}
