import Kabar

/// A bulletin as the REPL shows it.
public struct ReplBulletin: Sendable, Equatable {
    /// The bulletin id in hex (64 digits).
    public var id: String
    /// The channel name.
    public var channel: String
    /// The title (one line).
    public var title: String
    /// The message.
    public var body: String
    /// The author's key, shortened for reading.
    public var author: String
    /// When the author says it was written.
    public var created: UnixTime

    /// A bulletin for display.
    public init(id: String, channel: String, title: String, body: String, author: String, created: UnixTime) {
        self.id = id
        self.channel = channel
        self.title = title
        self.body = body
        self.author = author
        self.created = created
    }

    /// Its attachments' ids (64 hex each), in the post's order.
    public var attachments: [String] = []
    /// When the regency office received it, by the office's report (Reach.md); nil: not, or
    /// not asked (listings).
    public var officeReceived: UnixTime?

    /// A bulletin for display, from a stored bulletin.
    public init(_ bulletin: Bulletin) {
        self.init(
            id: bulletin.id.hex, channel: bulletin.channel, title: bulletin.title, body: bulletin.body,
            author: bulletin.author.short, created: bulletin.created)
        attachments = bulletin.content.attachments.map(\.hex)
    }
}

/// A peer as the REPL shows it.
public struct ReplPeer: Sendable, Equatable {
    /// The peer's address (`host:port`).
    public var address: String
    /// How long ago it was last heard, already in words ("3 s").
    public var lastHeard: String

    /// A peer for display.
    public init(address: String, lastHeard: String) {
        self.address = address
        self.lastHeard = lastHeard
    }
}

/// One row of the channel table.
public struct ReplChannel: Sendable, Equatable {
    /// The channel's rule: name, access, lifetimes.
    public var rule: ChannelRule
    /// How many bulletins on it are held.
    public var held: Int

    /// A channel row.
    public init(rule: ChannelRule, held: Int) {
        self.rule = rule
        self.held = held
    }
}

/// What an import did, counted.
public struct ReplImportCounts: Sendable, Equatable {
    /// Bulletins that were new.
    public var added: Int
    /// Bulletins already held.
    public var duplicates: Int
    /// Bulletins refused (bad signature, expired, not allowed on their channel...).
    public var refused: Int

    /// Import counts.
    public init(added: Int, duplicates: Int, refused: Int) {
        self.added = added
        self.duplicates = duplicates
        self.refused = refused
    }
}

/// What the REPL asks of the node. The daemon's adapter implements it over `NodeController`
/// and the store operations; tests implement it in memory. Every call runs on the loop's thread.
/// Errors thrown are shown to the person (a `LocalizedError` in their language).
public protocol ReplBackend: AnyObject {
    /// Signs and stores a post durably, then spreads it. Returns what was stored.
    func post(channel: String, title: String, body: String) throws -> ReplBulletin
    /// Bulletins held, newest first, on `channel` if given; at most `limit`.
    func list(channel: String?, limit: Int) throws -> [ReplBulletin]
    /// Bulletins whose id starts with `prefix` (lowercase hex); at most a few.
    func bulletins(idPrefix: String) throws -> [ReplBulletin]
    /// The replies to the bulletin `id` (64 hex digits), oldest first.
    func replies(to id: String) throws -> [ReplBulletin]
    /// Bulletins whose title or body holds every word (any case), newest first; at most `limit`.
    func search(words: [String], limit: Int) throws -> [ReplBulletin]
    /// The peers, sorted by address.
    func peers() throws -> [ReplPeer]
    /// The node's status as label/value pairs, labels in both languages.
    func status() throws -> [(label: Localized, value: String)]
    /// The channel table, sorted by name.
    func channels() throws -> [ReplChannel]
    /// Writes every bulletin held to `path`; returns how many.
    func export(to path: String) throws -> Int
    /// Takes in the bulletins of the bundle at `path`.
    func importBundle(from path: String) throws -> ReplImportCounts
    /// Runs one typed request of the node service (the trust commands, `reply`): the same
    /// request the CLI sends. A refusal is thrown as the service's typed error.
    func perform(_ request: ControlRequest) throws -> ControlResult
    /// Phones' posts waiting for the operator, oldest first, with their numbers.
    func pending() throws -> [(number: Int, bulletin: ReplBulletin)]
}

extension ReplBackend {
    /// A backend without the node service has no review queue.
    public func pending() throws -> [(number: Int, bulletin: ReplBulletin)] {
        throw ReplCommandError.failed(Localized(
            en: "this REPL cannot list pending posts; use the kabar command line",
            id: "REPL ini tidak dapat menampilkan kiriman yang menunggu; pakai baris perintah kabar"))
    }

    /// A backend that keeps no threads has no replies to show.
    public func replies(to id: String) throws -> [ReplBulletin] { [] }

    /// A backend without the node service says so.
    public func perform(_ request: ControlRequest) throws -> ControlResult {
        throw ReplCommandError.failed(Localized(
            en: "this REPL cannot run '\(request.operation)'; use the kabar command line",
            id: "REPL ini tidak dapat menjalankan '\(request.operation)'; pakai baris perintah kabar"))
    }
}

/// A command the REPL could not run, in the person's words.
public enum ReplCommandError: Error, LocalizedError, Equatable {
    /// Its message, in both languages.
    case failed(Localized)

    public var localizedMessage: Localized {
        switch self {
        case .failed(let message): return message
        }
    }
}

/// Something the node noticed that the person should see as it happens.
public enum ReplEvent: Sendable, Equatable {
    /// A bulletin arrived from a peer.
    case bulletinArrived(ReplBulletin)
    /// A peer was heard for the first time.
    case peerJoined(String)
    /// A peer was not heard for a while and was dropped.
    case peerLeft(String)
    /// Something else the operator should read now (a clock warning, a stop), in both languages.
    case notice(Localized)
    /// `count` bulletins from `source` were refused lately (a flood), the last for `reason`.
    case refused(source: String, count: Int, reason: Localized)
}
