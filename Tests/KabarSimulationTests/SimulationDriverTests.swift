import Kabar
@testable import KabarSimulation
import Testing

@Suite struct SimulationDriverTests {
    @Test func floodOnALineReachesEveryReachableHostAtHandComputedTimes() {
        var sim = Simulation<FloodingEndpoint>(seed: 5, name: "flood-line")
        sim.addHosts(6) { FloodingEndpoint(boot: $0) }
        let hop = LinkConfiguration(latency: .milliseconds(10), jitter: .zero, loss: 0, bandwidth: .unlimited)
        for host in 0..<4 { sim.addLink(host, host + 1, hop) }   // host 5 is alone
        let bulletin = ToyBulletin(number: 42, size: 100)
        sim.schedule(at: .ms(1_000), .post(host: 0, bulletin))
        let converged = sim.runUntilConverged(deadline: .ms(60_000))
        #expect(converged, "\(sim.reproduction)")
        #expect(sim.now == .ms(1_040), "stops at the event that completes the last bulletin")
        let quiet = sim.runUntilQuiet(deadline: .ms(60_000))
        #expect(quiet && sim.now == .ms(1_050), "host 4 echoes back to host 3, one hop later")
        let metrics = sim.metrics
        let spread = metrics.bulletins.first
        #expect(spread?.id == bulletin.id && spread?.origin == 0 && spread?.postedAt == .ms(1_000))
        #expect(spread?.reachable == 5 && spread?.reached == 5 && spread?.deliveryRatio == 1)
        // Host k stores at 10k ms. 50% of 5 is the 3rd store, 90% and 100% the 5th.
        #expect(spread?.timeTo50 == .milliseconds(20), "\(sim.reproduction)")
        #expect(spread?.timeTo90 == .milliseconds(40))
        #expect(spread?.timeTo100 == .milliseconds(40))
        // Each of hosts 1-4 echoes the flood back to the host it came from.
        #expect(metrics.usefulReceipts == 4 && metrics.duplicateReceipts == 4 && metrics.redundancy == 1)
        #expect(metrics.datagramsSent == [1, 1, 1, 1, 1, 0])
        #expect(metrics.datagramsReceived == [1, 2, 2, 2, 1, 0])
        #expect(metrics.totalBytesSent == 500)
        #expect(sim.endpoint(5)?.held.isEmpty == true)
        expectNoNodeBugs(sim)
    }

    @Test func coverageCountsAMulesFutureHallsAsReachable() {
        var sim = Simulation<SummaryExchangeEndpoint>(seed: 9, name: "mule-carries")
        sim.addHosts(5) { SummaryExchangeEndpoint(boot: $0, interval: .milliseconds(1_000)) }
        let hallA = sim.addLAN([0, 1], .ideal)
        let hallB = sim.addLAN([2, 3], .ideal)
        sim.addMule(4, visits: [MuleVisit(lan: hallA, arrival: .ms(10_000), departure: .ms(20_000)),
                                MuleVisit(lan: hallB, arrival: .ms(30_000), departure: .ms(40_000))])
        sim.schedule(at: .ms(500), .post(host: 0, ToyBulletin(number: 1)))
        let converged = sim.runUntilConverged(deadline: .ms(100_000))
        #expect(converged, "\(sim.reproduction)")
        let spread = sim.metrics.bulletins.first
        #expect(spread?.reachable == 5 && spread?.reached == 5)
        // Hall B can only have it after the mule arrives there at 30 s, and within a couple of
        // summary intervals of that.
        let full = spread?.timeTo100 ?? .zero
        #expect(full > .milliseconds(29_500) && full < .milliseconds(33_000), "\(full) \(sim.reproduction)")
        #expect(sim.metrics.sync.count >= 3 && sim.metrics.sync.differences >= 3)
        expectNoNodeBugs(sim)
    }

    @Test func restartRebuildsTheEndpointFromItsDurableState() {
        var sim = Simulation<ScriptedEndpoint>(seed: 3, name: "restart")
        sim.addHosts(2) { ScriptedEndpoint(boot: $0) }
        sim.addLAN([0, 1], .ideal)
        sim.schedule(at: .ms(10), .powerCut(host: 1))
        sim.schedule(at: .ms(20), .post(host: 0, [.send(datagram(10), to: .broadcast)]))
        sim.schedule(at: .ms(20), .post(host: 1, []))
        sim.schedule(at: .ms(30), .restart(host: 1))
        sim.schedule(at: .ms(40), .post(host: 0, [.send(datagram(10), to: .broadcast)]))
        sim.run(until: .ms(25))
        #expect(sim.endpoint(1) == nil)
        sim.run(until: .ms(50))
        let endpoint = sim.endpoint(1)
        #expect(endpoint?.bootCount == 1 && endpoint?.durable == 1_000, "\(sim.reproduction)")
        #expect(endpoint?.receipts.map(\.time.monotonic) == [.ms(40)])
        let metrics = sim.metrics
        #expect(metrics.drops.hostDown == 1 && metrics.postsWhileDown == 1)
        #expect(metrics.powerCuts == 1 && metrics.restarts == 1)
    }

    @Test func whatIsNotDurableIsGoneAfterAPowerCut() {
        for keeps in [true, false] {
            var sim = Simulation<FloodingEndpoint>(seed: 3, name: "durability-\(keeps)")
            sim.addHosts(2) { FloodingEndpoint(boot: $0, keepsStoreAcrossRestarts: keeps) }
            sim.addLAN([0, 1], .ideal)
            sim.schedule(at: .ms(1), .post(host: 0, ToyBulletin(number: 7)))
            sim.schedule(at: .ms(5), .restart(host: 1))
            sim.run(until: .ms(10))
            #expect(sim.endpoint(1)?.held.keys.sorted() == (keeps ? [7] : []), "\(sim.reproduction)")
        }
    }

    @Test func eachHostHasOnePendingTickAtItsDeadline() {
        var sim = Simulation<ScriptedEndpoint>(seed: 4, name: "tick-dedupe")
        sim.addHosts(2) { ScriptedEndpoint(boot: $0, deadlines: [.ms(5), .ms(5), .ms(9), .ms(30)]) }
        sim.addLAN([0, 1], .ideal)
        // Inputs before each deadline must not add ticks.
        for time: Int64 in [1, 2, 3, 6, 7] {
            sim.schedule(at: .ms(time), .post(host: 0, [.send(datagram(10), to: .broadcast)]))
        }
        sim.run(until: .ms(20))
        #expect(sim.endpoint(1)?.ticks == [.ms(5), .ms(9)], "\(sim.reproduction)")
        #expect(sim.metrics.ticks == 4)
        sim.run(until: .ms(40))
        #expect(sim.endpoint(0)?.ticks == [.ms(5), .ms(9), .ms(30)])
        let quiet = sim.runUntilQuiet(deadline: .ms(1_000))
        #expect(quiet)
    }

    @Test func anEndpointThatNeverAdvancesItsDeadlineIsCutOffAndCounted() {
        var sim = Simulation<StuckTimerEndpoint>(seed: 4, name: "stuck-timer")
        sim.addHosts(1) { _ in StuckTimerEndpoint() }
        sim.run(until: .ms(10))
        let metrics = sim.metrics
        #expect(metrics.tickLoopsCut == 11, "one cut per wake-up at 0, 1, ..., 10 ms")
        #expect(sim.endpoint(0)?.ticks == 11 * Simulation<StuckTimerEndpoint>.ticksPerWakeupMax)
    }

    @Test func sameSeedSameDigestAndDifferentSeedDifferentDigest() {
        func run(seed: UInt64) -> (String, SimulationMetrics) {
            var sim = Simulation<SummaryExchangeEndpoint>(seed: seed, name: "digest")
            sim.addHosts(30) { SummaryExchangeEndpoint(boot: $0, interval: .milliseconds(500)) }
            sim.addLAN(0..<15, LANConfiguration(broadcastLoss: 0.15))
            sim.addLAN(15..<30, LANConfiguration(broadcastLoss: 0.15))
            sim.addLink(3, 20, LinkConfiguration(loss: 0.1))
            for number in 0..<10 { sim.schedule(at: .ms(Int64(number) * 300), .post(host: number * 3, ToyBulletin(number: UInt64(number)))) }
            sim.run(until: .ms(20_000))
            return (sim.traceDigest, sim.metrics)
        }
        let (first, metrics) = run(seed: 77)
        let (again, _) = run(seed: 77)
        let (other, _) = run(seed: 78)
        #expect(first == again, "seed=77 scenario=digest")
        #expect(first != other, "seed=78 scenario=digest")
        #expect(metrics.drops.loss > 0 && metrics.bulletins.count == 10, "the scenario draws randomness")
        #expect(metrics.deliveryRatio == 1, "seed=77 scenario=digest")
    }

    @Test func percentilesUseTheNearestRank() {
        let values: [TimeSpan] = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6].map { .milliseconds($0) }
        #expect(SimulationMetrics.percentile(50, of: values) == .milliseconds(5))
        #expect(SimulationMetrics.percentile(90, of: values) == .milliseconds(9))
        #expect(SimulationMetrics.percentile(100, of: values) == .milliseconds(10))
        #expect(SimulationMetrics.percentile(0, of: values) == .milliseconds(1))
        #expect(SimulationMetrics.percentile(50, of: []) == nil)
    }

    @Test func streamSeedsDependOnlyOnTheirOwnIndex() {
        let first = Simulation<FloodingEndpoint>.derivedSeed(1, stream: 2, index: 0)
        #expect(first == Simulation<FloodingEndpoint>.derivedSeed(1, stream: 2, index: 0))
        #expect(first != Simulation<FloodingEndpoint>.derivedSeed(1, stream: 2, index: 1))
        #expect(first != Simulation<FloodingEndpoint>.derivedSeed(1, stream: 3, index: 0))
        #expect(first != Simulation<FloodingEndpoint>.derivedSeed(2, stream: 2, index: 0))
    }
}
