import Kabar
import KabarCrypto
import Testing

/// Every rejection, offered to a node again and again (a replay, by gossip, sync or import):
/// refused each time with the same rule, and nothing is stored.
@Suite struct TrustReplayTests {
    @Test func everyRejectedBulletinIsRefusedAgainOnEachReplay() throws {
        var node = TestMesh(count: 1).nodes[0]
        let now = NodeTime(monotonic: .zero, wall: testEpoch + .hours(1))
        node.installTrust(TrustPolicy(rules: trustRules()), at: now)
        let parent = makeGrant(by: TrustKeys.authority, to: TrustKeys.grantee, channels: ["resmi"], mayGrant: true)
        let target = makePost(by: TrustKeys.grantee, channel: "warga")
        _ = try node.post(parent, at: now)
        _ = try node.post(target, at: now)
        let expired = makeGrant(
            by: TrustKeys.authority, to: TrustKeys.outsider, channels: ["resmi"], created: testEpoch - .days(40))
        let cases: [(Bulletin, any Error & Equatable)] = [
            (makePost(by: TrustKeys.outsider, channel: "resmi"), TrustError.notAuthorised(channel: "resmi")),
            (makeGrant(by: TrustKeys.outsider, to: TrustKeys.outsider, channels: ["resmi"]), TrustError.grantNotAllowed(channel: "resmi")),
            (makeGrant(by: TrustKeys.grantee, to: TrustKeys.subGrantee, channels: ["resmi"], mayGrant: true), TrustError.grantTooDeep),
            (makeAction(.retraction, by: TrustKeys.outsider, of: target), TrustError.retractionNotAllowed(target: target.id)),
            (makeAction(.hide, by: TrustKeys.outsider, of: target), TrustError.hideNotTrusted(channel: "warga")),
            (expired, BulletinError.expired(expires: expired.expires, now: now.wall)),
        ]
        let count = node.store.count
        for (bulletin, expected) in cases {
            for _ in 0..<3 {
                do {
                    _ = try node.post(bulletin, at: now)
                    Issue.record("\(bulletin) was admitted")
                } catch {
                    #expect(String(describing: error) == String(describing: expected))
                }
            }
        }
        #expect(node.store.count == count)
        #expect(node.store.contains(target.id), "no refused retraction or hide touched its target")
    }
}
