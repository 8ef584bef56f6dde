import Kabar
import KabarCrypto
import KabarSimulation
import Testing

/// A real `Node` with the trust rules, as a simulated host. Posts are either bulletins signed
/// beforehand, or drafts the host signs at post time, dated by its best time estimate the way
/// the daemon's post command does (`node.clock`).
struct TrustedHost: SimulatedEndpoint {
    enum Order {
        case signed(Bulletin)
        case draft(author: UInt16, channel: String, title: String, lifetime: TimeSpan)
        /// Broadcast as it is, not stored here: an attacker's raw datagram, or a replay.
        case raw(Bulletin)
    }

    var node: Node<MemoryStore>
    var refusedPosts = 0

    init(boot: HostBoot<Void>, rules: TrustRules?) {
        node = Node(
            configuration: NodeConfiguration(), key: SimulationKeys.author(200), store: MemoryStore(), seed: boot.seed,
            now: boot.time)
        if let rules { node.installTrust(TrustPolicy(rules: rules), at: boot.time) }
    }

    mutating func receive(_ datagram: [UInt8], from source: PeerAddress, at now: NodeTime) -> [NodeAction] {
        node.receive(datagram, from: source, at: now)
    }

    mutating func tick(at now: NodeTime) -> [NodeAction] { node.tick(at: now) }

    var nextDeadline: Instant { node.nextDeadline }

    /// The node's best estimate of the time when its own clock reads `wall`.
    func bestTime(_ wall: UnixTime) -> UnixTime {
        guard let clock = node.clock else { return wall }
        return wall + (clock.now - clock.ownClock)
    }

    mutating func operatorPost(_ order: Order, at now: NodeTime) -> [NodeAction] {
        let bulletin: Bulletin
        switch order {
        case .signed(let signed):
            bulletin = signed
        case .raw(let raw):
            let datagram = MessageCodec.encode(.bulletin(raw.encoded), network: node.configuration.networkID)
            return [.send(datagram, to: .broadcast)]
        case .draft(let author, let channel, let title, let lifetime):
            let created = bestTime(now.wall)
            bulletin = SimulationKeys.post(by: author, channel: channel, title: title, created: created, lifetime: lifetime)
        }
        do {
            return try node.post(bulletin, at: now)
        } catch {
            refusedPosts += 1
            return []
        }
    }
}

enum SimulationKeys {
    static func key(_ number: UInt16) -> Ed25519.PrivateKey {
        try! Ed25519.PrivateKey(seed: [UInt8(number & 0xff), UInt8(number >> 8)] + [UInt8](repeating: 7, count: 30))
    }

    static func author(_ number: UInt16) -> AuthorKey {
        AuthorKey(bytes: key(number).publicKey.rawRepresentation)!
    }

    static func post(
        by number: UInt16, channel: String, title: String, created: UnixTime, lifetime: TimeSpan
    ) -> Bulletin {
        var content = BulletinContent(
            kind: .post, author: author(number), created: created, expires: created + lifetime, channel: channel)
        content.title = title
        content.body = "Isi pengumuman."
        return try! Bulletin.sign(content, with: key(number))
    }
}

/// 2026-11-01T00:00Z, the simulator's default epoch.
private let epoch = UnixTime(milliseconds: 1_793_491_200_000)

@Suite struct TrustSimulationTests {
    static let years = TimeSpan.days(5 * 365)

    func hall(_ sim: inout Simulation<TrustedHost>, count: Int, skewed: Int, skew: TimeSpan) {
        let rules = TrustRules()
        sim.addHosts(count) { TrustedHost(boot: $0, rules: rules) }
        sim.setClockSkew(host: skewed, skew)
        sim.addLAN(0..<count, LANConfiguration(broadcastLoss: 0.05))
    }

    @Test func aNodeYearsAheadDatesItsPostsByItsPeersAndPoisonsNoOne() {
        var sim = Simulation<TrustedHost>(seed: 31, name: "clock-ahead")
        hall(&sim, count: 5, skewed: 4, skew: Self.years)
        sim.run(until: .zero + .seconds(12))  // beacons: every node hears the others' clocks
        // Host 4 posts a draft (dated by its estimate); a tool on it signs by its raw clock.
        let trueNow = epoch + .seconds(12)
        let raw = SimulationKeys.post(by: 4, channel: "warga", title: "2431", created: trueNow + Self.years, lifetime: .days(14))
        sim.schedule(at: .zero + .seconds(12), .post(host: 4, .draft(author: 4, channel: "warga", title: "ok", lifetime: .days(14))))
        sim.schedule(at: .zero + .seconds(12), .post(host: 4, .signed(raw)))
        sim.schedule(at: .zero + .seconds(13), .post(host: 0, .draft(author: 0, channel: "warga", title: "dari 0", lifetime: .days(14))))
        sim.run(until: .zero + .seconds(150))  // past two expiry sweeps
        #expect(sim.endpoint(4)?.node.clock?.ownClockIsWrong == true, "\(sim.reproduction)")
        #expect(sim.endpoint(4)?.refusedPosts == 1, "the raw-dated post is refused at its own node")
        for host in 0..<5 {
            guard let node = sim.endpoint(host)?.node else { continue }
            #expect(node.store.count == 2, "host \(host) \(sim.reproduction)")
            for bulletin in node.store.all {
                #expect(bulletin.expires <= trueNow + .seconds(150) + .days(14), "outlives its true lifetime")
                #expect(bulletin.id != raw.id)
            }
        }
    }

    @Test func aNodeYearsBehindCorrectsFromItsPeersAndExpiresNothingEarly() {
        var sim = Simulation<TrustedHost>(seed: 32, name: "clock-behind")
        hall(&sim, count: 5, skewed: 4, skew: .zero - Self.years)
        sim.schedule(at: .zero + .seconds(1), .post(host: 0, .draft(author: 0, channel: "warga", title: "awal", lifetime: .days(14))))
        sim.run(until: .zero + .seconds(12))
        sim.schedule(at: .zero + .seconds(12), .post(host: 4, .draft(author: 4, channel: "pasar", title: "dari 4", lifetime: .days(7))))
        sim.run(until: .zero + .seconds(150))
        #expect(sim.endpoint(4)?.node.clock?.ownClockIsWrong == true, "\(sim.reproduction)")
        for host in 0..<5 {
            #expect(sim.endpoint(host)?.node.store.count == 2, "host \(host) \(sim.reproduction)")
        }
    }
}
