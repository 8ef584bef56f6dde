import Kabar
import KabarCrypto
import Testing

/// Hall reports and reach (Documentation/Reach.md): the format, the trust rules for reports,
/// reach computed from them, and when a node reports.
@Suite struct ReachTests {
    let authority = TrustKeys.authority
    let hallA: UInt8 = 60
    let hallB: UInt8 = 61
    let hallC: UInt8 = 62
    let fresh = TrustKeys.outsider

    /// Rules under which the authority vouched for halls A, B and C.
    func bench(quota: Quota = .defaultQuota) -> TrustBench {
        var bench = TrustBench(rules: trustRules(quota: quota))
        let vouch = Vouch(keys: [hallA, hallB, hallC].map { TestKeys.author($0) })!
        let content = vouch.content(author: TestKeys.author(authority), created: testEpoch, expires: testEpoch + .days(90))
        #expect(bench.offer(try! Bulletin.sign(content, with: TestKeys.key(authority))) == nil)
        return bench
    }

    func report(
        by signer: UInt8, label: String = "Sungai Besar, Bangko", created: UnixTime, holding: [(Bulletin, UnixTime)] = [],
        window: TimeSpan = .days(7), lifetime: TimeSpan = .days(2)
    ) -> Bulletin {
        let seen = Dictionary(uniqueKeysWithValues: holding.map { ($0.0.id, $0.1) })
        let (holdings, horizon) = HallReport.holdings(firstSeen: seen, at: created, window: window, limit: 24)
        let report = HallReport(
            label: label, software: "kabar 0.9", storeCount: 1_234, storeBytes: 5_000_000, clockOffset: -3,
            heardAge: 40, muleAge: 7_200, horizonAge: horizon, holdings: holdings)
        return try! Bulletin.sign(report.content(author: TestKeys.author(signer), created: created, lifetime: lifetime), with: TestKeys.key(signer))
    }

    func official(_ title: String, created: UnixTime) -> Bulletin {
        makePost(by: authority, channel: "resmi", title: title, created: created, lifetime: .days(30))
    }

    // MARK: The format

    @Test func aReportRoundTripsThroughItsBulletinAndStaysSmall() throws {
        let now = testEpoch + .days(3)
        var seen: [(Bulletin, UnixTime)] = []
        for index in 0..<24 {
            let notice = official("Pengumuman \(index)", created: testEpoch + .hours(Int64(index * 2)))
            seen.append((notice, notice.created + .minutes(Int64(3 + index))))
        }
        let bulletin = report(by: hallA, created: now, holding: seen)
        let decoded = try Bulletin.decode(bulletin.encoded)
        let parsed = try HallReport(decoded)
        #expect(parsed.label == "Sungai Besar, Bangko" && parsed.software == "kabar 0.9")
        #expect(parsed.storeCount == 1_234 && parsed.storeBytes == 5_000_000 && parsed.clockOffset == -3)
        #expect(parsed.heardAge == 40 && parsed.muleAge == 7_200 && parsed.holdings.count == 24)
        // Every holding names its bulletin and when the hall first had it, to the second.
        for (notice, firstSeen) in seen {
            let holding = try #require(parsed.holding(of: notice.id))
            #expect(now - .seconds(Int64(holding.age)) == firstSeen)
        }
        #expect(parsed.holding(of: official("other", created: now).id) == nil)
        // Newest first: ages never decrease.
        #expect(parsed.holdings.map(\.age) == parsed.holdings.map(\.age).sorted())
        // Compact: the envelope (124 bytes: header 50, channel 7, field header 2-3, signature
        // 64), 47 bytes of figures and labels, and about 7 bytes a holding (4 of prefix, 2-3 of
        // delta).
        let field = try #require(decoded.content.unknownFields.first)
        #expect(bulletin.encoded.count == 123 + field.value.count + (field.value.count >= 128 ? 1 : 0))
        #expect(field.value.count - 24 * 4 <= 48 + 24 * 3)
        #expect(bulletin.encoded.count <= 360)
    }

    /// The figures of Reach.md, "Size, per report and per day", byte for byte.
    @Test func theSizesInReachMdHold() throws {
        let now = testEpoch + .days(10)
        func size(ages: [TimeSpan]) throws -> Int {
            var seen: [BulletinID: UnixTime] = [:]
            for (index, age) in ages.enumerated() { seen[official("N\(index)", created: now - age - .minutes(1)).id] = now - age }
            let (holdings, horizon) = HallReport.holdings(firstSeen: seen, at: now, window: .days(7), limit: 24)
            let report = HallReport(
                label: "Sungai Besar, Bangko", software: "kabar 0.1.0", storeCount: 50_000, storeBytes: 1_000_000_000,
                clockOffset: 0, heardAge: 30, muleAge: 7_200, horizonAge: horizon, holdings: holdings)
            try report.validate()
            return try Bulletin.sign(report.content(author: TestKeys.author(hallA), created: now), with: TestKeys.key(hallA)).encoded.count
        }
        #expect(try size(ages: []) == 174)
        #expect(try size(ages: [.hours(1), .hours(10), .days(1), .days(2), .days(4), .days(6)]) == 215)
        // The regency's full volume: a notice every 36 minutes, the newest 10 minutes old.
        #expect(try size(ages: (0..<24).map { .minutes(10 + 36 * Int64($0)) }) == 319)
        // The district scenario: six notices two minutes apart, an hour old.
        let district = try (1...6).map { count in try size(ages: (0..<count).map { .minutes(60 + 2 * Int64($0)) }) }
        #expect(district == [180, 185, 190, 195, 200, 205])
    }

    @Test func malformedReportsEndInTypedErrors() throws {
        let good = HallReport(
            label: "Bagan", software: "kabar", storeCount: 1, storeBytes: 2, clockOffset: 0, heardAge: nil, muleAge: nil,
            horizonAge: 60, holdings: [.init(prefix: 7, age: 1), .init(prefix: 9, age: 5)])
        let bytes = good.encoded()
        #expect(try HallReport.parse(bytes) == good)
        func error(_ value: [UInt8]) -> HallReportError? {
            do {
                _ = try HallReport.parse(value)
                return nil
            } catch {
                return error
            }
        }
        #expect(error(Array(bytes.dropLast())) == .truncated)
        // An empty office section is not its one encoding (it is left out); after a full one,
        // a byte more is left over.
        #expect(error(bytes + [0]) == .nonCanonical)
        var office = good
        office.officeHoldings = [.init(prefix: 11, age: 3)]
        #expect(try HallReport.parse(office.encoded()) == office)
        #expect(error(office.encoded() + [0]) == .trailingBytes(1))
        office.officeHoldings = [.init(prefix: 11, age: 3), .init(prefix: 11, age: 4)]
        #expect(error(office.encoded()) == .duplicateHolding)
        #expect(error([2] + bytes.dropFirst()) == .unknownVersion(2))
        #expect(error([UInt8](repeating: 0, count: HallReport.valueBytesMax + 1)) == .tooLarge(HallReport.valueBytesMax + 1))
        // A label over 64 bytes, a control character, bad UTF-8.
        var long = [UInt8(1), 65] + [UInt8](repeating: 0x61, count: 65)
        long += bytes.dropFirst(7)
        #expect(error(long) == .textTooLong(.label, limit: 64))
        #expect(error([1, 5] + Array("Ba\ngn".utf8) + bytes.dropFirst(7)) == .controlCharacter(.label))
        #expect(error([1, 5, 0xff, 0xfe, 0x61, 0x61, 0x61] + bytes.dropFirst(7)) == .badUTF8(.label))
        var bad = good
        bad.prefixBytes = 5
        #expect(throws: HallReportError.prefixLength(5)) { try bad.validate() }
        bad = good
        bad.holdings.reverse()
        #expect(error(bad.encodedUnchecked()) == .outOfRange || error(bad.encodedUnchecked()) == .holdingsOrder)
        bad = good
        bad.holdings = [.init(prefix: 7, age: 1), .init(prefix: 7, age: 5)]
        #expect(error(bad.encoded()) == .duplicateHolding)
        bad = good
        bad.holdings = (0..<65).map { .init(prefix: UInt64($0), age: 0) }
        #expect(throws: HallReportError.tooManyHoldings(65)) { try bad.validate() }
        // A varint in a longer form than needed: the store count 1 as 0x81 0x00.
        let storeAt = 1 + 1 + 5 + 1 + 5
        #expect(error(Array(bytes[..<storeAt]) + [0x81, 0x00] + bytes[(storeAt + 1)...]) == .truncated)

        // The bulletin around it: channel, fields, lifetime.
        var content = good.content(author: TestKeys.author(hallA), created: testEpoch)
        content.channel = "warga"
        #expect(throws: HallReportError.wrongChannel) { try HallReport(try Bulletin.sign(content, with: TestKeys.key(hallA))) }
        content = good.content(author: TestKeys.author(hallA), created: testEpoch)
        content.unknownFields.append(UnknownField(tag: 11, value: [1]))
        #expect(throws: HallReportError.unexpectedField) { try HallReport(try Bulletin.sign(content, with: TestKeys.key(hallA))) }
        content = good.content(author: TestKeys.author(hallA), created: testEpoch)
        content.expires = testEpoch + .days(3)
        #expect(throws: HallReportError.lifetimeTooLong) { try HallReport(try Bulletin.sign(content, with: TestKeys.key(hallA))) }
        #expect(throws: HallReportError.notAReport) { try HallReport(makePost()) }
    }

    // MARK: Trust

    @Test func aReportFromAFreshKeyNamingAHallIsRefused() {
        var bench = bench()
        let forged = report(by: fresh, label: "Sungai Besar, Bangko", created: testEpoch + .minutes(30))
        #expect(bench.offer(forged) == .reportNotAllowed)
        #expect(TrustError.reportNotAllowed.localizedMessage.id.hasPrefix("laporan balai ditolak"))
        // The hall itself, the authority and a grantee may report.
        #expect(bench.offer(report(by: hallA, created: testEpoch + .minutes(30))) == nil)
        #expect(bench.offer(report(by: authority, created: testEpoch + .minutes(30))) == nil)
        #expect(bench.offer(makeGrant(by: authority, to: TrustKeys.grantee, channels: ["resmi"])) == nil)
        #expect(bench.offer(report(by: TrustKeys.grantee, created: testEpoch + .minutes(30))) == nil)
        #expect(bench.policy.latestReports(at: testEpoch + .hours(1)).count == 3)
        // A malformed one says why.
        var content = report(by: hallA, created: testEpoch + .minutes(40)).content
        content.channel = "warga"
        let onWarga = try! Bulletin.sign(content, with: TestKeys.key(hallA))
        #expect(bench.offer(onWarga) == .reportMalformed(.wrongChannel))
    }

    /// Only an authority's report may carry an office section: a vouched hall's is refused, so a
    /// hall cannot make a villager's message look received by the office.
    @Test func anOfficeSectionFromAHallIsRefusedAndFromTheAuthorityAdmitted() throws {
        var bench = bench()
        let office = HallReport(
            label: "Kantor Bupati", software: "kabar", storeCount: 1, storeBytes: 1, clockOffset: 0, heardAge: 1, muleAge: nil,
            horizonAge: 60, holdings: [], officeHoldings: [.init(prefix: 5, age: 2)])
        let byHall = try Bulletin.sign(office.content(author: TestKeys.author(hallA), created: testEpoch), with: TestKeys.key(hallA))
        #expect(bench.offer(byHall) == .reportOfficeNotAuthority)
        let byAuthority = try Bulletin.sign(office.content(author: TestKeys.author(authority), created: testEpoch), with: TestKeys.key(authority))
        #expect(bench.offer(byAuthority) == nil)
    }

    @Test func aNewerReportReplacesTheOlderAndAnOlderOneIsRefusedAfter() {
        var bench = bench()
        let first = report(by: hallA, created: testEpoch + .minutes(10))
        let middle = report(by: hallA, label: "Bagan", created: testEpoch + .minutes(20))
        let newest = report(by: hallA, created: testEpoch + .minutes(30))
        #expect(bench.offer(first) == nil)
        #expect(bench.offer(newest) == nil)
        // The older is dropped and tombstoned until it would have expired.
        #expect(!bench.store.contains(first.id) && bench.store.isRemoved(first.id))
        #expect(bench.policy.latestReports(at: testEpoch + .hours(1)) == [newest.id])
        // One made between them, never seen here, arrives late: refused, naming the newer.
        #expect(bench.offer(middle) == .reportSuperseded(by: newest.id))
        // Another node's report is its own: both held.
        #expect(bench.offer(report(by: hallB, created: testEpoch + .minutes(5))) == nil)
        #expect(bench.policy.latestReports(at: testEpoch + .hours(1)).count == 2)
        // A silent hall drops out when its report expires (2 days at most).
        #expect(bench.policy.latestReport(by: TestKeys.author(hallB), at: testEpoch + .days(2) + .minutes(6)) == nil)
        #expect(bench.policy.latestReport(by: TestKeys.author(hallA), at: testEpoch + .days(2) + .minutes(6)) == newest.id)
    }

    @Test func aRebuildKeepsTheNewestReportOfEachNodeAndDropsTheRest() {
        var bench = bench()
        let first = report(by: hallA, created: testEpoch + .minutes(10))
        let newest = report(by: hallA, created: testEpoch + .minutes(30))
        // A crash left both in the store.
        _ = bench.store.insert(first, durability: .lazy)
        _ = bench.store.insert(newest, durability: .lazy)
        let removals = bench.policy.rebuild(from: bench.store, at: testEpoch + .hours(1))
        #expect(removals == [BulletinRemoval(id: first.id, until: first.expires)])
        #expect(bench.policy.latestReports(at: testEpoch + .hours(1)) == [newest.id])
    }

    @Test func reportsCountAgainstTheQuotaOnKabar() {
        var bench = bench(quota: Quota(countPerDayMax: 3, bytesPerDayMax: 1_000_000))
        for minute in 1...3 {
            #expect(bench.offer(report(by: hallA, created: testEpoch + .minutes(Int64(minute)))) == nil)
        }
        #expect(bench.offer(report(by: hallA, created: testEpoch + .minutes(4))) == .quotaCount(channel: "kabar", limit: 3))
    }

    // MARK: Reach

    @Test func reachCountsTheHallsWhoseNewestReportListsTheBulletin() throws {
        var bench = bench()
        let posted = testEpoch + .hours(2)
        let notice = official("Jadwal posyandu", created: posted)
        #expect(bench.offer(notice) == nil)
        // A reports after, holding it since 5 minutes after it was posted; B reports after,
        // without it; C last reported before it was posted.
        let fromA = report(by: hallA, label: "A", created: posted + .minutes(30), holding: [(notice, posted + .minutes(5))])
        let fromB = report(by: hallB, label: "B", created: posted + .minutes(30))
        let fromC = report(by: hallC, label: "C", created: posted - .hours(1))
        for bulletin in [fromA, fromB, fromC] { #expect(bench.offer(bulletin) == nil) }
        // A fresh key's report claiming the bulletin under A's label changes nothing.
        #expect(bench.offer(report(by: fresh, label: "A", created: posted + .minutes(31), holding: [(notice, posted)])) == .reportNotAllowed)
        let now = posted + .hours(1)
        let reports = bench.policy.latestReports(at: now).compactMap { bench.store.bulletin($0) }
        let reach = Reach.of(notice.id, created: notice.created, reports: reports)
        #expect(reach.reachedCount == 1 && reach.knownCount == 3 && reach.pendingCount == 1)
        #expect(reach.halls.map(\.label) == ["A", "B", "C"])
        #expect(reach.halls[0].status == .reached(firstSeen: posted + .minutes(5)))
        #expect(reach.halls[0].node == TestKeys.author(hallA) && reach.halls[0].lastReport == fromA.created)
        #expect(reach.halls[1].status == .notReached)
        #expect(reach.halls[2].status == .notReportedSince)
        // B's newer report, listing it, replaces the old everywhere: now two.
        let laterB = report(by: hallB, label: "B", created: posted + .minutes(50), holding: [(notice, posted + .minutes(45))])
        #expect(bench.offer(laterB) == nil)
        let again = Reach.of(notice.id, created: notice.created, reports: bench.policy.latestReports(at: now).compactMap { bench.store.bulletin($0) })
        #expect(again.reachedCount == 2 && again.knownCount == 3)
        #expect(again.halls[1].status == .reached(firstSeen: posted + .minutes(45)))
    }

    @Test func aBulletinOlderThanAReportsHorizonCannotBeCountedAsMissing() {
        let old = official("Lama", created: testEpoch)
        let later = testEpoch + .days(10)
        // A 7-day window: the old notice, not listed, may be held from before the horizon.
        let fromA = report(by: hallA, created: later)
        #expect(Reach.of(old.id, created: old.created, reports: [fromA]).halls[0].status == .beyondHorizon)
        // Unknown creation (the asking node lacks the bulletin): only a listing counts.
        #expect(Reach.of(old.id, created: nil, reports: [fromA]).halls[0].status == .beyondHorizon)
        // The newer of two reports by one node counts.
        let listing = report(by: hallA, created: later + .minutes(1), holding: [(old, later)], window: .days(30))
        #expect(Reach.of(old.id, created: old.created, reports: [listing, fromA]).reachedCount == 1)
    }

    @Test func holdingsAreNewestFirstWithinTheWindowAndACutMovesTheHorizon() {
        let now = testEpoch + .days(20)
        var seen: [BulletinID: UnixTime] = [:]
        var notices: [Bulletin] = []
        for index in 0..<10 {
            let notice = official("N\(index)", created: testEpoch + .days(Int64(index * 2)))
            notices.append(notice)
            seen[notice.id] = notice.created + .minutes(1)
        }
        // Window 7 days: the notices first seen on days 14, 16 and 18.
        let (inWindow, horizon) = HallReport.holdings(firstSeen: seen, at: now, window: .days(7), limit: 24)
        #expect(inWindow.map(\.prefix) == [9, 8, 7].map { HallReport.prefix(of: notices[$0].id, bytes: 4) })
        #expect(horizon == 7 * 86_400)
        // A limit of 2 leaves out day 14's: the list is complete from one second after it.
        let (cut, cutHorizon) = HallReport.holdings(firstSeen: seen, at: now, window: .days(7), limit: 2)
        #expect(cut.count == 2)
        let leftOutAge = UInt64((now - (notices[7].created + .minutes(1))).microseconds / 1_000_000)
        #expect(cutHorizon == leftOutAge - 1)
        let report = HallReport(
            label: "", software: "", storeCount: 0, storeBytes: 0, clockOffset: 0, heardAge: nil, muleAge: nil,
            horizonAge: cutHorizon, holdings: cut)
        let signed = try! Bulletin.sign(report.content(author: TestKeys.author(hallA), created: now), with: TestKeys.key(hallA))
        #expect(Reach.of(notices[7].id, created: notices[7].created, reports: [signed]).halls[0].status == .beyondHorizon)
        #expect(Reach.of(notices[9].id, created: notices[9].created, reports: [signed]).reachedCount == 1)
    }

    // MARK: When to report

    @Test func theScheduleReportsOnTheIntervalAfterANewOfficialBulletinAndAfterAMule() {
        let start = testEpoch
        var schedule = ReportSchedule(start: start)
        // No report yet: the first is due 2 minutes after start.
        #expect(schedule.nextReport(at: start) == start + .minutes(2))
        schedule.didReport(bytes: 250, at: start + .minutes(2))
        #expect(schedule.nextReport(at: start + .minutes(3)) == start + .minutes(2) + .hours(24))
        // Two official bulletins a minute apart: one report, 2 minutes after the first.
        schedule.officialStored(at: start + .hours(1))
        schedule.officialStored(at: start + .hours(1) + .minutes(1))
        #expect(schedule.nextReport(at: start + .hours(1) + .minutes(1)) == start + .hours(1) + .minutes(2))
        #expect(!schedule.isDue(at: start + .hours(1) + .minutes(1)))
        #expect(schedule.isDue(at: start + .hours(1) + .minutes(2)))
        schedule.didReport(bytes: 250, at: start + .hours(1) + .minutes(2))
        // A peer heard 10 minutes ago is no mule; one quiet for 2 hours (or never heard) is.
        schedule.synced(quiet: .minutes(10), at: start + .hours(2))
        #expect(schedule.nextReport(at: start + .hours(2)) == start + .hours(25) + .minutes(2))
        schedule.synced(quiet: .hours(2), at: start + .hours(2))
        #expect(schedule.nextReport(at: start + .hours(2)) == start + .hours(2) + .minutes(2))
        // Off: never.
        var off = ReportSchedule.Settings()
        off.enabled = false
        #expect(ReportSchedule(settings: off, start: start).nextReport(at: start) == nil)
    }

    /// The one reporter daemon and simulator drive: an official post is listed with the time it
    /// arrived; a post on `aspirasi` (an office channel) is listed, in the office section, only
    /// in the report of the regency office (its key an authority), never in a plain hall's.
    @Test func theOfficesReportListsAnAspirasiMessageItHoldsAndAHallsDoesNot() throws {
        let notice = official("Posyandu", created: testEpoch)
        let message = makePost(by: hallB, channel: "aspirasi", title: "Jalan rusak", created: testEpoch + .minutes(1))
        #expect(ChannelRules.defaults.rule(for: "aspirasi").office && ChannelRules.defaults.rule(for: "aspirasi").access == .community)
        func reportAt(office: Bool, signer: UInt8) throws -> HallReport {
            var reporter = HallReporter()
            reporter.isOffice = office
            reporter.start(at: testEpoch, ownReport: nil, official: [], office: [])
            for bulletin in [notice, message] {
                reporter.stored(bulletin.id, kind: bulletin.kind, rule: ChannelRules.defaults.rule(for: bulletin.channel), at: bulletin.created + .seconds(10))
            }
            // Both arrived within the batching delay: one report, 2 minutes after the first.
            #expect(reporter.nextReport(at: testEpoch + .seconds(70)) == testEpoch + .minutes(2))
            let facts = HallReporter.Facts(label: "Bagan", software: "kabar 0.9", storeCount: 2, storeBytes: 900)
            let content = try reporter.content(at: testEpoch + .minutes(2), facts: facts, author: TestKeys.author(signer)) { _ in true }
            let bulletin = try Bulletin.sign(content, with: TestKeys.key(signer))
            reporter.made(bulletin, at: testEpoch + .minutes(2))
            #expect(reporter.lastCreated == testEpoch + .minutes(2))
            return try HallReport(bulletin)
        }
        let office = try reportAt(office: true, signer: authority)
        #expect(office.holding(of: notice.id)?.age == 110)
        #expect(office.officeHolding(of: message.id)?.age == 50)
        #expect(office.holding(of: message.id) == nil)
        let hall = try reportAt(office: false, signer: hallA)
        #expect(hall.holding(of: notice.id)?.age == 110)
        #expect(hall.officeHolding(of: message.id) == nil && hall.officeHoldings.isEmpty)
        // A hall's report carries no byte of the office section.
        #expect(hall.encoded().count + 4 + 1 + 1 == office.encoded().count)
    }

    /// A bulletin the node no longer holds leaves its list; a report made in the same
    /// millisecond as the last is dated 1 ms after it, so it always replaces it.
    @Test func theReporterForgetsWhatIsGoneAndDatesEachReportAfterTheLast() throws {
        var reporter = HallReporter()
        reporter.start(at: testEpoch, ownReport: nil, official: [])
        let notice = official("Posyandu", created: testEpoch)
        reporter.stored(notice.id, kind: .post, rule: ChannelRules.defaults.rule(for: "resmi"), at: testEpoch)
        let facts = HallReporter.Facts(label: "Bagan", software: "kabar", storeCount: 1, storeBytes: 1)
        let first = try Bulletin.sign(
            try reporter.content(at: testEpoch + .minutes(2), facts: facts, author: TestKeys.author(hallA)) { _ in true }, with: TestKeys.key(hallA))
        reporter.made(first, at: testEpoch + .minutes(2))
        let second = try reporter.content(at: testEpoch + .minutes(2), facts: facts, author: TestKeys.author(hallA)) { _ in false }
        #expect(second.created == testEpoch + .minutes(2) + .milliseconds(1))
        #expect(reporter.firstSeen.isEmpty)
        // A peer first heard, then its sync: a mule's visit, which triggers a report.
        reporter.observe(.peerDiscovered(.simulated(3)), at: testEpoch + .hours(1))
        reporter.observe(.syncFinished(peer: .simulated(3), roundTrips: 1, bytesSent: 0, bytesReceived: 0, differences: 0), at: testEpoch + .hours(1))
        #expect(reporter.lastMule == testEpoch + .hours(1))
        #expect(reporter.nextReport(at: testEpoch + .hours(1)) == testEpoch + .hours(1) + .minutes(2))
    }

    @Test func theDailyBudgetHoldsReportsBackUntilOlderOnesLeaveTheWindow() {
        var settings = ReportSchedule.Settings()
        settings.bytesPerDayMax = 1_000
        let start = testEpoch
        var schedule = ReportSchedule(settings: settings, lastReport: start, bytes: 400, start: start)
        schedule.officialStored(at: start + .hours(1))
        #expect(schedule.nextReport(at: start + .hours(1)) == start + .hours(1) + .minutes(2))
        schedule.didReport(bytes: 400, at: start + .hours(1) + .minutes(2))
        // 800 of 1,000 bytes spent: a third report of 400 waits until the first leaves the day.
        schedule.officialStored(at: start + .hours(2))
        #expect(schedule.nextReport(at: start + .hours(2)) == start + .days(1))
        // Past half the budget, reports keep to its pace: 300 bytes of 1,000 a day, one every
        // 7.2 hours after the last.
        var paced = ReportSchedule(settings: settings, lastReport: start, bytes: 300, start: start)
        paced.officialStored(at: start + .hours(1))
        #expect(paced.nextReport(at: start + .hours(1)) == start + .hours(1) + .minutes(2))
        paced.didReport(bytes: 300, at: start + .hours(1) + .minutes(2))
        paced.officialStored(at: start + .hours(2))
        #expect(paced.nextReport(at: start + .hours(2)) == start + .hours(1) + .minutes(2) + .minutes(432))
        // After a restart, the node's own last report in the store seeds the budget.
        let restarted = ReportSchedule(settings: settings, lastReport: start + .hours(1), bytes: 300, start: start + .hours(2))
        #expect(restarted.nextReport(at: start + .hours(2)) == start + .hours(25))
    }
}

extension HallReport {
    /// The encoding without the checks (for tests of the parser's).
    func encodedUnchecked() -> [UInt8] {
        var copy = self
        // Ages out of order make a negative delta: write it as a large one instead.
        let sorted = copy.holdings
        copy.holdings = []
        var bytes = copy.encoded()
        bytes.removeLast()
        bytes.append(UInt8(sorted.count))
        var previous: UInt64 = 0
        for holding in sorted {
            for index in stride(from: copy.prefixBytes - 1, through: 0, by: -1) {
                bytes.append(UInt8(truncatingIfNeeded: holding.prefix >> UInt64(8 * index)))
            }
            var writer = ByteWriter()
            writer.writeVarint(holding.age &- previous)
            bytes += writer.bytes
            previous = holding.age
        }
        return bytes
    }
}
