// Manual experiment driven by Scripts/platform-netns-check.sh; compiled with the KabarPlatform
// sources by swiftc, not part of the package.

import Glibc

// A tiny manual experiment: does Kabar's UDP layer reach another network namespace by directed
// broadcast and by IPv6 link-local multicast? Usage: netcheck receive SECONDS | netcheck send
setvbuf(stdout, nil, _IOLBF, 0)
let port: UInt16 = 4747
let arguments = CommandLine.arguments
let snapshot = try NetworkInterfaces.snapshot()
print("interfaces:\n\(snapshot)")
let ipv4 = try UDPSocket(binding: .ipv4Any(port: port))
let ipv6 = try UDPSocket(binding: .ipv6Any(port: port))
for interface in snapshot.multicastInterfaces {
    let result = try ipv6.joinMulticastGroup(UDPSocket.kabarMulticastGroup, interfaceIndex: interface.index)
    print("joined \(UDPSocket.kabarMulticastGroup) on \(interface.name): \(result)")
}

func send(_ text: String, to destination: SocketAddress, on socket: UDPSocket) {
    do {
        print("send to \(destination): \(try socket.send(Array(text.utf8), to: destination))")
    } catch {
        print("send to \(destination): \(type(of: error)) \(error)")
    }
}

func receive(for seconds: Int64) throws {
    var poller = Poller()
    poller.watch(ipv4.descriptor, for: .readable)
    poller.watch(ipv6.descriptor, for: .readable)
    let deadline = MonotonicClock.now() + seconds * 1_000_000
    var buffer = [UInt8](repeating: 0, count: 1200)
    while MonotonicClock.now() < deadline {
        for ready in try poller.wait(until: deadline) {
            let socket = ready.descriptor == ipv4.descriptor ? ipv4 : ipv6
            while let datagram = try socket.receive(into: &buffer) {
                let text = String(decoding: buffer.prefix(datagram.byteCount), as: UTF8.self)
                print("received '\(text)' from \(datagram.source)")
            }
        }
    }
}

if arguments.count > 1 && arguments[1] == "receive" {
    try receive(for: Int64(arguments.count > 2 ? arguments[2] : "3") ?? 3)
} else {
    for destination in snapshot.directedBroadcastAddresses(port: port) {
        send("directed broadcast", to: destination, on: ipv4)
    }
    send("limited broadcast", to: .ipv4(address: 0xffff_ffff, port: port), on: ipv4)
    for interface in snapshot.multicastInterfaces {
        send("multicast via scope \(interface.name)", to: UDPSocket.kabarMulticastGroup.withPort(port).withScope(interface.index), on: ipv6)
    }
    if let first = snapshot.multicastInterfaces.first {
        try ipv6.setMulticastInterface(index: first.index)
        send("multicast via IPV6_MULTICAST_IF \(first.name)", to: UDPSocket.kabarMulticastGroup.withPort(port), on: ipv6)
    }
    try receive(for: 1)  // does the sender hear itself?
}
