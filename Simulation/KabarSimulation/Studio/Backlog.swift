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
        let keys = makeKeys(seeds: (0..<max(1, authors)).map { _ in prng.bytes(32) })
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

    /// The authors of `make(count:authors:...:seed:)`'s bulletins (to vouch for them): the same
    /// keys from the same first draws of its random stream.
    public static func authorKeys(authors: Int, seed: UInt64) -> [AuthorKey] {
        var prng = PRNG(seed: seed)
        return makeKeys(seeds: (0..<max(1, authors)).map { _ in prng.bytes(32) }).compactMap {
            AuthorKey(bytes: $0.publicKey.rawRepresentation)
        }
    }

    /// Derives the keys on every core (a key is ~25 µs: 100,000 fresh keys for a spam test are
    /// 2.5 s on one core). The seeds are drawn in order first, so the keys do not depend on the
    /// cores either.
    private static func makeKeys(seeds: [[UInt8]]) -> [Ed25519.PrivateKey] {
        let chunk = 1024
        let chunks = (seeds.count + chunk - 1) / chunk
        var made = [[Ed25519.PrivateKey]](repeating: [], count: chunks)
        made.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes its own slot; the pointer outlives the call.
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { part in
                // A 32-byte seed always makes a key.
                output[part] = ((part * chunk)..<min(seeds.count, (part + 1) * chunk)).map {
                    try! Ed25519.PrivateKey(seed: seeds[$0])
                }
            }
        }
        return made.flatMap { $0 }
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
