/// The cookies a request carries in its `Cookie` header(s), in order.
///
///     let cookies = HTTPCookies(headers: request.headers)   // Cookie: lang=id; seen=42
///     cookies["lang"]                                        // "id"
///
/// Parsing is lenient where a browser may send what it holds for this address from other
/// software (RFC 6265 5.4 shapes, not every server's): pieces are split on `;`, trimmed, and a
/// piece with no `=` or an empty name is skipped rather than refusing the request, so a stray
/// cookie never locks a villager out. A value in double quotes loses them; values are not
/// percent-decoded (the board decides what its own cookies hold). At most `cookiesMax` are
/// kept; the header block limit already bounds the bytes.
public struct HTTPCookies: Hashable, Sendable, Sequence {
    /// Cookies kept from one request, at most; the rest are ignored.
    public static let cookiesMaxDefault = 64

    /// Every cookie kept, in order, as name and value.
    public private(set) var cookies: [HTTPFormField] = []

    /// The cookies of every `Cookie` field in `headers`.
    public init(headers: HTTPHeaders, cookiesMax: Int = cookiesMaxDefault) {
        for value in headers.values(for: "Cookie") {
            for piece in Array(value.utf8).split(separator: ASCII.semicolon) where cookies.count < cookiesMax {
                if let cookie = Self.cookie(ASCII.trimmingWhitespace(piece)) { cookies.append(cookie) }
            }
        }
    }

    /// How many cookies were kept.
    public var count: Int { cookies.count }

    /// The cookies in order.
    public func makeIterator() -> IndexingIterator<[HTTPFormField]> { cookies.makeIterator() }

    /// The value of the first cookie named exactly `name`, or nil.
    public subscript(name: String) -> String? {
        cookies.first { $0.name == name }?.value
    }

    private static func cookie(_ piece: ArraySlice<UInt8>) -> HTTPFormField? {
        guard let equals = piece.firstIndex(of: ASCII.equals) else { return nil }
        let name = ASCII.trimmingWhitespace(piece[..<equals])
        var value = ASCII.trimmingWhitespace(piece[(equals + 1)...])
        guard !name.isEmpty else { return nil }
        if value.count >= 2, value.first == ASCII.quote, value.last == ASCII.quote {
            value = value.dropFirst().dropLast()
        }
        return HTTPFormField(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }
}
