import KabarHTTP
import Testing

@Suite struct HTTPResponseTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func aResponseAlwaysCarriesContentLengthAfterTheCallersHeaders() {
        let response = HTTPResponse(status: .ok, headers: ["Content-Type": "text/html", "Set-Cookie": "a=1"], body: Array("<p>hi</p>".utf8))
        let bytes = response.serialized(answering: .get, closing: false)
        #expect(text(bytes) == "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nSet-Cookie: a=1\r\nContent-Length: 9\r\n\r\n<p>hi</p>")
    }

    @Test func headResponseCarriesTheGetsHeadersAndNoBody() {
        let response = HTTPResponse.plainText(.ok, "twelve bytes")
        let get = text(response.serialized(answering: .get, closing: false))
        let head = text(response.serialized(answering: .head, closing: false))
        #expect(get == head + "twelve bytes")
        #expect(head.hasSuffix("Content-Length: 12\r\n\r\n"))
    }

    @Test func noContentAndNotModifiedCarryNeitherLengthNorBody() {
        for status in [HTTPStatus.noContent, .notModified] {
            let bytes = text(HTTPResponse(status: status, headers: ["ETag": "\"1\""], body: [1, 2, 3]).serialized(answering: .get, closing: false))
            #expect(bytes == "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\nETag: \"1\"\r\n\r\n")
        }
    }

    @Test func closingSaysConnectionCloseAndHTTP10KeepAliveSaysKeepAlive() {
        let response = HTTPResponse(status: .ok)
        #expect(text(response.serialized(answering: .get, closing: true)).contains("\r\nConnection: close\r\n"))
        #expect(text(response.serialized(answering: .get, version: .http1_0, closing: false)).contains("\r\nConnection: keep-alive\r\n"))
        #expect(!text(response.serialized(answering: .get, version: .http1_1, closing: false)).contains("Connection"))
        #expect(text(response.serialized(answering: nil, version: nil, closing: true)).hasPrefix("HTTP/1.1 200 OK\r\n"))
    }

    @Test func framingHeadersFromTheCallerAreReplaced() {
        let response = HTTPResponse(
            status: .ok, headers: ["content-length": "999", "Transfer-Encoding": "chunked", "Connection": "keep-alive"], body: [65])
        #expect(text(response.serialized(answering: .get, closing: true)) == "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nA")
    }

    @Test func lineBreaksInAHeaderValueCannotSplitTheResponse() {
        let response = HTTPResponse(status: .seeOther, headers: ["Location": "/a\r\nSet-Cookie: evil=1"])
        let bytes = text(response.serialized(answering: .post, closing: false))
        #expect(bytes.hasPrefix("HTTP/1.1 303 See Other\r\nLocation: /a  Set-Cookie: evil=1\r\n"))
    }

    @Test func everyStatusTheLayerUsesHasItsReasonPhrase() {
        let expected: [(HTTPStatus, String)] = [
            (.ok, "OK"), (.seeOther, "See Other"), (.notModified, "Not Modified"), (.badRequest, "Bad Request"),
            (.notFound, "Not Found"), (.methodNotAllowed, "Method Not Allowed"), (.requestTimeout, "Request Timeout"),
            (.contentTooLarge, "Content Too Large"), (.uriTooLong, "URI Too Long"),
            (.requestHeaderFieldsTooLarge, "Request Header Fields Too Large"), (.notImplemented, "Not Implemented"),
            (.serviceUnavailable, "Service Unavailable"), (.httpVersionNotSupported, "HTTP Version Not Supported"),
            (HTTPStatus(code: 418), "Client Error"),
        ]
        for (status, phrase) in expected { #expect(status.reasonPhrase == phrase) }
    }

    @Test func everyErrorMapsToItsStatus() {
        #expect(HTTPError.requestLineTooLong(bytesMax: 1).status == .uriTooLong)
        #expect(HTTPError.headerBlockTooLarge(bytesMax: 1).status == .requestHeaderFieldsTooLarge)
        #expect(HTTPError.tooManyHeaders(countMax: 1).status == .requestHeaderFieldsTooLarge)
        #expect(HTTPError.bodyTooLarge(bytesMax: 1).status == .contentTooLarge)
        #expect(HTTPError.unsupportedVersion.status == .httpVersionNotSupported)
        #expect(HTTPError.unsupportedTransferEncoding.status == .notImplemented)
        for error in [HTTPError.missingHost, .bareCarriageReturn, .obsoleteLineFolding, .malformedChunk, .invalidTarget] {
            #expect(error.status == .badRequest)
        }
    }
}
