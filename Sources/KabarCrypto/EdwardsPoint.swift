/// A point of edwards25519 (-x² + y² = 1 + d·x²·y²) in extended coordinates:
/// x = X/Z, y = Y/Z, x·y = T/Z.
struct EdwardsPoint: Sendable {
    var x, y, z, t: FieldElement

    @inline(__always)
    init(x: FieldElement, y: FieldElement, z: FieldElement, t: FieldElement) {
        self.x = x; self.y = y; self.z = z; self.t = t
    }

    static let identity = EdwardsPoint(x: .zero, y: .one, z: .one, t: .zero)

    /// The base point B of RFC 8032.
    static let base = EdwardsPoint(
        x: FieldElement(0x62d608f25d51a, 0x412a4b4f6592a, 0x75b7171a4b31d, 0x1ff60527118fe, 0x216936d3cd6e5),
        y: FieldElement(0x6666666666658, 0x4cccccccccccc, 0x1999999999999, 0x3333333333333, 0x6666666666666),
        z: .one,
        t: FieldElement(0x68ab3a5b7dda3, 0xeea2a5eadbb, 0x2af8df483c27e, 0x332b375274732, 0x67875f0fd78b7))

    /// Strict RFC 8032 decoding of 32 bytes: nil when y >= p, when x would be 0 with the sign bit
    /// set, or when no point has this y. Variable time (encodings are public).
    init?(strictBytes bytes: UnsafeRawPointer) {
        guard Self.isCanonicalY(bytes) else { return nil }
        let y = FieldElement(bytes: bytes)
        let signBit = bytes.load(fromByteOffset: 31, as: UInt8.self) >> 7
        let ySquared = y.squared()
        let u = ySquared - .one               // y² - 1
        let v = FieldElement.d * ySquared + .one  // d·y² + 1
        // Candidate root x = u·v³·(u·v⁷)^((p-5)/8).
        let v3 = v.squared() * v
        let v7 = v3.squared() * v
        var x = u * v3 * (u * v7).powerP58()
        let check = v * x.squared()
        if check.equals(u) {
            // x is a root.
        } else if check.equals(-u) {
            x = x * FieldElement.sqrtMinusOne
        } else {
            return nil
        }
        if x.isZero && signBit == 1 { return nil }
        if (x.isNegative ? 1 : 0) != signBit { x = -x }
        self.init(x: x, y: y, z: .one, t: x * y)
    }

    /// True when the low 255 bits of the little-endian bytes are below p = 2^255 - 19.
    private static func isCanonicalY(_ bytes: UnsafeRawPointer) -> Bool {
        // y >= p only when bits 1..254 are all one and the low byte is >= 0xed.
        let top = bytes.load(fromByteOffset: 31, as: UInt8.self) & 0x7f
        guard top == 0x7f else { return true }
        for index in 1..<31 where bytes.load(fromByteOffset: index, as: UInt8.self) != 0xff {
            return true
        }
        return bytes.load(fromByteOffset: 0, as: UInt8.self) < 0xed
    }

    /// The 32-byte encoding: y with the sign of x in the top bit.
    var bytes: [UInt8] {
        let inverseZ = z.inverted()
        let affineX = x * inverseZ
        let affineY = y * inverseZ
        var out = affineY.bytes
        out[31] |= affineX.isNegative ? 0x80 : 0
        return out
    }

    /// True for the neutral element (0, 1). Variable time.
    var isIdentity: Bool {
        x.isZero && y.equals(z)
    }

    /// True when [8]P is the identity, i.e. P lies in the small (torsion) subgroup.
    var hasSmallOrder: Bool {
        let eightfold = projective.doubled().projective.doubled().projective.doubled().projective
        return eightfold.x.isZero && eightfold.y.equals(eightfold.z)
    }

    /// -P.
    var negated: EdwardsPoint {
        EdwardsPoint(x: -x, y: y, z: z, t: -t)
    }

    /// P + Q (unified: works for doubling and the identity too).
    static func + (p: EdwardsPoint, q: EdwardsPoint) -> EdwardsPoint {
        let a = (p.y - p.x) * (q.y - q.x)
        let b = (p.y + p.x) * (q.y + q.x)
        let c = p.t * FieldElement.d2 * q.t
        let zz = p.z * q.z
        let d = zz + zz
        let e = b - a, f = d - c, g = d + c, h = b + a
        return EdwardsPoint(x: e * f, y: g * h, z: f * g, t: e * h)
    }

    /// 2P, cheaper than P + P.
    func doubled() -> EdwardsPoint {
        let a = x.squared()
        let b = y.squared()
        let zz = z.squared()
        let c = zz + zz
        let h = a + b
        let e = h - (x + y).squared()
        let g = a - b
        let f = c + g
        return EdwardsPoint(x: e * f, y: g * h, z: f * g, t: e * h)
    }

    /// `q` where `choice` is 1, `p` where it is 0, without branching on `choice`.
    static func select(_ p: EdwardsPoint, _ q: EdwardsPoint, choice: UInt64) -> EdwardsPoint {
        EdwardsPoint(
            x: .select(p.x, q.x, choice: choice), y: .select(p.y, q.y, choice: choice),
            z: .select(p.z, q.z, choice: choice), t: .select(p.t, q.t, choice: choice))
    }
}
