import KabarCrypto

/// A bulletin's id: the SHA-256 of its full signed encoding. The store is addressed by it.
///
/// Held as four big-endian words so that comparing and hashing are cheap; ordering is the
/// byte order of the digest.
public struct BulletinID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Bytes 0-7, 8-15, 16-23 and 24-31 of the digest, big-endian.
    public let words: (UInt64, UInt64, UInt64, UInt64)

    /// The number of bytes in an id.
    public static let byteCount = 32

    /// The id whose digest is `bytes`, which must be 32 bytes long.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            words[index / 8] = words[index / 8] << 8 | UInt64(byte)
        }
        self.words = (words[0], words[1], words[2], words[3])
    }

    /// The id from its four big-endian words.
    public init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

    /// The id of `encoding`: its SHA-256.
    public init(hashing encoding: [UInt8]) {
        self.init(digest: SHA256.hash(encoding))
    }

    /// The id whose digest is `digest` (32 bytes).
    init(digest: [UInt8]) {
        precondition(digest.count == Self.byteCount, "a digest is 32 bytes")
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for index in 0..<8 {
            words.0 = words.0 << 8 | UInt64(digest[index])
            words.1 = words.1 << 8 | UInt64(digest[index + 8])
            words.2 = words.2 << 8 | UInt64(digest[index + 16])
            words.3 = words.3 << 8 | UInt64(digest[index + 24])
        }
        self.words = words
    }

    /// The id from 64 hex characters (either case).
    public init?(hex: some StringProtocol) {
        guard let bytes = try? Hex.decode(hex, count: Self.byteCount) else { return nil }
        self.init(bytes: bytes)
    }

    /// The 32 digest bytes.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return out
    }

    /// The first eight bytes as a number: a cheap key for tables and sketches.
    public var prefix64: UInt64 { words.0 }

    /// Lower-case hex, 64 characters.
    public var hex: String { Hex.encode(bytes) }

    /// The first 12 hex characters, for people to read and type.
    public var short: String { String(hex.prefix(12)) }

    public var description: String { short }

    public static func == (lhs: BulletinID, rhs: BulletinID) -> Bool {
        lhs.words == rhs.words
    }

    public static func < (lhs: BulletinID, rhs: BulletinID) -> Bool {
        if lhs.words.0 != rhs.words.0 { return lhs.words.0 < rhs.words.0 }
        if lhs.words.1 != rhs.words.1 { return lhs.words.1 < rhs.words.1 }
        if lhs.words.2 != rhs.words.2 { return lhs.words.2 < rhs.words.2 }
        return lhs.words.3 < rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
    }
}
