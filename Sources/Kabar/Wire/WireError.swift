/// Why a datagram was rejected. Remote errors: counted per peer and logged, never a crash.
public enum WireError: Error, Equatable, Sendable, LocalizedError {
    /// Larger than `Wire.datagramBytesMax`.
    case tooLarge(Int)
    /// Shorter than its header or a field.
    case truncated
    /// Not Kabar: the protocol id is wrong.
    case notKabar
    /// A protocol version this node does not speak.
    case unknownVersion(UInt8)
    /// From another mesh on the same LAN.
    case otherNetwork(UInt32)
    /// A message type this node does not know.
    case unknownType(UInt8)
    /// A field breaks the message's rules.
    case malformed(String)

    public var localizedMessage: Localized {
        switch self {
        case .tooLarge(let size):
            return Localized(en: "datagram of \(size) bytes is over the limit", id: "datagram \(size) byte melebihi batas")
        case .truncated:
            return Localized(en: "datagram is cut short", id: "datagram terpotong")
        case .notKabar:
            return Localized(en: "datagram is not Kabar", id: "datagram bukan Kabar")
        case .unknownVersion(let version):
            return Localized(en: "protocol version \(version) is unknown", id: "versi protokol \(version) tidak dikenal")
        case .otherNetwork(let network):
            return Localized(
                en: "datagram is from another Kabar network (\(String(network, radix: 16)))",
                id: "datagram dari jaringan Kabar lain (\(String(network, radix: 16)))")
        case .unknownType(let type):
            return Localized(en: "message type \(type) is unknown", id: "jenis pesan \(type) tidak dikenal")
        case .malformed(let reason):
            return Localized(en: "malformed message: \(reason)", id: "pesan rusak: \(reason)")
        }
    }
}
