import Foundation
import Kabar
import KabarCrypto
@testable import KabarNode
import KabarPlatform
import Testing

/// The attachments' blocks on disk: content-addressed going in and coming out.
@Suite struct BlockStoreTests {
    @Test func blocksAreCheckedGoingInAndComingOutAndSurviveAReopen() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let (manifest, blocks) = try AttachmentTree.build([UInt8](repeating: 42, count: 10_000), type: "image/png", name: "a.png")
        var store: BlockStore? = try BlockStore(directory: folder.file("blocks"))
        #expect(throws: AttachmentError.hashMismatch) { try store?.put(blocks[0].id, [1, 2, 3]) }
        try store?.put(manifest.id, manifest.encoded)
        for block in blocks { try store?.put(block.id, block.bytes) }
        #expect(try store?.put(blocks[0].id, blocks[0].bytes) == false)
        try store?.sync()
        try store?.close()
        store = nil
        let reopened = try BlockStore(directory: folder.file("blocks"))
        // Ten data blocks of the same bytes are one block, plus the manifest.
        #expect(reopened.count == Set(blocks.map(\.id)).count + 1)
        let walk = try AttachmentTree.walk(manifest, assemble: true, block: reopened.block)
        #expect(walk.bytes == [UInt8](repeating: 42, count: 10_000))
    }

    /// A byte flipped on the card after the block was synced: the block is missing, never wrong.
    @Test func aBlockDamagedOnDiskIsMissingNotWrong() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let block = [UInt8](repeating: 9, count: 1_024)
        let id = ContentID(hashing: block)
        var store: BlockStore? = try BlockStore(directory: folder.file("blocks"))
        try store?.put(id, block)
        try store?.sync()
        try store?.close()
        store = nil
        let segment = folder.file("blocks/segment-000001.log")
        var bytes = try #require(FileManager.default.contents(atPath: segment))
        bytes[bytes.count - 100] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: segment))
        let reopened = try BlockStore(directory: folder.file("blocks"))
        #expect(reopened.block(id) == nil)
        #expect(!reopened.contains(id))
    }
}
