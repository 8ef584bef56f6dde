@testable import Kabar
import KabarCrypto
import Testing

/// A bulletin an older node holds and this node's format rules refuse (Documentation/Bulletin.md,
/// "Text", Compatibility) is remembered as refused, so reconciliation does not pull it again soon.
@Suite struct CompatibilityRefusalTests {
    @Test func aBulletinThatFailsToDecodeIsNotPulledAgainSoon() {
        var node = Node(
            configuration: NodeConfiguration(), key: TestKeys.author(100), store: MemoryStore(), seed: 1,
            now: NodeTime(monotonic: .zero, wall: testEpoch))
        let at = NodeTime(monotonic: .zero + .milliseconds(10), wall: testEpoch + .milliseconds(10))
        var raw = ConformanceVectors.Raw([ConformanceVectors.channel, (2, Array("Bantuan \u{202E}gpj.exe".utf8))])
        raw.created = UInt64(testEpoch.milliseconds)
        let bytes = raw.signed
        let id = BulletinID(hashing: bytes)
        #expect(!node.refused.contains(id, at: at.monotonic))
        _ = node.receive(MessageCodec.encode(.bulletin(bytes), network: node.configuration.networkID), from: .simulated(7), at: at)
        #expect(node.counters.rejectedBulletins == 1)
        #expect(node.refused.contains(id, at: at.monotonic))
    }
}
