@testable import KabarCrypto
import Testing

@Suite struct ScalarTests {
    /// L, most significant limb last.
    static let order: [UInt64] = [0x5812631a5cf5d3ed, 0x14def9dea2f79cd6, 0, 0x1000000000000000]

    /// A slow, obviously right reference: shift in one bit at a time, subtract L when above.
    static func referenceReduce(_ words: [UInt64]) -> [UInt64] {
        var r: [UInt64] = [0, 0, 0, 0]
        for word in words.reversed() {
            for shift in stride(from: 63, through: 0, by: -1) {
                r = [r[0] << 1 | (word >> UInt64(shift)) & 1, r[1] << 1 | r[0] >> 63, r[2] << 1 | r[1] >> 63, r[3] << 1 | r[2] >> 63]
                if !isBelowOrder(r) { r = subtractOrder(r) }
            }
        }
        return r
    }

    static func isBelowOrder(_ r: [UInt64]) -> Bool {
        for index in stride(from: 3, through: 0, by: -1) where r[index] != order[index] {
            return r[index] < order[index]
        }
        return false
    }

    static func subtractOrder(_ r: [UInt64]) -> [UInt64] {
        var out = r
        var borrow: UInt64 = 0
        for index in 0..<4 {
            let (a, o1) = r[index].subtractingReportingOverflow(order[index])
            let (b, o2) = a.subtractingReportingOverflow(borrow)
            out[index] = b
            borrow = (o1 || o2) ? 1 : 0
        }
        return out
    }

    static func reduce(_ w: [UInt64]) -> [UInt64] {
        let s = Scalar.reduce(words: (w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]))
        return [s.l0, s.l1, s.l2, s.l3]
    }

    @Test func barrettReductionMatchesBitwiseReference() {
        var random = SeededBytes(state: 99)
        var inputs: [[UInt64]] = [
            [UInt64](repeating: 0, count: 8), [UInt64](repeating: .max, count: 8),
            Self.order + [0, 0, 0, 0], Self.subtractOrder(Self.order).map { $0 } + [0, 0, 0, 0],
            [Self.order[0] &- 1, Self.order[1], 0, Self.order[3], 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0, 0, 1 << 63],
        ]
        for _ in 0..<300 {
            var words = (0..<8).map { _ in random.next() }
            // Vary the size so small and mid-sized values are covered too.
            let keep = random.below(9)
            for index in keep..<8 { words[index] = 0 }
            inputs.append(words)
        }
        for words in inputs {
            #expect(Self.reduce(words) == Self.referenceReduce(words), "\(words)")
        }
    }

    @Test func multiplyAddMatchesReference() {
        var random = SeededBytes(state: 5)
        for _ in 0..<100 {
            let a = Scalar(l0: random.next(), l1: random.next(), l2: random.next(), l3: random.next() >> 4)
            let b = Scalar(l0: random.next(), l1: random.next(), l2: random.next(), l3: random.next() >> 4)
            let c = Scalar(l0: random.next(), l1: random.next(), l2: random.next(), l3: random.next() >> 4)
            let result = Scalar.multiplyAdd(a, b, c)
            // Reference: schoolbook product plus c, then the bitwise reduction.
            let x = [a.l0, a.l1, a.l2, a.l3], y = [b.l0, b.l1, b.l2, b.l3]
            var product = [c.l0, c.l1, c.l2, c.l3, 0, 0, 0, 0]
            for i in 0..<4 {
                var carry: UInt64 = 0
                for j in 0..<4 {
                    let wide = UInt128(x[i]) * UInt128(y[j]) + UInt128(product[i + j]) + UInt128(carry)
                    product[i + j] = UInt64(truncatingIfNeeded: wide)
                    carry = UInt64(wide >> 64)
                }
                var k = i + 4
                while carry != 0 && k < 8 {
                    let (sum, overflow) = product[k].addingReportingOverflow(carry)
                    product[k] = sum
                    carry = overflow ? 1 : 0
                    k += 1
                }
            }
            #expect([result.l0, result.l1, result.l2, result.l3] == Self.referenceReduce(product))
        }
    }

    @Test func canonicalCheckIsExactlyBelowL() {
        func bytes(_ limbs: [UInt64]) -> [UInt8] { limbs.flatMap { limb in (0..<8).map { UInt8(truncatingIfNeeded: limb >> UInt64($0 * 8)) } } }
        let order = bytes(Self.order)
        var belowOrder = order
        belowOrder[0] -= 1
        #expect(!order.withUnsafeBytes { Scalar.isCanonical($0.baseAddress!) })
        #expect(belowOrder.withUnsafeBytes { Scalar.isCanonical($0.baseAddress!) })
        #expect(![UInt8](repeating: 0xff, count: 32).withUnsafeBytes { Scalar.isCanonical($0.baseAddress!) })
        #expect([UInt8](repeating: 0, count: 32).withUnsafeBytes { Scalar.isCanonical($0.baseAddress!) })
    }

    @Test func signedDigitsRebuildTheScalar() {
        var random = SeededBytes(state: 11)
        for _ in 0..<50 {
            let scalar = Scalar(l0: random.next(), l1: random.next(), l2: random.next(), l3: random.next() >> 1)
            let digits = scalar.signedRadix16Digits()
            // Σ d_i 16^i as a signed big number in 4-bit steps, compared limb by limb.
            var accumulator = [Int](repeating: 0, count: 65)
            for index in 0..<64 {
                #expect(digits[index] >= -8 && digits[index] <= 8)
                accumulator[index] += Int(digits[index])
            }
            for index in 0..<64 {
                let carry = accumulator[index] >> 4  // floor division keeps 0...15 below
                accumulator[index] -= carry << 4
                accumulator[index + 1] += carry
            }
            let limbs: [UInt64] = [scalar.l0, scalar.l1, scalar.l2, scalar.l3]
            let nibbles: [Int] = (0..<64).map { index in Int((limbs[index / 16] >> UInt64((index % 16) * 4)) & 15) }
            #expect(Array(accumulator[0..<64]) == nibbles && accumulator[64] == 0)
        }
    }

    @Test func slidingWindowDigitsRebuildTheScalar() {
        var random = SeededBytes(state: 12)
        for width in [5, 8] {
            for _ in 0..<50 {
                let scalar = Scalar(l0: random.next(), l1: random.next(), l2: random.next(), l3: random.next() >> 4)
                var digits = [Int8](repeating: 0, count: 256)
                digits.withUnsafeMutableBufferPointer { scalar.slidingWindowDigits(width: width, into: $0.baseAddress!) }
                var accumulator = [Int](repeating: 0, count: 257)
                for index in 0..<256 {
                    let digit = Int(digits[index])
                    let bound: Int = 1 << (width - 1)
                    let isOdd: Bool = digit % 2 != 0
                    #expect(digit == 0 || (isOdd && abs(digit) < bound))
                    accumulator[index] += digit
                }
                for index in 0..<256 {
                    let carry = accumulator[index] >> 1
                    accumulator[index] -= carry << 1
                    accumulator[index + 1] += carry
                }
                let limbs: [UInt64] = [scalar.l0, scalar.l1, scalar.l2, scalar.l3]
                let bits: [Int] = (0..<256).map { index in Int((limbs[index / 64] >> UInt64(index % 64)) & 1) }
                #expect(Array(accumulator[0..<256]) == bits && accumulator[256] == 0)
            }
        }
    }
}
