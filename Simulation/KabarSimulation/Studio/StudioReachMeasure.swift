import Kabar

/// What the hall reports of a run cost and how fast they told the office
/// (Documentation/Reach.md, "Measured").
public struct StudioReach: Sendable {
    /// Hall hosts making reports.
    public var halls: Int
    /// Reports made during the run, and their bytes (the reports from before the run left out).
    public var reportsMade: Int
    /// See `reportsMade`.
    public var reportBytes: Int
    /// Reports that listed an official bulletin the hall's previous report did not (news); the
    /// others were made for a mule's visit or the interval.
    public var reportsWithNews: Int
    /// Report bytes made per hall per day: `reportBytes` over the halls, scaled from the run's
    /// length (its start to its end) to 24 hours.
    public var bytesPerNodePerDay: Double
    /// Report bytes carried to other nodes per honest node per day, the same scaling: each
    /// report's bytes once for every other node that stored it (at least one transfer each;
    /// duplicates and the announcements of its id are not counted).
    public var trafficBytesPerNodePerDay: Double
    /// (official bulletin, hall other than the office that held it) pairs, and those the office
    /// came to know of from the hall's report before the run ended.
    public var pairs: Int
    /// See `pairs`.
    public var pairsKnown: Int
    /// 90th percentile over the pairs of the time from the hall first having the bulletin to the
    /// office storing a report of the hall that lists it (a pair never known counts the run's end).
    public var lagP90: Double?
    /// The figure to compare with: 90th percentile over the known pairs of the bulletin's own
    /// travel from its post to the hall plus the way back (the listing report's own travel from
    /// the hall to the office).
    public var referenceP90: Double?
    /// Reports a node refused to make (its own rules refusing it): must be zero.
    public var failures: Int
    /// At the end, `reach` at the office against the ground truth, over every official bulletin
    /// and hall: halls counted reached that never held it (must be zero), and halls that held
    /// it, reported after, and were not counted (must be zero).
    public var falsePositives: Int
    /// See `falsePositives`.
    public var missed: Int
    /// Halls that held a bulletin and reported since, whose report no longer lists it because
    /// newer ones filled the list (`report_holdings`): `reach` says "cannot tell" (beyond the
    /// report's horizon), as designed, rather than a wrong "not reached".
    public var beyondHorizon: Int
    /// Halls counted reached at the office, summed over the official bulletins.
    public var counted: Int
}

extension StudioRunner {
    /// True when the office has stored, from every hall holding each official bulletin, a
    /// report that lists it (the run's reach is known: it may stop).
    static func reachKnown(_ world: StudioWorld) -> Bool {
        guard let ledger = world.reportLedger else { return true }
        let known = officeKnows(world, ledger: ledger)
        for post in world.posts where post.className == "official" {
            let stores = world.sim.firstStores(of: post.bulletin.id)
            for host in stores.hosts where Int(host) != 0 && Int(host) < world.hallKeys.count {
                if known[PairKey(bulletin: post.bulletin.id, host: Int(host))] == nil { return false }
            }
        }
        return true
    }

    /// A (bulletin, hall host) pair.
    struct PairKey: Hashable {
        let bulletin: BulletinID
        let host: Int
    }

    /// For each (official bulletin, hall) pair listed by some report of the hall that the office
    /// stored: the earliest such storing (virtual µs) and the listing report's making time.
    static func officeKnows(_ world: StudioWorld, ledger: ReportLedger) -> [PairKey: (known: Int64, made: Int64)] {
        var known: [PairKey: (known: Int64, made: Int64)] = [:]
        for entry in ledger.entries where !entry.listed.isEmpty {
            let stores = world.sim.firstStores(of: entry.id)
            guard let position = stores.hosts.firstIndex(of: 0) else { continue }
            let at = stores.times[position]
            for id in entry.listed {
                let key = PairKey(bulletin: id, host: entry.host)
                if let held = known[key], held.known <= at { continue }
                known[key] = (at, entry.at.microseconds)
            }
        }
        return known
    }

    /// The report figures of a run that ended at `end`, and the office's `reach` checked
    /// against the ground truth.
    static func reachFigures(_ world: StudioWorld, end: Instant) -> StudioReach? {
        guard let ledger = world.reportLedger else { return nil }
        let halls = world.hallKeys.count
        let days = max((end - .zero).seconds, 1) / 86_400
        let bytes = ledger.entries.reduce(0) { $0 + $1.bytes }
        var carried = 0
        for entry in ledger.entries { carried += entry.bytes * max(0, world.sim.firstStores(of: entry.id).hosts.count - 1) }
        let honest = max(1, world.honest.filter { $0 }.count)
        let known = officeKnows(world, ledger: ledger)
        var lags: [Double] = [], references: [Double] = []
        var pairs = 0, pairsKnown = 0
        for post in world.posts where post.className == "official" {
            let stores = world.sim.firstStores(of: post.bulletin.id)
            for (host, time) in zip(stores.hosts, stores.times) where Int(host) != 0 && Int(host) < halls {
                pairs += 1
                guard let pair = known[PairKey(bulletin: post.bulletin.id, host: Int(host))] else {
                    lags.append(Double(end.microseconds - time) / 1e6)
                    continue
                }
                pairsKnown += 1
                lags.append(Double(pair.known - time) / 1e6)
                references.append(Double(time - post.at.microseconds + pair.known - pair.made) / 1e6)
            }
        }
        var previous: [Int: Set<BulletinID>] = [:]
        var withNews = 0
        for entry in ledger.entries {
            let listed = Set(entry.listed)
            if !listed.subtracting(previous[entry.host] ?? []).isEmpty { withNews += 1 }
            previous[entry.host] = listed
        }
        let truth = officeAgreement(world)
        return StudioReach(
            halls: halls, reportsMade: ledger.entries.count, reportBytes: bytes, reportsWithNews: withNews, bytesPerNodePerDay: Double(bytes) / Double(max(1, halls)) / days,
            trafficBytesPerNodePerDay: Double(carried) / Double(honest) / days, pairs: pairs, pairsKnown: pairsKnown,
            lagP90: percentile(lags, 0.9), referenceP90: percentile(references, 0.9), failures: ledger.failures,
            falsePositives: truth.falsePositives, missed: truth.missed, beyondHorizon: truth.beyondHorizon, counted: truth.counted)
    }

    /// `reach` computed at the office node (host 0) from the reports it holds, for every official
    /// bulletin, against the simulator's ground truth: a hall counted reached must have stored the
    /// bulletin before the report that says so was made; a hall that stored it before its newest
    /// report the office holds was made must be counted, unless its report's list is full of
    /// newer ones and says "cannot tell" (`beyondHorizon`, counted apart).
    public static func officeAgreement(_ world: StudioWorld) -> (falsePositives: Int, missed: Int, beyondHorizon: Int, counted: Int) {
        guard let ledger = world.reportLedger, let office = world.sim.endpoint(0)?.honestNode,
              let policy = office.admission as? TrustPolicy
        else { return (0, 0, 0, 0) }
        let now = ClockEstimate.bestTime(wall: world.sim.epoch + (world.sim.now - .zero), clock: office.clock)
        let reports = policy.latestReports(at: now).compactMap { office.store.bulletin($0) }
        var hostOf: [AuthorKey: Int] = [:]
        for (host, key) in world.hallKeys.enumerated() { hostOf[key] = host }
        var made: [BulletinID: Int64] = [:]
        for entry in ledger.entries { made[entry.id] = entry.at.microseconds }
        let newest = Dictionary(reports.map { ($0.author, $0.id) }, uniquingKeysWith: { first, _ in first })
        var falsePositives = 0, missed = 0, beyondHorizon = 0, counted = 0
        for post in world.posts where post.className == "official" {
            let reach = Reach.of(post.bulletin.id, created: post.bulletin.created, reports: reports)
            let stores = world.sim.firstStores(of: post.bulletin.id)
            var storedAt: [Int: Int64] = [:]
            for (host, time) in zip(stores.hosts, stores.times) where storedAt[Int(host)] == nil { storedAt[Int(host)] = time }
            var reached: Set<Int> = []
            var status: [AuthorKey: Reach.Status] = [:]
            for hall in reach.halls {
                status[hall.node] = hall.status
                guard case .reached = hall.status else { continue }
                counted += 1
                guard let host = hostOf[hall.node], let report = newest[hall.node], let had = storedAt[host],
                      had <= made[report] ?? Int64.min
                else {
                    falsePositives += 1
                    continue
                }
                reached.insert(host)
            }
            for (host, had) in storedAt where host < world.hallKeys.count && !reached.contains(host) {
                guard let report = newest[world.hallKeys[host]], let at = made[report], at >= had else { continue }
                if status[world.hallKeys[host]] == .beyondHorizon { beyondHorizon += 1 } else { missed += 1 }
            }
        }
        return (falsePositives, missed, beyondHorizon, counted)
    }

    /// The `fraction` percentile of `values` (nearest rank), nil when empty.
    static func percentile(_ values: [Double], _ fraction: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[max(0, min(sorted.count - 1, rank))]
    }
}
