import Kabar

/// The simulator's virtual clock. Only the event queue moves it forward; nothing here sleeps.
public struct SimulationClock: Sendable {
    /// The current virtual time.
    public private(set) var now: Instant = .zero

    /// A clock at time zero.
    public init() {}

    /// Moves the clock to `instant`, which must not be in the past.
    public mutating func advance(to instant: Instant) {
        precondition(instant >= now, "the virtual clock never runs backwards")
        now = instant
    }
}
