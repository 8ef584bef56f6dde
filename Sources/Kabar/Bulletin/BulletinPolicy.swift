/// The rules about dates that every node applies to every bulletin before storing or passing
/// it on (Documentation/Bulletin.md, "Time"). Pis have no real-time clock, so `now` is the
/// node's best estimate of the time, not blindly its own clock.
public struct BulletinPolicy: Hashable, Sendable {
    /// How far past `now` a bulletin's `created` may be. A bound, not zero: clocks drift.
    public static let futureTolerance = TimeSpan.minutes(10)

    /// The channel table.
    public var channels: ChannelRules

    /// A policy over `channels`.
    public init(channels: ChannelRules = .defaults) {
        self.channels = channels
    }

    /// Checks `bulletin`'s dates against `now`: not expired, not dated too far in the future,
    /// and no longer-lived than its channel allows.
    public func checkTimes(_ bulletin: Bulletin, now: UnixTime) throws(BulletinError) {
        try checkTimes(created: bulletin.created, expires: bulletin.expires, channel: bulletin.channel, now: now)
    }

    /// The same check on bare fields (used before signing a new post, too).
    public func checkTimes(created: UnixTime, expires: UnixTime, channel: String, now: UnixTime) throws(BulletinError) {
        guard expires > now else { throw .expired(expires: expires, now: now) }
        let limit = now + Self.futureTolerance
        guard created <= limit else { throw .tooFarInFuture(created: created, limit: limit) }
        let maximum = channels.rule(for: channel).maximumLifetime
        let lifetime = expires - created
        guard lifetime <= maximum else { throw .lifetimeTooLong(lifetime: lifetime, limit: maximum) }
    }
}

extension TimeSpan {
    /// Parses a duration such as `90s`, `30m`, `12h`, `7d` or `2w` (a bare number is days).
    public static func parse(_ text: String) -> TimeSpan? {
        let trimmed = text.trimmingSpaces.lowercased()
        guard let unit = trimmed.last else { return nil }
        let multipliers: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        let (digits, seconds): (Substring, Int64) =
            if let multiplier = multipliers[unit] { (trimmed.dropLast(), multiplier) } else { (Substring(trimmed), 86_400) }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let count = Int64(digits), count > 0,
            count <= 3_650 * 86_400 / seconds
        else { return nil }
        return .seconds(count * seconds)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (no Foundation here).
    public var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
