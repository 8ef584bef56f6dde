// Commands an operator gives a running node (through the control socket or the REPL).
extension Node {
    /// Reconcile with every known peer now: beacon at once (so peers compare fingerprints) and
    /// start a reconciliation with each validated peer, whatever the fingerprints and cooldown
    /// say (`considerSync(force:)`).
    public mutating func syncNow(at now: NodeTime) -> [NodeAction] {
        sendBeacons(at: now.monotonic)
        for address in peers.keys.sorted() { considerSync(with: address, at: now, force: true) }
        return drain()
    }
}
