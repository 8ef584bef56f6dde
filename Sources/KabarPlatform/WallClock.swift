#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The clock bulletin dates come from. On a Pi without a real-time clock it may be days or years
/// off after a power cut: never use it for timers (use `MonotonicClock`).
public enum WallClock {
    /// Milliseconds since 1970-01-01 UTC, with `clock_gettime(CLOCK_REALTIME)`.
    public static func now() -> Int64 {
        let time = MonotonicClock.read(CLOCK_REALTIME)
        return Int64(time.tv_sec) * 1_000 + Int64(time.tv_nsec) / 1_000_000
    }
}
