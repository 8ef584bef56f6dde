import Kabar
import KabarNode
import KabarPlatform

/// `kabar export FILE`: writes bulletins to a bundle for a USB stick.
enum ExportCommand: Command {
    static let spec = CommandSpec(
        path: ["export"],
        summary: Localized(en: "write stored bulletins to a bundle file", id: "tulis buletin tersimpan ke berkas bundel"),
        positionals: [PositionalSpec("FILE")],
        options: [
            .data,
            .value("--channel", "C", short: "-c", help: Localized(en: "only this channel", id: "hanya kanal ini")),
            .value("--since", "TIME", help: Localized(
                en: "only bulletins created since TIME: 7d (ago), 2026-11-01 (UTC), or milliseconds since 1970",
                id: "hanya buletin yang dibuat sejak TIME: 7d (lalu), 2026-11-01 (UTC), atau milidetik sejak 1970")),
            .json,
        ],
        discussion: Localized(
            en: "The file appears complete or not at all. Expired bulletins are left out. Documentation/Bundle.md describes the format.",
            id: "Berkas muncul utuh atau tidak sama sekali. Buletin kedaluwarsa tidak disertakan. Documentation/Bundle.md menjelaskan formatnya."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let path = arguments.positionals[0]
        let now = UnixTime(milliseconds: WallClock.now())
        var channel: String?
        if let name = arguments.value("--channel") {
            guard BulletinCodec.isValidChannelName(name) else {
                throw CLIError.usage(BulletinError.invalidChannelName(name).localizedMessage)
            }
            channel = name
        }
        var since: UnixTime?
        if let text = arguments.value("--since") {
            guard let time = TimeText.parsePast(text, now: now) else {
                throw CLIError.usage(Localized(
                    en: "--since takes 7d, 2026-11-01 or milliseconds since 1970, not '\(text)'",
                    id: "--since menerima 7d, 2026-11-01 atau milidetik sejak 1970, bukan '\(text)'"))
            }
            since = time
        }
        let result = try ServiceCommand.perform(
            .export(ExportParameters(path: ServiceCommand.absolute(path), channel: channel, sinceMs: since?.milliseconds)),
            arguments, context)
        let count = result.count ?? 0
        if arguments.flag("--json") {
            context.print("{\"count\":\(count),\"path\":\(BulletinJSON.quote(path))}")
            return 0
        }
        context.print(context.text(Localized(
            en: "wrote \(count) \(count == 1 ? "bulletin" : "bulletins") to \(path)",
            id: "\(count) buletin ditulis ke \(path)")))
        return 0
    }
}

/// `kabar import FILE`: checks and stores the bulletins of a bundle.
enum ImportCommand: Command {
    static let spec = CommandSpec(
        path: ["import"],
        summary: Localized(en: "check and store the bulletins of a bundle file", id: "periksa dan simpan buletin dari berkas bundel"),
        positionals: [PositionalSpec("FILE")],
        options: [.data, .json],
        discussion: Localized(
            en: "Every bulletin is checked (signature, dates, retractions, and the trust rules: official channels, grants, quotas, blocks; each rejection names its rule). Exit 0 when all were good, 1 when some were rejected or the bundle was damaged (the good ones are still stored), 2 when the file cannot be read.",
            id: "Setiap buletin diperiksa (tanda tangan, tanggal, penarikan, dan aturan kepercayaan: kanal resmi, izin, kuota, blokir; tiap penolakan menyebut aturannya). Keluar 0 bila semua baik, 1 bila ada yang ditolak atau bundel rusak (yang baik tetap disimpan), 2 bila berkas tidak dapat dibaca."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let path = arguments.positionals[0]
        let result = try ServiceCommand.perform(.importBundle(PathParameters(path: ServiceCommand.absolute(path))), arguments, context)
        guard let report = result.imported else { throw CLIError.failed(ServiceError.badReply.message) }
        context.write(arguments.flag("--json") ? json(report, context) : describe(report, context))
        return report.isClean ? 0 : 1
    }

    /// The report as one JSON object: added, already_had, rejected, rejections (reason in the
    /// person's language, count, sample ids), bundle_problem (null when the bundle was whole)
    /// and stopped_by (null unless the import stopped early, a full disk: what was added is stored).
    static func json(_ report: ImportSummary, _ context: CommandContext) -> String {
        let groups = report.rejections.map { group in
            "{\"count\":\(group.count),\"ids\":[\(group.ids.map(BulletinJSON.quote).joined(separator: ","))],"
                + "\"reason\":\(BulletinJSON.quote(context.text(group.reason.localized)))}"
        }
        let problem = report.bundleProblem.map { BulletinJSON.quote(context.text($0.localized)) } ?? "null"
        let stopped = report.stoppedBy.map { BulletinJSON.quote(context.text($0.localized)) } ?? "null"
        return "{\"added\":\(report.added),\"already_had\":\(report.alreadyHad),\"blocks_added\":\(report.blocksAdded ?? 0),"
            + "\"blocks_skipped\":\(report.blocksSkipped ?? 0),\"bundle_problem\":\(problem),\"evicted\":\(report.evicted ?? 0),"
            + "\"rejected\":\(report.rejected),\"rejections\":[\(groups.joined(separator: ","))],\"stopped_by\":\(stopped)}\n"
    }

    static func describe(_ report: ImportSummary, _ context: CommandContext) -> String {
        var out = context.text(Localized(
            en: "added \(report.added), already had \(report.alreadyHad), rejected \(report.rejected)",
            id: "ditambah \(report.added), sudah ada \(report.alreadyHad), ditolak \(report.rejected)")) + "\n"
        if let blocks = report.blocksAdded, blocks > 0 || (report.blocksSkipped ?? 0) > 0 {
            out += context.text(Localized(
                en: "attachment blocks: \(blocks) stored, \(report.blocksSkipped ?? 0) skipped (no bulletin of the bundle lists them)",
                id: "blok lampiran: \(blocks) disimpan, \(report.blocksSkipped ?? 0) dilewati (tidak ada buletin bundel yang memuatnya)")) + "\n"
        }
        if let evicted = report.evicted, evicted > 0 {
            out += context.text(Localized(
                en: "note: the store reached its disk quota; \(evicted) bulletins (the oldest community posts first) were evicted to stay within it (kabar.conf quota)",
                id: "catatan: simpanan mencapai kuota disk; \(evicted) buletin (kiriman komunitas terlama dulu) dikeluarkan agar tetap di dalamnya (kuota di kabar.conf)")) + "\n"
        }
        for group in report.rejections {
            let ids = group.ids.map { String($0.prefix(12)) }.joined(separator: ", ")
            let more = group.count > group.ids.count ? ", …" : ""
            out += "  \(group.count) × \(context.text(group.reason.localized)) (\(ids)\(more))\n"
        }
        if let problem = report.bundleProblem {
            out += context.text(Localized(en: "warning: ", id: "peringatan: ")) + context.text(problem.localized) + "\n"
        }
        if let stopped = report.stoppedBy {
            out += context.text(Localized(
                en: "error: the import stopped early: \(stopped.en). The \(report.added) bulletins added before it are stored",
                id: "galat: impor berhenti lebih awal: \(stopped.id). \(report.added) buletin yang ditambahkan sebelumnya tersimpan")) + "\n"
        }
        return out
    }
}
