/// An attachment's root block: what the file is and the ids of the blocks below it
/// (Documentation/Attachments.md). Its SHA-256 is the attachment's content id, the id a
/// bulletin's field 6 lists.
///
/// ```
/// +---------+-----------+--------+-----------+--------+-----------+--------+---------------+
/// | version | size (u64)| height | type len  | type   | name len  | name   | count | ids   |
/// |  (u8)=1 |  bytes    |  (u8)  |  (u8)     | ASCII  |  (u8)     | UTF-8  | (u8)  | 32 x  |
/// +---------+-----------+--------+-----------+--------+-----------+--------+---------------+
/// ```
///
/// `height` 0: the ids are the data blocks; 1: each id is an index block listing data blocks;
/// 2: index blocks of index blocks. The size fixes the whole shape (how many blocks on each
/// level, and the size of the last data block), so a manifest whose ids do not fit its size is
/// refused before anything is fetched, and a tree can neither loop nor grow past its size.
public struct AttachmentManifest: Hashable, Sendable {
    /// The format version.
    public static let version: UInt8 = 1
    /// Bytes of file data in one data block; every data block but the last is this full.
    public static let dataBlockBytes = 1_024
    /// Ids in one index block (32 x 32 bytes = 1,024).
    public static let idsPerIndexBlock = 32
    /// Ids in the manifest, at most (it also carries the header: it stays under 1,024 bytes).
    public static let idsPerManifestMax = 24
    /// Tree height, at most: 24 x 32 x 32 data blocks of 1 KiB = 24 MiB.
    public static let heightMax: UInt8 = 2
    /// An attachment's size, at most, whatever a channel allows.
    public static let sizeMax: UInt64 = 16 * 1024 * 1024
    /// A media type (`image/jpeg`), bytes, at most; a file name, bytes, at most.
    public static let typeBytesMax = 64
    public static let nameBytesMax = 128
    /// The largest manifest: the header with the longest type and name, and every id.
    static let manifestBytesMax = 1 + 8 + 1 + 1 + typeBytesMax + 1 + nameBytesMax + 1 + idsPerManifestMax * 32
    /// A block in transit or in the store, bytes, at most: a full data or index block (the
    /// largest manifest, 973 bytes, is smaller). One fits a transfer datagram's record.
    public static let blockBytesMax = 1_024

    /// The file's size in bytes.
    public let size: UInt64
    /// Levels of index blocks under the manifest.
    public let height: UInt8
    /// Its media type, e.g. `image/jpeg`.
    public let type: String
    /// Its file name as the poster gave it (no folders).
    public let name: String
    /// The blocks one level down.
    public let children: [ContentID]

    /// A manifest of its parts; use `AttachmentTree.build` to make one from bytes.
    public init(size: UInt64, height: UInt8, type: String, name: String, children: [ContentID]) throws(AttachmentError) {
        self.size = size
        self.height = height
        self.type = type
        self.name = name
        self.children = children
        try Self.check(type: type, name: name)
        guard size <= Self.sizeMax else { throw .tooLarge(size: size, limit: Self.sizeMax) }
        guard height <= Self.heightMax, UInt64(children.count) == Self.childCount(size: size, height: height),
            height == Self.height(forSize: size)
        else { throw .shapeMismatch }
    }

    /// The canonical bytes.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: Self.blockBytesMax)
        writer.write(Self.version)
        writer.write(size)
        writer.write(height)
        writer.write(UInt8(type.utf8.count))
        writer.write(type.utf8)
        writer.write(UInt8(name.utf8.count))
        writer.write(name.utf8)
        writer.write(UInt8(children.count))
        for child in children { writer.write(child.bytes) }
        return writer.bytes
    }

    /// The attachment's content id.
    public var id: ContentID { ContentID(hashing: encoded) }

    /// Reads a manifest, refusing anything not in canonical form or whose ids do not fit its size.
    public static func decode(_ bytes: [UInt8]) throws(AttachmentError) -> AttachmentManifest {
        guard bytes.count <= manifestBytesMax else { throw .malformed }
        var reader = ByteReader(bytes)
        do {
            guard try reader.readByte() == version else { throw AttachmentError.unknownVersion }
            let size = try reader.readUInt64()
            let height = try reader.readByte()
            let type = try text(reader.readBytes(Int(reader.readByte())))
            let name = try text(reader.readBytes(Int(reader.readByte())))
            let count = Int(try reader.readByte())
            guard count <= idsPerManifestMax else { throw AttachmentError.shapeMismatch }
            var children: [ContentID] = []
            for _ in 0..<count {
                guard let id = ContentID(bytes: try reader.readBytes(32)) else { throw AttachmentError.malformed }
                children.append(id)
            }
            guard reader.isAtEnd else { throw AttachmentError.malformed }
            return try AttachmentManifest(size: size, height: height, type: type, name: name, children: children)
        } catch let error as AttachmentError {
            throw error
        } catch {
            throw .malformed
        }
    }

    private static func text(_ bytes: [UInt8]) throws(AttachmentError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed }
        return text
    }

    static func check(type: String, name: String) throws(AttachmentError) {
        let typeBytes = Array(type.utf8)
        guard !typeBytes.isEmpty, typeBytes.count <= typeBytesMax, typeBytes.contains(0x2F),
            typeBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x3B })
        else { throw .badType(type) }
        guard !name.isEmpty, name.utf8.count <= nameBytesMax, !name.contains("/"), !name.contains("\\"), name != ".", name != "..",
            !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { throw .badName(name) }
    }

    // MARK: Shape

    /// Data blocks a file of `size` bytes takes (at least one: an empty file is one empty block).
    public static func dataBlocks(size: UInt64) -> UInt64 {
        max(1, (size + UInt64(dataBlockBytes) - 1) / UInt64(dataBlockBytes))
    }

    /// The lowest height whose tree holds `size` bytes.
    public static func height(forSize size: UInt64) -> UInt8 {
        var capacity = UInt64(idsPerManifestMax)
        var height: UInt8 = 0
        while dataBlocks(size: size) > capacity && height < heightMax + 1 {
            capacity *= UInt64(idsPerIndexBlock)
            height += 1
        }
        return height
    }

    /// How many blocks sit `level` levels below the data blocks (0: the data blocks) for `size`.
    public static func blocks(size: UInt64, level: Int) -> UInt64 {
        var count = dataBlocks(size: size)
        for _ in 0..<level { count = (count + UInt64(idsPerIndexBlock) - 1) / UInt64(idsPerIndexBlock) }
        return count
    }

    /// Ids the manifest lists for `size` at `height`.
    static func childCount(size: UInt64, height: UInt8) -> UInt64 { blocks(size: size, level: Int(height)) }
}

/// A 32-byte SHA-256 content id: of a bulletin, an attachment's manifest, or one of its blocks.
public typealias ContentID = BulletinID

/// Why an attachment or one of its blocks was refused.
public enum AttachmentError: Error, Equatable, Sendable, LocalizedError {
    /// Not a manifest of a version this node reads.
    case unknownVersion
    /// Bytes that do not parse as the format says.
    case malformed
    /// The ids do not fit the size (too many or too few on a level, a wrong height, a block of
    /// the wrong length): a lie or a loop, refused before anything is fetched or stored.
    case shapeMismatch
    /// Over the hard maximum, or a channel's limit.
    case tooLarge(size: UInt64, limit: UInt64)
    /// A media type that is not `type/subtype` in visible ASCII.
    case badType(String)
    /// A file name with a folder, a control character, or over the limit.
    case badName(String)
    /// A block whose bytes do not hash to the id its parent lists.
    case hashMismatch

    public var localizedMessage: Localized {
        switch self {
        case .unknownVersion:
            return Localized(en: "an attachment of a newer format; update Kabar", id: "lampiran berformat lebih baru; perbarui Kabar")
        case .malformed:
            return Localized(en: "the attachment's data is damaged", id: "data lampiran rusak")
        case .shapeMismatch:
            return Localized(en: "the attachment's manifest does not fit its size", id: "manifes lampiran tidak sesuai ukurannya")
        case .tooLarge(let size, let limit):
            return Localized(
                en: "the attachment is \(size) bytes; the limit is \(limit) bytes", id: "lampiran \(size) byte; batasnya \(limit) byte")
        case .badType(let type):
            return Localized(
                en: "'\(type.prefix(80))' is not a media type such as image/jpeg", id: "'\(type.prefix(80))' bukan jenis media seperti image/jpeg")
        case .badName(let name):
            return Localized(
                en: "'\(name.prefix(80))' is not a file name (no folders, no control characters, at most 128 bytes)",
                id: "'\(name.prefix(80))' bukan nama berkas (tanpa folder, tanpa karakter kendali, paling banyak 128 byte)")
        case .hashMismatch:
            return Localized(en: "a piece of the attachment does not match its hash", id: "sepotong lampiran tidak cocok dengan hash-nya")
        }
    }
}
