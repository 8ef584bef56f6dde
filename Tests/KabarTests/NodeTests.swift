import Kabar
import KabarCrypto
import Testing

@Suite struct NodeTests {
    @Test func aPostReachesEveryNodeOnTheLink() throws {
        var mesh = TestMesh(count: 5)
        mesh.run(for: .seconds(6))  // beacons: everyone learns everyone
        let post = makePost()
        try mesh.post(post, at: 0)
        mesh.run(for: .milliseconds(50))
        #expect(mesh.holds(post.id).allSatisfy { $0 })
    }

    @Test func nodesThatMissTheBroadcastPullItFromARepairAnnouncement() throws {
        var mesh = TestMesh(count: 6)
        mesh.run(for: .seconds(6))
        let post = makePost()
        // Nodes 4 and 5 miss the origin's broadcast of the bulletin itself.
        mesh.drop = { from, to, broadcast, datagram in
            from == 0 && broadcast && to >= 4 && datagram[3] == MessageType.bulletin.rawValue
        }
        try mesh.post(post, at: 0)
        mesh.run(for: .milliseconds(600))
        #expect(mesh.holds(post.id).allSatisfy { $0 })
        // Each node stored it once: no node got the body twice over the broadcast.
        let duplicates = mesh.events.filter { if case .duplicateReceived = $0.event { return true } else { return false } }
        #expect(duplicates.count <= 1)
    }

    @Test func largeBulletinsTravelInFragmentsAndLostOnesAreAskedForAgain() throws {
        var mesh = TestMesh(count: 3)
        mesh.run(for: .seconds(6))
        let post = makePost(body: String(repeating: "Jadwal posyandu bulan ini. ", count: 400))
        #expect(post.encoded.count > Wire.datagramBytesMax)
        var droppedOnce = false
        mesh.drop = { from, to, _, datagram in
            // Lose fragment 2 on its way to node 2, once.
            if !droppedOnce, to == 2, datagram[3] == MessageType.fragment.rawValue, datagram[8 + 32] == 2 {
                droppedOnce = true
                return true
            }
            return false
        }
        try mesh.post(post, at: 0)
        mesh.run(for: .seconds(2))
        #expect(droppedOnce)
        #expect(mesh.holds(post.id).allSatisfy { $0 })
        #expect(mesh.nodes[2].store.bulletin(post.id)?.encoded == post.encoded)
    }

    @Test func forgedAndAlteredBulletinsAreNeverStoredOrPassedOn() throws {
        var mesh = TestMesh(count: 3)
        mesh.run(for: .seconds(6))
        let post = makePost()
        var altered = post.encoded
        altered[altered.count - 70] ^= 0x20  // inside the body: decodes, but the signature fails
        let network = mesh.nodes[0].configuration.networkID
        let datagram = MessageCodec.encode(.bulletin(altered), network: network)
        let actions = mesh.nodes[1].receive(datagram, from: .simulated(0), at: mesh.time(mesh.now))
        mesh.carryOut(actions, from: 1)
        mesh.run(for: .seconds(1))
        #expect(mesh.nodes.allSatisfy { $0.store.count == 0 })
        #expect(mesh.nodes[1].counters.rejectedBulletins == 1)
    }

    @Test func datagramsFromAnotherMeshAreRejected() {
        var node = TestMesh(count: 1).nodes[0]
        let other = MessageCodec.encode(.challenge(cookie: 7), network: Wire.networkID(named: "lain"))
        let actions = node.receive(other, from: .simulated(9), at: NodeTime(monotonic: .zero, wall: testEpoch))
        #expect(!actions.contains { if case .send = $0 { return true } else { return false } })
        #expect(node.counters.rejectedDatagrams == 1)
        #expect(node.peerList.isEmpty)
    }

    @Test func aSpoofedSourceGetsAtMostThreeTimesItsBytes() throws {
        var store = MemoryStore()
        for index in 0..<30 { _ = store.insert(makePost(title: "pos \(index)"), durability: .lazy) }
        var node = Node(
            configuration: NodeConfiguration(), key: TestKeys.author(50), store: store, seed: 1,
            now: NodeTime(monotonic: .zero, wall: testEpoch))
        let ids = store.all.map(\.id)
        let network = node.configuration.networkID
        // The "victim" never answers; the attacker sends small requests for big answers.
        var received = 0
        var sent = 0
        for round in 0..<20 {
            let request = MessageCodec.encode(.request(Array(ids.shuffledDeterministically(round).prefix(30))), network: network)
            received += request.count
            let time = NodeTime(monotonic: Instant(microseconds: Int64(round) * 1_000), wall: testEpoch)
            for action in node.receive(request, from: .simulated(66), at: time) {
                if case .send(let datagram, .peer(.simulated(66))) = action { sent += datagram.count }
            }
        }
        #expect(sent <= 3 * received)
        #expect(node.counters.amplificationLimited > 0)
    }

    @Test func validatedPeersAreServedInFull() throws {
        var mesh = TestMesh(count: 2)
        mesh.run(for: .seconds(6))
        #expect(mesh.nodes[0].peerList.first?.validated == true)
        #expect(mesh.nodes[1].peerList.first?.validated == true)
        #expect(mesh.nodes[0].peerList.first?.roundTrip != nil)
    }

    /// 50,000 random and mutated datagrams into `Node.receive`: typed rejections, never a crash,
    /// and nothing invalid stored.
    @Test func receiveSurvivesHostileDatagrams() throws {
        var mesh = TestMesh(count: 2)
        mesh.run(for: .seconds(6))
        let network = mesh.nodes[0].configuration.networkID
        let good = makePost()
        let samples: [[UInt8]] = [
            MessageCodec.encode(.bulletin(good.encoded), network: network),
            MessageCodec.encode(.announce([good.id]), network: network),
            MessageCodec.encode(.request([good.id]), network: network),
            MessageCodec.encode(.fragment(Fragment(id: good.id, index: 2, count: 3, payload: [1, 2, 3])), network: network),
            MessageCodec.encode(.fragmentRequest(id: good.id, missing: 5), network: network),
            MessageCodec.encode(.sync(session: 9, fromInitiator: true, payload: [1, 2, 3, 4]), network: network),
            MessageCodec.encode(.challenge(cookie: 1), network: network),
        ]
        var prng = PRNG(seed: 77)
        var node = mesh.nodes[1]
        var clock = mesh.now
        for round in 0..<50_000 {
            var bytes = round % 8 == 0 ? prng.bytes(prng.int(below: 1_400)) : samples[round % samples.count]
            if round % 8 != 0 {
                for _ in 0..<(1 + prng.int(below: 3)) {
                    let index = prng.int(below: bytes.count)
                    bytes[index] = UInt8(truncatingIfNeeded: prng.next())
                }
            }
            clock = clock + .microseconds(137)
            let time = NodeTime(monotonic: clock, wall: testEpoch + .microseconds(clock.microseconds))
            _ = node.receive(bytes, from: .simulated(prng.int(below: 300)), at: time)
            if round % 1_000 == 0 { _ = node.tick(at: time) }
        }
        #expect(node.peerList.count <= node.configuration.peersMax)
        #expect(node.store.all.allSatisfy { (try? $0.verifySignature()) != nil })
        #expect(node.counters.rejectedDatagrams > 10_000)
    }
}

extension Array {
    func shuffledDeterministically(_ seed: Int) -> [Element] {
        var prng = PRNG(seed: UInt64(seed))
        var copy = self
        prng.shuffle(&copy)
        return copy
    }
}

@Suite struct NodeLoopbackTests {
    /// Linux delivers a host's own IPv4 broadcasts back to it: the node must not take itself
    /// for a peer.
    @Test func ownBroadcastsComingBackAreIgnored() {
        var node = TestMesh(count: 1).nodes[0]
        let time = NodeTime(monotonic: .zero, wall: testEpoch)
        let beacons = node.tick(at: time).compactMap { action -> [UInt8]? in
            if case .send(let datagram, .broadcast) = action { return datagram }
            return nil
        }
        #expect(beacons.count == 1)
        _ = node.receive(beacons[0], from: .ipv4(address: 0x0A00_0001, port: 4747), at: time)
        #expect(node.peerList.isEmpty)
        _ = node.receive(
            MessageCodec.encode(.announce([makePost().id]), network: node.configuration.networkID),
            from: .ipv4(address: 0x0A00_0001, port: 4747), at: time)
        #expect(node.peerList.isEmpty)
    }
}
