import Kabar
import KabarCrypto
import Testing

@Suite struct BundleTests {
    static let posts = (1...5).map { makePost(by: UInt8($0), title: "Judul \($0)") }

    /// Every record until the decoder stops; the error that stopped it, if any.
    static func readAll(_ bytes: [UInt8]) -> (records: [BundleRecord], error: BundleError?) {
        var records: [BundleRecord] = []
        do {
            var decoder = try BundleDecoder(source: ArrayBundleSource(bytes))
            while let record = try decoder.next() { records.append(record) }
            return (records, nil)
        } catch {
            return (records, error)
        }
    }

    static func bulletins(_ records: [BundleRecord]) -> [Bulletin] {
        records.compactMap { if case .bulletin(let bulletin) = $0 { return bulletin } else { return nil } }
    }

    @Test func roundTripKeepsOrderAndBytes() {
        let bytes = BundleEncoder.encode(Self.posts)
        let (records, error) = Self.readAll(bytes)
        #expect(error == nil)
        #expect(Self.bulletins(records).map(\.encoded) == Self.posts.map(\.encoded))
        #expect(bytes.count == BundleFormat.headerByteCount + BundleFormat.trailerByteCount
            + Self.posts.reduce(0) { $0 + 4 + $1.encoded.count })
    }

    @Test func emptyBundleIsValid() {
        let (records, error) = Self.readAll(BundleEncoder.encode([]))
        #expect(records.isEmpty && error == nil)
    }

    @Test func everyTruncationKeepsTheWholeRecordsBeforeIt() {
        let bytes = BundleEncoder.encode(Self.posts)
        var recordEnds: [Int] = []
        var offset = BundleFormat.headerByteCount
        for post in Self.posts {
            offset += 4 + post.encoded.count
            recordEnds.append(offset)
        }
        for cut in 0..<bytes.count {
            let (records, error) = Self.readAll(Array(bytes[0..<cut]))
            let whole = recordEnds.filter { $0 <= cut }.count
            if cut < BundleFormat.headerByteCount {
                #expect(error == .notABundle)
            } else {
                #expect(error == .truncated(records: whole), "cut at \(cut)")
            }
            #expect(Self.bulletins(records).count == whole)
        }
    }

    @Test func changedBodyByteIsAnUndecodableOrBadRecordAndAChecksumError() {
        var bytes = BundleEncoder.encode(Self.posts)
        let secondBody = BundleFormat.headerByteCount + 4 + Self.posts[0].encoded.count + 4 + 60
        bytes[secondBody] ^= 0x01
        let (records, error) = Self.readAll(bytes)
        #expect(records.count == 5)
        #expect(error == .checksumMismatch)
        // The changed record still decodes (or not) but never with its old id.
        let ids = Self.bulletins(records).map(\.id)
        #expect(!ids.contains(Self.posts[1].id))
    }

    @Test func hugeLengthStopsCleanly() {
        var bytes = BundleEncoder.encode(Self.posts)
        bytes.replaceSubrange(BundleFormat.headerByteCount..<(BundleFormat.headerByteCount + 4), with: [0x7f, 0xff, 0xff, 0xff])
        let (records, error) = Self.readAll(bytes)
        #expect(records.isEmpty)
        #expect(error == .recordTooLarge(index: 1, length: 0x7fff_ffff))
    }

    @Test func garbageHeaderVersionAndTrailingBytesAreTypedErrors() {
        #expect(Self.readAll(Array("hello, this is not a bundle".utf8)).error == .notABundle)
        var bytes = BundleEncoder.encode(Self.posts)
        bytes[8] = 9
        #expect(Self.readAll(bytes).error == .unsupportedVersion(9))
        let trailing = BundleEncoder.encode(Self.posts) + [0]
        #expect(Self.readAll(trailing).error == .trailingBytes)
        #expect(Self.bulletins(Self.readAll(trailing).records).count == 5)
    }

    @Test func randomGarbageNeverTraps() {
        var random = PRNG(seed: 7)
        let good = BundleEncoder.encode(Self.posts)
        for _ in 0..<500 {
            var bytes = good
            for _ in 0..<(1 + random.int(below: 4)) {
                let at = random.int(below: bytes.count)
                bytes[at] = UInt8(truncatingIfNeeded: random.next())
            }
            let (records, error) = Self.readAll(bytes)
            // A damaged length can split a record in two, but each record costs 5 bytes at least.
            #expect(records.count <= bytes.count / 5)
            if records.count == 5 && error == nil {
                #expect(bytes == good)
            }
        }
    }

    /// Version 2 carries attachment blocks beside bulletins; a version 1 bundle reads as before,
    /// and a block-flagged length in version 1 is damage, not a block.
    @Test func version2CarriesBlocksAndVersion1StaysAsItWas() throws {
        let block = [UInt8](repeating: 7, count: 300)
        var encoder = BundleEncoder(withBlocks: true)
        var bytes = encoder.header
        bytes += encoder.record(block: block)
        bytes += encoder.trailer()
        #expect(bytes[8] == BundleFormat.versionWithBlocks)
        var decoder = try BundleDecoder(source: ArrayBundleSource(bytes))
        guard case .block(let read)? = try decoder.next() else { Issue.record("no block"); return }
        #expect(read == block && decoder.version == 2)
        #expect(try decoder.next() == nil)
        #expect(BundleEncoder.encode([])[8] == BundleFormat.version)
        var forged = bytes
        forged[8] = BundleFormat.version
        var old = try BundleDecoder(source: ArrayBundleSource(forged))
        #expect(throws: BundleError.recordTooLarge(index: 1, length: Int(BundleFormat.blockFlag) | 300)) { try old.next() }
    }
}
