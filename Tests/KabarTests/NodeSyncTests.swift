import Kabar
import KabarCrypto
import Testing

@Suite struct NodeSyncTests {
    /// Posts made while two nodes could not hear each other reach both after they can.
    @Test func partitionedNodesConvergeByReconciliation() throws {
        var mesh = TestMesh(count: 2)
        mesh.run(for: .seconds(6))
        var partitioned = true
        mesh.drop = { _, _, _, _ in partitioned }
        var posts: [Bulletin] = []
        for index in 0..<40 {
            let post = makePost(by: UInt8(1 + index % 2), title: "pos \(index)", created: testEpoch + .seconds(Int64(index)))
            posts.append(post)
            try mesh.post(post, at: index % 2)
        }
        mesh.run(for: .seconds(2))
        #expect(mesh.nodes[0].store.count == 20 && mesh.nodes[1].store.count == 20)
        partitioned = false
        mesh.drop = { _, _, _, _ in false }
        mesh.run(for: .seconds(20))
        for post in posts { #expect(mesh.holds(post.id) == [true, true]) }
        let syncs = mesh.events.compactMap { entry -> (Int, Int, Int)? in
            if case .syncFinished(_, let roundTrips, let sent, let received, _) = entry.event { return (roundTrips, sent, received) }
            return nil
        }
        #expect(!syncs.isEmpty)
        // 40 differences on 20-item sets: a few rounds and a few bytes per difference.
        #expect(syncs.allSatisfy { $0.0 <= 4 && $0.1 + $0.2 <= 40 * 64 })
        #expect(mesh.nodes[0].storeFingerprint == mesh.nodes[1].storeFingerprint)
    }

    /// Nodes in sync do not reconcile at all: equal beacon fingerprints say so.
    @Test func nodesInSyncDoNotReconcile() throws {
        var mesh = TestMesh(count: 3)
        mesh.run(for: .seconds(6))
        try mesh.post(makePost(), at: 0)
        mesh.run(for: .seconds(2))
        let before = mesh.events.count
        mesh.run(for: .seconds(30))
        let syncs = mesh.events[before...].filter { if case .syncFinished = $0.event { return true } else { return false } }
        #expect(syncs.isEmpty)
        // Idle traffic is beacons only: well under 200 bytes per node per second.
        let idleStart = mesh.sentBytes
        mesh.run(for: .seconds(60))
        for (now, then) in zip(mesh.sentBytes, idleStart) { #expect(Double(now - then) / 60 < 200) }
    }

    /// A sync payload the engine refuses counts in the node's `rejectedDatagrams` (what
    /// `status` shows) as well as the peer's; a payload for a session never opened is dropped
    /// uncounted and unanswered (Documentation/Reconciliation.md, "Sessions in the node").
    @Test func refusedSyncPayloadsAreCountedAndStrayResultsDropped() throws {
        var mesh = TestMesh(count: 2)
        mesh.run(for: .seconds(6))
        #expect(mesh.nodes[1].peerList.first?.validated == true)
        let network = mesh.nodes[0].configuration.networkID
        let before = mesh.nodes[1].counters.rejectedDatagrams
        let peerBefore = mesh.nodes[1].peerList.first?.rejectedDatagrams ?? 0
        // From the initiator's side: an unknown reconciliation message type.
        let malformed = MessageCodec.encode(.sync(session: 77, fromInitiator: true, payload: [0xEE]), network: network)
        _ = mesh.nodes[1].receive(malformed, from: .simulated(0), at: mesh.time(mesh.now))
        #expect(mesh.nodes[1].counters.rejectedDatagrams == before + 1)
        #expect(mesh.nodes[1].peerList.first?.rejectedDatagrams == peerBefore + 1)
        // From the responder's side, for a session node 1 never opened: a well-formed inSync.
        let stray = MessageCodec.encode(.sync(session: 78, fromInitiator: false, payload: [0x03, 0x00]), network: network)
        let actions = mesh.nodes[1].receive(stray, from: .simulated(0), at: mesh.time(mesh.now))
        #expect(!actions.contains { if case .send = $0 { return true } else { return false } })
        #expect(mesh.nodes[1].counters.rejectedDatagrams == before + 1)
    }
}
