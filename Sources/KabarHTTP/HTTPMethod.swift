/// A request method, case-sensitive as RFC 9110 says ("GET", never "get"). Any token is a
/// method to the parser; which ones a page serves is the caller's choice (405 for the rest).
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The method as sent.
    public let rawValue: String

    /// A method named `rawValue`.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// GET: read a page.
    public static let get = HTTPMethod(rawValue: "GET")
    /// HEAD: a GET's status and headers, no body.
    public static let head = HTTPMethod(rawValue: "HEAD")
    /// POST: send a form.
    public static let post = HTTPMethod(rawValue: "POST")
    /// OPTIONS: the one method whose target may be `*`.
    public static let options = HTTPMethod(rawValue: "OPTIONS")

    /// The method as sent.
    public var description: String { rawValue }
}
