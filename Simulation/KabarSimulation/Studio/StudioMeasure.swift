import Kabar

extension StudioRunner {
    /// Per-bulletin figures for one post.
    struct BulletinFigures {
        var className: String
        var reachable = 0
        var delivered = 0
        var coverage: [Int: Int64] = [:]
        var limit: [Int: Int64] = [:]
        var ratios: [Double] = []
        var duplicates = 0
        var useful = 0
    }

    static let percents = [50, 90, 100]

    /// Everything but the traffic figures, from the stores and the limit.
    static func measure(_ world: StudioWorld, arrivals: [[Int64]], targets: [[Bool]], end: Instant) -> StudioResult {
        let hostCount = world.sim.hostCount
        var storeAt = [Int64](repeating: .max, count: hostCount)
        var figures: [BulletinFigures] = []
        var deliveryDelays: [Int64] = []
        var limitDelays: [Int64] = []
        var rows: [(className: String, origin: Int, posted: Instant, reachable: Int, delivered: Int, full: Double?, limitFull: Double?)] = []
        let floor = TimeSpan.seconds(1).microseconds
        for (index, post) in world.posts.enumerated() {
            let stores = world.sim.firstStores(of: post.bulletin.id)
            for (position, host) in stores.hosts.enumerated() { storeAt[Int(host)] = stores.times[position] }
            var figure = BulletinFigures(className: post.className)
            figure.duplicates = stores.duplicates
            figure.useful = max(0, stores.hosts.count - 1)
            var actual: [Int64] = []
            var limit: [Int64] = []
            let posted = post.at.microseconds
            for host in 0..<hostCount where targets[index][host] {
                figure.reachable += 1
                let arrival = arrivals[index][host] - posted
                limit.append(arrival)
                if storeAt[host] != .max { actual.append(storeAt[host] - posted) }
                guard host != post.host else { continue }
                limitDelays.append(arrival)
                if storeAt[host] != .max { deliveryDelays.append(storeAt[host] - posted) }
                let taken = storeAt[host] != .max ? storeAt[host] - posted : end.microseconds - posted
                figure.ratios.append(Double(max(taken, 0)) / Double(max(arrival, floor)))
            }
            figure.delivered = actual.count
            actual.sort()
            limit.sort()
            for percent in percents {
                let rank = SimulationMetrics.nearestRank(percent, of: max(1, figure.reachable))
                if rank <= actual.count { figure.coverage[percent] = actual[rank - 1] }
                if rank <= limit.count { figure.limit[percent] = limit[rank - 1] }
            }
            for host in stores.hosts { storeAt[Int(host)] = .max }
            rows.append((post.className, post.host, post.at, figure.reachable, figure.delivered,
                         figure.coverage[100].map { Double($0) / 1e6 }, figure.limit[100].map { Double($0) / 1e6 }))
            figures.append(figure)
        }
        var classNames: [String] = []
        for post in world.posts where !classNames.contains(post.className) { classNames.append(post.className) }
        let honest = world.honest.filter { $0 }.count
        return StudioResult(
            scenario: world.definition.name, seed: world.seed, nodes: honest, attackers: hostCount - honest,
            converged: false, convergedAt: end,
            all: summarise("all", figures),
            classes: classNames.map { name in summarise(name, figures.filter { $0.className == name }) },
            idleBytesPerNodePerSecond: 0, loadBytesPerNodePerHour: 0, forgedStored: 0,
            deliveryDelays: deliveryDelays.sorted(), limitDelays: limitDelays.sorted(), reachablePairs: limitDelays.count,
            traffic: [], firstPost: .zero, idleStart: .zero, bulletins: rows, drawnFaults: world.drawnFaults,
            metrics: world.sim.metrics, digest: world.sim.traceDigest)
    }

    static func summarise(_ name: String, _ figures: [BulletinFigures]) -> StudioClassResult {
        func median(_ values: [Int64]) -> Double? {
            guard !values.isEmpty else { return nil }
            return Double(values.sorted()[SimulationMetrics.nearestRank(50, of: values.count) - 1]) / 1e6
        }
        var coverage: [Int: Double] = [:]
        var limit: [Int: Double] = [:]
        for percent in percents {
            coverage[percent] = median(figures.compactMap { $0.coverage[percent] })
            limit[percent] = median(figures.compactMap { $0.limit[percent] })
        }
        let ratios = figures.flatMap(\.ratios).sorted()
        let reachable = figures.reduce(0) { $0 + $1.reachable }
        let useful = figures.reduce(0) { $0 + $1.useful }
        return StudioClassResult(
            name: name, bulletins: figures.count,
            deliveryRatio: reachable == 0 ? 1 : Double(figures.reduce(0) { $0 + $1.delivered }) / Double(reachable),
            coverage: coverage, limit: limit,
            coverage100Max: figures.compactMap { $0.coverage[100] }.max().map { Double($0) / 1e6 },
            limit100Max: figures.compactMap { $0.limit[100] }.max().map { Double($0) / 1e6 },
            stretchP99: ratios.isEmpty ? 0 : ratios[SimulationMetrics.nearestRank(99, of: ratios.count) - 1],
            redundancy: useful == 0 ? 0 : Double(figures.reduce(0) { $0 + $1.duplicates }) / Double(useful))
    }
}
