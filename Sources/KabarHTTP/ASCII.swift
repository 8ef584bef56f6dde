/// The bytes and byte classes of RFC 9110 and 9112 the parser checks against. Internal: the
/// grammar's names, in one place, so every check reads as the RFC does.
enum ASCII {
    static let carriageReturn = UInt8(ascii: "\r")
    static let lineFeed = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")
    static let semicolon = UInt8(ascii: ";")
    static let comma = UInt8(ascii: ",")
    static let equals = UInt8(ascii: "=")
    static let ampersand = UInt8(ascii: "&")
    static let percent = UInt8(ascii: "%")
    static let plus = UInt8(ascii: "+")
    static let slash = UInt8(ascii: "/")
    static let question = UInt8(ascii: "?")
    static let hash = UInt8(ascii: "#")
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let hyphen = UInt8(ascii: "-")
    static let period = UInt8(ascii: ".")

    /// `tchar`: the bytes of a method or header name.
    static func isToken(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// `VCHAR`: visible ASCII, the bytes of a request target.
    static func isVisible(_ byte: UInt8) -> Bool { byte >= 0x21 && byte <= 0x7e }

    /// A byte a header value may hold: VCHAR, SP, HTAB or obs-text (0x80 and up, which the
    /// caller then requires to be UTF-8). Not NUL, CR, LF, other controls or DEL.
    static func isFieldValue(_ byte: UInt8) -> Bool { byte == tab || (byte >= 0x20 && byte != 0x7f) }

    /// SP or HTAB: optional whitespace (OWS).
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// A C0 control or DEL.
    static func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7f }

    /// The value of a hex digit, or nil.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The byte with A-Z turned to a-z.
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    /// True when `left` and `right` are the same bytes but for ASCII case.
    static func equalsIgnoringCase(_ left: some Collection<UInt8>, _ right: some Collection<UInt8>) -> Bool {
        left.count == right.count && zip(left, right).allSatisfy { lowercased($0) == lowercased($1) }
    }

    /// `bytes` without leading and trailing SP and HTAB.
    static func trimmingWhitespace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }),
              let last = bytes.lastIndex(where: { !isWhitespace($0) })
        else { return bytes[bytes.endIndex...] }
        return bytes[first...last]
    }

    /// The elements of a comma-separated header list (`#rule`), each trimmed, empty ones
    /// dropped as RFC 9110 5.6.1 says a recipient must.
    static func listElements(_ values: [String]) -> [ArraySlice<UInt8>] {
        values.flatMap { value in
            Array(value.utf8).split(separator: comma, omittingEmptySubsequences: false)
                .map(trimmingWhitespace).filter { !$0.isEmpty }
        }
    }
}
