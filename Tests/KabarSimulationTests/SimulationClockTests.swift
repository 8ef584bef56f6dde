import Kabar
import KabarSimulation
import Testing

@Suite struct SimulationClockTests {
    @Test func advancesForward() {
        var clock = SimulationClock()
        clock.advance(to: Instant(microseconds: 5))
        #expect(clock.now == Instant(microseconds: 5))
    }
}
