@testable import Kabar

/// Seeded random sets for reconciliation tests.
enum ReconciliationFixtures {
    /// `count` items with random ids, created over 30 days, sorted.
    static func items(_ count: Int, seed: UInt64) -> [ReconciliationItem] {
        var prng = PRNG(seed: seed)
        var items: [ReconciliationItem] = []
        for _ in 0..<count {
            let id = BulletinID(words: (prng.next(), prng.next(), prng.next(), prng.next()))
            items.append(ReconciliationItem(created: UnixTime(milliseconds: 1_790_000_000_000 + Int64(prng.int(below: 2_592_000_000))), id: id))
        }
        return items.sorted()
    }

    /// Two sets built from `base`: `initiatorMissing` positions left out of the first,
    /// `responderMissing` out of the second.
    static func sets(
        _ base: [ReconciliationItem], initiatorMissing: Set<Int>, responderMissing: Set<Int>
    ) -> (ReconciliationSet, ReconciliationSet) {
        let first = ReconciliationSet(items: base.indices.filter { !initiatorMissing.contains($0) }.map { base[$0] })
        let second = ReconciliationSet(items: base.indices.filter { !responderMissing.contains($0) }.map { base[$0] })
        return (first, second)
    }

    /// `count` distinct positions below `bound`.
    static func positions(_ count: Int, below bound: Int, seed: UInt64) -> [Int] {
        var prng = PRNG(seed: seed)
        var chosen = Set<Int>()
        var order: [Int] = []
        while order.count < count {
            let position = prng.int(below: bound)
            if chosen.insert(position).inserted { order.append(position) }
        }
        return order
    }

    /// Runs a session and returns the run, with the expected ids for each direction.
    static func reconcile(
        _ base: [ReconciliationItem], initiatorMissing: Set<Int>, responderMissing: Set<Int>,
        salt: UInt64 = 99, peerCount: Bool = true, lossRate: Double = 0, reorder: Bool = false, seed: UInt64 = 1
    ) -> (run: ReconciliationLoopback.Run, weLack: [BulletinID], peerLacks: [BulletinID]) {
        let (first, second) = sets(base, initiatorMissing: initiatorMissing, responderMissing: responderMissing)
        var initiator = ReconciliationInitiator(set: first, salt: salt, peerCount: peerCount ? second.count : nil)
        var responder = ReconciliationResponder(set: second)
        let run = ReconciliationLoopback.run(
            initiator: &initiator, responder: &responder, lossRate: lossRate, reorder: reorder, seed: seed, stepsMax: 400)
        return (run, initiatorMissing.map { base[$0].id }.sorted(), responderMissing.map { base[$0].id }.sorted())
    }
}
