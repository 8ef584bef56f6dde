import Glibc
import KabarPlatform
import Testing

/// Loopback UDP: real sockets, no sleeps. Each wait is a `poll` that returns as soon as the
/// datagram is there; its timeout only matters when something is broken.
@Suite struct PlatformUDPSocketTests {
    static let hasIPv6Loopback = (try? UDPSocket(binding: .ipv6Loopback(port: 0))) != nil

    @Test func roundTripOverIPv4Loopback() throws {
        try roundTrip(bindingTo: .ipv4Loopback(port: 0))
    }

    @Test(.enabled(if: hasIPv6Loopback, "this machine has no ::1"))
    func roundTripOverIPv6Loopback() throws {
        try roundTrip(bindingTo: .ipv6Loopback(port: 0))
    }

    @Test func kernelPortIsReadBackWithGetsockname() throws {
        let socket = try UDPSocket(binding: .ipv4Loopback(port: 0))
        let bound = try socket.localAddress()
        #expect(bound.port != 0)
        #expect(bound.withPort(0) == .ipv4Loopback(port: 0))
    }

    @Test func emptySocketReceivesNilInsteadOfBlocking() throws {
        let socket = try UDPSocket(binding: .ipv4Loopback(port: 0))
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(try socket.receive(into: &buffer) == nil)
    }

    @Test func oversizeDatagramIsReportedAsTruncated() throws {
        let receiver = try UDPSocket(binding: .ipv4Loopback(port: 0))
        let sender = try UDPSocket(binding: .ipv4Loopback(port: 0))
        let payload = [UInt8](0..<100)
        #expect(try sender.send(payload, to: receiver.localAddress()) == .sent(byteCount: 100))
        try waitReadable(receiver.descriptor)
        var buffer = [UInt8](repeating: 0, count: 10)
        let datagram = try #require(try receiver.receive(into: &buffer))
        #expect(datagram.isTruncated)
        #expect(datagram.byteCount == 10)
        #expect(datagram.datagramByteCount == 100)
        #expect(buffer == Array(payload.prefix(10)))
        #expect(try receiver.receive(into: &buffer) == nil)
    }

    @Test(.enabled(if: hasIPv6Loopback, "this machine has no ::1"))
    func ipv4AndIPv6SocketsShareOnePort() throws {
        let ipv6 = try UDPSocket(binding: .ipv6Any(port: 0))
        let port = try ipv6.localAddress().port
        let ipv4 = try UDPSocket(binding: .ipv4Any(port: port))
        #expect(try ipv4.localAddress() == .ipv4Any(port: port))
    }

    @Test func reuseAddressLetsASecondSocketBindTheSamePort() throws {
        // Linux lets two UDP sockets that both set SO_REUSEADDR share a port (broadcast and
        // multicast reach both; unicast reaches one). So binding cannot tell the daemon that
        // another node already runs here: it needs its own lock. Pinned so a change is noticed.
        let first = try UDPSocket(binding: .ipv4Loopback(port: 0))
        let port = try first.localAddress().port
        let second = try UDPSocket(binding: .ipv4Loopback(port: port))
        #expect(try second.localAddress().port == port)
    }

    @Test(.enabled(if: hasIPv6Loopback, "this machine has no ::1"))
    func unreachableDestinationIsATypedErrorTheDaemonSurvives() throws {
        let socket = try UDPSocket(binding: .ipv6Any(port: 0))
        // A scope naming no interface has no route: Linux answers ENETUNREACH.
        let nowhere = SocketAddress.ipv6(high: 0xfe80_0000_0000_0000, low: 1, scope: 999_999, port: 9)
        #expect(throws: UDPSendError(reason: .networkUnreachable, destination: nowhere, code: ENETUNREACH)) {
            try socket.send([1], to: nowhere)
        }
        #expect(try socket.send([1], to: .ipv6Loopback(port: 9)) == .sent(byteCount: 1))
    }

    static let hasMulticastInterface = ((try? NetworkInterfaces.snapshot().multicastInterfaces) ?? []).isEmpty == false

    @Test(.enabled(if: hasMulticastInterface, "this machine has no multicast-capable interface"))
    func joiningTheMulticastGroupTwiceIsUnchanged() throws {
        let socket = try UDPSocket(binding: .ipv6Any(port: 0))
        let index = try #require(try NetworkInterfaces.snapshot().multicastInterfaces.first?.index)
        #expect(try socket.joinMulticastGroup(UDPSocket.kabarMulticastGroup, interfaceIndex: index) == .changed)
        #expect(try socket.joinMulticastGroup(UDPSocket.kabarMulticastGroup, interfaceIndex: index) == .unchanged)
        #expect(try socket.leaveMulticastGroup(UDPSocket.kabarMulticastGroup, interfaceIndex: index) == .changed)
        #expect(try socket.leaveMulticastGroup(UDPSocket.kabarMulticastGroup, interfaceIndex: index) == .unchanged)
    }

    @Test(.enabled(if: hasMulticastInterface, "this machine has no multicast-capable interface"))
    func joiningOnEveryInterfaceReportsEachOutcome() throws {
        let socket = try UDPSocket(binding: .ipv6Any(port: 0))
        let good = try #require(try NetworkInterfaces.snapshot().multicastInterfaces.first)
        let gone = NetworkInterface(name: "gone0", index: 999_999, flags: good.flags, ipv4: [], ipv6: [])
        let results = socket.joinMulticastGroup(UDPSocket.kabarMulticastGroup, onEvery: [good, gone, good])
        #expect(results.map(\.interface.name) == [good.name, "gone0", good.name])
        #expect(try results[0].outcome.get() == .changed)
        #expect(throws: SystemError.self) { try results[1].outcome.get() }
        #expect(try results[2].outcome.get() == .unchanged)
    }

    private func roundTrip(bindingTo address: SocketAddress) throws {
        let receiver = try UDPSocket(binding: address)
        let sender = try UDPSocket(binding: address)
        let receiverAddress = try receiver.localAddress()
        let senderAddress = try sender.localAddress()
        #expect(receiverAddress.port != 0)
        let payload: [UInt8] = Array("kabar".utf8)
        #expect(try sender.send(payload, to: receiverAddress) == .sent(byteCount: payload.count))
        try waitReadable(receiver.descriptor)
        var buffer = [UInt8](repeating: 0, count: 1200)
        let datagram = try #require(try receiver.receive(into: &buffer))
        #expect(Array(buffer.prefix(datagram.byteCount)) == payload)
        #expect(!datagram.isTruncated)
        #expect(datagram.source == senderAddress)
    }
}

/// Waits (poll, up to a second: returns at once when data is there) until `descriptor` is readable.
func waitReadable(_ descriptor: Int32, sourceLocation: SourceLocation = #_sourceLocation) throws {
    var poller = Poller()
    poller.watch(descriptor, for: .readable)
    let ready = try poller.wait(timeoutMilliseconds: 1_000)
    #expect(ready.map(\.descriptor) == [descriptor], sourceLocation: sourceLocation)
}
