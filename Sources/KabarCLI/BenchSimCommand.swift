import Kabar
import KabarCrypto
import KabarSimulation

/// `kabar bench sim`: how fast the simulator runs a regency to full convergence.
enum BenchSimCommand: Command {
    static let spec = CommandSpec(
        path: ["bench", "sim"],
        summary: Localized(
            en: "time the simulator on a regency of halls until every bulletin reaches every host",
            id: "ukur waktu simulator pada kabupaten berisi balai hingga setiap buletin sampai ke setiap host"),
        options: [
            .json,
            .value("--hosts", "N", help: Localized(en: "hosts (1 to 100000, default 10000)", id: "jumlah host (1 sampai 100000, bawaan 10000)")),
            .value("--bulletins", "N", help: Localized(en: "bulletins posted (1 to 140, default 100)", id: "buletin yang dikirim (1 sampai 140, bawaan 100)")),
            .value("--hall-size", "N", help: Localized(en: "hosts per hall LAN (1 to 1000, default 50)", id: "host per LAN balai (1 sampai 1000, bawaan 50)")),
            .value("--seed", "N", help: Localized(en: "run seed (default 1)", id: "benih acak (bawaan 1)")),
            .value("--endpoint", "NAME", help: Localized(en: "node (the real Node), summary (push-pull toy, default) or flood (toy)", id: "node (Node sebenarnya), summary (mainan dorong-tarik, bawaan) atau flood (mainan)")),
        ],
        discussion: Localized(
            en: "Runs real nodes or toy endpoints over lossy hall LANs joined by long-range links, then prints the wall time, events per second, coverage times, traffic and the trace digest. Build with -c release.",
            id: "Menjalankan node sebenarnya atau titik akhir mainan di LAN balai yang merugi paket, dihubungkan tautan jarak jauh, lalu mencetak waktu nyata, peristiwa per detik, waktu jangkauan, lalu lintas dan ringkasan jejak. Bangun dengan -c release."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let hosts = try arguments.integer("--hosts", in: 1...100_000) ?? 10_000
        let bulletins = try arguments.integer("--bulletins", in: 1...SummaryExchangeEndpoint.numbersPerDatagramMax) ?? 100
        let hallSize = try arguments.integer("--hall-size", in: 1...1_000) ?? 50
        let seedText = arguments.value("--seed") ?? "1"
        guard let seed = UInt64(seedText) else {
            throw CLIError.usage(Localized(en: "--seed needs a whole number from 0 to 2^64-1, not \(seedText)",
                                           id: "--seed perlu bilangan bulat 0 sampai 2^64-1, bukan \(seedText)"))
        }
        let scenario = RegencyScenario(hosts: hosts, hostsPerHall: hallSize)
        let lines: [String]
        switch arguments.value("--endpoint") ?? "summary" {
        case "node":
            var sim = Simulation<Node<MemoryStore>>(seed: seed, name: "bench-regency-node")
            let epoch = sim.epoch
            // Signed before the build, so a signing failure is an error here, not a trap inside it.
            let signed = try (0..<bulletins).map { try benchBulletin($0, created: epoch) }
            scenario.build(into: &sim, bulletins: bulletins, makeEndpoint: { boot in
                var prng = PRNG(seed: boot.seed)
                let key = AuthorKey(bytes: prng.bytes(32))!
                return Node(configuration: NodeConfiguration(), key: key, store: boot.durable ?? MemoryStore(), seed: boot.seed, now: boot.time)
            }, payload: { signed[$0] })
            lines = measure(&sim, json: arguments.flag("--json"))
        case "summary":
            var sim = Simulation<SummaryExchangeEndpoint>(seed: seed, name: "bench-regency-summary")
            scenario.build(into: &sim, bulletins: bulletins, makeEndpoint: { SummaryExchangeEndpoint(boot: $0) },
                           payload: { ToyBulletin(number: UInt64($0), size: 600) })
            lines = measure(&sim, json: arguments.flag("--json"))
        case "flood":
            var sim = Simulation<FloodingEndpoint>(seed: seed, name: "bench-regency-flood")
            scenario.build(into: &sim, bulletins: bulletins, makeEndpoint: { FloodingEndpoint(boot: $0) },
                           payload: { ToyBulletin(number: UInt64($0), size: 600) })
            lines = measure(&sim, json: arguments.flag("--json"))
        case let other:
            throw CLIError.usage(Localized(en: "--endpoint is node, summary or flood, not \(other)", id: "--endpoint adalah node, summary atau flood, bukan \(other)"))
        }
        lines.forEach(context.print)
        return 0
    }

    /// Bulletin `index`, about 500 bytes, signed by a key of its own.
    static func benchBulletin(_ index: Int, created: UnixTime) throws -> Bulletin {
        var prng = PRNG(seed: UInt64(index) &+ 0x6b61_6261_72)
        let key = try Ed25519.PrivateKey(seed: prng.bytes(32))
        guard let author = AuthorKey(bytes: key.publicKey.rawRepresentation) else { throw CLIError.failed(Localized(en: "the benchmark key has no valid public key", id: "kunci tolok ukur tidak punya kunci publik yang sah")) }
        var content = BulletinContent(kind: .post, author: author, created: created, expires: created + .days(7), channel: "warga")
        content.title = "Kabar \(index)"
        content.body = String(repeating: "Panen jagung di balai desa. ", count: 14)
        return try Bulletin.sign(content, with: key)
    }

    static func measure<Endpoint>(_ sim: inout Simulation<Endpoint>, json: Bool) -> [String] {
        let clock = ContinuousClock()
        var converged = false
        let elapsed = clock.measure { converged = sim.runUntilConverged(deadline: .zero + .hours(6)) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let metrics = sim.metrics
        let full = metrics.bulletins.compactMap(\.timeTo100)
        let p50 = SimulationMetrics.percentile(50, of: full)?.seconds ?? -1
        let p100 = SimulationMetrics.percentile(100, of: full)?.seconds ?? -1
        let eventsPerSecond = Double(metrics.eventsProcessed) / max(seconds, 1e-9)
        if json {
            return ["{\"hosts\": \(sim.hostCount), \"converged\": \(converged), \"wall_s\": \(seconds), \"virtual_s\": \(sim.now.microseconds / 1_000_000), \"events\": \(metrics.eventsProcessed), \"events_per_s\": \(Int(eventsPerSecond)), \"time_to_100_median_s\": \(p50), \"time_to_100_max_s\": \(p100), \"datagrams_sent\": \(metrics.totalDatagramsSent), \"bytes_sent\": \(metrics.totalBytesSent), \"redundancy\": \(metrics.redundancy), \"digest\": \"\(sim.traceDigest)\", \"seed\": \(sim.seed)}"]
        }
        return [
            "\(sim.reproduction) hosts=\(sim.hostCount) converged=\(converged)",
            "wall \(seconds) s for \(metrics.eventsProcessed) events (\(Int(eventsPerSecond)) events/s) and \(metrics.totalDatagramsReceived) deliveries, virtual \(sim.now)",
            metrics.description,
            "digest \(sim.traceDigest)",
        ]
    }
}
