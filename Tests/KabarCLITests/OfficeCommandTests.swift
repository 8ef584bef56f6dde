import Foundation
import Kabar
import KabarCrypto
@testable import KabarCLI
import KabarNode
import Testing

/// `kabar show` with the regency office's receipt and reply, and `kabar reach --svg`, through
/// the CLI (Documentation/Reach.md). The office's report and reply come in a bundle, as a mule
/// would bring them.
@Suite struct OfficeCommandTests {
    let office = try! Ed25519.PrivateKey(seed: [UInt8](repeating: 9, count: 32))
    var officeKey: AuthorKey { AuthorKey(bytes: office.publicKey.rawRepresentation)! }

    func now() -> UnixTime { UnixTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1_000)) }

    @Test func showSaysReceivedByTheOfficeAndMarksItsReplyAndReachDrawsTheChart() throws {
        let village = TestNode()
        defer { village.remove() }
        #expect(village.run(["authority", "add", officeKey.hex]).code == 0)
        let message = village.post("Jalan rusak", channel: "aspirasi", body: "Di RT 3.")
        let id = try #require(BulletinID(hex: message))
        #expect(village.run(["show", message, "--json"]).output.contains("\"office_received\":null"))
        #expect(!village.run(["show", message]).output.contains("regency office"))

        // The office's report listing the message, first had 30 s before it, and its reply.
        let created = now()
        let report = HallReport(
            label: "Kantor Bupati", software: "kabar 0.1.0", storeCount: 2, storeBytes: 2_000, clockOffset: 0, heardAge: 1,
            muleAge: nil, horizonAge: 3_600, holdings: [HallReport.Holding(prefix: HallReport.prefix(of: id, bytes: 4), age: 30)])
        let signedReport = try Bulletin.sign(report.content(author: officeKey, created: created), with: office)
        var content = BulletinContent(kind: .post, author: officeKey, created: created, expires: created + .days(7), channel: "aspirasi")
        content.title = "Re: Jalan rusak"
        content.body = "Perbaikan dijadwalkan."
        content.references = [id]
        let reply = try Bulletin.sign(content, with: office)
        let bundle = village.folder.file("office.kabar")
        try BundleFile.write(to: bundle) { add in
            try add(signedReport)
            try add(reply)
        }
        let imported = village.run(["import", bundle])
        #expect(imported.code == 0 && imported.output.hasPrefix("added 2,"), "\(imported.output) \(imported.error)")

        let received = created - .seconds(30)
        let json = village.run(["show", message, "--json"]).output
        #expect(json.contains("\"office_received\":\(received.milliseconds)"), "\(json)")
        let english = village.run(["show", message]).output
        #expect(english.contains("✓ received by the regency office " + TimeText.local(received, seconds: false)), "\(english)")
        #expect(english.contains(officeKey.short + " (regency office)  Re: Jalan rusak"), "\(english)")
        #expect(village.run(["show", message], language: .indonesian).output.contains("✓ diterima kantor kabupaten "))

        // The office's report makes it a hall known; the chart is written beside the JSON.
        let chart = village.folder.file("reach.svg")
        let reach = village.run(["reach", message, "--json", "--svg", chart])
        #expect(reach.code == 0 && reach.output.contains("\"halls_known\":1"), "\(reach.output) \(reach.error)")
        let svg = try String(contentsOfFile: chart, encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("Kantor Bupati") && svg.components(separatedBy: "<circle").count == 2)
        // A folder that cannot be written ends in a message, not a trap.
        let refused = village.run(["reach", message, "--svg", village.folder.file("no/such/folder/reach.svg")])
        #expect(refused.code != 0 && refused.error.contains("cannot write"))
    }
}
