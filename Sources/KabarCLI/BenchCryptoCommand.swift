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
            en: "Runs on one core, timed by this thread's CPU clock (as openssl speed times by CPU time). Build with -c release for meaningful figures. --json prints one object with ed25519_sign_per_s, ed25519_verify_per_s, sha256_1k_mb_per_s, sha256_16k_mb_per_s, sha512_1k_mb_per_s and sha512_16k_mb_per_s (MB = 10^6 bytes), and the stamp figures: bulletin_id_us, bulletin_id_and_stamp_us, stamp_check_block_us, stamp_check_alone_us, verify_over_stamp_check, verify_over_stamp_alone, stamp_tries_per_s, stamp_20_bits_s.",
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
                let label = figure.key.padding(toLength: 26, withPad: " ", startingAt: 0)
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
        figures += stampFigures(seconds: seconds, verifyPerSecond: verifies, sink: &sink)
        if sink == 0x5a { figures.append(Figure(key: "sink", value: 0)) }  // keeps the work observable
        return figures.filter { $0.key != "sink" }
    }

    /// Stamps (Documentation/Trust.md, "Stamps") on a 330-byte post, the size of a typical
    /// stranger's bulletin: what a node pays to read a stamp (the digests a node takes of every
    /// bulletin, id alone and id with stamp; the stamp on its own) against a verification, and
    /// what an author pays to make one (tries a second; the expected time for 20 bits).
    static func stampFigures(seconds: Double, verifyPerSecond: Double, sink: inout UInt8) -> [Figure] {
        guard let key = try? Ed25519.PrivateKey(seed: [UInt8](repeating: 9, count: 32)),
            let author = AuthorKey(bytes: key.publicKey.rawRepresentation)
        else { return [] }
        var content = BulletinContent(
            kind: .post, author: author, created: UnixTime(milliseconds: 1_800_000_000_000),
            expires: UnixTime(milliseconds: 1_800_086_400_000), channel: "warga")
        content.title = "Jual bibit sawit unggul"
        content.body = String(repeating: "x", count: 200)
        guard let stamped = try? Stamp.stamp(content, bits: 0), let bulletin = try? Bulletin.sign(stamped, with: key) else { return [] }
        let bytes = bulletin.encoded
        let unsigned = Array(bytes.dropLast(64))
        let idOnly = rate(seconds: seconds) { sink ^= UInt8(truncatingIfNeeded: BulletinID(hashing: bytes).prefix64) }
        let both = rate(seconds: seconds) { sink ^= BulletinDigest(of: bytes).stampBits }
        let alone = rate(seconds: seconds) { sink ^= SHA256.hash(unsigned)[0] }
        // What the stamp adds to the id the node computes anyway is one finishing compression
        // of the shared state (two when the unsigned part ends within 8 bytes of a block):
        // timed as the SHA-256 of a one-block message, since the difference of the two digest
        // timings above is below their noise.
        let block = [UInt8](repeating: 0x5a, count: 40)
        let oneBlock = rate(seconds: seconds) { sink ^= SHA256.hash(block)[0] }
        let verifyUs = 1e6 / verifyPerSecond
        let checkUs = 1e6 / oneBlock
        let aloneUs = 1e6 / alone
        let nonceAt = unsigned.count - 8
        let tries: UInt64 = 1 << 16
        let triesPerSecond = rate(seconds: seconds) {
            sink ^= SHA256.searchNonce(in: unsigned, nonceOffset: nonceAt, bits: 64, tries: tries) == nil ? 1 : 0
        } * Double(tries)
        return [
            Figure(key: "bulletin_id_us", value: 1e6 / idOnly),
            Figure(key: "bulletin_id_and_stamp_us", value: 1e6 / both),
            Figure(key: "stamp_check_block_us", value: checkUs),
            Figure(key: "stamp_check_alone_us", value: aloneUs),
            Figure(key: "verify_over_stamp_check", value: verifyUs / checkUs),
            Figure(key: "verify_over_stamp_alone", value: verifyUs / aloneUs),
            Figure(key: "stamp_tries_per_s", value: triesPerSecond),
            Figure(key: "stamp_20_bits_s", value: Double(1 << 20) / triesPerSecond),
        ]
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
        let places = abs(value) < 10 ? 1000.0 : 10.0
        let rounded = (value * places).rounded() / places
        return String(rounded)
    }
}
