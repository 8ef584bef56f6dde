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

/// `kabar reply`, `kabar watch` and `kabar reload` from the command line.
@Suite(.serialized) struct ThreadAndLiveCommandTests {
    @Test func aReplyJoinsItsPostsThreadInShow() throws {
        let folder = NSTemporaryDirectory() + "kabar-reply-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(KabarRun(["init", "--data", folder]).code == 0)
        let post = KabarRun(["post", "--data", folder, "-c", "pasar", "-t", "Cabai murah", "--body", "Rp 20.000/kg"])
        let id = post.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(post.code == 0 && id.count == 64)
        let reply = KabarRun(["reply", "--data", folder, String(id.prefix(10)), "--body", "Masih ada?"])
        #expect(reply.code == 0, "\(reply.error)")
        let replyID = reply.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = KabarRun(["show", "--data", folder, id])
        #expect(shown.output.contains("1 reply:") && shown.output.contains("Re: Cabai murah") && shown.output.contains("Masih ada?"))
        let json = KabarRun(["show", "--data", folder, id, "--json"])
        #expect(json.output.contains("\"replies\":[{") && json.output.contains(replyID))
        // The reply references the post and stays on its channel.
        let replyJSON = KabarRun(["show", "--data", folder, replyID, "--json"])
        #expect(replyJSON.output.contains("\"references\":[\"\(id)\"]") && replyJSON.output.contains("\"channel\":\"pasar\""))
        let missing = KabarRun(["reply", "--data", folder, "00000000", "--body", "?"])
        #expect(missing.code != 0 && !missing.error.isEmpty)
    }

    @Test func watchAndReloadNeedARunningNode() throws {
        let folder = NSTemporaryDirectory() + "kabar-watch-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(KabarRun(["init", "--data", folder]).code == 0)
        for command in ["watch", "reload"] {
            let run = KabarRun([command, "--data", folder])
            #expect(run.code == 1, "\(command)")
            #expect(run.error.contains("no node is running on \(folder)"), "\(command): \(run.error)")
        }
    }
}
