import Kabar
import KabarCrypto
import Testing

/// Strangers (keys nobody vouched for): the room they get, stamps, vouching, and what a full
/// store evicts (Documentation/Trust.md, "Strangers").
@Suite struct StrangerTests {
    let authority = TrustKeys.authority
    let hall = TrustKeys.grantee
    let villager = TrustKeys.subGrantee
    let outsider = TrustKeys.outsider

    // MARK: Stamps

    @Test func aStampIsWorkOnTheUnsignedBytesAndTheDigestComesWithTheId() throws {
        var content = BulletinContent(
            kind: .post, author: TestKeys.author(outsider), created: testEpoch, expires: testEpoch + .days(3), channel: "warga")
        content.title = "Jual bibit sawit"
        let stamped = try Bulletin.sign(try Stamp.stamp(content, bits: 14), with: TestKeys.key(outsider))
        #expect(stamped.stampBits >= 14)
        // Deterministic: the first nonce that works.
        #expect(try Stamp.stamp(content, bits: 14) == (try Stamp.stamp(content, bits: 14)))
        // The stamp is the leading zero bits of SHA-256 of every byte before the signature, and
        // the id the SHA-256 of all of them.
        let unsigned = Array(stamped.encoded.dropLast(64))
        #expect(Int(stamped.stampBits) == SHA256.leadingZeroBits(SHA256.hash(unsigned)))
        #expect(stamped.id == BulletinID(hashing: stamped.encoded))
        // Bound to the content: the same nonce under another title proves nothing.
        var moved = try Stamp.stamp(content, bits: 14)
        moved.title = "Jual bibit karet"
        let other = try Bulletin.sign(moved, with: TestKeys.key(outsider))
        #expect(other.stampBits < 14)
        // A decoded copy computes the same.
        #expect(try Bulletin.decode(stamped.encoded).stampBits == stamped.stampBits)
    }

    @Test func nonceSearchFindsTheFirstNonceWithTheWork() {
        let message = Array("kabar stamp test".utf8) + [UInt8](repeating: 0, count: 8) + Array("tail".utf8)
        let nonce = SHA256.searchNonce(in: message, nonceOffset: 16, bits: 10, tries: 1 << 18)
        let found = try! #require(nonce)
        var written = message
        for index in 0..<8 { written[16 + index] = UInt8(truncatingIfNeeded: found >> UInt64(56 - 8 * index)) }
        #expect(SHA256.leadingZeroBits(SHA256.hash(written)) >= 10)
        // No nonce before it works (the search counts up from zero).
        for earlier in 0..<found {
            for index in 0..<8 { written[16 + index] = UInt8(truncatingIfNeeded: earlier >> UInt64(56 - 8 * index)) }
            #expect(SHA256.leadingZeroBits(SHA256.hash(written)) < 10)
        }
        #expect(SHA256.searchNonce(in: message, nonceOffset: 16, bits: 64, tries: 100) == nil)
    }

    // MARK: The share

    @Test func strangersFillHalfTheirShareWithoutAStampAndTheRestWithOne() throws {
        var bench = TrustBench(rules: strangerRules(bytesMax: 12_000, stampBits: 6))
        var prng = PRNG(seed: 17)
        var refusal: TrustError?
        var plain = 0
        while refusal == nil {
            refusal = bench.offer(freshPost(&prng, body: 120))
            if refusal == nil { plain += 1 }
        }
        guard case .strangersFull(channel: "warga", limit: 6_000, _, stamped: false) = refusal else {
            Issue.record("unexpected refusal \(String(describing: refusal))")
            return
        }
        #expect(bench.policy.strangerUsage.bytes <= 6_000 && bench.policy.strangerUsage.bytes > 5_000)
        // A stamp at the current cost earns the stamped half; the cost rises as it fills.
        var stamped = 0
        var costs: Set<Int> = []
        refusal = nil
        while refusal == nil {
            let cost = bench.policy.stampCost(on: "warga")
            costs.insert(cost)
            refusal = bench.offer(freshPost(&prng, body: 120, stampBits: cost))
            if refusal == nil { stamped += 1 }
        }
        guard case .strangersFull(_, _, _, stamped: true) = refusal else {
            Issue.record("unexpected refusal \(String(describing: refusal))")
            return
        }
        #expect(stamped > 10 && plain > 10)
        #expect(bench.policy.strangerUsage.bytes <= 12_000)
        #expect(costs.min() == 6 && costs.max()! >= 9, "\(costs.sorted())")
        // Nobody else is held to it: the authority, a key it vouched for, a key known here.
        #expect(bench.offer(makePost(by: authority, body: "pengumuman")) == nil)
        #expect(bench.offer(makeVouch(by: authority, for: [villager])) == nil)
        #expect(bench.offer(makePost(by: villager, body: "warga")) == nil)
        var known = strangerRules(bytesMax: 12_000, stampBits: 6)
        known.known = [TestKeys.author(outsider)]
        var other = TrustBench(rules: known)
        #expect(other.offer(makePost(by: outsider)) == nil)
        #expect(other.policy.strangerUsage.count == 0)
    }

    @Test func theRateHoldsStrangersAfterTheBurstAndRefillsWithTime() {
        var rules = strangerRules(bytesMax: 10_000_000, stampBits: 6)
        rules.strangers.burst = 5
        rules.strangers.perSecond = 2
        var bench = TrustBench(rules: rules)
        var prng = PRNG(seed: 3)
        let now = testEpoch + .hours(1)
        for _ in 0..<5 { #expect(bench.offer(freshPost(&prng), at: now) == nil) }
        #expect(bench.offer(freshPost(&prng), at: now) == .strangerRate(perSecond: 2))
        #expect(bench.offer(freshPost(&prng), at: now + .seconds(1)) == nil)
        #expect(bench.offer(freshPost(&prng), at: now + .seconds(1)) == nil)
        #expect(bench.offer(freshPost(&prng), at: now + .seconds(1)) == .strangerRate(perSecond: 2))
        // A clock that goes back adds nothing.
        #expect(bench.offer(freshPost(&prng), at: now) == .strangerRate(perSecond: 2))
    }

    // MARK: Vouching

    @Test func vouchesCountOnlyFromKeysThatMayVouchAndOnlyOneLevelDown() {
        var bench = TrustBench(rules: strangerRules(bytesMax: 10_000, stampBits: 6))
        let now = testEpoch + .hours(1)
        #expect(bench.offer(makeVouch(by: outsider, for: [villager])) == .vouchNotAllowed)
        #expect(bench.policy.standing(of: TestKeys.author(villager), at: now) == .stranger)
        // The regency vouches for a hall; the hall for a villager; the villager for no one.
        #expect(bench.offer(makeVouch(by: authority, for: [hall])) == nil)
        #expect(bench.policy.standing(of: TestKeys.author(hall), at: now) == .voucher)
        #expect(bench.offer(makeVouch(by: hall, for: [villager])) == nil)
        #expect(bench.policy.standing(of: TestKeys.author(villager), at: now) == .vouched)
        #expect(bench.offer(makeVouch(by: villager, for: [outsider])) == .vouchNotAllowed)
        // A vouch ends when it expires, or when its author retracts it.
        #expect(bench.policy.standing(of: TestKeys.author(villager), at: testEpoch + .days(91)) == .stranger)
        let second = makeVouch(by: authority, for: [outsider])
        #expect(bench.offer(second) == nil)
        #expect(bench.offer(makeAction(.retraction, by: authority, of: second)) == nil)
        #expect(bench.policy.standing(of: TestKeys.author(outsider), at: now) == .stranger)
        // A malformed vouch is refused as such.
        var content = BulletinContent(
            kind: Vouch.kind, author: TestKeys.author(authority), created: testEpoch, expires: testEpoch + .days(1), channel: "kabar")
        content.unknownFields = [UnknownField(tag: Vouch.fieldTag, value: [1, 2, 3])]
        #expect(bench.offer(try! Bulletin.sign(content, with: TestKeys.key(authority))) == .vouchMalformed)
    }

    @Test func aVouchTakesItsKeysBulletinsOutOfTheShareAtOnce() {
        var bench = TrustBench(rules: strangerRules(bytesMax: 100_000, stampBits: 6))
        for index in 0..<5 { #expect(bench.offer(makePost(by: outsider, title: "Jual \(index)")) == nil) }
        #expect(bench.policy.strangerUsage.count == 5)
        #expect(bench.offer(makeVouch(by: authority, for: [outsider])) == nil)
        #expect(bench.policy.strangerUsage.count == 0 && bench.policy.strangerUsage.bytes == 0)
        // Rebuilt from the store (a restart), the vouch still counts for the posts before it.
        var rebuilt = TrustPolicy(rules: bench.policy.rules)
        _ = rebuilt.rebuild(from: bench.store, at: testEpoch + .hours(1))
        #expect(rebuilt.strangerUsage.count == 0)
    }

    @Test func aPhoneVoucherCountsWhenTheHallMayVouchAndItsSignatureHolds() throws {
        var bench = TrustBench(rules: strangerRules(bytesMax: 100_000, stampBits: 6))
        let now = testEpoch + .hours(1)
        #expect(bench.offer(makeVouch(by: authority, for: [hall])) == nil)
        let phone = TestKeys.key(60)
        let good = UnknownField(
            tag: PhoneVoucher.tag,
            value: TestKeys.author(hall).bytes + TestKeys.key(hall).signature(for: PhoneVoucher.message(phone: AuthorKey(bytes: phone.publicKey.rawRepresentation)!)))
        #expect(bench.offer(phonePost(phone, voucher: good)) == nil)
        #expect(bench.policy.strangerUsage.count == 0)
        #expect(bench.policy.standing(of: AuthorKey(bytes: phone.publicKey.rawRepresentation)!, at: now) == .vouched)
        // A forged voucher (the hall's signature over another key) leaves a stranger.
        let other = TestKeys.key(61)
        let forged = UnknownField(tag: PhoneVoucher.tag, value: good.value)
        #expect(bench.offer(phonePost(other, voucher: forged)) == nil)
        #expect(bench.policy.strangerUsage.count == 1)
        // A voucher by a hall nobody vouched for counts for nothing either.
        let stranger = TestKeys.key(62)
        let unvouchedHall = UnknownField(
            tag: PhoneVoucher.tag,
            value: TestKeys.author(outsider).bytes + TestKeys.key(outsider).signature(for: PhoneVoucher.message(phone: AuthorKey(bytes: stranger.publicKey.rawRepresentation)!)))
        #expect(bench.offer(phonePost(stranger, voucher: unvouchedHall)) == nil)
        #expect(bench.policy.strangerUsage.count == 2)
    }

    // MARK: A node under flood

    /// 20,000 valid bulletins from 20,000 fresh keys at a node with a 4 MB store: strangers
    /// hold at most their share (a tenth), the node's own and the official bulletins all stay,
    /// and what has no room is refused before its signature is checked.
    @Test func aFloodOfFreshKeysFillsOnlyTheStrangersShare() throws {
        let quota: Int64 = 4_000_000
        var rules = trustRules()
        rules.strangers = StrangerBudget.defaults(quotaBytes: quota)
        rules.known = [TestKeys.author(villager)]
        var node = strangerNode(quota: quota, rules: rules)
        let now = NodeTime(monotonic: .zero, wall: testEpoch + .hours(1))
        var honest: [Bulletin] = []
        for index in 0..<40 {
            honest.append(makePost(by: authority, channel: "resmi", title: "Pengumuman \(index)", created: testEpoch + .minutes(Int64(index))))
            honest.append(makePost(by: villager, title: "Panen \(index)", created: testEpoch + .minutes(Int64(index))))
        }
        for bulletin in honest.prefix(40) { #expect(node.submit(bulletin, durability: .lazy, at: now).0 == .added) }
        var prng = PRNG(seed: 20_000)
        let flood = (0..<20_000).map { _ in freshPost(&prng, body: 200) }
        let checksBefore = node.counters.signatureChecks
        let outcomes = node.submit(batch: flood, durability: .lazy, at: now).0
        for bulletin in honest.dropFirst(40) { #expect(node.submit(bulletin, durability: .lazy, at: now).0 == .added) }
        let stored = outcomes.filter { $0 == .added }.count
        let policy = try #require(node.admission as? TrustPolicy)
        // Unstamped, they hold at most half the share; a fresh post that happens to hash to
        // a stamp (about one in 2^20) may use the other half, as a stamped one would.
        let usage = policy.strangerUsage
        #expect(usage.bytes - usage.stampedBytes <= rules.strangers.bytesMax / 2 && usage.bytes <= rules.strangers.bytesMax, "\(usage)")
        #expect(policy.strangerUsage.count == stored && stored > 500 && stored < 2_000, "\(stored)")
        #expect(honest.allSatisfy { node.store.contains($0.id) })
        #expect(node.counters.strangersRefused == flood.count - stored)
        #expect(node.counters.evictedBulletins == 0)
        // Refused before the signature: only what was stored was verified.
        #expect(node.counters.signatureChecks - checksBefore == stored + 40)
        #expect(node.store.encodedBytes <= quota)
    }

    /// [bulk]'s first sync: a mule's 50,000 bulletins from 125 keys this hall never saw pass
    /// whole on the default settings (a 1 GB store: strangers may hold 50 MB unstamped).
    @Test func aMulesBacklogFromUnvouchedKeysPassesOnDefaultSettings() {
        var rules = trustRules()
        rules.strangers = StrangerBudget.defaults(quotaBytes: 1_000_000_000)
        var node = strangerNode(quota: 1_000_000_000, rules: rules)
        let keys = (0..<125).map { try! Ed25519.PrivateKey(seed: [UInt8](repeating: UInt8($0), count: 31) + [7]) }
        var backlog: [Bulletin] = []
        for index in 0..<50_000 {
            let key = keys[index % keys.count]
            var content = BulletinContent(
                kind: .post, author: AuthorKey(bytes: key.publicKey.rawRepresentation)!,
                created: testEpoch + .seconds(Int64(index / 125)) + .days(Int64(-(index % 10))), expires: testEpoch + .days(20), channel: "warga")
            content.title = "Kabar \(index)"
            content.body = String(repeating: "b", count: 200)
            backlog.append(try! Bulletin.sign(content, with: key))
        }
        let now = NodeTime(monotonic: .zero, wall: testEpoch + .hours(1))
        let outcomes = node.submit(batch: backlog, durability: .lazy, at: now).0
        #expect(outcomes.allSatisfy { $0 == .added })
        #expect(node.store.count == 50_000)
        #expect(node.counters.strangersRefused == 0)
    }

    /// A full store evicts expired bulletins, then strangers' (unstamped first), then the rest
    /// of community traffic oldest first, never an official bulletin or a grant for community
    /// traffic, and never anyone's for a stranger.
    @Test func aFullStoreEvictsByClassAndNeverUpward() throws {
        var rules = trustRules()
        rules.strangers = StrangerBudget(bytesMax: 1_000_000, stampBits: 6)
        rules.known = [TestKeys.author(villager)]
        var node = strangerNode(quota: 40_000, rules: rules)
        let now = NodeTime(monotonic: .zero, wall: testEpoch + .hours(1))
        func submit(_ bulletin: Bulletin) -> WriteOutcome { node.submit(bulletin, durability: .lazy, at: now).0 }
        let grant = makeGrant(by: authority, to: hall, channels: ["resmi"])
        #expect(submit(grant) == .added)
        let official = (0..<30).map { makePost(by: authority, channel: "resmi", title: "Resmi \($0)", body: String(repeating: "r", count: 300), created: testEpoch + .minutes(Int64($0))) }
        for bulletin in official { #expect(submit(bulletin) == .added) }
        var prng = PRNG(seed: 9)
        let strangers = (0..<80).map { _ in freshPost(&prng, body: 300) }
        for bulletin in strangers { _ = submit(bulletin) }
        // Strangers alone may not push out official bulletins: once the store is full, each new
        // one is itself refused.
        #expect(official.allSatisfy { node.store.contains($0.id) } && node.store.contains(grant.id))
        #expect(strangers.contains { !node.store.contains($0.id) })
        // Known community posts push the strangers out first, then their own oldest; the
        // official bulletins and the grant stay.
        let community = (0..<80).map { makePost(by: villager, title: "Warga \($0)", body: String(repeating: "w", count: 300), created: testEpoch + .seconds(Int64($0))) }
        for bulletin in community { _ = submit(bulletin) }
        #expect(strangers.allSatisfy { !node.store.contains($0.id) })
        #expect(official.allSatisfy { node.store.contains($0.id) } && node.store.contains(grant.id))
        #expect(node.store.contains(community.last!.id) && !node.store.contains(community.first!.id))
        let kept = community.map { node.store.contains($0.id) }
        #expect(kept == kept.sorted { !$0 && $1 }, "the oldest go first")
        #expect(node.store.encodedBytes <= 40_000)
        // The books agree with the store: nothing evicted is still counted.
        let policy = try #require(node.admission as? TrustPolicy)
        #expect(policy.strangerUsage.count == 0)
    }

    /// The books follow the store: expired strangers' bulletins leave the share at the
    /// node's expiry pass, and so free room for new ones.
    @Test func expiredStrangersLeaveTheShareAtTheExpiryPass() throws {
        let now = NodeTime(monotonic: .zero, wall: testEpoch + .hours(1))
        var node = strangerNode(quota: 10_000_000, rules: strangerRules(bytesMax: 4_000, stampBits: 6))
        var prng = PRNG(seed: 5)
        var stored = 0
        for _ in 0..<40 where node.submit(freshPost(&prng, body: 100), durability: .lazy, at: now).0 == .added { stored += 1 }
        #expect(stored > 5 && stored < 40)
        #expect(try #require(node.admission as? TrustPolicy).strangerUsage.count == stored)
        // Three days on, every one of them has expired.
        let later = NodeTime(monotonic: .zero + .days(3), wall: testEpoch + .days(3) + .hours(2))
        _ = node.tick(at: later)
        #expect(try #require(node.admission as? TrustPolicy).strangerUsage.count == 0)
        // And room is back for new ones.
        #expect(node.submit(freshPost(&prng, body: 100, created: later.wall), durability: .lazy, at: later).0 == .added)
    }

    // MARK: Two full shares

    /// Two hall nodes whose strangers' shares are full of different strangers: each refuses
    /// what the other holds, so a reconciliation finds the same difference and gains nothing.
    /// Once each side has seen that (Documentation/Reconciliation.md, "Sessions in the node"),
    /// no session starts while nothing changes; a new post on either side still moves by
    /// reconciliation, and then the pair settles again.
    @Test func nodesWhoseStrangersDifferStopReconcilingUntilSomethingChanges() throws {
        var rules = strangerRules(bytesMax: 4_000, stampBits: 20)
        rules.known = [TestKeys.author(villager)]
        var mesh = trustMesh(count: 2, rules: rules, line: false)
        // Apart while each fills its share with strangers of its own.
        mesh.drop = { _, _, _, _ in true }
        var prng = PRNG(seed: 77)
        var held = [0, 0]
        for node in 0..<2 {
            for _ in 0..<40 where mesh.nodes[node].submit(freshPost(&prng, body: 100), durability: .lazy, at: mesh.time(mesh.now)).0 == .added {
                held[node] += 1
            }
        }
        #expect(held.allSatisfy { $0 > 5 && $0 < 40 }, "\(held)")
        mesh.run(for: .seconds(1))
        mesh.drop = { _, _, _, _ in false }
        func sessions(since start: Int) -> Int {
            mesh.events[start...].filter { if case .syncFinished = $0.event { return true } else { return false } }.count
        }
        // They meet: each pulls the other's strangers once and refuses them, then settles.
        var start = mesh.events.count
        mesh.run(for: .seconds(60))
        let meeting = sessions(since: start)
        #expect(meeting >= 2 && meeting <= 6, "\(meeting) sessions while meeting")
        #expect(mesh.nodes[0].storeFingerprint != mesh.nodes[1].storeFingerprint)
        #expect(!mesh.rejections(at: 0).isEmpty && !mesh.rejections(at: 1).isEmpty)
        // Ten minutes of beacons (over a hundred rounds, each past the cooldown): not one session.
        start = mesh.events.count
        mesh.run(for: .minutes(10))
        #expect(sessions(since: start) == 0)
        // A new post on either side, not pushed (the link drops it): reconciliation carries it.
        for (index, origin) in [1, 0].enumerated() {
            let post = makePost(by: villager, title: "Panen \(index)", created: testEpoch + .minutes(Int64(20 + index)))
            mesh.drop = { _, _, _, _ in true }
            #expect(mesh.nodes[origin].submit(post, durability: .lazy, at: mesh.time(mesh.now)).0 == .added)
            mesh.run(for: .milliseconds(500))
            mesh.drop = { _, _, _, _ in false }
            start = mesh.events.count
            mesh.run(for: .seconds(20))
            #expect(mesh.holds(post.id) == [true, true], "post at node \(origin)")
            #expect(sessions(since: start) >= 1)
            // And quiet again.
            start = mesh.events.count
            mesh.run(for: .minutes(2))
            #expect(sessions(since: start) == 0)
        }
    }

    /// The pair settled is only a deferral: after `syncSettledRecheck` it is reconciled once more.
    @Test func aSettledPairIsCheckedAgainAfterTheRecheckInterval() throws {
        var rules = strangerRules(bytesMax: 4_000, stampBits: 20)
        rules.known = [TestKeys.author(villager)]
        var mesh = TestMesh(count: 2) { $0.syncSettledRecheck = .minutes(5) }
        for node in mesh.nodes.indices { mesh.nodes[node].installTrust(TrustPolicy(rules: rules), at: mesh.time(mesh.now)) }
        mesh.drop = { _, _, _, _ in true }
        var prng = PRNG(seed: 78)
        for node in 0..<2 {
            for _ in 0..<40 { _ = mesh.nodes[node].submit(freshPost(&prng, body: 100), durability: .lazy, at: mesh.time(mesh.now)) }
        }
        mesh.run(for: .seconds(1))
        mesh.drop = { _, _, _, _ in false }
        mesh.run(for: .seconds(60))
        let start = mesh.events.count
        mesh.run(for: .minutes(11))
        let later = mesh.events[start...].filter { if case .syncFinished = $0.event { return true } else { return false } }.count
        // One recheck each side per five minutes: a few, not one every cooldown (about 80).
        #expect(later >= 2 && later <= 8, "\(later)")
    }

    // MARK: Helpers

    func strangerRules(bytesMax: Int64, stampBits: Int) -> TrustRules {
        var rules = trustRules()
        rules.strangers = StrangerBudget(bytesMax: bytesMax, stampBits: stampBits)
        return rules
    }

    func strangerNode(quota: Int64, rules: TrustRules) -> Node<MemoryStore> {
        let now = NodeTime(monotonic: .zero, wall: testEpoch + .hours(1))
        var node = Node(configuration: NodeConfiguration(), key: TestKeys.author(hall), store: MemoryStore(quotaBytes: quota), seed: 1, now: now)
        node.installTrust(TrustPolicy(rules: rules), at: now)
        return node
    }

    /// A post on `warga` by a key made fresh from `prng`.
    func freshPost(_ prng: inout PRNG, body: Int = 60, stampBits: Int = 0, created: UnixTime = testEpoch) -> Bulletin {
        let key = try! Ed25519.PrivateKey(seed: prng.bytes(32))
        var content = BulletinContent(
            kind: .post, author: AuthorKey(bytes: key.publicKey.rawRepresentation)!, created: created,
            expires: created + .days(3), channel: "warga")
        content.title = "Promo"
        content.body = String(repeating: "x", count: body)
        if stampBits > 0 { content = try! Stamp.stamp(content, bits: stampBits) }
        return try! Bulletin.sign(content, with: key)
    }

    func makeVouch(by signer: UInt8, for keys: [UInt8], lifetime: TimeSpan = .days(90)) -> Bulletin {
        let vouch = Vouch(keys: keys.map { TestKeys.author($0) })!
        return try! Bulletin.sign(
            vouch.content(author: TestKeys.author(signer), created: testEpoch, expires: testEpoch + lifetime), with: TestKeys.key(signer))
    }

    func phonePost(_ key: Ed25519.PrivateKey, voucher: UnknownField) -> Bulletin {
        var content = BulletinContent(
            kind: .post, author: AuthorKey(bytes: key.publicKey.rawRepresentation)!, created: testEpoch,
            expires: testEpoch + .days(3), channel: "warga")
        content.title = "Dari HP"
        content.unknownFields = [voucher]
        return try! Bulletin.sign(content, with: key)
    }
}
