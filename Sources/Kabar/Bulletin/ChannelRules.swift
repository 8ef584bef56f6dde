/// How a channel treats bulletins: who may post, how long they live, how much one author may
/// post. Channel rules are data: the node's config names them; these are the defaults.
public struct ChannelRule: Hashable, Sendable {
    /// Who may post on a channel.
    public enum Access: String, Hashable, Sendable {
        /// Only keys granted by a trusted authority (government news).
        case official
        /// Any key, within per-author quotas (villagers' news).
        case community
        /// Kabar's own control bulletins (grants).
        case system
    }

    /// The channel's name.
    public var name: String
    /// Who may post.
    public var access: Access
    /// Lifetime of a post when the author names none.
    public var defaultLifetime: TimeSpan
    /// The longest lifetime a bulletin on this channel may have.
    public var maximumLifetime: TimeSpan
    /// Messages to the regency (`aspirasi`): the regency office's node lists the posts it
    /// holds here in its hall reports, so their authors see the office received them
    /// (Documentation/Reach.md). Meaningful on a community channel.
    public var office: Bool

    /// A channel rule.
    public init(name: String, access: Access, defaultLifetime: TimeSpan, maximumLifetime: TimeSpan, office: Bool = false) {
        self.name = name
        self.access = access
        self.office = office
        self.defaultLifetime = defaultLifetime
        self.maximumLifetime = min(maximumLifetime, ChannelRules.hardMaximumLifetime)
    }
}

/// The channel table, with defaults for channels the config does not name.
public struct ChannelRules: Hashable, Sendable {
    /// No bulletin lives longer than this, whatever its channel says.
    public static let hardMaximumLifetime = TimeSpan.days(365)
    /// The channel grant bulletins travel on.
    public static let systemChannel = "kabar"

    /// Rules by channel name.
    public private(set) var rules: [String: ChannelRule]
    /// The rule for a channel not in `rules`.
    public var fallback: ChannelRule

    /// Kabar's default channels: `resmi` and `pengumuman` official; `warga`, `pasar`,
    /// `kesehatan`, `darurat`, `aspirasi` (messages to the regency, an `office` channel) and any
    /// other name community.
    public static let defaults = ChannelRules(rules: [
        ChannelRule(name: "resmi", access: .official, defaultLifetime: .days(30), maximumLifetime: .days(180)),
        ChannelRule(name: "pengumuman", access: .official, defaultLifetime: .days(14), maximumLifetime: .days(90)),
        ChannelRule(name: "warga", access: .community, defaultLifetime: .days(14), maximumLifetime: .days(60)),
        ChannelRule(name: "pasar", access: .community, defaultLifetime: .days(7), maximumLifetime: .days(30)),
        ChannelRule(name: "kesehatan", access: .community, defaultLifetime: .days(14), maximumLifetime: .days(60)),
        ChannelRule(name: "darurat", access: .community, defaultLifetime: .days(3), maximumLifetime: .days(14)),
        ChannelRule(name: "aspirasi", access: .community, defaultLifetime: .days(30), maximumLifetime: .days(90), office: true),
        ChannelRule(name: systemChannel, access: .system, defaultLifetime: .days(180), maximumLifetime: .days(365)),
    ])

    /// A table of `rules`; unnamed channels are community channels with a 14-day default.
    public init(rules: [ChannelRule], fallback: ChannelRule? = nil) {
        var table: [String: ChannelRule] = [:]
        for rule in rules { table[rule.name] = rule }
        self.rules = table
        self.fallback = fallback
            ?? ChannelRule(name: "*", access: .community, defaultLifetime: .days(14), maximumLifetime: .days(60))
    }

    /// The rule for `channel`.
    public func rule(for channel: String) -> ChannelRule {
        if let rule = rules[channel] { return rule }
        var rule = fallback
        rule.name = channel
        return rule
    }

    /// Adds or replaces a rule.
    public mutating func set(_ rule: ChannelRule) { rules[rule.name] = rule }

    /// Every named rule, sorted by name.
    public var sortedRules: [ChannelRule] { rules.values.sorted { $0.name < $1.name } }
}
