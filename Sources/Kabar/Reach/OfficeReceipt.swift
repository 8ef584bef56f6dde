/// "Received by the regency office": whether, and since when, the office holds a bulletin, as
/// the office's own hall report tells it (Documentation/Reach.md, "Received by the office").
///
/// Theory of operation: the regency office is a node whose own key is an **authority** in the
/// reader's trust rules. Like every node it reports what it holds; its report lists official
/// bulletins and bulletins of `office` channels (`aspirasi`). So a bulletin is received by the
/// office when the newest live report signed by an authority key lists the bulletin's id
/// prefix; the time is when that report says the office first had it. Pure: the reader passes
/// the reports it holds (`TrustPolicy.latestReports`) and its authorities.
///
/// What cannot make a bulletin look received: a report signed by a key that is not an
/// authority here (a hall, a phone, a fresh key: whatever label it gives itself), a report
/// that is not well-formed, an older report of the office superseded by a newer one that no
/// longer lists it, and a report by the bulletin's own author (the office does not "receive"
/// what it wrote itself). A report is the signer's word about itself only.
public struct OfficeReceipt: Sendable, Equatable {
    /// The authority key whose report lists the bulletin.
    public let office: AuthorKey
    /// When the office first had the bulletin, by its report (its own clock's best time).
    public let receivedAt: UnixTime
    /// When that report was made.
    public let reportedAt: UnixTime

    /// A receipt.
    public init(office: AuthorKey, receivedAt: UnixTime, reportedAt: UnixTime) {
        self.office = office
        self.receivedAt = receivedAt
        self.reportedAt = reportedAt
    }

    /// The office's receipt of `bulletin` among `reports` (reports this node admitted; of two by
    /// one signer only the newer counts), reading only reports signed by one of `authorities`:
    /// the earliest time any office first had it, or nil when no office's newest report lists
    /// it. O(reports x holdings).
    public static func of(_ bulletin: Bulletin, reports: [Bulletin], authorities: Set<AuthorKey>) -> OfficeReceipt? {
        var newest: [AuthorKey: Bulletin] = [:]
        for report in reports where HallReport.isReportKind(report) && authorities.contains(report.author) {
            if let held = newest[report.author], (held.created, held.id) >= (report.created, report.id) { continue }
            newest[report.author] = report
        }
        var best: OfficeReceipt?
        for (office, report) in newest.sorted(by: { $0.key.hex < $1.key.hex }) where office != bulletin.author {
            guard let parsed = try? HallReport(report),
                  let holding = parsed.officeHolding(of: bulletin.id) ?? parsed.holding(of: bulletin.id) else { continue }
            let receipt = OfficeReceipt(office: office, receivedAt: report.created - .seconds(Int64(holding.age)), reportedAt: report.created)
            if best.map({ receipt.receivedAt < $0.receivedAt }) ?? true { best = receipt }
        }
        return best
    }
}
