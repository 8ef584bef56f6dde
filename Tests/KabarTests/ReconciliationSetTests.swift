@testable import Kabar
import Testing

@Suite struct ReconciliationSetTests {
    @Test func bulkBuildKeepsOrderDropsDuplicatesAndMatchesFingerprint() {
        let items = ReconciliationFixtures.items(5_000, seed: 1)
        var shuffled = items + items.prefix(10)
        var prng = PRNG(seed: 2)
        prng.shuffle(&shuffled)
        let set = ReconciliationSet(items: shuffled)
        #expect(set.count == 5_000)
        #expect(set.items() == items)
        #expect(set.checkInvariants())
        #expect(set.fingerprint == SetFingerprint(ids: items.map(\.id).reversed()))
    }

    @Test func insertsAndRemovesAnywhereKeepInvariants() {
        let items = ReconciliationFixtures.items(6_000, seed: 3)
        var set = ReconciliationSet(items: items.prefix(3_000))
        var inserted = 0
        for item in items.dropFirst(3_000) where set.insert(created: item.created, id: item.id) { inserted += 1 }
        #expect(inserted == 3_000)
        let insertedAgain = set.insert(created: items[0].created, id: items[0].id)
        #expect(!insertedAgain)
        #expect(set.count == 6_000)
        #expect(set.checkInvariants())
        var removed = 0
        for item in items.prefix(2_500) where set.remove(id: item.id) { removed += 1 }
        #expect(removed == 2_500)
        let removedAgain = set.remove(id: items[0].id)
        #expect(!removedAgain)
        #expect(set.count == 3_500)
        #expect(set.checkInvariants())
        #expect(set.items() == Array(items.dropFirst(2_500)))
        #expect(set.contains(id: items[4_000].id))
        #expect(!set.contains(id: items[10].id))
        #expect(set.created(id: items[4_000].id) == items[4_000].created)
        #expect(set.fingerprint == SetFingerprint(ids: items.dropFirst(2_500).map(\.id)))
    }

    @Test func fingerprintInsertThenRemoveIsIdentity() {
        var fingerprint = SetFingerprint()
        let ids = ReconciliationFixtures.items(100, seed: 4).map(\.id)
        for id in ids { fingerprint.insert(id) }
        #expect(fingerprint.count == 100)
        #expect(fingerprint != SetFingerprint())
        for id in ids.reversed() { fingerprint.remove(id) }
        #expect(fingerprint == SetFingerprint())
    }

    @Test func rangeIterationReturnsExactlyTheItemsInside() {
        let items = ReconciliationFixtures.items(3_000, seed: 5)
        let set = ReconciliationSet(items: items)
        let range = ReconciliationRange(lower: items[700].bound, upper: items[2_100].bound)
        #expect(set.items(in: range) == Array(items[700..<2_100]))
        #expect(set.items(in: ReconciliationRange(lower: items[2_999].bound)) == [items[2_999]])
        #expect(set.items(in: ReconciliationRange(upper: items[0].bound)).isEmpty)
        #expect(ItemRanges.slice(items, range) == items[700..<2_100])
    }

    @Test func splitBoundsCutIntoOrderedPiecesCoveringTheRange() {
        let items = ReconciliationFixtures.items(1_000, seed: 6)
        let bounds = ItemRanges.splitBounds(items[...], range: .all, pieceItems: 100)
        #expect(bounds.count == 9)
        let pieces = ItemRanges.pieces(of: .all, bounds: bounds)
        #expect(pieces.map { ItemRanges.slice(items, $0).count }.reduce(0, +) == 1_000)
        #expect(pieces.allSatisfy { ItemRanges.slice(items, $0).count == 100 })
    }
}
