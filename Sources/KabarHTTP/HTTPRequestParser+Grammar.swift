/// How a request's body is delimited (RFC 9112 6.3, for requests).
enum BodyFraming: Equatable {
    case noBody
    case length(Int)
    case chunked
}

extension HTTPRequestParser {
    /// Parses `name: value` (RFC 9112 5): name a token right before the colon, value between
    /// optional whitespace, with no control characters and valid UTF-8.
    static func headerField(parsing line: ArraySlice<UInt8>) throws(HTTPError) -> HTTPHeaderField {
        guard let first = line.first, !ASCII.isWhitespace(first) else { throw .obsoleteLineFolding }
        guard let colon = line.firstIndex(of: ASCII.colon) else { throw .malformedHeaderLine }
        let name = line[..<colon]
        guard let last = name.last else { throw .malformedHeaderLine }
        guard !ASCII.isWhitespace(last) else { throw .whitespaceBeforeColon }
        guard name.allSatisfy(ASCII.isToken) else { throw .malformedHeaderLine }
        let valueBytes = ASCII.trimmingWhitespace(line[(colon + 1)...])
        guard valueBytes.allSatisfy(ASCII.isFieldValue), let value = String(validating: valueBytes, as: UTF8.self) else {
            throw .invalidHeaderValue
        }
        return HTTPHeaderField(name: String(decoding: name, as: UTF8.self), value: value)
    }

    /// RFC 9112 3.2: an HTTP/1.1 request has exactly one Host; no request has two.
    static func checkHost(_ headers: HTTPHeaders, version: HTTPVersion) throws(HTTPError) {
        let count = headers.values(for: "Host").count
        if count > 1 { throw .multipleHosts }
        if count == 0 && version == .http1_1 { throw .missingHost }
    }

    /// How the body is delimited. Anything ambiguous is refused (RFC 9112 6.1, 6.3): both
    /// Transfer-Encoding and Content-Length, Transfer-Encoding in HTTP/1.0, a coding other than
    /// exactly `chunked`, Content-Lengths that differ or are not plain decimal.
    static func bodyFraming(_ headers: HTTPHeaders, version: HTTPVersion, bodyBytesMax: Int) throws(HTTPError) -> BodyFraming {
        let encodings = headers.values(for: "Transfer-Encoding")
        let lengths = headers.values(for: "Content-Length")
        if !encodings.isEmpty {
            guard lengths.isEmpty else { throw .contentLengthWithTransferEncoding }
            guard version == .http1_1 else { throw .transferEncodingInHTTP1_0 }
            let codings = ASCII.listElements(encodings)
            guard codings.count == 1, ASCII.equalsIgnoringCase(codings[0], "chunked".utf8) else {
                throw .unsupportedTransferEncoding
            }
            return .chunked
        }
        guard !lengths.isEmpty else { return .noBody }
        // "Content-Length: 5, 5" or two lines of 5 are one value given twice (RFC 9110 8.6).
        var values: [Int] = []
        for line in lengths {
            for element in Array(line.utf8).split(separator: ASCII.comma, omittingEmptySubsequences: false) {
                values.append(try contentLength(parsing: ASCII.trimmingWhitespace(element)))
            }
        }
        guard let length = values.first, values.allSatisfy({ $0 == length }) else { throw .conflictingContentLengths }
        guard length <= bodyBytesMax else { throw .bodyTooLarge(bytesMax: bodyBytesMax) }
        return .length(length)
    }

    /// `1*DIGIT` that fits an `Int`; no sign, no space, no hex.
    private static func contentLength(parsing bytes: ArraySlice<UInt8>) throws(HTTPError) -> Int {
        guard !bytes.isEmpty else { throw .invalidContentLength }
        var value = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { throw .invalidContentLength }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else { throw .invalidContentLength }
            value = sum
        }
        return value
    }

    /// `chunk-size [ chunk-ext ]` (RFC 9112 7.1): hex digits, then nothing, or optional
    /// whitespace and `;` extensions, which are ignored (their length is bounded by the line's).
    static func chunkSize(parsing line: ArraySlice<UInt8>) throws(HTTPError) -> Int {
        let digitsEnd = line.firstIndex { ASCII.hexValue($0) == nil } ?? line.endIndex
        guard digitsEnd > line.startIndex else { throw .malformedChunk }
        var size = 0
        for byte in line[..<digitsEnd] {
            guard let digit = ASCII.hexValue(byte), size <= (Int.max - Int(digit)) / 16 else { throw .malformedChunk }
            size = size * 16 + Int(digit)
        }
        let extensions = line[digitsEnd...].drop(while: ASCII.isWhitespace)
        guard extensions.isEmpty || extensions.first == ASCII.semicolon else { throw .malformedChunk }
        guard !extensions.contains(where: { ASCII.isControl($0) && $0 != ASCII.tab }) else { throw .malformedChunk }
        return size
    }

    /// RFC 9112 9.3: HTTP/1.1 stays open unless `Connection: close`; HTTP/1.0 closes unless
    /// `Connection: keep-alive`.
    static func keepsAlive(_ headers: HTTPHeaders, version: HTTPVersion) -> Bool {
        if headers.listContains(name: "Connection", token: "close") { return false }
        return version == .http1_1 || headers.listContains(name: "Connection", token: "keep-alive")
    }
}
