import KabarNode
import Testing

@Suite struct DaemonControlProtocolTests {
    @Test func requestRoundTripsAsOneLine() throws {
        let request = ControlRequest(argv: ["post", "--channel", "pasar"], lang: "id", cwd: "/home/kim", stdin: "dua baris\nteks \"kutip\"")
        let line = ControlProtocol.encodeLine(request)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") })
        #expect(try ControlProtocol.decodeRequest(line: line.dropLast()) == request)
    }

    @Test func responseUsesDocumentedKeys() throws {
        let line = ControlProtocol.encodeLine(ControlResponse(exit: 1, stdout: "a\n", stderr: "b"))
        #expect(String(decoding: line, as: UTF8.self) == "{\"exit\":1,\"stderr\":\"b\",\"stdout\":\"a\\n\"}\n")
        #expect(try ControlProtocol.decode(ControlResponse.self, line: line.dropLast()) == ControlResponse(exit: 1, stdout: "a\n", stderr: "b"))
    }

    @Test func badRequestsAreTypedErrors() {
        for text in ["", "not json", "{}", "{\"argv\":[]}", "{\"argv\":\"list\"}", "[1,2]"] {
            #expect(throws: ControlProtocolError.self, "\(text)") { try ControlProtocol.decodeRequest(line: Array(text.utf8)) }
        }
    }

    @Test func lineBufferSplitsAndBounds() throws {
        var buffer = LineBuffer(lineBytesMax: 8)
        #expect(try buffer.append(Array("ab".utf8)) == [])
        #expect(try buffer.append(Array("c\nde\nf".utf8)) == [Array("abc".utf8), Array("de".utf8)])
        #expect(buffer.pendingCount == 1)
        #expect(throws: ControlProtocolError.lineTooLong(limit: 8)) { try buffer.append(Array("123456789".utf8)) }
    }
}
