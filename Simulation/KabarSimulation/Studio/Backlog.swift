import Kabar
import KabarCrypto

/// A realistic backlog of live bulletins for volume runs (`kabar sim backlog`, bulk tests and
/// benchmarks): `count` posts by `authors` keys, a share on official channels, created over
/// the last `span` before `now`, with bodies of `bodyBytes`. Deterministic by `seed`.
public enum Backlog {
    /// The bulletins, oldest first.
    public static func make(
        count: Int, authors: Int = 125, officialShare: Double = 0.05, bodyBytes: Int = 200,
        span: TimeSpan = .days(10), now: UnixTime, seed: UInt64
    ) -> [Bulletin] {
        var prng = PRNG(seed: seed)
        let keys = (0..<max(1, authors)).map { _ in try! Ed25519.PrivateKey(seed: prng.bytes(32)) }
        let authorKeys = keys.map { AuthorKey(bytes: $0.publicKey.rawRepresentation)! }
        let filler = Array("Dijual beras, ikan salai dan kelapa; hubungi balai desa. ".utf8)
        var bulletins: [Bulletin] = []
        bulletins.reserveCapacity(count)
        for index in 0..<count {
            let author = index % keys.count
            let created = now - span + TimeSpan(microseconds: span.microseconds / Int64(max(count, 1)) * Int64(index))
            let official = prng.chance(officialShare)
            var content = BulletinContent(
                kind: .post, author: authorKeys[author], created: created, expires: created + .days(14),
                channel: official ? "pengumuman" : "pasar")
            content.title = official ? "Pengumuman \(index)" : "Pasar \(index)"
            content.body = String(decoding: (0..<bodyBytes).map { filler[($0 + index) % filler.count] }, as: UTF8.self)
            bulletins.append(try! Bulletin.sign(content, with: keys[author]))
        }
        return bulletins
    }

    /// A memory store holding `bulletins`.
    public static func store(_ bulletins: some Sequence<Bulletin>) -> MemoryStore {
        var store = MemoryStore()
        for bulletin in bulletins { _ = store.insert(bulletin, durability: .lazy) }
        return store
    }
}
