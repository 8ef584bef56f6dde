import Kabar
import KabarCrypto

/// Signed bulletins for store tests, from fixed seeds (deterministic).
enum StoreTestBulletins {
    static let keys: [Ed25519.PrivateKey] = (1...3).map { number in
        try! Ed25519.PrivateKey(seed: [UInt8](repeating: UInt8(number), count: 32))
    }

    static func make(
        _ number: Int, key: Int = 0, channel: String = "warga", created: Int64? = nil, lifetime: TimeSpan = .days(7),
        title: String? = nil, body: String = ""
    ) -> Bulletin {
        let author = AuthorKey(bytes: keys[key].publicKey.rawRepresentation)!
        let createdTime = UnixTime(milliseconds: created ?? (1_800_000_000_000 + Int64(number) * 1_000))
        var content = BulletinContent(
            kind: .post, author: author, created: createdTime, expires: createdTime + lifetime, channel: channel)
        content.title = title ?? "Kabar nomor \(number)"
        content.body = body
        return try! Bulletin.sign(content, with: keys[key])
    }
}
