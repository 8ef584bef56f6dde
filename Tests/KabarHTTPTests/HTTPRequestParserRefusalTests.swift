import KabarHTTP
import Testing

/// Everything malformed or ambiguous is refused with a typed error and the right status.
@Suite struct HTTPRequestParserRefusalTests {
    @Test func contentLengthWithTransferEncodingIsRefusedAs400() {
        let text = request(["Content-Length: 5", "Transfer-Encoding: chunked"], method: "POST", body: "0\r\n\r\n")
        #expect(refusal(text) == .contentLengthWithTransferEncoding)
        #expect(HTTPError.contentLengthWithTransferEncoding.status == .badRequest)
    }

    @Test func contentLengthsThatDifferAreRefusedAndEqualOnesAccepted() {
        #expect(refusal(request(["Content-Length: 3", "Content-Length: 4"], method: "POST", body: "abcd")) == .conflictingContentLengths)
        #expect(refusal(request(["Content-Length: 3, 4"], method: "POST", body: "abcd")) == .conflictingContentLengths)
        #expect(onlyRequest(request(["Content-Length: 3", "Content-Length: 3"], method: "POST", body: "abc"))?.body == Array("abc".utf8))
        #expect(onlyRequest(request(["Content-Length: 3, 3"], method: "POST", body: "abc"))?.body == Array("abc".utf8))
    }

    @Test func contentLengthThatIsNotPlainDecimalIsRefused() {
        for value in ["abc", "-1", "+5", "0x10", "5 5", "", "1.0", "5,", "٣"] {
            #expect(refusal(request(["Content-Length: \(value)"], method: "POST")) == .invalidContentLength, "\(value)")
        }
    }

    @Test func contentLengthThatOverflowsAnIntegerIsRefusedAs400() {
        let text = request(["Content-Length: 99999999999999999999999"], method: "POST")
        #expect(refusal(text) == .invalidContentLength)
        #expect(HTTPError.invalidContentLength.status.code == 400)
    }

    @Test func transferEncodingOtherThanExactlyChunkedIsRefusedAs501() {
        for value in ["gzip", "identity", "gzip, chunked", "chunked, gzip", "chunked, chunked", "chunkedx"] {
            #expect(refusal(request(["Transfer-Encoding: \(value)"], method: "POST")) == .unsupportedTransferEncoding, "\(value)")
        }
        #expect(refusal(request(["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], method: "POST")) == .unsupportedTransferEncoding)
        #expect(HTTPError.unsupportedTransferEncoding.status.code == 501)
    }

    @Test func transferEncodingInAnHTTP10RequestIsRefused() {
        let text = request(["Transfer-Encoding: chunked"], method: "POST", version: "HTTP/1.0", body: "0\r\n\r\n")
        #expect(refusal(text) == .transferEncodingInHTTP1_0)
    }

    @Test func obsoleteLineFoldingIsRefused() {
        #expect(refusal("GET / HTTP/1.1\r\nHost: hall\r\nX-Long: one\r\n two\r\n\r\n") == .obsoleteLineFolding)
        #expect(refusal("GET / HTTP/1.1\r\nHost: hall\r\nX-Long: one\r\n\ttwo\r\n\r\n") == .obsoleteLineFolding)
        // Whitespace before the first header line is the same shape (RFC 9112 2.2).
        #expect(refusal("GET / HTTP/1.1\r\n Host: hall\r\n\r\n") == .obsoleteLineFolding)
    }

    @Test func whitespaceBetweenHeaderNameAndColonIsRefused() {
        #expect(refusal(request(["Content-Length : 0"])) == .whitespaceBeforeColon)
        #expect(refusal(request(["X-Thing\t: 1"])) == .whitespaceBeforeColon)
    }

    @Test func controlCharactersInHeaderValuesAreRefused() {
        for control in ["\u{0}", "\u{1}", "\u{1B}", "\u{7F}", "\u{0B}"] {
            #expect(refusal(request(["X-Note: a\(control)b"])) == .invalidHeaderValue)
        }
        #expect(onlyRequest(request(["X-Note: a\tb"]))?.headers["x-note"] == "a\tb")
    }

    @Test func bareCarriageReturnIsNeverALineEndNorAccepted() {
        #expect(refusal(request(["X-Note: a\rb"])) == .bareCarriageReturn)
        #expect(refusal("GET / HTTP/1.1\rHost: hall\r\n\r\n") == .bareCarriageReturn)
        #expect(refusal("GET / HTTP/1.1\r\nHost: hall\r\r\n\r\n") == .bareCarriageReturn)
        #expect(refusal("GET / HTTP/1.1\r\nHost: hall\r\n\r\r\n") == .bareCarriageReturn)
    }

    @Test func headerValuesThatAreNotUTF8AreRefused() {
        var bytes = Array("GET / HTTP/1.1\r\nHost: hall\r\nX-Name: ".utf8)
        bytes += [0xC3, 0x28]  // a broken two-byte sequence
        bytes += Array("\r\n\r\n".utf8)
        #expect(parse(bytes: bytes, pieces: [bytes.count]).error == .invalidHeaderValue)
        #expect(onlyRequest(request(["X-Name: Sungai Besar – désa"]))?.headers["X-Name"] == "Sungai Besar – désa")
    }

    @Test func headerLinesThatAreNotNameColonValueAreRefused() {
        #expect(refusal(request(["NoColonHere"])) == .malformedHeaderLine)
        #expect(refusal(request([": empty name"])) == .malformedHeaderLine)
        #expect(refusal(request(["Bad[name]: x"])) == .malformedHeaderLine)
        #expect(refusal(request(["Naïve: x"])) == .malformedHeaderLine)
    }

    @Test func requestLineThatIsNotMethodSpaceTargetSpaceVersionIsRefused() {
        let malformed = ["GET  / HTTP/1.1", "GET /", "GET / HTTP/1.1 extra", "GET\t/ HTTP/1.1", " GET / HTTP/1.1", "GET / HTTP/1.1 ", "GET"]
        for line in malformed {
            #expect(refusal(line + "\r\nHost: hall\r\n\r\n") == .malformedRequestLine, "\(line)")
        }
        #expect(refusal("G(T / HTTP/1.1\r\nHost: hall\r\n\r\n") == .invalidMethod)
        for version in ["http/1.1", "HTTP/1.10", "HTTP/1", "HTTP/1.x", "HTTPS/1.1", "HTTP/a.1"] {
            #expect(refusal("GET / \(version)\r\nHost: hall\r\n\r\n") == .malformedVersion, "\(version)")
        }
    }

    @Test func versionsOtherThan10And11AreRefusedAs505() {
        for version in ["HTTP/2.0", "HTTP/0.9", "HTTP/1.2", "HTTP/3.0"] {
            #expect(refusal("GET / \(version)\r\nHost: hall\r\n\r\n") == .unsupportedVersion, "\(version)")
        }
        #expect(refusal("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == .unsupportedVersion)
        #expect(HTTPError.unsupportedVersion.status.code == 505)
    }

    @Test func http11WithoutHostIsRefusedAndHTTP10WithoutHostIsServed() {
        #expect(refusal("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n") == .missingHost)
        #expect(onlyRequest("GET / HTTP/1.0\r\n\r\n")?.version == .http1_0)
        #expect(refusal("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n") == .multipleHosts)
    }

    @Test func targetsThatAreNotOriginFormAreRefused() {
        #expect(refusal(request(method: "CONNECT", target: "hall:443")) == .invalidTarget)
        #expect(refusal(request(target: "*")) == .invalidTarget)
        #expect(refusal(request(target: "pasar")) == .invalidTarget)
        #expect(refusal(request(target: "ftp://hall/pasar")) == .invalidTarget)
        #expect(refusal(request(target: "http://user@hall/")) == .invalidTarget)
        #expect(refusal(request(target: "http:///pasar")) == .invalidTarget)
        #expect(refusal(request(target: "/pasar#top")) == .invalidTarget)
        #expect(refusal(request(target: "/pasar/\u{7F}")) == .invalidTarget)
    }

    @Test func asteriskIsTheTargetOfOptionsOnly() {
        let options = onlyRequest(request(method: "OPTIONS", target: "*"))
        #expect(options?.path == "*")
        #expect(options?.method == .options)
    }

    @Test func absoluteFormIsReducedToItsPathAndQuery() {
        let withPath = onlyRequest(request(target: "http://192.168.4.1:8080/pasar?page=2"))
        #expect(withPath?.path == "/pasar")
        #expect(withPath?.query["page"] == "2")
        #expect(withPath?.target == "http://192.168.4.1:8080/pasar?page=2")
        #expect(onlyRequest(request(target: "HTTP://hall"))?.path == "/")
        #expect(onlyRequest(request(target: "https://hall?x=1"))?.query["x"] == "1")
    }

    @Test func pathsAreDecodedToUTF8OrRefused() {
        #expect(onlyRequest(request(target: "/kanal/jual%20padi"))?.path == "/kanal/jual padi")
        #expect(onlyRequest(request(target: "/kanal/caf%C3%A9+x"))?.path == "/kanal/café+x")  // + is not a space in a path
        #expect(refusal(request(target: "/%zz")) == .invalidPercentEncoding)
        #expect(refusal(request(target: "/%4")) == .invalidPercentEncoding)
        #expect(refusal(request(target: "/%FF")) == .invalidUTF8)
        // A decoded line break could split a response that echoes the path into a header.
        #expect(refusal(request(target: "/a%0D%0ASet-Cookie:x")) == .invalidTarget)
        #expect(refusal(request(target: "/a%00")) == .invalidTarget)
    }

    @Test func tooManyEmptyLinesBeforeARequestAreRefused() {
        #expect(onlyRequest("\r\n\n" + request())?.path == "/")
        #expect(refusal("\r\n\r\n\r\n" + request()) == .malformedRequestLine)
    }

    @Test func afterAnErrorTheParserStaysFailedAndIgnoresBytes() {
        var parser = HTTPRequestParser()
        parser.receive(Array("GET / HTTP/1.1\r\n\r\n".utf8))
        #expect(throws: HTTPError.missingHost) { try parser.nextRequest() }
        parser.receive(Array(request().utf8))
        #expect(throws: HTTPError.missingHost) { try parser.nextRequest() }
        #expect(parser.bufferedByteCount == 0)
        #expect(!parser.isMidRequest)
    }

    @Test func aPeerClosingMidRequestIsATruncatedRequest() {
        #expect(parse("GET / HTTP/1.1\r\nHo", ended: true).error == .truncatedRequest)
        #expect(parse(request(["Content-Length: 10"], method: "POST", body: "abc"), ended: true).error == .truncatedRequest)
        let complete = parse(request() + request(), ended: true)
        #expect(complete.requests.count == 2 && complete.error == nil)
    }
}
