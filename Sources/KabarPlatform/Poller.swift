#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a descriptor is ready for (or what went wrong with it): the `poll(2)` event bits.
public struct PollEvents: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The raw `events`/`revents` bits.
    public let rawValue: Int16
    /// Wraps raw `poll` bits.
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// `POLLIN`: a read will not block (a datagram, a connection to accept, bytes, or end of file).
    public static let readable = PollEvents(rawValue: Int16(POLLIN))
    /// `POLLOUT`: a write will not block.
    public static let writable = PollEvents(rawValue: Int16(POLLOUT))
    /// `POLLERR`: an error is pending (reported even when not asked for).
    public static let error = PollEvents(rawValue: Int16(POLLERR))
    /// `POLLHUP`: the other end hung up (reported even when not asked for).
    public static let hangUp = PollEvents(rawValue: Int16(POLLHUP))
    /// `POLLNVAL`: the descriptor is not open: a bug in the caller's bookkeeping.
    public static let invalid = PollEvents(rawValue: Int16(POLLNVAL))

    /// The event names: "[readable, hangUp]".
    public var description: String {
        let names: [(PollEvents, String)] = [
            (.readable, "readable"), (.writable, "writable"), (.error, "error"), (.hangUp, "hangUp"), (.invalid, "invalid"),
        ]
        return "[" + names.filter { contains($0.0) }.map(\.1).joined(separator: ", ") + "]"
    }
}

/// One descriptor `Poller.wait` found ready.
public struct PollReady: Hashable, Sendable {
    /// The descriptor.
    public let descriptor: Int32
    /// What it is ready for.
    public let events: PollEvents

    /// A readiness report.
    public init(descriptor: Int32, events: PollEvents) {
        self.descriptor = descriptor
        self.events = events
    }
}

/// A set of descriptors to wait on with `poll(2)`: the heart of the daemon's single-threaded loop.
///
///     var poller = Poller()
///     poller.watch(udp4.descriptor, for: .readable)
///     poller.watch(stopSignals.descriptor, for: .readable)
///     for ready in try poller.wait(until: node.nextDeadline) { ... }
///
/// Descriptors are reported in the order they were first watched, so a run is repeatable.
public struct Poller: Sendable {
    private var entries: [pollfd] = []

    /// An empty set.
    public init() {}

    /// The watched descriptors, in the order they were first watched.
    public var descriptors: [Int32] { entries.map(\.fd) }

    /// Watches `descriptor` for `events`, replacing what it was watched for before.
    public mutating func watch(_ descriptor: Int32, for events: PollEvents) {
        if let index = entries.firstIndex(where: { $0.fd == descriptor }) {
            entries[index].events = events.rawValue
        } else {
            entries.append(pollfd(fd: descriptor, events: events.rawValue, revents: 0))
        }
    }

    /// Stops watching `descriptor` (do this before closing it). Unknown descriptors are ignored.
    public mutating func unwatch(_ descriptor: Int32) {
        entries.removeAll { $0.fd == descriptor }
    }

    /// Sleeps until a descriptor is ready or the monotonic clock (`MonotonicClock.now()`,
    /// microseconds) reaches `deadline` (nil: no deadline), with `poll(2)`.
    ///
    /// Returns the ready descriptors; an empty list means the deadline passed or a signal
    /// interrupted the sleep (`EINTR`). Either way the caller's loop checks its deadlines and
    /// flags and calls `wait` again, with a timeout computed afresh from the deadline. A
    /// self-pipe (`StopSignals`) in the set makes the signal visible as a readable descriptor too.
    public func wait(until deadline: Int64?) throws -> [PollReady] {
        try wait(timeoutMilliseconds: Self.timeoutMilliseconds(until: deadline, now: MonotonicClock.now()))
    }

    /// Like `wait(until:)` with a `poll(2)` timeout in milliseconds (-1: forever, 0: don't sleep).
    public func wait(timeoutMilliseconds: Int32) throws -> [PollReady] {
        var polled = entries
        let result = polled.withUnsafeMutableBufferPointer { buffer in
            poll(buffer.baseAddress, nfds_t(buffer.count), timeoutMilliseconds)
        }
        if result < 0 {
            let code = errno
            if code == EINTR { return [] }
            throw SystemError("poll", code: code)
        }
        return polled.filter { $0.revents != 0 }.map { PollReady(descriptor: $0.fd, events: PollEvents(rawValue: $0.revents)) }
    }

    /// The `poll` timeout for `deadline` at `now` (both monotonic microseconds): rounded UP to
    /// whole milliseconds, so the loop never wakes just before a deadline and spins; 0 when the
    /// deadline has passed; -1 (forever) for no deadline; capped at `Int32.max`.
    ///
    ///     timeoutMilliseconds(until: 1_001, now: 0) == 2
    public static func timeoutMilliseconds(until deadline: Int64?, now: Int64) -> Int32 {
        guard let deadline else { return -1 }
        let (remaining, overflow) = deadline.subtractingReportingOverflow(now)
        if overflow { return deadline > now ? Int32.max : 0 }
        guard remaining > 0 else { return 0 }
        let milliseconds = remaining / 1_000 + (remaining % 1_000 == 0 ? 0 : 1)
        return Int32(clamping: milliseconds)
    }
}
