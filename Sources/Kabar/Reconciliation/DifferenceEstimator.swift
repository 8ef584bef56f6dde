/// Guesses the size of the symmetric difference from the symbols received so far, so the
/// responder can ask for about as many more symbols as decoding needs, in one round.
///
/// Two estimators over the raw difference symbols (peer's minus ours, before peeling):
/// - Empty symbols: difference key k is in symbol j with probability p(j) = 2 / (j + 2), so
///   E[#empty received symbols] = sum over received j >= 1 of (1 - p(j))^d, solved for d by
///   bisection. Sharp once symbols reach index ~d; useless (no empties) before.
/// - Count spread: the count c(j) of a difference symbol has mean p(j)·c(0) and variance
///   d·p(j)(1 - p(j)), so sum (c(j) - p(j)c(0))^2 / sum p(j)(1 - p(j)) estimates d from any
///   symbols at all, with about sqrt(2 / symbols) relative error.
enum DifferenceEstimator {
    /// The estimated number of differences, at least one more than already decoded; `sharp`
    /// when it rests on empty symbols (within about 15%), not on the count spread alone.
    static func estimate(decoder: RatelessDecoder, own: RatelessSketch) -> (differences: Int, sharp: Bool) {
        var countZero: Double = 0
        if decoder.end > 0, decoder.isReceived[0] {
            countZero = Double(decoder.received[0].count &- own.symbols[0].count)
        }
        var logMisses: [Double] = []
        var empties = 0
        var spread: Double = 0
        var spreadWeight: Double = 0
        for index in 1..<max(decoder.end, 1) where decoder.isReceived[index] {
            let raw = decoder.received[index].subtracting(own.symbols[index])
            let probability = SymbolIndexWalk.probability(index)
            logMisses.append(DeterministicMath.log(1 - probability))
            if raw.isEmpty { empties += 1 }
            let deviation = Double(raw.count) - probability * countZero
            spread += deviation * deviation
            spreadWeight += probability * (1 - probability)
        }
        var guess: Double
        let sharp = empties >= 2
        if sharp {
            guess = solveEmpties(Double(empties), logMisses: logMisses)
        } else {
            let lowerBound = solveEmpties(0.5, logMisses: logMisses)
            let fromSpread = spreadWeight > 0 ? spread / spreadWeight : 0
            guess = max(lowerBound, fromSpread)
        }
        guess = max(guess, abs(countZero), Double(decoder.decoded.count + 1))
        return (Int(min(guess, Double(Reconciliation.symbolsMax * 4)).rounded(.up)), sharp)
    }

    /// The symbols (from index 0) that decode `differences` with high probability: about 1.35
    /// per difference for large differences, relatively more for small ones.
    static func symbolsNeeded(differences: Int) -> Int {
        let d = Double(max(differences, 1))
        return Int((1.35 * d + 3 * d.squareRoot() + 6).rounded(.up))
    }

    /// The d with sum exp(d · logMiss) == empties, by bisection (the sum falls as d grows).
    private static func solveEmpties(_ empties: Double, logMisses: [Double]) -> Double {
        guard !logMisses.isEmpty else { return 0 }
        func expected(_ d: Double) -> Double {
            var sum: Double = 0
            for logMiss in logMisses { sum += DeterministicMath.exp(d * logMiss) }
            return sum
        }
        if expected(0) <= empties { return 0 }
        var low: Double = 0
        var high: Double = 1
        while expected(high) > empties && high < 1.0e7 { high *= 2 }
        for _ in 0..<40 {
            let middle = (low + high) / 2
            if expected(middle) > empties { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}
