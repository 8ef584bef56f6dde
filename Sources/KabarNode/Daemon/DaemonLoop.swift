import KabarPlatform

/// The daemon's single-threaded event loop: a `Poller` over registered descriptors, each with a
/// callback, and one deadline. Nothing here knows about Kabar; `NodeDaemon` registers its UDP
/// sockets, control socket and stop signals, and a REPL registers standard input the same way:
///
///     daemon.loop.register(STDIN_FILENO) { _ in repl.readAvailableInput() }
///
/// Callbacks run on the loop's thread, between two node inputs, so they may call the
/// `NodeController` API directly.
public final class DaemonLoop {
    /// Called when its descriptor is ready, with what it is ready for.
    public typealias Handler = (PollEvents) -> Void

    private var poller = Poller()
    private var handlers: [Int32: Handler] = [:]

    /// An empty loop.
    public init() {}

    /// Watches `descriptor` for `events` and calls `handler` when it is ready. Registering a
    /// descriptor again replaces its handler.
    public func register(_ descriptor: Int32, for events: PollEvents = .readable, _ handler: @escaping Handler) {
        poller.watch(descriptor, for: events)
        handlers[descriptor] = handler
    }

    /// Changes what a registered descriptor is watched for (e.g. `.writable` while a reply waits).
    public func update(_ descriptor: Int32, for events: PollEvents) {
        guard handlers[descriptor] != nil else { return }
        poller.watch(descriptor, for: events)
    }

    /// Stops watching `descriptor`; call before closing it.
    public func unregister(_ descriptor: Int32) {
        poller.unwatch(descriptor)
        handlers[descriptor] = nil
    }

    /// How many times `runOnce` has woken: a handler that bounds its work per wakeup of the
    /// whole loop (not per descriptor) starts its count again when this changes.
    public private(set) var turn: UInt64 = 0

    /// How many descriptors are watched.
    public var registeredCount: Int { handlers.count }

    /// Sleeps until a descriptor is ready or the monotonic `deadline` (microseconds; nil: none)
    /// passes, then calls the handlers of the ready descriptors in registration order.
    /// Returns how many were ready (0: the deadline passed or a signal interrupted the wait).
    @discardableResult
    public func runOnce(until deadline: Int64?) throws -> Int {
        let ready = try poller.wait(until: deadline)
        turn &+= 1
        for item in ready {
            // A handler may have unregistered a later descriptor; skip it then.
            handlers[item.descriptor]?(item.events)
        }
        return ready.count
    }
}
