#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Kabar
import KabarCrypto

/// `kabar bench crypto`: single-core throughput of Ed25519 and the SHA-2 hashes.
enum BenchCryptoCommand: Command {
    static let spec = CommandSpec(
        path: ["bench", "crypto"],
        summary: Localized(
            en: "measure Ed25519 signs/verifies per second and SHA-256/SHA-512 throughput",
            id: "ukur tanda tangan/verifikasi Ed25519 per detik dan laju SHA-256/SHA-512"),
        options: [
            .json,
            .value(
                "--seconds", "N",
                help: Localized(
                    en: "seconds to measure each figure (1 to 60, default 1)",
                    id: "detik untuk mengukur tiap angka (1 sampai 60, bawaan 1)")),
        ],
        discussion: Localized(
            en: "Runs on one core, timed by this thread's CPU clock (as openssl speed times by CPU time). Build with -c release for meaningful figures. --json prints one object with ed25519_sign_per_s, ed25519_verify_per_s, sha256_1k_mb_per_s, sha256_16k_mb_per_s, sha512_1k_mb_per_s and sha512_16k_mb_per_s (MB = 10^6 bytes).",
            id: "Berjalan pada satu inti, diukur dengan jam CPU utas ini (seperti openssl speed mengukur waktu CPU). Bangun dengan -c release agar angkanya bermakna. --json mencetak satu objek dengan ed25519_sign_per_s, ed25519_verify_per_s, sha256_1k_mb_per_s, sha256_16k_mb_per_s, sha512_1k_mb_per_s dan sha512_16k_mb_per_s (MB = 10^6 bita)."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let seconds = Double(try arguments.integer("--seconds", in: 1...60) ?? 1)
        guard let figures = measure(seconds: seconds) else {
            throw CLIError.failed(Localized(en: "the benchmark key could not be made", id: "kunci tolok ukur tidak dapat dibuat"))
        }
        if arguments.flag("--json") {
            let fields = figures.map { "\"\($0.key)\": \(format($0.value))" }
            context.print("{" + fields.joined(separator: ", ") + "}")
        } else {
            for figure in figures {
                let label = figure.key.padding(toLength: 24, withPad: " ", startingAt: 0)
                context.print(label + format(figure.value))
            }
        }
        return 0
    }

    struct Figure {
        let key: String
        let value: Double
    }

    static func measure(seconds: Double) -> [Figure]? {
        guard let key = try? Ed25519.PrivateKey(seed: (0..<32).map { UInt8($0) }) else { return nil }
        let message = [UInt8](repeating: 0x61, count: 64)
        let signature = key.signature(for: message)
        var sink: UInt8 = 0
        let signs = rate(seconds: seconds) { sink ^= key.signature(for: message)[0] }
        let verifies = rate(seconds: seconds) { sink ^= key.publicKey.isValidSignature(signature, for: message) ? 1 : 0 }
        var figures = [
            Figure(key: "ed25519_sign_per_s", value: signs),
            Figure(key: "ed25519_verify_per_s", value: verifies),
        ]
        for (name, hash) in [("sha256", SHA256.hash as (UnsafeRawBufferPointer) -> [UInt8]), ("sha512", SHA512.hash)] {
            for size in [1024, 16384] {
                let block = [UInt8](repeating: 0x5a, count: size)
                let perSecond = block.withUnsafeBytes { raw in rate(seconds: seconds) { sink ^= hash(raw)[0] } }
                figures.append(Figure(key: "\(name)_\(size / 1024)k_mb_per_s", value: perSecond * Double(size) / 1e6))
            }
        }
        if sink == 0x5a { figures.append(Figure(key: "sink", value: 0)) }  // keeps the work observable
        return figures.filter { $0.key != "sink" }
    }

    /// Calls of `body` per second, timed over at least `seconds`.
    static func rate(seconds: Double, _ body: () -> Void) -> Double {
        var calls = 0
        var batch = 1
        let start = now()
        var elapsed = 0.0
        while elapsed < seconds {
            for _ in 0..<batch { body() }
            calls += batch
            elapsed = now() - start
            if elapsed < seconds / 20 { batch *= 2 }
        }
        return Double(calls) / elapsed
    }

    /// This thread's CPU time: monotonic, and like `openssl speed` (which divides by CPU user
    /// time unless told `-elapsed`) it does not count time the scheduler gave to other work, so
    /// the two stay comparable on a busy machine.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return String(rounded)
    }
}
