import Kabar
@testable import KabarSimulation
import Testing

/// An endpoint the test scripts: a "post" is the list of actions to return, so a test makes a
/// host send exactly what it wants, when it wants; it records every input.
struct ScriptedEndpoint: SimulatedEndpoint {
    struct Receipt {
        var time: NodeTime
        var source: PeerAddress
        var datagram: [UInt8]
    }

    var receipts: [Receipt] = []
    var ticks: [Instant] = []
    /// Future instants at which it wants a tick, ascending.
    var deadlines: [Instant]
    let bootCount: Int
    let durable: Int?

    init(boot: HostBoot<Int>, deadlines: [Instant] = []) {
        self.deadlines = deadlines
        bootCount = boot.bootCount
        durable = boot.durable
    }

    var durableState: Int { 1_000 + bootCount }
    var nextDeadline: Instant { deadlines.first ?? Instant(microseconds: .max) }

    mutating func receive(_ datagram: [UInt8], from source: PeerAddress, at now: NodeTime) -> [NodeAction] {
        receipts.append(Receipt(time: now, source: source, datagram: datagram))
        return []
    }

    mutating func tick(at now: NodeTime) -> [NodeAction] {
        ticks.append(now.monotonic)
        deadlines.removeAll { $0 <= now.monotonic }
        return []
    }

    mutating func operatorPost(_ actions: [NodeAction], at now: NodeTime) -> [NodeAction] { actions }
}

/// An endpoint whose deadline never moves past "now": a node bug the simulator must survive.
struct StuckTimerEndpoint: SimulatedEndpoint {
    var ticks = 0
    var nextDeadline: Instant { .zero }
    mutating func receive(_ datagram: [UInt8], from source: PeerAddress, at now: NodeTime) -> [NodeAction] { [] }
    mutating func tick(at now: NodeTime) -> [NodeAction] {
        ticks += 1
        return []
    }
    mutating func operatorPost(_ payload: Int, at now: NodeTime) -> [NodeAction] { [] }
}

extension Instant {
    static func ms(_ value: Int64) -> Instant { Instant.zero + .milliseconds(value) }
}

/// The checks every simulation test ends with: the node did nothing the simulator counts as a
/// node bug. Failures print the seed and scenario.
func expectNoNodeBugs<Endpoint>(_ sim: Simulation<Endpoint>, sourceLocation: SourceLocation = #_sourceLocation) {
    let metrics = sim.metrics
    #expect(metrics.drops.oversize == 0, "oversize datagrams; reproduce with \(sim.reproduction)", sourceLocation: sourceLocation)
    #expect(metrics.tickLoopsCut == 0, "tick loops; reproduce with \(sim.reproduction)", sourceLocation: sourceLocation)
}

/// A send of `count` bytes (the first byte `tag`).
func datagram(_ count: Int, tag: UInt8 = 7) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    if count > 0 { bytes[0] = tag }
    return bytes
}
