/// The request line, checked and its target split: what `HTTPRequestParser` keeps of it.
struct RequestLine: Sendable {
    var method: HTTPMethod
    var target: String
    var path: String
    var query: HTTPFormFields
    var version: HTTPVersion
}

extension RequestLine {
    /// Parses `METHOD SP target SP HTTP/x.y`: one space between parts, nothing else. The
    /// version is read first so that `PRI * HTTP/2.0` is a 505, not a complaint about its target.
    init(parsing line: ArraySlice<UInt8>, queryFieldsMax: Int) throws(HTTPError) {
        let parts = line.split(separator: ASCII.space, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedRequestLine }
        version = try Self.version(parsing: parts[2])
        guard !parts[0].isEmpty, parts[0].allSatisfy(ASCII.isToken) else { throw .invalidMethod }
        method = HTTPMethod(rawValue: String(decoding: parts[0], as: UTF8.self))
        let targetBytes = parts[1]
        guard !targetBytes.isEmpty, targetBytes.allSatisfy(ASCII.isVisible) else { throw .invalidTarget }
        target = String(decoding: targetBytes, as: UTF8.self)
        (path, query) = try Self.pathAndQuery(of: targetBytes, method: method, queryFieldsMax: queryFieldsMax)
    }

    private static func version(parsing bytes: ArraySlice<UInt8>) throws(HTTPError) -> HTTPVersion {
        let text = Array(bytes)
        guard text.count == 8, text.starts(with: "HTTP/".utf8), text[6] == UInt8(ascii: "."),
              let major = digit(text[5]), let minor = digit(text[7])
        else { throw .malformedVersion }
        switch (major, minor) {
        case (1, 0): return .http1_0
        case (1, 1): return .http1_1
        default: throw .unsupportedVersion
        }
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? byte - UInt8(ascii: "0") : nil
    }

    /// The decoded path and query of an origin-form target (`/path?query`), of an absolute-form
    /// one reduced to its path (`http://host/path?query`), or `*` for OPTIONS. Authority-form
    /// (CONNECT's `host:port`) and anything else is refused: this is no proxy.
    private static func pathAndQuery(
        of target: ArraySlice<UInt8>, method: HTTPMethod, queryFieldsMax: Int
    ) throws(HTTPError) -> (String, HTTPFormFields) {
        if target.elementsEqual("*".utf8) {
            guard method == .options else { throw .invalidTarget }
            return ("*", HTTPFormFields())
        }
        let origin = try originForm(of: target)
        guard !origin.contains(ASCII.hash) else { throw .invalidTarget }  // a fragment is never sent
        let questionMark = origin.firstIndex(of: ASCII.question) ?? origin.endIndex
        let path = try PercentEncoding.decode(origin[..<questionMark])
        // "%0D%0A" in a path echoed into a Location header would split the response.
        guard !path.utf8.contains(where: ASCII.isControl) else { throw .invalidTarget }
        let query = try HTTPFormFields(urlEncoded: origin[questionMark...].dropFirst(), fieldsMax: queryFieldsMax)
        return (path, query)
    }

    /// The target itself when it begins with "/"; for `http://` or `https://` URLs (scheme in
    /// any case), what follows the authority, or "/" when nothing does.
    private static func originForm(of target: ArraySlice<UInt8>) throws(HTTPError) -> ArraySlice<UInt8> {
        if target.first == ASCII.slash { return target }
        let schemes = ["http://", "https://"].map { Array($0.utf8) }
        guard let scheme = schemes.first(where: { ASCII.equalsIgnoringCase(target.prefix($0.count), $0) }) else {
            throw .invalidTarget
        }
        let afterScheme = target.dropFirst(scheme.count)
        let pathStart = afterScheme.firstIndex { $0 == ASCII.slash || $0 == ASCII.question } ?? afterScheme.endIndex
        let authority = afterScheme[..<pathStart]
        // userinfo ("user@host") is deprecated and a phishing device (RFC 9110 4.2.4).
        guard !authority.isEmpty, !authority.contains(UInt8(ascii: "@")) else { throw .invalidTarget }
        let rest = afterScheme[pathStart...]
        if rest.first == ASCII.slash { return rest }
        return ArraySlice(Array("/".utf8) + rest)
    }
}
