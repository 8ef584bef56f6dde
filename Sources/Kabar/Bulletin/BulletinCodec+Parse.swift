extension BulletinCodec {
    /// Parses `bytes` into content and signature, enforcing every structural rule. The only
    /// place that reads the format.
    static func parse(_ bytes: [UInt8]) throws(BulletinError) -> (BulletinContent, [UInt8]) {
        guard bytes.count <= encodedBytesMax else { throw .tooLarge(size: bytes.count, limit: encodedBytesMax) }
        guard bytes.count >= headerByteCount + signatureByteCount else { throw .truncated }
        let fieldsEnd = bytes.count - signatureByteCount
        var reader = ByteReader(bytes, range: 0..<fieldsEnd)
        var content: BulletinContent
        do {
            let version = try reader.readByte()
            guard version == Bulletin.formatVersion else { throw BulletinError.unknownVersion(version) }
            guard let kind = BulletinKind(code: try reader.readByte()) else { throw BulletinError.reservedKind }
            // 32 bytes always make a key.
            let author = AuthorKey(bytes: try reader.readBytes(AuthorKey.byteCount))!
            let created = try reader.readUInt64()
            let expires = try reader.readUInt64()
            guard created <= UInt64(timeMax), expires <= UInt64(timeMax) else { throw BulletinError.timeOutOfRange }
            guard created < expires else { throw BulletinError.invalidTimes }
            content = BulletinContent(
                kind: kind, author: author, created: UnixTime(milliseconds: Int64(created)),
                expires: UnixTime(milliseconds: Int64(expires)), channel: "")
            try parseFields(&reader, into: &content)
        } catch let error as BulletinError {
            throw error
        } catch is ByteReader.Error {
            throw .truncated
        } catch {
            throw .truncated
        }
        try checkKindRules(content)
        return (content, Array(bytes[fieldsEnd...]))
    }

    private static func parseFields(_ reader: inout ByteReader, into content: inout BulletinContent) throws {
        var previousTag: UInt8 = 0
        while !reader.isAtEnd {
            let tag = try reader.readByte()
            guard tag > previousTag else { throw BulletinError.nonCanonical("fields out of order or repeated") }
            previousTag = tag
            let length: UInt64
            do { length = try reader.readVarint() } catch ByteReader.Error.badVarint {
                throw BulletinError.nonCanonical("length not in shortest form")
            }
            guard length > 0 else { throw BulletinError.nonCanonical("empty field") }
            guard length <= UInt64(reader.remaining) else { throw BulletinError.truncated }
            let value = try reader.readBytes(Int(length))
            switch tag {
            case Tag.channel: content.channel = try channelName(value)
            case Tag.title: content.title = try text(value, field: .title, limit: titleBytesMax, allowNewlines: false)
            case Tag.body: content.body = try text(value, field: .body, limit: bodyBytesMax, allowNewlines: true)
            case Tag.references: content.references = try idList(value, field: .references)
            case Tag.supersedes:
                guard value.count == BulletinID.byteCount else { throw BulletinError.fieldTooLong(.supersedes, limit: 32) }
                content.supersedes = BulletinID(bytes: value)
            case Tag.attachments: content.attachments = try idList(value, field: .attachments)
            case Tag.grant: content.grant = try parseGrant(value)
            default:
                guard content.unknownFields.count < unknownFieldsMax else {
                    throw BulletinError.fieldTooLong(.unknown, limit: unknownFieldsMax)
                }
                content.unknownFields.append(UnknownField(tag: tag, value: value))
            }
        }
    }

    /// What each known kind must and must not carry. Unknown kinds need only a channel.
    private static func checkKindRules(_ content: BulletinContent) throws(BulletinError) {
        guard !content.channel.isEmpty else { throw .missingField(.channel) }
        switch content.kind {
        case .post:
            guard !content.title.isEmpty else { throw .missingField(.title) }
            guard content.grant == nil else { throw .unexpectedField(.grant) }
        case .retraction, .hide:
            guard !content.references.isEmpty else { throw .missingField(.references) }
            guard content.title.isEmpty else { throw .unexpectedField(.title) }
            guard content.body.isEmpty else { throw .unexpectedField(.body) }
            guard content.supersedes == nil else { throw .unexpectedField(.supersedes) }
            guard content.attachments.isEmpty else { throw .unexpectedField(.attachments) }
            guard content.grant == nil else { throw .unexpectedField(.grant) }
        case .grant:
            guard content.grant != nil else { throw .missingField(.grant) }
            guard content.title.isEmpty else { throw .unexpectedField(.title) }
            guard content.body.isEmpty else { throw .unexpectedField(.body) }
            guard content.references.isEmpty else { throw .unexpectedField(.references) }
            guard content.supersedes == nil else { throw .unexpectedField(.supersedes) }
            guard content.attachments.isEmpty else { throw .unexpectedField(.attachments) }
        case .unknown:
            break
        }
    }

    /// Checks a channel name: 1-32 bytes of a-z, 0-9 and '-', starting with a letter.
    public static func channelName(_ bytes: [UInt8]) throws(BulletinError) -> String {
        let name = String(decoding: bytes, as: UTF8.self)
        guard isValidChannelName(bytes) else { throw .invalidChannelName(name) }
        return name
    }

    /// True when `name` is a valid channel name.
    public static func isValidChannelName(_ name: String) -> Bool { isValidChannelName(Array(name.utf8)) }

    private static func isValidChannelName(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, bytes.count <= channelBytesMax,
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first)
        else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
        }
    }

    /// Checks a text field: size, UTF-8, and no control characters (`isAllowed(_:in:)`).
    static func text(_ bytes: [UInt8], field: BulletinField, limit: Int, allowNewlines: Bool) throws(BulletinError) -> String {
        guard bytes.count <= limit else { throw .fieldTooLong(field, limit: limit) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .badUTF8(field) }
        guard text.unicodeScalars.allSatisfy({ isAllowed($0, in: field) }) else { throw .controlCharacter(field) }
        return text
    }

    /// True when `scalar` may stand in a title or a body: the one definition of "control
    /// character" (Documentation/Bulletin.md, "Text"), used by the decoder and by every front
    /// end that checks what a person typed before signing it.
    ///
    /// - Never: Unicode's control characters (general category Cc: U+0000-001F, U+007F-009F),
    ///   but a body may hold a newline (U+000A) and a tab (U+0009); so a carriage return never
    ///   passes and line ends have one form.
    /// - Not in a title: the line and paragraph separators U+2028 and U+2029 (a title is one
    ///   line), and the bidirectional embeddings, overrides and isolates (U+202A-202E,
    ///   U+2066-2069): a title is one line among others in a listing, and an override there can
    ///   show its letters in another order than they are signed. A body may hold them: text
    ///   mixing left-to-right and right-to-left scripts needs the latter, phones' pastes bring
    ///   the former, and bulletins with them are already in stores (Bulletin.md, "Text").
    public static func isAllowed(_ scalar: Unicode.Scalar, in field: BulletinField) -> Bool {
        let value = scalar.value
        if value < 0x20 { return field == .body && (scalar == "\n" || scalar == "\t") }
        if (0x7f...0x9f).contains(value) { return false }
        if field == .title, value == 0x2028 || value == 0x2029 || (0x202a...0x202e).contains(value) || (0x2066...0x2069).contains(value) {
            return false
        }
        return true
    }

    private static func idList(_ bytes: [UInt8], field: BulletinField) throws(BulletinError) -> [BulletinID] {
        guard bytes.count % BulletinID.byteCount == 0 else { throw .truncated }
        let count = bytes.count / BulletinID.byteCount
        guard count <= referencesMax else { throw .fieldTooLong(field, limit: referencesMax) }
        var ids: [BulletinID] = []
        for index in 0..<count {
            let start = index * BulletinID.byteCount
            // 32 bytes always make an id.
            let id = BulletinID(bytes: bytes[start..<(start + BulletinID.byteCount)])!
            guard !ids.contains(id) else { throw .nonCanonical("repeated id in \(field.rawValue)") }
            ids.append(id)
        }
        return ids
    }

    /// grant = grantee (32) | flags (u8) | count (u8) | count x (length u8 | channel name)
    static func encodeGrant(_ grant: Grant) -> [UInt8] {
        var writer = ByteWriter(capacity: 40 + grant.channels.count * 12)
        writer.write(grant.grantee.bytes)
        writer.write((grant.mayGrant ? Grant.Flag.mayGrant : 0) | (grant.moderator ? Grant.Flag.moderator : 0))
        writer.write(UInt8(clamping: grant.channels.count))
        for channel in grant.channels {
            writer.write(UInt8(clamping: channel.utf8.count))
            writer.write(channel.utf8)
        }
        return writer.bytes
    }

    private static func parseGrant(_ bytes: [UInt8]) throws -> Grant {
        var reader = ByteReader(bytes)
        let grantee = AuthorKey(bytes: try reader.readBytes(AuthorKey.byteCount))!
        let flags = try reader.readByte()
        guard flags & ~Grant.Flag.known == 0 else { throw BulletinError.nonCanonical("unknown grant flags") }
        let count = Int(try reader.readByte())
        guard count > 0 else { throw BulletinError.missingField(.grant) }
        guard count <= Grant.channelsMax else { throw BulletinError.fieldTooLong(.grant, limit: Grant.channelsMax) }
        var channels: [String] = []
        for _ in 0..<count {
            let length = Int(try reader.readByte())
            let name = try channelName(try reader.readBytes(length))
            if let last = channels.last, last >= name {
                throw BulletinError.nonCanonical("grant channels not sorted and unique")
            }
            channels.append(name)
        }
        guard reader.isAtEnd else { throw BulletinError.nonCanonical("trailing bytes in grant") }
        return Grant(
            grantee: grantee, channels: channels, mayGrant: flags & Grant.Flag.mayGrant != 0,
            moderator: flags & Grant.Flag.moderator != 0)
    }
}
