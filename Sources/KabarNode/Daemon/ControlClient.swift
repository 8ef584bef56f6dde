import Foundation
import Kabar
import KabarPlatform

/// The CLI's side of the control socket: connect to a running daemon, send one request, read
/// one response.
public enum ControlClient {
    /// The control socket's file name inside the data folder.
    public static let socketName = "control.sock"
    /// How long the CLI waits for a daemon's answer (microseconds): an import may take a while.
    public static let responseTimeout: Int64 = 300_000_000

    /// The socket path for `data`.
    public static func socketPath(_ data: DataDirectory) -> String { data.file(socketName) }

    /// A connection to the daemon on `data`, or nil when none is running there (no socket, or
    /// a stale one nobody listens on).
    public static func connect(_ data: DataDirectory) -> UnixConnection? {
        let path = socketPath(data)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try? UnixConnection.connect(to: path)
    }

    /// Sends `request` over `connection` and waits for the response.
    public static func exchange(_ request: ControlRequest, over connection: UnixConnection) throws -> ControlResponse {
        let deadline = MonotonicClock.now() + responseTimeout
        try connection.writeAll(ControlProtocol.encodeLine(request), until: deadline)
        var lines = LineBuffer(lineBytesMax: ControlProtocol.responseBytesMax + 4_096)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            switch try connection.read(into: &buffer, until: deadline) {
            case .bytes(let count):
                if let line = try lines.append(buffer[0..<count]).first {
                    return try ControlProtocol.decode(ControlResponse.self, line: line)
                }
            case .wouldBlock: continue
            case .endOfStream:
                throw ControlProtocolError.malformed("the node closed the control connection without answering")
            }
        }
    }
}
