import Foundation
import Kabar
import KabarCrypto
import Testing

/// The code against the conformance vectors of Documentation/Vectors/ (bulletins, datagrams,
/// bundles): what an implementation written from the documents checks itself against.
/// `KABAR_WRITE_VECTORS=1` rewrites the files from `ConformanceVectors` first.
@Suite struct ConformanceWireTests {
    static var writing: Bool { ProcessInfo.processInfo.environment["KABAR_WRITE_VECTORS"] == "1" }

    /// The file's JSON; with `KABAR_WRITE_VECTORS=1`, written from the builder first (the tests
    /// run in parallel, so each writes the file it reads).
    static func document(_ file: String) throws -> [String: Any] {
        let url = ConformanceVectors.folder.appendingPathComponent(file)
        if writing, let build = ConformanceVectors.documents.first(where: { $0.file == file })?.build {
            try write(ConformanceVectors.json(build()), to: url)
        }
        let data = try Data(contentsOf: url)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: ConformanceVectors.folder, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    static func list(_ document: [String: Any], _ key: String) throws -> [[String: Any]] {
        try #require(document[key] as? [[String: Any]])
    }

    /// The files are what the vectors' builder makes today: building them twice gives the same
    /// bytes, and a change to the format cannot pass unnoticed.
    @Test func theFilesAreWhatTheBuilderMakes() throws {
        for (file, build) in ConformanceVectors.documents {
            let text = ConformanceVectors.json(build())
            #expect(text == ConformanceVectors.json(build()), "\(file) is not deterministic")
            let url = ConformanceVectors.folder.appendingPathComponent(file)
            if Self.writing { try Self.write(text, to: url) }
            let stored = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            #expect(stored == text, "Documentation/Vectors/\(file) is stale: run KABAR_WRITE_VECTORS=1 swift test --filter ConformanceWireTests")
        }
    }

    // MARK: Bulletins

    @Test func everyValidBulletinDecodesReencodesAndVerifies() throws {
        let document = try Self.document("bulletins.json")
        let now = UnixTime(milliseconds: try #require(document["now"] as? Int64))
        let seeds = Dictionary(uniqueKeysWithValues: try Self.list(document, "keys").map {
            ($0["public_key"] as? String ?? "", ConformanceVectors.bytes($0["seed"] as? String ?? ""))
        })
        let valid = try Self.list(document, "valid")
        #expect(valid.count >= 10)
        for vector in valid {
            let name = vector["name"] as? String ?? "?"
            let bytes = ConformanceVectors.bytes(try #require(vector["hex"] as? String))
            let bulletin = try Bulletin.decode(bytes)
            #expect(bulletin.id.hex == vector["id"] as? String, "\(name): id")
            #expect(BulletinID(hashing: bytes).hex == vector["id"] as? String, "\(name): id is SHA-256 of the bytes")
            #expect(Int(bulletin.stampBits) == vector["stamp_bits"] as? Int, "\(name): stamp bits")
            try bulletin.verifySignature()
            try BulletinPolicy().checkTimes(bulletin, now: now)
            let fields = try #require(vector["fields"])
            #expect(ConformanceVectors.canonical(ConformanceVectors.fields(of: bulletin)) == ConformanceVectors.canonical(fields), "\(name): fields")
            // Re-encode: the decoded content signed again with the author's seed is the same bytes.
            let seed = try #require(seeds[bulletin.author.hex], "\(name): no seed for its author")
            let again = try Bulletin.sign(bulletin.content, with: try Ed25519.PrivateKey(seed: seed))
            #expect(again.encoded == bytes, "\(name): re-encoding differs")
        }
    }

    @Test func everyInvalidBulletinFailsWithItsError() throws {
        let document = try Self.document("bulletins.json")
        let now = UnixTime(milliseconds: try #require(document["now"] as? Int64))
        let invalid = try Self.list(document, "invalid")
        #expect(invalid.count >= 40)
        for vector in invalid {
            let name = vector["name"] as? String ?? "?"
            let bytes = ConformanceVectors.bytes(try #require(vector["hex"] as? String))
            let stage = vector["stage"] as? String
            var found: BulletinError?
            var foundStage = "decode"
            do {
                let bulletin = try Bulletin.decode(bytes)
                foundStage = "signature"
                try bulletin.verifySignature()
                foundStage = "dates"
                try BulletinPolicy().checkTimes(bulletin, now: now)
                foundStage = "none"
            } catch {
                found = error
            }
            let (error, field) = found.map(ConformanceVectors.name) ?? ("none", nil)
            #expect(foundStage == stage, "\(name): failed at \(foundStage)")
            #expect(error == vector["error"] as? String, "\(name): \(error)")
            #expect(field == vector["field"] as? String, "\(name): field \(field ?? "none")")
        }
    }

    // MARK: Datagrams

    @Test func everyValidDatagramDecodesToItsFieldsAndBack() throws {
        let document = try Self.document("datagrams.json")
        let networkHex = try #require(document["network_id"] as? String)
        let network = try #require(UInt32(networkHex, radix: 16))
        #expect(network == Wire.networkID(named: "kabar"))
        let valid = try Self.list(document, "valid")
        var types: Set<Int> = []
        for vector in valid {
            let name = vector["name"] as? String ?? "?"
            let bytes = ConformanceVectors.bytes(try #require(vector["hex"] as? String))
            let message = try MessageCodec.decode(bytes, network: network)
            types.insert(Int(message.type.rawValue))
            #expect(Int(message.type.rawValue) == vector["type"] as? Int, "\(name): type")
            #expect(MessageCodec.encode(message, network: network) == bytes, "\(name): re-encoding differs")
            #expect(ConformanceVectors.canonical(ConformanceVectors.fields(of: message)) == ConformanceVectors.canonical(try #require(vector["fields"])), "\(name): fields")
        }
        #expect(types == Set(MessageType.allCases.map { Int($0.rawValue) }), "one datagram of every message type")
    }

    @Test func everyInvalidDatagramIsRefusedWithItsError() throws {
        let document = try Self.document("datagrams.json")
        let networkHex = try #require(document["network_id"] as? String)
        let network = try #require(UInt32(networkHex, radix: 16))
        for vector in try Self.list(document, "invalid") {
            let name = vector["name"] as? String ?? "?"
            let bytes = ConformanceVectors.bytes(try #require(vector["hex"] as? String))
            var found = "none"
            do { _ = try MessageCodec.decode(bytes, network: network) } catch { found = ConformanceVectors.name(error) }
            #expect(found == vector["error"] as? String, "\(name): \(found)")
        }
    }

    // MARK: Bundles

    @Test func everyBundleReadsToItsRecordsAndError() throws {
        let document = try Self.document("bundles.json")
        let bundles = try Self.list(document, "bundles")
        #expect(bundles.count >= 8)
        for vector in bundles {
            let name = vector["name"] as? String ?? "?"
            let outcome = ConformanceVectors.read(ConformanceVectors.bytes(try #require(vector["hex"] as? String)))
            #expect(ConformanceVectors.canonical(outcome.records) == ConformanceVectors.canonical(try #require(vector["records"])), "\(name): records")
            #expect((outcome.error.map { $0 as Any } ?? NSNull()) as? String == vector["error"] as? String, "\(name): \(outcome.error ?? "no error")")
        }
    }

    /// The trailer's checksum covers header, records and end marker, not the count (Bundle.md).
    @Test func theBundleChecksumLeavesTheCountOut() {
        let bytes = ConformanceVectors.validBundle
        let checksumStart = bytes.count - 32
        #expect(Array(bytes[checksumStart...]) == SHA256.hash(Array(bytes[0..<(checksumStart - 4)])))
    }
}
