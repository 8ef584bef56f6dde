/// A summary of a set of bulletin ids: how many, and a 128-bit order-independent hash of them.
/// Beacons carry it; when two peers' fingerprints differ, they reconcile.
///
/// The hash is the sum, modulo 2^128, of a fixed 128-bit hash of each id, so inserting adds and
/// removing subtracts: O(1) to keep up to date, and the same for any insertion order.
///
///     var fingerprint = SetFingerprint()
///     fingerprint.insert(id)
///     fingerprint.remove(id)      // back to SetFingerprint()
///
/// The per-id hash is public (not keyed), so someone who can mint bulletins could in principle
/// build two different sets with equal fingerprints; the gossip layer should still reconcile
/// now and then when fingerprints agree.
public struct SetFingerprint: Hashable, Sendable, CustomStringConvertible {
    /// The number of ids in the set.
    public private(set) var count: Int
    /// The high 64 bits of the 128-bit hash sum.
    public private(set) var high: UInt64
    /// The low 64 bits of the 128-bit hash sum.
    public private(set) var low: UInt64

    /// The bytes `bytes` takes on the wire: 16 hash bytes (the count travels as a varint).
    public static let hashByteCount = 16

    /// The fingerprint of the empty set.
    public init() {
        count = 0
        high = 0
        low = 0
    }

    /// A fingerprint from its parts (as read from a beacon).
    public init(count: Int, high: UInt64, low: UInt64) {
        self.count = count
        self.high = high
        self.low = low
    }

    /// The fingerprint of `ids` (which must hold no id twice).
    public init(ids: some Sequence<BulletinID>) {
        self.init()
        for id in ids { insert(id) }
    }

    /// Adds `id`, which must not be in the set already.
    public mutating func insert(_ id: BulletinID) {
        let (hashHigh, hashLow) = Self.hash(id)
        let (sumLow, carry) = low.addingReportingOverflow(hashLow)
        low = sumLow
        high = high &+ hashHigh &+ (carry ? 1 : 0)
        count += 1
    }

    /// Removes `id`, which must be in the set.
    public mutating func remove(_ id: BulletinID) {
        let (hashHigh, hashLow) = Self.hash(id)
        let (differenceLow, borrow) = low.subtractingReportingOverflow(hashLow)
        low = differenceLow
        high = high &- hashHigh &- (borrow ? 1 : 0)
        count -= 1
    }

    /// The 16 hash bytes, big-endian (high word first).
    public var hashBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for word in [high, low] {
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return bytes
    }

    public var description: String {
        let hex = hashBytes.prefix(6).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }.joined()
        return "\(count)/\(hex)"
    }

    /// The 128-bit hash of one id: every output bit depends on all 256 input bits.
    static func hash(_ id: BulletinID) -> (UInt64, UInt64) {
        let (a, b, c, d) = id.words
        let high = reconciliationMix(a ^ reconciliationMix(b ^ reconciliationMix(c ^ reconciliationMix(d ^ 0x4B41_4241_5246_5031))))
        let low = reconciliationMix(d ^ reconciliationMix(c ^ reconciliationMix(b ^ reconciliationMix(a ^ 0x4B41_4241_5246_5032))))
        return (high, low)
    }
}
