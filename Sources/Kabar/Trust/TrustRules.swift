/// How much one author may post on a community channel in one day (UTC day of `created`).
public struct Quota: Hashable, Sendable {
    /// Bulletins a day, at most.
    public var countPerDayMax: Int
    /// Encoded bytes a day, at most.
    public var bytesPerDayMax: Int

    /// A quota.
    public init(countPerDayMax: Int, bytesPerDayMax: Int) {
        self.countPerDayMax = countPerDayMax
        self.bytesPerDayMax = bytesPerDayMax
    }

    /// The default: room for a busy hall (an operator posting a few hundred notices a day),
    /// far too little for a flood: 500 bulletins and 2 MB a day per author and channel.
    public static let defaultQuota = Quota(countPerDayMax: 500, bytesPerDayMax: 2_000_000)
}

/// How much a node takes from keys it has no reason to trust: strangers, every key that is not
/// an authority, a grantee, vouched for, or known here (Documentation/Trust.md, "Strangers").
/// Strangers' bulletins without a stamp may hold half of `bytesMax` (and of a channel's cap);
/// with a stamp of the channel's current cost, all of it.
public struct StrangerBudget: Hashable, Sendable {
    /// Encoded bytes strangers' bulletins may hold here, all channels together.
    public var bytesMax: Int64
    /// A lower cap for some channels.
    public var channelBytesMax: [String: Int64]
    /// The stamp a stranger's bulletin needs to use the stamped half, in bits, while the share
    /// is at most half full; it rises by one bit for each eighth filled past that.
    public var stampBits: Int
    /// Another base stamp cost for some channels.
    public var channelStampBits: [String: Int]
    /// Strangers' bulletins taken a second, sustained.
    public var perSecond: Double
    /// Strangers' bulletins taken at once after a quiet spell: a mule's backlog of 50,000
    /// from keys this hall never saw passes in one go.
    public var burst: Int

    /// A budget.
    public init(
        bytesMax: Int64, channelBytesMax: [String: Int64] = [:], stampBits: Int = StrangerBudget.defaultStampBits,
        channelStampBits: [String: Int] = [:], perSecond: Double = 20, burst: Int = 100_000
    ) {
        self.bytesMax = bytesMax
        self.channelBytesMax = channelBytesMax
        self.stampBits = stampBits
        self.channelStampBits = channelStampBits
        self.perSecond = perSecond
        self.burst = burst
    }

    /// The default base stamp cost: 2^20 tries, about a third of a second on one x86 core.
    public static let defaultStampBits = 20
    /// The default share of the disk quota: a tenth.
    public static let defaultShareOfQuota = 0.1

    /// No budget: strangers are treated as everyone else (a node with no quota, tests).
    public static let unlimited = StrangerBudget(bytesMax: .max / 4, perSecond: .infinity, burst: .max)

    /// The default for a store of `quotaBytes` (nil: no quota, so no budget).
    public static func defaults(quotaBytes: Int64?) -> StrangerBudget {
        guard let quotaBytes else { return .unlimited }
        return StrangerBudget(bytesMax: Int64(Double(quotaBytes) * defaultShareOfQuota))
    }

    /// The cap on `channel`.
    public func bytesMax(for channel: String) -> Int64 { min(channelBytesMax[channel] ?? bytesMax, bytesMax) }

    /// The base stamp cost on `channel`.
    public func stampBits(for channel: String) -> Int { channelStampBits[channel] ?? stampBits }
}

/// The data every node's trust rules are built from. Nodes that share these rules make the
/// same decisions, so a bad bulletin stops at the first hop (Documentation/Trust.md).
public struct TrustRules: Hashable, Sendable {
    /// Keys this node trusts as authorities: they may post anywhere, grant and moderate.
    public var authorities: Set<AuthorKey>
    /// The channel table (who may post where, lifetimes).
    public var channels: ChannelRules
    /// The quota of a community channel that `quotas` does not name.
    public var defaultQuota: Quota
    /// Quotas by channel name.
    public var quotas: [String: Quota]
    /// Keys whose bulletins this node neither stores nor forwards.
    public var blocked: Set<AuthorKey>
    /// Keys this node knows (its own; `kabar known add`): never strangers here, and they may
    /// vouch for others.
    public var known: Set<AuthorKey>
    /// The room strangers get.
    public var strangers: StrangerBudget

    /// Rules with the given authorities and defaults for the rest.
    public init(
        authorities: Set<AuthorKey> = [], channels: ChannelRules = .defaults, defaultQuota: Quota = .defaultQuota,
        quotas: [String: Quota] = [:], blocked: Set<AuthorKey> = [], known: Set<AuthorKey> = [],
        strangers: StrangerBudget = .unlimited
    ) {
        self.authorities = authorities
        self.channels = channels
        self.defaultQuota = defaultQuota
        self.quotas = quotas
        self.blocked = blocked
        self.known = known
        self.strangers = strangers
    }

    /// The quota on `channel`.
    public func quota(for channel: String) -> Quota { quotas[channel] ?? defaultQuota }
}

/// A stored bulletin the node must drop, and remember until `until` so it cannot come back.
public struct BulletinRemoval: Hashable, Sendable {
    /// The bulletin to drop.
    public let id: BulletinID
    /// Until when it may not be stored again (when it would have expired).
    public let until: UnixTime

    /// A removal.
    public init(id: BulletinID, until: UnixTime) {
        self.id = id
        self.until = until
    }
}
