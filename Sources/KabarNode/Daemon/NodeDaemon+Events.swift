import Kabar

extension NodeDaemon {
    /// Logs `event` in words, notes lazy inserts, and tells the observer.
    func report(_ event: NodeEvent) {
        switch event {
        case .bulletinStored(let id, let source):
            let channel = node.store.summary(id)?.channel ?? "?"
            if let source {
                noteLazyInsert()
                logger.log(.info, "stored \(id.short) on \(channel) from \(source)", kind: "stored", source: source.description)
            } else {
                logger.info("stored \(id.short) on \(channel) (posted here)")
            }
        case .duplicateReceived(let id, let source):
            logger.log(.debug, "already had \(id.short) from \(source)", kind: "duplicate", source: source.description)
        case .peerDiscovered(let address):
            logger.log(.info, "peer \(address) discovered", kind: "peer-discovered", source: address.description)
        case .peerLost(let address):
            logger.log(.info, "peer \(address) lost (not heard from for \(node.configuration.peerTimeout))",
                       kind: "peer-lost", source: address.description)
        case .datagramRejected(let source, let reason):
            logger.log(.warn, "rejected datagram from \(source): \(reason)", kind: "datagram-rejected", source: hostText(source))
        case .bulletinRejected(let rejection):
            logger.log(.warn, "rejected bulletin \(rejection)", kind: "bulletin-rejected",
                       source: rejection.source.map(hostText) ?? "local")
        case .syncFinished(let peer, let roundTrips, let bytesSent, let bytesReceived, let differences):
            logger.log(.info, "synced with \(peer): \(differences) differences, \(roundTrips) round trips, \(bytesSent) bytes sent, \(bytesReceived) received",
                       kind: "sync", source: peer.description)
        case .transferFinished(let summary):
            let rate = summary.duration.seconds > 0 ? Int(Double(summary.bulletins) / summary.duration.seconds) : summary.bulletins
            logger.log(.info, "sent \(summary.bulletins) bulletins to \(summary.peer) in \(summary.duration) (\(rate)/s, \(summary.bytes) bytes, \(summary.lost) datagrams lost)\(summary.complete ? "" : ": stopped before the end, the next sync resumes")",
                       kind: "transfer", source: summary.peer.description)
        case .bulletinRemoved(let id):
            // The node already dropped it with a tombstone; make that durable soon.
            noteLazyInsert()
            logger.log(.info, "removed \(id.short): retracted, hidden or blocked", kind: "removed", source: "trust")
        case .bulletinEvicted(let id):
            logger.log(.info, "evicted \(id.short): the store is at its disk quota (kabar.conf quota)", kind: "evicted", source: "store")
        case .clockWarning(let estimate):
            if let warning = estimate.warning {
                logger.log(.warn, warning.en, kind: "clock", source: "clock")
            } else {
                logger.info("this node's clock agrees with its peers again")
            }
        case .attachmentStored(let root):
            logger.log(.debug, "stored attachment \(root.short)", kind: "attachment", source: "blocks")
        }
        eventObserver?(event)
    }

    /// The host part of a peer address, for rate-limit keys.
    func hostText(_ address: PeerAddress) -> String {
        address.socketAddress.map { hostText($0) } ?? address.description
    }
}
