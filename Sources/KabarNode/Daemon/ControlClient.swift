import Foundation
import Kabar
import KabarPlatform

/// A front end's side of the control socket: connect to a running daemon, send typed requests,
/// read typed replies (`ControlProtocol`).
public final class ControlClient {
    /// The control socket's file name inside the data folder.
    public static let socketName = "control.sock"
    /// How long a client waits for the next reply line (microseconds): an import may take a while.
    public static let replyTimeout: Int64 = 300_000_000

    /// The socket path for `data`.
    public static func socketPath(_ data: DataDirectory) -> String { data.file(socketName) }

    /// The connection.
    public let connection: UnixConnection
    private let data: DataDirectory
    private var lines = LineBuffer(lineBytesMax: ControlProtocol.replyLineBytesMax)
    private var ready: [[UInt8]] = []
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    private init(connection: UnixConnection, data: DataDirectory) {
        self.connection = connection
        self.data = data
    }

    /// A connection to the daemon on `data`, or nil when none is running there (no socket, or
    /// a stale one nobody listens on).
    public static func connect(_ data: DataDirectory) -> ControlClient? {
        let path = socketPath(data)
        guard FileManager.default.fileExists(atPath: path), let connection = try? UnixConnection.connect(to: path) else {
            return nil
        }
        return ControlClient(connection: connection, data: data)
    }

    /// Closes the connection.
    public func close() { connection.close() }

    /// Sends `request`. A write the node refused (it closed: too busy) is not an error yet:
    /// the reply it left says why.
    public func send(_ request: ControlRequest) {
        try? connection.writeAll(ControlProtocol.encodeLine(request), until: MonotonicClock.now() + Self.replyTimeout)
    }

    /// The next reply, waiting at most until `deadline` (monotonic microseconds; nil: the
    /// reply timeout). Returns nil at `deadline` when `deadline` was given.
    public func nextReply(until deadline: Int64? = nil) throws(ServiceError) -> ControlReply? {
        let limit = deadline ?? MonotonicClock.now() + Self.replyTimeout
        while ready.isEmpty {
            let result: StreamRead
            do {
                result = try connection.read(into: &buffer, until: limit)
            } catch UnixSocketError.timedOut {
                if deadline != nil { return nil }
                throw ServiceError(code: "timeout", message: Localized(
                    en: "the node on \(data.path) did not answer within \(Self.replyTimeout / 1_000_000) s; see its log",
                    id: "node di \(data.path) tidak menjawab dalam \(Self.replyTimeout / 1_000_000) detik; lihat lognya"))
            } catch {
                throw nodeGone()
            }
            switch result {
            case .bytes(let count): ready += try lines.append(buffer[0..<count])
            case .wouldBlock: continue
            case .endOfStream: throw nodeGone()
            }
        }
        return try ControlProtocol.decode(ControlReply.self, line: ready.removeFirst(), limit: ControlProtocol.replyLineBytesMax)
    }

    /// Sends `request` and reads its replies: each bulletin goes to `onBulletin`; returns the
    /// result, or throws the node's typed error.
    public func perform(
        _ request: ControlRequest, onBulletin: (Bulletin, String?) throws -> Void = { _, _ in }
    ) throws -> ControlResult {
        send(request)
        while let reply = try nextReply() {
            switch reply {
            case .bulletin(let bulletin, let role): try onBulletin(bulletin, role)
            case .done(let result): return result
            case .failure(let error): throw error
            case .event: continue
            }
        }
        throw nodeGone()
    }

    private func nodeGone() -> ServiceError {
        ServiceError(code: "node_gone", message: Localized(
            en: "the node on \(data.path) closed the connection before answering; see its log (journalctl -u kabar, or \(data.path)/kabar.log)",
            id: "node di \(data.path) menutup sambungan sebelum menjawab; lihat lognya (journalctl -u kabar, atau \(data.path)/kabar.log)"))
    }
}
