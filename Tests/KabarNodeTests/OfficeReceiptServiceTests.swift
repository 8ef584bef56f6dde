import Foundation
import Kabar
import KabarCrypto
import KabarHTTP
@testable import KabarNode
import Testing

/// "Received by the regency office" and the office's reply through the service, `show`, the
/// board and the JSON API; the reach chart (Documentation/Reach.md).
@Suite(.serialized) struct OfficeReceiptServiceTests {
    let office = Identity(key: try! Ed25519.PrivateKey(seed: [UInt8](repeating: 9, count: 32)), label: "Kantor Bupati")

    /// The office's report, listing `bulletin` as first had `age` seconds before `created`.
    func officeReport(listing bulletin: Bulletin, age: UInt64, created: UnixTime, by signer: Identity? = nil) throws -> Bulletin {
        let report = HallReport(
            label: "Kantor Bupati", software: "kabar 0.1.0", storeCount: 3, storeBytes: 3_000, clockOffset: 0, heardAge: 1,
            muleAge: nil, horizonAge: 3_600,
            holdings: [HallReport.Holding(prefix: HallReport.prefix(of: bulletin.id, bytes: 4), age: age)])
        let signer = signer ?? office
        return try Bulletin.sign(report.content(author: signer.author, created: created), with: signer.key)
    }

    func show(_ service: NodeService, _ id: BulletinID) -> (ControlResult?, [Bulletin]) {
        guard case .replies(var stream) = service.answer(.show(TargetParameters(id: id.hex))) else { return (nil, []) }
        var replies: [Bulletin] = []
        while let reply = stream.next() {
            switch reply {
            case .bulletin(let bulletin, let role) where role == "reply": replies.append(bulletin)
            case .done(let result): return (result, replies)
            default: continue
            }
        }
        return (nil, replies)
    }

    @Test func theOfficesReportMarksAMessageReceivedOnShowTheBoardAndTheAPI() throws {
        let office = self.office
        let hall = try BoardTests.Hall { settings in
            settings.authorities = [office.author]
            settings.authorityLabels = [office.author: "Pemkab Rokan Hilir"]
        }
        let message = try hall.service.post(PostParameters(channel: "aspirasi", title: "Jalan rusak", body: "Di RT 3."))
        #expect(show(hall.service, message.id).0?.officeReceived == nil)
        #expect(!hall.send(.get, "/b/\(message.id.hex)").text.contains("Diterima kantor kabupaten"))

        // A fresh key's report naming the message (under the office's label): refused, nothing shown.
        let fresh = Identity(key: try Ed25519.PrivateKey(seed: [UInt8](repeating: 11, count: 32)), label: "")
        let forged = try officeReport(listing: message, age: 5, created: hall.node.bestTime(), by: fresh)
        #expect(throws: ServiceError.self) { try hall.service.write(forged) }
        #expect(hall.service.officeReceipt(of: message) == nil)

        let created = hall.node.bestTime() + .seconds(60)
        _ = try hall.service.write(try officeReport(listing: message, age: 40, created: created))
        let received = created - .seconds(40)
        let (result, _) = show(hall.service, message.id)
        #expect(result?.officeReceived == received.milliseconds)
        let page = hall.send(.get, "/b/\(message.id.hex)").text
        #expect(page.contains("✓ Diterima kantor kabupaten " + BoardText.date(received, .indonesian)))
        #expect(hall.send(.get, "/b/\(message.id.hex)?lang=en").text.contains("Received by the regency office"))
        let api = hall.send(.get, "/api/bulletins/\(message.id.hex)").text
        #expect(api.contains("\"office_received\":\(received.milliseconds)"))
        // The REPL's `read` says it too, in the REPL's language.
        var lines: [String] = []
        let repl = Repl(backend: ServiceReplBackend(link: ServiceLink(service: hall.service)), language: .english) { lines.append($0) }
        try repl.readPrefix(message.id.hex)
        #expect(lines.contains("✓ received by the regency office " + ReplFormat.dateTime(received)), "\(lines)")
        // Lists leave the key out; show --json always has it.
        #expect(!BulletinJSON.object(message).contains("office_received"))
        #expect(BulletinJSON.object(message, replies: [], officeReceived: .some(nil)).contains("\"office_received\":null"))

        // The office replies on the message's channel: the reply shows on the page, marked as
        // the office's, and `show` names its author as the office.
        var request = PostRequest(channel: "aspirasi", title: "Re: Jalan rusak", body: "Sudah dijadwalkan perbaikan.")
        request.references = [message.id]
        let reply = try BulletinOperations.signedPost(request, identity: office, now: hall.node.bestTime() + .seconds(90))
        _ = try hall.service.write(reply)
        let (withReply, replies) = show(hall.service, message.id)
        #expect(replies.map(\.id) == [reply.id])
        #expect(withReply?.officeAuthors == [office.author.hex])
        let threaded = hall.send(.get, "/b/\(message.id.hex)").text
        #expect(threaded.contains("Sudah dijadwalkan perbaikan.") && threaded.contains("✓ Regency office · Pemkab Rokan Hilir"), "\(threaded)")  // English: the phone chose it above
    }

    @Test func theReachChartDrawsHallsReachedOverTimeAndTheHallsNotReportedSince() throws {
        let posted: Int64 = 1_793_491_200_000
        let record = ReachRecord(
            id: String(repeating: "ab", count: 32), hallsReached: 2, hallsKnown: 4,
            halls: [
                ReachHall(node: String(repeating: "01", count: 32), label: "Bagan <Siapiapi>", firstSeen: posted + 30_000, lastReport: posted + 150_000, status: "reached"),
                ReachHall(node: String(repeating: "02", count: 32), label: "Sungai Besar", firstSeen: posted + 95_000, lastReport: posted + 200_000, status: "reached"),
                ReachHall(node: String(repeating: "03", count: 32), label: "Panipahan", firstSeen: nil, lastReport: posted + 200_000, status: "not_reached"),
                ReachHall(node: String(repeating: "04", count: 32), label: "Pedamaran", firstSeen: nil, lastReport: posted - 3_600_000, status: "not_reported_since"),
            ], created: posted, title: "Jadwal posyandu")
        let svg = ReachChart.svg(record, language: .english)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2)
        #expect(svg.contains("2 of 4 halls") && svg.contains("1 not reported since the post"))
        #expect(svg.contains("Bagan &lt;Siapiapi&gt;") && !svg.contains("<Siapiapi>"))
        #expect(svg.contains("has it since +30s") && svg.contains("has it since +95s"))
        // The same record, the same bytes; Indonesian words on request.
        #expect(svg == ReachChart.svg(record, language: .english))
        #expect(ReachChart.svg(record, language: .indonesian).contains("2 dari 4 balai"))
        #expect([0.84, 95, 150, 180, 5_400, 9_000, 10_800, 190_000].map(SVGText.span) == ["840ms", "95s", "2m30s", "3m", "90m", "2h30m", "3h", "2d4h"])
        // The REPL takes `reach N --svg FILE` (the chart is written once the record arrives).
        #expect(try Repl.trustRequest("reach", ["3fa2b9c1", "--svg", "r.svg"]) == .reach(TargetParameters(id: "3fa2b9c1")))
    }
}
