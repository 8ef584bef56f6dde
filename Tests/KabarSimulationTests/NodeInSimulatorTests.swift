import Kabar
import KabarCrypto
import KabarSimulation
import Testing

/// The real `Node` on the virtual network: the plumbing the lead's scenarios build on.
@Suite struct NodeInSimulatorTests {
    static let epoch = UnixTime(milliseconds: 1_793_491_200_000)

    static func key(_ number: UInt8) -> Ed25519.PrivateKey {
        try! Ed25519.PrivateKey(seed: [UInt8](repeating: number, count: 32))
    }

    static func bulletin(by number: UInt8, title: String) -> Bulletin {
        let author = AuthorKey(bytes: key(number).publicKey.rawRepresentation)!
        var content = BulletinContent(kind: .post, author: author, created: epoch, expires: epoch + .days(7), channel: "warga")
        content.title = title
        content.body = "Dijual 2 ton."
        return try! Bulletin.sign(content, with: key(number))
    }

    typealias NodeSim = Simulation<Node<MemoryStore>>

    static func twoHalls(seed: UInt64) -> NodeSim {
        var sim = NodeSim(seed: seed, name: "two-halls-real-nodes")
        sim.addHosts(12) { boot in
            let author = AuthorKey(bytes: key(UInt8(100 + boot.host)).publicKey.rawRepresentation)!
            return Node(configuration: NodeConfiguration(), key: author, store: boot.durable ?? MemoryStore(),
                        seed: boot.seed, now: boot.time)
        }
        sim.addLAN(0..<6, LANConfiguration(broadcastLoss: 0.1))
        sim.addLAN(6..<12, LANConfiguration(broadcastLoss: 0.1))
        sim.addLink(0, 6, LinkConfiguration(latency: .milliseconds(20), loss: 0.05))
        return sim
    }

    @Test func aPostReachesBothHallsOverTheLink() {
        var sim = Self.twoHalls(seed: 5)
        let posted = Self.bulletin(by: 1, title: "Panen jagung")
        sim.schedule(at: .ms(2_000), .post(host: 3, posted))
        let converged = sim.runUntilConverged(deadline: .ms(120_000))
        let metrics = sim.metrics
        #expect(converged, "\(metrics) \(sim.reproduction)")
        #expect(metrics.bulletins.first?.id == posted.id && metrics.bulletins.first?.reached == 12)
        #expect(metrics.postsRejected == 0 && metrics.peersDiscovered > 0)
        expectNoNodeBugs(sim)
    }

    @Test func aRestartedNodeKeepsItsStore() {
        var sim = Self.twoHalls(seed: 6)
        let posted = Self.bulletin(by: 2, title: "Posyandu Selasa")
        sim.schedule(at: .ms(1_000), .post(host: 7, posted))
        sim.schedule(at: .ms(30_000), .restart(host: 8))
        sim.run(until: .ms(31_000))
        #expect(sim.endpoint(8)?.store.contains(posted.id) == true, "\(sim.reproduction)")
        #expect(sim.metrics.restarts == 1)
        expectNoNodeBugs(sim)
    }
}
