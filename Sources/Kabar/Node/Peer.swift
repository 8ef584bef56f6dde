/// What a node knows of one peer, keyed by the packet source address.
public struct Peer: Sendable {
    /// The packet source address: the only address the node believes.
    public let address: PeerAddress
    /// The key the peer's beacons claim (display and tie-breaks only).
    public internal(set) var key: AuthorKey?
    /// Configured by the operator: exempt from the anti-amplification wait, never dropped.
    /// Changes only when the operator's list does (`Node.reconfigure`).
    public internal(set) var isStatic: Bool
    /// Heard by broadcast: shares a link with us, so our broadcasts reach it.
    public internal(set) var onLink = false
    /// Proved by a round trip that it receives at `address`, or vouched for by the operator
    /// (a static peer).
    public internal(set) var validated: Bool
    /// Proved by a round trip, whatever the config says: bulk streams go only to such peers,
    /// since a forged source address could name a static peer too.
    public internal(set) var proven = false
    /// When it was first and last heard from.
    public internal(set) var firstHeard: Instant
    public internal(set) var lastHeard: Instant
    /// Round-trip time of the last challenge, if measured.
    public internal(set) var roundTrip: TimeSpan?
    /// Bytes each way.
    public internal(set) var bytesReceived = 0
    public internal(set) var bytesSent = 0
    /// Datagrams from it that were rejected.
    public internal(set) var rejectedDatagrams = 0
    /// Attachment blocks it sent that no checked parent asked for (tampered or junk), less one
    /// for each good block since: past a threshold it is asked last and served slowly, further
    /// on it is ignored for a while (Node+Blocks.swift).
    public internal(set) var badBlocks = 0
    /// Until then, its blocks and block requests are dropped unread.
    public internal(set) var blocksIgnoredUntil: Instant?
    /// Its last beacon's summary.
    public internal(set) var storeCount: Int?
    public internal(set) var fingerprint: [UInt8]?
    public internal(set) var incarnation: UInt32?
    /// Its wall clock minus ours, from its last beacon.
    public internal(set) var clockOffset: TimeSpan?
    /// Beacons in a row whose fingerprint differed from ours.
    var mismatchedBeacons = 0
    /// When we last finished (or started) a reconciliation with it.
    var lastSync: Instant?
    /// Our last session with it that left us nothing to pull: no new session while both
    /// fingerprints are still these (Documentation/Reconciliation.md, "Sessions in the node").
    var settled: SettledSync?
    /// The cookie we challenged it with, and when.
    var cookie: UInt64 = 0
    var challengeSent: Instant?
    var budget: TokenBucket

    init(address: PeerAddress, isStatic: Bool, now: Instant, bytesPerSecond: Int) {
        self.address = address
        self.isStatic = isStatic
        self.validated = isStatic
        self.firstHeard = now
        self.lastHeard = now
        self.budget = TokenBucket(ratePerSecond: bytesPerSecond, now: now)
    }
}

/// A reconciliation that found nothing this node could store (every id it lacked is held,
/// removed or refused): the fingerprints both sides had, and when. While both sides still
/// show exactly these fingerprints another session would find the same difference and gain
/// nothing, so none starts until one changes or `NodeConfiguration.syncSettledRecheck` passes.
/// One per peer, and peers are bounded.
struct SettledSync: Sendable, Equatable {
    /// Our fingerprint when the session started.
    let ours: [UInt8]
    /// The peer's fingerprint (from its beacon) when the session started.
    let theirs: [UInt8]
    /// When the session ended.
    let at: Instant

    /// True while a session with fingerprints `ours` and `theirs` at `now` would repeat this one.
    func holds(ours: [UInt8], theirs: [UInt8], at now: Instant, recheck: TimeSpan) -> Bool {
        ours == self.ours && theirs == self.theirs && now - at < recheck
    }
}
