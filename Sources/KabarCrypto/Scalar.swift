/// Integers modulo the group order L = 2^252 + 27742317777372353535851937790883648493, in four
/// 64-bit little-endian limbs. Reduction is branch-free, so it is safe for secret scalars.
struct Scalar: Sendable {
    var l0, l1, l2, l3: UInt64

    /// L's limbs.
    static let order = Scalar(l0: 0x5812631a5cf5d3ed, l1: 0x14def9dea2f79cd6, l2: 0, l3: 0x1000000000000000)

    /// The scalar of 32 little-endian bytes, taken as they are (not reduced).
    init(bytes: UnsafeRawPointer) {
        l0 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        l1 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        l2 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        l3 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    }

    init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64) {
        self.l0 = l0; self.l1 = l1; self.l2 = l2; self.l3 = l3
    }

    /// The 32-byte little-endian encoding.
    var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: l0.littleEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: l1.littleEndian, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: l2.littleEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: l3.littleEndian, toByteOffset: 24, as: UInt64.self)
        }
        return out
    }

    /// Bit `index` (0 = least significant) of the scalar, as 0 or 1.
    @inline(__always)
    func bit(_ index: Int) -> UInt64 {
        let limb: UInt64
        switch index >> 6 {
        case 0: limb = l0
        case 1: limb = l1
        case 2: limb = l2
        default: limb = l3
        }
        return (limb >> UInt64(index & 63)) & 1
    }

    /// True when the 32 little-endian bytes encode an integer below L (RFC 8032's S check).
    /// Variable time: S is public.
    static func isCanonical(_ bytes: UnsafeRawPointer) -> Bool {
        let s = Scalar(bytes: bytes)
        let limbs = [s.l3, s.l2, s.l1, s.l0]
        let order = [Self.order.l3, Self.order.l2, Self.order.l1, Self.order.l0]
        for index in 0..<4 where limbs[index] != order[index] {
            return limbs[index] < order[index]
        }
        return false
    }

    /// The 512-bit little-endian integer in `words` (eight limbs) reduced mod L. Branch-free:
    /// a shift-and-subtract over every bit, most significant first.
    static func reduce(words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)) -> Scalar {
        var r0: UInt64 = 0, r1: UInt64 = 0, r2: UInt64 = 0, r3: UInt64 = 0
        let input = [words.0, words.1, words.2, words.3, words.4, words.5, words.6, words.7]
        for word in input.reversed() {
            for shift in stride(from: 63, through: 0, by: -1) {
                // r = 2r + bit; r < 2L < 2^254 fits four limbs.
                r3 = r3 << 1 | r2 >> 63
                r2 = r2 << 1 | r1 >> 63
                r1 = r1 << 1 | r0 >> 63
                r0 = r0 << 1 | (word >> UInt64(shift)) & 1
                // t = r - L; keep t when there was no borrow.
                let (t0, b0) = r0.subtractingReportingOverflow(order.l0)
                let (t1a, b1a) = r1.subtractingReportingOverflow(order.l1)
                let (t1, b1b) = t1a.subtractingReportingOverflow(b0 ? 1 : 0)
                let (t2a, b2a) = r2.subtractingReportingOverflow(order.l2)
                let (t2, b2b) = t2a.subtractingReportingOverflow((b1a || b1b) ? 1 : 0)
                let (t3a, b3a) = r3.subtractingReportingOverflow(order.l3)
                let (t3, b3b) = t3a.subtractingReportingOverflow((b2a || b2b) ? 1 : 0)
                let borrow: UInt64 = (b3a || b3b) ? 1 : 0
                let keep = borrow &- 1  // all ones when no borrow
                r0 = (t0 & keep) | (r0 & ~keep)
                r1 = (t1 & keep) | (r1 & ~keep)
                r2 = (t2 & keep) | (r2 & ~keep)
                r3 = (t3 & keep) | (r3 & ~keep)
            }
        }
        return Scalar(l0: r0, l1: r1, l2: r2, l3: r3)
    }

    /// The 64 little-endian bytes at `bytes` reduced mod L (for SHA-512 outputs).
    static func reduce(wideBytes bytes: UnsafeRawPointer) -> Scalar {
        func word(_ index: Int) -> UInt64 {
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        }
        return reduce(words: (word(0), word(1), word(2), word(3), word(4), word(5), word(6), word(7)))
    }

    /// (a · b + c) mod L, for a, b, c below 2^256 (a product below 2^512 after adding c).
    static func multiplyAdd(_ a: Scalar, _ b: Scalar, _ c: Scalar) -> Scalar {
        let x = [a.l0, a.l1, a.l2, a.l3]
        let y = [b.l0, b.l1, b.l2, b.l3]
        var product = [UInt64](repeating: 0, count: 8)
        product[0] = c.l0; product[1] = c.l1; product[2] = c.l2; product[3] = c.l3
        for i in 0..<4 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                let wide = UInt128(x[i]) &* UInt128(y[j]) &+ UInt128(product[i + j]) &+ UInt128(carry)
                product[i + j] = UInt64(truncatingIfNeeded: wide)
                carry = UInt64(truncatingIfNeeded: wide >> 64)
            }
            // Propagate the carry through the remaining limbs.
            var k = i + 4
            while k < 8 {
                let (sum, overflow) = product[k].addingReportingOverflow(carry)
                product[k] = sum
                carry = overflow ? 1 : 0
                k += 1
            }
        }
        return reduce(words: (product[0], product[1], product[2], product[3], product[4], product[5], product[6], product[7]))
    }
}
