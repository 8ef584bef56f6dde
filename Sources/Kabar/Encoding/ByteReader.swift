/// Reads big-endian integers, minimal varints and byte runs from untrusted input.
/// Never traps: every read past the end or non-minimal varint is a `ByteReader.Error`.
public struct ByteReader: Sendable {
    /// Why a read failed.
    public enum Error: Swift.Error, Equatable, Sendable {
        /// The input ended `needed` bytes early, at `offset`.
        case truncated(offset: Int)
        /// A varint was not in its shortest form, or overflowed 64 bits, at `offset`.
        case badVarint(offset: Int)
    }

    private let bytes: [UInt8]
    /// The offset of the next byte to read.
    public private(set) var offset: Int
    private let end: Int

    /// A reader over `bytes[range]`.
    public init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        let range = range ?? 0..<bytes.count
        self.offset = range.lowerBound
        self.end = range.upperBound
    }

    /// Bytes left to read.
    public var remaining: Int { end - offset }

    /// True when everything was read.
    public var isAtEnd: Bool { offset >= end }

    /// Reads one byte.
    public mutating func readByte() throws(Error) -> UInt8 {
        guard offset < end else { throw .truncated(offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Reads a 2-byte big-endian integer.
    public mutating func readUInt16() throws(Error) -> UInt16 {
        UInt16(truncatingIfNeeded: try readBigEndian(2))
    }

    /// Reads a 4-byte big-endian integer.
    public mutating func readUInt32() throws(Error) -> UInt32 {
        UInt32(truncatingIfNeeded: try readBigEndian(4))
    }

    /// Reads an 8-byte big-endian integer.
    public mutating func readUInt64() throws(Error) -> UInt64 {
        try readBigEndian(8)
    }

    /// Reads `count` raw bytes.
    public mutating func readBytes(_ count: Int) throws(Error) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw .truncated(offset: offset) }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// Reads an unsigned LEB128 varint, rejecting non-minimal forms.
    public mutating func readVarint() throws(Error) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            let payload = UInt64(byte & 0x7f)
            if shift == 63, payload > 1 { throw .badVarint(offset: start) }
            value |= payload << shift
            if byte & 0x80 == 0 {
                // A final zero byte after the first means a longer-than-needed encoding.
                if byte == 0, offset - start > 1 { throw .badVarint(offset: start) }
                return value
            }
            shift += 7
            if shift > 63 { throw .badVarint(offset: start) }
        }
    }

    /// Reads a varint length (at most `limit`) followed by that many bytes.
    public mutating func readLengthPrefixed(limit: Int) throws(Error) -> [UInt8] {
        let length = try readVarint()
        guard length <= UInt64(limit), length <= UInt64(remaining) else { throw .truncated(offset: offset) }
        return try readBytes(Int(length))
    }

    private mutating func readBigEndian(_ count: Int) throws(Error) -> UInt64 {
        guard count <= remaining else { throw .truncated(offset: offset) }
        var value: UInt64 = 0
        for index in offset..<(offset + count) {
            value = value << 8 | UInt64(bytes[index])
        }
        offset += count
        return value
    }
}
