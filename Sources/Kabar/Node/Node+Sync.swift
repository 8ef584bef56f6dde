// TEMPORARY inert sync until the reconciliation engine lands.
struct SyncState: Sendable {
    var nextDeadline: Instant? { nil }
    mutating func insert(created: UnixTime, id: BulletinID) {}
    mutating func remove(_ id: BulletinID) {}
    mutating func forget(_ address: PeerAddress) {}
}
extension Node {
    mutating func considerSync(with peer: PeerAddress, at now: NodeTime) {}
    mutating func handleSync(session: UInt32, fromInitiator: Bool, payload: [UInt8], from source: PeerAddress, at now: NodeTime) {}
    mutating func tickSync(at now: NodeTime) {}
}
