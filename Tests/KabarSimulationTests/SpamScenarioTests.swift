import Kabar
@testable import KabarSimulation
import Testing

/// The `spam` scenario at a test's size (issue 17): an attacker on one hall's LAN posts valid
/// bulletins from fresh keys as fast as the LAN carries them while the halls post as usual.
/// Every honest post reaches every node, no honest bulletin is evicted, refused or removed
/// anywhere, the honest stretch stays within twice its value without the flood, and the
/// attacker's bytes at any node stay within the strangers' budget, however many keys it has.
/// `kabar sim spam` is the full-size run (100,000 keys for an hour).
@Suite struct SpamScenarioTests {
    /// Three halls of three, the attacker on the second; two minutes of flood.
    static func definition(keys: Int, strangers: String = "") throws -> ScenarioDefinition {
        let text = """
            # spam-small: the spam scenario at a test's size.
            nodes 9
            topology ring hall=3
            lan access=fair
            backlog count=500 authors=20 body=300
            store quota=400KB
            \(strangers)
            vouch halls
            posts official count=2 from=office start=20s spacing=40s
            posts market count=60 from=any start=22s spacing=2s
            spam keys=\(keys) rate=LAN for=2m from=1 body=1500..14500 keep=2MB
            idle 20s
            deadline 6m
            sample 1s
            """
        return try ScenarioFile.parse(text, file: "spam-small.scenario", name: "spam-small")
    }

    static func run(keys: Int, seed: UInt64, strangers: String = "") throws -> (StudioResult, StudioSpam, String) {
        let result = StudioRunner.runComparingWithoutFlood(try definition(keys: keys, strangers: strangers), seed: seed)
        let command = "spam-small keys=\(keys) \(strangers) --seed \(seed)"
        let spam = try #require(result.spam, "\(command)")
        print("\(command): \(spam.posts) posts from \(spam.keysUsed) keys, \(spam.bytesPosted) bytes; "
              + "honest delivery \(result.all.deliveryRatio), stretch p99 \(result.all.stretchP99) "
              + "(without the flood \(spam.stretchP99WithoutFlood ?? -1)); strangers' bytes per node at most \(spam.strangerBytesMax) "
              + "(peak \(spam.strangerBytesPeak), budget \(spam.budgetBytes ?? -1)); honest evicted \(spam.honestEvicted)")
        #expect(result.metrics.drops.oversize == 0 && result.metrics.tickLoopsCut == 0, "node bug: \(command)")
        #expect(spam.posts > 0 && spam.postsStored > 0, "the flood reached the honest nodes: \(command)")
        #expect(result.all.deliveryRatio == 1, "honest delivery \(result.all.deliveryRatio): \(command)")
        #expect(spam.honestEvicted == 0, "honest bulletins evicted, removed or refused: \(spam.honestEvicted): \(command)")
        #expect(result.forgedStored == 0, "\(command)")
        return (result, spam, command)
    }

    @Test(arguments: [(UInt64(1), 500), (UInt64(2), 20_000)])
    func aFloodOfFreshKeysStaysInTheStrangersBudget(seed: UInt64, keys: Int) throws {
        let (result, spam, command) = try Self.run(keys: keys, seed: seed)
        let without = try #require(spam.stretchP99WithoutFlood)
        #expect(spam.deliveryRatioWithoutFlood == 1, "\(command)")
        #expect(result.all.stretchP99 <= 2 * without, "honest stretch p99 \(result.all.stretchP99) against \(without) without: \(command)")
        let budget = try #require(spam.budgetBytes)
        #expect(spam.strangerBytesPeak <= budget && spam.strangerBytesMax <= budget, "\(command)")
        #expect(spam.strangerBytesPeak > 0, "the budget took some: \(command)")
        #expect(spam.keysUsed == min(keys, spam.posts))
    }

    /// Without a budget the same flood fills what the quota leaves, far past the budget; the
    /// eviction order still keeps every honest bulletin (strangers' go first).
    @Test func withoutABudgetTheFloodTakesWhatTheQuotaLeaves() throws {
        let (_, spam, command) = try Self.run(keys: 20_000, seed: 3, strangers: "strangers none")
        let quota = try #require(spam.quotaBytes)
        #expect(spam.budgetBytes == nil)
        #expect(spam.strangerBytesPeak > quota / 10, "strangers' bytes \(spam.strangerBytesPeak): \(command)")
        #expect(spam.strangerBytesPeak <= quota)
    }
}
