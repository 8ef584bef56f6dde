/// A send budget in bytes per second with a burst of one second's worth.
struct TokenBucket: Sendable {
    private let ratePerSecond: Int
    private var tokens: Int
    private var updated: Instant

    init(ratePerSecond: Int, now: Instant) {
        self.ratePerSecond = ratePerSecond
        self.tokens = ratePerSecond
        self.updated = now
    }

    /// Takes `bytes` if the budget has them.
    mutating func take(_ bytes: Int, now: Instant) -> Bool {
        refill(now)
        guard tokens >= bytes else { return false }
        tokens -= bytes
        return true
    }

    /// True when `bytes` could be taken now.
    mutating func has(_ bytes: Int, now: Instant) -> Bool {
        refill(now)
        return tokens >= bytes
    }

    private mutating func refill(_ now: Instant) {
        let elapsed = max(0, (now - updated).microseconds)
        guard elapsed > 0 else { return }
        let gained = Int(min(elapsed, 10_000_000) * Int64(ratePerSecond) / 1_000_000)
        if gained > 0 {
            tokens = min(ratePerSecond, tokens + gained)
            updated = now
        }
    }
}
