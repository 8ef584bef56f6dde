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
    /// A reconciliation with `peer` ended: its round trips, the reconciliation bytes each way
    /// (bulletins pulled afterwards not counted) and how many differences it found.
    case syncFinished(peer: PeerAddress, roundTrips: Int, bytesSent: Int, bytesReceived: Int, differences: Int)
}
