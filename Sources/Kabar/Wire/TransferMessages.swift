/// "Stream me these": the receiver of a bulk transfer names what it lacks, by ranges of the
/// reconciliation order (everything the sender holds there) and by ids.
///
///     +---------------+--------------+--------------------------------+-----------+------------------+
///     | stream (u32)  | ranges (u8)  | ranges x range (1 + 16 + 16)   | ids (u8)  | ids x id (32)    |
///     +---------------+--------------+--------------------------------+-----------+------------------+
///     range: flags (bit 0 lower bound present, bit 1 upper) | lower (created i64, id prefix u64) | upper
///     (an absent bound is sent as 16 zero bytes, so every range is 33 bytes)
public struct TransferRequest: Equatable, Sendable {
    /// The stream the data will carry; chosen by the requester, fresh per request.
    public var stream: UInt32
    /// Ranges to send whole.
    public var ranges: [ReconciliationRange]
    /// Single ids to send.
    public var ids: [BulletinID]

    /// Ranges per request, at most.
    public static let rangesMax = 8
    /// Ids per request, at most.
    public static let idsMax = 32
    /// Bytes of one encoded range.
    static let rangeByteCount = 33

    /// A request.
    public init(stream: UInt32, ranges: [ReconciliationRange] = [], ids: [BulletinID] = []) {
        self.stream = stream
        self.ranges = ranges
        self.ids = ids
    }
}

/// One datagram of a bulk transfer: whole bulletins packed back to back.
///
///     +---------------+-------------+-------+-------------------------------------------+
///     | stream (u32)  | seq (u32)   | flags | records: length (u16) | bulletin bytes ... |
///     +---------------+-------------+-------+-------------------------------------------+
///     flags: bit 0 last (the sender's queue is empty after this datagram)
///
/// `seq` numbers datagrams, not bulletins, and is never reused: a lost datagram's bulletins go
/// out again under a new number (QUIC's rule), so an acknowledgement is never ambiguous.
public struct TransferData: Equatable, Sendable {
    /// The stream.
    public var stream: UInt32
    /// The datagram's number in the stream, from 0.
    public var seq: UInt32
    /// True when the sender has nothing more queued.
    public var isLast: Bool
    /// Whole bulletin encodings (none only in a bare `last` datagram).
    public var records: [[UInt8]]

    /// Bytes before the records.
    public static let headerByteCount = 9
    /// Room for records (each costs 2 bytes of length plus its bytes).
    public static let recordBytesMax = Wire.bodyBytesMax - headerByteCount
    /// The largest bulletin a data datagram carries; larger ones go as fragments.
    public static let bulletinBytesMax = recordBytesMax - 2

    /// A data datagram.
    public init(stream: UInt32, seq: UInt32, isLast: Bool, records: [[UInt8]]) {
        self.stream = stream
        self.seq = seq
        self.isLast = isLast
        self.records = records
    }
}

/// The receiver's acknowledgement of a stream: which datagram numbers arrived, as ranges.
///
///     +---------------+-------+--------------+--------------------------------------+
///     | stream (u32)  | flags | count (u8)   | count x range: high (u32) low (u32)  |
///     +---------------+-------+--------------+--------------------------------------+
///     ranges inclusive, each written highest seq first; newest first, each range's high below
///     the previous range's low; flags: bit 0 the receiver has stopped (it wants no more of
///     this stream)
public struct TransferAck: Equatable, Sendable {
    /// The stream.
    public var stream: UInt32
    /// The receiver wants no more (it shut the stream).
    public var stop: Bool
    /// Received datagram numbers, inclusive ranges, newest first.
    public var ranges: [ClosedRange<UInt32>]

    /// Ranges per acknowledgement, at most.
    public static let rangesMax = 32

    /// An acknowledgement.
    public init(stream: UInt32, stop: Bool = false, ranges: [ClosedRange<UInt32>]) {
        self.stream = stream
        self.stop = stop
        self.ranges = ranges
    }
}
