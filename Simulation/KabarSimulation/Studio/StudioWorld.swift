import Kabar
import KabarCrypto

/// One post of a `kabar sim` run.
public struct StudioPost: Sendable {
    /// Its class (`official`, `market`, ...).
    public var className: String
    /// The host whose operator posts it.
    public var host: Int
    /// When.
    public var at: Instant
    /// The signed bulletin.
    public var bulletin: Bulletin
    /// Its datagram's size, for the limit's serialisation time.
    public var datagramBytes: Int
    /// Its attachments: content id and file size.
    public var attachments: [(root: ContentID, bytes: Int)] = []
}

/// A scenario made real for one seed: the simulation with its hosts, LANs, links, mules, faults
/// and posts scheduled, and the same world as a `ContactPlan` for the physical limit.
public struct StudioWorld {
    /// The simulation, ready to run.
    public var sim: Simulation<StudioEndpoint>
    /// The time-varying graph.
    public var plan: ContactPlan
    /// The posts, in time order.
    public var posts: [StudioPost]
    /// Per host: an honest node (false: an attacker).
    public var honest: [Bool]
    /// Per host: a mule (counted as a node, never an origin).
    public var isMule: [Bool]
    /// The bulletins every hall node held at the start (`backlog` in the file).
    public var backlog: [Bulletin] = []
    /// The host that joins the first hall empty (`newcomer at=`), and when.
    public var newcomer: (host: Int, at: Instant)?
    /// Every mule's stops: the mule's host and its visits, for the contacts' goodput.
    public var muleVisits: [(host: Int, visits: [MuleVisit])] = []
    /// The hosts of each hall, by LAN index.
    public var halls: [[Int]] = []
    /// The definition it was built from.
    public var definition: ScenarioDefinition
    /// When the run stops if not converged.
    public var deadline: Instant
    /// The idle window starts no earlier than this (the end of an attack).
    public var quietFrom: Instant = .zero
    /// The faults the seed drew (swarm), for the summary.
    public var drawnFaults: [String] = []
    /// The seed.
    public var seed: UInt64 { sim.seed }
    /// Each honest host's attachment blocks, when a post of the scenario attaches files
    /// (`attach=`); empty otherwise (nodes then carry no attachments).
    public var blockStorages: [MemoryBlockStorage] = []
    /// The spam attacker's host and what it posted (`spam` in the file).
    public var spamHost: Int?
    /// See `spamHost`.
    public var spamLedger: SpamLedger?
    /// Bulletins every honest node held at the start besides the backlog: the office's vouches.
    public var vouches: [Bulletin] = []
    /// The trust rules honest nodes apply, when the scenario has any (`store`, `strangers`,
    /// `vouch`); nil: they admit every valid bulletin.
    public var trustRules: TrustRules?
    /// The hall reports made, when the scenario has reports (`reports`).
    public var reportLedger: ReportLedger?
    /// Each hall host's key, when the scenario has reports: the reach of a notice at the office
    /// names halls by key.
    public var hallKeys: [AuthorKey] = []

    /// Builds `definition` for `seed`, with `nodes` hall nodes (nil: the file's) and `duration`
    /// as the deadline (nil: the file's).
    public init(_ definition: ScenarioDefinition, seed: UInt64, nodes: Int? = nil, duration: TimeSpan? = nil) {
        var definition = definition
        self.deadline = .zero + (duration ?? definition.deadline)
        var faults = PRNG(seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 11, index: 0))
        var drawn: [String] = []
        var skews: [Int: TimeSpan] = [:]
        var layoutRandom = PRNG(seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 12, index: 0))
        let layout = StudioLayout.make(definition.topology, nodes: nodes ?? definition.nodes, mules: definition.mules, prng: &layoutRandom)
        if definition.randomFaults {
            drawn = Self.drawFaults(&definition, hosts: layout.hallHostCount, deadline: deadline, prng: &faults, skews: &skews)
        }
        self.definition = definition
        self.drawnFaults = drawn
        let hallHosts = layout.hallHostCount
        let muleCount = layout.routes.count
        let attackers = definition.flood?.attackers ?? 0
        let newcomers = definition.newcomer == nil ? 0 : 1
        let honestCount = hallHosts + muleCount + newcomers
        let hostCount = honestCount + attackers + (definition.spam == nil ? 0 : 1)
        honest = (0..<hostCount).map { $0 < honestCount }
        isMule = (0..<hostCount).map { $0 >= hallHosts && $0 < hallHosts + muleCount }

        var staticPeers = [[PeerAddress]](repeating: [], count: hostCount)
        for (a, b) in layout.links {
            staticPeers[a].append(.simulated(b))
            staticPeers[b].append(.simulated(a))
        }
        var sim = Simulation<StudioEndpoint>(seed: seed, name: definition.name)
        sim.cpu = definition.cpu ?? .raspberryPi4
        if let wanted = definition.backlog {
            backlog = Backlog.make(
                count: wanted.count, authors: wanted.authors, officialShare: 0, bodyBytes: wanted.bodyBytes,
                span: .days(10), now: sim.epoch, seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 19, index: 0))
        }
        let rules = definition.trust ? Self.trustRules(definition, seed: seed) : nil
        trustRules = rules
        if definition.vouchHalls {
            vouches = Self.vouches(hallHosts: hallHosts, backlog: definition.backlog, seed: seed, epoch: sim.epoch)
        }
        var reportKeys: [Ed25519.PrivateKey] = []
        var ledger: ReportLedger?
        if definition.reports {
            reportKeys = (0..<hallHosts).compactMap { Self.authorKey($0, seed: seed) }
            hallKeys = reportKeys.compactMap { AuthorKey(bytes: $0.publicKey.rawRepresentation) }
            let made = ReportLedger()
            made.initial = Self.initialReports(keys: reportKeys, seed: seed, epoch: sim.epoch)
            ledger = made
        }
        reportLedger = ledger
        let initialReports = ledger?.initial ?? []
        // One store value for every hall node: copies share their storage until one changes.
        var preloaded = Backlog.store(backlog + vouches + initialReports)
        preloaded.quotaBytes = definition.storeQuotaBytes
        var held = Backlog.store(vouches + initialReports)
        held.quotaBytes = definition.storeQuotaBytes
        let (hallStore, otherStore) = (preloaded, held)
        let ownKeys = (0..<honestCount).map { $0 < hallHosts ? Self.authorPublicKey($0, seed: seed) : nil }
        let cache = VerifiedSignatures()
        let flush = definition.churn?.flush ?? .zero
        let peers = staticPeers
        // Node keys only break ties between peers; 32 bytes always make an AuthorKey.
        var keyRandom = PRNG(seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 18, index: 0))
        let nodeKeys = (0..<honestCount).compactMap { _ in AuthorKey(bytes: keyRandom.bytes(32)) }
        let storages = definition.posts.contains { !$0.attachBytes.isEmpty }
            ? (0..<honestCount).map { _ in MemoryBlockStorage(bytesMax: 256 << 20) } : []
        blockStorages = storages
        sim.addHosts(honestCount) { boot in
            var configuration = NodeConfiguration()
            configuration.staticPeers = peers[boot.host]
            let store = boot.durable ?? (boot.host < hallHosts ? hallStore : otherStore)
            var node = Node(configuration: configuration, key: nodeKeys[boot.host], store: store, seed: boot.seed, now: boot.time)
            node.verifiedSignatures = cache
            if boot.host < storages.count { node.blocks = storages[boot.host] }
            if var rules {
                // Each hall node knows its own operator's key.
                if let own = ownKeys[boot.host] { rules.known = [own] }
                node.installTrust(TrustPolicy(rules: rules), at: boot.time)
            }
            guard let ledger, boot.host < reportKeys.count, let own = ownKeys[boot.host] else {
                return .node(StudioNode(node: node, flush: flush))
            }
            // The hall's operator key signs its reports, as `kabar init` makes the node's identity;
            // the office (host 0) holds the authority's key.
            let ownReport = (node.admission as? TrustPolicy)?.latestReport(by: own, at: boot.time.wall)
            let reporter = StudioReporter(
                host: boot.host, key: reportKeys[boot.host], label: Self.hallLabel(boot.host), office: boot.host == 0,
                channels: rules?.channels ?? .defaults, ledger: ledger, store: node.store, own: ownReport, now: boot.time)
            return .node(StudioNode(node: node, flush: flush), reporter: reporter)
        }
        var plan = ContactPlan()
        for _ in 0..<hostCount { plan.addHost() }
        for hall in layout.halls {
            sim.addLAN(hall, definition.lan)
            plan.addLAN(definition.lan)
            for host in hall { plan.addPresence(host: host, lan: plan.lans.count - 1, start: 0, end: .max) }
        }
        for (a, b) in layout.links {
            sim.addLink(a, b, definition.link)
            plan.addLink(a, b, definition.link)
        }
        muleVisits = Self.scheduleMules(layout.routes, firstHost: hallHosts, until: deadline, seed: seed, sim: &sim, plan: &plan)
        halls = layout.halls
        if let at = definition.newcomer, let hall = layout.halls.first {
            let host = hallHosts + muleCount
            let lan = layout.halls.firstIndex(of: hall) ?? 0
            sim.schedule(at: .zero + at, .join(host: host, LANID(index: lan)))
            plan.addPresence(host: host, lan: lan, start: at.microseconds, end: .max)
            newcomer = (host, .zero + at)
        }
        if attackers > 0, let flood = definition.flood {
            quietFrom = .zero + .seconds(10) + flood.duration
            Self.addAttackers(flood, halls: layout.halls, honestCount: hallHosts, seed: seed, sim: &sim)
        }
        if let spam = definition.spam, !layout.halls.isEmpty {
            let hall = min(spam.hall, layout.halls.count - 1)
            quietFrom = max(quietFrom, .zero + spam.start + spam.duration)
            let ledger = SpamLedger()
            spamLedger = ledger
            var keyRandom = PRNG(seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 23, index: 0))
            if let key = AuthorKey(bytes: keyRandom.bytes(32)) {
                // It has been on the hall's LAN before the hour and synced what the hall holds:
                // the run measures the flood, not a newcomer's first sync.
                var synced = hallStore
                synced.quotaBytes = nil
                spamHost = Self.addSpammer(spam, key: key, lan: LANID(index: hall), configuration: definition.lan, store: synced,
                                           ledger: ledger, cache: cache, seed: seed, sim: &sim)
            }
        }
        for (host, skew) in skews.sorted(by: { $0.key < $1.key }) { sim.setClockSkew(host: host, skew) }
        if let partition = definition.partition {
            let side = layout.halls.prefix(max(1, Int((Double(layout.halls.count) * partition.fraction).rounded()))).flatMap { $0 }
            let cut = sim.partition(separating: side)
            sim.schedule(at: .zero + partition.at, .partition(cut))
            sim.schedule(at: .zero + partition.heal, .heal(cut))
            plan.addCut(cut, start: partition.at.microseconds, end: partition.heal.microseconds)
        }
        var down = [[ContactPlan.Interval]](repeating: [], count: hostCount)
        if let churn = definition.churn {
            Self.scheduleChurn(churn, hallHosts: hallHosts, seed: seed, sim: &sim, plan: &plan, down: &down)
        }
        plan.finish()
        let bigSkews = Set(skews.filter { abs($0.value.microseconds) > TimeSpan.minutes(5).microseconds }.keys)
        posts = Self.makePosts(
            definition.posts, hallHosts: hallHosts, seed: seed, epoch: sim.epoch, down: down, avoiding: bigSkews, storages: storages)
        for post in posts { sim.schedule(at: post.at, .post(host: post.host, post.bulletin)) }
        self.sim = sim
        self.plan = plan
    }

    // MARK: mules, attackers, churn

    private static func scheduleMules(_ routes: [StudioLayout.Route], firstHost: Int, until deadline: Instant, seed: UInt64,
                                      sim: inout Simulation<StudioEndpoint>, plan: inout ContactPlan) -> [(host: Int, visits: [MuleVisit])] {
        var scheduled: [(host: Int, visits: [MuleVisit])] = []
        for (index, route) in routes.enumerated() {
            let host = firstHost + index
            var prng = PRNG(seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 13, index: UInt64(index)))
            let stops = route.reversed ? Array(route.stops.reversed()) : route.stops
            var position = prng.int(below: stops.count)
            var step = 1
            var time = Instant.zero + .microseconds(Int64(prng.int(below: Int(route.travel.upperBound.microseconds) + 1)))
            var visits: [MuleVisit] = []
            while time < deadline {
                let stay = draw(route.stay, &prng)
                let lan = stops[position]
                let departure = time + stay
                visits.append(MuleVisit(lan: LANID(index: lan), arrival: time, departure: departure))
                plan.addPresence(host: host, lan: lan, start: time.microseconds, end: departure.microseconds)
                time = departure + draw(route.travel, &prng)
                if stops.count == 1 { continue }
                if route.bounce {
                    if position + step < 0 || position + step >= stops.count { step = -step }
                    position += step
                } else {
                    position = (position + 1) % stops.count
                }
            }
            sim.addMule(host, visits: visits)
            scheduled.append((host, visits))
        }
        return scheduled
    }

    static func draw(_ range: ClosedRange<TimeSpan>, _ prng: inout PRNG) -> TimeSpan {
        let width = range.upperBound.microseconds - range.lowerBound.microseconds
        return range.lowerBound + .microseconds(Int64(prng.int(below: Int(width) + 1)))
    }

    private static func addAttackers(_ flood: ScenarioFlood, halls: [[Int]], honestCount: Int, seed: UInt64, sim: inout Simulation<StudioEndpoint>) {
        var prng = PRNG(seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 14, index: 0))
        let forger = try? Ed25519.PrivateKey(seed: prng.bytes(32))
        let victim = AuthorKey(bytes: prng.bytes(32))
        let forged = forger.flatMap { forger in victim.map { FloodAttacker.forgeries(count: 8, victim: $0, forger: forger, created: sim.epoch) } } ?? []
        let first = sim.hostCount
        // 32 bytes always make an AuthorKey: the guard only keeps a trap out.
        guard let idleKey = AuthorKey(bytes: [UInt8](repeating: 0xA7, count: 32)) else { return }
        sim.addHosts(flood.attackers) { boot in
            let attacker = FloodAttacker(seed: boot.seed, rate: flood.rate, targets: honestCount, forged: forged,
                                         start: boot.time.monotonic + .seconds(10), end: boot.time.monotonic + .seconds(10) + flood.duration)
            let idle = Node(configuration: NodeConfiguration(), key: idleKey, store: MemoryStore(), seed: boot.seed, now: boot.time)
            return .attacker(attacker, idle: StudioNode(node: idle, flush: .zero))
        }
        for index in 0..<flood.attackers {
            sim.markHostile(first + index)
            // The attacker joins a hall's own Wi-Fi (LANs are added first, one per hall, in order).
            sim.schedule(at: sim.now, .join(host: first + index, LANID(index: index * halls.count / flood.attackers)))
        }
    }

    /// The spam attacker: a stock node without trust rules, on `lan` from the start, posting
    /// what `SpamSource` makes. It keeps the node's send budgets: its posts fit them (the LAN's
    /// broadcast rate is below the node's total), and without them its node, serving pulls of
    /// large bulletins as unpaced fragments, bursts far past what the air carries.
    private static func addSpammer(_ spam: ScenarioSpam, key: AuthorKey, lan: LANID, configuration lanConfiguration: LANConfiguration,
                                    store: MemoryStore, ledger: SpamLedger, cache: VerifiedSignatures, seed: UInt64,
                                    sim: inout Simulation<StudioEndpoint>) -> Int {
        let source = SpamSource(spam, lan: lanConfiguration, seed: seed, ledger: ledger, cache: cache)
        let host = sim.hostCount
        sim.addHosts(1) { boot in
            var node = Node(configuration: NodeConfiguration(), key: key, store: store, seed: boot.seed, now: boot.time)
            node.verifiedSignatures = cache
            return .spammer(source, node: StudioNode(node: node, flush: .zero))
        }
        sim.markHostile(host)
        sim.schedule(at: sim.now, .join(host: host, lan))
        return host
    }

    // MARK: trust

    /// The post-signing key of hall host `host` (what its operator signs with).
    static func authorPublicKey(_ host: Int, seed: UInt64) -> AuthorKey? {
        authorKey(host, seed: seed).flatMap { AuthorKey(bytes: $0.publicKey.rawRepresentation) }
    }

    /// The rules of every honest node: the office's key (host 0) is the authority; quotas as
    /// the node's defaults; strangers get the scenario's budget.
    static func trustRules(_ definition: ScenarioDefinition, seed: UInt64) -> TrustRules {
        let office = authorPublicKey(0, seed: seed)
        return TrustRules(authorities: office.map { [$0] } ?? [], strangers: definition.strangerBudget)
    }

    /// The office's vouches for every hall host's key and the backlog's authors, made a day
    /// before the run and good for 180 days: what the regency does when it sets the halls up.
    static func vouches(hallHosts: Int, backlog: ScenarioBacklog?, seed: UInt64, epoch: UnixTime) -> [Bulletin] {
        guard let office = authorKey(0, seed: seed), let signer = AuthorKey(bytes: office.publicKey.rawRepresentation) else { return [] }
        var keys = (0..<hallHosts).compactMap { authorPublicKey($0, seed: seed) }
        if let backlog {
            keys += Backlog.authorKeys(authors: backlog.authors, seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 19, index: 0))
        }
        let created = epoch - .days(1)
        return stride(from: 0, to: keys.count, by: Vouch.keysMax).compactMap { start in
            let vouch = Vouch(keys: keys[start..<min(keys.count, start + Vouch.keysMax)])
            return vouch.flatMap { try? Bulletin.sign($0.content(author: signer, created: created, expires: created + .days(180)), with: office) }
        }
    }

    /// The label a hall host's reports carry.
    static func hallLabel(_ host: Int) -> String {
        host == 0 ? "Kantor Bupati, Bagansiapiapi" : "Balai \(host), Rokan Hilir"
    }

    /// Each hall's own last report before the run, made by the same reporter code, dated a
    /// seeded time within the report interval (24 hours) before the start and listing nothing:
    /// a deployment that has been running, so the office knows every hall and each hall's
    /// schedule goes on from it.
    static func initialReports(keys: [Ed25519.PrivateKey], seed: UInt64, epoch: UnixTime) -> [Bulletin] {
        var prng = PRNG(seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 24, index: 0))
        let interval = HallReporter.Settings().schedule.interval
        return keys.enumerated().compactMap { host, key in
            let created = epoch - .microseconds(Int64(1 + prng.int(below: Int(interval.microseconds) - 1)))
            guard let author = AuthorKey(bytes: key.publicKey.rawRepresentation) else { return nil }
            var reporter = HallReporter()
            reporter.start(at: created, ownReport: nil, official: [])
            let facts = HallReporter.Facts(label: hallLabel(host), software: "kabar sim", storeCount: 0, storeBytes: 0)
            guard let content = try? reporter.content(at: created, facts: facts, author: author, holds: { _ in true }) else { return nil }
            return try? Bulletin.sign(content, with: key)
        }
    }

    private static func scheduleChurn(_ churn: ScenarioChurn, hallHosts: Int, seed: UInt64, sim: inout Simulation<StudioEndpoint>,
                                      plan: inout ContactPlan, down: inout [[ContactPlan.Interval]]) {
        var prng = PRNG(seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 15, index: 0))
        let count = min(hallHosts - 1, Int((Double(hallHosts) * churn.fraction).rounded()))
        var candidates = Array(1..<hallHosts)
        for pick in 0..<max(0, count) {
            let chosen = pick + prng.int(below: candidates.count - pick)
            candidates.swapAt(pick, chosen)
            let host = candidates[pick]
            let cut = Instant.zero + draw(churn.window, &prng)
            let back = cut + draw(churn.down, &prng)
            sim.schedule(at: cut, .powerCut(host: host))
            sim.schedule(at: back, .restart(host: host))
            plan.addDown(host: host, start: cut.microseconds, end: back.microseconds)
            down[host].append(ContactPlan.Interval(start: cut.microseconds, end: back.microseconds))
        }
    }

    // MARK: posts

    private static func makePosts(_ batches: [ScenarioPosts], hallHosts: Int, seed: UInt64, epoch: UnixTime,
                                  down: [[ContactPlan.Interval]], avoiding: Set<Int>, storages: [MemoryBlockStorage]) -> [StudioPost] {
        var prng = PRNG(seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 16, index: 0))
        var keys: [Int: Ed25519.PrivateKey] = [:]
        var posts: [StudioPost] = []
        var number = 0
        for batch in batches {
            for index in 0..<batch.count {
                let at = Instant.zero + batch.start + batch.spacing * Int64(index)
                var host = 0
                if batch.from == "any" {
                    for _ in 0..<32 {
                        host = prng.int(below: hallHosts)
                        let isDown = down[host].contains { $0.start <= at.microseconds && at.microseconds < $0.end }
                        if !isDown && !avoiding.contains(host) { break }
                    }
                }
                guard let key = keys[host] ?? authorKey(host, seed: seed) else { continue }
                keys[host] = key
                // The poster's operator attached the files: their blocks are in its store.
                var attachments: [(root: ContentID, bytes: Int)] = []
                for (fileNumber, size) in batch.attachBytes.enumerated() where host < storages.count {
                    let name = fileNumber == 0 ? "foto-\(number).jpg" : "lampiran-\(number)-\(fileNumber).pdf"
                    guard let tree = try? AttachmentTree.build(prng.bytes(size), type: fileNumber == 0 ? "image/jpeg" : "application/pdf", name: name)
                    else { continue }
                    _ = try? storages[host].put(tree.manifest.id, tree.manifest.encoded)
                    for block in tree.blocks { _ = try? storages[host].put(block.id, block.bytes) }
                    attachments.append((tree.manifest.id, size))
                }
                guard let bulletin = try? makeBulletin(
                    batch, number: number, key: key, created: epoch + (at - .zero) - .seconds(1), attachments: attachments.map(\.root))
                else { continue }
                number += 1
                let bytes = MessageCodec.encode(.bulletin(bulletin.encoded), network: Wire.networkID(named: Wire.defaultNetworkName)).count
                posts.append(StudioPost(className: batch.name, host: host, at: at, bulletin: bulletin, datagramBytes: bytes, attachments: attachments))
            }
        }
        return posts.sorted { ($0.at, $0.host) < ($1.at, $1.host) }
    }

    static func authorKey(_ host: Int, seed: UInt64) -> Ed25519.PrivateKey? {
        var prng = PRNG(seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 17, index: UInt64(host)))
        return try? Ed25519.PrivateKey(seed: prng.bytes(32))
    }

    private static func makeBulletin(
        _ batch: ScenarioPosts, number: Int, key: Ed25519.PrivateKey, created: UnixTime, attachments: [ContentID] = []
    ) throws -> Bulletin {
        guard let author = AuthorKey(bytes: key.publicKey.rawRepresentation) else { throw BulletinError.nonCanonical("key") }
        let official = batch.name == "official"
        var content = BulletinContent(kind: .post, author: author, created: created, expires: created + .days(7), channel: official ? "pengumuman" : "pasar")
        content.title = official ? "Pengumuman kabupaten \(number)" : "Kabar pasar \(number)"
        content.attachments = attachments
        let sentence = official ? "Vaksinasi gratis di puskesmas kecamatan hari Senin. " : "Dijual beras dan ikan salai di balai desa. "
        content.body = String(String(repeating: sentence, count: batch.bodyBytes / sentence.utf8.count + 1).utf8.prefix(batch.bodyBytes)) ?? sentence
        return try Bulletin.sign(content, with: key)
    }
}
