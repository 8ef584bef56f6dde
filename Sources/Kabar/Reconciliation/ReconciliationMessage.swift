/// The coded symbols one initiator payload carries, with everything the responder needs to
/// start or continue the part (so any frame of a round may arrive first).
struct SymbolsFrame: Equatable, Sendable {
    /// The session's salt: keys are SipHash of ids under it.
    var salt: UInt64
    /// The part (sub-session) number: 0 for the first range, then one per range the initiator opens.
    var part: Int
    /// The items this part reconciles.
    var range: ReconciliationRange
    /// The initiator's item count in `range`.
    var itemCount: Int
    /// The initiator's fingerprint hash of `range` (high, low), carried by a round's first frame
    /// of the first round only, so equal sets finish at once.
    var fingerprint: SetFingerprint?
    /// The end of the indices sent in this round: the responder decodes once it holds `0..<roundEnd`.
    var roundEnd: Int
    /// The index of the first symbol here.
    var firstIndex: Int
    /// Symbols `firstIndex..<firstIndex + symbols.count`.
    var symbols: [CodedSymbol]
}

/// One frame of a responder's result: the initiator's keys it wants and its own ids the
/// initiator lacks, spread over `frameCount` frames (keys first, then ids, each sorted).
struct ResultFrame: Equatable, Sendable {
    var part: Int
    /// True when the responder holds nothing in the range and wants every initiator item in it.
    var wantAll: Bool
    /// True when `ids` lists every item the responder holds in the range (the initiator works
    /// out both directions itself).
    var isList: Bool
    /// True when the initiator holds nothing in the range: it lacks every responder item there
    /// and pulls the range whole (Documentation/Transfer.md), so no ids are listed.
    var giveAll = false
    var frameIndex: Int
    var frameCount: Int
    /// Keys of initiator items the responder lacks.
    var keys: [UInt64]
    /// Ids the responder holds and the initiator lacks.
    var ids: [BulletinID]
}

/// Every reconciliation payload. See `ReconciliationCodec` for the bytes.
enum ReconciliationMessage: Equatable, Sendable {
    /// Initiator to responder: coded symbols (type 1).
    case symbols(SymbolsFrame)
    /// Responder to initiator: send symbols `from..<to` (type 2).
    case request(part: Int, responderCount: Int, from: Int, to: Int)
    /// Responder to initiator: the range's fingerprints are equal (type 3).
    case inSync(part: Int)
    /// Responder to initiator: one frame of the result (type 4).
    case result(ResultFrame)
    /// Initiator to responder: resend the result frames listed (type 5).
    case resend(part: Int, frameCount: Int, missing: [Int])
    /// Responder to initiator: gave up (type 6).
    case abort(part: Int, reason: ReconciliationAbortReason)
    /// Responder to initiator: the range differs too much; reconcile these sub-ranges one by one
    /// (`bounds` cut the range; `counts` are the responder's items in each piece) (type 7).
    case split(part: Int, bounds: [ReconciliationBound], counts: [Int])

    /// The part the message belongs to.
    var part: Int {
        switch self {
        case .symbols(let frame): return frame.part
        case .request(let part, _, _, _), .inSync(let part), .resend(let part, _, _), .abort(let part, _),
            .split(let part, _, _):
            return part
        case .result(let frame): return frame.part
        }
    }
}

/// Encodes and decodes reconciliation payloads (version 1). Integers are big-endian; "v" marks
/// a canonical LEB128 varint, "z" a zigzag varint. Every payload is at most
/// `Reconciliation.payloadBytesMax` (1100) bytes and starts with its type.
///
///     symbols (1), initiator -> responder
///     +------+-------+----------------+--------+-----------------+-----------------+
///     | 0x01 | flags | salt (8)       | part v | lower (16)?     | upper (16)?     |
///     +------+-------+----------------+--------+-----------------+-----------------+
///     | itemCount v | fingerprint hash (16)? | roundEnd v | firstIndex v | count v |
///     +-------------+------------------------+------------+--------------+---------+
///     | count x symbol: keySum (8) | checkSum (4) | countDeviation z |
///     +----------------------------+--------------+------------------+
///       flags: bit 0 fingerprint present, bit 1 lower bound, bit 2 upper bound
///       bound: created ms (8, two's complement) | id prefix (8)
///       countDeviation: symbol count minus (2 · itemCount) / (index + 2), the expected count
///
///     request (2)   | 0x02 | part v | responderCount v | from v | to v |
///     inSync (3)    | 0x03 | part v |
///     result (4)    | 0x04 | part v | flags | frameIndex v | frameCount v |
///                   | keyCount v | keyCount x key (8) | idCount v | idCount x id (32) |
///                     flags: bit 0 wantAll (responder holds nothing: send it everything),
///                            bit 1 list (ids are all the responder holds in the range),
///                            bit 2 giveAll (initiator holds nothing: pull the whole range);
///                            at most one bit set
///     resend (5)    | 0x05 | part v | frameCount v | ceil(frameCount / 8) bitmap bytes |
///                     bit (i % 8) of byte i / 8 set: frame i is missing
///     abort (6)     | 0x06 | part v | reason (1) |
///     split (7)     | 0x07 | part v | boundCount v | boundCount x bound (16) |
///                   | (boundCount + 1) x count v |
enum ReconciliationCodec {
    /// Bytes a symbols payload takes before its symbols, at most (flags and bounds included).
    static let symbolsHeaderBytesMax = 1 + 1 + 8 + 10 + 32 + 10 + 16 + 3 * 10

    /// Bytes a result payload takes before its keys and ids, at most.
    static let resultHeaderBytesMax = 1 + 10 + 1 + 3 * 10 + 10

    /// The encoded size of one symbol at `index` given the initiator's `itemCount`.
    static func symbolSize(_ symbol: CodedSymbol, index: Int, itemCount: Int) -> Int {
        12 + ReconciliationWriter.signedVarintSize(symbol.count &- expectedCount(index: index, itemCount: itemCount))
    }

    /// The count symbol `index` holds on average: (2 · itemCount) / (index + 2), rounded down.
    static func expectedCount(index: Int, itemCount: Int) -> Int64 {
        Int64((2 * itemCount) / (index + 2))
    }

    /// The bytes of `message`.
    static func encode(_ message: ReconciliationMessage) -> [UInt8] {
        var writer = ReconciliationWriter()
        switch message {
        case .symbols(let frame): encodeSymbols(frame, into: &writer)
        case .request(let part, let responderCount, let from, let to):
            writer.byte(2)
            writer.varint(part)
            writer.varint(responderCount)
            writer.varint(from)
            writer.varint(to)
        case .inSync(let part):
            writer.byte(3)
            writer.varint(part)
        case .result(let frame): encodeResult(frame, into: &writer)
        case .resend(let part, let frameCount, let missing):
            writer.byte(5)
            writer.varint(part)
            writer.varint(frameCount)
            var bitmap = [UInt8](repeating: 0, count: (frameCount + 7) / 8)
            for index in missing where index >= 0 && index < frameCount { bitmap[index / 8] |= 1 << UInt8(index % 8) }
            for byte in bitmap { writer.byte(byte) }
        case .abort(let part, let reason):
            writer.byte(6)
            writer.varint(part)
            writer.byte(reason.rawValue)
        case .split(let part, let bounds, let counts):
            writer.byte(7)
            writer.varint(part)
            writer.varint(bounds.count)
            for bound in bounds { writer.bound(bound) }
            for count in counts { writer.varint(count) }
        }
        return writer.bytes
    }

    /// The message in `payload`; throws on anything truncated, non-canonical or out of limits.
    static func decode(_ payload: [UInt8]) throws(ReconciliationError) -> ReconciliationMessage {
        guard payload.count <= Reconciliation.payloadBytesMax else {
            throw .limitExceeded("payload of \(payload.count) bytes is above \(Reconciliation.payloadBytesMax)")
        }
        var reader = ReconciliationReader(payload)
        let type = try reader.byte("message type")
        let message: ReconciliationMessage
        switch type {
        case 1: message = .symbols(try decodeSymbols(&reader))
        case 2:
            let part = try reader.count("part", max: Reconciliation.partsMax)
            let responderCount = try reader.count("responder count", max: Reconciliation.itemsMax)
            let from = try reader.count("request start", max: Reconciliation.symbolsMax)
            let to = try reader.count("request end", max: Reconciliation.symbolsMax)
            guard from < to else { throw .malformed("request range \(from)..<\(to) is empty") }
            guard to - from <= Reconciliation.roundSymbolsMax else {
                throw .limitExceeded("request for \(to - from) symbols is above \(Reconciliation.roundSymbolsMax)")
            }
            message = .request(part: part, responderCount: responderCount, from: from, to: to)
        case 3: message = .inSync(part: try reader.count("part", max: Reconciliation.partsMax))
        case 4: message = .result(try decodeResult(&reader))
        case 5: message = try decodeResend(&reader)
        case 6:
            let part = try reader.count("part", max: Reconciliation.partsMax)
            let code = try reader.byte("abort reason")
            guard let reason = ReconciliationAbortReason(rawValue: code) else {
                throw .malformed("unknown abort reason \(code)")
            }
            message = .abort(part: part, reason: reason)
        case 7: message = try decodeSplit(&reader)
        default: throw .unknownMessageType(type)
        }
        try reader.finish()
        return message
    }
}
