/// The bounds `HTTPRequestParser` holds every peer to. Each is checked before the bytes it bounds
/// are kept, so one request costs the server at most about `requestLineBytesMax +
/// headerBlockBytesMax + bodyBytesMax` bytes however the peer sends it.
///
///     var limits = HTTPLimits()
///     limits.bodyBytesMax = 256 * 1024       // a server that takes larger posts
///     var parser = HTTPRequestParser(limits: limits)
///
/// The defaults suit the hall board: its pages are reached by short links and its post form is
/// a few kilobytes. A server that takes files names the paths that may receive them
/// (`uploadPaths`) and their larger bound (`uploadBodyBytesMax`): only a POST of
/// `multipart/form-data` to one of those paths gets it, so every other request stays small.
///
///     limits.uploadPaths = ["/post"]
///     limits.uploadBodyBytesMax = 2_000_000 + 64 * 1024    // a 2 MB photo and the form around it
///
/// Documentation/HTTP.md has the table.
public struct HTTPLimits: Equatable, Sendable {
    /// The request line ("GET /path?query HTTP/1.1"), line end not counted. Longer: 414.
    public var requestLineBytesMax: Int
    /// The header field lines of one request together, line ends not counted. Longer: 431. The
    /// trailer lines of a chunked body are bounded by it too, counted on their own.
    public var headerBlockBytesMax: Int
    /// Header field lines in one request, at most (trailer lines likewise). More: 431.
    public var headerCountMax: Int
    /// The body once any chunked framing is removed. Larger: 413, refused from its
    /// Content-Length before one byte of it is kept.
    public var bodyBytesMax: Int
    /// One chunk-size line with its extensions (which are ignored), line end not counted.
    /// Longer: 400.
    public var chunkLineBytesMax: Int
    /// Fields in the target's query string, at most. More: 400.
    public var queryFieldsMax: Int
    /// The body of an upload (a POST of `multipart/form-data` to one of `uploadPaths`), at
    /// most; other requests keep `bodyBytesMax`. Larger: 413, as for `bodyBytesMax`.
    public var uploadBodyBytesMax: Int
    /// The paths (exactly as `HTTPRequest.path`) that take uploads; none by default.
    public var uploadPaths: Set<String>

    /// 8 KiB, as most servers allow (nginx's default header buffer).
    public static let requestLineBytesDefault = 8 * 1024
    /// 16 KiB: a browser's headers with a few cookies are well under 2 KiB.
    public static let headerBlockBytesDefault = 16 * 1024
    /// 64 header lines; a browser sends about 15.
    public static let headerCountDefault = 64
    /// 64 KiB: the board's post form (a title and a body of a few kilobytes) fits many times.
    public static let bodyBytesDefault = 64 * 1024
    /// 256 bytes: a chunk size is at most 16 hex digits; the rest is room for extensions.
    public static let chunkLineBytesDefault = 256
    /// 64 query fields; a board link carries two or three.
    public static let queryFieldsDefault = 64

    /// Limits with the defaults above, each of which may be changed.
    public init(
        requestLineBytesMax: Int = requestLineBytesDefault,
        headerBlockBytesMax: Int = headerBlockBytesDefault,
        headerCountMax: Int = headerCountDefault,
        bodyBytesMax: Int = bodyBytesDefault,
        chunkLineBytesMax: Int = chunkLineBytesDefault,
        queryFieldsMax: Int = queryFieldsDefault,
        uploadBodyBytesMax: Int = bodyBytesDefault,
        uploadPaths: Set<String> = []
    ) {
        precondition(requestLineBytesMax > 0 && headerBlockBytesMax >= 0 && headerCountMax >= 0, "HTTPLimits must be positive")
        precondition(bodyBytesMax >= 0 && chunkLineBytesMax > 0 && queryFieldsMax >= 0, "HTTPLimits must be positive")
        precondition(uploadBodyBytesMax >= 0, "HTTPLimits must be positive")
        self.requestLineBytesMax = requestLineBytesMax
        self.headerBlockBytesMax = headerBlockBytesMax
        self.headerCountMax = headerCountMax
        self.bodyBytesMax = bodyBytesMax
        self.chunkLineBytesMax = chunkLineBytesMax
        self.queryFieldsMax = queryFieldsMax
        self.uploadBodyBytesMax = uploadBodyBytesMax
        self.uploadPaths = uploadPaths
    }

    /// True when a request with this head may carry an upload's body: a POST to one of
    /// `uploadPaths` whose (first) Content-Type is `multipart/form-data`.
    public func isUpload(method: HTTPMethod, path: String, headers: HTTPHeaders) -> Bool {
        method == .post && uploadPaths.contains(path) && HTTPMultipartForm.isFormData(contentType: headers["Content-Type"])
    }
}
