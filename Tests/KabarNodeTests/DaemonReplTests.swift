import Foundation
import Kabar
@testable import KabarNode
import KabarPlatform
import Testing

/// A piped REPL over a real daemon's node service (in process, as `kabar` on a terminal runs
/// it), collecting what it writes.
final class DaemonRepl {
    let backend: ServiceReplBackend
    let driver: ReplDriver
    private let collected = LineCollector()

    init(_ daemon: LoopbackDaemon, language: Language = .english) throws {
        backend = ServiceReplBackend(link: ServiceLink(service: daemon.service))
        let collected = self.collected
        driver = ReplDriver(backend: backend, language: language, interactive: false) { collected.lines.append($0) }
        daemon.service.eventSinks.append { [driver] event in
            if let shown = ServiceReplBackend.replEvent(for: event) { driver.show(shown) }
        }
    }

    /// Types `script` and returns what the REPL wrote since the last call.
    @discardableResult
    func type(_ script: String) -> String {
        let before = collected.lines.count
        driver.receive(Array(script.utf8))
        return collected.lines[before...].joined()
    }

    var output: String { collected.lines.joined() }
}

@Suite(.serialized) struct DaemonReplTests {
    @Test func postInOneReplIsShownAsItArrivesInTheOther() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let replA = try DaemonRepl(a)
        let replB = try DaemonRepl(b, language: .indonesian)
        let saved = replA.type("post\nwarga\nPanen padi\nDijual 2 ton\ngabah kering\n.\n")
        #expect(saved.contains("Saved and shared:"), "\(saved)")
        let stored = try #require(a.store.query(BulletinQuery(channel: "warga")).first)
        #expect(stored.body == "Dijual 2 ton\ngabah kering")
        #expect(try drive([a, b]) { b.store.contains(stored.id) })
        #expect(replB.output.contains("* baru di #warga: Panen padi (dari \(stored.author.short))"), "\(replB.output)")
        let reading = replB.type("ls warga\nread 1\nsearch PADI\n")
        #expect(reading.contains("#warga Panen padi"))
        #expect(reading.contains("gabah kering"))
        #expect(reading.contains(stored.id.hex))
    }

    @Test func aReplyInTheReplReachesThePeerAndReadShowsTheThread() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let replA = try DaemonRepl(a)
        let replB = try DaemonRepl(b)
        replA.type("post\npasar\nHarga cabai\nRp 20.000 sekilo\n.\n")
        let post = try #require(a.store.query(BulletinQuery(channel: "pasar")).first)
        #expect(try drive([a, b]) { b.store.contains(post.id) })
        // By number of the listing, then with no id after reading.
        let first = replB.type("ls pasar\nreply 1 --body \"Masih ada?\"\n")
        #expect(first.contains("Reply saved and shared:"), "\(first)")
        // Read the reply by its id (a post and its reply may share a millisecond, so the list's
        // order between them is not fixed), then answer it with no id.
        let firstReply = try #require(b.store.query(BulletinQuery(channel: "pasar")).first { $0.body == "Masih ada?" })
        let replyRead = replB.type("read \(firstReply.id.hex.prefix(12))\nreply --body \"Berapa kilo?\"\n")
        #expect(replyRead.contains("Reply saved and shared:"), "\(replyRead)")
        #expect(try drive([a, b]) { a.store.count == 3 })
        let thread = replA.type("read \(post.id.hex.prefix(12))\n")
        #expect(thread.contains("Rp 20.000 sekilo") && thread.contains("1 reply") && thread.contains("Masih ada?"), "\(thread)")
        // The second reply answers the first reply (read last), not the post.
        let replies = a.store.query(BulletinQuery(channel: "pasar")).filter { !$0.references.isEmpty }
        #expect(replies.count == 2)
        #expect(replies.contains { $0.references == [post.id] && $0.body == "Masih ada?" })
        #expect(replies.contains { $0.body == "Berapa kilo?" && $0.references != [post.id] })
        let noTarget = try DaemonRepl(a).type("reply --body \"?\"\n")
        #expect(noTarget.contains("reply to which bulletin?"), "\(noTarget)")
    }

    @Test func statusPeersAndChannelsDescribeTheRunningNode() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let repl = try DaemonRepl(a)
        #expect(try drive([a, b]) { a.daemon.node.peerList.first?.key != nil })
        let output = repl.type("status\npeers\nchannels\n")
        #expect(output.contains(a.daemon.node.key.hex))
        #expect(output.contains("127.0.0.1:\(b.daemon.sockets.port)"))
        #expect(output.contains("resmi"))
        #expect(output.contains("pasar"))
    }

    @Test func exportThenImportMovesBulletinsAndMistakesGetMessages() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let repl = try DaemonRepl(a)
        repl.type("post\npasar\nIkan segar\nBesok pagi\n.\n")
        let path = a.data.path + "/out.kabar"
        #expect(repl.type("export \(path)\n").contains("Wrote 1 bulletin(s) to \(path)."))
        let other = try DaemonRepl(b)
        #expect(other.type("import \(path)\n").contains("1 new, 0 already held, 0 refused"))
        #expect(other.type("import \(path)\n").contains("0 new, 1 already held, 0 refused"))
        #expect(other.type("import /no/such/file\n").contains("Error: "))
        #expect(other.type("frobnicate\n").contains("'frobnicate' is not a command."))
        #expect(other.type("post\nresmi!\n").contains("resmi!"))
    }

    @Test func trustCommandsInTheReplFollowTheSameRulesAsTheCLI() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let authority = try DaemonRepl(a)
        let grantee = try DaemonRepl(b)
        let authorityKey = a.daemon.node.key.hex, granteeKey = b.daemon.node.key.hex
        // Without a grant, the official channel refuses, naming the rule.
        let refused = grantee.type("post\nresmi\nJadwal vaksin\nSenin\n.\n")
        #expect(refused.contains("may not post to resmi"), "\(refused)")
        #expect(grantee.type("authority add \(authorityKey)\n").isEmpty == false)
        #expect(authority.type("authority add \(authorityKey)\n").isEmpty == false)
        let granted = authority.type("grant \(granteeKey) --channel resmi --expires 30d\n")
        let grantID = try #require(BulletinID(hex: granted.trimmingCharacters(in: .whitespacesAndNewlines)), "\(granted)")
        #expect(try drive([a, b]) { b.store.contains(grantID) })
        let accepted = grantee.type("post\nresmi\nJadwal vaksin\nSenin\n.\n")
        #expect(accepted.contains("Saved and shared:"), "\(accepted)")
        #expect(grantee.type("edit 12345678 --title \"Judul baru\" --body x\n").contains("Error: "))
        #expect(grantee.type("edit \"unclosed\n").contains("a quote is not closed"))
        #expect(grantee.type("help grant\n").contains("--channel"))
    }
}
