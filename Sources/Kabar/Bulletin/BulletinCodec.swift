/// The bulletin wire format, version 1. Documentation/Bulletin.md is the spec; this is the code.
///
///      0       1       2                                  34              42              50
///     +-------+-------+----------------------------------+---------------+---------------+
///     |version| kind  |  author Ed25519 public key (32)  | created (u64) | expires (u64) |
///     +-------+-------+----------------------------------+---------------+---------------+
///     | fields: tag (u8) | length (varint) | value ...   strictly increasing tags          |
///     +-------------------------------------------------------------------------------------+
///     | signature (64): Ed25519 over "kabar-bulletin-v1\0" || every byte above               |
///     +-------------------------------------------------------------------------------------+
///
/// Integers are big-endian; times are milliseconds since the Unix epoch; varints are minimal
/// unsigned LEB128. Field tags: 1 channel, 2 title, 3 body, 4 references, 5 supersedes,
/// 6 attachments, 7 grant; 8-255 are carried unchanged. No field is empty.
public enum BulletinCodec {
    /// Largest encoding, signature included.
    public static let encodedBytesMax = 16_384
    /// Bytes before the first field.
    public static let headerByteCount = 50
    /// Bytes of the signature.
    public static let signatureByteCount = 64
    /// Channel name bytes, at most.
    public static let channelBytesMax = 32
    /// Title bytes, at most.
    public static let titleBytesMax = 200
    /// Body bytes, at most.
    public static let bodyBytesMax = 15_000
    /// References (or attachments) per bulletin, at most.
    public static let referencesMax = 16
    /// Unknown fields per bulletin, at most.
    public static let unknownFieldsMax = 16
    /// Latest encodable time: 2^53 - 1 ms, so times survive JSON numbers.
    public static let timeMax: Int64 = (1 << 53) - 1

    enum Tag {
        static let channel: UInt8 = 1
        static let title: UInt8 = 2
        static let body: UInt8 = 3
        static let references: UInt8 = 4
        static let supersedes: UInt8 = 5
        static let attachments: UInt8 = 6
        static let grant: UInt8 = 7
        static let firstUnknown: UInt8 = 8
    }

    /// The canonical encoding of `content` without a signature. Checks every rule that
    /// decoding checks, so that nothing can be signed that other nodes would reject.
    static func encodeUnsigned(_ content: BulletinContent) throws(BulletinError) -> [UInt8] {
        var content = content
        content.unknownFields.sort { $0.tag < $1.tag }
        let unsigned = encodeFields(content)
        guard unsigned.count + signatureByteCount <= encodedBytesMax else {
            throw .tooLarge(size: unsigned.count + signatureByteCount, limit: encodedBytesMax)
        }
        // Parse what we would sign, with a placeholder signature, so that writing and reading
        // share one set of rules and nothing is signed that other nodes would reject.
        let (parsed, _) = try parse(unsigned + [UInt8](repeating: 0, count: signatureByteCount))
        guard parsed == content else { throw .nonCanonical("content does not survive encoding") }
        return unsigned
    }

    /// Decodes and fully checks the structure of `bytes`; `digest`, when given, is their digests
    /// already computed by the caller.
    static func decode(_ bytes: [UInt8], digest: BulletinDigest? = nil) throws(BulletinError) -> Bulletin {
        let (content, signature) = try parse(bytes)
        // Belt and braces: the parse rules above should make this impossible to fail, but a
        // canonical form is a promise to every other node, so check it directly.
        guard encodeFields(content) + signature == bytes else { throw .nonCanonical("decode then encode differs") }
        return Bulletin(content: content, signature: signature, encoded: bytes, digest: digest ?? BulletinDigest(of: bytes))
    }

    /// Writes the header and fields of `content` as they are, in order.
    private static func encodeFields(_ content: BulletinContent) -> [UInt8] {
        var writer = ByteWriter(capacity: headerByteCount + content.title.utf8.count + content.body.utf8.count + 64)
        writer.write(content.version)
        writer.write(content.kind.code)
        writer.write(content.author.bytes)
        writer.write(UInt64(clamping: content.created.milliseconds))
        writer.write(UInt64(clamping: content.expires.milliseconds))
        func field(_ tag: UInt8, _ value: [UInt8]) {
            guard !value.isEmpty else { return }
            writer.write(tag)
            writer.writeLengthPrefixed(value)
        }
        field(Tag.channel, Array(content.channel.utf8))
        field(Tag.title, Array(content.title.utf8))
        field(Tag.body, Array(content.body.utf8))
        field(Tag.references, content.references.flatMap(\.bytes))
        field(Tag.supersedes, content.supersedes?.bytes ?? [])
        field(Tag.attachments, content.attachments.flatMap(\.bytes))
        field(Tag.grant, content.grant.map(encodeGrant) ?? [])
        for unknown in content.unknownFields { field(unknown.tag, unknown.value) }
        return writer.bytes
    }
}
