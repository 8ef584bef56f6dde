#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Kabar
import KabarCrypto
import KabarPlatform

/// `kabar crypto sha256 [FILE]`.
enum CryptoSHA256Command: Command {
    static let spec = CommandSpec(
        path: ["crypto", "sha256"],
        summary: Localized(
            en: "print the SHA-256 digest of a file or of standard input",
            id: "cetak digest SHA-256 sebuah berkas atau masukan standar"),
        positionals: [PositionalSpec("FILE", optional: true)],
        discussion: Localized(
            en: "Reads FILE (or standard input without FILE) in chunks, so input of any size works, and prints the digest as 64 lower-case hex characters.",
            id: "Membaca FILE (atau masukan standar bila tanpa FILE) sepotong demi sepotong, jadi masukan sebesar apa pun bisa, lalu mencetak digest sebagai 64 karakter heksa huruf kecil."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        var hasher = SHA256.Hasher()
        try CryptoInput.stream(path: arguments.positional(0), context) { hasher.update($0) }
        context.print(Hex.encode(hasher.finalize()))
        return 0
    }
}

/// `kabar crypto sha512 [FILE]`.
enum CryptoSHA512Command: Command {
    static let spec = CommandSpec(
        path: ["crypto", "sha512"],
        summary: Localized(
            en: "print the SHA-512 digest of a file or of standard input",
            id: "cetak digest SHA-512 sebuah berkas atau masukan standar"),
        positionals: [PositionalSpec("FILE", optional: true)],
        discussion: Localized(
            en: "Reads FILE (or standard input without FILE) in chunks, so input of any size works, and prints the digest as 128 lower-case hex characters.",
            id: "Membaca FILE (atau masukan standar bila tanpa FILE) sepotong demi sepotong, jadi masukan sebesar apa pun bisa, lalu mencetak digest sebagai 128 karakter heksa huruf kecil."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        var hasher = SHA512.Hasher()
        try CryptoInput.stream(path: arguments.positional(0), context) { hasher.update($0) }
        context.print(Hex.encode(hasher.finalize()))
        return 0
    }
}

/// `kabar crypto ed25519-public SEED_HEX`.
enum CryptoEd25519PublicCommand: Command {
    static let spec = CommandSpec(
        path: ["crypto", "ed25519-public"],
        summary: Localized(
            en: "print the Ed25519 public key of a 32-byte seed",
            id: "cetak kunci publik Ed25519 dari seed 32 bita"),
        positionals: [PositionalSpec("SEED_HEX")],
        discussion: Localized(
            en: "SEED_HEX is the 32-byte private seed as 64 hex characters (either case). Prints the 32-byte public key in lower-case hex.",
            id: "SEED_HEX adalah seed privat 32 bita sebagai 64 karakter heksa (huruf besar atau kecil). Mencetak kunci publik 32 bita dalam heksa huruf kecil."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let key = try CryptoInput.privateKey(arguments.positionals[0])
        context.print(Hex.encode(key.publicKey.rawRepresentation))
        return 0
    }
}

/// `kabar crypto ed25519-sign SEED_HEX MESSAGE_HEX`.
enum CryptoEd25519SignCommand: Command {
    static let spec = CommandSpec(
        path: ["crypto", "ed25519-sign"],
        summary: Localized(
            en: "sign a hex message with an Ed25519 seed (RFC 8032, deterministic)",
            id: "tandatangani pesan heksa dengan seed Ed25519 (RFC 8032, deterministik)"),
        positionals: [PositionalSpec("SEED_HEX"), PositionalSpec("MESSAGE_HEX")],
        discussion: Localized(
            en: "SEED_HEX is the 32-byte seed (64 hex characters); MESSAGE_HEX is the message in hex, with \"\" or - for an empty message. Prints the 64-byte signature in lower-case hex.",
            id: "SEED_HEX adalah seed 32 bita (64 karakter heksa); MESSAGE_HEX adalah pesan dalam heksa, dengan \"\" atau - untuk pesan kosong. Mencetak tanda tangan 64 bita dalam heksa huruf kecil."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let key = try CryptoInput.privateKey(arguments.positionals[0])
        let message = try CryptoInput.message(arguments.positionals[1])
        context.print(Hex.encode(key.signature(for: message)))
        return 0
    }
}

/// `kabar crypto ed25519-verify PUBLIC_HEX MESSAGE_HEX SIGNATURE_HEX` and `--batch`.
enum CryptoEd25519VerifyCommand: Command {
    static let spec = CommandSpec(
        path: ["crypto", "ed25519-verify"],
        summary: Localized(
            en: "check an Ed25519 signature (strict cofactored rule): prints valid or invalid",
            id: "periksa tanda tangan Ed25519 (aturan ketat berkofaktor): cetak valid atau invalid"),
        positionals: [
            PositionalSpec("PUBLIC_HEX", optional: true), PositionalSpec("MESSAGE_HEX", optional: true),
            PositionalSpec("SIGNATURE_HEX", optional: true),
        ],
        options: [
            .flag(
                "--batch",
                help: Localized(
                    en: "read 'PUBLIC_HEX MESSAGE_HEX SIGNATURE_HEX' lines from standard input",
                    id: "baca baris 'PUBLIC_HEX MESSAGE_HEX SIGNATURE_HEX' dari masukan standar"))
        ],
        discussion: Localized(
            en: """
                Prints 'valid' (exit 0) or 'invalid' (exit 1). A key of the right length that is not a usable curve point is 'invalid'; malformed hex or wrong lengths are errors (exit 2). The message is hex, with "" or - for an empty message.
                With --batch, reads one 'PUBLIC_HEX MESSAGE_HEX SIGNATURE_HEX' per line (empty message: -) and prints one line each: valid, invalid or 'error: REASON'. Lines longer than 1 MiB are errors. Exits 0 when every line was valid, else 1.
                """,
            id: """
                Mencetak 'valid' (keluar 0) atau 'invalid' (keluar 1). Kunci dengan panjang benar yang bukan titik kurva yang sah dianggap 'invalid'; heksa rusak atau panjang salah adalah galat (keluar 2). Pesan dalam heksa, dengan "" atau - untuk pesan kosong.
                Dengan --batch, membaca satu 'PUBLIC_HEX MESSAGE_HEX SIGNATURE_HEX' per baris (pesan kosong: -) dan mencetak satu baris untuk masing-masing: valid, invalid atau 'error: ALASAN'. Baris lebih dari 1 MiB adalah galat. Keluar 0 bila semua baris valid, selain itu 1.
                """))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        if arguments.flag("--batch") {
            guard arguments.positionals.isEmpty else {
                throw CLIError.usage(Localized(
                    en: "--batch reads standard input and takes no other arguments",
                    id: "--batch membaca masukan standar dan tidak menerima argumen lain"))
            }
            return try BatchVerifier.run(context)
        }
        guard arguments.positionals.count == 3 else {
            throw CLIError.usage(Localized(
                en: "expected PUBLIC_HEX MESSAGE_HEX SIGNATURE_HEX (or --batch), got \(arguments.positionals.count) arguments",
                id: "perlu PUBLIC_HEX MESSAGE_HEX SIGNATURE_HEX (atau --batch), ada \(arguments.positionals.count) argumen"))
        }
        let request = try CryptoInput.verification(
            arguments.positionals[0], arguments.positionals[1], arguments.positionals[2])
        let valid = request.isValid
        context.print(valid ? "valid" : "invalid")
        return valid ? 0 : 1
    }
}

/// A parsed verification request: lengths already checked.
struct VerificationRequest {
    let publicKey: [UInt8]
    let message: [UInt8]
    let signature: [UInt8]

    var isValid: Bool { Ed25519.isValidSignature(signature, for: message, publicKey: publicKey) }
}

/// Parsing of the crypto commands' inputs into bytes, with errors a person can act on.
enum CryptoInput {
    /// Bytes of hex `text` naming `what` in errors; `count` checks the length when given.
    static func hex(_ text: String, _ what: String, count: Int? = nil) throws -> [UInt8] {
        do {
            if let count { return try Hex.decode(text, count: count) }
            return try Hex.decode(text)
        } catch {
            throw CLIError.badInput(Localized(
                en: "\(what): \(error.description)", id: "\(what): \(indonesian(error))"))
        }
    }

    static func indonesian(_ error: Hex.DecodeError) -> String {
        switch error {
        case .oddLength(let count): return "teks heksa berjumlah karakter ganjil (\(count))"
        case .invalidCharacter(let offset): return "bukan digit heksa pada karakter ke-\(offset + 1)"
        case .wrongLength(let expected, let actual):
            return "perlu \(expected) bita (\(expected * 2) karakter heksa), ada \(actual) bita"
        }
    }

    /// A message in hex; "" and "-" are the empty message.
    static func message(_ text: String) throws -> [UInt8] {
        text == "-" ? [] : try hex(text, "MESSAGE_HEX")
    }

    static func privateKey(_ text: String) throws -> Ed25519.PrivateKey {
        let seed = try hex(text, "SEED_HEX", count: Ed25519.seedByteCount)
        do {
            return try Ed25519.PrivateKey(seed: seed)
        } catch {
            throw CLIError.badInput(Localized(verbatim: error.description))
        }
    }

    static func verification(_ publicText: String, _ messageText: String, _ signatureText: String) throws
        -> VerificationRequest
    {
        VerificationRequest(
            publicKey: try hex(publicText, "PUBLIC_HEX", count: Ed25519.publicKeyByteCount),
            message: try message(messageText),
            signature: try hex(signatureText, "SIGNATURE_HEX", count: Ed25519.signatureByteCount))
    }

    /// Bytes per read when streaming a file or standard input.
    static let chunkBytes = 256 * 1024

    /// Feeds the bytes of the file at `path` (standard input when nil) to `consume`, a chunk at
    /// a time, so memory stays constant whatever the size.
    static func stream(path: String?, _ context: CommandContext, _ consume: (UnsafeRawBufferPointer) -> Void) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 16)
        defer { buffer.deallocate() }
        guard let path else {
            while true {
                guard let count = context.readInputChunk(buffer) else {
                    throw CLIError.failed(Localized(
                        en: "could not read standard input", id: "tidak dapat membaca masukan standar"))
                }
                if count == 0 { return }
                consume(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
        }
        let descriptor: Int32
        do {
            descriptor = try Syscall.retrying("open") { open(path, O_RDONLY | O_CLOEXEC) }
        } catch let error as SystemError {
            throw CLIError.badInput(Localized(
                en: "cannot open '\(path)': \(error.reason)", id: "tidak dapat membuka '\(path)': \(error.reason)"))
        }
        defer { close(descriptor) }
        while true {
            let count: Int
            do {
                count = try Syscall.retrying("read") { read(descriptor, buffer.baseAddress, buffer.count) }
            } catch let error as SystemError {
                throw CLIError.badInput(Localized(
                    en: "cannot read '\(path)': \(error.reason)", id: "tidak dapat membaca '\(path)': \(error.reason)"))
            }
            if count == 0 { return }
            consume(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }
}

/// `ed25519-verify --batch`: streams lines from standard input with bounded memory and writes
/// verdicts through a buffer.
enum BatchVerifier {
    /// The longest line accepted, newline excluded.
    static let lineBytesMax = 1024 * 1024
    /// Output is flushed once this much has gathered.
    static let outputBufferBytes = 64 * 1024

    static func run(_ context: CommandContext) throws -> Int32 {
        var output = ""
        output.reserveCapacity(outputBufferBytes + 256)
        var allValid = true
        var sawLine = false
        try LineReader.forEachLine(context, lineBytesMax: lineBytesMax) { line in
            sawLine = true
            let verdict: String
            switch line {
            case .tooLong:
                verdict = "error: line too long"
            case .line(let bytes):
                verdict = Self.verdict(for: bytes)
            }
            if verdict != "valid" { allValid = false }
            output += verdict
            output += "\n"
            if output.utf8.count >= outputBufferBytes {
                context.write(output)
                output.removeAll(keepingCapacity: true)
            }
        }
        if !output.isEmpty { context.write(output) }
        return allValid && sawLine ? 0 : 1
    }

    /// The verdict for one line (its bytes, newline and any trailing CR removed).
    static func verdict(for line: ArraySlice<UInt8>) -> String {
        let fields = line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") })
        guard fields.count == 3 else {
            return "error: expected PUBLIC_HEX MESSAGE_HEX SIGNATURE_HEX, got \(fields.count) fields"
        }
        let texts = fields.map { String(decoding: $0, as: UTF8.self) }
        do {
            let request = try CryptoInput.verification(texts[0], texts[1], texts[2])
            return request.isValid ? "valid" : "invalid"
        } catch let error as CLIError {
            return "error: " + error.localizedMessage.en
        } catch {
            return "error: \(error)"
        }
    }
}

/// Splits a chunked input stream into lines without ever holding more than one capped line.
enum LineReader {
    enum Line {
        /// A line's bytes without its newline.
        case line(ArraySlice<UInt8>)
        /// A line longer than the cap; its bytes were skipped.
        case tooLong
    }

    static func forEachLine(_ context: CommandContext, lineBytesMax: Int, _ body: (Line) throws -> Void) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        var pending: [UInt8] = []
        var skipping = false  // inside an over-long line, discarding up to its newline
        while true {
            guard let count = context.readInputChunk(buffer) else {
                throw CLIError.failed(Localized(
                    en: "could not read standard input", id: "tidak dapat membaca masukan standar"))
            }
            if count == 0 { break }
            var start = 0
            for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
                if skipping {
                    skipping = false
                } else if pending.count + (index - start) > lineBytesMax {
                    try body(.tooLong)
                } else {
                    pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<index]))
                    try body(.line(pending[...]))
                }
                pending.removeAll(keepingCapacity: true)
                start = index + 1
            }
            if !skipping && start < count {
                if pending.count + (count - start) > lineBytesMax {
                    try body(.tooLong)
                    skipping = true
                    pending.removeAll()
                } else {
                    pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<count]))
                }
            }
        }
        if !skipping && !pending.isEmpty { try body(.line(pending[...])) }
    }
}
