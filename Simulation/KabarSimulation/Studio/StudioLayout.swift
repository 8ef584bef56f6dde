import Kabar

/// Where the hosts of a scenario are: halls (LANs), long-range links, mule routes. Plain data,
/// drawn from the seed before any host exists (static peers depend on the links).
struct StudioLayout {
    /// A mule's route: LAN indices in order; `bounce` goes back and forth, else round and round.
    struct Route {
        var kind: ScenarioMules.Kind
        var stops: [Int]
        var bounce: Bool
        var stay: ClosedRange<TimeSpan>
        var travel: ClosedRange<TimeSpan>
        var reversed: Bool
    }

    /// Hosts of each hall, in order; hall hosts are numbered first, from 0 (the office).
    var halls: [[Int]] = []
    /// Long-range links between hall hosts.
    var links: [(Int, Int)] = []
    /// One route per mule; mules are hosts `hallHostCount...` in this order.
    var routes: [Route] = []

    var hallHostCount: Int { halls.reduce(0) { $0 + $1.count } }

    /// The layout for `topology` with about `nodes` hall nodes.
    static func make(_ topology: ScenarioTopology, nodes: Int, mules: [ScenarioMules], prng: inout PRNG) -> StudioLayout {
        var layout = StudioLayout()
        switch topology {
        case .lan:
            layout.halls = [Array(0..<nodes)]
        case .ring(let hall):
            layout.halls = chunks(nodes, hall)
            let gateways = layout.halls.map { $0[0] }
            if gateways.count == 2 { layout.links = [(gateways[0], gateways[1])] }
            if gateways.count > 2 { layout.links = gateways.indices.map { (gateways[$0], gateways[($0 + 1) % gateways.count]) } }
        case .line(let hall):
            layout.halls = chunks(max(2 * hall, nodes), hall)
            for mule in mules {
                for index in 0..<mule.count {
                    layout.routes.append(Route(kind: mule.kind, stops: Array(layout.halls.indices), bounce: true,
                                               stay: mule.stay, travel: mule.travel, reversed: index % 2 == 1))
                }
            }
        case .district(let kecamatan, let villages, let hall, let seatLinks, let segment):
            layout.makeDistrict(kecamatan: kecamatan, villages: villages, hall: hall, seatLinks: seatLinks, segment: segment,
                                nodes: nodes, mules: mules)
        case .geometric(let side, let cell, let range):
            layout.makeGeometric(nodes: nodes, side: side, cell: cell, range: range, prng: &prng)
        }
        return layout
    }

    /// `count` hosts in halls of `size` (the last takes the remainder).
    static func chunks(_ count: Int, _ size: Int) -> [[Int]] {
        stride(from: 0, to: count, by: size).map { Array($0..<min($0 + size, count)) }
    }

    private mutating func makeDistrict(kecamatan: Int, villages: Int, hall: Int, seatLinks: Int, segment: Int, nodes: Int, mules: [ScenarioMules]) {
        let totalVillages = max(4, nodes / hall)
        let kecamatanCount = max(2, min(kecamatan, totalVillages / max(1, villages)))
        let villagesEach = max(2, totalVillages / kecamatanCount)
        halls = Self.chunks(kecamatanCount * villagesEach * hall, hall)
        func village(_ k: Int, _ v: Int) -> Int { k * villagesEach + v }
        let seats = (0..<kecamatanCount).map { village($0, 0) }
        for k in 0..<kecamatanCount {
            for v in 1..<min(villagesEach, seatLinks + 1) { links.append((halls[seats[k]][0], halls[village(k, v)][0])) }
        }
        var gaps: [Int] = []
        for k in 0..<(kecamatanCount - 1) {
            if (k + 1) % segment == 0 { gaps.append(k) } else { links.append((halls[seats[k]][hall > 1 ? 1 : 0], halls[seats[k + 1]][hall > 1 ? 1 : 0])) }
        }
        for mule in mules {
            for index in 0..<(mule.kind == .boat ? mule.count : mule.count * kecamatanCount) {
                switch mule.kind {
                case .boat:
                    // A boat ferries across one gap between linked river segments, two seats each side.
                    let stops: [Int]
                    if gaps.isEmpty {
                        stops = seats
                    } else {
                        let gap = gaps[index % gaps.count]
                        stops = Array(seats[max(0, gap - 1)...min(kecamatanCount - 1, gap + 2)])
                    }
                    routes.append(Route(kind: .boat, stops: stops, bounce: true, stay: mule.stay, travel: mule.travel, reversed: index % 2 == 1))
                case .motorbike:
                    // A motorbike tours its kecamatan's seat and the villages with no link.
                    let k = index % kecamatanCount
                    let unlinked = (min(villagesEach, seatLinks + 1)..<villagesEach).map { village(k, $0) }
                    guard !unlinked.isEmpty else { continue }
                    routes.append(Route(kind: .motorbike, stops: [seats[k]] + unlinked, bounce: false, stay: mule.stay,
                                        travel: mule.travel, reversed: (index / kecamatanCount) % 2 == 1))
                }
            }
        }
    }

    private mutating func makeGeometric(nodes: Int, side: Int, cell: Int, range: Int, prng: inout PRNG) {
        let perSide = max(1, side / cell)
        var points: [(x: Int, y: Int)] = []
        var cellHosts: [Int: [Int]] = [:]
        for host in 0..<nodes {
            let point = (x: prng.int(below: side), y: prng.int(below: side))
            points.append(point)
            let key = min(point.y / cell, perSide - 1) * perSide + min(point.x / cell, perSide - 1)
            cellHosts[key, default: []].append(host)
        }
        // Hosts are renumbered hall by hall so that halls are contiguous and host 0 is a hall's first.
        var renumber = [Int](repeating: 0, count: nodes)
        var cellHall: [Int: Int] = [:]
        var next = 0
        for key in cellHosts.keys.sorted() {
            guard let members = cellHosts[key] else { continue }
            cellHall[key] = halls.count
            halls.append(members.map { host in
                renumber[host] = next
                next += 1
                return renumber[host]
            })
        }
        var original = [Int](repeating: 0, count: nodes)
        for host in 0..<nodes { original[renumber[host]] = host }
        for key in cellHosts.keys.sorted() {
            let (row, column) = (key / perSide, key % perSide)
            for neighbour in [column + 1 < perSide ? key + 1 : -1, row + 1 < perSide ? key + perSide : -1] where neighbour >= 0 {
                guard let a = cellHall[key], let b = cellHall[neighbour] else { continue }
                var best: (Int, Int, Int)?
                for hostA in halls[a] {
                    for hostB in halls[b] {
                        let pa = points[original[hostA]], pb = points[original[hostB]]
                        let dx = pa.x - pb.x, dy = pa.y - pb.y
                        let squared = dx * dx + dy * dy
                        if best.map({ squared < $0.2 }) ?? true { best = (hostA, hostB, squared) }
                    }
                }
                if let best, best.2 <= range * range { links.append((best.0, best.1)) }
            }
        }
    }
}
