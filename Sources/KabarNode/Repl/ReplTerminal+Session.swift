import Glibc
import Kabar
import KabarPlatform

extension ReplTerminal {
    /// Runs `driver` on this terminal (raw mode when it is one) until the person quits, input
    /// ends, or a stop signal arrives; the terminal is restored on every way out.
    ///
    /// `register` hooks standard input (and the stop signals) into the caller's poll loop, and
    /// `step` runs that loop once; a daemon passes its own loop, so the node keeps working while
    /// the person types. `stopped` tells when the daemon was asked to stop (SIGTERM/SIGINT).
    public func run(
        _ driver: ReplDriver,
        register: (_ descriptor: Int32, _ handler: @escaping () -> Void) -> Void,
        step: () throws -> Void,
        stopped: () -> Bool
    ) throws {
        if driver.interactive { try enterRawMode() }
        defer { restore() }
        register(inputDescriptor) { [unowned self] in self.readAvailable(into: driver) }
        driver.start()
        while !driver.finished, !stopped() {
            try step()
        }
        if !driver.finished { driver.endOfInput() }
    }

    /// Runs `driver` with a poll loop of its own over standard input and SIGTERM/SIGINT (for a
    /// REPL without a node loop to join). `watch`, when given, is called whenever its descriptor
    /// is readable (a REPL attached to a node reads the node's events there); `periodic` runs
    /// every `interval` microseconds.
    public func runStandalone(
        _ driver: ReplDriver, watch: (descriptor: Int32, handler: () -> Void)? = nil,
        periodic: (interval: Int64, work: () -> Void)? = nil
    ) throws {
        let signals = try StopSignals.install()
        var poller = Poller()
        var handlers: [Int32: () -> Void] = [:]
        var stopped = false
        poller.watch(signals.descriptor, for: .readable)
        handlers[signals.descriptor] = { if !signals.drain().isEmpty { stopped = true } }
        if let watch {
            poller.watch(watch.descriptor, for: .readable)
            handlers[watch.descriptor] = watch.handler
        }
        var nextPeriodic = periodic.map { MonotonicClock.now() + $0.interval }
        try run(
            driver,
            register: { descriptor, handler in
                poller.watch(descriptor, for: .readable)
                handlers[descriptor] = handler
            },
            step: {
                for ready in try poller.wait(until: nextPeriodic) { handlers[ready.descriptor]?() }
                if let periodic, let due = nextPeriodic, MonotonicClock.now() >= due {
                    periodic.work()
                    nextPeriodic = MonotonicClock.now() + periodic.interval
                }
            },
            stopped: { stopped })
    }
}
