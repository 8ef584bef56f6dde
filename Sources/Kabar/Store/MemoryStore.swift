/// A store in memory: the simulator's and the tests'. Nothing survives the process.
///
/// Lean on purpose (the simulator runs thousands of nodes): one dictionary of bulletins, whose
/// byte buffers are shared copy-on-write with every other node holding the same bulletin, one
/// sorted array of `StoreItem`s for reconciliation, and the tombstones.
public struct MemoryStore: BulletinStore, Sendable {
    private var bulletins: [BulletinID: Bulletin] = [:]
    /// Sorted by `StoreItem` order.
    private var order: [StoreItem] = []
    private var removed: [BulletinID: UnixTime] = [:]
    /// Bytes of every encoding held.
    public private(set) var encodedBytes: Int64 = 0
    /// A quota on `encodedBytes` (the simulator's disk); nil for none.
    public var quotaBytes: Int64?
    private var evictions: [BulletinID] = []

    /// An empty store, with a quota or none.
    public init(quotaBytes: Int64? = nil) {
        self.quotaBytes = quotaBytes
    }

    public var count: Int { bulletins.count }

    /// By index, not `bulletins[id] != nil`, which copies the bulletin out (a few retains) on a
    /// call the node makes for every announce and copy it hears.
    public func contains(_ id: BulletinID) -> Bool { bulletins.index(forKey: id) != nil }

    public func bulletin(_ id: BulletinID) -> Bulletin? { bulletins[id] }

    /// O(log n) search plus an O(n) shift of the item array.
    public mutating func insert(_ bulletin: Bulletin, durability: Durability) -> InsertOutcome {
        if bulletins[bulletin.id] != nil { return .duplicate }
        if removed[bulletin.id] != nil { return .removed }
        bulletins[bulletin.id] = bulletin
        encodedBytes += Int64(bulletin.encoded.count)
        let item = StoreItem(created: bulletin.created, id: bulletin.id)
        order.insert(item, at: insertionIndex(of: item))
        return .added
    }

    @discardableResult
    public mutating func remove(_ id: BulletinID) -> Bool {
        guard let bulletin = bulletins.removeValue(forKey: id) else { return false }
        encodedBytes -= Int64(bulletin.encoded.count)
        let index = insertionIndex(of: StoreItem(created: bulletin.created, id: id))
        if index < order.count, order[index].id == id { order.remove(at: index) }
        return true
    }

    public mutating func markRemoved(_ id: BulletinID, until: UnixTime) {
        remove(id)
        removed[id] = max(removed[id] ?? until, until)
    }

    public func isRemoved(_ id: BulletinID) -> Bool { removed[id] != nil }

    public mutating func removeExpired(now: UnixTime) -> [BulletinID] {
        let expired = bulletins.values.filter { $0.expires <= now }.map(\.id).sorted()
        if !expired.isEmpty {
            for id in expired { encodedBytes -= Int64(bulletins.removeValue(forKey: id)?.encoded.count ?? 0) }
            order.removeAll { bulletins[$0.id] == nil }
        }
        removed = removed.filter { $0.value > now }
        return expired
    }

    public mutating func flush() {}

    /// Over the quota: drops in `rank`'s order until what is held fits in 90% of it.
    public mutating func enforceQuota(now: UnixTime, rank: (EvictionCandidate) -> Int?) -> [BulletinID] {
        guard let quotaBytes, encodedBytes > quotaBytes else { return [] }
        let target = quotaBytes / 10 * 9
        let candidates = bulletins.values.lazy.map { bulletin in
            EvictionCandidate(
                id: bulletin.id, channel: bulletin.channel, created: bulletin.created, expires: bulletin.expires,
                bytes: Int64(bulletin.encoded.count))
        }
        var evicted: [BulletinID] = []
        for candidate in EvictionCandidate.evictionOrder(candidates, rank: rank) {
            guard encodedBytes > target else { break }
            remove(candidate.id)
            evicted.append(candidate.id)
        }
        evictions += evicted
        return evicted
    }

    public mutating func takeEvictions() -> [BulletinID] {
        defer { evictions.removeAll() }
        return evictions
    }

    public func forEachItem(_ body: (UnixTime, BulletinID) -> Void) {
        for item in order { body(item.created, item.id) }
    }

    public func query(_ query: BulletinQuery) -> [Bulletin] {
        var results: [Bulletin] = []
        for item in order.reversed() {
            guard let bulletin = bulletins[item.id], query.matches(bulletin) else { continue }
            results.append(bulletin)
            if results.count >= query.limit { break }
        }
        return results
    }

    public func resolve(prefix: String) throws(IDPrefixError) -> BulletinID {
        try IDPrefix(prefix).resolve(among: order.lazy.map(\.id))
    }

    /// Every bulletin held, newest first (ties by id): for tests and listings.
    public var all: [Bulletin] {
        bulletins.values.sorted { ($0.created, $1.id) > ($1.created, $0.id) }
    }

    /// Traps if the item array and the dictionary disagree. For tests.
    public func checkInvariants() {
        precondition(order.count == bulletins.count, "order and bulletins differ in size")
        for (index, item) in order.enumerated() {
            precondition(bulletins[item.id]?.created == item.created, "order holds an item not stored")
            if index > 0 { precondition(order[index - 1] < item, "order is not sorted") }
        }
    }

    private func insertionIndex(of item: StoreItem) -> Int {
        var low = 0, high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle] < item { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
