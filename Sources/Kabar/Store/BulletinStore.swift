/// How soon an insert must be on stable storage.
public enum Durability: Sendable {
    /// Before the call returns (an operator's post: the person is told it is saved).
    case immediate
    /// Soon, at the next group commit (gossip arrivals: a peer still has a copy).
    case lazy
}

/// What an insert did.
public enum InsertOutcome: Equatable, Sendable {
    /// The bulletin is new and now stored.
    case added
    /// The store already held it.
    case duplicate
}

/// The store behind a `Node`: content-addressed by `BulletinID`. The node validates every
/// bulletin before it inserts it; a store checks only what it must to stay consistent.
///
/// Implementations: `MemoryStore` (simulator, tests) and the file store in KabarNode.
public protocol BulletinStore {
    /// How many bulletins are held.
    var count: Int { get }
    /// True when `id` is held.
    func contains(_ id: BulletinID) -> Bool
    /// The bulletin with `id`, if held.
    func bulletin(_ id: BulletinID) -> Bulletin?
    /// Stores `bulletin`; with `.immediate` it is durable before this returns.
    mutating func insert(_ bulletin: Bulletin, durability: Durability) throws -> InsertOutcome
    /// Drops `id` and remembers it must not come back until `until` (retraction, block).
    mutating func markRemoved(_ id: BulletinID, until: UnixTime) throws
    /// True when `id` was removed and may not be stored again yet.
    func isRemoved(_ id: BulletinID) -> Bool
    /// Drops every bulletin (and tombstone) whose time is up at `now`; returns the dropped ids.
    mutating func removeExpired(now: UnixTime) throws -> [BulletinID]
    /// Makes every lazy insert durable.
    mutating func flush() throws
    /// Calls `body` with the creation time and id of every bulletin held, in no set order.
    func forEachItem(_ body: (UnixTime, BulletinID) -> Void)
}

/// A store in memory: the simulator's and the tests'. Nothing survives the process.
public struct MemoryStore: BulletinStore, Sendable {
    private var bulletins: [BulletinID: Bulletin] = [:]
    private var removed: [BulletinID: UnixTime] = [:]

    /// An empty store.
    public init() {}

    public var count: Int { bulletins.count }

    public func contains(_ id: BulletinID) -> Bool { bulletins[id] != nil }

    public func bulletin(_ id: BulletinID) -> Bulletin? { bulletins[id] }

    public mutating func insert(_ bulletin: Bulletin, durability: Durability) -> InsertOutcome {
        if bulletins[bulletin.id] != nil { return .duplicate }
        bulletins[bulletin.id] = bulletin
        return .added
    }

    public mutating func markRemoved(_ id: BulletinID, until: UnixTime) {
        bulletins[id] = nil
        removed[id] = max(removed[id] ?? until, until)
    }

    public func isRemoved(_ id: BulletinID) -> Bool { removed[id] != nil }

    public mutating func removeExpired(now: UnixTime) -> [BulletinID] {
        let expired = bulletins.values.filter { $0.expires <= now }.map(\.id).sorted()
        for id in expired { bulletins[id] = nil }
        removed = removed.filter { $0.value > now }
        return expired
    }

    public mutating func flush() {}

    public func forEachItem(_ body: (UnixTime, BulletinID) -> Void) {
        for bulletin in bulletins.values { body(bulletin.created, bulletin.id) }
    }

    /// Every bulletin held, newest first (ties by id): for tests and listings.
    public var all: [Bulletin] {
        bulletins.values.sorted { ($0.created, $1.id) > ($1.created, $0.id) }
    }
}
