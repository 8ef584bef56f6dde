@testable import Kabar
import Testing

/// The bulk stream's congestion control (Documentation/Transfer.md, "Pacing"), input by input.
@Suite struct TransferCongestionTests {
    static let baseRoundTrip = TimeSpan.milliseconds(100)

    /// A controller with `window` datagrams allowed, on a path whose base round trip is
    /// `baseRoundTrip` and whose latest sample showed `queueing` on top of it.
    static func controller(window: Int, queueing: TimeSpan) -> TransferCongestion {
        var congestion = TransferCongestion(roundTrip: baseRoundTrip)
        congestion.onAcknowledged(window - Int(TransferCongestion.initialWindow), sample: baseRoundTrip)
        congestion.onAcknowledged(0, sample: baseRoundTrip + queueing)
        #expect(congestion.window == Double(window) && congestion.queueingDelay == queueing)
        return congestion
    }

    @Test func slowStartGrowsByOnePerDatagramAcknowledged() {
        var congestion = TransferCongestion(roundTrip: Self.baseRoundTrip)
        congestion.onAcknowledged(8, sample: Self.baseRoundTrip)
        #expect(congestion.window == TransferCongestion.initialWindow + 8)
    }

    /// Wi-Fi loses unicasts at random; a loss with no queue behind it costs a fifth of the
    /// window, not half (halving for each held a stream near a fifth of the link).
    @Test func aLossWithAShortQueueCostsAFifthOfTheWindow() {
        var congestion = Self.controller(window: 100, queueing: .milliseconds(2))
        let before = congestion.window
        congestion.onLost(seq: 5, nextSeq: 50)
        #expect(congestion.window == before * TransferCongestion.randomLossFactor)
    }

    /// A loss while the queue is long is an overflowing queue: halve.
    @Test func aLossWithALongQueueHalvesTheWindow() {
        var congestion = Self.controller(window: 100, queueing: .milliseconds(30))
        let before = congestion.window
        congestion.onLost(seq: 5, nextSeq: 50)
        #expect(congestion.window == before / 2)
    }

    /// Losses of datagrams already in flight at the first loss belong to the same event.
    @Test func oneLossEventCutsTheWindowOnce() {
        var congestion = Self.controller(window: 100, queueing: .milliseconds(30))
        congestion.onLost(seq: 5, nextSeq: 50)
        let after = congestion.window
        congestion.onLost(seq: 30, nextSeq: 60)
        #expect(congestion.window == after)
        congestion.onLost(seq: 55, nextSeq: 70)
        #expect(congestion.window == after / 2)
    }

    /// A timeout drops to the minimum window and doubles the timeout, up to its bound.
    @Test func timeoutsBackOffUpToTheBound() {
        var congestion = Self.controller(window: 100, queueing: .milliseconds(2))
        let first = congestion.retransmissionTimeout
        congestion.onTimeout(nextSeq: 100)
        #expect(congestion.window == TransferCongestion.minimumWindow)
        #expect(congestion.retransmissionTimeout == first * 2)
        for _ in 0..<10 { congestion.onTimeout(nextSeq: 100) }
        #expect(congestion.retransmissionTimeout == TransferCongestion.timeoutMax)
    }
}
