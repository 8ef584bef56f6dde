import Glibc
import KabarPlatform
import Testing

@Suite struct PlatformUnixSocketTests {
    @Test func roundTripThroughAPrivateSocket() throws {
        let temporary = try TemporaryDirectory()
        let directory = temporary.path
        let path = directory + "/control.sock"
        let listener = try UnixListener(listeningAt: path)
        var info = stat()
        #expect(lstat(path, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try listener.accept() == nil)

        let client = try UnixConnection.connect(to: path)
        try waitReadable(listener.descriptor)
        let server = try #require(try listener.accept())
        let credentials = try server.peerCredentials()
        #expect(credentials.userID == getuid())
        #expect(credentials.processID == getpid())

        try client.writeAll(Array("status\n".utf8))
        var buffer = [UInt8](repeating: 0, count: 64)
        let deadline = MonotonicClock.now() + 1_000_000
        guard case .bytes(let count) = try server.read(into: &buffer, until: deadline) else {
            Issue.record("no bytes")
            return
        }
        #expect(Array(buffer.prefix(count)) == Array("status\n".utf8))
        try server.writeAll(Array("ok\n".utf8))
        #expect(try client.read(into: &buffer, until: deadline) == .bytes(3))
        client.close()
        #expect(try server.read(into: &buffer, until: deadline) == .endOfStream)
        listener.close()
        #expect(access(path, F_OK) != 0)  // the socket file is gone
    }

    @Test func partialWritesCarryOnUntilEverythingIsThere() throws {
        let temporary = try TemporaryDirectory()
        let directory = temporary.path
        let listener = try UnixListener(listeningAt: directory + "/s")
        let client = try UnixConnection.connect(to: listener.path)
        try waitReadable(listener.descriptor)
        let server = try #require(try listener.accept())
        let payload = (0..<2_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

        // More than a socket buffer holds: the first write is partial.
        let first = try #require(try payload.withUnsafeBytes { try client.write($0) })
        #expect(first > 0 && first < payload.count)
        // With nobody reading, waiting for room ends at the deadline.
        #expect(throws: UnixSocketError.timedOut(path: listener.path)) {
            try client.writeAll(Array(payload[first...]), until: MonotonicClock.now() + 5_000)
        }

        // Alternate writing and reading on one thread until every byte has crossed.
        let fresh = try UnixConnection.connect(to: listener.path)
        try waitReadable(listener.descriptor)
        let receiver = try #require(try listener.accept())
        var sent = 0
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        for _ in 0..<100_000 where received.count < payload.count {  // bounded: a bug fails, never hangs
            if sent < payload.count, let written = try write(payload, from: sent, to: fresh) {
                sent += written
            }
            if case .bytes(let count) = try receiver.read(into: &buffer) { received += buffer.prefix(count) }
        }
        #expect(received == payload)
        _ = server
    }

    @Test func secondListenerOnALivePathIsRefusedAndLeavesItAlone() throws {
        let temporary = try TemporaryDirectory()
        let directory = temporary.path
        let path = directory + "/control.sock"
        let first = try UnixListener(listeningAt: path)
        #expect(throws: UnixSocketError.alreadyInUse(path: path)) { try UnixListener(listeningAt: path) }
        _ = try UnixConnection.connect(to: path)  // the first still answers
        first.close()
    }

    @Test func staleSocketLeftByADeadDaemonIsReplaced() throws {
        let temporary = try TemporaryDirectory()
        let directory = temporary.path
        let live = directory + "/live.sock"
        let stale = directory + "/stale.sock"
        let original = try UnixListener(listeningAt: live)
        #expect(link(live, stale) == 0)  // a second name for the same socket
        #expect(throws: UnixSocketError.alreadyInUse(path: stale)) { try UnixListener(listeningAt: stale) }
        original.close()  // now nobody listens behind `stale`: like a daemon killed with -9
        let replacement = try UnixListener(listeningAt: stale)
        _ = try UnixConnection.connect(to: stale)
        replacement.close()
    }

    @Test func fileThatIsNotASocketIsNeverRemoved() throws {
        let temporary = try TemporaryDirectory()
        let directory = temporary.path
        let path = directory + "/control.sock"
        let file = open(path, O_CREAT | O_WRONLY, 0o644)
        #expect(file >= 0)
        close(file)
        #expect(throws: UnixSocketError.notASocket(path: path)) { try UnixListener(listeningAt: path) }
        #expect(access(path, F_OK) == 0)
        unlink(path)
    }

    @Test func unusablePathsAndAMissingListenerAreTypedErrors() throws {
        let long = "/tmp/" + String(repeating: "k", count: 120)
        #expect(throws: UnixSocketError.pathTooLong(path: long, byteCount: 125)) { try UnixListener(listeningAt: long) }
        #expect(throws: UnixSocketError.invalidPath(path: "/tmp/a\u{0}b")) { try UnixConnection.connect(to: "/tmp/a\u{0}b") }
        #expect(throws: UnixSocketError.invalidPath(path: "")) { try UnixConnection.connect(to: "") }
        #expect(throws: SystemError("connect(/nonexistent/kabar.sock)", code: ENOENT)) {
            try UnixConnection.connect(to: "/nonexistent/kabar.sock")
        }
    }

    private func write(_ bytes: [UInt8], from offset: Int, to connection: UnixConnection) throws -> Int? {
        try bytes.withUnsafeBytes { try connection.write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
    }
}

/// A fresh private directory (`mkdtemp`), removed with what is in it when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/kabar-platform-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw SystemError("mkdtemp") }
        path = String(cString: created)
    }

    deinit {
        if let listing = opendir(path) {
            while let entry = readdir(listing) {
                var name = entry.pointee.d_name
                let text = withUnsafeBytes(of: &name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if text != "." && text != ".." { unlink(path + "/" + text) }
            }
            closedir(listing)
        }
        rmdir(path)
    }
}
