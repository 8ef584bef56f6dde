import Kabar

/// The scenario's time-varying graph, for the physical limit: when each host is on each LAN
/// (mule stays, partitions and power cuts taken out) and when each link is up.
///
/// `earliestArrival` is a time-respecting Dijkstra: a host holding the bulletin at `t` can send it
/// on a LAN it is on, or a link that is up, at the first moment both ends are there; it lands
/// `serialisation + latency` later. No loss, no protocol: a lower bound no protocol can beat.
public struct ContactPlan: Sendable {
    /// `[start, end)` in microseconds of virtual time.
    public struct Interval: Sendable, Equatable {
        /// First microsecond.
        public var start: Int64
        /// First microsecond after.
        public var end: Int64
    }

    struct Presence: Sendable {
        var host: Int32
        var interval: Interval
    }

    struct LANPlan: Sendable {
        var latency: Int64
        var bytesPerSecond: Int64
        var presences: [Presence] = []
    }

    struct LinkPlan: Sendable {
        var ends: (Int32, Int32)
        var latency: Int64
        var bytesPerSecond: Int64
        var cuts: [Interval] = []
    }

    private(set) var lans: [LANPlan] = []
    private(set) var links: [LinkPlan] = []
    /// Per host: (LAN, index into that LAN's presences).
    private var hostPresences: [[(lan: Int32, index: Int32)]] = []
    private var hostLinks: [[Int32]] = []
    /// Per host: when it is powered off.
    private var down: [[Interval]] = []
    /// Per (host, LAN) and per link: partition cuts, applied by `finish`.
    private var membershipCuts: [Int: [Interval]] = [:]
    private var finished = false

    /// An empty plan.
    public init() {}

    /// Hosts in the plan.
    public var hostCount: Int { hostPresences.count }

    mutating func addHost() {
        hostPresences.append([])
        hostLinks.append([])
        down.append([])
    }

    mutating func addLAN(_ configuration: LANConfiguration) {
        lans.append(LANPlan(latency: configuration.latency.microseconds, bytesPerSecond: configuration.broadcastBandwidth.bytesPerSecond))
    }

    mutating func addLink(_ a: Int, _ b: Int, _ configuration: LinkConfiguration) {
        links.append(LinkPlan(ends: (Int32(a), Int32(b)), latency: configuration.latency.microseconds, bytesPerSecond: configuration.bandwidth.bytesPerSecond))
        hostLinks[a].append(Int32(links.count - 1))
        hostLinks[b].append(Int32(links.count - 1))
    }

    /// `host` is on `lan` during `[start, end)`.
    mutating func addPresence(host: Int, lan: Int, start: Int64, end: Int64) {
        guard end > start else { return }
        lans[lan].presences.append(Presence(host: Int32(host), interval: Interval(start: start, end: end)))
        hostPresences[host].append((Int32(lan), Int32(lans[lan].presences.count - 1)))
    }

    /// `host` is off during `[start, end)`.
    mutating func addDown(host: Int, start: Int64, end: Int64) {
        down[host].append(Interval(start: start, end: end))
    }

    /// Everything `partition` cuts is cut during `[start, end)`.
    mutating func addCut(_ partition: Partition, start: Int64, end: Int64) {
        let interval = Interval(start: start, end: end)
        for link in partition.links { links[link.index].cuts.append(interval) }
        for membership in partition.memberships {
            membershipCuts[membership.host << 20 | membership.lan.index, default: []].append(interval)
        }
    }

    /// Takes cuts and power-offs out of every presence; call once, after building.
    mutating func finish() {
        guard !finished else { return }
        finished = true
        var rebuilt = lans.map { LANPlan(latency: $0.latency, bytesPerSecond: $0.bytesPerSecond) }
        var presences = [[(lan: Int32, index: Int32)]](repeating: [], count: hostPresences.count)
        for (lanIndex, lan) in lans.enumerated() {
            for presence in lan.presences {
                let host = Int(presence.host)
                let cuts = down[host] + (membershipCuts[host << 20 | lanIndex] ?? [])
                for piece in Self.subtract(cuts, from: presence.interval) {
                    rebuilt[lanIndex].presences.append(Presence(host: presence.host, interval: piece))
                    presences[host].append((Int32(lanIndex), Int32(rebuilt[lanIndex].presences.count - 1)))
                }
            }
        }
        lans = rebuilt
        hostPresences = presences
        for index in links.indices {
            links[index].cuts += down[Int(links[index].ends.0)] + down[Int(links[index].ends.1)]
            links[index].cuts.sort { $0.start < $1.start }
        }
    }

    /// `interval` less every piece of `cuts`, in order.
    static func subtract(_ cuts: [Interval], from interval: Interval) -> [Interval] {
        var pieces = [interval]
        for cut in cuts.sorted(by: { $0.start < $1.start }) {
            pieces = pieces.flatMap { piece -> [Interval] in
                guard cut.start < piece.end, cut.end > piece.start else { return [piece] }
                var left: [Interval] = []
                if cut.start > piece.start { left.append(Interval(start: piece.start, end: cut.start)) }
                if cut.end < piece.end { left.append(Interval(start: cut.end, end: piece.end)) }
                return left
            }
        }
        return pieces
    }

    /// The earliest time each host could hold a bulletin of `bytes` bytes (whole datagram) that
    /// `origin` has at `start`; `Int64.max` where it cannot arrive by `horizon`.
    public func earliestArrival(origin: Int, start: Int64, bytes: Int, horizon: Int64) -> [Int64] {
        var arrival = [Int64](repeating: .max, count: hostCount)
        arrival[origin] = start
        var heap = ArrivalHeap()
        heap.push(start, origin)
        while let (time, host) = heap.pop() {
            guard time == arrival[host] else { continue }
            for (lanIndex, presenceIndex) in hostPresences[host] {
                let lan = lans[Int(lanIndex)]
                let mine = lan.presences[Int(presenceIndex)].interval
                guard mine.end > time else { continue }
                let sendFrom = max(time, mine.start)
                let transmission = Self.transmission(bytes, lan.bytesPerSecond)
                for other in lan.presences where other.host != Int32(host) {
                    let begin = max(sendFrom, other.interval.start)
                    let landed = begin + transmission + lan.latency
                    guard begin + transmission <= mine.end, landed < other.interval.end, landed <= horizon else { continue }
                    if landed < arrival[Int(other.host)] {
                        arrival[Int(other.host)] = landed
                        heap.push(landed, Int(other.host))
                    }
                }
            }
            for linkIndex in hostLinks[host] {
                let link = links[Int(linkIndex)]
                let target = Int(link.ends.0) == host ? Int(link.ends.1) : Int(link.ends.0)
                guard let begin = Self.firstUp(after: time, avoiding: link.cuts) else { continue }
                let landed = begin + Self.transmission(bytes, link.bytesPerSecond) + link.latency
                guard landed <= horizon, landed < arrival[target] else { continue }
                arrival[target] = landed
                heap.push(landed, target)
            }
        }
        return arrival
    }

    /// The first moment at or after `time` outside every cut (sorted by start).
    static func firstUp(after time: Int64, avoiding cuts: [Interval]) -> Int64? {
        var moment = time
        for cut in cuts where cut.start <= moment && cut.end > moment { moment = cut.end }
        // Cuts may overlap out of order after the first pass: repeat until stable.
        var changed = true
        while changed {
            changed = false
            for cut in cuts where cut.start <= moment && cut.end > moment {
                moment = cut.end
                changed = true
            }
        }
        return moment == .max ? nil : moment
    }

    static func transmission(_ bytes: Int, _ bytesPerSecond: Int64) -> Int64 {
        bytesPerSecond == .max ? 0 : (Int64(bytes) * 1_000_000 + bytesPerSecond - 1) / bytesPerSecond
    }
}

/// A binary min-heap of (time, host), ties by host: deterministic.
struct ArrivalHeap {
    private var items: [(Int64, Int)] = []

    mutating func push(_ time: Int64, _ host: Int) {
        items.append((time, host))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Int64, Int)? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count && items[left] < items[smallest] { smallest = left }
                if right < items.count && items[right] < items[smallest] { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
