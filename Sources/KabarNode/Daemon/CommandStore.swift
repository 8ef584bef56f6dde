import Kabar

/// The store a `kabar` command works on. Run from a shell with no daemon, it is the file store
/// itself. Run inside the daemon (control socket, REPL), reads go to the daemon's open store
/// and inserts go through the node (`NodeDaemon.insertThroughNode`), so a post or an import is
/// validated, stored and spread to the peers like any local post.
public final class CommandStore: BulletinStore {
    /// The file store underneath.
    public let file: FileStore
    /// The daemon, when the command runs inside one.
    public let daemon: NodeDaemon<FileStore>?

    /// The store of a command run with no daemon; `close()` closes it.
    public init(file: FileStore) {
        self.file = file
        self.daemon = nil
    }

    /// The store of a command run inside `daemon`; `close()` leaves the daemon's store open.
    public init(daemon: NodeDaemon<FileStore>) {
        self.file = daemon.store
        self.daemon = daemon
    }

    /// Closes the file store unless the daemon owns it.
    public func close() throws {
        if daemon == nil { try file.close() }
    }

    /// Bytes on disk.
    public var diskBytes: Int64 { file.diskBytes }

    public var count: Int { file.count }
    public func contains(_ id: BulletinID) -> Bool { file.contains(id) }
    public func bulletin(_ id: BulletinID) -> Bulletin? { file.bulletin(id) }

    public func insert(_ bulletin: Bulletin, durability: Durability) throws -> InsertOutcome {
        guard let daemon else { return try file.insert(bulletin, durability: durability) }
        if file.isRemoved(bulletin.id) { return .removed }
        return try daemon.insertThroughNode(bulletin, durability: durability)
    }

    public func remove(_ id: BulletinID) throws -> Bool { try file.remove(id) }
    public func markRemoved(_ id: BulletinID, until: UnixTime) throws { try file.markRemoved(id, until: until) }
    public func isRemoved(_ id: BulletinID) -> Bool { file.isRemoved(id) }
    public func removeExpired(now: UnixTime) throws -> [BulletinID] { try file.removeExpired(now: now) }

    public func flush() throws {
        if let daemon { daemon.flushStore() } else { try file.flush() }
    }

    public func forEachItem(_ body: (UnixTime, BulletinID) -> Void) { file.forEachItem(body) }
    public func query(_ query: BulletinQuery) -> [Bulletin] { file.query(query) }
    public func resolve(prefix: String) throws(IDPrefixError) -> BulletinID { try file.resolve(prefix: prefix) }
}
