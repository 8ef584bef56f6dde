/// A node's log: one line per event, `LEVEL time message`, written to standard error (or to
/// whatever `write` the caller gives, such as a test's buffer).
///
///     INFO 2026-11-29T22:15:03.123Z peer 10.0.0.7:4747 discovered
///
/// Lines that outside input can trigger carry a `kind` and `source` and are rate-limited
/// (`LogRateLimiter`), so a flood of junk datagrams costs a few lines, not a full disk.
public final class Logger {
    /// The most detailed level written.
    public var level: LogLevel
    private let write: (String) -> Void
    private let monotonicNow: () -> Int64
    private let wallNow: () -> Int64
    private var limiter: LogRateLimiter

    /// A logger at `level`. `monotonicNow` (microseconds) drives rate limiting, `wallNow`
    /// (milliseconds since the epoch) the time printed.
    public init(
        level: LogLevel, limiter: LogRateLimiter = LogRateLimiter(),
        monotonicNow: @escaping () -> Int64, wallNow: @escaping () -> Int64, write: @escaping (String) -> Void
    ) {
        self.level = level
        self.limiter = limiter
        self.monotonicNow = monotonicNow
        self.wallNow = wallNow
        self.write = write
    }

    /// True when a line at `level` would be written (skip building costly messages otherwise).
    public func isEnabled(_ level: LogLevel) -> Bool { level <= self.level }

    /// Writes `message` at `level`. With a `kind`, lines of that kind from `source` are
    /// rate-limited.
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String, kind: String? = nil, source: String = "") {
        guard isEnabled(level) else { return }
        if let kind {
            let (verdict, summary) = limiter.admit(kind: kind, source: source, now: monotonicNow())
            if let summary { writeSummary(summary, level: level) }
            guard verdict == .write else { return }
        }
        emit(level, message())
    }

    /// Writes the summaries of rate-limit windows that have ended. Call it now and then.
    public func flushSuppressed() {
        for summary in limiter.expire(now: monotonicNow()) { writeSummary(summary, level: .warn) }
    }

    /// Shorthands.
    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
    public func warn(_ message: @autoclosure () -> String) { log(.warn, message()) }
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }

    private func writeSummary(_ summary: LogRateLimiter.Summary, level: LogLevel) {
        let from = summary.source.isEmpty ? "" : " from \(summary.source)"
        emit(level, "suppressed \(summary.suppressed) similar messages (\(summary.kind)\(from))")
    }

    private func emit(_ level: LogLevel, _ message: String) {
        // One line per event: a message holding a newline must not forge a second line.
        let flat = message.contains("\n") ? message.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " | ") : message
        write("\(level) \(LogTime.format(milliseconds: wallNow())) \(flat)\n")
    }
}
