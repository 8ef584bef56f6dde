import KabarCrypto

/// A Kabar node's protocol logic: pure and deterministic.
///
/// # Theory of operation
///
/// A node never reads a clock, draws OS randomness or touches a socket. Its driver (the daemon,
/// or the simulator) feeds it three inputs, each carrying the time:
///
/// - `receive(_:from:at:)`: a datagram and its packet source address;
/// - `tick(at:)`: called at `nextDeadline` (or later);
/// - `post(_:at:)`: a bulletin the operator signed.
///
/// Each returns `[NodeAction]`: datagrams to send and events to report. The driver carries out
/// all of them, in order, before the next input.
///
/// Discovery: every `beaconInterval` (jittered) the node broadcasts a beacon with its store count
/// and fingerprint, and unicasts it to static and off-link peers. The packet's source address
/// names the peer, never a claim inside it. A new address gets a challenge cookie; echoing it
/// proves the peer receives at that address. Until then the node sends that address at most
/// `amplificationFactor` times the bytes it received from it.
///
/// Dissemination: a new bulletin (local, or arriving from off-link) is broadcast at once, whole
/// or in fragments, and announced by id to off-link peers. A bulletin that arrived over a shared
/// link is announced there again after a short random delay unless others already did
/// (counter-based suppression): the few peers the broadcast missed pull it by `request`.
///
/// Anti-entropy: when a peer's beacon fingerprint differs from ours, the two reconcile
/// (`Node+Sync.swift`) and pull what each lacks.
///
/// Every bulletin is checked (structure, id against the store, signature, dates, admission
/// policy) before it is stored or passed on. Every collection input can grow is bounded.
public struct Node<Store: BulletinStore> {
    /// The configuration the node runs with: what it started with, with the static peers and
    /// the date and channel rules of the last `reconfigure`.
    public internal(set) var configuration: NodeConfiguration
    /// The node's key, announced in beacons.
    public let key: AuthorKey
    /// The store.
    public internal(set) var store: Store
    /// Changes every start, so peers notice restarts.
    public let incarnation: UInt32

    var prng: PRNG
    var peers: [PeerAddress: Peer] = [:]
    var totalBudget: TokenBucket
    var nextBeacon: Instant
    /// When the driver last said this node joined a network (`joinedNetwork`).
    var joinedNetworkAt: Instant?
    var nextExpiry: Instant
    var wanted: [BulletinID: Want] = [:]
    var pendingRepairs: [BulletinID: PendingRepair] = [:]
    /// When `pendingRepairs` and `wanted` retries fall due (see `DueQueue`).
    var repairQueue = DueQueue()
    var retryQueue = DueQueue()
    var reassemblies: [BulletinID: Reassembly] = [:]
    var sync = SyncState()
    /// Bulk transfers in both directions (Node+Transfer.swift).
    var transfer = TransferState()
    /// Attachment blocks, when this node carries attachments (Node+Blocks.swift); nil: it
    /// stores posts but not their files.
    public var blocks: (any AttachmentBlockStorage)?
    var blockFetch = BlockFetchState()
    /// True while a batch of input is processed: acknowledgements wait for its end.
    var deferringAcknowledgements = false
    /// Within a batch of input: bulletins decoded and signatures checked ahead, on every core
    /// the driver's verifier has (`receive(batch:at:)`); empty otherwise.
    var batchBulletins: [BulletinID: Bulletin] = [:]
    var batchVerdicts: [BulletinID: BulletinError?] = [:]
    /// Checks many signatures at once (the daemon: on every core); nil checks one at a time.
    public var signatureVerifier: (any SignatureBatchVerifier)?
    var lastClock: ClockEstimate?
    var peerClocks = ClockEstimate.PeerClocks(offsets: [])
    var lastStored: Instant?
    /// Source addresses our own broadcasts come back from (Linux loops IPv4 broadcast back).
    var ownAddresses: Set<PeerAddress> = []
    var outbox: [NodeAction] = []
    /// Counters for status and tests.
    public internal(set) var counters = NodeCounters()
    /// Decides whether a valid bulletin may be stored (trust rules); nil admits everything.
    public var admission: (any BulletinAdmission)?
    /// Signatures already checked, shared by the many nodes of one simulator process; nil (the
    /// daemon) checks every signature.
    public var verifiedSignatures: VerifiedSignatures?
    /// Each peer's last clock offset and when it was heard, apart from `peers` so that the median
    /// is recomputed without copying whole `Peer` values.
    var clockSamples: [PeerAddress: ClockSample] = [:]
    /// Ids the trust rules refused lately: not pulled again by reconciliation (Node+Trust.swift).
    var refused = RefusedIDs()
    /// Validated peers not on a shared link, sorted (announce targets); nil when a peer came, went
    /// or changed and the list must be rebuilt.
    var offLinkPeers: [PeerAddress]?

    /// A node over `store`, with randomness from `seed` (the daemon draws it from getrandom;
    /// the simulator derives it from the run seed).
    public init(configuration: NodeConfiguration, key: AuthorKey, store: Store, seed: UInt64, now: NodeTime) {
        self.configuration = configuration
        self.key = key
        self.store = store
        var prng = PRNG(seed: seed)
        self.incarnation = UInt32(truncatingIfNeeded: prng.next())
        self.prng = prng
        self.totalBudget = TokenBucket(ratePerSecond: configuration.totalBytesPerSecond, now: now.monotonic)
        self.nextBeacon = now.monotonic
        self.nextExpiry = now.monotonic + configuration.expiryInterval
        var items: [ReconciliationItem] = []
        items.reserveCapacity(store.count)
        store.forEachItem { created, id in items.append(ReconciliationItem(created: created, id: id)) }
        self.sync.set = ReconciliationSet(items: items)
        for address in configuration.staticPeers.sorted() {
            peers[address] = Peer(address: address, isStatic: true, now: now.monotonic, bytesPerSecond: configuration.peerBytesPerSecond)
        }
    }

    // MARK: Getters

    /// Every peer, by address.
    public var peerList: [Peer] { peers.keys.sorted().compactMap { peers[$0] } }

    /// The store's fingerprint as beacons carry it.
    public var storeFingerprint: [UInt8] { beaconFingerprint }

    /// The node's latest estimate of the wall-clock time, if any input has been seen.
    public var clock: ClockEstimate? { lastClock }

    /// When the driver must call `tick` next.
    public var nextDeadline: Instant {
        var deadline = min(nextBeacon, nextExpiry)
        if let due = repairQueue.first { deadline = min(deadline, due) }
        if let due = retryQueue.first { deadline = min(deadline, due) }
        for reassembly in reassemblies.values { deadline = min(deadline, reassembly.retryAt) }
        if let syncDeadline = sync.nextDeadline(quietAfter: configuration.requestTimeout * 2, timeout: configuration.syncTimeout) { deadline = min(deadline, syncDeadline) }
        if let transferDeadline = transfer.nextDeadline { deadline = min(deadline, transferDeadline) }
        if let blockDeadline { deadline = min(deadline, blockDeadline) }
        return deadline
    }

    // MARK: Inputs

    /// A datagram arrived from `source` (the packet's source address).
    public mutating func receive(_ datagram: [UInt8], from source: PeerAddress, at now: NodeTime) -> [NodeAction] {
        updateClock(now)
        let message: Message
        do {
            message = try MessageCodec.decode(datagram, network: configuration.networkID)
        } catch {
            rejectDatagram(from: source, because: error)
            return drain()
        }
        if ownAddresses.contains(source) { return drain() }
        if case .beacon(let beacon) = message, beacon.key == key, beacon.incarnation == incarnation {
            // Our own beacon, looped back: that source is us. Forget it as a peer.
            ownAddresses.insert(source)
            peers[source] = nil
            offLinkPeers = nil
            clockSamples[source] = nil
            return drain()
        }
        guard notePeer(source, bytes: datagram.count, at: now.monotonic) else { return drain() }
        handle(message, from: source, at: now)
        return drain()
    }

    /// A datagram of `byteCount` bytes, over `Wire.datagramBytesMax`, arrived from `source`; the
    /// driver's buffer may not have held all of it, so only its size comes in. Counted and
    /// reported like every rejected datagram (`WireError.tooLarge`), nothing else.
    public mutating func receiveOversized(byteCount: Int, from source: PeerAddress, at now: NodeTime) -> [NodeAction] {
        updateClock(now)
        rejectDatagram(from: source, because: .tooLarge(byteCount))
        return drain()
    }

    /// Counts a datagram that did not decode, in all and for its peer, and reports it.
    private mutating func rejectDatagram(from source: PeerAddress, because error: WireError) {
        counters.rejectedDatagrams += 1
        peers[source]?.rejectedDatagrams += 1
        emit(.datagramRejected(source: source, reason: error))
    }

    /// The driver saw this node join a network: a mule arrived at a hall, the hotspot came
    /// back. The next beacon is due now rather than up to a beacon interval later, so the peers
    /// there learn of it within a round trip: a mule's stay is worth little if half of it
    /// passes waiting to be heard.
    ///
    /// For a `peerTimeout` after joining, the first peer to prove its address is reconciled with
    /// at once, whichever key is smaller: the newcomer pulls and pushes the difference with one
    /// hall node instead of every hall node syncing with it at the same moment.
    public mutating func joinedNetwork(at now: NodeTime) {
        nextBeacon = min(nextBeacon, now.monotonic)
        joinedNetworkAt = now.monotonic
    }

    /// Time passed: send beacons, repairs and retries that are due.
    public mutating func tick(at now: NodeTime) -> [NodeAction] {
        updateClock(now)
        let monotonic = now.monotonic
        if monotonic >= nextBeacon {
            sendBeacons(at: monotonic)
            let jitter = configuration.beaconInterval.microseconds / 4
            nextBeacon = monotonic + configuration.beaconInterval
                + .microseconds(Int64(prng.int(in: -Int(jitter)...Int(jitter))))
            expirePeers(at: monotonic)
        }
        sendDueRepairs(at: monotonic)
        retryWanted(at: monotonic)
        retryReassemblies(at: monotonic)
        tickSync(at: now)
        tickTransfer(at: monotonic)
        askForBlocks(at: monotonic)
        if monotonic >= nextExpiry {
            nextExpiry = monotonic + configuration.expiryInterval
            dropExpired(at: now)
        }
        return drain()
    }

    /// The operator posted `bulletin` (already signed), or imported it from a bundle: the one
    /// door (`submit`), with a refusal thrown as its own error (`WriteRefusal.error`). A
    /// bulletin the store already holds is not an error: nothing happens.
    public mutating func post(_ bulletin: Bulletin, durability: Durability = .immediate, at now: NodeTime) throws -> [NodeAction] {
        let (outcome, actions) = submit(bulletin, durability: durability, at: now)
        if case .refused(let refusal) = outcome { throw refusal.error }
        return actions
    }

    // MARK: Helpers shared by the extensions

    /// The node's best estimate of the wall-clock time: its own clock, moved by the correction
    /// the last estimate made (zero unless the clock was judged plainly wrong). The estimate is
    /// refreshed once per beacon; applying its offset, not its time, keeps the result current.
    public func wallNow(_ now: NodeTime) -> UnixTime {
        guard let estimate = lastClock else { return now.wall }
        return now.wall + (estimate.now - estimate.ownClock)
    }

    mutating func emit(_ event: NodeEvent) { outbox.append(.event(event)) }

    mutating func drain() -> [NodeAction] {
        defer { outbox.removeAll(keepingCapacity: true) }
        return outbox
    }

    /// Re-judges the clock for this input. Cheap: the peers' median offset is recomputed only
    /// when an offset changes (`recomputePeerClockMedian`), not per datagram.
    mutating func updateClock(_ now: NodeTime) {
        let previous = lastClock
        defer { noteClockJudgement(previous: previous) }
        lastClock = ClockEstimate(
            ownClock: now.wall, peers: peerClocks, earliestPlausible: configuration.earliestPlausibleTime, disagreementMax: configuration.clockDisagreementMax)
    }

    /// Recomputes the median of the offsets of peers heard within `peerTimeout`. O(peers log peers);
    /// called when a beacon brings an offset and when peers are dropped.
    mutating func recomputePeerClockMedian(at now: Instant) {
        var offsets: [TimeSpan] = []
        offsets.reserveCapacity(clockSamples.count)
        for sample in clockSamples.values where now - sample.heard < configuration.peerTimeout {
            offsets.append(sample.offset)
        }
        peerClocks = ClockEstimate.PeerClocks(offsets: offsets)
    }

    /// Checks `bulletin`'s signature unless `verifiedSignatures` already knows the verdict for
    /// its id (the id is the hash of the bytes, so the same id means the same bytes and verdict).
    static func verifySignature(of bulletin: Bulletin, cache verifiedSignatures: VerifiedSignatures?) throws(BulletinError) {
        guard let verifiedSignatures else { return try bulletin.verifySignature() }
        if let known = verifiedSignatures.verdict(bulletin.id) {
            if let error = known { throw error }
            return
        }
        do {
            try bulletin.verifySignature()
            verifiedSignatures.record(bulletin.id, nil)
        } catch {
            verifiedSignatures.record(bulletin.id, error)
            throw error
        }
    }
}

/// A peer's clock offset (its wall clock minus ours) and when its beacon was heard.
struct ClockSample: Sendable {
    var offset: TimeSpan
    var heard: Instant
}

/// Signature verdicts by bulletin id, shared by reference between the nodes of one simulator run
/// so that each signature is checked once per run, not once per node (real crypto stays in the
/// loop). Bounded: past `idsMax` it stops remembering and nodes check signatures themselves.
public final class VerifiedSignatures {
    /// Ids remembered, at most.
    public let idsMax: Int
    private var verdicts: [BulletinID: BulletinError?] = [:]

    /// An empty cache remembering at most `idsMax` ids.
    public init(idsMax: Int = 1_000_000) { self.idsMax = idsMax }

    /// nil: unknown; `.some(nil)`: valid; `.some(error)`: invalid with that error.
    public func verdict(_ id: BulletinID) -> BulletinError?? { verdicts[id] }

    /// Remembers `id`'s verdict (nil: valid).
    public func record(_ id: BulletinID, _ error: BulletinError?) {
        if verdicts.count < idsMax { verdicts[id] = .some(error) }
    }
}

/// Counts kept by a node, for `status` and for tests.
public struct NodeCounters: Sendable, Equatable {
    public var rejectedDatagrams = 0
    public var rejectedBulletins = 0
    public var storedBulletins = 0
    public var duplicateBulletins = 0
    /// Bulletins the store evicted for its disk quota.
    public var evictedBulletins = 0
    /// Bulletins of strangers refused for want of room or rate (Documentation/Trust.md,
    /// "Strangers"); also in `rejectedBulletins`.
    public var strangersRefused = 0
    public var amplificationLimited = 0
    public var budgetLimited = 0
    public var datagramsSent = 0
    public var bytesSent = 0
    /// Signatures this node checked (a cached verdict counts too: the simulator charges CPU
    /// time per check, Documentation/Simulation.md).
    public var signatureChecks = 0
    /// Attachment blocks stored from peers, and blocks that came again once held.
    public var blocksStored = 0
    public var duplicateBlocks = 0
    /// Blocks that came unasked and were not held: a peer sending junk or forged blocks.
    public var rejectedBlocks = 0
    /// Times a peer was ignored for a while for sending bad blocks.
    public var blockPeersIgnored = 0
}

/// The trust layer's say over what a node stores: official channels, grants, quotas, blocks.
public protocol BulletinAdmission {
    /// Throws when `bulletin` (already valid and correctly signed) may not be stored at `now`.
    func admit(_ bulletin: Bulletin, at now: UnixTime, store: some BulletinStore) throws
    /// Called after `bulletin` was stored; returns bulletins the node must now drop
    /// (a default implementation returns none: see Node+Trust.swift).
    mutating func didStore(_ bulletin: Bulletin, at now: UnixTime, store: some BulletinStore) -> [BulletinRemoval]
    /// The checks worth making before the signature (cheap, from the bulletin's own bytes).
    func precheck(_ bulletin: Bulletin, at now: UnixTime) throws(TrustError)
    /// The store no longer holds `id`.
    mutating func didRemove(_ id: BulletinID)
    /// Brings the books in line with what `store` holds (the node's expiry pass, every minute).
    mutating func settle(store: some BulletinStore, at now: UnixTime)
    /// The class of a held bulletin for quota eviction (`TrustPolicy.evictionClass`).
    func evictionClass(of id: BulletinID, channel: String, expires: UnixTime, at now: UnixTime) -> Int
    /// The class `bulletin`, about to be stored, will have.
    func evictionClass(ofIncoming bulletin: Bulletin, at now: UnixTime) -> Int
}

/// Why a local post or import was refused by the node itself.
public enum NodeError: Error, Equatable, LocalizedError {
    /// The id was retracted or blocked here and may not come back.
    case removed(BulletinID)

    public var localizedMessage: Localized {
        switch self {
        case .removed(let id):
            return Localized(
                en: "bulletin \(id.short) was retracted or blocked here and may not come back",
                id: "buletin \(id.short) sudah ditarik atau diblokir di sini dan tidak boleh kembali")
        }
    }
}
