/// The ids whose presence in an index changed (inserted or removed), numbered in the order it
/// happened, the latest `changesMax` at most: a follower of the store (the board's search index)
/// asks for what changed since the number it last saw, and pays for that, not for what is held.
///
/// # Theory of operation
///
/// `BulletinIndex` records every id it inserts or removes outside a bulk load, so every change
/// to what a `FileStore` holds passes here whatever made it (a post, a sync, a withdrawal,
/// expiry, the quota's eviction, a failed sync taken back). The feed says only *that* an id
/// changed; the follower asks the store whether it holds the id now, so an id inserted and
/// removed between two looks needs no special case. When the follower fell further behind than
/// the feed keeps (`changes(since:)` is nil), it compares the whole store once, as at start.
///
/// Memory: 32 bytes per change kept, at most `changesMax` (2 MiB at the default) plus the
/// quarter dropped at a time. Complexity: `record` amortized O(1); `changes(since:)` O(1) (a
/// slice sharing the storage).
public struct StoreChangeFeed: Sendable {
    /// Changes kept by default: a few seconds of the fastest first sync (about 11,000 bulletins
    /// a second over a LAN, Documentation/Transfer.md) between two looks a second apart.
    public static let defaultChangesMax = 1 << 16

    /// Changes kept, at most.
    public let changesMax: Int
    /// The ids changed, oldest first; `ids[0]` is change number `firstNumber`.
    private var ids: [BulletinID] = []
    private var firstNumber: Int64 = 0

    /// An empty feed keeping the latest `changesMax` changes (at least 4).
    public init(changesMax: Int = Self.defaultChangesMax) {
        self.changesMax = max(changesMax, 4)
    }

    /// The number the next change will take: a follower that has seen everything holds this.
    public var end: Int64 { firstNumber + Int64(ids.count) }

    /// Notes that `id` was inserted or removed. Past `changesMax`, the oldest quarter goes.
    public mutating func record(_ id: BulletinID) {
        ids.append(id)
        if ids.count > changesMax {
            let dropped = changesMax / 4
            ids.removeFirst(dropped)
            firstNumber += Int64(dropped)
        }
    }

    /// The ids changed from change number `number` to `end`, oldest first (an id may appear
    /// more than once); nil when the feed no longer reaches back that far, or `number` is past
    /// `end` (not a number this feed gave).
    public func changes(since number: Int64) -> ArraySlice<BulletinID>? {
        guard number >= firstNumber, number <= end else { return nil }
        return ids[Int(number - firstNumber)...]
    }
}
