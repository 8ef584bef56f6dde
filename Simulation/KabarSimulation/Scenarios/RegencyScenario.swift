import Kabar

/// The shape of a regency: village halls, each one LAN, the halls' gateway hosts joined by
/// long-range links in a chain plus a few random shortcuts.
///
///     hall 0 (LAN)        hall 1 (LAN)        hall 2 (LAN)
///     g0 h h h ... ------ g1 h h h ... ------ g2 h h h ...
///       \___________________ shortcut ________/
///
/// Used by benchmarks and soak runs; any endpoint type can be dropped in.
public struct RegencyScenario: Sendable {
    /// Hosts per hall (the last hall takes the remainder).
    public var hostsPerHall: Int
    /// Total hosts.
    public var hosts: Int
    /// Random gateway-to-gateway links on top of the chain, per hall.
    public var shortcutsPerHall: Double
    /// Each hall's LAN.
    public var lan: LANConfiguration
    /// Each long-range link.
    public var link: LinkConfiguration
    /// Posts are spread uniformly (seeded) over `[0, postWindow)`.
    public var postWindow: TimeSpan

    /// A regency of `hosts` hosts in halls of `hostsPerHall`.
    public init(hosts: Int, hostsPerHall: Int = 50, shortcutsPerHall: Double = 0.25,
                lan: LANConfiguration = LANConfiguration(), link: LinkConfiguration = LinkConfiguration(),
                postWindow: TimeSpan = .seconds(Int64(10))) {
        precondition(hosts > 0 && hostsPerHall > 0, "a regency has hosts")
        self.hosts = hosts
        self.hostsPerHall = hostsPerHall
        self.shortcutsPerHall = shortcutsPerHall
        self.lan = lan
        self.link = link
        self.postWindow = postWindow
    }

    /// The hosts of each hall.
    public var halls: [Range<Int>] {
        stride(from: 0, to: hosts, by: hostsPerHall).map { $0..<min($0 + hostsPerHall, hosts) }
    }

    /// Adds the hosts, LANs and links to `sim`, and schedules `bulletins` posts, the `i`-th
    /// made by `payload(i)`, at seeded random hosts and times. Returns each hall's LAN.
    @discardableResult
    public func build<Endpoint>(
        into sim: inout Simulation<Endpoint>, bulletins: Int,
        makeEndpoint: @escaping Simulation<Endpoint>.EndpointFactory,
        payload: (Int) -> Endpoint.Payload
    ) -> [LANID] {
        let first = sim.hostCount
        sim.addHosts(hosts, makeEndpoint: makeEndpoint)
        let halls = self.halls.map { ($0.lowerBound + first)..<($0.upperBound + first) }
        let lans = halls.map { sim.addLAN($0, lan) }
        let gateways = halls.map(\.lowerBound)
        for index in gateways.indices.dropLast() { sim.addLink(gateways[index], gateways[index + 1], link) }
        var prng = PRNG(seed: Simulation<Endpoint>.derivedSeed(sim.seed, stream: 9, index: 0))
        let shortcuts = Int(Double(halls.count) * shortcutsPerHall)
        if gateways.count > 2 {
            for _ in 0..<shortcuts {
                let a = prng.int(below: gateways.count), b = prng.int(below: gateways.count)
                if abs(a - b) > 1 { sim.addLink(gateways[a], gateways[b], link) }
            }
        }
        for index in 0..<bulletins {
            let host = first + prng.int(below: hosts)
            let time = Instant.zero + .microseconds(Int64(prng.int(below: Int(max(postWindow.microseconds, 1)))))
            sim.schedule(at: max(time, sim.now), .post(host: host, payload(index)))
        }
        return lans
    }
}
