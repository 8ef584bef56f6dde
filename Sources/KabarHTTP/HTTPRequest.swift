/// One complete request, as `HTTPRequestParser` gives it: the head checked, the body whole.
///
///     GET /pasar?page=2 HTTP/1.1      method .get, target "/pasar?page=2", path "/pasar",
///     Host: 192.168.4.1               query ["page": "2"], version .http1_1, keepAlive true
public struct HTTPRequest: Hashable, Sendable {
    /// The method ("GET", "POST").
    public let method: HTTPMethod
    /// The target as sent (visible ASCII): "/pasar?page=2", or "http://host/pasar" in
    /// absolute-form.
    public let target: String
    /// The target's path, percent-decoded (UTF-8 guaranteed, no control characters): "/pasar";
    /// "*" for `OPTIONS *`. Not normalised: "/a/../b" stays as it is.
    public let path: String
    /// The target's query string, decoded with form rules (`+` is a space).
    public let query: HTTPFormFields
    /// HTTP/1.0 or HTTP/1.1.
    public let version: HTTPVersion
    /// The header lines, in order.
    public let headers: HTTPHeaders
    /// The body, with any chunked framing removed; empty when there is none.
    public let body: [UInt8]
    /// True when the connection may carry another request after this one's response: HTTP/1.1
    /// unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive` (and no close).
    public let keepAlive: Bool

    /// A request made of its parts (the parser's, or a test's).
    public init(
        method: HTTPMethod, target: String, path: String, query: HTTPFormFields = HTTPFormFields(),
        version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:], body: [UInt8] = [], keepAlive: Bool = true
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.keepAlive = keepAlive
    }

    /// The Host header's value, if any.
    public var host: String? { headers["Host"] }

    /// The request's cookies.
    public var cookies: HTTPCookies { HTTPCookies(headers: headers) }
}
