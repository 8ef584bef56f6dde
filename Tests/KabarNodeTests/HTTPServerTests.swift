import Foundation
import KabarHTTP
import KabarNode
import KabarPlatform
import Testing

/// A real loopback server, its loop stepped by the test, a raw client socket; timeouts are
/// driven by moving a manual clock, never by sleeping.
@Suite struct HTTPServerTests {
    @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
        let web = try WebHarness()
        let client = try web.connect()
        try web.send(getRequest("/pasar"), on: client)
        #expect(try web.responses(1, on: client).map(\.body) == ["GET /pasar 0"])
        try web.send(getRequest("/kesehatan"), on: client)
        let responses = try web.responses(2, on: client)
        #expect(responses.map(\.status) == [200, 200])
        #expect(responses.last?.body == "GET /kesehatan 0")
        #expect(responses.allSatisfy { $0.headers["connection"] == nil })
        #expect(!client.isClosed)
        #expect(web.server.counters.connectionsAccepted == 1)
        #expect(web.server.counters.requests == 2)
        let clientAddress = try client.socket.localAddress().description
        #expect(web.clients.map(\.address) == [clientAddress, clientAddress] && web.clients.map(\.connectionID) == [1, 1])
    }

    @Test func pipelinedRequestsAreAllAnsweredInOrder() throws {
        let web = try WebHarness()
        let client = try web.connect()
        // More than one wakeup serves, and a POST with a body among them.
        let post = "POST /kirim HTTP/1.1\r\nHost: hall\r\nContent-Length: 5\r\n\r\nhello"
        let paths = (1...6).map { "/\($0)" }
        try web.send(paths.prefix(3).map { getRequest($0) }.joined() + post + paths.suffix(3).map { getRequest($0) }.joined(), on: client)
        let responses = try web.responses(7, on: client)
        #expect(responses.map(\.body) == ["GET /1 0", "GET /2 0", "GET /3 0", "POST /kirim 5", "GET /4 0", "GET /5 0", "GET /6 0"])
        #expect(!client.isClosed)
    }

    @Test func aMalformedRequestGets400AndTheConnectionCloses() throws {
        let web = try WebHarness()
        let client = try web.connect()
        try web.send("GET / HTTP/1.1\r\nHost: hall\r\nNo colon here\r\n\r\n" + getRequest("/never"), on: client)
        let responses = try web.responses(2, on: client)
        #expect(responses.map(\.status) == [400])
        #expect(responses.first?.headers["connection"] == "close")
        #expect(responses.first?.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(responses.first?.body == "\(HTTPError.malformedHeaderLine)\n")
        #expect(client.isClosed)
        #expect(web.server.counters.errorsByStatus == [400: 1])
        #expect(web.server.counters.requests == 0)
        client.socket.close()
        #expect(try web.drive { web.server.connectionCount == 0 })
    }

    @Test func contentLengthWithTransferEncodingGets400() throws {
        let web = try WebHarness()
        let client = try web.connect()
        try web.send("POST / HTTP/1.1\r\nHost: hall\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", on: client)
        let responses = try web.responses(1, on: client)
        #expect(responses.map(\.status) == [400])
        #expect(responses.first?.body == "\(HTTPError.contentLengthWithTransferEncoding)\n")
        #expect(try web.drive { try client.pump(); return client.isClosed })
    }

    @Test func aBodyOverTheLimitGets413EvenWhileTheClientKeepsSending() throws {
        let web = try WebHarness()
        let client = try web.connect()
        let size = HTTPLimits.bodyBytesDefault + 1
        // The whole body follows the head: the server answers from the head, then reads and
        // drops the rest (lingering) so the client gets the 413 rather than a reset.
        let bytes = Array("POST /kirim HTTP/1.1\r\nHost: hall\r\nContent-Length: \(size)\r\n\r\n".utf8) + [UInt8](repeating: 0x62, count: size)
        try web.send(bytes, on: client)
        let responses = try web.responses(1, on: client)
        #expect(responses.map(\.status) == [413])
        #expect(responses.first?.headers["connection"] == "close")
        #expect(try web.drive { try client.pump(); return client.isClosed })
        #expect(!client.wasReset)
        #expect(web.server.counters.errorsByStatus == [413: 1])
    }

    @Test func aServerMayRaiseTheBodyLimit() throws {
        let web = try WebHarness(limits: HTTPLimits(bodyBytesMax: 200_000))
        let client = try web.connect()
        let bytes = Array("POST /kirim HTTP/1.1\r\nHost: hall\r\nContent-Length: 100000\r\n\r\n".utf8) + [UInt8](repeating: 0x62, count: 100_000)
        try web.send(bytes, on: client)
        #expect(try web.responses(1, on: client).map(\.body) == ["POST /kirim 100000"])
    }

    /// Uploads (a multipart POST to an upload path) hold up to `uploadBodyBytesMax` each: at
    /// most `uploadsMax` are read at once, the next is answered 503 while small requests are
    /// still served, and each has `uploadRequestTimeout` rather than `requestTimeout` to arrive.
    @Test func uploadsAreBoundedInNumberAndGivenLongerToArrive() throws {
        let web = try WebHarness(limits: HTTPLimits(bodyBytesMax: 1_000, uploadBodyBytesMax: 100_000, uploadPaths: ["/post"]))
        func startUpload() throws -> TestClient {
            let client = try web.connect()
            try web.send("POST /post HTTP/1.1\r\nHost: hall\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 50000\r\n\r\nhalf", on: client)
            return client
        }
        var uploads: [TestClient] = []
        for _ in 0..<HTTPServer.uploadsMax { uploads.append(try startUpload()) }
        #expect(try web.drive { web.server.requestsUnderWay == HTTPServer.uploadsMax })
        let extra = try startUpload()
        let refused = try web.responses(1, on: extra)
        #expect(refused.map(\.status) == [503] && refused.first?.headers["retry-after"] == "5")
        let reader = try web.connect()
        try web.send(getRequest("/"), on: reader)
        #expect(try web.responses(1, on: reader).map(\.status) == [200])

        // Past the ordinary request timeout, uploads may still arrive.
        web.clock.now += HTTPServer.requestTimeout + 1
        web.server.dropIdle(now: web.clock.now)
        #expect(web.server.counters.errorsByStatus[408] == nil)
        // One finishes: its slot is free again, and the next upload is read.
        let first = try #require(uploads.first)
        try web.send([UInt8](repeating: 0x61, count: 50_000 - 4), on: first)
        #expect(try web.responses(1, on: first).map(\.body) == ["POST /post 50000"])
        let next = try startUpload()
        #expect(try web.drive { web.server.requestsUnderWay == HTTPServer.uploadsMax })
        try next.pump()
        #expect(next.received.isEmpty)
        // The others reach the upload timeout; the one begun later has time left.
        web.clock.now += HTTPServer.uploadRequestTimeout - HTTPServer.requestTimeout
        web.server.dropIdle(now: web.clock.now)
        for client in uploads.dropFirst() { #expect(try web.responses(1, on: client).map(\.status) == [408]) }
        try next.pump()
        #expect(next.received.isEmpty && web.server.requestsUnderWay == 1)
        #expect(web.server.counters.errorsByStatus == [503: 1, 408: HTTPServer.uploadsMax - 1])
    }

    @Test func aRefusalIsAnsweredWithThePagesWordsWhenItHasSomeAndTheErrorsStatus() throws {
        let web = try WebHarness()
        web.server.refusalPage = { error in
            guard case .bodyTooLarge = error else { return nil }
            return HTTPResponse(status: .ok, headers: ["Content-Type": "text/html; charset=utf-8"], body: Array("<p>terlalu besar</p>".utf8))
        }
        let large = try web.connect()
        try web.send("POST /kirim HTTP/1.1\r\nHost: hall\r\nContent-Length: \(HTTPLimits.bodyBytesDefault + 1)\r\n\r\n", on: large)
        let page = try web.responses(1, on: large)
        #expect(page.map(\.status) == [413] && page.first?.body == "<p>terlalu besar</p>" && page.first?.headers["connection"] == "close")
        let malformed = try web.connect()
        try web.send("GET / HTTP/1.1\r\nHost: hall\r\nX : y\r\n\r\n", on: malformed)
        #expect(try web.responses(1, on: malformed).map(\.body) == ["\(HTTPError.whitespaceBeforeColon)\n"])
    }

    @Test func headIsAnsweredWithTheGetsHeadersAndNoBody() throws {
        let web = try WebHarness()
        let client = try web.connect()
        client.headResponses = 1
        try web.send("HEAD /pasar HTTP/1.1\r\nHost: hall\r\n\r\n" + getRequest("/pasar"), on: client)
        let responses = try web.responses(2, on: client)
        #expect(responses.map(\.status) == [200, 200])
        #expect(responses.first?.headers["content-length"] == "\("HEAD /pasar 0".utf8.count)")
        #expect(responses.first?.body == "")
        #expect(responses.last?.body == "GET /pasar 0")
    }

    @Test func http10WithoutKeepAliveIsClosedAfterItsResponse() throws {
        let web = try WebHarness()
        let client = try web.connect()
        try web.send("GET /lama HTTP/1.0\r\n\r\n", on: client)
        let responses = try web.responses(1, on: client)
        #expect(responses.first?.headers["connection"] == "close")
        #expect(try web.drive { try client.pump(); return client.isClosed })
        client.socket.close()
        #expect(try web.drive { web.server.connectionCount == 0 })
    }

    @Test func theConnectionPastTheBoundIsAnswered503AndClosedWhileTheOthersAreServed() throws {
        let web = try WebHarness()
        var held: [TestClient] = []
        for _ in 0..<HTTPServer.connectionsMax { held.append(try web.connect()) }
        #expect(try web.drive { web.server.connectionCount == HTTPServer.connectionsMax })
        let extra = try web.connect()
        #expect(try web.drive { web.server.counters.connectionsRefused == 1 })
        let refused = try web.responses(1, on: extra)
        #expect(refused.map(\.status) == [503])
        #expect(refused.first?.headers["retry-after"] == "1")
        #expect(try web.drive { try extra.pump(); return extra.isClosed })
        #expect(web.server.connectionCount == HTTPServer.connectionsMax)

        let first = try #require(held.first)
        try web.send(getRequest("/masih"), on: first)
        #expect(try web.responses(1, on: first).map(\.status) == [200])
        #expect(web.server.counters.connectionsAccepted == HTTPServer.connectionsMax)
    }

    @Test func anIdleConnectionIsDroppedAfterTheIdleTimeoutAndNotBefore() throws {
        let web = try WebHarness()
        let client = try web.connect()
        try web.send(getRequest("/"), on: client)
        #expect(try web.responses(1, on: client).count == 1)
        web.clock.now += HTTPServer.idleTimeout
        web.server.dropIdle(now: web.clock.now)
        #expect(web.server.connectionCount == 1)
        web.clock.now += 1
        web.server.dropIdle(now: web.clock.now)
        #expect(web.server.connectionCount == 0)
        #expect(web.server.counters.connectionsTimedOut == 1)
        #expect(try web.drive { try client.pump(); return client.isClosed })
    }

    @Test func halfAHeadThenSilenceIsAnswered408AfterTheRequestTimeout() throws {
        let web = try WebHarness()
        let client = try web.connect()
        try web.send("GET /pelan HTTP/1.1\r\nHo", on: client)
        #expect(try web.drive { web.server.requestsUnderWay == 1 })
        try expectRequestTimeout(web, client)
    }

    @Test func aBodyThatStallsIsAnswered408AfterTheRequestTimeout() throws {
        let web = try WebHarness()
        let client = try web.connect()
        try web.send("POST /kirim HTTP/1.1\r\nHost: hall\r\nContent-Length: 10\r\n\r\nhalf", on: client)
        #expect(try web.drive { web.server.requestsUnderWay == 1 })
        try expectRequestTimeout(web, client)
    }

    @Test func aClientThatReadsNoneOfItsResponseIsDroppedAfterTheSendStall() throws {
        // More than loopback's socket buffers hold, so bytes stay waiting in the server.
        let page = [UInt8](repeating: 0x70, count: 32 << 20)
        let web = try WebHarness { _, _ in HTTPResponse(status: .ok, body: page) }
        let client = try web.connect()
        try client.socket.writeAll(Array(getRequest("/besar").utf8), until: MonotonicClock.now() + 1_000_000)
        #expect(try web.drive { web.server.counters.requests == 1 })
        for _ in 0..<10 { try web.step() }  // the socket buffers fill; the client reads nothing
        web.clock.now += HTTPServer.sendStallTimeout
        web.server.dropIdle(now: web.clock.now)
        #expect(web.server.connectionCount == 1)
        web.clock.now += 1
        web.server.dropIdle(now: web.clock.now)
        #expect(web.server.connectionCount == 0)
        #expect(web.server.counters.connectionsTimedOut == 1)
    }

    @Test func closeClosesTheListenerAndEveryConnection() throws {
        let web = try WebHarness()
        let client = try web.connect()
        #expect(try web.drive { web.server.connectionCount == 1 })
        web.server.close()
        #expect(web.loop.registeredCount == 0)
        #expect(try web.drive { try client.pump(); return client.isClosed })
        #expect(throws: SystemError.self) { try TCPConnection.connect(to: web.server.localAddress, until: MonotonicClock.now() + 1_000_000) }
    }

    /// At exactly `requestTimeout` nothing happens; a microsecond later the client gets 408
    /// and the connection closes.
    private func expectRequestTimeout(_ web: WebHarness, _ client: TestClient, sourceLocation: SourceLocation = #_sourceLocation) throws {
        web.clock.now += HTTPServer.requestTimeout
        web.server.dropIdle(now: web.clock.now)
        try client.pump()
        #expect(client.received.isEmpty, sourceLocation: sourceLocation)
        web.clock.now += 1
        web.server.dropIdle(now: web.clock.now)
        let responses = try web.responses(1, on: client)
        #expect(responses.map(\.status) == [408], sourceLocation: sourceLocation)
        #expect(try web.drive { try client.pump(); return client.isClosed }, sourceLocation: sourceLocation)
        #expect(web.server.counters.errorsByStatus == [408: 1], sourceLocation: sourceLocation)
        #expect(web.server.counters.connectionsTimedOut == 1, sourceLocation: sourceLocation)
        #expect(web.server.counters.requests == 0, sourceLocation: sourceLocation)
    }
}
