import Foundation
@testable import KabarCLI
import Kabar
import KabarNode
import Testing

/// Commands with no daemon running: the same node service, in the command's own process.
@Suite(.serialized) struct OfflineServiceTests {
    @Test func withoutADaemonNodeCommandsSaySoAndStatusReadsTheStore() throws {
        let folder = NSTemporaryDirectory() + "kabar-offline-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(KabarRun(["init", "--data", folder]).code == 0)
        let peers = KabarRun(["peers", "--data", folder])
        #expect(peers.code == 1)
        #expect(peers.error.contains("no node is running on \(folder)"))
        #expect(KabarRun(["sync", "--data", folder]).code == 1)
        let status = KabarRun(["status", "--data", folder, "--json"])
        #expect(status.code == 0)
        #expect(status.output.contains("\"running\":false"))
        #expect(status.output.contains("\"count\":0"))
    }
}
