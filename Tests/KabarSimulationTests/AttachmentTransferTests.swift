import Kabar
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
    static func post(_ bytes: [UInt8], into storage: MemoryBlockStorage) throws -> (Bulletin, AttachmentManifest) {
        let (manifest, blocks) = try AttachmentTree.build(bytes, type: "image/jpeg", name: "banjir.jpg")
        try storage.put(manifest.id, manifest.encoded)
        for block in blocks { try storage.put(block.id, block.bytes) }
        let key = AuthorKey(bytes: author.publicKey.rawRepresentation)!
        var content = BulletinContent(kind: .post, author: key, created: epoch + .seconds(1), expires: epoch + .days(3), channel: "warga")
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
        configuration.attachmentBytesMax = 100_000
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
        configuration.attachmentStoreBytesMax = 1
        var (full, fullStorages, _) = Self.hall(2, seed: 65, configuration: configuration)
        try fullStorages[1].put(ContentID(hashing: [1]), [1])
        let (post, _) = try Self.post(prng.bytes(10_000), into: fullStorages[0])
        full.schedule(at: .zero + .seconds(2), .post(host: 0, post))
        full.run(until: .zero + .seconds(20))
        #expect(full.endpoint(1)?.store.contains(post.id) == true && fullStorages[1].count == 1, "\(full.reproduction)")
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
