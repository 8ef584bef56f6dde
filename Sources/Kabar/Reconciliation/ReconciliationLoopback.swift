/// Runs an initiator against a responder in memory, over a simulated lossy, reordering link.
/// Tests and `kabar bench sync` use it; it is also the reference driver loop for the gossip
/// layer: after every input, send the step's frames; on silence, call both `timeout()`s.
public enum ReconciliationLoopback {
    /// How a run went.
    public struct Run: Sendable {
        /// The initiator's outcome, when it finished.
        public var outcome: ReconciliationOutcome?
        /// Every outcome the responder reported (one per part it finished), in order.
        public var responderOutcomes: [ReconciliationOutcome] = []
        /// The error that ended the initiator, if any.
        public var error: ReconciliationError?
        /// The largest payload either side sent.
        public var largestPayloadBytes = 0
        /// The most payloads one side sent in answer to one input.
        public var largestBatch = 0
        /// How many times both sides were told to time out.
        public var timeouts = 0
    }

    /// Runs until the initiator finishes or fails, or `stepsMax` exchanges pass. Each payload is
    /// lost with probability `lossRate`; each batch is shuffled when `reorder` is set.
    public static func run(
        initiator: inout ReconciliationInitiator, responder: inout ReconciliationResponder,
        lossRate: Double = 0, reorder: Bool = false, seed: UInt64 = 1, stepsMax: Int = 200
    ) -> Run {
        var prng = PRNG(seed: seed)
        var run = Run()
        var toResponder = initiator.start()
        var toInitiator: [[UInt8]] = []
        note(toResponder, &run)
        for _ in 0..<stepsMax {
            if toResponder.isEmpty && toInitiator.isEmpty {
                run.timeouts += 1
                toInitiator = responder.timeout()
                toResponder = initiator.timeout()
                note(toInitiator, &run)
                note(toResponder, &run)
            }
            var next: [[UInt8]] = []
            for payload in carry(toResponder, lossRate, reorder, &prng) {
                guard let step = try? responder.receive(payload) else { continue }
                if let outcome = step.outcome { run.responderOutcomes.append(outcome) }
                note(step.frames, &run)
                next += step.frames
            }
            toResponder = []
            for payload in carry(toInitiator, lossRate, reorder, &prng) {
                do {
                    let step = try initiator.receive(payload)
                    note(step.frames, &run)
                    toResponder += step.frames
                    if let outcome = step.outcome {
                        run.outcome = outcome
                        return run
                    }
                } catch {
                    run.error = error
                    if initiator.isDone { return run }
                }
            }
            toInitiator = next
        }
        return run
    }

    private static func carry(_ payloads: [[UInt8]], _ lossRate: Double, _ reorder: Bool, _ prng: inout PRNG) -> [[UInt8]] {
        var kept = lossRate > 0 ? payloads.filter { _ in !prng.chance(lossRate) } : payloads
        if reorder { prng.shuffle(&kept) }
        return kept
    }

    private static func note(_ frames: [[UInt8]], _ run: inout Run) {
        run.largestBatch = max(run.largestBatch, frames.count)
        for frame in frames { run.largestPayloadBytes = max(run.largestPayloadBytes, frame.count) }
    }
}
