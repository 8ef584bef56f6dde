import Foundation
import Kabar
import KabarNode
import KabarPlatform

/// `kabar peers`: the peers a running node knows.
enum PeersCommand: Command {
    static let spec = CommandSpec(
        path: ["peers"],
        summary: Localized(en: "show the peers of the running node", id: "tampilkan peer node yang sedang berjalan"),
        options: [.data, .json],
        discussion: Localized(
            en: "Needs a running node ('kabar run'). --json prints an array of objects: address, key, is_static, on_link, validated, last_seen_s, round_trip_ms, bytes_sent, bytes_received, clock_offset_ms, store_count.",
            id: "Perlu node yang berjalan ('kabar run'). --json mencetak larik objek: address, key, is_static, on_link, validated, last_seen_s, round_trip_ms, bytes_sent, bytes_received, clock_offset_ms, store_count."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let peers = try ServiceCommand.perform(.peers, arguments, context).peers ?? []
        if arguments.flag("--json") {
            context.print(NodeCommandSupport.json(peers))
        } else if peers.isEmpty {
            context.print(context.text(Localized(en: "no peers yet", id: "belum ada peer")))
        } else {
            context.write(NodeCommandSupport.peerTable(peers, context))
        }
        return 0
    }
}

/// `kabar status`: the node, its peers, store and clock.
enum StatusCommand: Command {
    static let spec = CommandSpec(
        path: ["status"],
        summary: Localized(en: "show the node's state: peers, store, clock", id: "tampilkan keadaan node: peer, simpanan, jam"),
        options: [.data, .json],
        discussion: Localized(
            en: "Without a running node it shows the store alone. --json keys: running, node_id, uptime_s, port, network, peers, store (count, by_channel, disk_bytes, quota_bytes), clock (own_ms, estimated_ms, peer_median_offset_ms, own_clock_wrong, uncorrectable), counters.",
            id: "Tanpa node yang berjalan, hanya simpanan yang ditampilkan. Kunci --json: running, node_id, uptime_s, port, network, peers, store (count, by_channel, disk_bytes, quota_bytes), clock (own_ms, estimated_ms, peer_median_offset_ms, own_clock_wrong, uncorrectable), counters."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let result = try ServiceCommand.perform(.status, arguments, context)
        if let status = result.status {
            if arguments.flag("--json") {
                context.print(NodeCommandSupport.json(status))
            } else {
                context.write(NodeCommandSupport.statusText(status, context))
            }
            return 0
        }
        guard let storeStatus = result.store else { throw CLIError.failed(ServiceError.badReply.message) }
        if arguments.flag("--json") {
            context.print(NodeCommandSupport.json(OfflineStatus(nodeId: result.nodeId, store: storeStatus)))
            return 0
        }
        let data = CommandSupport.dataDirectory(arguments, context)
        context.print(context.text(Localized(
            en: "no node is running on \(data.path) (start one with 'kabar run')",
            id: "tidak ada node yang berjalan di \(data.path) (jalankan dengan 'kabar run')")))
        if let nodeID = result.nodeId { context.print(context.text(Localized(en: "node:    ", id: "node:    ")) + nodeID) }
        context.print(NodeCommandSupport.storeLine(storeStatus, context))
        return 0
    }

    /// `status --json` when no node runs.
    struct OfflineStatus: Encodable {
        var running = false
        var nodeId: String?
        var store: StoreStatus
    }
}

/// `kabar sync`: reconcile with every peer now.
enum SyncCommand: Command {
    static let spec = CommandSpec(
        path: ["sync"],
        summary: Localized(en: "reconcile with every peer now", id: "selaraskan dengan semua peer sekarang"),
        options: [.data],
        discussion: Localized(
            en: "Needs a running node. The node beacons at once and starts a reconciliation with each peer; the log says what each found.",
            id: "Perlu node yang berjalan. Node langsung mengirim suar dan mulai menyelaraskan dengan tiap peer; log mencatat hasilnya."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        ServiceCommand.printWords(.sync, try ServiceCommand.perform(.sync, arguments, context), context)
        return 0
    }
}

/// Formatting shared by `peers` and `status`.
enum NodeCommandSupport {
    static func json(_ value: some Encodable) -> String {
        var line = ControlProtocol.encodeLine(value)
        line.removeLast()
        return String(decoding: line, as: UTF8.self)
    }

    static func peerTable(_ peers: [PeerStatus], _ context: CommandContext) -> String {
        let header = context.language == .indonesian
            ? ["ALAMAT", "KUNCI", "SELINK", "SAH", "TERAKHIR", "RTT", "KIRIM", "TERIMA", "JAM"]
            : ["ADDRESS", "KEY", "ON-LINK", "VALID", "LAST SEEN", "RTT", "SENT", "RECEIVED", "CLOCK"]
        let yes = context.text(Localized(en: "yes", id: "ya")), no = context.text(Localized(en: "no", id: "tidak"))
        var rows = [header]
        for peer in peers {
            rows.append([
                peer.address + (peer.isStatic ? " *" : ""), peer.key.map { String($0.prefix(12)) } ?? "-",
                peer.onLink ? yes : no, peer.validated ? yes : no, "\(Int(peer.lastSeenS))s",
                peer.roundTripMs.map { String(format: "%.1fms", $0) } ?? "-",
                bytes(Int64(peer.bytesSent)), bytes(Int64(peer.bytesReceived)),
                peer.clockOffsetMs.map { String(format: "%+.1fs", Double($0) / 1_000) } ?? "-",
            ])
        }
        let widths = (0..<header.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    static func statusText(_ status: NodeStatus, _ context: CommandContext) -> String {
        var lines: [String] = []
        let label = { (en: String, id: String) in context.text(Localized(en: en, id: id)).padding(toLength: 9, withPad: " ", startingAt: 0) }
        lines.append(label("node", "node") + status.nodeId)
        lines.append(label("uptime", "aktif") + duration(status.uptimeS))
        lines.append(label("network", "jaringan") + "\(status.network), UDP \(status.port)")
        lines.append(label("board", "papan") + (status.web.map { NodeRunner.boardAddresses(port: UInt16(clamping: $0)).joined(separator: "  ") }
            ?? context.text(Localized(en: "off", id: "mati"))))
        lines.append(storeLine(status.store, context))
        let clock = status.clock
        var clockLine = label("clock", "jam") + context.text(Localized(en: "own ", id: "sendiri ")) + LogTime.format(milliseconds: clock.ownMs)
        if clock.estimatedMs != clock.ownMs {
            clockLine += context.text(Localized(en: ", estimated ", id: ", perkiraan ")) + LogTime.format(milliseconds: clock.estimatedMs)
        }
        if let offset = clock.peerMedianOffsetMs {
            clockLine += context.text(Localized(en: ", peers' median ", id: ", median peer ")) + String(format: "%+.1fs", Double(offset) / 1_000)
        }
        lines.append(clockLine)
        if clock.ownClockWrong {
            lines.append(context.text(Localized(
                en: "warning: this node's clock is wrong; it uses its peers' time instead. Set the date (or add a real-time clock).",
                id: "peringatan: jam node ini salah; node memakai waktu peer. Atur tanggalnya (atau pasang jam waktu nyata).")))
        } else if clock.uncorrectable {
            lines.append(context.text(Localized(
                en: "warning: this node's clock reads before the build date and no peer can correct it. Set the date.",
                id: "peringatan: jam node ini sebelum tanggal pembuatan dan tidak ada peer yang dapat membetulkannya. Atur tanggalnya.")))
        }
        lines.append(label("peers", "peer") + "\(status.peers.count)")
        var text = lines.joined(separator: "\n") + "\n"
        if !status.peers.isEmpty { text += peerTable(status.peers, context) }
        return text
    }

    static func storeLine(_ store: StoreStatus, _ context: CommandContext) -> String {
        let channels = store.byChannel.keys.sorted().map { "\($0) \(store.byChannel[$0] ?? 0)" }.joined(separator: ", ")
        var line = context.text(Localized(en: "store    ", id: "simpanan ")) + "\(store.count) "
            + context.text(Localized(en: "bulletins", id: "buletin"))
        if !channels.isEmpty { line += " (\(channels))" }
        if let disk = store.diskBytes {
            line += context.text(Localized(en: "; disk ", id: "; disk ")) + bytes(disk)
            if let quota = store.quotaBytes {
                line += context.text(Localized(en: " of ", id: " dari ")) + bytes(quota) + " ("
                    + String(format: "%.0f%%", Double(disk) * 100 / Double(max(quota, 1))) + ")"
            }
        }
        if let damage = store.damage { line += "\n" + context.text(damage.localized) }
        return line
    }

    static func bytes(_ count: Int64) -> String {
        if count >= 1_000_000_000 { return String(format: "%.1f GB", Double(count) / 1e9) }
        if count >= 1_000_000 { return String(format: "%.1f MB", Double(count) / 1e6) }
        if count >= 1_000 { return String(format: "%.1f KB", Double(count) / 1e3) }
        return "\(count) B"
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds)
        let (days, hours, minutes, rest) = (total / 86_400, total / 3_600 % 24, total / 60 % 60, total % 60)
        if days > 0 { return "\(days)d \(hours)h \(minutes)m" }
        if hours > 0 { return "\(hours)h \(minutes)m \(rest)s" }
        if minutes > 0 { return "\(minutes)m \(rest)s" }
        return "\(rest)s"
    }
}
