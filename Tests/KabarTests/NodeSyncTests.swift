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

    /// Both sides starting at once: the smaller key's session wins, even when the larger key's
    /// payload carries the very session id the smaller key drew; the larger key answers the
    /// smaller key's session (Documentation/Reconciliation.md, "Sessions in the node").
    @Test func theSmallerKeysSessionWinsWhenBothStart() throws {
        final class Seen: @unchecked Sendable { var initiatorSessions: [(from: Int, session: UInt32)] = [] }
        let seen = Seen()
        var mesh = TestMesh(count: 2)
        mesh.run(for: .seconds(6))
        let smaller = mesh.nodes[0].key < mesh.nodes[1].key ? 0 : 1
        let larger = 1 - smaller
        let network = mesh.nodes[0].configuration.networkID
        // Only beacons and the challenge round trip pass: the post stays on one side, and the
        // sessions it starts are never heard by the other.
        mesh.drop = { from, _, _, datagram in
            if let message = try? MessageCodec.decode(datagram, network: network), case .sync(let session, true, _) = message {
                seen.initiatorSessions.append((from, session))
            }
            return datagram.count < 4 || datagram[3] > 3
        }
        try mesh.post(makePost(), at: smaller)
        for _ in 0..<100 where !seen.initiatorSessions.contains(where: { $0.from == smaller }) { mesh.run(for: .milliseconds(100)) }
        let ours = try #require(seen.initiatorSessions.first { $0.from == smaller }).session
        var other = ReconciliationInitiator(set: ReconciliationSet(), salt: 5, peerCount: nil)
        let payload = try #require(other.start().first)
        func sends(_ actions: [NodeAction]) -> [Message] {
            actions.compactMap { action in
                guard case .send(let datagram, _) = action else { return nil }
                return try? MessageCodec.decode(datagram, network: network)
            }
        }
        // The larger key's start reaches the smaller key, which is initiating: no answer,
        // whether the ids coincide or not.
        for session in [ours, ours &+ 1] {
            let start = MessageCodec.encode(.sync(session: session, fromInitiator: true, payload: payload), network: network)
            let actions = mesh.nodes[smaller].receive(start, from: .simulated(larger), at: mesh.time(mesh.now))
            #expect(!sends(actions).contains { if case .sync = $0 { return true } else { return false } })
        }
        // The smaller key's start reaches the larger key: answered under that session id.
        let start = MessageCodec.encode(.sync(session: 4_242, fromInitiator: true, payload: payload), network: network)
        let answers = sends(mesh.nodes[larger].receive(start, from: .simulated(smaller), at: mesh.time(mesh.now)))
        #expect(answers.contains { if case .sync(4_242, false, _) = $0 { return true } else { return false } })
    }
}
