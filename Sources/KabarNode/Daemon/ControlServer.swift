import Foundation
import Kabar
import KabarPlatform

/// The daemon's control socket (`DIR/control.sock`, mode 0600): line-delimited JSON, one
/// `ControlRequest` per line in, one `ControlResponse` per line out (Documentation/Control.md).
///
/// It never blocks the loop: clients are non-blocking, replies wait in a per-client buffer
/// written as the socket takes them, and a client stops being read while its reply is pending.
/// Limits: `clientsMax` connections, `ControlProtocol.lineBytesMax` per request line,
/// `idleTimeout` of silence; only the daemon's own user (or root) is served.
public final class ControlServer {
    /// Handles one request, synchronously, on the loop's thread.
    public typealias Handler = (ControlRequest) -> ControlResponse

    /// Connections at once, at most.
    public static var clientsMax: Int { 8 }
    /// A client silent this long (microseconds) is dropped.
    public static var idleTimeout: Int64 { 60_000_000 }

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
        var outgoing: [UInt8] = []
        var written = 0
        var lastActive: Int64
        var closeWhenWritten = false

        init(connection: UnixConnection, now: Int64) {
            self.connection = connection
            self.lastActive = now
        }
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

    /// Drops clients idle for longer than `idleTimeout`.
    public func dropIdleClients(now: Int64) {
        for (descriptor, client) in clients where now - client.lastActive > Self.idleTimeout {
            logger.debug("control client idle too long; closed")
            drop(descriptor)
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
                let busy = ControlResponse(exit: 1, stdout: "", stderr: "error: the node is busy with \(Self.clientsMax) other control clients; try again\n")
                _ = try? ControlProtocol.encodeLine(busy).withUnsafeBytes { try connection.write($0) }
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
        client.lastActive = monotonicNow()
        if !client.outgoing.isEmpty {
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
                for line in lines { answer(line, client) }
            } catch {
                reply(client, ControlResponse(exit: 2, stdout: "", stderr: "error: \(error.localizedMessage.en)\n"))
                client.closeWhenWritten = true
            }
            if !client.outgoing.isEmpty { flushOutgoing(descriptor, client) }
        }
    }

    private func answer(_ line: [UInt8], _ client: Client) {
        do {
            let request = try ControlProtocol.decodeRequest(line: line)
            logger.debug("control: \(request.argv.prefix(2).joined(separator: " "))")
            reply(client, handler(request))
        } catch {
            reply(client, ControlResponse(exit: 2, stdout: "", stderr: "error: \(error.localizedMessage.en)\n"))
        }
    }

    private func reply(_ client: Client, _ response: ControlResponse) {
        var response = response
        if response.stdout.utf8.count > ControlProtocol.responseBytesMax {
            response.stdout = String(decoding: response.stdout.utf8.prefix(ControlProtocol.responseBytesMax), as: UTF8.self)
            response.stderr += "warning: output cut at \(ControlProtocol.responseBytesMax) bytes\n"
        }
        client.outgoing += ControlProtocol.encodeLine(response)
    }

    private func flushOutgoing(_ descriptor: Int32, _ client: Client) {
        do {
            while client.written < client.outgoing.count {
                let written = try client.outgoing.withUnsafeBytes {
                    try client.connection.write(UnsafeRawBufferPointer(rebasing: $0[client.written...]))
                }
                guard let written else {
                    loop.update(descriptor, for: .writable)
                    return
                }
                client.written += written
            }
        } catch {
            drop(descriptor)
            return
        }
        client.outgoing.removeAll(keepingCapacity: false)
        client.written = 0
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
