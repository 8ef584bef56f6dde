import Kabar

/// What the service keeps of phones' posts.
struct WebPostState: Sendable {
    /// The review queue, read from the data folder at its first use.
    var queue: WebPostQueue?
    /// When each of the last 24 hours' phone posts was accepted, and by which phone (at most
    /// `web.posts_per_day` entries: older ones fall off the front).
    var recent: [(phone: AuthorKey, at: UnixTime)] = []
}

/// A phone's post or reply as the board received it.
public struct WebPostRequest: Sendable, Equatable {
    public var channel: String
    public var title: String
    public var body: String
    /// The bulletin it replies to (a full id), if a reply.
    public var replyTo: BulletinID?
    /// A photo or voice note the phone attached (one at most), checked and stored with the post.
    public var attachment: WebAttachment?

    public init(channel: String, title: String, body: String, replyTo: BulletinID? = nil, attachment: WebAttachment? = nil) {
        self.channel = channel
        self.title = title
        self.body = body
        self.replyTo = replyTo
        self.attachment = attachment
    }
}

/// What became of a phone's post.
public enum WebPostOutcome: Sendable, Equatable {
    /// Stored and spreading.
    case posted(Bulletin)
    /// Waiting for the operator, as entry `number`.
    case queued(number: Int)
}

/// One post waiting for the operator.
public struct PendingWebPost: Sendable, Equatable {
    /// Its stable number (`approve N`).
    public var number: Int
    /// The signed post.
    public var bulletin: Bulletin
}

// Posts from phones on the hall board (Documentation/Board.md). This is the board's one door:
// limits, signing with the phone's key and the hall's voucher, then open or review.
extension NodeService {
    static let day = TimeSpan.days(1)

    /// Signs `request` for `phone` and posts it, or queues it for the operator.
    ///
    /// Everything that can refuse the post is checked before its file is stored (posting on,
    /// the daily limits, the text, the queue's room, the file's size, type and magic bytes), so
    /// a refused post leaves no blocks behind; the file's blocks are synced before the post is
    /// signed, as for `kabar post --attach`.
    public func webPost(_ request: WebPostRequest, phone: PhoneIdentity) throws(ServiceError) -> WebPostOutcome {
        let web = settings.web
        guard web.posting != .off else {
            throw ServiceError(code: "posting_off", message: Localized(
                en: "this hall's board does not take posts from phones", id: "papan balai ini tidak menerima kiriman dari ponsel"))
        }
        let now = try postingTime()
        try checkWebLimits(phone: phone.author, now: now, settings: web)
        var post = try phonePost(request)
        do {
            _ = try BulletinOperations.checkedContent(post, author: phone.author, now: now, policy: policy)
        } catch {
            throw .invalidInput(error.localizedMessage)
        }
        if web.posting == .review, try webQueue().isFull {
            throw ServiceError(code: "queue_full", message: Localized(
                en: "\(WebPostQueue.entriesMax) posts are already waiting for the operator; try again later",
                id: "\(WebPostQueue.entriesMax) kiriman sudah menunggu operator; coba lagi nanti"))
        }
        if let attachment = request.attachment { post.attachments = [try storeWebAttachment(attachment, channel: post.channel)] }
        let bulletin = try signForPhone(post, phone: phone, now: now)
        switch web.posting {
        case .review:
            var queue = try webQueue()
            let number = queue.append(bulletin)
            try queue.save(to: host.data)
            self.web.queue = queue
            noteWebPost(phone: phone.author, at: now, settings: web)
            return .queued(number: number)
        case .open, .off:
            try write(bulletin)
            noteWebPost(phone: phone.author, at: now, settings: web)
            return .posted(bulletin)
        }
    }

    /// The attachments that posts waiting for the operator list: their blocks are stored, but
    /// no stored post lists them yet, so block eviction must keep them. Throws when the queue
    /// cannot be read: an evictor must then keep every block rather than guess.
    public func pendingWebAttachmentRoots() throws(ServiceError) -> Set<ContentID> {
        Set(try webQueue().entries.flatMap(\.bulletin.content.attachments))
    }

    /// The posts waiting for the operator, oldest first.
    public func pendingWebPosts() throws(ServiceError) -> [PendingWebPost] {
        try webQueue().entries.map { PendingWebPost(number: $0.number, bulletin: $0.bulletin) }
    }

    /// Posts waiting entry `number` through the one door; returns it.
    public func approveWebPost(_ number: Int) throws(ServiceError) -> Bulletin {
        var queue = try webQueue()
        guard let bulletin = queue.remove(number) else { throw noPendingPost(number) }
        try write(bulletin)
        try queue.save(to: host.data)
        web.queue = queue
        return bulletin
    }

    /// Drops entry `number`; returns it.
    public func rejectWebPost(_ number: Int) throws(ServiceError) -> Bulletin {
        var queue = try webQueue()
        guard let bulletin = queue.remove(number) else { throw noPendingPost(number) }
        try queue.save(to: host.data)
        web.queue = queue
        return bulletin
    }

    private func webQueue() throws(ServiceError) -> WebPostQueue {
        if let queue = web.queue { return queue }
        let (queue, _) = try WebPostQueue.load(from: host.data)
        web.queue = queue
        return queue
    }

    private func noPendingPost(_ number: Int) -> ServiceError {
        .invalidInput(Localized(
            en: "no post number \(number) is waiting (see 'pending')", id: "tidak ada kiriman nomor \(number) yang menunggu (lihat 'pending')"))
    }

    /// The phone's file checked (size, a type the board serves, magic bytes) and stored.
    private func storeWebAttachment(_ attachment: WebAttachment, channel: String) throws(ServiceError) -> ContentID {
        let checked: (type: WebMediaType, name: String)
        do {
            checked = try attachment.checked(bytesMax: Int(clamping: attachmentSizeMax(on: channel)))
        } catch {
            throw error.serviceError
        }
        return try storeAttachment(attachment.bytes, name: checked.name, type: checked.type.rawValue, channel: channel)
    }

    /// What the phone asked for as a post: a reply takes its original's channel (and a title
    /// from it), and only community channels take phones' posts.
    private func phonePost(_ request: WebPostRequest) throws(ServiceError) -> PostRequest {
        var post = PostRequest(channel: request.channel, title: request.title, body: request.body)
        if let target = request.replyTo {
            let original = try find(target.hex)
            guard original.kind == .post else {
                throw .invalidInput(Localized(en: "only posts can be replied to", id: "hanya kiriman yang dapat dibalas"))
            }
            post.channel = original.channel
            post.references = [original.id]
            if post.title.trimmingSpaces.isEmpty { post.title = Self.replyTitle(original.title) }
        }
        guard policy.channels.rule(for: post.channel).access == .community else {
            throw .invalidInput(Localized(
                en: "'\(post.channel)' is an official channel: phones may post on community channels such as warga or pasar",
                id: "'\(post.channel)' saluran resmi: ponsel boleh mengirim ke saluran warga seperti warga atau pasar"))
        }
        return post
    }

    private func signForPhone(_ post: PostRequest, phone: PhoneIdentity, now: UnixTime) throws(ServiceError) -> Bulletin {
        let hall = try identity()
        do {
            return try BulletinOperations.signedPost(
                post, identity: phone.identity, now: now, policy: policy, fields: [PhoneVoucher.field(hall: hall, phone: phone.author)])
        } catch {
            throw .invalidInput(error.localizedMessage)
        }
    }

    /// The hall's and the phone's limits over the last 24 hours.
    private func checkWebLimits(phone: AuthorKey, now: UnixTime, settings web: WebSettings) throws(ServiceError) {
        self.web.recent.removeAll { $0.at + Self.day <= now || $0.at > now + Self.day }
        guard self.web.recent.count < web.postsPerDay else {
            throw ServiceError(code: "limit", message: Localized(
                en: "this hall's board has taken its \(web.postsPerDay) posts for today; try again tomorrow",
                id: "papan balai ini sudah menerima \(web.postsPerDay) kiriman hari ini; coba lagi besok"))
        }
        guard self.web.recent.filter({ $0.phone == phone }).count < web.postsPerPhone else {
            throw ServiceError(code: "limit", message: Localized(
                en: "this phone has posted \(web.postsPerPhone) times today, the most a phone may; try again tomorrow",
                id: "ponsel ini sudah mengirim \(web.postsPerPhone) kali hari ini, batas satu ponsel; coba lagi besok"))
        }
    }

    private func noteWebPost(phone: AuthorKey, at now: UnixTime, settings web: WebSettings) {
        self.web.recent.append((phone, now))
        if self.web.recent.count > max(web.postsPerDay, 1) { self.web.recent.removeFirst(self.web.recent.count - web.postsPerDay) }
    }
}
