/// The side that answers a reconciliation (theory of operation: Documentation/Reconciliation.md).
///
/// For each part the initiator opens, the responder compares fingerprints (equal: done), or
/// lists its ids (when it holds few), or asks for a split (when the sets differ too much), or
/// subtracts its own coded symbols from the initiator's and peels them. If they do not decode
/// it estimates the difference and asks for about as many more symbols as decoding needs.
/// Once decoded it sends the result: the initiator's keys it wants, and its own ids the
/// initiator lacks.
///
///     var responder = ReconciliationResponder(set: store.reconciliationSet)
///     // for each payload of this session:  let step = try responder.receive(payload)
///     //                                    send(step.frames); if let outcome = step.outcome { ... }
///
/// Work per payload is bounded: a part costs O(n log symbolsMax) for n items in its range,
/// and memory about 64 bytes per item plus 48 per symbol. The caller bounds how many responder
/// sessions run at once.
public struct ReconciliationResponder: Sendable {
    private struct Part: Sendable {
        var range: ReconciliationRange
        var side: PartSide
        var decoder = RatelessDecoder()
        var peerCount: Int
        /// The symbol end the responder has asked for (or the first round's end).
        var allowedEnd: Int
        /// The symbol end of the round last answered.
        var answeredEnd = 0
        /// The first symbol index of the current round: a repeat of the frame that starts there
        /// is the initiator's "still waiting" (its `timeout()`), any other repeat is ignored.
        var roundStart = 0
        /// The first symbol index of the round last answered (repeats of its first frame get
        /// the answer again).
        var answeredRoundStart = 0
        var lastReply: [[UInt8]] = []
        var done = false
    }

    private let items: [ReconciliationItem]
    private let setFingerprint: SetFingerprint
    private var salt: UInt64?
    private var partNumber = -1
    private var current: Part?
    private var itemsOpened = 0
    private var roundTrips = 0
    private var bytesSent = 0
    private var bytesReceived = 0

    /// A responder over `set` (copied now: later changes to the set do not reach it).
    public init(set: ReconciliationSet) {
        items = set.items()
        setFingerprint = set.fingerprint
    }

    /// Handles one payload from the initiator. Throws on a malformed or unexpected payload; the
    /// responder stays usable (a later good payload still works).
    public mutating func receive(_ payload: [UInt8]) throws(ReconciliationError) -> ReconciliationStep {
        bytesReceived += payload.count
        let message = try ReconciliationCodec.decode(payload)
        switch message {
        case .symbols(let frame): return try receiveSymbols(frame)
        case .resend(let part, let frameCount, let missing):
            guard part == partNumber, let current, current.done, current.lastReply.count == frameCount else {
                return .send([])
            }
            return .send(sent(missing.map { current.lastReply[$0] }, newRound: false))
        default:
            throw .unexpectedMessage("a responder takes only symbols and resend requests")
        }
    }

    /// Call when the initiator has gone quiet mid-round (some of its frames were lost): decodes
    /// with what arrived and answers (usually asking for more). Does nothing once the round is
    /// answered: the initiator drives retries from there.
    public mutating func timeout() -> [[UInt8]] {
        guard var part = current, !part.done, part.answeredEnd < part.decoder.end else { return [] }
        let step = answer(&part)
        current = part
        return step.frames
    }

    /// The items all parts of one session may cover in total (counted again for each part).
    static func itemsOpenedMax(setCount: Int) -> Int { 8 * max(setCount, 4_096) }

    private mutating func sent(_ frames: [[UInt8]], newRound: Bool) -> [[UInt8]] {
        if newRound && !frames.isEmpty { roundTrips += 1 }
        for frame in frames { bytesSent += frame.count }
        return frames
    }

    private func stats(_ outcome: ReconciliationOutcome) -> ReconciliationOutcome {
        var outcome = outcome
        outcome.roundTrips = roundTrips
        outcome.bytesSent = bytesSent
        outcome.bytesReceived = bytesReceived
        return outcome
    }

    private mutating func receiveSymbols(_ frame: SymbolsFrame) throws(ReconciliationError) -> ReconciliationStep {
        if frame.salt != salt || frame.part > partNumber {
            return try openPart(frame)
        }
        guard frame.part == partNumber, var part = current else { return .send([]) }
        if part.done {
            return .send(frame.firstIndex == part.answeredRoundStart ? sent(part.lastReply, newRound: false) : [])
        }
        guard frame.roundEnd <= part.allowedEnd else {
            throw .limitExceeded("round end \(frame.roundEnd) beyond the \(part.allowedEnd) symbols asked for")
        }
        let step = try addSymbols(frame, to: &part)
        current = part
        return step
    }

    /// Starts the part `frame` opens: decides between in-sync, list, want-all, split and symbols.
    private mutating func openPart(_ frame: SymbolsFrame) throws(ReconciliationError) -> ReconciliationStep {
        guard frame.roundEnd <= Reconciliation.roundSymbolsMax else {
            throw .limitExceeded("first round of \(frame.roundEnd) symbols is above \(Reconciliation.roundSymbolsMax)")
        }
        let slice = ItemRanges.slice(items, frame.range)
        // Opening a part costs a hash per item in its range; honest splits open each item a
        // few times at most, so a session that asks for more is refused.
        itemsOpened += slice.count
        guard itemsOpened <= Self.itemsOpenedMax(setCount: items.count) else {
            throw .limitExceeded("the peer opened parts over more than \(Self.itemsOpenedMax(setCount: items.count)) items")
        }
        salt = frame.salt
        partNumber = frame.part
        var part = Part(range: frame.range, side: PartSide(items: slice, salt: frame.salt), peerCount: frame.itemCount, allowedEnd: frame.roundEnd)
        current = nil
        if let fingerprint = frame.fingerprint {
            let ours = frame.range == .all ? setFingerprint : part.side.fingerprint
            if ours == fingerprint { return finish(&part, [ReconciliationCodec.encode(.inSync(part: partNumber))], ReconciliationOutcome()) }
        }
        let count = slice.count
        let gap = abs(count - frame.itemCount)
        if count == 0 {
            var outcome = ReconciliationOutcome()
            outcome.weLackCount = frame.itemCount
            return finish(&part, resultFrames(keys: [], ids: [], wantAll: true, isList: false), outcome)
        }
        if frame.itemCount == 0 {
            // The initiator holds nothing here: it pulls the range whole, whatever its size,
            // instead of being told 32 bytes per id it will ask for anyway.
            var outcome = ReconciliationOutcome()
            outcome.peerLacksRanges = [frame.range]
            return finish(&part, resultFrames(keys: [], ids: [], wantAll: false, isList: false, giveAll: true), outcome)
        }
        if count <= Reconciliation.listItemsMax && count <= gap {
            return finish(&part, resultFrames(keys: [], ids: part.side.ids, wantAll: false, isList: true), ReconciliationOutcome())
        }
        if gap > Reconciliation.partDifferencesMax, let split = splitReply(&part, differences: gap) {
            return split
        }
        let step = try addSymbols(frame, to: &part)
        current = part
        return step
    }

    /// Adds a frame's symbols; answers once the round is complete, or when a repeated frame
    /// says the initiator is waiting for us.
    private mutating func addSymbols(_ frame: SymbolsFrame, to part: inout Part) throws(ReconciliationError) -> ReconciliationStep {
        if frame.roundEnd > part.decoder.end {
            part.side.sketch.extend(to: frame.roundEnd)
            part.decoder.extend(to: frame.roundEnd, own: part.side.sketch)
        }
        var added = 0
        for (offset, symbol) in frame.symbols.enumerated()
        where part.decoder.receive(index: frame.firstIndex + offset, symbol: symbol) {
            added += 1
        }
        let roundComplete = part.decoder.receivedCount == part.decoder.end
        if part.answeredEnd == part.decoder.end {
            let isPoke = added == 0 && frame.firstIndex == part.answeredRoundStart
            return isPoke ? .send(sent(part.lastReply, newRound: false)) : .send([])
        }
        let isPoke = added == 0 && frame.firstIndex == part.roundStart
        guard roundComplete || isPoke else { return .send([]) }
        return answer(&part)
    }
}

extension ReconciliationResponder {
    /// Decodes what arrived; replies with the result, a request for more, a split or an abort.
    private mutating func answer(_ part: inout Part) -> ReconciliationStep {
        part.answeredEnd = part.decoder.end
        part.answeredRoundStart = part.roundStart
        do {
            try part.decoder.peel()
        } catch {
            return abort(&part, .inconsistent)
        }
        if part.decoder.isComplete { return result(&part) }
        let (estimate, sharp) = DifferenceEstimator.estimate(decoder: part.decoder, own: part.side.sketch)
        let end = part.decoder.end
        if end >= Reconciliation.symbolsMax || estimate > Reconciliation.partDifferencesMax {
            if let split = splitReply(&part, differences: estimate) { return split }
            if end >= Reconciliation.symbolsMax { return abort(&part, .differenceTooLarge) }
        }
        // A blunt estimate (count spread of a few symbols) may be off by 2x either way: ask for
        // less, so that the next round, with empty symbols to go by, asks for the rest exactly.
        let bluntShare = part.decoder.receivedCount < 64 ? 0.5 : 0.85
        let planned = sharp ? estimate : Int(Double(estimate) * bluntShare)
        var target = DifferenceEstimator.symbolsNeeded(differences: planned)
        target = max(target, end + max(8, end / 4))
        target = min(target, end + Reconciliation.roundSymbolsMax, Reconciliation.symbolsMax)
        part.allowedEnd = target
        part.roundStart = end
        let request = ReconciliationMessage.request(
            part: partNumber, responderCount: part.side.count, from: end, to: target)
        part.lastReply = [ReconciliationCodec.encode(request)]
        return .send(sent(part.lastReply, newRound: true))
    }

    /// The result of a decoded part, after checking every key against our own set.
    private mutating func result(_ part: inout Part) -> ReconciliationStep {
        var wanted: [UInt64] = []
        var ours: [BulletinID] = []
        for entry in part.decoder.decoded {
            if entry.sign > 0 {
                guard part.side.id(forKey: entry.key) == nil else { return abort(&part, .inconsistent) }
                wanted.append(entry.key)
            } else {
                guard let id = part.side.id(forKey: entry.key) else { return abort(&part, .inconsistent) }
                ours.append(id)
            }
        }
        guard wanted.count - ours.count == part.peerCount - part.side.count else {
            return abort(&part, .inconsistent)
        }
        wanted.sort()
        ours.sort()
        var outcome = ReconciliationOutcome()
        outcome.peerLacks = ours
        outcome.weLackKeys = wanted
        outcome.weLackCount = wanted.count
        return finish(&part, resultFrames(keys: wanted, ids: ours, wantAll: false, isList: false), outcome)
    }
}

extension ReconciliationResponder {
    /// Asks the initiator to reconcile the part's range piece by piece, cut at our own items so
    /// each piece holds about `differences / (partDifferencesMax / 2)` of the difference. Nil
    /// when our items cannot cut the range.
    private mutating func splitReply(_ part: inout Part, differences: Int) -> ReconciliationStep? {
        let slice = ItemRanges.slice(items, part.range)
        let pieces = min(differences / (Reconciliation.partDifferencesMax / 2) + 2, Reconciliation.splitBoundsMax + 1)
        let bounds = ItemRanges.splitBounds(slice, range: part.range, pieceItems: (slice.count + pieces - 1) / pieces)
        guard !bounds.isEmpty else { return nil }
        let counts = ItemRanges.pieces(of: part.range, bounds: bounds).map { ItemRanges.slice(items, $0).count }
        let message = ReconciliationMessage.split(part: partNumber, bounds: bounds, counts: counts)
        part.done = true
        part.lastReply = [ReconciliationCodec.encode(message)]
        current = part
        return .send(sent(part.lastReply, newRound: true))
    }

    /// Ends the part with `frames` as the answer (kept for retries) and `outcome` as its finding.
    private mutating func finish(
        _ part: inout Part, _ frames: [[UInt8]], _ outcome: ReconciliationOutcome
    ) -> ReconciliationStep {
        part.done = true
        part.lastReply = frames
        current = part
        let frames = sent(frames, newRound: true)
        return .finished(stats(outcome), send: frames)
    }

    /// Gives the part up with `reason`.
    private mutating func abort(_ part: inout Part, _ reason: ReconciliationAbortReason) -> ReconciliationStep {
        part.done = true
        part.lastReply = [ReconciliationCodec.encode(.abort(part: partNumber, reason: reason))]
        current = part
        return .send(sent(part.lastReply, newRound: true))
    }

    /// Result payloads: keys first, then ids, as many per payload as fit.
    private mutating func resultFrames(keys: [UInt64], ids: [BulletinID], wantAll: Bool, isList: Bool, giveAll: Bool = false) -> [[UInt8]] {
        let budget = Reconciliation.payloadBytesMax - ReconciliationCodec.resultHeaderBytesMax
        var pieces: [(keys: ArraySlice<UInt64>, ids: ArraySlice<BulletinID>)] = []
        var keyIndex = 0
        var idIndex = 0
        repeat {
            var room = budget
            let keyEnd = min(keys.count, keyIndex + room / 8)
            room -= (keyEnd - keyIndex) * 8
            let idEnd = min(ids.count, idIndex + room / 32)
            pieces.append((keys[keyIndex..<keyEnd], ids[idIndex..<idEnd]))
            keyIndex = keyEnd
            idIndex = idEnd
        } while keyIndex < keys.count || idIndex < ids.count
        guard pieces.count <= Reconciliation.resultFramesMax else {
            return [ReconciliationCodec.encode(.abort(part: partNumber, reason: .differenceTooLarge))]
        }
        return pieces.enumerated().map { index, piece in
            ReconciliationCodec.encode(.result(ResultFrame(
                part: partNumber, wantAll: wantAll, isList: isList, giveAll: giveAll, frameIndex: index, frameCount: pieces.count,
                keys: Array(piece.keys), ids: Array(piece.ids))))
        }
    }
}
