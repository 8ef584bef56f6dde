import KabarCrypto

/// The export bundle: bulletins on a USB stick, carried from one hall to the next.
/// Documentation/Bundle.md is the spec; this is the code.
///
///      0                               8       9              12
///     +-------------------------------+-------+--------------+
///     | magic 89 'K' 'B' 'N' 0D 0A 1A 0A | ver=1 | reserved 000 |            header, 12 bytes
///     +-------------------------------+-------+--------------+
///     | length (u32, 1...16384) | signed bulletin (length bytes) |        record, repeated
///     +-------------------------+--------------------------------+
///     | 00 00 00 00 (end) | count (u32) | SHA-256 (32) of every byte before it |  trailer, 40
///     +-------------------+-------------+---------------------------------------+
///
/// Integers are big-endian. Each record is a whole bulletin, which proves itself (its id is
/// its hash, its signature its author's), so a bundle needs no signature of its own. The
/// trailer tells a complete bundle from a cut-off one: a reader reports truncation but keeps
/// every good record before it.
public enum BundleFormat {
    /// The first eight bytes. Like PNG's: the high byte catches 7-bit transfers, CR LF and LF
    /// catch line-ending conversion, 1A stops a DOS `type`.
    public static let magic: [UInt8] = [0x89, 0x4B, 0x42, 0x4E, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The version of a bundle of bulletins alone; a node of every release reads it.
    public static let version: UInt8 = 1
    /// The version of a bundle that also carries attachment blocks (records whose length has
    /// `blockFlag` set). This node reads both; it writes 2 only when there are blocks, so a
    /// bundle without attachments still imports on older nodes.
    public static let versionWithBlocks: UInt8 = 2
    /// Set in a record's length (version 2): the record is an attachment block, not a bulletin.
    public static let blockFlag: UInt32 = 0x8000_0000
    /// Header bytes: magic, version, three reserved zero bytes.
    public static let headerByteCount = 12
    /// Trailer bytes: end marker, count, checksum.
    public static let trailerByteCount = 40
    /// The largest record: one bulletin at its largest.
    public static let recordBytesMax = BulletinCodec.encodedBytesMax
    /// Records per bundle, at most (the count field is 32 bits).
    public static let recordsMax = Int(UInt32.max)

    /// The header bytes.
    public static var header: [UInt8] { header(version: version) }

    /// The header bytes of `version`.
    public static func header(version: UInt8) -> [UInt8] { magic + [version, 0, 0, 0] }
}

/// Writes a bundle a piece at a time, so an export of any size streams to its file.
///
///     var encoder = BundleEncoder()
///     var bytes = encoder.header
///     for bulletin in bulletins { bytes += encoder.record(bulletin) }
///     bytes += encoder.trailer()
public struct BundleEncoder: Sendable {
    private var hasher = SHA256.Hasher()
    /// Records written so far (bulletins and blocks: the trailer's count).
    public private(set) var count = 0
    /// Bulletin records written so far.
    public private(set) var bulletinCount = 0
    /// The header, to write first.
    public let header: [UInt8]

    /// An encoder; the header is already counted in the checksum. `withBlocks`: the bundle
    /// will carry attachment blocks (version 2).
    public init(withBlocks: Bool = false) {
        header = BundleFormat.header(version: withBlocks ? BundleFormat.versionWithBlocks : BundleFormat.version)
        hasher.update(header)
    }

    /// The bytes of one attachment block record (only in a bundle made `withBlocks`).
    public mutating func record(block: [UInt8]) -> [UInt8] {
        precondition(header[8] == BundleFormat.versionWithBlocks && block.count <= AttachmentManifest.blockBytesMax, "a block record needs a version 2 bundle")
        var writer = ByteWriter(capacity: 4 + block.count)
        writer.write(BundleFormat.blockFlag | UInt32(block.count))
        writer.write(block)
        hasher.update(writer.bytes)
        count += 1
        return writer.bytes
    }

    /// The bytes of one record.
    public mutating func record(_ bulletin: Bulletin) -> [UInt8] {
        var writer = ByteWriter(capacity: 4 + bulletin.encoded.count)
        writer.write(UInt32(bulletin.encoded.count))
        writer.write(bulletin.encoded)
        hasher.update(writer.bytes)
        count += 1
        bulletinCount += 1
        return writer.bytes
    }

    /// The trailer, to write last. Call once.
    public mutating func trailer() -> [UInt8] {
        let end: [UInt8] = [0, 0, 0, 0]
        hasher.update(end)
        var writer = ByteWriter(capacity: BundleFormat.trailerByteCount)
        writer.write(end)
        writer.write(UInt32(truncatingIfNeeded: count))
        writer.write(hasher.finalize())
        return writer.bytes
    }

    /// A whole bundle of `bulletins`, in order.
    public static func encode(_ bulletins: [Bulletin]) -> [UInt8] {
        var encoder = BundleEncoder()
        var bytes = encoder.header
        for bulletin in bulletins { bytes += encoder.record(bulletin) }
        return bytes + encoder.trailer()
    }
}
