import Foundation
import Kabar
import KabarCrypto
@testable import KabarNode
import Testing

/// Hall reports through running daemons (Documentation/Reach.md): each node reports on its own
/// after an official bulletin arrives, the reports travel, `reach` at the authority's node
/// counts both halls, and a forged report from a fresh key is refused.
@Suite(.serialized) struct ReachDaemonTests {
    @Test func anOfficialPostIsReportedByEveryHallAndReachCountsThem() throws {
        let (a, b) = try LoopbackDaemon.pair { settings in settings.reportSchedule.delay = .seconds(0) }
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let daemons = [a, b]
        let authority = a.daemon.node.key.hex, hall = b.daemon.node.key.hex
        for daemon in daemons {
            #expect(try control(.authority(KeyListParameters(action: "add", key: authority)), to: daemon, stepping: daemons).get().changed == true)
        }
        // The regency vouches for the hall: the hall's reports count at the regency's node.
        let vouch = try control(.vouch(VouchParameters(keys: [hall])), to: a, stepping: daemons).get()
        let vouchID = try #require(vouch.id.flatMap(BulletinID.init(hex:)))
        #expect(try drive(daemons) { b.store.contains(vouchID) })

        let post = try control(.post(PostParameters(channel: "resmi", title: "Jadwal posyandu", body: "Senin")), to: a, stepping: daemons).get()
        let postID = try #require(post.id.flatMap(BulletinID.init(hex:)))
        let reached = try drive(daemons) { (try? a.service.reach(TargetParameters(id: postID.hex)))?.hallsReached == 2 }
        #expect(reached, "reach at the authority's node never counted both halls")
        let reach = try #require(try control(.reach(TargetParameters(id: postID.hex)), to: a, stepping: daemons).get().reach)
        #expect(reach.id == postID.hex && reach.hallsKnown == 2 && reach.hallsReached == 2)
        #expect(Set(reach.halls.map(\.node)) == [authority, hall])
        #expect(reach.halls.allSatisfy { $0.status == "reached" && ($0.firstSeen ?? 0) > 0 && $0.lastReport >= ($0.firstSeen ?? 0) })
        // The JSON keys the issue names, first_seen present even when null.
        let json = String(decoding: ControlProtocol.encodeLine(reach), as: UTF8.self)
        for key in ["\"id\"", "\"halls_reached\"", "\"halls_known\"", "\"halls\"", "\"node\"", "\"label\"", "\"first_seen\"", "\"last_report\""] {
            #expect(json.contains(key), "\(key) missing from \(json)")
        }
        let halls = try #require(try control(.halls, to: a, stepping: daemons).get().halls)
        #expect(halls.count == 2 && halls.allSatisfy { $0.software.hasPrefix("kabar ") && $0.holdings == 1 })

        // Listings of every channel leave reports out; `kabar` shows them, named "report".
        let everything = try a.service.list(ListParameters(limit: 1_000))
        #expect(!everything.isEmpty && !everything.contains { HallReport.isReportKind($0) })
        let system = try a.service.list(ListParameters(channel: "kabar", limit: 1_000)).filter { HallReport.isReportKind($0) }
        #expect(system.count == 2 && system.allSatisfy { $0.kind.name == "report" })

        // A fresh key's report naming the hall, listing the post: refused at the door.
        let fresh = try Ed25519.PrivateKey(seed: [UInt8](repeating: 9, count: 32))
        let freshKey = try #require(AuthorKey(bytes: fresh.publicKey.rawRepresentation))
        let forged = HallReport(
            label: "", software: "kabar 0.1.0", storeCount: 1, storeBytes: 1, clockOffset: 0, heardAge: 0, muleAge: nil,
            horizonAge: 3_600, holdings: [HallReport.Holding(prefix: HallReport.prefix(of: postID, bytes: 4), age: 1)])
        let forgedBulletin = try Bulletin.sign(forged.content(author: freshKey, created: a.service.host.bestTime()), with: fresh)
        let outcome = a.daemon.withNode { node, now in node.submit(forgedBulletin, durability: .immediate, at: now) }
        guard case .refused(let refusal) = outcome else {
            Issue.record("a fresh key's report was stored: \(outcome)")
            return
        }
        #expect(refusal.localizedMessage.en.contains("hall report refused: only an authority"))
        #expect(try control(.reach(TargetParameters(id: postID.hex)), to: a, stepping: daemons).get().reach?.hallsKnown == 2)
    }

    /// After a restart a node takes its first-seen times from its own newest report in the
    /// store; an official bulletin stored after that report is dated at the restart.
    @Test func afterARestartFirstSeenTimesComeFromTheNodesOwnLastReport() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        var settings = NodeSettings()
        settings.authorities = [OperationsTests.identity.author]
        let (service, node) = try OperationsTests.offlineService(folder, settings: settings)
        let notice = try service.post(PostParameters(channel: "resmi", title: "Posyandu", body: "Senin"))
        service.reports.stored(notice.id, kind: .post, rule: settings.channels.rule(for: "resmi"), at: notice.created + .seconds(30))
        let report = try service.makeReport(at: notice.created + .minutes(5))
        #expect(try HallReport(report).holding(of: notice.id)?.age == 270)
        let later = try service.post(PostParameters(channel: "resmi", title: "Rapat", body: "Selasa"))
        try node.close()

        let (restarted, reopened) = try OperationsTests.offlineService(folder, settings: settings)
        defer { try? reopened.close() }
        let restart = notice.created + .hours(1)
        restarted.startReports(at: restart)
        #expect(restarted.reports.firstSeen[notice.id] == notice.created + .seconds(30))
        #expect(restarted.reports.firstSeen[later.id] == restart)
        #expect(restarted.reports.schedule?.lastReport == report.created)
        #expect(restarted.reports.schedule?.nextReport(at: restart) == report.created + .hours(24))
    }

    /// The CLI and the REPL word `reach` and `halls` with the same `ResultWords`.
    @Test func theReplAsksForReachAndTheWordsAreShared() throws {
        #expect(try Repl.trustRequest("reach", ["3fa2b9c1"]) == .reach(TargetParameters(id: "3fa2b9c1")))
        #expect(try Repl.trustRequest("reach", ["2"], listing: ["aa", "bb"]) == .reach(TargetParameters(id: "bb")))
        #expect(try Repl.trustRequest("halls", []) == .halls)
        #expect(throws: ReplCommandError.self) { try Repl.trustRequest("reach", ["a", "b"]) }
        let record = ReachRecord(id: String(repeating: "ab", count: 32), hallsReached: 1, hallsKnown: 2, halls: [
            ReachHall(node: String(repeating: "01", count: 32), label: "Bagan", firstSeen: 1_793_491_200_000, lastReport: 1_793_491_300_000, status: "reached"),
            ReachHall(node: String(repeating: "02", count: 32), label: "", firstSeen: nil, lastReport: 1_793_491_100_000, status: "not_reported_since"),
        ])
        var result = ControlResult()
        result.reach = record
        let words = ResultWords(.reach(TargetParameters(id: record.id)), result)
        #expect(words.lines.count == 3)
        #expect(words.lines.first?.en == "abababababab: 1 of 2 halls" && words.lines.first?.id == "abababababab: 1 dari 2 balai")
        #expect(words.lines[1].en.contains("Bagan") && words.lines[1].en.contains("has it since"))
        #expect(words.lines[2].en.contains("010101010101") == false && words.lines[2].en.contains("020202020202"))
        #expect(words.lines[2].id.contains("belum melapor sejak dikirim"))
        // null first_seen stays in the JSON.
        #expect(String(decoding: ControlProtocol.encodeLine(record), as: UTF8.self).contains("\"first_seen\":null"))
        #expect(ResultWords(.halls, ControlResult()).lines.first?.en == "no hall reports yet")
    }

    @Test func reportSettingsAreReadFromKabarConf() throws {
        let text = "report = off\nreport_interval = 6h\nreport_delay = 30s\nreport_budget = 4KB\nreport_window = 3d\nreport_holdings = 10\n"
        let settings = try ConfigFile.parse(text, path: "/d/kabar.conf")
        #expect(!settings.reportSchedule.enabled)
        #expect(settings.reportSchedule.interval == .hours(6) && settings.reportSchedule.delay == .seconds(30))
        #expect(settings.reportSchedule.bytesPerDayMax == 4_000)
        #expect(settings.reportWindow == .days(3) && settings.reportHoldings == 10)
        let defaults = try ConfigFile.parse("", path: "/d/kabar.conf")
        #expect(defaults.reportSchedule == ReportSchedule.Settings() && defaults.reportHoldings == 24 && defaults.reportWindow == .days(7))
        for bad in ["report_interval = 1m", "report_delay = 2h", "report_budget = 10", "report_holdings = 65", "report = maybe"] {
            #expect(throws: ConfigError.self) { try ConfigFile.parse(bad, path: "/d/kabar.conf") }
        }
    }
}
