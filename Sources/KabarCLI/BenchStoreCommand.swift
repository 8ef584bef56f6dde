import Foundation
import Kabar
import KabarCrypto
import KabarNode
import KabarPlatform
import KabarSimulation

/// `kabar bench store`: what the store costs on this machine.
///
/// Figures: posts per second (sign + insert, `.immediate` with one group commit per batch of
/// 100), imports per second of a 50,000-bulletin bundle through `kabar import`'s own path
/// (decode, signatures on every core, trust rules, insert, one flush at the end), single-core
/// Ed25519 verifies per second on the same bulletins (the reference), the time and peak
/// RSS of opening a store of 100,000 bulletins (measured in a child process, so the figure is
/// the open alone), and write amplification (bytes appended to the log per bulletin byte,
/// before any compaction).
enum BenchStoreCommand: Command {
    static let spec = CommandSpec(
        path: ["bench", "store"],
        summary: Localized(
            en: "measure store posts/imports per second, open time of 100,000 bulletins and write amplification",
            id: "ukur kiriman/impor per detik, waktu membuka 100.000 buletin dan amplifikasi tulis penyimpanan"),
        options: [
            .json,
            .value(
                "--count", "N",
                help: Localized(
                    en: "bulletins in the open test (1000 to 1000000, default 100000)",
                    id: "jumlah buletin untuk uji buka (1000 sampai 1000000, bawaan 100000)")),
            .value(
                "--measure-open", "DIR",
                help: Localized(
                    en: "(internal) open the store in DIR and print time and peak memory",
                    id: "(internal) buka penyimpanan di DIR lalu cetak waktu dan memori puncak")),
        ],
        discussion: Localized(
            en: "Works in a temporary folder it removes afterwards. Build with -c release. --json prints posts_per_s, imports_per_s, verify_per_s, import_vs_verify, open_100k_s, open_100k_cpu_s, open_100k_peak_rss_mb and write_amplification. imports_per_s is kabar import of a 50,000-bulletin bundle (signatures checked on every core); verify_per_s is one core. Targets: import_vs_verify >= 0.9, open_100k_s <= 1, open_100k_peak_rss_mb <= 150, write_amplification <= 1.5.",
            id: "Bekerja di folder sementara yang dihapus sesudahnya. Bangun dengan -c release. --json mencetak posts_per_s, imports_per_s, verify_per_s, import_vs_verify, open_100k_s, open_100k_cpu_s, open_100k_peak_rss_mb dan write_amplification. imports_per_s adalah kabar import bundel 50.000 buletin (tanda tangan diperiksa di semua inti); verify_per_s satu inti. Sasaran: import_vs_verify >= 0.9, open_100k_s <= 1, open_100k_peak_rss_mb <= 150, write_amplification <= 1.5."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        if let directory = arguments.value("--measure-open") { return try measureOpen(directory, context) }
        let count = try arguments.integer("--count", in: 1_000...1_000_000) ?? 100_000
        let folder = try temporaryFolder()
        defer { if context.environment["KABAR_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(atPath: folder) } }
        var figures: [(String, Double)] = []
        figures.append(("posts_per_s", try measurePosts(folder + "/posts")))
        let (imports, verifies) = try measureImports(folder + "/imports")
        figures.append(("imports_per_s", imports))
        figures.append(("verify_per_s", verifies))
        figures.append(("import_vs_verify", imports / verifies))
        let (amplification, openSeconds, openCPUSeconds, peakMegabytes) = try measureOpen(folder + "/open", count: count)
        figures.append(("open_100k_s", openSeconds))
        figures.append(("open_100k_cpu_s", openCPUSeconds))
        figures.append(("open_100k_peak_rss_mb", peakMegabytes))
        figures.append(("write_amplification", amplification))
        if arguments.flag("--json") {
            context.print("{" + figures.map { "\"\($0.0)\": \(format($0.1))" }.joined(separator: ", ") + "}")
        } else {
            if count != 100_000 { context.print("(open figures are for \(count) bulletins)") }
            for (key, value) in figures { context.print(key.padding(toLength: 24, withPad: " ", startingAt: 0) + format(value)) }
        }
        return 0
    }

    // MARK: - Figures

    /// The benchmark's one signing key, fixed so that runs are comparable.
    private struct BenchKey {
        let key: Ed25519.PrivateKey
        let author: AuthorKey

        init() throws {
            key = try Ed25519.PrivateKey(seed: [UInt8](repeating: 0x42, count: 32))
            guard let author = AuthorKey(bytes: key.publicKey.rawRepresentation) else {
                throw CLIError.failed(Localized(
                    en: "the benchmark key has no valid public key", id: "kunci tolok ukur tidak punya kunci publik yang sah"))
            }
            self.author = author
        }
    }

    private static let body = String(
        repeating: "Harga gabah kering panen di desa kami minggu ini naik. Kelompok tani menjual bersama. ",
        count: 4)

    private static func content(_ number: Int, base: Int64, by signer: BenchKey) -> BulletinContent {
        let created = UnixTime(milliseconds: base + Int64(number))
        var content = BulletinContent(
            kind: .post, author: signer.author, created: created,
            expires: created + .days(30), channel: "pasar")
        content.title = "Harga padi minggu ini \(number)"
        content.body = body
        return content
    }

    /// Sign and insert, 100 per group commit.
    private static func measurePosts(_ directory: String) throws -> Double {
        let signer = try BenchKey()
        let store = try FileStore(directory: directory)
        defer { try? store.close() }
        let total = 2_000
        let start = BenchCryptoCommand.now()
        for batch in stride(from: 0, to: total, by: 100) {
            let bulletins = try (batch..<(batch + 100)).map { try Bulletin.sign(content($0, base: 1_800_000_000_000, by: signer), with: signer.key) }
            _ = try store.insert(contentsOf: bulletins, durability: .immediate)
        }
        return Double(total) / (BenchCryptoCommand.now() - start)
    }

    /// Bulletins in the import figure's bundle: a mule's or a new hall's backlog.
    static let importCount = 50_000
    /// Signatures in the single-core verify reference.
    static let verifyReferenceCount = 5_000

    /// `kabar import`'s own path over a bundle of `importCount` bulletins by 125 keys (the
    /// simulator's backlog): decode, signatures on every core, dates and trust rules, insert,
    /// one flush. Against it, single-core verifies of the same bulletins' signatures.
    private static func measureImports(_ directory: String) throws -> (imports: Double, verifies: Double) {
        try FileSystem.makeDirectory(directory)
        let now = UnixTime(milliseconds: WallClock.now())
        let bulletins = Backlog.make(count: importCount, authors: 125, officialShare: 0, bodyBytes: 200, now: now, seed: 1)
        let bundle = directory + "/backlog.kabar"
        _ = try BundleFile.write(to: bundle) { emit in for bulletin in bulletins { try emit(bulletin) } }

        let sample = bulletins.prefix(verifyReferenceCount).map { bulletin in
            let bytes = bulletin.encoded
            return (message: Bulletin.signingDomain + bytes[0..<(bytes.count - 64)], signature: Array(bytes[(bytes.count - 64)...]),
                    key: bulletin.author.bytes)
        }
        var valid = 0
        let verifyStart = BenchCryptoCommand.now()
        for check in sample where Ed25519.isValidSignature(check.signature, for: check.message, publicKey: check.key) {
            valid += 1
        }
        let verifies = Double(sample.count) / (BenchCryptoCommand.now() - verifyStart)

        let data = DataDirectory(path: directory + "/node")
        let settings = NodeSettings()
        let store = try FileStore.open(in: data, options: settings.storeOptions)
        let offline = OfflineNode(settings: settings, data: data, key: bulletins[0].author, store: store)
        defer { try? offline.close() }
        let service = NodeService(host: offline)
        service.installTrust()
        let importStart = BenchCryptoCommand.now()
        let report = try service.importBundle(PathParameters(path: bundle))
        let imports = Double(report.added) / (BenchCryptoCommand.now() - importStart)
        guard valid == sample.count, report.added == importCount else {
            throw CLIError.failed(Localized(
                en: "the benchmark's bulletins did not all verify and import (\(valid) verified, \(report.added) imported)",
                id: "buletin tolok ukur tidak semuanya lolos periksa dan impor (\(valid) lolos, \(report.added) diimpor)"))
        }
        return (imports, verifies)
    }

    /// Builds a store of `count` bulletins, then opens it in a child process.
    private static func measureOpen(_ directory: String, count: Int) throws -> (Double, Double, Double, Double) {
        // One real signature, then variants by creation time: open never checks signatures,
        // and signing 100,000 bulletins would time the signer, not the store.
        let signer = try BenchKey()
        let template = try Bulletin.sign(content(0, base: 1_820_000_000_000, by: signer), with: signer.key).encoded
        let store = try FileStore(directory: directory)
        var bulletinBytes: Int64 = 0
        var variant = template
        for number in 0..<count {
            let created = UInt64(1_820_000_000_000 + number)
            for shift in 0..<8 { variant[34 + shift] = UInt8(truncatingIfNeeded: created >> UInt64(56 - 8 * shift)) }
            let bulletin = try Bulletin.decode(variant)
            _ = try store.insert(bulletin, durability: .lazy)
            bulletinBytes += Int64(variant.count)
        }
        let appended = store.bytesAppended
        try store.close()
        let amplification = Double(appended) / Double(bulletinBytes)
        let (seconds, cpuSeconds, megabytes) = try openInChild(directory, expected: count)
        return (amplification, seconds, cpuSeconds, megabytes)
    }

    private static func openInChild(_ directory: String, expected: Int) throws -> (Double, Double, Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executablePath())
        process.arguments = ["bench", "store", "--measure-open", directory]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let numbers = output.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard process.terminationStatus == 0, numbers.count == 4, Int(numbers[3]) == expected else {
            throw CLIError.failed(Localized(
                en: "the open measurement failed: \(output)", id: "pengukuran buka gagal: \(output)"))
        }
        return (numbers[0], numbers[1], numbers[2])
    }

    /// In the child: open, then print wall seconds, CPU seconds (user + system: what the
    /// open costs when the machine is shared), peak RSS in MB and the count.
    private static func measureOpen(_ directory: String, _ context: CommandContext) throws -> Int32 {
        let start = BenchCryptoCommand.now()
        let cpuStart = cpuSeconds()
        let store = try FileStore(directory: directory)
        let seconds = BenchCryptoCommand.now() - start
        let cpu = cpuSeconds() - cpuStart
        let count = store.count
        try store.close()
        context.print("\(seconds) \(cpu) \(peakResidentMegabytes()) \(count)")
        return 0
    }

    /// User plus system CPU time of this process so far, from `getrusage`.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// VmHWM from /proc/self/status: the process's peak resident set, in MB (10^6 bytes).
    static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
            return kilobytes * 1024 / 1e6
        }
        return -1
    }

    private static func executablePath() throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }

    private static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "/kabar-bench-store-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private static func format(_ value: Double) -> String { String((value * 1000).rounded() / 1000) }
}
