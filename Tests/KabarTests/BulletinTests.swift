import Kabar
import KabarCrypto
import Testing

@Suite struct BulletinTests {
    @Test func postRoundTripsAndVerifies() throws {
        let post = makePost()
        let decoded = try Bulletin.decode(post.encoded)
        #expect(decoded.id == post.id)
        #expect(decoded.content == post.content)
        #expect(decoded.id == BulletinID(hashing: post.encoded))
        try decoded.verifySignature()
    }

    @Test func everyKindRoundTrips() throws {
        let target = makePost()
        var retraction = BulletinContent(
            kind: .retraction, author: TestKeys.author(1), created: testEpoch, expires: target.expires, channel: "warga")
        retraction.references = [target.id]
        var hide = BulletinContent(kind: .hide, author: TestKeys.author(2), created: testEpoch, expires: target.expires, channel: "warga")
        hide.references = [target.id]
        var grant = BulletinContent(
            kind: .grant, author: TestKeys.author(3), created: testEpoch, expires: testEpoch + .days(90), channel: "kabar")
        grant.grant = Grant(grantee: TestKeys.author(1), channels: ["resmi", "pengumuman"], mayGrant: true, moderator: true)
        var edit = BulletinContent(kind: .post, author: TestKeys.author(1), created: testEpoch + .minutes(1), expires: target.expires, channel: "warga")
        edit.title = "Panen jagung (ralat)"
        edit.body = "Dijual 3 ton.\nHubungi Pak Amir."
        edit.supersedes = target.id
        edit.references = [target.id]
        var future = BulletinContent(kind: .unknown(42), author: TestKeys.author(4), created: testEpoch, expires: target.expires, channel: "warga")
        future.unknownFields = [UnknownField(tag: 9, value: [1, 2, 3]), UnknownField(tag: 200, value: [4])]
        for (content, number) in [(retraction, UInt8(1)), (hide, 2), (grant, 3), (edit, 1), (future, 4)] {
            let signed = try Bulletin.sign(content, with: TestKeys.key(number))
            let decoded = try Bulletin.decode(signed.encoded)
            #expect(decoded.content == content)
            #expect(decoded.encoded == signed.encoded)
            try decoded.verifySignature()
        }
        let decodedGrant = try Bulletin.decode(try Bulletin.sign(grant, with: TestKeys.key(3)).encoded)
        #expect(decodedGrant.content.grant?.channels == ["pengumuman", "resmi"])
    }

    @Test func alteredBytesFailTheSignature() throws {
        let post = makePost()
        var bytes = post.encoded
        let titleOffset = bytes.count - 64 - 20
        bytes[titleOffset] ^= 0x01
        let altered = try Bulletin.decode(bytes)
        #expect(throws: BulletinError.badSignature) { try altered.verifySignature() }
    }

    @Test func signingWithTheWrongKeyIsRefused() {
        var content = BulletinContent(kind: .post, author: TestKeys.author(1), created: testEpoch, expires: testEpoch + .days(1), channel: "warga")
        content.title = "x"
        #expect(throws: BulletinError.badSignature) { try Bulletin.sign(content, with: TestKeys.key(2)) }
    }

    @Test func eachRuleHasItsOwnError() throws {
        let post = makePost()
        var version = post.encoded
        version[0] = 2
        #expect(throws: BulletinError.unknownVersion(2)) { try Bulletin.decode(version) }
        var kind = post.encoded
        kind[1] = 0
        #expect(throws: BulletinError.reservedKind) { try Bulletin.decode(kind) }
        #expect(throws: BulletinError.truncated) { try Bulletin.decode(Array(post.encoded.prefix(60))) }
        #expect(throws: BulletinError.tooLarge(size: 16_385, limit: 16_384)) {
            try Bulletin.decode([UInt8](repeating: 1, count: 16_385))
        }
        func content(_ edit: (inout BulletinContent) -> Void) -> BulletinContent {
            var content = BulletinContent(kind: .post, author: TestKeys.author(1), created: testEpoch, expires: testEpoch + .days(1), channel: "warga")
            content.title = "judul"
            edit(&content)
            return content
        }
        let cases: [(BulletinContent, BulletinError)] = [
            (content { $0.channel = "Pasar" }, .invalidChannelName("Pasar")),
            (content { $0.channel = "" }, .missingField(.channel)),
            (content { $0.title = "" }, .missingField(.title)),
            (content { $0.title = "a\nb" }, .controlCharacter(.title)),
            (content { $0.body = "a\r\nb" }, .controlCharacter(.body)),
            (content { $0.title = String(repeating: "x", count: 201) }, .fieldTooLong(.title, limit: 200)),
            (content { $0.body = String(repeating: "x", count: 15_001) }, .fieldTooLong(.body, limit: 15_000)),
            (content { $0.expires = $0.created }, .invalidTimes),
            (content { $0.grant = Grant(grantee: TestKeys.author(2), channels: ["resmi"]) }, .unexpectedField(.grant)),
            (content { $0.kind = .retraction; $0.title = "" }, .missingField(.references)),
        ]
        for (bad, error) in cases {
            #expect(throws: error) { try Bulletin.sign(bad, with: TestKeys.key(1)) }
        }
    }

    @Test func invalidUTF8IsItsOwnError() throws {
        let post = makePost(title: "abc")
        var bytes = post.encoded
        // The title is the second field: tag 2, length 3, "abc".
        let tagIndex = bytes.firstIndex(of: 2, after: BulletinCodec.headerByteCount)!
        bytes[tagIndex + 2] = 0xff
        #expect(throws: BulletinError.badUTF8(.title)) { try Bulletin.decode(bytes) }
    }

    @Test func nonCanonicalEncodingsAreRejected() throws {
        let post = makePost()
        // A length written with a redundant continuation byte.
        var bytes = post.encoded
        let channelTag = BulletinCodec.headerByteCount
        #expect(bytes[channelTag] == 1)
        let length = bytes[channelTag + 1]
        bytes.replaceSubrange((channelTag + 1)...(channelTag + 1), with: [length | 0x80, 0x00])
        #expect(throws: BulletinError.nonCanonical("length not in shortest form")) { try Bulletin.decode(bytes) }
        // Fields swapped out of order.
        var swapped = ByteWriter()
        swapped.write(post.encoded[0..<BulletinCodec.headerByteCount])
        swapped.write([2, 1, UInt8(ascii: "t"), 1, 1, UInt8(ascii: "a")])
        swapped.write([UInt8](repeating: 0, count: 64))
        #expect(throws: BulletinError.nonCanonical("fields out of order or repeated")) { try Bulletin.decode(swapped.bytes) }
    }

    @Test func timePolicyBoundsTheFutureExpiryAndLifetime() throws {
        let policy = BulletinPolicy()
        let post = makePost(lifetime: .days(7))
        try policy.checkTimes(post, now: testEpoch)
        #expect(throws: BulletinError.self) { try policy.checkTimes(post, now: testEpoch + .days(8)) }
        #expect(throws: BulletinError.tooFarInFuture(created: testEpoch, limit: testEpoch - .minutes(11) + .minutes(10))) {
            try policy.checkTimes(post, now: testEpoch - .minutes(11))
        }
        let long = makePost(channel: "pasar", lifetime: .days(31))
        #expect(throws: BulletinError.lifetimeTooLong(lifetime: .days(31), limit: .days(30))) {
            try policy.checkTimes(long, now: testEpoch)
        }
    }

    @Test func durationsParse() {
        #expect(TimeSpan.parse("7d") == .days(7))
        #expect(TimeSpan.parse("12h") == .hours(12))
        #expect(TimeSpan.parse("30m") == .minutes(30))
        #expect(TimeSpan.parse("2w") == .days(14))
        #expect(TimeSpan.parse("3") == .days(3))
        #expect(TimeSpan.parse("") == nil)
        #expect(TimeSpan.parse("-1d") == nil)
        #expect(TimeSpan.parse("1y") == nil)
        #expect(TimeSpan.parse("99999999999d") == nil)
    }

    /// 100,000 random and mutated inputs from a fixed seed: each decodes or throws a
    /// `BulletinError`; none crashes, and whatever decodes re-encodes to the same bytes.
    @Test func decoderSurvivesRandomAndMutatedInput() throws {
        var prng = PRNG(seed: 2026)
        let seeds = [makePost(), makePost(title: "Posyandu", body: String(repeating: "Imunisasi. ", count: 200))]
            + [makeGrantForFuzz()]
        var decoded = 0
        for round in 0..<100_000 {
            var bytes: [UInt8]
            if round % 10 == 0 {
                bytes = prng.bytes(prng.int(below: 400))
            } else {
                bytes = seeds[round % seeds.count].encoded
                for _ in 0..<(1 + prng.int(below: 4)) {
                    switch prng.int(below: 5) {
                    case 0: bytes[prng.int(below: bytes.count)] ^= UInt8(1 << prng.int(below: 8))
                    case 1: bytes[prng.int(below: bytes.count)] = UInt8(truncatingIfNeeded: prng.next())
                    case 2: bytes.removeLast(prng.int(below: min(bytes.count, 80)))
                    case 3: bytes.insert(UInt8(truncatingIfNeeded: prng.next()), at: prng.int(below: bytes.count + 1))
                    default: bytes.remove(at: prng.int(below: bytes.count))
                    }
                    if bytes.isEmpty { bytes = [0] }
                }
            }
            if let bulletin = try? Bulletin.decode(bytes) {
                decoded += 1
                #expect(bulletin.encoded == bytes)
            }
        }
        #expect(decoded > 0)  // mutations inside the signature still decode
    }

    private func makeGrantForFuzz() -> Bulletin {
        var grant = BulletinContent(kind: .grant, author: TestKeys.author(3), created: testEpoch, expires: testEpoch + .days(9), channel: "kabar")
        grant.grant = Grant(grantee: TestKeys.author(1), channels: ["resmi"], moderator: true)
        return try! Bulletin.sign(grant, with: TestKeys.key(3))
    }
}

extension Array where Element == UInt8 {
    func firstIndex(of value: UInt8, after start: Int) -> Int? {
        self[start...].firstIndex(of: value)
    }
}
