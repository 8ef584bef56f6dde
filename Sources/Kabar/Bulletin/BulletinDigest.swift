import KabarCrypto

/// What a node learns from hashing a bulletin's bytes once: its `id` (SHA-256 of every byte) and
/// its stamp, the number of leading zero bits of SHA-256 of its unsigned part (every byte before
/// the signature). Both come from one pass (`SHA256.hashes`): the stamp costs one or two
/// compressions beyond the id, which is why a node checks it before the signature
/// (Documentation/Trust.md, "Stamps").
public struct BulletinDigest: Hashable, Sendable {
    /// The bulletin's id.
    public let id: BulletinID
    /// Leading zero bits of SHA-256 of the unsigned encoding: the work its stamp proves.
    public let stampBits: UInt8

    /// The digests of `bytes`, a bulletin's whole encoding.
    public init(of bytes: [UInt8]) {
        let unsignedCount = max(0, bytes.count - BulletinCodec.signatureByteCount)
        let (prefix, whole) = bytes.withUnsafeBytes { SHA256.hashes($0, prefixCount: unsignedCount) }
        id = BulletinID(digest: whole)
        stampBits = UInt8(SHA256.leadingZeroBits(prefix))
    }
}
