import Kabar

/// How one bulletin spread.
public struct BulletinSpread: Hashable, Sendable {
    /// The bulletin.
    public var id: BulletinID
    /// The host whose operator posted it; nil if the simulator first saw it arrive from a peer.
    public var origin: Int?
    /// When `post` was called on the origin.
    public var postedAt: Instant?
    /// Hosts that could ever get it: the origin's component in the union of every LAN
    /// membership and link the scenario ever has (origin included).
    public var reachable: Int
    /// Hosts that stored it at least once (origin included).
    public var reached: Int
    /// Time from the post until 50%, 90% and 100% of the reachable hosts had stored it
    /// (nearest rank: the ceil(p * reachable)-th first store); nil if not reached (yet).
    public var timeTo50: TimeSpan?
    /// See `timeTo50`.
    public var timeTo90: TimeSpan?
    /// See `timeTo50`.
    public var timeTo100: TimeSpan?

    /// `reached / reachable`.
    public var deliveryRatio: Double { reachable == 0 ? 0 : Double(reached) / Double(reachable) }
}

/// Everything a run measured. Host-indexed arrays are in host order; bulletins are in the
/// order they first appeared. Nothing here depends on hash order.
public struct SimulationMetrics: Sendable, CustomStringConvertible {
    /// Virtual time when the metrics were read.
    public var now: Instant
    /// Per host: datagrams its endpoint sent (a broadcast counts once) and their bytes.
    public var datagramsSent: [Int]
    /// See `datagramsSent`.
    public var bytesSent: [Int]
    /// Per host: datagrams delivered to its endpoint and their bytes.
    public var datagramsReceived: [Int]
    /// See `datagramsReceived`.
    public var bytesReceived: [Int]
    /// Datagrams the network dropped, by reason.
    public var drops: DropCounts
    /// Per bulletin: how it spread.
    public var bulletins: [BulletinSpread]
    /// `bulletinStored` events with a peer as source: copies that were new to the receiver.
    public var usefulReceipts: Int
    /// `duplicateReceived` events: copies that cost airtime for nothing.
    public var duplicateReceipts: Int
    /// Reconciliation totals.
    public var sync: SyncTotals
    /// `peerDiscovered` and `peerLost` events.
    public var peersDiscovered: Int
    /// See `peersDiscovered`.
    public var peersLost: Int
    /// Calls of `tick`.
    public var ticks: Int
    /// Wake-ups where the endpoint kept asking for a tick at the same instant and the simulator
    /// had to push it 1 ms on: a bug in the endpoint.
    public var tickLoopsCut: Int
    /// Scheduled posts that found their host without power (not posted).
    public var postsWhileDown: Int
    /// Scheduled posts the endpoint refused (`operatorPost` threw).
    public var postsRejected: Int
    /// Power cuts and restarts carried out.
    public var powerCuts: Int
    /// See `powerCuts`.
    public var restarts: Int
    /// Events the simulator processed.
    public var eventsProcessed: Int

    /// Duplicate receipts per useful receipt (0 when nothing useful arrived).
    public var redundancy: Double {
        usefulReceipts == 0 ? 0 : Double(duplicateReceipts) / Double(usefulReceipts)
    }

    /// Datagrams sent by every host.
    public var totalDatagramsSent: Int { datagramsSent.reduce(0, +) }
    /// Bytes sent by every host.
    public var totalBytesSent: Int { bytesSent.reduce(0, +) }
    /// Datagrams received by every host.
    public var totalDatagramsReceived: Int { datagramsReceived.reduce(0, +) }
    /// Bytes received by every host.
    public var totalBytesReceived: Int { bytesReceived.reduce(0, +) }

    /// Delivered copies over reachable copies, over every attributed bulletin.
    public var deliveryRatio: Double {
        let attributed = bulletins.filter { $0.origin != nil }
        let reachable = attributed.reduce(0) { $0 + $1.reachable }
        return reachable == 0 ? 0 : Double(attributed.reduce(0) { $0 + $1.reached }) / Double(reachable)
    }

    /// The `percent` percentile (0...100, nearest rank: the ceil(percent * n / 100)-th
    /// smallest) of `values`; nil if empty. Integer arithmetic, so deterministic everywhere.
    public static func percentile(_ percent: Int, of values: [TimeSpan]) -> TimeSpan? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted[nearestRank(percent, of: sorted.count) - 1]
    }

    /// The 1-based nearest rank of the `percent` percentile among `count` values.
    static func nearestRank(_ percent: Int, of count: Int) -> Int {
        min(max((percent * count + 99) / 100, 1), count)
    }

    /// A few lines for a person: coverage, traffic, redundancy, drops.
    public var description: String {
        let full = bulletins.compactMap(\.timeTo100)
        let ninety = bulletins.compactMap(\.timeTo90)
        func show(_ span: TimeSpan?) -> String { span.map(\.description) ?? "-" }
        return """
        at \(now): \(bulletins.count) bulletins, delivery ratio \(deliveryRatio)
        time to 90%: median \(show(Self.percentile(50, of: ninety))) max \(show(Self.percentile(100, of: ninety)))
        time to 100%: median \(show(Self.percentile(50, of: full))) max \(show(Self.percentile(100, of: full))) (\(full.count) complete)
        sent \(totalDatagramsSent) datagrams \(totalBytesSent) bytes; received \(totalDatagramsReceived) datagrams \(totalBytesReceived) bytes
        redundancy \(redundancy) (\(duplicateReceipts) duplicates / \(usefulReceipts) useful); drops \(drops)
        syncs \(sync.count) round trips \(sync.roundTrips) bytes \(sync.bytesSent)/\(sync.bytesReceived); events \(eventsProcessed)
        """
    }
}

extension MetricsRecorder {
    /// The read-out at `now`.
    func snapshot(now: Int64, drops: DropCounts, eventsProcessed: Int) -> SimulationMetrics {
        SimulationMetrics(
            now: Instant(microseconds: now),
            datagramsSent: datagramsSent, bytesSent: bytesSent,
            datagramsReceived: datagramsReceived, bytesReceived: bytesReceived,
            drops: drops, bulletins: bulletins.map(Self.spread),
            usefulReceipts: usefulReceipts, duplicateReceipts: duplicateReceipts, sync: sync,
            peersDiscovered: peersDiscovered, peersLost: peersLost, ticks: ticks, tickLoopsCut: tickLoopsCut,
            postsWhileDown: postsWhileDown, postsRejected: postsRejected, powerCuts: powerCuts, restarts: restarts, eventsProcessed: eventsProcessed
        )
    }

    private static func spread(_ record: BulletinRecord) -> BulletinSpread {
        func timeTo(_ percent: Int) -> TimeSpan? {
            guard let posted = record.postedAt, record.reachable > 0 else { return nil }
            let rank = SimulationMetrics.nearestRank(percent, of: record.reachable)
            guard rank <= record.storeTimes.count else { return nil }
            return .microseconds(record.storeTimes[rank - 1] - posted)
        }
        return BulletinSpread(
            id: record.id, origin: record.origin, postedAt: record.postedAt.map { Instant(microseconds: $0) },
            reachable: record.reachable, reached: record.storeTimes.count,
            timeTo50: timeTo(50), timeTo90: timeTo(90), timeTo100: timeTo(100)
        )
    }
}
