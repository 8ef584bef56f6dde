import Foundation
import Kabar
@testable import KabarNode
import KabarPlatform
import Testing

/// How a command finds the node service.
@Suite(.serialized) struct ServiceLinkTests {
    final class Outcome: @unchecked Sendable {
        var link: Result<Bool, ServiceError>?
    }

    /// A daemon holds the store's lock a moment before its control socket answers: a command
    /// run then waits for the socket and goes through the daemon, instead of calling the
    /// starting daemon "another kabar process ... stop it".
    @Test func aCommandWaitsForAStartingDaemonInsteadOfCallingItARival() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let data = DataDirectory(path: folder.path)
        let store = try FileStore.open(in: data)
        defer { try? store.close() }
        let outcome = Outcome()
        let thread = Thread {
            outcome.link = Result { () throws(ServiceError) in try ServiceLink.open(data, for: .status).isRemote }
        }
        thread.start()
        // The daemon's socket comes up while the command waits.
        let loop = DaemonLoop()
        let logger = Logger(level: .error, monotonicNow: { MonotonicClock.now() }, wallNow: { WallClock.now() }, write: { _ in })
        let server = try ControlServer(
            path: ControlClient.socketPath(data), loop: loop, logger: logger, monotonicNow: { MonotonicClock.now() }
        ) { _ in .replies(ReplyStream(final: .done(ControlResult()))) }
        defer { server.close() }
        let deadline = MonotonicClock.now() + 20_000_000
        while outcome.link == nil, MonotonicClock.now() < deadline { _ = try loop.runOnce(until: MonotonicClock.now() + 5_000) }
        #expect(try outcome.link?.get() == true)
    }

    @Test func peersWithoutADaemonSaysNoNodeRunsWithoutWaitingForTheLock() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let data = DataDirectory(path: folder.path)
        let store = try FileStore.open(in: data)
        defer { try? store.close() }
        #expect { try ServiceLink.open(data, for: .peers) } throws: { ($0 as? ServiceError)?.code == "no_node" }
    }
}
