import Kabar
import KabarCrypto

/// A host of a `kabar sim` run: an honest `Node`, or an attacker.
///
/// A struct with the node stored plainly rather than an enum or an optional: a stored property is
/// reached in place, while reading an enum's (or an optional's) payload copies the whole node
/// (every table retained and released) on every input and every deadline read. A flooding
/// attacker carries an empty node it never uses; a spammer runs its node (with no trust rules)
/// and posts through it.
public struct StudioEndpoint: SimulatedEndpoint {
    /// The honest node, with the lazy writes a power cut would lose (unused for a flooding
    /// attacker; a spammer's own node, which applies no rules).
    public private(set) var studioNode: StudioNode
    /// The attacker, if this host is one.
    public private(set) var attacker: FloodAttacker?
    /// The spammer's posts, if this host is one.
    public private(set) var spam: SpamSource?
    /// The hall's report-making, when the scenario has reports (`reports`).
    public private(set) var reporter: StudioReporter?

    /// An honest host, making hall reports with `reporter` if given.
    public static func node(_ node: StudioNode, reporter: StudioReporter? = nil) -> StudioEndpoint {
        StudioEndpoint(studioNode: node, attacker: nil, spam: nil, reporter: reporter)
    }
    /// A hostile host, with `idle` as its unused node.
    public static func attacker(_ attacker: FloodAttacker, idle: StudioNode) -> StudioEndpoint {
        StudioEndpoint(studioNode: idle, attacker: attacker, spam: nil, reporter: nil)
    }
    /// A spammer: `node` (no trust rules: it stores, serves, announces and syncs whatever it
    /// holds) posting what `spam` makes.
    public static func spammer(_ spam: SpamSource, node: StudioNode) -> StudioEndpoint {
        StudioEndpoint(studioNode: node, attacker: nil, spam: spam, reporter: nil)
    }

    public mutating func receive(_ datagram: [UInt8], from source: PeerAddress, at now: NodeTime) -> [NodeAction] {
        if attacker != nil { return attacker?.receive(datagram, from: source, at: now) ?? [] }
        let actions = studioNode.receive(datagram, from: source, at: now)
        if spam != nil { spam?.account(actions, at: now.monotonic) }
        if reporter != nil { return report(after: actions, at: now) }
        return actions
    }

    /// Feeds `actions` to the hall's reporter and appends the report it made, if one was due.
    private mutating func report(after actions: [NodeAction], at now: NodeTime) -> [NodeAction] {
        guard let made = reporter?.step(after: actions, node: &studioNode.node, at: now), !made.isEmpty else { return actions }
        return actions + made
    }

    public mutating func tick(at now: NodeTime) -> [NodeAction] {
        if attacker != nil { return attacker?.tick(at: now) ?? [] }
        if spam != nil { return spamTick(at: now) }
        let actions = studioNode.tick(at: now)
        if reporter != nil { return report(after: actions, at: now) }
        return actions
    }

    /// The spammer's tick: its node's timers, then its next post when due.
    private mutating func spamTick(at now: NodeTime) -> [NodeAction] {
        var actions = studioNode.tick(at: now)
        spam?.account(actions, at: now.monotonic)
        guard let due = spam?.nextDeadline, due <= now.monotonic, let bulletin = spam?.next(at: now) else { return actions }
        let posted = (try? studioNode.node.post(bulletin, durability: .lazy, at: now)) ?? []
        spam?.account(posted, at: now.monotonic)
        actions += posted
        // Its disk keeps its latest posts: the oldest go (their events come out with the next input).
        if let removals = spam?.posted(bulletin, at: now.monotonic), !removals.isEmpty {
            studioNode.node.remove(removals)
        }
        return actions
    }

    public mutating func joinedNetwork(at now: NodeTime) {
        if attacker == nil { studioNode.node.joinedNetwork(at: now) }
    }

    public mutating func operatorPost(_ bulletin: Bulletin, at now: NodeTime) throws -> [NodeAction] {
        if attacker != nil || spam != nil { return [] }
        let actions = try studioNode.node.post(bulletin, at: now)
        if reporter != nil { return report(after: actions, at: now) }
        return actions
    }

    public var nextDeadline: Instant {
        if let attacker { return attacker.nextDeadline }
        if let due = spam?.nextDeadline { return min(due, studioNode.nextDeadline) }
        if let due = reporter?.due { return min(due, studioNode.nextDeadline) }
        return studioNode.nextDeadline
    }

    /// Signatures the honest node checked so far (an attacker's CPU is not modelled).
    public var signatureChecks: Int { attacker == nil && spam == nil ? studioNode.node.counters.signatureChecks : 0 }

    /// What survives a power cut: the store less its lazy writes not yet flushed.
    public var durableState: MemoryStore { studioNode.durableStore }

    /// The honest node, if this host is one.
    public var honestNode: Node<MemoryStore>? { attacker == nil && spam == nil ? studioNode.node : nil }
}

/// A `Node` plus the ids it stored lazily within the last `flush` (lost by a power cut).
public struct StudioNode {
    /// The node.
    public var node: Node<MemoryStore>
    /// Lazy writes younger than this are lost by a power cut; zero: none tracked.
    public let flush: TimeSpan
    private var recent: [(id: BulletinID, at: Instant)] = []
    private var recentStart = 0

    /// Wraps `node`.
    public init(node: Node<MemoryStore>, flush: TimeSpan) {
        self.node = node
        self.flush = flush
    }

    mutating func receive(_ datagram: [UInt8], from source: PeerAddress, at now: NodeTime) -> [NodeAction] {
        let actions = node.receive(datagram, from: source, at: now)
        if flush.microseconds > 0 { note(actions, at: now.monotonic) }
        return actions
    }

    mutating func tick(at now: NodeTime) -> [NodeAction] {
        prune(at: now.monotonic)
        guard node.nextDeadline <= now.monotonic else { return [] }
        let actions = node.tick(at: now)
        if flush.microseconds > 0 { note(actions, at: now.monotonic) }
        return actions
    }

    var nextDeadline: Instant {
        let deadline = node.nextDeadline
        guard recentStart < recent.count else { return deadline }
        return min(deadline, recent[recentStart].at + flush)
    }

    var durableStore: MemoryStore {
        var store = node.store
        for entry in recent[recentStart...] { store.remove(entry.id) }
        return store
    }

    private mutating func note(_ actions: [NodeAction], at now: Instant) {
        for action in actions {
            if case .event(.bulletinStored(let id, let source)) = action, source != nil { recent.append((id, now)) }
        }
    }

    private mutating func prune(at now: Instant) {
        while recentStart < recent.count, recent[recentStart].at + flush <= now { recentStart += 1 }
        if recentStart > 64 && recentStart * 2 > recent.count {
            recent.removeFirst(recentStart)
            recentStart = 0
        }
    }
}

/// Sends, `rate` times a second, one of: a forged bulletin (an honest author's key, another key's
/// signature), an overheard datagram with a byte flipped, a verbatim replay, a valid header with
/// junk ids, or random garbage; half broadcast, half to a random honest host.
public struct FloodAttacker {
    private var prng: PRNG
    private var overheard: [[UInt8]] = []
    private let forged: [[UInt8]]
    private let interval: TimeSpan
    private let targets: Int
    private let end: Instant
    private let network = Wire.networkID(named: Wire.defaultNetworkName)
    /// When it sends next.
    public private(set) var nextDeadline: Instant
    /// Datagrams sent.
    public private(set) var sent = 0

    /// An attacker sending `rate` datagrams a second from `start`, picking unicast targets among
    /// hosts `0..<targets`, with `forged` pre-made forged bulletin encodings, until `end`.
    public init(seed: UInt64, rate: Int, targets: Int, forged: [[UInt8]], start: Instant, end: Instant) {
        self.end = end
        prng = PRNG(seed: seed)
        self.forged = forged
        self.targets = max(1, targets)
        interval = .microseconds(Int64(1_000_000 / max(1, rate)))
        nextDeadline = start
    }

    mutating func receive(_ datagram: [UInt8], from source: PeerAddress, at now: NodeTime) -> [NodeAction] {
        if overheard.count < 64 { overheard.append(datagram) } else { overheard[prng.int(below: 64)] = datagram }
        return []
    }

    mutating func tick(at now: NodeTime) -> [NodeAction] {
        nextDeadline = now.monotonic + interval
        if nextDeadline >= end { nextDeadline = Instant(microseconds: .max) }
        let target: Destination = prng.chance(0.5) ? .broadcast : .peer(.simulated(prng.int(below: targets)))
        var datagram: [UInt8]?
        switch prng.int(below: 5) {
        case 0:
            if !forged.isEmpty { datagram = MessageCodec.encode(.bulletin(forged[prng.int(below: forged.count)]), network: network) }
        case 1:
            if var copy = overheard.isEmpty ? nil : overheard[prng.int(below: overheard.count)], copy.count > 9 {
                copy[8 + prng.int(below: copy.count - 8)] ^= UInt8(1 << prng.int(below: 8))
                datagram = copy
            }
        case 2:
            if !overheard.isEmpty { datagram = overheard[prng.int(below: overheard.count)] }
        case 3:
            let ids = (0..<8).compactMap { _ in BulletinID(bytes: prng.bytes(32)) }
            datagram = MessageCodec.encode(prng.chance(0.5) ? .announce(ids) : .request(ids), network: network)
        default:
            datagram = prng.bytes(1 + prng.int(below: 1_200))
        }
        guard let datagram else { return [] }
        sent += 1
        return [.send(datagram, to: target)]
    }

    /// `count` bulletins claiming `victim`'s key but signed by `forger`: each fails verification.
    public static func forgeries(count: Int, victim: AuthorKey, forger: Ed25519.PrivateKey, created: UnixTime) -> [[UInt8]] {
        guard let forgerKey = AuthorKey(bytes: forger.publicKey.rawRepresentation) else { return [] }
        return (0..<count).compactMap { index in
            var content = BulletinContent(kind: .post, author: forgerKey, created: created, expires: created + .days(1), channel: "pasar")
            content.title = "Palsu \(index)"
            content.body = "Beras gratis di balai, datang sekarang."
            guard var bytes = try? Bulletin.sign(content, with: forger).encoded, bytes.count > 34 else { return nil }
            bytes.replaceSubrange(2..<34, with: victim.bytes)
            return bytes
        }
    }
}
