/// Why a text is not a socket address. Each case carries the text a person typed, so a config
/// or command-line message can say what to fix.
public enum SocketAddressParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is empty.
    case empty
    /// The text is longer than `SocketAddress.textBytesMax`.
    case tooLong(byteCount: Int)
    /// The text holds a space, a control character (such as NUL) or a non-ASCII character.
    case invalidCharacters(String)
    /// There is no port and no default port was given.
    case missingPort(String)
    /// The port is not a decimal number from 0 to 65535.
    case invalidPort(String)
    /// There is nothing before the ":PORT".
    case missingHost(String)
    /// The host is neither dotted-quad IPv4 nor `localhost`.
    case invalidIPv4(String)
    /// The text inside the brackets is not an IPv6 address.
    case invalidIPv6(String)
    /// An IPv6 address with a port must be written in brackets: "[::1]:4747".
    case ipv6NeedsBrackets(String)
    /// A "[" without its "]", or text between "]" and ":PORT".
    case unbalancedBrackets(String)
    /// The "%scope" names no interface on this machine and is not a number.
    case unknownInterface(String)

    /// What is wrong and what to write instead, for a person.
    public var description: String {
        switch self {
        case .empty: return "empty address: expected HOST:PORT, such as 192.168.4.1:4747 or [fe80::1%wlan0]:4747"
        case .tooLong(let count): return "address too long (\(count) bytes, at most \(SocketAddress.textBytesMax))"
        case .invalidCharacters(let text):
            return "'\(text.unicodeScalars.map { $0.isASCII && $0.value >= 0x21 && $0.value < 0x7f ? String($0) : "?" }.joined())' holds spaces, control or non-ASCII characters"
        case .missingPort(let text): return "'\(text)' has no port: add :PORT, such as :4747"
        case .invalidPort(let text): return "'\(text)' is not a port: use a number from 0 to 65535"
        case .missingHost(let text): return "'\(text)' has no host before the port"
        case .invalidIPv4(let text): return "'\(text)' is not an IPv4 address like 192.168.4.1 (names other than localhost are not looked up)"
        case .invalidIPv6(let text): return "'\(text)' is not an IPv6 address like fe80::1"
        case .ipv6NeedsBrackets(let text): return "'\(text)': put an IPv6 address in brackets, like [\(text)]:4747"
        case .unbalancedBrackets(let text): return "'\(text)': brackets must enclose the IPv6 address only, like [fe80::1%wlan0]:4747"
        case .unknownInterface(let text): return "'\(text)' is not an interface on this machine (see `ip link`)"
        }
    }
}

extension SocketAddress {
    /// Parses numeric address text:
    ///
    ///     "192.168.4.1:4747"   "localhost:4747"   "[::1]:4747"   "[fe80::1%wlan0]:4747"   "[fe80::1%3]:4747"
    ///
    /// With `defaultPort`, the port may be left out ("192.168.4.1", "[::1]", "fe80::1%wlan0").
    /// `localhost` means 127.0.0.1; no other name is looked up. A scope is an interface name
    /// (`if_nametoindex`) or index.
    public init(parsing text: String, defaultPort: UInt16? = nil) throws(SocketAddressParseError) {
        guard !text.isEmpty else { throw .empty }
        guard text.utf8.count <= Self.textBytesMax else { throw .tooLong(byteCount: text.utf8.count) }
        // Printable ASCII only: a NUL would cut the C string inet_pton sees ("1.2.3.4\0junk").
        guard text.utf8.allSatisfy({ $0 >= 0x21 && $0 < 0x7f }) else { throw .invalidCharacters(text) }
        let (host, portText) = try Self.splitHostAndPort(text)
        let port = try Self.parsePort(portText, defaultPort: defaultPort, text: text)
        if host.bracketed || host.text.contains(":") {
            let (high, low, scope) = try Self.parseIPv6WithScope(host.text)
            self = .ipv6(high: high, low: low, scope: scope, port: port)
        } else if host.text == "localhost" {
            self = .ipv4Loopback(port: port)
        } else if let address = Self.parseIPv4(host.text) {
            self = .ipv4(address: address, port: port)
        } else {
            throw .invalidIPv4(host.text)
        }
    }

    /// Splits "host:port", "[host]:port", "[host]" and "host" (port nil). An unbracketed host
    /// with two or more colons is IPv6 without a port.
    private static func splitHostAndPort(
        _ text: String
    ) throws(SocketAddressParseError) -> (host: (text: String, bracketed: Bool), port: String?) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .unbalancedBrackets(text) }
            let inside = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard !inside.isEmpty else { throw .missingHost(text) }
            if rest.isEmpty { return ((inside, true), nil) }
            guard rest.hasPrefix(":") else { throw .unbalancedBrackets(text) }
            return ((inside, true), String(rest.dropFirst()))
        }
        guard !text.contains("[") && !text.contains("]") else { throw .unbalancedBrackets(text) }
        let colonCount = text.utf8.filter { $0 == UInt8(ascii: ":") }.count
        // No colon: a host alone. Two or more: bare IPv6, which cannot carry a port.
        guard colonCount == 1, let colon = text.firstIndex(of: ":") else { return ((text, false), nil) }
        let host = String(text[..<colon])
        guard !host.isEmpty else { throw .missingHost(text) }
        return ((host, false), String(text[text.index(after: colon)...]))
    }

    private static func parsePort(
        _ portText: String?, defaultPort: UInt16?, text: String
    ) throws(SocketAddressParseError) -> UInt16 {
        guard let portText else {
            if let defaultPort { return defaultPort }
            // A bare IPv6 address with a colon-number tail is ambiguous: ask for brackets.
            if text.utf8.filter({ $0 == UInt8(ascii: ":") }).count >= 2 { throw .ipv6NeedsBrackets(text) }
            throw .missingPort(text)
        }
        guard !portText.isEmpty, portText.utf8.count <= 5,
              portText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = UInt32(portText), value <= UInt32(UInt16.max)
        else { throw .invalidPort(portText) }
        return UInt16(value)
    }

    private static func parseIPv6WithScope(
        _ host: String
    ) throws(SocketAddressParseError) -> (UInt64, UInt64, UInt32) {
        var addressText = host
        var scope: UInt32 = 0
        if let percent = host.firstIndex(of: "%") {
            addressText = String(host[..<percent])
            let scopeText = String(host[host.index(after: percent)...])
            scope = try parseScope(scopeText)
        }
        guard let (high, low) = parseIPv6(addressText) else { throw .invalidIPv6(addressText) }
        return (high, low, scope)
    }

    private static func parseScope(_ scopeText: String) throws(SocketAddressParseError) -> UInt32 {
        guard !scopeText.isEmpty else { throw .unknownInterface(scopeText) }
        if scopeText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard let index = UInt32(scopeText) else { throw .unknownInterface(scopeText) }
            return index
        }
        guard scopeText.utf8.count < 16, let index = interfaceIndex(name: scopeText) else {
            throw .unknownInterface(scopeText)
        }
        return index
    }
}
