import Kabar

/// The real node in the simulator: operator posts are signed `Bulletin`s, and what survives a
/// power cut is its store as it stands (a store that models lost lazy writes drops them itself).
///
///     var sim = Simulation<Node<MemoryStore>>(seed: 1, name: "hall")
///     sim.addHosts(10) { boot in
///         Node(configuration: NodeConfiguration(), key: keys[boot.host], store: boot.durable ?? MemoryStore(),
///              seed: boot.seed, now: boot.time)
///     }
extension Node: SimulatedEndpoint {
    /// `post(_:at:)` with its default durability.
    public mutating func operatorPost(_ bulletin: Bulletin, at now: NodeTime) throws -> [NodeAction] {
        try post(bulletin, at: now)
    }

    /// The store, handed to the next boot.
    public var durableState: Store { store }

    /// Signatures checked so far: the simulator charges CPU time for each.
    public var signatureChecks: Int { counters.signatureChecks }
}
