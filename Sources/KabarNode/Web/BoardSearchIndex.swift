import Kabar

/// The board's search: the text of the bulletins held, in memory, so that a phone's search does
/// not read 50,000 bulletins from disk on the daemon's loop (0.9 s here; the gossip waits).
///
/// The index follows the store by comparing: when the store's generation (its count and the
/// bytes appended to its log) moved, `catchUp` drops what left and reads what is new, at most
/// `readsMax` bulletins a call; the daemon's housekeeping calls it every second, so a node that
/// starts with 50,000 bulletins has its index in about ten seconds without a stall. A search
/// before that answers from what is indexed and says how much that is.
///
/// Memory: one entry per post (its title and body, about 250 bytes at the regency's sizes),
/// the newest `entriesMax` at most.
struct BoardSearchIndex {
    struct Entry {
        var created: UnixTime
        /// Title, a newline, body: one text, since a newline separates words either way.
        var text: String
        var isASCII: Bool
    }

    /// Posts indexed, at most (the newest).
    static let entriesMax = 200_000
    /// Bulletins read from the store per `catchUp` by the housekeeping, at most.
    static let readsPerSecondMax = 4_000

    private var entries: [BulletinID: Entry] = [:]
    /// Ids read that are not posts (grants, retractions): never matched, never read again.
    private var skipped: Set<BulletinID> = []
    private var generation: (count: Int, appended: Int64) = (-1, -1)
    /// True when every bulletin of `generation` is indexed.
    private(set) var isComplete = false
    /// Posts indexed and bulletins held (as of the last catch-up).
    private(set) var indexedCount = 0
    private(set) var heldCount = 0

    /// Brings the index up to `store`, reading at most `readsMax` bulletins.
    mutating func catchUp(_ store: FileStore, readsMax: Int) {
        let current = (store.count, store.bytesAppended)
        if isComplete && current == generation { return }
        var held: [(created: UnixTime, id: BulletinID)] = []
        held.reserveCapacity(store.count)
        store.forEachItem { created, id in held.append((created, id)) }
        // The store iterates oldest first: the newest `entriesMax` are the tail.
        let kept = held.suffix(Self.entriesMax)
        let keptIDs = Set(kept.map(\.id))
        if entries.count + skipped.count > kept.count {
            entries = entries.filter { keptIDs.contains($0.key) }
            skipped = skipped.filter { keptIDs.contains($0) }
        }
        var reads = 0
        var complete = true
        for item in kept.reversed() where entries[item.id] == nil && !skipped.contains(item.id) {
            guard reads < readsMax else {
                complete = false
                break
            }
            reads += 1
            guard let bulletin = store.bulletin(item.id), bulletin.kind == .post else {
                skipped.insert(item.id)
                continue
            }
            let text = bulletin.title + "\n" + bulletin.body
            entries[item.id] = Entry(created: item.created, text: text, isASCII: text.utf8.allSatisfy { $0 < 0x80 })
        }
        generation = current
        isComplete = complete
        indexedCount = entries.count
        heldCount = kept.count
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
