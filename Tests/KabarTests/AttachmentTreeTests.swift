@testable import Kabar
import Testing

/// Attachments as block trees (Documentation/Attachments.md): every size round-trips, every
/// block fits a datagram, and a manifest or block that lies about the shape is refused.
@Suite struct AttachmentTreeTests {
    static func file(_ size: Int, seed: UInt64 = 1) -> [UInt8] {
        var prng = PRNG(seed: seed)
        return prng.bytes(size)
    }

    static func lookup(_ blocks: [(id: ContentID, bytes: [UInt8])]) -> [ContentID: [UInt8]] {
        Dictionary(blocks.map { ($0.id, $0.bytes) }, uniquingKeysWith: { first, _ in first })
    }

    @Test(arguments: [0, 1, 1_023, 1_024, 1_025, 24 * 1_024, 24 * 1_024 + 1, 24 * 32 * 1_024, 24 * 32 * 1_024 + 1, 2_000_000])
    func everySizeRoundTripsThroughItsBlocks(size: Int) throws {
        let bytes = Self.file(size)
        let (manifest, blocks) = try AttachmentTree.build(bytes, type: "image/jpeg", name: "foto banjir.jpg")
        #expect(manifest.size == UInt64(size))
        #expect(try AttachmentManifest.decode(manifest.encoded) == manifest)
        #expect(manifest.encoded.count <= AttachmentManifest.blockBytesMax)
        #expect(blocks.allSatisfy { $0.bytes.count <= AttachmentManifest.blockBytesMax && ContentID(hashing: $0.bytes) == $0.id })
        let store = Self.lookup(blocks)
        let walk = try AttachmentTree.walk(manifest, assemble: true) { store[$0] }
        #expect(walk.bytes == bytes && walk.have == UInt64(size) && walk.missing.isEmpty)
        // Overhead: index blocks and the manifest stay a few percent of the file.
        let stored = blocks.reduce(manifest.encoded.count) { $0 + $1.bytes.count }
        #expect(Double(stored) <= Double(max(size, 1)) * 1.05 + 1_100, "\(stored) bytes for \(size)")
    }

    @Test func aPartialTreeCountsWhatIsHeldAndNamesWhatIsMissing() throws {
        let bytes = Self.file(100_000)
        let (manifest, blocks) = try AttachmentTree.build(bytes, type: "application/pdf", name: "surat.pdf")
        var store = Self.lookup(blocks)
        let data = blocks.suffix(98)  // the data blocks, last in the list
        let gone = [data[data.startIndex + 3].id, data[data.startIndex + 50].id]
        for id in gone { store[id] = nil }
        let walk = try AttachmentTree.walk(manifest, assemble: true) { store[$0] }
        #expect(walk.bytes == nil && walk.missing == gone && walk.have == 100_000 - 2 * 1_024)
        // Without its index block, the blocks under it are unknown, not wrong.
        let index = blocks[0].id
        store = Self.lookup(blocks)
        store[index] = nil
        let blind = try AttachmentTree.walk(manifest, assemble: false) { store[$0] }
        #expect(blind.missing == [index] && blind.have == 100_000 - 32 * 1_024)
    }

    @Test func aManifestThatDoesNotFitItsSizeIsRefused() throws {
        let (manifest, blocks) = try AttachmentTree.build(Self.file(5_000), type: "image/png", name: "a.png")
        let ids = manifest.children
        #expect(throws: AttachmentError.shapeMismatch) {
            try AttachmentManifest(size: 5_000, height: 0, type: "image/png", name: "a.png", children: Array(ids.prefix(4)))
        }
        #expect(throws: AttachmentError.shapeMismatch) {
            try AttachmentManifest(size: 5_000, height: 1, type: "image/png", name: "a.png", children: [ids[0]])
        }
        #expect(throws: AttachmentError.tooLarge(size: AttachmentManifest.sizeMax + 1, limit: AttachmentManifest.sizeMax)) {
            try AttachmentManifest(size: AttachmentManifest.sizeMax + 1, height: 2, type: "image/png", name: "a.png", children: [])
        }
        #expect(throws: AttachmentError.badType("jpeg")) { try AttachmentTree.build([], type: "jpeg", name: "a") }
        #expect(throws: AttachmentError.badName("../etc/passwd")) { try AttachmentTree.build([], type: "text/plain", name: "../etc/passwd") }
        var encoded = manifest.encoded
        encoded.append(0)
        #expect(throws: AttachmentError.malformed) { try AttachmentManifest.decode(encoded) }
        encoded = manifest.encoded
        encoded[0] = 2
        #expect(throws: AttachmentError.unknownVersion) { try AttachmentManifest.decode(encoded) }
        #expect(throws: AttachmentError.malformed) { try AttachmentManifest.decode(Array(manifest.encoded.prefix(20))) }
        // A block of the wrong length, even one whose hash is right, breaks the shape.
        var store = Self.lookup(blocks)
        let short = [UInt8](repeating: 7, count: 10)
        let lying = try AttachmentManifest(
            size: 2_048, height: 0, type: "image/png", name: "a.png", children: [ContentID(hashing: short), blocks[1].id])
        store[ContentID(hashing: short)] = short
        #expect(throws: AttachmentError.shapeMismatch) { try AttachmentTree.walk(lying, assemble: true) { store[$0] } }
    }

    /// Random bytes never crash the manifest reader: each ends in a manifest or a typed error.
    @Test func randomManifestsEndInATypedError() {
        var prng = PRNG(seed: 99)
        for _ in 0..<5_000 {
            var bytes = prng.bytes(prng.int(below: 1_100))
            if !bytes.isEmpty && prng.chance(0.5) { bytes[0] = 1 }
            do {
                let manifest = try AttachmentManifest.decode(bytes)
                #expect(manifest.encoded == bytes)
            } catch {}
        }
    }
}
