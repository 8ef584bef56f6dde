import Kabar

/// One peer as `kabar peers` and `kabar status` show it.
public struct PeerStatus: Codable, Sendable, Equatable {
    /// "10.0.0.7:4747".
    public var address: String
    /// Its key in hex, if a beacon named it.
    public var key: String?
    /// Configured by the operator.
    public var isStatic: Bool
    /// Heard by broadcast.
    public var onLink: Bool
    /// Accepted: it proved its address, or it is a static peer (the operator's word).
    public var validated: Bool
    /// Proved it receives at its address (echoed our challenge): what streams, syncs and
    /// attachment blocks wait for. Nil from a node too old to say.
    public var proven: Bool?
    /// Seconds since last heard.
    public var lastSeenS: Double
    /// Last round trip in milliseconds, if measured.
    public var roundTripMs: Double?
    /// Bytes sent to it.
    public var bytesSent: Int
    /// Bytes received from it.
    public var bytesReceived: Int
    /// Its clock minus ours, in milliseconds, if known.
    public var clockOffsetMs: Int64?
    /// Bulletins it says it holds.
    public var storeCount: Int?

    /// The status of `peer` at monotonic time `now`.
    public init(_ peer: Peer, now: Instant) {
        address = peer.address.description
        key = peer.key?.hex
        isStatic = peer.isStatic
        onLink = peer.onLink
        validated = peer.validated
        proven = peer.proven
        lastSeenS = Double((now - peer.lastHeard).milliseconds) / 1_000
        roundTripMs = peer.roundTrip.map { Double($0.microseconds) / 1_000 }
        bytesSent = peer.bytesSent
        bytesReceived = peer.bytesReceived
        clockOffsetMs = peer.clockOffset?.milliseconds
        storeCount = peer.storeCount
    }

    private enum CodingKeys: String, CodingKey {
        case address, key, isStatic, onLink, validated, proven, lastSeenS, roundTripMs, bytesSent, bytesReceived, clockOffsetMs
        case storeCount
    }

    /// Every key, unknown values as null (not left out), so a script finds the same keys on
    /// every peer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(address, forKey: .address)
        try container.encode(key, forKey: .key)
        try container.encode(isStatic, forKey: .isStatic)
        try container.encode(onLink, forKey: .onLink)
        try container.encode(validated, forKey: .validated)
        try container.encode(proven, forKey: .proven)
        try container.encode(lastSeenS, forKey: .lastSeenS)
        try container.encode(roundTripMs, forKey: .roundTripMs)
        try container.encode(bytesSent, forKey: .bytesSent)
        try container.encode(bytesReceived, forKey: .bytesReceived)
        try container.encode(clockOffsetMs, forKey: .clockOffsetMs)
        try container.encode(storeCount, forKey: .storeCount)
    }
}

/// The store as `kabar status` shows it.
public struct StoreStatus: Codable, Sendable, Equatable {
    /// Bulletins held.
    public var count: Int
    /// Bulletins per channel.
    public var byChannel: [String: Int]
    /// Bytes on disk, if known.
    public var diskBytes: Int64?
    /// The quota, if any.
    public var quotaBytes: Int64?
    /// What the last open found damaged (a power cut's unfinished write, bad stretches on the
    /// card), in words, and how many bytes of the log it could not use; nil when clean.
    public var damage: LocalizedText?
    public var damagedBytes: Int64?

    /// A store status.
    public init(count: Int, byChannel: [String: Int], diskBytes: Int64?, quotaBytes: Int64?, damage: Localized? = nil, damagedBytes: Int64? = nil) {
        self.count = count
        self.byChannel = byChannel
        self.diskBytes = diskBytes
        self.quotaBytes = quotaBytes
        self.damage = damage.map(LocalizedText.init)
        self.damagedBytes = damagedBytes
    }

    private enum CodingKeys: String, CodingKey { case count, byChannel, diskBytes, quotaBytes, damage, damagedBytes }

    /// Unknown sizes are written as `null`, so scripts always find the keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(byChannel, forKey: .byChannel)
        try container.encode(diskBytes, forKey: .diskBytes)
        try container.encode(quotaBytes, forKey: .quotaBytes)
        try container.encode(damage, forKey: .damage)
        try container.encode(damagedBytes, forKey: .damagedBytes)
    }

    /// Counts `store`'s bulletins by channel, from the summaries (a file store answers them from its
    /// index without reading a bulletin, so a status poll during a bulk sync stays cheap).
    public init(counting store: some BulletinStore, diskBytes: Int64?, quotaBytes: Int64?) {
        var byChannel: [String: Int] = [:]
        store.forEachItem { _, id in
            if let channel = store.summary(id)?.channel { byChannel[channel, default: 0] += 1 }
        }
        self.init(count: store.count, byChannel: byChannel, diskBytes: diskBytes, quotaBytes: quotaBytes)
    }
}

/// The node's clocks as `kabar status` shows them.
public struct ClockStatus: Codable, Sendable, Equatable {
    /// The host's own wall clock.
    public var ownMs: Int64
    /// The node's best estimate of the time.
    public var estimatedMs: Int64
    /// The median of the peers' clocks minus ours, if any peer was heard.
    public var peerMedianOffsetMs: Int64?
    /// True when the node judged its own clock wrong.
    public var ownClockWrong: Bool
    /// True when the clock is before the build date and no peer can correct it.
    public var uncorrectable: Bool

    private enum CodingKeys: String, CodingKey { case ownMs, estimatedMs, peerMedianOffsetMs, ownClockWrong, uncorrectable }

    /// An unknown peer median is written as `null`, so scripts always find the key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ownMs, forKey: .ownMs)
        try container.encode(estimatedMs, forKey: .estimatedMs)
        try container.encode(peerMedianOffsetMs, forKey: .peerMedianOffsetMs)
        try container.encode(ownClockWrong, forKey: .ownClockWrong)
        try container.encode(uncorrectable, forKey: .uncorrectable)
    }
}

/// Everything `kabar status` prints.
public struct NodeStatus: Codable, Sendable, Equatable {
    /// True: a daemon answered (the offline form of `status` says false).
    public var running = true
    /// The node's public key, in hex.
    public var nodeId: String
    /// Seconds since the daemon started.
    public var uptimeS: Double
    /// UDP port.
    public var port: Int
    /// The network's name.
    public var network: String
    /// Known peers, by address.
    public var peers: [PeerStatus]
    /// The store.
    public var store: StoreStatus
    /// The clocks.
    public var clock: ClockStatus
    /// The node's counters, by name.
    public var counters: [String: Int]
    /// The board's TCP port, when it serves one (`web` in JSON; null when off).
    public var web: Int?
    /// What strangers' bulletins hold against their budget (nil from a node without trust
    /// rules installed).
    public var strangers: StrangerStatus?
}

/// The strangers' share as `kabar status` shows it (Documentation/Trust.md, "Strangers").
public struct StrangerStatus: Codable, Sendable, Equatable {
    /// Encoded bytes of strangers' bulletins held.
    public var bytes: Int64
    /// Of those, bytes of stamped ones.
    public var stampedBytes: Int64
    /// Strangers' bulletins held.
    public var count: Int
    /// The budget: what they may hold, stamped (half of it without a stamp).
    public var budgetBytes: Int64
    /// The stamp a stranger's bulletin needs now on `warga`, the default community channel
    /// (the base cost, raised under flood).
    public var stampBits: Int
    /// Strangers' bulletins refused so far for room or rate.
    public var refused: Int

    /// The status of `policy`'s books, with `refused` from the node's counters.
    public init(_ policy: TrustPolicy, refused: Int) {
        let usage = policy.strangerUsage
        bytes = usage.bytes
        stampedBytes = usage.stampedBytes
        count = usage.count
        budgetBytes = policy.rules.strangers.bytesMax
        stampBits = policy.stampCost(on: "warga")
        self.refused = refused
    }
}

extension NodeCounters {
    /// The counters by snake_case name, for JSON and `status`.
    public var named: [String: Int] {
        [
            "rejected_datagrams": rejectedDatagrams, "rejected_bulletins": rejectedBulletins,
            "stored_bulletins": storedBulletins, "duplicate_bulletins": duplicateBulletins,
            "evicted_bulletins": evictedBulletins, "strangers_refused": strangersRefused,
            "amplification_limited": amplificationLimited, "budget_limited": budgetLimited,
            "datagrams_sent": datagramsSent, "bytes_sent": bytesSent,
            "blocks_stored": blocksStored, "duplicate_blocks": duplicateBlocks, "rejected_blocks": rejectedBlocks,
            "block_peers_ignored": blockPeersIgnored,
        ]
    }
}

extension NodeDaemon {
    /// The node's status now; `storeStatus` describes the store (the CLI layer knows the file
    /// store's disk use).
    public func status(store storeStatus: StoreStatus) -> NodeStatus {
        let now = clock.now()
        let estimate = node.clock
            ?? ClockEstimate(ownClock: now.wall, peerOffsets: [], earliestPlausible: node.configuration.earliestPlausibleTime,
                             disagreementMax: node.configuration.clockDisagreementMax)
        return NodeStatus(
            nodeId: node.key.hex, uptimeS: Double(uptimeMicroseconds / 1_000) / 1_000, port: Int(sockets.port),
            network: settings.networkName, peers: peerStatuses(), store: storeStatus,
            clock: ClockStatus(
                ownMs: now.wall.milliseconds, estimatedMs: (now.wall + (estimate.now - estimate.ownClock)).milliseconds,
                peerMedianOffsetMs: estimate.peerMedianOffset?.milliseconds, ownClockWrong: estimate.ownClockIsWrong,
                uncorrectable: estimate.uncorrectable),
            counters: node.counters.named, web: webPort.map(Int.init),
            strangers: (node.admission as? TrustPolicy).map { StrangerStatus($0, refused: node.counters.strangersRefused) })
    }

    /// Every peer's status now, by address.
    public func peerStatuses() -> [PeerStatus] {
        let now = Instant(microseconds: clock.monotonic())
        return node.peerList.map { PeerStatus($0, now: now) }
    }
}
