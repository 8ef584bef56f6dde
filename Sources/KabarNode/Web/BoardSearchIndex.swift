import Kabar

/// The board's search: the text of the bulletins held, in memory, so that a phone's search does
/// not read 50,000 bulletins from disk on the daemon's loop (0.9 s here; the gossip waits).
///
/// # Theory of operation
///
/// The index follows the store's change feed (`FileStore.changes(since:)`): each `catchUp`
/// takes the ids inserted or removed since the last one, drops those the store no longer holds
/// and queues those it does, then reads queued bulletins, newest arrivals first, at most
/// `readsMax` a call. Its cost is what changed, not what is held: the daemon's housekeeping
/// calls it every second, and during a 100,000-bulletin sync a call used to list and compare
/// the whole store (45% of a hall's CPU; Documentation/Board.md, "Search").
///
/// Only at start, or when it fell further behind than the feed keeps (a quota eviction of
/// tens of thousands at once), does it list the whole store once (`relist`): it keeps what it
/// indexed and still held and queues the rest, newest first. A node that starts with 50,000
/// bulletins so has its index in about ten seconds of housekeeping, without a stall. A search
/// before that answers from what is indexed and says how much that is (`isComplete`,
/// `indexedCount`, `heldCount`).
///
/// Non-posts (grants, retractions) are noted from the store's summary without a disk read and
/// never matched. An index follows one store: the one it was first brought up to.
///
/// Memory: one entry per post (its title and body, about 250 bytes at the regency's sizes),
/// the newest `entriesMax` at most (up to an eighth more between two trims), and 32 bytes per
/// queued id.
struct BoardSearchIndex {
    struct Entry {
        var created: UnixTime
        /// Title, a newline, body: one text, since a newline separates words either way.
        var text: String
        var isASCII: Bool
    }

    /// `entriesMax` on the board.
    static let defaultEntriesMax = 200_000
    /// Bulletins read from the store per `catchUp` by the housekeeping, at most.
    static let readsPerSecondMax = 4_000

    /// Bulletins indexed, at most (the newest); posts keep their text, others only their id.
    let entriesMax: Int
    private var entries: [BulletinID: Entry] = [:]
    /// Ids read that are not posts (grants, retractions), with their time: never matched, never
    /// read again.
    private var skipped: [BulletinID: UnixTime] = [:]
    /// Ids to read, the next at the end: the newest held at a relist, then each arrival.
    /// An id the store dropped meanwhile is passed over when its turn comes.
    private var queued: [BulletinID] = []
    /// The store's change number seen last; nil before the first relist.
    private var changesSeen: Int64?
    /// Posts indexed and bulletins held (as of the last catch-up).
    private(set) var indexedCount = 0
    private(set) var heldCount = 0
    /// Ids looked at since the index was made: changes taken, items listed by a relist and
    /// queued ids reached. What catching up cost, for tests (a count, not a time).
    private(set) var idsVisited = 0
    /// Bulletins read from the store since the index was made.
    private(set) var reads = 0
    /// Whole-store listings since the index was made (the first catch-up's, then overflows).
    private(set) var relists = 0

    /// An empty index of the newest `entriesMax` bulletins (at least 1).
    init(entriesMax: Int = Self.defaultEntriesMax) {
        self.entriesMax = max(entriesMax, 1)
    }

    /// True when every bulletin held is indexed.
    var isComplete: Bool { changesSeen != nil && queued.isEmpty }

    /// Brings the index up to `store`, reading at most `readsMax` bulletins.
    mutating func catchUp(_ store: FileStore, readsMax: Int) {
        if let seen = changesSeen, let changed = store.changes(since: seen) {
            take(changed, from: store)
        } else {
            relist(store)
        }
        changesSeen = store.changesEnd
        // Arrivals the reads cannot keep up with (or ids coming and going) pile up: past what
        // the index holds at most, one comparison of the whole store is cheaper.
        if queued.count > entriesMax + entriesMax / 8 { relist(store) }
        readQueued(store, readsMax: readsMax)
        if entries.count + skipped.count > entriesMax + entriesMax / 8 { trimToNewest() }
        indexedCount = entries.count
        heldCount = min(store.count, entriesMax)
    }

    /// Takes the changes since the last catch-up: O(changes).
    private mutating func take(_ changed: ArraySlice<BulletinID>, from store: FileStore) {
        idsVisited += changed.count
        for id in changed {
            if store.contains(id) {
                if entries[id] == nil && skipped[id] == nil { queued.append(id) }
            } else {
                entries[id] = nil
                skipped[id] = nil
            }
        }
    }

    /// Compares the whole store: keeps what is indexed and still among the newest
    /// `entriesMax` held, and queues the rest, newest read first. O(held).
    private mutating func relist(_ store: FileStore) {
        relists += 1
        var held: [BulletinID] = []
        held.reserveCapacity(store.count)
        // The store lists oldest first: the newest `entriesMax` are the tail.
        store.forEachItem { _, id in held.append(id) }
        idsVisited += held.count
        let kept = held.suffix(entriesMax)
        if entries.count + skipped.count > 0 {
            let keptIDs = Set(kept)
            entries = entries.filter { keptIDs.contains($0.key) }
            skipped = skipped.filter { keptIDs.contains($0.key) }
        }
        queued = kept.filter { entries[$0] == nil && skipped[$0] == nil }
    }

    /// Reads queued bulletins, the last queued first, until `readsMax` reads.
    private mutating func readQueued(_ store: FileStore, readsMax: Int) {
        var readsHere = 0
        while readsHere < readsMax, let id = queued.popLast() {
            idsVisited += 1
            guard entries[id] == nil, skipped[id] == nil, let summary = store.summary(id) else { continue }
            guard summary.kind == .post else {
                skipped[id] = summary.created
                continue
            }
            readsHere += 1
            reads += 1
            guard let bulletin = store.bulletin(id) else {
                // Unreadable (disk decay after open): never matched, not read again.
                skipped[id] = summary.created
                continue
            }
            let text = bulletin.title + "\n" + bulletin.body
            entries[id] = Entry(created: summary.created, text: text, isASCII: text.utf8.allSatisfy { $0 < 0x80 })
        }
    }

    /// Keeps the newest `entriesMax` of what is indexed. O(n log n), once per `entriesMax / 8`
    /// bulletins indexed past the bound: amortized O(log n) each.
    private mutating func trimToNewest() {
        var all = entries.map { StoreItem(created: $0.value.created, id: $0.key) }
        all += skipped.map { StoreItem(created: $0.value, id: $0.key) }
        all.sort()
        for item in all.prefix(all.count - entriesMax) {
            entries[item.id] = nil
            skipped[item.id] = nil
        }
    }

    /// Ids of the indexed posts holding every word of `query` (folded like `TextSearch`),
    /// newest first, at most `limit`.
    func search(_ query: String, limit: Int) -> [BulletinID] {
        let words = Array(TextSearch.words(in: query).prefix(BulletinQuery.wordsMax))
        guard !words.isEmpty else { return [] }
        // An ASCII query cannot match inside a non-ASCII word by bytes alone, so non-ASCII
        // texts always take the Unicode path; a non-ASCII query never matches ASCII text.
        let matcher = TextSearch.ASCIIMatcher(words)
        var found: [(created: UnixTime, id: BulletinID)] = []
        for (id, entry) in entries {
            let matches: Bool
            if entry.isASCII {
                matches = matcher?.matches(entry.text) ?? false
            } else {
                matches = TextSearch.containsAll(words, title: entry.text, body: "")
            }
            if matches { found.append((entry.created, id)) }
        }
        found.sort { ($0.created, $0.id) > ($1.created, $1.id) }
        return found.prefix(limit).map(\.id)
    }
}
