/// Proof of work over SHA-256: find the 8-byte nonce that gives a message's digest a number of
/// leading zero bits. The message is hashed up to the nonce's block once; each try costs the
/// compressions of the blocks from there to the end (one or two for a nonce near the end).
extension SHA256 {
    /// The number of leading zero bits of `digest`.
    public static func leadingZeroBits(_ digest: some Collection<UInt8>) -> Int {
        var bits = 0
        for byte in digest {
            if byte == 0 { bits += 8; continue }
            return bits + byte.leadingZeroBitCount
        }
        return bits
    }

    /// The first nonce from `start` (counting up, at most `tries` of them) that, written
    /// big-endian over the 8 bytes of `message` at `nonceOffset`, gives SHA-256(message) at
    /// least `bits` leading zero bits (0 to 64); nil when none of the tries does.
    public static func searchNonce(
        in message: [UInt8], nonceOffset: Int, bits: Int, start: UInt64 = 0, tries: UInt64
    ) -> UInt64? {
        precondition(nonceOffset >= 0 && nonceOffset + 8 <= message.count, "the nonce lies outside the message")
        precondition((0...64).contains(bits), "at most 64 bits of work")
        let firstBlock = nonceOffset / blockByteCount * blockByteCount
        var midstate = SHA256State.initial
        message.withUnsafeBytes { midstate.compress(blocks: UnsafeRawBufferPointer(rebasing: $0[0..<firstBlock])) }
        // The rest of the message from the nonce's block, padded once; each try rewrites the
        // nonce in it and compresses it from a copy of the midstate.
        let rest = Array(message[firstBlock...])
        let paddedCount = (rest.count + 9 + blockByteCount - 1) / blockByteCount * blockByteCount
        var padded = [UInt8](repeating: 0, count: paddedCount)
        padded.replaceSubrange(0..<rest.count, with: rest)
        padded[rest.count] = 0x80
        let lengthBits = UInt64(message.count) &<< 3
        for index in 0..<8 { padded[paddedCount - 1 - index] = UInt8(truncatingIfNeeded: lengthBits >> (8 * UInt64(index))) }
        let at = nonceOffset - firstBlock
        let mask: UInt64 = bits == 0 ? 0 : ~UInt64(0) << UInt64(64 - bits)
        return padded.withUnsafeMutableBytes { raw -> UInt64? in
            var nonce = start
            for _ in 0..<tries {
                raw.storeBytes(of: nonce.bigEndian, toByteOffset: at, as: UInt64.self)
                var state = midstate
                state.compress(blocks: UnsafeRawBufferPointer(raw))
                if (UInt64(state.h0) << 32 | UInt64(state.h1)) & mask == 0 { return nonce }
                nonce &+= 1
            }
            return nil
        }
    }
}
