import Kabar
import KabarNode

/// `kabar reach ID`: which halls hold a bulletin, as their own reports tell (Documentation/Reach.md).
enum ReachCommand: Command {
    static let spec = CommandSpec(
        path: ["reach"],
        summary: Localized(en: "show which halls a bulletin reached", id: "tampilkan balai mana yang sudah menerima buletin"),
        positionals: [PositionalSpec("ID")],
        options: [
            .data, .json,
            .value("--svg", "FILE", help: Localized(
                en: "also write the chart of halls reached over time to FILE", id: "tulis juga grafik balai yang menerima dari waktu ke waktu ke FILE")),
        ],
        discussion: Localized(
            en: "Counts the halls whose newest hall report lists the bulletin, out of every hall with a live report, and says when each first had it; halls that have not reported since the bulletin was posted cannot be counted yet. --json prints {id, halls_reached, halls_known, halls: [{node, label, first_seen, last_report, status}], created, title}, times in Unix milliseconds (created and title only when this node holds the bulletin). --svg FILE draws halls reached against time since the post, the halls not reported since as a grey band, and a line a hall (Documentation/Reach.md).",
            id: "Menghitung balai yang laporan terbarunya mencantumkan buletin itu, dari semua balai yang laporannya masih berlaku, dan kapan masing-masing pertama memilikinya; balai yang belum melapor sejak buletin dikirim belum dapat dihitung. --json mencetak {id, halls_reached, halls_known, halls: [{node, label, first_seen, last_report, status}], created, title}, waktu dalam milidetik Unix (created dan title hanya bila node ini memegang buletinnya). --svg FILE menggambar balai yang menerima terhadap waktu sejak dikirim, balai yang belum melapor sebagai pita abu-abu, dan satu baris per balai (Documentation/Reach.md)."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let request = ControlRequest.reach(TargetParameters(id: arguments.positionals[0]))
        let result = try ServiceCommand.perform(request, arguments, context)
        guard let reach = result.reach else { return 1 }
        if let path = arguments.value("--svg") {
            do {
                try ReachChart.write(reach, language: context.language, to: path)
            } catch {
                throw CLIError(error)
            }
        }
        if arguments.flag("--json") {
            context.print(NodeCommandSupport.json(reach))
            return 0
        }
        ServiceCommand.printWords(request, result, context)
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
        let result = try ServiceCommand.perform(.halls, arguments, context)
        if arguments.flag("--json") {
            context.print(NodeCommandSupport.json(result.halls ?? []))
            return 0
        }
        ServiceCommand.printWords(.halls, result, context)
        return 0
    }
}
