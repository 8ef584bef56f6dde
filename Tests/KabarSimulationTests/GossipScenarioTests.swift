import Kabar
import KabarCrypto
@testable import KabarSimulation
import Testing

/// The gossip protocol's promises (issue [gossip], simulator tests), on real `Node`s over the
/// virtual network. Every failure message ends with the seed that reproduces it.
@Suite struct GossipScenarioTests {
    typealias NodeSim = Simulation<Node<MemoryStore>>
    static let epoch = UnixTime(milliseconds: 1_793_491_200_000)

    static func key(_ number: Int) -> Ed25519.PrivateKey {
        var seed = [UInt8](repeating: 0, count: 32)
        seed[0] = UInt8(truncatingIfNeeded: number)
        seed[1] = UInt8(truncatingIfNeeded: number >> 8)
        seed[2] = 0x4B
        return try! Ed25519.PrivateKey(seed: seed)
    }

    static func author(_ number: Int) -> AuthorKey { AuthorKey(bytes: key(number).publicKey.rawRepresentation)! }

    static func post(by number: Int, title: String, at offset: TimeSpan = .zero) -> Bulletin {
        var content = BulletinContent(
            kind: .post, author: author(number), created: epoch + offset, expires: epoch + offset + .days(7), channel: "pasar")
        content.title = title
        content.body = "Dijual 2 ton beras, Rp 5.000/kg. Hubungi balai desa."
        return try! Bulletin.sign(content, with: key(number))
    }

    static func addNodes(_ sim: inout NodeSim, _ count: Int) {
        sim.addHosts(count) { boot in
            Node(
                configuration: NodeConfiguration(), key: author(10_000 + boot.host), store: boot.durable ?? MemoryStore(),
                seed: boot.seed, now: boot.time)
        }
    }

    /// Two nodes already in sync exchange at most one small reconciliation per beacon period:
    /// equal fingerprints mean none at all.
    @Test func nodesInSyncExchangeAtMostOneSmallReconciliationPerBeaconPeriod() {
        var sim = NodeSim(seed: 41, name: "in-sync")
        Self.addNodes(&sim, 2)
        sim.addLAN(0..<2)
        sim.schedule(at: .ms(1_000), .post(host: 0, Self.post(by: 1, title: "Beras")))
        let converged = sim.runUntilConverged(deadline: .ms(30_000))
        #expect(converged, "\(sim.reproduction)")
        sim.run(until: .ms(40_000))
        let before = sim.metrics.sync
        sim.run(until: .ms(100_000))
        let after = sim.metrics.sync
        let periods = 60 / 5
        #expect(after.count - before.count <= periods, "\(sim.reproduction)")
        if after.count > before.count {
            let perSession = (after.bytesSent - before.bytesSent) / (after.count - before.count)
            #expect(perSession <= 400, "\(sim.reproduction)")
        }
        expectNoNodeBugs(sim)
    }

    /// One LAN of 30 nodes with 10% loss: a post reaches every node.
    @Test func aPostReachesEveryNodeOfALossyLAN() {
        for seed in [1, 2] as [UInt64] {
            var sim = NodeSim(seed: seed, name: "lan-30-loss-10")
            Self.addNodes(&sim, 30)
            sim.addLAN(0..<30, LANConfiguration(broadcastLoss: 0.10, unicastLoss: 0.10))
            let posted = Self.post(by: 7, title: "Posyandu Selasa")
            sim.schedule(at: .ms(6_000), .post(host: 11, posted))
            let converged = sim.runUntilConverged(deadline: .ms(120_000))
            #expect(converged, "\(sim.metrics) \(sim.reproduction)")
            #expect(sim.metrics.bulletins.first?.reached == 30, "\(sim.reproduction)")
            expectNoNodeBugs(sim)
        }
    }

    /// Two groups of 50 are partitioned; each side posts 500 bulletins; after the heal all
    /// converge, with reconciliation rounds and bytes per difference bounded.
    @Test func partitionedGroupsOfFiftyConvergeAfterTheHeal() {
        var sim = NodeSim(seed: 7, name: "partition-50-50")
        Self.addNodes(&sim, 100)
        sim.addLAN(0..<50, LANConfiguration(broadcastLoss: 0.05, unicastLoss: 0.02))
        sim.addLAN(50..<100, LANConfiguration(broadcastLoss: 0.05, unicastLoss: 0.02))
        sim.addLink(0, 50, LinkConfiguration(latency: .milliseconds(30), loss: 0.02))
        let split = sim.partition(separating: 0..<50)
        sim.schedule(at: .ms(500), .partition(split))
        for index in 0..<1_000 {
            let host = index < 500 ? index % 50 : 50 + index % 50
            let at = Int64(10_000 + index % 500 * 100)
            sim.schedule(at: .ms(at), .post(host: host, Self.post(by: index, title: "Pos \(index)", at: .milliseconds(at))))
        }
        sim.run(until: .ms(70_000))
        let beforeHeal = sim.metrics.sync
        sim.schedule(at: .ms(70_001), .heal(split))
        let converged = sim.runUntilConverged(deadline: .ms(400_000))
        let metrics = sim.metrics
        #expect(converged, "\(metrics) \(sim.reproduction)")
        #expect(metrics.bulletins.count == 1_000 && metrics.bulletins.allSatisfy { $0.reached == 100 }, "\(sim.reproduction)")
        let sync = metrics.sync
        let differences = sync.differences - beforeHeal.differences
        let bytes = (sync.bytesSent - beforeHeal.bytesSent) + (sync.bytesReceived - beforeHeal.bytesReceived)
        #expect(differences >= 1_000, "the heal is found by reconciliation; \(sim.reproduction)")
        let bytesPerDifference = Double(bytes) / Double(max(1, differences))
        print("partition-50-50: \(differences) differences, \(bytes) reconciliation bytes (\(Int(bytesPerDifference)) per difference), at most \(sync.roundTripsMax) round trips; \(sim.reproduction)")
        #expect(bytesPerDifference <= 300, "\(sim.reproduction)")
        // Measured 18 for seed 7: a session over a lossy link works through several parts in
        // turn (Documentation/Reconciliation.md); the bound catches a runaway, not a tuning goal.
        #expect(sync.roundTripsMax <= 24, "\(sim.reproduction)")
        expectNoNodeBugs(sim)
    }

    /// A hostile host sends forged, altered, replayed and garbage packets. No forged or altered
    /// bulletin is stored anywhere, and honest delivery still completes.
    @Test func aHostileHostPlantsNothingAndHonestDeliveryCompletes() {
        var sim = Simulation<MixedEndpoint>(seed: 99, name: "hostile")
        sim.addHosts(12) { boot in
            if boot.host == 11 { return .attacker(Attacker(seed: boot.seed)) }
            return .honest(Node(
                configuration: NodeConfiguration(), key: Self.author(20_000 + boot.host),
                store: MemoryStore(), seed: boot.seed, now: boot.time))
        }
        sim.addLAN(0..<12, LANConfiguration(broadcastLoss: 0.05))
        var posted: [Bulletin] = []
        for index in 0..<10 {
            let bulletin = Self.post(by: 500 + index, title: "Jujur \(index)", at: .seconds(Int64(index)))
            posted.append(bulletin)
            sim.schedule(at: .ms(5_000 + Int64(index) * 3_000), .post(host: index, bulletin))
        }
        sim.run(until: .ms(120_000))
        let honestIDs = Set(posted.map(\.id))
        for host in 0..<11 {
            guard case .honest(let node) = sim.endpoint(host) else { continue }
            for bulletin in node.store.all {
                #expect(honestIDs.contains(bulletin.id), "host \(host) stored \(bulletin.id); \(sim.reproduction)")
                #expect((try? bulletin.verifySignature()) != nil, "\(sim.reproduction)")
            }
            for id in honestIDs { #expect(node.store.contains(id), "host \(host) lacks \(id); \(sim.reproduction)") }
        }
        guard case .attacker(let attacker) = sim.endpoint(11) else { Issue.record("attacker missing"); return }
        #expect(attacker.sent > 1_000, "the attacker really attacked")
    }
}

/// Either an honest node or the attacker, so both can share one simulation.
enum MixedEndpoint: SimulatedEndpoint {
    case honest(Node<MemoryStore>)
    case attacker(Attacker)

    mutating func receive(_ datagram: [UInt8], from source: PeerAddress, at now: NodeTime) -> [NodeAction] {
        switch self {
        case .honest(var node):
            defer { self = .honest(node) }
            return node.receive(datagram, from: source, at: now)
        case .attacker(var attacker):
            defer { self = .attacker(attacker) }
            return attacker.receive(datagram, from: source, at: now)
        }
    }

    mutating func tick(at now: NodeTime) -> [NodeAction] {
        switch self {
        case .honest(var node):
            defer { self = .honest(node) }
            return node.tick(at: now)
        case .attacker(var attacker):
            defer { self = .attacker(attacker) }
            return attacker.tick(at: now)
        }
    }

    mutating func operatorPost(_ bulletin: Bulletin, at now: NodeTime) throws -> [NodeAction] {
        guard case .honest(var node) = self else { return [] }
        defer { self = .honest(node) }
        return try node.post(bulletin, at: now)
    }

    var nextDeadline: Instant {
        switch self {
        case .honest(let node): return node.nextDeadline
        case .attacker(let attacker): return attacker.nextDeadline
        }
    }
}

/// Sends forged bulletins (signed by one key, claiming another), altered copies of what it
/// overhears, verbatim replays, junk with a valid header, and garbage, every 50 ms.
struct Attacker {
    var prng: PRNG
    var overheard: [[UInt8]] = []
    var nextDeadline = Instant.zero
    var sent = 0
    let network = Wire.networkID(named: Wire.defaultNetworkName)

    init(seed: UInt64) { prng = PRNG(seed: seed) }

    mutating func receive(_ datagram: [UInt8], from source: PeerAddress, at now: NodeTime) -> [NodeAction] {
        if overheard.count < 64 { overheard.append(datagram) }
        return []
    }

    mutating func tick(at now: NodeTime) -> [NodeAction] {
        nextDeadline = now.monotonic + .milliseconds(50)
        var out: [NodeAction] = []
        let target: Destination = prng.chance(0.5) ? .broadcast : .peer(.simulated(prng.int(below: 11)))
        switch prng.int(below: 5) {
        case 0:
            // A bulletin claiming an honest author's key, signed by the attacker's.
            var content = BulletinContent(
                kind: .post, author: GossipScenarioTests.author(500), created: now.wall, expires: now.wall + .days(1), channel: "pasar")
            content.title = "Palsu \(prng.next() % 1000)"
            var forged = try! Bulletin.sign(
                { var own = content; own.author = GossipScenarioTests.author(9_999); return own }(),
                with: GossipScenarioTests.key(9_999)).encoded
            forged.replaceSubrange(2..<34, with: GossipScenarioTests.author(500).bytes)
            out.append(.send(MessageCodec.encode(.bulletin(forged), network: network), to: target))
        case 1:
            // An overheard datagram with one byte flipped past the header.
            if var copy = overheard.isEmpty ? nil : overheard[prng.int(below: overheard.count)], copy.count > 9 {
                copy[8 + prng.int(below: copy.count - 8)] ^= UInt8(1 << prng.int(below: 8))
                out.append(.send(copy, to: target))
            }
        case 2:
            // A verbatim replay.
            if !overheard.isEmpty { out.append(.send(overheard[prng.int(below: overheard.count)], to: target)) }
        case 3:
            // Valid header, junk ids.
            let ids = (0..<8).map { _ in BulletinID(bytes: prng.bytes(32))! }
            out.append(.send(MessageCodec.encode(prng.chance(0.5) ? .announce(ids) : .request(ids), network: network), to: target))
        default:
            out.append(.send(prng.bytes(1 + prng.int(below: 1_200)), to: target))
        }
        sent += out.count
        return out
    }
}
