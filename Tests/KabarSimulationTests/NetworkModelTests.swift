import Kabar
@testable import KabarSimulation
import Testing

@Suite struct NetworkModelTests {
    typealias Sim = Simulation<ScriptedEndpoint>

    func scripted(_ count: Int, seed: UInt64 = 1, name: String) -> Sim {
        var sim = Sim(seed: seed, name: name)
        sim.addHosts(count) { ScriptedEndpoint(boot: $0) }
        return sim
    }

    @Test func transmissionTimeIsBytesOverRate() {
        #expect(Bandwidth.megabitsPerSecond(1).transmissionTime(bytes: 1_000) == .milliseconds(8))
        #expect(Bandwidth.bytesPerSecond(3).transmissionTime(bytes: 1) == .microseconds(333_334))
        #expect(Bandwidth.unlimited.transmissionTime(bytes: 1_200) == .zero)
    }

    @Test func linkArrivalIsSerialisationThenLatencyAndQueuesBackToBack() {
        var sim = scripted(2, name: "link-arithmetic")
        sim.addLink(0, 1, LinkConfiguration(latency: .milliseconds(5), jitter: .zero, loss: 0, bandwidth: .megabitsPerSecond(1)))
        let send = NodeAction.send(datagram(1_000), to: .peer(.simulated(1)))
        sim.schedule(at: .ms(100), .post(host: 0, [send, send]))
        sim.run(until: .ms(1_000))
        let arrivals = sim.endpoint(1)?.receipts.map(\.time.monotonic) ?? []
        #expect(arrivals == [.ms(113), .ms(121)], "\(sim.reproduction)")
        #expect(sim.endpoint(1)?.receipts.first?.source == .simulated(0))
        expectNoNodeBugs(sim)
    }

    @Test func fullLinkQueueDropsTheTail() {
        var sim = scripted(2, name: "drop-tail")
        sim.addLink(0, 1, LinkConfiguration(latency: .zero, jitter: .zero, loss: 0, bandwidth: .megabitsPerSecond(1), queueBytesMax: 2_000))
        let send = NodeAction.send(datagram(1_000), to: .peer(.simulated(1)))
        sim.schedule(at: .zero, .post(host: 0, [send, send, send]))
        sim.schedule(at: .ms(16), .post(host: 0, [send]))
        sim.run(until: .ms(100))
        #expect(sim.endpoint(1)?.receipts.map(\.time.monotonic) == [.ms(8), .ms(16), .ms(24)], "\(sim.reproduction)")
        #expect(sim.metrics.drops.queueFull == 1)
    }

    @Test func lanAirtimeIsSharedByEveryMember() {
        var sim = scripted(3, name: "lan-airtime")
        let lan = LANConfiguration(broadcastLoss: 0, unicastLoss: 0, latency: .milliseconds(1), jitter: .zero,
                                   broadcastBandwidth: .megabitsPerSecond(1), unicastBandwidth: .megabitsPerSecond(2))
        sim.addLAN(0..<3, lan)
        sim.schedule(at: .zero, .post(host: 0, [.send(datagram(1_000), to: .broadcast)]))
        sim.schedule(at: .zero, .post(host: 1, [.send(datagram(1_000), to: .peer(.simulated(2)))]))
        sim.run(until: .ms(100))
        // Host 0's broadcast holds the air 0-8 ms; host 1's unicast waits, then takes 4 ms.
        #expect(sim.endpoint(2)?.receipts.map(\.time.monotonic) == [.ms(9), .ms(13)], "\(sim.reproduction)")
        #expect(sim.endpoint(1)?.receipts.map(\.time.monotonic) == [.ms(9)])
    }

    @Test func fairAccessServesAWaitingMemberBetweenAFloodersFrames() {
        func arrival(fair: Bool) -> [Instant] {
            var sim = scripted(3, name: fair ? "lan-fair" : "lan-fifo")
            let lan = LANConfiguration(broadcastLoss: 0, unicastLoss: 0, latency: .milliseconds(1), jitter: .zero,
                                       broadcastBandwidth: .megabitsPerSecond(1), unicastBandwidth: .megabitsPerSecond(2),
                                       fairAccess: fair)
            sim.addLAN(0..<3, lan)
            // Host 0 queues ten 8 ms broadcasts at once; host 1 has one 4 ms unicast a moment later.
            sim.schedule(at: .zero, .post(host: 0, Array(repeating: .send(datagram(1_000), to: .broadcast), count: 10)))
            sim.schedule(at: .ms(1), .post(host: 1, [.send(datagram(1_000, tag: 9), to: .peer(.simulated(2)))]))
            sim.run(until: .ms(200))
            return sim.endpoint(2)?.receipts.filter { $0.datagram.first == 9 }.map(\.time.monotonic) ?? []
        }
        // FIFO: behind all ten broadcasts (80 ms), then 4 ms and the latency.
        #expect(arrival(fair: false) == [.ms(85)])
        // Fair: the first broadcast ends at 8 ms, then it is host 1's turn: 12 ms and the latency.
        #expect(arrival(fair: true) == [.ms(13)])
    }

    @Test func fairAccessDropsOnlyTheFloodersOwnTail() {
        var sim = scripted(3, name: "lan-fair-drops")
        let lan = LANConfiguration(broadcastLoss: 0, unicastLoss: 0, latency: .zero, jitter: .zero,
                                   broadcastBandwidth: .megabitsPerSecond(1), unicastBandwidth: .megabitsPerSecond(1),
                                   queueBytesMax: 3_000, fairAccess: true)
        sim.addLAN(0..<3, lan)
        sim.schedule(at: .zero, .post(host: 0, Array(repeating: .send(datagram(1_000), to: .broadcast), count: 6)))
        sim.schedule(at: .ms(1), .post(host: 1, [.send(datagram(1_000, tag: 9), to: .broadcast)]))
        sim.run(until: .ms(200))
        // Host 0: one on the air, three wait, two dropped; host 1's own queue was empty.
        #expect(sim.metrics.drops.queueFull == 2)
        #expect(sim.endpoint(2)?.receipts.map(\.time.monotonic) == [.ms(8), .ms(16), .ms(24), .ms(32), .ms(40)])
        #expect(sim.endpoint(2)?.receipts.map { $0.datagram.first } == [7, 9, 7, 7, 7])
    }

    @Test func broadcastReachesEveryOtherMemberOfEachOfTheSendersLANs() {
        var sim = scripted(7, name: "broadcast-members")
        sim.addLAN([0, 1, 2, 3], .ideal)
        sim.addLAN([3, 4, 5], .ideal)
        sim.schedule(at: .ms(1), .post(host: 3, [.send(datagram(10), to: .broadcast)]))
        sim.schedule(at: .ms(2), .post(host: 0, [.send(datagram(10), to: .broadcast)]))
        sim.run(until: .ms(10))
        let counts = (0..<7).map { sim.endpoint($0)?.receipts.count ?? -1 }
        #expect(counts == [1, 2, 2, 1, 1, 1, 0], "\(sim.reproduction)")
        #expect(sim.metrics.datagramsSent == [1, 0, 0, 1, 0, 0, 0])
        #expect(sim.metrics.bytesReceived == [10, 20, 20, 10, 10, 10, 0])
    }

    @Test func lossRatesMatchTheConfiguredProbabilities() {
        var sim = scripted(51, seed: 2024, name: "loss-rates")
        sim.addLAN(0..<51, LANConfiguration(broadcastLoss: 0.2, unicastLoss: 0.05, latency: .zero, jitter: .zero,
                                            broadcastBandwidth: .unlimited, unicastBandwidth: .unlimited))
        let broadcasts = [NodeAction](repeating: .send(datagram(50), to: .broadcast), count: 200)
        let unicasts = [NodeAction](repeating: .send(datagram(50), to: .peer(.simulated(0))), count: 2_000)
        sim.schedule(at: .zero, .post(host: 0, broadcasts))
        sim.schedule(at: .ms(1), .post(host: 1, unicasts))
        sim.run(until: .ms(10))
        let broadcastReceipts = (1..<51).reduce(0) { $0 + (sim.endpoint($1)?.receipts.count ?? 0) }
        let unicastReceipts = sim.endpoint(0)?.receipts.count ?? 0
        // 10,000 chances at 80%: sd 40, so ±400 is ten sd. 2,000 at 95%: sd ~10, ±80.
        #expect((7_600...8_400).contains(broadcastReceipts), "\(broadcastReceipts) \(sim.reproduction)")
        #expect((1_820...1_980).contains(unicastReceipts), "\(unicastReceipts) \(sim.reproduction)")
        #expect(sim.metrics.drops.loss == 10_000 - broadcastReceipts + 2_000 - unicastReceipts)
    }

    @Test func unicastToAHostNoLANOrLinkReachesIsLost() {
        var sim = scripted(3, name: "unreachable")
        sim.addLAN([0, 1], .ideal)
        sim.schedule(at: .zero, .post(host: 0, [
            .send(datagram(10), to: .peer(.simulated(2))),
            .send(datagram(10), to: .peer(.simulated(99))),
            .send(datagram(10), to: .peer(.ipv4(address: 1, port: 2))),
            .send(datagram(10), to: .peer(.simulated(1))),
        ]))
        sim.run(until: .ms(1))
        #expect(sim.metrics.drops.unreachable == 3, "\(sim.reproduction)")
        #expect(sim.endpoint(1)?.receipts.count == 1)
    }

    @Test func oversizeDatagramsAreCountedAndNeverSent() {
        var sim = scripted(2, name: "oversize")
        sim.addLAN([0, 1], .ideal)
        sim.schedule(at: .zero, .post(host: 0, [.send(datagram(1_201), to: .broadcast), .send(datagram(1_200), to: .broadcast)]))
        sim.run(until: .ms(1))
        #expect(sim.metrics.drops.oversize == 1)
        #expect(sim.endpoint(1)?.receipts.map(\.datagram.count) == [1_200])
    }

    @Test func partitionBlocksUntilItHeals() {
        var sim = scripted(4, name: "partition-heal")
        sim.addLAN([0, 1, 2], .ideal)
        sim.addLink(2, 3, .ideal)
        let split = sim.partition(separating: [2, 3])
        #expect(split.links.isEmpty)
        #expect(split.memberships == [LANMembership(host: 2, lan: LANID(index: 0))])
        sim.schedule(at: .ms(10), .partition(split))
        sim.schedule(at: .ms(30), .heal(split))
        for time: Int64 in [0, 20, 40] {
            sim.schedule(at: .ms(time), .post(host: 0, [.send(datagram(10), to: .broadcast)]))
            sim.schedule(at: .ms(time), .post(host: 3, [.send(datagram(10), to: .broadcast)]))
        }
        sim.run(until: .ms(50))
        #expect(sim.endpoint(2)?.receipts.filter { $0.source == .simulated(0) }.map(\.time.monotonic) == [.ms(0), .ms(40)], "\(sim.reproduction)")
        #expect(sim.endpoint(1)?.receipts.map(\.time.monotonic) == [.ms(0), .ms(20), .ms(40)])
        #expect(sim.endpoint(2)?.receipts.filter { $0.source == .simulated(3) }.count == 3, "the link inside the partition stays up")
    }

    @Test func cutLinksCarryNothingAndNestedPartitionsHealTogether() {
        var sim = scripted(2, name: "nested-partitions")
        let link = sim.addLink(0, 1, .ideal)
        let cut = Partition(links: [link])
        sim.schedule(at: .ms(1), .partition(cut))
        sim.schedule(at: .ms(2), .partition(cut))
        sim.schedule(at: .ms(3), .heal(cut))
        sim.schedule(at: .ms(5), .heal(cut))
        for time: Int64 in [0, 4, 6] {
            sim.schedule(at: .ms(time), .post(host: 0, [.send(datagram(10), to: .peer(.simulated(1)))]))
        }
        sim.run(until: .ms(10))
        #expect(sim.endpoint(1)?.receipts.map(\.time.monotonic) == [.ms(0), .ms(6)], "\(sim.reproduction)")
        #expect(sim.metrics.drops.unreachable == 1)
    }

    @Test func muleHearsEachHallOnlyDuringItsVisit() {
        var sim = scripted(3, name: "mule-timetable")
        let hallA = sim.addLAN([0], .ideal)
        let hallB = sim.addLAN([1], .ideal)
        sim.addMule(2, visits: [MuleVisit(lan: hallA, arrival: .ms(10), departure: .ms(20)),
                                MuleVisit(lan: hallB, arrival: .ms(30), departure: .ms(40))])
        for time: Int64 in stride(from: 5, to: 50, by: 10) {
            sim.schedule(at: .ms(time), .post(host: 0, [.send(datagram(10), to: .broadcast)]))
            sim.schedule(at: .ms(time), .post(host: 1, [.send(datagram(20), to: .broadcast)]))
        }
        sim.run(until: .ms(60))
        let heard = sim.endpoint(2)?.receipts.map { ($0.time.monotonic, $0.source) } ?? []
        #expect(heard.map(\.0) == [.ms(15), .ms(35)], "\(sim.reproduction)")
        #expect(heard.map(\.1) == [.simulated(0), .simulated(1)])
    }

    @Test func wallClockIsEpochPlusVirtualTimePlusSkew() {
        var sim = Sim(seed: 1, name: "clock-skew")
        sim.addHosts(1) { ScriptedEndpoint(boot: $0) }
        sim.addHosts(1, clockSkew: .days(365 * 5)) { ScriptedEndpoint(boot: $0) }
        sim.addLAN([0, 1], .ideal)
        sim.schedule(at: .ms(1_500), .post(host: 0, [.send(datagram(10), to: .broadcast)]))
        sim.schedule(at: .ms(2_000), .setClockSkew(host: 1, .hours(-1)))
        sim.schedule(at: .ms(2_000), .post(host: 0, [.send(datagram(10), to: .broadcast)]))
        sim.run(until: .ms(3_000))
        let walls = sim.endpoint(1)?.receipts.map(\.time.wall) ?? []
        #expect(walls == [sim.epoch + .milliseconds(1_500) + .days(365 * 5), sim.epoch + .milliseconds(2_000) - .hours(1)])
        #expect(sim.epoch == UnixTime(milliseconds: 1_793_491_200_000))
    }
}
