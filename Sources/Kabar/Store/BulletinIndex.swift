/// The in-memory index of a store whose bulletins live elsewhere (on disk): for each id its
/// summary, size and an opaque location, plus the reconciliation order. Queries run on it.
///
/// Compact on purpose (a Pi has little memory; the target is 100,000 bulletins in well under
/// 150 MB): authors and channels are interned, so an entry is about 64 bytes.
///
/// Complexity: lookups by id O(1); inserts and removals O(log n) plus a shift within one run of `SortedChunks` (O(1) while loading, with
/// one sort at `finishLoading`); queries O(n) in the worst case, newest first, stopping at the
/// limit. Inserts and removals after the bulk load are noted in `changes` (StoreChangeFeed).
public struct BulletinIndex: Sendable {
    /// What the index holds for one bulletin.
    public struct Entry: Sendable, Equatable {
        /// Its id.
        public let id: BulletinID
        /// When it says it was created.
        public let created: UnixTime
        /// When it expires.
        public let expires: UnixTime
        /// Its kind's wire byte.
        public let kindCode: UInt8
        /// It lists attachments (in the padding after `kindCode`: no extra bytes).
        public let hasAttachments: Bool
        /// Index into the interned authors.
        let authorNumber: UInt32
        /// Index into the interned channels.
        let channelNumber: UInt32
        /// Bytes of its encoding: what it costs on disk (for the quota).
        public let encodedBytes: UInt32
        /// Where the owner keeps it; meaningless to the index.
        public var location: UInt64

        /// Its kind.
        public var kind: BulletinKind { BulletinKind(code: kindCode) ?? .unknown(kindCode) }
    }

    private var entries: [BulletinID: Entry] = [:]
    private var order = SortedChunks<StoreItem>()
    /// Items appended during a bulk load, sorted into `order` by `finishLoading`.
    private var loaded: [StoreItem] = []
    private var loading = false
    private var authors: [AuthorKey] = []
    private var authorNumbers: [AuthorKey: UInt32] = [:]
    private var channels: [String] = []
    private var channelNumbers: [String: UInt32] = [:]
    /// The sum of `encodedBytes` over all entries.
    public private(set) var encodedBytes: Int64 = 0
    /// Every id inserted or removed since the bulk load, for followers of the store (the
    /// board's search index): the one place that sees each change, whatever made it.
    public private(set) var changes = StoreChangeFeed()

    /// An empty index.
    public init() {}

    /// How many bulletins it holds.
    public var count: Int { entries.count }

    /// The ids of entries `predicate` accepts, in no order. O(n).
    public func ids(where predicate: (Entry) -> Bool) -> [BulletinID] { entries.values.filter(predicate).map(\.id) }

    /// The ids of bulletins that list attachments, in no order. O(n) over the entries, no
    /// disk read.
    public var idsWithAttachments: [BulletinID] { entries.values.filter(\.hasAttachments).map(\.id) }

    /// The entry for `id`.
    public func entry(_ id: BulletinID) -> Entry? { entries[id] }

    /// The author of `entry`.
    public func author(of entry: Entry) -> AuthorKey { authors[Int(entry.authorNumber)] }

    /// The channel of `entry`.
    public func channel(of entry: Entry) -> String { channels[Int(entry.channelNumber)] }

    /// Starts a bulk load: inserts append, and `finishLoading` sorts once.
    public mutating func startLoading() { loading = true }

    /// Ends a bulk load. O(n log n).
    public mutating func finishLoading() {
        loading = false
        loaded += order
        loaded.sort()
        // Removals during the load left items behind (and a re-insert may have doubled one).
        var kept: [StoreItem] = []
        kept.reserveCapacity(entries.count)
        for item in loaded where entries[item.id]?.created == item.created && kept.last != item {
            kept.append(item)
        }
        loaded = []
        order = SortedChunks(sorted: kept)
    }

    /// Adds `id`; false (and nothing changes) when it is already held.
    @discardableResult
    public mutating func insert(id: BulletinID, summary: BulletinSummary, encodedBytes: Int, location: UInt64) -> Bool {
        guard entries[id] == nil else { return false }
        let entry = Entry(
            id: id, created: summary.created, expires: summary.expires, kindCode: summary.kind.code,
            hasAttachments: summary.hasAttachments, authorNumber: intern(summary.author), channelNumber: intern(summary.channel),
            encodedBytes: UInt32(clamping: encodedBytes), location: location)
        entries[id] = entry
        self.encodedBytes += Int64(entry.encodedBytes)
        let item = StoreItem(created: summary.created, id: id)
        if loading {
            loaded.append(item)
        } else {
            order.insert(item)
            changes.record(id)
        }
        return true
    }

    /// Drops `id`; returns its entry if it was held.
    @discardableResult
    public mutating func remove(_ id: BulletinID) -> Entry? {
        guard let entry = entries.removeValue(forKey: id) else { return nil }
        encodedBytes -= Int64(entry.encodedBytes)
        if !loading {
            order.remove(StoreItem(created: entry.created, id: id))
            changes.record(id)
        }
        return entry
    }

    /// Drops every id in `ids` at once. O(n).
    public mutating func remove(contentsOf ids: [BulletinID]) {
        var dropped = false
        for id in ids {
            guard let entry = entries.removeValue(forKey: id) else { continue }
            encodedBytes -= Int64(entry.encodedBytes)
            dropped = true
            if !loading { changes.record(id) }
        }
        if dropped { order.filter(keeping: { entries[$0.id] != nil }) }
    }

    /// Points `id` at a new location (after compaction moved it).
    public mutating func relocate(_ id: BulletinID, to location: UInt64) {
        entries[id]?.location = location
    }

    /// Calls `body` for every item in `StoreItem` order.
    public func forEachItem(_ body: (UnixTime, BulletinID) -> Void) {
        for item in order { body(item.created, item.id) }
    }

    /// Calls `body` with entries newest first that pass `query`'s filters (not its words),
    /// until `body` returns false.
    public func forEachCandidate(_ query: BulletinQuery, _ body: (Entry) -> Bool) {
        let channelNumber = query.channel.map { channelNumbers[$0] }
        let authorNumber = query.author.map { authorNumbers[$0] }
        // A filter naming a channel or author never seen matches nothing.
        if channelNumber == .some(nil) || authorNumber == .some(nil) { return }
        for item in order.descending() {
            guard let entry = entries[item.id] else { continue }
            if let channelNumber, entry.channelNumber != channelNumber { continue }
            if let authorNumber, entry.authorNumber != authorNumber { continue }
            if let kind = query.kind, entry.kindCode != kind.code { continue }
            if let excluded = query.excludedKind, entry.kindCode == excluded.code { continue }
            if !body(entry) { return }
        }
    }

    /// The one id starting with `prefix`.
    public func resolve(prefix: String) throws(IDPrefixError) -> BulletinID {
        try IDPrefix(prefix).resolve(among: order.lazy.map(\.id))
    }

    /// Ids whose `expires` is at or before `now`, sorted.
    public func expired(now: UnixTime) -> [BulletinID] {
        entries.values.filter { $0.expires <= now }.map(\.id).sorted()
    }

    /// The entries `rank` ranks (nil: never evicted), in the order to evict them: lowest rank
    /// first, then oldest created, then id. `overhead` is added to each entry's bytes (the
    /// store's record framing). O(n log n).
    public func evictionOrder(overhead: Int64, rank: (EvictionCandidate) -> Int?) -> [EvictionCandidate] {
        let candidates = entries.values.lazy.map { entry in
            EvictionCandidate(
                id: entry.id, channel: channels[Int(entry.channelNumber)], created: entry.created, expires: entry.expires,
                bytes: Int64(entry.encodedBytes) + overhead)
        }
        return EvictionCandidate.evictionOrder(candidates, rank: rank)
    }

    /// Traps if the order and the entries disagree. For tests.
    public func checkInvariants() {
        precondition(order.count == entries.count, "order and entries differ in size")
        var total: Int64 = 0
        var previous: StoreItem?
        for item in order {
            precondition(entries[item.id]?.created == item.created, "order holds an id not indexed")
            if let previous { precondition(previous < item, "order is not sorted") }
            previous = item
        }
        for entry in entries.values { total += Int64(entry.encodedBytes) }
        precondition(total == encodedBytes, "byte total is off")
    }

    private mutating func intern(_ author: AuthorKey) -> UInt32 {
        if let number = authorNumbers[author] { return number }
        let number = UInt32(authors.count)
        authors.append(author)
        authorNumbers[author] = number
        return number
    }

    private mutating func intern(_ channel: String) -> UInt32 {
        if let number = channelNumbers[channel] { return number }
        let number = UInt32(channels.count)
        channels.append(channel)
        channelNumbers[channel] = number
        return number
    }
}
