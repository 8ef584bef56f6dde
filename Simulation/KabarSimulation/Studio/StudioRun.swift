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
}

/// Runs a `StudioWorld` and measures it against the physical limit.
public enum StudioRunner {
    /// Runs `world` until every reachable (bulletin, node) pair is delivered or the deadline,
    /// then for the idle window, calling `progress` after each sample.
    public static func run(_ world: inout StudioWorld, progress: ((StudioProgress) -> Void)? = nil) -> StudioResult {
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
        while world.sim.now < world.deadline {
            world.sim.run(until: min(world.sim.now + world.definition.sample, world.deadline))
            update()
            sample()
            progress?(StudioProgress(now: world.sim.now, deadline: world.deadline, delivered: delivered, pairs: pairs))
            if delivered == pairs && world.sim.now >= lastPost { break }
        }
        let convergedAt = world.sim.now
        let loadBytes = lastBytes - bytesAtFirstPost
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
        return result
    }

    /// Honest hosts holding any id that was not posted.
    static func forgedStored(_ world: StudioWorld) -> Int {
        let posted = Set(world.posts.map(\.bulletin.id))
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
