// Hall reports: who may report, and one report per node (Documentation/Reach.md).
extension TrustPolicy {
    /// The newest report held from one node.
    struct ReportRecord: Sendable, Equatable {
        let id: BulletinID
        let created: UnixTime
        let expires: UnixTime

        /// True when a report (`created`, `id`) is newer than this one: later, or as late
        /// with a greater id (so every node picks the same one).
        func isOlder(than created: UnixTime, id: BulletinID) -> Bool {
            (self.created, self.id) < (created, id)
        }
    }

    /// A report must be well-formed, signed by a key that may vouch here (and by an authority
    /// when it has an office section), newer than the report held from the same node, and
    /// within the signer's daily quota on `kabar` (authorities aside). A key that may not vouch may not report: so a fresh key cannot
    /// pass itself off as a hall, and a flood of reports stops at the first node.
    func checkReport(_ bulletin: Bulletin, at now: UnixTime) throws(TrustError) {
        let report: HallReport
        do {
            report = try HallReport(bulletin)
        } catch {
            throw .reportMalformed(error)
        }
        guard mayVouch(bulletin.author, at: now) else { throw .reportNotAllowed }
        // Only the regency office (an authority) lists what the office received: a hall cannot
        // make a villager's message look received.
        guard report.officeHoldings.isEmpty || rules.authorities.contains(bulletin.author) else { throw .reportOfficeNotAuthority }
        if let held = reports[bulletin.author], held.expires > now, !held.isOlder(than: bulletin.created, id: bulletin.id) {
            throw .reportSuperseded(by: held.id)
        }
        if !rules.authorities.contains(bulletin.author) { try checkQuota(bulletin) }
    }

    /// Records a stored report as its node's newest; returns the report it replaces, if any.
    mutating func recordReport(_ bulletin: Bulletin) -> ReportRecord? {
        guard HallReport.isReportKind(bulletin) else { return nil }
        let record = ReportRecord(id: bulletin.id, created: bulletin.created, expires: bulletin.expires)
        guard let held = reports[bulletin.author] else {
            reports[bulletin.author] = record
            return nil
        }
        guard held.id != bulletin.id else { return nil }
        // At a rebuild the walk is in created order, but a crash can leave both: keep the newer.
        if held.isOlder(than: bulletin.created, id: bulletin.id) {
            reports[bulletin.author] = record
            return held
        }
        return record
    }

    /// The ids of the newest live report of every node, sorted by id.
    public func latestReports(at now: UnixTime) -> [BulletinID] {
        reports.values.filter { $0.expires > now }.map(\.id).sorted()
    }

    /// The id of the newest live report by `node`, if any.
    public func latestReport(by node: AuthorKey, at now: UnixTime) -> BulletinID? {
        guard let record = reports[node], record.expires > now else { return nil }
        return record.id
    }
}
