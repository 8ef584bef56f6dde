import Kabar
@testable import KabarSimulation
import Testing

@Suite struct ScenarioTests {
    @Test func aBroadcastFrameLandsOnEveryMemberAtOneInstant() {
        var sim = Simulation<ScriptedEndpoint>(seed: 8, name: "frame-instant")
        sim.addHosts(5) { ScriptedEndpoint(boot: $0) }
        sim.addLAN(0..<5, LANConfiguration(broadcastLoss: 0, latency: .milliseconds(1), jitter: .milliseconds(5),
                                           broadcastBandwidth: .unlimited))
        for time: Int64 in [0, 100, 200] {
            sim.schedule(at: .ms(time), .post(host: 0, [.send(datagram(10), to: .broadcast)]))
        }
        sim.run(until: .ms(1_000))
        let arrivals = (1..<5).map { sim.endpoint($0)?.receipts.map(\.time.monotonic) ?? [] }
        #expect(Set(arrivals).count == 1, "\(arrivals) \(sim.reproduction)")
        let delays = arrivals[0].enumerated().map { $0.element - .ms(Int64($0.offset) * 100) }
        #expect(delays.allSatisfy { $0 >= .milliseconds(1) && $0 <= .milliseconds(6) })
        #expect(Set(delays).count > 1, "jitter is drawn per frame")
    }

    @Test func aRegencyOfHallsConvergesAndReplaysIdentically() {
        func run() -> (String, SimulationMetrics, Bool) {
            var sim = Simulation<SummaryExchangeEndpoint>(seed: 21, name: "regency-small")
            let regency = RegencyScenario(hosts: 120, hostsPerHall: 20)
            let lans = regency.build(into: &sim, bulletins: 8, makeEndpoint: { SummaryExchangeEndpoint(boot: $0) },
                                     payload: { ToyBulletin(number: UInt64($0), size: 300) })
            #expect(lans.count == 6 && regency.halls.last == 100..<120)
            let converged = sim.runUntilConverged(deadline: .ms(600_000))
            expectNoNodeBugs(sim)
            return (sim.traceDigest, sim.metrics, converged)
        }
        let (digest, metrics, converged) = run()
        #expect(converged, "seed=21 scenario=regency-small")
        #expect(metrics.bulletins.count == 8 && metrics.bulletins.allSatisfy { $0.reachable == 120 && $0.reached == 120 })
        #expect(metrics.bulletins.allSatisfy { ($0.timeTo50 ?? .zero) <= ($0.timeTo90 ?? .zero) && ($0.timeTo90 ?? .zero) <= ($0.timeTo100 ?? .zero) })
        #expect(run().0 == digest, "seed=21 scenario=regency-small")
    }

    @Test func theTraceFingerprintSeesEveryByte() {
        let base = [UInt8](repeating: 0x41, count: 37)
        var seen: Set<UInt64> = [TraceDigest.fingerprint(base)]
        for index in base.indices {
            var changed = base
            changed[index] ^= 1
            seen.insert(TraceDigest.fingerprint(changed))
        }
        seen.insert(TraceDigest.fingerprint(Array(base.dropLast())))
        #expect(seen.count == base.count + 2)
    }

    @Test func theDigestDependsOnTheOrderOfRecords() {
        var first = TraceDigest(), second = TraceDigest()
        first.record(1, 2, 3, 4)
        first.record(5, 6, 7, 8)
        second.record(5, 6, 7, 8)
        second.record(1, 2, 3, 4)
        #expect(first.hex != second.hex)
        #expect(first.hex.count == 64)
        var third = TraceDigest()
        third.record(1, 2, 3, 4)
        third.record(5, 6, 7, 8)
        #expect(first.hex == third.hex)
    }
}
