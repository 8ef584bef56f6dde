import KabarCrypto

/// The datagram format. Documentation/Protocol.md is the spec.
///
///      0       1       2       3       4                               8
///     +-------+-------+-------+-------+-------------------------------+
///     |  'K'  |  'B'  |version| type  |        network id (u32)       |
///     +-------+-------+-------+-------+-------------------------------+
///     | body (type-specific), so that the whole datagram <= 1200 bytes |
///     +---------------------------------------------------------------+
public enum Wire {
    /// Every datagram fits this, on any path (QUIC's rule).
    public static let datagramBytesMax = 1_200
    /// The header's size.
    public static let headerByteCount = 8
    /// Room for a body.
    public static let bodyBytesMax = datagramBytesMax - headerByteCount
    /// The protocol version this node speaks. Version 2 added bulk transfer (types 10-12) and
    /// the reconciliation's give-all result; a version-1 datagram is `unknownVersion` here and
    /// the other way round (Documentation/Protocol.md, "Versions").
    public static let version: UInt8 = 2
    /// The protocol id, "KB".
    static let magic: (UInt8, UInt8) = (0x4B, 0x42)
    /// The default UDP port.
    public static let defaultPort: UInt16 = 4_747

    /// The network id for a mesh name: the first four bytes of SHA-256("kabar-network:" + name).
    /// Two meshes on one LAN with different names never mix.
    public static func networkID(named name: String) -> UInt32 {
        let digest = SHA256.hash(Array("kabar-network:\(name)".utf8))
        return digest[0..<4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The default mesh name.
    public static let defaultNetworkName = "kabar"
}

/// The message types. Codes are stable: a later version may add codes, never reuse them.
public enum MessageType: UInt8, Sendable, CaseIterable {
    case beacon = 1
    case challenge = 2
    case response = 3
    case announce = 4
    case request = 5
    case bulletin = 6
    case fragment = 7
    case fragmentRequest = 8
    case sync = 9
    case transferRequest = 10
    case transferData = 11
    case transferAck = 12
    case blockRequest = 13
    case blockData = 14
    case blockMissing = 15
}
