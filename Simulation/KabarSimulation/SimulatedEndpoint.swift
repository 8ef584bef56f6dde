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

    /// Signatures checked since boot, for the CPU model (`Simulation.cpu`); 0 by default.
    var signatureChecks: Int { get }
}

extension SimulatedEndpoint {
    /// By default joining a LAN changes nothing.
    public mutating func joinedNetwork(at now: NodeTime) {}

    /// By default no signature is checked.
    public var signatureChecks: Int { 0 }
}

/// What verifying a signature costs a host, so that volume costs its time in the simulator: a
/// host works through arriving datagrams one after the other, each taking its signature checks
/// times `verifyCost` divided over `cores`; datagrams arriving meanwhile wait in a receive
/// buffer of `receiveBufferBytes` (more is dropped, as a full socket buffer drops).
public struct CPUModel: Sendable, Equatable {
    /// One signature check on one core.
    public var verifyCost: TimeSpan
    /// Cores verifying at once (the daemon verifies a batch on every core).
    public var cores: Int
    /// Bytes of datagrams that may wait for the CPU.
    public var receiveBufferBytes: Int

    /// A Raspberry Pi 4 (Cortex-A72 at 1.5 GHz, 4 cores). `verifyCost` is 250 us, about
    /// 4,000 checks per second per core: an estimate, not a measurement, made from this
    /// project's x86-64 figure (about 22,000 per second per core, `kabar bench crypto`) scaled by
    /// the clock (1.5 vs about 3 GHz) and the A72's slower 64-bit multiplies (about 2.5x more
    /// cycles for field arithmetic). Replace it with `kabar bench crypto` run on a Pi
    /// (`cpu verify=` in a scenario file). The buffer is the 4 MiB the daemon asks of the kernel
    /// for its socket (`SO_RCVBUF`).
    public static let raspberryPi4 = CPUModel(verifyCost: .microseconds(250), cores: 4, receiveBufferBytes: 1 << 22)

    /// A model.
    public init(verifyCost: TimeSpan, cores: Int, receiveBufferBytes: Int) {
        self.verifyCost = verifyCost
        self.cores = max(1, cores)
        self.receiveBufferBytes = receiveBufferBytes
    }
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

    /// `signatureChecks`, read in place for the same reason.
    @inline(__always)
    mutating func readSignatureChecks() -> Int { signatureChecks }
}
