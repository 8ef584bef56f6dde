import Foundation
import Kabar
import KabarPlatform

/// The daemon's control socket (`DIR/control.sock`, mode 0600 in a 0700 folder): typed
/// requests in, typed replies out, one JSON object a line (`ControlProtocol`,
/// Documentation/Control.md).
///
/// It never blocks the loop: clients are non-blocking, replies wait in a per-client buffer
/// written as the socket takes them, and the next reply of a long answer is made only when that
/// buffer has drained below `outgoingBytesTarget`, so a 10,000-bulletin listing goes out a
/// bulletin a line in bounded memory. Requests on one connection are answered in order.
///
/// Limits: `clientsMax` connections (the next one is told `busy`), `lineBytesMax` per request
/// line, `queuedRequestsMax` requests waiting on one connection, `idleTimeout` of silence (or of
/// a request line left half-written); only the daemon's own user (or root) is served. A
/// `watch` client gets events until it leaves; one too slow to read them loses events (counted,
/// then reported as `lagged`), never the daemon's time.
public final class ControlServer {
    /// Answers one request, synchronously, on the loop's thread.
    public typealias Handler = (ControlRequest) -> ControlAnswer

    /// Connections at once, at most.
    public static var clientsMax: Int { 8 }
    /// A client silent this long (microseconds) is dropped; so is a half-written request line.
    public static var idleTimeout: Int64 { 60_000_000 }
    /// Replies are made while a client's unsent bytes are below this.
    public static var outgoingBytesTarget: Int { 256 * 1024 }
    /// A watcher with this many unsent bytes loses new events until it catches up.
    public static var watcherBacklogBytesMax: Int { 1 << 20 }
    /// Requests read but not yet answered on one connection, at most.
    public static var queuedRequestsMax: Int { 16 }

    /// The socket's path.
    public let path: String
    private let listener: UnixListener
    private unowned let loop: DaemonLoop
    private let logger: Logger
    private let handler: Handler
    private let monotonicNow: () -> Int64
    private var clients: [Int32: Client] = [:]
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    private final class Client {
        let connection: UnixConnection
        var lines = LineBuffer(lineBytesMax: ControlProtocol.lineBytesMax)
        var queued: [[UInt8]] = []
        var stream: ReplyStream?
        var outgoing: [UInt8] = []
        var written = 0
        var lastActive: Int64
        var lineStarted: Int64?
        var closeWhenWritten = false
        var isWatcher = false
        var missedEvents = 0

        init(connection: UnixConnection, now: Int64) {
            self.connection = connection
            self.lastActive = now
        }

        var unsent: Int { outgoing.count - written }
    }

    /// Listens at `path` and registers with `loop`. Throws `UnixSocketError.alreadyInUse` when
    /// another daemon answers there.
    public init(path: String, loop: DaemonLoop, logger: Logger, monotonicNow: @escaping () -> Int64, handler: @escaping Handler) throws {
        self.path = path
        self.loop = loop
        self.logger = logger
        self.handler = handler
        self.monotonicNow = monotonicNow
        listener = try UnixListener(listeningAt: path)
        loop.register(listener.descriptor) { [unowned self] _ in self.acceptClients() }
    }

    /// Connected clients now.
    public var clientCount: Int { clients.count }

    /// Closes every client and the listener, and removes the socket file.
    public func close() {
        for descriptor in clients.keys.sorted() { drop(descriptor) }
        loop.unregister(listener.descriptor)
        listener.close()
    }

    /// Drops clients idle for longer than `idleTimeout` (watchers wait as long as they like,
    /// but not with a request line left half-written).
    public func dropIdleClients(now: Int64) {
        for descriptor in clients.keys.sorted() {
            guard let client = clients[descriptor] else { continue }
            let halfLine = client.lineStarted.map { now - $0 > Self.idleTimeout } ?? false
            if halfLine || (!client.isWatcher && now - client.lastActive > Self.idleTimeout) {
                logger.debug("control client idle too long; closed")
                drop(descriptor)
            }
        }
    }

    /// Sends `event` to every watcher.
    public func publish(_ event: ServiceEvent) {
        let line = ControlProtocol.encodeLine(ControlReply.event(event))
        for descriptor in clients.keys.sorted() {
            guard let client = clients[descriptor], client.isWatcher else { continue }
            guard client.unsent + line.count <= Self.watcherBacklogBytesMax else {
                client.missedEvents += 1
                continue
            }
            if client.missedEvents > 0 {
                client.outgoing += ControlProtocol.encodeLine(ControlReply.event(.lagged(missed: client.missedEvents)))
                client.missedEvents = 0
            }
            client.outgoing += line
            flushOutgoing(descriptor, client)
        }
    }

    private func acceptClients() {
        while true {
            let connection: UnixConnection?
            do {
                connection = try listener.accept()
            } catch {
                logger.log(.warn, "control socket accept failed: \(error)", kind: "control-accept")
                return
            }
            guard let connection else { return }
            guard isOwnUser(connection) else {
                logger.log(.warn, "control socket: refused a client running as another user", kind: "control-user")
                connection.close()
                continue
            }
            guard clients.count < Self.clientsMax else {
                // Said before the client's request is read: the client reads it after its write.
                let busy = ControlProtocol.encodeLine(ControlReply.failure(.busy(clients: Self.clientsMax)))
                _ = try? busy.withUnsafeBytes { try connection.write($0) }
                shutdown(connection.descriptor, Int32(SHUT_WR))
                connection.close()
                logger.log(.warn, "control socket: too many clients; refused one", kind: "control-busy")
                continue
            }
            clients[connection.descriptor] = Client(connection: connection, now: monotonicNow())
            loop.register(connection.descriptor) { [unowned self] events in self.service(connection.descriptor, events) }
        }
    }

    private func isOwnUser(_ connection: UnixConnection) -> Bool {
        guard let credentials = try? connection.peerCredentials() else { return false }
        return credentials.userID == getuid() || credentials.userID == 0
    }

    private func service(_ descriptor: Int32, _ events: PollEvents) {
        guard let client = clients[descriptor] else { return }
        let now = monotonicNow()
        client.lastActive = now
        if client.unsent > 0 || client.stream != nil {
            flushOutgoing(descriptor, client)
            return
        }
        let result: StreamRead
        do {
            result = try client.connection.read(into: &readBuffer)
        } catch {
            drop(descriptor)
            return
        }
        switch result {
        case .wouldBlock: return
        case .endOfStream: drop(descriptor)
        case .bytes(let count):
            do {
                let lines = try client.lines.append(readBuffer[0..<count])
                guard client.queued.count + lines.count <= Self.queuedRequestsMax else {
                    throw ServiceError.badRequest("more than \(Self.queuedRequestsMax) requests waiting on one connection")
                }
                client.queued += lines
                client.lineStarted = client.lines.pendingCount > 0 ? (client.lineStarted ?? now) : nil
            } catch {
                client.queued = []
                client.outgoing += ControlProtocol.encodeLine(ControlReply.failure(.from(error)))
                client.closeWhenWritten = true
            }
            flushOutgoing(descriptor, client)
        }
    }

    /// Starts the next queued request when nothing is being answered.
    private func startNext(_ client: Client) {
        guard client.stream == nil, !client.isWatcher, !client.closeWhenWritten, !client.queued.isEmpty else { return }
        let line = client.queued.removeFirst()
        let request: ControlRequest
        do {
            request = try ControlProtocol.decode(ControlRequest.self, line: line)
        } catch {
            client.outgoing += ControlProtocol.encodeLine(ControlReply.failure(error))
            return
        }
        logger.debug("control: \(request.operation)")
        switch handler(request) {
        case .replies(let stream): client.stream = stream
        case .subscribe:
            client.isWatcher = true
            client.queued = []
            client.outgoing += ControlProtocol.encodeLine(ControlReply.done(ControlResult()))
        }
    }

    /// Makes replies while the client keeps up, and writes what the socket takes.
    private func flushOutgoing(_ descriptor: Int32, _ client: Client) {
        do {
            while true {
                startNext(client)
                while client.unsent < Self.outgoingBytesTarget, var stream = client.stream {
                    let reply = stream.next()
                    client.stream = stream
                    guard let reply else {
                        client.stream = nil
                        startNext(client)
                        if client.stream == nil { break } else { continue }
                    }
                    client.outgoing += ControlProtocol.encodeLine(reply)
                }
                guard client.unsent > 0 else { break }
                let written = try client.outgoing.withUnsafeBytes {
                    try client.connection.write(UnsafeRawBufferPointer(rebasing: $0[client.written...]))
                }
                guard let written else {
                    loop.update(descriptor, for: .writable)
                    return
                }
                client.written += written
                if client.written == client.outgoing.count {
                    client.outgoing.removeAll(keepingCapacity: true)
                    client.written = 0
                }
            }
        } catch {
            drop(descriptor)
            return
        }
        if client.closeWhenWritten {
            drop(descriptor)
        } else {
            loop.update(descriptor, for: .readable)
        }
    }

    private func drop(_ descriptor: Int32) {
        guard let client = clients.removeValue(forKey: descriptor) else { return }
        loop.unregister(descriptor)
        client.connection.close()
    }
}
