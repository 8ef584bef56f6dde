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
        /// A broadcast frame from `from` lands on LAN `lan`: every member but the sender hears
        /// it at this instant, each with its own loss draw. One event, not one per receiver,
        /// keeps the queue small when a hall of fifty floods.
        case deliverToLAN(from: Int32, lan: Int32, datagram: [UInt8], sendNumber: UInt64)
        /// The host's endpoint asked to be ticked now. Stale if `generation` is not the host's
        /// current tick generation (the deadline moved, or the host rebooted).
        case tick(host: Int32, generation: UInt32)
        /// The host's CPU is free: take the next datagram waiting for it (`CPUModel`).
        case cpuReady(host: Int32)
        /// A LAN with `fairAccess` is free: the next waiting member, in turn, sends one frame.
        case lanFree(lan: Int32)
        /// The scenario's scheduled change number `index` takes effect.
        case change(index: Int32)
    }

    @inline(__always)
    func precedes(_ other: SimulationEvent) -> Bool {
        time != other.time ? time < other.time : sequence < other.sequence
    }
}

/// A min-heap of events keyed by `(time, sequence)`: a 4-ary heap, half as deep as a binary
/// one, whose four children share a cache line.
///
/// The heap holds only plain keys (time, sequence, slot); each event's payload waits in a slab
/// slot that is reused after the pop. Sifting then moves 24-byte values with no reference
/// counting, and a long run allocates nothing per event once the arrays have grown.
/// Push and pop are O(log n).
struct EventQueue {
    private struct Key {
        var time: Int64
        var sequence: UInt64
        var slot: Int32

        @inline(__always)
        func precedes(_ other: Key) -> Bool {
            time != other.time ? time < other.time : sequence < other.sequence
        }
    }

    private var heap: [Key] = []
    private var slots: [SimulationEvent.Kind?] = []
    private var freeSlots: [Int32] = []
    private var nextSequence: UInt64 = 0

    /// The number of events waiting.
    var count: Int { heap.count }

    /// True when nothing is waiting.
    var isEmpty: Bool { heap.isEmpty }

    /// The time of the earliest event, if any.
    var nextTime: Int64? { heap.first?.time }

    /// Adds an event at `time`, after every event already queued for the same time.
    mutating func push(at time: Int64, _ kind: SimulationEvent.Kind) {
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            slots[Int(free)] = kind
        } else {
            slot = Int32(slots.count)
            slots.append(kind)
        }
        heap.append(Key(time: time, sequence: nextSequence, slot: slot))
        nextSequence &+= 1
        siftUp(from: heap.count - 1)
    }

    /// Removes and returns the earliest event.
    mutating func pop() -> SimulationEvent? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(from: 0)
        }
        let kind = slots[Int(first.slot)].take()
        freeSlots.append(first.slot)
        guard let kind else { return nil }
        return SimulationEvent(time: first.time, sequence: first.sequence, kind: kind)
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        let moving = heap[child]
        while child > 0 {
            let parent = (child - 1) / 4
            guard moving.precedes(heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = moving
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        let count = heap.count
        let moving = heap[parent]
        while true {
            let first = 4 * parent + 1
            guard first < count else { break }
            var smallest = first
            for child in (first + 1)..<min(first + 4, count) where heap[child].precedes(heap[smallest]) {
                smallest = child
            }
            guard heap[smallest].precedes(moving) else { break }
            heap[parent] = heap[smallest]
            parent = smallest
        }
        heap[parent] = moving
    }

    /// Checks the heap property and that every queued key has a payload; tests call this.
    func checkInvariants() -> Bool {
        for index in 1..<max(heap.count, 1) where heap[index].precedes(heap[(index - 1) / 4]) {
            return false
        }
        return heap.allSatisfy { slots[Int($0.slot)] != nil } && heap.count + freeSlots.count == slots.count
    }
}
