/// Comparisons whose running time does not depend on the bytes compared.
public enum ConstantTime {
    /// True when `lhs` and `rhs` hold the same bytes. Time depends only on the lengths.
    public static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<lhs.count {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }
}
