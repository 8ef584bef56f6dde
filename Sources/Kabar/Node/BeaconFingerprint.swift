/// An order-independent, incrementally updated digest of a set of ids: the count and the sums
/// (mod 2^64) of the ids' first and second 64-bit words. Ids are SHA-256 outputs, so two
/// different sets collide only by chance. Beacons carry it; equal fingerprints mean "in sync".
struct BeaconFingerprint: Hashable, Sendable {
    /// Members counted.
    public private(set) var count = 0
    private var sum0: UInt64 = 0
    private var sum1: UInt64 = 0

    /// The fingerprint of the empty set.
    public init() {}

    /// Adds `id` (which must not already be a member).
    public mutating func insert(_ id: BulletinID) {
        count += 1
        sum0 &+= id.words.0
        sum1 &+= id.words.1
    }

    /// Removes `id` (which must be a member).
    public mutating func remove(_ id: BulletinID) {
        count -= 1
        sum0 &-= id.words.0
        sum1 &-= id.words.1
    }

    /// The 16 bytes a beacon carries: the two sums mixed with the count.
    public var bytes: [UInt8] {
        var writer = ByteWriter(capacity: 16)
        writer.write(sum0 ^ (UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15))
        writer.write(sum1)
        return writer.bytes
    }
}
