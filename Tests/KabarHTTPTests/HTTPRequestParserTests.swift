import KabarHTTP
import Testing

/// What the parser accepts and how it reads it: pipelining, splits, keep-alive, bodies.
@Suite struct HTTPRequestParserTests {
    @Test func aSimpleGetIsReadWithItsHeadersInOrder() throws {
        let text = "GET /pasar?page=2&q=jual+padi HTTP/1.1\r\nHost: 192.168.4.1\r\nAccept: text/html\r\nX-B: 2\r\nx-b: 3\r\n\r\n"
        let request = try #require(onlyRequest(text))  // shadows the helper from here on
        #expect(request.method == .get)
        #expect(request.target == "/pasar?page=2&q=jual+padi")
        #expect(request.path == "/pasar")
        #expect(request.query["page"] == "2")
        #expect(request.query["q"] == "jual padi")
        #expect(request.version == .http1_1)
        #expect(request.host == "192.168.4.1")
        #expect(request.headers.fields.map(\.name) == ["Host", "Accept", "X-B", "x-b"])
        #expect(request.headers.values(for: "X-B") == ["2", "3"])
        #expect(request.headers["ACCEPT"] == "text/html")
        #expect(request.body.isEmpty)
        #expect(request.keepAlive)
    }

    @Test func twoPipelinedRequestsInOneReadComeOutInOrder() {
        let first = request(["Content-Length: 5"], method: "POST", target: "/post", body: "hello")
        let second = request(target: "/second")
        let outcome = parse(first + second)
        #expect(outcome.error == nil)
        #expect(outcome.requests.map(\.path) == ["/post", "/second"])
        #expect(outcome.requests.first?.body == Array("hello".utf8))
    }

    @Test func aRequestSplitByteByByteIsReadAsIfWhole() {
        let text = request(["Transfer-Encoding: chunked", "Cookie: lang=id"], method: "POST", target: "/a?b=c", body: "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: 1\r\n\r\n")
            + request(["Content-Length: 2"], method: "POST", body: "fg")
        let bytes = Array(text.utf8)
        let whole = parse(bytes: bytes, pieces: [bytes.count])
        let byteByByte = parse(bytes: bytes, pieces: Array(repeating: 1, count: bytes.count))
        #expect(whole.error == nil)
        #expect(whole.requests.count == 2)
        #expect(whole == byteByByte)
        #expect(whole.requests.first?.body == Array("abcde".utf8))
    }

    @Test func aRequestAppearsOnlyWhenItsLastByteArrives() throws {
        var parser = HTTPRequestParser()
        let bytes = Array(request(["Content-Length: 3"], method: "POST", body: "xyz").utf8)
        #expect(!parser.isMidRequest)
        parser.receive(bytes.dropLast())
        #expect(try parser.nextRequest() == nil)
        #expect(parser.isMidRequest)
        parser.receive(bytes.suffix(1))
        #expect(try parser.nextRequest()?.body == Array("xyz".utf8))
        #expect(!parser.isMidRequest)
        #expect(try parser.nextRequest() == nil)
    }

    @Test func http11KeepsAliveUnlessConnectionClose() {
        #expect(onlyRequest(request())?.keepAlive == true)
        #expect(onlyRequest(request(["Connection: close"]))?.keepAlive == false)
        #expect(onlyRequest(request(["Connection: Keep-Alive, CLOSE"]))?.keepAlive == false)
        #expect(onlyRequest(request(["Connection: upgrade"]))?.keepAlive == true)
    }

    @Test func http10ClosesUnlessConnectionKeepAlive() {
        #expect(onlyRequest("GET / HTTP/1.0\r\n\r\n")?.keepAlive == false)
        #expect(onlyRequest("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")?.keepAlive == true)
        #expect(onlyRequest("GET / HTTP/1.0\r\nConnection: Upgrade, Keep-Alive\r\n\r\n")?.keepAlive == true)
        #expect(onlyRequest("GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n")?.keepAlive == false)
    }

    @Test func bytesAfterARequestThatClosesAreIgnored() throws {
        var parser = HTTPRequestParser()
        parser.receive(Array((request(["Connection: close"]) + request(target: "/smuggled")).utf8))
        #expect(try parser.nextRequest()?.path == "/")
        #expect(try parser.nextRequest() == nil)
        #expect(parser.isClosed)
        parser.receive(Array(request(target: "/later").utf8))
        #expect(try parser.nextRequest() == nil)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func bareLineFeedsEndLines() {
        let outcome = parse("GET /a HTTP/1.1\nHost: hall\n\nPOST /b HTTP/1.1\nHost: hall\nTransfer-Encoding: chunked\n\n1\nx\n0\n\n")
        #expect(outcome.error == nil)
        #expect(outcome.requests.map(\.path) == ["/a", "/b"])
        #expect(outcome.requests.last?.body == [UInt8(ascii: "x")])
    }

    @Test func chunkedBodiesAreJoinedAndTheirExtensionsAndTrailersDropped() throws {
        let body = "5\r\nhello\r\n6 ; name=\"value\"\r\n world\r\nA\r\n0123456789\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n"
        let chunked = try #require(onlyRequest(request(["Transfer-Encoding: Chunked"], method: "POST", body: body)))
        #expect(String(decoding: chunked.body, as: UTF8.self) == "hello world0123456789")
        #expect(chunked.headers["Expires"] == nil)
    }

    @Test func malformedChunksAreRefused() {
        let head = request(["Transfer-Encoding: chunked"], method: "POST")
        #expect(refusal(head + "5\r\nhelloX\r\n0\r\n\r\n") == .malformedChunk)
        #expect(refusal(head + "g\r\n") == .malformedChunk)
        #expect(refusal(head + "\r\n") == .malformedChunk)
        #expect(refusal(head + "-5\r\n") == .malformedChunk)
        #expect(refusal(head + "5 x\r\n") == .malformedChunk)
        #expect(refusal(head + "1;\u{1}\r\n") == .malformedChunk)
        #expect(refusal(head + "FFFFFFFFFFFFFFFFFFFF\r\n") == .malformedChunk)
        #expect(refusal(head + "0\r\nBad Trailer\r\n\r\n") == .malformedHeaderLine)
    }

    @Test func headMethodIsReadLikeGet() {
        let head = onlyRequest(request(method: "HEAD"))
        #expect(head?.method == .head)
        #expect(head?.body.isEmpty == true)
    }

    @Test func anyTokenIsAMethodForTheCallerToJudge() {
        #expect(onlyRequest(request(method: "BREW"))?.method.rawValue == "BREW")
    }

    @Test func queryStringsAreDecodedWithFormRules() throws {
        let query = try #require(onlyRequest(request(target: "/cari?q=padi+%26+jagung&kanal=&kanal=pasar&flag"))).query
        #expect(query["q"] == "padi & jagung")
        #expect(query.values(named: "kanal") == ["", "pasar"])
        #expect(query["flag"] == "")
        #expect(refusal(request(target: "/cari?q=%G1")) == .invalidPercentEncoding)
    }

    @Test func cookiesAreReadFromTheRequest() {
        let cookies = onlyRequest(request(["Cookie: lang=id; seen=\"42\"", "Cookie: junk; =x; theme=dark"]))?.cookies
        #expect(cookies?["lang"] == "id")
        #expect(cookies?["seen"] == "42")
        #expect(cookies?["theme"] == "dark")
        #expect(cookies?.count == 3)
    }
}
