import KabarCrypto
import Testing

@Suite struct Ed25519Tests {
    @Test func rfc8032VectorsMatchByteForByte() throws {
        let root = try #require(try VectorFiles.json("rfc8032_ed25519_vectors.json") as? [String: Any])
        let vectors = try #require(root["vectors"] as? [[String: Any]])
        #expect(vectors.count == 5)
        for vector in vectors {
            let name = vector["name"] as? String ?? "?"
            let seed = bytes(try #require(vector["secret_key_seed"] as? String))
            let publicKey = bytes(try #require(vector["public_key"] as? String))
            let message = bytes(try #require(vector["message"] as? String))
            let signature = bytes(try #require(vector["signature"] as? String))
            let key = try Ed25519.PrivateKey(seed: seed)
            #expect(key.seed == seed)
            #expect(key.publicKey.rawRepresentation == publicKey, "\(name) public key")
            #expect(key.signature(for: message) == signature, "\(name) signature")
            #expect(key.publicKey.isValidSignature(signature, for: message), "\(name) verifies")
            #expect(Ed25519.isValidSignature(signature, for: message, publicKey: publicKey), "\(name) verifies")
        }
    }

    @Test func wycheproofVerdictsAllMatch() throws {
        let root = try #require(try VectorFiles.json("wycheproof_ed25519_test.json") as? [String: Any])
        let groups = try #require(root["testGroups"] as? [[String: Any]])
        var checked = 0
        for group in groups {
            let keyInfo = try #require(group["publicKey"] as? [String: Any])
            let publicKey = bytes(try #require(keyInfo["pk"] as? String))
            for test in try #require(group["tests"] as? [[String: Any]]) {
                let id = test["tcId"] as? Int ?? -1
                let message = bytes(try #require(test["msg"] as? String))
                let signature = bytes(try #require(test["sig"] as? String))
                let verdict = try #require(test["result"] as? String)
                let accepted = Ed25519.isValidSignature(signature, for: message, publicKey: publicKey)
                #expect(accepted == (verdict == "valid"), "Wycheproof tcId \(id): expected \(verdict)")
                checked += 1
            }
        }
        #expect(checked == 151)
    }

    @Test func speccheckCasesFollowTheStrictCofactoredRule() throws {
        let cases = try #require(try VectorFiles.json("speccheck_cases.json") as? [[String: Any]])
        let expected = [false, false, false, true, true, true, false, false, false, false, false, false]
        #expect(cases.count == expected.count)
        for (index, entry) in cases.enumerated() where index < expected.count {
            let message = bytes(try #require(entry["message"] as? String))
            let publicKey = bytes(try #require(entry["pub_key"] as? String))
            let signature = bytes(try #require(entry["signature"] as? String))
            let accepted = Ed25519.isValidSignature(signature, for: message, publicKey: publicKey)
            #expect(accepted == expected[index], "speccheck case \(index)")
        }
    }

    @Test func randomKeysRoundTripAndRejectEveryKindOfBitFlip() throws {
        var random = SeededBytes(state: 2026)
        for round in 0..<16 {
            let key = try Ed25519.PrivateKey(seed: random.bytes(32))
            let message = random.bytes(random.below(100) + 1)
            let signature = key.signature(for: message)
            #expect(signature.count == 64)
            #expect(key.signature(for: message) == signature, "deterministic")
            #expect(key.publicKey.isValidSignature(signature, for: message), "round \(round)")
            let publicKey = key.publicKey.rawRepresentation
            for _ in 0..<3 {
                var badMessage = message
                badMessage[random.below(badMessage.count)] ^= 1 << UInt8(random.below(8))
                #expect(!key.publicKey.isValidSignature(signature, for: badMessage))
                var badSignature = signature
                badSignature[random.below(64)] ^= 1 << UInt8(random.below(8))
                #expect(!key.publicKey.isValidSignature(badSignature, for: message))
                var badKey = publicKey
                badKey[random.below(32)] ^= 1 << UInt8(random.below(8))
                #expect(!Ed25519.isValidSignature(signature, for: message, publicKey: badKey))
            }
        }
    }

    @Test func everySingleBitFlipOfOneSignatureIsRejected() throws {
        let key = try Ed25519.PrivateKey(seed: [UInt8](repeating: 7, count: 32))
        let message = Array("kabar".utf8)
        let signature = key.signature(for: message)
        for bit in stride(from: 0, to: 512, by: 5) {
            var bad = signature
            bad[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(!key.publicKey.isValidSignature(bad, for: message), "bit \(bit)")
        }
    }

    @Test func wrongLengthsAreTypedErrorsOrFalse() throws {
        #expect(throws: Ed25519.Error.wrongSeedLength(31)) { try Ed25519.PrivateKey(seed: [UInt8](repeating: 0, count: 31)) }
        #expect(throws: Ed25519.Error.wrongSeedLength(0)) { try Ed25519.PrivateKey(seed: []) }
        #expect(throws: Ed25519.Error.wrongPublicKeyLength(33)) {
            try Ed25519.PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 33))
        }
        let key = try Ed25519.PrivateKey(seed: [UInt8](repeating: 1, count: 32))
        let signature = key.signature(for: [])
        #expect(!key.publicKey.isValidSignature(Array(signature.dropLast()), for: []))
        #expect(!key.publicKey.isValidSignature(signature + [0], for: []))
        #expect(!Ed25519.isValidSignature(signature, for: [], publicKey: Array(key.publicKey.rawRepresentation.dropLast())))
        #expect(!Ed25519.isValidSignature([], for: [], publicKey: []))
        for error in [Ed25519.Error.wrongSeedLength(1), .wrongPublicKeyLength(2), .wrongSignatureLength(3), .invalidPublicKey] {
            #expect(!error.description.isEmpty)
        }
    }

    @Test func undecodableAndSmallOrderKeysAreInvalidPublicKey() {
        // y = 1 encodes the identity (small order); y = p is non-canonical; y = 2 is not on the curve.
        var identity = [UInt8](repeating: 0, count: 32)
        identity[0] = 1
        var nonCanonical = [UInt8](repeating: 0xff, count: 32)
        nonCanonical[0] = 0xed
        nonCanonical[31] = 0x7f
        var offCurve = [UInt8](repeating: 0, count: 32)
        offCurve[0] = 2
        for raw in [identity, nonCanonical, offCurve] {
            #expect(throws: Ed25519.Error.invalidPublicKey) { try Ed25519.PublicKey(rawRepresentation: raw) }
        }
    }

    @Test func generateDrawsTheSeedFromTheSource() throws {
        struct Counting: RandomSource {
            var next: UInt8 = 0
            mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
                for index in 0..<buffer.count {
                    buffer[index] = next
                    next &+= 1
                }
            }
        }
        var source = Counting()
        let key = try Ed25519.PrivateKey.generate(using: &source)
        #expect(key.seed == (0..<32).map { UInt8($0) })
        let again = try Ed25519.PrivateKey.generate(using: &source)
        #expect(again.seed != key.seed)
        #expect(again.publicKey != key.publicKey)
    }
}
