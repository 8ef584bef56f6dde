import Kabar

/// One thing the simulator will do at a virtual time.
///
/// Events are ordered by `(time, sequence)`: the sequence number is handed out when the event
/// is scheduled, so two events at the same microsecond run in the order they were scheduled,
/// on every machine and every run.
struct SimulationEvent {
    /// When the event happens, in microseconds of virtual time.
    var time: Int64
    /// The tie-breaker: the order in which events were scheduled.
    var sequence: UInt64
    /// What happens.
    var kind: Kind

    /// The kinds of event. Hosts are indices into the simulation's host table.
    enum Kind {
        /// `datagram` from `from` arrives at `to`. `sendNumber` names the send it came from.
        case deliver(from: Int32, to: Int32, datagram: [UInt8], sendNumber: UInt64)
        /// The host's endpoint asked to be ticked now. Stale if `generation` is not the host's
        /// current tick generation (the deadline moved, or the host rebooted).
        case tick(host: Int32, generation: UInt32)
        /// The scenario's scheduled change number `index` takes effect.
        case change(index: Int32)
    }

    @inline(__always)
    func precedes(_ other: SimulationEvent) -> Bool {
        time != other.time ? time < other.time : sequence < other.sequence
    }
}

/// A min-heap of events keyed by `(time, sequence)`.
///
/// Push and pop are O(log n); the storage is one array that keeps its capacity, so a long run
/// does not allocate per event.
struct EventQueue {
    private var heap: [SimulationEvent] = []
    private var nextSequence: UInt64 = 0

    /// The number of events waiting.
    var count: Int { heap.count }

    /// True when nothing is waiting.
    var isEmpty: Bool { heap.isEmpty }

    /// The time of the earliest event, if any.
    var nextTime: Int64? { heap.first?.time }

    /// Adds an event at `time`, after every event already queued for the same time.
    mutating func push(at time: Int64, _ kind: SimulationEvent.Kind) {
        heap.append(SimulationEvent(time: time, sequence: nextSequence, kind: kind))
        nextSequence &+= 1
        siftUp(from: heap.count - 1)
    }

    /// Removes and returns the earliest event.
    mutating func pop() -> SimulationEvent? {
        guard !heap.isEmpty else { return nil }
        if heap.count == 1 { return heap.removeLast() }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        siftDown(from: 0)
        return first
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var smallest = left
            let right = left + 1
            if right < count && heap[right].precedes(heap[left]) { smallest = right }
            guard heap[smallest].precedes(heap[parent]) else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    /// Checks the heap property; tests call this.
    func checkInvariants() -> Bool {
        for index in 1..<max(heap.count, 1) where heap[index].precedes(heap[(index - 1) / 2]) {
            return false
        }
        return true
    }
}
