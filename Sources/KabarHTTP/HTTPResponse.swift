/// A response as the caller makes it: status, headers, whole body. Framing headers
/// (Content-Length, Transfer-Encoding, Connection) are the serializer's to write; any the caller
/// sets are replaced (`serialized(answering:version:closing:)`).
///
///     HTTPResponse(status: .ok, headers: ["Content-Type": "text/html; charset=utf-8"], body: page)
///     HTTPResponse.plainText(.notFound, "no such bulletin\n")
public struct HTTPResponse: Hashable, Sendable {
    /// The status.
    public var status: HTTPStatus
    /// The header lines, in order. `Date` is not added here (this layer has no clock).
    public var headers: HTTPHeaders
    /// The body. For HEAD, 204 and 304 it is not sent; for HEAD its length still is.
    public var body: [UInt8]

    /// A response of its parts.
    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response holding `text`, marked `nosniff` so that a
    /// browser never reads an echoed request as HTML.
    public static func plainText(_ status: HTTPStatus, _ text: String) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: ["Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"],
            body: Array(text.utf8))
    }
}
