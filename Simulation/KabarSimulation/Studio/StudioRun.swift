import Kabar

/// Where a long run is, for a progress line.
public struct StudioProgress: Sendable {
    /// Virtual time now.
    public var now: Instant
    /// When the run stops at the latest.
    public var deadline: Instant
    /// (bulletin, reachable node) pairs delivered so far, and in all.
    public var delivered: Int
    /// See `delivered`.
    public var pairs: Int
}

/// The figures for one class of bulletins (or all of them).
public struct StudioClassResult: Sendable {
    /// `official`, `market`, ... or `all`.
    public var name: String
    /// Bulletins in the class.
    public var bulletins: Int
    /// (bulletin, reachable node) pairs: delivered over reachable. Reachable: the limit reaches it
    /// before the deadline.
    public var deliveryRatio: Double
    /// Median over the bulletins of the time from post to 50%, 90%, 100% of its reachable nodes
    /// (seconds; nil if no bulletin got there).
    public var coverage: [Int: Double]
    /// The same for the earliest-arrival limit.
    public var limit: [Int: Double]
    /// The worst bulletin's time to 100%, and the limit's.
    public var coverage100Max: Double?
    /// See `coverage100Max`.
    public var limit100Max: Double?
    /// 99th percentile over (bulletin, reachable node other than the origin) of delivery time over
    /// limit time (the limit floored at 1 s; an undelivered pair counts the run's end).
    public var stretchP99: Double
    /// Duplicate bulletin copies received over useful (new) copies received.
    public var redundancy: Double
}

/// A newcomer's first sync of the hall's backlog, against what the LAN allows.
public struct StudioFirstSync: Sendable {
    /// Bulletins in the backlog, and how many the newcomer held at the end.
    public var backlog: Int
    /// See `backlog`.
    public var held: Int
    /// Seconds from joining to holding the whole backlog; nil when it never did.
    public var seconds: Double?
    /// The earliest the LAN's unicast rate and latency allow for the backlog's bytes.
    public var limitSeconds: Double

    /// Limit over actual, at most 1 (0 when the sync never finished).
    public var goodputRatio: Double { seconds.map { min(1, limitSeconds / max($0, 1e-6)) } ?? 0 }
}

/// What a `kabar sim` run measured.
public struct StudioResult: Sendable {
    /// The scenario's name.
    public var scenario: String
    /// The run seed.
    public var seed: UInt64
    /// Honest nodes (mules included, attackers not).
    public var nodes: Int
    /// Attackers.
    public var attackers: Int
    /// Whether every reachable pair was delivered before the deadline.
    public var converged: Bool
    /// Virtual time at convergence (or the deadline).
    public var convergedAt: Instant
    /// All bulletins together, then each class in file order.
    public var all: StudioClassResult
    /// See `all`.
    public var classes: [StudioClassResult]
    /// Bytes sent per honest node per second in the idle window after convergence.
    public var idleBytesPerNodePerSecond: Double
    /// Bytes sent per honest node per hour between the first post and convergence.
    public var loadBytesPerNodePerHour: Double
    /// Honest hosts holding a bulletin nobody posted (forged or altered): must be zero.
    public var forgedStored: Int
    /// Sorted delivery delays (microseconds) of every delivered (bulletin, node) pair, origins left out.
    public var deliveryDelays: [Int64]
    /// Sorted limit delays of every reachable pair, origins left out.
    public var limitDelays: [Int64]
    /// Reachable pairs, origins left out (the charts' 100%).
    public var reachablePairs: Int
    /// (virtual time, bytes per honest node per second over the sample before it).
    public var traffic: [(Instant, Double)]
    /// When the posts start and end, and the idle window starts.
    public var firstPost: Instant
    /// See `firstPost`.
    public var idleStart: Instant
    /// Per bulletin: class, origin, post time, reachable, delivered, time to 100% and its limit (seconds).
    public var bulletins: [(className: String, origin: Int, posted: Instant, reachable: Int, delivered: Int, full: Double?, limitFull: Double?)]
    /// The faults the seed drew (swarm).
    public var drawnFaults: [String]
    /// Simulator counters.
    public var metrics: SimulationMetrics
    /// The trace digest.
    public var digest: String
    /// The newcomer's first sync, when the scenario has one.
    public var firstSync: StudioFirstSync?
    /// The attachments' delivery, when posts attach files.
    public var attachments: StudioAttachments?
    /// Over every mule stop that had posts to take: the time the LAN needs for what the mule
    /// stored there over the time it took (at most 1); nil when no stop had any.
    public var muleGoodputRatio: Double?
    /// What a spam flood did, when the scenario has one.
    public var spam: StudioSpam?
    /// What the hall reports cost and how fast the office learnt the reach, when the scenario
    /// has reports.
    public var reach: StudioReach?
}

/// How the attachments of a run's posts reached the nodes.
public struct StudioAttachments: Sendable {
    /// (attachment, reachable node other than the poster) pairs, and those held whole.
    public var pairs: Int
    public var delivered: Int
    /// The slowest pair, from the post, and the slowest pair's limit (seconds).
    public var coverageP100: Double
    public var limitP100: Double
    /// The limits' total over the actual times' total (at most 1).
    public var goodputRatio: Double

    public var deliveryRatio: Double { Double(delivered) / Double(max(1, pairs)) }
}

/// Runs a `StudioWorld` and measures it against the physical limit.
public enum StudioRunner {
    /// Runs `world` until every reachable (bulletin, node) pair is delivered or the deadline,
    /// then for the idle window, calling `progress` after each sample.
    public static func run(_ world: inout StudioWorld, progress: ((StudioProgress) -> Void)? = nil) -> StudioResult {
        let spamWatch = watchSpam(&world)
        let hostCount = world.sim.hostCount
        let honestHosts = (0..<hostCount).filter { world.honest[$0] }
        let posts = world.posts
        var arrivals: [[Int64]] = []
        var targets: [[Bool]] = []
        var targetCounts: [Int] = []
        for post in posts {
            var arrival = world.plan.earliestArrival(origin: post.host, start: post.at.microseconds, bytes: post.datagramBytes, horizon: world.deadline.microseconds)
            for host in 0..<hostCount where !world.honest[host] { arrival[host] = .max }
            let target = arrival.map { $0 != .max }
            arrivals.append(arrival)
            targets.append(target)
            targetCounts.append(target.reduce(0) { $0 + ($1 ? 1 : 0) })
        }
        let pairs = targetCounts.reduce(0, +)
        var reached = [Int](repeating: 0, count: posts.count)
        var checked = [Int](repeating: 0, count: posts.count)
        var delivered = 0
        func honestBytes() -> Int { honestHosts.reduce(0) { $0 + world.sim.bytesSent(by: $1) } }
        func update() {
            for index in posts.indices where reached[index] < targetCounts[index] && posts[index].at <= world.sim.now {
                let stores = world.sim.firstStores(of: posts[index].bulletin.id)
                for position in checked[index]..<stores.hosts.count where targets[index][Int(stores.hosts[position])] {
                    reached[index] += 1
                    delivered += 1
                }
                checked[index] = stores.hosts.count
            }
        }
        let firstPost = posts.first?.at ?? .zero
        var traffic: [(Instant, Double)] = []
        var lastBytes = 0
        var lastTime = Instant.zero
        func sample() {
            let bytes = honestBytes()
            let span = (world.sim.now - lastTime).seconds
            if span > 0 { traffic.append((world.sim.now, Double(bytes - lastBytes) / Double(max(1, honestHosts.count)) / span)) }
            lastBytes = bytes
            lastTime = world.sim.now
        }
        world.sim.run(until: firstPost)
        sample()
        let bytesAtFirstPost = lastBytes
        var lastPost = posts.last?.at ?? .zero
        lastPost = max(lastPost, firstPost)
        var synced = world.newcomer == nil
        while world.sim.now < world.deadline {
            world.sim.run(until: min(world.sim.now + world.definition.sample, world.deadline))
            update()
            sample()
            if !synced { synced = heldBacklog(world) == world.backlog.count }
            progress?(StudioProgress(now: world.sim.now, deadline: world.deadline, delivered: delivered, pairs: pairs))
            if delivered == pairs && world.sim.now >= lastPost && synced && attachmentsDone(world, targets: targets) { break }
        }
        let convergedAt = world.sim.now
        let loadBytes = lastBytes - bytesAtFirstPost
        // With reports, on until the office knows, from each hall's own report, every official
        // bulletin each hall holds (checked once a virtual minute), and at least `reports for=`,
        // or the deadline.
        var checkedReach = world.sim.now
        let reportsUntil = Instant.zero + (world.definition.reportsFor ?? .zero)
        while world.reportLedger != nil, world.sim.now < world.deadline {
            if world.sim.now >= checkedReach && world.sim.now >= reportsUntil {
                if reachKnown(world) { break }
                checkedReach = world.sim.now + .minutes(1)
            }
            world.sim.run(until: min(world.sim.now + world.definition.sample, world.deadline))
            sample()
            progress?(StudioProgress(now: world.sim.now, deadline: world.deadline, delivered: delivered, pairs: pairs))
        }
        let loadHours = max((convergedAt - firstPost).seconds, 1) / 3_600
        while world.sim.now < world.quietFrom {
            world.sim.run(until: min(world.sim.now + world.definition.sample, world.quietFrom))
            sample()
        }
        let quietBytes = lastBytes
        let idleStart = world.sim.now
        let idleEnd = world.sim.now + world.definition.idle
        while world.sim.now < idleEnd {
            world.sim.run(until: min(world.sim.now + world.definition.sample, idleEnd))
            sample()
        }
        let idleBytes = lastBytes - quietBytes
        let idleSeconds = max(world.definition.idle.seconds, 1e-6)
        var result = measure(world, arrivals: arrivals, targets: targets, end: convergedAt)
        result.converged = delivered == pairs
        result.convergedAt = convergedAt
        result.idleBytesPerNodePerSecond = Double(idleBytes) / Double(max(1, honestHosts.count)) / idleSeconds
        result.loadBytesPerNodePerHour = Double(loadBytes) / Double(max(1, honestHosts.count)) / loadHours
        result.traffic = traffic
        result.firstPost = firstPost
        result.idleStart = idleStart
        result.forgedStored = forgedStored(world)
        result.firstSync = firstSync(world)
        result.attachments = attachments(world, arrivals: arrivals, targets: targets, end: convergedAt)
        result.muleGoodputRatio = muleGoodput(world)
        if let spamWatch { result.spam = spamFigures(world, watch: spamWatch) }
        result.reach = reachFigures(world, end: world.sim.now)
        return result
    }

    /// Goodput of mule contacts. At each stop, what the mule lacked of the posts a node of that
    /// hall already held at its arrival is the work; the stop took from arrival to the last of
    /// them stored (the whole stay when some never came); the limit is the LAN's latency plus
    /// the bytes stored in the stay at its unicast rate.
    static func muleGoodput(_ world: StudioWorld) -> Double? {
        guard !world.muleVisits.isEmpty else { return nil }
        let lan = world.definition.lan
        let stores = world.posts.map { world.sim.firstStores(of: $0.bulletin.id) }
        var limitTotal = 0.0, actualTotal = 0.0
        for (host, visits) in world.muleVisits {
            for visit in visits where visit.lan.index < world.halls.count {
                let hall = Set(world.halls[visit.lan.index].map(Int32.init))
                let arrival = visit.arrival.microseconds, departure = visit.departure.microseconds
                var bytes = 0, last = arrival, missed = false, needed = false
                for (index, record) in stores.enumerated() {
                    let heldThere = zip(record.hosts, record.times).contains { hall.contains($0.0) && $0.1 <= arrival }
                    guard heldThere else { continue }
                    let muleAt = zip(record.hosts, record.times).first { $0.0 == Int32(host) }?.1
                    if let muleAt, muleAt <= arrival { continue }
                    needed = true
                    if let muleAt, muleAt <= departure {
                        bytes += world.posts[index].bulletin.encoded.count
                        last = max(last, muleAt)
                    } else {
                        missed = true
                    }
                }
                guard needed else { continue }
                actualTotal += Double((missed ? departure : last) - arrival) / 1e6
                if bytes > 0 { limitTotal += lan.latency.seconds + Double(bytes) / Double(lan.unicastBandwidth.bytesPerSecond) }
            }
        }
        guard actualTotal > 0 else { return nil }
        return min(1, limitTotal / actualTotal)
    }

    /// True when every attachment is whole at every node its post can reach (or there are none).
    static func attachmentsDone(_ world: StudioWorld, targets: [[Bool]]) -> Bool {
        for (index, post) in world.posts.enumerated() where !post.attachments.isEmpty {
            let reachable = targets[index].enumerated().filter { $0.element && $0.offset != post.host }.count
            for attachment in post.attachments where world.sim.attachmentStores(of: attachment.root).count < reachable { return false }
        }
        return true
    }

    /// Every (attachment, reachable node) pair: when the node held it whole, against the limit:
    /// the post's earliest arrival there plus one serialisation of the file at the LAN's unicast
    /// rate (blocks can be pipelined behind the post, so this is the earliest a node could have
    /// the whole file).
    static func attachments(_ world: StudioWorld, arrivals: [[Int64]], targets: [[Bool]], end: Instant) -> StudioAttachments? {
        let rate = Double(world.definition.lan.unicastBandwidth.bytesPerSecond)
        var pairs = 0, delivered = 0
        var actual: [Double] = [], limits: [Double] = []
        var limitTotal = 0.0, actualTotal = 0.0
        for (index, post) in world.posts.enumerated() where !post.attachments.isEmpty {
            for attachment in post.attachments {
                var whole: [Int32: Int64] = [:]
                for store in world.sim.attachmentStores(of: attachment.root) where whole[store.host] == nil { whole[store.host] = store.time }
                for host in targets[index].indices where targets[index][host] && host != post.host {
                    pairs += 1
                    let limit = Double(arrivals[index][host] - post.at.microseconds) / 1e6 + Double(attachment.bytes) / rate
                    let took = whole[Int32(host)].map { Double($0 - post.at.microseconds) / 1e6 }
                    if took != nil { delivered += 1 }
                    let seconds = took ?? Double(end.microseconds - post.at.microseconds) / 1e6
                    actual.append(seconds)
                    limits.append(limit)
                    limitTotal += limit
                    actualTotal += max(seconds, limit)
                }
            }
        }
        guard pairs > 0 else { return nil }
        return StudioAttachments(
            pairs: pairs, delivered: delivered, coverageP100: actual.max() ?? 0, limitP100: limits.max() ?? 0,
            goodputRatio: actualTotal > 0 ? min(1, limitTotal / actualTotal) : 1)
    }

    /// How many of the backlog the newcomer holds.
    static func heldBacklog(_ world: StudioWorld) -> Int {
        guard let newcomer = world.newcomer, let node = world.sim.endpoint(newcomer.host)?.honestNode else { return 0 }
        if node.store.count < world.backlog.count { return node.store.count }
        return world.backlog.reduce(0) { $0 + (node.store.contains($1.id) ? 1 : 0) }
    }

    /// The newcomer's first sync: when it stored the last backlog bulletin, beside the time the
    /// first hall's LAN needs to carry the backlog's bytes once (unicast rate plus latency).
    static func firstSync(_ world: StudioWorld) -> StudioFirstSync? {
        guard let newcomer = world.newcomer, !world.backlog.isEmpty else { return nil }
        var last: Int64 = 0
        var held = 0
        for bulletin in world.backlog {
            let stores = world.sim.firstStores(of: bulletin.id)
            guard let position = stores.hosts.firstIndex(of: Int32(newcomer.host)) else { continue }
            held += 1
            last = max(last, stores.times[position])
        }
        let bytes = world.backlog.reduce(0) { $0 + $1.encoded.count }
        let lan = world.definition.lan
        let limit = lan.latency.seconds + Double(bytes) / Double(lan.unicastBandwidth.bytesPerSecond)
        let seconds = held == world.backlog.count ? Double(last - newcomer.at.microseconds) / 1e6 : nil
        return StudioFirstSync(backlog: world.backlog.count, held: held, seconds: seconds, limitSeconds: limit)
    }

    /// Honest hosts holding any id that was neither posted nor in the preloaded backlog.
    static func forgedStored(_ world: StudioWorld) -> Int {
        var posted = Set(world.posts.map(\.bulletin.id)).union(world.backlog.map(\.id)).union(world.vouches.map(\.id))
        // A spammer's posts are valid bulletins it posted: not forged.
        if let ledger = world.spamLedger { posted.formUnion(ledger.sizes.keys) }
        // Hall reports are made by the halls during the run (and before it): not forged.
        if let ledger = world.reportLedger { posted.formUnion(ledger.entries.map(\.id) + ledger.initial.map(\.id)) }
        var count = 0
        for host in 0..<world.sim.hostCount {
            guard let node = world.sim.endpoint(host)?.honestNode else { continue }
            var foreign = false
            node.store.forEachItem { _, id in if !posted.contains(id) { foreign = true } }
            if foreign { count += 1 }
        }
        return count
    }
}
