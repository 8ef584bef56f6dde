/// The coded symbols of one side's keys, extended on demand: `extend(to:)` makes symbols
/// `0..<end` available, and later calls only add the new indices.
///
/// Memory: 16 bytes per key plus 24 per symbol. Work: extending to `end` costs
/// O(keys · log end) in all, since every key's walk visits about 2 ln(end / 2) indices.
struct RatelessSketch: Sendable {
    /// The keys, in the caller's order.
    let keys: [UInt64]
    private var walks: [SymbolIndexWalk]
    /// The symbols computed so far.
    private(set) var symbols: [CodedSymbol] = []

    /// The sketch of `keys`, with no symbols yet.
    init(keys: [UInt64]) {
        self.keys = keys
        walks = Array(repeating: SymbolIndexWalk(), count: keys.count)
    }

    /// The number of symbols computed.
    var end: Int { symbols.count }

    /// Computes symbols up to (not including) `newEnd`.
    mutating func extend(to newEnd: Int) {
        guard newEnd > symbols.count else { return }
        symbols.append(contentsOf: repeatElement(CodedSymbol(), count: newEnd - symbols.count))
        let limit = UInt32(newEnd)
        keys.withUnsafeBufferPointer { keys in
            walks.withUnsafeMutableBufferPointer { walks in
                symbols.withUnsafeMutableBufferPointer { symbols in
                    for position in 0..<keys.count where walks[position].index < limit {
                        let key = keys[position]
                        let check = CodedSymbol.checkSum(of: key)
                        var walk = walks[position]
                        while walk.index < limit {
                            let index = Int(walk.index)
                            symbols[index].keySum ^= key
                            symbols[index].checkSum ^= check
                            symbols[index].count &+= 1
                            walk.advance(key: key)
                        }
                        walks[position] = walk
                    }
                }
            }
        }
    }
}
