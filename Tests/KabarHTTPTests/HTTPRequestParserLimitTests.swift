import KabarHTTP
import Testing

/// Each limit: a request exactly at it is served, one byte (or field) past it is refused with
/// its status, whether the excess arrives whole or the line has not ended yet.
@Suite struct HTTPRequestParserLimitTests {
    /// "GET /aaa... HTTP/1.1" of exactly `length` bytes.
    private func requestLine(length: Int) -> String {
        let fixed = "GET / HTTP/1.1".utf8.count
        return "GET /" + String(repeating: "a", count: length - fixed) + " HTTP/1.1"
    }

    @Test func requestLineAtTheLimitIsServedAndOneBytePastIs414() {
        let max = HTTPLimits.requestLineBytesDefault
        #expect(onlyRequest(requestLine(length: max) + "\r\nHost: hall\r\n\r\n") != nil)
        let refused = requestLine(length: max + 1) + "\r\nHost: hall\r\n\r\n"
        #expect(refusal(refused) == .requestLineTooLong(bytesMax: max))
        #expect(HTTPError.requestLineTooLong(bytesMax: max).status.code == 414)
    }

    @Test func anUnfinishedRequestLineIsRefusedAsSoonAsItCannotFit() throws {
        let max = HTTPLimits.requestLineBytesDefault
        var parser = HTTPRequestParser()
        parser.receive(Array(requestLine(length: max).utf8) + [UInt8(ascii: "\r")])
        #expect(try parser.nextRequest() == nil)  // max bytes and a CR: the LF may still come
        parser.receive([UInt8(ascii: "x")])
        #expect(throws: HTTPError.requestLineTooLong(bytesMax: max)) { try parser.nextRequest() }

        var flooded = HTTPRequestParser()
        flooded.receive([UInt8](repeating: UInt8(ascii: "A"), count: max + 2))
        #expect(throws: HTTPError.requestLineTooLong(bytesMax: max)) { try flooded.nextRequest() }
    }

    /// A request whose header lines (line ends not counted) total exactly `bytes`.
    private func headerBlockRequest(bytes: Int) -> String {
        let host = "Host: hall"
        let filler = "X: " + String(repeating: "v", count: bytes - host.utf8.count - "X: ".utf8.count)
        return "GET / HTTP/1.1\r\n\(host)\r\n\(filler)\r\n\r\n"
    }

    @Test func headerBlockAtTheLimitIsServedAndOneBytePastIs431() {
        let max = HTTPLimits.headerBlockBytesDefault
        #expect(onlyRequest(headerBlockRequest(bytes: max)) != nil)
        #expect(refusal(headerBlockRequest(bytes: max + 1)) == .headerBlockTooLarge(bytesMax: max))
        #expect(HTTPError.headerBlockTooLarge(bytesMax: max).status.code == 431)
    }

    @Test func headerCountAtTheLimitIsServedAndOnePastIs431() {
        let max = HTTPLimits.headerCountDefault
        let lines = { (count: Int) in (1..<count).map { "X-\($0): \($0)" } }  // plus Host
        #expect(onlyRequest(request(lines(max))) != nil)
        #expect(refusal(request(lines(max + 1))) == .tooManyHeaders(countMax: max))
        #expect(HTTPError.tooManyHeaders(countMax: max).status.code == 431)
    }

    @Test func bodyAtTheLimitIsServedAndOneBytePastIs413BeforeItArrives() throws {
        let max = HTTPLimits.bodyBytesDefault
        let atLimit = request(["Content-Length: \(max)"], method: "POST", body: String(repeating: "b", count: max))
        #expect(onlyRequest(atLimit)?.body.count == max)
        var parser = HTTPRequestParser()
        parser.receive(Array(request(["Content-Length: \(max + 1)"], method: "POST").utf8))
        #expect(throws: HTTPError.bodyTooLarge(bytesMax: max)) { try parser.nextRequest() }
        #expect(HTTPError.bodyTooLarge(bytesMax: max).status.code == 413)
    }

    @Test func chunkedBodyAtTheLimitIsServedAndOneBytePastIs413() {
        let max = HTTPLimits.bodyBytesDefault
        let head = request(["Transfer-Encoding: chunked"], method: "POST")
        let half = String(repeating: "c", count: max / 2)
        let chunk = String(max / 2, radix: 16) + "\r\n" + half + "\r\n"
        #expect(onlyRequest(head + chunk + chunk + "0\r\n\r\n")?.body.count == max)
        #expect(refusal(head + chunk + chunk + "1\r\nc\r\n0\r\n\r\n") == .bodyTooLarge(bytesMax: max))
    }

    @Test func aCallerMayRaiseTheBodyLimit() {
        var limits = HTTPLimits()
        limits.bodyBytesMax = 200_000
        let text = request(["Content-Length: 100000"], method: "POST", body: String(repeating: "d", count: 100_000))
        #expect(onlyRequest(text, limits: limits)?.body.count == 100_000)
        #expect(refusal(text) == .bodyTooLarge(bytesMax: HTTPLimits.bodyBytesDefault))
    }

    @Test func chunkLineAtTheLimitIsServedAndOneBytePastIsRefused() {
        let max = HTTPLimits.chunkLineBytesDefault
        let head = request(["Transfer-Encoding: chunked"], method: "POST")
        let line = { (length: Int) in "1;" + String(repeating: "e", count: length - 2) }
        #expect(onlyRequest(head + line(max) + "\r\nz\r\n0\r\n\r\n")?.body == [UInt8(ascii: "z")])
        #expect(refusal(head + line(max + 1) + "\r\nz\r\n0\r\n\r\n") == .chunkLineTooLong(bytesMax: max))
    }

    @Test func trailersAreBoundedLikeHeaders() {
        var limits = HTTPLimits()
        limits.headerCountMax = 3
        let head = request(["Transfer-Encoding: chunked"], method: "POST")
        let trailers = { (count: Int) in (0..<count).map { "T\($0): x\r\n" }.joined() }
        #expect(onlyRequest(head + "0\r\n" + trailers(3) + "\r\n", limits: limits) != nil)
        #expect(refusal(head + "0\r\n" + trailers(4) + "\r\n", limits: limits) == .tooManyHeaders(countMax: 3))
        limits = HTTPLimits(headerBlockBytesMax: 40)
        let long = "T: " + String(repeating: "t", count: 38) + "\r\n"
        #expect(refusal(head + "0\r\n" + long + "\r\n", limits: limits) == .headerBlockTooLarge(bytesMax: 40))
    }

    @Test func queryFieldsAtTheLimitAreServedAndOnePastIsRefused() {
        let max = HTTPLimits.queryFieldsDefault
        let target = { (count: Int) in "/?" + (0..<count).map { "f\($0)=1" }.joined(separator: "&") }
        #expect(onlyRequest(request(target: target(max)))?.query.count == max)
        #expect(refusal(request(target: target(max + 1))) == .tooManyFields(countMax: max))
    }
}
