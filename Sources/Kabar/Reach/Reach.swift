/// How far one bulletin reached, as the halls' own reports tell it (Documentation/Reach.md).
///
/// Pure: it reads the newest live report of every hall (`TrustPolicy.latestReports`) and says,
/// for each hall, whether its report lists the bulletin, when the hall first had it, and, when
/// the report does not list it, whether that means "not there" or "cannot tell yet".
///
/// A hall's report speaks only for that hall, and only about what it holds: a hall can claim a
/// bulletin it does not hold (that is its lie about itself), but no report can make another hall
/// look reached.
public struct Reach: Sendable, Equatable {
    /// What one hall's newest report says of the bulletin.
    public enum Status: Sendable, Equatable {
        /// Listed: the hall first had it at `firstSeen` (its own clock's best time).
        case reached(firstSeen: UnixTime)
        /// Reported after the bulletin was created, and not listed though the list covers it:
        /// the hall did not hold it then.
        case notReached
        /// The hall has not reported since the bulletin was created: it cannot be counted yet.
        case notReportedSince
        /// Not listed, but the bulletin is older than the report's horizon (or its creation
        /// time is unknown here): cannot tell.
        case beyondHorizon
    }

    /// One hall.
    public struct Hall: Sendable, Equatable {
        /// The hall node's key (the report's signer).
        public let node: AuthorKey
        /// Its label.
        public let label: String
        /// When its newest report was made.
        public let lastReport: UnixTime
        /// What that report says of the bulletin.
        public let status: Status
    }

    /// The bulletin.
    public let id: BulletinID
    /// Every hall with a live report, sorted by label, then key.
    public let halls: [Hall]

    /// Halls whose report lists the bulletin.
    public var reachedCount: Int {
        halls.count(where: { if case .reached = $0.status { true } else { false } })
    }

    /// Halls known: every hall with a live report.
    public var knownCount: Int { halls.count }

    /// Halls that have not reported since the bulletin was created.
    public var pendingCount: Int { halls.count(where: { $0.status == .notReportedSince }) }

    /// The reach of `id` (created at `created`, nil when this node does not hold it) among
    /// `reports`: each hall's newest live report, already admitted. A bulletin that is not a
    /// well-formed report is skipped; of two reports by one node the newer counts. O(reports x
    /// holdings).
    public static func of(_ id: BulletinID, created: UnixTime?, reports: [Bulletin]) -> Reach {
        var newest: [AuthorKey: (Bulletin, HallReport)] = [:]
        for bulletin in reports {
            guard let report = try? HallReport(bulletin) else { continue }
            if let held = newest[bulletin.author], (held.0.created, held.0.id) >= (bulletin.created, bulletin.id) { continue }
            newest[bulletin.author] = (bulletin, report)
        }
        let halls = newest.map { node, pair in
            let (bulletin, report) = pair
            return Hall(
                node: node, label: report.label, lastReport: bulletin.created,
                status: status(of: id, created: created, in: report, madeAt: bulletin.created))
        }
        return Reach(id: id, halls: halls.sorted { ($0.label, $0.node.hex) < ($1.label, $1.node.hex) })
    }

    /// What `report`, made at `madeAt`, says of `id`.
    static func status(of id: BulletinID, created: UnixTime?, in report: HallReport, madeAt: UnixTime) -> Status {
        if let holding = report.holding(of: id) { return .reached(firstSeen: madeAt - .seconds(Int64(holding.age))) }
        guard let created else { return .beyondHorizon }
        if madeAt < created { return .notReportedSince }
        let horizon = madeAt - .seconds(Int64(report.horizonAge))
        return created >= horizon ? .notReached : .beyondHorizon
    }
}
