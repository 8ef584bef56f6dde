import KabarCrypto

/// Where a `BundleDecoder` reads from: a file in the node, an array in tests. The core does
/// no IO; the caller brings the bytes.
public protocol BundleSource {
    /// Up to `count` bytes; fewer only at the end of the input.
    mutating func read(_ count: Int) throws -> [UInt8]
}

/// A bundle held in memory.
public struct ArrayBundleSource: BundleSource, Sendable {
    private let bytes: [UInt8]
    private var offset = 0

    /// A source over `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func read(_ count: Int) -> [UInt8] {
        let end = min(bytes.count, offset + count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// One record of a bundle.
public enum BundleRecord: Sendable {
    /// A structurally valid bulletin. Its signature and dates are not checked yet.
    case bulletin(Bulletin)
    /// A record whose bytes are not a bulletin; `id` is the hash of those bytes, for reports.
    case undecodable(BulletinError, id: BulletinID)
    /// An attachment block (version 2); its id is the hash of its bytes. Unchecked: the
    /// importer keeps it only if a bulletin's attachment tree lists it.
    case block([UInt8])
}

/// Why reading a bundle stopped before its proper end. Records already returned stay good.
public enum BundleError: Error, Equatable, Sendable, LocalizedError {
    /// The file does not start with the bundle magic.
    case notABundle
    /// A bundle version this node does not know.
    case unsupportedVersion(UInt8)
    /// The input ended after `records` records, before the trailer.
    case truncated(records: Int)
    /// Record number `index` (from 1) claims `length` bytes, more than any bulletin.
    case recordTooLarge(index: Int, length: Int)
    /// The trailer says `expected` records; `found` were read.
    case countMismatch(expected: Int, found: Int)
    /// The checksum in the trailer does not match the bytes.
    case checksumMismatch
    /// Bytes follow the trailer.
    case trailingBytes
    /// The source failed.
    case unreadable(String)

    public var localizedMessage: Localized {
        switch self {
        case .notABundle:
            return Localized(
                en: "this is not a Kabar bundle (it does not start with the bundle header)",
                id: "ini bukan bundel Kabar (tidak diawali kepala bundel)")
        case .unsupportedVersion(let version):
            return Localized(
                en: "bundle version \(version) is unknown to this node; update Kabar",
                id: "versi bundel \(version) tidak dikenal node ini; perbarui Kabar")
        case .truncated(let records):
            return Localized(
                en: "the bundle is cut short after \(records) records (copy interrupted or disk full?)",
                id: "bundel terpotong setelah \(records) rekaman (penyalinan terputus atau disk penuh?)")
        case .recordTooLarge(let index, let length):
            return Localized(
                en: "record \(index) claims \(length) bytes, over the limit of \(BundleFormat.recordBytesMax): the rest of the bundle is damaged",
                id: "rekaman \(index) mengaku \(length) byte, melebihi batas \(BundleFormat.recordBytesMax): sisa bundel rusak")
        case .countMismatch(let expected, let found):
            return Localized(
                en: "the bundle says it holds \(expected) records but \(found) were read",
                id: "bundel menyatakan berisi \(expected) rekaman tetapi terbaca \(found)")
        case .checksumMismatch:
            return Localized(
                en: "the bundle checksum does not match: some bytes were changed",
                id: "checksum bundel tidak cocok: ada byte yang berubah")
        case .trailingBytes:
            return Localized(
                en: "unexpected bytes after the end of the bundle",
                id: "ada byte tak terduga setelah akhir bundel")
        case .unreadable(let reason):
            return Localized(en: "cannot read the bundle: \(reason)", id: "tidak dapat membaca bundel: \(reason)")
        }
    }
}

/// Reads a bundle record by record, with memory bounded by one record.
///
///     var decoder = try BundleDecoder(source: ArrayBundleSource(bytes))
///     while let record = try decoder.next() { ... }    // nil after a verified trailer
///
/// `init` throws `notABundle`/`unsupportedVersion`/`unreadable` (nothing usable). `next()`
/// throws when the rest of the input cannot be trusted; every record returned before that
/// is whole and may be used (each bulletin proves itself).
public struct BundleDecoder<Source: BundleSource> {
    private var source: Source
    private var hasher = SHA256.Hasher()
    private var finished = false
    /// The bundle's version (1: bulletins alone; 2: attachment blocks too).
    public private(set) var version: UInt8 = BundleFormat.version
    /// Records returned so far.
    public private(set) var recordCount = 0

    /// Reads and checks the header.
    public init(source: Source) throws(BundleError) {
        self.source = source
        let header = try read(BundleFormat.headerByteCount)
        guard header.count == BundleFormat.headerByteCount, Array(header[0..<8]) == BundleFormat.magic else {
            throw .notABundle
        }
        guard header[8] == BundleFormat.version || header[8] == BundleFormat.versionWithBlocks else { throw .unsupportedVersion(header[8]) }
        version = header[8]
        guard header[9...].allSatisfy({ $0 == 0 }) else { throw .notABundle }
        hasher.update(header)
    }

    /// The next record, or nil once the trailer has been read and checked.
    public mutating func next() throws(BundleError) -> BundleRecord? {
        if finished { return nil }
        let lengthBytes = try read(4)
        guard lengthBytes.count == 4 else { throw .truncated(records: recordCount) }
        var length = lengthBytes.reduce(0) { $0 << 8 | Int($1) }
        hasher.update(lengthBytes)
        if length == 0 {
            try readTrailer()
            return nil
        }
        if version == BundleFormat.versionWithBlocks, UInt32(length) & BundleFormat.blockFlag != 0 {
            length &= Int(~BundleFormat.blockFlag)
            guard length <= AttachmentManifest.blockBytesMax else { throw .recordTooLarge(index: recordCount + 1, length: length) }
            let bytes = try read(length)
            guard bytes.count == length else { throw .truncated(records: recordCount) }
            hasher.update(bytes)
            recordCount += 1
            return .block(bytes)
        }
        guard length <= BundleFormat.recordBytesMax else { throw .recordTooLarge(index: recordCount + 1, length: length) }
        let bytes = try read(length)
        guard bytes.count == length else { throw .truncated(records: recordCount) }
        hasher.update(bytes)
        recordCount += 1
        do {
            return .bulletin(try Bulletin.decode(bytes))
        } catch {
            return .undecodable(error, id: BulletinID(hashing: bytes))
        }
    }

    private mutating func readTrailer() throws(BundleError) {
        let rest = try read(BundleFormat.trailerByteCount - 4)
        guard rest.count == BundleFormat.trailerByteCount - 4 else { throw .truncated(records: recordCount) }
        finished = true
        let expected = rest[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard try read(1).isEmpty else { throw .trailingBytes }
        guard expected == recordCount else { throw .countMismatch(expected: expected, found: recordCount) }
        guard Array(rest[4...]) == hasher.finalize() else { throw .checksumMismatch }
    }

    private mutating func read(_ count: Int) throws(BundleError) -> [UInt8] {
        do {
            return try source.read(count)
        } catch let error as BundleError {
            throw error
        } catch {
            throw .unreadable("\(error)")
        }
    }
}
