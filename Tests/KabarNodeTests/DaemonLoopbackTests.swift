import Foundation
import Kabar
import KabarCrypto
@testable import KabarNode
import KabarPlatform
import Testing

/// A real daemon in a temporary folder, on 127.0.0.1 only (no broadcast), with its control
/// socket; tests drive its loop with `step` instead of sleeping.
final class LoopbackDaemon {
    let data: DataDirectory
    let store: FileStore
    let daemon: NodeDaemon<FileStore>
    let control: ControlServer
    let service: NodeService
    var logLines: [String] = []

    init(sockets: DaemonSockets, peerPort: UInt16, seed: UInt64, configure: (inout NodeSettings) -> Void = { _ in }) throws {
        data = DataDirectory(path: NSTemporaryDirectory() + "kabar-daemon-test-" + UUID().uuidString)
        var random = SystemRandom()
        let identity = try Identity.create(in: data, label: "", random: &random)
        store = try FileStore.open(in: data)
        var settings = NodeSettings()
        settings.port = sockets.port
        settings.peers = [.ipv4Loopback(port: peerPort)]
        configure(&settings)
        let lines = LineCollector()
        let logger = Logger(level: .debug, monotonicNow: { MonotonicClock.now() }, wallNow: { WallClock.now() }, write: { lines.lines.append($0) })
        daemon = NodeDaemon(
            settings: settings, data: data, key: identity.author, store: store, sockets: sockets, seed: seed,
            logger: logger, broadcasts: false)
        // As `kabar run --port` would: a reload keeps the port the kernel chose.
        var overrides = NodeRunner.Overrides()
        overrides.port = sockets.port
        (service, control) = try NodeRunner.serve(daemon, identity: identity, overrides: overrides)
        collector = lines
    }

    private let collector: LineCollector
    var log: [String] { collector.lines }

    func stop() {
        daemon.requestStop()
        daemon.shutdown()
        control.close()
        try? store.close()
    }

    func remove() { try? FileManager.default.removeItem(atPath: data.path) }

    /// Two daemons that know each other as static peers, on ports the kernel chose.
    static func pair(configure: (inout NodeSettings) -> Void = { _ in }) throws -> (LoopbackDaemon, LoopbackDaemon) {
        let socketsA = try DaemonSockets(port: 0, ipv4Address: 0x7f00_0001, withIPv6: false)
        let socketsB = try DaemonSockets(port: 0, ipv4Address: 0x7f00_0001, withIPv6: false)
        return (try LoopbackDaemon(sockets: socketsA, peerPort: socketsB.port, seed: 1, configure: configure),
                try LoopbackDaemon(sockets: socketsB, peerPort: socketsA.port, seed: 2, configure: configure))
    }
}

final class LineCollector: @unchecked Sendable {
    var lines: [String] = []
}

/// Steps every daemon (each waits at most 5 ms) until `condition` holds; false after 10 s.
/// The bound is generous for a loaded machine; on an idle one this takes milliseconds.
func drive(_ daemons: [LoopbackDaemon], until condition: () throws -> Bool) throws -> Bool {
    let deadline = MonotonicClock.now() + 10_000_000
    while MonotonicClock.now() < deadline {
        if try condition() { return true }
        for daemon in daemons { try daemon.daemon.step(waitingAtMost: MonotonicClock.now() + 5_000) }
    }
    return try condition()
}

/// Sends one typed request to `target` without blocking the test's thread, stepping the
/// daemons until the last reply (`done` or `error`) arrives; returns every reply line.
func controlReplies(_ request: ControlRequest, to target: LoopbackDaemon, stepping daemons: [LoopbackDaemon]) throws -> [ControlReply] {
    try rawControl(ControlProtocol.encodeLine(request), to: target, stepping: daemons)
}

/// Writes `bytes` to `target`'s control socket and reads reply lines until the last one.
func rawControl(_ bytes: [UInt8], to target: LoopbackDaemon, stepping daemons: [LoopbackDaemon]) throws -> [ControlReply] {
    let connection = try UnixConnection.connect(to: ControlClient.socketPath(target.data))
    defer { connection.close() }
    var lines = LineBuffer(lineBytesMax: ControlProtocol.replyLineBytesMax)
    var buffer = [UInt8](repeating: 0, count: 65_536)
    var replies: [ControlReply] = []
    var finished = false
    var written = 0
    _ = try drive(daemons) {
        // Written as the node reads (a big request would fill the socket), never blocking.
        while written < bytes.count,
            let count = try? bytes.withUnsafeBytes({ try connection.write(UnsafeRawBufferPointer(rebasing: $0[written...])) })
        {
            written += count
        }
        while !finished, case .bytes(let count) = try connection.read(into: &buffer) {
            for line in try lines.append(buffer[0..<count]) {
                let reply = try ControlProtocol.decode(ControlReply.self, line: line, limit: ControlProtocol.replyLineBytesMax)
                replies.append(reply)
                if case .done = reply { finished = true }
                if case .failure = reply { finished = true }
            }
        }
        return finished
    }
    return replies
}

/// The result of `request`, or the typed error it failed with.
func control(_ request: ControlRequest, to target: LoopbackDaemon, stepping daemons: [LoopbackDaemon]) throws -> Result<ControlResult, ServiceError> {
    let replies = try controlReplies(request, to: target, stepping: daemons)
    switch replies.last {
    case .done(let result)?: return .success(result)
    case .failure(let error)?: return .failure(error)
    default: throw ServiceError.badReply
    }
}

@Suite(.serialized) struct DaemonLoopbackTests {
    @Test func postThroughControlSocketReachesThePeerAndStopFlushes() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.remove(); b.remove() }
        let post = ControlRequest.post(PostParameters(channel: "pasar", title: "Cabai murah", body: "Rp 20.000/kg\n"))
        let result = try control(post, to: a, stepping: [a, b]).get()
        let id = try #require(result.id.flatMap(BulletinID.init(hex:)))
        #expect(a.store.contains(id))
        #expect(try drive([a, b]) { b.store.contains(id) }, "the peer never got the post; log: \(b.log)")
        #expect(b.log.contains { $0.contains("stored \(id.short) on pasar from 127.0.0.1:\(a.daemon.sockets.port)") })
        // Stopping flushes the peer's lazy (gossip) insert; it is there after reopening.
        b.stop()
        a.stop()
        let reopened = try FileStore.open(in: b.data)
        defer { try? reopened.close() }
        #expect(reopened.bulletin(id)?.title == "Cabai murah")
        #expect(!FileManager.default.fileExists(atPath: ControlClient.socketPath(b.data)))
    }

    @Test func statusPeersAndSyncAnswerThroughControlSocket() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        #expect(try drive([a, b]) { a.daemon.node.peerList.first?.key != nil && b.daemon.node.peerList.first?.key != nil })
        let status = try #require(try control(.status, to: a, stepping: [a, b]).get().status)
        #expect(status.nodeId == a.daemon.node.key.hex)
        #expect(status.running && status.peers.count == 1 && status.store.count == 0)
        let peers = try #require(try control(.peers, to: b, stepping: [a, b]).get().peers)
        #expect(peers.map(\.address) == ["127.0.0.1:\(a.daemon.sockets.port)"])
        #expect(peers.first?.key == a.daemon.node.key.hex)
        // A static peer is validated by the operator's word; `proven` says it echoed the challenge.
        #expect(try drive([a, b]) { b.daemon.node.peerList.first?.proven == true })
        let proven = try #require(try control(.peers, to: b, stepping: [a, b]).get().peers)
        #expect(proven.first?.validated == true && proven.first?.proven == true)
        #expect(try control(.sync, to: b, stepping: [a, b]).get().count == 1)
    }

    @Test func controlSocketAnswersJunkWithTypedErrorsAndKeepsServing() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let cases: [(String, String)] = [
            ("not json\n", "bad_request"), ("{\"op\":\"frobnicate\"}\n", "unknown_operation"),
            ("{\"v\":9,\"op\":\"status\"}\n", "unsupported_version"), ("{\"op\":\"post\"}\n", "bad_request"),
        ]
        for (line, code) in cases {
            let replies = try rawControl(Array(line.utf8), to: a, stepping: [a])
            guard case .failure(let error)? = replies.last else { Issue.record("no error for \(line)"); continue }
            #expect(error.code == code, "\(line)")
            #expect(!error.message.en.contains("DecodingError") && !error.message.en.contains("malformed("))
        }
        // An oversized line is refused and the connection closed; the node serves the next client.
        let huge = [UInt8](repeating: UInt8(ascii: "x"), count: ControlProtocol.lineBytesMax + 10) + [10]
        guard case .failure(let error)? = try rawControl(huge, to: a, stepping: [a]).last else {
            Issue.record("no error for an oversized line")
            return
        }
        #expect(error.code == "too_large")
        #expect(try control(.status, to: a, stepping: [a]).get().status != nil)
    }

    @Test func aNinthClientIsToldTheNodeIsBusy() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let held = try (0..<ControlServer.clientsMax).map { _ in try UnixConnection.connect(to: ControlClient.socketPath(a.data)) }
        defer { for connection in held { connection.close() } }
        #expect(try drive([a]) { a.control.clientCount == ControlServer.clientsMax })
        guard case .failure(let error)? = try controlReplies(.status, to: a, stepping: [a]).last else {
            Issue.record("the ninth client got no answer")
            return
        }
        #expect(error.code == "busy")
        #expect(error.message.en.contains("busy with 8 other control clients"))
    }

    @Test func aListingOfThousandsStreamsPastOneMebibyte() throws {
        let (a, b) = try LoopbackDaemon.pair { $0.channelQuotas["warga"] = Quota(countPerDayMax: 10_000, bytesPerDayMax: 100_000_000) }
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let body = String(repeating: "harga padi naik lagi. ", count: 40)
        let identity = try a.service.identity()
        let now = a.daemon.bestTime()
        let posts = try (0..<1_500).map { number in
            try BulletinOperations.signedPost(
                PostRequest(channel: "warga", title: "Kabar \(number)", body: body), identity: identity,
                now: now - .milliseconds(Int64(number)))
        }
        let outcomes = a.daemon.withNode { node, time in node.submit(batch: posts, at: time) }
        #expect(outcomes.allSatisfy { $0 == .added })
        let replies = try controlReplies(.list(ListParameters(limit: 10_000)), to: a, stepping: [a])
        let bulletins = replies.compactMap { reply -> Bulletin? in
            if case .bulletin(let bulletin, _) = reply { return bulletin }
            return nil
        }
        #expect(bulletins.count == 1_500)
        #expect(bulletins.reduce(0) { $0 + $1.body.utf8.count } > 1 << 20)
        #expect(replies.last == .done({ var result = ControlResult(); result.count = 1_500; return result }()))
    }
}
