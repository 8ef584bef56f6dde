import Kabar

extension StudioWorld {
    /// Draws the swarm's faults from the seed into `definition`: loss 0-30% on LANs and links, maybe
    /// a partition and its heal, maybe restarts, maybe clock skew (small for some hosts, a year for
    /// one), maybe an attacker. Returns a line per fault for the summary.
    static func drawFaults(_ definition: inout ScenarioDefinition, hosts: Int, deadline: Instant, prng: inout PRNG,
                           skews: inout [Int: TimeSpan]) -> [String] {
        func share(_ maximum: Double) -> Double { Double(prng.int(below: 1_001)) / 1_000 * maximum }
        func seconds(_ range: ClosedRange<Int>) -> TimeSpan { .seconds(Int64(prng.int(in: range))) }
        var lines: [String] = []
        definition.lan.broadcastLoss = share(0.3)
        definition.lan.unicastLoss = share(0.3)
        definition.link.loss = share(0.3)
        lines.append("loss: broadcast \(percent(definition.lan.broadcastLoss)), unicast \(percent(definition.lan.unicastLoss)), links \(percent(definition.link.loss))")
        if prng.chance(0.5) {
            let at = seconds(10...40)
            let heal = at + seconds(20...120)
            definition.partition = ScenarioPartition(fraction: 0.5, at: at, heal: heal)
            lines.append("partition: half the halls from \(at) to \(heal)")
        }
        if prng.chance(0.5) {
            let fraction = 0.1 + share(0.3)
            definition.churn = ScenarioChurn(fraction: fraction, window: .seconds(15)...(.seconds(120)), down: .seconds(5)...(.seconds(60)), flush: .seconds(2))
            lines.append("restarts: \(percent(fraction)) of the nodes, off 5-60 s, losing the last 2 s of lazy writes")
        }
        if prng.chance(0.5), hosts > 2 {
            for host in 1..<hosts where prng.chance(0.3) { skews[host] = seconds(-120...120) }
            let far = 1 + prng.int(below: hosts - 1)
            skews[far] = prng.chance(0.5) ? .days(365) : .days(-365)
            lines.append("clock skew: \(skews.count) hosts, host \(far) a year \(skews[far].map { $0 > .zero ? "ahead" : "behind" } ?? "off")")
        }
        if prng.chance(0.5) {
            definition.flood = ScenarioFlood(attackers: 1, rate: 20, duration: .minutes(1))
            lines.append("attacker: 1, 20 datagrams/s")
        }
        return lines
    }

    private static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }
}
