import Foundation
import Kabar
@testable import KabarNode
import Testing

/// The trust operations through a running daemon's control socket: the node installs the rules
/// at start and after every list change, refuses with the rule's words (both languages), and
/// spreads grants, official posts and retractions to its peer, which applies them.
@Suite(.serialized) struct TrustDaemonTests {
    @Test func grantsOfficialPostsRetractionsAndBlocksWorkThroughTheDaemon() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let daemons = [a, b]
        let authority = a.daemon.node.key.hex, grantee = b.daemon.node.key.hex
        let official = ControlRequest.post(PostParameters(channel: "resmi", title: "Rapat", body: "x"))

        guard case .failure(let refused) = try control(official, to: b, stepping: daemons) else {
            Issue.record("an official post without a grant was stored")
            return
        }
        #expect(refused.code == "refused")
        #expect(refused.message.en.contains("this key may not post to resmi: no grant from an authority you trust"))
        #expect(refused.message.id.contains("tidak ada izin dari otoritas yang Anda percayai"))

        for daemon in daemons {
            #expect(try control(.authority(KeyListParameters(action: "add", key: authority)), to: daemon, stepping: daemons).get().changed == true)
        }
        let listed = try control(.authority(KeyListParameters(action: "list")), to: b, stepping: daemons).get().authorities
        #expect(listed?.map(\.key.hex) == [authority])
        let grant = try control(
            .grant(GrantParameters(key: grantee, channels: ["resmi"], expiresInMs: TimeSpan.days(7).milliseconds)),
            to: a, stepping: daemons).get()
        let grantID = try #require(grant.id.flatMap(BulletinID.init(hex:)))
        #expect(try drive(daemons) { b.store.contains(grantID) }, "the grant never reached the grantee")

        let post = try control(.post(PostParameters(channel: "resmi", title: "Rapat desa", body: "Senin")), to: b, stepping: daemons).get()
        let postID = try #require(post.id.flatMap(BulletinID.init(hex:)))
        #expect(try drive(daemons) { a.store.contains(postID) }, "the official post never reached the authority's node")

        // Retracted at the grantee: gone at both nodes, with a tombstone.
        let retract = try control(.retract(TargetParameters(id: postID.hex)), to: b, stepping: daemons).get()
        #expect(retract.removed == [postID.hex])
        #expect(try drive(daemons) { !a.store.contains(postID) && a.store.isRemoved(postID) })
        #expect(a.log.contains { $0.contains("removed \(postID.short)") })

        // Blocked at the authority's node: the grantee's bulletins are dropped there at once.
        let block = try control(.block(KeyListParameters(action: "add", key: grantee)), to: a, stepping: daemons).get()
        #expect(block.dropped == 1)
        #expect(try control(.block(KeyListParameters(action: "list")), to: a, stepping: daemons).get().keys == [grantee])
        let more = try control(.post(PostParameters(channel: "warga", title: "Lagi", body: "x")), to: b, stepping: daemons).get()
        let moreID = try #require(more.id.flatMap(BulletinID.init(hex:)))
        _ = try drive(daemons) { a.log.contains { $0.contains("is blocked on this node") } }
        #expect(!a.store.contains(moreID))
    }
}
