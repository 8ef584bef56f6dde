import Kabar
import KabarCrypto
@testable import KabarSimulation
import Testing

/// Issue [bulk]: any two nodes that can exchange datagrams converge, whatever their sizes and
/// key order, and a backlog moves as a paced stream. Real `Node`s on the virtual network with
/// the Raspberry Pi CPU model; every failure names the seed.
@Suite struct BulkTransferTests {
    typealias NodeSim = Simulation<Node<MemoryStore>>
    static let epoch = UnixTime(milliseconds: 1_793_491_200_000)

    /// Backlogs are signed once per process and shared by the tests.
    static let backlog = Backlog.make(count: 20_000, now: epoch, seed: 12)

    /// Node keys whose order is fixed: `lowKey < highKey`.
    static let lowKey = AuthorKey(bytes: [UInt8](repeating: 0x01, count: 32))!
    static let highKey = AuthorKey(bytes: [UInt8](repeating: 0xF0, count: 32))!

    struct Run {
        var converged: Bool
        var seconds: Double
        var bytes: Int
        var reproduction: String
    }

    /// Two nodes on one hall LAN holding `stores`, started at once; runs until both hold the
    /// union (or `deadline`).
    static func run(
        _ stores: [MemoryStore], keys: [AuthorKey], seed: UInt64, name: String, lan: LANConfiguration = LANConfiguration(),
        deadline: TimeSpan = .minutes(10), posts: [(host: Int, at: TimeSpan, bulletin: Bulletin)] = []
    ) -> (run: Run, sim: NodeSim) {
        var sim = NodeSim(seed: seed, name: name, epoch: epoch)
        sim.cpu = .raspberryPi4
        let cache = VerifiedSignatures()
        sim.addHosts(stores.count) { boot in
            var node = Node(
                configuration: NodeConfiguration(), key: keys[boot.host], store: boot.durable ?? stores[boot.host],
                seed: boot.seed, now: boot.time)
            node.verifiedSignatures = cache
            return node
        }
        sim.addLAN(0..<stores.count, lan)
        for post in posts { sim.schedule(at: .zero + post.at, .post(host: post.host, post.bulletin)) }
        var union = Set<BulletinID>()
        for store in stores { store.forEachItem { _, id in union.insert(id) } }
        for post in posts { union.insert(post.bulletin.id) }
        let lastPost = posts.map(\.at).max() ?? .zero
        var converged = false
        while sim.now < .zero + deadline {
            sim.run(for: .milliseconds(500))
            let counts = (0..<stores.count).map { sim.endpoint($0)?.store.count ?? 0 }
            if sim.now >= .zero + lastPost, counts.allSatisfy({ $0 == union.count }) {
                converged = true
                break
            }
        }
        let bytes = (0..<stores.count).reduce(0) { $0 + sim.bytesSent(by: $1) }
        return (Run(converged: converged, seconds: (sim.now - .zero).seconds, bytes: bytes, reproduction: sim.reproduction), sim)
    }

    /// An empty node meets a full one, in both key orders (the empty one starting the session,
    /// and the full one starting it): all of it arrives, at a rate the link and the CPU allow.
    @Test(arguments: [3_000, 20_000])
    func anEmptyNodeTakesAWholeBacklogInEitherKeyOrder(count: Int) {
        let full = Backlog.store(Self.backlog.prefix(count))
        for (index, keys) in [[Self.highKey, Self.lowKey], [Self.lowKey, Self.highKey]].enumerated() {
            let (run, sim) = Self.run([full, MemoryStore()], keys: keys, seed: UInt64(30 + index), name: "backlog-\(count)-order-\(index)")
            #expect(run.converged, "\(run.reproduction)")
            print("backlog \(count) order \(index): \(run.seconds) s, \(run.bytes) bytes; \(run.reproduction)")
            let bulletinBytes = Self.backlog.prefix(count).reduce(0) { $0 + $1.encoded.count }
            // The bulletins' bytes over the hall's unicast rate, and their checks over 4 cores.
            let linkSeconds = Double(bulletinBytes) / Double(LANConfiguration().unicastBandwidth.bytesPerSecond)
            let cpuSeconds = Double(count) * CPUModel.raspberryPi4.verifyCost.seconds / Double(CPUModel.raspberryPi4.cores)
            #expect(run.seconds <= 4 * max(linkSeconds, cpuSeconds) + 8, "\(run.seconds) s; \(run.reproduction)")
            #expect(Double(run.bytes) <= 1.3 * Double(bulletinBytes) + 100_000, "\(run.bytes) bytes for \(bulletinBytes); \(run.reproduction)")
            expectNoNodeBugs(sim)
        }
    }
}
