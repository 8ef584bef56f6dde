/// Hexadecimal text for bytes: lower case out, either case in.
///
///     Hex.encode([0xde, 0xad])      // "dead"
///     try Hex.decode("DEAD")        // [0xde, 0xad]
public enum Hex {
    /// Errors from `decode`, each naming what was wrong with the text.
    public enum DecodeError: Error, Equatable, CustomStringConvertible {
        /// The text has an odd number of characters.
        case oddLength(Int)
        /// The character at this offset is not 0-9, a-f or A-F.
        case invalidCharacter(offset: Int)
        /// The decoded length is not the one the caller needs.
        case wrongLength(expected: Int, actual: Int)

        public var description: String {
            switch self {
            case .oddLength(let count):
                return "hex text has an odd number of characters (\(count))"
            case .invalidCharacter(let offset):
                return "not a hex digit at character \(offset + 1)"
            case .wrongLength(let expected, let actual):
                return "expected \(expected) bytes (\(expected * 2) hex characters), got \(actual) bytes"
            }
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `bytes`. O(n).
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes of hex `text` (upper or lower case). O(n).
    public static func decode(_ text: some StringProtocol) throws(DecodeError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { throw .oddLength(utf8.count) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]) else { throw .invalidCharacter(offset: index) }
            guard let low = nibble(utf8[index + 1]) else { throw .invalidCharacter(offset: index + 1) }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// Bytes of hex `text`, which must decode to exactly `count` bytes.
    public static func decode(_ text: some StringProtocol, count: Int) throws(DecodeError) -> [UInt8] {
        let bytes = try decode(text)
        guard bytes.count == count else { throw .wrongLength(expected: count, actual: bytes.count) }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
