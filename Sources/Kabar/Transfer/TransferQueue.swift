/// How much a bulletin matters when a mule's stop may end any second: the order in which an
/// outgoing stream sends (Documentation/Transfer.md, "Order").
///
/// System bulletins first (grants: an official post whose grant has not arrived yet would be
/// refused), then official channels, then community ones; within a class, newest first; ties
/// by id, so the order is total and the same on every machine.
struct TransferRank: Comparable, Sendable {
    /// 0 system, 1 official, 2 community.
    var tier: UInt8
    /// Creation time in milliseconds (larger sends first).
    var created: Int64
    var id: BulletinID

    static func < (lhs: TransferRank, rhs: TransferRank) -> Bool {
        if lhs.tier != rhs.tier { return lhs.tier < rhs.tier }
        if lhs.created != rhs.created { return lhs.created > rhs.created }
        return lhs.id < rhs.id
    }

    /// The rank of a bulletin on `channel`, created at `created`.
    init(channel: String, created: UnixTime, id: BulletinID, rules: ChannelRules) {
        switch rules.rule(for: channel).access {
        case .system: tier = 0
        case .official: tier = 1
        case .community: tier = 2
        }
        self.created = created.milliseconds
        self.id = id
    }
}

/// The bulletins an outgoing stream still has to send, best first: a binary heap of ranks with
/// a set of the ids queued or in flight, so that a request naming an id twice (or a range
/// overlapping an earlier one) queues it once. O(log n) per push and pop.
struct TransferQueue: Sendable {
    private var heap: [TransferRank] = []
    /// Ids queued or in flight on this stream.
    private(set) var known: Set<BulletinID> = []

    /// Ids waiting to be sent.
    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }

    /// Queues `rank` unless its id is queued or in flight already. Returns whether it was added.
    @discardableResult
    mutating func push(_ rank: TransferRank) -> Bool {
        guard known.insert(rank.id).inserted else { return false }
        insert(rank)
        return true
    }

    /// Queues again an id whose datagram was lost (it is still `known`).
    mutating func requeue(_ rank: TransferRank) {
        insert(rank)
    }

    /// The best rank, without removing it.
    var first: TransferRank? { heap.first }

    /// Removes and returns the best rank.
    mutating func pop() -> TransferRank? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return top
    }

    /// The id was delivered (or dropped for good): it may be queued again later.
    mutating func forget(_ id: BulletinID) { known.remove(id) }

    private mutating func insert(_ rank: TransferRank) {
        heap.append(rank)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < heap.count && heap[left] < heap[best] { best = left }
            if right < heap.count && heap[right] < heap[best] { best = right }
            if best == parent { return }
            heap.swapAt(parent, best)
            parent = best
        }
    }
}
