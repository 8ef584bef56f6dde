// libFuzzer target: Node.receive on arbitrary datagrams, with ticks in between. Built by
// Scripts/fuzz.sh, not by SwiftPM. Any crash, trap or bound broken is a finding.

nonisolated(unsafe) var fuzzNode = Node(
    configuration: NodeConfiguration(), key: AuthorKey(bytes: [UInt8](repeating: 7, count: 32))!, store: MemoryStore(),
    seed: 1, now: NodeTime(monotonic: .zero, wall: UnixTime(milliseconds: 1_793_491_200_000)))
nonisolated(unsafe) var fuzzClock: Int64 = 0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNodeReceive(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    fuzzClock += 1_000 + Int64(bytes[0]) * 1_000
    let now = NodeTime(monotonic: Instant(microseconds: fuzzClock), wall: UnixTime(milliseconds: 1_793_491_200_000 + fuzzClock / 1_000))
    // The first byte picks the source, so the peer table and per-peer state get exercised.
    _ = fuzzNode.receive(Array(bytes.dropFirst()), from: .simulated(Int(bytes[0] % 64)), at: now)
    if bytes[0] & 0x0f == 0 { _ = fuzzNode.tick(at: now) }
    precondition(fuzzNode.peerList.count <= fuzzNode.configuration.peersMax, "peer table over its bound")
    return 0
}
