import Kabar
import KabarCrypto

/// A grant as a person asked for it (`kabar grant KEY --channel C ...`), before it is signed.
public struct GrantRequest: Sendable, Equatable {
    /// The key being authorised.
    public var grantee: AuthorKey
    /// The channels it may post to.
    public var channels: [String]
    /// How long the grant lasts; nil for the system channel's default (180 days).
    public var lifetime: TimeSpan?
    /// The grantee may hide bulletins on these channels.
    public var moderator: Bool
    /// The grantee may grant these channels on, one level (its grantees may not).
    public var mayGrant: Bool

    /// A request.
    public init(grantee: AuthorKey, channels: [String], lifetime: TimeSpan? = nil, moderator: Bool = false, mayGrant: Bool = false) {
        self.grantee = grantee
        self.channels = channels
        self.lifetime = lifetime
        self.moderator = moderator
        self.mayGrant = mayGrant
    }
}

/// The signing behind `kabar grant`, `retract`, `edit` and `hide`, and the trust rules of a
/// data folder. Signing functions return a bulletin; the node service hands it to the node's
/// one door (`Node.submit`), which applies the trust policy.
public enum TrustOperations {
    // MARK: Rules

    /// The trust rules of the node in `data`: the config's channels, authorities, known keys
    /// and strangers' budget, plus the authorities, blocked and known keys listed in the data
    /// folder (`TrustLists`). `own`, the node's key, is always known here.
    public static func rules(settings: NodeSettings, data: DataDirectory, own: AuthorKey?) throws(TrustListError) -> TrustRules {
        let listed = try TrustLists.load(.authorities, in: data)
        let blocked = try TrustLists.load(.blocked, in: data)
        let known = try TrustLists.load(.known, in: data)
        return TrustRules(
            authorities: Set(settings.authorities + listed), channels: settings.channels,
            quotas: settings.channelQuotas, blocked: Set(blocked),
            known: Set(settings.known + known + (own.map { [$0] } ?? [])), strangers: settings.strangerBudget)
    }

    /// A signed vouch for `keys` (1 to 64), lasting `lifetime` (default 90 days, at most the
    /// system channel's maximum). Whether this key may vouch is the trust policy's call.
    public static func vouch(
        _ keys: [AuthorKey], lifetime: TimeSpan?, identity: Identity, now: UnixTime, policy: BulletinPolicy = BulletinPolicy()
    ) throws -> Bulletin {
        guard let vouch = Vouch(keys: keys) else { throw TrustOperationError.vouchKeys(limit: Vouch.keysMax) }
        let content = vouch.content(author: identity.author, created: now, expires: now + (lifetime ?? .days(90)))
        return try sign(content, identity: identity, now: now, policy: policy)
    }

    /// Every authority this node trusts, sorted by key, with where it comes from.
    public static func authorities(settings: NodeSettings, data: DataDirectory) throws(TrustListError) -> [AuthorityEntry] {
        let listed = Set(try TrustLists.load(.authorities, in: data))
        let configured = Set(settings.authorities)
        return listed.union(configured).sorted().map {
            AuthorityEntry(key: $0, inConfig: configured.contains($0), inDataFolder: listed.contains($0))
        }
    }

    /// The best estimate of the time when the wall clock reads `wall`: the wall clock moved by
    /// the node's correction when its clock estimate judged its own clock wrong.
    public static func bestTime(wall: UnixTime, clock: ClockEstimate?) -> UnixTime {
        ClockEstimate.bestTime(wall: wall, clock: clock)
    }

    // MARK: Signing

    /// A signed grant, dated `now`. Checks channel names and the lifetime (at most 365 days,
    /// the system channel's maximum); whether this key may grant is the trust policy's call.
    public static func grant(
        _ request: GrantRequest, identity: Identity, now: UnixTime, policy: BulletinPolicy = BulletinPolicy()
    ) throws -> Bulletin {
        guard !request.channels.isEmpty else { throw TrustOperationError.noChannel }
        let channels = Array(Set(request.channels)).sorted()
        guard channels.count <= Grant.channelsMax else { throw TrustOperationError.tooManyChannels(limit: Grant.channelsMax) }
        for channel in channels {
            guard BulletinCodec.isValidChannelName(channel) else { throw BulletinError.invalidChannelName(channel) }
            guard channel != ChannelRules.systemChannel else { throw TrustOperationError.systemChannel(channel) }
        }
        let rule = policy.channels.rule(for: ChannelRules.systemChannel)
        let lifetime = request.lifetime ?? rule.defaultLifetime
        var content = BulletinContent(
            kind: .grant, author: identity.author, created: now, expires: now + lifetime, channel: ChannelRules.systemChannel)
        content.grant = Grant(
            grantee: request.grantee, channels: channels, mayGrant: request.mayGrant, moderator: request.moderator)
        return try sign(content, identity: identity, now: now, policy: policy)
    }

    /// A signed retraction of `target`, on its channel, alive as long as the target would be.
    public static func retraction(
        of target: Bulletin, identity: Identity, now: UnixTime, policy: BulletinPolicy = BulletinPolicy()
    ) throws -> Bulletin {
        try action(.retraction, of: target, identity: identity, now: now, policy: policy)
    }

    /// A signed hide notice for `target`, on its channel, alive as long as the target would be.
    public static func hide(
        of target: Bulletin, identity: Identity, now: UnixTime, policy: BulletinPolicy = BulletinPolicy()
    ) throws -> Bulletin {
        try action(.hide, of: target, identity: identity, now: now, policy: policy)
    }

    /// A signed edit of `target`: a new post on its channel that supersedes it. Only its
    /// author may edit; `request.channel` is ignored (an edit stays on the channel).
    public static func edit(
        of target: Bulletin, _ request: PostRequest, identity: Identity, now: UnixTime,
        policy: BulletinPolicy = BulletinPolicy()
    ) throws -> Bulletin {
        guard target.kind == .post else { throw TrustOperationError.notAPost(target.id) }
        guard target.author == identity.author else { throw TrustError.editNotAuthor(target: target.id) }
        var request = request
        request.channel = target.channel
        var content = try BulletinOperations.checkedContent(request, author: identity.author, now: now, policy: policy)
        content.supersedes = target.id
        return try sign(content, identity: identity, now: now, policy: policy)
    }

    static func action(
        _ kind: BulletinKind, of target: Bulletin, identity: Identity, now: UnixTime, policy: BulletinPolicy
    ) throws -> Bulletin {
        guard target.expires > now else { throw TrustOperationError.targetExpired(target.id) }
        // Dated no earlier than the target, so the action is never older than what it acts on.
        let created = max(now, target.created)
        guard created < target.expires else { throw TrustOperationError.targetExpired(target.id) }
        var content = BulletinContent(
            kind: kind, author: identity.author, created: created, expires: target.expires, channel: target.channel)
        content.references = [target.id]
        return try sign(content, identity: identity, now: now, policy: policy)
    }

    private static func sign(
        _ content: BulletinContent, identity: Identity, now: UnixTime, policy: BulletinPolicy
    ) throws -> Bulletin {
        let bulletin = try Bulletin.sign(content, with: identity.key)
        try bulletin.verifySignature()
        try policy.checkTimes(bulletin, now: now)
        return bulletin
    }
}

/// One trusted authority and where it is listed.
public struct AuthorityEntry: Sendable, Equatable, Codable {
    /// The key.
    public let key: AuthorKey
    /// Named by an `authority =` line of `kabar.conf`.
    public let inConfig: Bool
    /// Listed in `DIR/authorities` (`kabar authority add`).
    public let inDataFolder: Bool

    enum CodingKeys: String, CodingKey { case key, inConfig, inDataFolder }

    /// An entry.
    public init(key: AuthorKey, inConfig: Bool, inDataFolder: Bool) {
        self.key = key
        self.inConfig = inConfig
        self.inDataFolder = inDataFolder
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let key = AuthorKey(hex: try container.decode(String.self, forKey: .key)) else {
            throw DecodingError.dataCorruptedError(forKey: .key, in: container, debugDescription: "not a key")
        }
        self.key = key
        inConfig = try container.decode(Bool.self, forKey: .inConfig)
        inDataFolder = try container.decode(Bool.self, forKey: .inDataFolder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key.hex, forKey: .key)
        try container.encode(inConfig, forKey: .inConfig)
        try container.encode(inDataFolder, forKey: .inDataFolder)
    }
}

/// Why a grant, retraction, hide or edit could not be made (before any trust rule).
public enum TrustOperationError: Error, Equatable, Sendable, LocalizedError {
    /// A grant names no channel.
    case noChannel
    /// A grant names more channels than it may.
    case tooManyChannels(limit: Int)
    /// A grant for the system channel itself.
    case systemChannel(String)
    /// The bulletin acted on has already expired.
    case targetExpired(BulletinID)
    /// Only posts can be edited.
    case notAPost(BulletinID)
    /// A vouch names no key or too many.
    case vouchKeys(limit: Int)

    public var localizedMessage: Localized {
        switch self {
        case .noChannel:
            return Localized(
                en: "a grant needs at least one --channel", id: "izin perlu sedikitnya satu --channel")
        case .tooManyChannels(let limit):
            return Localized(
                en: "a grant covers at most \(limit) channels", id: "satu izin paling banyak untuk \(limit) kanal")
        case .systemChannel(let channel):
            return Localized(
                en: "\(channel) is the system channel: only authorities post there, it cannot be granted",
                id: "\(channel) adalah kanal sistem: hanya otoritas yang mengirim di sana, tidak dapat diberi izin")
        case .targetExpired(let id):
            return Localized(
                en: "bulletin \(id.short) has expired; there is nothing left to act on",
                id: "buletin \(id.short) sudah kedaluwarsa; tidak ada lagi yang perlu ditindak")
        case .vouchKeys(let limit):
            return Localized(
                en: "a vouch names 1 to \(limit) keys", id: "satu jaminan menyebut 1 sampai \(limit) kunci")
        case .notAPost(let id):
            return Localized(
                en: "bulletin \(id.short) is not a post; only posts can be edited",
                id: "buletin \(id.short) bukan kiriman; hanya kiriman yang dapat disunting")
        }
    }
}
