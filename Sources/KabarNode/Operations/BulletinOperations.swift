import Kabar
import KabarCrypto

/// The rules behind `kabar post`, `list`, `show` and `export`, on any store, with no printing.
/// The node service calls them; what is signed goes to the node's one door (`Node.submit`).
public enum BulletinOperations {
    /// Checks `request`, dates it `now` and signs it, without storing it: the service hands the
    /// result to the node's one door (`Node.submit`), which stores it and tells the peers.
    public static func signedPost(
        _ request: PostRequest, identity: Identity, now: UnixTime, policy: BulletinPolicy = BulletinPolicy(),
        fields: [UnknownField] = []
    ) throws(PostError) -> Bulletin {
        var content = try checkedContent(request, author: identity.author, now: now, policy: policy)
        content.unknownFields += fields
        do {
            if request.stampBits > 0 { content = try Stamp.stamp(content, bits: request.stampBits) }
            let bulletin = try Bulletin.sign(content, with: identity.key)
            // The pair of the checks above: what we sign must pass what every peer will check.
            try bulletin.verifySignature()
            try policy.checkTimes(bulletin, now: now)
            return bulletin
        } catch {
            throw .rejected(error)
        }
    }

    /// The content `request` makes, or the first rule it breaks. Nothing is signed here.
    public static func checkedContent(
        _ request: PostRequest, author: AuthorKey, now: UnixTime, policy: BulletinPolicy = BulletinPolicy()
    ) throws(PostError) -> BulletinContent {
        guard BulletinCodec.isValidChannelName(request.channel) else { throw .invalidChannel(request.channel) }
        let title = request.title.trimmingSpaces
        let body = request.normalisedBody
        guard !title.isEmpty else { throw .missingTitle }
        guard title.utf8.count <= BulletinCodec.titleBytesMax else {
            throw .titleTooLong(bytes: title.utf8.count, limit: BulletinCodec.titleBytesMax)
        }
        guard body.utf8.count <= BulletinCodec.bodyBytesMax else {
            throw .bodyTooLong(bytes: body.utf8.count, limit: BulletinCodec.bodyBytesMax)
        }
        guard title.unicodeScalars.allSatisfy({ BulletinCodec.isAllowed($0, in: .title) }) else { throw .controlCharacterInTitle }
        guard body.unicodeScalars.allSatisfy({ BulletinCodec.isAllowed($0, in: .body) }) else { throw .controlCharacterInBody }
        let rule = policy.channels.rule(for: request.channel)
        let lifetime = request.lifetime ?? rule.defaultLifetime
        guard lifetime <= rule.maximumLifetime else {
            throw .lifetimeTooLong(
                days: lifetime.milliseconds / 86_400_000, limitDays: rule.maximumLifetime.milliseconds / 86_400_000,
                channel: request.channel)
        }
        var content = BulletinContent(
            kind: .post, author: author, created: now, expires: now + lifetime, channel: request.channel)
        content.title = title
        content.body = body
        content.references = request.references
        content.attachments = request.attachments
        do {
            try policy.checkTimes(created: content.created, expires: content.expires, channel: content.channel, now: now)
        } catch {
            throw .rejected(error)
        }
        return content
    }

    /// The bulletin whose id is `text` or starts with it (at least `IDPrefix.charactersMin`
    /// hex characters).
    public static func find(_ text: String, in store: some BulletinStore) throws -> Bulletin {
        let id = try store.resolve(prefix: text.trimmingSpaces)
        guard let bulletin = store.bulletin(id) else { throw ShowError.unreadable(id) }
        return bulletin
    }

    /// Calls `body` with each bulletin an export of `store` writes, oldest first (ties by id):
    /// created at or after `since`, on `channel` when given, not expired at `now`. Holds one
    /// bulletin at a time (and the ids). Returns how many it passed to `body`.
    @discardableResult
    public static func forEachExported(
        from store: some BulletinStore, channel: String?, since: UnixTime?, now: UnixTime,
        _ body: (Bulletin) throws -> Void
    ) rethrows -> Int {
        var items: [StoreItem] = []
        store.forEachItem { created, id in
            if since.map({ created >= $0 }) ?? true { items.append(StoreItem(created: created, id: id)) }
        }
        items.sort()
        var count = 0
        for item in items {
            guard let bulletin = store.bulletin(item.id), bulletin.expires > now,
                channel.map({ bulletin.channel == $0 }) ?? true
            else { continue }
            try body(bulletin)
            count += 1
        }
        return count
    }
}

/// Why `show` could not show a bulletin it found.
public enum ShowError: Error, Equatable, Sendable, LocalizedError {
    /// The store holds the id but could not read its bytes back (disk damage).
    case unreadable(BulletinID)

    public var localizedMessage: Localized {
        switch self {
        case .unreadable(let id):
            return Localized(
                en: "bulletin \(id.hex) is listed but its bytes could not be read back (damaged disk?)",
                id: "buletin \(id.hex) tercatat tetapi isinya tidak dapat dibaca (disk rusak?)")
        }
    }
}
