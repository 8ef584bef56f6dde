/// Scalar multiplication: constant-time fixed-base for signing, variable-time double-base for
/// verifying.

/// Multiples of the base point, computed once on first use.
enum BaseTables {
    /// For signing: row j, entry k is (k+1)·256^j·B, k in 0..<8, j in 0..<32 (row-major).
    static let signing: [AffineNielsPoint] = {
        var table: [AffineNielsPoint] = []
        table.reserveCapacity(32 * 8)
        var rowBase = EdwardsPoint.base
        for _ in 0..<32 {
            var multiple = rowBase
            for _ in 0..<8 {
                table.append(AffineNielsPoint(multiple))
                multiple = multiple + rowBase
            }
            // Next row: 256·rowBase.
            for _ in 0..<8 { rowBase = rowBase.doubled() }
        }
        return table
    }()

    /// Window width of the base point's digits when verifying.
    static let verifyingWindow = 8

    /// For verifying: the odd multiples B, 3B, 5B, ..., 127B.
    static let verifying: [AffineNielsPoint] = {
        var table: [AffineNielsPoint] = []
        let count = 1 << (verifyingWindow - 2)
        table.reserveCapacity(count)
        let twice = EdwardsPoint.base.doubled()
        var multiple = EdwardsPoint.base
        for _ in 0..<count {
            table.append(AffineNielsPoint(multiple))
            multiple = multiple + twice
        }
        return table
    }()
}

extension EdwardsPoint {
    /// [scalar]B in constant time, for a secret scalar below 2^255: radix-16 signed digits and a
    /// masked scan of every table entry, so neither branches nor memory addresses depend on it.
    static func baseMultiple(_ scalar: Scalar) -> EdwardsPoint {
        let digits = scalar.signedRadix16Digits()
        return BaseTables.signing.withUnsafeBufferPointer { table in
                var result = EdwardsPoint.identity
                for index in stride(from: 1, to: 64, by: 2) {
                    let addend = select(table, row: index / 2, digit: digits[index])
                    result = (result + addend).extended
                }
                // Multiply by 16.
                var projective = result.projective
                projective = projective.doubled().projective
                projective = projective.doubled().projective
                projective = projective.doubled().projective
                result = projective.doubled().extended
                for index in stride(from: 0, to: 64, by: 2) {
                    let addend = select(table, row: index / 2, digit: digits[index])
                    result = (result + addend).extended
                }
                return result
        }
    }

    /// digit·256^row·B for a digit in -8...8, reading all eight entries of the row.
    @inline(__always)
    private static func select(_ table: UnsafeBufferPointer<AffineNielsPoint>, row: Int, digit: Int8) -> AffineNielsPoint {
        let negative = UInt64(UInt8(bitPattern: digit) >> 7)
        let magnitude = UInt8(bitPattern: digit) ^ (0 &- UInt8(negative))  // ones' complement when negative
        let absolute = magnitude &+ UInt8(negative)
        var result = AffineNielsPoint.identity
        for entry in 0..<8 {
            let difference = UInt64(absolute ^ UInt8(entry + 1))
            let equal = (difference &- 1) >> 63  // 1 exactly when difference == 0
            result.conditionallyAssign(table[row * 8 + entry], choice: equal)
        }
        result.conditionallyNegate(choice: negative)
        return result
    }

    /// [a]P + [b]B in variable time (nothing here is secret): sliding windows, width 5 for P
    /// (built per call) and 8 for B (the fixed table). a and b must be below 2^253.
    static func doubleMultiple(_ a: Scalar, _ point: EdwardsPoint, _ b: Scalar) -> EdwardsPoint {
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: 512) { digits in
            let aDigits = digits.baseAddress!
            let bDigits = aDigits + 256
            a.slidingWindowDigits(width: 5, into: aDigits)
            b.slidingWindowDigits(width: BaseTables.verifyingWindow, into: bDigits)
            // Odd multiples P, 3P, ..., 15P.
            var pointTable = (
                CachedPoint(point), CachedPoint(point), CachedPoint(point), CachedPoint(point),
                CachedPoint(point), CachedPoint(point), CachedPoint(point), CachedPoint(point))
            let twice = point.projective.doubled().extended
            var multiple = point
            withUnsafeMutableBytes(of: &pointTable) { raw in
                let entries = raw.bindMemory(to: CachedPoint.self)
                for index in 1..<8 {
                    multiple = (twice + entries[index - 1]).extended
                    entries[index] = CachedPoint(multiple)
                }
            }
            return withUnsafeBytes(of: &pointTable) { raw in
                let entries = raw.bindMemory(to: CachedPoint.self)
                return BaseTables.verifying.withUnsafeBufferPointer { baseEntries in
                    var top = 255
                    while top >= 0 && aDigits[top] == 0 && bDigits[top] == 0 { top -= 1 }
                    var result = ProjectivePoint.identity
                    var extended = EdwardsPoint.identity
                    var index = top
                    while index >= 0 {
                        var completed = result.doubled()
                        let aDigit = Int(aDigits[index]), bDigit = Int(bDigits[index])
                        if aDigit > 0 {
                            completed = completed.extended + entries[aDigit / 2]
                        } else if aDigit < 0 {
                            completed = completed.extended - entries[-aDigit / 2]
                        }
                        if bDigit > 0 {
                            completed = completed.extended + baseEntries[bDigit / 2]
                        } else if bDigit < 0 {
                            completed = completed.extended - baseEntries[-bDigit / 2]
                        }
                        if index == 0 {
                            extended = completed.extended
                        } else {
                            result = completed.projective
                        }
                        index -= 1
                    }
                    return top < 0 ? EdwardsPoint.identity : extended
                }
            }
        }
    }
}

extension Scalar {
    /// 64 digits e_i in -8...8 with scalar = Σ e_i·16^i, computed without branches (for secrets).
    /// Needs the scalar below 2^255 (a clamped or reduced scalar).
    func signedRadix16Digits() -> SignedDigits64 {
        var digits = SignedDigits64()
        for index in 0..<64 {
            let limb: UInt64
            switch index / 16 {
            case 0: limb = l0
            case 1: limb = l1
            case 2: limb = l2
            default: limb = l3
            }
            digits[index] = Int8(truncatingIfNeeded: (limb >> UInt64((index % 16) * 4)) & 15)
        }
        var carry: Int8 = 0
        for index in 0..<63 {
            digits[index] &+= carry
            carry = (digits[index] &+ 8) >> 4
            digits[index] &-= carry << 4
        }
        digits[63] &+= carry
        return digits
    }

    /// Sliding-window signed digits (odd, magnitude below 2^(width-1)) of a scalar below 2^253,
    /// into 256 entries. Variable time: for public scalars only.
    func slidingWindowDigits(width: Int, into digits: UnsafeMutablePointer<Int8>) {
        let limbs = (l0, l1, l2, l3)
        for index in 0..<256 {
            let limb: UInt64
            switch index >> 6 {
            case 0: limb = limbs.0
            case 1: limb = limbs.1
            case 2: limb = limbs.2
            default: limb = limbs.3
            }
            digits[index] = Int8((limb >> UInt64(index & 63)) & 1)
        }
        let maximum = (1 << (width - 1)) - 1
        for index in 0..<256 where digits[index] != 0 {
            var shift = 1
            while shift <= width && index + shift < 256 {
                defer { shift += 1 }
                let next = Int(digits[index + shift])
                if next == 0 { continue }
                let current = Int(digits[index])
                if current + (next << shift) <= maximum {
                    digits[index] = Int8(current + (next << shift))
                    digits[index + shift] = 0
                } else if current - (next << shift) >= -maximum {
                    digits[index] = Int8(current - (next << shift))
                    var carryIndex = index + shift
                    while carryIndex < 256 {
                        if digits[carryIndex] == 0 {
                            digits[carryIndex] = 1
                            break
                        }
                        digits[carryIndex] = 0
                        carryIndex += 1
                    }
                } else {
                    break
                }
            }
        }
    }
}

/// 64 signed digits in a fixed-size value (no heap allocation).
struct SignedDigits64 {
    private var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    subscript(index: Int) -> Int8 {
        get {
            withUnsafeBytes(of: storage) { $0.load(fromByteOffset: index, as: Int8.self) }
        }
        set {
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: newValue, toByteOffset: index, as: Int8.self) }
        }
    }
}
