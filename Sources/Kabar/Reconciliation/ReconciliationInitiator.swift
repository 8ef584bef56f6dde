/// The side that starts a reconciliation (theory of operation: Documentation/Reconciliation.md).
///
/// The initiator picks a fresh salt, sends coded symbols of its set, and answers the
/// responder's requests for more. It works through parts: the whole set first, then any
/// sub-ranges the responder asks it to split into. It finishes knowing both what it lacks
/// (`weLack`, by id) and what the peer lacks (`peerLacks`).
///
///     var initiator = ReconciliationInitiator(set: store.reconciliationSet, salt: prng.next(),
///                                             peerCount: beacon.fingerprint.count)
///     send(initiator.start())
///     // for each payload of this session:  switch try initiator.receive(payload) { ... }
///     // when nothing arrived for a while:   send(initiator.timeout())
///
/// Memory: about 64 bytes per item of the set (copied once at `init`), plus 24 per symbol.
public struct ReconciliationInitiator: Sendable {
    private enum Phase: Sendable { case ready, running, finished, failed }

    private struct Part: Sendable {
        var range: ReconciliationRange
        var side: PartSide
        var lastRound: [[UInt8]] = []
        var results: [ResultFrame?] = []
        /// Symbols sent in this part so far, retries included.
        var symbolsSent = 0
    }

    /// Symbols one part may send in all, retries included: an honest responder never asks for
    /// more than `symbolsMax` new ones, so this leaves room for loss, not for a replay loop.
    static let partSymbolsSentMax = 3 * Reconciliation.symbolsMax

    private let items: [ReconciliationItem]
    private let salt: UInt64
    private let setFingerprint: SetFingerprint
    private var pending: [(range: ReconciliationRange, peerCount: Int?)]
    private var partNumber = -1
    private var current: Part?
    private var phase = Phase.ready
    private var outcome = ReconciliationOutcome()

    /// A session over `set` (copied now: later changes to the set do not reach it) under
    /// `salt` (draw a fresh one per session from the node's PRNG). `peerCount` is the peer's
    /// item count from its beacon, if known: it sizes the first round.
    public init(set: ReconciliationSet, salt: UInt64, peerCount: Int?) {
        items = set.items()
        self.salt = salt
        setFingerprint = set.fingerprint
        pending = [(ReconciliationRange.all, peerCount)]
    }

    /// True once the session has finished or failed.
    public var isDone: Bool { phase == .finished || phase == .failed }

    /// The first round's payloads. Call once.
    public mutating func start() -> [[UInt8]] {
        guard phase == .ready else { return [] }
        phase = .running
        return openNextPart().frames
    }

    /// Handles one payload from the responder. Payloads of other parts (late, duplicated) are
    /// ignored. Throws on a malformed payload (the session stays usable) and when the peer
    /// aborts or contradicts our set (the session is then over).
    public mutating func receive(_ payload: [UInt8]) throws(ReconciliationError) -> ReconciliationStep {
        outcome.bytesReceived += payload.count
        let message = try ReconciliationCodec.decode(payload)
        guard phase == .running, var part = current, message.part == partNumber else { return .send([]) }
        switch message {
        case .request(_, _, let from, let to):
            part.symbolsSent += to - from
            guard part.symbolsSent <= Self.partSymbolsSentMax else {
                phase = .failed
                throw .limitExceeded("the peer asked for more than \(Self.partSymbolsSentMax) symbols in one part")
            }
            part.side.sketch.extend(to: to)
            let frames = symbolFrames(part.side, range: part.range, from: from, to: to, fingerprint: nil)
            part.lastRound = frames
            current = part
            return .send(sent(frames))
        case .inSync:
            return openNextPart()
        case .result(let frame):
            return try receiveResult(frame, part: &part)
        case .split(_, let bounds, let counts):
            return try receiveSplit(bounds: bounds, counts: counts, part: part)
        case .abort(_, let reason):
            phase = .failed
            throw .peerAborted(reason)
        case .symbols, .resend:
            throw .unexpectedMessage("an initiator does not take symbols or resend requests")
        }
    }

    /// Call when no payload has arrived for a while (a few round-trip times). Asks again for
    /// missing result frames, or re-sends the round's first frame, which prompts the responder
    /// to answer again (or to ask for more with what it has).
    public mutating func timeout() -> [[UInt8]] {
        guard phase == .running, let part = current else { return [] }
        if !part.results.isEmpty {
            let missing = part.results.indices.filter { part.results[$0] == nil }
            let message = ReconciliationMessage.resend(part: partNumber, frameCount: part.results.count, missing: missing)
            return sent([ReconciliationCodec.encode(message)])
        }
        guard let first = part.lastRound.first else { return [] }
        return sent([first])
    }

    private mutating func sent(_ frames: [[UInt8]]) -> [[UInt8]] {
        if !frames.isEmpty { outcome.roundTrips += 1 }
        for frame in frames { outcome.bytesSent += frame.count }
        return frames
    }

    /// Finishes the current part (if any) and opens the next one that needs messages.
    private mutating func openNextPart() -> ReconciliationStep {
        current = nil
        while !pending.isEmpty {
            if outcome.peerLacks.count + outcome.weLack.count >= Reconciliation.differencesMax
                || partNumber + 1 >= Reconciliation.partsMax
            {
                outcome.complete = false
                break
            }
            let (range, peerCount) = pending.removeFirst()
            let slice = ItemRanges.slice(items, range)
            if peerCount == 0 && partNumber >= 0 {
                outcome.peerLacks.append(contentsOf: slice.map(\.id))
                continue
            }
            if slice.isEmpty && peerCount == 0 { continue }
            partNumber += 1
            var part = Part(range: range, side: PartSide(items: slice, salt: salt))
            let firstEnd = firstRoundSymbols(itemCount: slice.count, peerCount: peerCount)
            part.side.sketch.extend(to: firstEnd)
            let fingerprint = range == .all ? setFingerprint : part.side.fingerprint
            part.lastRound = symbolFrames(part.side, range: range, from: 0, to: firstEnd, fingerprint: fingerprint)
            current = part
            return .send(sent(part.lastRound))
        }
        phase = .finished
        outcome.peerLacks.sort()
        outcome.weLack.sort()
        outcome.weLackCount = outcome.weLack.count
        return .finished(outcome, send: [])
    }

    /// The first round's size: enough to decode the count difference when the peer's count is
    /// known and the difference is small; a few symbols otherwise (the responder then estimates).
    private func firstRoundSymbols(itemCount: Int, peerCount: Int?) -> Int {
        guard itemCount > 0 else { return 1 }
        guard let peerCount else { return Reconciliation.firstRoundSymbolsMin }
        let difference = abs(itemCount - peerCount)
        guard difference <= Reconciliation.partDifferencesMax else { return Reconciliation.firstRoundSymbolsMin }
        let needed = DifferenceEstimator.symbolsNeeded(differences: difference)
        return min(max(needed, Reconciliation.firstRoundSymbolsMin), Reconciliation.roundSymbolsMax)
    }

    /// Symbols `from..<to` cut into payloads of at most `payloadBytesMax`; the fingerprint rides
    /// in the first.
    private func symbolFrames(
        _ side: PartSide, range: ReconciliationRange, from: Int, to: Int, fingerprint: SetFingerprint?
    ) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var index = from
        while index < to || (frames.isEmpty && from == to) {
            let frameFingerprint = frames.isEmpty ? fingerprint : nil
            var budget = Reconciliation.payloadBytesMax - ReconciliationCodec.symbolsHeaderBytesMax
            var symbols: [CodedSymbol] = []
            while index < to {
                let symbol = side.sketch.symbols[index]
                let size = ReconciliationCodec.symbolSize(symbol, index: index, itemCount: side.count)
                guard size <= budget else { break }
                budget -= size
                symbols.append(symbol)
                index += 1
            }
            let frame = SymbolsFrame(
                salt: salt, part: partNumber, range: range, itemCount: side.count, fingerprint: frameFingerprint,
                roundEnd: to, firstIndex: index - symbols.count, symbols: symbols)
            frames.append(ReconciliationCodec.encode(.symbols(frame)))
            if from == to { break }
        }
        return frames
    }
}

extension ReconciliationInitiator {
    /// Collects one result frame; once all are in, applies them and opens the next part.
    private mutating func receiveResult(_ frame: ResultFrame, part: inout Part) throws(ReconciliationError) -> ReconciliationStep {
        if part.results.isEmpty { part.results = Array(repeating: nil, count: frame.frameCount) }
        guard frame.frameCount == part.results.count else {
            throw .malformed("result frame count \(frame.frameCount) changed from \(part.results.count)")
        }
        if part.results[frame.frameIndex] == nil { part.results[frame.frameIndex] = frame }
        current = part
        guard part.results.allSatisfy({ $0 != nil }) else { return .send([]) }
        let frames = part.results.compactMap { $0 }
        do {
            try apply(frames, side: &part.side)
        } catch {
            phase = .failed
            throw error
        }
        return openNextPart()
    }

    /// Adds a complete result to the outcome, checking it against our own items.
    private mutating func apply(_ frames: [ResultFrame], side: inout PartSide) throws(ReconciliationError) {
        let wantAll = frames[0].wantAll
        let isList = frames[0].isList
        let giveAll = frames[0].giveAll
        guard frames.allSatisfy({ $0.wantAll == wantAll && $0.isList == isList && $0.giveAll == giveAll }) else {
            throw .malformed("result frames disagree on their flags")
        }
        if giveAll {
            guard side.items.isEmpty else { throw .inconsistentResult("the peer says we hold nothing in a range where we do") }
            outcome.weLackRanges.append(current?.range ?? .all)
            return
        }
        let keys = frames.flatMap(\.keys)
        let ids = frames.flatMap(\.ids)
        let listed = Set(ids)
        guard listed.count == ids.count, Set(keys).count == keys.count else {
            throw .inconsistentResult("a key or id appears twice")
        }
        if wantAll {
            guard keys.isEmpty, ids.isEmpty else { throw .malformed("a want-all result lists keys or ids") }
            outcome.peerLacks.append(contentsOf: side.ids)
            return
        }
        var peerLacks: [BulletinID] = []
        for key in keys {
            guard let id = side.id(forKey: key) else { throw .inconsistentResult("the peer wants a key we do not hold") }
            peerLacks.append(id)
        }
        if isList {
            guard keys.isEmpty else { throw .malformed("a list result carries keys") }
            let own = Set(side.ids)
            outcome.peerLacks.append(contentsOf: side.ids.filter { !listed.contains($0) })
            outcome.weLack.append(contentsOf: ids.filter { !own.contains($0) })
            return
        }
        if !listed.isEmpty, side.items.contains(where: { listed.contains($0.id) }) {
            throw .inconsistentResult("the peer offers an id we hold")
        }
        outcome.peerLacks.append(contentsOf: peerLacks)
        outcome.weLack.append(contentsOf: ids)
    }

    /// Replaces the current part by the pieces the responder cut it into.
    private mutating func receiveSplit(
        bounds: [ReconciliationBound], counts: [Int], part: Part
    ) throws(ReconciliationError) -> ReconciliationStep {
        guard counts.count == bounds.count + 1 else { throw .malformed("split has \(counts.count) counts for \(bounds.count) bounds") }
        for bound in bounds {
            if let lower = part.range.lower, !(lower < bound) { throw .malformed("split bound below the range") }
            if let upper = part.range.upper, !(bound < upper) { throw .malformed("split bound above the range") }
        }
        let pieces = ItemRanges.pieces(of: part.range, bounds: bounds)
        pending.insert(contentsOf: zip(pieces, counts).map { ($0, Optional($1)) }, at: 0)
        return openNextPart()
    }
}
