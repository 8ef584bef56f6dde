import KabarCrypto

/// The unsigned content of a bulletin: everything the signature covers.
/// Build one, then `Bulletin.sign(_:with:)` it. Empty `title`/`body` and empty lists mean
/// "absent" on the wire.
public struct BulletinContent: Hashable, Sendable {
    /// The format version; this node writes and reads `Bulletin.formatVersion`.
    public var version: UInt8 = Bulletin.formatVersion
    /// What the bulletin is.
    public var kind: BulletinKind
    /// The author's public key.
    public var author: AuthorKey
    /// When the author's node says it was written (its best estimate of the time).
    public var created: UnixTime
    /// When every node drops it.
    public var expires: UnixTime
    /// The channel, such as `pasar` or `resmi`.
    public var channel: String
    /// A one-line title (posts).
    public var title: String = ""
    /// The text (posts); lines end in `\n`.
    public var body: String = ""
    /// Ids this bulletin replies to (post) or acts on (retraction, hide).
    public var references: [BulletinID] = []
    /// The earlier post by the same author that this one replaces (an edit).
    public var supersedes: BulletinID?
    /// Content ids of attached chunks.
    public var attachments: [BulletinID] = []
    /// The grant, for grant bulletins.
    public var grant: Grant?
    /// Fields from later versions (tag 8 and up), carried and signed unchanged, by tag.
    public var unknownFields: [UnknownField] = []

    /// Content with the fields every kind has.
    public init(kind: BulletinKind, author: AuthorKey, created: UnixTime, expires: UnixTime, channel: String) {
        self.kind = kind
        self.author = author
        self.created = created
        self.expires = expires
        self.channel = channel
    }
}

/// A field of a later format version that this node does not understand but must carry.
public struct UnknownField: Hashable, Sendable {
    /// The tag, 8 or more.
    public let tag: UInt8
    /// The raw value.
    public let value: [UInt8]

    /// An unknown field.
    public init(tag: UInt8, value: [UInt8]) {
        self.tag = tag
        self.value = value
    }
}

/// One signed, canonical bulletin. Its `id` is the SHA-256 of `encoded`.
///
/// A `Bulletin` value is always structurally valid and canonical (the initialisers check);
/// its signature and its dates against a clock are checked separately, by
/// `verifySignature()` and `BulletinPolicy`, so that a node can look an id up in its store
/// before paying for a signature check.
public struct Bulletin: Hashable, Sendable, CustomStringConvertible {
    /// The format version this node writes.
    public static let formatVersion: UInt8 = 1
    /// The context string that separates bulletin signatures from every other signature.
    public static let signingDomain: [UInt8] = Array("kabar-bulletin-v1".utf8) + [0]

    /// The signed content.
    public let content: BulletinContent
    /// The 64-byte Ed25519 signature.
    public let signature: [UInt8]
    /// The full canonical encoding, signature included.
    public let encoded: [UInt8]
    /// SHA-256 of `encoded`.
    public let id: BulletinID
    /// The work its stamp proves: leading zero bits of SHA-256 of its unsigned part
    /// (`BulletinDigest`; Documentation/Trust.md, "Stamps").
    public let stampBits: UInt8

    init(content: BulletinContent, signature: [UInt8], encoded: [UInt8], digest: BulletinDigest) {
        self.content = content
        self.signature = signature
        self.encoded = encoded
        self.id = digest.id
        self.stampBits = digest.stampBits
    }

    /// Signs `content` with `key`. Fails when the content breaks a format rule, or when
    /// `key` is not the key named in `content.author`.
    public static func sign(_ content: BulletinContent, with key: Ed25519.PrivateKey) throws(BulletinError) -> Bulletin {
        guard key.publicKey.rawRepresentation == content.author.bytes else { throw .badSignature }
        let unsigned = try BulletinCodec.encodeUnsigned(content)
        let signature = key.signature(for: signingDomain + unsigned)
        return try decode(unsigned + signature)
    }

    /// Decodes `bytes`, checking structure, limits and canonical form. Does not check the
    /// signature or the dates: see `verifySignature()` and `BulletinPolicy`.
    public static func decode(_ bytes: [UInt8]) throws(BulletinError) -> Bulletin {
        try BulletinCodec.decode(bytes)
    }

    /// Checks the signature over the domain-separated unsigned encoding. O(1) Ed25519 verify.
    public func verifySignature() throws(BulletinError) {
        let message = Bulletin.signingDomain + encoded[0..<(encoded.count - signature.count)]
        guard Ed25519.isValidSignature(signature, for: message, publicKey: content.author.bytes) else {
            throw .badSignature
        }
    }

    // Reading the content.

    /// What the bulletin is.
    public var kind: BulletinKind { content.kind }
    /// The author's key.
    public var author: AuthorKey { content.author }
    /// When it was written, by its author's clock.
    public var created: UnixTime { content.created }
    /// When it expires.
    public var expires: UnixTime { content.expires }
    /// Its channel.
    public var channel: String { content.channel }
    /// Its title (posts).
    public var title: String { content.title }
    /// Its body (posts).
    public var body: String { content.body }
    /// Ids it replies to or acts on.
    public var references: [BulletinID] { content.references }

    public static func == (lhs: Bulletin, rhs: Bulletin) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    public var description: String { "\(kind) \(id.short) #\(channel) by \(author.short)" }
}
