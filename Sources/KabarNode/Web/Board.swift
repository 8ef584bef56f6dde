import Kabar
import KabarCrypto
import KabarHTTP

/// The hall board: villagers read and post from their phones (Documentation/Board.md).
///
/// # Theory of operation
///
/// `HTTPServer` parses requests and calls `respond(to:from:at:)` on the daemon's loop; the board
/// answers from the node service, which owns the node: reads come from the store, and a phone's
/// post goes through `NodeService.webPost`, the board's one door (limits, signing with the
/// phone's derived key and the hall's voucher, then the node's own door, or the review queue).
/// The board keeps only what a web front end must: which phones hold which cookie (nothing:
/// the cookie *is* the token), operator sessions, PIN attempts and a cache of voucher checks.
///
/// Every response carries a Content-Security-Policy that allows only this node (and, for the
/// post page's previews, `blob:` images and audio it makes itself), `nosniff` and
/// `Referrer-Policy: same-origin`. Every form carries the phone's form token, and a POST whose
/// token is wrong, or whose `Origin` is another host, is refused (403): a page elsewhere cannot
/// post in a villager's name. Nothing here reads a file by a path from a request.
public final class Board {
    /// Who asked: the peer's and our own address, for the portal's redirect.
    public struct Client: Sendable {
        public var address: String
        /// The address the phone reached us at ("10.42.0.1:80"), if known.
        public var localAddress: String?
        public init(address: String, localAddress: String? = nil) {
            self.address = address
            self.localAddress = localAddress
        }
    }

    let service: NodeService
    private var random: any RandomSource
    /// Operator sessions (cookie token -> expiry, monotonic microseconds), at most `sessionsMax`.
    private var operatorSessions: [String: Int64] = [:]
    /// Wrong PINs: when each of the latest happened (monotonic microseconds).
    private var pinFailures: [Int64] = []
    /// Voucher verdicts by bulletin id (a signature check each; a page shows up to 45).
    private var voucherCache: [BulletinID: AuthorKey?] = [:]
    /// Lists the pages showed, by what was asked, while the store is unchanged: a channel
    /// filter or a search scans the whole index (12 ms to 1 s at 50,000 bulletins), and 50
    /// phones ask the same few questions.
    private var listCache: [String: [Bulletin]] = [:]
    private var listCacheGeneration: (count: Int, appended: Int64) = (-1, -1)
    static let listCacheEntriesMax = 64
    /// The text of the posts held, for search (kept up by `housekeeping`).
    private var searchIndex = BoardSearchIndex()

    /// Bulletins the board lists on a page, at most.
    static let pageItemsMax = 40
    /// Official bulletins pinned on top, at most.
    static let pinnedMax = 5
    /// `limit` the JSON API takes, at most.
    static let apiLimitMax = 200
    /// A search text, at most (characters).
    static let queryCharactersMax = 200
    static let sessionsMax = 16
    static let sessionLifetime: Int64 = 3_600 * 1_000_000
    /// Wrong PINs allowed within `pinWindow`; then the operator page waits out the window.
    static let pinFailuresMax = 5
    static let pinWindow: Int64 = 15 * 60 * 1_000_000
    static let voucherCacheMax = 4_096
    /// How long a visit lasts: "new" marks bulletins since the visit before the current one.
    static let visitGap: Int64 = 30 * 60 * 1_000

    /// The post form's file field.
    static let attachField = "attach"
    /// Room for the post form's text fields around an uploaded file.
    static let uploadFormBytesMax = 64 * 1024

    static let languageCookie = "kabar_lang"
    static let lastVisitCookie = "kabar_last"
    static let newSinceCookie = "kabar_since"
    static let operatorCookie = "kabar_op"

    /// A board over `service`; `random` makes phone tokens and operator sessions.
    public init(service: NodeService, random: any RandomSource) {
        self.service = service
        self.random = random
    }

    /// The request limits the board's server needs: a post (multipart/form-data to `/post`)
    /// may carry a file of `attachmentBytesMax` with the form around it; every other request
    /// keeps the small default bound.
    public static func httpLimits(attachmentBytesMax: Int) -> HTTPLimits {
        HTTPLimits(uploadBodyBytesMax: attachmentBytesMax + uploadFormBytesMax, uploadPaths: ["/post"])
    }

    // MARK: Answering

    /// The answer to `request`; `now` is monotonic microseconds.
    public func respond(to request: HTTPRequest, from client: Client, at now: Int64) -> HTTPResponse {
        var exchange = Exchange(request: request, language: language(of: request))
        var response: HTTPResponse
        do {
            let hall = try service.identity()
            exchange.phone = phone(for: request, hall: hall, setting: &exchange.cookies)
            response = try route(&exchange, hall: hall, client: client, now: now)
        } catch {
            response = page(.internalServerError, BoardPages(context: fallbackContext(exchange)).message(
                BoardText.refused, error.message, path: "/"))
        }
        return finish(response, exchange)
    }

    /// One request in flight: what it asked and what the answer must set.
    struct Exchange {
        var request: HTTPRequest
        var language: Language
        var phone: PhoneIdentity?
        var cookies: [String] = []
    }

    private func route(_ exchange: inout Exchange, hall: Identity, client: Client, now: Int64) throws(ServiceError) -> HTTPResponse {
        let request = exchange.request
        let path = request.path
        let isRead = request.method == .get || request.method == .head
        guard isRead || request.method == .post else { return methodNotAllowed("GET, HEAD, POST") }
        if service.settings.web.portal, let probe = portalProbe(path) {
            _ = probe
            let host = client.localAddress ?? request.host ?? ""
            return HTTPResponse(status: .found, headers: ["Location": "http://\(host)/", "Cache-Control": "no-store"])
        }
        if path == "/kabar.css" {
            guard isRead else { return methodNotAllowed("GET, HEAD") }
            return HTTPResponse(status: .ok, headers: ["Content-Type": "text/css; charset=utf-8", "Cache-Control": "max-age=86400"],
                                body: Array(BoardStyle.css.utf8))
        }
        if path == BoardScript.path {
            guard isRead else { return methodNotAllowed("GET, HEAD") }
            return HTTPResponse(status: .ok, headers: ["Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "max-age=86400"],
                                body: Array(BoardScript.source.utf8))
        }
        if path.hasPrefix("/a/") {
            guard isRead else { return methodNotAllowed("GET, HEAD") }
            return attachmentFile(path)
        }
        if path.hasPrefix("/api/") {
            guard isRead else { return methodNotAllowed("GET, HEAD") }
            return try api(request)
        }
        let pages = BoardPages(context: context(exchange, hall: hall))
        switch (path, isRead) {
        case ("/", true): return board(request, pages)
        case ("/post", true): return page(.ok, pages.postForm(channel: "warga", title: "", body: "", channels: communityChannels(), error: nil))
        case ("/post", false): return try post(exchange, pages, replyTo: nil)
        case ("/search", true): return search(request, pages)
        case ("/channels", true): return page(.ok, pages.channels(channelRows()))
        case ("/operator", true): return try operatorPage(exchange, pages, now: now)
        case ("/operator", false): return try operatorLogin(&exchange, pages, client: client, now: now)
        case ("/operator/decide", false): return try operatorDecide(exchange, pages, now: now)
        case ("/", false), ("/search", false), ("/channels", false), ("/operator/decide", true):
            return methodNotAllowed(path == "/operator/decide" ? "POST" : "GET, HEAD")
        default: break
        }
        if let (id, isReply) = bulletinPath(path) {
            switch (isReply, isRead) {
            case (false, true): return bulletinPage(id, pages, error: nil, status: .ok)
            case (true, false): return try post(exchange, pages, replyTo: id)
            default: return methodNotAllowed(isReply ? "POST" : "GET, HEAD")
            }
        }
        return page(.notFound, pages.message(BoardText.notFound, BoardText.notFoundBody, path: "/"))
    }

    // MARK: Reading

    private func board(_ request: HTTPRequest, _ pages: BoardPages) -> HTTPResponse {
        let channel = request.query["channel"].flatMap { BulletinCodec.isValidChannelName($0) ? $0 : nil }
        let rules = service.settings.channels
        let pinned = channel != nil ? [] : cachedList("pinned") {
            var official: [Bulletin] = []
            for rule in rules.sortedRules where rule.access == .official {
                official += (try? service.list(ListParameters(channel: rule.name, limit: Self.pinnedMax))) ?? []
            }
            return Array(official.sorted { ($0.created, $0.id) > ($1.created, $1.id) }.prefix(Self.pinnedMax))
        }
        let pinnedIDs = Set(pinned.map(\.id))
        let listed = cachedList("board " + (channel ?? "")) {
            (try? service.list(ListParameters(channel: channel, limit: Self.pageItemsMax + Self.pinnedMax))) ?? []
        }
        let others = listed.filter { !pinnedIDs.contains($0.id) && $0.kind == .post && $0.references.isEmpty }
        let notice = request.query["pending"] == "1" ? BoardText.queued : nil
        return page(.ok, pages.board(pinned: pinned, others: Array(others.prefix(Self.pageItemsMax)), channel: channel, notice: notice))
    }

    private func search(_ request: HTTPRequest, _ pages: BoardPages) -> HTTPResponse {
        let query = String((request.query["q"] ?? "").trimmingSpaces.prefix(Self.queryCharactersMax))
        let results = query.isEmpty ? [] : search(query, limit: Self.pageItemsMax)
        let partial = searchIndex.isComplete ? nil : (indexed: searchIndex.indexedCount, held: searchIndex.heldCount)
        return page(.ok, pages.search(query, results: results, partial: partial))
    }

    /// Posts holding every word of `query`, newest first, from the search index (brought up to
    /// the store first, within a bound of reads).
    private func search(_ query: String, limit: Int) -> [Bulletin] {
        searchIndex.catchUp(service.store, readsMax: BoardSearchIndex.readsPerSecondMax / 4)
        return cachedList("search " + query) {
            searchIndex.search(query, limit: limit).compactMap { service.store.bulletin($0) }
        }
    }

    /// Keeps the search index up with the store; the daemon calls it about once a second.
    public func housekeeping() {
        searchIndex.catchUp(service.store, readsMax: BoardSearchIndex.readsPerSecondMax)
    }

    private func bulletinPage(_ id: BulletinID, _ pages: BoardPages, error: Localized?, status: HTTPStatus) -> HTTPResponse {
        guard let (bulletin, replies) = try? service.thread(TargetParameters(id: id.hex)), bulletin.kind == .post else {
            return page(.notFound, pages.message(BoardText.notFound, BoardText.notFoundBody, path: "/b/\(id.hex)"))
        }
        return page(status, pages.bulletin(bulletin, replies: replies, error: error))
    }

    private func channelRows() -> [(name: String, official: Bool, held: Int)] {
        let held = StoreStatus(counting: service.store, diskBytes: nil, quotaBytes: nil).byChannel
        return service.settings.channels.sortedRules.filter { $0.access != .system }.map {
            (name: $0.name, official: $0.access == .official, held: held[$0.name] ?? 0)
        }
    }

    private func communityChannels() -> [String] {
        service.settings.channels.sortedRules.filter { $0.access == .community }.map(\.name)
    }

    /// `/api/bulletins?channel=C&limit=N` and `/api/bulletins/ID`: the keys of `kabar list --json`.
    private func api(_ request: HTTPRequest) throws(ServiceError) -> HTTPResponse {
        let json = ["Content-Type": "application/json; charset=utf-8"] as HTTPHeaders
        if request.path == "/api/bulletins" {
            var limit = 50
            if let text = request.query["limit"] {
                guard let value = Int(text), (1...Self.apiLimitMax).contains(value) else {
                    return apiError(.badRequest, "limit is a whole number from 1 to \(Self.apiLimitMax)")
                }
                limit = value
            }
            let channel = request.query["channel"]
            if let channel, !BulletinCodec.isValidChannelName(channel) { return apiError(.badRequest, "no such channel name") }
            let bulletins: [Bulletin]
            if let query = request.query["q"].map({ String($0.prefix(Self.queryCharactersMax)) }), !query.isEmpty {
                bulletins = search(query, limit: Self.apiLimitMax).filter { channel == nil || $0.channel == channel }.prefix(limit).map { $0 }
            } else {
                bulletins = try service.list(ListParameters(channel: channel, limit: limit))
            }
            let infos = attachmentInfo(bulletins)
            let body = bulletins.isEmpty ? "[]" : "[\n" + bulletins.map { BulletinJSON.object($0, replies: [], attachments: infos) }.joined(separator: ",\n") + "\n]"
            return HTTPResponse(status: .ok, headers: json, body: Array((body + "\n").utf8))
        }
        guard request.path.hasPrefix("/api/bulletins/"), let id = BulletinID(hex: String(request.path.dropFirst("/api/bulletins/".count))) else {
            return apiError(.notFound, "no such resource; see /api/bulletins")
        }
        guard let (bulletin, replies) = try? service.thread(TargetParameters(id: id.hex)) else {
            return apiError(.notFound, "no bulletin \(id.hex) on this node")
        }
        let infos = attachmentInfo([bulletin] + replies)
        let received = service.officeReceipt(of: bulletin)?.receivedAt.milliseconds
        let object = BulletinJSON.object(bulletin, replies: replies, attachments: infos, officeReceived: .some(received))
        return HTTPResponse(status: .ok, headers: json, body: Array((object + "\n").utf8))
    }

    /// `/a/ID`: an attachment this node holds whole, of a type the board serves, with its name
    /// for a download; every block checked on the way out.
    private func attachmentFile(_ path: String) -> HTTPResponse {
        guard let id = ContentID(hex: String(path.dropFirst(3))), path.utf8.count == 3 + 64 else {
            return HTTPResponse.plainText(.notFound, "no such attachment\n")
        }
        let manifest: AttachmentManifest, bytes: [UInt8]
        do {
            (manifest, bytes) = try service.attachment(id)
        } catch {
            return HTTPResponse.plainText(.notFound, error.message.id + "\n" + error.message.en + "\n")
        }
        guard BoardPages.servedTypes.contains(manifest.type) else {
            return HTTPResponse.plainText(.unsupportedMediaType, "the board does not serve \(manifest.type)\n")
        }
        // The name is the poster's: only letters, digits and . - _ go into the header.
        let safeName = String(manifest.name.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || ".-_".unicodeScalars.contains($0)) }.prefix(100))
        let disposition = manifest.type.hasPrefix("image/") || manifest.type.hasPrefix("audio/") ? "inline" : "attachment"
        return HTTPResponse(status: .ok, headers: [
            "Content-Type": manifest.type, "Content-Disposition": "\(disposition); filename=\"\(safeName.isEmpty ? "lampiran" : safeName)\"",
            "Cache-Control": "private, max-age=86400",
        ], body: bytes)
    }

    /// What this node holds of the attachments of `bulletins`, by id.
    private func attachmentInfo(_ bulletins: [Bulletin]) -> [String: AttachmentInfo] {
        let ids = Array(Set(bulletins.flatMap(\.content.attachments)).map(\.hex).sorted().prefix(AttachmentListParameters.idsMax))
        guard !ids.isEmpty, let infos = try? service.attachmentInfo(AttachmentListParameters(ids: ids)) else { return [:] }
        return Dictionary(infos.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private func apiError(_ status: HTTPStatus, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json; charset=utf-8"],
                     body: Array("{\"error\":\(BulletinJSON.quote(message))}\n".utf8))
    }

    // MARK: Posting

    /// `POST /post` and `POST /b/ID/reply`.
    private func post(_ exchange: Exchange, _ pages: BoardPages, replyTo: BulletinID?) throws(ServiceError) -> HTTPResponse {
        let form: HTTPFormFields, attachment: WebAttachment?
        do {
            (form, attachment) = try postForm(exchange.request)
        } catch {
            return page(.badRequest, pages.message(BoardText.refused, error.message, path: "/post"))
        }
        guard let phone = exchange.phone, isSameOrigin(exchange.request), phone.acceptsForm(form["csrf"] ?? "") else {
            return page(.forbidden, pages.message(BoardText.refused, BoardText.foreignForm, path: "/post"))
        }
        let request = WebPostRequest(
            channel: (form["channel"] ?? "").trimmingSpaces.lowercased(), title: form["title"] ?? "", body: form["body"] ?? "",
            replyTo: replyTo, attachment: attachment)
        do {
            switch try service.webPost(request, phone: phone) {
            case .posted(let bulletin):
                return HTTPResponse(status: .seeOther, headers: ["Location": "/b/\(replyTo?.hex ?? bulletin.id.hex)"])
            case .queued:
                return HTTPResponse(status: .seeOther, headers: ["Location": "/?pending=1"])
            }
        } catch {
            let status: HTTPStatus = switch error.code {
            case "limit", "queue_full": .tooManyRequests
            case "posting_off": .forbidden
            case "too_large": .contentTooLarge
            case "unsupported_type": .unsupportedMediaType
            default: .badRequest
            }
            if let replyTo { return bulletinPage(replyTo, pages, error: error.message, status: status) }
            return page(status, pages.postForm(channel: request.channel, title: request.title, body: request.body,
                                               channels: communityChannels(), error: error.message))
        }
    }

    /// A post's text fields and its file: a url-encoded form, or a multipart one (the post form
    /// with its file input) holding at most one file in `attach`. A file field sent with no file
    /// chosen (no name, no bytes) is no file.
    private func postForm(_ request: HTTPRequest) throws(ServiceError) -> (HTTPFormFields, WebAttachment?) {
        let unreadable = ServiceError.invalidInput(Localized(en: "The form could not be read.", id: "Formulir tidak dapat dibaca."))
        let contentType = request.headers["Content-Type"]
        guard HTTPMultipartForm.isFormData(contentType: contentType) else {
            guard let fields = try? HTTPFormFields(urlEncoded: request.body) else { throw unreadable }
            return (fields, nil)
        }
        let form: HTTPMultipartForm, fields: HTTPFormFields
        do {
            form = try HTTPMultipartForm(parsing: request.body, contentType: contentType ?? "")
            fields = try form.textFields()
        } catch {
            throw unreadable
        }
        let files = form.files(named: Self.attachField).filter { !($0.filename == "" && $0.body.isEmpty) }
        guard files.count <= 1 else { throw .invalidInput(BoardText.oneFile) }
        return (fields, files.first.map { WebAttachment(bytes: $0.body, name: $0.filename ?? "", claimedType: $0.contentType) })
    }

    /// A form post must come from a page of this host: an `Origin` (or `Sec-Fetch-Site`) that
    /// says otherwise is refused; old browsers send neither, and the form token covers them.
    private func isSameOrigin(_ request: HTTPRequest) -> Bool {
        if let site = request.headers["Sec-Fetch-Site"], site != "same-origin", site != "none" { return false }
        guard let origin = request.headers["Origin"] else { return true }
        guard let host = request.host else { return false }
        return origin == "http://" + host || origin == "https://" + host
    }

    // MARK: The operator

    private func operatorPage(_ exchange: Exchange, _ pages: BoardPages, now: Int64) throws(ServiceError) -> HTTPResponse {
        guard isOperator(exchange.request, now: now) else { return page(.ok, pages.operatorLogin(error: nil)) }
        return page(.ok, pages.operatorQueue(try service.pendingWebPosts()))
    }

    private func operatorLogin(_ exchange: inout Exchange, _ pages: BoardPages, client: Client, now: Int64) throws(ServiceError) -> HTTPResponse {
        guard let form = try? HTTPFormFields(urlEncoded: exchange.request.body), let phone = exchange.phone,
            isSameOrigin(exchange.request), phone.acceptsForm(form["csrf"] ?? "")
        else { return page(.forbidden, pages.message(BoardText.refused, BoardText.foreignForm, path: "/operator")) }
        pinFailures.removeAll { $0 + Self.pinWindow <= now }
        guard pinFailures.count < Self.pinFailuresMax else { return page(.tooManyRequests, pages.operatorLogin(error: BoardText.locked)) }
        guard let pin = try WebPIN.load(from: service.host.data) else { return page(.forbidden, pages.operatorLogin(error: BoardText.noPin)) }
        guard pin.accepts(form["pin"] ?? "") else {
            pinFailures.append(now)
            return page(.forbidden, pages.operatorLogin(error: BoardText.wrongPin))
        }
        operatorSessions = operatorSessions.filter { $0.value > now }
        if operatorSessions.count >= Self.sessionsMax, let oldest = operatorSessions.min(by: { ($0.value, $0.key) < ($1.value, $1.key) }) {
            operatorSessions[oldest.key] = nil
        }
        let session = Hex.encode(randomBytes(16))
        operatorSessions[session] = now + Self.sessionLifetime
        exchange.cookies.append("\(Self.operatorCookie)=\(session); Path=/operator; Max-Age=3600; HttpOnly; SameSite=Strict")
        return HTTPResponse(status: .seeOther, headers: ["Location": "/operator"])
    }

    private func operatorDecide(_ exchange: Exchange, _ pages: BoardPages, now: Int64) throws(ServiceError) -> HTTPResponse {
        guard let form = try? HTTPFormFields(urlEncoded: exchange.request.body), let phone = exchange.phone,
            isSameOrigin(exchange.request), phone.acceptsForm(form["csrf"] ?? ""), isOperator(exchange.request, now: now)
        else { return page(.forbidden, pages.message(BoardText.refused, BoardText.foreignForm, path: "/operator")) }
        guard let number = form["number"].flatMap({ Int($0) }) else { return HTTPResponse(status: .seeOther, headers: ["Location": "/operator"]) }
        do {
            if form["decision"] == "approve" { _ = try service.approveWebPost(number) } else { _ = try service.rejectWebPost(number) }
        } catch {
            return page(.badRequest, pages.message(BoardText.refused, error.message, path: "/operator"))
        }
        return HTTPResponse(status: .seeOther, headers: ["Location": "/operator"])
    }

    private func isOperator(_ request: HTTPRequest, now: Int64) -> Bool {
        guard let session = request.cookies[Self.operatorCookie], let expiry = operatorSessions[session] else { return false }
        return expiry > now
    }

    // MARK: Pieces

    private func context(_ exchange: Exchange, hall: Identity) -> BoardPages.Context {
        BoardPages.Context(
            language: exchange.language, hallLabel: hall.label, hallKey: hall.author, formToken: exchange.phone?.formToken ?? "",
            posting: service.settings.web.posting, newSince: newSince(exchange.request), rules: service.settings.channels,
            voucher: { [unowned self] in self.voucher(of: $0) }, authorityLabel: { [unowned self] in self.authorityLabel(of: $0) },
            attachments: { [unowned self] bulletin in
                let infos = self.attachmentInfo([bulletin])
                return bulletin.content.attachments.compactMap { infos[$0.hex] }
            }, attachmentBytesMax: Int(clamping: service.settings.attachmentBytesMax),
            officeReceived: { [unowned self] in self.service.officeReceipt(of: $0)?.receivedAt }, officeKeys: service.officeKeys())
    }

    private func fallbackContext(_ exchange: Exchange) -> BoardPages.Context {
        BoardPages.Context(
            language: exchange.language, hallLabel: "Kabar", hallKey: nil,
            formToken: "", posting: .off, newSince: nil, rules: service.settings.channels, voucher: { _ in nil },
            authorityLabel: { _ in nil })
    }

    /// `make()`'s bulletins for `key`, from the cache while the store is unchanged.
    private func cachedList(_ key: String, _ make: () -> [Bulletin]) -> [Bulletin] {
        let generation = (service.store.count, service.store.bytesAppended)
        if generation != listCacheGeneration || listCache.count >= Self.listCacheEntriesMax {
            listCache.removeAll(keepingCapacity: true)
            listCacheGeneration = generation
        }
        if let cached = listCache[key] { return cached }
        let made = make()
        listCache[key] = made
        return made
    }

    /// The name kabar.conf gives the authority behind an official bulletin: its author's, when
    /// the author is an authority, else that of the authority whose grant (directly, or through
    /// the one level of re-granting the trust rules allow) covers the author on that channel.
    private func authorityLabel(of bulletin: Bulletin) -> String? {
        let labels = service.settings.authorityLabels
        if let label = labels[bulletin.author] { return label }
        let grants = cachedList("grants") {
            ((try? service.list(ListParameters(channel: ChannelRules.systemChannel, limit: BulletinQuery.limitMax))) ?? [])
                .filter { $0.kind == .grant }
        }
        var grantees = [bulletin.author]
        for _ in 0..<2 {
            var granters: [AuthorKey] = []
            for grant in grants {
                guard let content = grant.content.grant, grantees.contains(content.grantee), content.channels.contains(bulletin.channel)
                else { continue }
                if let label = labels[grant.author] { return label }
                granters.append(grant.author)
            }
            grantees = granters
        }
        return nil
    }

    private func voucher(of bulletin: Bulletin) -> AuthorKey? {
        if let cached = voucherCache[bulletin.id] { return cached }
        if voucherCache.count >= Self.voucherCacheMax { voucherCache.removeAll(keepingCapacity: true) }
        let hall = PhoneVoucher.hall(of: bulletin)
        voucherCache[bulletin.id] = hall
        return hall
    }

    /// The phone's identity from its cookie; a phone without one gets a new token.
    private func phone(for request: HTTPRequest, hall: Identity, setting cookies: inout [String]) -> PhoneIdentity {
        if let value = request.cookies[PhoneIdentity.cookieName], let token = PhoneIdentity.token(fromCookie: value) {
            return PhoneIdentity(token: token, hall: hall)
        }
        let token = randomBytes(PhoneIdentity.tokenByteCount)
        cookies.append("\(PhoneIdentity.cookieName)=\(Hex.encode(token)); Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax")
        return PhoneIdentity(token: token, hall: hall)
    }

    private func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        // getrandom(2) does not fail for 16 bytes once the kernel's pool is ready; if it ever
        // did, the token would still be unique per process start and count (not secret).
        do { try bytes.withUnsafeMutableBytes { try random.fill($0) } } catch { preconditionFailure("getrandom failed: \(error)") }
        return bytes
    }

    private func language(of request: HTTPRequest) -> Language {
        if let code = request.query["lang"], let language = Language(code: code) { return language }
        if let code = request.cookies[Self.languageCookie], let language = Language(code: code) { return language }
        return .indonesian
    }

    private func newSince(_ request: HTTPRequest) -> UnixTime? {
        request.cookies[Self.newSinceCookie].flatMap { Int64($0) }.map { UnixTime(milliseconds: $0) }
    }

    /// The headers every answer of the board carries.
    static let securityHeaders: [(String, String)] = [
        // blob: images and audio: the post page previews the photo it scaled and the voice
        // note it recorded from the phone's own bytes; scripts never come from blob:.
        ("Content-Security-Policy",
         "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        // same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` on
        // the board's own form posts, which the Origin check must refuse.
        ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"),
    ]

    /// The page for a request the HTTP server refused before the board saw it: a post too large
    /// (a full-size photo sent with JavaScript off, most likely) is told so in both languages,
    /// with the limit, instead of "body larger than N bytes"; other refusals keep the server's
    /// plain line. There is no request to take a language from, so both are shown.
    public func refusalPage(for error: HTTPError) -> HTTPResponse? {
        guard case .bodyTooLarge(let bytesMax) = error else { return nil }
        let text = BoardText.tooLarge(bytesMax: bytesMax)
        let pages = BoardPages(context: BoardPages.Context(
            language: .indonesian, hallLabel: "Kabar", hallKey: nil, formToken: "", posting: .off, newSince: nil,
            rules: service.settings.channels, voucher: { _ in nil }, authorityLabel: { _ in nil }))
        let main = "<h1>\(pages.t(BoardText.refused))</h1><p>\(HTML.escape(text.id))</p><p lang=\"en\">\(HTML.escape(text.en))</p>"
            + "<p><a href=\"/post\">\(pages.t(BoardText.newPost))</a></p>"
        var response = page(.contentTooLarge, pages.page(title: BoardText.refused.id, path: "/post", main))
        for (name, value) in Self.securityHeaders { response.headers.replaceOrAdd(name: name, value: value) }
        response.headers.add(name: "Cache-Control", value: "no-store")
        return response
    }

    /// Security headers, cookies (language, visit times) on every response.
    private func finish(_ response: HTTPResponse, _ exchange: Exchange) -> HTTPResponse {
        var response = response
        for (name, value) in Self.securityHeaders { response.headers.replaceOrAdd(name: name, value: value) }
        if !response.headers.contains(name: "Cache-Control") { response.headers.add(name: "Cache-Control", value: "private, no-cache") }
        var cookies = exchange.cookies
        if let code = exchange.request.query["lang"], let language = Language(code: code) {
            cookies.append("\(Self.languageCookie)=\(language.rawValue); Path=/; Max-Age=31536000; SameSite=Lax")
        }
        if exchange.request.path == "/" && response.status == .ok { cookies += visitCookies(exchange.request) }
        for cookie in cookies { response.headers.add(name: "Set-Cookie", value: cookie) }
        return response
    }

    /// The board marks bulletins newer than the phone's visit before this one: the last visit's
    /// time moves to `kabar_since` once a visit is over (`visitGap` later).
    private func visitCookies(_ request: HTTPRequest) -> [String] {
        let now = service.host.bestTime().milliseconds
        let last = request.cookies[Self.lastVisitCookie].flatMap { Int64($0) }
        var cookies = ["\(Self.lastVisitCookie)=\(now); Path=/; Max-Age=31536000; SameSite=Lax"]
        if let last, now - last > Self.visitGap {
            cookies.append("\(Self.newSinceCookie)=\(last); Path=/; Max-Age=31536000; SameSite=Lax")
        } else if last == nil {
            cookies.append("\(Self.newSinceCookie)=\(now); Path=/; Max-Age=31536000; SameSite=Lax")
        }
        return cookies
    }

    private func page(_ status: HTTPStatus, _ html: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: Array(html.utf8))
    }

    private func methodNotAllowed(_ allowed: String) -> HTTPResponse {
        var response = HTTPResponse.plainText(.methodNotAllowed, "method not allowed here; allowed: \(allowed)\n")
        response.headers.add(name: "Allow", value: allowed)
        return response
    }

    /// `/b/ID` and `/b/ID/reply`, with ID 64 hex digits.
    private func bulletinPath(_ path: String) -> (BulletinID, isReply: Bool)? {
        guard path.hasPrefix("/b/") else { return nil }
        let rest = path.dropFirst(3)
        let isReply = rest.hasSuffix("/reply")
        let hex = isReply ? rest.dropLast("/reply".count) : rest
        guard hex.utf8.count == 64, let id = BulletinID(hex: String(hex)) else { return nil }
        return (id, isReply)
    }

    /// The connectivity checks phones make on joining a Wi-Fi: answered with a redirect to the
    /// board when `web.portal` is on, so the phone opens it (and, on iPhones, stays on the
    /// network).
    private func portalProbe(_ path: String) -> String? {
        let probes = ["/generate_204", "/gen_204", "/hotspot-detect.html", "/library/test/success.html", "/connecttest.txt",
                      "/ncsi.txt", "/redirect", "/success.txt", "/canonical.html"]
        return probes.contains(path) ? path : nil
    }
}
