#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The outcome of asking to join or leave a multicast group on one interface.
public enum MulticastMembership: Equatable, Sendable {
    /// The socket joined (or left) the group on the interface.
    case changed
    /// Nothing to do: the socket was already a member (join) or was not one (leave).
    case unchanged
}

/// One interface's answer in `UDPSocket.joinMulticastGroup(_:onEvery:)`.
public struct MulticastJoinResult: Sendable {
    /// The interface.
    public let interface: NetworkInterface
    /// Joined, already a member, or why not.
    public let outcome: Result<MulticastMembership, SystemError>
}

extension UDPSocket {
    /// Joins the IPv6 multicast `group` (its port and scope are ignored) on the interface with
    /// `interfaceIndex`, with `setsockopt(IPV6_JOIN_GROUP)`. Joining twice is `.unchanged`.
    ///
    /// A link-local group must be joined per interface: the daemon joins on every interface that
    /// is up and multicast-capable (`InterfaceSnapshot.multicastInterfaces`) and again when one
    /// appears. The kernel drops the membership itself when an interface goes away.
    public func joinMulticastGroup(
        _ group: SocketAddress, interfaceIndex: UInt32
    ) throws(SystemError) -> MulticastMembership {
        try changeMembership(group, interfaceIndex: interfaceIndex, option: IPV6_ADD_MEMBERSHIP,
                             name: "IPV6_JOIN_GROUP", unchangedCode: EADDRINUSE)
    }

    /// Joins `group` on each of `interfaces` (normally `snapshot.multicastInterfaces`), with
    /// `setsockopt(IPV6_JOIN_GROUP)`, and reports each one's outcome rather than stopping at the
    /// first failure: one odd interface must not keep the others from hearing beacons. Call it
    /// again after every interface change; interfaces already joined answer `.unchanged`.
    public func joinMulticastGroup(_ group: SocketAddress, onEvery interfaces: [NetworkInterface]) -> [MulticastJoinResult] {
        interfaces.map { interface in
            do throws(SystemError) {
                let membership = try joinMulticastGroup(group, interfaceIndex: interface.index)
                return MulticastJoinResult(interface: interface, outcome: .success(membership))
            } catch {
                return MulticastJoinResult(interface: interface, outcome: .failure(error))
            }
        }
    }

    /// Leaves the IPv6 multicast `group` on the interface with `interfaceIndex`, with
    /// `setsockopt(IPV6_LEAVE_GROUP)`. Leaving a group the socket is not in is `.unchanged`.
    public func leaveMulticastGroup(
        _ group: SocketAddress, interfaceIndex: UInt32
    ) throws(SystemError) -> MulticastMembership {
        try changeMembership(group, interfaceIndex: interfaceIndex, option: IPV6_DROP_MEMBERSHIP,
                             name: "IPV6_LEAVE_GROUP", unchangedCode: EADDRNOTAVAIL)
    }

    /// Chooses the interface for multicast sent without a scope, with
    /// `setsockopt(IPV6_MULTICAST_IF)` (0: the kernel's choice). Giving each multicast
    /// destination its interface as scope (`group.withScope(index)`) does the same per datagram
    /// and is what the daemon uses.
    public func setMulticastInterface(index: UInt32) throws {
        try SocketCalls.setOption(descriptor, level: Int32(IPPROTO_IPV6), option: IPV6_MULTICAST_IF,
                                  value: Int32(bitPattern: index), name: "IPV6_MULTICAST_IF")
    }

    /// Whether multicast this socket sends comes back to this host's own sockets, with
    /// `setsockopt(IPV6_MULTICAST_LOOP)` or `setsockopt(IP_MULTICAST_LOOP)`. Off by default.
    public func setMulticastLoop(_ enabled: Bool) throws {
        if requestedAddress.isIPv4 {
            try SocketCalls.setOption(descriptor, level: Int32(IPPROTO_IP), option: IP_MULTICAST_LOOP,
                                      value: enabled ? 1 : 0, name: "IP_MULTICAST_LOOP")
        } else {
            try SocketCalls.setOption(descriptor, level: Int32(IPPROTO_IPV6), option: IPV6_MULTICAST_LOOP,
                                      value: enabled ? 1 : 0, name: "IPV6_MULTICAST_LOOP")
        }
    }

    private func changeMembership(
        _ group: SocketAddress, interfaceIndex: UInt32, option: Int32, name: String, unchangedCode: Int32
    ) throws(SystemError) -> MulticastMembership {
        guard case .ipv6(let high, let low, _, _) = group else {
            throw SystemError("setsockopt(\(name)) \(group)", code: EAFNOSUPPORT)
        }
        var request = ipv6_mreq()
        request.ipv6mr_multiaddr = SocketAddress.in6Address(high: high, low: low)
        request.ipv6mr_interface = interfaceIndex
        while true {
            let result = setsockopt(descriptor, Int32(IPPROTO_IPV6), option, &request,
                                    socklen_t(MemoryLayout<ipv6_mreq>.size))
            if result == 0 { return .changed }
            let code = errno
            if code == EINTR { continue }
            if code == unchangedCode { return .unchanged }
            throw SystemError("setsockopt(\(name)) \(group) on interface \(interfaceIndex)", code: code)
        }
    }
}
