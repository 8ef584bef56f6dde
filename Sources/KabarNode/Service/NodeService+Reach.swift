import Kabar

/// What the service keeps to make this node's hall reports (Documentation/Reach.md): the
/// schedule, when it first stored each official bulletin, and when it heard peers.
struct ReportState {
    /// Made at the first wake-up of the daemon (nil before, and offline).
    var schedule: ReportSchedule?
    /// When this node first stored each official bulletin it holds.
    var firstSeen: [BulletinID: UnixTime] = [:]
    /// When each peer was lost (last heard, about), to tell a mule's return.
    var lostAt: [PeerAddress: UnixTime] = [:]
    /// Peers heard again after `muleQuiet` or more (or for the first time), until their sync.
    var arriving: [PeerAddress: TimeSpan?] = [:]
    /// When any peer was last heard.
    var lastHeard: UnixTime?
    /// When this node last synced with a mule.
    var lastMule: UnixTime?
    /// The date of this node's newest report: the next is dated after it, so it always wins.
    var lastCreated: UnixTime?

    /// Peers remembered at most in `lostAt` and `arriving` (a spoofed flood cannot grow them).
    static let peersMax = 1_024
    /// Official bulletins remembered at most.
    static let firstSeenMax = 65_536
}

/// A hall's line in `kabar reach --json`.
public struct ReachHall: Codable, Sendable, Equatable {
    /// The hall node's key (hex).
    public var node: String
    public var label: String
    /// When the hall first had the bulletin (Unix milliseconds), nil when not reached.
    public var firstSeen: Int64?
    /// When its newest report was made (Unix milliseconds).
    public var lastReport: Int64
    /// `reached`, `not_reached`, `not_reported_since` or `beyond_horizon`.
    public var status: String

    private enum CodingKeys: String, CodingKey { case node, label, firstSeen, lastReport, status }

    /// Writes `first_seen` as null when not reached, so scripts always find the key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(node, forKey: .node)
        try container.encode(label, forKey: .label)
        try container.encode(firstSeen, forKey: .firstSeen)
        try container.encode(lastReport, forKey: .lastReport)
        try container.encode(status, forKey: .status)
    }
}

/// `kabar reach ID --json`.
public struct ReachRecord: Codable, Sendable, Equatable {
    public var id: String
    public var hallsReached: Int
    public var hallsKnown: Int
    public var halls: [ReachHall]
    /// When the bulletin was created (Unix milliseconds) and its title, when this node holds it
    /// (the chart's origin and heading, `kabar reach --svg`).
    public var created: Int64?
    public var title: String?
}

/// A hall in `kabar halls --json`: its newest report.
public struct HallRecord: Codable, Sendable, Equatable {
    public var node: String
    public var label: String
    public var software: String
    /// When the report was made, and when it expires (Unix milliseconds).
    public var lastReport: Int64
    public var expires: Int64
    public var storeCount: UInt64
    public var storeBytes: UInt64
    public var clockOffsetS: Int64
    /// Seconds since the hall last heard a peer, and since its last mule, as of the report.
    public var heardAgeS: UInt64?
    public var muleAgeS: UInt64?
    /// Official bulletins listed.
    public var holdings: Int
    /// The report's id.
    public var report: String
}

extension NodeService {
    // MARK: Reading

    /// `reach ID`: which halls' newest reports list the bulletin (Reach.md).
    public func reach(_ parameters: TargetParameters) throws(ServiceError) -> ReachRecord {
        let (id, created, title) = try reachTarget(parameters.id)
        let reach = Reach.of(id, created: created, reports: latestReports())
        let halls = reach.halls.map { hall in
            var record = ReachHall(node: hall.node.hex, label: hall.label, firstSeen: nil, lastReport: hall.lastReport.milliseconds, status: "")
            switch hall.status {
            case .reached(let firstSeen):
                record.firstSeen = firstSeen.milliseconds
                record.status = "reached"
            case .notReached: record.status = "not_reached"
            case .notReportedSince: record.status = "not_reported_since"
            case .beyondHorizon: record.status = "beyond_horizon"
            }
            return record
        }
        return ReachRecord(
            id: id.hex, hallsReached: reach.reachedCount, hallsKnown: reach.knownCount, halls: halls,
            created: created?.milliseconds, title: title)
    }

    /// `halls`: every hall with a live report, sorted by label then key.
    public func halls() -> [HallRecord] {
        latestReports().compactMap { bulletin in
            guard let report = try? HallReport(bulletin) else { return nil }
            return HallRecord(
                node: bulletin.author.hex, label: report.label, software: report.software,
                lastReport: bulletin.created.milliseconds, expires: bulletin.expires.milliseconds, storeCount: report.storeCount,
                storeBytes: report.storeBytes, clockOffsetS: report.clockOffset, heardAgeS: report.heardAge,
                muleAgeS: report.muleAge, holdings: report.holdings.count, report: bulletin.id.hex)
        }.sorted { ($0.label, $0.node) < ($1.label, $1.node) }
    }

    /// The newest live report of every node, as the trust rules keep them.
    func latestReports() -> [Bulletin] {
        let ids: [BulletinID] = host.withNode { node, now in
            let wall = node.clock?.now ?? now.wall
            return ((node.admission as? TrustPolicy)?.latestReports(at: wall) ?? [], [])
        }
        return ids.compactMap { store.bulletin($0) }
    }

    /// The id, creation time and title of `text`: a bulletin held here (by id or unique prefix),
    /// or a full id of one this node lacks (its creation time and title are then unknown).
    private func reachTarget(_ text: String) throws(ServiceError) -> (BulletinID, UnixTime?, String?) {
        if let id = BulletinID(hex: text.trimmingSpaces), store.bulletin(id) == nil { return (id, nil, nil) }
        let bulletin = try find(text)
        return (bulletin.id, bulletin.created, bulletin.title)
    }

    // MARK: Events the reports need

    /// Notes a stored bulletin: an official post is remembered with its time and triggers a
    /// report.
    func noteStoredForReports(_ bulletin: Bulletin) {
        guard bulletin.kind == .post, settings.channels.rule(for: bulletin.channel).access == .official else { return }
        let now = host.bestTime()
        if reports.firstSeen[bulletin.id] == nil, reports.firstSeen.count < ReportState.firstSeenMax {
            reports.firstSeen[bulletin.id] = now
        }
        reports.schedule?.officialStored(at: now)
    }

    /// Notes a peer heard (`discovered`) or lost.
    func notePeer(_ address: PeerAddress, discovered: Bool) {
        let now = host.bestTime()
        if discovered {
            reports.lastHeard = now
            let quiet = reports.lostAt.removeValue(forKey: address).map { now - $0 }
            if reports.arriving.count < ReportState.peersMax { reports.arriving[address] = quiet }
        } else {
            if reports.lostAt.count >= ReportState.peersMax { reports.lostAt.removeAll() }
            reports.lostAt[address] = now
        }
    }

    /// Notes a finished sync with `peer`: a mule's when the peer had been quiet long enough.
    func noteSync(with peer: PeerAddress) {
        let now = host.bestTime()
        reports.lastHeard = now
        guard let quiet = reports.arriving.removeValue(forKey: peer) else { return }
        let wasMule = quiet.map { $0 >= settings.reportSchedule.muleQuiet } ?? true
        if wasMule { reports.lastMule = now }
        reports.schedule?.synced(quiet: quiet, at: now)
    }

    // MARK: Making reports

    /// Called by the daemon once a second: makes this node's report when one is due. Returns
    /// the report made, if any; a failure is published as a notice and waits for the next turn.
    @discardableResult
    public func reportIfDue() -> Bulletin? {
        guard host.isRunning else { return nil }
        let now = host.bestTime()
        if reports.schedule == nil { startReports(at: now) }
        reports.schedule?.settings = settings.reportSchedule
        guard reports.schedule?.isDue(at: now) == true else { return nil }
        do {
            let bulletin = try makeReport(at: now)
            reports.schedule?.didReport(bytes: bulletin.encoded.count, at: now)
            return bulletin
        } catch {
            reports.schedule?.didReport(bytes: 0, at: now)
            publish(.notice(LocalizedText(Localized(
                en: "hall report not made: \(error.message.en)", id: "laporan balai tidak dibuat: \(error.message.id)"))))
            return nil
        }
    }

    /// Starts the schedule from this node's own newest report in the store, and takes the
    /// first-seen times from it; official bulletins held but not listed there are dated now
    /// (later than the truth, never earlier).
    func startReports(at now: UnixTime) {
        let own = try? identity().author
        let ownReport: Bulletin? = own.flatMap { own in
            let id: BulletinID? = host.withNode { node, clockNow in
                ((node.admission as? TrustPolicy)?.latestReport(by: own, at: node.clock?.now ?? clockNow.wall), [])
            }
            return id.flatMap { store.bulletin($0) }
        }
        let parsed = ownReport.flatMap { try? HallReport($0) }
        for id in heldOfficialPosts() where reports.firstSeen[id] == nil {
            if let ownReport, let holding = parsed?.holding(of: id) {
                reports.firstSeen[id] = ownReport.created - .seconds(Int64(holding.age))
            } else {
                reports.firstSeen[id] = now
            }
        }
        reports.lastCreated = ownReport?.created
        reports.schedule = ReportSchedule(
            settings: settings.reportSchedule, lastReport: ownReport?.created, bytes: ownReport?.encoded.count, start: now)
    }

    /// Official posts this node holds, at most `ReportState.firstSeenMax` (from the index
    /// alone: no disk read).
    private func heldOfficialPosts() -> [BulletinID] {
        var ids: [BulletinID] = []
        store.forEachItem { _, id in ids.append(id) }
        var held: [BulletinID] = []
        for id in ids.sorted() where held.count < ReportState.firstSeenMax {
            guard let summary = store.summary(id), summary.kind == .post,
                settings.channels.rule(for: summary.channel).access == .official
            else { continue }
            held.append(id)
        }
        return held
    }

    /// Builds, signs and writes this node's report through the one door.
    func makeReport(at clockNow: UnixTime) throws(ServiceError) -> Bulletin {
        let identity = try identity()
        let now = reports.lastCreated.map { max(clockNow, $0 + .milliseconds(1)) } ?? clockNow
        // Forget bulletins no longer held (expired, retracted).
        reports.firstSeen = reports.firstSeen.filter { store.contains($0.key) }
        let (holdings, horizon) = HallReport.holdings(
            firstSeen: reports.firstSeen, at: now, window: settings.reportWindow, limit: settings.reportHoldings)
        let clockOffset: Int64 = host.withNode { node, _ in
            guard let clock = node.clock, clock.ownClockIsWrong else { return (0, []) }
            return ((clock.now - clock.ownClock).microseconds / 1_000_000, [])
        }
        let report = HallReport(
            label: Self.cut(identity.label, to: HallReport.labelBytesMax),
            software: Self.cut("kabar \(KabarVersion.string)", to: HallReport.softwareBytesMax),
            storeCount: UInt64(store.count), storeBytes: UInt64(max(0, store.diskBytes)),
            clockOffset: max(-Int64(HallReport.secondsMax), min(Int64(HallReport.secondsMax), clockOffset)),
            heardAge: heardAge(at: now),
            muleAge: reports.lastMule.map { min(HallReport.secondsMax, HallReport.seconds(now - $0)) },
            horizonAge: horizon, holdings: holdings)
        do {
            try report.validate()
        } catch {
            throw .failed(error.rule)
        }
        let bulletin = try Self.signing { try Bulletin.sign(report.content(author: identity.author, created: now), with: identity.key) }
        try write(bulletin)
        reports.lastCreated = now
        return bulletin
    }

    /// Seconds since any peer was heard: from the peer table while peers are in it (beacons
    /// count, not only syncs), else from the last peer event; nil when none was ever heard.
    private func heardAge(at now: UnixTime) -> UInt64? {
        if let seconds = host.currentPeers().map(\.lastSeenS).min() { return UInt64(max(0, min(Double(HallReport.secondsMax), seconds))) }
        return reports.lastHeard.map { min(HallReport.secondsMax, HallReport.seconds(now - $0)) }
    }

    /// `text` cut to `bytes` at a character boundary, control characters left out.
    static func cut(_ text: String, to bytes: Int) -> String {
        var result = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }.map(Character.init))
        while result.utf8.count > bytes { result.removeLast() }
        return result
    }
}
