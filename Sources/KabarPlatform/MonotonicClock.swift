#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The clock protocol timers run on: it never jumps when someone sets the date, and it keeps
/// counting across a wall-clock change after a Pi finds the right time (Documentation/Trust.md, "Time").
public enum MonotonicClock {
    /// Microseconds since an arbitrary origin (boot), with `clock_gettime(CLOCK_MONOTONIC)`.
    public static func now() -> Int64 {
        microseconds(of: read(CLOCK_MONOTONIC))
    }

    static func read(_ clock: clockid_t) -> timespec {
        var time = timespec()
        // clock_gettime fails only for an unknown clock id or a bad pointer: neither can happen.
        _ = clock_gettime(clock, &time)
        return time
    }

    static func microseconds(of time: timespec) -> Int64 {
        Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1_000
    }
}
