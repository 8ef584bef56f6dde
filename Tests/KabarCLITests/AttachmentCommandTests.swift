import Foundation
@testable import KabarCLI
import Kabar
import KabarCrypto
import KabarNode
import Testing

/// `kabar post --attach`, `kabar attachment get`, and the `attachments` key of `show --json`.
@Suite(.serialized) struct AttachmentCommandTests {
    @Test func anAttachedFileComesBackByteForByteAndNeverOverwrites() throws {
        let folder = NSTemporaryDirectory() + "kabar-attach-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(KabarRun(["init", "--data", folder + "/node"]).code == 0)
        var prng = PRNG(seed: 5)
        let photo = prng.bytes(300_000)
        try Data(photo).write(to: URL(fileURLWithPath: folder + "/banjir.jpg"))
        let post = KabarRun(["post", "--data", folder + "/node", "-c", "warga", "-t", "Foto banjir", "--body", "Air naik", "--attach", folder + "/banjir.jpg"])
        #expect(post.code == 0, "\(post.error)")
        let id = post.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = KabarRun(["show", "--data", folder + "/node", id, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.output.utf8)) as? [String: Any])
        let attachment = try #require((object["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["name"] as? String == "banjir.jpg" && attachment["type"] as? String == "image/jpeg")
        #expect(attachment["size"] as? Int == 300_000 && attachment["have"] as? Int == 300_000)
        let attachmentID = try #require(attachment["id"] as? String)
        #expect(KabarRun(["show", "--data", folder + "/node", id]).output.contains("banjir.jpg  image/jpeg  300000 bytes, 300000 held here"))
        let out = folder + "/out.jpg"
        #expect(KabarRun(["attachment", "get", "--data", folder + "/node", attachmentID, "--out", out]).code == 0)
        #expect(FileManager.default.contents(atPath: out).map([UInt8].init) == photo)
        let again = KabarRun(["attachment", "get", "--data", folder + "/node", attachmentID, "--out", out])
        #expect(again.code == 2 && again.error.contains("--force"))
        #expect(KabarRun(["attachment", "get", "--data", folder + "/node", attachmentID, "--out", out, "--force"]).code == 0)
        // A post without attachments lists none; an unknown attachment is said to be missing.
        let list = KabarRun(["list", "--data", folder + "/node", "--json"])
        #expect(list.output.contains("\"attachments\":[{\"have\":300000"))
        let unknown = KabarRun(["attachment", "get", "--data", folder + "/node", String(repeating: "ab", count: 32), "--out", out, "--force"])
        #expect(unknown.code != 0 && unknown.error.contains("does not hold"))
        let missingFile = KabarRun(["post", "--data", folder + "/node", "-c", "warga", "-t", "x", "--body", "x", "--attach", folder + "/nope.jpg"])
        #expect(missingFile.code == 2 && missingFile.error.contains("no file"))

        // A bundle carries the photo to a node that was never online.
        #expect(KabarRun(["export", folder + "/stick.kabar", "--data", folder + "/node"]).output.contains("wrote 1 bulletin"))
        #expect(KabarRun(["init", "--data", folder + "/other"]).code == 0)
        let imported = KabarRun(["import", folder + "/stick.kabar", "--data", folder + "/other", "--json"])
        #expect(imported.output.contains("\"added\":1") && imported.output.contains("\"blocks_skipped\":0"), "\(imported.output)")
        let copy = folder + "/copy.jpg"
        #expect(KabarRun(["attachment", "get", "--data", folder + "/other", attachmentID, "--out", copy]).code == 0)
        #expect(FileManager.default.contents(atPath: copy).map([UInt8].init) == photo)
    }

    /// A bundle's blocks that no bulletin of it lists are not stored: a stick cannot fill a
    /// node's disk with blocks nothing needs.
    @Test func aBundlesUnlistedBlocksAreSkipped() throws {
        let folder = NSTemporaryDirectory() + "kabar-attach-junk-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(KabarRun(["init", "--data", folder + "/node"]).code == 0)
        var encoder = BundleEncoder(withBlocks: true)
        var bytes = encoder.header
        bytes += encoder.record(block: [UInt8](repeating: 0xAB, count: 1_024))
        bytes += encoder.trailer()
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/junk.kabar"))
        let imported = KabarRun(["import", folder + "/junk.kabar", "--data", folder + "/node", "--json"])
        #expect(imported.output.contains("\"blocks_added\":0") && imported.output.contains("\"blocks_skipped\":1"), "\(imported.output)")
    }

    /// A data block whose bytes happen to be a list of ids is never read as one: a bundle cannot
    /// make an import expect (and store) blocks without end.
    @Test func aDataBlockIsNeverReadAsAListOfIDs() throws {
        let folder = NSTemporaryDirectory() + "kabar-attach-depth-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(KabarRun(["init", "--data", folder + "/node"]).code == 0)
        // The file's first 1,024 bytes are the ids of 32 junk blocks; the file is 30 KB (height 1).
        let junk = (0..<32).map { [UInt8](repeating: UInt8($0), count: 1_000) }
        var file = junk.flatMap { ContentID(hashing: $0).bytes }
        file += [UInt8](repeating: 7, count: 30_000 - file.count)
        let (manifest, blocks) = try AttachmentTree.build(file, type: "image/png", name: "a.png")
        let key = try Ed25519.PrivateKey(seed: [UInt8](repeating: 4, count: 32))
        let now = UnixTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1_000))
        var content = BulletinContent(kind: .post, author: AuthorKey(bytes: key.publicKey.rawRepresentation)!, created: now, expires: now + .days(2), channel: "warga")
        content.title = "Peta"
        content.attachments = [manifest.id]
        var encoder = BundleEncoder(withBlocks: true)
        var bytes = encoder.header + encoder.record(try Bulletin.sign(content, with: key))
        bytes += encoder.record(block: manifest.encoded)
        for block in blocks { bytes += encoder.record(block: block.bytes) }
        for block in junk { bytes += encoder.record(block: block) }
        bytes += encoder.trailer()
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/deep.kabar"))
        let imported = KabarRun(["import", folder + "/deep.kabar", "--data", folder + "/node", "--json"])
        #expect(imported.output.contains("\"blocks_added\":\(Set(blocks.map(\.id)).count + 1)") && imported.output.contains("\"blocks_skipped\":32"), "\(imported.output)")
    }
}
