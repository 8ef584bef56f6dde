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
    /// The id was retracted or blocked (`markRemoved`) and may not come back yet; not stored.
    case removed
}

/// One bulletin as the reconciliation set sees it: its creation time and id. Ordered by
/// time, then id, which is the order of Negentropy-style range reconciliation.
public struct StoreItem: Hashable, Comparable, Sendable {
    /// When the bulletin says it was created.
    public let created: UnixTime
    /// Its id.
    public let id: BulletinID

    /// An item.
    public init(created: UnixTime, id: BulletinID) {
        self.created = created
        self.id = id
    }

    public static func < (lhs: StoreItem, rhs: StoreItem) -> Bool {
        lhs.created != rhs.created ? lhs.created < rhs.created : lhs.id < rhs.id
    }
}

/// A held bulletin as quota eviction sees it (`BulletinStore.enforceQuota`).
public struct EvictionCandidate: Sendable {
    /// Its id.
    public let id: BulletinID
    /// Its channel.
    public let channel: String
    /// When it says it was created.
    public let created: UnixTime
    /// When it expires.
    public let expires: UnixTime
    /// What dropping it frees, in the store's own count of bytes.
    public let bytes: Int64

    /// A candidate.
    public init(id: BulletinID, channel: String, created: UnixTime, expires: UnixTime, bytes: Int64) {
        self.id = id
        self.channel = channel
        self.created = created
        self.expires = expires
        self.bytes = bytes
    }

    /// `candidates` that `rank` ranks (nil: never evicted), in the order to evict them: lowest
    /// rank first, then oldest created, then id. The one ordering every store uses. O(n log n).
    public static func evictionOrder(_ candidates: some Sequence<EvictionCandidate>, rank: (EvictionCandidate) -> Int?) -> [EvictionCandidate] {
        var ranked: [(Int, EvictionCandidate)] = []
        for candidate in candidates {
            if let value = rank(candidate) { ranked.append((value, candidate)) }
        }
        ranked.sort { ($0.0, $0.1.created, $0.1.id) < ($1.0, $1.1.created, $1.1.id) }
        return ranked.map(\.1)
    }

    /// The order a store uses with no other rule: expired first, then community bulletins,
    /// then the rest (`isCommunity` false: official and system), oldest first within each.
    public static func plainRank(now: UnixTime, isCommunity: @escaping (String) -> Bool) -> (EvictionCandidate) -> Int? {
        { candidate in candidate.expires <= now ? 0 : isCommunity(candidate.channel) ? 3 : 4 }
    }
}

/// The store behind a `Node`: content-addressed by `BulletinID`. The node validates every
/// bulletin (signature, dates, policy) before it inserts it; a store checks only what it must
/// to stay consistent, and refuses ids that were removed (`markRemoved`) until their time is up.
///
/// Implementations: `MemoryStore` (simulator, tests) and `FileStore` in KabarNode (crash-safe
/// log on disk; Documentation/Store.md).
public protocol BulletinStore {
    /// How many bulletins are held.
    var count: Int { get }
    /// True when `id` is held.
    func contains(_ id: BulletinID) -> Bool
    /// The bulletin with `id`, if held.
    func bulletin(_ id: BulletinID) -> Bulletin?
    /// The fields of `id` an index keeps (channel, dates, author, kind), if held: what a bulk
    /// transfer ranks by. A store with an index answers without reading the bulletin.
    func summary(_ id: BulletinID) -> BulletinSummary?
    /// Stores `bulletin`; with `.immediate` it (and everything inserted before it) is durable
    /// before this returns. Refuses (`.removed`) an id that `isRemoved`.
    mutating func insert(_ bulletin: Bulletin, durability: Durability) throws -> InsertOutcome
    /// Drops `id` if held (no tombstone: it may come back). Returns true if it was held.
    @discardableResult
    mutating func remove(_ id: BulletinID) throws -> Bool
    /// Drops `id` and remembers it must not come back until `until` (retraction, block).
    /// Durable at the next `flush` or `.immediate` insert.
    mutating func markRemoved(_ id: BulletinID, until: UnixTime) throws
    /// True when `id` was removed and may not be stored again yet.
    func isRemoved(_ id: BulletinID) -> Bool
    /// Drops every bulletin whose `expires` is at or before `now`, and every tombstone whose
    /// time is up; returns the dropped bulletin ids, sorted.
    mutating func removeExpired(now: UnixTime) throws -> [BulletinID]
    /// When over its disk quota, drops bulletins until what is live fits well inside it,
    /// lowest `rank` first (then oldest created, then id; a nil rank is never dropped), and
    /// returns them. The node calls it after every insert with the trust rules' classes
    /// (`Node.enforceQuota`); a store without a quota drops nothing.
    mutating func enforceQuota(now: UnixTime, rank: (EvictionCandidate) -> Int?) throws -> [BulletinID]
    /// The ids `enforceQuota` dropped since the last call, also when it then failed (a
    /// compaction cut short). The node takes them after every insert, so its books (the
    /// reconciliation set) never list what the store no longer holds.
    mutating func takeEvictions() -> [BulletinID]
    /// The ids a failed sync took back since the last call: written, never confirmed durable,
    /// so no longer held (Store.md, "A failed sync"). The node drops them from its books and
    /// may fetch them again.
    mutating func takeLost() -> [BulletinID]
    /// Makes every lazy insert and removal durable (one group commit).
    mutating func flush() throws
    /// Calls `body` with the creation time and id of every bulletin held, in `StoreItem` order
    /// (oldest first, ties by id). O(n), no allocation per item.
    func forEachItem(_ body: (UnixTime, BulletinID) -> Void)
    /// Bulletins matching `query`, newest first (ties by id), at most `query.limit`.
    func query(_ query: BulletinQuery) -> [Bulletin]
    /// The one held id starting with `prefix` (hex, at least `IDPrefix.charactersMin` long).
    func resolve(prefix: String) throws(IDPrefixError) -> BulletinID
}

extension BulletinStore {
    /// A store without a quota never evicts.
    public mutating func takeEvictions() -> [BulletinID] { [] }

    /// A store without a quota never evicts.
    public mutating func enforceQuota(now: UnixTime, rank: (EvictionCandidate) -> Int?) throws -> [BulletinID] { [] }

    /// A store in memory never loses a write to the disk.
    public mutating func takeLost() -> [BulletinID] { [] }

    /// The summary of the whole bulletin (stores without an index of their own).
    public func summary(_ id: BulletinID) -> BulletinSummary? { bulletin(id).map(BulletinSummary.init) }

    /// Inserts a batch and, for `.immediate`, makes all of it durable with one sync at the end
    /// (group commit): N posts cost one fsync, not N.
    public mutating func insert(contentsOf bulletins: [Bulletin], durability: Durability) throws -> [InsertOutcome] {
        var outcomes: [InsertOutcome] = []
        outcomes.reserveCapacity(bulletins.count)
        for bulletin in bulletins { outcomes.append(try insert(bulletin, durability: .lazy)) }
        if durability == .immediate { try flush() }
        return outcomes
    }

    /// Every item, in order: the reconciliation set as an array.
    public var items: [StoreItem] {
        var items: [StoreItem] = []
        items.reserveCapacity(count)
        forEachItem { items.append(StoreItem(created: $0, id: $1)) }
        return items
    }
}
