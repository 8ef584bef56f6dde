@testable import Kabar
import Testing

@Suite struct ReconciliationCodecTests {
    @Test func sipHashMatchesThePaperVector() {
        // SipHash paper, appendix A: key 00..0f, message 00..0e.
        let key0: UInt64 = 0x0706_0504_0302_0100
        let key1: UInt64 = 0x0F0E_0D0C_0B0A_0908
        #expect(SipHash24.hash(key0: key0, key1: key1, bytes: Array(0..<15)) == 0xA129_CA61_49BE_45E5)
    }

    @Test func sipHashFastPathEqualsByteVersion() {
        let id = ReconciliationFixtures.items(1, seed: 9)[0].id
        #expect(SipHash24.hash(key0: 5, key1: 7, id: id) == SipHash24.hash(key0: 5, key1: 7, bytes: id.bytes))
    }

    @Test func indexWalkHitsEachIndexWithTheDesignedProbability() {
        var hits = [Int](repeating: 0, count: 65)
        let keys = 20_000
        for key in 0..<keys {
            let walkKey = reconciliationMix(UInt64(key))
            var walk = SymbolIndexWalk()
            while walk.index < 65 {
                hits[Int(walk.index)] += 1
                walk.advance(key: walkKey)
            }
        }
        #expect(hits[0] == keys)
        for index in [1, 2, 8, 32, 64] {
            let expected = Double(keys) * SymbolIndexWalk.probability(index)
            #expect(abs(Double(hits[index]) - expected) < 5 * expected.squareRoot() + 5)
        }
        // Pinned: a change here changes the wire format.
        var walk = SymbolIndexWalk()
        var visited: [UInt32] = []
        while walk.index < 200 {
            visited.append(walk.index)
            walk.advance(key: 42)
        }
        #expect(visited == pinnedWalk)
    }

    private let pinnedWalk: [UInt32] = [0, 5, 8, 12, 71]

    @Test func deterministicMathIsCloseToTheTruth() {
        #expect(abs(DeterministicMath.log(2) - 0.693_147_180_559_945_3) < 1e-14)
        #expect(abs(DeterministicMath.log(1e-6) + 13.815_510_557_964_274) < 1e-12)
        #expect(abs(DeterministicMath.exp(-1) - 0.367_879_441_171_442_33) < 1e-15)
        #expect(abs(DeterministicMath.exp(-50) / 1.928_749_847_963_918e-22 - 1) < 1e-13)
    }

    @Test func everyMessageRoundTrips() throws {
        let ids = ReconciliationFixtures.items(3, seed: 10).map(\.id)
        let messages: [ReconciliationMessage] = [
            .symbols(SymbolsFrame(
                salt: 77, part: 3, range: ReconciliationRange(lower: ReconciliationBound(created: -5, idPrefix: 9)),
                itemCount: 1_000, fingerprint: SetFingerprint(count: 1_000, high: 1, low: 2), roundEnd: 40, firstIndex: 30,
                symbols: [CodedSymbol(keySum: 1, checkSum: 2, count: 70), CodedSymbol(keySum: 3, checkSum: 4, count: -9)])),
            .symbols(SymbolsFrame(
                salt: 1, part: 0, range: .all, itemCount: 0, fingerprint: nil, roundEnd: 1, firstIndex: 0,
                symbols: [CodedSymbol()])),
            .request(part: 1, responderCount: 99_999, from: 16, to: 400),
            .inSync(part: 0),
            .result(ResultFrame(part: 2, wantAll: false, isList: true, frameIndex: 1, frameCount: 3, keys: [5, 6], ids: ids)),
            .result(ResultFrame(part: 0, wantAll: true, isList: false, frameIndex: 0, frameCount: 1, keys: [], ids: [])),
            .resend(part: 4, frameCount: 11, missing: [0, 7, 10]),
            .abort(part: 2, reason: .differenceTooLarge),
            .split(part: 0, bounds: [ReconciliationBound(created: 1, idPrefix: 2), ReconciliationBound(created: 1, idPrefix: 3)],
                   counts: [10, 0, 5]),
        ]
        for message in messages {
            let bytes = ReconciliationCodec.encode(message)
            #expect(bytes.count <= Reconciliation.payloadBytesMax)
            #expect(try ReconciliationCodec.decode(bytes) == message)
        }
    }

    @Test func truncatedAndPaddedPayloadsAreTypedErrors() {
        let bytes = ReconciliationCodec.encode(.request(part: 1, responderCount: 300, from: 16, to: 400))
        for length in 0..<bytes.count {
            #expect(throws: ReconciliationError.self) { try ReconciliationCodec.decode(Array(bytes.prefix(length))) }
        }
        #expect(throws: ReconciliationError.malformed("1 trailing bytes")) { try ReconciliationCodec.decode(bytes + [0]) }
        #expect(throws: ReconciliationError.unknownMessageType(99)) { try ReconciliationCodec.decode([99]) }
    }

    @Test func nonMinimalVarintsAreRejected() {
        // inSync with part 0 written as two bytes.
        #expect(throws: ReconciliationError.malformed("part is not minimally encoded")) {
            try ReconciliationCodec.decode([3, 0x80, 0x00])
        }
        #expect(throws: ReconciliationError.self) {
            try ReconciliationCodec.decode([3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        }
    }

    @Test func oversizedPayloadsAndCountsAreRefused() {
        #expect(throws: ReconciliationError.self) { try ReconciliationCodec.decode([3] + [UInt8](repeating: 0, count: 1_200)) }
        // A request for more symbols than a round may carry.
        let greedy = ReconciliationCodec.encode(.request(part: 0, responderCount: 1, from: 0, to: 8_000))
        #expect(throws: ReconciliationError.self) { try ReconciliationCodec.decode(greedy) }
    }
}
