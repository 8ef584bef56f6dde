@testable import Kabar
import Testing

@Suite struct ReconciliationHostileTests {
    /// Real payloads of a session, to mutate.
    static func samplePayloads() -> [[UInt8]] {
        let base = ReconciliationFixtures.items(600, seed: 21)
        let missing = ReconciliationFixtures.positions(80, below: base.count, seed: 20)
        let (first, second) = ReconciliationFixtures.sets(
            base, initiatorMissing: Set(missing.prefix(40)), responderMissing: Set(missing.dropFirst(40)))
        var initiator = ReconciliationInitiator(set: first, salt: 8, peerCount: nil)
        var responder = ReconciliationResponder(set: second)
        var payloads = initiator.start()
        var outbound = payloads
        for _ in 0..<6 {
            var replies: [[UInt8]] = []
            for payload in outbound { replies += (try? responder.receive(payload))?.frames ?? [] }
            payloads += replies
            outbound = []
            for payload in replies { outbound += (try? initiator.receive(payload))?.frames ?? [] }
            payloads += outbound
        }
        payloads.append(ReconciliationCodec.encode(.split(part: 0, bounds: [base[100].bound], counts: [1, 2])))
        payloads.append(ReconciliationCodec.encode(.resend(part: 0, frameCount: 3, missing: [1])))
        payloads.append(ReconciliationCodec.encode(.request(part: 0, responderCount: 600, from: 16, to: 2_000)))
        payloads.append(ReconciliationCodec.encode(.abort(part: 0, reason: .inconsistent)))
        payloads.append(ReconciliationCodec.encode(.inSync(part: 0)))
        return payloads
    }

    static func mutate(_ payload: [UInt8], _ prng: inout PRNG) -> [UInt8] {
        var bytes = payload
        switch prng.int(below: 5) {
        case 0:
            for _ in 0...prng.int(below: 4) where !bytes.isEmpty {
                bytes[prng.int(below: bytes.count)] ^= UInt8(truncatingIfNeeded: 1 << prng.int(below: 8))
            }
        case 1: bytes = Array(bytes.prefix(prng.int(below: bytes.count + 1)))
        case 2: bytes += prng.bytes(prng.int(below: 40))
        case 3: if !bytes.isEmpty { bytes[prng.int(below: bytes.count)] = UInt8(truncatingIfNeeded: prng.next()) }
        default: bytes = [UInt8(prng.int(below: 9))] + prng.bytes(prng.int(below: 1_200))
        }
        return bytes
    }

    @Test func randomAndMutatedPayloadsGiveTypedErrorsOrBoundedAnswers() {
        let samples = Self.samplePayloads()
        #expect(samples.count > 4)
        let set = ReconciliationSet(items: ReconciliationFixtures.items(600, seed: 21))
        var prng = PRNG(seed: 22)
        var responder = ReconciliationResponder(set: set)
        var initiator = ReconciliationInitiator(set: set, salt: 8, peerCount: nil)
        _ = initiator.start()
        var errors = 0
        for round in 0..<24_000 {
            let payload = Self.mutate(samples[prng.int(below: samples.count)], &prng)
            if round % 500 == 0 {
                responder = ReconciliationResponder(set: set)
                initiator = ReconciliationInitiator(set: set, salt: 8, peerCount: nil)
                _ = initiator.start()
            }
            do {
                let step = try responder.receive(payload)
                #expect(step.frames.count <= Reconciliation.resultFramesMax)
                #expect(step.frames.allSatisfy { $0.count <= Reconciliation.payloadBytesMax })
            } catch {
                errors += 1
            }
            do {
                let step = try initiator.receive(payload)
                #expect(step.frames.count <= 64)
            } catch {
                errors += 1
            }
        }
        #expect(errors > 10_000)
    }

    @Test func hostileSymbolsNeverMakeTheResponderWantKeysItHolds() {
        // Symbols from a set the salt does not match: garbage to the responder.
        let base = ReconciliationFixtures.items(500, seed: 23)
        var responder = ReconciliationResponder(set: ReconciliationSet(items: base))
        var prng = PRNG(seed: 24)
        let symbols = (0..<60).map { _ in
            CodedSymbol(keySum: prng.next(), checkSum: UInt32(truncatingIfNeeded: prng.next()), count: Int64(prng.int(in: -2...2)))
        }
        let frame = SymbolsFrame(
            salt: 1, part: 0, range: .all, itemCount: 500, fingerprint: nil, roundEnd: 60, firstIndex: 0, symbols: symbols)
        let step = try? responder.receive(ReconciliationCodec.encode(.symbols(frame)))
        if let outcome = step?.outcome {
            let keys = Set(base.map { PartSide.key(of: $0.id, salt: 1) })
            #expect(outcome.weLackKeys.allSatisfy { !keys.contains($0) })
        }
    }

    @Test func aResponderRefusesToRehashItsSetForEverNewSalt() {
        let set = ReconciliationSet(items: ReconciliationFixtures.items(5_000, seed: 25))
        var responder = ReconciliationResponder(set: set)
        var refused = 0
        for salt in UInt64(0)..<20 {
            let frame = SymbolsFrame(
                salt: salt, part: 0, range: .all, itemCount: 5_000, fingerprint: nil, roundEnd: 2, firstIndex: 0,
                symbols: [CodedSymbol()])
            do {
                _ = try responder.receive(ReconciliationCodec.encode(.symbols(frame)))
            } catch {
                #expect(error == .limitExceeded("the peer opened parts over more than 40000 items"))
                refused += 1
            }
        }
        #expect(refused == 12)
    }
}
