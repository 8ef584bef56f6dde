import Kabar

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

    // MARK: Events the reports need (the deciding is `HallReporter`'s)

    /// Notes a stored bulletin: an official post (or, at the office, a post on an office
    /// channel) is remembered with its time and triggers a report.
    func noteStoredForReports(_ bulletin: Bulletin) {
        reports.stored(bulletin.id, kind: bulletin.kind, rule: settings.channels.rule(for: bulletin.channel), at: host.bestTime())
    }

    /// Notes a peer heard or lost, or a sync ended.
    func noteForReports(_ event: NodeEvent) {
        reports.observe(event, at: host.bestTime())
    }

    // MARK: Making reports

    /// The reporter's settings from kabar.conf.
    var reporterSettings: HallReporter.Settings {
        var reporter = HallReporter.Settings()
        reporter.schedule = settings.reportSchedule
        reporter.window = settings.reportWindow
        reporter.holdingsMax = settings.reportHoldings
        return reporter
    }

    /// Called by the daemon once a second: makes this node's report when one is due. Returns
    /// the report made, if any; a failure is published as a notice and waits for the next turn.
    @discardableResult
    public func reportIfDue() -> Bulletin? {
        guard host.isRunning else { return nil }
        let now = host.bestTime()
        if reports.schedule == nil { startReports(at: now) }
        if reports.settings != reporterSettings { reports.settings = reporterSettings }
        reports.isOffice = isOffice
        guard reports.isDue(at: now) else { return nil }
        do {
            return try makeReport(at: now)
        } catch {
            reports.failed(at: now)
            publish(.notice(LocalizedText(Localized(
                en: "hall report not made: \(error.message.en)", id: "laporan balai tidak dibuat: \(error.message.id)"))))
            return nil
        }
    }

    /// True when this node is the regency office: its own key is an authority in kabar.conf.
    var isOffice: Bool {
        guard let own = try? identity().author else { return false }
        return settings.authorities.contains(own)
    }

    /// Starts the reporter from this node's own newest report in the store (the first-seen
    /// times come from it; bulletins held but not listed are dated now).
    func startReports(at now: UnixTime) {
        let own = try? identity().author
        let ownReport: Bulletin? = own.flatMap { own in
            let id: BulletinID? = host.withNode { node, clockNow in
                ((node.admission as? TrustPolicy)?.latestReport(by: own, at: node.clock?.now ?? clockNow.wall), [])
            }
            return id.flatMap { store.bulletin($0) }
        }
        reports.settings = reporterSettings
        reports.isOffice = isOffice
        let (official, office) = HallReporter.heldPosts(in: store, channels: settings.channels)
        reports.start(at: now, ownReport: ownReport, official: official, office: office)
    }

    /// Builds (through the reporter), signs and writes this node's report through the one door.
    func makeReport(at now: UnixTime) throws(ServiceError) -> Bulletin {
        let identity = try identity()
        let clock: ClockEstimate? = host.withNode { node, _ in (node.clock, []) }
        let facts = HallReporter.Facts(
            label: identity.label, software: "kabar \(KabarVersion.string)", storeCount: store.count,
            storeBytes: store.diskBytes, clock: clock, peerTableAge: host.currentPeers().map(\.lastSeenS).min())
        let content: BulletinContent
        do {
            content = try reports.content(at: now, facts: facts, author: identity.author) { store.contains($0) }
        } catch {
            throw .failed(error.rule)
        }
        let bulletin = try Self.signing { try Bulletin.sign(content, with: identity.key) }
        try write(bulletin)
        reports.made(bulletin, at: now)
        return bulletin
    }
}
