/// The set of (created, id) items a node reconciles: every bulletin it holds.
///
/// Items are kept sorted by (created, id) in short runs (`SortedChunks`), so inserting at
/// the newest end, removing the oldest (expiry) and reading a time range are cheap at 100,000
/// items; an id table answers `contains` and finds an item to remove. The fingerprint is kept
/// up to date on every change.
///
///     var set = ReconciliationSet()
///     set.insert(created: bulletin.created, id: bulletin.id)
///     beacon.fingerprint = set.fingerprint
///
/// Complexity: insert and remove are O(log n + one run); building from a sequence is
/// O(n log n) (O(n) when it is already sorted); `contains` is O(1).
public struct ReconciliationSet: Sendable {
    private var items = SortedChunks<ReconciliationItem>()
    private var createdByID: [BulletinID: UnixTime] = [:]

    /// The fingerprint of every id in the set.
    public private(set) var fingerprint = SetFingerprint()

    /// An empty set.
    public init() {}

    /// The set of `items`. When an id appears twice, the earlier creation time is kept.
    public init(items: some Sequence<ReconciliationItem>) {
        var sorted = Array(items)
        if !Self.isSorted(sorted) { sorted.sort() }
        var unique: [ReconciliationItem] = []
        unique.reserveCapacity(sorted.count)
        createdByID.reserveCapacity(sorted.count)
        for item in sorted where createdByID.updateValue(item.created, forKey: item.id) == nil {
            unique.append(item)
            fingerprint.insert(item.id)
        }
        self.items = SortedChunks(sorted: unique)
    }

    /// The number of items.
    public var count: Int { createdByID.count }

    /// True when the set holds `id`.
    public func contains(id: BulletinID) -> Bool { createdByID[id] != nil }

    /// When the bulletin `id` was created, if the set holds it.
    public func created(id: BulletinID) -> UnixTime? { createdByID[id] }

    /// Adds the bulletin `id` created at `created`; false (and no change) when `id` is present.
    @discardableResult
    public mutating func insert(created: UnixTime, id: BulletinID) -> Bool {
        guard createdByID[id] == nil else { return false }
        createdByID[id] = created
        fingerprint.insert(id)
        items.insert(ReconciliationItem(created: created, id: id))
        return true
    }

    /// Removes the bulletin `id`; false when the set does not hold it.
    @discardableResult
    public mutating func remove(id: BulletinID) -> Bool {
        guard let created = createdByID.removeValue(forKey: id) else { return false }
        fingerprint.remove(id)
        items.remove(ReconciliationItem(created: created, id: id))
        return true
    }

    /// Calls `body` with every item in `range`, in order.
    public func forEach(in range: ReconciliationRange = .all, _ body: (ReconciliationItem) -> Void) {
        let lower = range.lower, upper = range.upper
        items.forEach(from: { item in lower.map { item.bound < $0 } ?? false }) { item in
            if let upper, !(item.bound < upper) { return false }
            body(item)
            return true
        }
    }

    /// The items in `range`, in order.
    public func items(in range: ReconciliationRange = .all) -> [ReconciliationItem] {
        var result: [ReconciliationItem] = []
        if range == .all { result.reserveCapacity(count) }
        forEach(in: range) { result.append($0) }
        return result
    }

    /// Checks the structure's invariants (for tests): the sorted runs well formed and agreeing
    /// with the id table and the fingerprint.
    public func checkInvariants() -> Bool {
        var recomputed = SetFingerprint()
        for item in items {
            if createdByID[item.id] != item.created { return false }
            recomputed.insert(item.id)
        }
        return items.isWellFormed && items.count == createdByID.count && recomputed == fingerprint
    }

    private static func isSorted(_ items: [ReconciliationItem]) -> Bool {
        var index = 1
        while index < items.count {
            if !(items[index - 1] < items[index]) { return false }
            index += 1
        }
        return true
    }
}
