import Foundation
import KabarHTTP
import KabarNode
import KabarPlatform
import Testing

/// A clock the test moves by hand: the server's `monotonicNow` and `dropIdle(now:)` read it.
final class ManualClock: @unchecked Sendable {
    var now: Int64 = 1_000_000_000
}

/// A real `HTTPServer` on 127.0.0.1 and a port the kernel picks, on a loop the test steps by
/// hand. The default handler echoes the method, path and body size.
final class WebHarness {
    let loop = DaemonLoop()
    let clock = ManualClock()
    let server: HTTPServer
    private(set) var clients: [HTTPClient] = []

    init(limits: HTTPLimits = HTTPLimits(), handler: HTTPServer.Handler? = nil) throws {
        let logger = Logger(level: .error, monotonicNow: { 0 }, wallNow: { 0 }, write: { _ in })
        let clock = clock
        let listener = try TCPListener(binding: .ipv4Loopback(port: 0))
        var seen: (HTTPClient) -> Void = { _ in }
        server = HTTPServer(listener: listener, loop: loop, logger: logger, limits: limits, monotonicNow: { clock.now }) { request, client in
            seen(client)
            return handler?(request, client) ?? .plainText(.ok, "\(request.method) \(request.path) \(request.body.count)")
        }
        seen = { [unowned self] in self.clients.append($0) }
    }

    deinit { server.close() }

    /// Connects a raw client socket.
    func connect() throws -> TestClient {
        TestClient(try TCPConnection.connect(to: server.localAddress, until: MonotonicClock.now() + 1_000_000))
    }

    /// One turn of the loop, waiting at most 10 ms for a descriptor (only a broken test waits).
    func step() throws {
        try loop.runOnce(until: MonotonicClock.now() + 10_000)
    }

    /// Steps the loop until `done` holds; false after 1,000 turns. Conditions, not time,
    /// decide: on a quiet machine each turn returns as soon as something is ready.
    @discardableResult
    func drive(until done: () throws -> Bool) throws -> Bool {
        for _ in 0..<1_000 {
            if try done() { return true }
            try step()
        }
        return try done()
    }

    /// Steps the loop while `client` reads, until it holds `count` responses or the server closed.
    func responses(_ count: Int, on client: TestClient) throws -> [TestResponse] {
        try drive {
            try client.pump()
            return client.responses.count >= count || client.isClosed
        }
        return client.responses
    }

    /// Sends `bytes` however slowly the socket takes them, stepping the server between writes.
    func send(_ bytes: [UInt8], on client: TestClient) throws {
        var offset = 0
        try drive {
            if offset < bytes.count, let written = try bytes.withUnsafeBytes({ try client.socket.write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }) {
                offset += written
            }
            try client.pump()
            return offset == bytes.count || client.isClosed
        }
    }

    /// Sends `text`; see `send(_:on:)`.
    func send(_ text: String, on client: TestClient) throws {
        try send(Array(text.utf8), on: client)
    }
}

/// The test's side of a connection: what it has read so far, parsed into responses.
final class TestClient {
    let socket: TCPConnection
    private(set) var received: [UInt8] = []
    private(set) var isClosed = false
    /// The server reset the connection instead of closing it: bytes it had sent may be lost.
    private(set) var wasReset = false
    /// Responses to HEAD carry a length but no body: say how many of the first responses are.
    var headResponses = 0

    init(_ socket: TCPConnection) { self.socket = socket }

    /// Reads whatever has arrived, without waiting.
    func pump() throws {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !isClosed {
            let result: StreamRead
            do {
                result = try socket.read(into: &buffer)
            } catch let error as SystemError where error.code == ECONNRESET {
                isClosed = true
                wasReset = true
                return
            }
            switch result {
            case .wouldBlock: return
            case .endOfStream: isClosed = true
            case .bytes(let count): received += buffer.prefix(count)
            }
        }
    }

    /// The complete responses read so far.
    var responses: [TestResponse] {
        var parsed: [TestResponse] = []
        var rest = received[...]
        while let response = TestResponse(parsing: &rest, hasBody: parsed.count >= headResponses) { parsed.append(response) }
        return parsed
    }

    /// Everything read, as text.
    var text: String { String(decoding: received, as: UTF8.self) }
}

/// One response as the client read it.
struct TestResponse: Equatable {
    var status: Int
    var headers: [String: String]
    var body: String

    /// Takes one complete response off the front of `bytes`; nil when it is not all there.
    init?(parsing bytes: inout ArraySlice<UInt8>, hasBody: Bool) {
        let text = Array(bytes)
        guard let headEnd = (0..<max(0, text.count - 3)).first(where: { text[$0..<($0 + 4)].elementsEqual("\r\n\r\n".utf8) }) else { return nil }
        let lines = String(decoding: text[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = lines.first, statusLine.count >= 12, let status = Int(statusLine.dropFirst(9).prefix(3)) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = hasBody ? Int(headers["content-length"] ?? "0") ?? 0 : 0
        guard text.count >= headEnd + 4 + length else { return nil }
        self.status = status
        self.headers = headers
        body = String(decoding: text[(headEnd + 4)..<(headEnd + 4 + length)], as: UTF8.self)
        bytes = bytes.dropFirst(headEnd + 4 + length)
    }
}

/// A GET of `path` with a Host, CRLF line ends.
func getRequest(_ path: String, _ extraHeaders: [String] = []) -> String {
    (["GET \(path) HTTP/1.1", "Host: hall"] + extraHeaders).map { $0 + "\r\n" }.joined() + "\r\n"
}
