import Foundation
import Kabar
import KabarCrypto
@testable import KabarCLI
import KabarNode
import KabarPlatform
import Testing

/// A real daemon in a temporary folder, on 127.0.0.1 only (no broadcast), with its control
/// socket; tests drive its loop with `step` instead of sleeping.
final class LoopbackDaemon {
    let data: DataDirectory
    let store: FileStore
    let daemon: NodeDaemon<FileStore>
    let control: ControlServer
    var logLines: [String] = []

    init(sockets: DaemonSockets, peerPort: UInt16, seed: UInt64) throws {
        data = DataDirectory(path: NSTemporaryDirectory() + "kabar-daemon-test-" + UUID().uuidString)
        var random = SystemRandom()
        let identity = try Identity.create(in: data, label: "", random: &random)
        store = try FileStore.open(in: data)
        var settings = NodeSettings()
        settings.port = sockets.port
        settings.peers = [.ipv4Loopback(port: peerPort)]
        let lines = LineCollector()
        let logger = Logger(level: .debug, monotonicNow: { MonotonicClock.now() }, wallNow: { WallClock.now() }, write: { lines.lines.append($0) })
        daemon = NodeDaemon(
            settings: settings, data: data, key: identity.author, store: store, sockets: sockets, seed: seed,
            logger: logger, broadcasts: false)
        control = try ControlServer(
            path: ControlClient.socketPath(data), loop: daemon.loop, logger: logger, monotonicNow: { MonotonicClock.now() }
        ) { [unowned daemon] request in ControlDispatch.handle(request, daemon: daemon) }
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
    static func pair() throws -> (LoopbackDaemon, LoopbackDaemon) {
        let socketsA = try DaemonSockets(port: 0, ipv4Address: 0x7f00_0001, withIPv6: false)
        let socketsB = try DaemonSockets(port: 0, ipv4Address: 0x7f00_0001, withIPv6: false)
        return (try LoopbackDaemon(sockets: socketsA, peerPort: socketsB.port, seed: 1),
                try LoopbackDaemon(sockets: socketsB, peerPort: socketsA.port, seed: 2))
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

/// Sends one control request to `target` without blocking the test's thread, stepping the
/// daemons until the answer arrives.
func controlRequest(_ request: ControlRequest, to target: LoopbackDaemon, stepping daemons: [LoopbackDaemon]) throws -> ControlResponse? {
    let connection = try UnixConnection.connect(to: ControlClient.socketPath(target.data))
    defer { connection.close() }
    try connection.writeAll(ControlProtocol.encodeLine(request), until: MonotonicClock.now() + 5_000_000)
    var lines = LineBuffer(lineBytesMax: ControlProtocol.lineBytesMax)
    var buffer = [UInt8](repeating: 0, count: 65_536)
    var response: ControlResponse?
    _ = try drive(daemons) {
        if case .bytes(let count) = try connection.read(into: &buffer), let line = try lines.append(buffer[0..<count]).first {
            response = try ControlProtocol.decode(ControlResponse.self, line: line)
        }
        return response != nil
    }
    return response
}

@Suite(.serialized) struct DaemonLoopbackTests {
    @Test func postThroughControlSocketReachesThePeerAndStopFlushes() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.remove(); b.remove() }
        let post = ControlRequest(argv: ["post", "--channel", "pasar", "--title", "Cabai murah"], lang: "en", stdin: "Rp 20.000/kg\n")
        let response = try #require(try controlRequest(post, to: a, stepping: [a, b]))
        #expect(response.exit == 0, "\(response.stderr)")
        let id = try #require(BulletinID(hex: response.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
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

    @Test func statusAndPeersAnswerThroughControlSocket() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        #expect(try drive([a, b]) { a.daemon.node.peerList.first?.key != nil && b.daemon.node.peerList.first?.key != nil })
        let status = try #require(try controlRequest(ControlRequest(argv: ["status", "--json"]), to: a, stepping: [a, b]))
        #expect(status.exit == 0)
        let decoded = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect(decoded?["node_id"] as? String == a.daemon.node.key.hex)
        #expect(decoded?["running"] as? Bool == true)
        #expect((decoded?["peers"] as? [Any])?.count == 1)
        // Every peer carries every key; unknown values are null, not missing.
        let peerKeys = Set(((decoded?["peers"] as? [[String: Any]])?.first ?? [:]).keys)
        #expect(peerKeys.isSuperset(of: ["address", "key", "round_trip_ms", "clock_offset_ms", "store_count", "last_seen_s"]))
        #expect((decoded?["store"] as? [String: Any])?["count"] as? Int == 0)
        #expect((decoded?["clock"] as? [String: Any])?["own_clock_wrong"] as? Bool == false)
        let peers = try #require(try controlRequest(ControlRequest(argv: ["peers"]), to: b, stepping: [a, b]))
        #expect(peers.stdout.contains("127.0.0.1:\(a.daemon.sockets.port)"))
        #expect(peers.stdout.contains(String(a.daemon.node.key.hex.prefix(12))))
        let sync = try #require(try controlRequest(ControlRequest(argv: ["sync"]), to: b, stepping: [a, b]))
        #expect(sync.stdout == "syncing with 1 peers\n")
    }

    @Test func controlSocketRefusesJunkAndOtherCommands() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let run = try #require(try controlRequest(ControlRequest(argv: ["run"]), to: a, stepping: [a]))
        #expect(run.exit == 2)
        #expect(run.stderr.contains("through the control socket"))
        let connection = try UnixConnection.connect(to: ControlClient.socketPath(a.data))
        defer { connection.close() }
        try connection.writeAll(Array("not json\n".utf8), until: MonotonicClock.now() + 5_000_000)
        var buffer = [UInt8](repeating: 0, count: 4_096)
        var text = ""
        #expect(try drive([a]) {
            if case .bytes(let count) = try connection.read(into: &buffer) { text += String(decoding: buffer[0..<count], as: UTF8.self) }
            return text.hasSuffix("\n")
        })
        #expect(text.hasPrefix("{\"exit\":2,"))
    }

    @Test func withoutADaemonNodeCommandsSaySoAndStatusReadsTheStore() throws {
        let folder = NSTemporaryDirectory() + "kabar-daemon-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(KabarRun(["init", "--data", folder]).code == 0)
        let peers = KabarRun(["peers", "--data", folder])
        #expect(peers.code == 1)
        #expect(peers.error.contains("no node is running on \(folder)"))
        let sync = KabarRun(["sync", "--data", folder])
        #expect(sync.code == 1)
        let status = KabarRun(["status", "--data", folder, "--json"])
        #expect(status.code == 0)
        #expect(status.output.contains("\"running\":false"))
        #expect(status.output.contains("\"count\":0"))
    }
}
