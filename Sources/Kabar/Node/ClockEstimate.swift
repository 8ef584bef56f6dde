/// A node's best estimate of the wall-clock time (Documentation/Trust.md, "Time").
///
/// Pis have no real-time clock. A node trusts its own clock unless it is plainly wrong: earlier
/// than the build date, or further than `disagreementMax` from the median of its peers'
/// clocks. Then it uses the peers' median instead, for expiry checks and for dating its own
/// posts. One peer cannot move it: the median needs a majority.
public struct ClockEstimate: Sendable, Equatable {
    /// The time to use.
    public let now: UnixTime
    /// The node's own clock reading.
    public let ownClock: UnixTime
    /// Median of peers' clocks minus ours, if any peers were heard.
    public let peerMedianOffset: TimeSpan?
    /// How many peers' clocks went into the median.
    public let peerCount: Int
    /// True when the node's own clock was judged wrong and the peers' median is used.
    public let ownClockIsWrong: Bool
    /// True when the own clock is before the build date and no peer can correct it.
    public let uncorrectable: Bool

    /// The best estimate of the time when the wall clock reads `wall`: the wall clock moved by
    /// the node's correction when `clock` judged its own clock wrong (what posts and hall
    /// reports are dated by, in the daemon and the simulator alike).
    public static func bestTime(wall: UnixTime, clock: ClockEstimate?) -> UnixTime {
        guard let clock, clock.ownClockIsWrong else { return wall }
        return wall + (clock.now - clock.ownClock)
    }

    /// What a node's peers say of its clock, summarised once per beacon rather than per input.
    public struct PeerClocks: Sendable, Equatable {
        /// Median of peers' clocks minus ours; nil without peers.
        public var median: TimeSpan?
        /// The median of those offsets and our own (zero), the even case taken nearer zero.
        public var judged: TimeSpan?
        /// Peers counted.
        public var count: Int

        /// The summary of `offsets` (each a peer's clock minus ours). O(n log n).
        public init(offsets: [TimeSpan]) {
            median = ClockEstimate.median(of: offsets)
            judged = offsets.isEmpty ? nil : ClockEstimate.medianNearestZero(offsets + [.zero])
            count = offsets.count
        }
    }

    /// The estimate from the node's clock and its peers' offsets (their clock minus ours).
    public init(ownClock: UnixTime, peerOffsets: [TimeSpan], earliestPlausible: UnixTime, disagreementMax: TimeSpan) {
        self.init(
            ownClock: ownClock, peers: PeerClocks(offsets: peerOffsets), earliestPlausible: earliestPlausible,
            disagreementMax: disagreementMax)
    }

    /// The median of `offsets` (the mean of the middle two for an even count); nil when empty.
    public static func median(of offsets: [TimeSpan]) -> TimeSpan? {
        let sorted = offsets.sorted()
        guard !sorted.isEmpty else { return nil }
        if sorted.count % 2 == 1 { return sorted[sorted.count / 2] }
        return (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The estimate from the node's clock and a summary of its peers' clocks.
    public init(ownClock: UnixTime, peers: PeerClocks, earliestPlausible: UnixTime, disagreementMax: TimeSpan) {
        self.ownClock = ownClock
        self.peerCount = peers.count
        self.peerMedianOffset = peers.median
        let median = peers.median
        let beforeBuild = ownClock < earliestPlausible
        // The judgement counts the node's own clock too (offset zero) unless it is before the
        // build date: with peers at [0, +years], a good node keeps its clock; with [+years],
        // neither side of a two-node mesh adopts the other's.
        let judged = beforeBuild ? median : peers.judged
        if let judged, beforeBuild || abs(judged.microseconds) > disagreementMax.microseconds {
            let corrected = ownClock + judged
            // Peers that are themselves before the build date cannot help.
            if corrected >= earliestPlausible {
                now = corrected
                ownClockIsWrong = true
                uncorrectable = false
                return
            }
        }
        now = ownClock
        ownClockIsWrong = false
        uncorrectable = beforeBuild
    }

    /// The median of `offsets`; of an even count, the middle value nearer zero (our own clock).
    static func medianNearestZero(_ offsets: [TimeSpan]) -> TimeSpan? {
        let sorted = offsets.sorted()
        guard !sorted.isEmpty else { return nil }
        if sorted.count % 2 == 1 { return sorted[sorted.count / 2] }
        let low = sorted[sorted.count / 2 - 1]
        let high = sorted[sorted.count / 2]
        return abs(low.microseconds) <= abs(high.microseconds) ? low : high
    }
}
