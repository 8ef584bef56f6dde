import Foundation
import KabarPlatform
@testable import KabarCLI
import Kabar
import KabarCrypto
@testable import KabarNode
import Testing

/// A data folder with an identity, for the store commands.
struct TestNode {
    let folder = TemporaryFolder()
    var data: String { folder.file("data") }

    init() {
        let run = KabarRun(["init", "--data", folder.file("data"), "--label", "test"])
        precondition(run.code == 0, run.error)
    }

    /// Runs `kabar` with `--data` for this node appended.
    @discardableResult
    func run(_ arguments: [String], input: [UInt8] = [], language: Language = .english) -> KabarRun {
        KabarRun(arguments + ["--data", data], input: input, language: language)
    }

    /// Posts and returns the new id (64 hex).
    func post(_ title: String, channel: String = "pasar", body: String = "isi") -> String {
        let run = run(["post", "--channel", channel, "--title", title, "--body", body])
        precondition(run.code == 0, run.error)
        return run.output.trimmingCharacters(in: .newlines)
    }

    func remove() { folder.remove() }
}

/// The JSON array `kabar list --json` printed, parsed.
func parseList(_ output: String) throws -> [[String: Any]] {
    let value = try JSONSerialization.jsonObject(with: Data(output.utf8))
    return try #require(value as? [[String: Any]])
}

/// Posts are dated to the millisecond and listed newest first (ties by id): on a fast machine two
/// posts can share a millisecond, so a test that pins their order lets the clock tick between them
/// (at most a millisecond; the order asserted does not depend on how long it takes).
func awaitNextMillisecond() {
    let start = WallClock.now()
    while WallClock.now() == start {}
}

@Suite struct BulletinCommandTests {
    @Test func postListShowExportImportRoundTrip() throws {
        let node = TestNode()
        defer { node.remove() }
        let key = node.run(["id"]).output.trimmingCharacters(in: .newlines)

        let fromOption = node.run(["post", "--channel", "pasar", "--title", "Jual padi", "--body", "2 ton, Rp 5.000/kg"])
        #expect(fromOption.code == 0, "\(fromOption.error)")
        awaitNextMillisecond()
        try "Klinik buka Senin.\r\nBawa KTP.\n".write(toFile: node.folder.file("body.txt"), atomically: true, encoding: .utf8)
        let fromFile = node.run(["post", "-c", "kesehatan", "--title", "Hari klinik", "--body-file", node.folder.file("body.txt")])
        #expect(fromFile.code == 0, "\(fromFile.error)")
        awaitNextMillisecond()
        // Options after the positional-free command, body from standard input.
        let fromInput = node.run(["post", "--title", "Banjir \"Sungai\" naik", "--channel", "darurat", "--expires", "2d"],
                                 input: Array("Air naik 1 m.\nÉvacuez\tsekarang".utf8))
        #expect(fromInput.code == 0, "\(fromInput.error)")
        let ids = [fromOption, fromFile, fromInput].map { $0.output.trimmingCharacters(in: .newlines) }
        #expect(ids.allSatisfy { $0.count == 64 && BulletinID(hex: $0) != nil })
        #expect(fromOption.error.isEmpty)

        // Human list: newest first, one row per bulletin, with short ids and titles.
        let list = node.run(["list"])
        #expect(list.code == 0)
        #expect(list.lines.count == 4)
        #expect(list.lines[1].hasPrefix(String(ids[2].prefix(12))) && list.lines[1].contains("darurat"))
        #expect(list.lines[3].contains("Jual padi") && list.lines[3].contains(String(key.prefix(12))))

        // JSON list: every key, exact values.
        let objects = try parseList(node.run(["list", "--json"]).output)
        #expect(objects.count == 3)
        #expect(objects.map { $0["id"] as? String } == ids.reversed())
        let newest = objects[0]
        #expect(Set(newest.keys) == ["attachments", "id", "author", "kind", "channel", "title", "body", "created", "expires", "references", "stamp_bits", "supersedes"])
        #expect(newest["author"] as? String == key)
        #expect(newest["kind"] as? String == "post")
        #expect(newest["title"] as? String == "Banjir \"Sungai\" naik")
        #expect(newest["body"] as? String == "Air naik 1 m.\nÉvacuez\tsekarang")
        #expect((newest["references"] as? [Any])?.isEmpty == true)
        #expect(newest["supersedes"] is NSNull)
        let created = try #require(newest["created"] as? Int64)
        let expires = try #require(newest["expires"] as? Int64)
        #expect(expires - created == 2 * 86_400_000)
        #expect(abs(created - Int64(Date().timeIntervalSince1970 * 1000)) < 600_000)
        #expect(objects[1]["body"] as? String == "Klinik buka Senin.\nBawa KTP.")
        let pasar = objects[2]
        let pasarLifetime = try #require(pasar["expires"] as? Int64) - (try #require(pasar["created"] as? Int64))
        #expect(pasarLifetime == 7 * 86_400_000)

        // Filters.
        #expect(try parseList(node.run(["list", "--json", "--channel", "pasar"]).output).count == 1)
        #expect(try parseList(node.run(["list", "--json", "--search", "klinik ktp"]).output).count == 1)
        #expect(try parseList(node.run(["list", "--json", "--author", key, "--limit", "2"]).output).count == 2)
        #expect(try parseList(node.run(["list", "--json", "--author", String(repeating: "ab", count: 32)]).output).isEmpty)

        // Show by full id and by an 8-character prefix (options after the positional).
        let full = node.run(["show", ids[1]])
        #expect(full.code == 0)
        #expect(full.output.contains(ids[1]) && full.output.contains("kesehatan") && full.output.contains("Hari klinik"))
        #expect(full.output.hasSuffix("\nKlinik buka Senin.\nBawa KTP.\n"))
        let prefix = KabarRun(["show", String(ids[1].prefix(8)).uppercased(), "--data", node.data, "--json"])
        #expect(prefix.code == 0)
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(prefix.output.utf8)) as? [String: Any])
        #expect(shown["id"] as? String == ids[1])
        let indonesian = node.run(["show", ids[1]], language: .indonesian)
        #expect(indonesian.output.contains("kanal") && indonesian.output.contains("penulis"))

        // Export, import into a second node, import again.
        let bundle = node.folder.file("stick.kabar")
        let export = node.run(["export", bundle])
        #expect(export.code == 0 && export.output.contains("wrote 3 bulletins"), "\(export.error)")
        let other = TestNode()
        defer { other.remove() }
        let first = other.run(["import", bundle])
        #expect(first.code == 0, "\(first.error)")
        #expect(first.output.hasPrefix("added 3, already had 0, rejected 0"))
        let again = other.run(["import", bundle])
        #expect(again.code == 0 && again.output.hasPrefix("added 0, already had 3, rejected 0"))
        #expect(try parseList(other.run(["list", "--json"]).output).map { $0["id"] as? String } == ids.reversed())

        // Export filters.
        #expect(node.run(["export", bundle, "--channel", "kesehatan"]).output.contains("wrote 1 bulletin to"))
        #expect(node.run(["export", "--since", "1d", bundle]).output.contains("wrote 3 bulletins"))
        #expect(node.run(["export", bundle, "--since", "2999-01-01"]).output.contains("wrote 0 bulletins"))
        #expect(KabarRun(["import", bundle, "--data", other.data]).output.hasPrefix("added 0, already had 0, rejected 0"))
    }

    @Test func tamperedBundleAddsOnlyTheGoodRecordsAndNamesTheReasons() throws {
        let node = TestNode()
        defer { node.remove() }
        let ids = (1...5).map { node.post("Kiriman \($0)", body: "Isi kiriman nomor \($0).") }
        let path = node.folder.file("all.kabar")
        #expect(node.run(["export", path]).code == 0)
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let records = recordRanges(original)
        #expect(records.count == 5)
        var bytes = original
        bytes[records[0].upperBound - 10] ^= 0x40  // inside the signature
        bytes[records[1].upperBound - 64 - 3] ^= 0x01  // inside the body, just before the signature
        bytes[records[2].lowerBound] = 9  // the bulletin's version byte
        let tampered = node.folder.file("tampered.kabar")
        try Data(bytes).write(to: URL(fileURLWithPath: tampered))

        let other = TestNode()
        defer { other.remove() }
        let run = other.run(["import", tampered])
        #expect(run.code == 1)
        #expect(run.output.hasPrefix("added 2, already had 0, rejected 3"), "\(run.output)")
        #expect(run.output.contains("2 × signature does not match"))
        #expect(run.output.contains("1 × bulletin format version 9 is unknown"))
        #expect(run.output.contains("checksum does not match"))
        // The bundle's order is the export's, not the posting order (posts in one
        // millisecond sort by id), so the untouched records name themselves.
        let untouched = records[3...].map { BulletinID(bytes: SHA256.hash(Array(original[$0])))!.hex }
        #expect(Set(untouched).isSubset(of: Set(ids)))
        let stored = try parseList(other.run(["list", "--json"]).output).compactMap { $0["id"] as? String }
        #expect(Set(stored) == Set(untouched))

        // Cut inside the fourth record: the three before it are whole, the third is bad.
        let truncated = node.folder.file("cut.kabar")
        try Data(original[0..<(records[3].lowerBound + 20)]).write(to: URL(fileURLWithPath: truncated))
        let third = TestNode()
        defer { third.remove() }
        let cut = third.run(["import", truncated])
        #expect(cut.code == 1)
        #expect(cut.output.hasPrefix("added 3, already had 0, rejected 0"), "\(cut.output)")
        #expect(cut.output.contains("cut short after 3 records"))

        // The same reports as JSON (the REPL attached to a running node reads these).
        let fourth = TestNode()
        defer { fourth.remove() }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(fourth.run(["import", tampered, "--json"]).output.utf8)) as? [String: Any])
        #expect(json["added"] as? Int == 2 && json["already_had"] as? Int == 0 && json["rejected"] as? Int == 3)
        #expect(((json["rejections"] as? [[String: Any]])?.first?["reason"] as? String)?.hasPrefix("signature does not match") == true)
        #expect((json["bundle_problem"] as? String)?.contains("checksum does not match") == true)
        let exported = try #require(try JSONSerialization.jsonObject(with: Data(node.run(["export", path, "--json"]).output.utf8)) as? [String: Any])
        #expect(exported["count"] as? Int == 5 && exported["path"] as? String == path)
    }

    @Test func importRefusesRetractedIdsAndUnreadableFiles() throws {
        let node = TestNode()
        defer { node.remove() }
        let id = node.post("Salah harga")
        let path = node.folder.file("one.kabar")
        #expect(node.run(["export", path]).code == 0)
        let other = TestNode()
        defer { other.remove() }
        do {
            let store = try FileStore.open(in: DataDirectory(path: other.data))
            try store.markRemoved(try #require(BulletinID(hex: id)), until: UnixTime(milliseconds: Int64.max / 2))
            try store.close()
        }
        let run = other.run(["import", path])
        #expect(run.code == 1)
        #expect(run.output.contains("1 × retracted"))
        #expect(run.output.contains(String(id.prefix(12))))

        let missing = other.run(["import", node.folder.file("nope.kabar")])
        #expect(missing.code == 2 && missing.error.contains("nope.kabar"))
        try "not a bundle".write(toFile: node.folder.file("text.kabar"), atomically: true, encoding: .utf8)
        let text = other.run(["import", node.folder.file("text.kabar")])
        #expect(text.code == 2 && text.error.contains("not a Kabar bundle"))
        #expect(other.run(["import", node.folder.path]).code == 2)
    }

    @Test func badInputGetsAClearMessageAndTheRightExitCode() {
        let node = TestNode()
        defer { node.remove() }
        let cases: [([String], [UInt8], Int32, String)] = [
            (["post", "--channel", "pasar", "--title", "x", "--bogus"], [], 2, "unknown option '--bogus'"),
            (["post", "--title", "x", "--body", "y"], [], 2, "--channel is required"),
            (["post", "--channel", "pasar", "--body", "y"], [], 2, "--title is required"),
            (["post", "--channel", "Pasar Ikan", "--title", "x", "--body", "y"], [], 2, "not a valid channel name"),
            (["post", "--channel", "pasar", "--title", String(repeating: "é", count: 101), "--body", "y"], [], 2,
             "the title is 202 bytes; the limit is 200 bytes"),
            (["post", "--channel", "pasar", "--title", "x"], Array(repeating: 0x61, count: 15_001), 2,
             "the body is 15001 bytes; the limit is 15000 bytes"),
            (["post", "--channel", "pasar", "--title", "x"], Array(repeating: 0x61, count: 1_000_001), 2, "over 1000000 bytes"),
            (["post", "--channel", "pasar", "--title", "x"], [0xff, 0xfe], 2, "not UTF-8"),
            (["post", "--channel", "pasar", "--title", "a\tb", "--body", "y"], [], 2, "one line"),
            (["post", "--channel", "pasar", "--title", "x", "--body", "y", "--expires", "60d"], [], 2, "at most 30 days"),
            (["post", "--channel", "pasar", "--title", "x", "--body", "y", "--expires", "soon"], [], 2, "--expires takes"),
            (["post", "--channel", "pasar", "--title", "x", "--body", "y", "--body-file", "/z"], [], 2, "not both"),
            (["post", "--channel", "pasar", "--title", "x", "--body-file", "/nonexistent/body"], [], 2, "cannot read"),
            (["show", String(repeating: "0", count: 64)], [], 1, "no bulletin id starts with"),
            (["show", "abcd"], [], 2, "at least 8 characters"),
            (["show", "zzzzzzzzzz"], [], 2, "not a bulletin id"),
            (["show"], [], 2, "missing ID"),
            (["list", "--author", "abc"], [], 2, "--author takes a public key"),
            (["list", "--channel", "A!"], [], 2, "not a valid channel name"),
            (["list", "--limit", "0"], [], 2, "--limit takes a whole number"),
            (["export"], [], 2, "missing FILE"),
            (["export", node.folder.file("x"), "--since", "yesterday"], [], 2, "--since takes"),
            (["export", "/nonexistent/folder/x.kabar"], [], 1, "cannot use /nonexistent/folder/x.kabar"),
        ]
        for (arguments, input, code, message) in cases {
            let run = node.run(arguments, input: input)
            #expect(run.code == code, "\(arguments.prefix(6)): \(run.error)")
            #expect(run.error.contains(message), "\(arguments.prefix(6)): \(run.error)")
            #expect(run.output.isEmpty, "\(arguments.prefix(6))")
        }
        #expect(node.run(["list", "--json"]).output == "[]\n")
        let indonesian = node.run(["post", "--channel", "pasar", "--title", "x"], input: Array(repeating: 0x61, count: 15_001), language: .indonesian)
        #expect(indonesian.error.contains("isi 15001 byte; batasnya 15000 byte"))
    }

    @Test func storeCommandsNeedAnInitialisedFolder() {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let list = KabarRun(["list", "--data", folder.file("none")])
        #expect(list.code == 1 && list.error.contains("run 'kabar init"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("none")))
        let post = KabarRun(["post", "--data", folder.file("none"), "--channel", "pasar", "--title", "x", "--body", "y"])
        #expect(post.code == 1 && post.error.contains("run 'kabar init"))
    }

    @Test func prefixesShorterThanEightAreRefusedAndAmbiguityListsTheCandidates() throws {
        // Two real posts whose ids share their first hex character are easy to find; two that
        // share eight are not, so the ambiguity path is driven with ids built from words.
        let node = TestNode()
        defer { node.remove() }
        var seen: [Character: String] = [:]
        var pair: (String, String)?
        var number = 0
        while pair == nil {
            number += 1
            let id = node.post("Nomor \(number)")
            if let earlier = seen[id.first!] { pair = (earlier, id) } else { seen[id.first!] = id }
        }
        let (first, second) = try #require(pair)
        let short = node.run(["show", String(first.prefix(1))])
        #expect(short.code == 2 && short.error.contains("at least 8"))
        #expect(node.run(["show", String(first.prefix(8))]).output.contains(first))
        #expect(node.run(["show", String(second.prefix(8))]).output.contains(second))

        let a = BulletinID(words: (0x1234_5678_9abc_def0, 1, 2, 3))
        let b = BulletinID(words: (0x1234_5678_0000_0000, 4, 5, 6))
        let c = BulletinID(words: (0xffff_0000_0000_0000, 7, 8, 9))
        let prefix = try IDPrefix("12345678")
        #expect(throws: IDPrefixError.ambiguous("12345678", candidates: [b, a], count: 2)) {
            try prefix.resolve(among: [a, b, c])
        }
        #expect(try IDPrefix("123456789a").resolve(among: [a, b, c]) == a)
        let message = IDPrefixError.ambiguous("12345678", candidates: [b, a], count: 2).message.en
        #expect(message.contains(a.short) && message.contains(b.short) && message.contains("type more characters"))
    }

    @Test func jsonEscapesControlCharactersQuotesAndUnicode() throws {
        let text = "a\"b\\c\n\t\u{01}\u{1f}\u{7f}é😀\u{2028}"
        let quoted = BulletinJSON.quote(text)
        #expect(quoted == "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\\u007fé😀\\u2028\"")
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
        #expect(parsed == [text])
    }

    @Test func sinceAcceptsDurationsDatesAndMilliseconds() {
        let now = UnixTime(milliseconds: 1_793_491_200_000)  // 2026-11-01T00:00:00Z
        #expect(TimeText.parsePast("7d", now: now) == now - .days(7))
        #expect(TimeText.parsePast("12h", now: now) == now - .hours(12))
        #expect(TimeText.parsePast("2026-11-01", now: now) == now)
        #expect(TimeText.parsePast("2026-11-01T06:30", now: now) == now + .minutes(390))
        #expect(TimeText.parsePast("1793491200000", now: now) == now)
        #expect(TimeText.parsePast("2026-13-45", now: now) == nil)
        #expect(TimeText.parsePast("", now: now) == nil)
        #expect(TimeText.parsePast("kemarin", now: now) == nil)
    }
}

/// The byte ranges of each bulletin in a bundle (after its length prefix).
func recordRanges(_ bytes: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var offset = BundleFormat.headerByteCount
    while offset + 4 <= bytes.count {
        let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
        if length == 0 { break }
        ranges.append((offset + 4)..<(offset + 4 + length))
        offset += 4 + length
    }
    return ranges
}
