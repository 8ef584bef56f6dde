import Foundation
import Kabar
import KabarCrypto
@testable import KabarNode
import KabarPlatform
import Testing

/// The work behind the commands, on an in-memory store: what the daemon's control socket
/// will call.
@Suite(.serialized) struct OperationsTests {
    static let now = UnixTime(milliseconds: 1_793_491_200_000)
    static let identity = Identity(key: try! Ed25519.PrivateKey(seed: [UInt8](repeating: 3, count: 32)), label: "")

    /// A node service over a fresh data folder with no network, as a command uses one offline.
    static func offlineService(_ folder: TemporaryFolder, settings: NodeSettings = NodeSettings()) throws -> (NodeService, OfflineNode) {
        let data = DataDirectory(path: folder.path)
        let node = OfflineNode(
            settings: settings, data: data, key: identity.author, store: try FileStore.open(in: data, options: settings.storeOptions))
        let service = NodeService(host: node, identity: identity)
        service.installTrust()
        return (service, node)
    }

    @Test func postAndImportGoThroughTheOneDoorWithTheTrustRules() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let (service, node) = try Self.offlineService(folder)
        let market = try service.post(PostParameters(channel: "pasar", title: "Jual ikan", body: "Segar.\r\n\n"))
        #expect(market.body == "Segar.")
        #expect(service.store.contains(market.id))
        // An official channel with no authority trusted: refused by the same rules a peer's copy meets.
        #expect(throws: ServiceError.self) { try service.post(PostParameters(channel: "resmi", title: "Pengumuman", body: "")) }
        let path = folder.file("out.kabar")
        #expect(try service.export(ExportParameters(path: path)) == 1)
        try node.close()

        let other = TemporaryFolder()
        defer { other.remove() }
        let (importer, otherNode) = try Self.offlineService(other)
        defer { try? otherNode.close() }
        let report = try importer.importBundle(PathParameters(path: path))
        #expect(report.added == 1 && report.alreadyHad == 0 && report.isClean)
        #expect(try importer.importBundle(PathParameters(path: path)).alreadyHad == 1)
        // Retracted here: the bundle may not bring it back.
        let retraction = try importer.withdraw(TargetParameters(id: market.id.hex), hide: false)
        #expect(retraction.1 == [market.id])
        let again = try importer.importBundle(PathParameters(path: path))
        #expect(again.added == 0 && again.rejections.map(\.reason) == [BundleImport.retractedReason])
        #expect(throws: ServiceError.self) { try importer.importBundle(PathParameters(path: "relative.kabar")) }
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
    /// The keeper (Documentation/Attachments.md, "Keeping"): a retracted post's file goes with
    /// it, a channel over its budget keeps one file of two, and the compaction leaves exactly
    /// the kept files' blocks, whole, across a reopen.
    @Test func theKeeperDropsFilesNoLivePostListsAndTrimsAChannelToItsBudget() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        var settings = NodeSettings()
        settings.attachmentChannels["pasar"] = AttachmentPolicy.Channel(budgetBytes: 150_000)
        settings.attachmentChannels["darurat"] = AttachmentPolicy.Channel(sizeMax: 50_000)
        let (service, node) = try Self.offlineService(folder, settings: settings)
        var prng = PRNG(seed: 9)
        func post(_ channel: String, _ name: String) throws -> (Bulletin, ContentID) {
            let path = folder.file(name)
            try Data(prng.bytes(100_000)).write(to: URL(fileURLWithPath: path))
            let bulletin = try service.post(PostParameters(channel: channel, title: name, body: "", attach: [path]))
            return (bulletin, try #require(bulletin.content.attachments.first))
        }
        // A channel's own attach= limit holds for the operator's posts too.
        do {
            _ = try post("darurat", "e.jpg")
            Issue.record("a 100 KB file was attached on a channel of 50 KB")
        } catch {
            #expect((error as? ServiceError)?.message.en.contains("attach= on channel.darurat") == true, "\(error)")
        }
        let (retracted, gone) = try post("warga", "a.jpg")
        let (_, kept) = try post("warga", "b.jpg")
        let (_, market1) = try post("pasar", "c.jpg")
        let (_, market2) = try post("pasar", "d.jpg")
        _ = try service.withdraw(TargetParameters(id: retracted.id.hex), hide: false)
        let before = try #require(service.openedBlocks).count
        let report = try service.keepAttachments()
        #expect(report.listed == 3 && report.kept == 2 && report.dropped == 1, "\(report)")
        #expect(report.blocksRemoved > 0 && report.retried == 0)
        #expect(throws: ServiceError.self) { try service.attachment(gone) }
        #expect(try service.attachment(kept).1.count == 100_000)
        let marketHeld = [market1, market2].filter { (try? service.attachment($0)) != nil }
        #expect(marketHeld.count == 1)
        // The file dropped for space keeps its manifest: its post still names it.
        let dropped = try #require([market1, market2].first { !marketHeld.contains($0) })
        let info = try service.attachmentInfo(AttachmentListParameters(ids: [dropped.hex]))
        #expect(info.first?.name == "c.jpg" || info.first?.name == "d.jpg")
        #expect(info.first.map { $0.have < 100_000 } == true)
        let after = try #require(service.openedBlocks).count
        #expect(before - after == report.blocksRemoved)
        // A second pass finds nothing more to do.
        #expect(try service.keepAttachments().blocksRemoved == 0)
        try service.openedBlocks?.close()
        try node.close()
        let reopened = try BlockStore(directory: folder.file("blocks"))
        #expect(reopened.count == after)
        #expect(reopened.contains(kept) && !reopened.contains(gone))
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
