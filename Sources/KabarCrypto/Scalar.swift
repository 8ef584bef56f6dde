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

    /// floor(2^512 / L), five limbs: Barrett's constant.
    private static let barrettFactor: (UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0xed9ce5a30a2c131b, 0x2106215d086329a7, 0xffffffffffffffeb, 0xffffffffffffffff, 0xf)

    /// The 512-bit little-endian integer in `words` (eight limbs) reduced mod L, by Barrett
    /// reduction (HAC 14.42 with base 2^64, k = 4). Fixed loop counts and masked corrections: no
    /// branch or index depends on the value, so secret nonces are safe here.
    static func reduce(words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)) -> Scalar {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 40) { scratch in
            let s = scratch.baseAddress!
            let x = s, mu = s + 8, product = s + 13, order = s + 23, r = s + 28
            x[0] = words.0; x[1] = words.1; x[2] = words.2; x[3] = words.3
            x[4] = words.4; x[5] = words.5; x[6] = words.6; x[7] = words.7
            mu[0] = barrettFactor.0; mu[1] = barrettFactor.1; mu[2] = barrettFactor.2
            mu[3] = barrettFactor.3; mu[4] = barrettFactor.4
            order[0] = Self.order.l0; order[1] = Self.order.l1; order[2] = Self.order.l2
            order[3] = Self.order.l3; order[4] = 0
            // q3 = ((x >> 192) * mu) >> 320: the top five limbs of a 5x5-limb product.
            multiply(x + 3, 5, mu, 5, into: product, 10)
            let q3 = product + 5
            // r = (x - q3 * L) mod 2^320, which is below 3L.
            multiply(q3, 5, order, 5, into: r, 5)
            var borrow: UInt64 = 0
            for index in 0..<5 {
                let (difference1, overflow1) = x[index].subtractingReportingOverflow(r[index])
                let (difference2, overflow2) = difference1.subtractingReportingOverflow(borrow)
                r[index] = difference2
                borrow = (overflow1 ? 1 : 0) | (overflow2 ? 1 : 0)
            }
            subtractOrderIfAbove(r)
            subtractOrderIfAbove(r)
            return Scalar(l0: r[0], l1: r[1], l2: r[2], l3: r[3])
        }
    }

    /// out = (a * b) mod 2^(64·outCount), schoolbook, fixed loop counts.
    private static func multiply(
        _ a: UnsafeMutablePointer<UInt64>, _ aCount: Int, _ b: UnsafeMutablePointer<UInt64>, _ bCount: Int,
        into out: UnsafeMutablePointer<UInt64>, _ outCount: Int
    ) {
        for index in 0..<outCount { out[index] = 0 }
        for i in 0..<aCount {
            var carry: UInt64 = 0
            var j = 0
            while j < bCount && i + j < outCount {
                let wide = UInt128(a[i]) &* UInt128(b[j]) &+ UInt128(out[i + j]) &+ UInt128(carry)
                out[i + j] = UInt64(truncatingIfNeeded: wide)
                carry = UInt64(truncatingIfNeeded: wide >> 64)
                j += 1
            }
            if i + bCount < outCount { out[i + bCount] = carry }
        }
    }

    /// r (five limbs) -= L when r >= L, selected by mask.
    @inline(__always)
    private static func subtractOrderIfAbove(_ r: UnsafeMutablePointer<UInt64>) {
        let order = (Self.order.l0, Self.order.l1, Self.order.l2, Self.order.l3, UInt64(0))
        var t = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var borrow: UInt64 = 0
        func step(_ value: UInt64, _ subtrahend: UInt64) -> UInt64 {
            let (difference1, overflow1) = value.subtractingReportingOverflow(subtrahend)
            let (difference2, overflow2) = difference1.subtractingReportingOverflow(borrow)
            borrow = (overflow1 ? 1 : 0) | (overflow2 ? 1 : 0)
            return difference2
        }
        t.0 = step(r[0], order.0)
        t.1 = step(r[1], order.1)
        t.2 = step(r[2], order.2)
        t.3 = step(r[3], order.3)
        t.4 = step(r[4], order.4)
        let keep = borrow &- 1  // all ones when r >= L (no borrow)
        r[0] = (t.0 & keep) | (r[0] & ~keep)
        r[1] = (t.1 & keep) | (r[1] & ~keep)
        r[2] = (t.2 & keep) | (r[2] & ~keep)
        r[3] = (t.3 & keep) | (r[3] & ~keep)
        r[4] = (t.4 & keep) | (r[4] & ~keep)
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
