import Kabar

/// The naive flood: rebroadcast every new bulletin once, drop copies already seen. No timers.
///
/// A toy to test the simulator (and a baseline: the most airtime for the fastest spread on a
/// lossless LAN); not a protocol anyone should run.
public struct FloodingEndpoint: SimulatedEndpoint {
    /// Bulletin numbers held, with their datagram sizes.
    public private(set) var held: [UInt64: Int] = [:]
    private let keepsStoreAcrossRestarts: Bool

    /// A flooding endpoint booting with `boot`; it keeps what it held across a power cut only
    /// if `keepsStoreAcrossRestarts`.
    public init(boot: HostBoot<[ToyBulletin]>, keepsStoreAcrossRestarts: Bool = true) {
        self.keepsStoreAcrossRestarts = keepsStoreAcrossRestarts
        for bulletin in boot.durable ?? [] { held[bulletin.number] = bulletin.size }
    }

    /// What survives a power cut: the held bulletins in number order, or nothing.
    public var durableState: [ToyBulletin] {
        keepsStoreAcrossRestarts ? held.keys.sorted().map { ToyBulletin(number: $0, size: held[$0] ?? 9) } : []
    }

    /// No timers.
    public var nextDeadline: Instant { Instant(microseconds: .max) }

    /// Stores a new bulletin and floods it on; reports a copy as a duplicate.
    public mutating func receive(_ datagram: [UInt8], from source: PeerAddress, at now: NodeTime) -> [NodeAction] {
        guard datagram.first == 3, let number = ToyWire.number(in: datagram, at: 1) else { return [] }
        guard held[number] == nil else {
            return [.event(.duplicateReceived(ToyBulletin.id(number), source: source))]
        }
        held[number] = datagram.count
        return [.event(.bulletinStored(ToyBulletin.id(number), source: source)), .send(datagram, to: .broadcast)]
    }

    /// Nothing to do.
    public mutating func tick(at now: NodeTime) -> [NodeAction] { [] }

    /// Stores and broadcasts the operator's bulletin.
    public mutating func operatorPost(_ bulletin: ToyBulletin, at now: NodeTime) -> [NodeAction] {
        guard held[bulletin.number] == nil else { return [] }
        held[bulletin.number] = bulletin.size
        return [.event(.bulletinStored(bulletin.id, source: nil)), .send(bulletin.datagram(type: 3), to: .broadcast)]
    }
}
