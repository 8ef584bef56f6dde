import KabarCrypto

/// An author's Ed25519 public key, 32 bytes. Bulletins name their author by it.
public struct AuthorKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 32 key bytes.
    public let bytes: [UInt8]

    /// The number of bytes in a key.
    public static let byteCount = 32

    /// The key with these bytes, which must be 32 long. (Whether they decode to a curve point is
    /// checked when a signature is verified.)
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// The key from 64 hex characters, either case.
    public init?(hex: some StringProtocol) {
        guard let bytes = try? Hex.decode(hex, count: Self.byteCount) else { return nil }
        self.bytes = bytes
    }

    /// Lower-case hex, 64 characters.
    public var hex: String { Hex.encode(bytes) }

    /// The first 12 hex characters, for people to read.
    public var short: String { String(hex.prefix(12)) }

    public var description: String { short }

    public static func < (lhs: AuthorKey, rhs: AuthorKey) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
