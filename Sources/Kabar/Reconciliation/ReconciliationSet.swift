/// The set of (created, id) items a node reconciles: every bulletin it holds.
///
/// Items are kept sorted by (created, id) in chunks of at most `chunkCapacity`, so inserting at
/// the newest end, removing the oldest (expiry) and reading a time range are cheap at 100,000
/// items; an id table answers `contains` and finds an item to remove. The fingerprint is kept
/// up to date on every change.
///
///     var set = ReconciliationSet()
///     set.insert(created: bulletin.created, id: bulletin.id)
///     beacon.fingerprint = set.fingerprint
///
/// Complexity: insert and remove are O(log n + chunkCapacity); building from a sequence is
/// O(n log n) (O(n) when it is already sorted); `contains` is O(1).
public struct ReconciliationSet: Sendable {
    /// The most items one chunk holds before it splits in two.
    static let chunkCapacity = 1_024

    private var chunks: [[ReconciliationItem]] = []
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
        let half = Self.chunkCapacity / 2
        var start = 0
        while start < unique.count {
            let end = min(start + half, unique.count)
            chunks.append(Array(unique[start..<end]))
            start = end
        }
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
        let item = ReconciliationItem(created: created, id: id)
        guard !chunks.isEmpty else {
            chunks.append([item])
            return true
        }
        let chunkIndex = min(firstChunk(notBefore: item), chunks.count - 1)
        let position = Self.insertionPoint(of: item, in: chunks[chunkIndex])
        chunks[chunkIndex].insert(item, at: position)
        if chunks[chunkIndex].count > Self.chunkCapacity {
            let upperHalf = Array(chunks[chunkIndex][(Self.chunkCapacity / 2)...])
            chunks[chunkIndex].removeSubrange((Self.chunkCapacity / 2)...)
            chunks.insert(upperHalf, at: chunkIndex + 1)
        }
        return true
    }

    /// Removes the bulletin `id`; false when the set does not hold it.
    @discardableResult
    public mutating func remove(id: BulletinID) -> Bool {
        guard let created = createdByID.removeValue(forKey: id) else { return false }
        fingerprint.remove(id)
        let item = ReconciliationItem(created: created, id: id)
        let chunkIndex = firstChunk(notBefore: item)
        let position = Self.insertionPoint(of: item, in: chunks[chunkIndex])
        chunks[chunkIndex].remove(at: position)
        if chunks[chunkIndex].isEmpty { chunks.remove(at: chunkIndex) }
        return true
    }

    /// Calls `body` with every item in `range`, in order.
    public func forEach(in range: ReconciliationRange = .all, _ body: (ReconciliationItem) -> Void) {
        var chunkIndex = 0
        var position = 0
        if let lower = range.lower {
            chunkIndex = firstChunk(notBeforeBound: lower)
            if chunkIndex < chunks.count {
                position = Self.firstPosition(notBefore: lower, in: chunks[chunkIndex])
            }
        }
        while chunkIndex < chunks.count {
            let chunk = chunks[chunkIndex]
            while position < chunk.count {
                let item = chunk[position]
                if let upper = range.upper, !(item.bound < upper) { return }
                body(item)
                position += 1
            }
            chunkIndex += 1
            position = 0
        }
    }

    /// The items in `range`, in order.
    public func items(in range: ReconciliationRange = .all) -> [ReconciliationItem] {
        var result: [ReconciliationItem] = []
        if range == .all { result.reserveCapacity(count) }
        forEach(in: range) { result.append($0) }
        return result
    }

    /// Checks the structure's invariants (for tests): chunks sorted, non-empty, within
    /// capacity, and agreeing with the id table and the fingerprint.
    public func checkInvariants() -> Bool {
        var previous: ReconciliationItem?
        var total = 0
        var recomputed = SetFingerprint()
        for chunk in chunks {
            if chunk.isEmpty || chunk.count > Self.chunkCapacity { return false }
            for item in chunk {
                if let previous, !(previous < item) { return false }
                if createdByID[item.id] != item.created { return false }
                recomputed.insert(item.id)
                previous = item
                total += 1
            }
        }
        return total == createdByID.count && recomputed == fingerprint
    }

    /// The first chunk whose last item is not before `item` (chunks.count when none).
    private func firstChunk(notBefore item: ReconciliationItem) -> Int {
        var low = 0
        var high = chunks.count
        while low < high {
            let middle = (low + high) / 2
            if chunks[middle][chunks[middle].count - 1] < item { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The first chunk whose last item is at or after `bound` (chunks.count when none).
    private func firstChunk(notBeforeBound bound: ReconciliationBound) -> Int {
        var low = 0
        var high = chunks.count
        while low < high {
            let middle = (low + high) / 2
            if chunks[middle][chunks[middle].count - 1].bound < bound { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func insertionPoint(of item: ReconciliationItem, in chunk: [ReconciliationItem]) -> Int {
        var low = 0
        var high = chunk.count
        while low < high {
            let middle = (low + high) / 2
            if chunk[middle] < item { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func firstPosition(notBefore bound: ReconciliationBound, in chunk: [ReconciliationItem]) -> Int {
        var low = 0
        var high = chunk.count
        while low < high {
            let middle = (low + high) / 2
            if chunk[middle].bound < bound { low = middle + 1 } else { high = middle }
        }
        return low
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
