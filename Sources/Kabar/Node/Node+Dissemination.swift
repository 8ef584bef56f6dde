/// A bulletin announced to us that we do not hold yet.
struct Want: Sendable {
    /// Peers that announced it, oldest first (at most `sourcesMax`).
    var sources: [PeerAddress]
    var attempts = 0
    var retryAt: Instant?
    static let sourcesMax = 4
}

/// A repair announcement waiting for its random delay.
struct PendingRepair: Sendable {
    var due: Instant
    /// When a bulletin that came from an off-link peer is broadcast here; nil once broadcast,
    /// or cancelled because an on-link peer sent or announced it first.
    var broadcastDue: Instant?
    /// Who it came from (nil: a local post); its off-link repeat skips that peer.
    var source: PeerAddress?
    /// Announcements or copies of this id heard from others meanwhile.
    var heard = 0
}

/// A large bulletin arriving in fragments.
struct Reassembly: Sendable {
    let count: Int
    var pieces: [[UInt8]?]
    var source: PeerAddress
    var retryAt: Instant
    var attempts = 0

    var missing: UInt16 {
        var bits: UInt16 = 0
        for (index, piece) in pieces.enumerated() where piece == nil { bits |= 1 << UInt16(index) }
        return bits
    }
}

// Push, announce, pull and fragments.
extension Node {
    // MARK: Receiving bulletins

    /// A bulletin's bytes arrived from `source`. `spread: false` (the bulk of a transfer
    /// stream) stores it without gossiping it on. Returns whether it was stored.
    @discardableResult
    mutating func receiveBulletin(_ bytes: [UInt8], from source: PeerAddress, at now: NodeTime, spread: Bool = true) -> Bool {
        // The id is the hash of the bytes: a copy of a stored bulletin is known before any
        // decoding (most copies on a busy LAN are duplicates or repairs).
        let digest = BulletinDigest(of: bytes)
        let id = digest.id
        if store.contains(id) || store.isRemoved(id) {
            heardOnLink(id, from: source)
            guard store.contains(id) else { return false }
            counters.duplicateBulletins += 1
            emit(.duplicateReceived(id, source: source))
            return false
        }
        let bulletin: Bulletin
        if let decoded = batchBulletins[id] {
            bulletin = decoded
        } else {
            do {
                bulletin = try BulletinCodec.decode(bytes, digest: digest)
            } catch {
                reject(id: nil, source: source, error: error)
                peers[source]?.rejectedDatagrams += 1
                // The same bytes (the same id) fail the same way every time: reconciliation does
                // not pull them again soon (an older node holding a bulletin a newer rule refuses,
                // Documentation/Bulletin.md "Text").
                refused.note(id, at: now.monotonic)
                return false
            }
        }
        return accept(bulletin, from: source, at: now, spread: spread)
    }

    /// A bulletin from a peer, through the one door (`write`, Node+Write.swift). Returns whether
    /// it was stored.
    @discardableResult
    mutating func accept(_ bulletin: Bulletin, from source: PeerAddress?, at now: NodeTime, spread: Bool = true) -> Bool {
        write(bulletin, from: source, durability: .lazy, at: now, spread: spread) == .added
    }

    mutating func reject(id: BulletinID?, source: PeerAddress?, error: BulletinError) {
        counters.rejectedBulletins += 1
        emit(.bulletinRejected(BulletinRejection(id: id, source: source, error: error, message: error.localizedMessage)))
    }

    /// A bulletin was stored: record it and, unless `spread` is false, spread it.
    mutating func didStore(_ bulletin: Bulletin, from source: PeerAddress?, at now: NodeTime, spread: Bool = true) {
        let id = bulletin.id
        sync.insert(created: bulletin.created, id: id)
        counters.storedBulletins += 1
        lastStored = now.monotonic
        wanted[id] = nil
        reassemblies[id] = nil
        emit(.bulletinStored(id, source: source))
        applyTrust(after: bulletin, at: now)
        guard spread else { return }
        let monotonic = now.monotonic
        let cameOverSharedLink = source.flatMap { peers[$0]?.onLink } ?? false
        // Most of a shared link heard the same broadcast: only bulletins that did not come over
        // one are broadcast here. A local post goes at once. One from an off-link peer waits a
        // random 0-`offLinkBroadcastDelayMax` first, and is not broadcast if an on-link peer
        // sends or announces it meanwhile: two gateways of one hall fed by symmetric paths
        // would otherwise both broadcast it to the whole hall within the same milliseconds.
        var broadcastDue: Instant?
        if !cameOverSharedLink {
            if source == nil || configuration.offLinkBroadcastDelayMax.microseconds <= 0 {
                broadcast(bulletin, at: monotonic)
            } else {
                broadcastDue = monotonic + .microseconds(Int64(prng.int(below: Int(configuration.offLinkBroadcastDelayMax.microseconds) + 1)))
            }
        }
        // Every holder, the broadcaster included, announces once more after a short random delay
        // unless others did first (counter-based suppression): the few a broadcast missed pull
        // it, even when the broadcast was lost to every other member of a small LAN; and the
        // announce repeats to off-link peers, whose first announce may be lost.
        if pendingRepairs.count < configuration.pendingAnnouncesMax {
            let delay = prng.int(below: Int(configuration.repairAnnounceDelayMax.microseconds) + 1)
            let due = (broadcastDue ?? monotonic) + .microseconds(Int64(delay))
            pendingRepairs[id] = PendingRepair(due: due, broadcastDue: broadcastDue, source: source)
            repairQueue.push(due, id)
            if let broadcastDue { repairQueue.push(broadcastDue, id) }
        } else if broadcastDue != nil {
            broadcast(bulletin, at: monotonic)
        }
        announceOffLink([id], except: source, at: monotonic)
    }

    /// An on-link peer sent or announced `id`: a delayed broadcast of it is not needed.
    mutating func heardOnLink(_ id: BulletinID, from source: PeerAddress) {
        guard let index = pendingRepairs.index(forKey: id) else { return }
        // Read in place through inout accesses: a plain read copies the whole `Peer`.
        func isOnLink(_ peer: inout Peer) -> Bool { peer.onLink }
        let onLink = peers.index(forKey: source).map { isOnLink(&peers.values[$0]) } ?? false
        pendingRepairs.values[index].heard += 1
        if onLink { pendingRepairs.values[index].broadcastDue = nil }
    }

    /// Announces `ids` by unicast to every validated peer not on a shared link, but `source`.
    mutating func announceOffLink(_ ids: [BulletinID], except source: PeerAddress?, at now: Instant) {
        if offLinkPeers == nil {
            offLinkPeers = peers.keys.sorted().filter { address in peers[address].map { !$0.onLink && $0.validated } ?? false }
        }
        for address in offLinkPeers ?? [] where address != source { send(.announce(ids), to: .peer(address), at: now) }
    }

    private mutating func broadcast(_ bulletin: Bulletin, at now: Instant) {
        for message in Self.messages(carrying: bulletin) { send(message, to: .broadcast, at: now) }
    }

    /// The bulletin as one datagram, or as fragments when it does not fit.
    static func messages(carrying bulletin: Bulletin, only missing: UInt16 = .max) -> [Message] {
        let bytes = bulletin.encoded
        if bytes.count <= Wire.bodyBytesMax { return [.bulletin(bytes)] }
        let size = Fragment.payloadBytesMax
        let count = (bytes.count + size - 1) / size
        return (0..<count).compactMap { index in
            guard missing & (1 << UInt16(index)) != 0 else { return nil }
            let start = index * size
            let payload = Array(bytes[start..<min(bytes.count, start + size)])
            return .fragment(Fragment(id: bulletin.id, index: index, count: count, payload: payload))
        }
    }

    // MARK: Announce and pull

    mutating func handleAnnounce(_ ids: [BulletinID], from source: PeerAddress, at now: Instant) {
        var toRequest: [BulletinID] = []
        for id in ids {
            heardOnLink(id, from: source)
            // Refused lately: asking again would only fetch it to refuse it again (a flood's
            // sender announces every post it made to every node that refused it).
            guard !store.contains(id), !store.isRemoved(id), reassemblies[id] == nil, !refused.contains(id, at: now) else { continue }
            if var want = wanted[id] {
                if !want.sources.contains(source), want.sources.count < Want.sourcesMax { want.sources.append(source) }
                wanted[id] = want
            } else if wanted.count < configuration.wantedMax {
                wanted[id] = Want(sources: [source])
                toRequest.append(id)
            }
        }
        request(toRequest, from: source, at: now)
    }

    /// Asks `source` for `ids` (which must be in `wanted`).
    mutating func request(_ ids: [BulletinID], from source: PeerAddress, at now: Instant) {
        let retryAt = now + configuration.requestTimeout
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(ids.count, start + Message.idsMax)])
            start += batch.count
            send(.request(batch), to: .peer(source), at: now)
            for id in batch {
                wanted[id]?.attempts += 1
                wanted[id]?.retryAt = retryAt
                retryQueue.push(retryAt, id)
            }
        }
    }

    mutating func retryWanted(at now: Instant) {
        var bySource: [PeerAddress: [BulletinID]] = [:]
        for id in retryQueue.popDue(at: now) {
            guard let want = wanted[id], let due = want.retryAt, due <= now else { continue }
            guard want.attempts < configuration.requestAttemptsMax, !want.sources.isEmpty else {
                wanted[id] = nil  // anti-entropy will find it again
                continue
            }
            let source = want.sources[want.attempts % want.sources.count]
            bySource[source, default: []].append(id)
        }
        for (source, ids) in bySource.sorted(by: { $0.key < $1.key }) { request(ids, from: source, at: now) }
    }

    mutating func serve(_ ids: [BulletinID], to peer: PeerAddress, at now: Instant) {
        for id in ids {
            guard let bulletin = store.bulletin(id) else { continue }
            for message in Self.messages(carrying: bulletin) {
                guard send(message, to: .peer(peer), at: now) else { return }
            }
        }
    }

    // MARK: Repairs

    mutating func sendDueRepairs(at now: Instant) {
        var due: [BulletinID] = []
        var offLink: [(BulletinID, PeerAddress?)] = []
        for id in repairQueue.popDue(at: now) {
            guard var repair = pendingRepairs[id] else { continue }
            if let broadcastDue = repair.broadcastDue, broadcastDue <= now {
                repair.broadcastDue = nil
                pendingRepairs[id] = repair
                if let bulletin = store.bulletin(id) { broadcast(bulletin, at: now) }
            }
            guard repair.due <= now else { continue }
            pendingRepairs[id] = nil
            if repair.heard < configuration.repairAnnounceSuppression { due.append(id) }
            offLink.append((id, repair.source))
        }
        var start = 0
        while start < due.count {
            let batch = Array(due[start..<min(due.count, start + Message.idsMax)])
            start += batch.count
            send(.announce(batch), to: .broadcast, at: now)
        }
        for (id, source) in offLink { announceOffLink([id], except: source, at: now) }
    }

    // MARK: Fragments

    mutating func receiveFragment(_ fragment: Fragment, from source: PeerAddress, at now: NodeTime) {
        let id = fragment.id
        guard !store.contains(id), !store.isRemoved(id) else { return }
        var reassembly: Reassembly
        if let existing = reassemblies[id] {
            reassembly = existing
        } else {
            guard makeRoomForReassembly(at: now.monotonic) else { return }
            reassembly = Reassembly(
                count: fragment.count, pieces: Array(repeating: nil, count: fragment.count), source: source,
                retryAt: now.monotonic + configuration.requestTimeout)
        }
        guard reassembly.count == fragment.count else { return }
        if reassembly.pieces[fragment.index] == nil { reassembly.pieces[fragment.index] = fragment.payload }
        reassembly.source = source
        reassembly.retryAt = now.monotonic + configuration.requestTimeout
        guard reassembly.missing == 0 else {
            reassemblies[id] = reassembly
            return
        }
        reassemblies[id] = nil
        let bytes = reassembly.pieces.flatMap { $0 ?? [] }
        // Size first, as for a bulletin in one datagram: a whole that is too large is
        // `tooLarge` whether or not it hashes to its id.
        guard bytes.count <= BulletinCodec.encodedBytesMax else {
            reject(id: id, source: source, error: .tooLarge(size: bytes.count, limit: BulletinCodec.encodedBytesMax))
            return
        }
        guard BulletinID(hashing: bytes) == id else {
            reject(id: id, source: source, error: .nonCanonical("fragments do not hash to their id"))
            return
        }
        receiveBulletin(bytes, from: source, at: now)
    }

    private mutating func makeRoomForReassembly(at now: Instant) -> Bool {
        guard reassemblies.count >= configuration.reassembliesMax else { return true }
        let oldest = reassemblies.min { ($0.value.retryAt, $0.key) < ($1.value.retryAt, $1.key) }
        guard let oldest else { return false }
        reassemblies[oldest.key] = nil
        return true
    }

    mutating func retryReassemblies(at now: Instant) {
        for id in reassemblies.keys.sorted() {
            guard var reassembly = reassemblies[id], reassembly.retryAt <= now else { continue }
            reassembly.attempts += 1
            guard reassembly.attempts <= configuration.requestAttemptsMax else {
                reassemblies[id] = nil
                continue
            }
            reassembly.retryAt = now + configuration.requestTimeout
            reassemblies[id] = reassembly
            send(.fragmentRequest(id: id, missing: reassembly.missing), to: .peer(reassembly.source), at: now)
        }
    }

    mutating func serveFragments(of id: BulletinID, missing: UInt16, to peer: PeerAddress, at now: Instant) {
        guard let bulletin = store.bulletin(id) else { return }
        for message in Self.messages(carrying: bulletin, only: missing) {
            guard send(message, to: .peer(peer), at: now) else { return }
        }
    }

    // MARK: Expiry

    mutating func dropExpired(at now: NodeTime) {
        let expired: [BulletinID]
        do { expired = try store.removeExpired(now: wallNow(now)) } catch { return }
        for id in expired {
            sync.remove(id)
            admission?.didRemove(id)
        }
        // What a compaction dropped on its own (expired bulletins it met) leaves the trust
        // layer's books here.
        let wall = wallNow(now)
        admission?.settle(store: store, at: wall)
    }
}

/// When repairs and request retries fall due: a binary min-heap of (due, id) with lazy deletion.
/// An entry whose table no longer holds that id with that due time is dropped when it comes up,
/// so `nextDeadline` reads the earliest time in O(1) instead of scanning the tables per input.
/// It may wake the node early for a stale entry; that tick finds nothing due.
struct DueQueue: Sendable {
    private var items: [(due: Instant, id: BulletinID)] = []

    /// The earliest due time, stale or not.
    var first: Instant? { items.first?.due }

    mutating func push(_ due: Instant, _ id: BulletinID) {
        items.append((due, id))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes every entry due at or before `now`; returns their ids sorted, without repeats.
    mutating func popDue(at now: Instant) -> [BulletinID] {
        var ids: [BulletinID] = []
        while let top = items.first, top.due <= now {
            ids.append(top.id)
            removeFirst()
        }
        return Array(Set(ids)).sorted()
    }

    private mutating func removeFirst() {
        let last = items.removeLast()
        guard !items.isEmpty else { return }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count && Self.before(items[left], items[smallest]) { smallest = left }
            if right < items.count && Self.before(items[right], items[smallest]) { smallest = right }
            if smallest == parent { return }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }

    private static func before(_ a: (due: Instant, id: BulletinID), _ b: (due: Instant, id: BulletinID)) -> Bool {
        a.due != b.due ? a.due < b.due : a.id < b.id
    }
}
