import KabarPlatform
import Testing

@Suite struct PlatformNetworkInterfaceTests {
    @Test func listIncludesLoopbackWithItsAddress() throws {
        let snapshot = try NetworkInterfaces.snapshot()
        let loopback = try #require(snapshot.interfaces.first { $0.flags.contains(.loopback) })
        #expect(loopback.index == SocketAddress.interfaceIndex(name: loopback.name))
        #expect(loopback.flags.contains(.up))
        #expect(loopback.ipv4.contains { $0.address == 0x7f00_0001 && $0.netmask == 0xff00_0000 })
        #expect(loopback.directedBroadcastAddresses(port: 1).isEmpty)
        #expect(!loopback.acceptsLinkLocalMulticast)
        #expect(!snapshot.multicastInterfaces.contains { $0.flags.contains(.loopback) })
    }

    @Test func listIsSortedAndTwoReadingsAreEqual() throws {
        let first = try NetworkInterfaces.snapshot()
        let second = try NetworkInterfaces.snapshot()
        #expect(first == second)
        #expect(second.changes(from: first).isEmpty)
        let keys = first.interfaces.map { [UInt64($0.index)] }
        #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) })
        for interface in first.interfaces {
            #expect(interface.ipv4 == interface.ipv4.sorted())
            #expect(interface.ipv6 == interface.ipv6.sorted())
        }
    }

    @Test func hotspotBeaconsGoToItsDirectedBroadcastAddress() {
        let hotspot = wlan(ipv4: [IPv4InterfaceAddress(address: 0xc0a8_0401, netmask: 0xffff_ff00, broadcast: 0xc0a8_04ff)])
        #expect(hotspot.directedBroadcastAddresses(port: 4747) == [.ipv4(address: 0xc0a8_04ff, port: 4747)])
        #expect(hotspot.ipv4.first?.description == "192.168.4.1/24 brd 192.168.4.255")
        #expect(InterfaceSnapshot(interfaces: [hotspot]).directedBroadcastAddresses(port: 1) == [.ipv4(address: 0xc0a8_04ff, port: 1)])
    }

    @Test func directedBroadcastIsComputedFromTheNetmask() {
        #expect(NetworkInterfaces.directedBroadcast(address: 0x0a00_0001, netmask: 0xffff_ff00) == 0x0a00_00ff)
        #expect(NetworkInterfaces.directedBroadcast(address: 0x0a01_0203, netmask: 0xffff_0000) == 0x0a01_ffff)
        #expect(NetworkInterfaces.directedBroadcast(address: 0x0a00_0001, netmask: 0xffff_fffc) == 0x0a00_0003)
        #expect(NetworkInterfaces.directedBroadcast(address: 0x0a00_0001, netmask: 0xffff_fffe) == nil)
        #expect(NetworkInterfaces.directedBroadcast(address: 0x0a00_0001, netmask: 0xffff_ffff) == nil)
    }

    @Test func interfaceThatIsDownGetsNoBeacons() {
        let down = NetworkInterface(name: "wlan0", index: 3, flags: [.broadcast, .multicast],
                                    ipv4: [IPv4InterfaceAddress(address: 0x0a00_0001, netmask: 0xffff_ff00, broadcast: 0x0a00_00ff)], ipv6: [])
        #expect(down.directedBroadcastAddresses(port: 1).isEmpty)
        #expect(!down.acceptsLinkLocalMulticast)
    }

    @Test func diffReportsTheHotspotComingAndGoing() {
        let loopback = NetworkInterface(name: "lo", index: 1, flags: [.up, .running, .loopback],
                                        ipv4: [IPv4InterfaceAddress(address: 0x7f00_0001, netmask: 0xff00_0000, broadcast: nil)], ipv6: [])
        let withoutHotspot = InterfaceSnapshot(interfaces: [loopback])
        let hotspotDown = wlan(ipv4: [], flags: [.broadcast, .multicast])
        let hotspotUp = wlan(ipv4: [IPv4InterfaceAddress(address: 0xc0a8_0401, netmask: 0xffff_ff00, broadcast: 0xc0a8_04ff)])
        let appeared = InterfaceSnapshot(interfaces: [hotspotDown, loopback])
        let cameUp = InterfaceSnapshot(interfaces: [loopback, hotspotUp])

        #expect(appeared.interfaces.map(\.name) == ["lo", "wlan0"])
        #expect(appeared.changes(from: withoutHotspot) == InterfaceChanges(added: [hotspotDown], removed: [], changed: []))
        #expect(cameUp.changes(from: appeared).changed == [InterfaceChange(before: hotspotDown, after: hotspotUp)])
        #expect(cameUp.changes(from: appeared).description == "changed wlan0")
        #expect(withoutHotspot.changes(from: cameUp).removed == [hotspotUp])
        #expect(cameUp.changes(from: cameUp).isEmpty)
    }

    @Test func linkLocalIPv6IsFlagged() {
        let address = IPv6InterfaceAddress(high: 0xfe80_0000_0000_0000, low: 1, scope: 3, prefixLength: 64)
        #expect(address.isLinkLocal)
        #expect(address.description == "fe80::1/64 link-local")
        #expect(!IPv6InterfaceAddress(high: 0x2001_0db8_0000_0000, low: 1, scope: 0, prefixLength: 64).isLinkLocal)
    }

    private func wlan(ipv4: [IPv4InterfaceAddress], flags: InterfaceFlags = [.up, .running, .broadcast, .multicast]) -> NetworkInterface {
        NetworkInterface(name: "wlan0", index: 3, flags: flags, ipv4: ipv4, ipv6: [])
    }
}
