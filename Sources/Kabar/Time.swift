/// A span of time, in microseconds. Used for protocol timers and link latencies.
public struct TimeSpan: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The length in microseconds.
    public var microseconds: Int64

    /// A span of `microseconds`.
    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// A span of `seconds`, which may have a fraction.
    public init(seconds: Double) { self.microseconds = Int64((seconds * 1_000_000).rounded()) }

    public static func microseconds(_ value: Int64) -> TimeSpan { TimeSpan(microseconds: value) }
    public static func milliseconds(_ value: Int64) -> TimeSpan { TimeSpan(microseconds: value * 1_000) }
    public static func seconds(_ value: Int64) -> TimeSpan { TimeSpan(microseconds: value * 1_000_000) }
    public static func minutes(_ value: Int64) -> TimeSpan { .seconds(value * 60) }
    public static func hours(_ value: Int64) -> TimeSpan { .seconds(value * 3_600) }
    public static func days(_ value: Int64) -> TimeSpan { .seconds(value * 86_400) }
    public static let zero = TimeSpan(microseconds: 0)

    /// The span in whole milliseconds (rounded toward zero).
    public var milliseconds: Int64 { microseconds / 1_000 }
    /// The span in seconds.
    public var seconds: Double { Double(microseconds) / 1_000_000 }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.microseconds < rhs.microseconds }
    public static func + (lhs: TimeSpan, rhs: TimeSpan) -> TimeSpan { TimeSpan(microseconds: lhs.microseconds + rhs.microseconds) }
    public static func - (lhs: TimeSpan, rhs: TimeSpan) -> TimeSpan { TimeSpan(microseconds: lhs.microseconds - rhs.microseconds) }
    public static func * (lhs: TimeSpan, rhs: Int64) -> TimeSpan { TimeSpan(microseconds: lhs.microseconds * rhs) }
    public static func / (lhs: TimeSpan, rhs: Int64) -> TimeSpan { TimeSpan(microseconds: lhs.microseconds / rhs) }

    public var description: String {
        let magnitude = abs(microseconds)
        if magnitude >= 86_400_000_000 { return "\(Double(microseconds) / 86_400_000_000)d" }
        if magnitude >= 1_000_000 { return "\(seconds)s" }
        if magnitude >= 1_000 { return "\(Double(microseconds) / 1_000)ms" }
        return "\(microseconds)us"
    }
}

/// A point on a monotonic clock (microseconds since an arbitrary origin). Protocol timers use
/// this clock only; it never jumps when someone sets the wall clock.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since the clock's origin.
    public var microseconds: Int64

    /// The instant `microseconds` after the origin.
    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// The clock's origin.
    public static let zero = Instant(microseconds: 0)

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.microseconds < rhs.microseconds }
    public static func + (lhs: Instant, rhs: TimeSpan) -> Instant { Instant(microseconds: lhs.microseconds + rhs.microseconds) }
    public static func - (lhs: Instant, rhs: TimeSpan) -> Instant { Instant(microseconds: lhs.microseconds - rhs.microseconds) }
    public static func - (lhs: Instant, rhs: Instant) -> TimeSpan { TimeSpan(microseconds: lhs.microseconds - rhs.microseconds) }

    public var description: String { "t+\(TimeSpan(microseconds: microseconds))" }
}

/// A wall-clock time: milliseconds since the Unix epoch, UTC. Bulletin dates use this clock,
/// which on a Pi without a real-time clock may be far off (Documentation/Trust.md, "Time").
public struct UnixTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    /// The time `milliseconds` after the epoch.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func < (lhs: UnixTime, rhs: UnixTime) -> Bool { lhs.milliseconds < rhs.milliseconds }
    public static func + (lhs: UnixTime, rhs: TimeSpan) -> UnixTime { UnixTime(milliseconds: lhs.milliseconds + rhs.milliseconds) }
    public static func - (lhs: UnixTime, rhs: TimeSpan) -> UnixTime { UnixTime(milliseconds: lhs.milliseconds - rhs.milliseconds) }
    public static func - (lhs: UnixTime, rhs: UnixTime) -> TimeSpan { .milliseconds(lhs.milliseconds - rhs.milliseconds) }

    public var description: String { "\(milliseconds)ms" }
}
