@testable import Kabar
import KabarCrypto
@testable import KabarSimulation
import Testing

/// Attachments between real nodes on the virtual hall LAN (Documentation/Attachments.md,
/// "Transfer"): a post's file follows it block by block, from any peer that has it, each block
/// checked, none fetched twice.
@Suite struct AttachmentTransferTests {
    typealias NodeSim = Simulation<Node<MemoryStore>>
    static let epoch = UnixTime(milliseconds: 1_793_491_200_000)
    static let author = try! Ed25519.PrivateKey(seed: [UInt8](repeating: 21, count: 32))

    /// A hall of `count` nodes, each with its own block store; hosts `late` join at `joinAt`.
    static func hall(
        _ count: Int, seed: UInt64, late: Set<Int> = [], joinAt: TimeSpan = .zero, configuration: NodeConfiguration = NodeConfiguration()
    ) -> (NodeSim, [MemoryBlockStorage], LANID) {
        let storages = (0..<count).map { _ in MemoryBlockStorage() }
        var sim = NodeSim(seed: seed, name: "attachments", epoch: epoch)
        sim.addHosts(count) { boot in
            let key = AuthorKey(bytes: [UInt8](repeating: UInt8(1 + boot.host), count: 32))!
            var node = Node(configuration: configuration, key: key, store: boot.durable ?? MemoryStore(), seed: boot.seed, now: boot.time)
            node.blocks = storages[boot.host]
            return node
        }
        let lan = sim.addLAN((0..<count).filter { !late.contains($0) }, LANConfiguration())
        for host in late.sorted() { sim.schedule(at: .zero + joinAt, .join(host: host, lan)) }
        return (sim, storages, lan)
    }

    /// A post carrying `bytes` as an attachment, its blocks put in `storage` (the poster's).
    static func post(
        _ bytes: [UInt8], into storage: MemoryBlockStorage, channel: String = "warga", created: TimeSpan = .seconds(1)
    ) throws -> (Bulletin, AttachmentManifest) {
        let (manifest, blocks) = try AttachmentTree.build(bytes, type: "image/jpeg", name: "banjir.jpg")
        try storage.put(manifest.id, manifest.encoded)
        for block in blocks { try storage.put(block.id, block.bytes) }
        let key = AuthorKey(bytes: author.publicKey.rawRepresentation)!
        var content = BulletinContent(kind: .post, author: key, created: epoch + created, expires: epoch + .days(3), channel: channel)
        content.title = "Foto banjir"
        content.attachments = [manifest.id]
        return (try Bulletin.sign(content, with: author), manifest)
    }

    static func file(_ storage: MemoryBlockStorage, _ manifest: AttachmentManifest) -> [UInt8]? {
        try? AttachmentTree.walk(manifest, assemble: true, block: storage.block).bytes
    }

    @Test func aPostsPhotoReachesEveryNodeOfTheHallByteForByte() throws {
        var prng = PRNG(seed: 3)
        let photo = prng.bytes(300_000)
        var (sim, storages, _) = Self.hall(3, seed: 61)
        let (bulletin, manifest) = try Self.post(photo, into: storages[0])
        sim.schedule(at: .zero + .seconds(2), .post(host: 0, bulletin))
        var done = false
        while sim.now < .zero + .seconds(60), !done {
            sim.run(for: .milliseconds(250))
            done = (1..<3).allSatisfy { Self.file(storages[$0], manifest) == photo }
        }
        #expect(done, "\(sim.reproduction)")
        for host in 1..<3 { #expect(sim.endpoint(host)?.wantedBlockCount == 0 && sim.endpoint(host)?.attachmentFetchCount == 0) }
        print("300 KB photo on a hall of 3: complete at \((sim.now - .zero).seconds) s; \(sim.reproduction)")
        expectNoNodeBugs(sim)
    }

    /// The node a late one fetches from leaves halfway: the rest comes from the other holder,
    /// and no block arrives twice.
    @Test func aFetchResumesFromAnotherPeerWhenTheFirstLeaves() throws {
        var prng = PRNG(seed: 4)
        let document = prng.bytes(1_000_000)
        var (sim, storages, lan) = Self.hall(3, seed: 62, late: [2], joinAt: .seconds(30))
        let (bulletin, manifest) = try Self.post(document, into: storages[0])
        sim.schedule(at: .zero + .seconds(2), .post(host: 0, bulletin))
        sim.run(until: .zero + .seconds(30))
        #expect(Self.file(storages[1], manifest) == document, "host 1 first; \(sim.reproduction)")
        // Host 2 joins; once it holds a part, host 0 (the poster) leaves for good.
        var left = false
        var heldWhenLeft = 0
        while sim.now < .zero + .seconds(120), Self.file(storages[2], manifest) != document {
            sim.run(for: .milliseconds(10))
            if !left, storages[2].count > 100 {
                sim.schedule(at: sim.now, .leave(host: 0, lan))
                left = true
                heldWhenLeft = storages[2].count
            }
        }
        #expect(left && heldWhenLeft < storages[1].count, "the poster left after \(heldWhenLeft) blocks; \(sim.reproduction)")
        print("1 MB document: the poster left with \(heldWhenLeft) of \(storages[1].count) blocks at host 2; complete at \((sim.now - .zero).seconds) s")
        #expect(Self.file(storages[2], manifest) == document, "\(sim.reproduction)")
        #expect(sim.endpoint(2)?.counters.duplicateBlocks == 0, "\(sim.reproduction)")
        expectNoNodeBugs(sim)
    }

    /// An attachment larger than a node takes is named by its post but never fetched, and a
    /// node whose blocks fill their budget starts no new fetch.
    @Test func attachmentsOverTheLimitsAreNotFetched() throws {
        var configuration = NodeConfiguration()
        configuration.attachments.sizeMax = 100_000
        var prng = PRNG(seed: 5)
        var (sim, storages, _) = Self.hall(2, seed: 64, configuration: configuration)
        let (big, bigManifest) = try Self.post(prng.bytes(300_000), into: storages[0])
        sim.schedule(at: .zero + .seconds(2), .post(host: 0, big))
        sim.run(until: .zero + .seconds(20))
        #expect(sim.endpoint(1)?.store.contains(big.id) == true, "\(sim.reproduction)")
        // The manifest came (to learn the size), nothing under it.
        #expect(storages[1].count <= 1 && Self.file(storages[1], bigManifest) == nil)
        #expect(sim.endpoint(1)?.attachmentFetchCount == 0 && sim.endpoint(1)?.wantedBlockCount == 0)

        configuration = NodeConfiguration()
        configuration.attachments.storeBytesMax = 1
        var (full, fullStorages, _) = Self.hall(2, seed: 65, configuration: configuration)
        try fullStorages[1].put(ContentID(hashing: [1]), [1])
        let (post, _) = try Self.post(prng.bytes(10_000), into: fullStorages[0])
        full.schedule(at: .zero + .seconds(2), .post(host: 0, post))
        full.run(until: .zero + .seconds(20))
        // The manifest comes (so the post can name its file), nothing under it.
        #expect(full.endpoint(1)?.store.contains(post.id) == true && fullStorages[1].count == 2, "\(full.reproduction)")
    }

    /// A channel set to `fetch=demand` takes only the manifest of a large file (so `show` can
    /// name it) until someone opens it; a small file still travels; a file over the channel's
    /// own `attach=` limit is never fetched, even when opened.
    @Test func aDemandChannelWaitsUntilSomeoneOpensTheFile() throws {
        var configuration = NodeConfiguration()
        configuration.attachments.channels["warga"] = AttachmentPolicy.Channel(fetch: .demand)
        var prng = PRNG(seed: 6)
        var (sim, storages, _) = Self.hall(2, seed: 66, configuration: configuration)
        let (large, largeManifest) = try Self.post(prng.bytes(300_000), into: storages[0])
        let (small, smallManifest) = try Self.post(prng.bytes(20_000), into: storages[0])
        sim.schedule(at: .zero + .seconds(2), .post(host: 0, large))
        sim.schedule(at: .zero + .seconds(2), .post(host: 0, small))
        sim.run(until: .zero + .seconds(20))
        #expect(Self.file(storages[1], smallManifest) != nil, "\(sim.reproduction)")
        #expect(storages[1].contains(largeManifest.id) && Self.file(storages[1], largeManifest) == nil)
        #expect(sim.endpoint(1)?.attachmentFetchCount == 0)

        // Opened: the node asks for the rest at once.
        var node = try #require(sim.endpoint(1))
        let actions = node.fetchAttachment(largeManifest.id, channel: "warga", at: sim.now)
        let asks = actions.filter {
            guard case .send(let datagram, _) = $0, case .blockRequest = try? MessageCodec.decode(datagram, network: node.configuration.networkID) else { return false }
            return true
        }
        #expect(!asks.isEmpty && node.attachmentFetchCount == 1)

        configuration.attachments.channels["warga"] = AttachmentPolicy.Channel(sizeMax: 100_000)
        var (limited, limitedStorages, _) = Self.hall(2, seed: 67, configuration: configuration)
        let (big, bigManifest) = try Self.post(prng.bytes(300_000), into: limitedStorages[0])
        limited.schedule(at: .zero + .seconds(2), .post(host: 0, big))
        limited.run(until: .zero + .seconds(20))
        var opened = try #require(limited.endpoint(1))
        _ = opened.fetchAttachment(bigManifest.id, channel: "warga", at: limited.now)
        #expect(limitedStorages[1].count <= 1 && opened.attachmentFetchCount == 0, "\(limited.reproduction)")
    }

    /// When every fetch slot is busy, an official notice's file waits ahead of community files:
    /// a late node given 80 community posts and then one official one (each with a file) has
    /// the official file whole before most community files.
    @Test func anOfficialFileWaitsAheadOfCommunityFiles() throws {
        var prng = PRNG(seed: 7)
        var (sim, storages, _) = Self.hall(2, seed: 69, late: [1], joinAt: .seconds(10))
        var community: [AttachmentManifest] = []
        for number in 0..<80 {
            let (bulletin, manifest) = try Self.post(prng.bytes(30_000), into: storages[0], created: .seconds(Int64(number + 1)))
            sim.schedule(at: .zero + .seconds(2), .post(host: 0, bulletin))
            community.append(manifest)
        }
        // The oldest of all, so a sync sends it last.
        let (notice, official) = try Self.post(prng.bytes(30_000), into: storages[0], channel: "resmi", created: .zero)
        sim.schedule(at: .zero + .seconds(2), .post(host: 0, notice))
        sim.run(until: .zero + .seconds(120))
        let whole = { (manifest: AttachmentManifest) in sim.attachmentStores(of: manifest.id).first { $0.host == 1 }?.time }
        let officialAt = try #require(whole(official), "\(sim.reproduction)")
        let communityTimes = community.compactMap(whole)
        #expect(communityTimes.count == 80, "\(sim.reproduction)")
        let before = communityTimes.filter { $0 < officialAt }.count
        print("an official file among 80 community files at a late node: \(before) community files whole before it; \(sim.reproduction)")
        // The first 64 took every slot before the notice came; it goes first of the rest.
        #expect(before <= 64, "\(before) community files were whole before the official one; \(sim.reproduction)")
    }

    /// A peer that keeps sending blocks nobody asked for is ignored for a while: its blocks and
    /// its requests are dropped unread.
    @Test func aPeerSendingJunkBlocksIsIgnoredForAWhile() throws {
        var (sim, _, _) = Self.hall(2, seed: 68)
        sim.run(until: .zero + .seconds(10))
        var node = try #require(sim.endpoint(1))
        let network = node.configuration.networkID
        let time = NodeTime(monotonic: sim.now, wall: Self.epoch + .seconds(10))
        #expect(node.peerList.first { $0.address == .simulated(0) }?.proven == true)
        for index in 0..<BlockFetchState.ignoreAfterBadBlocks {
            let junk = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 1_000)
            _ = node.receive(MessageCodec.encode(.blockData(junk), network: network), from: .simulated(0), at: time)
        }
        let peer = try #require(node.peerList.first { $0.address == .simulated(0) })
        #expect(node.counters.rejectedBlocks == BlockFetchState.ignoreAfterBadBlocks && node.counters.blockPeersIgnored == 1)
        #expect(peer.blocksIgnoredUntil == sim.now + BlockFetchState.ignoreFor)
        // Ignored: more junk is not even counted, and its asks get no answer.
        _ = node.receive(MessageCodec.encode(.blockData([1, 2, 3]), network: network), from: .simulated(0), at: time)
        let answers = node.receive(MessageCodec.encode(.blockRequest([ContentID(hashing: [1])]), network: network), from: .simulated(0), at: time)
        #expect(node.counters.rejectedBlocks == BlockFetchState.ignoreAfterBadBlocks)
        #expect(!answers.contains { if case .send(_, .peer(.simulated(0))) = $0 { true } else { false } })
    }

    /// A peer answering with blocks nobody asked for (or altered ones) gets nothing stored.
    @Test func blocksNobodyAskedForAreNeverStored() throws {
        var (sim, storages, _) = Self.hall(2, seed: 63)
        sim.run(until: .zero + .seconds(10))
        let junk = [UInt8](repeating: 0xEE, count: 1_024)
        var node = try #require(sim.endpoint(1))
        let network = node.configuration.networkID
        _ = node.receive(MessageCodec.encode(.blockData(junk), network: network), from: .simulated(0), at: NodeTime(monotonic: sim.now, wall: Self.epoch))
        #expect(!storages[1].contains(ContentID(hashing: junk)))
    }
}
