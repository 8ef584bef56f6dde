import Glibc
import KabarPlatform
import Testing

/// Signal handlers are process-wide: one test installs them, raises signals at itself and checks
/// the previous actions come back.
@Suite(.serialized) struct PlatformStopSignalsTests {
    @Test func raisedStopSignalsMakeTheDescriptorReadable() throws {
        let defaultTermHandler = handlerBits(SIGTERM)
        // The test runner blocks these signals on its threads; `install` unblocks them on the
        // calling thread. Put the runner's mask back afterwards.
        var runnerMask = sigset_t()
        pthread_sigmask(SIG_SETMASK, nil, &runnerMask)
        defer { pthread_sigmask(SIG_SETMASK, &runnerMask, nil) }
        do {
            let stop = try StopSignals.install()
            var poller = Poller()
            poller.watch(stop.descriptor, for: .readable)
            #expect(try poller.wait(timeoutMilliseconds: 0).isEmpty)

            // raise() runs the handler on this thread before it returns.
            #expect(raise(SIGTERM) == 0)
            #expect(try poller.wait(timeoutMilliseconds: 1_000).map(\.descriptor) == [stop.descriptor])
            #expect(stop.drain() == [SIGTERM])
            #expect(try poller.wait(timeoutMilliseconds: 0).isEmpty)

            #expect(raise(SIGINT) == 0)
            #expect(raise(SIGTERM) == 0)
            #expect(stop.drain() == [SIGINT, SIGTERM])

            #expect(throws: SystemError("sigaction", code: EBUSY)) { try StopSignals.install() }
            #expect(handlerBits(SIGTERM) != defaultTermHandler)
        }
        #expect(handlerBits(SIGTERM) == defaultTermHandler)
    }

    @Test func brokenPipeIsIgnored() throws {
        try StopSignals.ignoreBrokenPipe()
        #expect(handlerBits(SIGPIPE) == unsafeBitCast(SIG_IGN, to: Int.self))
    }

    private func handlerBits(_ signal: Int32) -> Int {
        var current = sigaction()
        _ = sigaction(signal, nil, &current)
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
    }
}
