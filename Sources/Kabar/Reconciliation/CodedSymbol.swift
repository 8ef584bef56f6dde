/// One coded symbol of a rateless invertible Bloom lookup table: the XOR of the keys mapped to
/// it, the XOR of their checksums, and how many there are. Subtracting a peer's symbol from
/// ours leaves the symbol of the symmetric difference, with the count signed by side.
struct CodedSymbol: Equatable, Sendable {
    /// XOR of the 64-bit keys in the symbol.
    var keySum: UInt64 = 0
    /// XOR of the 32-bit checksums of those keys.
    var checkSum: UInt32 = 0
    /// The number of keys (in a difference: ours minus theirs).
    var count: Int64 = 0

    /// Adds (`sign` +1) or removes (`sign` -1) the key `key`.
    @inline(__always)
    mutating func apply(key: UInt64, sign: Int64) {
        keySum ^= key
        checkSum ^= CodedSymbol.checkSum(of: key)
        count &+= sign
    }

    /// This symbol less `other`: XOR of the sums, difference of the counts.
    func subtracting(_ other: CodedSymbol) -> CodedSymbol {
        CodedSymbol(keySum: keySum ^ other.keySum, checkSum: checkSum ^ other.checkSum, count: count &- other.count)
    }

    /// True when no key is left (sums zero, count zero).
    var isEmpty: Bool { keySum == 0 && checkSum == 0 && count == 0 }

    /// True when the symbol may hold exactly one key: count ±1 and its checksum matches.
    /// (The caller also checks that the key maps to this symbol's index.)
    var looksPure: Bool {
        (count == 1 || count == -1) && checkSum == CodedSymbol.checkSum(of: keySum)
    }

    /// The checksum of a key: a second, independent hash of it.
    @inline(__always)
    static func checkSum(of key: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: reconciliationMix(key ^ 0x6368_6563_6B73_756D) >> 32)
    }
}

/// The walk of one key through symbol indices. Index 0 holds every key; after index `i` the
/// next index `j` is drawn so that a key lands in symbol `j` with probability 1 / (1 + j / 2)
/// (Yang et al., "Practical Rateless Set Reconciliation", SIGCOMM 2024, with alpha = 0.5).
///
/// With r uniform in (0, 1], j is the smallest index above i with
/// (i + 1)(i + 2) / ((j + 1)(j + 2)) < r. Only IEEE-754 +, *, / and square root are used,
/// which are correctly rounded, so every machine walks the same indices.
struct SymbolIndexWalk: Sendable {
    /// The index the key is at now (`finished` once it has left every usable index).
    private(set) var index: UInt32
    /// How many times the walk has moved: its random stream is a function of the key and this,
    /// so a walk costs 8 bytes, not 16.
    private var steps: UInt32

    /// Past every index the engine will ever use.
    static let finished = UInt32.max

    /// A walk standing at index 0.
    @inline(__always)
    init() {
        index = 0
        steps = 0
    }

    /// Moves the walk of `key` to its next index.
    @inline(__always)
    mutating func advance(key: UInt64) {
        steps &+= 1
        let random = reconciliationMix((key ^ 0x7761_6C6B_7365_6564) &+ UInt64(steps) &* 0x9E37_79B9_7F4A_7C15)
        let uniform = (Double(random >> 11) + 1) * 0x1.0p-53
        let current = Double(index)
        let threshold = (current + 1) * (current + 2) / uniform
        let root = (threshold + 0.25).squareRoot() - 1.5
        guard root < 1.0e9 else {
            index = Self.finished
            return
        }
        let next = UInt32(root) + 1
        index = max(next, index + 1)
    }

    /// True when the walk of `key` passes through `target`. O(log target).
    static func visits(key: UInt64, index target: Int) -> Bool {
        var walk = SymbolIndexWalk()
        while Int(walk.index) < target { walk.advance(key: key) }
        return Int(walk.index) == target
    }

    /// The probability that a key lands in symbol `index`.
    static func probability(_ index: Int) -> Double { 2.0 / (Double(index) + 2.0) }
}
