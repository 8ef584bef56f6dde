import Kabar

/// A transmission rate. Serialising `n` bytes takes `n / bytesPerSecond` seconds.
public struct Bandwidth: Hashable, Sendable, CustomStringConvertible {
    /// Bytes per second; `Int64.max` means no serialisation delay at all.
    public var bytesPerSecond: Int64

    /// A rate of `bytesPerSecond`, which must be positive.
    public init(bytesPerSecond: Int64) {
        precondition(bytesPerSecond > 0, "a bandwidth must be positive")
        self.bytesPerSecond = bytesPerSecond
    }

    /// A rate in bytes per second.
    public static func bytesPerSecond(_ value: Int64) -> Bandwidth { Bandwidth(bytesPerSecond: value) }
    /// A rate in kilobits (1000 bits) per second.
    public static func kilobitsPerSecond(_ value: Int64) -> Bandwidth { Bandwidth(bytesPerSecond: value * 125) }
    /// A rate in megabits (10^6 bits) per second.
    public static func megabitsPerSecond(_ value: Int64) -> Bandwidth { Bandwidth(bytesPerSecond: value * 125_000) }
    /// No serialisation delay.
    public static let unlimited = Bandwidth(bytesPerSecond: .max)

    /// How long `byteCount` bytes occupy the medium, rounded up to the microsecond.
    public func transmissionTime(bytes byteCount: Int) -> TimeSpan {
        guard bytesPerSecond != .max, byteCount > 0 else { return .zero }
        let bytes = Int64(byteCount)
        return .microseconds((bytes * 1_000_000 + bytesPerSecond - 1) / bytesPerSecond)
    }

    public var description: String {
        bytesPerSecond == .max ? "unlimited" : "\(Double(bytesPerSecond) * 8 / 1_000_000)Mbit/s"
    }
}

/// A LAN broadcast domain: a village hall's Wi-Fi. One shared medium, so every datagram a
/// member sends (broadcast or unicast) queues for the same airtime.
public struct LANConfiguration: Sendable {
    /// The chance each receiver independently misses a broadcast. Wi-Fi broadcast is sent at
    /// basic rate and never acknowledged or retried; up to ~15% loss is seen in the field.
    public var broadcastLoss: Double
    /// The chance a unicast datagram is lost (after the MAC's own retries: usually small).
    public var unicastLoss: Double
    /// Propagation and processing delay added after serialisation.
    public var latency: TimeSpan
    /// Uniform extra delay in `0...jitter`, drawn per datagram. A broadcast frame lands on
    /// every member at the same instant, as on a real shared medium.
    public var jitter: TimeSpan
    /// Airtime rate for broadcasts (basic rate: 1-6 Mbit/s).
    public var broadcastBandwidth: Bandwidth
    /// Airtime rate for unicasts (negotiated rate, usually far higher).
    public var unicastBandwidth: Bandwidth
    /// Drop-tail bound on the bytes waiting for airtime (with `fairAccess`: waiting at each
    /// sender).
    public var queueBytesMax: Int
    /// How members share the medium. False (the default): one FIFO queue for the whole LAN, a
    /// datagram waits for everything sent before it by anyone. True: each member has its own
    /// queue and the medium takes one frame from each waiting member in turn (802.11 DCF gives
    /// stations about equal chances per frame), so a member that keeps its queue full (a flood)
    /// slows another member's datagram by about one frame per turn, not by its whole backlog.
    /// The two agree while no member has a backlog.
    public var fairAccess: Bool

    /// A LAN; the defaults are a plausible hall hotspot.
    public init(
        broadcastLoss: Double = 0.05, unicastLoss: Double = 0.01,
        latency: TimeSpan = .milliseconds(2), jitter: TimeSpan = .milliseconds(1),
        broadcastBandwidth: Bandwidth = .megabitsPerSecond(2), unicastBandwidth: Bandwidth = .megabitsPerSecond(20),
        queueBytesMax: Int = 256 * 1024, fairAccess: Bool = false
    ) {
        self.broadcastLoss = broadcastLoss
        self.unicastLoss = unicastLoss
        self.latency = latency
        self.jitter = jitter
        self.broadcastBandwidth = broadcastBandwidth
        self.unicastBandwidth = unicastBandwidth
        self.queueBytesMax = queueBytesMax
        self.fairAccess = fairAccess
    }

    /// A perfect LAN: no loss, no delay, no airtime. For tests of logic, not of performance.
    public static let ideal = LANConfiguration(
        broadcastLoss: 0, unicastLoss: 0, latency: .zero, jitter: .zero,
        broadcastBandwidth: .unlimited, unicastBandwidth: .unlimited, queueBytesMax: .max
    )
}

/// A point-to-point link between two hosts (long-range Wi-Fi between halls). Each direction
/// has its own serialisation queue.
public struct LinkConfiguration: Sendable {
    /// Propagation delay.
    public var latency: TimeSpan
    /// Uniform extra delay in `0...jitter`, drawn per datagram (so datagrams may reorder).
    public var jitter: TimeSpan
    /// The chance a datagram is lost.
    public var loss: Double
    /// Serialisation rate of each direction.
    public var bandwidth: Bandwidth
    /// Drop-tail bound on the bytes waiting in each direction.
    public var queueBytesMax: Int
    /// Whether a `.broadcast` from one end reaches the other (the link is an interface with
    /// its own directed broadcast address). Unicast always works.
    public var carriesBroadcast: Bool

    /// A link; the defaults are a plausible long-range Wi-Fi hop.
    public init(
        latency: TimeSpan = .milliseconds(5), jitter: TimeSpan = .milliseconds(2), loss: Double = 0.02,
        bandwidth: Bandwidth = .megabitsPerSecond(5), queueBytesMax: Int = 64 * 1024, carriesBroadcast: Bool = true
    ) {
        self.latency = latency
        self.jitter = jitter
        self.loss = loss
        self.bandwidth = bandwidth
        self.queueBytesMax = queueBytesMax
        self.carriesBroadcast = carriesBroadcast
    }

    /// A perfect link: no loss, no delay.
    public static let ideal = LinkConfiguration(
        latency: .zero, jitter: .zero, loss: 0, bandwidth: .unlimited, queueBytesMax: .max
    )
}

/// A LAN, by the order in which it was added.
public struct LANID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Its index.
    public let index: Int
    public static func < (lhs: LANID, rhs: LANID) -> Bool { lhs.index < rhs.index }
    public var description: String { "lan#\(index)" }
}

/// A point-to-point link, by the order in which it was added.
public struct LinkID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Its index.
    public let index: Int
    public static func < (lhs: LinkID, rhs: LinkID) -> Bool { lhs.index < rhs.index }
    public var description: String { "link#\(index)" }
}
