/// When a node makes its next hall report (Documentation/Reach.md, "When a hall reports").
///
/// # Theory of operation
///
/// Three things make a report due: the interval since the last one (default 24 hours: a report lives 2 days, so a
/// quiet hall stays counted, and the triggers below tell the news), a new
/// official bulletin stored (due `delay` later, default 2 minutes, so the ones that arrive
/// meanwhile go in the same report), and a sync with a peer not heard for `muleQuiet` (a mule:
/// it may have brought news, and it will carry the report away). A budget caps the bytes of
/// reports a node makes in any 24 hours: when the next report would pass it, it waits until
/// older reports leave the window, and once half of it is spent, reports keep to the budget's
/// pace (`paced(at:)`). The driver asks `nextReport(at:)`, makes the report when
/// that time has come, and tells `didReport(bytes:at:)`. Pure: `now` is a parameter everywhere.
public struct ReportSchedule: Sendable {
    /// The settings (kabar.conf `report`, `report_interval`, `report_delay`, `report_budget`).
    public struct Settings: Sendable, Equatable {
        /// False: this node makes no reports (`report = off`).
        public var enabled = true
        /// A report at least this often.
        public var interval: TimeSpan = .hours(24)
        /// A trigger's report waits this long, batching what arrives meanwhile.
        public var delay: TimeSpan = .minutes(2)
        /// A peer not heard for this long is a mule: a sync with it triggers a report.
        public var muleQuiet: TimeSpan = .hours(1)
        /// Bytes of reports in any 24 hours at most.
        public var bytesPerDayMax = 2_048

        /// The defaults.
        public init() {}
    }

    /// The window the budget counts over.
    public static let budgetWindow: TimeSpan = .days(1)
    /// The size assumed for a report before the first is made.
    public static let reportBytesGuess = 300

    /// The settings in force.
    public var settings: Settings
    /// When the last report was made.
    public private(set) var lastReport: UnixTime?
    /// The first trigger since the last report, if any.
    public private(set) var triggeredAt: UnixTime?
    /// Reports made in the budget's window: when, and their bytes.
    private var recent: [(at: UnixTime, bytes: Int)] = []
    /// The size of the last report (the next is likely close).
    private var lastBytes = ReportSchedule.reportBytesGuess

    /// A schedule whose last report (this node's own, found in its store at start) was made at
    /// `lastReport` with `bytes`; nil when it has none: then the first report is due `delay`
    /// after `start`.
    public init(settings: Settings = Settings(), lastReport: UnixTime? = nil, bytes: Int? = nil, start: UnixTime) {
        self.settings = settings
        self.lastReport = lastReport
        if let lastReport {
            let size = bytes ?? Self.reportBytesGuess
            recent = [(lastReport, size)]
            lastBytes = size
        } else {
            triggeredAt = start
        }
    }

    // MARK: Inputs

    /// A new official bulletin was stored here.
    public mutating func officialStored(at now: UnixTime) {
        if triggeredAt == nil { triggeredAt = now }
    }

    /// A sync ended with a peer last heard `quiet` ago (nil: never heard before).
    public mutating func synced(quiet: TimeSpan?, at now: UnixTime) {
        guard quiet.map({ $0 >= settings.muleQuiet }) ?? true else { return }
        if triggeredAt == nil { triggeredAt = now }
    }

    /// A report of `bytes` was made at `now`.
    public mutating func didReport(bytes: Int, at now: UnixTime) {
        lastReport = now
        triggeredAt = nil
        lastBytes = bytes
        recent.append((now, bytes))
        recent.removeAll { $0.at + Self.budgetWindow <= now }
    }

    // MARK: Outputs

    /// When the next report is due (it may be in the past: make it now); nil when reports are off.
    public func nextReport(at now: UnixTime) -> UnixTime? {
        guard settings.enabled else { return nil }
        var due = lastReport.map { $0 + settings.interval }
        if let triggeredAt { due = min(due ?? triggeredAt + settings.delay, triggeredAt + settings.delay) }
        return max(due ?? now, budgetAllows(at: now), paced(at: now))
    }

    /// Once half the budget is spent in the window, reports keep to the budget's own pace: one
    /// of the last report's size every `budgetWindow x size / budget` (319 bytes of a 2,048-byte
    /// budget: one every 3.7 hours), so a busy day's reports spread over it rather than going
    /// all at once and then waiting for the window.
    func paced(at now: UnixTime) -> UnixTime {
        guard let lastReport else { return now }
        let used = recent.filter { $0.at + Self.budgetWindow > now }.reduce(0) { $0 + $1.bytes }
        guard used * 2 > settings.bytesPerDayMax else { return now }
        let spacing = Self.budgetWindow.microseconds * Int64(lastBytes) / Int64(max(1, settings.bytesPerDayMax))
        return lastReport + TimeSpan(microseconds: spacing)
    }

    /// True when a report is due at `now`.
    public func isDue(at now: UnixTime) -> Bool {
        nextReport(at: now).map { $0 <= now } ?? false
    }

    /// The earliest time a report of the last report's size fits the budget: now, or when
    /// enough of the recent reports have left the 24-hour window.
    func budgetAllows(at now: UnixTime) -> UnixTime {
        var live = recent.filter { $0.at + Self.budgetWindow > now }.sorted { $0.at < $1.at }
        var used = live.reduce(0) { $0 + $1.bytes }
        var time = now
        while used + lastBytes > settings.bytesPerDayMax, let oldest = live.first {
            used -= oldest.bytes
            time = max(time, oldest.at + Self.budgetWindow)
            live.removeFirst()
        }
        return time
    }
}

extension HallReport {
    /// The holdings of a report made at `now` from `firstSeen` (each official bulletin held and
    /// when this node first had it): those first seen within `window`, newest first, at most
    /// `limit`; and the horizon age, from which the list is complete. When the limit cuts the
    /// list, the horizon moves to one second after the newest bulletin left out. O(n log n).
    public static func holdings(
        firstSeen: [BulletinID: UnixTime], at now: UnixTime, window: TimeSpan, limit: Int, prefixBytes: Int = 4
    ) -> (holdings: [Holding], horizonAge: UInt64) {
        let oldest = now - window
        let candidates = firstSeen.filter { $0.value >= oldest }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        var holdings: [Holding] = []
        var prefixes: Set<UInt64> = []
        var horizonAge = Self.seconds(window)
        for (id, seen) in candidates {
            let prefix = Self.prefix(of: id, bytes: prefixBytes)
            guard prefixes.insert(prefix).inserted else { continue }
            let age = Self.seconds(now - min(seen, now))
            guard holdings.count < min(limit, holdingsMax) else {
                horizonAge = age == 0 ? 0 : age - 1
                break
            }
            holdings.append(Holding(prefix: prefix, age: age))
        }
        return (holdings, min(horizonAge, secondsMax))
    }

    /// Whole seconds of `span` (0 when negative).
    public static func seconds(_ span: TimeSpan) -> UInt64 {
        UInt64(max(0, span.microseconds / 1_000_000))
    }
}
