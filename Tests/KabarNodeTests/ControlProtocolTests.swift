import Kabar
import KabarCrypto
import KabarNode
import Testing

@Suite struct ControlProtocolTests {
    static let identity = Identity(key: try! Ed25519.PrivateKey(seed: [UInt8](repeating: 5, count: 32)), label: "")

    @Test func everyRequestRoundTripsAsOneLine() throws {
        let requests: [ControlRequest] = [
            .post(PostParameters(channel: "pasar", title: "Jual", body: "dua baris\nteks \"kutip\"", expiresInMs: 3_600_000)),
            .reply(ReplyParameters(to: "3fa2b9c1", body: "ya")), .edit(EditParameters(id: "3fa2b9c1", title: "T", body: "b")),
            .retract(TargetParameters(id: "ab12cd34")), .hide(TargetParameters(id: "ab12cd34")),
            .list(ListParameters(channel: "pasar", limit: 10)), .search(ListParameters(search: "padi")),
            .show(TargetParameters(id: "ab12cd34")), .export(ExportParameters(path: "/tmp/x", sinceMs: 5)),
            .importBundle(PathParameters(path: "/tmp/x")), .authority(KeyListParameters(action: "list")),
            .grant(GrantParameters(key: "00", channels: ["resmi"], moderator: true)), .block(KeyListParameters(action: "add", key: "00")),
            .status, .peers, .sync, .channels, .reload, .watch,
        ]
        for request in requests {
            let line = ControlProtocol.encodeLine(request)
            #expect(line.last == UInt8(ascii: "\n"))
            #expect(line.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") })
            #expect(try ControlProtocol.decode(ControlRequest.self, line: line.dropLast()) == request)
            #expect(String(decoding: line, as: UTF8.self).contains("\"op\":\"\(request.operation)\""))
        }
    }

    @Test func repliesRoundTripWithBulletinsInTheirCanonicalBytes() throws {
        let bulletin = try BulletinOperations.signedPost(
            PostRequest(channel: "pasar", title: "Ikan", body: "segar"), identity: Self.identity,
            now: UnixTime(milliseconds: 1_793_491_200_000))
        var result = ControlResult()
        result.id = bulletin.id.hex
        let replies: [ControlReply] = [
            .bulletin(bulletin, role: "reply"), .done(result),
            .failure(ServiceError(code: "not_found", message: Localized(en: "no", id: "tidak"))),
            .event(.bulletinStored(bulletin, source: "10.0.0.7:4747")), .event(.peerJoined("10.0.0.7:4747")),
            .event(.refused(source: "10.0.0.9:4747", count: 40, reason: LocalizedText(Localized(en: "quota", id: "kuota")))),
        ]
        for reply in replies {
            let line = ControlProtocol.encodeLine(reply)
            #expect(try ControlProtocol.decode(ControlReply.self, line: line.dropLast()) == reply)
        }
        let error = String(decoding: ControlProtocol.encodeLine(replies[2]), as: UTF8.self)
        #expect(error == "{\"code\":\"not_found\",\"en\":\"no\",\"id\":\"tidak\",\"type\":\"error\"}\n")
    }

    @Test func badRequestsAreTypedErrorsInBothLanguages() {
        let cases = ["": "bad_request", "not json": "bad_request", "{}": "bad_request", "[1,2]": "bad_request",
                     "{\"op\":\"list\",\"limit\":\"x\"}": "bad_request", "{\"op\":\"run\"}": "unknown_operation",
                     "{\"v\":2,\"op\":\"list\"}": "unsupported_version"]
        for (text, code) in cases.sorted(by: { $0.key < $1.key }) {
            do {
                _ = try ControlProtocol.decode(ControlRequest.self, line: Array(text.utf8))
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.code == code, "\(text)")
                #expect(!error.message.id.isEmpty && error.message.id != error.message.en)
                #expect(!error.message.en.contains("Error") && !error.message.en.contains("Coding"), "\(error.message.en)")
            }
        }
    }

    @Test func lineBufferSplitsAndBounds() throws {
        var buffer = LineBuffer(lineBytesMax: 8)
        #expect(try buffer.append(Array("ab".utf8)) == [])
        #expect(try buffer.append(Array("c\nde\nf".utf8)) == [Array("abc".utf8), Array("de".utf8)])
        #expect(buffer.pendingCount == 1)
        #expect(throws: ServiceError.lineTooLong(limit: 8)) { try buffer.append(Array("123456789".utf8)) }
    }
}
