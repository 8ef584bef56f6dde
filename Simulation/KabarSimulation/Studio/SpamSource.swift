import Kabar
import KabarCrypto

/// What a spam attacker posted, shared between its host and the run that measures it: every id
/// with its encoded size (the ground truth of which bulletins are the flood's).
public final class SpamLedger {
    /// Encoded bytes of each bulletin the attacker posted, by id.
    public private(set) var sizes: [BulletinID: Int32] = [:]
    /// Posts made, and their encoded bytes.
    public private(set) var posts = 0
    /// See `posts`.
    public private(set) var bytes: Int64 = 0
    /// Keys that signed at least one post.
    public private(set) var keysUsed = 0

    /// An empty ledger.
    public init() {}

    func record(_ bulletin: Bulletin, newKey: Bool) {
        sizes[bulletin.id] = Int32(bulletin.encoded.count)
        posts += 1
        bytes += Int64(bulletin.encoded.count)
        if newKey { keysUsed += 1 }
    }

    /// The encoded size of `id` if the attacker posted it.
    public func size(of id: BulletinID) -> Int32? { sizes[id] }
}

/// The posts of a spam attacker (`spam` in a scenario file): valid bulletins on community
/// channels, signed by `spam.keys` fresh keys in turn (post `n` by key `n mod keys`, so a key
/// posts again only after every other key has, far inside its daily quota), with bodies of a
/// size drawn from `spam.body`. Each is signed when it is due (real Ed25519, `Bulletin.sign`),
/// so the run holds no pool of them; a key is made at its first post and kept.
///
/// Pacing: with `rate=LAN` the attacker keeps its own transmit queue full and no fuller, as a
/// sender blocked by its socket would: it reckons when everything its node sent (posts,
/// answers to requests, syncs, streams) will have left at the LAN's rates, and posts again
/// then. Posting blind at the broadcast rate instead overfills its queue once its answers come
/// on top, and the fragments it drops make the hall ask for them again and again. Otherwise
/// it posts `postsPerSecond`, whatever its queue.
public struct SpamSource {
    private let spam: ScenarioSpam
    private let broadcastRate: Bandwidth
    private let unicastRate: Bandwidth
    /// When what the attacker's node sent so far will have left, by its own reckoning.
    private var airFreeAt = Instant.zero
    private let seed: UInt64
    private var prng: PRNG
    private var keys: [Ed25519.PrivateKey?]
    private let end: Instant
    /// The attacker's own store keeps its latest posts up to this many bytes (`keep=`, its
    /// disk): older ones are dropped (and no longer served), so a long flood does not hold
    /// gigabytes.
    private let keptBytesMax: Int
    private var kept: [(id: BulletinID, bytes: Int, expires: UnixTime)] = []
    private var keptStart = 0
    private var keptBytes = 0
    /// Ground truth for the run.
    public let ledger: SpamLedger
    /// The run's shared signature verdicts, if any.
    private let cache: VerifiedSignatures?
    /// When the next post is due.
    public private(set) var nextDeadline: Instant

    /// A source for `spam` on a LAN with `lan`'s rates, drawing from `seed`.
    public init(_ spam: ScenarioSpam, lan: LANConfiguration, seed: UInt64, ledger: SpamLedger, cache: VerifiedSignatures? = nil) {
        self.cache = cache
        self.spam = spam
        self.broadcastRate = lan.broadcastBandwidth
        self.unicastRate = lan.unicastBandwidth
        self.seed = seed
        prng = PRNG(seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 21, index: 0))
        keys = Array(repeating: nil, count: spam.keys)
        end = .zero + spam.start + spam.duration
        self.keptBytesMax = Int(spam.keepBytes)
        self.ledger = ledger
        nextDeadline = spam.duration.microseconds > 0 ? .zero + spam.start : Instant(microseconds: .max)
    }

    /// Key number `index`, made from the run seed the first time it signs.
    private mutating func key(_ index: Int) -> (Ed25519.PrivateKey, fresh: Bool)? {
        if let key = keys[index] { return (key, false) }
        var draw = PRNG(seed: Simulation<StudioEndpoint>.derivedSeed(seed, stream: 22, index: UInt64(index)))
        guard let key = try? Ed25519.PrivateKey(seed: draw.bytes(32)) else { return nil }
        keys[index] = key
        return (key, true)
    }

    /// The post due at `now`, signed; nil when the flood is over (the deadline then moves to
    /// never) or the key could not be made.
    mutating func next(at now: NodeTime) -> Bulletin? {
        guard now.monotonic < end else {
            nextDeadline = Instant(microseconds: .max)
            return nil
        }
        let number = ledger.posts
        let channel = spam.channels[number % spam.channels.count]
        guard let (key, fresh) = key(number % spam.keys), let author = AuthorKey(bytes: key.publicKey.rawRepresentation) else {
            schedule(after: 1_000, at: now.monotonic)
            return nil
        }
        let created = now.wall - .seconds(1)
        var content = BulletinContent(kind: .post, author: author, created: created, expires: created + .days(7), channel: channel)
        content.title = "JUAL MURAH \(number)"
        let size = spam.body.lowerBound + prng.int(below: spam.body.count)
        let offset = number % Self.sentence.count
        content.body = String(Self.filler[Self.filler.index(Self.filler.startIndex, offsetBy: offset)...].prefix(size))
        guard let bulletin = try? Bulletin.sign(content, with: key) else {
            schedule(after: 1_000, at: now.monotonic)
            return nil
        }
        // Its signature is good: Bulletin.sign made it. The run's shared cache says so at once,
        // so that the attacker's own node does not spend a check on each post it makes (honest
        // nodes refuse most of them before their signature; those they take count a check in
        // the CPU model all the same). One post in 1,024 is checked for real first.
        if number % 1_024 == 0 {
            do { try bulletin.verifySignature() } catch {
                cache?.record(bulletin.id, error)
                ledger.record(bulletin, newKey: fresh)
                return bulletin
            }
        }
        cache?.record(bulletin.id, nil)
        ledger.record(bulletin, newKey: fresh)
        return bulletin
    }

    /// The spam text, one sentence (ASCII) over and over: a body is `size` characters of it
    /// from an offset that changes with each post.
    private static let sentence = "Pulsa murah, obat kuat, hadiah undian: hubungi nomor ini sekarang juga. "
    private static let filler = String(repeating: sentence, count: 15_000 / sentence.count + 2)

    /// Counts the datagrams the attacker's node sends now into its reckoning of its queue;
    /// with `rate=LAN`, the next post waits for the queue to empty.
    mutating func account(_ actions: [NodeAction], at now: Instant) {
        var free = max(airFreeAt, now)
        for action in actions {
            guard case .send(let datagram, let destination) = action else { continue }
            let rate = destination == .broadcast ? broadcastRate : unicastRate
            free = free + rate.transmissionTime(bytes: datagram.count)
        }
        airFreeAt = free
        if spam.postsPerSecond == nil, nextDeadline != Instant(microseconds: .max), nextDeadline < airFreeAt {
            nextDeadline = airFreeAt < end ? airFreeAt : Instant(microseconds: .max)
        }
    }

    /// Books the next post after the one just made (its datagrams already counted by
    /// `account`), and returns the attacker's oldest posts its disk no longer keeps.
    mutating func posted(_ bulletin: Bulletin, at now: Instant) -> [BulletinRemoval] {
        if let rate = spam.postsPerSecond {
            nextDeadline = now + .microseconds(max(1, Int64(1_000_000 / rate)))
        } else {
            // At least the post's own airtime, should its node not have sent it.
            nextDeadline = max(airFreeAt, now + broadcastRate.transmissionTime(bytes: bulletin.encoded.count))
        }
        if nextDeadline >= end { nextDeadline = Instant(microseconds: .max) }
        kept.append((bulletin.id, bulletin.encoded.count, bulletin.expires))
        keptBytes += bulletin.encoded.count
        var dropped: [BulletinRemoval] = []
        while keptBytes > keptBytesMax, keptStart < kept.count {
            let oldest = kept[keptStart]
            keptStart += 1
            keptBytes -= oldest.bytes
            dropped.append(BulletinRemoval(id: oldest.id, until: oldest.expires))
        }
        if keptStart > 1_024 && keptStart * 2 > kept.count {
            kept.removeFirst(keptStart)
            keptStart = 0
        }
        return dropped
    }

    private mutating func schedule(after microseconds: Int64, at now: Instant) {
        nextDeadline = now + .microseconds(microseconds)
        if nextDeadline >= end { nextDeadline = Instant(microseconds: .max) }
    }
}
