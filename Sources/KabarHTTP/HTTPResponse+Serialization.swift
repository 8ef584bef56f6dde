extension HTTPResponse {
    /// The bytes to send in answer to a request with `method` and `version` (nil: a request too
    /// malformed to have them), on a connection the server will close after it when `closing`.
    ///
    ///     HTTP/1.1 200 OK\r\n
    ///     Content-Type: text/html; charset=utf-8\r\n      the caller's headers, in order
    ///     Content-Length: 1234\r\n                        always, except 204 and 304
    ///     Connection: close\r\n                           when closing (keep-alive: for 1.0)
    ///     \r\n
    ///     body                                            not for HEAD, 204, 304
    ///
    /// The status line says HTTP/1.1 to HTTP/1.0 clients too, as RFC 9110 2.5 asks. A HEAD
    /// response carries the GET's headers, Content-Length included, and no body. The framing is
    /// always Content-Length, never chunked: bodies are whole before they are sent. A header
    /// value holding CR, LF or another control character has each replaced by a space, so
    /// text from a request echoed into a header can never split the response; a header name
    /// that is not a token is a bug in the caller and traps.
    public func serialized(answering method: HTTPMethod?, version: HTTPVersion? = .http1_1, closing: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + body.count)
        bytes += "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n".utf8
        for field in headers where !Self.isFramingHeader(field.name) {
            append(field, to: &bytes)
        }
        let bodyless = status.code == 204 || status.code == 304
        if !bodyless {
            bytes += "Content-Length: \(body.count)\r\n".utf8
        }
        if closing {
            bytes += "Connection: close\r\n".utf8
        } else if version == .http1_0 {
            bytes += "Connection: keep-alive\r\n".utf8
        }
        bytes += "\r\n".utf8
        if !bodyless && method != .head {
            bytes += body
        }
        return bytes
    }

    private func append(_ field: HTTPHeaderField, to bytes: inout [UInt8]) {
        precondition(!field.name.isEmpty && field.name.utf8.allSatisfy(ASCII.isToken), "header name '\(field.name)' is not a token")
        bytes += field.name.utf8
        bytes += ": ".utf8
        bytes += field.value.utf8.map { ASCII.isControl($0) && $0 != ASCII.tab ? ASCII.space : $0 }
        bytes += "\r\n".utf8
    }

    private static func isFramingHeader(_ name: String) -> Bool {
        ["Content-Length", "Transfer-Encoding", "Connection"].contains { ASCII.equalsIgnoringCase($0.utf8, name.utf8) }
    }
}
