import Foundation
import Kabar
import KabarNode
import KabarPlatform

/// `kabar watch`: what the running node does, as it happens.
enum WatchCommand: Command {
    static let spec = CommandSpec(
        path: ["watch"],
        summary: Localized(en: "show the node's events as they happen", id: "tampilkan kejadian di node saat terjadi"),
        options: [
            .data, .json,
            .value("--count", "N", help: Localized(
                en: "stop after N events (default: until Ctrl-C)", id: "berhenti setelah N kejadian (bawaan: sampai Ctrl-C)")),
        ],
        discussion: Localized(
            en: "Needs a running node. Prints every bulletin stored (from a peer or posted here), every peer that comes or goes quiet, refused floods and notices, the moment the node sees them. --json prints one JSON object a line (Documentation/Control.md).",
            id: "Perlu node yang berjalan. Mencetak setiap buletin yang tersimpan (dari peer atau dikirim di sini), setiap peer yang datang atau tak terdengar lagi, banjiran yang ditolak dan pemberitahuan, saat node melihatnya. --json mencetak satu objek JSON per baris (Documentation/Control.md)."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let data = CommandSupport.dataDirectory(arguments, context)
        let limit = try arguments.integer("--count", in: 1...1_000_000_000)
        guard let client = ControlClient.connect(data) else {
            throw CLIError(ServiceLink.noNodeRunning(data))
        }
        defer { client.close() }
        client.send(.watch)
        var shown = 0
        while context.outputFailure == nil {
            let reply: ControlReply?
            do {
                // Wake now and then to notice a closed standard output.
                reply = try client.nextReply(until: MonotonicClock.now() + 1_000_000)
            } catch {
                throw CLIError(error)
            }
            switch reply {
            case nil, .done?, .bulletin?: continue
            case .failure(let error)?: throw CLIError(error)
            case .event(let event)?:
                let now = UnixTime(milliseconds: WallClock.now())
                context.print(arguments.flag("--json") ? EventJSON.object(event, at: now) : line(event, at: now, context))
                shown += 1
                if let limit, shown >= limit { return 0 }
            }
        }
        return 0
    }

    /// One event as a line a person reads: the time, what happened, and where from.
    static func line(_ event: ServiceEvent, at time: UnixTime, _ context: CommandContext) -> String {
        let clock = TimeText.local(time, seconds: true)
        let words: Localized
        switch event {
        case .bulletinStored(let bulletin, let source):
            let origin = source.map { Localized(en: "from \($0)", id: "dari \($0)") }
                ?? Localized(en: "posted here", id: "dikirim di sini")
            words = Localized(
                en: "new on #\(bulletin.channel): \(bulletin.title)  [\(bulletin.id.short), \(origin.en)]",
                id: "baru di #\(bulletin.channel): \(bulletin.title)  [\(bulletin.id.short), \(origin.id)]")
        case .peerJoined(let address): words = Localized(en: "peer joined: \(address)", id: "peer bergabung: \(address)")
        case .peerLeft(let address): words = Localized(en: "peer gone quiet: \(address)", id: "peer tidak terdengar lagi: \(address)")
        case .refused(let source, let count, let reason):
            words = Localized(
                en: "refused \(count) from \(source): \(reason.en)", id: "menolak \(count) dari \(source): \(reason.id)")
        case .notice(let message): words = message.localized
        case .lagged(let missed):
            words = Localized(
                en: "(this watch fell behind: \(missed) events were not shown)",
                id: "(pemantauan ini tertinggal: \(missed) kejadian tidak ditampilkan)")
        }
        return clock + "  " + context.text(words)
    }
}

/// `kabar reload`: the running node reads kabar.conf again.
enum ReloadCommand: Command {
    static let spec = CommandSpec(
        path: ["reload"],
        summary: Localized(en: "apply a changed kabar.conf without a restart", id: "terapkan kabar.conf yang berubah tanpa menjalankan ulang"),
        options: [.data],
        discussion: Localized(
            en: "Needs a running node (systemctl reload kabar does the same). Peers, channels, quotas, authorities, the log level and the language apply at once; a new port or network name waits for a restart. A file that does not read is refused with the line at fault, and the node keeps its running settings.",
            id: "Perlu node yang berjalan (systemctl reload kabar sama saja). Peer, kanal, kuota, otoritas, tingkat log dan bahasa langsung berlaku; port atau nama jaringan baru menunggu dijalankan ulang. Berkas yang tidak terbaca ditolak dengan baris yang salah, dan node tetap memakai pengaturan yang berjalan."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        ServiceCommand.printWords(.reload, try ServiceCommand.perform(.reload, arguments, context), context)
        return 0
    }
}
