import KabarCrypto

/// Proof-of-work stamps: how a key nobody vouched for earns room at nodes that ration strangers
/// (Documentation/Trust.md, "Stamps").
///
/// A bulletin's stamp is the number of leading zero bits of SHA-256 of its unsigned encoding
/// (every byte before the signature: `Bulletin.stampBits`). The author makes it by trying
/// nonces in field 254 (an unknown field to the format, so carried and signed like any other)
/// before signing once. A stamp binds the whole signed content, so it is bound to one id and
/// cannot be moved to another bulletin; checking it costs one or two SHA-256 compressions beyond
/// the id the node computes anyway, against an Ed25519 verification for the signature.
public enum Stamp {
    /// The field whose 8-byte value is the nonce.
    public static let nonceTag: UInt8 = 254
    /// The most work a node will make for one stamp: 2^32 tries is minutes on a Pi.
    public static let bitsMax = 32

    /// `content` with a nonce in field 254 that gives it a stamp of at least `bits`: the
    /// first such nonce counting from zero (so stamping is deterministic). Expect 2^bits tries
    /// of one or two SHA-256 compressions each. Throws when the content breaks a format rule.
    public static func stamp(_ content: BulletinContent, bits: Int) throws(BulletinError) -> BulletinContent {
        let bits = min(max(bits, 0), bitsMax)
        var content = content
        content.unknownFields.removeAll { $0.tag == nonceTag }
        content.unknownFields.append(UnknownField(tag: nonceTag, value: [UInt8](repeating: 0, count: 8)))
        content.unknownFields.sort { $0.tag < $1.tag }
        guard bits > 0 else { return content }
        let unsigned = try BulletinCodec.encodeUnsigned(content)
        // Only field 255 can follow the nonce's field.
        let after = content.unknownFields.last { $0.tag > nonceTag }.map { 1 + ByteWriter.varintByteCount(UInt64($0.value.count)) + $0.value.count } ?? 0
        let offset = unsigned.count - after - 8
        // 2^(bits + 8) tries find one with all but certainty (a miss has odds below e^-256).
        guard let nonce = SHA256.searchNonce(in: unsigned, nonceOffset: offset, bits: bits, tries: UInt64(1) << UInt64(bits + 8)) else {
            throw .nonCanonical("no stamp of \(bits) bits found")
        }
        let value = (0..<8).map { UInt8(truncatingIfNeeded: nonce >> UInt64(56 - 8 * $0)) }
        content.unknownFields.removeAll { $0.tag == nonceTag }
        content.unknownFields.append(UnknownField(tag: nonceTag, value: value))
        content.unknownFields.sort { $0.tag < $1.tag }
        return content
    }
}
