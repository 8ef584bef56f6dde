import Kabar
import KabarPlatform

/// The two clocks a daemon reads: monotonic (`CLOCK_MONOTONIC`, microseconds) for timers and
/// wall (`CLOCK_REALTIME`, milliseconds) for bulletin dates. Tests may substitute their own.
public struct DaemonClock: Sendable {
    /// Monotonic microseconds.
    public var monotonic: @Sendable () -> Int64
    /// Wall-clock milliseconds since the epoch.
    public var wall: @Sendable () -> Int64

    /// A clock over the given readers.
    public init(monotonic: @escaping @Sendable () -> Int64, wall: @escaping @Sendable () -> Int64) {
        self.monotonic = monotonic
        self.wall = wall
    }

    /// The system's clocks.
    public static let system = DaemonClock(monotonic: { MonotonicClock.now() }, wall: { WallClock.now() })

    /// Both clocks now, as a node input.
    public func now() -> NodeTime {
        NodeTime(monotonic: Instant(microseconds: monotonic()), wall: UnixTime(milliseconds: wall()))
    }
}
