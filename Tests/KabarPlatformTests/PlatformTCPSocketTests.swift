import Glibc
@testable import KabarPlatform
import Testing

/// Loopback TCP: real sockets on 127.0.0.1 and ::1 only, no sleeps. Each wait is a `poll` that
/// returns as soon as the bytes are there; its timeout only matters when something is broken.
@Suite struct PlatformTCPSocketTests {
    static let hasIPv6Loopback = (try? TCPListener(binding: .ipv6Loopback(port: 0))) != nil
    /// ::ffff:127.0.0.1: how a dual-stack socket names an IPv4 loopback client.
    static let mappedLoopback = SocketAddress.ipv6(high: 0, low: 0x0000_ffff_7f00_0001, scope: 0, port: 0)

    @Test func roundTripOverIPv4Loopback() throws {
        try roundTrip(listeningOn: .ipv4Loopback(port: 0))
    }

    @Test(.enabled(if: hasIPv6Loopback, "this machine has no ::1"))
    func roundTripOverIPv6Loopback() throws {
        try roundTrip(listeningOn: .ipv6Loopback(port: 0))
    }

    @Test(.enabled(if: hasIPv6Loopback, "this machine has no IPv6"))
    func anIPv6ListenerTakesIPv4ClientsAndNamesThemAsIPv4() throws {
        // Binding an IPv4-mapped address works only with IPV6_V6ONLY off, as on [::].
        let listener = try TCPListener(binding: Self.mappedLoopback)
        let client = try TCPConnection.connect(to: .ipv4Loopback(port: listener.localPort), until: deadline())
        try waitReadable(listener.descriptor)
        let server = try #require(try listener.accept())
        #expect(server.peerAddress == (try client.localAddress()))
        #expect(server.peerAddress.isIPv4)
    }

    @Test func portZeroPicksAFreePortAndLocalPortTellsIt() throws {
        let listener = try TCPListener(binding: .ipv4Loopback(port: 0))
        #expect(listener.localPort != 0)
        #expect(listener.localAddress == .ipv4Loopback(port: listener.localPort))
    }

    @Test func nobodyWaitingMeansAcceptGivesNil() throws {
        let listener = try TCPListener(binding: .ipv4Loopback(port: 0))
        #expect(try listener.accept() == nil)
    }

    @Test func aSecondListenerOnATakenPortIsAddressInUse() throws {
        let first = try TCPListener(binding: .ipv4Loopback(port: 0))
        let taken = SocketAddress.ipv4Loopback(port: first.localPort)
        #expect(throws: TCPSocketError.addressInUse(taken)) { try TCPListener(binding: taken) }
        _ = try TCPConnection.connect(to: taken, until: deadline())  // the first still answers
    }

    @Test(.enabled(if: getuid() != 0 && unprivilegedPortStart() > 80, "root (or a low unprivileged port start) may bind port 80"))
    func port80WithoutTheCapabilityIsPermissionDenied() throws {
        #expect(throws: TCPSocketError.permissionDenied(.ipv4Loopback(port: 80))) {
            try TCPListener(binding: .ipv4Loopback(port: 80))
        }
    }

    @Test func bindFailuresACallerFallsBackOnAreTypedAndOthersAreNot() {
        let address = SocketAddress.ipv4Loopback(port: 80)
        #expect(TCPListener.typed(SystemError("bind", code: EACCES), address: address) as? TCPSocketError == .permissionDenied(address))
        #expect(TCPListener.typed(SystemError("bind", code: EADDRINUSE), address: address) as? TCPSocketError == .addressInUse(address))
        #expect(TCPListener.typed(SystemError("bind", code: EINVAL), address: address) as? SystemError == SystemError("bind", code: EINVAL))
    }

    @Test func connectingWhereNobodyListensIsRefused() throws {
        let listener = try TCPListener(binding: .ipv4Loopback(port: 0))
        let address = SocketAddress.ipv4Loopback(port: listener.localPort)
        listener.close()
        #expect(throws: SystemError("connect(\(address))", code: ECONNREFUSED)) {
            try TCPConnection.connect(to: address, until: deadline())
        }
    }

    @Test func aFullSocketBufferIsNilAndAPeerThatLeftIsAnErrorNotASignal() throws {
        let (listener, client, server) = try connectedPair()
        let chunk = [UInt8](repeating: 0x6B, count: 65_536)
        var taken = 0
        for _ in 0..<1_000 {  // bounded: a bug fails, never hangs
            guard let written = try chunk.withUnsafeBytes({ try client.write($0) }) else { break }
            taken += written
        }
        #expect(taken > 0)
        #expect(try chunk.withUnsafeBytes { try client.write($0) } == nil)
        server.close()  // unread bytes: the kernel answers with a reset
        var failed = false
        for _ in 0..<1_000 where !failed {
            do { _ = try chunk.withUnsafeBytes { try client.write($0) } } catch let error as SystemError {
                #expect(error.code == ECONNRESET || error.code == EPIPE)
                failed = true
            }
            if !failed { _ = try? SocketCalls.wait(client.descriptor, for: .writable, until: deadline()) }
        }
        #expect(failed)
        _ = listener
    }

    @Test func shutdownWritingLetsThePeerReadEverythingThenEndOfStream() throws {
        let (listener, client, server) = try connectedPair()
        try server.writeAll(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8), until: deadline())
        try server.shutdownWriting()
        var buffer = [UInt8](repeating: 0, count: 256)
        #expect(try client.read(into: &buffer, until: deadline()) == .bytes(28))
        #expect(try client.read(into: &buffer, until: deadline()) == .endOfStream)
        try client.writeAll(Array("still heard".utf8), until: deadline())  // the server can still read
        #expect(try server.read(into: &buffer, until: deadline()) == .bytes(11))
        _ = listener
    }

    @Test func aReadWithNothingThereWaitsUntilItsDeadline() throws {
        let (listener, client, server) = try connectedPair()
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(try client.read(into: &buffer) == .wouldBlock)
        #expect(throws: TCPSocketError.timedOut(client.peerAddress)) {
            try client.read(into: &buffer, until: MonotonicClock.now() + 2_000)
        }
        _ = (listener, server)  // held open: released, the server's end would close
    }

    private func roundTrip(listeningOn address: SocketAddress) throws {
        let listener = try TCPListener(binding: address)
        #expect(try listener.accept() == nil)
        let client = try TCPConnection.connect(to: address.withPort(listener.localPort), until: deadline())
        try waitReadable(listener.descriptor)
        let server = try #require(try listener.accept())
        #expect(server.peerAddress == (try client.localAddress()))

        try client.writeAll(Array("GET / HTTP/1.1\r\n\r\n".utf8), until: deadline())
        var buffer = [UInt8](repeating: 0, count: 64)
        guard case .bytes(let count) = try server.read(into: &buffer, until: deadline()) else {
            Issue.record("no bytes")
            return
        }
        #expect(Array(buffer.prefix(count)) == Array("GET / HTTP/1.1\r\n\r\n".utf8))
        try server.writeAll(Array("ok".utf8), until: deadline())
        #expect(try client.read(into: &buffer, until: deadline()) == .bytes(2))
        client.close()
        #expect(try server.read(into: &buffer, until: deadline()) == .endOfStream)
    }

    private func connectedPair() throws -> (TCPListener, TCPConnection, TCPConnection) {
        let listener = try TCPListener(binding: .ipv4Loopback(port: 0))
        let client = try TCPConnection.connect(to: listener.localAddress, until: deadline())
        try waitReadable(listener.descriptor)
        return (listener, client, try #require(try listener.accept()))
    }
}

/// One second from now: long enough for any loopback step, short enough that a bug fails fast.
private func deadline() -> Int64 { MonotonicClock.now() + 1_000_000 }

/// `net.ipv4.ip_unprivileged_port_start` (1024 when it cannot be read).
private func unprivilegedPortStart() -> Int {
    guard let file = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "r") else { return 1024 }
    defer { fclose(file) }
    var value: Int32 = 1024
    return withUnsafeMutablePointer(to: &value) { pointer in
        withVaList([pointer]) { vfscanf(file, "%d", $0) } == 1 ? Int(pointer.pointee) : 1024
    }
}
