// Bulk transfer: what a reconciliation found missing moves as paced, acknowledged streams
// (Documentation/Transfer.md).
extension Node {
    // MARK: Starting transfers

    /// Asks `peer` to stream us `ranges` (everything it holds there) and `ids`.
    mutating func pull(ranges: [ReconciliationRange], ids: [BulletinID], from peer: PeerAddress, at now: Instant) {
        guard !ranges.isEmpty || !ids.isEmpty, transfer.pulls.count < TransferState.pullsMax else { return }
        let stream = UInt32(truncatingIfNeeded: prng.next())
        var requests: [TransferRequest] = []
        var rangeStart = 0, idStart = 0
        while rangeStart < ranges.count || idStart < ids.count {
            let rangeEnd = min(ranges.count, rangeStart + TransferRequest.rangesMax)
            let idEnd = rangeEnd > rangeStart ? idStart : min(ids.count, idStart + TransferRequest.idsMax)
            requests.append(TransferRequest(stream: stream, ranges: Array(ranges[rangeStart..<rangeEnd]), ids: Array(ids[idStart..<idEnd])))
            rangeStart = rangeEnd
            idStart = idEnd
        }
        let key = TransferKey(peer: peer, stream: stream)
        transfer.pulls[key] = PendingPull(requests: requests, retryAt: now + pullRetryInterval(peer))
        for request in requests { send(.transferRequest(request), to: .peer(peer), at: now) }
    }

    /// Streams `ids` (ours) to `peer`, which lacks them.
    mutating func push(_ ids: [BulletinID], to peer: PeerAddress, at now: Instant) {
        guard !ids.isEmpty else { return }
        let key = TransferKey(peer: peer, stream: UInt32(truncatingIfNeeded: prng.next()))
        guard var stream = openOutgoing(key, at: now) else { return }
        for id in ids { enqueue(id, in: &stream) }
        transfer.outgoing[key] = stream
        pump(key, at: now)
    }

    private func pullRetryInterval(_ peer: PeerAddress) -> TimeSpan {
        let roundTrip = peers[peer]?.roundTrip ?? configuration.requestTimeout
        return max(configuration.requestTimeout, roundTrip * 4)
    }

    /// A new outgoing stream to a peer that proved its address, within the limits.
    private mutating func openOutgoing(_ key: TransferKey, at now: Instant) -> OutgoingStream? {
        guard let peer = peers[key.peer], peer.proven, transfer.outgoing.count < TransferState.outgoingMax else { return nil }
        return OutgoingStream(roundTrip: peer.roundTrip, now: now)
    }

    private func enqueue(_ id: BulletinID, in stream: inout OutgoingStream) {
        guard stream.queue.known.count < TransferState.queueMax, let summary = store.summary(id) else { return }
        stream.queue.push(TransferRank(channel: summary.channel, created: summary.created, id: id, rules: configuration.policy.channels))
    }

    // MARK: Inputs

    mutating func handleTransferRequest(_ request: TransferRequest, from source: PeerAddress, at now: Instant) {
        let key = TransferKey(peer: source, stream: request.stream)
        if transfer.ended[key] != nil {
            // A late copy of a request already served (or a retry after our bare `last` was
            // lost): the stream is over, say so in one small datagram.
            send(.transferData(TransferData(stream: request.stream, seq: UInt32.max, isLast: true, records: [])), to: .peer(source), at: now, paced: true)
            return
        }
        var stream: OutgoingStream
        if let existing = transfer.outgoing[key] {
            stream = existing
        } else if let opened = openOutgoing(key, at: now) {
            stream = opened
        } else {
            // Not proven, or too busy: say so, so the requester does not wait for nothing.
            if peers[source]?.proven == true {
                send(.transferAck(TransferAck(stream: request.stream, stop: true, ranges: [])), to: .peer(source), at: now)
            }
            return
        }
        for range in request.ranges {
            for item in sync.set.items(in: range) { enqueue(item.id, in: &stream) }
        }
        for id in request.ids where store.contains(id) { enqueue(id, in: &stream) }
        transfer.outgoing[key] = stream
        pump(key, at: now)
    }

    mutating func handleTransferAck(_ ack: TransferAck, from source: PeerAddress, at now: Instant) {
        let key = TransferKey(peer: source, stream: ack.stream)
        if ack.stop {
            transfer.pulls[key] = nil
            if transfer.outgoing[key] != nil { endOutgoing(key, complete: false, at: now) }
            return
        }
        guard var stream = transfer.outgoing[key] else { return }
        stream.acknowledge(ack.ranges, at: now)
        transfer.outgoing[key] = stream
        pump(key, at: now)
    }

    mutating func handleTransferData(_ data: TransferData, from source: PeerAddress, at now: NodeTime) {
        let key = TransferKey(peer: source, stream: data.stream)
        transfer.pulls[key] = nil
        var stream: IncomingStream
        if let existing = transfer.incoming[key] {
            stream = existing
        } else {
            guard peers[source]?.proven == true, transfer.incoming.count < TransferState.incomingMax else {
                send(.transferAck(TransferAck(stream: data.stream, stop: true, ranges: [])), to: .peer(source), at: now.monotonic)
                return
            }
            stream = IncomingStream(now: now.monotonic)
        }
        stream.lastHeard = now.monotonic
        let inOrder = stream.highest.map { $0 &+ 1 == data.seq } ?? (data.seq == 0)
        let isNew = stream.note(data.seq)
        stream.highest = max(stream.highest ?? data.seq, data.seq)
        if data.isLast { stream.sawLast = true }
        stream.unacknowledged += 1
        stream.datagrams += 1
        transfer.incoming[key] = stream
        if isNew {
            for record in data.records {
                let spread = (transfer.incoming[key]?.stored ?? 0) < TransferState.spreadItemsMax
                if receiveBulletin(record, from: source, at: now, spread: spread) { transfer.incoming[key]?.stored += 1 }
            }
        }
        // Acknowledge at once when something is off (a gap, a repeat, the end); otherwise every
        // `ackEvery` datagrams or after `ackDelay`; a batch of input acknowledges once at its end.
        guard var current = transfer.incoming[key] else { return }
        if !isNew || !inOrder || data.isLast || current.unacknowledged >= TransferState.ackEvery {
            if deferringAcknowledgements {
                current.ackDue = now.monotonic
                transfer.incoming[key] = current
            } else {
                acknowledge(key, at: now.monotonic)
            }
        } else if current.ackDue == nil {
            current.ackDue = now.monotonic + TransferState.ackDelay
            transfer.incoming[key] = current
        }
    }

    private mutating func acknowledge(_ key: TransferKey, at now: Instant) {
        guard var stream = transfer.incoming[key] else { return }
        stream.unacknowledged = 0
        stream.ackDue = nil
        transfer.incoming[key] = stream
        send(.transferAck(TransferAck(stream: key.stream, ranges: stream.acknowledgement)), to: .peer(key.peer), at: now, paced: true)
    }

    // MARK: Sending

    /// Sends what the window and pacing allow on stream `key`, at most `burstMax` datagrams.
    mutating func pump(_ key: TransferKey, at now: Instant) {
        guard var stream = transfer.outgoing[key] else { return }
        var burst = 0
        while burst < TransferState.burstMax, stream.maySend(at: now), !stream.queue.isEmpty {
            let (records, ranks) = pack(&stream, to: key.peer, at: now)
            guard !records.isEmpty else { continue }
            let data = TransferData(stream: key.stream, seq: 0, isLast: stream.queue.isEmpty, records: records)
            let bytes = Wire.headerByteCount + TransferData.headerByteCount + records.reduce(0) { $0 + 2 + $1.count }
            var numbered = data
            numbered.seq = stream.sent(ranks, bytes: bytes, at: now)
            send(.transferData(numbered), to: .peer(key.peer), at: now, paced: true)
            burst += 1
        }
        if stream.queue.isEmpty && stream.datagramsSent == 0 && !stream.sentEmptyLast {
            // Nothing to send (the range was empty here, or everything expired): say so once.
            stream.sentEmptyLast = true
            send(.transferData(TransferData(stream: key.stream, seq: 0, isLast: true, records: [])), to: .peer(key.peer), at: now, paced: true)
        }
        transfer.outgoing[key] = stream
        if stream.isFinished { endOutgoing(key, complete: true, at: now) }
    }

    /// Takes bulletins off the queue, best first, into one datagram's room. A bulletin that
    /// does not fit is put back, and up to `packLookahead` later ones are tried in its place.
    /// One too large for any data datagram goes as fragments instead.
    private mutating func pack(_ stream: inout OutgoingStream, to peer: PeerAddress, at now: Instant) -> ([[UInt8]], [TransferRank]) {
        var records: [[UInt8]] = []
        var ranks: [TransferRank] = []
        var putBack: [TransferRank] = []
        var room = TransferData.recordBytesMax
        while let rank = stream.queue.pop() {
            guard let bulletin = store.bulletin(rank.id) else {
                stream.queue.forget(rank.id)
                continue
            }
            let bytes = bulletin.encoded
            if bytes.count > TransferData.bulletinBytesMax {
                stream.queue.forget(rank.id)
                for message in Self.messages(carrying: bulletin) { send(message, to: .peer(peer), at: now) }
                continue
            }
            if bytes.count + 2 > room {
                putBack.append(rank)
                if putBack.count > TransferState.packLookahead || records.isEmpty { break }
                continue
            }
            records.append(bytes)
            ranks.append(rank)
            room -= bytes.count + 2
            if room < 64 { break }
        }
        for rank in putBack { stream.queue.requeue(rank) }
        return (records, ranks)
    }

    private mutating func endOutgoing(_ key: TransferKey, complete: Bool, at now: Instant) {
        guard let stream = transfer.outgoing.removeValue(forKey: key) else { return }
        if transfer.ended.count >= TransferState.endedMax, let oldest = transfer.ended.min(by: { ($0.value, $0.key) < ($1.value, $1.key) }) {
            transfer.ended[oldest.key] = nil
        }
        transfer.ended[key] = now
        emit(.transferFinished(TransferSummary(
            peer: key.peer, stream: key.stream, bulletins: stream.bulletinsDelivered, datagrams: stream.datagramsSent,
            bytes: stream.bytesSent, lost: stream.datagramsLost, duration: now - stream.started, complete: complete)))
        // The peer may still differ from us (a session stopped at its limit): reconcile again soon.
        peers[key.peer]?.lastSync = nil
    }

    // MARK: Timers

    /// Retransmission timeouts, pacing, delayed acknowledgements, stalls and pull retries.
    mutating func tickTransfer(at now: Instant) {
        for key in transfer.outgoing.keys.sorted() {
            guard var stream = transfer.outgoing[key] else { continue }
            if now - stream.lastProgress >= TransferState.stallTimeout {
                endOutgoing(key, complete: false, at: now)
                continue
            }
            stream.timeOut(at: now)
            transfer.outgoing[key] = stream
            pump(key, at: now)
        }
        for key in transfer.incoming.keys.sorted() {
            guard let stream = transfer.incoming[key] else { continue }
            if now - stream.lastHeard >= TransferState.idleTimeout {
                transfer.incoming[key] = nil
                if !stream.sawLast { peers[key.peer]?.lastSync = nil }
                continue
            }
            if let due = stream.ackDue, due <= now, stream.unacknowledged > 0 { acknowledge(key, at: now) }
        }
        for key in transfer.pulls.keys.sorted() {
            guard var pull = transfer.pulls[key], pull.retryAt <= now else { continue }
            guard pull.attempts < TransferState.pullAttemptsMax, peers[key.peer] != nil else {
                transfer.pulls[key] = nil
                peers[key.peer]?.lastSync = nil
                continue
            }
            pull.attempts += 1
            pull.retryAt = now + pullRetryInterval(key.peer) * Int64(pull.attempts)
            transfer.pulls[key] = pull
            for request in pull.requests { send(.transferRequest(request), to: .peer(key.peer), at: now) }
        }
        for (key, ended) in transfer.ended where now - ended >= TransferState.endedMemory { transfer.ended[key] = nil }
    }

    /// Sends the acknowledgements a batch of input held back (see `receive(batch:at:)`).
    mutating func flushAcknowledgements(at now: Instant) {
        for key in transfer.incoming.keys.sorted() {
            guard let stream = transfer.incoming[key], stream.unacknowledged > 0, let due = stream.ackDue, due <= now else { continue }
            acknowledge(key, at: now)
        }
    }
}

/// What one outgoing bulk transfer did, reported when it ends.
public struct TransferSummary: Sendable, Equatable {
    /// The peer it went to.
    public var peer: PeerAddress
    /// The stream number.
    public var stream: UInt32
    /// Bulletins acknowledged by the peer.
    public var bulletins: Int
    /// Data datagrams sent, retransmissions included, and their bytes.
    public var datagrams: Int
    public var bytes: Int
    /// Data datagrams lost (timed out or overtaken).
    public var lost: Int
    /// From the first datagram to the end.
    public var duration: TimeSpan
    /// False when the stream was abandoned (no acknowledgement for `stallTimeout`) or stopped.
    public var complete: Bool
}
