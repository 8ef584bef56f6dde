import Foundation
import Kabar

/// The control socket's protocol, version 1 (Documentation/Control.md): line-delimited JSON,
/// one typed request per line in, one or more typed reply lines out.
///
///     client                                        node
///       {"v":1,"op":"list","channel":"pasar"}  ->
///                                              <-   {"type":"bulletin","encoded":"AQ..."}   (0 or more)
///                                              <-   {"type":"done","count":2}               (or "error")
///
/// No command line, working folder or printed text crosses the socket: the request names the
/// operation and its parameters, the reply carries values, and the front end (the CLI, the
/// REPL, the board) words them. A large result streams one bulletin per line, so no line grows
/// with the result.
public enum ControlProtocol {
    /// The protocol version this build speaks.
    public static let version = 1
    /// A request line, at most (a post's body is at most 15,000 bytes).
    public static let lineBytesMax = 1 << 20
    /// A reply line, at most, as a client accepts it: one bulletin, one result, one event.
    public static let replyLineBytesMax = 4 << 20

    /// `value` as one line of JSON, newline included.
    public static func encodeLine(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings and numbers cannot fail.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Array(data) + [UInt8(ascii: "\n")]
    }

    /// Decodes one line (without its newline).
    public static func decode<Value: Decodable>(
        _ type: Value.Type, line: some Collection<UInt8>, limit: Int = lineBytesMax
    ) throws(ServiceError) -> Value {
        guard line.count <= limit else { throw .lineTooLong(limit: limit) }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: Data(line))
        } catch let error as ServiceError {
            throw error
        } catch let error as DecodingError {
            throw .badRequest(describe(error))
        } catch {
            throw .badRequest("not JSON")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "not a JSON object" : "'\(path)' has the wrong type"
        @unknown default: return "not a request"
        }
    }
}

// MARK: - Requests

/// One operation asked of the node service. Each case has its own parameters.
public enum ControlRequest: Sendable, Equatable {
    case post(PostParameters)
    case reply(ReplyParameters)
    case edit(EditParameters)
    case retract(TargetParameters)
    case hide(TargetParameters)
    case list(ListParameters)
    case search(ListParameters)
    case show(TargetParameters)
    case export(ExportParameters)
    case importBundle(PathParameters)
    case authority(KeyListParameters)
    case grant(GrantParameters)
    case block(KeyListParameters)
    /// `known add|remove|list`: keys this node knows (never strangers here; they may vouch).
    case known(KeyListParameters)
    /// `vouch KEY...`: a signed vouch by this node's key.
    case vouch(VouchParameters)
    case status
    case peers
    case sync
    case channels
    case reload
    case watch
    /// What this node knows and holds of attachments (`kabar list/show --json`).
    case attachments(AttachmentListParameters)
    /// Writes an attachment held here to a file (`kabar attachment get`).
    case attachmentGet(AttachmentGetParameters)
    /// Phones' posts waiting for the operator (`web.posting = review`).
    case pending
    /// Posts pending entry `number`.
    case approve(NumberParameters)
    /// Drops pending entry `number`.
    case reject(NumberParameters)
    /// Which halls' reports list a bulletin (Documentation/Reach.md).
    case reach(TargetParameters)
    /// Every hall with a live report.
    case halls

    /// The operation's name on the wire.
    public var operation: String {
        switch self {
        case .post: "post"
        case .reply: "reply"
        case .edit: "edit"
        case .retract: "retract"
        case .hide: "hide"
        case .list: "list"
        case .search: "search"
        case .show: "show"
        case .export: "export"
        case .importBundle: "import"
        case .authority: "authority"
        case .grant: "grant"
        case .block: "block"
        case .known: "known"
        case .vouch: "vouch"
        case .status: "status"
        case .peers: "peers"
        case .sync: "sync"
        case .channels: "channels"
        case .reload: "reload"
        case .watch: "watch"
        case .attachments: "attachments"
        case .attachmentGet: "attachment_get"
        case .pending: "pending"
        case .approve: "approve"
        case .reject: "reject"
        case .reach: "reach"
        case .halls: "halls"
        }
    }

    /// True for the operations only a running node can do (no store work offline).
    public var needsRunningNode: Bool {
        switch self {
        case .peers, .sync, .reload, .watch: true
        default: false
        }
    }
}

/// `post`: a new post.
public struct PostParameters: Codable, Sendable, Equatable {
    public var channel: String
    public var title: String
    public var body: String
    /// Lifetime in milliseconds; nil for the channel's default.
    public var expiresInMs: Int64?
    /// Files to attach: absolute paths the node reads as its own user (like `import`).
    public var attach: [String]?
    /// A proof-of-work stamp of this many bits (0: none); nil: the node decides
    /// (`NodeService.automaticStampBits`).
    public var stamp: Int?
    public init(channel: String, title: String, body: String, expiresInMs: Int64? = nil, attach: [String]? = nil, stamp: Int? = nil) {
        self.channel = channel
        self.title = title
        self.body = body
        self.expiresInMs = expiresInMs
        self.attach = attach
        self.stamp = stamp
    }
}

/// `reply`: a post on the target's channel that references it.
public struct ReplyParameters: Codable, Sendable, Equatable {
    /// The id (or a prefix of 8+ hex digits) replied to.
    public var to: String
    /// Nil: "Re: " and the target's title.
    public var title: String?
    public var body: String
    public var expiresInMs: Int64?
    public init(to: String, title: String? = nil, body: String, expiresInMs: Int64? = nil) {
        self.to = to
        self.title = title
        self.body = body
        self.expiresInMs = expiresInMs
    }
}

/// `edit`: a new version of one of this node's posts.
public struct EditParameters: Codable, Sendable, Equatable {
    public var id: String
    /// Nil: the old title.
    public var title: String?
    public var body: String
    public var expiresInMs: Int64?
    public init(id: String, title: String? = nil, body: String, expiresInMs: Int64? = nil) {
        self.id = id
        self.title = title
        self.body = body
        self.expiresInMs = expiresInMs
    }
}

/// `retract`, `hide`, `show`: one bulletin, by id or prefix.
public struct TargetParameters: Codable, Sendable, Equatable {
    public var id: String
    public init(id: String) { self.id = id }
}

/// `list` and `search`.
public struct ListParameters: Codable, Sendable, Equatable {
    public var channel: String?
    /// 64 hex digits.
    public var author: String?
    public var search: String?
    /// 1 to 10,000 (default 50).
    public var limit: Int?
    public init(channel: String? = nil, author: String? = nil, search: String? = nil, limit: Int? = nil) {
        self.channel = channel
        self.author = author
        self.search = search
        self.limit = limit
    }
}

/// `export`: an absolute path the node writes as its own user.
public struct ExportParameters: Codable, Sendable, Equatable {
    public var path: String
    public var channel: String?
    /// Only bulletins created at or after this time (milliseconds since 1970).
    public var sinceMs: Int64?
    public init(path: String, channel: String? = nil, sinceMs: Int64? = nil) {
        self.path = path
        self.channel = channel
        self.sinceMs = sinceMs
    }
}

/// `attachments`: attachment content ids (64 hex), at most `idsMax`.
public struct AttachmentListParameters: Codable, Sendable, Equatable {
    public var ids: [String]
    public static let idsMax = 1_024
    public init(ids: [String]) { self.ids = ids }
}

/// `attachment_get`: an attachment's id, the absolute path the node writes it to, and whether
/// an existing file may be replaced.
public struct AttachmentGetParameters: Codable, Sendable, Equatable {
    public var id: String
    public var path: String
    public var force: Bool?
    public init(id: String, path: String, force: Bool = false) {
        self.id = id
        self.path = path
        self.force = force
    }
}

/// One attachment as `list --json` and `show --json` show it. `name`, `type` and `size` are
/// null while this node lacks the attachment's manifest.
public struct AttachmentInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String?
    public var type: String?
    public var size: UInt64?
    /// File bytes held here.
    public var have: UInt64
    public init(id: String, name: String?, type: String?, size: UInt64?, have: UInt64) {
        self.id = id
        self.name = name
        self.type = type
        self.size = size
        self.have = have
    }
}

/// `approve` and `reject`: a pending post's number.
public struct NumberParameters: Codable, Sendable, Equatable {
    public var number: Int
    public init(number: Int) { self.number = number }
}

/// `import`: an absolute path.
public struct PathParameters: Codable, Sendable, Equatable {
    public var path: String
    public init(path: String) { self.path = path }
}

/// `authority` and `block`: add, remove or list a key list.
public struct KeyListParameters: Codable, Sendable, Equatable {
    /// "add", "remove" or "list".
    public var action: String
    public var key: String?
    public init(action: String, key: String? = nil) {
        self.action = action
        self.key = key
    }
}

/// `vouch`: the keys (hex), and how long the vouch lasts.
public struct VouchParameters: Codable, Sendable, Equatable {
    public var keys: [String]
    public var expiresInMs: Int64?
    public init(keys: [String], expiresInMs: Int64? = nil) {
        self.keys = keys
        self.expiresInMs = expiresInMs
    }
}

/// `grant`.
public struct GrantParameters: Codable, Sendable, Equatable {
    public var key: String
    public var channels: [String]
    public var expiresInMs: Int64?
    public var moderator: Bool?
    public var mayGrant: Bool?
    public init(key: String, channels: [String], expiresInMs: Int64? = nil, moderator: Bool = false, mayGrant: Bool = false) {
        self.key = key
        self.channels = channels
        self.expiresInMs = expiresInMs
        self.moderator = moderator
        self.mayGrant = mayGrant
    }
}

extension ControlRequest: Codable {
    private enum Keys: String, CodingKey { case v, op }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let version = try container.decodeIfPresent(Int.self, forKey: .v) ?? ControlProtocol.version
        guard version == ControlProtocol.version else { throw ServiceError.unsupportedVersion(version) }
        let operation = try container.decode(String.self, forKey: .op)
        switch operation {
        case "post": self = .post(try PostParameters(from: decoder))
        case "reply": self = .reply(try ReplyParameters(from: decoder))
        case "edit": self = .edit(try EditParameters(from: decoder))
        case "retract": self = .retract(try TargetParameters(from: decoder))
        case "hide": self = .hide(try TargetParameters(from: decoder))
        case "list": self = .list(try ListParameters(from: decoder))
        case "search": self = .search(try ListParameters(from: decoder))
        case "show": self = .show(try TargetParameters(from: decoder))
        case "export": self = .export(try ExportParameters(from: decoder))
        case "import": self = .importBundle(try PathParameters(from: decoder))
        case "authority": self = .authority(try KeyListParameters(from: decoder))
        case "grant": self = .grant(try GrantParameters(from: decoder))
        case "block": self = .block(try KeyListParameters(from: decoder))
        case "known": self = .known(try KeyListParameters(from: decoder))
        case "vouch": self = .vouch(try VouchParameters(from: decoder))
        case "status": self = .status
        case "peers": self = .peers
        case "sync": self = .sync
        case "channels": self = .channels
        case "reload": self = .reload
        case "watch": self = .watch
        case "attachments": self = .attachments(try AttachmentListParameters(from: decoder))
        case "attachment_get": self = .attachmentGet(try AttachmentGetParameters(from: decoder))
        case "pending": self = .pending
        case "approve": self = .approve(try NumberParameters(from: decoder))
        case "reject": self = .reject(try NumberParameters(from: decoder))
        case "reach": self = .reach(try TargetParameters(from: decoder))
        case "halls": self = .halls
        default: throw ServiceError.unknownOperation(String(operation.prefix(40)))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(ControlProtocol.version, forKey: .v)
        try container.encode(operation, forKey: .op)
        switch self {
        case .post(let parameters): try parameters.encode(to: encoder)
        case .reply(let parameters): try parameters.encode(to: encoder)
        case .edit(let parameters): try parameters.encode(to: encoder)
        case .retract(let parameters), .hide(let parameters), .show(let parameters), .reach(let parameters):
            try parameters.encode(to: encoder)
        case .list(let parameters), .search(let parameters): try parameters.encode(to: encoder)
        case .export(let parameters): try parameters.encode(to: encoder)
        case .importBundle(let parameters): try parameters.encode(to: encoder)
        case .authority(let parameters), .block(let parameters), .known(let parameters): try parameters.encode(to: encoder)
        case .vouch(let parameters): try parameters.encode(to: encoder)
        case .grant(let parameters): try parameters.encode(to: encoder)
        case .approve(let parameters), .reject(let parameters): try parameters.encode(to: encoder)
        case .attachments(let parameters): try parameters.encode(to: encoder)
        case .attachmentGet(let parameters): try parameters.encode(to: encoder)
        case .status, .peers, .sync, .channels, .reload, .watch, .pending, .halls: break
        }
    }
}

// MARK: - Replies

/// One reply line. A request gets zero or more `bulletin` lines, then exactly one `done` or
/// `error`; a `watch` gets `done` at once, then `event` lines for as long as it stays.
public enum ControlReply: Sendable, Equatable {
    /// One bulletin of a result, in its canonical bytes; `role` is "reply" for a thread's replies.
    case bulletin(Bulletin, role: String?)
    /// The operation succeeded; what it did.
    case done(ControlResult)
    /// The operation failed; nothing more follows for it.
    case failure(ServiceError)
    /// Something happened at the node (`watch`).
    case event(ServiceEvent)
}

/// What an operation did, as values. Each operation fills the fields it has.
public struct ControlResult: Codable, Sendable, Equatable {
    /// The new bulletin's id (post, reply, edit, retract, hide, grant).
    public var id: String?
    /// Bulletins listed, shown, exported, or peers a sync started with.
    public var count: Int?
    /// Ids the node dropped because of this write (a retraction or hide it honours).
    public var removed: [String]?
    /// The file written or read.
    public var path: String?
    /// `attachments`: one entry per id asked.
    public var attachments: [AttachmentInfo]?
    /// An import's counts and rejections.
    public var imported: ImportSummary?
    /// `status`.
    public var status: NodeStatus?
    /// `status` without a running node: the store alone.
    public var store: StoreStatus?
    /// The node's key (status without a running node).
    public var nodeId: String?
    /// `peers`.
    public var peers: [PeerStatus]?
    /// `authority list`.
    public var authorities: [AuthorityEntry]?
    /// `block list`.
    public var keys: [String]?
    /// A key list change: true when the list changed.
    public var changed: Bool?
    /// `block add`: the bulletins dropped.
    public var dropped: Int?
    /// `channels`: every rule with how many bulletins each holds.
    public var channels: [ChannelRecord]?
    /// `reload`: what changed, in both languages.
    public var changes: [LocalizedText]?
    /// `reach`.
    public var reach: ReachRecord?
    /// `halls`.
    public var halls: [HallRecord]?
    /// `show`: when the regency office received the bulletin (Unix milliseconds), by its report
    /// (Documentation/Reach.md, "Received by the office"); nil when not.
    public var officeReceived: Int64?
    /// `show`: the authors of the thread who are the office (authority keys, hex, sorted).
    public var officeAuthors: [String]?
    /// A warning the front end should show (a key named by kabar.conf still trusted...).
    public var warning: LocalizedText?

    /// An empty result.
    public init() {}
}

/// One channel rule and its count (`channels`).
public struct ChannelRecord: Codable, Sendable, Equatable {
    public var name: String
    /// "official", "community" or "system".
    public var access: String
    public var defaultLifetimeMs: Int64
    public var maximumLifetimeMs: Int64
    public var held: Int

    public init(_ rule: ChannelRule, held: Int) {
        name = rule.name
        access = switch rule.access {
        case .official: "official"
        case .community: "community"
        case .system: "system"
        }
        defaultLifetimeMs = rule.defaultLifetime.milliseconds
        maximumLifetimeMs = rule.maximumLifetime.milliseconds
        self.held = held
    }
}

/// Text in both languages, on the wire.
public struct LocalizedText: Codable, Sendable, Equatable {
    public var en: String
    public var id: String
    public init(_ text: Localized) {
        en = text.en
        id = text.id
    }
    /// Back to `Localized`.
    public var localized: Localized { Localized(en: en, id: id) }
}

/// An import's report on the wire.
public struct ImportSummary: Codable, Sendable, Equatable {
    public struct Group: Codable, Sendable, Equatable {
        public var reason: LocalizedText
        public var count: Int
        public var ids: [String]
    }
    public var added: Int
    public var alreadyHad: Int
    /// Attachment blocks stored (version 2 bundles), and blocks no bulletin needed.
    public var blocksAdded: Int?
    public var blocksSkipped: Int?
    /// Evicted during the import to stay within the disk quota (not rejections).
    public var evicted: Int?
    public var rejected: Int
    public var rejections: [Group]
    public var bundleProblem: LocalizedText?
    /// Set when the import stopped early (a full disk): what was stored before stays stored.
    public var stoppedBy: LocalizedText?

    public init(_ report: ImportReport) {
        added = report.added
        alreadyHad = report.alreadyHad
        blocksAdded = report.blocksAdded
        blocksSkipped = report.blocksSkipped
        evicted = report.evicted
        rejected = report.rejected
        rejections = report.rejections.map {
            Group(reason: LocalizedText($0.reason), count: $0.count, ids: $0.sampleIDs.map(\.hex))
        }
        bundleProblem = report.bundleProblem.map { LocalizedText($0.localizedMessage) }
        stoppedBy = report.stoppedBy.map(LocalizedText.init)
    }

    /// True when every record was good, the bundle whole and nothing stopped the import.
    public var isClean: Bool { rejected == 0 && bundleProblem == nil && stoppedBy == nil }
}

/// Something that happened at a running node, as `watch` streams it.
public enum ServiceEvent: Sendable, Equatable {
    /// A bulletin was stored; `source` is the peer it came from, nil when posted here.
    case bulletinStored(Bulletin, source: String?)
    /// A peer was heard for the first time (or again after it was lost).
    case peerJoined(String)
    /// A peer was not heard for too long.
    case peerLeft(String)
    /// `count` bulletins from `source` were refused lately; `reason` is the last one's.
    case refused(source: String, count: Int, reason: LocalizedText)
    /// The clock judgement changed, or another notice for the operator.
    case notice(LocalizedText)
    /// This subscriber was too slow: `missed` events were dropped.
    case lagged(missed: Int)
}

extension ControlReply: Codable {
    private enum Keys: String, CodingKey {
        case type, encoded, role, code, en, id, event, source, address, count, reason, missed
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "bulletin":
            self = .bulletin(try Self.bulletin(container), role: try container.decodeIfPresent(String.self, forKey: .role))
        case "done": self = .done(try ControlResult(from: decoder))
        case "error":
            self = .failure(ServiceError(
                code: try container.decode(String.self, forKey: .code),
                message: Localized(en: try container.decode(String.self, forKey: .en), id: try container.decode(String.self, forKey: .id))))
        case "event": self = .event(try Self.event(container))
        default: throw ServiceError.badReply
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .bulletin(let bulletin, let role):
            try container.encode("bulletin", forKey: .type)
            try container.encode(Data(bulletin.encoded).base64EncodedString(), forKey: .encoded)
            try container.encodeIfPresent(role, forKey: .role)
        case .done(let result):
            try container.encode("done", forKey: .type)
            try result.encode(to: encoder)
        case .failure(let error):
            try container.encode("error", forKey: .type)
            try container.encode(error.code, forKey: .code)
            try container.encode(error.message.en, forKey: .en)
            try container.encode(error.message.id, forKey: .id)
        case .event(let event):
            try container.encode("event", forKey: .type)
            try Self.encode(event, into: &container)
        }
    }

    private static func bulletin(_ container: KeyedDecodingContainer<Keys>) throws -> Bulletin {
        guard let bytes = Data(base64Encoded: try container.decode(String.self, forKey: .encoded)),
            let bulletin = try? Bulletin.decode(Array(bytes))
        else { throw ServiceError.badReply }
        return bulletin
    }

    private static func event(_ container: KeyedDecodingContainer<Keys>) throws -> ServiceEvent {
        switch try container.decode(String.self, forKey: .event) {
        case "bulletin": return .bulletinStored(try bulletin(container), source: try container.decodeIfPresent(String.self, forKey: .source))
        case "peer_joined": return .peerJoined(try container.decode(String.self, forKey: .address))
        case "peer_left": return .peerLeft(try container.decode(String.self, forKey: .address))
        case "refused":
            return .refused(
                source: try container.decode(String.self, forKey: .source), count: try container.decode(Int.self, forKey: .count),
                reason: try container.decode(LocalizedText.self, forKey: .reason))
        case "notice": return .notice(try container.decode(LocalizedText.self, forKey: .reason))
        case "lagged": return .lagged(missed: try container.decode(Int.self, forKey: .missed))
        default: throw ServiceError.badReply
        }
    }

    private static func encode(_ event: ServiceEvent, into container: inout KeyedEncodingContainer<Keys>) throws {
        switch event {
        case .bulletinStored(let bulletin, let source):
            try container.encode("bulletin", forKey: .event)
            try container.encode(Data(bulletin.encoded).base64EncodedString(), forKey: .encoded)
            try container.encodeIfPresent(source, forKey: .source)
        case .peerJoined(let address):
            try container.encode("peer_joined", forKey: .event)
            try container.encode(address, forKey: .address)
        case .peerLeft(let address):
            try container.encode("peer_left", forKey: .event)
            try container.encode(address, forKey: .address)
        case .refused(let source, let count, let reason):
            try container.encode("refused", forKey: .event)
            try container.encode(source, forKey: .source)
            try container.encode(count, forKey: .count)
            try container.encode(reason, forKey: .reason)
        case .notice(let text):
            try container.encode("notice", forKey: .event)
            try container.encode(text, forKey: .reason)
        case .lagged(let missed):
            try container.encode("lagged", forKey: .event)
            try container.encode(missed, forKey: .missed)
        }
    }
}

// MARK: - Errors

/// A typed failure of the service: a stable `code` a program can switch on, and a message in
/// both languages a person can act on. Codes: `bad_request`, `too_large`, `unsupported_version`,
/// `unknown_operation`, `busy`, `invalid_input`, `not_found`, `ambiguous`, `refused`,
/// `duplicate`, `no_node`, `failed`, `storage`, `bad_reply`, `node_gone`, `timeout`.
public struct ServiceError: Error, Sendable, Equatable, Kabar.LocalizedError, CustomStringConvertible {
    /// The stable code.
    public let code: String
    /// What a person reads.
    public let message: Localized

    /// An error with `code` and `message`.
    public init(code: String, message: Localized) {
        self.code = code
        self.message = message
    }

    public var localizedMessage: Localized { message }
    public var description: String { message.en }

    /// The exit code a command failing this way returns: 2 for input the person must change,
    /// 1 otherwise.
    public var exitCode: Int32 {
        ["bad_request", "too_large", "invalid_input"].contains(code) ? 2 : 1
    }

    /// A line the node could not read as a request.
    public static func badRequest(_ detail: String) -> ServiceError {
        ServiceError(code: "bad_request", message: Localized(
            en: "the control request is not valid: \(detail) (Documentation/Control.md)",
            id: "permintaan kendali tidak sah: \(detail) (Documentation/Control.md)"))
    }

    /// A request or reply line over `limit` bytes.
    public static func lineTooLong(limit: Int) -> ServiceError {
        ServiceError(code: "too_large", message: Localized(
            en: "a control line is longer than \(limit) bytes", id: "baris kendali lebih dari \(limit) byte"))
    }

    static func unsupportedVersion(_ version: Int) -> ServiceError {
        ServiceError(code: "unsupported_version", message: Localized(
            en: "this node speaks control protocol version \(ControlProtocol.version), not \(version); use the kabar of the same version",
            id: "node ini memakai protokol kendali versi \(ControlProtocol.version), bukan \(version); pakai kabar versi yang sama"))
    }

    static func unknownOperation(_ name: String) -> ServiceError {
        ServiceError(code: "unknown_operation", message: Localized(
            en: "'\(name)' is not an operation of the control socket (Documentation/Control.md)",
            id: "'\(name)' bukan operasi soket kendali (Documentation/Control.md)"))
    }

    /// The ninth client.
    public static func busy(clients: Int) -> ServiceError {
        ServiceError(code: "busy", message: Localized(
            en: "the node is busy with \(clients) other control clients; try again in a moment",
            id: "node sedang melayani \(clients) klien kendali lain; coba lagi sebentar lagi"))
    }

    /// A reply the client could not read.
    public static let badReply = ServiceError(code: "bad_reply", message: Localized(
        en: "the node's answer could not be read; are kabar and the running node the same version?",
        id: "jawaban node tidak dapat dibaca; apakah kabar dan node yang berjalan versinya sama?"))

    /// Input the person must change, with the words of the rule it breaks.
    public static func invalidInput(_ message: Localized) -> ServiceError { ServiceError(code: "invalid_input", message: message) }

    /// The work could not be done.
    public static func failed(_ message: Localized) -> ServiceError { ServiceError(code: "failed", message: message) }

    /// Any error thrown inside the service, typed: its own words when it has them.
    public static func from(_ error: any Error) -> ServiceError {
        if let error = error as? ServiceError { return error }
        if let error = error as? Kabar.LocalizedError { return .failed(error.localizedMessage) }
        return .failed(Localized(en: "the operation failed", id: "operasi gagal"))
    }
}
