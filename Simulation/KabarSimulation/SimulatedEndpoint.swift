import Kabar

/// What the simulator drives: a sans-IO protocol endpoint with exactly the inputs of `Node`.
///
/// The simulator gives it datagrams, timer ticks and operator posts, each with the host's
/// `NodeTime`, and carries out the returned actions in order before the next input. The real
/// `Node` conforms in `Node+SimulatedEndpoint.swift` (`Payload == Bulletin`, `DurableState ==`
/// its store); the toys in `Toys/` conform so the simulator can be tested alone.
///
/// The operator input is named `operatorPost` rather than `post` so that `Node`'s own
/// `post(_:durability:at:) throws` keeps its meaning everywhere else: an extra `post(_:at:)`
/// overload would silently change what `try node.post(b, at: now)` calls.
public protocol SimulatedEndpoint {
    /// What an operator posts (`Bulletin` for `Node`).
    associatedtype Payload
    /// What survives a power cut (the store's synced records, say). `Void` by default: the
    /// endpoint comes back empty.
    associatedtype DurableState = Void

    /// A datagram arrived from `source`.
    mutating func receive(_ datagram: [UInt8], from source: PeerAddress, at now: NodeTime) -> [NodeAction]
    /// A timer may be due: the simulator calls this at `nextDeadline`.
    mutating func tick(at now: NodeTime) -> [NodeAction]
    /// The local operator posts `payload`. A throw means the endpoint refused it (counted in
    /// `postsRejected`; nothing is sent).
    mutating func operatorPost(_ payload: Payload, at now: NodeTime) throws -> [NodeAction]
    /// The host joined a LAN (a mule arrived). Endpoints that beacon move their next beacon up.
    mutating func joinedNetwork(at now: NodeTime)
    /// When `tick` must be called next, on the monotonic clock. A far-future instant (such as
    /// `Instant(microseconds: .max)`) means "no timer".
    var nextDeadline: Instant { get }

    /// What this endpoint has made durable, read at the instant its power fails and handed to
    /// the factory that makes the host's next endpoint.
    var durableState: DurableState { get }
}

extension SimulatedEndpoint {
    /// By default joining a LAN changes nothing.
    public mutating func joinedNetwork(at now: NodeTime) {}
}

extension SimulatedEndpoint where DurableState == Void {
    /// Nothing survives a power cut.
    public var durableState: Void { () }
}

/// What the endpoint factory gets when a host boots (first time or after a power cut).
public struct HostBoot<DurableState> {
    /// The host's index in the simulation.
    public let host: Int
    /// The address other hosts see this host's datagrams come from: `.simulated(host)`.
    public let address: PeerAddress
    /// A seed for the endpoint's `PRNG`, fixed by the run seed, the host and the boot count.
    public let seed: UInt64
    /// 0 for the first boot, then 1, 2, ... after each restart.
    public let bootCount: Int
    /// What the previous incarnation made durable; nil on the first boot.
    public let durable: DurableState?
    /// The host's clocks at boot.
    public let time: NodeTime
}

extension SimulatedEndpoint {
    /// `nextDeadline`, called as a mutating method so that the simulator reaches the endpoint in
    /// place through its optional slot instead of copying it out.
    @inline(__always)
    mutating func readDeadline() -> Instant { nextDeadline }
}
