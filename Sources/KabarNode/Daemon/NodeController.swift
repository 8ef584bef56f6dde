import Kabar

/// What a command running inside the daemon (through the control socket, or from the REPL)
/// may ask of the node. `NodeDaemon` conforms; commands find it as `CommandContext.node`.
public protocol NodeController: AnyObject {
    /// Everything `kabar status` shows.
    func currentStatus() -> NodeStatus
    /// Every peer, by address.
    func currentPeers() -> [PeerStatus]
    /// Starts a reconciliation with every peer now; returns how many peers there are.
    func syncNow() -> Int
    /// Asks the daemon to stop after the current step.
    func requestStop()
}

extension NodeDaemon: NodeController {
    public func currentStatus() -> NodeStatus { status(store: describeStore(node.store)) }

    public func currentPeers() -> [PeerStatus] { peerStatuses() }

    public func syncNow() -> Int {
        withNode { node, now in (node.peerList.count, node.syncNow(at: now)) }
    }
}

extension NodeDaemon {
    /// Stores `bulletin` the way a local post is stored: validated by the node, inserted with
    /// `durability`, then spread to the peers. A lazy insert is flushed within a second (or by
    /// `flushStore()`, as an import does once at its end).
    public func insertThroughNode(_ bulletin: Bulletin, durability: Durability) throws -> InsertOutcome {
        if node.store.contains(bulletin.id) { return .duplicate }
        try withNode { node, now in ((), try node.post(bulletin, durability: durability, at: now)) }
        guard node.store.contains(bulletin.id) else { return .duplicate }
        if durability == .lazy { noteLazyInsert() }
        return .added
    }
}
