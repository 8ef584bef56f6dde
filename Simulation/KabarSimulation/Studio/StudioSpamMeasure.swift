import Kabar

/// What a spam flood (`spam` in a scenario) did to the honest nodes, against the ground truth of
/// which bulletins are the attacker's (`SpamLedger`) and which are honest (the posts, the
/// backlog and the office's vouches). Every attacker key is a stranger (nobody vouched for it),
/// so the attacker's bytes a node holds are its strangers' bytes.
public struct StudioSpam: Sendable {
    /// Fresh keys the attacker had, and how many signed a post.
    public var keys: Int
    /// See `keys`.
    public var keysUsed: Int
    /// Posts the attacker made, and their encoded bytes.
    public var posts: Int
    /// See `posts`.
    public var bytesPosted: Int64
    /// The attacker's posts that reached at least one honest node.
    public var postsStored: Int
    /// (honest node, honest bulletin) pairs evicted for the disk quota, removed by the trust
    /// rules, or refused, at any time of the run.
    public var honestEvicted: Int { honestEvictions + honestRemovals + honestRefusals }
    /// See `honestEvicted`: each kind.
    public var honestEvictions = 0
    /// See `honestEvicted`.
    public var honestRemovals = 0
    /// See `honestEvicted`.
    public var honestRefusals = 0
    /// The attacker's encoded bytes held at the end, at the honest node holding most, and on
    /// average over honest nodes.
    public var strangerBytesMax: Int64
    /// See `strangerBytesMax`.
    public var strangerBytesMean: Double
    /// The most the attacker's bytes ever were at one honest node (every store and eviction
    /// counted as it happened).
    public var strangerBytesPeak: Int64
    /// The attacker's bulletins held at the end at the honest node holding most.
    public var strangerBulletinsMax: Int
    /// The attacker's bulletins honest nodes refused (each refusal at each node counted).
    public var strangerRefusals: Int
    /// The budget honest nodes were given (`strangers bytes=`), nil when none.
    public var budgetBytes: Int64?
    /// The honest nodes' disk quota (`store quota=`), nil when none.
    public var quotaBytes: Int64?
    /// The largest store at an honest node at the end, in encoded bytes.
    public var honestStoreBytesMax: Int64
    /// The same honest traffic without the flood (same seed): delivery and stretch.
    public var deliveryRatioWithoutFlood: Double?
    /// See `deliveryRatioWithoutFlood`.
    public var stretchP99WithoutFlood: Double?
}

/// Watches node events as they happen for the spam figures (`Simulation.eventObserver`).
final class SpamWatch {
    let ledger: SpamLedger
    let honestIDs: Set<BulletinID>
    let isHonest: [Bool]
    var bytes: [Int64]
    var peak: [Int64]
    var evictions = 0
    var removals = 0
    var refusals = 0
    var strangerRefusals = 0

    init(ledger: SpamLedger, honestIDs: Set<BulletinID>, isHonest: [Bool]) {
        self.ledger = ledger
        self.honestIDs = honestIDs
        self.isHonest = isHonest
        bytes = Array(repeating: 0, count: isHonest.count)
        peak = bytes
    }

    func observe(_ host: Int, _ event: NodeEvent, _ time: Instant) {
        guard host < isHonest.count, isHonest[host] else { return }
        if case .bulletinStored(let id, _) = event {
            guard let size = ledger.size(of: id) else { return }
            bytes[host] += Int64(size)
            peak[host] = max(peak[host], bytes[host])
        } else if case .bulletinEvicted(let id) = event {
            if let size = ledger.size(of: id) { bytes[host] -= Int64(size) } else if honestIDs.contains(id) { evictions += 1 }
        } else if case .bulletinRemoved(let id) = event {
            if let size = ledger.size(of: id) { bytes[host] -= Int64(size) } else if honestIDs.contains(id) { removals += 1 }
        } else if case .bulletinRejected(let rejection) = event, let id = rejection.id {
            if ledger.size(of: id) != nil { strangerRefusals += 1 } else if honestIDs.contains(id) { refusals += 1 }
        }
    }
}

extension StudioRunner {
    /// Starts watching a world with a spammer; nil for any other world.
    static func watchSpam(_ world: inout StudioWorld) -> SpamWatch? {
        guard let ledger = world.spamLedger else { return nil }
        let honestIDs = Set(world.posts.map(\.bulletin.id)).union(world.backlog.map(\.id)).union(world.vouches.map(\.id))
        let watch = SpamWatch(ledger: ledger, honestIDs: honestIDs, isHonest: world.honest)
        let earlier = world.sim.eventObserver
        world.sim.eventObserver = { host, event, time in
            watch.observe(host, event, time)
            earlier?(host, event, time)
        }
        return watch
    }

    /// The spam figures at the end of the run: the stores read for what they hold now, the
    /// watch for what happened on the way.
    static func spamFigures(_ world: StudioWorld, watch: SpamWatch) -> StudioSpam {
        let ledger = watch.ledger
        var bytesMax: Int64 = 0, bytesTotal: Int64 = 0, bulletinsMax = 0, storeMax: Int64 = 0, nodes = 0
        for host in 0..<world.sim.hostCount where world.honest[host] {
            guard let node = world.sim.endpoint(host)?.honestNode else { continue }
            nodes += 1
            var bytes: Int64 = 0, bulletins = 0, all: Int64 = 0
            node.store.forEachItem { _, id in
                if let size = ledger.size(of: id) {
                    bytes += Int64(size)
                    bulletins += 1
                }
            }
            all = node.store.encodedBytes
            bytesMax = max(bytesMax, bytes)
            bytesTotal += bytes
            bulletinsMax = max(bulletinsMax, bulletins)
            storeMax = max(storeMax, all)
        }
        let postsStored = ledger.sizes.keys.reduce(0) { count, id in
            count + (world.sim.firstStores(of: id).hosts.contains { world.honest[Int($0)] } ? 1 : 0)
        }
        var figures = StudioSpam(
            keys: world.definition.spam?.keys ?? 0, keysUsed: ledger.keysUsed, posts: ledger.posts, bytesPosted: ledger.bytes,
            postsStored: postsStored, strangerBytesMax: bytesMax, strangerBytesMean: Double(bytesTotal) / Double(max(1, nodes)),
            strangerBytesPeak: watch.peak.max() ?? 0, strangerBulletinsMax: bulletinsMax, strangerRefusals: watch.strangerRefusals,
            budgetBytes: world.trustRules.map(\.strangers.bytesMax).flatMap { $0 == StrangerBudget.unlimited.bytesMax ? nil : $0 },
            quotaBytes: world.definition.storeQuotaBytes, honestStoreBytesMax: storeMax)
        figures.honestEvictions = watch.evictions
        figures.honestRemovals = watch.removals
        figures.honestRefusals = watch.refusals
        return figures
    }

    /// Runs `definition` for `seed`; with a `spam` flood, first runs the same honest traffic
    /// without it (same seed, the spam left out) and puts that run's delivery and stretch beside
    /// the flood's (`StudioSpam.stretchP99WithoutFlood`).
    public static func runComparingWithoutFlood(
        _ definition: ScenarioDefinition, seed: UInt64, nodes: Int? = nil, duration: TimeSpan? = nil,
        progress: ((StudioProgress) -> Void)? = nil
    ) -> StudioResult {
        var baseline: StudioResult?
        if definition.spam != nil {
            var quiet = definition
            quiet.spam = nil
            var world = StudioWorld(quiet, seed: seed, nodes: nodes, duration: duration)
            baseline = run(&world)
        }
        var world = StudioWorld(definition, seed: seed, nodes: nodes, duration: duration)
        var result = run(&world, progress: progress)
        if let baseline {
            result.spam?.deliveryRatioWithoutFlood = baseline.all.deliveryRatio
            result.spam?.stretchP99WithoutFlood = baseline.all.stretchP99
        }
        return result
    }
}
