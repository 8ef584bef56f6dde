/// How fast one outgoing stream may send: a window of datagrams in flight, paced over the
/// round trip, driven by what the path shows (Documentation/Transfer.md, "Pacing").
///
/// - **Slow start**: the window starts at `initialWindow` and grows by one per datagram
///   acknowledged (doubling per round trip) until a loss or a queue shows.
/// - **Delay-based avoidance** (LEDBAT's scavenger idea): the queueing delay is the latest
///   round trip minus the smallest seen. Below `delayTarget` the window grows by up to one
///   datagram per round trip; above it, it shrinks in proportion, so a bulk stream holds at most
///   about `delayTarget` of queue on a shared link and yields to announces, beacons and other
///   peers. A receiver busy verifying signatures acknowledges late, which reads as queueing too:
///   the window settles where the receiver keeps up.
/// - **Loss**: a datagram is lost when one sent `reorderThreshold` later was acknowledged, or at
///   the retransmission timeout. A loss while a queue shows halves the window; one while the
///   queue is short (a random Wi-Fi loss) keeps `randomLossFactor` of it. Either happens once
///   per round trip (the datagrams already in flight do not cut it again); a timeout sets it to
///   `minimumWindow` and doubles the timeout (`srtt + 4 rttvar`, as RFC 6298).
///
/// Pure: times come in as arguments.
struct TransferCongestion: Sendable {
    /// Datagrams in flight at the start.
    static let initialWindow = 8.0
    /// Datagrams in flight, at least and at most.
    static let minimumWindow = 2.0
    static let maximumWindow = 1_024.0
    /// The queueing delay a stream may add (LEDBAT's target is 25-100 ms).
    static let delayTarget = TimeSpan.milliseconds(25)
    /// The window kept after a loss that the queueing delay does not explain.
    static let randomLossFactor = 0.8
    /// A datagram counts as lost once one sent this many later is acknowledged (RFC 9002).
    static let reorderThreshold: UInt32 = 3
    /// Retransmission timeout bounds.
    static let timeoutMin = TimeSpan.milliseconds(30)
    static let timeoutMax = TimeSpan.seconds(8)

    /// Datagrams allowed in flight.
    private(set) var window = initialWindow
    private var slowStartThreshold = Double.infinity
    /// Smoothed round trip and its variation (RFC 6298).
    private(set) var smoothedRoundTrip: TimeSpan?
    private var roundTripVariation = TimeSpan.zero
    /// The smallest round trip seen: the path's base delay.
    private(set) var minimumRoundTrip: TimeSpan?
    /// The latest sample.
    private(set) var latestRoundTrip: TimeSpan?
    /// Losses of datagrams numbered below this belong to a loss event already answered.
    private var recoveryBefore: UInt32 = 0
    /// Consecutive timeouts (the timeout doubles with each).
    private(set) var backoff = 0

    /// A controller; `roundTrip` is a first estimate (the challenge's round trip), if known.
    init(roundTrip: TimeSpan?) {
        if let roundTrip {
            smoothedRoundTrip = roundTrip
            roundTripVariation = roundTrip / 2
        }
    }

    /// The queueing delay the latest sample shows.
    var queueingDelay: TimeSpan {
        guard let latest = latestRoundTrip, let base = minimumRoundTrip else { return .zero }
        return latest - base
    }

    /// How long to wait for an acknowledgement before declaring everything in flight lost.
    var retransmissionTimeout: TimeSpan {
        let base = (smoothedRoundTrip ?? .milliseconds(250)) + max(roundTripVariation * 4, .milliseconds(4))
        let backedOff = base.microseconds << Int64(min(backoff, 6))
        return TimeSpan(microseconds: min(max(backedOff, Self.timeoutMin.microseconds), Self.timeoutMax.microseconds))
    }

    /// Time between two datagrams: the round trip spread over the window (no bursts that a
    /// drop-tail queue would cut).
    var pacingInterval: TimeSpan {
        guard let smoothed = smoothedRoundTrip else { return .zero }
        return TimeSpan(microseconds: Int64(Double(smoothed.microseconds) / window))
    }

    /// `acknowledged` datagrams were newly acknowledged; `sample` is the round trip of the
    /// newest of them.
    mutating func onAcknowledged(_ acknowledged: Int, sample: TimeSpan?) {
        backoff = 0
        if let sample { addSample(sample) }
        let delay = queueingDelay
        let target = Self.delayTarget
        if window < slowStartThreshold && delay < target / 2 {
            window += Double(acknowledged)
        } else {
            if window < slowStartThreshold { slowStartThreshold = window }
            // LEDBAT: grow by up to one datagram per window's worth acknowledged when the queue
            // is short, shrink when it is long.
            let offTarget = Double((target - delay).microseconds) / Double(target.microseconds)
            window += max(-1, min(1, offTarget)) * Double(acknowledged) / window
        }
        window = min(max(window, Self.minimumWindow), Self.maximumWindow)
    }

    /// Datagram `seq` was lost; `nextSeq` is the number the next datagram will carry.
    mutating func onLost(seq: UInt32, nextSeq: UInt32) {
        guard seq >= recoveryBefore else { return }
        recoveryBefore = nextSeq
        // A loss while the queue is short did not come from an overflowing queue: Wi-Fi loses
        // about 1% of unicasts whatever the load, and halving for each such loss would hold a
        // stream near a fifth of the link. Back off a little (TCP Veno's random-loss case);
        // the delay signal, not loss, keeps the queue in check.
        let congested = queueingDelay >= Self.delayTarget / 2
        window = max(window * (congested ? 0.5 : Self.randomLossFactor), Self.minimumWindow)
        slowStartThreshold = window
    }

    /// Nothing was acknowledged within `retransmissionTimeout`.
    mutating func onTimeout(nextSeq: UInt32) {
        backoff += 1
        recoveryBefore = nextSeq
        slowStartThreshold = max(window / 2, Self.minimumWindow)
        window = Self.minimumWindow
    }

    private mutating func addSample(_ sample: TimeSpan) {
        latestRoundTrip = sample
        minimumRoundTrip = minimumRoundTrip.map { min($0, sample) } ?? sample
        guard let smoothed = smoothedRoundTrip else {
            smoothedRoundTrip = sample
            roundTripVariation = sample / 2
            return
        }
        let deviation = TimeSpan(microseconds: abs((smoothed - sample).microseconds))
        roundTripVariation = TimeSpan(microseconds: (roundTripVariation.microseconds * 3 + deviation.microseconds) / 4)
        smoothedRoundTrip = TimeSpan(microseconds: (smoothed.microseconds * 7 + sample.microseconds) / 8)
    }
}
