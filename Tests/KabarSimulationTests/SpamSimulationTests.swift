import Foundation
import Kabar
import KabarSimulation
import Testing

/// The spam scenario (issue [trust], Documentation/Trust.md "Spam"): an attacker with 1000 fresh
/// keys floods a community channel from a node that applies no rules. Every honest node holds
/// each attacker key to its quota, so what the flood can make the mesh carry is bounded, and
/// honest bulletins still reach every node in at most twice the time they take without it
/// (median and 90th percentile over 60 honest bulletins; mean and maximum are printed).
@Suite struct SpamSimulationTests {
    /// The attacker's keys: numbers 1000 to 1999 (honest authors are below 600).
    static let attackerKeys: ClosedRange<UInt16> = 1_000...1_999
    /// Posts per attacker key: one more than the quota allows.
    static let postsPerKey = 3
    /// A small quota, so a test-sized flood crosses it (the default is 500 a day and 2 MB).
    static let quota = Quota(countPerDayMax: 2, bytesPerDayMax: 4_000)
    static let honestHosts = 0..<6
    static let attacker = 6
    static let epoch = UnixTime(milliseconds: 1_793_491_200_000)
    /// Honest posts: `honestRounds` from each of the six hosts, one every `honestSpacing` ms,
    /// each by its own key (so no honest author nears the quota).
    static let honestRounds = setting("SPAM_HONEST_ROUNDS", 10)
    static let honestSpacing = Int64(setting("SPAM_HONEST_SPACING_MS", 500))
    /// The flood: one attacker post every `floodSpacing` µs (10 ms: 100 posts a second,
    /// about 16 KB/s of airtime, 3000 posts in 30 s). Scripts/spam-sim.sh sweeps it.
    static let floodSpacing = Int64(setting("SPAM_FLOOD_SPACING_US", 10_000))

    /// A figure from the environment (for the sweep script), else its default.
    static func setting(_ name: String, _ value: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) }.map { Swift.max(1, $0) } ?? value
    }

    struct Figures {
        var honestTimes: [TimeSpan] = []
        var attackerStoredMax = 0
        var perKeyCountMax = 0
        var perKeyBytesMax = 0
        var uncovered = 0
        var rejectionsMax = 0

        var mean: Double {
            honestTimes.isEmpty ? 0 : honestTimes.map { Double($0.microseconds) / 1e6 }.reduce(0, +) / Double(honestTimes.count)
        }
        var max: Double { Double(honestTimes.map(\.microseconds).max() ?? 0) / 1e6 }
        /// The median and the 90th percentile (nearest rank).
        var p50: Double { percentile(50) }
        var p90: Double { percentile(90) }

        func percentile(_ rank: Int) -> Double {
            let sorted = honestTimes.map(\.microseconds).sorted()
            guard !sorted.isEmpty else { return 0 }
            let index = Swift.max(0, Swift.min(sorted.count - 1, (sorted.count * rank + 99) / 100 - 1))
            return Double(sorted[index]) / 1e6
        }
    }

    /// One run: six honest hosts and the attacker's node on a hall LAN; honest hosts post 60
    /// bulletins over 30 s; with `flood`, the attacker posts 3000 over the same time.
    func run(flood: Bool) -> Figures {
        var sim = Simulation<TrustedHost>(seed: 77, name: flood ? "spam-flood" : "spam-baseline")
        let rules = TrustRules(defaultQuota: Self.quota)
        sim.addHosts(Self.honestHosts.count) { TrustedHost(boot: $0, rules: rules) }
        sim.addHosts(1) { TrustedHost(boot: $0, rules: nil) }
        sim.addLAN(0...Self.attacker, LANConfiguration())
        let start = Instant.zero + .seconds(6)  // after the first beacons
        var honestTitles: [String] = []
        for round in 0..<Self.honestRounds {
            for host in Self.honestHosts {
                let at = start + .milliseconds((Int64(round * Self.honestHosts.count + host)) * Self.honestSpacing + 100)
                let title = "warga \(host)-\(round)"
                honestTitles.append(title)
                let order = TrustedHost.Order.draft(author: UInt16(host * 100 + round), channel: "warga", title: title, lifetime: .days(3))
                sim.schedule(at: at, .post(host: host, order))
            }
        }
        if flood {
            var index: Int64 = 0
            for copy in 0..<Self.postsPerKey {
                for key in Self.attackerKeys {
                    let at = start + .microseconds(index * Self.floodSpacing)
                    let created = Self.epoch + (at - .zero)
                    let post = SimulationKeys.post(
                        by: key, channel: "warga", title: "JUAL MURAH \(key)-\(copy)", created: created, lifetime: .days(3))
                    sim.schedule(at: at, .post(host: Self.attacker, .signed(post)))
                    index += 1
                }
            }
        }
        let floodEnd = start + .microseconds(Int64(Self.attackerKeys.count * Self.postsPerKey) * Self.floodSpacing)
        let honestEnd = start + .milliseconds(Int64(Self.honestRounds * Self.honestHosts.count) * Self.honestSpacing)
        sim.run(until: Swift.max(floodEnd, honestEnd) + .seconds(60))
        return figures(sim, honestTitles: Set(honestTitles))
    }

    func figures(_ sim: Simulation<TrustedHost>, honestTitles: Set<String>) -> Figures {
        var figures = Figures()
        var honestIDs: Set<BulletinID> = []
        let attackerAuthors = Set(Self.attackerKeys.map(SimulationKeys.author))
        for host in Self.honestHosts {
            guard let node = sim.endpoint(host)?.node else { continue }
            let store = node.store
            figures.rejectionsMax = Swift.max(figures.rejectionsMax, node.counters.rejectedBulletins)
            var usage: [AuthorKey: (count: Int, bytes: Int)] = [:]
            for bulletin in store.all {
                if honestTitles.contains(bulletin.title) { honestIDs.insert(bulletin.id) }
                guard attackerAuthors.contains(bulletin.author) else { continue }
                usage[bulletin.author, default: (0, 0)].count += 1
                usage[bulletin.author, default: (0, 0)].bytes += bulletin.encoded.count
            }
            figures.attackerStoredMax = Swift.max(figures.attackerStoredMax, usage.values.reduce(0) { $0 + $1.count })
            figures.perKeyCountMax = Swift.max(figures.perKeyCountMax, usage.values.map(\.count).max() ?? 0)
            figures.perKeyBytesMax = Swift.max(figures.perKeyBytesMax, usage.values.map(\.bytes).max() ?? 0)
        }
        for spread in sim.metrics.bulletins where honestIDs.contains(spread.id) {
            if let time = spread.timeTo100 { figures.honestTimes.append(time) } else { figures.uncovered += 1 }
        }
        figures.uncovered += honestTitles.count - honestIDs.count
        return figures
    }

    @Test func aThousandKeyFloodAtMostDoublesHonestCoverageTimeAndStaysWithinQuotas() {
        let baseline = run(flood: false)
        let flooded = run(flood: true)
        let honestCount = Self.honestRounds * Self.honestHosts.count
        print("""
            spam-sim: flood of \(Self.attackerKeys.count * Self.postsPerKey) posts by \(Self.attackerKeys.count) keys, one every \(Self.floodSpacing) µs
            spam-sim: honest time to full coverage (\(honestCount) bulletins, 7 hosts): \
            without attacker median \(format(baseline.p50)) s, mean \(format(baseline.mean)) s, p90 \(format(baseline.p90)) s, max \(format(baseline.max)) s; \
            with the flood median \(format(flooded.p50)) s, mean \(format(flooded.mean)) s, p90 \(format(flooded.p90)) s, max \(format(flooded.max)) s
            spam-sim: attacker bulletins stored per honest node at most \(flooded.attackerStoredMax) \
            (quota \(Self.quota.countPerDayMax) per key and day: limit \(Self.attackerKeys.count * Self.quota.countPerDayMax)); \
            per key at most \(flooded.perKeyCountMax) bulletins, \(flooded.perKeyBytesMax) bytes (quota \(Self.quota.bytesPerDayMax)); \
            refusals at one honest node at most \(flooded.rejectionsMax)
            """)
        #expect(baseline.uncovered == 0 && flooded.uncovered == 0, "every honest bulletin reaches every node")
        #expect(baseline.honestTimes.count == honestCount && flooded.honestTimes.count == honestCount)
        // The typical (median) and the 90th-percentile honest bulletin; the mean and the single
        // worst one are printed (one lost broadcast repaired after a retry weighs on both).
        #expect(flooded.p50 <= 2 * baseline.p50, "honest coverage time at most doubles (median)")
        #expect(flooded.p90 <= 2 * baseline.p90, "honest coverage time at most doubles (90th percentile)")
        #expect(flooded.perKeyCountMax <= Self.quota.countPerDayMax)
        #expect(flooded.perKeyBytesMax <= Self.quota.bytesPerDayMax)
        #expect(flooded.attackerStoredMax <= Self.attackerKeys.count * Self.quota.countPerDayMax)
        #expect(flooded.attackerStoredMax > 0, "the flood did reach the honest nodes")
    }

    func format(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
