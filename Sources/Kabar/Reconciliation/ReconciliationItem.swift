/// One member of a reconciliation set: a bulletin's creation time and id. Items order by
/// creation time, then id, so the newest items sit at the end and ranges of time are ranges of
/// the order.
public struct ReconciliationItem: Hashable, Comparable, Sendable {
    /// When the bulletin was created (its author's clock).
    public var created: UnixTime
    /// The bulletin's id.
    public var id: BulletinID

    /// The item for the bulletin `id` created at `created`.
    public init(created: UnixTime, id: BulletinID) {
        self.created = created
        self.id = id
    }

    public static func < (lhs: ReconciliationItem, rhs: ReconciliationItem) -> Bool {
        if lhs.created != rhs.created { return lhs.created < rhs.created }
        return lhs.id < rhs.id
    }

    /// The item's position in the (created, id prefix) order that range bounds use.
    var bound: ReconciliationBound {
        ReconciliationBound(created: created.milliseconds, idPrefix: id.prefix64)
    }
}

/// A point in the order of items: a creation time and the first 8 bytes of an id. An item is
/// at or after a bound when its (created, id prefix) is at or after the bound's.
public struct ReconciliationBound: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch.
    public var created: Int64
    /// The first 8 bytes of an id, big-endian.
    public var idPrefix: UInt64

    /// The bound at `created` milliseconds and id prefix `idPrefix`.
    public init(created: Int64, idPrefix: UInt64) {
        self.created = created
        self.idPrefix = idPrefix
    }

    public static func < (lhs: ReconciliationBound, rhs: ReconciliationBound) -> Bool {
        if lhs.created != rhs.created { return lhs.created < rhs.created }
        return lhs.idPrefix < rhs.idPrefix
    }

    public var description: String { "\(created)ms/\(String(idPrefix, radix: 16))" }
}

/// A range of items `[lower, upper)` of the item order; a missing bound is open.
public struct ReconciliationRange: Hashable, Sendable, CustomStringConvertible {
    /// Items at or after this bound belong (nil: from the start).
    public var lower: ReconciliationBound?
    /// Items before this bound belong (nil: to the end).
    public var upper: ReconciliationBound?

    /// The range from `lower` (inclusive) to `upper` (exclusive).
    public init(lower: ReconciliationBound? = nil, upper: ReconciliationBound? = nil) {
        self.lower = lower
        self.upper = upper
    }

    /// Every item.
    public static let all = ReconciliationRange()

    /// True when `item` lies in the range.
    public func contains(_ item: ReconciliationItem) -> Bool {
        let position = item.bound
        if let lower, position < lower { return false }
        if let upper, !(position < upper) { return false }
        return true
    }

    /// False when the bounds leave no room for any item.
    var isValid: Bool {
        guard let lower, let upper else { return true }
        return lower < upper
    }

    public var description: String {
        "[\(lower.map { "\($0)" } ?? "start"), \(upper.map { "\($0)" } ?? "end"))"
    }
}
