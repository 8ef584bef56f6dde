/// Keeps an attacker (or a broken peer) from filling the disk with log lines: per message kind
/// and source, at most `linesMax` lines per `window`; the rest are counted and summed up in one
/// "suppressed N similar messages" line when the window ends.
///
/// Pure: the caller passes the monotonic time (microseconds), so tests need no clock.
public struct LogRateLimiter: Sendable {
    /// What to do with one line.
    public enum Verdict: Equatable, Sendable {
        /// Write it.
        case write
        /// Drop it (it was counted).
        case suppress
    }

    /// A finished window that dropped lines: the summary to write.
    public struct Summary: Equatable, Sendable {
        /// The kind of message.
        public let kind: String
        /// Where they came from ("" when no source).
        public let source: String
        /// How many lines were dropped.
        public let suppressed: Int

        /// A summary.
        public init(kind: String, source: String, suppressed: Int) {
            self.kind = kind
            self.source = source
            self.suppressed = suppressed
        }
    }

    private struct Key: Hashable { let kind: String; let source: String }
    private struct Window { var start: Int64; var written: Int; var suppressed: Int }

    /// Lines per key per window, at most.
    public let linesMax: Int
    /// The window, in microseconds.
    public let windowMicroseconds: Int64
    /// Keys tracked at once, at most; beyond it new keys share one overflow key, so a flood of
    /// spoofed sources cannot grow the table.
    public let keysMax: Int
    private var windows: [Key: Window] = [:]

    /// A limiter: by default 5 lines per 10 s per key, 1024 keys.
    public init(linesMax: Int = 5, windowMicroseconds: Int64 = 10_000_000, keysMax: Int = 1_024) {
        self.linesMax = linesMax
        self.windowMicroseconds = windowMicroseconds
        self.keysMax = keysMax
    }

    /// Decides about one line of `kind` from `source` at `now`. A window that ended is closed
    /// first; its summary (if it dropped lines) is returned to be written before this line.
    public mutating func admit(kind: String, source: String, now: Int64) -> (Verdict, Summary?) {
        var key = Key(kind: kind, source: source)
        if windows[key] == nil && windows.count >= keysMax {
            _ = expire(now: now)
            if windows.count >= keysMax { key = Key(kind: kind, source: "(many sources)") }
        }
        var summary: Summary?
        var window = windows[key] ?? Window(start: now, written: 0, suppressed: 0)
        if now - window.start >= windowMicroseconds {
            if window.suppressed > 0 { summary = Summary(kind: key.kind, source: key.source, suppressed: window.suppressed) }
            window = Window(start: now, written: 0, suppressed: 0)
        }
        let verdict: Verdict
        if window.written < linesMax {
            window.written += 1
            verdict = .write
        } else {
            window.suppressed += 1
            verdict = .suppress
        }
        windows[key] = window
        return (verdict, summary)
    }

    /// Closes every window that ended by `now` and returns the summaries of those that dropped
    /// lines, sorted by kind then source. The daemon calls this every second or so.
    public mutating func expire(now: Int64) -> [Summary] {
        var summaries: [Summary] = []
        for (key, window) in windows where now - window.start >= windowMicroseconds {
            if window.suppressed > 0 {
                summaries.append(Summary(kind: key.kind, source: key.source, suppressed: window.suppressed))
            }
            windows[key] = nil
        }
        return summaries.sorted { ($0.kind, $0.source) < ($1.kind, $1.source) }
    }

    /// Keys tracked now (for tests).
    public var trackedKeyCount: Int { windows.count }
}
