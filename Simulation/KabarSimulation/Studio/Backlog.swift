import Dispatch
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
        let keys = signingKeys(authors: authors, prng: &prng)
        let authorKeys = keys.map { AuthorKey(bytes: $0.publicKey.rawRepresentation)! }
        let filler = Array("Dijual beras, ikan salai dan kelapa; hubungi balai desa. ".utf8)
        var contents: [(content: BulletinContent, author: Int)] = []
        contents.reserveCapacity(count)
        for index in 0..<count {
            let author = index % keys.count
            let created = now - span + TimeSpan(microseconds: span.microseconds / Int64(max(count, 1)) * Int64(index))
            let official = prng.chance(officialShare)
            var content = BulletinContent(
                kind: .post, author: authorKeys[author], created: created, expires: created + .days(14),
                channel: official ? "pengumuman" : "pasar")
            content.title = official ? "Pengumuman \(index)" : "Pasar \(index)"
            content.body = String(decoding: (0..<bodyBytes).map { filler[($0 + index) % filler.count] }, as: UTF8.self)
            contents.append((content, author))
        }
        return sign(contents, keys: keys)
    }

    /// The keys `make(authors:seed:)` signs with: the first draws of its random stream.
    private static func signingKeys(authors: Int, prng: inout PRNG) -> [Ed25519.PrivateKey] {
        (0..<max(1, authors)).map { _ in try! Ed25519.PrivateKey(seed: prng.bytes(32)) }
    }

    /// The authors of `make(count:authors:...:seed:)`'s bulletins (to vouch for them).
    public static func authorKeys(authors: Int, seed: UInt64) -> [AuthorKey] {
        var prng = PRNG(seed: seed)
        return signingKeys(authors: authors, prng: &prng).compactMap { AuthorKey(bytes: $0.publicKey.rawRepresentation) }
    }

    /// Signs on every core (a 100,000-bulletin backlog is seconds of signing on one); the
    /// result is the same whatever the cores, since Ed25519 signatures are deterministic.
    private static func sign(_ contents: [(content: BulletinContent, author: Int)], keys: [Ed25519.PrivateKey]) -> [Bulletin] {
        let chunk = 512
        let chunks = (contents.count + chunk - 1) / chunk
        var signed = [[Bulletin]](repeating: [], count: chunks)
        signed.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes its own slot; the pointer outlives the call.
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { part in
                let range = (part * chunk)..<min(contents.count, (part + 1) * chunk)
                // The content is ours and valid: signing it cannot fail.
                output[part] = range.map { try! Bulletin.sign(contents[$0].content, with: keys[contents[$0].author]) }
            }
        }
        return signed.flatMap { $0 }
    }

    /// A memory store holding `bulletins`.
    public static func store(_ bulletins: some Sequence<Bulletin>) -> MemoryStore {
        var store = MemoryStore()
        for bulletin in bulletins { _ = store.insert(bulletin, durability: .lazy) }
        return store
    }
}
