import Kabar

/// A stand-in for a bulletin in the toy endpoints: a number, and how many bytes its datagram
/// takes on the air.
public struct ToyBulletin: Hashable, Sendable {
    /// Names the bulletin; its `id` derives from it.
    public var number: UInt64
    /// Bytes of its datagram, at least 9 (a type byte and the number) .
    public var size: Int

    /// Bulletin `number`, `size` bytes on the air.
    public init(number: UInt64, size: Int = 100) {
        self.number = number
        self.size = max(size, 9)
    }

    /// The id the toy endpoints report in their events.
    public var id: BulletinID { Self.id(number) }

    /// The id of bulletin `number`.
    public static func id(_ number: UInt64) -> BulletinID { BulletinID(words: (number, 0x746f_7962_756c_6c65, 0, 0)) }

    /// The datagram carrying it: `type`, the number big-endian, zero padding up to `size`.
    func datagram(type: UInt8) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        bytes[0] = type
        ToyWire.put(number, into: &bytes, at: 1)
        return bytes
    }
}

/// Byte helpers shared by the toys.
enum ToyWire {
    static func put(_ value: UInt64, into bytes: inout [UInt8], at offset: Int) {
        for index in 0..<8 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * index)) }
    }

    /// The big-endian number at `offset`, or nil if the datagram is too short.
    static func number(in bytes: [UInt8], at offset: Int) -> UInt64? {
        guard offset >= 0, bytes.count >= offset + 8 else { return nil }
        var value: UInt64 = 0
        for index in 0..<8 { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }
}
