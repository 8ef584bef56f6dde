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

    /// Rules with the given authorities and defaults for the rest.
    public init(
        authorities: Set<AuthorKey> = [], channels: ChannelRules = .defaults, defaultQuota: Quota = .defaultQuota,
        quotas: [String: Quota] = [:], blocked: Set<AuthorKey> = []
    ) {
        self.authorities = authorities
        self.channels = channels
        self.defaultQuota = defaultQuota
        self.quotas = quotas
        self.blocked = blocked
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
