/// What a `Node` asks of its driver after an input. The driver carries out every action, in
/// order, before it gives the node its next input ("after every input, drain the outputs").
public enum NodeAction: Sendable {
    /// Send `datagram` (at most `Wire.datagramBytesMax` bytes) to `destination`.
    case send(_ datagram: [UInt8], to: Destination)
    /// Something happened that the operator, a log or a metric may want to know.
    case event(NodeEvent)
}

/// Things a node reports. Drivers log them, the REPL shows them, the simulator measures them.
/// New cases will be added: switch over this with a `default`.
public enum NodeEvent: Sendable {
    /// A bulletin new to this node passed validation and was stored. `source` is nil for a
    /// local post.
    case bulletinStored(BulletinID, source: PeerAddress?)
    /// A copy of a bulletin this node already had arrived: redundant airtime.
    case duplicateReceived(BulletinID, source: PeerAddress)
    /// A peer was heard from for the first time (or again after it was lost).
    case peerDiscovered(PeerAddress)
    /// A peer was not heard from for too long and left the peer table.
    case peerLost(PeerAddress)
    /// A datagram could not be decoded (remote error: counted, never fatal).
    case datagramRejected(source: PeerAddress, reason: WireError)
    /// A bulletin failed validation or admission and was neither stored nor passed on.
    case bulletinRejected(BulletinRejection)
    /// A stored bulletin was dropped by the trust rules (retracted, hidden or blocked).
    case bulletinRemoved(BulletinID)
    /// The store evicted a bulletin to stay within its disk quota (Documentation/Store.md).
    case bulletinEvicted(BulletinID)
    /// The judgement of the node's own clock changed: `estimate.warning` says what to tell the
    /// operator (nil when the clock looks right again).
    case clockWarning(ClockEstimate)
    /// A reconciliation with `peer` ended: its round trips, the reconciliation bytes each way
    /// (bulletins pulled afterwards not counted) and how many differences it found.
    case syncFinished(peer: PeerAddress, roundTrips: Int, bytesSent: Int, bytesReceived: Int, differences: Int)
    /// A bulk transfer this node sent ended, delivered or abandoned (Documentation/Transfer.md).
    case transferFinished(TransferSummary)
    /// Every block of an attachment a post lists is now held here (fetched from peers).
    case attachmentStored(ContentID)
}

/// Why a bulletin was turned away, for logs, the REPL and metrics.
public struct BulletinRejection: Sendable, CustomStringConvertible {
    /// Its id, when the bytes decoded far enough to have one.
    public let id: BulletinID?
    /// Who sent it; nil for a local post.
    public let source: PeerAddress?
    /// The format or signature error, when that was the reason.
    public let error: BulletinError?
    /// What a person reads.
    public let message: Localized

    /// A rejection.
    public init(id: BulletinID?, source: PeerAddress?, error: BulletinError?, message: Localized) {
        self.id = id
        self.source = source
        self.error = error
        self.message = message
    }

    public var description: String {
        "\(id?.short ?? "?") from \(source?.description ?? "local"): \(message.en)"
    }
}
