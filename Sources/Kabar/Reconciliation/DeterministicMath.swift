/// Natural logarithm and exponential built from IEEE-754 +, -, * and / only, so every machine
/// computes the same bits (libm's `exp` and `log` may differ in the last place between
/// platforms, and the core imports no libm). Accurate to a few units in the last place, which
/// is plenty for estimates.
enum DeterministicMath {
    private static let ln2 = 0.693_147_180_559_945_309_417_232_121_458

    /// ln(x) for x > 0 (returns -infinity for 0 and nan below).
    static func log(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == 0 ? -.infinity : (x.isNaN || x < 0 ? .nan : x) }
        // x = m · 2^e with m in [sqrt(1/2), sqrt(2)).
        var exponent = Double(x.exponent)
        var mantissa = x.significand
        if mantissa > 1.414_213_562_373_095 {
            mantissa /= 2
            exponent += 1
        }
        // ln(m) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), s = (m - 1) / (m + 1), |s| < 0.172.
        let s = (mantissa - 1) / (mantissa + 1)
        let square = s * s
        var term = s
        var sum: Double = 0
        var denominator: Double = 1
        for _ in 0..<12 {
            sum += term / denominator
            term *= square
            denominator += 2
        }
        return 2 * sum + exponent * ln2
    }

    /// e^x (0 below -745, infinity above 709).
    static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x < -745 { return 0 }
        if x > 709 { return .infinity }
        let whole = (x / ln2).rounded()
        let remainder = x - whole * ln2
        var term: Double = 1
        var sum: Double = 1
        for step in 1...18 {
            term *= remainder / Double(step)
            sum += term
        }
        return Double(sign: .plus, exponent: Int(whole), significand: sum)
    }
}
