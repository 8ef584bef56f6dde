import Kabar
import KabarPlatform

extension NodeDaemon {
    /// Reads up to `datagramsPerWakeupMax` datagrams from `socket` and gives them to the node
    /// in batches of `datagramsPerBatchMax`: the signatures a batch carries are checked on every
    /// core at once (`ParallelSignatureVerifier`).
    func receiveDatagrams(from socket: UDPSocket) {
        var batch: [(bytes: [UInt8], source: PeerAddress)] = []
        defer { if !batch.isEmpty { perform(node.receive(batch: batch, at: clock.now())) } }
        for _ in 0..<Self.datagramsPerWakeupMax {
            let received: ReceivedDatagram?
            do {
                received = try socket.receive(into: &receiveBuffer)
            } catch {
                logger.log(.warn, "cannot read from UDP port \(sockets.port): \(error)", kind: "receive-failed")
                return
            }
            guard let received else { return }
            if isOwnDatagram(from: received.source) { continue }
            if received.isTruncated || received.datagramByteCount > Wire.datagramBytesMax {
                // Counted and logged by the node, like every datagram it rejects.
                perform(node.receiveOversized(byteCount: received.datagramByteCount, from: PeerAddress(received.source), at: clock.now()))
                continue
            }
            batch.append((Array(receiveBuffer[0..<received.byteCount]), PeerAddress(received.source)))
            if batch.count >= Self.datagramsPerBatchMax {
                perform(node.receive(batch: batch, at: clock.now()))
                batch.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Linux loops IPv4 broadcast back to the sender: a datagram from one of our own
    /// addresses on our own port is our own beacon.
    private func isOwnDatagram(from source: SocketAddress) -> Bool {
        guard source.port == sockets.port, case .ipv4(let address, _) = source else { return false }
        return interfaces.interfaces.contains { $0.ipv4.contains { $0.address == address } }
    }

    /// Sends `datagram` where the node asked.
    func send(_ datagram: [UInt8], to destination: Destination) {
        switch destination {
        case .peer(let peer):
            guard let address = peer.socketAddress else { return }
            send(datagram, to: address)
        case .broadcast:
            guard broadcasts else { return }
            for address in interfaces.directedBroadcastAddresses(port: sockets.port) { send(datagram, to: address) }
            guard sockets.ipv6 != nil else { return }
            for interface in interfaces.multicastInterfaces {
                send(datagram, to: UDPSocket.kabarMulticastGroup.withPort(sockets.port).withScope(interface.index))
            }
        }
    }

    private func send(_ datagram: [UInt8], to address: SocketAddress) {
        guard let socket = sockets.socket(for: address) else { return }
        do {
            switch try socket.send(datagram, to: address) {
            case .sent: break
            case .wouldBlock, .noBufferSpace:
                logger.log(.debug, "send buffer full; dropped a datagram to \(address)", kind: "send-full")
            }
        } catch {
            logger.log(.warn, "cannot send to \(address): \(error)", kind: "send-failed", source: hostText(address))
            // An interface may have gone: look again soon.
            scheduleInterfaceRefresh()
        }
    }

    /// Reads the interface list; logs interfaces that came or went; joins the multicast group
    /// on every multicast interface.
    func refreshInterfaces(at now: Int64, initial: Bool) {
        nextInterfaceRefresh = now + Self.interfaceRefreshInterval
        let snapshot: InterfaceSnapshot
        do {
            snapshot = try NetworkInterfaces.snapshot()
        } catch {
            logger.log(.warn, "cannot list network interfaces: \(error)", kind: "interfaces-failed")
            return
        }
        let changes = snapshot.changes(from: interfaces)
        guard initial || !changes.isEmpty else { return }
        for interface in changes.added where !interface.flags.contains(.loopback) {
            logger.info("interface \(interface.name) came up\(addressText(interface))")
        }
        for interface in changes.removed where !interface.flags.contains(.loopback) {
            logger.info("interface \(interface.name) went away")
        }
        for change in changes.changed {
            let wasUsable = change.before.isUsable, isUsable = change.after.isUsable
            if wasUsable != isUsable {
                logger.info("interface \(change.after.name) \(isUsable ? "came up" : "went down")\(isUsable ? addressText(change.after) : "")")
            } else {
                logger.info("interface \(change.after.name) changed\(addressText(change.after))")
            }
        }
        let cameUp = changes.added.contains { !$0.flags.contains(.loopback) }
            || changes.changed.contains { !$0.before.isUsable && $0.after.isUsable }
        interfaces = snapshot
        joinMulticast()
        // A hotspot that came back, a mule's laptop reaching a hall, or this daemon starting
        // on a network that is already up: be heard at once, and reconcile with the first peer
        // that proves its address instead of waiting for its next beacon.
        if cameUp {
            withNode { node, now in
                node.joinedNetwork(at: now)
                return ((), [])
            }
        }
    }

    private func joinMulticast() {
        guard let ipv6 = sockets.ipv6 else { return }
        for interface in interfaces.multicastInterfaces {
            do {
                if try ipv6.joinMulticastGroup(UDPSocket.kabarMulticastGroup, interfaceIndex: interface.index) == .changed {
                    logger.debug("joined the IPv6 multicast group on \(interface.name)")
                }
            } catch {
                logger.log(.warn, "cannot join the IPv6 multicast group on \(interface.name): \(error)",
                           kind: "multicast-join", source: interface.name)
            }
        }
    }

    private func addressText(_ interface: NetworkInterface) -> String {
        let addresses = interface.ipv4.map(\.description)
        return addresses.isEmpty ? "" : " (" + addresses.joined(separator: ", ") + ")"
    }

    /// The host part of an address, for rate-limit keys (one noisy host, one key).
    func hostText(_ address: SocketAddress) -> String {
        address.withPort(0).description
    }
}
