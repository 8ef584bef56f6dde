/// A node's periodic hello: who it is, what it holds, what time it thinks it is.
///
///     +----------------------+-------------+---------------+-------------+------------------+-------+
///     | node key (32)        | incarnation | wall clock    | store count | fingerprint (16) | flags |
///     |                      | (u32)       | (u64 ms)      | (u32)       |                  | (u8)  |
///     +----------------------+-------------+---------------+-------------+------------------+-------+
public struct Beacon: Equatable, Sendable {
    /// The sender's node key. A claim, used for display and tie-breaks, never for trust.
    public var key: AuthorKey
    /// Changes each time the node starts, so peers notice a restart.
    public var incarnation: UInt32
    /// The sender's best estimate of the wall-clock time.
    public var wallClock: UnixTime
    /// How many bulletins the sender holds.
    public var storeCount: UInt32
    /// An order-independent digest of the sender's whole set of ids.
    public var fingerprint: [UInt8]
    /// Bit 0: sent to a broadcast address (the receiver shares a link with the sender). Bits
    /// 1-7 are sent as 0 and ignored on receipt: a later version announces itself there
    /// (Documentation/Protocol.md, "Compatibility").
    public var flags: UInt8

    /// Flag: this beacon went to the broadcast address.
    public static let broadcastFlag: UInt8 = 0x01
    /// Bytes in a fingerprint.
    public static let fingerprintByteCount = 16
    static let byteCount = 32 + 4 + 8 + 4 + 16 + 1

    /// A beacon.
    public init(key: AuthorKey, incarnation: UInt32, wallClock: UnixTime, storeCount: UInt32, fingerprint: [UInt8], flags: UInt8) {
        self.key = key
        self.incarnation = incarnation
        self.wallClock = wallClock
        self.storeCount = storeCount
        self.fingerprint = fingerprint
        self.flags = flags
    }
}

/// One piece of a bulletin too large for one datagram.
///
///     +-----------------+-------+-------+------------------------------+
///     | bulletin id (32)| index | count | payload (up to 1158 bytes)   |
///     +-----------------+-------+-------+------------------------------+
public struct Fragment: Equatable, Sendable {
    /// The id of the whole bulletin.
    public var id: BulletinID
    /// This piece's number, from 0.
    public var index: Int
    /// How many pieces the bulletin has (2-16).
    public var count: Int
    /// The piece's bytes.
    public var payload: [UInt8]

    /// Payload bytes per fragment, at most.
    public static let payloadBytesMax = Wire.bodyBytesMax - 34
    /// Fragments per bulletin, at most.
    public static let countMax = 16

    /// A fragment.
    public init(id: BulletinID, index: Int, count: Int, payload: [UInt8]) {
        self.id = id
        self.index = index
        self.count = count
        self.payload = payload
    }
}

/// Every message of protocol version 2. Documentation/Protocol.md has the diagrams.
public enum Message: Equatable, Sendable {
    /// Discovery and the store summary.
    case beacon(Beacon)
    /// "Prove you receive at this address": echo `cookie` back.
    case challenge(cookie: UInt64)
    /// The echo of a challenge's cookie.
    case response(cookie: UInt64)
    /// "I have these new bulletins" (1-32 ids).
    case announce([BulletinID])
    /// "Send me these bulletins" (1-32 ids).
    case request([BulletinID])
    /// A whole bulletin that fits one datagram.
    case bulletin([UInt8])
    /// A piece of a large bulletin.
    case fragment(Fragment)
    /// "Send me these pieces again": the id and a bitmap of missing indices.
    case fragmentRequest(id: BulletinID, missing: UInt16)
    /// A reconciliation payload of session `session`; `fromInitiator` tells its direction.
    case sync(session: UInt32, fromInitiator: Bool, payload: [UInt8])
    /// Bulk transfer: "stream me these ranges and ids" (Documentation/Transfer.md).
    case transferRequest(TransferRequest)
    /// Bulk transfer: a numbered datagram of whole bulletins.
    case transferData(TransferData)
    /// Bulk transfer: which datagram numbers arrived.
    case transferAck(TransferAck)
    /// Asks for attachment blocks by content id (1 to `idsMax`; Documentation/Attachments.md).
    case blockRequest([ContentID])
    /// One attachment block: its id is the SHA-256 of these bytes (0 to 1,024 of them).
    case blockData([UInt8])
    /// Blocks asked for that the sender will not send now (it does not hold them, or the
    /// asker is past its serving rate): ask someone else at once.
    case blockMissing([ContentID])

    /// Ids per announce or request, at most.
    public static let idsMax = 32
    /// Reconciliation payload bytes, at most: the engine's limit (`Reconciliation.payloadBytesMax`,
    /// 1,100), not all the datagram could hold (1,187); the codec refuses a longer one.
    public static let syncPayloadBytesMax = Reconciliation.payloadBytesMax

    /// The message's type code.
    public var type: MessageType {
        switch self {
        case .beacon: return .beacon
        case .challenge: return .challenge
        case .response: return .response
        case .announce: return .announce
        case .request: return .request
        case .bulletin: return .bulletin
        case .fragment: return .fragment
        case .fragmentRequest: return .fragmentRequest
        case .sync: return .sync
        case .transferRequest: return .transferRequest
        case .transferData: return .transferData
        case .transferAck: return .transferAck
        case .blockRequest: return .blockRequest
        case .blockData: return .blockData
        case .blockMissing: return .blockMissing
        }
    }
}
