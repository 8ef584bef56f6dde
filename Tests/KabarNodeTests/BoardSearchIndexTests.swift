import Foundation
import Kabar
import KabarCrypto
import Testing
@testable import KabarNode

/// The board's search index over a real `FileStore`: it follows every way a bulletin comes and
/// goes (the store's change feed), and catching up costs what changed, not what is held.
@Suite(.serialized) struct BoardSearchIndexTests {
    private typealias B = NodeStoreBulletins

    private func open(_ folder: TemporaryFolder, quotaBytes: Int64? = nil) throws -> FileStore {
        var options = FileStore.Options()
        options.quotaBytes = quotaBytes
        return try FileStore.open(in: DataDirectory(path: folder.path), options: options)
    }

    /// Brings `index` fully up to `store`; the number of calls it took.
    @discardableResult
    private func catchUpFully(_ index: inout BoardSearchIndex, _ store: FileStore, readsMax: Int = .max) -> Int {
        var calls = 0
        repeat {
            index.catchUp(store, readsMax: readsMax)
            calls += 1
        } while !index.isComplete && calls < 1_000
        return calls
    }

    /// A bulletin removed in any way (a deletion, a withdrawal's tombstone, expiry, the quota's
    /// eviction) leaves the results at the next catch-up; one added joins them; a non-post is
    /// never read or matched.
    @Test func additionsAndEveryRemovalReachTheIndex() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try open(folder)
        defer { try? store.close() }
        let start: Int64 = 1_800_000_000_000
        let deleted = B.make(1, title: "Sumur kering dihapus")
        let withdrawn = B.make(2, title: "Sumur kering ditarik")
        let expiring = B.make(3, created: start - 3_600_000, lifetime: .minutes(30), title: "Sumur kering kedaluwarsa")
        let kept = B.make(4, title: "Sumur kering tetap")
        for bulletin in [deleted, withdrawn, expiring, kept] { _ = try store.insert(bulletin, durability: .lazy) }
        var index = BoardSearchIndex()
        #expect(!index.isComplete)
        catchUpFully(&index, store)
        #expect(Set(index.search("sumur kering", limit: 10)) == Set([deleted, withdrawn, expiring, kept].map(\.id)))

        var retraction = BulletinContent(
            kind: .retraction, author: withdrawn.author, created: withdrawn.created + .minutes(1), expires: withdrawn.expires, channel: "warga")
        retraction.references = [withdrawn.id]
        let retractionBulletin = try Bulletin.sign(retraction, with: B.keys[0])
        let added = B.make(5, title: "Sumur kering baru")
        _ = try store.insert(retractionBulletin, durability: .lazy)
        _ = try store.insert(added, durability: .lazy)
        try store.remove(deleted.id)
        try store.markRemoved(withdrawn.id, until: withdrawn.expires)
        _ = try store.removeExpired(now: UnixTime(milliseconds: start))
        let readsBefore = index.reads
        index.catchUp(store, readsMax: 100)
        #expect(index.isComplete)
        #expect(index.search("sumur kering", limit: 10) == [added.id, kept.id])
        #expect(index.reads == readsBefore + 1, "only the new post is read; the retraction is known a non-post from the store's summary")
        #expect(index.indexedCount == 2 && index.heldCount == 3)
        #expect(index.relists == 1)

        // Eviction: a quota far below what is held evicts all but what fits, then compacts.
        try store.close()
        let small = try open(folder, quotaBytes: 1)
        defer { try? small.close() }
        // Expiry writes no record: the reopened store drops the expired bulletin again.
        _ = try small.removeExpired(now: UnixTime(milliseconds: start))
        var reopened = BoardSearchIndex()
        catchUpFully(&reopened, small)
        #expect(reopened.search("sumur kering", limit: 10) == [added.id, kept.id])
        let evicted = try small.enforceQuota(now: UnixTime(milliseconds: start))
        #expect(Set(evicted).isSuperset(of: [added.id, kept.id]))
        reopened.catchUp(small, readsMax: 100)
        #expect(reopened.search("sumur kering", limit: 10).isEmpty)
        #expect(reopened.relists == 1 && reopened.indexedCount == 0)
    }

    /// On a store of 100,000 bulletins, catching up after k new ones and k removed looks at
    /// about 3k ids and reads k bulletins, not the 100,000 held; and the first catch-up reads
    /// in bounded steps, answering meanwhile with the partial count.
    @Test func catchingUpCostsWhatChangedNotWhatIsHeld() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try open(folder)
        defer { try? store.close() }
        var index = BoardSearchIndex()
        index.catchUp(store, readsMax: 4_000)
        #expect(index.isComplete && index.relists == 1)

        let held = 100_000
        let key = B.keys[1]
        let author = AuthorKey(bytes: key.publicKey.rawRepresentation)!
        func post(_ number: Int) throws -> Bulletin {
            let created = UnixTime(milliseconds: 1_800_000_000_000 + Int64(number) * 1_000)
            var content = BulletinContent(kind: .post, author: author, created: created, expires: created + .days(30), channel: "warga")
            content.title = "Kabar \(number)"
            content.body = number % 1_000 == 0 && number < held ? "panen raya" : "isi"
            return try Bulletin.sign(content, with: key)
        }
        for number in 0..<held { _ = try store.insert(post(number), durability: .lazy) }

        // More changed than the feed keeps: one comparison of the whole store, then reads in
        // steps of at most 4,000, with the partial count in between.
        index.catchUp(store, readsMax: 4_000)
        #expect(index.relists == 2)
        #expect(!index.isComplete && index.indexedCount == 4_000 && index.heldCount == held)
        #expect(index.search("panen raya", limit: 200).count == 4)
        let calls = catchUpFully(&index, store, readsMax: 4_000)
        #expect(calls == 24 && index.indexedCount == held)
        #expect(index.search("panen raya", limit: 200).count == 100)

        let k = 50
        let visitedBefore = index.idsVisited, readsBefore = index.reads
        var gone: [BulletinID] = []
        for number in held..<(held + k) { _ = try store.insert(post(number), durability: .lazy) }
        store.forEachItem { _, id in if gone.count < k { gone.append(id) } }
        for id in gone { try store.remove(id) }
        index.catchUp(store, readsMax: 4_000)
        #expect(index.isComplete && index.relists == 2)
        #expect(index.reads - readsBefore == k)
        // k arrivals and k removals taken from the feed, k arrivals taken off the queue.
        #expect(index.idsVisited - visitedBefore == 3 * k)
        #expect(index.indexedCount == held)
        #expect(!index.search("panen raya", limit: 200).contains(gone[0]), "the oldest, a `panen raya` post, is gone")
        #expect(index.search("panen raya", limit: 200).count == 99)

        // Nothing changed: nothing looked at.
        let idle = index.idsVisited
        index.catchUp(store, readsMax: 4_000)
        #expect(index.idsVisited == idle)
    }

    /// Past `entriesMax`, the oldest go: the index holds the newest, as the listing does.
    @Test func theIndexKeepsTheNewestEntriesMax() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try open(folder)
        defer { try? store.close() }
        var index = BoardSearchIndex(entriesMax: 8)
        let posts = (1...20).map { B.make($0, title: "Pasar malam \($0)") }
        for bulletin in posts.prefix(12) { _ = try store.insert(bulletin, durability: .lazy) }
        catchUpFully(&index, store)
        #expect(index.search("pasar malam", limit: 50) == posts[4..<12].reversed().map(\.id))
        #expect(index.heldCount == 8)
        for bulletin in posts[12...] { _ = try store.insert(bulletin, durability: .lazy) }
        catchUpFully(&index, store)
        // Trimmed once past 8 + 8 / 8: between trims the index may hold one more.
        let found = index.search("pasar malam", limit: 50)
        #expect(found.count <= 9 && found == Array(posts.reversed().map(\.id).prefix(found.count)))
    }
}
