import Foundation
@testable import KabarCLI
import Kabar
import KabarCrypto
@testable import KabarNode
import Testing

@Suite struct IdentityCommandTests {
    @Test func initCreatesPrivateFolderAndKeyAndIdPrintsTheSameKey() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let data = folder.file("node")
        let created = KabarRun(["init", "--data", data, "--label", "Balai Sungai Besar"])
        #expect(created.code == 0, "\(created.error)")
        #expect(permissions(data) == 0o700)
        #expect(permissions(data + "/identity.key") == 0o600)
        let shown = KabarRun(["id", "--data", data])
        #expect(shown.code == 0)
        let key = shown.output.trimmingCharacters(in: .newlines)
        #expect(key.count == 64 && AuthorKey(hex: key) != nil)
        #expect(created.output.contains(key))
        #expect(created.output.contains(data))
        let text = try String(contentsOfFile: data + "/identity.key", encoding: .utf8)
        #expect(text.hasPrefix("kabar-identity 1\nseed "))
        #expect(text.contains("label Balai Sungai Besar\n"))
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: data) == ["identity.key"])
    }

    @Test func initTwiceIsRefusedAndKeepsTheFirstKey() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        #expect(KabarRun(["init", "--data", folder.path]).code == 0)
        let before = try String(contentsOfFile: folder.file("identity.key"), encoding: .utf8)
        let again = KabarRun(["init", "--data", folder.path])
        #expect(again.code == 1)
        #expect(again.error.contains("already exists"))
        #expect(try String(contentsOfFile: folder.file("identity.key"), encoding: .utf8) == before)
    }

    @Test func keyFileReadableByOthersIsRefusedWithTheChmodHint() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        #expect(KabarRun(["init", "--data", folder.path]).code == 0)
        let path = folder.file("identity.key")
        for mode in [0o644, 0o640, 0o604, 0o660] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            let run = KabarRun(["id", "--data", folder.path])
            #expect(run.code == 1)
            #expect(run.error.contains("chmod 600 \(path)"), "\(run.error)")
            #expect(run.output.isEmpty)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: path)
        #expect(KabarRun(["id", "--data", folder.path]).code == 0)
        let indonesian = KabarRun(["id", "--data", folder.path, "--lang", "id"])
        #expect(indonesian.code == 0)
    }

    @Test func missingIdentitySaysRunInitInBothLanguages() {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let english = KabarRun(["id", "--data", folder.path])
        #expect(english.code == 1)
        #expect(english.error.contains("run 'kabar init"))
        let indonesian = KabarRun(["id", "--data", folder.path], environment: ["LANG": "id_ID.UTF-8"], language: .indonesian)
        #expect(indonesian.error.contains("jalankan dulu 'kabar init"))
    }

    @Test func dataFolderComesFromKabarHomeWhenNoOptionIsGiven() {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        #expect(KabarRun(["init"], environment: ["KABAR_HOME": folder.path]).code == 0)
        let viaOption = KabarRun(["id", "--data", folder.path]).output
        #expect(KabarRun(["id"], environment: ["KABAR_HOME": folder.path]).output == viaOption)
    }

    @Test func malformedKeyFileAndBadLabelAreClearErrors() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("identity.key")
        _ = FileManager.default.createFile(atPath: path, contents: Data("kabar-identity 1\nseed 12\n".utf8), attributes: [.posixPermissions: 0o600])
        let run = KabarRun(["id", "--data", folder.path])
        #expect(run.code == 1 && run.error.contains("not a Kabar key file"))
        let label = KabarRun(["init", "--data", folder.file("other"), "--label", String(repeating: "x", count: 65)])
        #expect(label.code == 1 && label.error.contains("64 bytes"))
    }

    @Test func identityFileRoundTripsTheSeedAndLabel() throws {
        let key = try Ed25519.PrivateKey(seed: [UInt8](repeating: 9, count: 32))
        let identity = Identity(key: key, label: "Pos KIM")
        let parsed = try Identity.parse(identity.fileText(), path: "x")
        #expect(parsed.key.seed == key.seed && parsed.label == "Pos KIM")
    }
}
