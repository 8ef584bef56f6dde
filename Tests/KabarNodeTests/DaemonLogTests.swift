import KabarNode
import Testing

/// A clock and a line collector for logger tests.
final class LogCapture: @unchecked Sendable {
    var lines: [String] = []
    var monotonic: Int64 = 0

    func logger(level: LogLevel = .debug) -> Logger {
        Logger(level: level, monotonicNow: { self.monotonic }, wallNow: { 1_796_000_000_123 }, write: { self.lines.append($0) })
    }
}

@Suite struct DaemonLogTests {
    @Test func lineIsLevelTimeMessage() {
        let capture = LogCapture()
        capture.logger().info("peer 10.0.0.7:4747 discovered")
        #expect(capture.lines == ["INFO 2026-11-30T00:53:20.123Z peer 10.0.0.7:4747 discovered\n"])
    }

    @Test func timeFormatMatchesCalendar() {
        #expect(LogTime.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(LogTime.format(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(LogTime.format(milliseconds: 1_780_000_000_000) == "2026-05-28T20:26:40.000Z")
        #expect(LogTime.format(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
    }

    @Test func levelFiltersLines() {
        let capture = LogCapture()
        let logger = capture.logger(level: .warn)
        logger.debug("d")
        logger.info("i")
        logger.warn("w")
        logger.error("e")
        #expect(capture.lines.map { $0.split(separator: " ")[0] } == ["WARN", "ERROR"])
    }

    @Test func newlineInMessageCannotForgeALine() {
        let capture = LogCapture()
        capture.logger().warn("bad\nINFO fake")
        #expect(capture.lines.count == 1)
        #expect(capture.lines[0].filter { $0 == "\n" }.count == 1)
    }

    @Test func floodFromOneSourceIsCappedThenSummarised() {
        let capture = LogCapture()
        let logger = capture.logger()
        for _ in 0..<100 {
            logger.log(.warn, "rejected datagram from 10.0.0.9: not Kabar", kind: "datagram-rejected", source: "10.0.0.9")
            capture.monotonic += 10_000  // 100 lines in 1 s
        }
        #expect(capture.lines.count == 5)
        // Another source is not silenced by the first.
        logger.log(.warn, "rejected datagram from 10.0.0.10", kind: "datagram-rejected", source: "10.0.0.10")
        #expect(capture.lines.count == 6)
        capture.monotonic += 10_000_000
        logger.flushSuppressed()
        #expect(capture.lines.count == 7)
        #expect(capture.lines[6].contains("suppressed 95 similar messages (datagram-rejected from 10.0.0.9)"))
        // A new window writes again.
        logger.log(.warn, "rejected datagram from 10.0.0.9", kind: "datagram-rejected", source: "10.0.0.9")
        #expect(capture.lines.count == 8)
    }

    @Test func summaryComesBeforeTheNextLineOfItsKind() {
        var limiter = LogRateLimiter(linesMax: 2, windowMicroseconds: 1_000)
        #expect(limiter.admit(kind: "k", source: "s", now: 0).0 == .write)
        #expect(limiter.admit(kind: "k", source: "s", now: 1).0 == .write)
        #expect(limiter.admit(kind: "k", source: "s", now: 2).0 == .suppress)
        let (verdict, summary) = limiter.admit(kind: "k", source: "s", now: 1_000)
        #expect(verdict == .write)
        #expect(summary == LogRateLimiter.Summary(kind: "k", source: "s", suppressed: 1))
    }

    @Test func spoofedSourcesCannotGrowTheTable() {
        var limiter = LogRateLimiter(linesMax: 1, windowMicroseconds: 1_000_000, keysMax: 8)
        var written = 0
        for source in 0..<1_000 where limiter.admit(kind: "k", source: "\(source)", now: 5).0 == .write { written += 1 }
        #expect(limiter.trackedKeyCount <= 9)
        #expect(written <= 9)
    }
}
