/// Percent-encoding (RFC 3986 2.1) for paths, query strings and form bodies.
///
///     try PercentEncoding.decode("/pasar/jual%20padi".utf8)            // "/pasar/jual padi"
///     try PercentEncoding.decode("a+b%2Bc".utf8, plusAsSpace: true)     // "a b+c" (form rules)
///     PercentEncoding.encode("jual padi/2 ton")                         // "jual%20padi%2F2%20ton"
///
/// Decoding is strict: a `%` without two hex digits is an error, not kept as it is (WHATWG's
/// lenient rule), because the board's links and forms are made by browsers, which never send
/// one, and a strict rule leaves one meaning for every text.
public enum PercentEncoding {
    /// The bytes `text` stands for: `%XX` becomes the byte XX, and, when `plusAsSpace` (the
    /// `application/x-www-form-urlencoded` rule), `+` becomes a space. Linear in `text`.
    public static func decodeBytes(_ text: some Collection<UInt8>, plusAsSpace: Bool = false) throws(HTTPError) -> [UInt8] {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(text.count)
        var index = text.startIndex
        while index != text.endIndex {
            let byte = text[index]
            index = text.index(after: index)
            if byte == ASCII.percent {
                guard index != text.endIndex, let high = ASCII.hexValue(text[index]) else { throw .invalidPercentEncoding }
                index = text.index(after: index)
                guard index != text.endIndex, let low = ASCII.hexValue(text[index]) else { throw .invalidPercentEncoding }
                index = text.index(after: index)
                decoded.append(high << 4 | low)
            } else {
                decoded.append(plusAsSpace && byte == ASCII.plus ? ASCII.space : byte)
            }
        }
        return decoded
    }

    /// `decodeBytes` read as UTF-8; `.invalidUTF8` when they are not.
    public static func decode(_ text: some Collection<UInt8>, plusAsSpace: Bool = false) throws(HTTPError) -> String {
        let bytes = try decodeBytes(text, plusAsSpace: plusAsSpace)
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8 }
        return decoded
    }

    /// `text` with every byte of its UTF-8 but RFC 3986's unreserved ones (letters, digits,
    /// `-._~`) written as `%XX`: safe as a path segment, a query name or a query value.
    public static func encode(_ text: String) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        for byte in text.utf8 {
            if isUnreserved(byte) {
                encoded.append(byte)
            } else {
                encoded += [ASCII.percent, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xf)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
