/// An element of GF(2^255 - 19) in five 51-bit limbs: value = l0 + l1·2^51 + ... + l4·2^204.
///
/// Limbs may exceed 51 bits between operations ("loose"): `adding` leaves them up to one bit
/// longer, and `multiplied`/`squared` accept limbs below 2^54. `subtracting` and the products
/// return limbs just above 2^51 at most. Every operation is branch-free in its inputs' values.
struct FieldElement: Sendable {
    var l0, l1, l2, l3, l4: UInt64

    static let mask51: UInt64 = (1 << 51) - 1

    @inline(__always)
    init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64) {
        self.l0 = l0; self.l1 = l1; self.l2 = l2; self.l3 = l3; self.l4 = l4
    }

    static let zero = FieldElement(0, 0, 0, 0, 0)
    static let one = FieldElement(1, 0, 0, 0, 0)
    /// The curve constant d = -121665/121666.
    static let d = FieldElement(0x34dca135978a3, 0x1a8283b156ebd, 0x5e7a26001c029, 0x739c663a03cbb, 0x52036cee2b6ff)
    /// 2·d, used by point addition.
    static let d2 = FieldElement(0x69b9426b2f159, 0x35050762add7a, 0x3cf44c0038052, 0x6738cc7407977, 0x2406d9dc56dff)
    /// A square root of -1.
    static let sqrtMinusOne = FieldElement(0x61b274a0ea0b0, 0xd5a5fc8f189d, 0x7ef5e9cbd0c60, 0x78595a6804c9e, 0x2b8324804fc1d)

    /// The element of the 32 little-endian bytes at `bytes`, ignoring the top bit.
    init(bytes: UnsafeRawPointer) {
        let w0 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        let w1 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let w2 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        let w3 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        self.init(
            w0 & Self.mask51,
            (w0 >> 51 | w1 << 13) & Self.mask51,
            (w1 >> 38 | w2 << 26) & Self.mask51,
            (w2 >> 25 | w3 << 39) & Self.mask51,
            (w3 >> 12) & Self.mask51)
    }

    /// The element of 32 little-endian bytes, ignoring the top bit.
    init(bytes: [UInt8]) {
        precondition(bytes.count == 32)
        self = bytes.withUnsafeBytes { FieldElement(bytes: $0.baseAddress!) }
    }

    /// The canonical (fully reduced) 32-byte little-endian encoding.
    var bytes: [UInt8] {
        let (r0, r1, r2, r3, r4) = canonicalLimbs()
        let w0 = r0 | r1 << 51
        let w1 = r1 >> 13 | r2 << 38
        let w2 = r2 >> 26 | r3 << 25
        let w3 = r3 >> 39 | r4 << 12
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: w0.littleEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: w1.littleEndian, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: w2.littleEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: w3.littleEndian, toByteOffset: 24, as: UInt64.self)
        }
        return out
    }

    /// Limbs of the unique representative in [0, p), each below 2^51.
    @inline(__always)
    func canonicalLimbs() -> (UInt64, UInt64, UInt64, UInt64, UInt64) {
        let m = Self.mask51
        let c = carried()
        var r0 = c.l0, r1 = c.l1, r2 = c.l2, r3 = c.l3, r4 = c.l4
        // Now the value is below 2^255 + small; q = 1 exactly when value >= p.
        var q = (r0 &+ 19) >> 51
        q = (r1 &+ q) >> 51
        q = (r2 &+ q) >> 51
        q = (r3 &+ q) >> 51
        q = (r4 &+ q) >> 51
        r0 &+= 19 &* q
        r1 &+= r0 >> 51; r0 &= m
        r2 &+= r1 >> 51; r1 &= m
        r3 &+= r2 >> 51; r2 &= m
        r4 &+= r3 >> 51; r3 &= m
        r4 &= m
        return (r0, r1, r2, r3, r4)
    }

    /// The same value with every limb below 2^51 + 2^13 (one carry pass).
    @inline(__always)
    func carried() -> FieldElement {
        let m = Self.mask51
        var r0 = l0, r1 = l1, r2 = l2, r3 = l3, r4 = l4
        r1 &+= r0 >> 51; r0 &= m
        r2 &+= r1 >> 51; r1 &= m
        r3 &+= r2 >> 51; r2 &= m
        r4 &+= r3 >> 51; r3 &= m
        r0 &+= 19 &* (r4 >> 51); r4 &= m
        r1 &+= r0 >> 51; r0 &= m
        return FieldElement(r0, r1, r2, r3, r4)
    }

    /// True when the canonical value is zero.
    var isZero: Bool {
        let (r0, r1, r2, r3, r4) = canonicalLimbs()
        return (r0 | r1 | r2 | r3 | r4) == 0
    }

    /// True when the canonical value is odd ("negative" in RFC 8032's sign convention).
    var isNegative: Bool { canonicalLimbs().0 & 1 == 1 }

    @inline(__always)
    static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        FieldElement(a.l0 &+ b.l0, a.l1 &+ b.l1, a.l2 &+ b.l2, a.l3 &+ b.l3, a.l4 &+ b.l4)
    }

    /// a - b, for `b` with limbs below 2^54 (adds 16·p first so no limb goes below zero).
    @inline(__always)
    static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        FieldElement(
            (a.l0 &+ 0x7ffffffffffed0) &- b.l0,
            (a.l1 &+ 0x7ffffffffffff0) &- b.l1,
            (a.l2 &+ 0x7ffffffffffff0) &- b.l2,
            (a.l3 &+ 0x7ffffffffffff0) &- b.l3,
            (a.l4 &+ 0x7ffffffffffff0) &- b.l4
        ).carried()
    }

    @inline(__always)
    static prefix func - (a: FieldElement) -> FieldElement { zero - a }

    @inline(__always)
    static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        let b1_19 = b.l1 &* 19, b2_19 = b.l2 &* 19, b3_19 = b.l3 &* 19, b4_19 = b.l4 &* 19
        let r0 = wide(a.l0, b.l0) &+ wide(a.l1, b4_19) &+ wide(a.l2, b3_19) &+ wide(a.l3, b2_19) &+ wide(a.l4, b1_19)
        let r1 = wide(a.l0, b.l1) &+ wide(a.l1, b.l0) &+ wide(a.l2, b4_19) &+ wide(a.l3, b3_19) &+ wide(a.l4, b2_19)
        let r2 = wide(a.l0, b.l2) &+ wide(a.l1, b.l1) &+ wide(a.l2, b.l0) &+ wide(a.l3, b4_19) &+ wide(a.l4, b3_19)
        let r3 = wide(a.l0, b.l3) &+ wide(a.l1, b.l2) &+ wide(a.l2, b.l1) &+ wide(a.l3, b.l0) &+ wide(a.l4, b4_19)
        let r4 = wide(a.l0, b.l4) &+ wide(a.l1, b.l3) &+ wide(a.l2, b.l2) &+ wide(a.l3, b.l1) &+ wide(a.l4, b.l0)
        return reduceWide(r0, r1, r2, r3, r4)
    }

    /// self², cheaper than self * self.
    @inline(__always)
    func squared() -> FieldElement {
        let d0 = l0 &* 2, d1 = l1 &* 2
        let l3_19 = l3 &* 19, l4_19 = l4 &* 19
        let l4_38 = l4 &* 38
        let r0 = wide(l0, l0) &+ wide(d1, l4_19) &+ wide(l2 &* 2, l3_19)
        let r1 = wide(d0, l1) &+ wide(l2 &* 2, l4_19) &+ wide(l3, l3_19)
        let r2 = wide(d0, l2) &+ wide(l1, l1) &+ wide(l3, l4_38)
        let r3 = wide(d0, l3) &+ wide(d1, l2) &+ wide(l4, l4_19)
        let r4 = wide(d0, l4) &+ wide(d1, l3) &+ wide(l2, l2)
        return Self.reduceWide(r0, r1, r2, r3, r4)
    }

    /// self^(2^count), by repeated squaring.
    @inline(__always)
    func squared(times count: Int) -> FieldElement {
        var result = self
        for _ in 0..<count { result = result.squared() }
        return result
    }

    @inline(__always)
    private static func wide(_ a: UInt64, _ b: UInt64) -> UInt128 {
        UInt128(a) &* UInt128(b)
    }

    @inline(__always)
    private func wide(_ a: UInt64, _ b: UInt64) -> UInt128 {
        UInt128(a) &* UInt128(b)
    }

    /// Carries five 128-bit column sums back into 51-bit limbs.
    @inline(__always)
    private static func reduceWide(_ r0: UInt128, _ r1: UInt128, _ r2: UInt128, _ r3: UInt128, _ r4: UInt128) -> FieldElement {
        let m = mask51
        var c1 = r1, c2 = r2, c3 = r3, c4 = r4
        var out0 = UInt64(truncatingIfNeeded: r0) & m
        c1 &+= r0 >> 51
        let out1 = UInt64(truncatingIfNeeded: c1) & m
        c2 &+= c1 >> 51
        let out2 = UInt64(truncatingIfNeeded: c2) & m
        c3 &+= c2 >> 51
        let out3 = UInt64(truncatingIfNeeded: c3) & m
        c4 &+= c3 >> 51
        let out4 = UInt64(truncatingIfNeeded: c4) & m
        let carry = UInt64(truncatingIfNeeded: c4 >> 51)
        out0 &+= carry &* 19
        let out1b = out1 &+ (out0 >> 51)
        out0 &= m
        return FieldElement(out0, out1b, out2, out3, out4)
    }

    /// self^(2^250 - 1) and self^11: the shared prefix of the inversion and square-root chains.
    private func powerChain() -> (t250: FieldElement, z11: FieldElement) {
        let z2 = squared()
        let z9 = self * z2.squared(times: 2)
        let z11 = z2 * z9
        let z2_5_0 = z9 * z11.squared()
        let z2_10_0 = z2_5_0.squared(times: 5) * z2_5_0
        let z2_20_0 = z2_10_0.squared(times: 10) * z2_10_0
        let z2_40_0 = z2_20_0.squared(times: 20) * z2_20_0
        let z2_50_0 = z2_40_0.squared(times: 10) * z2_10_0
        let z2_100_0 = z2_50_0.squared(times: 50) * z2_50_0
        let z2_200_0 = z2_100_0.squared(times: 100) * z2_100_0
        let z2_250_0 = z2_200_0.squared(times: 50) * z2_50_0
        return (z2_250_0, z11)
    }

    /// 1/self (0 for 0), as self^(p-2).
    func inverted() -> FieldElement {
        let (t250, z11) = powerChain()
        return t250.squared(times: 5) * z11
    }

    /// self^((p-5)/8) = self^(2^252 - 3), for square roots.
    func powerP58() -> FieldElement {
        let (t250, _) = powerChain()
        return t250.squared(times: 2) * self
    }

    /// `b` where `choice` is 1, `a` where it is 0, without branching on `choice`.
    @inline(__always)
    static func select(_ a: FieldElement, _ b: FieldElement, choice: UInt64) -> FieldElement {
        let mask = 0 &- choice
        return FieldElement(
            a.l0 ^ (mask & (a.l0 ^ b.l0)), a.l1 ^ (mask & (a.l1 ^ b.l1)), a.l2 ^ (mask & (a.l2 ^ b.l2)),
            a.l3 ^ (mask & (a.l3 ^ b.l3)), a.l4 ^ (mask & (a.l4 ^ b.l4)))
    }

    /// Equality of values (not of representations).
    func equals(_ other: FieldElement) -> Bool {
        (self - other).isZero
    }
}
