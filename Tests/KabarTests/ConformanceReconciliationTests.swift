import Foundation
@testable import Kabar
import Testing

/// The reconciliation conformance vectors in Documentation/Vectors/ (fingerprints.json,
/// reconciliation-symbols.json, reconciliation-session.json), checked against the code.
///
/// Theory of operation: `ReconciliationVectors` computes every vector from fixed inputs (ids
/// from a published rule, fixed salts and session ids, no randomness). The tests rebuild them
/// and compare with the files byte for byte after canonical JSON formatting, then also read
/// the files' payloads back through the codec. `KABAR_WRITE_VECTORS=1 swift test --filter
/// ConformanceReconciliationTests` rewrites the files instead (after a deliberate change to
/// the format, which is a protocol change: Documentation/Reconciliation.md).
@Suite struct ConformanceReconciliationTests {
    @Test func fingerprintsMatchTheVectors() throws {
        try ReconciliationVectors.check("fingerprints.json", ReconciliationVectors.fingerprints())
    }

    @Test func keysSymbolsAndWalksMatchTheVectors() throws {
        try ReconciliationVectors.check("reconciliation-symbols.json", ReconciliationVectors.symbols())
    }

    @Test func recordedSessionsMatchTheVectors() throws {
        try ReconciliationVectors.check("reconciliation-session.json", ReconciliationVectors.sessions())
    }

    /// The spec's pseudo-code for the walk (Documentation/Reconciliation.md, "The index walk"),
    /// written out again here, agrees with the engine's `SymbolIndexWalk`.
    @Test func theSpecsWalkEqualsTheEngines() {
        for seed in 0..<200 {
            let key = reconciliationMix(UInt64(seed) &* 0x1234_5678_9ABC_DEF1)
            var walk = SymbolIndexWalk()
            for step in ReconciliationVectors.specWalk(key: key, below: 8_192) {
                #expect(walk.index == step.index)
                walk.advance(key: key)
            }
            #expect(walk.index >= 8_192)
        }
    }

    /// Every payload in the session file decodes, re-encodes to the same bytes, and sits in a
    /// sync datagram that the wire codec reads back.
    @Test func sessionPayloadsRoundTrip() throws {
        guard ProcessInfo.processInfo.environment["KABAR_WRITE_VECTORS"] != "1" else { return }
        let object = try ReconciliationVectors.read("reconciliation-session.json")
        let scenarios = try #require((object as? [String: Any])?["sessions"] as? [[String: Any]])
        let messages = try #require((object as? [String: Any])?["messages"] as? [[String: Any]])
        var payloads = 0
        for frame in scenarios.flatMap({ ($0["frames"] as? [[String: Any]]) ?? [] }) + messages {
            let payload = try #require(ReconciliationVectors.bytes(frame["payload"] as? String))
            let message = try ReconciliationCodec.decode(payload)
            #expect(ReconciliationCodec.encode(message) == payload)
            if let datagramHex = frame["datagram"] as? String {
                let datagram = try #require(ReconciliationVectors.bytes(datagramHex))
                let decoded = try MessageCodec.decode(datagram, network: Wire.networkID(named: "kabar"))
                guard case .sync(_, _, let carried) = decoded else {
                    Issue.record("not a sync datagram")
                    continue
                }
                #expect(carried == payload)
            }
            payloads += 1
        }
        #expect(payloads > 20)
    }
}

/// Builds the reconciliation vectors. Every u64 is a 16-digit lower-case hex string (JSON
/// numbers lose precision above 2^53), every byte string lower-case hex.
enum ReconciliationVectors {
    // MARK: Inputs

    /// Vector id number `n`: SHA-256 of the ASCII text "kabar-vector-id-" followed by `n` in decimal.
    static func id(_ n: Int) -> BulletinID { BulletinID(hashing: Array("kabar-vector-id-\(n)".utf8)) }

    /// Vector item number `n`: id(n), created at 1,790,000,000,000 ms + n seconds.
    static func item(_ n: Int) -> ReconciliationItem {
        ReconciliationItem(created: UnixTime(milliseconds: 1_790_000_000_000 + Int64(n) * 1_000), id: id(n))
    }

    static func set(_ numbers: [Int]) -> ReconciliationSet { ReconciliationSet(items: numbers.map(item)) }

    // MARK: fingerprints.json

    static func fingerprints() -> [String: Any] {
        let mixInputs: [UInt64] = [0, 1, 0x4B41_4241_5246_5031, 0xFFFF_FFFF_FFFF_FFFF]
        let sets: [(String, [Int])] = [
            ("empty", []), ("one", [0]), ("two", [0, 1]), ("three", [0, 1, 2]),
            ("sixty-four", Array(0..<64)), ("sixty-four less 5, 17, 40", Array(0..<64).filter { ![5, 17, 40].contains($0) }),
        ]
        return [
            "description": "SetFingerprint (Documentation/Reconciliation.md, \"The set and its fingerprint\"). ids[n] = SHA-256(ASCII \"kabar-vector-id-\" + decimal n). idHash gives (high, low) per id; a set's fingerprint is its count and the 16 bytes of the sum mod 2^128 of high<<64|low, big-endian.",
            "mix": mixInputs.map { ["input": hex64($0), "output": hex64(reconciliationMix($0))] },
            "idHash": (0..<4).map { n -> [String: Any] in
                let (high, low) = SetFingerprint.hash(id(n))
                return ["n": n, "id": id(n).hex, "high": hex64(high), "low": hex64(low)]
            },
            "sets": sets.map { name, numbers -> [String: Any] in
                let fingerprint = SetFingerprint(ids: numbers.map(id))
                return [
                    "name": name, "n": numbers, "ids": numbers.map { id($0).hex },
                    "count": fingerprint.count, "fingerprint": hex(fingerprint.hashBytes),
                ]
            },
        ]
    }

    // MARK: reconciliation-symbols.json

    static func symbols() -> [String: Any] {
        let referenceKey0: UInt64 = 0x0706_0504_0302_0100
        let referenceKey1: UInt64 = 0x0F0E_0D0C_0B0A_0908
        let salts: [UInt64] = [0, 1, 0x0123_4567_89AB_CDEF]
        let salt: UInt64 = 0x0123_4567_89AB_CDEF
        let setNumbers = Array(0..<12)
        let keys = setNumbers.map { PartSide.key(of: id($0), salt: salt) }
        var sketch = RatelessSketch(keys: keys)
        sketch.extend(to: 24)
        let frame = SymbolsFrame(
            salt: salt, part: 0, range: .all, itemCount: keys.count,
            fingerprint: SetFingerprint(ids: setNumbers.map(id)), roundEnd: 24, firstIndex: 0, symbols: sketch.symbols)
        return [
            "description": "Keys, checksums, index walks and coded symbols (Documentation/Reconciliation.md, \"Keys and checksums\", \"The index walk\", \"Coded symbols\"). u64 values are 16-digit hex. ids[n] as in fingerprints.json.",
            "siphashReference": [0, 1, 7, 8, 15, 32].map { length -> [String: Any] in
                let message = (0..<length).map { UInt8($0) }
                return [
                    "key": "000102030405060708090a0b0c0d0e0f", "message": hex(message),
                    "hash": hex64(SipHash24.hash(key0: referenceKey0, key1: referenceKey1, bytes: message)),
                    "hashBytesLittleEndian": hex((0..<8).map { UInt8(truncatingIfNeeded: SipHash24.hash(key0: referenceKey0, key1: referenceKey1, bytes: message) >> UInt64(8 * $0)) }),
                ]
            },
            "saltKeys": salts.map { salt -> [String: Any] in
                let key1 = reconciliationMix(salt ^ 0x6B61_6261_7273_616C)
                return ["salt": hex64(salt), "k0": hex64(salt), "k1": hex64(key1), "sipKey": hex(littleEndian(salt) + littleEndian(key1))]
            },
            "keys": (0..<4).map { n -> [String: Any] in
                let key = PartSide.key(of: id(n), salt: salt)
                let steps = specWalk(key: key, below: 1_000)
                return [
                    "salt": hex64(salt), "n": n, "id": id(n).hex, "key": hex64(key),
                    "checksum": String(format: "%08x", CodedSymbol.checkSum(of: key)),
                    "walkBelow1000": steps.map { Int($0.index) },
                    "firstSteps": steps.dropFirst().prefix(4).map { step -> [String: Any] in
                        ["steps": step.steps, "random": hex64(step.random), "rBits": hex64(step.r.bitPattern), "index": Int(step.index)]
                    },
                ]
            },
            "sketch": [
                "salt": hex64(salt), "n": setNumbers, "itemCount": keys.count,
                "symbols": sketch.symbols.enumerated().map { index, symbol -> [String: Any] in
                    let expected = ReconciliationCodec.expectedCount(index: index, itemCount: keys.count)
                    return [
                        "index": index, "keySum": hex64(symbol.keySum), "checkSum": String(format: "%08x", symbol.checkSum),
                        "count": Int(symbol.count), "expected": Int(expected), "deviation": Int(symbol.count - expected),
                    ]
                },
                "payload": hex(ReconciliationCodec.encode(.symbols(frame))),
                "payloadNote": "symbols 0..<24 as one symbols payload of part 0, with the set's fingerprint",
            ] as [String: Any],
        ]
    }

    /// One step of the walk as the spec's pseudo-code computes it.
    struct WalkStep {
        var steps: UInt32
        var random: UInt64
        var r: Double
        var index: UInt32
    }

    /// The walk of `key`, written from Documentation/Reconciliation.md ("The index walk"):
    /// index 0, then every index below `limit` (the first entry has steps 0).
    static func specWalk(key: UInt64, below limit: UInt32) -> [WalkStep] {
        var result = [WalkStep(steps: 0, random: 0, r: 0, index: 0)]
        var index: UInt32 = 0
        var steps: UInt32 = 0
        while true {
            steps &+= 1
            let random = reconciliationMix((key ^ 0x7761_6C6B_7365_6564) &+ UInt64(steps) &* 0x9E37_79B9_7F4A_7C15)
            let r = (Double(random >> 11) + 1.0) * 0x1.0p-53
            let current = Double(index)
            let threshold = ((current + 1.0) * (current + 2.0)) / r
            let root = (threshold + 0.25).squareRoot() - 1.5
            if root >= 1.0e9 { return result }
            index = max(UInt32(root) + 1, index + 1)
            if index >= limit { return result }
            result.append(WalkStep(steps: steps, random: random, r: r, index: index))
        }
    }

    // MARK: reconciliation-session.json

    struct Scenario {
        var name: String
        var note: String
        var initiator: [Int]
        var responder: [Int]
        var peerCountKnown = true
        /// (sender, index of the payload in that batch) pairs to lose once: "i" or "r" and the
        /// running number of the payload that side sent.
        var lose: Set<String> = []
        /// Outcomes name ids by their vector number `n` (`weLackN`, `peerLacksN`) instead of in
        /// hex, for sessions whose outcome lists thousands.
        var outcomeByNumber = false
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "in-sync", note: "equal sets: one symbols payload with the fingerprint, answered by inSync",
                 initiator: Array(0..<20), responder: Array(0..<20)),
        Scenario(name: "decoded-first-round", note: "3 ids only on each side; the beacon count sizes the first round, which decodes",
                 initiator: Array(0..<60).filter { ![3, 4, 5].contains($0) }, responder: Array(0..<60).filter { ![10, 20, 30].contains($0) }),
        Scenario(name: "request-round", note: "counts equal, peer count unknown: 16 symbols do not decode 26 differences, the responder asks for more",
                 initiator: Array(0..<100).filter { $0 % 8 != 1 }, responder: Array(0..<100).filter { $0 % 8 != 2 }, peerCountKnown: false),
        Scenario(name: "list", note: "the responder holds few (M <= 2048 and M <= |N - M|): it lists all its ids",
                 initiator: Array(0..<40), responder: Array(30..<42)),
        Scenario(name: "want-all", note: "the responder holds nothing: want all, the initiator pushes everything",
                 initiator: Array(0..<5), responder: []),
        Scenario(name: "give-all", note: "the initiator holds nothing: give all, the initiator pulls the whole range",
                 initiator: [], responder: Array(0..<5)),
        Scenario(name: "lost-result-frame", note: "a two-frame list result whose second frame is lost: the initiator's timeout sends resend, the responder sends frame 1 again",
                 initiator: Array(0..<100), responder: Array(60..<100) + Array(100..<103), lose: ["r1"]),
        Scenario(name: "lost-symbols-frame", note: "the first round's second payload is lost: both retry timers fire; the responder answers with what it has (a request), the initiator's repeated first payload is its 'still waiting' and gets the same request again",
                 initiator: Array(0..<200), responder: Array(0..<150) + Array(200..<210), lose: ["i1"]),
        Scenario(name: "split", note: "N = 6200, M = 2100: |N - M| = 4100 > 4000 and M > 2048, so the responder splits part 0 at its items 525, 1050 and 1575; parts 1-3 are in sync, part 4 (from item 1575 on) gets a list of the responder's 525 ids in 17 frames; the initiator learns that the responder lacks ids 2100-6199",
                 initiator: Array(0..<6_200), responder: Array(0..<2_100), outcomeByNumber: true),
    ]

    static let salt: UInt64 = 0x5EED_0000_0000_0019
    static let session: UInt32 = 0x0000_1919

    static func sessions() -> [String: Any] {
        [
            "description": "Recorded sessions between two small sets (Documentation/Reconciliation.md, \"Specification\"). ids[n] and items as in the README: id(n) = SHA-256(ASCII \"kabar-vector-id-\" + decimal n), created(n) = 1790000000000 + 1000 n ms. Every session uses salt \(hex64(salt)) and session id \(session); frames are in the order sent, each as its payload and as the whole sync datagram (network \"kabar\"); \"lost\": true frames were sent and dropped. One step clock orders a session: every send (`sent`), delivery (`received`, absent when lost) and timer firing (`timers`: side and `at`) takes the next tick, so a frame had arrived before anything whose tick is larger than its `received`. `after` names what made a side send a batch (start, its timeout); other batches answer the frame delivered just before.",
            "networkID": String(format: "%08x", Wire.networkID(named: "kabar")),
            "sessions": scenarios.map(record),
            "messages": sampleMessages().map { message -> [String: Any] in
                let payload = ReconciliationCodec.encode(message)
                return ["payload": hex(payload), "decoded": describe(message)]
            },
        ]
    }

    /// Runs one scenario with the engine, step by step, and records every payload. One step
    /// clock orders everything: each send, each delivery and each timer takes the next tick, so
    /// a frame's `sent` and `received` say what had arrived when anything else happened.
    static func record(_ scenario: Scenario) -> [String: Any] {
        let initiatorSet = set(scenario.initiator)
        let responderSet = set(scenario.responder)
        var initiator = ReconciliationInitiator(
            set: initiatorSet, salt: salt, peerCount: scenario.peerCountKnown ? responderSet.count : nil)
        var responder = ReconciliationResponder(set: responderSet)
        var frames: [[String: Any]] = []
        var timers: [[String: Any]] = []
        var clock = 0
        var sentCount = ["i": 0, "r": 0]
        var responderOutcomes: [[String: Any]] = []
        var initiatorOutcome: [String: Any]?
        var initiatorError: String?
        var numbers: [BulletinID: Int]?
        if scenario.outcomeByNumber {
            numbers = Dictionary(uniqueKeysWithValues: Set(scenario.initiator + scenario.responder).map { (id($0), $0) })
        }

        /// Records the payloads `side` sends; returns those not lost, with their frame numbers.
        func send(_ payloads: [[UInt8]], from side: String, after event: String?) -> [(frame: Int, payload: [UInt8])] {
            var kept: [(Int, [UInt8])] = []
            for (position, payload) in payloads.enumerated() {
                let number = sentCount[side, default: 0]
                sentCount[side] = number + 1
                let fromInitiator = side == "i"
                var entry: [String: Any] = [
                    "frame": frames.count, "sent": clock,
                    "direction": fromInitiator ? "initiator->responder" : "responder->initiator",
                    "payload": hex(payload),
                    "datagram": hex(MessageCodec.encode(
                        .sync(session: session, fromInitiator: fromInitiator, payload: payload), network: Wire.networkID(named: "kabar"))),
                ]
                clock += 1
                if let message = try? ReconciliationCodec.decode(payload) { entry["decoded"] = describe(message) }
                if scenario.lose.contains("\(side)\(number)") { entry["lost"] = true } else { kept.append((frames.count, payload)) }
                if let event, position == 0 { entry["after"] = event }
                frames.append(entry)
            }
            return kept
        }

        func delivered(_ frame: Int) {
            frames[frame]["received"] = clock
            clock += 1
        }

        func timer(_ side: String) {
            timers.append(["side": side, "at": clock])
            clock += 1
        }

        var toResponder = send(initiator.start(), from: "i", after: "start")
        var toInitiator: [(frame: Int, payload: [UInt8])] = []
        for _ in 0..<50 {
            if toResponder.isEmpty && toInitiator.isEmpty {
                timer("responder")
                toInitiator = send(responder.timeout(), from: "r", after: "responder timeout")
                timer("initiator")
                toResponder = send(initiator.timeout(), from: "i", after: "initiator timeout")
                if toResponder.isEmpty && toInitiator.isEmpty { break }
            }
            var next: [(frame: Int, payload: [UInt8])] = []
            for (frame, payload) in toResponder {
                delivered(frame)
                guard let step = try? responder.receive(payload) else { continue }
                if let outcome = step.outcome { responderOutcomes.append(describe(outcome, numbers: numbers)) }
                next += send(step.frames, from: "r", after: nil)
            }
            toResponder = []
            for (frame, payload) in toInitiator {
                delivered(frame)
                do {
                    let step = try initiator.receive(payload)
                    toResponder += send(step.frames, from: "i", after: nil)
                    if let outcome = step.outcome { initiatorOutcome = describe(outcome, numbers: numbers) }
                } catch {
                    initiatorError = "\(error)"
                }
            }
            toInitiator = next
            if initiatorOutcome != nil || initiator.isDone { break }
        }
        var entry: [String: Any] = [
            "name": scenario.name, "note": scenario.note,
            "initiator": side(scenario.initiator, initiatorSet, compact: scenario.outcomeByNumber),
            "responder": side(scenario.responder, responderSet, compact: scenario.outcomeByNumber),
            "peerCountKnown": scenario.peerCountKnown,
            "salt": hex64(salt), "session": Int(session),
            "frames": frames, "timers": timers,
            "responderOutcomes": responderOutcomes,
        ]
        entry["initiatorOutcome"] = initiatorOutcome ?? NSNull()
        if let initiatorError { entry["initiatorError"] = initiatorError }
        return entry
    }

    /// One payload of every type, with the optional fields set, for the codec.
    static func sampleMessages() -> [ReconciliationMessage] {
        let lower = ReconciliationBound(created: 1_790_000_010_000, idPrefix: id(10).prefix64)
        let upper = ReconciliationBound(created: 1_790_000_020_000, idPrefix: id(20).prefix64)
        let negative = ReconciliationBound(created: -1, idPrefix: 0)
        var symbol = CodedSymbol()
        symbol.apply(key: 0x0123_4567_89AB_CDEF, sign: 1)
        var doubled = symbol
        doubled.apply(key: 0xFEDC_BA98_7654_3210, sign: 1)
        return [
            .symbols(SymbolsFrame(
                salt: salt, part: 3, range: ReconciliationRange(lower: lower, upper: upper), itemCount: 200,
                fingerprint: SetFingerprint(ids: (10..<20).map(id)), roundEnd: 300, firstIndex: 150, symbols: [symbol, doubled, CodedSymbol()])),
            .symbols(SymbolsFrame(
                salt: salt, part: 1, range: ReconciliationRange(lower: negative, upper: nil), itemCount: 0,
                fingerprint: nil, roundEnd: 1, firstIndex: 0, symbols: [CodedSymbol()])),
            .request(part: 0, responderCount: 100_000, from: 16, to: 200),
            .inSync(part: 2),
            .result(ResultFrame(part: 0, wantAll: false, isList: false, frameIndex: 1, frameCount: 2, keys: [1, 0xFFFF_FFFF_FFFF_FFFF], ids: [id(7)])),
            .result(ResultFrame(part: 4, wantAll: true, isList: false, frameIndex: 0, frameCount: 1, keys: [], ids: [])),
            .result(ResultFrame(part: 5, wantAll: false, isList: true, frameIndex: 0, frameCount: 1, keys: [], ids: [id(1), id(2)])),
            .result(ResultFrame(part: 6, wantAll: false, isList: false, giveAll: true, frameIndex: 0, frameCount: 1, keys: [], ids: [])),
            .resend(part: 0, frameCount: 10, missing: [1, 8, 9]),
            .abort(part: 7, reason: .differenceTooLarge),
            .abort(part: 7, reason: .inconsistent),
            .abort(part: 7, reason: .tooManyParts),
            .split(part: 1, bounds: [lower, upper], counts: [1_000, 2_000, 300]),
        ]
    }

    // MARK: Descriptions

    static func describe(_ message: ReconciliationMessage) -> [String: Any] {
        switch message {
        case .symbols(let frame):
            var flags = 0
            if frame.fingerprint != nil { flags |= 1 }
            if frame.range.lower != nil { flags |= 2 }
            if frame.range.upper != nil { flags |= 4 }
            var fields: [String: Any] = [
                "type": "symbols", "flags": flags, "salt": hex64(frame.salt), "part": frame.part,
                "itemCount": frame.itemCount, "roundEnd": frame.roundEnd, "firstIndex": frame.firstIndex,
                "symbols": frame.symbols.enumerated().map { offset, symbol -> [String: Any] in
                    let index = frame.firstIndex + offset
                    let expected = ReconciliationCodec.expectedCount(index: index, itemCount: frame.itemCount)
                    return [
                        "index": index, "keySum": hex64(symbol.keySum), "checkSum": String(format: "%08x", symbol.checkSum),
                        "count": Int(symbol.count), "deviation": Int(symbol.count - expected),
                    ]
                },
            ]
            if let lower = frame.range.lower { fields["lower"] = describe(lower) }
            if let upper = frame.range.upper { fields["upper"] = describe(upper) }
            if let fingerprint = frame.fingerprint { fields["fingerprint"] = hex(fingerprint.hashBytes) }
            return fields
        case .request(let part, let responderCount, let from, let to):
            return ["type": "request", "part": part, "responderCount": responderCount, "from": from, "to": to]
        case .inSync(let part):
            return ["type": "inSync", "part": part]
        case .result(let frame):
            let flags = (frame.wantAll ? 1 : 0) | (frame.isList ? 2 : 0) | (frame.giveAll ? 4 : 0)
            return [
                "type": "result", "part": frame.part, "flags": flags, "frameIndex": frame.frameIndex, "frameCount": frame.frameCount,
                "keys": frame.keys.map(hex64), "ids": frame.ids.map(\.hex),
            ]
        case .resend(let part, let frameCount, let missing):
            return ["type": "resend", "part": part, "frameCount": frameCount, "missing": missing]
        case .abort(let part, let reason):
            return ["type": "abort", "part": part, "reason": Int(reason.rawValue)]
        case .split(let part, let bounds, let counts):
            return ["type": "split", "part": part, "bounds": bounds.map(describe), "counts": counts]
        }
    }

    static func describe(_ bound: ReconciliationBound) -> [String: Any] {
        ["created": Int(bound.created), "idPrefix": hex64(bound.idPrefix)]
    }

    static func describe(_ range: ReconciliationRange) -> [String: Any] {
        var fields: [String: Any] = [:]
        fields["lower"] = range.lower.map(describe) ?? NSNull()
        fields["upper"] = range.upper.map(describe) ?? NSNull()
        return fields
    }

    static func describe(_ outcome: ReconciliationOutcome, numbers: [BulletinID: Int]? = nil) -> [String: Any] {
        var fields: [String: Any] = [
            "weLackRanges": outcome.weLackRanges.map(describe), "peerLacksRanges": outcome.peerLacksRanges.map(describe),
            "weLackKeys": outcome.weLackKeys.map(hex64), "weLackCount": outcome.weLackCount, "complete": outcome.complete,
        ]
        if let numbers {
            fields["weLackNRanges"] = ranges(outcome.weLack.compactMap { numbers[$0] })
            fields["peerLacksNRanges"] = ranges(outcome.peerLacks.compactMap { numbers[$0] })
        } else {
            fields["weLack"] = outcome.weLack.map(\.hex)
            fields["peerLacks"] = outcome.peerLacks.map(\.hex)
        }
        return fields
    }

    /// A side of a session: its vector numbers (or, `compact`, their half-open ranges), count
    /// and fingerprint.
    static func side(_ numbers: [Int], _ set: ReconciliationSet, compact: Bool) -> [String: Any] {
        var fields: [String: Any] = ["count": set.count, "fingerprint": hex(set.fingerprint.hashBytes)]
        if compact { fields["nRanges"] = ranges(numbers) } else { fields["n"] = numbers }
        return fields
    }

    /// `numbers` as sorted half-open ranges [start, end).
    static func ranges(_ numbers: [Int]) -> [[Int]] {
        var result: [[Int]] = []
        for number in numbers.sorted() {
            if let last = result.last, last[1] == number { result[result.count - 1][1] = number + 1 } else { result.append([number, number + 1]) }
        }
        return result
    }

    // MARK: Files

    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Documentation/Vectors")
    }

    static func canonical(_ object: Any) throws -> Data {
        var data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        return data
    }

    static func read(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// Writes `object` as `name` when KABAR_WRITE_VECTORS=1; otherwise expects the file to hold it.
    static func check(_ name: String, _ object: [String: Any]) throws {
        let built = try canonical(JSONSerialization.jsonObject(with: canonical(object)))
        if ProcessInfo.processInfo.environment["KABAR_WRITE_VECTORS"] == "1" {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try built.write(to: directory.appendingPathComponent(name))
            return
        }
        let stored = try canonical(read(name))
        #expect(stored == built, "Documentation/Vectors/\(name) disagrees with the code")
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func hex64(_ value: UInt64) -> String { String(format: "%016llx", value) }

    static func littleEndian(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * $0)) } }

    static func bytes(_ hex: String?) -> [UInt8]? {
        guard let hex, hex.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}
