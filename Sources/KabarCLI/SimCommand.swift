import Foundation
import Kabar
import KabarSimulation

/// `kabar sim SCENARIO`: runs a scenario of `Simulation/scenarios/` with real nodes and reports
/// coverage against the physical limit, delivery, redundancy and traffic.
enum SimCommand: Command {
    static let spec = CommandSpec(
        path: ["sim"],
        summary: Localized(
            en: "simulate a deployment (a built-in scenario such as hall, district, backlog, or a FILE.scenario) against the physical limit",
            id: "simulasikan jaringan (skenario bawaan seperti hall, district, backlog, atau BERKAS.scenario) dibanding batas fisik"),
        positionals: [PositionalSpec("SCENARIO")],
        options: [
            .value("--seed", "N", help: Localized(en: "run seed (default 1)", id: "benih acak (bawaan 1)")),
            .value("--nodes", "N", help: Localized(en: "nodes in halls (default: the scenario's)", id: "jumlah node di balai (bawaan: dari skenario)")),
            .value("--duration", "TIME", help: Localized(en: "stop at this virtual time, e.g. 30m (default: the scenario's)", id: "berhenti pada waktu virtual ini, mis. 30m (bawaan: dari skenario)")),
            .json,
            .value("--csv", "FILE", help: Localized(en: "write one row per bulletin to FILE", id: "tulis satu baris per buletin ke FILE")),
            .value("--svg", "FILE", help: Localized(en: "write the coverage and traffic chart to FILE", id: "tulis grafik jangkauan dan lalu lintas ke FILE")),
            .flag("--no-flood", help: Localized(
                en: "leave the scenario's attackers out (flood, spam): the same honest traffic alone",
                id: "tanpa penyerang skenario (flood, spam): lalu lintas jujur yang sama saja")),
        ],
        discussion: Localized(
            en: "Runs real nodes (real signatures) over the scenario's virtual network until every bulletin reaches every node that could get it, then for an idle window. The limit is the earliest possible arrival on the same time-varying graph (latency and serialisation, no loss, floored at 1 s for the stretch). Same seed, same run. Build with -c release.",
            id: "Menjalankan node sebenarnya (tanda tangan sebenarnya) di jaringan virtual skenario sampai setiap buletin tiba di setiap node yang bisa menerimanya, lalu selama jeda diam. Batasnya adalah waktu tiba paling awal di graf yang sama (latensi dan serialisasi, tanpa kehilangan, minimal 1 detik untuk rasio). Benih sama, hasil sama. Bangun dengan -c release."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let name = arguments.positional(0) ?? ""
        var definition: ScenarioDefinition
        do {
            if name.hasSuffix(".scenario") {
                definition = try readScenario(at: name)
            } else {
                guard let found = try ScenarioLibrary.definition(named: name) else {
                let names = ScenarioLibrary.names.joined(separator: ", ")
                throw CLIError.usage(Localized(en: "no scenario named \(name); the scenarios are: \(names)",
                                               id: "tidak ada skenario bernama \(name); skenarionya: \(names)"))
            }
                definition = found
            }
        } catch let error as ScenarioFileError {
            throw CLIError.failed(Localized(en: error.text(.english), id: error.text(.indonesian)))
        }
        if arguments.flag("--no-flood") {
            definition.flood = nil
            definition.spam = nil
        }
        let seedText = arguments.value("--seed") ?? "1"
        guard let seed = UInt64(seedText) else {
            throw CLIError.usage(Localized(en: "--seed needs a whole number from 0 to 2^64-1, not \(seedText)",
                                           id: "--seed perlu bilangan bulat 0 sampai 2^64-1, bukan \(seedText)"))
        }
        let nodes = try arguments.integer("--nodes", in: 2...100_000)
        let duration = try arguments.value("--duration").map(parseDuration)
        let clock = ContinuousClock()
        let started = clock.now
        let showProgress = isatty(STDERR_FILENO) == 1 && !arguments.flag("--json")
        // With a spam flood the same honest traffic runs first without it, for the comparison.
        let result = StudioRunner.runComparingWithoutFlood(definition, seed: seed, nodes: nodes, duration: duration) { progress in
            guard showProgress else { return }
            let share = progress.pairs == 0 ? 100 : progress.delivered * 100 / progress.pairs
            FileHandle.standardError.write(Data("\r\(context.text(Localized(en: "virtual", id: "virtual"))) \(progress.now) / \(progress.deadline)  \(share)%   ".utf8))
        }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let elapsed = clock.now - started
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var reproduce = "kabar sim \(name) --seed \(seed)"
        if let nodes { reproduce += " --nodes \(nodes)" }
        if let text = arguments.value("--duration") { reproduce += " --duration \(text)" }
        if arguments.flag("--no-flood") { reproduce += " --no-flood" }
        if let path = arguments.value("--csv") { try write(SimReport.csv(result), to: path) }
        if let path = arguments.value("--svg") { try write(StudioChart.svg(result), to: path) }
        if arguments.flag("--json") {
            context.print(SimReport.json(result, wall: wall, reproduce: reproduce))
        } else {
            SimReport.text(result, wall: wall, reproduce: reproduce, language: context.language).forEach(context.print)
        }
        return 0
    }

    /// Scenario files read from disk are at most this big (a scenario is a few hundred bytes).
    static let scenarioFileBytesMax = 1 << 20

    /// A planner's own scenario file, in the format of `Simulation/scenarios/`.
    static func readScenario(at path: String) throws -> ScenarioDefinition {
        let url = URL(fileURLWithPath: path)
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw CLIError.failed(Localized(en: "cannot read \(path): check the path and that the file is readable",
                                            id: "tidak bisa membaca \(path): periksa jalurnya dan bahwa berkasnya bisa dibaca"))
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: scenarioFileBytesMax + 1)) ?? Data()
        guard data.count <= scenarioFileBytesMax else {
            throw CLIError.failed(Localized(en: "\(path) is larger than 1 MiB: not a scenario file",
                                            id: "\(path) lebih besar dari 1 MiB: bukan berkas skenario"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError.failed(Localized(en: "\(path) is not UTF-8 text", id: "\(path) bukan teks UTF-8"))
        }
        let name = String(url.lastPathComponent.dropLast(".scenario".count))
        return try ScenarioFile.parse(text, file: path, name: name.isEmpty ? "scenario" : name)
    }

    static func parseDuration(_ text: String) throws -> TimeSpan {
        let units: [(String, Int64)] = [("ms", 1_000), ("s", 1_000_000), ("m", 60_000_000), ("h", 3_600_000_000)]
        for (unit, microseconds) in units where text.hasSuffix(unit) && !(unit == "s" && text.hasSuffix("ms")) {
            if let number = Int64(text.dropLast(unit.count)), number > 0, number <= 1_000_000 { return .microseconds(number * microseconds) }
        }
        throw CLIError.usage(Localized(en: "--duration is a time such as 90s, 30m or 2h, not \(text)",
                                       id: "--duration adalah waktu seperti 90s, 30m atau 2h, bukan \(text)"))
    }

    static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw CLIError.failed(Localized(en: "cannot write \(path): check the folder exists and is writable",
                                            id: "tidak bisa menulis \(path): periksa foldernya ada dan bisa ditulisi"))
        }
    }
}

/// The words and numbers `kabar sim` prints.
enum SimReport {
    /// One JSON object, keys in a fixed order.
    static func json(_ result: StudioResult, wall: Double, reproduce: String) -> String {
        func classObject(_ figures: StudioClassResult) -> String {
            "{\"bulletins\": \(figures.bulletins), \"delivery_ratio\": \(value(figures.deliveryRatio)), "
                + "\"coverage_p50_s\": \(value(figures.coverage[50])), \"coverage_p90_s\": \(value(figures.coverage[90])), "
                + "\"coverage_p100_s\": \(value(figures.coverage[100])), \"limit_p50_s\": \(value(figures.limit[50])), "
                + "\"limit_p90_s\": \(value(figures.limit[90])), \"limit_p100_s\": \(value(figures.limit[100])), "
                + "\"coverage_p100_max_s\": \(value(figures.coverage100Max)), \"limit_p100_max_s\": \(value(figures.limit100Max)), "
                + "\"stretch_p99\": \(value(figures.stretchP99)), \"redundancy\": \(value(figures.redundancy))}"
        }
        let all = result.all
        let classes = result.classes.map { "\"\($0.name)\": \(classObject($0))" }.joined(separator: ", ")
        return "{\"scenario\": \"\(result.scenario)\", \"seed\": \(result.seed), \"nodes\": \(result.nodes), "
            + "\"delivery_ratio\": \(value(deliveryRatio(result))), \"coverage_p50_s\": \(value(all.coverage[50])), "
            + "\"coverage_p90_s\": \(value(all.coverage[90])), \"coverage_p100_s\": \(value(all.coverage[100])), "
            + "\"limit_p100_s\": \(value(all.limit[100])), \"stretch_p99\": \(value(all.stretchP99)), "
            + "\"redundancy\": \(value(all.redundancy)), \"idle_bytes_per_node_per_s\": \(value(result.idleBytesPerNodePerSecond)), "
            + "\"wall_s\": \(value(wall)), \"bulletins\": \(all.bulletins), \"attackers\": \(result.attackers), "
            + "\"converged\": \(result.converged), \"converged_at_s\": \(value((result.convergedAt - Instant.zero).seconds)), "
            + "\"limit_p50_s\": \(value(all.limit[50])), \"limit_p90_s\": \(value(all.limit[90])), "
            + "\"coverage_p100_max_s\": \(value(all.coverage100Max)), \"limit_p100_max_s\": \(value(all.limit100Max)), "
            + "\"load_bytes_per_node_per_h\": \(value(result.loadBytesPerNodePerHour)), "
            + "\"idle_bytes_per_node_per_h\": \(value(result.idleBytesPerNodePerSecond * 3_600)), "
            + "\"forged_stored\": \(result.forgedStored), \"events\": \(result.metrics.eventsProcessed), "
            + "\"goodput_ratio\": \(value(result.firstSync?.goodputRatio ?? result.attachments?.goodputRatio ?? result.muleGoodputRatio)), "
            + attachmentKeys(result.attachments)
            + "\"mule_goodput_ratio\": \(value(result.muleGoodputRatio)), \(firstSync(result.firstSync))\(spamKeys(result))\(reachKeys(result.reach))"
            + "\"classes\": {\(classes)}, \"digest\": \"\(result.digest)\", \"reproduce\": \"\(reproduce)\"}"
    }

    /// Delivered over reachable (bulletin, node) pairs: the posts', and a newcomer's backlog.
    static func deliveryRatio(_ result: StudioResult) -> Double {
        guard let sync = result.firstSync else { return result.all.deliveryRatio }
        let reachable = result.bulletins.reduce(0) { $0 + $1.reachable } + sync.backlog
        let delivered = result.bulletins.reduce(0) { $0 + $1.delivered } + sync.held
        return reachable == 0 ? 1 : Double(delivered) / Double(reachable)
    }

    /// The newcomer's keys, each followed by a comma; nothing when the scenario has none.
    /// The attachments' keys, when posts attach files (ends with ", " like `firstSync`).
    static func attachmentKeys(_ attachments: StudioAttachments?) -> String {
        guard let attachments else { return "" }
        return "\"attachment_pairs\": \(attachments.pairs), \"attachment_delivery_ratio\": \(value(attachments.deliveryRatio)), "
            + "\"attachment_coverage_p100_s\": \(value(attachments.coverageP100)), \"attachment_limit_p100_s\": \(value(attachments.limitP100)), "
            + "\"attachment_goodput_ratio\": \(value(attachments.goodputRatio)), "
    }

    /// The spam flood's keys (issue 17), each followed by a comma; nothing without a flood.
    static func spamKeys(_ result: StudioResult) -> String {
        guard let spam = result.spam else { return "" }
        let ratio = spam.stretchP99WithoutFlood.map { result.all.stretchP99 / max($0, 1e-9) }
        return "\"honest_delivery_ratio\": \(value(result.all.deliveryRatio)), \"honest_stretch_p99\": \(value(result.all.stretchP99)), "
            + "\"honest_delivery_ratio_without_flood\": \(value(spam.deliveryRatioWithoutFlood)), "
            + "\"honest_stretch_p99_without_flood\": \(value(spam.stretchP99WithoutFlood)), \"honest_stretch_ratio\": \(value(ratio)), "
            + "\"honest_evicted\": \(spam.honestEvicted), \"honest_evictions\": \(spam.honestEvictions), "
            + "\"honest_removals\": \(spam.honestRemovals), \"honest_refusals\": \(spam.honestRefusals), "
            + "\"stranger_bytes_stored_per_node\": \(spam.strangerBytesMax), \"stranger_bytes_stored_per_node_mean\": \(value(spam.strangerBytesMean)), "
            + "\"stranger_bytes_stored_per_node_peak\": \(spam.strangerBytesPeak), \"stranger_bulletins_stored_per_node\": \(spam.strangerBulletinsMax), "
            + "\"stranger_budget_bytes\": \(spam.budgetBytes.map(String.init) ?? "null"), \"store_quota_bytes\": \(spam.quotaBytes.map(String.init) ?? "null"), "
            + "\"honest_store_bytes_max\": \(spam.honestStoreBytesMax), \"stranger_refusals\": \(spam.strangerRefusals), "
            + "\"spam_keys\": \(spam.keys), \"spam_keys_used\": \(spam.keysUsed), \"spam_posts\": \(spam.posts), "
            + "\"spam_bytes_posted\": \(spam.bytesPosted), \"spam_posts_stored\": \(spam.postsStored), "
    }

    /// The hall reports' keys (issue 18, Documentation/Reach.md), each followed by a comma;
    /// nothing when the scenario has no reports.
    static func reachKeys(_ reach: StudioReach?) -> String {
        guard let reach else { return "" }
        return "\"report_bytes_per_node_per_day\": \(value(reach.bytesPerNodePerDay)), "
            + "\"report_traffic_bytes_per_node_per_day\": \(value(reach.trafficBytesPerNodePerDay)), "
            + "\"reports_made\": \(reach.reportsMade), \"reports_with_news\": \(reach.reportsWithNews), \"report_bytes\": \(reach.reportBytes), \"report_failures\": \(reach.failures), "
            + "\"reach_lag_p90_s\": \(value(reach.lagP90)), \"reach_reference_p90_s\": \(value(reach.referenceP90)), "
            + "\"reach_pairs\": \(reach.pairs), \"reach_pairs_known\": \(reach.pairsKnown), "
            + "\"reach_counted\": \(reach.counted), \"reach_false_positives\": \(reach.falsePositives), \"reach_missed\": \(reach.missed), \"reach_beyond_horizon\": \(reach.beyondHorizon), "
    }

    static func firstSync(_ sync: StudioFirstSync?) -> String {
        guard let sync else { return "" }
        return "\"first_sync_s\": \(value(sync.seconds)), \"limit_first_sync_s\": \(value(sync.limitSeconds)), "
            + "\"backlog\": \(sync.backlog), \"backlog_held\": \(sync.held), "
    }

    /// A number for JSON: finite with up to 4 decimals, or null.
    static func value(_ number: Double?) -> String {
        guard let number, number.isFinite else { return "null" }
        return String(format: "%.4f", number).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
    }

    /// The summary for a person.
    static func text(_ result: StudioResult, wall: Double, reproduce: String, language: Language) -> [String] {
        func say(_ en: String, _ id: String) -> String { Localized(en: en, id: id)[language] }
        func seconds(_ value: Double?) -> String {
            guard let value else { return "-" }
            if value < 1 { return String(format: "%.0fms", value * 1_000) }
            if value < 120 { return String(format: "%.2fs", value) }
            if value < 7_200 { return String(format: "%.1fm", value / 60) }
            return String(format: "%.2fh", value / 3_600)
        }
        var lines: [String] = []
        let state = result.converged ? say("converged", "konvergen") : say("NOT converged", "BELUM konvergen")
        lines.append(say("kabar sim \(result.scenario) --seed \(result.seed): \(result.nodes) nodes", "kabar sim \(result.scenario) --seed \(result.seed): \(result.nodes) node")
            + (result.attackers > 0 ? say(" + \(result.attackers) attackers", " + \(result.attackers) penyerang") : "")
            + say(", \(result.all.bulletins) bulletins; \(state) at virtual \(result.convergedAt); wall \(String(format: "%.1f", wall)) s",
                  ", \(result.all.bulletins) buletin; \(state) pada waktu virtual \(result.convergedAt); waktu nyata \(String(format: "%.1f", wall)) dtk"))
        for fault in result.drawnFaults { lines.append(say("  fault drawn: ", "  gangguan diundi: ") + fault) }
        lines.append(say("class      bulletins  delivery  p50      p90      p100     limit p100  p100/limit  stretch p99  redundancy",
                         "kelas      buletin    terkirim  p50      p90      p100     batas p100  p100/batas  rasio p99    redundansi"))
        for figures in [result.all] + result.classes {
            let ratio = figures.coverage[100].flatMap { full in figures.limit[100].map { full / max($0, 1) } }
            lines.append(pad(figures.name == "all" ? say("all", "semua") : figures.name, 11) + pad("\(figures.bulletins)", 11)
                + pad(String(format: "%.3f", figures.deliveryRatio), 10) + pad(seconds(figures.coverage[50]), 9)
                + pad(seconds(figures.coverage[90]), 9) + pad(seconds(figures.coverage[100]), 9) + pad(seconds(figures.limit[100]), 12)
                + pad(ratio.map { String(format: "%.2f", $0) } ?? "-", 12) + pad(String(format: "%.2f", figures.stretchP99), 13)
                + String(format: "%.3f", figures.redundancy))
        }
        lines.append(say("(times: median over bulletins, from the post until 50/90/100% of the nodes that could get it have it; p100/limit and the stretch floor the limit at 1 s)",
                         "(waktu: median antar buletin, dari kiriman sampai 50/90/100% node yang bisa menerimanya sudah punya; p100/batas dan rasio memakai batas minimal 1 dtk)"))
        lines.append(say("traffic: \(Int(result.loadBytesPerNodePerHour)) bytes/node/hour under load, idle \(String(format: "%.1f", result.idleBytesPerNodePerSecond)) bytes/node/s (\(Int(result.idleBytesPerNodePerSecond * 3_600)) bytes/node/hour)",
                         "lalu lintas: \(Int(result.loadBytesPerNodePerHour)) byte/node/jam saat sibuk, diam \(String(format: "%.1f", result.idleBytesPerNodePerSecond)) byte/node/dtk (\(Int(result.idleBytesPerNodePerSecond * 3_600)) byte/node/jam)"))
        if let spam = result.spam {
            let budget = spam.budgetBytes.map { say("budget \($0) bytes", "anggaran \($0) byte") } ?? say("no budget", "tanpa anggaran")
            let without = spam.stretchP99WithoutFlood.map { String(format: "%.2f", $0) } ?? "-"
            lines.append(say("spam: \(spam.posts) posts (\(spam.bytesPosted) bytes) from \(spam.keysUsed) of \(spam.keys) fresh keys; \(spam.postsStored) reached an honest node",
                             "spam: \(spam.posts) kiriman (\(spam.bytesPosted) byte) dari \(spam.keysUsed) dari \(spam.keys) kunci baru; \(spam.postsStored) sampai di node jujur"))
            lines.append(say("strangers' bytes per honest node: at most \(spam.strangerBytesMax) at the end, \(spam.strangerBytesPeak) at the peak (\(budget)); refused \(spam.strangerRefusals) times",
                             "byte orang asing per node jujur: paling banyak \(spam.strangerBytesMax) di akhir, \(spam.strangerBytesPeak) di puncak (\(budget)); ditolak \(spam.strangerRefusals) kali"))
            lines.append(say("honest bulletins evicted, removed or refused: \(spam.honestEvicted); honest stretch p99 \(String(format: "%.2f", result.all.stretchP99)) with the flood, \(without) without",
                             "buletin jujur tergusur, dihapus atau ditolak: \(spam.honestEvicted); rasio p99 jujur \(String(format: "%.2f", result.all.stretchP99)) dengan banjir, \(without) tanpa"))
        }
        if result.attackers > 0 || result.forgedStored > 0 {
            lines.append(say("forged or altered bulletins stored by honest nodes: \(result.forgedStored)",
                             "buletin palsu atau diubah yang disimpan node jujur: \(result.forgedStored)"))
        }
        lines.append(say("digest \(result.digest)", "ringkasan jejak \(result.digest)"))
        lines.append(say("reproduce: \(reproduce)", "ulangi: \(reproduce)"))
        return lines
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// One row per bulletin.
    static func csv(_ result: StudioResult) -> String {
        var lines = ["class,origin,posted_s,reachable,delivered,coverage_p100_s,limit_p100_s"]
        for row in result.bulletins {
            lines.append("\(row.className),\(row.origin),\(value((row.posted - Instant.zero).seconds)),\(row.reachable),\(row.delivered),\(value(row.full)),\(value(row.limitFull))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
