/// Who sent a request, as the board's handler sees it: for logs, a per-client rate limit, and
/// telling two phones apart.
public struct HTTPClient: Hashable, Sendable {
    /// The peer's address and port: "192.168.4.23:51234", or "[fe80::1%wlan0]:51234". An IPv4
    /// phone is shown as IPv4 even on the dual-stack listener.
    public let address: String
    /// A number no other connection of this server has had (1, 2, ...): requests with the same
    /// id came over one keep-alive connection.
    public let connectionID: UInt64
    /// Our own address as the client reached it ("10.42.0.1:80"): where a captive-portal redirect
    /// must point, whatever name the phone asked for. Nil when the socket could not tell.
    public let localAddress: String?

    /// A client at `address` on connection `connectionID`, that reached us at `localAddress`.
    public init(address: String, connectionID: UInt64, localAddress: String? = nil) {
        self.address = address
        self.connectionID = connectionID
        self.localAddress = localAddress
    }
}
