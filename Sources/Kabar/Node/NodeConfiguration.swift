/// Everything a `Node` is told at start. Defaults suit a village hall; the daemon reads
/// overrides from the config file, the simulator from its scenario.
public struct NodeConfiguration: Sendable {
    /// The mesh's id (`Wire.networkID(named:)`); datagrams from other meshes are dropped.
    public var networkID: UInt32 = Wire.networkID(named: Wire.defaultNetworkName)
    /// Peers to reach by unicast whatever broadcast does: long-range links, other subnets.
    /// The operator vouches for these addresses, so they skip the anti-amplification wait.
    public var staticPeers: [PeerAddress] = []
    /// Rules for dates and channels.
    public var policy = BulletinPolicy()
    /// Clocks reading earlier than this are plainly wrong (see `ClockEstimate`).
    public var earliestPlausibleTime = NodeConfiguration.defaultEarliestPlausibleTime
    /// When the median of the peers' clocks is further than this from ours, ours is wrong.
    public var clockDisagreementMax = TimeSpan.minutes(5)

    // Timers.

    /// Mean time between beacons; each is jittered by up to a quarter either way.
    public var beaconInterval = TimeSpan.seconds(5)
    /// A peer not heard from for this long leaves the peer table.
    public var peerTimeout = TimeSpan.seconds(30)
    /// Wait before re-asking for a bulletin or its fragments.
    public var requestTimeout = TimeSpan.milliseconds(250)
    /// Tries per wanted bulletin before waiting for anti-entropy instead.
    public var requestAttemptsMax = 5
    /// A node that got a bulletin over a shared link waits a random time up to this before
    /// announcing it there, so that the few who missed the broadcast can pull it ...
    public var repairAnnounceDelayMax = TimeSpan.milliseconds(120)
    /// ... unless it heard this many others announce it first (counter-based suppression).
    public var repairAnnounceSuppression = 2
    /// A bulletin from an off-link peer is broadcast after a random wait up to this, unless an
    /// on-link peer sends or announces it first (two gateways of one hall fed at once).
    public var offLinkBroadcastDelayMax = TimeSpan.milliseconds(40)
    /// No reconciliation starts within this long of storing a new bulletin: push and pull are
    /// still settling, and a reconciliation now would mostly resend what is already in flight.
    public var syncSettle = TimeSpan.seconds(1)
    /// Least time between two reconciliations with one peer.
    public var syncCooldown = TimeSpan.seconds(8)
    /// A pair of fingerprints that reconciled and left nothing to pull is not reconciled again
    /// while both stay the same (`SettledSync`), except once this long has passed: a safety
    /// net, so a refusal forgotten or a transfer lost is not stuck forever.
    public var syncSettledRecheck = TimeSpan.minutes(60)
    /// A reconciliation session with no progress for this long is dropped.
    public var syncTimeout = TimeSpan.seconds(3)
    /// How often expired bulletins are dropped.
    public var expiryInterval = TimeSpan.seconds(60)

    // Limits on everything input can grow.

    /// Peers in the table, at most.
    public var peersMax = 128
    /// Bulletins wanted (announced to us, not yet held), at most.
    public var wantedMax = 4_096
    /// Large bulletins being reassembled at once, at most.
    public var reassembliesMax = 16
    /// Reconciliation sessions at once, at most (both roles).
    public var syncSessionsMax = 8
    /// What this node fetches and keeps of attachments, per channel: sizes, fetch policy,
    /// budgets (a bigger attachment is named by its post, never fetched).
    public var attachments = AttachmentPolicy()
    /// Repair announcements waiting, at most.
    public var pendingAnnouncesMax = 1_024

    // Send budgets (token buckets; a burst of one second's worth).

    /// Bytes per second to one peer.
    public var peerBytesPerSecond = 96_000
    /// Bytes per second in all, broadcast included.
    public var totalBytesPerSecond = 384_000
    /// Until a peer has answered a challenge, send it at most this many times the bytes it
    /// sent us (QUIC's anti-amplification rule).
    public var amplificationFactor = 3

    /// The defaults.
    public init() {}
}

extension NodeConfiguration {
    /// No honest clock reads earlier than this: the daemon passes its build date. A node whose
    /// clock reads earlier knows its clock is wrong (a Pi after a power cut).
    public static let defaultEarliestPlausibleTime = UnixTime(milliseconds: 1_780_000_000_000)  // 2026-05-28
}
