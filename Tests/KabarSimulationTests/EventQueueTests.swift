import Kabar
@testable import KabarSimulation
import Testing

@Suite struct EventQueueTests {
    @Test func popsInTimeOrderAndTiesInSchedulingOrder() {
        var queue = EventQueue()
        let times: [Int64] = [50, 10, 30, 10, 50, 0, 30, 10]
        for (index, time) in times.enumerated() { queue.push(at: time, .change(index: Int32(index))) }
        var popped: [(Int64, Int32)] = []
        while let event = queue.pop() {
            guard case .change(let index) = event.kind else { continue }
            popped.append((event.time, index))
        }
        let expected: [(Int64, Int32)] = [(0, 5), (10, 1), (10, 3), (10, 7), (30, 2), (30, 6), (50, 0), (50, 4)]
        #expect(popped.map(\.0) == expected.map(\.0))
        #expect(popped.map(\.1) == expected.map(\.1))
    }

    @Test func keepsTheHeapPropertyUnderRandomPushesAndPops() {
        var queue = EventQueue()
        var prng = PRNG(seed: 11)
        var last = (time: Int64.min, sequence: UInt64(0))
        var popped = 0
        for round in 0..<5_000 {
            if prng.chance(0.6) {
                queue.push(at: max(last.time, 0) + Int64(prng.int(below: 100)), .change(index: Int32(round)))
            } else if let event = queue.pop() {
                #expect(event.time > last.time || (event.time == last.time && event.sequence > last.sequence))
                last = (event.time, event.sequence)
                popped += 1
            }
        }
        #expect(queue.checkInvariants())
        #expect(popped > 1_000)
    }

    @Test func clockNeverRunsBackwards() {
        var clock = SimulationClock()
        clock.advance(to: Instant(microseconds: 5))
        clock.advance(to: Instant(microseconds: 5))
        #expect(clock.now == Instant(microseconds: 5))
    }
}
