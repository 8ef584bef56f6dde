/// One side's items in one part of a session: their ids, salted keys and rateless sketch.
struct PartSide: Sendable {
    /// The items, in order (a slice sharing the session's copy of the set, not a new copy).
    let items: ArraySlice<ReconciliationItem>
    /// The sketch of the ids' keys.
    var sketch: RatelessSketch
    private var table: [UInt64] = []
    private var tablePositions: [Int32] = []

    /// The side for `items` under `salt`. O(items).
    init(items: ArraySlice<ReconciliationItem>, salt: UInt64) {
        self.items = items
        let key1 = reconciliationMix(salt ^ 0x6B61_6261_7273_616C)
        sketch = RatelessSketch(keys: items.map { SipHash24.hash(key0: salt, key1: key1, id: $0.id) })
    }

    /// The number of items.
    var count: Int { items.count }

    /// The ids, in item order (a new array: for results, not for hot paths).
    var ids: [BulletinID] { items.map(\.id) }

    /// The key of `id` under `salt` (for tests and tools).
    static func key(of id: BulletinID, salt: UInt64) -> UInt64 {
        SipHash24.hash(key0: salt, key1: reconciliationMix(salt ^ 0x6B61_6261_7273_616C), id: id)
    }

    /// The id whose key is `key`, if this side holds one. Builds a sorted table on first use
    /// (O(n log n)); then O(log n).
    mutating func id(forKey key: UInt64) -> BulletinID? {
        if table.isEmpty && !items.isEmpty {
            let order = sketch.keys.indices.sorted { sketch.keys[$0] < sketch.keys[$1] }
            table = order.map { sketch.keys[$0] }
            tablePositions = order.map { Int32($0) }
        }
        var low = 0
        var high = table.count
        while low < high {
            let middle = (low + high) / 2
            if table[middle] < key { low = middle + 1 } else { high = middle }
        }
        guard low < table.count, table[low] == key else { return nil }
        return items[items.startIndex + Int(tablePositions[low])].id
    }

    /// The fingerprint of the ids.
    var fingerprint: SetFingerprint { SetFingerprint(ids: items.lazy.map(\.id)) }
}

/// Items sorted by (created, id), cut by range bounds with binary search.
enum ItemRanges {
    /// The items of `items` (sorted) that lie in `range`.
    static func slice(_ items: [ReconciliationItem], _ range: ReconciliationRange) -> ArraySlice<ReconciliationItem> {
        let start = range.lower.map { firstIndex(items, notBefore: $0) } ?? 0
        let end = range.upper.map { firstIndex(items, notBefore: $0) } ?? items.count
        return items[start..<max(start, end)]
    }

    private static func firstIndex(_ items: [ReconciliationItem], notBefore bound: ReconciliationBound) -> Int {
        var low = 0
        var high = items.count
        while low < high {
            let middle = (low + high) / 2
            if items[middle].bound < bound { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Up to `Reconciliation.splitBoundsMax` bounds that cut `items` (all inside `range`) into
    /// pieces of about `pieceItems`, each bound strictly inside the range. Empty when the items
    /// cannot be cut.
    static func splitBounds(
        _ items: ArraySlice<ReconciliationItem>, range: ReconciliationRange, pieceItems: Int
    ) -> [ReconciliationBound] {
        let pieces = min(max(2, (items.count + pieceItems - 1) / max(pieceItems, 1)), Reconciliation.splitBoundsMax + 1)
        var bounds: [ReconciliationBound] = []
        for piece in 1..<pieces {
            let bound = items[items.startIndex + piece * items.count / pieces].bound
            if let lower = range.lower, !(lower < bound) { continue }
            if let last = bounds.last, !(last < bound) { continue }
            bounds.append(bound)
        }
        return bounds
    }

    /// The sub-ranges `bounds` cut `range` into.
    static func pieces(of range: ReconciliationRange, bounds: [ReconciliationBound]) -> [ReconciliationRange] {
        var result: [ReconciliationRange] = []
        var lower = range.lower
        for bound in bounds {
            result.append(ReconciliationRange(lower: lower, upper: bound))
            lower = bound
        }
        result.append(ReconciliationRange(lower: lower, upper: range.upper))
        return result
    }
}
