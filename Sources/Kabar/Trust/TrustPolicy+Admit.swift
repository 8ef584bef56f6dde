// The admission half: may this bulletin be stored here?
extension TrustPolicy {
    /// Throws a `TrustError` when `bulletin` (already well-formed, signed and in date) breaks
    /// a trust rule at `now`.
    public func admit(_ bulletin: Bulletin, at now: UnixTime, store: some BulletinStore) throws {
        try check(bulletin, at: now, store: store)
    }

    /// `admit` with a typed error.
    public func check(_ bulletin: Bulletin, at now: UnixTime, store: some BulletinStore) throws(TrustError) {
        if rules.blocked.contains(bulletin.author) { throw .blocked(bulletin.author) }
        if let action = withdrawingAction(for: bulletin, at: now) { throw .withdrawn(by: action) }
        if Vouch.isVouchKind(bulletin) {
            try checkVouch(bulletin, at: now)
            return
        }
        if HallReport.isReportKind(bulletin) {
            try checkReport(bulletin, at: now)
            return
        }
        switch bulletin.kind {
        case .grant:
            try checkGrant(bulletin, at: now)
        case .retraction:
            try checkRetraction(bulletin, at: now, store: store)
        case .hide:
            try checkHide(bulletin, at: now, store: store)
        case .post, .unknown:
            if let target = bulletin.content.supersedes, let old = store.bulletin(target), old.author != bulletin.author {
                throw .editNotAuthor(target: target)
            }
            try checkChannel(bulletin, at: now)
        }
        if standing(ofAuthorOf: bulletin, at: now) == .stranger { try checkStrangerRoom(bulletin, at: now) }
    }

    /// A vouch must be well-formed and signed by a key that may vouch here; past the
    /// authorities, vouches count against the signer's daily quota on `kabar`.
    func checkVouch(_ bulletin: Bulletin, at now: UnixTime) throws(TrustError) {
        guard Vouch(bulletin) != nil else { throw .vouchMalformed }
        guard mayVouch(bulletin.author, at: now) else { throw .vouchNotAllowed }
        if !rules.authorities.contains(bulletin.author) { try checkQuota(bulletin) }
    }

    /// The id of a held retraction or hide that withdraws `bulletin`, if any (smallest id).
    func withdrawingAction(for bulletin: Bulletin, at now: UnixTime) -> BulletinID? {
        guard let records = actions[bulletin.id] else { return nil }
        return records.filter {
            withdraws(signer: $0.signer, channel: $0.channel, isHide: $0.isHide, target: bulletin, at: now)
        }.map(\.id).min()
    }

    /// Who may post on the bulletin's channel: official needs a grant; community has quotas.
    func checkChannel(_ bulletin: Bulletin, at now: UnixTime) throws(TrustError) {
        let channel = bulletin.channel
        let rights = rights(of: bulletin.author, on: channel, at: now)
        switch rules.channels.rule(for: channel).access {
        case .official:
            guard rights.post else { throw .notAuthorised(channel: channel) }
        case .system:
            guard rules.authorities.contains(bulletin.author) else { throw .systemChannel(channel: channel) }
        case .community:
            if rights.post { return }
            try checkQuota(bulletin)
        }
    }

    func checkQuota(_ bulletin: Bulletin) throws(TrustError) {
        let quota = rules.quota(for: bulletin.channel)
        let key = UsageKey(author: bulletin.author, channel: bulletin.channel, day: Self.day(of: bulletin.created))
        let used = usage[key] ?? Usage()
        guard used.count < quota.countPerDayMax else {
            throw .quotaCount(channel: bulletin.channel, limit: quota.countPerDayMax)
        }
        guard used.bytes + bulletin.encoded.count <= quota.bytesPerDayMax else {
            throw .quotaBytes(channel: bulletin.channel, limit: quota.bytesPerDayMax)
        }
    }

    /// A grant needs an authority, or a first-level grantee that may grant every channel
    /// named, for no longer than its own grant, without moderation it lacks, and without
    /// letting the sub-grantee grant again.
    func checkGrant(_ bulletin: Bulletin, at now: UnixTime) throws(TrustError) {
        guard bulletin.channel == ChannelRules.systemChannel, let grant = bulletin.content.grant else {
            throw .systemChannel(channel: bulletin.channel)
        }
        let signer = bulletin.author
        if rules.authorities.contains(signer) { return }
        for channel in grant.channels {
            let parent = rights(of: signer, on: channel, at: now)
            guard parent.regrant, let until = parent.regrantUntil else { throw .grantNotAllowed(channel: channel) }
            if grant.mayGrant { throw .grantTooDeep }
            guard bulletin.expires <= until, !grant.moderator || parent.moderate else {
                throw .grantExceedsParent(channel: channel)
            }
        }
    }

    /// A retraction of held targets needs their author or a moderator of their channel. One
    /// whose targets are not here yet is held like any bulletin on its channel, and takes
    /// effect only if its signer turns out to be allowed.
    func checkRetraction(_ bulletin: Bulletin, at now: UnixTime, store: some BulletinStore) throws(TrustError) {
        var allKnown = true
        for reference in bulletin.references {
            guard let target = store.bulletin(reference) else {
                allKnown = false
                continue
            }
            guard withdraws(signer: bulletin.author, channel: bulletin.channel, isHide: false, target: target, at: now) else {
                throw .retractionNotAllowed(target: reference)
            }
        }
        if !allKnown { try checkChannel(bulletin, at: now) }
    }

    /// A hide notice needs a moderator this node trusts for its channel.
    func checkHide(_ bulletin: Bulletin, at now: UnixTime, store: some BulletinStore) throws(TrustError) {
        guard rights(of: bulletin.author, on: bulletin.channel, at: now).moderate else {
            throw .hideNotTrusted(channel: bulletin.channel)
        }
        for reference in bulletin.references {
            if let target = store.bulletin(reference), target.channel != bulletin.channel {
                throw .hideWrongChannel(target: reference)
            }
        }
    }
}
