/// The responder's half of the rateless code: the peer's received symbols less our own, peeled
/// into the keys of the symmetric difference.
///
/// Symbols may arrive in any order and some may never arrive: the decoder keeps, for every index
/// below `end`, "received minus ours minus what was peeled", and only reads indices that were
/// received. A late symbol is simply added in (XOR and addition commute).
///
/// A decoded key with sign +1 is held only by the peer (the initiator); with sign -1 only by us.
struct RatelessDecoder: Sendable {
    /// A key of the difference and its side: +1 the peer's, -1 ours.
    struct DecodedKey: Sendable {
        var key: UInt64
        var sign: Int64
        var walk: SymbolIndexWalk
    }

    /// Indices below `end` are known on our side.
    private(set) var end = 0
    /// The raw symbols received, for estimating the difference.
    private(set) var received: [CodedSymbol] = []
    /// Which indices were received.
    private(set) var isReceived: [Bool] = []
    /// How many indices were received.
    private(set) var receivedCount = 0
    /// The keys decoded so far.
    private(set) var decoded: [DecodedKey] = []

    private var difference: [CodedSymbol] = []
    private var decodedKeys: Set<UInt64> = []
    private var pending: [Int] = []

    /// The most keys one decoder may peel: more means a hostile or corrupt stream.
    static let decodedMax = 2 * Reconciliation.symbolsMax

    /// Makes indices up to `newEnd` usable; `own` must already be extended that far.
    mutating func extend(to newEnd: Int, own: RatelessSketch) {
        guard newEnd > end else { return }
        for index in end..<newEnd {
            let mine = own.symbols[index]
            difference.append(CodedSymbol(keySum: mine.keySum, checkSum: mine.checkSum, count: 0 &- mine.count))
        }
        received.append(contentsOf: repeatElement(CodedSymbol(), count: newEnd - end))
        isReceived.append(contentsOf: repeatElement(false, count: newEnd - end))
        let limit = UInt32(newEnd)
        for position in decoded.indices {
            var entry = decoded[position]
            while entry.walk.index < limit {
                difference[Int(entry.walk.index)].apply(key: entry.key, sign: 0 &- entry.sign)
                entry.walk.advance(key: entry.key)
            }
            decoded[position] = entry
        }
        end = newEnd
    }

    /// Adds the peer's symbol at `index`; false when it is out of range or already received.
    @discardableResult
    mutating func receive(index: Int, symbol: CodedSymbol) -> Bool {
        guard index >= 0, index < end, !isReceived[index] else { return false }
        isReceived[index] = true
        receivedCount += 1
        received[index] = symbol
        let current = difference[index]
        difference[index] = CodedSymbol(
            keySum: current.keySum ^ symbol.keySum, checkSum: current.checkSum ^ symbol.checkSum,
            count: current.count &+ symbol.count)
        pending.append(index)
        return true
    }

    /// Peels every pure symbol it can. Throws when more keys come out than any honest stream
    /// could hold. Work: O(peeled · log end + received).
    mutating func peel() throws(ReconciliationError) {
        while let index = pending.popLast() {
            guard isReceived[index] else { continue }
            let symbol = difference[index]
            guard symbol.looksPure, !decodedKeys.contains(symbol.keySum),
                SymbolIndexWalk.visits(key: symbol.keySum, index: index)
            else { continue }
            guard decoded.count < Self.decodedMax else {
                throw .limitExceeded("more than \(Self.decodedMax) decoded keys")
            }
            remove(key: symbol.keySum, sign: symbol.count)
        }
    }

    /// True when index 0 was received and every received symbol is empty: the difference is
    /// exactly the decoded keys (false positives need a 96-bit coincidence).
    var isComplete: Bool {
        guard end > 0, isReceived[0] else { return false }
        for index in 0..<end where isReceived[index] && !difference[index].isEmpty { return false }
        return true
    }

    private mutating func remove(key: UInt64, sign: Int64) {
        decodedKeys.insert(key)
        var walk = SymbolIndexWalk()
        let limit = UInt32(end)
        while walk.index < limit {
            let index = Int(walk.index)
            difference[index].apply(key: key, sign: 0 &- sign)
            if isReceived[index] { pending.append(index) }
            walk.advance(key: key)
        }
        decoded.append(DecodedKey(key: key, sign: sign, walk: walk))
    }
}
