import Kabar
import KabarCrypto

/// Signing keys and bulletins for tests, all derived from small numbers so failures reproduce.
enum TestKeys {
    static func key(_ number: UInt8) -> Ed25519.PrivateKey {
        try! Ed25519.PrivateKey(seed: [UInt8](repeating: number, count: 32))
    }

    static func author(_ number: UInt8) -> AuthorKey {
        AuthorKey(bytes: key(number).publicKey.rawRepresentation)!
    }
}

/// A fixed wall-clock origin for tests: 2026-11-01T00:00:00Z.
let testEpoch = UnixTime(milliseconds: 1_793_491_200_000)

func makePost(
    by number: UInt8 = 1, channel: String = "warga", title: String = "Panen jagung", body: String = "Dijual 2 ton.",
    created: UnixTime = testEpoch, lifetime: TimeSpan = .days(7)
) -> Bulletin {
    var content = BulletinContent(
        kind: .post, author: TestKeys.author(number), created: created, expires: created + lifetime, channel: channel)
    content.title = title
    content.body = body
    return try! Bulletin.sign(content, with: TestKeys.key(number))
}

