import KabarHTTP
import KabarPlatform

/// The web board's HTTP/1.1 server: a `TCPListener` and its connections on the daemon's loop,
/// requests parsed by `HTTPRequestParser`, answered by a handler, written back in order.
///
///     let web = HTTPServer(listener: try TCPListener(port: 80), loop: daemon.loop, logger: logger,
///                          monotonicNow: { MonotonicClock.now() }) { request, client in board.answer(request, client) }
///     daemon.housekeepers.append { web.dropIdle(now: $0) }
///
/// It never blocks the loop: connections are non-blocking, responses wait in a per-connection
/// buffer written as the socket takes them (the connection is watched for `.writable` while
/// bytes wait), and a connection is read only when its parser needs more bytes, so a client
/// that pipelines without reading fills its own buffers, not the node's memory. Each wakeup
/// serves at most `requestsPerWakeupMax` requests of one connection, so one client cannot
/// starve the others.
///
/// A connection's life:
///
///     accepted --> reading <--> answering --(keep-alive)--> reading ...
///        |            | parse error: status, Connection: close     | Connection: close
///        |            v                                            v
///        |         closing: write what waits --> lingering: FIN sent, read and discard
///        |                                        until the client closes (or lingerTimeout)
///        +-- 65th at once: 503, closed
///
/// Lingering, not closing at once: a client still sending a body we refused would get a reset,
/// and a reset can destroy the response before the client reads it.
///
/// Bounds: `connectionsMax` at once; `idleTimeout` between requests; `requestTimeout` from the
/// first byte of a request to its last (slowloris), `uploadRequestTimeout` for an upload's
/// larger body; `uploadsMax` upload bodies held at once; `sendStallTimeout` while a client takes
/// none of its response; `outgoingBytesMax` waiting before another response is made; the
/// request limits of `HTTPLimits`. Times come from `monotonicNow` and `dropIdle(now:)` (microseconds),
/// so tests move the clock instead of sleeping. Documentation/HTTP.md has the table.
public final class HTTPServer {
    /// Answers one request, synchronously, on the loop's thread. A HEAD request is answered
    /// like a GET: the server sends the headers and drops the body.
    public typealias Handler = (HTTPRequest, HTTPClient) -> HTTPResponse

    /// Connections at once, at most; the next is answered 503 and closed.
    public static var connectionsMax: Int { 64 }
    /// A connection with no request under way and nothing to write is closed after this long
    /// (microseconds).
    public static var idleTimeout: Int64 { 10_000_000 }
    /// A request must arrive whole (head and body) within this long of its first byte
    /// (microseconds), else 408 and close: a client sending a byte now and then holds nothing.
    public static var requestTimeout: Int64 { 5_000_000 }
    /// An upload (`HTTPLimits.isUpload`: a photo or voice note for the board) must arrive whole
    /// within this long of its first byte (microseconds): 2 MB in 60 s is 35 KB/s, which a
    /// crowded hall Wi-Fi still gives one phone, while a slow client still holds its slot for a
    /// bounded time (and at most `uploadsMax` slots are uploads).
    public static var uploadRequestTimeout: Int64 { 60_000_000 }
    /// Uploads whose bodies are read at once, at most: each holds up to
    /// `HTTPLimits.uploadBodyBytesMax` in memory (2 MB and the form by default), so 64
    /// connections of them would hold 130 MB on a Raspberry Pi. The next is answered 503 with
    /// `Retry-After` and closed as soon as its head shows it is an upload.
    public static var uploadsMax: Int { 4 }
    /// A connection whose client takes none of the waiting response for this long is dropped
    /// (microseconds).
    public static var sendStallTimeout: Int64 { 10_000_000 }
    /// After the last response of a closing connection, how long its client may take to close
    /// (microseconds).
    public static var lingerTimeout: Int64 { 2_000_000 }
    /// Bytes a lingering connection may still send before it is dropped.
    public static var lingerBytesMax: Int { 256 * 1024 }
    /// Responses are made only while fewer bytes than this wait to be sent on a connection.
    public static var outgoingBytesMax: Int { 256 * 1024 }
    /// Requests served on one connection per wakeup of the loop, at most.
    public static var requestsPerWakeupMax: Int { 4 }
    /// Requests served on all connections together per wakeup of the loop, at most: the loop
    /// also carries gossip and bulk sync, and 50 phones each served 4 pages in one turn kept
    /// the UDP sockets unread for a second (a bulk sync under that load fell to a fifth).
    public static var requestsPerTurnMax: Int { 8 }
    /// Bytes read from one connection per wakeup, at most.
    public static var readBytesMax: Int { 16 * 1024 }

    /// The request limits every connection is parsed with.
    public let limits: HTTPLimits
    /// The answer to a request the server refuses itself (413, 400, ...), when the page behind
    /// it words one for people; nil, or a nil answer, gives the plain-text line. Called on the
    /// loop's thread, with the request's head already dropped.
    public var refusalPage: ((HTTPError) -> HTTPResponse?)?
    /// What the server has counted.
    public private(set) var counters = HTTPServerCounters()
    private let listener: TCPListener
    private unowned let loop: DaemonLoop
    private let logger: Logger
    private let handler: Handler
    private let monotonicNow: () -> Int64
    private var connections: [Int32: Connection] = [:]
    private var lastConnectionID: UInt64 = 0
    private var acceptPausedUntil: Int64?
    private var isClosed = false
    private var readBuffer = [UInt8](repeating: 0, count: HTTPServer.readBytesMax)
    /// The loop turn `servedThisTurn` counts for.
    private var budgetTurn: UInt64 = 0
    private var servedThisTurn = 0

    private final class Connection {
        let socket: TCPConnection
        let client: HTTPClient
        var parser: HTTPRequestParser
        var outgoing: [UInt8] = []
        var written = 0
        /// When a byte last crossed either way.
        var lastProgress: Int64
        /// When the first byte of the request being read arrived.
        var requestStarted: Int64?
        /// The parser asked for more bytes (it holds no complete request).
        var needsInput = true
        var peerClosed = false
        /// Close once `outgoing` is written.
        var closing = false
        var lingeringSince: Int64?
        var lingerBytes = 0
        /// Counted among the `uploadsMax` uploads under way.
        var isUpload = false

        init(socket: TCPConnection, client: HTTPClient, limits: HTTPLimits, now: Int64) {
            self.socket = socket
            self.client = client
            self.parser = HTTPRequestParser(limits: limits)
            self.lastProgress = now
        }

        var unsent: Int { outgoing.count - written }
        var wantsInput: Bool { needsInput && !closing && !peerClosed && unsent < HTTPServer.outgoingBytesMax }
    }

    /// Serves `listener`'s clients on `loop`. `limits` bound each request (raise `bodyBytesMax`
    /// for larger posts); `monotonicNow` gives the time in microseconds.
    public init(
        listener: TCPListener, loop: DaemonLoop, logger: Logger, limits: HTTPLimits = HTTPLimits(),
        monotonicNow: @escaping () -> Int64, handler: @escaping Handler
    ) {
        self.listener = listener
        self.loop = loop
        self.logger = logger
        self.limits = limits
        self.monotonicNow = monotonicNow
        self.handler = handler
        loop.register(listener.descriptor) { [unowned self] _ in self.acceptConnections() }
    }

    /// The address the listener is bound to (its port is the one clients use).
    public var localAddress: SocketAddress { listener.localAddress }

    /// Open connections now, lingering ones included.
    public var connectionCount: Int { connections.count }

    /// Connections whose request has begun to arrive and is not complete: the ones
    /// `requestTimeout` watches.
    public var requestsUnderWay: Int { connections.values.filter { $0.requestStarted != nil }.count }

    /// Closes every connection and the listener. Calling it again does nothing.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        for descriptor in connections.keys.sorted() { drop(descriptor) }
        acceptPausedUntil = nil
        loop.unregister(listener.descriptor)
        listener.close()
    }

    /// Applies the timeouts at `now` (monotonic microseconds; call it from the daemon's
    /// housekeeping, about once a second): drops idle, stalled and long-lingering connections,
    /// answers 408 to requests that took too long, and resumes accepting after a failure.
    public func dropIdle(now: Int64) {
        if let until = acceptPausedUntil, now >= until {
            acceptPausedUntil = nil
            loop.register(listener.descriptor) { [unowned self] _ in self.acceptConnections() }
        }
        for descriptor in connections.keys.sorted() {
            guard let connection = connections[descriptor] else { continue }
            applyTimeouts(descriptor, connection, now: now)
        }
    }

    // MARK: - Accepting

    private func acceptConnections() {
        while true {
            let socket: TCPConnection?
            do {
                socket = try listener.accept()
            } catch {
                // Out of descriptors, most likely: the listener stays readable, so stop watching
                // it for a second instead of spinning.
                logger.log(.warn, "web: accept failed: \(error); pausing for a second", kind: "web-accept")
                loop.unregister(listener.descriptor)
                acceptPausedUntil = monotonicNow() + 1_000_000
                return
            }
            guard let socket else { return }
            guard connections.count < Self.connectionsMax else {
                turnAway(socket)
                continue
            }
            admit(socket)
        }
    }

    private func admit(_ socket: TCPConnection) {
        lastConnectionID += 1
        counters.connectionsAccepted += 1
        let client = HTTPClient(
            address: socket.peerAddress.description, connectionID: lastConnectionID,
            localAddress: (try? socket.localAddress())?.ipv4Unmapped.description)
        let descriptor = socket.descriptor
        connections[descriptor] = Connection(socket: socket, client: client, limits: limits, now: monotonicNow())
        loop.register(descriptor) { [unowned self] _ in self.service(descriptor) }
    }

    /// Said before the client's request is read, while its bytes are likely still on the way:
    /// the 503 reaches it ahead of our FIN, and nothing unread provokes a reset.
    private func turnAway(_ socket: TCPConnection) {
        counters.connectionsRefused += 1
        var busy = HTTPResponse.plainText(.serviceUnavailable, "too many connections; try again\n")
        busy.headers.add(name: "Retry-After", value: "1")
        let bytes = busy.serialized(answering: nil, version: nil, closing: true)
        _ = try? bytes.withUnsafeBytes { try socket.write($0) }
        try? socket.shutdownWriting()
        socket.close()
        logger.log(.warn, "web: \(Self.connectionsMax) connections open; refused one", kind: "web-busy")
    }

    // MARK: - Serving

    private func service(_ descriptor: Int32) {
        guard let connection = connections[descriptor] else { return }
        let now = monotonicNow()
        do {
            if connection.lingeringSince != nil {
                try discardLingering(descriptor, connection)
                return
            }
            try flush(connection, now: now)
            if connection.wantsInput { try readOnce(connection, now: now) }
            serveRequests(connection, now: now)
            try flush(connection, now: now)
        } catch {
            drop(descriptor)  // reset or broken pipe: nobody to answer
            return
        }
        settle(descriptor, connection, now: now)
    }

    private func readOnce(_ connection: Connection, now: Int64) throws {
        switch try connection.socket.read(into: &readBuffer) {
        case .wouldBlock:
            return
        case .endOfStream:
            connection.peerClosed = true
            connection.parser.receiveEndOfStream()
        case .bytes(let count):
            connection.lastProgress = now
            connection.parser.receive(readBuffer[0..<count])
        }
    }

    /// Pulls and answers requests while the client keeps up, at most `requestsPerWakeupMax`.
    private func serveRequests(_ connection: Connection, now: Int64) {
        var served = 0
        connection.needsInput = false
        if loop.turn != budgetTurn {
            budgetTurn = loop.turn
            servedThisTurn = 0
        }
        while !connection.closing {
            guard served < Self.requestsPerWakeupMax, servedThisTurn < Self.requestsPerTurnMax,
                connection.unsent < Self.outgoingBytesMax
            else { return }
            let request: HTTPRequest?
            do {
                request = try connection.parser.nextRequest()
            } catch {
                refuse(connection, error)
                return
            }
            guard let request else { break }
            served += 1
            servedThisTurn += 1
            answer(request, on: connection)
        }
        connection.needsInput = !connection.closing
        connection.requestStarted = connection.parser.isMidRequest ? (connection.requestStarted ?? now) : nil
        if connection.peerClosed && !connection.parser.isMidRequest { connection.closing = true }
        if !connection.closing { admitUpload(connection) }
    }

    /// Counts a connection whose parser began an upload's body among the `uploadsMax`, or
    /// turns it away (503) when that many are under way; uncounts it once its body is read.
    private func admitUpload(_ connection: Connection) {
        guard connection.parser.isReadingUpload else {
            connection.isUpload = false
            return
        }
        guard !connection.isUpload else { return }
        guard connections.values.filter(\.isUpload).count < Self.uploadsMax else {
            logger.log(.debug, "web: \(connection.client.address): \(Self.uploadsMax) uploads under way; refused one", kind: "web-busy",
                       source: connection.client.address)
            respondAndClose(connection, status: .serviceUnavailable, text: "\(Self.uploadsMax) files are being sent to this board now; try again in a moment",
                            retryAfter: 5)
            return
        }
        connection.isUpload = true
    }

    private func answer(_ request: HTTPRequest, on connection: Connection) {
        counters.requests += 1
        connection.requestStarted = nil
        let response = handler(request, connection.client)
        let closing = !request.keepAlive
        connection.outgoing += response.serialized(answering: request.method, version: request.version, closing: closing)
        if closing { connection.closing = true }
    }

    /// Answers a request the parser refused, then closes: after an error the parser cannot tell
    /// where a next request would begin.
    private func refuse(_ connection: Connection, _ error: HTTPError) {
        logger.log(.debug, "web: \(connection.client.address): \(error)", kind: "web-refused", source: connection.client.address)
        var page = refusalPage?(error)
        page?.status = error.status
        respondAndClose(connection, status: error.status, text: error.description, page: page)
    }

    private func respondAndClose(
        _ connection: Connection, status: HTTPStatus, text: String, retryAfter seconds: Int? = nil, page: HTTPResponse? = nil
    ) {
        counters.errorsByStatus[status.code, default: 0] += 1
        var response = page ?? HTTPResponse.plainText(status, text + "\n")
        if let seconds { response.headers.add(name: "Retry-After", value: "\(seconds)") }
        connection.outgoing += response.serialized(answering: nil, version: nil, closing: true)
        connection.closing = true
        connection.requestStarted = nil
        connection.isUpload = false
    }

    /// Writes what the socket takes of the waiting bytes.
    private func flush(_ connection: Connection, now: Int64) throws {
        while connection.unsent > 0 {
            let written = try connection.outgoing.withUnsafeBytes {
                try connection.socket.write(UnsafeRawBufferPointer(rebasing: $0[connection.written...]))
            }
            guard let written else { return }
            connection.written += written
            connection.lastProgress = now
        }
        connection.outgoing.removeAll(keepingCapacity: connection.outgoing.capacity <= Self.outgoingBytesMax)
        connection.written = 0
    }

    /// After serving: start lingering, close, or watch for what the connection waits on.
    private func settle(_ descriptor: Int32, _ connection: Connection, now: Int64) {
        if connection.closing && connection.unsent == 0 {
            startLingering(descriptor, connection, now: now)
            return
        }
        var events: PollEvents = []
        // Writable also when requests wait unserved (the per-wakeup cap): it fires at once, so
        // the next turn of the loop serves them after the other clients had theirs.
        if connection.unsent > 0 || (!connection.needsInput && !connection.closing) { events.insert(.writable) }
        if connection.wantsInput { events.insert(.readable) }
        loop.update(descriptor, for: events)
    }

    // MARK: - Closing

    private func startLingering(_ descriptor: Int32, _ connection: Connection, now: Int64) {
        guard !connection.peerClosed, (try? connection.socket.shutdownWriting()) != nil else {
            drop(descriptor)
            return
        }
        connection.lingeringSince = now
        loop.update(descriptor, for: .readable)
    }

    /// Reads and drops what a lingering client still sends; closes at its end-of-stream.
    private func discardLingering(_ descriptor: Int32, _ connection: Connection) throws {
        switch try connection.socket.read(into: &readBuffer) {
        case .wouldBlock: return
        case .endOfStream: drop(descriptor)
        case .bytes(let count):
            connection.lingerBytes += count
            if connection.lingerBytes > Self.lingerBytesMax { drop(descriptor) }
        }
    }

    private func applyTimeouts(_ descriptor: Int32, _ connection: Connection, now: Int64) {
        if let since = connection.lingeringSince {
            if now - since > Self.lingerTimeout { drop(descriptor) }
        } else if connection.unsent > 0 {
            if now - connection.lastProgress > Self.sendStallTimeout { dropTimedOut(descriptor, "not reading its responses") }
        } else if let started = connection.requestStarted {
            let limit = connection.isUpload ? Self.uploadRequestTimeout : Self.requestTimeout
            if now - started > limit { answerTimeout(descriptor, connection, now: now, limit: limit) }
        } else if now - connection.lastProgress > Self.idleTimeout {
            dropTimedOut(descriptor, nil)
        }
    }

    private func answerTimeout(_ descriptor: Int32, _ connection: Connection, now: Int64, limit: Int64) {
        counters.connectionsTimedOut += 1
        logger.log(.debug, "web: \(connection.client.address): request too slow", kind: "web-timeout", source: connection.client.address)
        respondAndClose(connection, status: .requestTimeout, text: "request not complete within \(limit / 1_000_000) s")
        do {
            try flush(connection, now: now)
        } catch {
            drop(descriptor)
            return
        }
        settle(descriptor, connection, now: now)
    }

    private func dropTimedOut(_ descriptor: Int32, _ reason: String?) {
        counters.connectionsTimedOut += 1
        if let reason, let connection = connections[descriptor] {
            logger.log(.debug, "web: \(connection.client.address): \(reason)", kind: "web-timeout", source: connection.client.address)
        }
        drop(descriptor)
    }

    private func drop(_ descriptor: Int32) {
        guard let connection = connections.removeValue(forKey: descriptor) else { return }
        loop.unregister(descriptor)
        connection.socket.close()
    }
}
