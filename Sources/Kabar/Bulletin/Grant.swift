/// The payload of a grant bulletin: which key may post (or moderate) on which channels.
/// The grant's lifetime is the bulletin's `expires`.
public struct Grant: Hashable, Sendable {
    /// The key being authorised.
    public let grantee: AuthorKey
    /// The channels the grant covers, sorted and without duplicates.
    public let channels: [String]
    /// The grantee may grant these channels on to others (one more level, at most).
    public let mayGrant: Bool
    /// The grantee may hide bulletins on these channels.
    public let moderator: Bool

    /// Channels per grant, at most.
    public static let channelsMax = 16

    /// A grant; `channels` are sorted and deduplicated so the encoding is canonical.
    public init(grantee: AuthorKey, channels: [String], mayGrant: Bool = false, moderator: Bool = false) {
        self.grantee = grantee
        self.channels = Array(Set(channels)).sorted()
        self.mayGrant = mayGrant
        self.moderator = moderator
    }

    /// Flag bits on the wire.
    enum Flag {
        static let mayGrant: UInt8 = 0x01
        static let moderator: UInt8 = 0x02
        static let known: UInt8 = 0x03
    }
}
