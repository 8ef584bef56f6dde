import Foundation
import Kabar
@testable import KabarNode
import KabarPlatform
import Testing

/// Live events (`watch`) and reloading kabar.conf, through real daemons' control sockets.
@Suite(.serialized) struct DaemonLiveTests {
    /// A `watch` subscription on `target`: its connection and the event lines read so far.
    final class Watch {
        let connection: UnixConnection
        var lines = LineBuffer(lineBytesMax: ControlProtocol.replyLineBytesMax)
        var replies: [ControlReply] = []
        private var buffer = [UInt8](repeating: 0, count: 65_536)

        init(_ target: LoopbackDaemon) throws {
            connection = try UnixConnection.connect(to: ControlClient.socketPath(target.data))
            try connection.writeAll(ControlProtocol.encodeLine(ControlRequest.watch), until: MonotonicClock.now() + 1_000_000)
        }

        /// Reads what has arrived, without waiting.
        func poll() throws {
            while case .bytes(let count) = try connection.read(into: &buffer) {
                for line in try lines.append(buffer[0..<count]) {
                    replies.append(try ControlProtocol.decode(ControlReply.self, line: line, limit: ControlProtocol.replyLineBytesMax))
                }
            }
        }

        var events: [ServiceEvent] {
            replies.compactMap { if case .event(let event) = $0 { return event } else { return nil } }
        }
    }

    @Test func aWatcherSeesABulletinStoredByGossipFromAnotherNode() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let watch = try Watch(b)
        defer { watch.connection.close() }
        #expect(try drive([a, b]) {
            try watch.poll()
            return watch.replies.first == .done(ControlResult())
        })
        let post = ControlRequest.post(PostParameters(channel: "pasar", title: "Cabai murah", body: "Rp 20.000/kg"))
        let id = try #require(try control(post, to: a, stepping: [a, b]).get().id)
        let source = "127.0.0.1:\(a.daemon.sockets.port)"
        #expect(try drive([a, b]) {
            try watch.poll()
            return watch.events.contains { event in
                if case .bulletinStored(let bulletin, let from) = event { return bulletin.id.hex == id && from == source }
                return false
            }
        }, "events: \(watch.events)")
        // The watcher's JSON line for it names the bulletin, its source and the keys of kabar list --json.
        let stored = try #require(watch.events.first { if case .bulletinStored = $0 { true } else { false } })
        let line = EventJSON.object(stored, at: UnixTime(milliseconds: 1))
        #expect(line.hasPrefix("{\"at\":1,\"bulletin\":{\"attachments\":[],\"author\":") && line.contains("\"event\":\"bulletin\"")
            && line.contains("\"source\":\"\(source)\"") && line.contains("\"id\":\"\(id)\""))
    }

    @Test func reloadAppliesPeersChannelsAndLogLevelAndKeepsThePort() throws {
        let (a, b) = try LoopbackDaemon.pair()
        defer { a.stop(); b.stop(); a.remove(); b.remove() }
        let peerA = "127.0.0.1:\(a.daemon.sockets.port)"
        try """
            peer = \(peerA)
            peer = 127.0.0.1:9
            port = 1
            network = elsewhere
            log_level = warn
            channel.panen = community lifetime=10d max=30d posts=50

            """.write(toFile: b.data.file("kabar.conf"), atomically: true, encoding: .utf8)
        let result = try control(.reload, to: b, stepping: [a, b]).get()
        let changes = (result.changes ?? []).map(\.en)
        #expect(changes.contains("peer 127.0.0.1:9 added"), "\(changes)")
        #expect(changes.contains("channel panen: community, 10 days (at most 30)"))
        #expect(changes.contains("log level WARN"))
        #expect(changes.contains("network 'elsewhere' needs a restart; still on '\(Wire.defaultNetworkName)'"))
        // The command line's --port beats the file's, at a reload as at the start.
        #expect(!changes.contains { $0.hasPrefix("port") })
        #expect(b.daemon.settings.port == b.daemon.sockets.port && b.daemon.settings.networkName == Wire.defaultNetworkName)
        #expect(b.daemon.logger.level == .warn)
        #expect(b.daemon.node.peerList.filter(\.isStatic).map(\.address.description).sorted() == ["127.0.0.1:9", peerA].sorted())
        #expect(b.daemon.node.configuration.policy.channels.rule(for: "panen").defaultLifetime == .days(10))
        // The trust rules took the channel's quota.
        #expect(b.service.settings.channelQuotas["panen"]?.countPerDayMax == 50)

        // A bad file is refused with its line, and the running settings stay.
        try "peer = \(peerA)\nchannel.panen = sometimes\n".write(toFile: b.data.file("kabar.conf"), atomically: true, encoding: .utf8)
        guard case .failure(let error) = try control(.reload, to: b, stepping: [a, b]) else {
            Issue.record("a bad kabar.conf was accepted")
            return
        }
        #expect(error.code == "invalid_input")
        #expect(error.message.en.contains("kabar.conf:2"), "\(error.message.en)")
        #expect(b.daemon.node.peerList.contains { $0.address.description == "127.0.0.1:9" && $0.isStatic })

        // Dropping a peer that was never heard removes it; the live one stays.
        try "peer = \(peerA)\n".write(toFile: b.data.file("kabar.conf"), atomically: true, encoding: .utf8)
        let dropped = try control(.reload, to: b, stepping: [a, b]).get()
        #expect((dropped.changes ?? []).map(\.en).contains("peer 127.0.0.1:9 removed"))
        #expect(b.daemon.node.peerList.map(\.address.description) == [peerA])
        #expect(b.daemon.node.configuration.policy.channels.rule(for: "panen").defaultLifetime == .days(14))
    }
}
