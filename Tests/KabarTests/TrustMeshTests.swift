import Kabar
import KabarCrypto
import Testing

/// The trust rules across nodes in a line (0 - 1 - 2 - 3): node 0 has no rules (an attacker's
/// or a misconfigured node), the rest share the same rules. A bad bulletin stops at node 1.
@Suite struct TrustMeshTests {
    func lineMesh() -> TestMesh {
        var mesh = trustMesh(count: 4, lawless: [0])
        mesh.run(for: .seconds(6))
        return mesh
    }

    func expectStopsAtFirstHop(_ bulletin: Bulletin, prepare: [Bulletin] = []) throws {
        var mesh = lineMesh()
        for bulletin in prepare { try mesh.post(bulletin, at: 0) }
        mesh.run(for: .seconds(1))
        for bulletin in prepare { #expect(mesh.holds(bulletin.id) == [true, true, true, true]) }
        try mesh.post(bulletin, at: 0)
        mesh.run(for: .seconds(20))  // beacons, anti-entropy: node 1 is asked again and again
        #expect(mesh.holds(bulletin.id) == [true, false, false, false])
        #expect(!mesh.rejections(at: 1).isEmpty)
        #expect(mesh.rejections(at: 2).isEmpty && mesh.rejections(at: 3).isEmpty)
        #expect(mesh.rejections(at: 1).allSatisfy { $0.id == bulletin.id })
    }

    @Test func anUnauthorisedOfficialPostStopsAtTheFirstHop() throws {
        try expectStopsAtFirstHop(makePost(by: TrustKeys.outsider, channel: "resmi"))
    }

    @Test func aGrantByANonAuthorityStopsAtTheFirstHop() throws {
        try expectStopsAtFirstHop(makeGrant(by: TrustKeys.outsider, to: TrustKeys.grantee, channels: ["resmi"]))
    }

    @Test func aGrantBeyondTheDepthStopsAtTheFirstHop() throws {
        let parent = makeGrant(by: TrustKeys.authority, to: TrustKeys.grantee, channels: ["resmi"], mayGrant: true)
        try expectStopsAtFirstHop(
            makeGrant(by: TrustKeys.grantee, to: TrustKeys.subGrantee, channels: ["resmi"], mayGrant: true), prepare: [parent])
    }

    @Test func aRetractionByANonAuthorStopsAtTheFirstHop() throws {
        let post = makePost(by: TrustKeys.grantee)
        try expectStopsAtFirstHop(makeAction(.retraction, by: TrustKeys.outsider, of: post), prepare: [post])
    }

    @Test func aHideFromAnUntrustedKeyStopsAtTheFirstHop() throws {
        let post = makePost(by: TrustKeys.grantee)
        try expectStopsAtFirstHop(makeAction(.hide, by: TrustKeys.outsider, of: post), prepare: [post])
    }

    @Test func aGrantedOfficialPostThenItsRetractionReachEveryNode() throws {
        var mesh = trustMesh(count: 4)
        mesh.run(for: .seconds(6))
        let grant = makeGrant(by: TrustKeys.authority, to: TrustKeys.grantee, channels: ["resmi"])
        let post = makePost(by: TrustKeys.grantee, channel: "resmi")
        try mesh.post(grant, at: 0)
        mesh.run(for: .seconds(1))
        try mesh.post(post, at: 3)
        mesh.run(for: .seconds(1))
        #expect(mesh.holds(post.id) == [true, true, true, true])
        let retraction = makeAction(.retraction, by: TrustKeys.grantee, of: post)
        try mesh.post(retraction, at: 2)
        mesh.run(for: .seconds(1))
        #expect(mesh.holds(post.id) == [false, false, false, false])
        #expect(mesh.holds(retraction.id) == [true, true, true, true])
        #expect(mesh.nodes.allSatisfy { $0.store.isRemoved(post.id) })
        // Importing the target again anywhere is refused.
        for index in mesh.nodes.indices {
            #expect(throws: NodeError.removed(post.id)) { _ = try mesh.nodes[index].post(post, at: mesh.time(mesh.now)) }
        }
    }

    @Test func refusedBulletinsAreNotPulledAgainAtEveryReconciliation() throws {
        let rules = trustRules(quota: Quota(countPerDayMax: 1, bytesPerDayMax: 1_000_000))
        var mesh = trustMesh(count: 2, rules: rules, line: false, lawless: [0])
        mesh.run(for: .seconds(6))
        let posts = (0..<10).map { makePost(by: TrustKeys.outsider, title: "spam \($0)") }
        for post in posts { try mesh.post(post, at: 0) }
        mesh.run(for: .seconds(60))  // about seven reconciliations' worth of cooldowns
        #expect(posts.filter { mesh.holds($0.id)[1] }.count == 1)
        #expect(mesh.rejections(at: 1).count == 9, "each over-quota post refused once, not at every sync")
    }

    @Test func aRefusedBulletinIsNotAskedForWhenItsSenderAnnouncesIt() throws {
        let rules = trustRules(quota: Quota(countPerDayMax: 1, bytesPerDayMax: 1_000_000))
        var mesh = trustMesh(count: 2, rules: rules, line: false, lawless: [0])
        mesh.run(for: .seconds(6))
        let posts = (0..<2).map { makePost(by: TrustKeys.outsider, title: "spam \($0)") }
        for post in posts { try mesh.post(post, at: 0) }
        mesh.run(for: .seconds(1))
        #expect(mesh.rejections(at: 1).map(\.id) == [posts[1].id])
        // The sender announces both again (a flood's node announces every post it made): the
        // refused one is not asked for, to be fetched and refused once more.
        let network = mesh.nodes[1].configuration.networkID
        let actions = mesh.nodes[1].receive(
            MessageCodec.encode(.announce(posts.map(\.id)), network: network), from: .simulated(0), at: mesh.time(mesh.now))
        let requests = actions.compactMap { action -> [BulletinID]? in
            guard case .send(let datagram, _) = action, case .request(let ids)? = try? MessageCodec.decode(datagram, network: network)
            else { return nil }
            return ids
        }
        #expect(requests.isEmpty, "asked again for \(requests)")
    }

    @Test func anOfficialPostRefusedBeforeItsGrantIsPulledOnceTheGrantArrives() throws {
        var mesh = trustMesh(count: 2, line: false, lawless: [0])
        mesh.run(for: .seconds(6))
        let post = makePost(by: TrustKeys.grantee, channel: "resmi")
        try mesh.post(post, at: 0)
        mesh.run(for: .seconds(20))
        #expect(mesh.holds(post.id) == [true, false])
        try mesh.post(makeGrant(by: TrustKeys.authority, to: TrustKeys.grantee, channels: ["resmi"]), at: 0)
        mesh.run(for: .seconds(30))
        #expect(mesh.holds(post.id) == [true, true])
    }

    @Test func aHideByATrustedModeratorReachesEveryNode() throws {
        var mesh = trustMesh(count: 3)
        mesh.run(for: .seconds(6))
        let grant = makeGrant(by: TrustKeys.authority, to: TrustKeys.grantee, channels: ["warga"], moderator: true)
        let spam = makePost(by: TrustKeys.outsider, title: "SPAM")
        try mesh.post(grant, at: 0)
        try mesh.post(spam, at: 2)
        mesh.run(for: .seconds(1))
        #expect(mesh.holds(spam.id) == [true, true, true])
        try mesh.post(makeAction(.hide, by: TrustKeys.grantee, of: spam), at: 0)
        mesh.run(for: .seconds(1))
        #expect(mesh.holds(spam.id) == [false, false, false])
    }
}
