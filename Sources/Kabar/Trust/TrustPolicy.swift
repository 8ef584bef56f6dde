/// The trust rules every node applies before it stores (and so before it forwards) a bulletin:
/// official channels, grants, retractions, hides, edits, quotas, the block list, and the room
/// given to strangers (keys nobody vouched for).
///
/// # Theory of operation
///
/// The rules are data (`TrustRules`); the rest of the state is derived from the store: grants
/// held (by grantee), retractions and hides held (by target), and per-author daily usage. The
/// node calls `admit` before it stores a bulletin and `didStore` after; `didStore` updates the
/// state and returns what the node must drop (a retracted or hidden target). At start,
/// `rebuild(from:at:)` derives the state from the store again, so quotas survive restarts.
///
/// Authority is a chain of at most two grants: authority → grantee (may grant) → sub-grantee
/// (may not grant). Every link must be unexpired at `now`, and a sub-grant can give no more
/// channels, moderation or lifetime than its parent.
///
/// Complexity: `admit` is O(grants held by the keys involved); `didStore` is O(references).
public struct TrustPolicy: BulletinAdmission, Sendable {
    /// The rules this policy applies.
    public var rules: TrustRules

    struct GrantRecord: Sendable {
        let id: BulletinID
        let signer: AuthorKey
        let grant: Grant
        let expires: UnixTime
    }

    struct ActionRecord: Sendable {
        let id: BulletinID
        let isHide: Bool
        let signer: AuthorKey
        let channel: String
        let expires: UnixTime
    }

    struct UsageKey: Hashable, Sendable {
        let author: AuthorKey
        let channel: String
        let day: Int64
    }

    struct Usage: Sendable {
        var count = 0
        var bytes = 0
    }

    /// What a key may do on one channel.
    struct Rights {
        var post = false
        var moderate = false
        var regrant = false
        /// The latest expiry of the grants that let it grant again.
        var regrantUntil: UnixTime?
    }

    var grants: [AuthorKey: [GrantRecord]] = [:]
    var actions: [BulletinID: [ActionRecord]] = [:]
    var usage: [UsageKey: Usage] = [:]
    /// Vouches held, by vouched key.
    var vouches: [AuthorKey: [VouchRecord]] = [:]
    /// Phones whose hall's voucher checked out, by phone key (a cache: bounded, and a key
    /// missing here is only checked again).
    var phoneHalls: [AuthorKey: AuthorKey] = [:]
    /// The newest hall report held, by reporting node.
    var reports: [AuthorKey: ReportRecord] = [:]
    /// Strangers' bulletins held.
    var strangers = StrangerLedger()
    /// Strangers' bulletins taken lately.
    var strangerRate = StrangerRate(tokens: 0, at: nil)
    var storesSincePrune = 0

    /// Phone keys remembered at most.
    static let phoneHallsMax = 65_536

    /// How many stores between two sweeps of expired state.
    static let pruneInterval = 1_024

    /// A policy applying `rules`, with no state yet (call `rebuild(from:at:)` over a store).
    public init(rules: TrustRules) {
        self.rules = rules
    }

    // MARK: Rights

    /// What `key` may do on `channel` at `now`.
    func rights(of key: AuthorKey, on channel: String, at now: UnixTime) -> Rights {
        if rules.authorities.contains(key) {
            return Rights(post: true, moderate: true, regrant: true, regrantUntil: nil)
        }
        var rights = directRights(of: key, on: channel, at: now)
        for record in grants[key] ?? [] where record.expires > now && record.grant.channels.contains(channel) {
            guard !rules.authorities.contains(record.signer) else { continue }
            let parent = directRights(of: record.signer, on: channel, at: now)
            guard parent.regrant, let until = parent.regrantUntil, record.expires <= until else { continue }
            rights.post = true
            if record.grant.moderator && parent.moderate { rights.moderate = true }
        }
        return rights
    }

    /// Rights from grants signed by an authority itself (the first level).
    private func directRights(of key: AuthorKey, on channel: String, at now: UnixTime) -> Rights {
        var rights = Rights()
        for record in grants[key] ?? [] where record.expires > now && record.grant.channels.contains(channel) {
            guard rules.authorities.contains(record.signer) else { continue }
            rights.post = true
            if record.grant.moderator { rights.moderate = true }
            if record.grant.mayGrant {
                rights.regrant = true
                rights.regrantUntil = max(rights.regrantUntil ?? record.expires, record.expires)
            }
        }
        return rights
    }

    /// True when a retraction (or hide) by `signer` on `channel` withdraws `target`.
    func withdraws(signer: AuthorKey, channel: String, isHide: Bool, target: Bulletin, at now: UnixTime) -> Bool {
        if isHide {
            return target.channel == channel && rights(of: signer, on: channel, at: now).moderate
        }
        return signer == target.author || rights(of: signer, on: target.channel, at: now).moderate
    }

    /// The day (UTC, days since 1970) a bulletin counts against its author's quota.
    static func day(of time: UnixTime) -> Int64 {
        let dayMilliseconds: Int64 = 86_400_000
        let value = time.milliseconds
        return value >= 0 ? value / dayMilliseconds : (value - dayMilliseconds + 1) / dayMilliseconds
    }
}
