import KabarPlatform
import Testing

@Suite struct PlatformSocketAddressTests {
    @Test func parsesIPv4IntoHostOrderFields() throws {
        #expect(try SocketAddress(parsing: "192.168.4.1:4747") == .ipv4(address: 0xc0a8_0401, port: 4747))
        #expect(try SocketAddress(parsing: "0.0.0.0:0") == .ipv4Any(port: 0))
        #expect(try SocketAddress(parsing: "localhost:9") == .ipv4(address: 0x7f00_0001, port: 9))
    }

    @Test func parsesIPv6IntoBigEndianHalves() throws {
        #expect(try SocketAddress(parsing: "[fe80::1:2]:65535")
            == .ipv6(high: 0xfe80_0000_0000_0000, low: 0x0000_0000_0001_0002, scope: 0, port: 65535))
        #expect(try SocketAddress(parsing: "[::1]:4747") == .ipv6Loopback(port: 4747))
        #expect(try SocketAddress(parsing: "[2001:db8::8:800:200c:417a]:1")
            == .ipv6(high: 0x2001_0db8_0000_0000, low: 0x0008_0800_200c_417a, scope: 0, port: 1))
    }

    @Test func parsesScopeAsInterfaceNameOrIndex() throws {
        let loopbackIndex = try #require(SocketAddress.interfaceIndex(name: "lo"))
        #expect(try SocketAddress(parsing: "[fe80::1%lo]:7") == .ipv6(high: 0xfe80_0000_0000_0000, low: 1, scope: loopbackIndex, port: 7))
        #expect(try SocketAddress(parsing: "[fe80::1%42]:7") == .ipv6(high: 0xfe80_0000_0000_0000, low: 1, scope: 42, port: 7))
    }

    @Test func formatsAndParsesBackTheSameAddress() throws {
        let texts = ["1.2.3.4:5", "255.255.255.255:65535", "[::1]:4747", "[fe80::1%lo]:9", "[2001:db8::1]:0", "[ff02::4b:6162]:4747"]
        for text in texts {
            let address = try SocketAddress(parsing: text)
            #expect(address.description == text)
            #expect(try SocketAddress(parsing: address.description) == address)
        }
    }

    @Test func formatsAnUnknownScopeAsItsNumber() {
        let address = SocketAddress.ipv6(high: 0xfe80_0000_0000_0000, low: 1, scope: 999_999, port: 1)
        #expect(address.description == "[fe80::1%999999]:1")
    }

    @Test func defaultPortFillsAMissingPort() throws {
        #expect(try SocketAddress(parsing: "10.0.0.1", defaultPort: 4747) == .ipv4(address: 0x0a00_0001, port: 4747))
        #expect(try SocketAddress(parsing: "[::1]", defaultPort: 4747) == .ipv6Loopback(port: 4747))
        #expect(try SocketAddress(parsing: "::1", defaultPort: 4747) == .ipv6Loopback(port: 4747))
        #expect(try SocketAddress(parsing: "10.0.0.1:1", defaultPort: 4747) == .ipv4(address: 0x0a00_0001, port: 1))
    }

    @Test func rejectsJunkWithTypedErrors() {
        let cases: [(String, SocketAddressParseError)] = [
            ("", .empty),
            ("1.2.3", .missingPort("1.2.3")),
            ("1.2.3:80", .invalidIPv4("1.2.3")),
            ("01.2.3.4:80", .invalidIPv4("01.2.3.4")),
            ("example.org:80", .invalidIPv4("example.org")),
            ("[::1", .unbalancedBrackets("[::1")),
            ("[::1]x:5", .unbalancedBrackets("[::1]x:5")),
            ("::1]:5", .unbalancedBrackets("::1]:5")),
            ("[]:5", .missingHost("[]:5")),
            (":99999", .missingHost(":99999")),
            ("1.2.3.4:99999", .invalidPort("99999")),
            ("1.2.3.4:65536", .invalidPort("65536")),
            ("1.2.3.4:", .invalidPort("")),
            ("1.2.3.4:+80", .invalidPort("+80")),
            ("1.2.3.4:-1", .invalidPort("-1")),
            ("1.2.3.4: 80", .invalidCharacters("1.2.3.4: 80")),
            ("::1:80", .ipv6NeedsBrackets("::1:80")),
            ("[fe80::g]:1", .invalidIPv6("fe80::g")),
            ("[1.2.3.4]:1", .invalidIPv6("1.2.3.4")),
            ("[fe80::1%]:1", .unknownInterface("")),
            ("[fe80::1%nosuchif0]:1", .unknownInterface("nosuchif0")),
            ("[fe80::1%99999999999]:1", .unknownInterface("99999999999")),
            (String(repeating: "1", count: 97), .tooLong(byteCount: 97)),
            ("1.2.3.4\u{0}junk:80", .invalidCharacters("1.2.3.4\u{0}junk:80")),
            ("[fe80::1%lo\u{0}x]:80", .invalidCharacters("[fe80::1%lo\u{0}x]:80")),
            (" 1.2.3.4:80", .invalidCharacters(" 1.2.3.4:80")),
            ("1.2.3.4:٨٠", .invalidCharacters("1.2.3.4:٨٠")),
        ]
        for (text, expected) in cases {
            #expect(throws: expected, "\(text)") { try SocketAddress(parsing: text) }
        }
    }

    @Test func errorMessagesSayWhatToWrite() {
        #expect(SocketAddressParseError.ipv6NeedsBrackets("::1:80").description.contains("[::1:80]:4747"))
        #expect(SocketAddressParseError.invalidPort("99999").description.contains("0 to 65535"))
    }

    @Test func convertsToAndFromSockaddrStorage() throws {
        let addresses: [SocketAddress] = [
            .ipv4(address: 0xc0a8_0401, port: 4747),
            .ipv4Any(port: 0),
            .ipv6(high: 0xfe80_0000_0000_0000, low: 0x1234_5678_9abc_def0, scope: 3, port: 65535),
            .ipv6Loopback(port: 1),
        ]
        for address in addresses {
            let (storage, length) = address.storage
            #expect(try SocketAddress(storage: storage) == address)
            #expect(length == (address.isIPv4 ? 16 : 28))
        }
    }

    @Test func rejectsStorageOfAnotherFamily() {
        var storage = SocketAddress.ipv4Any(port: 1).storage.storage
        storage.ss_family = 1  // AF_UNIX
        #expect(throws: UnsupportedAddressFamilyError(family: 1)) { try SocketAddress(storage: storage) }
    }

    @Test func classifiesLinkLocalAndMulticast() {
        #expect(SocketAddress.ipv6(high: 0xfe80_0000_0000_0000, low: 1, scope: 0, port: 0).isLinkLocal)
        #expect(SocketAddress.ipv6(high: 0xfebf_0000_0000_0000, low: 1, scope: 0, port: 0).isLinkLocal)
        #expect(!SocketAddress.ipv6(high: 0xfec0_0000_0000_0000, low: 1, scope: 0, port: 0).isLinkLocal)
        #expect(UDPSocket.kabarMulticastGroup.isMulticast)
        #expect(SocketAddress.ipv4(address: 0xe000_00fb, port: 0).isMulticast)
        #expect(!SocketAddress.ipv4(address: 0xc0a8_04ff, port: 0).isMulticast)
    }

    @Test func sortsIPv4BeforeIPv6ThenNumerically() {
        let sorted: [SocketAddress] = [.ipv6Loopback(port: 1), .ipv4(address: 2, port: 1), .ipv4(address: 1, port: 9)].sorted()
        #expect(sorted == [.ipv4(address: 1, port: 9), .ipv4(address: 2, port: 1), .ipv6Loopback(port: 1)])
    }
}
