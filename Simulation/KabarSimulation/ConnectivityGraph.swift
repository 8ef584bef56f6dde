/// Who can ever reach whom: the union, over the whole scenario, of every LAN membership (a
/// mule's future visits included) and every link, ignoring when each exists.
///
/// This over-counts (a mule that visits B before A cannot carry A's news to B), so coverage
/// against it is pessimistic, never flattering. The time-respecting earliest-arrival bound
/// (`ContactPlan`, Documentation/Simulation.md, "The physical limit") is the refinement.
enum ConnectivityGraph {
    /// For every host, the number of hosts in its connected component (itself included).
    static func componentSizes(_ network: VirtualNetwork) -> [Int] {
        let hostCount = network.hostCount
        // Nodes 0..<hostCount are hosts; hostCount + l is LAN l.
        var parent = Array(0..<(hostCount + network.lans.count))
        func root(_ node: Int) -> Int {
            var node = node
            while parent[node] != node {
                parent[node] = parent[parent[node]]
                node = parent[node]
            }
            return node
        }
        func union(_ a: Int, _ b: Int) {
            let rootA = root(a), rootB = root(b)
            if rootA != rootB { parent[max(rootA, rootB)] = min(rootA, rootB) }
        }
        for host in 0..<hostCount {
            for membership in network.memberships[host] { union(host, hostCount + Int(membership.lan)) }
        }
        for link in network.links { union(Int(link.ends.0), Int(link.ends.1)) }
        var sizes = [Int](repeating: 0, count: hostCount + network.lans.count)
        for host in 0..<hostCount { sizes[root(host)] += 1 }
        return (0..<hostCount).map { sizes[root($0)] }
    }
}
