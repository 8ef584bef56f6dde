/// A stream of one peer: the peer's address and the stream number (the requester's choice, or
/// the pusher's).
struct TransferKey: Hashable, Comparable, Sendable {
    var peer: PeerAddress
    var stream: UInt32

    static func < (lhs: TransferKey, rhs: TransferKey) -> Bool {
        lhs.peer != rhs.peer ? lhs.peer < rhs.peer : lhs.stream < rhs.stream
    }
}

/// The sending side of one bulk transfer: what is left to send, what is in flight, and how fast
/// the path allows (Documentation/Transfer.md).
struct OutgoingStream: Sendable {
    /// One datagram sent and not yet settled.
    struct InFlight: Sendable {
        enum State: Sendable { case inFlight, acknowledged, lost }
        let seq: UInt32
        let ranks: [TransferRank]
        let sentAt: Instant
        var state = State.inFlight
    }

    var queue = TransferQueue()
    /// Datagrams sent and not yet pruned, by ascending `seq`.
    private(set) var inFlight: [InFlight] = []
    /// Datagrams in `inFlight` still in flight.
    private(set) var outstanding = 0
    private(set) var nextSeq: UInt32 = 0
    private(set) var largestAcknowledged: UInt32?
    var congestion: TransferCongestion
    /// Pacing: when the next datagram may go.
    var nextSendAt: Instant
    /// When the datagrams in flight are declared lost, if none is acknowledged first.
    private(set) var timeoutAt: Instant?
    /// The last time an acknowledgement brought news (or the stream started).
    private(set) var lastProgress: Instant
    let started: Instant
    /// A bare `last` datagram was sent for an empty queue (so it is not sent twice).
    var sentEmptyLast = false

    // Counts, for the transfer summary.
    private(set) var datagramsSent = 0
    private(set) var bytesSent = 0
    private(set) var datagramsLost = 0
    private(set) var bulletinsDelivered = 0

    init(roundTrip: TimeSpan?, now: Instant) {
        congestion = TransferCongestion(roundTrip: roundTrip)
        nextSendAt = now
        lastProgress = now
        started = now
    }

    /// Nothing is left to send and nothing is in flight.
    var isFinished: Bool { queue.isEmpty && outstanding == 0 }

    /// Whether the window and the pacing allow a datagram now.
    func maySend(at now: Instant) -> Bool {
        Double(outstanding) < congestion.window && now >= nextSendAt
    }

    /// When this stream needs the node's attention next.
    var nextDeadline: Instant? {
        var deadline = timeoutAt
        if !queue.isEmpty && Double(outstanding) < congestion.window {
            deadline = deadline.map { min($0, nextSendAt) } ?? nextSendAt
        }
        return deadline
    }

    /// Records that a datagram carrying `ranks` (`bytes` on the wire) goes out now; returns its
    /// number.
    mutating func sent(_ ranks: [TransferRank], bytes: Int, at now: Instant) -> UInt32 {
        let seq = nextSeq
        nextSeq &+= 1
        inFlight.append(InFlight(seq: seq, ranks: ranks, sentAt: now))
        outstanding += 1
        datagramsSent += 1
        bytesSent += bytes
        if timeoutAt == nil { timeoutAt = now + congestion.retransmissionTimeout }
        // Catch up a little after an idle spell, never a whole window at once.
        let interval = congestion.pacingInterval
        nextSendAt = max(nextSendAt, now - interval * 4) + interval
        return seq
    }

    /// Applies an acknowledgement: settles the datagrams it names, declares lost those a later
    /// one overtook by `reorderThreshold`, and requeues their bulletins.
    mutating func acknowledge(_ ranges: [ClosedRange<UInt32>], at now: Instant) {
        var newest: InFlight?
        var newlyAcknowledged = 0
        for range in ranges {
            var index = firstIndex(notBelow: range.lowerBound)
            while index < inFlight.count, inFlight[index].seq <= range.upperBound {
                if inFlight[index].state == .inFlight {
                    inFlight[index].state = .acknowledged
                    outstanding -= 1
                    newlyAcknowledged += 1
                    bulletinsDelivered += inFlight[index].ranks.count
                    for rank in inFlight[index].ranks { queue.forget(rank.id) }
                    if newest.map({ $0.seq < inFlight[index].seq }) ?? true { newest = inFlight[index] }
                }
                index += 1
            }
        }
        guard let newest else { return }
        largestAcknowledged = max(largestAcknowledged ?? 0, newest.seq)
        congestion.onAcknowledged(newlyAcknowledged, sample: now - newest.sentAt)
        lastProgress = now
        detectLosses()
        prune()
        timeoutAt = outstanding > 0 ? now + congestion.retransmissionTimeout : nil
    }

    /// The retransmission timer fired: everything in flight is lost.
    mutating func timeOut(at now: Instant) {
        guard let due = timeoutAt, due <= now else { return }
        for index in inFlight.indices where inFlight[index].state == .inFlight { markLost(index) }
        congestion.onTimeout(nextSeq: nextSeq)
        prune()
        timeoutAt = nil
        nextSendAt = now
    }

    private mutating func detectLosses() {
        guard let largest = largestAcknowledged else { return }
        for index in inFlight.indices {
            guard inFlight[index].seq &+ TransferCongestion.reorderThreshold <= largest else { break }
            if inFlight[index].state == .inFlight {
                markLost(index)
                congestion.onLost(seq: inFlight[index].seq, nextSeq: nextSeq)
            }
        }
    }

    private mutating func markLost(_ index: Int) {
        inFlight[index].state = .lost
        outstanding -= 1
        datagramsLost += 1
        for rank in inFlight[index].ranks { queue.requeue(rank) }
    }

    /// Drops settled datagrams from the front.
    private mutating func prune() {
        var settled = 0
        while settled < inFlight.count, inFlight[settled].state != .inFlight { settled += 1 }
        if settled > 0 { inFlight.removeFirst(settled) }
    }

    private func firstIndex(notBelow seq: UInt32) -> Int {
        var low = 0, high = inFlight.count
        while low < high {
            let middle = (low + high) / 2
            if inFlight[middle].seq < seq { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// The receiving side of one bulk transfer: which datagram numbers arrived (for the
/// acknowledgements) and when to acknowledge.
struct IncomingStream: Sendable {
    /// Received numbers as disjoint inclusive ranges, ascending; at most `rangesMax`, the
    /// oldest dropped first (the sender has long settled those).
    private(set) var received: [ClosedRange<UInt32>] = []
    /// Data datagrams received since the last acknowledgement.
    var unacknowledged = 0
    /// When a delayed acknowledgement is due.
    var ackDue: Instant?
    var lastHeard: Instant
    /// The highest datagram number seen.
    var highest: UInt32?
    /// The sender said its queue was empty.
    var sawLast = false
    /// Bulletins stored from this stream (the first few spread as news).
    var stored = 0
    /// Datagrams received.
    var datagrams = 0

    static let rangesMax = 64

    init(now: Instant) { lastHeard = now }

    /// Notes datagram `seq`; returns false when it had arrived before.
    mutating func note(_ seq: UInt32) -> Bool {
        var low = 0, high = received.count
        while low < high {
            let middle = (low + high) / 2
            if received[middle].upperBound < seq { low = middle + 1 } else { high = middle }
        }
        if low < received.count, received[low].contains(seq) { return false }
        let joinsBelow = low > 0 && received[low - 1].upperBound &+ 1 == seq
        let joinsAbove = low < received.count && seq &+ 1 == received[low].lowerBound
        switch (joinsBelow, joinsAbove) {
        case (true, true):
            received[low - 1] = received[low - 1].lowerBound...received[low].upperBound
            received.remove(at: low)
        case (true, false):
            received[low - 1] = received[low - 1].lowerBound...seq
        case (false, true):
            received[low] = seq...received[low].upperBound
        case (false, false):
            received.insert(seq...seq, at: low)
        }
        if received.count > Self.rangesMax { received.removeFirst(received.count - Self.rangesMax) }
        return true
    }

    /// The ranges to acknowledge, newest first.
    var acknowledgement: [ClosedRange<UInt32>] { Array(received.suffix(TransferAck.rangesMax).reversed()) }
}

/// A transfer we asked a peer for and have not seen data of yet.
struct PendingPull: Sendable {
    var requests: [TransferRequest]
    var retryAt: Instant
    var attempts = 1
}

/// Everything the node tracks of bulk transfers (Documentation/Transfer.md).
struct TransferState: Sendable {
    var outgoing: [TransferKey: OutgoingStream] = [:]
    var incoming: [TransferKey: IncomingStream] = [:]
    var pulls: [TransferKey: PendingPull] = [:]
    /// Outgoing streams that ended lately: a late copy of their request is not served again.
    var ended: [TransferKey: Instant] = [:]

    /// Streams at once, at most, each way.
    static let outgoingMax = 8
    static let incomingMax = 16
    /// Pulls waiting for their first data, at most.
    static let pullsMax = 16
    /// Ended streams remembered, at most, and for how long.
    static let endedMax = 64
    static let endedMemory = TimeSpan.seconds(30)
    /// Bulletins one outgoing stream may hold queued.
    static let queueMax = 262_144
    /// Datagrams one stream sends per input, at most (a per-wakeup bound).
    static let burstMax = 64
    /// Acknowledge every this many data datagrams, or after `ackDelay`.
    static let ackEvery = 2
    static let ackDelay = TimeSpan.milliseconds(5)
    /// An incoming stream silent this long is forgotten.
    static let idleTimeout = TimeSpan.seconds(3)
    /// An outgoing stream with no acknowledgement this long is abandoned (anti-entropy starts
    /// again when the peer is back).
    static let stallTimeout = TimeSpan.seconds(6)
    /// Requests sent per pull before giving up.
    static let pullAttemptsMax = 4
    /// The first bulletins of a stream spread as news (broadcast and announced); the rest of a
    /// backlog is left to the other nodes' own reconciliation.
    static let spreadItemsMax = 64
    /// Bulletins a data datagram may skip over to fill its room with a smaller one.
    static let packLookahead = 6

    /// True while any transfer with `peer` runs, either way.
    func isBusy(with peer: PeerAddress) -> Bool {
        outgoing.keys.contains { $0.peer == peer } || incoming.keys.contains { $0.peer == peer }
            || pulls.keys.contains { $0.peer == peer }
    }

    /// True while a stream from a peer other than `peer` is still coming in (it has not said
    /// `last`) or a pull from one waits for its first data. A node filling its store should not
    /// reconcile with anyone else meanwhile: every other peer would find the same bulletins
    /// missing and push them too (a newcomer took the same backlog from eight hall nodes at
    /// once, each copy slowing the others on the one shared medium).
    /// Only a stream that has stored something counts: a peer sending empty data that never
    /// says `last` must not keep this node from reconciling with everyone else.
    func isReceiving(besides peer: PeerAddress) -> Bool {
        incoming.contains { key, stream in key.peer != peer && !stream.sawLast && stream.stored > 0 } || pulls.keys.contains { $0.peer != peer }
    }

    mutating func forget(_ peer: PeerAddress) {
        for key in outgoing.keys where key.peer == peer { outgoing[key] = nil }
        for key in incoming.keys where key.peer == peer { incoming[key] = nil }
        for key in pulls.keys where key.peer == peer { pulls[key] = nil }
    }

    var nextDeadline: Instant? {
        var deadline: Instant?
        func consider(_ due: Instant?) {
            guard let due else { return }
            deadline = deadline.map { min($0, due) } ?? due
        }
        for stream in outgoing.values {
            consider(stream.nextDeadline)
            consider(stream.lastProgress + Self.stallTimeout)
        }
        for stream in incoming.values {
            consider(stream.ackDue)
            consider(stream.lastHeard + Self.idleTimeout)
        }
        for pull in pulls.values { consider(pull.retryAt) }
        return deadline
    }
}
