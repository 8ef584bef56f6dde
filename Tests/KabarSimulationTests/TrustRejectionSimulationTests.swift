import Kabar
import KabarCrypto
import KabarSimulation
import Testing

/// Each trust rule holds at every node of a simulated hall: an attacker (host 0) broadcasts
/// bulletins that break a rule, raw, then replays them; hosts 1 to 4 apply the rules and
/// must neither store nor forward any of them, while the good bulletins they hold stay.
@Suite struct TrustRejectionSimulationTests {
    static let authority: UInt16 = 400
    static let grantee: UInt16 = 401
    static let subGrantee: UInt16 = 402
    static let villager: UInt16 = 403
    static let outsider: UInt16 = 300
    static let epoch = UnixTime(milliseconds: 1_793_491_200_000)

    static func sign(_ content: BulletinContent, by number: UInt16) -> Bulletin {
        try! Bulletin.sign(content, with: SimulationKeys.key(number))
    }

    static func grant(
        by signer: UInt16, to grantee: UInt16, channels: [String], mayGrant: Bool = false,
        created: UnixTime = epoch, lifetime: TimeSpan = .days(30)
    ) -> Bulletin {
        var content = BulletinContent(
            kind: .grant, author: SimulationKeys.author(signer), created: created, expires: created + lifetime,
            channel: ChannelRules.systemChannel)
        content.grant = Grant(grantee: SimulationKeys.author(grantee), channels: channels, mayGrant: mayGrant)
        return sign(content, by: signer)
    }

    static func action(_ kind: BulletinKind, by signer: UInt16, of target: Bulletin) -> Bulletin {
        var content = BulletinContent(
            kind: kind, author: SimulationKeys.author(signer), created: epoch + .seconds(2), expires: target.expires,
            channel: target.channel)
        content.references = [target.id]
        return sign(content, by: signer)
    }

    @Test func everyBadBulletinAndItsReplayIsRefusedAtEveryNode() {
        var sim = Simulation<TrustedHost>(seed: 41, name: "trust-rejections")
        let rules = TrustRules(authorities: [SimulationKeys.author(Self.authority)])
        sim.addHosts(1) { TrustedHost(boot: $0, rules: nil) }
        sim.addHosts(4) { TrustedHost(boot: $0, rules: rules) }
        sim.addLAN(0..<5, LANConfiguration(broadcastLoss: 0.05))

        // Good bulletins first, posted by honest hosts: a re-granting grant and a villager's post.
        let parent = Self.grant(by: Self.authority, to: Self.grantee, channels: ["resmi"], mayGrant: true)
        let post = SimulationKeys.post(by: Self.villager, channel: "warga", title: "Gotong royong", created: Self.epoch, lifetime: .days(7))
        sim.schedule(at: .zero + .seconds(1), .post(host: 1, .signed(parent)))
        sim.schedule(at: .zero + .seconds(1), .post(host: 2, .signed(post)))

        let bad: [(String, Bulletin)] = [
            ("unauthorised official post", SimulationKeys.post(by: Self.outsider, channel: "resmi", title: "Palsu", created: Self.epoch, lifetime: .days(7))),
            ("expired grant", Self.grant(by: Self.authority, to: Self.outsider, channels: ["resmi"], created: Self.epoch - .days(40))),
            ("grant by a non-authority", Self.grant(by: Self.outsider, to: Self.outsider, channels: ["resmi"])),
            ("grant beyond the depth", Self.grant(by: Self.grantee, to: Self.subGrantee, channels: ["resmi"], mayGrant: true)),
            ("retraction by a non-author", Self.action(.retraction, by: Self.outsider, of: post)),
            ("hide from an untrusted key", Self.action(.hide, by: Self.outsider, of: post)),
        ]
        for (index, (_, bulletin)) in bad.enumerated() {
            // Sent raw by the attacker, then replayed twice: as it is, and again much later.
            for at in [10, 20, 45] {
                sim.schedule(at: .zero + .seconds(Int64(at)) + .milliseconds(Int64(index * 50)), .post(host: 0, .raw(bulletin)))
            }
        }
        sim.run(until: .zero + .seconds(70))

        for host in 1..<5 {
            guard let node = sim.endpoint(host)?.node else {
                Issue.record("host \(host) is down")
                continue
            }
            for (name, bulletin) in bad {
                #expect(!node.store.contains(bulletin.id), "\(name) stored at host \(host) \(sim.reproduction)")
            }
            #expect(node.store.contains(parent.id) && node.store.contains(post.id), "good bulletins kept at host \(host)")
            // Each bad bulletin was refused (a replay of a trust refusal is dropped unchecked:
            // Node+Trust.swift, RefusedIDs; the expired grant is refused on every copy).
            #expect(node.counters.rejectedBulletins >= bad.count, "host \(host): \(node.counters.rejectedBulletins) refusals")
        }
    }
}
