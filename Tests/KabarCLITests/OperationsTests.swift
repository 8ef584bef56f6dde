import Kabar
import KabarCrypto
@testable import KabarNode
import Testing

/// The work behind the commands, on an in-memory store: what the daemon's control socket
/// will call.
@Suite struct OperationsTests {
    struct OfficialOnlyByGrant: BulletinAdmission, LocalizedError {
        var localizedMessage: Localized { Localized(en: "no grant for this channel", id: "tidak ada izin untuk kanal ini") }
        func admit(_ bulletin: Bulletin, at now: UnixTime, store: some BulletinStore) throws {
            if bulletin.channel == "resmi" { throw self }
        }
    }

    static let now = UnixTime(milliseconds: 1_793_491_200_000)
    static let identity = Identity(key: try! Ed25519.PrivateKey(seed: [UInt8](repeating: 3, count: 32)), label: "")

    @Test func postStoresAndImportAppliesAdmissionAndPolicy() throws {
        var store = MemoryStore()
        let market = try BulletinOperations.post(
            PostRequest(channel: "pasar", title: "Jual ikan", body: "Segar.\r\n\n"), identity: Self.identity,
            store: &store, now: Self.now)
        #expect(market.body == "Segar.")
        #expect(market.expires == Self.now + .days(7))
        #expect(store.contains(market.id))
        let official = try BulletinOperations.post(
            PostRequest(channel: "resmi", title: "Pengumuman", body: ""), identity: Self.identity, store: &store, now: Self.now)
        #expect(throws: OfficialOnlyByGrant.self) {
            try BulletinOperations.post(
                PostRequest(channel: "resmi", title: "Lagi", body: ""), identity: Self.identity, store: &store,
                now: Self.now, admission: OfficialOnlyByGrant())
        }

        var bytes: [UInt8] = []
        bytes = try BundleFile.encodeForTest(store: store, now: Self.now)
        var decoder = try BundleDecoder(source: ArrayBundleSource(bytes))
        var other = MemoryStore()
        let report = try BundleImport.run(&decoder, into: &other, now: Self.now, admission: OfficialOnlyByGrant())
        #expect(report.added == 1 && report.rejected == 1)
        #expect(report.rejections.first?.reason.en == "no grant for this channel")
        #expect(report.rejections.first?.sampleIDs == [official.id])

        // A week and a day later the market post has expired: rejected by the policy.
        var late = try BundleDecoder(source: ArrayBundleSource(bytes))
        var third = MemoryStore()
        let lateReport = try BundleImport.run(&late, into: &third, now: Self.now + .days(8))
        #expect(lateReport.added == 1 && lateReport.rejections.map(\.reason.en) == ["bulletin has expired"])
    }

    @Test func rejectionReasonsAreCappedSoAHostileBundleCannotGrowTheReport() {
        var report = ImportReport()
        let id = BulletinID(words: (1, 2, 3, 4))
        for number in 0..<100 { report.reject(id, because: Localized(verbatim: "reason \(number)")) }
        report.reject(id, because: Localized(verbatim: "reason 0"))
        #expect(report.rejections.count == ImportReport.rejectionGroupsMax)
        #expect(report.rejections.first?.count == 2)
        #expect(report.rejections.last?.reason == ImportReport.otherReasons)
        #expect(report.rejections.last?.count == 100 - (ImportReport.rejectionGroupsMax - 1))
        #expect(report.rejected == 101 && !report.isClean)
    }

    @Test func checkedContentNamesEveryLimit() {
        func check(_ request: PostRequest) -> PostError? {
            do {
                _ = try BulletinOperations.checkedContent(request, author: Self.identity.author, now: Self.now)
                return nil
            } catch {
                return error
            }
        }
        #expect(check(PostRequest(channel: "pasar", title: " ", body: "")) == .missingTitle)
        #expect(check(PostRequest(channel: "pasar", title: "x", body: "a\rb")) == .controlCharacterInBody)
        #expect(check(PostRequest(channel: "pasar", title: "x", body: String(repeating: "é", count: 7_501)))
            == .bodyTooLong(bytes: 15_002, limit: 15_000))
        #expect(check(PostRequest(channel: "pasar", title: "x", body: String(repeating: "é", count: 7_500))) == nil)
        #expect(check(PostRequest(channel: "pasar", title: String(repeating: "a", count: 200), body: "")) == nil)
        #expect(check(PostRequest(channel: "darurat", title: "x", body: "", lifetime: .days(15)))
            == .lifetimeTooLong(days: 15, limitDays: 14, channel: "darurat"))
        #expect(check(PostRequest(channel: "-x", title: "x", body: "")) == .invalidChannel("-x"))
    }
}

extension BundleFile {
    /// A bundle of everything `store` would export at `now`, in memory.
    static func encodeForTest(store: some BulletinStore, now: UnixTime) throws -> [UInt8] {
        var bulletins: [Bulletin] = []
        BulletinOperations.forEachExported(from: store, channel: nil, since: nil, now: now) { bulletins.append($0) }
        return BundleEncoder.encode(bulletins)
    }
}
