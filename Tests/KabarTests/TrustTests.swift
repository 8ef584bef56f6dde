import Kabar
import KabarCrypto
import Testing

/// The trust rules on one node's state: every refusal names its rule, every happy path works.
@Suite struct TrustTests {
    let authority = TrustKeys.authority
    let grantee = TrustKeys.grantee
    let subGrantee = TrustKeys.subGrantee
    let outsider = TrustKeys.outsider

    // MARK: Official channels and grants

    @Test func anUnauthorisedKeyMayNotPostToAnOfficialChannel() {
        var bench = TrustBench()
        let post = makePost(by: outsider, channel: "resmi")
        #expect(bench.offer(post) == .notAuthorised(channel: "resmi"))
        #expect(bench.offer(post) == .notAuthorised(channel: "resmi"))  // a replay is refused the same way
        #expect(bench.store.count == 0)
        #expect(TrustError.notAuthorised(channel: "resmi").localizedMessage.id.contains("tidak ada izin dari otoritas"))
    }

    @Test func anAuthorityMayPostAndItsGranteeMayPostOnTheGrantedChannelsOnly() {
        var bench = TrustBench()
        #expect(bench.offer(makePost(by: authority, channel: "resmi")) == nil)
        #expect(bench.offer(makeGrant(by: authority, to: grantee, channels: ["resmi"])) == nil)
        #expect(bench.offer(makePost(by: grantee, channel: "resmi")) == nil)
        #expect(bench.offer(makePost(by: grantee, channel: "pengumuman")) == .notAuthorised(channel: "pengumuman"))
    }

    @Test func aGrantStopsAuthorisingWhenItExpires() {
        var bench = TrustBench()
        #expect(bench.offer(makeGrant(by: authority, to: grantee, channels: ["resmi"], lifetime: .days(2))) == nil)
        let late = testEpoch + .days(3)
        #expect(bench.offer(makePost(by: grantee, channel: "resmi", created: late), at: late) == .notAuthorised(channel: "resmi"))
    }

    @Test func aGrantSignedByANonAuthorityIsRefused() {
        var bench = TrustBench()
        let forged = makeGrant(by: outsider, to: grantee, channels: ["resmi"])
        #expect(bench.offer(forged) == .grantNotAllowed(channel: "resmi"))
        #expect(bench.offer(forged) == .grantNotAllowed(channel: "resmi"))
        #expect(bench.offer(makePost(by: grantee, channel: "resmi")) == .notAuthorised(channel: "resmi"))
    }

    @Test func aGranteeThatMayGrantGivesOneMoreLevelAndNoMore() {
        var bench = TrustBench()
        #expect(bench.offer(makeGrant(by: authority, to: grantee, channels: ["resmi", "pengumuman"], mayGrant: true)) == nil)
        // The sub-grantee may post, but may not grant again, nor be let to.
        #expect(bench.offer(makeGrant(by: grantee, to: subGrantee, channels: ["resmi"], mayGrant: true)) == .grantTooDeep)
        #expect(bench.offer(makeGrant(by: grantee, to: subGrantee, channels: ["resmi"], lifetime: .days(10))) == nil)
        #expect(bench.offer(makePost(by: subGrantee, channel: "resmi")) == nil)
        #expect(bench.offer(makeGrant(by: subGrantee, to: outsider, channels: ["resmi"])) == .grantNotAllowed(channel: "resmi"))
        #expect(bench.offer(makePost(by: outsider, channel: "resmi")) == .notAuthorised(channel: "resmi"))
    }

    @Test func aSubGrantCannotExceedItsParent() {
        var bench = TrustBench()
        #expect(bench.offer(makeGrant(by: authority, to: grantee, channels: ["resmi"], mayGrant: true, lifetime: .days(10))) == nil)
        #expect(bench.offer(makeGrant(by: grantee, to: subGrantee, channels: ["pengumuman"])) == .grantNotAllowed(channel: "pengumuman"))
        #expect(bench.offer(makeGrant(by: grantee, to: subGrantee, channels: ["resmi"], lifetime: .days(11))) == .grantExceedsParent(channel: "resmi"))
        #expect(bench.offer(makeGrant(by: grantee, to: subGrantee, channels: ["resmi"], moderator: true, lifetime: .days(5))) == .grantExceedsParent(channel: "resmi"))
    }

    @Test func aSubGrantStopsWhenItsParentIsRetracted() {
        var bench = TrustBench()
        let parent = makeGrant(by: authority, to: grantee, channels: ["resmi"], mayGrant: true)
        #expect(bench.offer(parent) == nil)
        #expect(bench.offer(makeGrant(by: grantee, to: subGrantee, channels: ["resmi"], lifetime: .days(10))) == nil)
        #expect(bench.offer(makeAction(.retraction, by: authority, of: parent)) == nil)
        #expect(bench.store.isRemoved(parent.id))
        #expect(bench.offer(makePost(by: subGrantee, channel: "resmi")) == .notAuthorised(channel: "resmi"))
        #expect(bench.offer(makePost(by: grantee, channel: "resmi")) == .notAuthorised(channel: "resmi"))
    }

    @Test func onlyGrantsTravelOnTheSystemChannel() {
        var bench = TrustBench()
        #expect(bench.offer(makePost(by: outsider, channel: "kabar")) == .systemChannel(channel: "kabar"))
    }

    // MARK: Retractions

    @Test func aRetractionByItsAuthorRemovesTheTargetAndKeepsItOut() {
        var bench = TrustBench()
        let post = makePost(by: outsider)
        let retraction = makeAction(.retraction, by: outsider, of: post)
        #expect(bench.offer(post) == nil)
        #expect(bench.offer(retraction) == nil)
        #expect(!bench.store.contains(post.id))
        #expect(bench.store.contains(retraction.id))
        #expect(bench.store.isRemoved(post.id))
        // A fresh node that holds the retraction refuses the target too (import, sync).
        var fresh = TrustBench()
        #expect(fresh.offer(retraction) == nil)
        #expect(fresh.offer(post) == .withdrawn(by: retraction.id))
        #expect(fresh.offer(retraction) == nil)  // a replay is a duplicate
        #expect(fresh.store.count == 1)
    }

    @Test func aRetractionByAnotherKeyIsRefused() {
        var bench = TrustBench()
        let post = makePost(by: grantee)
        let forged = makeAction(.retraction, by: outsider, of: post)
        #expect(bench.offer(post) == nil)
        #expect(bench.offer(forged) == .retractionNotAllowed(target: post.id))
        #expect(bench.offer(forged) == .retractionNotAllowed(target: post.id))
        #expect(bench.store.contains(post.id))
    }

    @Test func aRetractionThatArrivesFirstByANonAuthorDoesNotWithdrawTheTarget() {
        var bench = TrustBench()
        let post = makePost(by: grantee)
        #expect(bench.offer(makeAction(.retraction, by: outsider, of: post)) == nil)  // target unknown: held
        #expect(bench.offer(post) == nil)
        #expect(bench.store.contains(post.id))
    }

    @Test func anAuthorityMayRetractAnyonesPost() {
        var bench = TrustBench()
        let post = makePost(by: outsider, channel: "pasar")
        #expect(bench.offer(post) == nil)
        #expect(bench.offer(makeAction(.retraction, by: authority, of: post)) == nil)
        #expect(bench.store.isRemoved(post.id))
    }

    // MARK: Edits

    @Test func anEditSupersedesTheOldVersionForReaders() {
        var bench = TrustBench()
        let post = makePost(by: outsider)
        let edit = makeEdit(of: post, by: outsider, title: "Panen jagung (harga baru)")
        let second = makeEdit(of: edit, by: outsider, title: "Panen jagung (habis)")
        for bulletin in [post, edit, second] { #expect(bench.offer(bulletin) == nil) }
        let retraction = makeAction(.retraction, by: outsider, of: makePost(by: outsider, title: "lain"))
        // Control bulletins stay in a listing, with their kind (Trust.md, "Edits").
        #expect(BulletinListing.current([post, second, edit, retraction]).map(\.id) == [second.id, retraction.id])
    }

    @Test func anEditOfAnotherAuthorsPostIsRefused() {
        var bench = TrustBench()
        let post = makePost(by: grantee)
        #expect(bench.offer(post) == nil)
        #expect(bench.offer(makeEdit(of: post, by: outsider, title: "palsu")) == .editNotAuthor(target: post.id))
        // Readers ignore a foreign "edit" even where the original arrived later.
        let foreign = makeEdit(of: post, by: outsider, title: "palsu")
        #expect(BulletinListing.current([post, foreign]).count == 2)
    }

    // MARK: Hides

    @Test func aHideFromAnUntrustedKeyIsRefused() {
        var bench = TrustBench()
        let post = makePost(by: grantee)
        #expect(bench.offer(post) == nil)
        let hide = makeAction(.hide, by: outsider, of: post)
        #expect(bench.offer(hide) == .hideNotTrusted(channel: "warga"))
        #expect(bench.offer(hide) == .hideNotTrusted(channel: "warga"))
        // A grantee that is not a moderator is not trusted either.
        #expect(bench.offer(makeGrant(by: authority, to: subGrantee, channels: ["warga"])) == nil)
        #expect(bench.offer(makeAction(.hide, by: subGrantee, of: post)) == .hideNotTrusted(channel: "warga"))
        #expect(bench.store.contains(post.id))
    }

    @Test func aHideByATrustedModeratorHidesTheTargetEvenWhenItComesFirst() {
        var bench = TrustBench()
        let post = makePost(by: outsider)
        let late = makePost(by: outsider, title: "spam lagi")
        #expect(bench.offer(makeGrant(by: authority, to: grantee, channels: ["warga"], moderator: true)) == nil)
        #expect(bench.offer(post) == nil)
        #expect(bench.offer(makeAction(.hide, by: grantee, of: post)) == nil)
        #expect(bench.store.isRemoved(post.id))
        let early = makeAction(.hide, by: grantee, of: late)
        #expect(bench.offer(early) == nil)
        #expect(bench.offer(late) == .withdrawn(by: early.id))
    }

    // MARK: Blocks and quotas

    @Test func aBlockedKeyIsRefusedAndWhatItHadIsDropped() {
        var rules = trustRules()
        var node = TestMesh(count: 1).nodes[0]
        let now = NodeTime(monotonic: .zero, wall: testEpoch + .hours(1))
        node.installTrust(TrustPolicy(rules: rules), at: now)
        let post = makePost(by: outsider)
        _ = try? node.post(post, at: now)
        #expect(node.store.contains(post.id))
        rules.blocked.insert(TestKeys.author(outsider))
        node.installTrust(TrustPolicy(rules: rules), at: now)
        node.dropBulletins(by: TestKeys.author(outsider))
        #expect(!node.store.contains(post.id))
        #expect(throws: TrustError.blocked(TestKeys.author(outsider))) {
            _ = try node.post(makePost(by: outsider, title: "lagi"), at: now)
        }
    }

    @Test func aCommunityQuotaCountsBulletinsAndBytesPerAuthorAndDay() {
        var bench = TrustBench(rules: trustRules(quota: Quota(countPerDayMax: 3, bytesPerDayMax: 100_000)))
        for index in 0..<3 { #expect(bench.offer(makePost(by: outsider, title: "pos \(index)")) == nil) }
        #expect(bench.offer(makePost(by: outsider, title: "pos 3")) == .quotaCount(channel: "warga", limit: 3))
        #expect(bench.offer(makePost(by: outsider, channel: "pasar", title: "pos 3")) == nil)  // per channel
        #expect(bench.offer(makePost(by: grantee, title: "pos 3")) == nil)  // per author
        #expect(bench.offer(makePost(by: outsider, title: "besok", created: testEpoch + .days(1)), at: testEpoch + .days(1)) == nil)
        var small = TrustBench(rules: trustRules(quota: Quota(countPerDayMax: 100, bytesPerDayMax: 1_000)))
        let big = makePost(by: outsider, body: String(repeating: "x", count: 600))
        #expect(small.offer(big) == nil)
        #expect(small.offer(makePost(by: outsider, body: String(repeating: "y", count: 600))) == .quotaBytes(channel: "warga", limit: 1_000))
    }

    @Test func quotasSurviveARestartBecauseTheyAreRebuiltFromTheStore() {
        let rules = trustRules(quota: Quota(countPerDayMax: 2, bytesPerDayMax: 100_000))
        var bench = TrustBench(rules: rules)
        #expect(bench.offer(makePost(by: outsider, title: "a")) == nil)
        #expect(bench.offer(makePost(by: outsider, title: "b")) == nil)
        var restarted = TrustPolicy(rules: rules)
        #expect(restarted.rebuild(from: bench.store, at: testEpoch).isEmpty)
        #expect(throws: TrustError.quotaCount(channel: "warga", limit: 2)) {
            try restarted.check(makePost(by: outsider, title: "c"), at: testEpoch, store: bench.store)
        }
    }

    @Test func authoritiesAndGranteesAreNotHeldToCommunityQuotas() {
        var bench = TrustBench(rules: trustRules(quota: Quota(countPerDayMax: 1, bytesPerDayMax: 100_000)))
        #expect(bench.offer(makeGrant(by: authority, to: grantee, channels: ["warga"])) == nil)
        for index in 0..<3 {
            #expect(bench.offer(makePost(by: authority, title: "a\(index)")) == nil)
            #expect(bench.offer(makePost(by: grantee, title: "g\(index)")) == nil)
        }
    }

    // MARK: Node-level replays and time

    @Test func anExpiredGrantIsRefusedByEveryNodeAndItsReplayToo() throws {
        var node = TestMesh(count: 1).nodes[0]
        let now = NodeTime(monotonic: .zero, wall: testEpoch + .days(40))
        node.installTrust(TrustPolicy(rules: trustRules()), at: now)
        let grant = makeGrant(by: authority, to: grantee, channels: ["resmi"], lifetime: .days(30))
        for _ in 0..<2 {
            #expect(throws: BulletinError.self) { _ = try node.post(grant, at: now) }
        }
        #expect(node.store.count == 0)
    }

    @Test func aReplayedRetractionGrantOrHideIsJustADuplicate() throws {
        var node = TestMesh(count: 1).nodes[0]
        let now = NodeTime(monotonic: .zero, wall: testEpoch + .hours(1))
        node.installTrust(TrustPolicy(rules: trustRules()), at: now)
        let post = makePost(by: outsider)
        let grant = makeGrant(by: authority, to: grantee, channels: ["warga"], moderator: true)
        let hide = makeAction(.hide, by: grantee, of: post)
        let retraction = makeAction(.retraction, by: outsider, of: makePost(by: outsider, title: "b"))
        for bulletin in [post, grant, hide, retraction] { _ = try node.post(bulletin, at: now) }
        let count = node.store.count
        for bulletin in [grant, hide, retraction] { #expect(try node.post(bulletin, at: now).isEmpty) }
        #expect(node.store.count == count)
        #expect(throws: NodeError.removed(post.id)) { _ = try node.post(post, at: now) }
    }

    @Test func aClockJudgedWrongIsReportedOnceAndClearedOnce() {
        var node = TestMesh(count: 1).nodes[0]
        let bad = NodeTime(monotonic: .zero, wall: UnixTime(milliseconds: 0))  // 1970
        let first = node.tick(at: bad)
        let second = node.tick(at: NodeTime(monotonic: Instant.zero + .seconds(1), wall: UnixTime(milliseconds: 1_000)))
        let fixed = node.tick(at: NodeTime(monotonic: Instant.zero + .seconds(2), wall: testEpoch))
        func warnings(_ actions: [NodeAction]) -> [ClockEstimate] {
            actions.compactMap { if case .event(.clockWarning(let estimate)) = $0 { estimate } else { nil } }
        }
        #expect(warnings(first).count == 1)
        #expect(warnings(first).first?.warning != nil)
        #expect(warnings(second).isEmpty)
        #expect(warnings(fixed).count == 1)
        #expect(warnings(fixed).first?.warning == nil)
    }

    @Test func aGoodClockIsNotMovedByOneWildPeerAndABadOneFollowsTheMajority() {
        let max = TimeSpan.minutes(5)
        let years = TimeSpan.days(3_650)
        let good = ClockEstimate(ownClock: testEpoch, peerOffsets: [.zero, years], earliestPlausible: UnixTime(milliseconds: 0), disagreementMax: max)
        #expect(good.now == testEpoch && !good.ownClockIsWrong)
        let pair = ClockEstimate(ownClock: testEpoch, peerOffsets: [years], earliestPlausible: UnixTime(milliseconds: 0), disagreementMax: max)
        #expect(pair.now == testEpoch)
        let wild = ClockEstimate(ownClock: testEpoch + years, peerOffsets: [.zero - years, .zero - years], earliestPlausible: UnixTime(milliseconds: 0), disagreementMax: max)
        #expect(wild.now == testEpoch && wild.ownClockIsWrong)
    }
}
