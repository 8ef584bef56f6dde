import Kabar
import Testing

/// The change feed a store's followers catch up from: in order, bounded, and honest about
/// what it no longer keeps.
@Suite struct StoreChangeFeedTests {
    private func id(_ number: Int) -> BulletinID { BulletinID(hashing: [UInt8(truncatingIfNeeded: number), UInt8(truncatingIfNeeded: number >> 8)]) }

    @Test func aFollowerGetsEachChangeSinceItLooked() throws {
        var feed = StoreChangeFeed(changesMax: 8)
        #expect(feed.end == 0 && feed.changes(since: 0)?.isEmpty == true)
        feed.record(id(1))
        feed.record(id(2))
        let seen = feed.end
        feed.record(id(3))
        feed.record(id(1))
        #expect(Array(try #require(feed.changes(since: seen))) == [id(3), id(1)])
        #expect(feed.changes(since: feed.end)?.isEmpty == true)
        #expect(feed.changes(since: feed.end + 1) == nil, "a number this feed never gave")
    }

    @Test func pastItsBoundTheFeedSaysItNoLongerReachesBack() throws {
        var feed = StoreChangeFeed(changesMax: 8)
        for number in 0..<9 { feed.record(id(number)) }
        // The ninth change dropped the oldest quarter (2): changes 2...8 remain.
        #expect(feed.changes(since: 0) == nil && feed.changes(since: 1) == nil)
        #expect(Array(try #require(feed.changes(since: 2))) == (2..<9).map(id))
        #expect(feed.end == 9)
    }

    /// The index records changes after its bulk load, not the load itself.
    @Test func theIndexFeedsInsertsAndRemovalsAfterLoading() {
        var index = BulletinIndex()
        let summary = BulletinSummary(kind: .post, author: AuthorKey(bytes: [UInt8](repeating: 7, count: 32))!, created: UnixTime(milliseconds: 1),
                                      expires: UnixTime(milliseconds: 2), channel: "warga", hasAttachments: false)
        index.startLoading()
        index.insert(id: id(1), summary: summary, encodedBytes: 10, location: 0)
        index.finishLoading()
        #expect(index.changes.end == 0)
        index.insert(id: id(2), summary: summary, encodedBytes: 10, location: 0)
        index.remove(id(1))
        index.remove(contentsOf: [id(2), id(3)])
        #expect(Array(index.changes.changes(since: 0) ?? []) == [id(2), id(1), id(2)])
    }
}
