import KabarCrypto

/// A vouch: a signed record by which a key the network trusts says "these keys are not
/// strangers" (Documentation/Trust.md, "Strangers and vouching"). It is a bulletin of kind 5 on
/// the system channel `kabar`, the vouched keys in field 9; it travels like any bulletin and
/// counts until it expires (at most the channel's maximum lifetime). To the bulletin format both
/// are things of a later version (an unknown kind, an unknown field): older nodes carry them.
///
/// Field 9: 1 to 64 keys of 32 bytes, sorted and unique.
public struct Vouch: Hashable, Sendable {
    /// The bulletin kind of a vouch.
    public static let kind = BulletinKind.unknown(5)
    /// The field holding the vouched keys.
    public static let fieldTag: UInt8 = 9
    /// Keys one vouch may name.
    public static let keysMax = 64
    /// The channel vouches travel on.
    public static let channel = "kabar"

    /// The vouched keys, sorted.
    public let keys: [AuthorKey]

    /// A vouch for `keys` (1 to `keysMax`, sorted and made unique here).
    public init?(keys: some Sequence<AuthorKey>) {
        let sorted = Array(Set(keys)).sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        guard !sorted.isEmpty, sorted.count <= Self.keysMax else { return nil }
        self.keys = sorted
    }

    /// The vouch `bulletin` carries, or nil when it is not a well-formed vouch: kind 5 on
    /// `kabar`, field 9 a sorted, unique list of 1 to 64 keys, no title, body, references,
    /// attachments or grant.
    public init?(_ bulletin: Bulletin) {
        let content = bulletin.content
        guard content.kind == Self.kind, content.channel == Self.channel, content.title.isEmpty, content.body.isEmpty,
            content.references.isEmpty, content.attachments.isEmpty, content.grant == nil, content.supersedes == nil,
            let field = content.unknownFields.first(where: { $0.tag == Self.fieldTag }),
            field.value.count % AuthorKey.byteCount == 0
        else { return nil }
        let count = field.value.count / AuthorKey.byteCount
        guard count >= 1, count <= Self.keysMax else { return nil }
        var keys: [AuthorKey] = []
        for index in 0..<count {
            let start = index * AuthorKey.byteCount
            // 32 bytes always make a key.
            let key = AuthorKey(bytes: Array(field.value[start..<(start + AuthorKey.byteCount)]))!
            if let last = keys.last, !last.bytes.lexicographicallyPrecedes(key.bytes) { return nil }
            keys.append(key)
        }
        self.keys = keys
    }

    /// True when `bulletin` is of the vouch kind on `kabar` (well-formed or not).
    public static func isVouchKind(_ bulletin: Bulletin) -> Bool { bulletin.kind == kind }

    /// The unsigned content of a vouch by `author`.
    public func content(author: AuthorKey, created: UnixTime, expires: UnixTime) -> BulletinContent {
        var content = BulletinContent(kind: Self.kind, author: author, created: created, expires: expires, channel: Self.channel)
        content.unknownFields = [UnknownField(tag: Self.fieldTag, value: keys.flatMap(\.bytes))]
        return content
    }
}

/// The voucher a hall's board adds to a phone's bulletin: the hall's key and its signature over
/// the phone's key. Field tag 8 (an unknown field to the bulletin format: carried and signed by
/// the phone's key like any other), value 96 bytes:
///
/// ```
/// +--------------------------+---------------------------------------------------------+
/// | hall key (32)            | Ed25519 signature by the hall key (64) over             |
/// |                          | "kabar-phone-voucher-v1" || 0x00 || phone key (32)      |
/// +--------------------------+---------------------------------------------------------+
/// ```
///
/// It is a vouch carried inside the bulletin: it travels and expires with it, and names one
/// key. The trust rules count it when the hall's key may vouch (Trust.md).
public enum PhoneVoucher {
    /// The bulletin field tag.
    public static let tag: UInt8 = 8
    /// The value's size.
    public static let valueByteCount = 96

    /// What the hall signs for `phone`.
    public static func message(phone: AuthorKey) -> [UInt8] { Array("kabar-phone-voucher-v1".utf8) + [0] + phone.bytes }

    /// The hall key a voucher in `bulletin` names, unchecked (nil when there is none).
    public static func claimedHall(of bulletin: Bulletin) -> AuthorKey? {
        guard let field = bulletin.content.unknownFields.first(where: { $0.tag == tag }), field.value.count == valueByteCount
        else { return nil }
        return AuthorKey(bytes: Array(field.value[0..<32]))
    }

    /// The hall that vouched for `bulletin`'s author, when its voucher is there and checks out.
    public static func hall(of bulletin: Bulletin) -> AuthorKey? {
        guard let hall = claimedHall(of: bulletin), let field = bulletin.content.unknownFields.first(where: { $0.tag == tag })
        else { return nil }
        let signature = Array(field.value[32...])
        guard Ed25519.isValidSignature(signature, for: message(phone: bulletin.author), publicKey: hall.bytes) else { return nil }
        return hall
    }
}
