import Foundation
@testable import KabarCLI
import Kabar
import KabarNode
import Testing

/// The trust commands through a running daemon's control socket: the node installs the rules
/// at start and after every list change, refuses with the rule's words, and spreads grants,
/// official posts and retractions to its peer, which applies them.
@Suite(.serialized) struct TrustDaemonTests {
    func run(_ argv: [String], on target: LoopbackDaemon, _ daemons: [LoopbackDaemon], lang: String = "en") throws -> ControlResponse {
        try #require(try controlRequest(ControlRequest(argv: argv, lang: lang), to: target, stepping: daemons))
    }

    @Test func grantsOfficialPostsRetractionsAndBlocksWorkThroughTheDaemon() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let daemons = [a, b]
        let authority = a.daemon.node.key.hex, grantee = b.daemon.node.key.hex

        let refused = try run(["post", "--channel", "resmi", "--title", "Rapat", "--body", "x"], on: b, daemons)
        #expect(refused.exit == 1 && refused.stderr.contains("this key may not post to resmi: no grant from an authority you trust"))
        let ditolak = try run(["post", "--channel", "resmi", "--title", "Rapat", "--body", "x"], on: b, daemons, lang: "id")
        #expect(ditolak.stderr.contains("tidak ada izin dari otoritas yang Anda percayai"))

        for daemon in daemons { #expect(try run(["authority", "add", authority], on: daemon, daemons).exit == 0) }
        #expect(try run(["authority", "list"], on: b, daemons).stdout.contains(authority))
        let grant = try run(["grant", grantee, "--channel", "resmi", "--expires", "7d"], on: a, daemons)
        #expect(grant.exit == 0, "\(grant.stderr)")
        let grantID = try #require(BulletinID(hex: grant.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(try drive(daemons) { b.store.contains(grantID) }, "the grant never reached the grantee")

        let post = try run(["post", "--channel", "resmi", "--title", "Rapat desa", "--body", "Senin"], on: b, daemons)
        #expect(post.exit == 0, "\(post.stderr)")
        let postID = try #require(BulletinID(hex: post.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(try drive(daemons) { a.store.contains(postID) }, "the official post never reached the authority's node")

        // Retracted at the grantee: gone at both nodes, with a tombstone.
        let retract = try run(["retract", postID.hex], on: b, daemons)
        #expect(retract.exit == 0, "\(retract.stderr)")
        #expect(try drive(daemons) { !a.store.contains(postID) && a.store.isRemoved(postID) })
        #expect(a.log.contains { $0.contains("removed \(postID.short)") })

        // Blocked at the authority's node: the grantee's bulletins are dropped there at once.
        let block = try run(["block", grantee], on: a, daemons)
        #expect(block.exit == 0 && block.stdout.contains("dropped 1"), "\(block.stdout)\(block.stderr)")
        #expect(try run(["block", "list"], on: a, daemons).stdout == grantee + "\n")
        let more = try run(["post", "--channel", "warga", "--title", "Lagi", "--body", "x"], on: b, daemons)
        let moreID = try #require(BulletinID(hex: more.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        _ = try drive(daemons) { a.log.contains { $0.contains("is blocked on this node") } }
        #expect(!a.store.contains(moreID))
    }
}
