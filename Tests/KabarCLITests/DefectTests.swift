import Foundation
@testable import KabarCLI
import Kabar
import KabarCrypto
import KabarNode
import Testing

/// Each defect found by trying the node (issue 13), pinned by its exit code and message.
@Suite(.serialized) struct DefectTests {
    @Test func anUnwritableStandardOutputExitsNonZeroAndThePostIsKept() {
        let node = TestNode()
        defer { node.remove() }
        var errors = ""
        var context: CommandContext!
        context = CommandContext(
            environment: [:], language: .english, inputIsTerminal: false,
            output: { _ in context.outputFailure = "No space left on device" }, error: { errors += $0 },
            readInput: { _ in [] }, readLine: { nil })
        let code = KabarCLI.main(["post", "--channel", "pasar", "--title", "Jual", "--body", "x", "--data", node.data], context: context)
        #expect(code == 1)
        #expect(errors.contains("standard output could not be written (No space left on device)"))
        #expect(node.run(["list"]).output.contains("Jual"))
    }

    @Test func invalidUTF8InAnArgumentIsRefusedAndNothingIsStored() {
        let node = TestNode()
        defer { node.remove() }
        var errors = ""
        let context = CommandContext(
            environment: [:], language: .english, inputIsTerminal: false, output: { _ in }, error: { errors += $0 },
            readInput: { _ in [] }, readLine: { nil })
        let raw = ["post", "--channel", "pasar", "--title"].map { Array($0.utf8) } + [[0x4a, 0xff, 0xfe]]
            + ["--body", "x", "--data", node.data].map { Array($0.utf8) }
        #expect(KabarCLI.main(rawArguments: raw, context: context) == 2)
        #expect(errors.contains("argument 5") && errors.contains("is not UTF-8 text; nothing was done"))
        #expect(node.run(["list"]).output.contains("no bulletins"))
        let body = node.run(["post", "--channel", "pasar", "--title", "x"], input: [0x61, 0xc3])
        #expect(body.code == 2 && body.error.contains("not UTF-8"))
    }

    @Test func anImportThatStopsEarlySaysWhatItStored() {
        var report = ImportReport()
        report.added = 41
        report.stoppedBy = Localized(en: "cannot use /data/store: No space left on device", id: "tidak dapat memakai /data/store: disk penuh")
        let summary = ImportSummary(report)
        #expect(!summary.isClean)
        let context = CommandContext(
            environment: [:], language: .english, inputIsTerminal: false, output: { _ in }, error: { _ in },
            readInput: { _ in [] }, readLine: { nil })
        let text = ImportCommand.describe(summary, context)
        #expect(text.contains("added 41"))
        #expect(text.contains("the import stopped early: cannot use /data/store: No space left on device. The 41 bulletins added before it are stored"))
        #expect(ImportCommand.json(summary, context).contains("\"stopped_by\":\"cannot use /data/store"))
    }

    @Test func kabarConfQuotaAndChannelsHoldForACommandWithoutADaemon() throws {
        let node = TestNode()
        defer { node.remove() }
        let conf = "quota = 300KB\nchannel.warga = community posts=5000 bytes=50MB\n"
        try conf.write(toFile: node.data + "/kabar.conf", atomically: true, encoding: .utf8)
        let identity = try Identity.load(from: DataDirectory(path: node.data))
        let now = UnixTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1_000))
        let body = String(repeating: "harga cabai turun. ", count: 50)
        let bulletins = try (0..<600).map { number in
            try BulletinOperations.signedPost(
                PostRequest(channel: "warga", title: "Kabar \(number)", body: body), identity: identity,
                now: now - .milliseconds(Int64(number)))
        }
        let path = node.folder.file("many.kabar")
        try Data(BundleEncoder.encode(bulletins)).write(to: URL(fileURLWithPath: path))
        let run = node.run(["import", path])
        #expect(run.code == 0, "\(run.output)\(run.error)")
        // Every bulletin was good; the quota kept the newest and says how many it evicted.
        #expect(run.output.contains("already had 0, rejected 0"), "\(run.output)")
        let store = try FileStore.open(in: DataDirectory(path: node.data))
        let evicted = try #require(run.output.split(separator: "\n").first { $0.hasPrefix("note: the store reached its disk quota; ") }
            .flatMap { Int($0.split(separator: " ")[7]) }, "\(run.output)")
        #expect(store.count == 600 - evicted && evicted > 0, "\(store.count) held, \(evicted) evicted")
        #expect(store.diskBytes <= 300_000, "the store grew to \(store.diskBytes) bytes past its 300 KB quota")
        try store.close()
        // The channel rule of kabar.conf holds too: a lifetime over its maximum is refused.
        try (conf + "channel.pasar = community lifetime=1d max=2d\n").write(toFile: node.data + "/kabar.conf", atomically: true, encoding: .utf8)
        let long = node.run(["post", "--channel", "pasar", "--title", "x", "--body", "y", "--expires", "5d"])
        #expect(long.code == 2 && long.error.contains("at most 2 days"), "\(long.error)")
    }
}
