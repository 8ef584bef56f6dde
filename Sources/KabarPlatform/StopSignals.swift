#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The write end of the installed `StopSignals` pipe, or -1. A C signal handler cannot capture
/// context, so it reads this global; it is set before the handler is installed and cleared after
/// the handler is removed, so the handler never sees a closed descriptor.
nonisolated(unsafe) private var stopSignalWriteDescriptor: Int32 = -1

/// The handler `sigaction` installs: writes the signal's number as one byte to the pipe. It calls
/// only `write(2)`, which is async-signal-safe, and keeps `errno` as it found it.
private func handleStopSignal(_ signal: Int32) {
    let savedError = errno
    var byte = UInt8(truncatingIfNeeded: signal)
    // A full pipe (EAGAIN) is fine: it is already readable, which is all the loop needs.
    _ = write(stopSignalWriteDescriptor, &byte, 1)
    errno = savedError
}

/// SIGTERM and SIGINT (and any other signal asked for, such as SIGHUP for a reload) as a
/// readable descriptor (the self-pipe trick), so the daemon's `Poller`
/// wakes for a stop request and the loop shuts down cleanly between two steps, never inside one:
///
///     let stop = try StopSignals.install()
///     poller.watch(stop.descriptor, for: .readable)
///     ... if ready contains stop.descriptor { stop.drain(); break }
///
/// One may be installed at a time. Releasing it restores the signals' previous actions.
public final class StopSignals {
    /// The pipe's read end: readable once a signal has arrived.
    public let descriptor: Int32
    /// The signals handled.
    public let signals: [Int32]
    private let writeDescriptor: Int32
    private var previousActions: [Int32: sigaction] = [:]

    /// Creates a non-blocking close-on-exec pipe (`pipe`, `fcntl`), installs the handler for
    /// `signals` (`sigaction`, with `SA_RESTART` so other calls are not interrupted needlessly)
    /// and unblocks them on the calling thread (`pthread_sigmask`): a signal mask is inherited
    /// across `exec`, and a parent that blocked SIGTERM would otherwise make the node unstoppable.
    /// Call it from the main thread at startup. Throws `SystemError("sigaction", EBUSY)` if one
    /// is already installed.
    public static func install(_ signals: [Int32] = [SIGTERM, SIGINT]) throws -> StopSignals {
        guard stopSignalWriteDescriptor == -1 else { throw SystemError("sigaction", code: EBUSY) }
        var ends: [Int32] = [-1, -1]
        try Syscall.retrying("pipe") { pipe(&ends) }
        do {
            for end in ends { try Self.makeNonBlockingAndCloseOnExec(end) }
        } catch {
            ends.forEach { _ = close($0) }
            throw error
        }
        return try StopSignals(readDescriptor: ends[0], writeDescriptor: ends[1], signals: signals)
    }

    private init(readDescriptor: Int32, writeDescriptor: Int32, signals: [Int32]) throws {
        descriptor = readDescriptor
        self.writeDescriptor = writeDescriptor
        self.signals = signals
        stopSignalWriteDescriptor = writeDescriptor
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = handleStopSignal
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            var previous = sigaction()
            guard sigaction(signal, &action, &previous) == 0 else {
                let error = SystemError("sigaction(\(signal))")
                restore()
                throw error
            }
            previousActions[signal] = previous
        }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for signal in signals { sigaddset(&unblocked, signal) }
        let result = pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        guard result == 0 else {
            restore()
            throw SystemError("pthread_sigmask", code: result)
        }
    }

    deinit { restore() }

    /// Reads every pending byte from the pipe (`read`) and returns the signals that arrived, in
    /// order (at most what the pipe held). The descriptor is not readable afterwards until the
    /// next signal.
    public func drain() -> [Int32] {
        var received: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                received += buffer.prefix(count).map { Int32($0) }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            return received  // EAGAIN: empty
        }
    }

    /// Ignores SIGPIPE (`sigaction(SIG_IGN)`), so writing to a control-socket client that hung
    /// up is an `EPIPE` error the daemon handles instead of a silent death.
    public static func ignoreBrokenPipe() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = SIG_IGN
        sigemptyset(&action.sa_mask)
        try Syscall.retrying("sigaction(SIGPIPE)") { sigaction(SIGPIPE, &action, nil) }
    }

    private func restore() {
        for signal in signals.reversed() {
            guard var previous = previousActions.removeValue(forKey: signal) else { continue }
            _ = sigaction(signal, &previous, nil)
        }
        if stopSignalWriteDescriptor == writeDescriptor {
            stopSignalWriteDescriptor = -1
            _ = close(writeDescriptor)
            _ = close(descriptor)
        }
    }

    static func makeNonBlockingAndCloseOnExec(_ descriptor: Int32) throws {
        let flags = try Syscall.retrying("fcntl(F_GETFL)") { fcntl(descriptor, F_GETFL) }
        try Syscall.retrying("fcntl(F_SETFL)") { fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
        try Syscall.retrying("fcntl(F_SETFD)") { fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
    }
}
