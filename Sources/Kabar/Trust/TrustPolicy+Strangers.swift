// Strangers: who they are, the room they get, and what goes first when the disk is full
// (Documentation/Trust.md, "Strangers").
extension TrustPolicy {
    /// Where a key stands at this node.
    public enum Standing: Sendable, Equatable {
        /// An authority, a grantee, a key an authority vouched for, or a key this node knows:
        /// never a stranger, and may vouch for others.
        case voucher
        /// Named by a voucher's vouch (or a hall's phone voucher): never a stranger.
        case vouched
        /// Everyone else: held to the strangers' budget.
        case stranger
    }

    /// A vouch held: who signed it, until when.
    struct VouchRecord: Sendable {
        let id: BulletinID
        let signer: AuthorKey
        let expires: UnixTime
    }

    /// A stranger's bulletin held here, as the budget counts it.
    struct StrangerEntry: Sendable {
        let author: AuthorKey
        let channel: String
        let bytes: Int
        let stamped: Bool
    }

    /// Bulletins of strangers this node holds, and their bytes: what the budget spends. Kept in
    /// step by `didStore` and `didRemove`; `settleStrangers` drops what the store no longer
    /// holds or whose author is no longer a stranger.
    struct StrangerLedger: Sendable {
        var entries: [BulletinID: StrangerEntry] = [:]
        var bytes: Int64 = 0
        var bytesByChannel: [String: Int64] = [:]
        /// Bytes of stamped bulletins (on all channels).
        var stampedBytes: Int64 = 0

        mutating func add(_ id: BulletinID, _ entry: StrangerEntry) {
            guard entries.updateValue(entry, forKey: id) == nil else { return }
            bytes += Int64(entry.bytes)
            bytesByChannel[entry.channel, default: 0] += Int64(entry.bytes)
            if entry.stamped { stampedBytes += Int64(entry.bytes) }
        }

        mutating func remove(_ id: BulletinID) {
            guard let entry = entries.removeValue(forKey: id) else { return }
            bytes -= Int64(entry.bytes)
            bytesByChannel[entry.channel, default: 0] -= Int64(entry.bytes)
            if bytesByChannel[entry.channel] == 0 { bytesByChannel[entry.channel] = nil }
            if entry.stamped { stampedBytes -= Int64(entry.bytes) }
        }
    }

    /// The token bucket of strangers' bulletins taken.
    struct StrangerRate: Sendable {
        var tokens: Double
        var at: UnixTime?

        /// Tokens at `now` under `budget` (the clock going back adds none).
        func available(at now: UnixTime, budget: StrangerBudget) -> Double {
            guard let at else { return Double(budget.burst) }
            let elapsed = max(0, Double((now - at).milliseconds) / 1000)
            return min(Double(budget.burst), tokens + elapsed * budget.perSecond)
        }

        mutating func take(at now: UnixTime, budget: StrangerBudget) {
            tokens = available(at: now, budget: budget) - 1
            at = now
        }
    }

    // MARK: Who is a stranger

    /// Where `key` stands at `now`.
    public func standing(of key: AuthorKey, at now: UnixTime) -> Standing {
        if mayVouch(key, at: now) { return .voucher }
        for record in vouches[key] ?? [] where record.expires > now && mayVouch(record.signer, at: now) {
            return .vouched
        }
        if let hall = phoneHalls[key], mayVouch(hall, at: now) { return .vouched }
        return .stranger
    }

    /// True when `key` is no stranger to nodes that share this node's authorities: its
    /// standing here without the keys only this node knows.
    public func isKnownBeyondThisNode(_ key: AuthorKey, at now: UnixTime) -> Bool {
        var others = self
        others.rules.known = []
        return others.standing(of: key, at: now) != .stranger
    }

    /// Where `bulletin`'s author stands, counting a phone voucher it carries. `checkVoucher`
    /// false takes the voucher's claim on trust (the cheap check before the signature).
    func standing(ofAuthorOf bulletin: Bulletin, at now: UnixTime, checkVoucher: Bool = true) -> Standing {
        let standing = standing(of: bulletin.author, at: now)
        guard standing == .stranger, let hall = PhoneVoucher.claimedHall(of: bulletin), mayVouch(hall, at: now) else {
            return standing
        }
        guard checkVoucher else { return .vouched }
        return PhoneVoucher.hall(of: bulletin) == hall ? .vouched : .stranger
    }

    /// True when a vouch by `key` counts here: an authority, a key this node knows, a key
    /// holding an unexpired grant, or a key an authority vouched for. (One level: a key vouched
    /// for by anyone else may not vouch.)
    func mayVouch(_ key: AuthorKey, at now: UnixTime) -> Bool {
        if rules.authorities.contains(key) || rules.known.contains(key) { return true }
        for record in grants[key] ?? [] where record.expires > now {
            if rules.authorities.contains(record.signer) { return true }
            if grants[record.signer]?.contains(where: { $0.expires > now && rules.authorities.contains($0.signer) }) == true {
                return true
            }
        }
        return vouches[key]?.contains { $0.expires > now && rules.authorities.contains($0.signer) } == true
    }

    // MARK: The budget

    /// The stamp a stranger's bulletin on `channel` needs now: the channel's base cost, plus a
    /// bit for each eighth of the share filled past half (the flood raises it).
    public func stampCost(on channel: String) -> Int {
        let budget = rules.strangers
        let channelFill = Double(strangers.bytesByChannel[channel] ?? 0) / Double(max(1, budget.bytesMax(for: channel)))
        let nodeFill = Double(strangers.bytes) / Double(max(1, budget.bytesMax))
        let fill = max(channelFill, nodeFill)
        let rise = min(4, max(0, Int(fill * 8) - 4))
        return budget.stampBits(for: channel) + rise
    }

    /// Throws when a stranger's `bulletin` has no room: the share (half of it without a
    /// stamp), or the rate. Cheap: no signature, no store.
    func checkStrangerRoom(_ bulletin: Bulletin, at now: UnixTime) throws(TrustError) {
        let budget = rules.strangers
        let channel = bulletin.channel
        let cost = stampCost(on: channel)
        let stamped = Int(bulletin.stampBits) >= cost
        let size = Int64(bulletin.encoded.count)
        let channelCap = budget.bytesMax(for: channel)
        let (nodeLimit, channelLimit) = stamped ? (budget.bytesMax, channelCap) : (budget.bytesMax / 2, channelCap / 2)
        guard strangers.bytes + size <= nodeLimit, (strangers.bytesByChannel[channel] ?? 0) + size <= channelLimit else {
            throw .strangersFull(channel: channel, limit: channelCap / 2, stampBits: cost, stamped: stamped)
        }
        guard strangerRate.available(at: now, budget: budget) >= 1 else { throw .strangerRate(perSecond: budget.perSecond) }
    }

    /// The cheap checks a node makes before it pays for a signature: the block list, and room
    /// for a stranger (whose stamp is checked here). A bulletin refused here is refused for
    /// what its own bytes say, so a forger gains nothing by it.
    public func precheck(_ bulletin: Bulletin, at now: UnixTime) throws(TrustError) {
        if rules.blocked.contains(bulletin.author) { throw .blocked(bulletin.author) }
        guard standing(ofAuthorOf: bulletin, at: now, checkVoucher: false) == .stranger else { return }
        try checkStrangerRoom(bulletin, at: now)
    }

    /// Books a stored bulletin of a stranger (or a phone voucher found good).
    mutating func recordStanding(of bulletin: Bulletin, at now: UnixTime) {
        guard standing(of: bulletin.author, at: now) == .stranger else { return }
        if let hall = PhoneVoucher.claimedHall(of: bulletin), mayVouch(hall, at: now), PhoneVoucher.hall(of: bulletin) == hall {
            if phoneHalls.count >= Self.phoneHallsMax { phoneHalls.removeAll(keepingCapacity: true) }
            phoneHalls[bulletin.author] = hall
            return
        }
        let stamped = Int(bulletin.stampBits) >= rules.strangers.stampBits(for: bulletin.channel)
        strangers.add(
            bulletin.id,
            StrangerEntry(author: bulletin.author, channel: bulletin.channel, bytes: bulletin.encoded.count, stamped: stamped))
        strangerRate.take(at: now, budget: rules.strangers)
    }

    /// The store no longer holds `id` (expired, evicted, retracted, lost): its bytes leave the
    /// strangers' share.
    public mutating func didRemove(_ id: BulletinID) {
        strangers.remove(id)
    }

    /// `settleStrangers`, at the node's expiry pass.
    public mutating func settle(store: some BulletinStore, at now: UnixTime) {
        settleStrangers(store: store, at: now)
    }

    /// Drops from the strangers' books what `store` no longer holds and the bulletins of keys
    /// that are no longer strangers (a vouch or a grant arrived). O(strangers' bulletins held).
    public mutating func settleStrangers(store: some BulletinStore, at now: UnixTime) {
        var standings: [AuthorKey: Bool] = [:]
        for (id, entry) in strangers.entries {
            let stillStranger = standings[entry.author] ?? {
                let value = standing(of: entry.author, at: now) == .stranger
                standings[entry.author] = value
                return value
            }()
            if !stillStranger || !store.contains(id) { strangers.remove(id) }
        }
    }

    /// The strangers' share as it stands: bytes held, bytes of stamped ones, bulletins.
    public var strangerUsage: (bytes: Int64, stampedBytes: Int64, count: Int) {
        (strangers.bytes, strangers.stampedBytes, strangers.entries.count)
    }

    // MARK: What goes first when the disk is full

    /// The eviction class of a held bulletin (lower goes first): 0 expired, 1 a stranger's
    /// without a stamp, 2 a stranger's with one, 3 the rest of community traffic, 4 official
    /// and system bulletins (grants, vouches). A bulletin is never evicted to make room for one
    /// of a lower class.
    public func evictionClass(of id: BulletinID, channel: String, expires: UnixTime, at now: UnixTime) -> Int {
        if expires <= now { return 0 }
        if let entry = strangers.entries[id] { return entry.stamped ? 2 : 1 }
        return rules.channels.rule(for: channel).access == .community ? 3 : 4
    }

    /// The class `bulletin` will have once stored (its voucher was checked by `admit`).
    public func evictionClass(ofIncoming bulletin: Bulletin, at now: UnixTime) -> Int {
        if bulletin.expires <= now { return 0 }
        if standing(ofAuthorOf: bulletin, at: now, checkVoucher: false) == .stranger {
            return Int(bulletin.stampBits) >= rules.strangers.stampBits(for: bulletin.channel) ? 2 : 1
        }
        return rules.channels.rule(for: bulletin.channel).access == .community ? 3 : 4
    }
}
