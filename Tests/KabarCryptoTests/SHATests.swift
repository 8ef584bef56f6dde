import KabarCrypto
import Testing

@Suite struct SHATests {
    typealias HashFunction = ([UInt8]) -> [UInt8]

    static func checkMessages(_ file: String, _ hash: HashFunction) throws -> Int {
        var checked = 0
        for record in try VectorFiles.rspRecords(file) {
            guard let length = record["Len"].flatMap({ Int($0) }), let message = record["Msg"], let digest = record["MD"] else { continue }
            let input = length == 0 ? [] : bytes(message)
            #expect(input.count * 8 == length, "\(file) Len \(length)")
            #expect(hex(hash(input)) == digest.lowercased(), "\(file) Len \(length)")
            checked += 1
        }
        return checked
    }

    /// The CAVP Monte Carlo test: MD0 = MD1 = MD2 = Seed; Mi = MDi-3 || MDi-2 || MDi-1; 1000 inner
    /// iterations per checkpoint, 100 checkpoints.
    static func checkMonte(_ file: String, _ hash: HashFunction) throws -> Int {
        let records = try VectorFiles.rspRecords(file)
        guard let seedHex = records.first(where: { $0["Seed"] != nil })?["Seed"] else {
            Issue.record("no seed in \(file)")
            return 0
        }
        let expected = records.compactMap { record -> (Int, String)? in
            guard let count = record["COUNT"].flatMap({ Int($0) }), let digest = record["MD"] else { return nil }
            return (count, digest.lowercased())
        }
        var seed = bytes(seedHex)
        for (count, digest) in expected {
            var md0 = seed, md1 = seed, md2 = seed
            for _ in 0..<1000 {
                let next = hash(md0 + md1 + md2)
                md0 = md1; md1 = md2; md2 = next
            }
            seed = md2
            #expect(hex(md2) == digest, "\(file) COUNT \(count)")
        }
        return expected.count
    }

    @Test func sha256MatchesNISTShortAndLongMessages() throws {
        #expect(try Self.checkMessages("nist_shabyte_SHA256ShortMsg.rsp", SHA256.hash) == 65)
        #expect(try Self.checkMessages("nist_shabyte_SHA256LongMsg.rsp", SHA256.hash) == 64)
    }

    @Test func sha512MatchesNISTShortAndLongMessages() throws {
        #expect(try Self.checkMessages("nist_shabyte_SHA512ShortMsg.rsp", SHA512.hash) == 129)
        #expect(try Self.checkMessages("nist_shabyte_SHA512LongMsg.rsp", SHA512.hash) == 128)
    }

    @Test func sha256MatchesNISTMonteCarlo() throws {
        #expect(try Self.checkMonte("nist_shabyte_SHA256Monte.rsp", SHA256.hash) == 100)
    }

    @Test func sha512MatchesNISTMonteCarlo() throws {
        #expect(try Self.checkMonte("nist_shabyte_SHA512Monte.rsp", SHA512.hash) == 100)
    }

    @Test func digestLengthsAreAdvertised() {
        #expect(SHA256.digestByteCount == 32 && SHA256.hash([]).count == 32)
        #expect(SHA512.digestByteCount == 64 && SHA512.hash([]).count == 64)
    }

    @Test func bufferAndArrayOneShotsAgree() {
        var random = SeededBytes(state: 7)
        let message = random.bytes(1000)
        #expect(message.withUnsafeBytes { SHA256.hash($0) } == SHA256.hash(message))
        #expect(message.withUnsafeBytes { SHA512.hash($0) } == SHA512.hash(message))
    }

    @Test func streamingEqualsOneShotAtRandomSplitPoints() {
        var random = SeededBytes(state: 42)
        for _ in 0..<200 {
            let message = random.bytes(random.below(700))
            var sha256 = SHA256.Hasher()
            var sha512 = SHA512.Hasher()
            var offset = 0
            while offset < message.count {
                let end = min(message.count, offset + random.below(200))
                let piece = Array(message[offset..<end])
                sha256.update(piece)
                piece.withUnsafeBytes { sha512.update($0) }
                offset = end
            }
            sha256.update([])
            #expect(sha256.finalize() == SHA256.hash(message))
            #expect(sha512.finalize() == SHA512.hash(message))
        }
    }
}
