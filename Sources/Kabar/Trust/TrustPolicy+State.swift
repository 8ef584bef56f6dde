// The state half: what a stored bulletin changes, and rebuilding it all from a store.
extension TrustPolicy {
    /// Records `bulletin` (just stored) and returns the bulletins the node must now drop:
    /// targets of a retraction or hide that this node honours.
    public mutating func didStore(_ bulletin: Bulletin, at now: UnixTime, store: some BulletinStore) -> [BulletinRemoval] {
        recordStanding(of: bulletin, at: now)
        record(bulletin)
        // A vouch or a grant can end strangers' standing: their bulletins leave the share.
        if bulletin.kind == .grant || Vouch.isVouchKind(bulletin) { settleStrangers(store: store, at: now) }
        var removals: [BulletinRemoval] = []
        if let replaced = recordReport(bulletin), store.contains(replaced.id) {
            removals.append(BulletinRemoval(id: replaced.id, until: replaced.expires))
        }
        if bulletin.kind == .retraction || bulletin.kind == .hide {
            let isHide = bulletin.kind == .hide
            for reference in bulletin.references {
                guard let target = store.bulletin(reference),
                    withdraws(signer: bulletin.author, channel: bulletin.channel, isHide: isHide, target: target, at: now)
                else { continue }
                removals.append(BulletinRemoval(id: target.id, until: target.expires))
                forget(target)
            }
        }
        storesSincePrune += 1
        if storesSincePrune >= Self.pruneInterval { prune(at: now) }
        return removals
    }

    /// Derives grants, retractions, hides and quota usage from everything `store` holds, in
    /// (created, id) order; returns targets that must be dropped (a crash may have come
    /// between storing a retraction and dropping its target).
    public mutating func rebuild(from store: some BulletinStore, at now: UnixTime) -> [BulletinRemoval] {
        grants = [:]
        actions = [:]
        usage = [:]
        vouches = [:]
        reports = [:]
        phoneHalls = [:]
        strangers = StrangerLedger()
        var items: [(UnixTime, BulletinID)] = []
        store.forEachItem { created, id in items.append((created, id)) }
        items.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var removals: [BulletinRemoval] = []
        var removed: Set<BulletinID> = []
        for (_, id) in items where !removed.contains(id) {
            guard let bulletin = store.bulletin(id) else { continue }
            for removal in didStore(bulletin, at: now, store: store) where removed.insert(removal.id).inserted {
                removals.append(removal)
            }
        }
        // Vouches met later in the walk count for the bulletins met before them; the walk
        // takes nothing from the rate, which starts full.
        settleStrangers(store: store, at: now)
        strangerRate = StrangerRate(tokens: 0, at: nil)
        return removals
    }

    /// Every bulletin by `key` in `store`, as removals (for `kabar block`): sorted by id.
    public static func removals(of key: AuthorKey, in store: some BulletinStore) -> [BulletinRemoval] {
        var ids: [BulletinID] = []
        store.forEachItem { _, id in ids.append(id) }
        return ids.sorted().compactMap { id in
            guard let bulletin = store.bulletin(id), bulletin.author == key else { return nil }
            return BulletinRemoval(id: id, until: bulletin.expires)
        }
    }

    private mutating func record(_ bulletin: Bulletin) {
        let key = UsageKey(author: bulletin.author, channel: bulletin.channel, day: Self.day(of: bulletin.created))
        usage[key, default: Usage()].count += 1
        usage[key, default: Usage()].bytes += bulletin.encoded.count
        switch bulletin.kind {
        case .grant:
            guard let grant = bulletin.content.grant else { return }
            let record = GrantRecord(id: bulletin.id, signer: bulletin.author, grant: grant, expires: bulletin.expires)
            grants[grant.grantee, default: []].append(record)
        case .retraction, .hide:
            let record = ActionRecord(
                id: bulletin.id, isHide: bulletin.kind == .hide, signer: bulletin.author, channel: bulletin.channel,
                expires: bulletin.expires)
            for reference in bulletin.references where !(actions[reference]?.contains { $0.id == bulletin.id } ?? false) {
                actions[reference, default: []].append(record)
            }
        case .unknown:
            guard let vouch = Vouch(bulletin) else { return }
            let record = VouchRecord(id: bulletin.id, signer: bulletin.author, expires: bulletin.expires)
            for key in vouch.keys { vouches[key, default: []].append(record) }
        case .post:
            return
        }
    }

    /// A withdrawn grant stops authorising at once.
    private mutating func forget(_ target: Bulletin) {
        if reports[target.author]?.id == target.id { reports[target.author] = nil }
        if let vouch = Vouch(target) {
            for key in vouch.keys {
                vouches[key]?.removeAll { $0.id == target.id }
                if vouches[key]?.isEmpty == true { vouches[key] = nil }
            }
        }
        guard target.kind == .grant, let grant = target.content.grant else { return }
        grants[grant.grantee]?.removeAll { $0.id == target.id }
        if grants[grant.grantee]?.isEmpty == true { grants[grant.grantee] = nil }
    }

    /// Drops expired grants and actions, and usage of days no bulletin can still be alive in.
    mutating func prune(at now: UnixTime) {
        storesSincePrune = 0
        grants = grants.compactMapValues { records in
            let live = records.filter { $0.expires > now }
            return live.isEmpty ? nil : live
        }
        actions = actions.compactMapValues { records in
            let live = records.filter { $0.expires > now }
            return live.isEmpty ? nil : live
        }
        vouches = vouches.compactMapValues { records in
            let live = records.filter { $0.expires > now }
            return live.isEmpty ? nil : live
        }
        reports = reports.filter { $0.value.expires > now }
        let oldestDay = Self.day(of: now - ChannelRules.hardMaximumLifetime) - 1
        usage = usage.filter { $0.key.day >= oldestDay }
    }
}
