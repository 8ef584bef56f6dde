@testable import KabarCLI
import Kabar
import KabarCrypto
import KabarPlatform
import Testing

/// Runs `kabar` in-process over in-memory streams.
final class CapturedRun: @unchecked Sendable {
    var output = ""
    var error = ""
    var code: Int32 = -1
    var writes = 0

    init(_ arguments: [String], input: [UInt8] = []) {
        let context = CommandContext(
            environment: [:], language: .english, inputIsTerminal: false,
            output: { [unowned self] text in self.output += text; self.writes += 1 },
            error: { [unowned self] text in self.error += text },
            readInput: { limit in input.count <= limit ? input : nil },
            readLine: { nil })
        code = KabarCLI.main(arguments, context: context)
    }
}

@Suite struct CryptoCommandTests {
    static let seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    static let publicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    static let signature =
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"

    @Test func hashesStandardInput() {
        let sha256 = CapturedRun(["crypto", "sha256"], input: Array("abc".utf8))
        #expect(sha256.code == 0)
        #expect(sha256.output == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n")
        let sha512 = CapturedRun(["crypto", "sha512"], input: [])
        #expect(sha512.output.hasPrefix("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"))
    }

    @Test func hashesLargeInputInChunksLikeOneShot() {
        let input = (0..<700_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let run = CapturedRun(["crypto", "sha512"], input: input)
        #expect(run.output == Hex.encode(SHA512.hash(input)) + "\n")
    }

    @Test func missingFileIsAClearErrorNotACrash() {
        let run = CapturedRun(["crypto", "sha256", "/nonexistent/kabar-test-file"])
        #expect(run.code == 2)
        #expect(run.error.contains("cannot open '/nonexistent/kabar-test-file'"))
        let directory = CapturedRun(["crypto", "sha256", "/"])
        #expect(directory.code == 2)
    }

    @Test func derivesSignsAndVerifiesRFC8032Test1() {
        #expect(CapturedRun(["crypto", "ed25519-public", Self.seed.uppercased()]).output == Self.publicKey + "\n")
        #expect(CapturedRun(["crypto", "ed25519-sign", Self.seed, ""]).output == Self.signature + "\n")
        #expect(CapturedRun(["crypto", "ed25519-sign", Self.seed, "-"]).output == Self.signature + "\n")
        let valid = CapturedRun(["crypto", "ed25519-verify", Self.publicKey, "-", Self.signature.uppercased()])
        #expect(valid.code == 0 && valid.output == "valid\n")
        let invalid = CapturedRun(["crypto", "ed25519-verify", Self.publicKey, "00", Self.signature])
        #expect(invalid.code == 1 && invalid.output == "invalid\n")
    }

    @Test func undecodableKeyOfRightLengthIsInvalidNotAnError() {
        let identity = "01" + String(repeating: "00", count: 31)
        let run = CapturedRun(["crypto", "ed25519-verify", identity, "-", Self.signature])
        #expect(run.code == 1 && run.output == "invalid\n")
    }

    @Test func badArgumentsExitTwoWithAMessage() {
        let cases: [[String]] = [
            ["crypto", "ed25519-public", "abcd"],
            ["crypto", "ed25519-public", String(repeating: "zz", count: 32)],
            ["crypto", "ed25519-sign", Self.seed, "abc"],
            ["crypto", "ed25519-verify", Self.publicKey, "-", "00"],
            ["crypto", "ed25519-verify", "00", "-", Self.signature],
            ["crypto", "ed25519-verify", Self.publicKey, "-"],
            ["crypto", "ed25519-verify", "--batch", Self.publicKey],
            ["crypto", "ed25519-sign", Self.seed],
        ]
        for arguments in cases {
            let run = CapturedRun(arguments)
            #expect(run.code == 2, "\(arguments)")
            #expect(run.error.hasPrefix("error: "), "\(arguments)")
            #expect(run.output.isEmpty, "\(arguments)")
        }
    }

    @Test func optionsMayFollowPositionalsAndHelpExplains() {
        let help = CapturedRun(["crypto", "ed25519-sign", "--help"])
        #expect(help.code == 0 && help.output.contains("SEED_HEX MESSAGE_HEX"))
        let group = CapturedRun(["help", "crypto"])
        #expect(group.code == 0 && group.output.contains("ed25519-verify"))
        let indonesian = CapturedRun(["--lang", "id", "help", "crypto"])
        #expect(indonesian.output.contains("tanda tangan"))
    }

    @Test func batchPrintsOneVerdictPerLine() {
        let lines = [
            "\(Self.publicKey) - \(Self.signature)",
            "\(Self.publicKey) 00 \(Self.signature)",
            "not enough",
            "\(Self.publicKey) - 00",
            "\(Self.publicKey.uppercased()) - \(Self.signature)\r",
            "",
            "\(Self.publicKey) - \(Self.signature)",
        ]
        let run = CapturedRun(["crypto", "ed25519-verify", "--batch"], input: Array(lines.joined(separator: "\n").utf8))
        let verdicts = run.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(verdicts.count == 8)
        #expect(verdicts[6] == "valid" && verdicts[7] == "")
        #expect(verdicts[0] == "valid")
        #expect(verdicts[1] == "invalid")
        #expect(verdicts[2].hasPrefix("error: "))
        #expect(verdicts[3].hasPrefix("error: SIGNATURE_HEX"))
        #expect(verdicts[4] == "valid")
        #expect(verdicts[5].hasPrefix("error: "))
        #expect(run.code == 1)
    }

    @Test func batchCapsLineLengthAndCarriesOn() {
        var input = [UInt8](repeating: UInt8(ascii: "a"), count: BatchVerifier.lineBytesMax + 10)
        input += Array("\n\(Self.publicKey) - \(Self.signature)\n".utf8)
        let run = CapturedRun(["crypto", "ed25519-verify", "--batch"], input: input)
        #expect(run.output == "error: line too long\nvalid\n")
    }

    @Test func batchBuffersOutput() {
        // Lines that fail fast (a short signature), so the test measures output, not verifying.
        let line = "\(Self.publicKey) 00 abcd\n"
        let input = Array(String(repeating: line, count: 3000).utf8)
        let run = CapturedRun(["crypto", "ed25519-verify", "--batch"], input: input)
        let verdict = "error: SIGNATURE_HEX: expected 64 bytes (128 hex characters), got 2 bytes\n"
        #expect(run.output == String(repeating: verdict, count: 3000))
        #expect(run.writes < 10)
    }

    @Test func systemRandomFillsWithFreshBytes() throws {
        var random = SystemRandom()
        var first = [UInt8](repeating: 0, count: 64)
        var second = [UInt8](repeating: 0, count: 64)
        try first.withUnsafeMutableBytes { try random.fill($0) }
        try second.withUnsafeMutableBytes { try random.fill($0) }
        #expect(first != second)
        let key = try Ed25519.PrivateKey.generate(using: &random)
        #expect(key.publicKey.isValidSignature(key.signature(for: [1, 2, 3]), for: [1, 2, 3]))
    }
}
