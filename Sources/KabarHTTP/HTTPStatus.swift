/// A response status: its code and the reason phrase written after it.
///
///     HTTPStatus.notFound.code == 404
///     HTTPStatus.notFound.reasonPhrase == "Not Found"
public struct HTTPStatus: Hashable, Sendable, CustomStringConvertible {
    /// The three-digit code.
    public let code: Int

    /// A status with `code`, which must be 200...599: a 1xx interim response is never made by
    /// this layer, and another number is a bug in the caller.
    public init(code: Int) {
        precondition((200...599).contains(code), "HTTP status \(code) is not a final status")
        self.code = code
    }

    /// 200: the request was served.
    public static let ok = HTTPStatus(code: 200)
    /// 201: something was made (a post).
    public static let created = HTTPStatus(code: 201)
    /// 204: served, nothing to send back.
    public static let noContent = HTTPStatus(code: 204)
    /// 301: the page lives elsewhere for good.
    public static let movedPermanently = HTTPStatus(code: 301)
    /// 302: the page lives elsewhere for now.
    public static let found = HTTPStatus(code: 302)
    /// 303: a post was taken; fetch this page with GET (post, redirect, get).
    public static let seeOther = HTTPStatus(code: 303)
    /// 304: the copy the client holds is current.
    public static let notModified = HTTPStatus(code: 304)
    /// 400: the request is malformed or ambiguous.
    public static let badRequest = HTTPStatus(code: 400)
    /// 403: understood, and refused.
    public static let forbidden = HTTPStatus(code: 403)
    /// 404: no such page.
    public static let notFound = HTTPStatus(code: 404)
    /// 405: the page exists, not for this method.
    public static let methodNotAllowed = HTTPStatus(code: 405)
    /// 408: the request did not arrive in time.
    public static let requestTimeout = HTTPStatus(code: 408)
    /// 413: the body is over the limit.
    public static let contentTooLarge = HTTPStatus(code: 413)
    /// 414: the request line is over the limit.
    public static let uriTooLong = HTTPStatus(code: 414)
    /// 415: a body of a type the page does not take.
    public static let unsupportedMediaType = HTTPStatus(code: 415)
    /// 429: too many requests from one client.
    public static let tooManyRequests = HTTPStatus(code: 429)
    /// 431: the headers are over a limit.
    public static let requestHeaderFieldsTooLarge = HTTPStatus(code: 431)
    /// 500: the server failed.
    public static let internalServerError = HTTPStatus(code: 500)
    /// 501: a feature of the request (a transfer coding) the server does not implement.
    public static let notImplemented = HTTPStatus(code: 501)
    /// 503: the server is busy (too many connections).
    public static let serviceUnavailable = HTTPStatus(code: 503)
    /// 505: an HTTP version other than 1.0 and 1.1.
    public static let httpVersionNotSupported = HTTPStatus(code: 505)

    /// The reason phrase of RFC 9110 for the codes above; for another code, the phrase of its
    /// class ("Client Error"). Clients ignore it; it is for people reading a capture.
    public var reasonPhrase: String {
        switch code {
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return Self.classPhrase(code)
        }
    }

    /// "404 Not Found".
    public var description: String { "\(code) \(reasonPhrase)" }

    private static func classPhrase(_ code: Int) -> String {
        switch code / 100 {
        case 2: return "Success"
        case 3: return "Redirection"
        case 4: return "Client Error"
        default: return "Server Error"
        }
    }
}
