import Foundation
import Kabar
import KabarCrypto
import KabarPlatform
import Testing
@testable import KabarNode

@Suite struct StoreFileTests {
    private typealias B = NodeStoreBulletins

    private func open(_ folder: TemporaryFolder, _ options: FileStore.Options = FileStore.Options()) throws -> FileStore {
        try FileStore.open(in: DataDirectory(path: folder.path), options: options)
    }

    @Test func bulletinsTombstonesAndDeletionsSurviveReopen() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let bulletins = (1...6).map { B.make($0, body: "isi \($0)") }
        let store = try open(folder)
        for bulletin in bulletins { #expect(try store.insert(bulletin, durability: .lazy) == .added) }
        #expect(try store.insert(bulletins[0], durability: .immediate) == .duplicate)
        try store.markRemoved(bulletins[1].id, until: bulletins[1].expires)
        #expect(try store.remove(bulletins[2].id))
        #expect(try store.insert(bulletins[1], durability: .lazy) == .removed)
        try store.close()

        let reopened = try open(folder)
        defer { try? reopened.close() }
        #expect(reopened.recovery.isClean)
        #expect(reopened.count == 4)
        #expect(reopened.items.map(\.id) == [0, 3, 4, 5].map { bulletins[$0].id })
        #expect(reopened.isRemoved(bulletins[1].id))
        #expect(try reopened.insert(bulletins[1], durability: .lazy) == .removed)
        for index in [0, 3, 4, 5] { #expect(reopened.bulletin(bulletins[index].id)?.encoded == bulletins[index].encoded) }
        #expect(reopened.bulletin(bulletins[2].id) == nil)
        reopened.checkInvariants()
    }

    @Test func queriesAndPrefixesWorkOnDisk() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try open(folder)
        defer { try? store.close() }
        _ = try store.insert(B.make(1, channel: "pasar", title: "Harga padi naik"), durability: .lazy)
        _ = try store.insert(B.make(2, channel: "pasar", title: "Jual ikan"), durability: .lazy)
        _ = try store.insert(B.make(3, channel: "warga", title: "Padi gagal panen"), durability: .lazy)
        #expect(store.query(BulletinQuery(text: "padi")).map(\.title) == ["Padi gagal panen", "Harga padi naik"])
        #expect(store.query(BulletinQuery(channel: "pasar", limit: 1)).map(\.title) == ["Jual ikan"])
        let id = B.make(2, channel: "pasar", title: "Jual ikan").id
        #expect(try store.resolve(prefix: String(id.hex.prefix(10))) == id)
    }

    @Test func damageAfterOpenIsCaughtOnReadNotReturned() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try open(folder)
        defer { try? store.close() }
        let bulletin = B.make(1, body: "padi")
        _ = try store.insert(bulletin, durability: .immediate)
        var bytes = folder.bytes("store/segment-000001.log")
        bytes[bytes.count - 10] ^= 0x01
        let file = try File.open(folder.file("store/segment-000001.log"), .readWrite)
        try file.write(bytes, at: 0)
        try file.close()
        #expect(store.bulletin(bulletin.id) == nil)
        #expect(store.readFailures == 1)
    }

    @Test func compactionDropsExpiredAndRemovedAndKeepsTheRest() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        var options = FileStore.Options()
        options.segmentBytesMax = 4096
        let store = try open(folder, options)
        let keep = (1...20).map { B.make($0, lifetime: .days(30), body: String(repeating: "x", count: 100)) }
        let expire = (21...40).map { B.make($0, lifetime: .hours(1), body: String(repeating: "y", count: 100)) }
        for bulletin in keep + expire { _ = try store.insert(bulletin, durability: .lazy) }
        try store.markRemoved(keep[0].id, until: keep[0].expires)
        let before = store.diskBytes
        try store.compact(now: expire.last!.expires)
        #expect(store.diskBytes < before * 6 / 10)
        #expect(store.count == 19)
        for bulletin in keep.dropFirst() { #expect(store.bulletin(bulletin.id)?.id == bulletin.id) }
        try store.close()
        let reopened = try open(folder, options)
        defer { try? reopened.close() }
        #expect(reopened.count == 19 && reopened.isRemoved(keep[0].id) && reopened.recovery.isClean)
        reopened.checkInvariants()
    }

    @Test func quotaEvictsCommunityBeforeOfficial() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        var options = FileStore.Options()
        options.segmentBytesMax = 8192
        options.quotaBytes = 8_000
        let store = try open(folder, options)
        defer { try? store.close() }
        let official = (1...10).map { B.make($0, channel: "resmi", body: String(repeating: "r", count: 200)) }
        let community = (11...40).map { B.make($0, channel: "pasar", body: String(repeating: "p", count: 200)) }
        for bulletin in official + community {
            _ = try store.insert(bulletin, durability: .lazy)
            try store.enforceQuota(now: bulletin.created)
        }
        #expect(store.diskBytes <= 8_000 + 1_000)
        #expect(official.allSatisfy { store.contains($0.id) })
        #expect(store.contains(community.last!.id))
        #expect(!store.contains(community.first!.id))
        store.checkInvariants()
    }

    /// What the store evicts for its quota leaves the node's books too: its reconciliation set
    /// always equals the store's, or peers would be asked for what is gone (and the node would
    /// pull an evicted bulletin back at every sync).
    @Test func quotaEvictionsLeaveTheNodesReconciliationSet() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        var options = FileStore.Options()
        options.segmentBytesMax = 8192
        options.quotaBytes = 8_000
        let store = try open(folder, options)
        defer { try? store.close() }
        let key = try #require(AuthorKey(bytes: [UInt8](repeating: 7, count: 32)))
        let now = NodeTime(monotonic: .zero, wall: UnixTime(milliseconds: 1_800_000_100_000))
        var node = Node(configuration: NodeConfiguration(), key: key, store: store, seed: 1, now: now)
        let bulletins = (11...60).map { B.make($0, channel: "pasar", body: String(repeating: "p", count: 200)) }
        for bulletin in bulletins { #expect(node.submit(bulletin, durability: .lazy, at: now).0 == .added) }
        #expect(node.counters.evictedBulletins > 0 && store.count < bulletins.count)
        let fresh = Node(configuration: NodeConfiguration(), key: key, store: store, seed: 2, now: now)
        #expect(node.storeFingerprint == fresh.storeFingerprint)
        // Each older than everything held: the one whose insert crosses the quota is evicted at
        // once, and the door says so.
        let older = (1...10).reversed().map { B.make($0, channel: "pasar", body: String(repeating: "o", count: 200)) }
        let outcomes = older.map { node.submit($0, durability: .lazy, at: now).0 }
        let evicted = zip(older, outcomes).filter { $0.1 == .refused(.evicted($0.0.id)) }.map(\.0)
        #expect(!evicted.isEmpty, "\(outcomes)")
        #expect(evicted.allSatisfy { !store.contains($0.id) })
        let after = Node(configuration: NodeConfiguration(), key: key, store: store, seed: 3, now: now)
        #expect(node.storeFingerprint == after.storeFingerprint)
        store.checkInvariants()
    }

    @Test func secondStoreOnTheSameFolderIsRefusedNamingTheDataFolder() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try open(folder)
        defer { try? store.close() }
        #expect(throws: StoreError.locked(directory: folder.path, processID: getpid())) { _ = try open(folder) }
    }
}
