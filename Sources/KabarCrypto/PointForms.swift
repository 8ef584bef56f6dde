/// The other coordinate systems of edwards25519 that make scalar multiplication cheap (the
/// "extended, projective, completed, cached, affine Niels" family of Hisil-Wong-Carter-Dawson):
/// additions produce a `CompletedPoint`, which converts to whatever the next step needs.

/// (X : Y : Z) with x = X/Z, y = Y/Z: enough to double.
struct ProjectivePoint: Sendable {
    var x, y, z: FieldElement

    @inline(__always)
    init(x: FieldElement, y: FieldElement, z: FieldElement) {
        self.x = x; self.y = y; self.z = z
    }

    static let identity = ProjectivePoint(x: .zero, y: .one, z: .one)

    /// 2P (4 squarings).
    @inline(__always)
    func doubled() -> CompletedPoint {
        let xx = x.squared()
        let yy = y.squared()
        let zz = z.squared()
        let twoZZ = zz + zz
        let sumSquared = (x + y).squared()
        let yPlus = yy + xx
        let yMinus = yy - xx
        return CompletedPoint(x: sumSquared - yPlus, y: yPlus, z: yMinus, t: twoZZ - yMinus)
    }
}

/// ((X : Z), (Y : T)) with x = X/Z, y = Y/T: the direct result of an addition or doubling.
struct CompletedPoint: Sendable {
    var x, y, z, t: FieldElement

    @inline(__always)
    init(x: FieldElement, y: FieldElement, z: FieldElement, t: FieldElement) {
        self.x = x; self.y = y; self.z = z; self.t = t
    }

    /// To projective (3 multiplications): when the next step is a doubling.
    @inline(__always)
    var projective: ProjectivePoint {
        ProjectivePoint(x: x * t, y: y * z, z: z * t)
    }

    /// To extended (4 multiplications): when the next step is an addition.
    @inline(__always)
    var extended: EdwardsPoint {
        EdwardsPoint(x: x * t, y: y * z, z: z * t, t: x * y)
    }
}

/// (Y+X, Y-X, Z, 2d·T): an extended point prepared to be added many times.
struct CachedPoint: Sendable {
    var yPlusX, yMinusX, z, t2d: FieldElement

    @inline(__always)
    init(_ point: EdwardsPoint) {
        yPlusX = point.y + point.x
        yMinusX = point.y - point.x
        z = point.z
        t2d = point.t * FieldElement.d2
    }
}

/// (y+x, y-x, 2d·x·y) of an affine point (Z = 1): the cheapest addend, for fixed tables.
struct AffineNielsPoint: Sendable {
    var yPlusX, yMinusX, xy2d: FieldElement

    @inline(__always)
    init(yPlusX: FieldElement, yMinusX: FieldElement, xy2d: FieldElement) {
        self.yPlusX = yPlusX; self.yMinusX = yMinusX; self.xy2d = xy2d
    }

    /// The neutral element (0, 1).
    static let identity = AffineNielsPoint(yPlusX: .one, yMinusX: .one, xy2d: .zero)

    /// The affine form of `point` (one inversion).
    init(_ point: EdwardsPoint) {
        let inverseZ = point.z.inverted()
        let x = point.x * inverseZ
        let y = point.y * inverseZ
        self.init(yPlusX: y + x, yMinusX: y - x, xy2d: x * y * FieldElement.d2)
    }

    /// `other` where `choice` is 1, self where 0, without branching.
    @inline(__always)
    mutating func conditionallyAssign(_ other: AffineNielsPoint, choice: UInt64) {
        yPlusX = .select(yPlusX, other.yPlusX, choice: choice)
        yMinusX = .select(yMinusX, other.yMinusX, choice: choice)
        xy2d = .select(xy2d, other.xy2d, choice: choice)
    }

    /// -self where `choice` is 1, without branching.
    @inline(__always)
    mutating func conditionallyNegate(choice: UInt64) {
        let negated = AffineNielsPoint(yPlusX: yMinusX, yMinusX: yPlusX, xy2d: -xy2d)
        conditionallyAssign(negated, choice: choice)
    }
}

extension EdwardsPoint {
    /// P + Q for a cached Q (4 multiplications).
    @inline(__always)
    static func + (p: EdwardsPoint, q: CachedPoint) -> CompletedPoint {
        let a = (p.y + p.x) * q.yPlusX
        let b = (p.y - p.x) * q.yMinusX
        let c = q.t2d * p.t
        let zz = p.z * q.z
        let d = zz + zz
        return CompletedPoint(x: a - b, y: a + b, z: d + c, t: d - c)
    }

    /// P - Q for a cached Q.
    @inline(__always)
    static func - (p: EdwardsPoint, q: CachedPoint) -> CompletedPoint {
        let a = (p.y + p.x) * q.yMinusX
        let b = (p.y - p.x) * q.yPlusX
        let c = q.t2d * p.t
        let zz = p.z * q.z
        let d = zz + zz
        return CompletedPoint(x: a - b, y: a + b, z: d - c, t: d + c)
    }

    /// P + Q for an affine Q (3 multiplications).
    @inline(__always)
    static func + (p: EdwardsPoint, q: AffineNielsPoint) -> CompletedPoint {
        let a = (p.y + p.x) * q.yPlusX
        let b = (p.y - p.x) * q.yMinusX
        let c = q.xy2d * p.t
        let d = p.z + p.z
        return CompletedPoint(x: a - b, y: a + b, z: d + c, t: d - c)
    }

    /// P - Q for an affine Q.
    @inline(__always)
    static func - (p: EdwardsPoint, q: AffineNielsPoint) -> CompletedPoint {
        let a = (p.y + p.x) * q.yMinusX
        let b = (p.y - p.x) * q.yPlusX
        let c = q.xy2d * p.t
        let d = p.z + p.z
        return CompletedPoint(x: a - b, y: a + b, z: d - c, t: d + c)
    }

    /// Drops T.
    @inline(__always)
    var projective: ProjectivePoint { ProjectivePoint(x: x, y: y, z: z) }
}
