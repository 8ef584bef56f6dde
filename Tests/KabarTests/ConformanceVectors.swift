import Foundation
import Kabar
import KabarCrypto

/// The conformance vectors of Documentation/Vectors/ (bulletins, datagrams, bundles), built from
/// fixed seeds and dates so that building them again gives the same bytes.
/// `ConformanceWireTests` compares them with the files and checks the code against every one;
/// `KABAR_WRITE_VECTORS=1 swift test --filter ConformanceWireTests` rewrites the files.
///
/// Keys are Ed25519 seeds of 32 equal bytes (seed 0x01...01 for author 1), times are
/// milliseconds from `ConformanceVectors.created`; what every vector means is in
/// Documentation/Vectors/README.md.
enum ConformanceVectors {
    /// Where the files live: Documentation/Vectors/ of this repository.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Documentation/Vectors")

    /// 2026-11-01T00:00:00Z, the `created` of every vector bulletin.
    static let created: Int64 = 1_793_491_200_000
    /// The node time every valid vector bulletin passes the date checks at: an hour later.
    static let now: Int64 = created + 3_600_000
    static let day: Int64 = 86_400_000

    static func key(_ number: UInt8) -> Ed25519.PrivateKey { try! Ed25519.PrivateKey(seed: [UInt8](repeating: number, count: 32)) }
    static func author(_ number: UInt8) -> AuthorKey { AuthorKey(bytes: key(number).publicKey.rawRepresentation)! }
    static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }
    static func bytes(_ hex: String) -> [UInt8] { (try? Hex.decode(hex)) ?? [] }
    static func fakeID(_ number: UInt8) -> BulletinID { BulletinID(hashing: Array("vector id \(number)".utf8)) }

    // MARK: Raw bulletins (the invalid ones are built byte by byte, then signed)

    /// A bulletin written field by field as given, right or wrong, and signed by author `signer`.
    struct Raw {
        var version: UInt8 = 1
        var kind: UInt8 = 1
        var signer: UInt8 = 1
        var created: UInt64 = UInt64(ConformanceVectors.created)
        var expires: UInt64 = UInt64(ConformanceVectors.created + 7 * ConformanceVectors.day)
        /// Fields in the order written: tag, value; `length` overrides the length's bytes.
        var fields: [(tag: UInt8, value: [UInt8], length: [UInt8]?)] = []

        init(kind: UInt8 = 1, _ fields: [(UInt8, [UInt8])]) {
            self.kind = kind
            self.fields = fields.map { ($0.0, $0.1, nil) }
        }

        var unsigned: [UInt8] {
            var bytes: [UInt8] = [version, kind] + ConformanceVectors.author(signer).bytes
            for value in [created, expires] { bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }
            for field in fields { bytes += [field.tag] + (field.length ?? varint(field.value.count)) + field.value }
            return bytes
        }

        var signed: [UInt8] { unsigned + ConformanceVectors.key(signer).signature(for: Bulletin.signingDomain + unsigned) }
    }

    static func varint(_ value: Int) -> [UInt8] {
        var value = UInt64(value)
        var bytes: [UInt8] = []
        repeat {
            let low = UInt8(value & 0x7f)
            value >>= 7
            bytes.append(value == 0 ? low : low | 0x80)
        } while value != 0
        return bytes
    }

    static func text(_ string: String) -> [UInt8] { Array(string.utf8) }
    static let channel: (UInt8, [UInt8]) = (1, text("warga"))
    static let title: (UInt8, [UInt8]) = (2, text("Panen jagung"))

    static func sign(_ content: BulletinContent, by number: UInt8 = 1) -> Bulletin { try! Bulletin.sign(content, with: key(number)) }

    static func content(_ kind: BulletinKind, by number: UInt8 = 1, channel: String = "warga", lifetime: Int64 = 7) -> BulletinContent {
        BulletinContent(
            kind: kind, author: author(number), created: UnixTime(milliseconds: created),
            expires: UnixTime(milliseconds: created + lifetime * day), channel: channel)
    }

    // MARK: The valid bulletins

    static var minimalPost: Bulletin {
        var post = content(.post)
        post.title = "Panen jagung"
        return sign(post)
    }

    static var reply: Bulletin {
        var post = content(.post, by: 2)
        post.title = "Masih ada?"
        post.body = "Saya mau 50 kg.\nBisa antar ke Bagan?\tTerima kasih."
        // Order is content: the two ids are deliberately not sorted.
        post.references = [minimalPost.id, fakeID(1)].sorted().reversed()
        return sign(post, by: 2)
    }

    static var validBulletins: [(name: String, section: String, note: String, bulletin: Bulletin)] {
        var all: [(String, String, String, Bulletin)] = []
        all.append(("post-minimal", "Bulletin.md#layout", "a post with a channel and a title only", minimalPost))
        all.append(("post-reply-unsorted-references", "Bulletin.md#fields",
                    "a reply with a body (newline and tab allowed) and two references in descending order: order is content", reply))
        var rich = content(.post, channel: "pasar")
        rich.title = "Jual padi \u{200F}(harga baru)"
        rich.body = "Harga: Rp 5.000/kg.\u{2028}\u{202B}نص\u{202C} A line separator and a right-to-left embedding are allowed in a body."
        rich.supersedes = fakeID(2)
        rich.attachments = [fakeID(4), fakeID(3)]
        rich.unknownFields = [UnknownField(tag: 8, value: [1, 2, 3]), UnknownField(tag: 200, value: text("later"))]
        all.append(("post-edit-attachments-unknown-fields", "Bulletin.md#fields",
                    "supersedes, two attachments (not sorted), unknown fields 8 and 200 carried and signed, U+200F in the title, U+2028 and an embedding in the body", sign(rich)))
        var stamped = content(.post)
        stamped.title = "Dengan prangko"
        let stampedBulletin = try! Bulletin.sign(try! Stamp.stamp(stamped, bits: 8), with: key(1))
        all.append(("post-stamped", "Bulletin.md#fields", "field 254 holds a stamp nonce; stamp_bits counts leading zero bits of SHA-256 of the unsigned part", stampedBulletin))
        var retraction = content(.retraction)
        retraction.references = [minimalPost.id]
        all.append(("retraction", "Bulletin.md#kinds", "kind 2: channel and references only", sign(retraction)))
        var grant = content(.grant, by: 3, channel: "kabar", lifetime: 180)
        grant.grant = Grant(grantee: author(1), channels: ["pengumuman", "resmi"], mayGrant: true, moderator: false)
        all.append(("grant", "Bulletin.md#fields", "kind 3 on kabar: grantee, flags, sorted channel names", sign(grant, by: 3)))
        var hide = content(.hide, by: 3)
        hide.references = [fakeID(5)]
        all.append(("hide", "Bulletin.md#kinds", "kind 4: channel and references", sign(hide, by: 3)))
        var vouch = content(.unknown(5), by: 3, channel: "kabar", lifetime: 30)
        vouch.unknownFields = [UnknownField(tag: 9, value: [author(1), author(2)].map(\.bytes).sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 })]
        all.append(("vouch-kind-5", "Bulletin.md#fields", "kind 5 on kabar: field 9 holds sorted keys (Trust.md, Strangers)", sign(vouch, by: 3)))
        var later = content(.unknown(77))
        later.title = "Jenis baru"
        later.unknownFields = [UnknownField(tag: 9, value: [0])]
        all.append(("unknown-kind-77", "Bulletin.md#kinds", "a kind of a later version: needs only a channel; carried, stored, forwarded", sign(later)))
        let largestBulletin = try! Bulletin.decode(fitted(to: BulletinCodec.encodedBytesMax))
        all.append(("post-largest", "Bulletin.md#layout", "exactly 16,384 bytes, the largest bulletin: a 15,000-byte body and unknown field 9 (travels in 15 fragments)", largestBulletin))
        return all.map { (name: $0.0, section: $0.1, note: $0.2, bulletin: $0.3) }
    }

    static func fields(of bulletin: Bulletin) -> [String: Any] {
        let content = bulletin.content
        var fields: [String: Any] = [
            "version": Int(content.version), "kind": Int(content.kind.code), "kind_name": content.kind.name,
            "author": hex(content.author.bytes), "created": content.created.milliseconds, "expires": content.expires.milliseconds,
            "channel": content.channel, "title": content.title, "body": content.body,
            "references": content.references.map(\.hex), "attachments": content.attachments.map(\.hex),
            "supersedes": content.supersedes.map { $0.hex as Any } ?? NSNull(),
            "unknown_fields": content.unknownFields.map { ["tag": Int($0.tag), "value": hex($0.value)] as [String: Any] },
            "signature": hex(bulletin.signature),
        ]
        if let grant = content.grant {
            fields["grant"] = [
                "grantee": hex(grant.grantee.bytes), "channels": grant.channels, "may_grant": grant.mayGrant, "moderator": grant.moderator,
            ] as [String: Any]
        } else {
            fields["grant"] = NSNull()
        }
        return fields
    }

    // MARK: The invalid bulletins

    /// (name, section, note, bytes, stage, error, field): `stage` is where a node finds it:
    /// `decode` (structure), `signature`, or `dates` (at `now`).
    typealias Invalid = (name: String, section: String, note: String, bytes: [UInt8], stage: String, error: String, field: String?)

    static var invalidBulletins: [Invalid] {
        var all: [Invalid] = []
        func add(_ name: String, _ section: String, _ note: String, _ bytes: [UInt8], _ error: String, _ field: String? = nil, stage: String = "decode") {
            all.append((name, section, note, bytes, stage, error, field))
        }
        let good = Raw(kind: 1, [channel, title])
        add("too-large-16385", "Bulletin.md#layout", "16,385 bytes, one over the limit, otherwise a correct post (a 15,000-byte body and unknown field 9 filling the rest)", fitted(to: BulletinCodec.encodedBytesMax + 1), "tooLarge")
        add("truncated-short", "Bulletin.md#layout", "113 bytes: shorter than header and signature", Array(good.signed.prefix(113)), "truncated")
        var cut = good
        cut.fields[1].length = varint(40)
        add("truncated-field-length", "Bulletin.md#layout", "the title's length runs past the signature's start", cut.signed, "truncated")
        var version = good
        version.version = 2
        add("unknown-version-2", "Bulletin.md#layout", "format version 2", version.signed, "unknownVersion")
        add("reserved-kind-0", "Bulletin.md#layout", "kind 0", Raw(kind: 0, [channel, title]).signed, "reservedKind")
        var future = good
        future.created = UInt64(1) << 53
        future.expires = (UInt64(1) << 53) + 1
        add("created-above-2^53", "Bulletin.md#layout", "created = 2^53: out of range, not an order problem", future.signed, "timeOutOfRange")
        var farExpiry = good
        farExpiry.expires = UInt64.max
        add("expires-above-2^53", "Bulletin.md#layout", "expires = 2^64 - 1", farExpiry.signed, "timeOutOfRange")
        var backwards = good
        backwards.expires = backwards.created
        add("expires-not-after-created", "Bulletin.md#layout", "expires = created", backwards.signed, "invalidTimes")
        add("fields-out-of-order", "Bulletin.md#canonical-encoding", "title before channel", Raw([title, channel]).signed, "nonCanonical")
        add("field-repeated", "Bulletin.md#canonical-encoding", "two titles", Raw([channel, title, title]).signed, "nonCanonical")
        add("field-empty", "Bulletin.md#canonical-encoding", "an empty body field", Raw([channel, title, (3, [])]).signed, "nonCanonical")
        var long = good
        long.fields[1].length = [0x8c, 0x00]
        add("length-not-shortest", "Bulletin.md#canonical-encoding", "the title's length 12 written in two bytes (8c 00)", long.signed, "nonCanonical")
        add("channel-uppercase", "Bulletin.md#fields", "channel 'Warga'", Raw([(1, text("Warga")), title]).signed, "invalidChannelName")
        add("channel-digit-first", "Bulletin.md#fields", "channel '9pasar'", Raw([(1, text("9pasar")), title]).signed, "invalidChannelName")
        add("channel-33-bytes", "Bulletin.md#fields", "a 33-byte channel name", Raw([(1, text(String(repeating: "a", count: 33))), title]).signed, "invalidChannelName")
        add("title-201-bytes", "Bulletin.md#fields", "201 bytes of title", Raw([channel, (2, text(String(repeating: "a", count: 201)))]).signed, "fieldTooLong", "title")
        add("title-bad-utf8", "Bulletin.md#text", "a lone continuation byte", Raw([channel, (2, [0x41, 0x80])]).signed, "badUTF8", "title")
        add("title-newline", "Bulletin.md#text", "a newline in a title", Raw([channel, (2, text("Panen\njagung"))]).signed, "controlCharacter", "title")
        add("title-bidi-override", "Bulletin.md#text", "U+202E RIGHT-TO-LEFT OVERRIDE in a title", Raw([channel, (2, text("Bantuan \u{202E}gpj.exe"))]).signed, "controlCharacter", "title")
        add("title-bidi-isolate", "Bulletin.md#text", "U+2066 LEFT-TO-RIGHT ISOLATE in a title", Raw([channel, (2, text("a\u{2066}b"))]).signed, "controlCharacter", "title")
        add("title-line-separator", "Bulletin.md#text", "U+2028 LINE SEPARATOR in a title", Raw([channel, (2, text("a\u{2028}b"))]).signed, "controlCharacter", "title")
        add("body-carriage-return", "Bulletin.md#text", "CR LF in a body", Raw([channel, title, (3, text("a\r\nb"))]).signed, "controlCharacter", "body")
        add("body-c1-control", "Bulletin.md#text", "U+0085 NEXT LINE (a C1 control) in a body", Raw([channel, title, (3, text("a\u{85}b"))]).signed, "controlCharacter", "body")
        add("body-15001-bytes", "Bulletin.md#fields", "15,001 bytes of body", Raw([channel, title, (3, [UInt8](repeating: 0x61, count: 15_001))]).signed, "fieldTooLong", "body")
        add("references-not-whole-ids", "Bulletin.md#fields", "references of 33 bytes", Raw([channel, title, (4, [UInt8](repeating: 7, count: 33))]).signed, "truncated")
        add("references-17", "Bulletin.md#fields", "17 references", Raw([channel, title, (4, (1...17).flatMap { fakeID($0).bytes })]).signed, "fieldTooLong", "references")
        add("references-repeated", "Bulletin.md#fields", "the same id twice", Raw([channel, title, (4, fakeID(1).bytes + fakeID(1).bytes)]).signed, "nonCanonical")
        add("supersedes-31-bytes", "Bulletin.md#fields", "a 31-byte supersedes", Raw([channel, title, (5, Array(fakeID(1).bytes.prefix(31)))]).signed, "fieldTooLong", "supersedes")
        add("attachments-17", "Bulletin.md#fields", "17 attachments", Raw([channel, title, (6, (1...17).flatMap { fakeID($0).bytes })]).signed, "fieldTooLong", "attachments")
        add("unknown-fields-17", "Bulletin.md#fields", "17 fields of tags 8-24", Raw([channel, title] + (8...24).map { (UInt8($0), [1]) }).signed, "fieldTooLong", "unknown")
        let grantee = author(1).bytes
        func grantValue(flags: UInt8, _ names: [String]) -> [UInt8] { grantee + [flags, UInt8(names.count)] + names.flatMap { [UInt8($0.utf8.count)] + text($0) } }
        let kabar: (UInt8, [UInt8]) = (1, text("kabar"))
        add("grant-channels-unsorted", "Bulletin.md#fields", "grant channels resmi, pengumuman", Raw(kind: 3, [kabar, (7, grantValue(flags: 0, ["resmi", "pengumuman"]))]).signed, "nonCanonical")
        add("grant-unknown-flag", "Bulletin.md#fields", "grant flag bit 2", Raw(kind: 3, [kabar, (7, grantValue(flags: 4, ["resmi"]))]).signed, "nonCanonical")
        add("grant-no-channels", "Bulletin.md#fields", "a grant naming no channel", Raw(kind: 3, [kabar, (7, grantValue(flags: 0, []))]).signed, "missingField", "grant")
        add("missing-channel", "Bulletin.md#kinds", "a post without a channel", Raw([title]).signed, "missingField", "channel")
        add("post-missing-title", "Bulletin.md#kinds", "a post without a title", Raw([channel, (3, text("isi"))]).signed, "missingField", "title")
        add("post-with-grant", "Bulletin.md#kinds", "a post carrying a grant", Raw([channel, title, (7, grantValue(flags: 0, ["resmi"]))]).signed, "unexpectedField", "grant")
        add("retraction-missing-references", "Bulletin.md#kinds", "a retraction naming nothing", Raw(kind: 2, [channel]).signed, "missingField", "references")
        add("retraction-with-title", "Bulletin.md#kinds", "a retraction with a title", Raw(kind: 2, [channel, title, (4, fakeID(1).bytes)]).signed, "unexpectedField", "title")
        add("hide-with-body", "Bulletin.md#kinds", "a hide with a body", Raw(kind: 4, [channel, (3, text("x")), (4, fakeID(1).bytes)]).signed, "unexpectedField", "body")
        add("grant-missing-grant", "Bulletin.md#kinds", "a grant without field 7", Raw(kind: 3, [kabar]).signed, "missingField", "grant")
        add("grant-with-references", "Bulletin.md#kinds", "a grant with references", Raw(kind: 3, [kabar, (4, fakeID(1).bytes), (7, grantValue(flags: 0, ["resmi"]))]).signed, "unexpectedField", "references")
        var forged = Raw(kind: 1, [channel, title]).signed
        forged[forged.count - 1] ^= 1
        add("signature-bit-flipped", "Bulletin.md#signing-domain-and-id", "a correct post with the last signature bit flipped", forged, "badSignature", stage: "signature")
        var otherSigner = Raw(kind: 1, [channel, title])
        otherSigner.signer = 2
        var wrongKey = otherSigner.signed
        wrongKey.replaceSubrange(2..<34, with: author(1).bytes)
        add("signature-by-another-key", "Bulletin.md#signing-domain-and-id", "signed by author 2, naming author 1", wrongKey, "badSignature", stage: "signature")
        var noDomain = Raw(kind: 1, [channel, title])
        let unsigned = noDomain.unsigned
        add("signature-without-domain", "Bulletin.md#signing-domain-and-id", "signed over the bytes without the domain string", unsigned + key(1).signature(for: unsigned), "badSignature", stage: "signature")
        noDomain.created = UInt64(created - 8 * day)
        noDomain.expires = UInt64(created - 1 * day)
        add("expired", "Bulletin.md#time", "expired a day before now", noDomain.signed, "expired", stage: "dates")
        var early = Raw(kind: 1, [channel, title])
        early.created = UInt64(now + 10 * 60_000 + 1)
        early.expires = early.created + UInt64(day)
        add("too-far-in-future", "Bulletin.md#time", "created 10 minutes and 1 ms after now", early.signed, "tooFarInFuture", stage: "dates")
        var longLived = Raw(kind: 1, [(1, text("darurat")), title])
        longLived.expires = longLived.created + UInt64(15 * day)
        add("lifetime-too-long", "Bulletin.md#time", "15 days on darurat (maximum 14)", longLived.signed, "lifetimeTooLong", stage: "dates")
        return all
    }

    /// A post of exactly `size` bytes (over 1,300), correct but for its size: a 15,000-byte body
    /// and an unknown field 9 filling the rest.
    static func fitted(to size: Int) -> [UInt8] {
        var raw = Raw([channel, title, (3, [UInt8](repeating: 0x61, count: min(15_000, size - 1_300))), (9, [])])
        for _ in 0..<2 {
            let room = size - raw.signed.count + raw.fields[3].value.count
            raw.fields[3].value = [UInt8](repeating: 0x62, count: room)
        }
        precondition(raw.signed.count == size)
        return raw.signed
    }

    /// The name of a `BulletinError` case, and the field it names, if any: what the vectors
    /// and Documentation/Bulletin.md call it.
    static func name(_ error: BulletinError) -> (String, String?) {
        switch error {
        case .tooLarge: ("tooLarge", nil)
        case .truncated: ("truncated", nil)
        case .unknownVersion: ("unknownVersion", nil)
        case .reservedKind: ("reservedKind", nil)
        case .nonCanonical: ("nonCanonical", nil)
        case .badUTF8(let field): ("badUTF8", field.rawValue)
        case .controlCharacter(let field): ("controlCharacter", field.rawValue)
        case .fieldTooLong(let field, _): ("fieldTooLong", field.rawValue)
        case .missingField(let field): ("missingField", field.rawValue)
        case .unexpectedField(let field): ("unexpectedField", field.rawValue)
        case .invalidChannelName: ("invalidChannelName", nil)
        case .invalidTimes: ("invalidTimes", nil)
        case .timeOutOfRange: ("timeOutOfRange", nil)
        case .badSignature: ("badSignature", nil)
        case .expired: ("expired", nil)
        case .tooFarInFuture: ("tooFarInFuture", nil)
        case .lifetimeTooLong: ("lifetimeTooLong", nil)
        }
    }

    static func bulletinsDocument() -> [String: Any] {
        [
            "about": "Bulletins of format version 1 (Documentation/Bulletin.md). Check each valid one: decode, re-encode (sign the decoded content with the seed's key: Ed25519 is deterministic, so the bytes come out the same), id = SHA-256 of the bytes, signature verifies, and the dates pass at now with the default channel rules. Each invalid one fails at its stage with its error. Documentation/Vectors/README.md says more.",
            "now": now,
            "signing_domain_hex": hex(Bulletin.signingDomain),
            "keys": (1...3).map { number in
                ["author": Int(number), "seed": hex([UInt8](repeating: number, count: 32)), "public_key": hex(author(number).bytes)] as [String: Any]
            },
            "valid": validBulletins.map { vector -> [String: Any] in
                [
                    "name": vector.name, "section": vector.section, "note": vector.note, "hex": hex(vector.bulletin.encoded),
                    "size": vector.bulletin.encoded.count, "id": vector.bulletin.id.hex, "stamp_bits": Int(vector.bulletin.stampBits),
                    "fields": fields(of: vector.bulletin),
                ]
            },
            "invalid": invalidBulletins.map { vector -> [String: Any] in
                var object: [String: Any] = [
                    "name": vector.name, "section": vector.section, "note": vector.note, "hex": hex(vector.bytes), "size": vector.bytes.count,
                    "stage": vector.stage, "error": vector.error,
                ]
                if let field = vector.field { object["field"] = field }
                return object
            },
        ]
    }

    // MARK: Datagrams

    static let network = Wire.networkID(named: Wire.defaultNetworkName)

    static var largeBulletin: Bulletin {
        var post = content(.post)
        post.title = "Jadwal posyandu"
        post.body = String(repeating: "Posyandu Selasa pukul 08.00 di balai desa. ", count: 40)
        return sign(post)
    }

    static var validDatagrams: [(name: String, note: String, message: Message)] {
        let pieces = largeBulletin.encoded
        let size = Fragment.payloadBytesMax
        let range = ReconciliationRange(
            lower: ReconciliationBound(created: created, idPrefix: minimalPost.id.prefix64),
            upper: nil)
        let block = Array("one attachment block".utf8)
        return [
            ("beacon", "broadcast flag set", .beacon(Beacon(
                key: author(100), incarnation: 0x0102_0304, wallClock: UnixTime(milliseconds: now), storeCount: 2,
                fingerprint: Array(0..<16), flags: Beacon.broadcastFlag))),
            ("beacon-unknown-flags", "flags 0x81: bit 7 is unknown and ignored; bit 0 still means broadcast", .beacon(Beacon(
                key: author(100), incarnation: 7, wallClock: UnixTime(milliseconds: now), storeCount: 0,
                fingerprint: [UInt8](repeating: 0, count: 16), flags: 0x81))),
            ("challenge", "", .challenge(cookie: 0x0123_4567_89ab_cdef)),
            ("response", "the cookie echoed", .response(cookie: 0x0123_4567_89ab_cdef)),
            ("announce", "", .announce([minimalPost.id, reply.id])),
            ("request", "", .request([minimalPost.id])),
            ("bulletin", "the post-minimal bulletin", .bulletin(minimalPost.encoded)),
            ("fragment-0", "first of two pieces: exactly 1,158 bytes", .fragment(Fragment(id: largeBulletin.id, index: 0, count: 2, payload: Array(pieces[0..<size])))),
            ("fragment-1", "last piece: the rest", .fragment(Fragment(id: largeBulletin.id, index: 1, count: 2, payload: Array(pieces[size...])))),
            ("fragment-request", "missing pieces 0 and 1", .fragmentRequest(id: largeBulletin.id, missing: 0b11)),
            ("sync", "an opaque reconciliation payload; its contents are the reconciliation vectors' business", .sync(session: 0xdead_beef, fromInitiator: true, payload: [1, 2, 3, 4])),
            ("transfer-request", "one range from a bound, unbounded above, and one id", .transferRequest(TransferRequest(stream: 9, ranges: [range], ids: [reply.id]))),
            ("transfer-data", "two records, the last datagram of its stream", .transferData(TransferData(stream: 9, seq: 0, isLast: true, records: [minimalPost.encoded, reply.encoded]))),
            ("transfer-ack", "received 5-7 and 0-2, newest first", .transferAck(TransferAck(stream: 9, ranges: [5...7, 0...2]))),
            ("block-request", "", .blockRequest([BulletinID(hashing: block)])),
            ("block-data", "", .blockData(block)),
            ("block-missing", "", .blockMissing([BulletinID(hashing: block)])),
        ]
    }

    static func fields(of message: Message) -> [String: Any] {
        func ids(_ list: [BulletinID]) -> [String: Any] { ["ids": list.map(\.hex)] }
        func bound(_ bound: ReconciliationBound?) -> Any {
            guard let bound else { return NSNull() }
            return ["created": bound.created, "id_prefix": String(format: "%016llx", bound.idPrefix)] as [String: Any]
        }
        switch message {
        case .beacon(let beacon):
            return ["key": hex(beacon.key.bytes), "incarnation": Int(beacon.incarnation), "wall_clock": beacon.wallClock.milliseconds,
                    "store_count": Int(beacon.storeCount), "fingerprint": hex(beacon.fingerprint), "flags": Int(beacon.flags)]
        case .challenge(let cookie), .response(let cookie):
            return ["cookie": String(format: "%016llx", cookie)]
        case .announce(let list), .request(let list), .blockRequest(let list), .blockMissing(let list):
            return ids(list)
        case .bulletin(let bytes):
            return ["bulletin": hex(bytes), "id": BulletinID(hashing: bytes).hex]
        case .blockData(let bytes):
            return ["block": hex(bytes), "id": BulletinID(hashing: bytes).hex]
        case .fragment(let fragment):
            return ["id": fragment.id.hex, "index": fragment.index, "count": fragment.count, "payload": hex(fragment.payload)]
        case .fragmentRequest(let id, let missing):
            return ["id": id.hex, "missing": Int(missing)]
        case .sync(let session, let fromInitiator, let payload):
            return ["session": Int(session), "from_initiator": fromInitiator, "payload": hex(payload)]
        case .transferRequest(let request):
            return ["stream": Int(request.stream), "ids": request.ids.map(\.hex),
                    "ranges": request.ranges.map { ["lower": bound($0.lower), "upper": bound($0.upper)] as [String: Any] }]
        case .transferData(let data):
            return ["stream": Int(data.stream), "seq": Int(data.seq), "is_last": data.isLast, "records": data.records.map(hex)]
        case .transferAck(let ack):
            return ["stream": Int(ack.stream), "stop": ack.stop, "ranges": ack.ranges.map { ["high": Int($0.upperBound), "low": Int($0.lowerBound)] }]
        }
    }

    static var invalidDatagrams: [(name: String, note: String, bytes: [UInt8], error: String)] {
        func encode(_ message: Message) -> [UInt8] { MessageCodec.encode(message, network: network) }
        let challenge = encode(.challenge(cookie: 1))
        func changed(_ bytes: [UInt8], at index: Int, to value: UInt8) -> [UInt8] {
            var bytes = bytes
            bytes[index] = value
            return bytes
        }
        let beacon = encode(validDatagrams[0].message)
        let fragment = encode(validDatagrams[7].message)
        let sync = encode(.sync(session: 1, fromInitiator: true, payload: [1]))
        let ack = encode(.transferAck(TransferAck(stream: 9, ranges: [5...7, 0...2])))
        var ackSwapped = ack
        ackSwapped.replaceSubrange(14..<22, with: ack[22..<30])
        ackSwapped.replaceSubrange(22..<30, with: ack[14..<22])
        return [
            ("too-large", "1,201 bytes", encode(.bulletin(minimalPost.encoded)) + [UInt8](repeating: 0, count: 1_201 - encode(.bulletin(minimalPost.encoded)).count), "tooLarge"),
            ("truncated-header", "7 bytes", Array(challenge.prefix(7)), "truncated"),
            ("not-kabar", "protocol id 'KC'", changed(challenge, at: 1, to: 0x43), "notKabar"),
            ("version-1", "a version 1 datagram", changed(challenge, at: 2, to: 1), "unknownVersion"),
            ("version-3", "a later version: ignored, counted, never answered", changed(challenge, at: 2, to: 3), "unknownVersion"),
            ("other-network", "network id of mesh 'lain'", encodeOn("lain", .challenge(cookie: 1)), "otherNetwork"),
            ("unknown-type-16", "a type of a later release of version 2: ignored, counted", changed(challenge, at: 3, to: 16), "unknownType"),
            ("unknown-type-0", "type 0", changed(challenge, at: 3, to: 0), "unknownType"),
            ("challenge-trailing-byte", "a body longer than its type says", challenge + [0], "malformed"),
            ("challenge-short", "a cookie of 7 bytes", Array(challenge.dropLast()), "truncated"),
            ("beacon-69-bytes", "a beacon body of 69 bytes (the old table's figure)", beacon + [0, 0, 0, 0], "malformed"),
            ("announce-no-ids", "count 0", encodeRaw(type: 4, [0]), "malformed"),
            ("announce-33-ids", "count 33", encodeRaw(type: 4, [33] + (0..<33).flatMap { fakeID(UInt8($0)).bytes }), "malformed"),
            ("fragment-count-1", "a bulletin in one piece is a bulletin message", changed(fragment, at: 8 + 33, to: 1), "malformed"),
            ("fragment-short-piece", "piece 0 of 2 shorter than 1,158 bytes", Array(fragment.dropLast()), "malformed"),
            ("fragment-index-past-count", "index 2 of 2", changed(fragment, at: 8 + 32, to: 2), "malformed"),
            ("fragment-request-nothing", "an empty bitmap", encodeRaw(type: 8, largeBulletin.id.bytes + [0, 0]), "malformed"),
            ("sync-direction-2", "direction byte 2", changed(sync, at: 12, to: 2), "malformed"),
            ("sync-payload-1101", "a reconciliation payload of 1,101 bytes", encodeRaw(type: 9, [0, 0, 0, 1, 1] + [UInt8](repeating: 0, count: 1_101)), "malformed"),
            ("transfer-ack-out-of-order", "ranges oldest first", ackSwapped, "malformed"),
            ("block-data-1025", "a block of 1,025 bytes", encodeRaw(type: 14, [UInt8](repeating: 0, count: 1_025)), "malformed"),
        ]
    }

    static func encodeOn(_ name: String, _ message: Message) -> [UInt8] { MessageCodec.encode(message, network: Wire.networkID(named: name)) }

    static func encodeRaw(type: UInt8, _ body: [UInt8]) -> [UInt8] {
        [0x4B, 0x42, Wire.version, type] + (0..<4).reversed().map { UInt8(truncatingIfNeeded: network >> (8 * UInt32($0))) } + body
    }

    static func name(_ error: WireError) -> String {
        switch error {
        case .tooLarge: "tooLarge"
        case .truncated: "truncated"
        case .notKabar: "notKabar"
        case .unknownVersion: "unknownVersion"
        case .otherNetwork: "otherNetwork"
        case .unknownType: "unknownType"
        case .malformed: "malformed"
        }
    }

    static func datagramsDocument() -> [String: Any] {
        [
            "about": "Datagrams of protocol version 2 on the default network 'kabar' (Documentation/Protocol.md). Check each valid one: decode the hex to the fields, encode the fields to the hex. Each invalid one is refused with its WireError. Documentation/Vectors/README.md says more.",
            "network_name": Wire.defaultNetworkName,
            "network_id": String(format: "%08x", network),
            "valid": validDatagrams.map { vector -> [String: Any] in
                let bytes = MessageCodec.encode(vector.message, network: network)
                return ["name": vector.name, "note": vector.note, "type": Int(vector.message.type.rawValue), "type_name": "\(vector.message.type)",
                        "hex": hex(bytes), "size": bytes.count, "fields": fields(of: vector.message)]
            },
            "invalid": invalidDatagrams.map { vector -> [String: Any] in
                ["name": vector.name, "note": vector.note, "hex": hex(vector.bytes), "size": vector.bytes.count, "error": vector.error]
            },
        ]
    }

    // MARK: Bundles

    static var validBundle: [UInt8] { BundleEncoder.encode([minimalPost, reply]) }

    static var bundleWithBlock: [UInt8] {
        var encoder = BundleEncoder(withBlocks: true)
        var bytes = encoder.header
        bytes += encoder.record(minimalPost)
        bytes += encoder.record(block: Array("one attachment block".utf8))
        return bytes + encoder.trailer()
    }

    static var bundles: [(name: String, note: String, bytes: [UInt8], error: String?)] {
        let good = validBundle
        let end = good.count - BundleFormat.trailerByteCount
        func changed(_ index: Int, _ value: UInt8) -> [UInt8] {
            var bytes = good
            bytes[index] = value
            return bytes
        }
        var tooLarge = Array(good[0..<BundleFormat.headerByteCount])
        tooLarge += [0x00, 0x00, 0x40, 0x01] + [UInt8](repeating: 0, count: 16)
        let titleOffset = BundleFormat.headerByteCount + 4 + 50 + 2 + 5 + 2
        return [
            ("valid-version-1", "two bulletins (post-minimal, post-reply-unsorted-references)", good, nil),
            ("valid-version-2-with-block", "a bulletin and one attachment block (length 0x80000000 | 20)", bundleWithBlock, nil),
            ("changed-byte", "one letter of the first bulletin's title changed: both records are read (the changed one no longer verifies), then the checksum fails", changed(titleOffset, UInt8(ascii: "p")), "checksumMismatch"),
            ("count-changed", "the trailer's count says 3; the count is not hashed, so only the count fails", changed(end + 7, 3), "countMismatch"),
            ("cut-before-trailer", "the end marker and trailer are missing", Array(good[0..<end]), "truncated"),
            ("cut-in-record", "cut in the middle of the second record", Array(good[0..<(end - 10)]), "truncated"),
            ("record-too-large", "a record length of 16,385", tooLarge, "recordTooLarge"),
            ("trailing-bytes", "one byte after the checksum", good + [0], "trailingBytes"),
            ("bad-magic", "first byte 0x88", changed(0, 0x88), "notABundle"),
            ("reserved-byte", "reserved byte 9 not zero", changed(9, 1), "notABundle"),
            ("version-3", "a later bundle version", changed(8, 3), "unsupportedVersion"),
        ]
    }

    static func name(_ error: BundleError) -> String {
        switch error {
        case .notABundle: "notABundle"
        case .unsupportedVersion: "unsupportedVersion"
        case .truncated: "truncated"
        case .recordTooLarge: "recordTooLarge"
        case .countMismatch: "countMismatch"
        case .checksumMismatch: "checksumMismatch"
        case .trailingBytes: "trailingBytes"
        case .unreadable: "unreadable"
        }
    }

    /// What a reader makes of `bytes`: the records it returns (as hex of their SHA-256) and the
    /// error it stops with.
    static func read(_ bytes: [UInt8]) -> (version: Int?, records: [[String: Any]], error: String?) {
        var records: [[String: Any]] = []
        do {
            var decoder = try BundleDecoder(source: ArrayBundleSource(bytes))
            while let record = try decoder.next() {
                switch record {
                case .bulletin(let bulletin): records.append(["kind": "bulletin", "id": bulletin.id.hex])
                case .undecodable(_, let id): records.append(["kind": "undecodable", "id": id.hex])
                case .block(let block): records.append(["kind": "block", "id": BulletinID(hashing: block).hex])
                }
            }
            return (Int(decoder.version), records, nil)
        } catch {
            return (nil, records, name(error))
        }
    }

    static func bundlesDocument() -> [String: Any] {
        [
            "about": "Export bundles (Documentation/Bundle.md). Read each: the records returned in order (a bulletin's id, or an attachment block's SHA-256) and the error the reader stops with (null: a verified trailer). Documentation/Vectors/README.md says more.",
            "bundles": bundles.map { vector -> [String: Any] in
                let outcome = read(vector.bytes)
                precondition(outcome.error == vector.error, "bundle vector \(vector.name): \(outcome.error ?? "no error")")
                return ["name": vector.name, "note": vector.note, "hex": hex(vector.bytes), "size": vector.bytes.count,
                        "records": outcome.records, "error": vector.error.map { $0 as Any } ?? NSNull()]
            },
        ]
    }

    // MARK: JSON

    /// `object` as the files hold it: keys sorted, two-space indent, a final newline.
    static func json(_ object: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A JSON value normalised for comparison.
    static func canonical(_ object: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: ["v": object], options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    static var documents: [(file: String, build: () -> [String: Any])] {
        [
        ("bulletins.json", bulletinsDocument),
        ("datagrams.json", datagramsDocument),
        ("bundles.json", bundlesDocument),
        ]
    }
}
