@testable import Kabar
import Testing

@Suite struct ReconciliationSessionTests {
    static let base = ReconciliationFixtures.items(4_000, seed: 11)

    @Test(arguments: [0, 1, 5, 50, 500])
    func scatteredDifferencesOnBothSidesAreFoundExactly(differences: Int) {
        let positions = ReconciliationFixtures.positions(differences, below: Self.base.count, seed: UInt64(differences))
        let (run, weLack, peerLacks) = ReconciliationFixtures.reconcile(
            Self.base, initiatorMissing: Set(positions.prefix(differences / 2)),
            responderMissing: Set(positions.dropFirst(differences / 2)))
        #expect(run.error == nil)
        #expect(run.outcome?.weLack == weLack)
        #expect(run.outcome?.peerLacks == peerLacks)
        #expect(run.outcome?.complete == true)
        #expect(run.largestPayloadBytes <= Reconciliation.payloadBytesMax)
    }

    @Test(arguments: [1, 5, 50, 500])
    func recentDifferencesOnOneSideAreFoundExactly(differences: Int) {
        let newest = Set((Self.base.count - differences)..<Self.base.count)
        for (initiatorMissing, responderMissing) in [(newest, Set<Int>()), (Set<Int>(), newest)] {
            let (run, weLack, peerLacks) = ReconciliationFixtures.reconcile(
                Self.base, initiatorMissing: initiatorMissing, responderMissing: responderMissing)
            #expect(run.outcome?.weLack == weLack)
            #expect(run.outcome?.peerLacks == peerLacks)
            #expect(run.largestPayloadBytes <= Reconciliation.payloadBytesMax)
            if differences <= 10 { #expect((run.outcome?.roundTrips ?? 99) <= 3) }
        }
    }

    @Test func differencesWithoutAPeerCountAreFoundExactly() {
        let positions = ReconciliationFixtures.positions(300, below: Self.base.count, seed: 12)
        let (run, weLack, peerLacks) = ReconciliationFixtures.reconcile(
            Self.base, initiatorMissing: Set(positions.prefix(100)), responderMissing: Set(positions.dropFirst(100)),
            peerCount: false)
        #expect(run.outcome?.weLack == weLack)
        #expect(run.outcome?.peerLacks == peerLacks)
    }

    @Test func equalSetsFinishInOneSmallRoundTrip() {
        let (run, _, _) = ReconciliationFixtures.reconcile(Self.base, initiatorMissing: [], responderMissing: [])
        let outcome = run.outcome
        #expect(outcome?.roundTrips == 1)
        #expect(outcome?.weLack == [])
        #expect(outcome?.peerLacks == [])
        #expect((outcome?.bytesSent ?? 999) <= 400)
        #expect((outcome?.bytesReceived ?? 999) <= 400)
    }

    @Test func responderLearnsWhatItLacksAndWhatThePeerLacks() {
        let positions = ReconciliationFixtures.positions(40, below: Self.base.count, seed: 13)
        let (run, weLack, peerLacks) = ReconciliationFixtures.reconcile(
            Self.base, initiatorMissing: Set(positions.prefix(15)), responderMissing: Set(positions.dropFirst(15)))
        let responder = run.responderOutcomes.last
        #expect(responder?.peerLacks == weLack)
        #expect(responder?.weLackCount == peerLacks.count)
        let salt: UInt64 = 99
        #expect(responder?.weLackKeys == peerLacks.map { PartSide.key(of: $0, salt: salt) }.sorted())
    }

    @Test func lostAndReorderedFramesNeverGiveAWrongAnswer() {
        var finished = 0
        for seed in UInt64(0)..<12 {
            let positions = ReconciliationFixtures.positions(200, below: Self.base.count, seed: 100 + seed)
            let (run, weLack, peerLacks) = ReconciliationFixtures.reconcile(
                Self.base, initiatorMissing: Set(positions.prefix(90)), responderMissing: Set(positions.dropFirst(90)),
                salt: seed, lossRate: 0.15, reorder: true, seed: seed)
            if let outcome = run.outcome {
                finished += 1
                #expect(outcome.weLack == weLack)
                #expect(outcome.peerLacks == peerLacks)
            }
        }
        #expect(finished == 12)
    }

    @Test func heavyLossEndsInTheRightAnswerOrNoAnswerNeverAWrongOne() {
        for seed in UInt64(0)..<6 {
            let positions = ReconciliationFixtures.positions(120, below: Self.base.count, seed: 200 + seed)
            let (run, weLack, peerLacks) = ReconciliationFixtures.reconcile(
                Self.base, initiatorMissing: Set(positions.prefix(60)), responderMissing: Set(positions.dropFirst(60)),
                salt: seed, lossRate: 0.5, reorder: true, seed: seed)
            if let outcome = run.outcome {
                #expect(outcome.weLack == weLack)
                #expect(outcome.peerLacks == peerLacks)
            }
        }
    }

    /// Both key orders: an empty initiator is told in one round trip to pull the whole range
    /// (no id crosses); an empty responder asks for everything, and the initiator lists all it
    /// holds to push. Either way nothing stops at `differencesMax`.
    @Test func emptyNodeMeetingALargeOneCompletesInOneRoundTrip() {
        let large = ReconciliationFixtures.items(20_000, seed: 14)
        let full = ReconciliationSet(items: large)
        for (first, second) in [(ReconciliationSet(), full), (full, ReconciliationSet())] {
            var initiator = ReconciliationInitiator(set: first, salt: 5, peerCount: second.count)
            var responder = ReconciliationResponder(set: second)
            let run = ReconciliationLoopback.run(initiator: &initiator, responder: &responder, stepsMax: 1_000)
            #expect(run.error == nil)
            #expect(run.largestBatch <= 64)
            #expect(run.largestPayloadBytes <= Reconciliation.payloadBytesMax)
            let outcome = run.outcome
            #expect(outcome?.complete == true)
            #expect(outcome?.roundTrips == 1)
            if first.count == 0 {
                #expect(outcome?.weLackRanges == [.all])
                #expect(outcome?.weLack.isEmpty == true)
                #expect((outcome?.bytesSent ?? .max) + (outcome?.bytesReceived ?? .max) < 200)
            } else {
                #expect(outcome?.peerLacks == large.map(\.id).sorted())
            }
        }
    }

    @Test func largeDifferencesSplitIntoRangesAndStillReconcileExactly() {
        let large = ReconciliationFixtures.items(20_000, seed: 15)
        let positions = ReconciliationFixtures.positions(9_000, below: large.count, seed: 16)
        let (run, weLack, peerLacks) = ReconciliationFixtures.reconcile(
            large, initiatorMissing: Set(positions.prefix(4_500)), responderMissing: Set(positions.dropFirst(4_500)))
        #expect(run.error == nil)
        #expect(run.outcome?.weLack == weLack)
        #expect(run.outcome?.peerLacks == peerLacks)
        #expect(run.largestBatch <= 64)
    }

    @Test func sameInputsGiveSameBytes() {
        let positions = ReconciliationFixtures.positions(60, below: Self.base.count, seed: 17)
        let (first, second) = ReconciliationFixtures.sets(
            Self.base, initiatorMissing: Set(positions.prefix(30)), responderMissing: Set(positions.dropFirst(30)))
        var transcripts: [[[UInt8]]] = []
        for _ in 0..<2 {
            var initiator = ReconciliationInitiator(set: first, salt: 3, peerCount: nil)
            var responder = ReconciliationResponder(set: second)
            var transcript = initiator.start()
            var outbound = transcript
            while !outbound.isEmpty {
                var replies: [[UInt8]] = []
                for payload in outbound { replies += (try? responder.receive(payload))?.frames ?? [] }
                transcript += replies
                outbound = []
                for payload in replies { outbound += (try? initiator.receive(payload))?.frames ?? [] }
                transcript += outbound
            }
            transcripts.append(transcript)
        }
        #expect(transcripts[0] == transcripts[1])
        #expect(transcripts[0].count > 2)
    }
}
