import Kabar

/// A push-pull toy: push a new post once; every `interval` (plus jitter) broadcast a summary
/// of the numbers held; a peer that lacks some asks by unicast; the holder answers with the
/// bulletins by unicast. It exercises timers, unicast and the sync metrics.
///
///     summary  = 1, up to 140 numbers (8 bytes each, ascending)
///     request  = 2, numbers wanted
///     bulletin = 3, number, zero padding to the bulletin's size
///
/// A toy: the summary lists at most the 140 lowest numbers, so it stops converging beyond
/// that. The real reconciliation is the lead's `Node`.
public struct SummaryExchangeEndpoint: SimulatedEndpoint {
    /// Numbers per summary or request datagram: 1 + 140 * 8 = 1121 bytes.
    public static let numbersPerDatagramMax = 140

    /// Bulletin numbers held, with their datagram sizes.
    public private(set) var held: [UInt64: Int] = [:]
    private var prng: PRNG
    private let interval: TimeSpan
    private var nextSummaryAt: Instant

    /// An endpoint that summarises every `interval` (plus up to half of it, drawn from its
    /// seed); the first summary comes within one interval of boot. It keeps its store across
    /// restarts.
    public init(boot: HostBoot<[ToyBulletin]>, interval: TimeSpan = .milliseconds(5_000)) {
        prng = PRNG(seed: boot.seed)
        self.interval = interval
        nextSummaryAt = boot.time.monotonic + .microseconds(Int64(prng.int(below: Int(max(interval.microseconds, 1)))))
        for bulletin in boot.durable ?? [] { held[bulletin.number] = bulletin.size }
    }

    /// The held bulletins in number order.
    public var durableState: [ToyBulletin] {
        held.keys.sorted().map { ToyBulletin(number: $0, size: held[$0] ?? 9) }
    }

    /// The next summary.
    public var nextDeadline: Instant { nextSummaryAt }

    /// Broadcasts a summary when due.
    public mutating func tick(at now: NodeTime) -> [NodeAction] {
        guard now.monotonic >= nextSummaryAt else { return [] }
        let jitter = Int64(prng.int(below: Int(max(interval.microseconds / 2, 1))))
        nextSummaryAt = now.monotonic + interval + .microseconds(jitter)
        let numbers = held.keys.sorted().prefix(Self.numbersPerDatagramMax)
        return [.send(Self.encode(type: 1, numbers), to: .broadcast)]
    }

    /// Answers summaries, requests and bulletins.
    public mutating func receive(_ datagram: [UInt8], from source: PeerAddress, at now: NodeTime) -> [NodeAction] {
        switch datagram.first {
        case 1:
            let missing = Self.decode(datagram).filter { held[$0] == nil }
            guard !missing.isEmpty else { return [] }
            let request = Self.encode(type: 2, missing.prefix(Self.numbersPerDatagramMax))
            return [
                .send(request, to: .peer(source)),
                .event(.syncFinished(peer: source, roundTrips: 1, bytesSent: request.count,
                                     bytesReceived: datagram.count, differences: missing.count)),
            ]
        case 2:
            return Self.decode(datagram).compactMap { number in
                held[number].map { .send(ToyBulletin(number: number, size: $0).datagram(type: 3), to: .peer(source)) }
            }
        case 3:
            guard let number = ToyWire.number(in: datagram, at: 1) else { return [] }
            if held[number] != nil { return [.event(.duplicateReceived(ToyBulletin.id(number), source: source))] }
            held[number] = datagram.count
            return [.event(.bulletinStored(ToyBulletin.id(number), source: source))]
        default:
            return []
        }
    }

    /// Stores the operator's bulletin and pushes it once.
    public mutating func operatorPost(_ bulletin: ToyBulletin, at now: NodeTime) -> [NodeAction] {
        guard held[bulletin.number] == nil else { return [] }
        held[bulletin.number] = bulletin.size
        return [.event(.bulletinStored(bulletin.id, source: nil)), .send(bulletin.datagram(type: 3), to: .broadcast)]
    }

    private static func encode(type: UInt8, _ numbers: some Collection<UInt64>) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 1 + 8 * numbers.count)
        bytes[0] = type
        for (index, number) in numbers.enumerated() { ToyWire.put(number, into: &bytes, at: 1 + 8 * index) }
        return bytes
    }

    private static func decode(_ datagram: [UInt8]) -> [UInt64] {
        let count = min((datagram.count - 1) / 8, numbersPerDatagramMax)
        return (0..<max(count, 0)).compactMap { ToyWire.number(in: datagram, at: 1 + 8 * $0) }
    }
}
