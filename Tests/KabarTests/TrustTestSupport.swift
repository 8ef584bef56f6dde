import Kabar
import KabarCrypto

/// Keys and bulletins for the trust tests: 50 is the authority, 51 a grantee, 52 a
/// sub-grantee, 53 an outsider.
enum TrustKeys {
    static let authority: UInt8 = 50
    static let grantee: UInt8 = 51
    static let subGrantee: UInt8 = 52
    static let outsider: UInt8 = 53
}

func trustRules(quota: Quota = .defaultQuota) -> TrustRules {
    TrustRules(authorities: [TestKeys.author(TrustKeys.authority)], defaultQuota: quota)
}

func makeGrant(
    by signer: UInt8, to grantee: UInt8, channels: [String], mayGrant: Bool = false, moderator: Bool = false,
    created: UnixTime = testEpoch, lifetime: TimeSpan = .days(30)
) -> Bulletin {
    var content = BulletinContent(
        kind: .grant, author: TestKeys.author(signer), created: created, expires: created + lifetime,
        channel: ChannelRules.systemChannel)
    content.grant = Grant(grantee: TestKeys.author(grantee), channels: channels, mayGrant: mayGrant, moderator: moderator)
    return try! Bulletin.sign(content, with: TestKeys.key(signer))
}

func makeAction(
    _ kind: BulletinKind, by signer: UInt8, of target: Bulletin, created: UnixTime = testEpoch + .minutes(1)
) -> Bulletin {
    var content = BulletinContent(
        kind: kind, author: TestKeys.author(signer), created: created, expires: target.expires, channel: target.channel)
    content.references = [target.id]
    return try! Bulletin.sign(content, with: TestKeys.key(signer))
}

func makeEdit(of target: Bulletin, by signer: UInt8, title: String) -> Bulletin {
    var content = BulletinContent(
        kind: .post, author: TestKeys.author(signer), created: target.created + .minutes(5), expires: target.expires,
        channel: target.channel)
    content.title = title
    content.body = target.body
    content.supersedes = target.id
    return try! Bulletin.sign(content, with: TestKeys.key(signer))
}

/// One node's trust state over a memory store, driven by hand: admit, then store.
struct TrustBench {
    var policy: TrustPolicy
    var store = MemoryStore()

    init(rules: TrustRules = trustRules()) {
        policy = TrustPolicy(rules: rules)
    }

    /// Admits and stores `bulletin` the way a node does; returns the typed refusal, if any.
    @discardableResult
    mutating func offer(_ bulletin: Bulletin, at now: UnixTime = testEpoch + .hours(1)) -> TrustError? {
        if store.contains(bulletin.id) || store.isRemoved(bulletin.id) { return nil }
        do {
            try policy.check(bulletin, at: now, store: store)
        } catch {
            return error
        }
        _ = store.insert(bulletin, durability: .lazy)
        for removal in policy.didStore(bulletin, at: now, store: store) {
            store.markRemoved(removal.id, until: removal.until)
        }
        return nil
    }
}

/// A mesh whose nodes all apply `rules`; with `line`, node i hears only nodes i-1 and i+1.
func trustMesh(count: Int, rules: TrustRules = trustRules(), line: Bool = true, lawless: Set<Int> = []) -> TestMesh {
    var mesh = TestMesh(count: count)
    for index in mesh.nodes.indices where !lawless.contains(index) {
        mesh.nodes[index].installTrust(TrustPolicy(rules: rules), at: mesh.time(mesh.now))
    }
    if line { mesh.drop = { from, to, _, _ in abs(from - to) > 1 } }
    return mesh
}

extension TestMesh {
    /// Hands `bulletin` to `node` as if a peer had pushed it (a node without rules, say).
    mutating func inject(_ bulletin: Bulletin, into node: Int, from source: Int) {
        let datagram = MessageCodec.encode(.bulletin(bulletin.encoded), network: nodes[node].configuration.networkID)
        let actions = nodes[node].receive(datagram, from: .simulated(source), at: time(now))
        carryOut(actions, from: node)
    }

    /// The trust refusals node `node` reported.
    func rejections(at node: Int) -> [BulletinRejection] {
        events.compactMap { entry in
            guard entry.node == node, case .bulletinRejected(let rejection) = entry.event else { return nil }
            return rejection
        }
    }
}
