/// The fields of a bulletin an index needs, read without a full decode.
///
/// A store that already checked a bulletin when it first wrote it can rebuild its index from
/// these at start-up: no hashing, no signature, no string for the title or body. They come
/// from the fixed 50-byte header of format version 1 and its first field, which is always the
/// channel (BulletinCodec, Documentation/Bulletin.md).
public struct BulletinSummary: Sendable, Equatable {
    /// What it is.
    public let kind: BulletinKind
    /// Who wrote it.
    public let author: AuthorKey
    /// When it says it was created.
    public let created: UnixTime
    /// When it expires.
    public let expires: UnixTime
    /// Its channel.
    public let channel: String
    /// It lists attachments (field 6): the attachment keeper reads only such bulletins.
    public let hasAttachments: Bool

    /// A summary of these fields.
    public init(kind: BulletinKind, author: AuthorKey, created: UnixTime, expires: UnixTime, channel: String, hasAttachments: Bool = false) {
        self.kind = kind
        self.author = author
        self.created = created
        self.expires = expires
        self.channel = channel
        self.hasAttachments = hasAttachments
    }

    /// The summary of a decoded bulletin.
    public init(_ bulletin: Bulletin) {
        kind = bulletin.kind
        author = bulletin.author
        created = bulletin.created
        expires = bulletin.expires
        channel = bulletin.channel
        hasAttachments = !bulletin.content.attachments.isEmpty
    }

    /// Reads the summary from `encoded` bytes; nil when they are not a version-1 header
    /// followed by a channel field (then decode the bulletin in full instead).
    public init?(encoded: UnsafeRawBufferPointer) {
        let header = 50
        guard encoded.count > header + 2, encoded[0] == 1, let kind = BulletinKind(code: encoded[1]),
              let author = AuthorKey(bytes: Array(encoded[2..<34]))
        else { return nil }
        func time(_ offset: Int) -> Int64 {
            Int64(bitPattern: UInt64(bigEndian: encoded.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        }
        guard encoded[header] == 1 else { return nil }
        // A channel is at most 32 bytes, so its length is a one-byte varint.
        let length = Int(encoded[header + 1])
        guard length > 0, length < 0x80, header + 2 + length <= encoded.count else { return nil }
        self.kind = kind
        self.author = author
        self.created = UnixTime(milliseconds: time(34))
        self.expires = UnixTime(milliseconds: time(42))
        self.channel = String(decoding: encoded[(header + 2)..<(header + 2 + length)], as: UTF8.self)
        // The fields after the channel, tag and length each, up to the signature: skipped
        // until the attachments' tag (6) or a later one. A length that runs past the end is
        // not a summary (the caller decodes the bulletin in full, and refuses it).
        var offset = header + 2 + length
        let end = encoded.count - 64
        var attachments = false
        while offset < end {
            let tag = encoded[offset]
            if tag >= 6 {
                attachments = tag == 6
                break
            }
            offset += 1
            var fieldLength = 0
            var shift = 0
            while true {
                guard offset < end, shift <= 14 else { return nil }
                let byte = encoded[offset]
                offset += 1
                fieldLength |= Int(byte & 0x7F) << shift
                shift += 7
                if byte & 0x80 == 0 { break }
            }
            offset += fieldLength
        }
        guard offset <= end else { return nil }
        self.hasAttachments = attachments
    }
}
