/// HMAC-SHA-256 (RFC 2104): a keyed hash. Kabar uses it to derive secrets from the hall's seed
/// (a phone's signing key, the board's form tokens) without revealing the seed.
///
///     HMACSHA256.authenticationCode(for: Array("Hi There".utf8), key: [UInt8](repeating: 0x0b, count: 20))
///     // b0344c61...
public enum HMACSHA256 {
    /// Bytes in a code.
    public static let codeByteCount = SHA256.digestByteCount

    /// The code of `message` under `key` (any length: a key longer than a block is hashed first).
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        var block = key.count > SHA256.blockByteCount ? SHA256.hash(key) : key
        block += [UInt8](repeating: 0, count: SHA256.blockByteCount - block.count)
        var inner = SHA256.Hasher()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256.Hasher()
        outer.update(block.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }
}
