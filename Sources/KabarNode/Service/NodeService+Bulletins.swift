import Kabar

// Posting, replying, editing and reading bulletins.
extension NodeService {
    /// Signs and stores a new post; returns it.
    public func post(_ parameters: PostParameters) throws(ServiceError) -> Bulletin {
        var request = PostRequest(
            channel: parameters.channel, title: parameters.title, body: parameters.body,
            lifetime: try lifetime(parameters.expiresInMs))
        request.attachments = try storeAttachments(parameters.attach ?? [], channel: parameters.channel)
        if let bits = parameters.stamp {
            guard (0...Stamp.bitsMax).contains(bits) else {
                throw .invalidInput(Localized(
                    en: "a stamp is 0 to \(Stamp.bitsMax) bits, not \(bits)", id: "stempel 0 sampai \(Stamp.bitsMax) bit, bukan \(bits)"))
            }
            request.stampBits = bits
        } else {
            request.stampBits = automaticStampBits(on: parameters.channel)
        }
        return try signAndWrite(request)
    }

    /// The stamp a post on `channel` gets when the operator names none: when this node's key
    /// is a stranger to the network (no authority, grant or authority's vouch makes it known
    /// beyond this node) and strangers fill at least half their share here, so that peers
    /// likely see the same flood, the channel's current stamp cost; else none.
    func automaticStampBits(on channel: String) -> Int {
        guard let own = try? identity().author else { return 0 }
        return host.withNode { node, now in
            guard let policy = node.admission as? TrustPolicy else { return (0, []) }
            let wall = node.clock?.now ?? now.wall
            let pressed = policy.strangerUsage.bytes * 2 >= policy.rules.strangers.bytesMax
            let bits = pressed && !policy.isKnownBeyondThisNode(own, at: wall) ? policy.stampCost(on: channel) : 0
            return (bits, [])
        }
    }

    /// Signs and stores a post on the target's channel that references it.
    public func reply(_ parameters: ReplyParameters) throws(ServiceError) -> Bulletin {
        let target = try find(parameters.to)
        guard target.kind == .post else {
            throw .invalidInput(Localized(
                en: "bulletin \(target.id.short) is not a post; only posts can be replied to",
                id: "buletin \(target.id.short) bukan kiriman; hanya kiriman yang dapat dibalas"))
        }
        var request = PostRequest(
            channel: target.channel, title: parameters.title ?? Self.replyTitle(target.title), body: parameters.body,
            lifetime: try lifetime(parameters.expiresInMs))
        request.references = [target.id]
        return try signAndWrite(request)
    }

    /// "Re: " and `title`, cut to the title limit at a character boundary.
    static func replyTitle(_ title: String) -> String {
        var text = title.hasPrefix("Re: ") ? title : "Re: " + title
        while text.utf8.count > BulletinCodec.titleBytesMax { text.removeLast() }
        return text
    }

    /// Signs and stores a new version of one of this node's posts.
    public func edit(_ parameters: EditParameters) throws(ServiceError) -> Bulletin {
        let target = try find(parameters.id)
        let identity = try identity()
        let now = try postingTime()
        let request = PostRequest(
            channel: target.channel, title: parameters.title ?? target.title, body: parameters.body,
            lifetime: try lifetime(parameters.expiresInMs))
        let bulletin = try Self.signing { try TrustOperations.edit(of: target, request, identity: identity, now: now, policy: policy) }
        try write(bulletin)
        return bulletin
    }

    /// Signs and stores a retraction (`hide: false`) or hide notice of the target; returns it
    /// and the ids now removed here.
    public func withdraw(_ parameters: TargetParameters, hide: Bool) throws(ServiceError) -> (Bulletin, [BulletinID]) {
        let target = try find(parameters.id)
        let identity = try identity()
        let now = try postingTime()
        let bulletin = try Self.signing {
            hide
                ? try TrustOperations.hide(of: target, identity: identity, now: now, policy: policy)
                : try TrustOperations.retraction(of: target, identity: identity, now: now, policy: policy)
        }
        return (bulletin, try write(bulletin))
    }

    /// Signs and stores a grant.
    public func grant(_ parameters: GrantParameters) throws(ServiceError) -> Bulletin {
        let grantee = try Self.key(parameters.key)
        let request = GrantRequest(
            grantee: grantee, channels: parameters.channels, lifetime: try lifetime(parameters.expiresInMs),
            moderator: parameters.moderator ?? false, mayGrant: parameters.mayGrant ?? false)
        let identity = try identity()
        let now = try postingTime()
        let bulletin = try Self.signing { try TrustOperations.grant(request, identity: identity, now: now, policy: policy) }
        do {
            try write(bulletin)
        } catch where error.message.en.hasPrefix(TrustError.grantNotAllowed(channel: "").localizedMessage.en.prefix(12)) {
            let key = identity.author.hex
            throw ServiceError(code: error.code, message: Localized(
                en: error.message.en + ". If this node's key is the authority, trust it here first: kabar authority add \(key)",
                id: error.message.id + ". Bila kunci node ini otoritasnya, percayai dulu di sini: kabar authority add \(key)"))
        }
        return bulletin
    }

    /// `vouch KEY...`: signs a vouch by this node's key and writes it; it counts wherever this
    /// key may vouch (Documentation/Trust.md, "Strangers").
    public func vouch(_ parameters: VouchParameters) throws(ServiceError) -> Bulletin {
        var keys: [AuthorKey] = []
        for text in parameters.keys { keys.append(try Self.key(text)) }
        let identity = try identity()
        let now = try postingTime()
        let lifetime = try lifetime(parameters.expiresInMs)
        let bulletin = try Self.signing { try TrustOperations.vouch(keys, lifetime: lifetime, identity: identity, now: now, policy: policy) }
        try write(bulletin)
        return bulletin
    }

    private func signAndWrite(_ request: PostRequest) throws(ServiceError) -> Bulletin {
        let identity = try identity()
        let now = try postingTime()
        let bulletin: Bulletin
        do {
            bulletin = try BulletinOperations.signedPost(request, identity: identity, now: now, policy: policy)
        } catch {
            throw .invalidInput(error.localizedMessage)
        }
        try write(bulletin)
        return bulletin
    }

    // MARK: Reading

    /// Bulletins matching `parameters`, newest first, without the versions an edit replaced.
    public func list(_ parameters: ListParameters) throws(ServiceError) -> [Bulletin] {
        var query = BulletinQuery(text: parameters.search ?? "", limit: parameters.limit ?? 50)
        if let limit = parameters.limit, !(1...BulletinQuery.limitMax).contains(limit) {
            throw .invalidInput(Localized(
                en: "the limit is a whole number from 1 to \(BulletinQuery.limitMax), not \(limit)",
                id: "batasnya bilangan bulat 1 sampai \(BulletinQuery.limitMax), bukan \(limit)"))
        }
        if let channel = parameters.channel {
            guard BulletinCodec.isValidChannelName(channel) else {
                throw .invalidInput(BulletinError.invalidChannelName(channel).localizedMessage)
            }
            query.channel = channel
        } else {
            // Hall reports (one per hall, Reach.md) are listed only when `kabar` is asked for.
            query.excludedKind = HallReport.kind
        }
        if let text = parameters.author {
            guard let author = AuthorKey(hex: text.trimmingSpaces) else {
                throw .invalidInput(Localized(
                    en: "the author is a public key of 64 hex characters, not '\(text.prefix(80))'",
                    id: "penulis adalah kunci publik 64 karakter hex, bukan '\(text.prefix(80))'"))
            }
            query.author = author
        }
        return BulletinListing.current(store.query(query))
    }

    /// A bulletin and the replies to it, oldest reply first (at most `repliesMax`).
    public func thread(_ parameters: TargetParameters) throws(ServiceError) -> (Bulletin, [Bulletin]) {
        let bulletin = try find(parameters.id)
        if replyIndex == nil { buildReplyIndex() }
        let replies = (replyIndex?[bulletin.id] ?? []).compactMap { store.bulletin($0) }
            .sorted { ($0.created, $0.id) < ($1.created, $1.id) }
        return (bulletin, Array(replies.prefix(Self.repliesMax)))
    }

    /// Replies a thread shows, at most.
    public static let repliesMax = 1_000

    /// Reads every post once to index replies by what they reply to: O(store) the first time a
    /// thread is shown; stored bulletins keep it current after (`noteReply`).
    func buildReplyIndex() {
        var index: [BulletinID: [BulletinID]] = [:]
        store.forEachItem { _, id in
            guard store.summary(id)?.kind == .post, let bulletin = store.bulletin(id) else { return }
            for reference in bulletin.references where index[reference, default: []].count < Self.repliesMax {
                index[reference, default: []].append(id)
            }
        }
        replyIndex = index
    }

    func noteReply(_ bulletin: Bulletin) {
        guard replyIndex != nil, bulletin.kind == .post else { return }
        for reference in bulletin.references where replyIndex?[reference, default: []].count ?? 0 < Self.repliesMax {
            // Written here and then reported by the daemon's event too: index it once.
            guard replyIndex?[reference]?.contains(bulletin.id) != true else { continue }
            replyIndex?[reference, default: []].append(bulletin.id)
        }
    }

    /// The bulletin named by a full id or a prefix of 8 or more hex characters.
    public func find(_ text: String) throws(ServiceError) -> Bulletin {
        do {
            return try BulletinOperations.find(String(text.prefix(80)), in: store)
        } catch let error as IDPrefixError {
            switch error {
            case .tooShort, .notHex: throw .invalidInput(error.message)
            case .notFound: throw ServiceError(code: "not_found", message: error.message)
            case .ambiguous: throw ServiceError(code: "ambiguous", message: error.message)
            }
        } catch {
            throw .from(error)
        }
    }

    // MARK: Helpers

    func lifetime(_ milliseconds: Int64?) throws(ServiceError) -> TimeSpan? {
        guard let milliseconds else { return nil }
        guard milliseconds > 0, milliseconds <= BulletinCodec.timeMax else {
            throw .invalidInput(Localized(
                en: "a lifetime must be positive, such as 12h, 3d or 2w", id: "masa berlaku harus positif, seperti 12h, 3d atau 2w"))
        }
        return .milliseconds(milliseconds)
    }

    /// A public key typed as 64 hex digits.
    static func key(_ text: String) throws(ServiceError) -> AuthorKey {
        guard let key = AuthorKey(hex: text.trimmingSpaces) else {
            throw .invalidInput(Localized(
                en: "KEY is a public key of 64 hex characters (see 'kabar id'), not '\(text.prefix(80))'",
                id: "KEY adalah kunci publik 64 karakter hex (lihat 'kabar id'), bukan '\(text.prefix(80))'"))
        }
        return key
    }

    /// Runs `body` (signing a trust action), with its errors typed.
    static func signing<Result>(_ body: () throws -> Result) throws(ServiceError) -> Result {
        do {
            return try body()
        } catch {
            throw .from(error)
        }
    }
}
