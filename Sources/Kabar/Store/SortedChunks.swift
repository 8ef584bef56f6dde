/// A sorted collection of distinct elements held as a list of short sorted runs, so an insert
/// or removal anywhere moves at most one run (`chunkMax` elements), not the whole collection.
///
/// A bulk sync stores a backlog newest first, which puts every insert at the front of a
/// time-ordered array: with one flat array each insert moved every element after it, and
/// 100,000 inserts moved gigabytes. Here an insert costs O(log n) to find its run and
/// O(`chunkMax`) to place it; iteration in order stays a plain walk. The store's index and the
/// reconciliation set both keep their (created, id) order here.
public struct SortedChunks<Element: Comparable>: Sequence {
    /// A run splits in two past this many elements.
    static var chunkMax: Int { 1_024 }

    /// Non-empty runs, each sorted; every element of a run is below every one of the next.
    private var chunks: [[Element]] = []
    /// Elements held.
    public private(set) var count = 0

    /// An empty collection.
    public init() {}

    /// The elements of `sorted`, which must be sorted and distinct. O(n).
    public init(sorted: [Element]) {
        var start = 0
        while start < sorted.count {
            let end = Swift.min(start + Self.chunkMax / 2, sorted.count)
            chunks.append(Array(sorted[start..<end]))
            start = end
        }
        count = sorted.count
    }

    /// True when nothing is held.
    public var isEmpty: Bool { count == 0 }

    /// The largest element.
    public var last: Element? { chunks.last?.last }

    /// Adds `element`; false when it is already held.
    @discardableResult
    public mutating func insert(_ element: Element) -> Bool {
        guard !chunks.isEmpty else {
            chunks = [[element]]
            count = 1
            return true
        }
        let chunk = chunkIndex(for: element)
        let position = Self.insertionIndex(of: element, in: chunks[chunk])
        if position < chunks[chunk].count, chunks[chunk][position] == element { return false }
        chunks[chunk].insert(element, at: position)
        count += 1
        if chunks[chunk].count > Self.chunkMax {
            let upper = Array(chunks[chunk][(Self.chunkMax / 2)...])
            chunks[chunk].removeSubrange((Self.chunkMax / 2)...)
            chunks.insert(upper, at: chunk + 1)
        }
        return true
    }

    /// Drops `element`; false when it was not held.
    @discardableResult
    public mutating func remove(_ element: Element) -> Bool {
        guard !chunks.isEmpty else { return false }
        let chunk = chunkIndex(for: element)
        let position = Self.insertionIndex(of: element, in: chunks[chunk])
        guard position < chunks[chunk].count, chunks[chunk][position] == element else { return false }
        chunks[chunk].remove(at: position)
        count -= 1
        if chunks[chunk].isEmpty { chunks.remove(at: chunk) }
        return true
    }

    /// Keeps only the elements for which `keep` is true. O(n).
    public mutating func filter(keeping keep: (Element) -> Bool) {
        self = SortedChunks(sorted: Array(self.lazy.filter(keep)))
    }

    /// The elements in ascending order.
    public func makeIterator() -> FlattenSequence<[[Element]]>.Iterator {
        chunks.joined().makeIterator()
    }

    /// Calls `body` with the elements in ascending order from the first for which `isBelow`
    /// is false, until `body` returns false. `isBelow` must hold for a prefix of the
    /// elements and for none after it (a lower bound). O(log n) to find the start.
    public func forEach(from isBelow: (Element) -> Bool, _ body: (Element) -> Bool) {
        var low = 0, high = chunks.count
        while low < high {
            let middle = (low + high) / 2
            if isBelow(chunks[middle][chunks[middle].count - 1]) { low = middle + 1 } else { high = middle }
        }
        var chunk = low
        guard chunk < chunks.count else { return }
        var position = Self.firstIndex(in: chunks[chunk], where: { !isBelow($0) })
        while chunk < chunks.count {
            let run = chunks[chunk]
            while position < run.count {
                if !body(run[position]) { return }
                position += 1
            }
            chunk += 1
            position = 0
        }
    }

    /// True when every run is non-empty, within `chunkMax`, sorted, and below the next, and
    /// `count` agrees (for tests).
    public var isWellFormed: Bool {
        var previous: Element?
        var total = 0
        for run in chunks {
            if run.isEmpty || run.count > Self.chunkMax { return false }
            for element in run {
                if let previous, !(previous < element) { return false }
                previous = element
                total += 1
            }
        }
        return total == count
    }

    /// The elements in descending order.
    public func descending() -> some Sequence<Element> {
        chunks.reversed().lazy.flatMap { $0.reversed() }
    }

    /// The run that holds `element` or would: the first whose last element is not below it
    /// (the final run for an element above everything).
    private func chunkIndex(for element: Element) -> Int {
        var low = 0, high = chunks.count - 1
        while low < high {
            let middle = (low + high) / 2
            if chunks[middle].last! < element { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func insertionIndex(of element: Element, in run: [Element]) -> Int {
        firstIndex(in: run, where: { !($0 < element) })
    }

    /// The first index of `run` where `predicate` holds; it must hold for a suffix.
    private static func firstIndex(in run: [Element], where predicate: (Element) -> Bool) -> Int {
        var low = 0, high = run.count
        while low < high {
            let middle = (low + high) / 2
            if predicate(run[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

extension SortedChunks: Sendable where Element: Sendable {}
