/// Appends big-endian integers and canonical varints to a payload.
struct ReconciliationWriter {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = Reconciliation.payloadBytesMax) { bytes.reserveCapacity(capacity) }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func uint32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func uint64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// LEB128: seven bits a byte, low bits first, high bit set on every byte but the last.
    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func varint(_ value: Int) { varint(UInt64(value)) }

    /// A signed value as a zigzag varint (0, -1, 1, -2, ... as 0, 1, 2, 3, ...).
    mutating func signedVarint(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func id(_ id: BulletinID) {
        uint64(id.words.0)
        uint64(id.words.1)
        uint64(id.words.2)
        uint64(id.words.3)
    }

    mutating func bound(_ bound: ReconciliationBound) {
        uint64(UInt64(bitPattern: bound.created))
        uint64(bound.idPrefix)
    }

    /// The encoded length of `value` as a varint.
    static func varintSize(_ value: UInt64) -> Int {
        ByteWriter.varintByteCount(value)
    }

    /// The encoded length of `value` as a zigzag varint.
    static func signedVarintSize(_ value: Int64) -> Int {
        varintSize(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }
}

/// Reads a payload front to back; every read that runs past the end or breaks a rule throws.
struct ReconciliationReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The bytes not read yet.
    var remaining: Int { bytes.count - offset }

    mutating func byte(_ field: String) throws(ReconciliationError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(field) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint32(_ field: String) throws(ReconciliationError) -> UInt32 {
        guard remaining >= 4 else { throw .truncated(field) }
        var value: UInt32 = 0
        for index in offset..<(offset + 4) { value = value << 8 | UInt32(bytes[index]) }
        offset += 4
        return value
    }

    mutating func uint64(_ field: String) throws(ReconciliationError) -> UInt64 {
        guard remaining >= 8 else { throw .truncated(field) }
        var value: UInt64 = 0
        for index in offset..<(offset + 8) { value = value << 8 | UInt64(bytes[index]) }
        offset += 8
        return value
    }

    /// A canonical LEB128 varint: at most 10 bytes, no redundant trailing zero groups.
    mutating func varint(_ field: String) throws(ReconciliationError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte(field)
            let group = UInt64(next & 0x7F)
            if shift == 63, group > 1 { throw .malformed("\(field) overflows 64 bits") }
            value |= group << shift
            if next & 0x80 == 0 {
                if next == 0, shift > 0 { throw .malformed("\(field) is not minimally encoded") }
                return value
            }
            shift += 7
            if shift > 63 { throw .malformed("\(field) is longer than 10 bytes") }
        }
    }

    /// A varint that must not exceed `maximum`, as an Int.
    mutating func count(_ field: String, max maximum: Int) throws(ReconciliationError) -> Int {
        let value = try varint(field)
        guard value <= UInt64(maximum) else { throw .limitExceeded("\(field) \(value) is above \(maximum)") }
        return Int(value)
    }

    mutating func signedVarint(_ field: String) throws(ReconciliationError) -> Int64 {
        let raw = try varint(field)
        return Int64(bitPattern: raw >> 1) ^ (0 &- Int64(bitPattern: raw & 1))
    }

    mutating func id(_ field: String) throws(ReconciliationError) -> BulletinID {
        BulletinID(words: (try uint64(field), try uint64(field), try uint64(field), try uint64(field)))
    }

    mutating func bound(_ field: String) throws(ReconciliationError) -> ReconciliationBound {
        let created = Int64(bitPattern: try uint64(field))
        return ReconciliationBound(created: created, idPrefix: try uint64(field))
    }

    /// Throws unless every byte was read (a canonical payload has no trailing bytes).
    func finish() throws(ReconciliationError) {
        guard remaining == 0 else { throw .malformed("\(remaining) trailing bytes") }
    }
}
