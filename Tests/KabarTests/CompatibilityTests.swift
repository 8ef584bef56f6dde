import Kabar
import KabarCrypto
import Testing

/// What a node does with what a later version sends (Documentation/Protocol.md,
/// "Compatibility"; Documentation/Bulletin.md, "Compatibility"), and the counting rules of
/// Protocol.md's "Errors".
@Suite struct CompatibilityTests {
    let stranger = PeerAddress.simulated(7)
    let at = NodeTime(monotonic: .zero + .milliseconds(10), wall: testEpoch + .milliseconds(10))

    func makeNode() -> Node<MemoryStore> {
        Node(configuration: NodeConfiguration(), key: TestKeys.author(100), store: MemoryStore(), seed: 1, now: NodeTime(monotonic: .zero, wall: testEpoch))
    }

    func sends(_ actions: [NodeAction]) -> Int {
        actions.filter { if case .send = $0 { true } else { false } }.count
    }

    func rejections(_ actions: [NodeAction]) -> [WireError] {
        actions.compactMap { if case .event(.datagramRejected(_, let reason)) = $0 { reason } else { nil } }
    }

    @Test func aDatagramOfALaterVersionIsCountedAndLeavesNoTrace() {
        var node = makeNode()
        var bytes = MessageCodec.encode(.challenge(cookie: 5), network: node.configuration.networkID)
        bytes[2] = Wire.version + 1
        let actions = node.receive(bytes, from: stranger, at: at)
        #expect(rejections(actions) == [.unknownVersion(Wire.version + 1)])
        #expect(sends(actions) == 0)
        #expect(node.counters.rejectedDatagrams == 1)
        #expect(node.peerList.isEmpty)
    }

    @Test func anUnknownMessageTypeIsCountedAndLeavesNoTrace() {
        var node = makeNode()
        var bytes = MessageCodec.encode(.challenge(cookie: 5), network: node.configuration.networkID)
        bytes[3] = UInt8(MessageType.allCases.count + 1)
        let actions = node.receive(bytes, from: stranger, at: at)
        #expect(rejections(actions) == [.unknownType(UInt8(MessageType.allCases.count + 1))])
        #expect(sends(actions) == 0)
        #expect(node.counters.rejectedDatagrams == 1)
        #expect(node.peerList.isEmpty)
    }

    @Test func unknownBeaconFlagBitsAreIgnored() {
        var node = makeNode()
        func beacon(_ flags: UInt8) -> [UInt8] {
            MessageCodec.encode(.beacon(Beacon(
                key: TestKeys.author(101), incarnation: 9, wallClock: testEpoch, storeCount: 0,
                fingerprint: [UInt8](repeating: 0, count: Beacon.fingerprintByteCount), flags: flags)), network: node.configuration.networkID)
        }
        _ = node.receive(beacon(0xfe), from: stranger, at: at)
        #expect(node.counters.rejectedDatagrams == 0)
        #expect(node.peerList.first?.onLink == false)
        _ = node.receive(beacon(0x81), from: stranger, at: at)
        #expect(node.peerList.first?.onLink == true)
    }

    @Test func aBulletinOfAnUnknownKindWithUnknownFieldsIsStoredAndServedUnchanged() throws {
        var node = makeNode()
        var content = BulletinContent(kind: .unknown(77), author: TestKeys.author(1), created: testEpoch, expires: testEpoch + .days(7), channel: "warga")
        content.unknownFields = [UnknownField(tag: 9, value: [0]), UnknownField(tag: 200, value: [1, 2, 3])]
        let later = try Bulletin.sign(content, with: TestKeys.key(1))
        _ = node.receive(MessageCodec.encode(.bulletin(later.encoded), network: node.configuration.networkID), from: stranger, at: at)
        #expect(node.store.bulletin(later.id)?.encoded == later.encoded)
    }

    @Test func aDatagramOverTheLimitIsCounted() {
        var node = makeNode()
        let actions = node.receiveOversized(byteCount: 1_500, from: stranger, at: at)
        #expect(rejections(actions) == [.tooLarge(1_500)])
        #expect(node.counters.rejectedDatagrams == 1)
    }

    /// A whole of 16,385 bytes that hashes to its id is `tooLarge`, as in one datagram.
    @Test func fragmentsOfABulletinOverTheLimitAreTooLarge() {
        var node = makeNode()
        let whole = ConformanceVectors.fitted(to: BulletinCodec.encodedBytesMax + 1)
        let id = BulletinID(hashing: whole)
        let size = Fragment.payloadBytesMax
        let count = (whole.count + size - 1) / size
        var actions: [NodeAction] = []
        for index in 0..<count {
            let piece = Array(whole[(index * size)..<min(whole.count, (index + 1) * size)])
            let datagram = MessageCodec.encode(.fragment(Fragment(id: id, index: index, count: count, payload: piece)), network: node.configuration.networkID)
            actions += node.receive(datagram, from: stranger, at: at)
        }
        let errors = actions.compactMap { if case .event(.bulletinRejected(let rejection)) = $0 { rejection.error } else { nil } }
        #expect(errors == [.tooLarge(size: BulletinCodec.encodedBytesMax + 1, limit: BulletinCodec.encodedBytesMax)])
        #expect(node.counters.rejectedBulletins == 1)
    }

    /// Every piece but the last is exactly 1,158 bytes; anything else is `malformed` and counted.
    @Test func aShortFragmentThatIsNotTheLastIsMalformedAndCounted() {
        var node = makeNode()
        let datagram = MessageCodec.encode(.fragment(Fragment(id: ConformanceVectors.fakeID(1), index: 0, count: 2, payload: [1, 2, 3])), network: node.configuration.networkID)
        let actions = node.receive(datagram, from: stranger, at: at)
        #expect(rejections(actions) == [.malformed("fragment piece size")])
        #expect(node.counters.rejectedDatagrams == 1)
    }

    /// The one definition of a control character serves the decoder and the post form alike.
    @Test func titlesRefuseDirectionOverridesAndBodiesKeepThem() {
        for scalar: Unicode.Scalar in ["\u{202E}", "\u{2066}", "\u{2028}", "\u{2029}", "\u{85}", "\n", "\t"] {
            #expect(!BulletinCodec.isAllowed(scalar, in: .title), "U+\(String(scalar.value, radix: 16))")
        }
        for scalar: Unicode.Scalar in ["\u{202E}", "\u{2066}", "\n", "\t", "\u{200F}", "\u{2028}", "\u{2029}"] {
            #expect(BulletinCodec.isAllowed(scalar, in: .body), "U+\(String(scalar.value, radix: 16))")
        }
        for scalar: Unicode.Scalar in ["\r", "\u{7F}", "\u{9F}", "\u{0}"] {
            #expect(!BulletinCodec.isAllowed(scalar, in: .body), "U+\(String(scalar.value, radix: 16))")
        }
    }
}
