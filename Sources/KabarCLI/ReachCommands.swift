import Kabar
import KabarNode

/// `kabar reach ID`: which halls hold a bulletin, as their own reports tell (Documentation/Reach.md).
enum ReachCommand: Command {
    static let spec = CommandSpec(
        path: ["reach"],
        summary: Localized(en: "show which halls a bulletin reached", id: "tampilkan balai mana yang sudah menerima buletin"),
        positionals: [PositionalSpec("ID")],
        options: [.data, .json],
        discussion: Localized(
            en: "Counts the halls whose newest hall report lists the bulletin, out of every hall with a live report, and says when each first had it; halls that have not reported since the bulletin was posted cannot be counted yet. --json prints {id, halls_reached, halls_known, halls: [{node, label, first_seen, last_report, status}]}, times in Unix milliseconds.",
            id: "Menghitung balai yang laporan terbarunya mencantumkan buletin itu, dari semua balai yang laporannya masih berlaku, dan kapan masing-masing pertama memilikinya; balai yang belum melapor sejak buletin dikirim belum dapat dihitung. --json mencetak {id, halls_reached, halls_known, halls: [{node, label, first_seen, last_report, status}]}, waktu dalam milidetik Unix."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let request = ControlRequest.reach(TargetParameters(id: arguments.positionals[0]))
        guard let reach = try ServiceCommand.perform(request, arguments, context).reach else { return 1 }
        if arguments.flag("--json") {
            context.print(NodeCommandSupport.json(reach))
            return 0
        }
        context.print(context.text(Localized(
            en: "\(String(reach.id.prefix(12))): \(reach.hallsReached) of \(reach.hallsKnown) halls",
            id: "\(String(reach.id.prefix(12))): \(reach.hallsReached) dari \(reach.hallsKnown) balai")))
        for hall in reach.halls {
            let name = hall.label.isEmpty ? String(hall.node.prefix(12)) : hall.label
            let state: Localized
            switch hall.status {
            case "reached":
                let when = TimeText.local(UnixTime(milliseconds: hall.firstSeen ?? 0), seconds: false)
                state = Localized(en: "has it since \(when)", id: "memilikinya sejak \(when)")
            case "not_reached": state = Localized(en: "does not have it", id: "belum memilikinya")
            case "not_reported_since": state = Localized(en: "not reported since it was posted", id: "belum melapor sejak dikirim")
            default: state = Localized(en: "cannot tell (older than its report covers)", id: "tidak dapat diketahui (lebih lama dari cakupan laporannya)")
            }
            let last = TimeText.local(UnixTime(milliseconds: hall.lastReport), seconds: false)
            context.print("  \(TimeText.clip(name, to: 32).reachPadded(to: 32))  \(context.text(state))  (\(context.text(Localized(en: "report", id: "laporan"))) \(last))")
        }
        return 0
    }
}

/// `kabar halls`: every hall with a live report.
enum HallsCommand: Command {
    static let spec = CommandSpec(
        path: ["halls"],
        summary: Localized(en: "list the halls known by their reports", id: "daftar balai yang dikenal dari laporannya"),
        options: [.data, .json],
        discussion: Localized(
            en: "Every node whose hall report this node holds, with its newest report. --json prints an array of {node, label, software, last_report, expires, store_count, store_bytes, clock_offset_s, heard_age_s, mule_age_s, holdings, report}.",
            id: "Setiap node yang laporan balainya dipegang node ini, dengan laporan terbarunya. --json mencetak larik {node, label, software, last_report, expires, store_count, store_bytes, clock_offset_s, heard_age_s, mule_age_s, holdings, report}."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let halls = try ServiceCommand.perform(.halls, arguments, context).halls ?? []
        if arguments.flag("--json") {
            context.print(NodeCommandSupport.json(halls))
            return 0
        }
        if halls.isEmpty {
            context.print(context.text(Localized(en: "no hall reports yet", id: "belum ada laporan balai")))
            return 0
        }
        for hall in halls {
            let name = hall.label.isEmpty ? String(hall.node.prefix(12)) : hall.label
            let last = TimeText.local(UnixTime(milliseconds: hall.lastReport), seconds: false)
            context.print(context.text(Localized(
                en: "\(TimeText.clip(name, to: 32).reachPadded(to: 32))  \(String(hall.node.prefix(12)))  report \(last)  \(hall.holdings) official  \(hall.storeCount) stored  \(hall.software)",
                id: "\(TimeText.clip(name, to: 32).reachPadded(to: 32))  \(String(hall.node.prefix(12)))  laporan \(last)  \(hall.holdings) resmi  \(hall.storeCount) tersimpan  \(hall.software)")))
        }
        return 0
    }
}

extension String {
    /// The text padded with spaces to `width` characters.
    fileprivate func reachPadded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
