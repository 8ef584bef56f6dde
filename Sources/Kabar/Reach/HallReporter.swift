/// Everything a node decides about its own hall reports (Documentation/Reach.md, "When a hall
/// reports"): what it remembers, when the next report is due, and what the report says. The
/// daemon (`NodeService+Reach.swift`) and the simulator (`StudioEndpoint`) drive the same value,
/// so a report in a `kabar sim` run is made exactly as on a hall's Pi.
///
/// # Theory of operation
///
/// The driver feeds inputs, each with `now` (the node's best time):
///
/// - `stored(_:kind:rule:at:)` for every bulletin the node stores: an official post is
///   remembered with the time it first arrived (`firstSeen`) and triggers a report; a post on an
///   `office` channel is remembered too when this node is the regency office (`isOffice`: its
///   own key is an authority of its trust rules), and triggers a report;
/// - `observe(_:at:)` for the node's peer events: a peer heard, a peer lost, a sync ended (a
///   sync with a peer not heard for an hour is a mule's visit, and triggers a report);
/// - `start(at:ownReport:official:office:)` once, when the node starts: the first-seen times
///   of what it holds come from its own newest report in its store (later ones are dated at
///   the start: later than the truth, never earlier), and the schedule goes on from that report.
///
/// It asks `nextReport(at:)` (or `isDue(at:)`); when due, `content(at:facts:author:holds:)`
/// gives the unsigned report, dated after the last one so it always replaces it. The driver signs
/// it with the node's key (the key never enters here), writes it through the node's one door,
/// and tells `made(_:at:)` (or `failed(at:)`). Pure: time comes in as a parameter; every table
/// input can grow is bounded (`firstSeenMax`, `peersMax`).
public struct HallReporter: Sendable {
    /// kabar.conf's `report`, `report_interval`, `report_delay`, `report_budget`,
    /// `report_window` and `report_holdings`.
    public struct Settings: Sendable, Equatable {
        /// When to report.
        public var schedule = ReportSchedule.Settings()
        /// Holdings first had within this window are listed.
        public var window: TimeSpan = .days(7)
        /// Holdings one list carries at most (official, and office channels at the office).
        public var holdingsMax = 24

        /// The defaults.
        public init() {}
    }

    /// What the driver knows of its node when a report is made.
    public struct Facts: Sendable {
        /// The identity's label ("village, kecamatan"), cut to fit.
        public var label: String
        /// The software version ("kabar 0.1.0").
        public var software: String
        /// Bulletins and bytes in the store.
        public var storeCount: Int
        /// See `storeCount`.
        public var storeBytes: Int64
        /// The node's clock estimate, if any: the report tells the correction it applies.
        public var clock: ClockEstimate?
        /// Seconds since the freshest peer in the peer table was heard (beacons count), nil when
        /// the table is empty: then the last peer event tells.
        public var peerTableAge: Double?

        /// Facts.
        public init(label: String, software: String, storeCount: Int, storeBytes: Int64, clock: ClockEstimate? = nil, peerTableAge: Double? = nil) {
            self.label = label
            self.software = software
            self.storeCount = storeCount
            self.storeBytes = storeBytes
            self.clock = clock
            self.peerTableAge = peerTableAge
        }
    }

    /// Peers remembered at most in the lost and arriving tables (a spoofed flood cannot grow them).
    public static let peersMax = 1_024
    /// Bulletins remembered at most, each list.
    public static let firstSeenMax = 65_536

    /// The settings in force (the driver may change them at a reload).
    public var settings: Settings {
        didSet { schedule?.settings = settings.schedule }
    }
    /// True when this node is the regency office (its own key is an authority of its rules):
    /// its reports also list what it holds of `office` channels.
    public var isOffice = false
    /// Made by `start` (nil before).
    public private(set) var schedule: ReportSchedule?
    /// When this node first stored each official bulletin it holds.
    public private(set) var firstSeen: [BulletinID: UnixTime] = [:]
    /// When this node first stored each bulletin of an `office` channel it holds (kept only at
    /// the office).
    public private(set) var officeFirstSeen: [BulletinID: UnixTime] = [:]
    /// When each peer was lost (last heard, about), to tell a mule's return.
    private var lostAt: [PeerAddress: UnixTime] = [:]
    /// Peers heard again after `muleQuiet` or more (or for the first time), until their sync.
    private var arriving: [PeerAddress: TimeSpan?] = [:]
    /// When any peer was last heard.
    public private(set) var lastHeard: UnixTime?
    /// When this node last synced with a mule.
    public private(set) var lastMule: UnixTime?
    /// The date of this node's newest report: the next is dated after it, so it always wins.
    public private(set) var lastCreated: UnixTime?

    /// A reporter with `settings`, not started.
    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    // MARK: Inputs

    /// Starts the schedule at `now` from `ownReport` (this node's newest report in its store, if
    /// any), taking the first-seen times of `official` and `office` (the bulletins of each kind
    /// it holds) from that report's lists; the ones not listed are dated `now`.
    public mutating func start(at now: UnixTime, ownReport: Bulletin?, official: [BulletinID], office: [BulletinID] = []) {
        let parsed = ownReport.flatMap { try? HallReport($0) }
        for id in official where firstSeen[id] == nil && firstSeen.count < Self.firstSeenMax {
            let age = parsed?.holding(of: id)?.age
            firstSeen[id] = age.flatMap { age in ownReport.map { $0.created - .seconds(Int64(age)) } } ?? now
        }
        if isOffice {
            for id in office where officeFirstSeen[id] == nil && officeFirstSeen.count < Self.firstSeenMax {
                let age = parsed?.officeHolding(of: id)?.age
                officeFirstSeen[id] = age.flatMap { age in ownReport.map { $0.created - .seconds(Int64(age)) } } ?? now
            }
        }
        lastCreated = ownReport?.created
        schedule = ReportSchedule(settings: settings.schedule, lastReport: ownReport?.created, bytes: ownReport?.encoded.count, start: now)
    }

    /// A bulletin of `kind` on a channel with `rule` was stored at `now`: an official post, or a
    /// post on an office channel at the office, is remembered and triggers a report.
    public mutating func stored(_ id: BulletinID, kind: BulletinKind, rule: ChannelRule, at now: UnixTime) {
        guard kind == .post else { return }
        if rule.access == .official {
            if firstSeen[id] == nil, firstSeen.count < Self.firstSeenMax { firstSeen[id] = now }
            schedule?.officialStored(at: now)
        } else if rule.office && isOffice {
            if officeFirstSeen[id] == nil, officeFirstSeen.count < Self.firstSeenMax { officeFirstSeen[id] = now }
            schedule?.officialStored(at: now)
        }
    }

    /// A node event at `now`: peers heard and lost, and syncs ended (a mule's visit triggers a
    /// report). Other events are ignored.
    public mutating func observe(_ event: NodeEvent, at now: UnixTime) {
        switch event {
        case .peerDiscovered(let address):
            lastHeard = now
            let quiet = lostAt.removeValue(forKey: address).map { now - $0 }
            if arriving.count < Self.peersMax { arriving[address] = quiet }
        case .peerLost(let address):
            if lostAt.count >= Self.peersMax { lostAt.removeAll() }
            lostAt[address] = now
        case .syncFinished(let peer, _, _, _, _):
            lastHeard = now
            guard let quiet = arriving.removeValue(forKey: peer) else { return }
            if quiet.map({ $0 >= settings.schedule.muleQuiet }) ?? true { lastMule = now }
            schedule?.synced(quiet: quiet, at: now)
        default: break
        }
    }

    /// The report made at `now` was written: the next is dated after it.
    public mutating func made(_ report: Bulletin, at now: UnixTime) {
        lastCreated = max(lastCreated ?? report.created, report.created)
        schedule?.didReport(bytes: report.encoded.count, at: now)
    }

    /// Making the report due at `now` failed: the schedule waits for its next turn.
    public mutating func failed(at now: UnixTime) {
        schedule?.didReport(bytes: 0, at: now)
    }

    /// The posts `store` holds that a reporter remembers under `channels`: official ones, and
    /// those of office channels; at most `firstSeenMax` each, by id. From the store's index
    /// alone (`summary`): no bulletin is read. What `start` takes, for the daemon and the
    /// simulator alike.
    public static func heldPosts<Store: BulletinStore>(in store: Store, channels: ChannelRules) -> (official: [BulletinID], office: [BulletinID]) {
        var ids: [BulletinID] = []
        store.forEachItem { _, id in ids.append(id) }
        var official: [BulletinID] = [], office: [BulletinID] = []
        for id in ids.sorted() {
            guard let summary = store.summary(id), summary.kind == .post else { continue }
            let rule = channels.rule(for: summary.channel)
            if rule.access == .official {
                if official.count < firstSeenMax { official.append(id) }
            } else if rule.office, office.count < firstSeenMax {
                office.append(id)
            }
        }
        return (official, office)
    }

    // MARK: Outputs

    /// When the next report is due (nil: not started, or reports are off).
    public func nextReport(at now: UnixTime) -> UnixTime? {
        schedule?.nextReport(at: now)
    }

    /// True when a report is due at `now`.
    public func isDue(at now: UnixTime) -> Bool {
        schedule?.isDue(at: now) ?? false
    }

    /// The date a report made at `now` gets: `now`, or 1 ms after the last report when the
    /// clock has not moved past it (so the newer always replaces the older).
    public func reportDate(at now: UnixTime) -> UnixTime {
        lastCreated.map { max(now, $0 + .milliseconds(1)) } ?? now
    }

    /// The unsigned report by `author` at `now` (dated by `reportDate(at:)`), from `facts`;
    /// first forgets the bulletins `holds` says are gone (expired, retracted, evicted).
    public mutating func content(at now: UnixTime, facts: Facts, author: AuthorKey, holds: (BulletinID) -> Bool)
        throws(HallReportError) -> BulletinContent
    {
        let created = reportDate(at: now)
        firstSeen = firstSeen.filter { holds($0.key) }
        officeFirstSeen = isOffice ? officeFirstSeen.filter { holds($0.key) } : [:]
        let report = self.report(at: created, facts: facts)
        try report.validate()
        return report.content(author: author, created: created)
    }

    /// The report at `created` from what is remembered and `facts`.
    func report(at created: UnixTime, facts: Facts) -> HallReport {
        let (holdings, horizon) = HallReport.holdings(
            firstSeen: firstSeen, at: created, window: settings.window, limit: settings.holdingsMax)
        let office = isOffice
            ? HallReport.holdings(firstSeen: officeFirstSeen, at: created, window: settings.window, limit: settings.holdingsMax).holdings
            : []
        var offset: Int64 = 0
        if let clock = facts.clock, clock.ownClockIsWrong { offset = (clock.now - clock.ownClock).microseconds / 1_000_000 }
        let limit = Int64(HallReport.secondsMax)
        let heard = facts.peerTableAge.map { UInt64(max(0, min(Double(HallReport.secondsMax), $0))) }
            ?? lastHeard.map { min(HallReport.secondsMax, HallReport.seconds(created - $0)) }
        return HallReport(
            label: Self.cut(facts.label, to: HallReport.labelBytesMax),
            software: Self.cut(facts.software, to: HallReport.softwareBytesMax),
            storeCount: min(HallReport.storeValueMax, UInt64(max(0, facts.storeCount))),
            storeBytes: min(HallReport.storeValueMax, UInt64(max(0, facts.storeBytes))),
            clockOffset: max(-limit, min(limit, offset)), heardAge: heard,
            muleAge: lastMule.map { min(HallReport.secondsMax, HallReport.seconds(created - $0)) },
            horizonAge: horizon, holdings: holdings, officeHoldings: office)
    }

    /// `text` cut to `bytes` at a character boundary, control characters left out.
    public static func cut(_ text: String, to bytes: Int) -> String {
        var result = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }.map(Character.init))
        while result.utf8.count > bytes { result.removeLast() }
        return result
    }
}
