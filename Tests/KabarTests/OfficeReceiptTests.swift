import Kabar
import KabarCrypto
import Testing

/// "Received by the regency office" (Documentation/Reach.md): only the newest report of an
/// authority key, listing the bulletin, says the office received it.
@Suite struct OfficeReceiptTests {
    let office = TrustKeys.authority
    let hall: UInt8 = 60
    let villager: UInt8 = 70
    let fresh = TrustKeys.outsider

    /// Rules under which the office vouched for the hall.
    func bench() -> TrustBench {
        var bench = TrustBench(rules: trustRules())
        let vouch = Vouch(keys: [TestKeys.author(hall)])!
        let content = vouch.content(author: TestKeys.author(office), created: testEpoch, expires: testEpoch + .days(90))
        #expect(bench.offer(try! Bulletin.sign(content, with: TestKeys.key(office))) == nil)
        return bench
    }

    /// A report by `signer` made at `created`, listing each bulletin as first had at its time
    /// (in the office section when `inOfficeSection`, as the office lists `aspirasi` posts).
    func report(
        by signer: UInt8, label: String, created: UnixTime, holding: [(Bulletin, UnixTime)], inOfficeSection: Bool = false
    ) -> Bulletin {
        let seen = Dictionary(uniqueKeysWithValues: holding.map { ($0.0.id, $0.1) })
        let (holdings, horizon) = HallReport.holdings(firstSeen: seen, at: created, window: .days(7), limit: 24)
        let report = HallReport(
            label: label, software: "kabar 0.9", storeCount: 10, storeBytes: 10_000, clockOffset: 0,
            heardAge: 5, muleAge: nil, horizonAge: horizon,
            holdings: inOfficeSection ? [] : holdings, officeHoldings: inOfficeSection ? holdings : [])
        return try! Bulletin.sign(report.content(author: TestKeys.author(signer), created: created), with: TestKeys.key(signer))
    }

    func receipt(of bulletin: Bulletin, in bench: TrustBench, at now: UnixTime) -> OfficeReceipt? {
        let reports = bench.policy.latestReports(at: now).compactMap { bench.store.bulletin($0) }
        return OfficeReceipt.of(bulletin, reports: reports, authorities: bench.policy.rules.authorities)
    }

    @Test func theOfficesReportListingAMessageSaysWhenTheOfficeReceivedIt() {
        var bench = bench()
        let posted = testEpoch + .hours(2)
        let message = makePost(by: villager, channel: "aspirasi", title: "Jalan rusak", created: posted)
        #expect(bench.offer(message) == nil)
        #expect(receipt(of: message, in: bench, at: posted + .hours(1)) == nil)
        let fromOffice = report(by: office, label: "Kantor Bupati", created: posted + .minutes(20), holding: [(message, posted + .minutes(7))])
        #expect(bench.offer(fromOffice) == nil)
        let receipt = receipt(of: message, in: bench, at: posted + .hours(1))
        #expect(receipt == OfficeReceipt(office: TestKeys.author(office), receivedAt: posted + .minutes(7), reportedAt: posted + .minutes(20)))
    }

    @Test func theOfficeSectionOfTheOfficesReportIsAReceiptAndAHallsIsRefused() {
        var bench = bench()
        let posted = testEpoch + .hours(2)
        let message = makePost(by: villager, channel: "aspirasi", title: "Lampu jalan mati", created: posted)
        #expect(bench.offer(message) == nil)
        let fromHall = report(by: hall, label: "Balai Sungai Besar", created: posted + .minutes(3), holding: [(message, posted)], inOfficeSection: true)
        #expect(bench.offer(fromHall) == .reportOfficeNotAuthority)
        #expect(receipt(of: message, in: bench, at: posted + .hours(1)) == nil)
        let fromOffice = report(by: office, label: "Kantor Bupati", created: posted + .minutes(20), holding: [(message, posted + .minutes(4))], inOfficeSection: true)
        #expect(bench.offer(fromOffice) == nil)
        #expect(receipt(of: message, in: bench, at: posted + .hours(1))
            == OfficeReceipt(office: TestKeys.author(office), receivedAt: posted + .minutes(4), reportedAt: posted + .minutes(20)))
    }

    @Test func aHallsOrAFreshKeysReportCannotMakeAMessageLookReceived() {
        var bench = bench()
        let posted = testEpoch + .hours(2)
        let message = makePost(by: villager, channel: "aspirasi", title: "Jalan rusak", created: posted)
        #expect(bench.offer(message) == nil)
        // A vouched hall calling itself the office: admitted (it is its report), never a receipt.
        #expect(bench.offer(report(by: hall, label: "Kantor Bupati", created: posted + .minutes(5), holding: [(message, posted)])) == nil)
        // A fresh key: refused at the door, and not a receipt even if handed in directly.
        let forged = report(by: fresh, label: "Kantor Bupati", created: posted + .minutes(6), holding: [(message, posted)])
        #expect(bench.offer(forged) == .reportNotAllowed)
        #expect(receipt(of: message, in: bench, at: posted + .hours(1)) == nil)
        #expect(OfficeReceipt.of(message, reports: [forged], authorities: bench.policy.rules.authorities) == nil)
        // A report by the office's key that does not list the message says nothing either.
        #expect(bench.offer(report(by: office, label: "Kantor Bupati", created: posted + .minutes(8), holding: [])) == nil)
        #expect(receipt(of: message, in: bench, at: posted + .hours(1)) == nil)
    }

    @Test func onlyTheOfficesNewestReportCountsAndItsOwnPostsAreNotReceipts() {
        let posted = testEpoch + .hours(2)
        let message = makePost(by: villager, channel: "aspirasi", title: "Jalan rusak", created: posted)
        let notice = makePost(by: office, channel: "resmi", title: "Jadwal posyandu", created: posted)
        let older = report(by: office, label: "Kantor Bupati", created: posted + .minutes(5), holding: [(message, posted + .minutes(1)), (notice, posted)])
        let newer = report(by: office, label: "Kantor Bupati", created: posted + .minutes(9), holding: [(notice, posted)])
        let authorities: Set<AuthorKey> = [TestKeys.author(office)]
        #expect(OfficeReceipt.of(message, reports: [older], authorities: authorities)?.receivedAt == posted + .minutes(1))
        // Newer first or last: the newer report, which no longer lists the message, decides.
        #expect(OfficeReceipt.of(message, reports: [older, newer], authorities: authorities) == nil)
        #expect(OfficeReceipt.of(message, reports: [newer, older], authorities: authorities) == nil)
        // The office's own notice is listed, but the office does not receive what it wrote.
        #expect(OfficeReceipt.of(notice, reports: [newer], authorities: authorities) == nil)
        // A second authority's report listing the notice is a receipt (another office has it).
        let other = report(by: 51, label: "Kantor Camat", created: posted + .minutes(9), holding: [(notice, posted + .minutes(2))])
        let both = authorities.union([TestKeys.author(51)])
        #expect(OfficeReceipt.of(notice, reports: [newer, other], authorities: both)?.office == TestKeys.author(51))
    }
}
