/// What an `HTTPServer` has counted since it started: for `kabar status` and the log.
public struct HTTPServerCounters: Equatable, Sendable {
    /// Connections taken and served.
    public var connectionsAccepted = 0
    /// Connections refused at once (503) because `HTTPServer.connectionsMax` were open.
    public var connectionsRefused = 0
    /// Connections closed by a timeout: idle, a request too slow to arrive (also counted as a
    /// 408), or a client not reading its responses.
    public var connectionsTimedOut = 0
    /// Requests parsed and handed to the handler.
    public var requests = 0
    /// Requests refused by the server itself, by the status answered (400, 408, 413, ...).
    public var errorsByStatus: [Int: Int] = [:]

    /// No counts yet.
    public init() {}
}
