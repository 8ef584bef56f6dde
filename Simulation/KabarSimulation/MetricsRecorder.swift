import Kabar

/// Collects the run's measurements as events happen; `SimulationMetrics` is its read-out.
struct MetricsRecorder {
    struct BulletinRecord {
        var id: BulletinID
        /// The host whose operator posted it; nil if it first appeared from a peer.
        var origin: Int?
        var postedAt: Int64?
        /// How many hosts could ever get it (the origin's connected component).
        var reachable: Int
        /// One bit per host that has stored it at least once.
        var storedBy: [UInt64]
        /// The time of each first store, in order (virtual time never runs back).
        var storeTimes: [Int64] = []
        /// The host of each first store, parallel to `storeTimes`.
        var storeHosts: [Int32] = []
        /// `duplicateReceived` events for it.
        var duplicates = 0
    }

    var datagramsSent: [Int] = []
    var bytesSent: [Int] = []
    var datagramsReceived: [Int] = []
    var bytesReceived: [Int] = []
    var bulletins: [BulletinRecord] = []
    var bulletinIndex: [BulletinID: Int] = [:]
    /// Per host: its copies are an attack, not redundancy (replays are not counted as duplicates).
    var hostile: [Bool] = []
    /// Bulletins some reachable host still lacks.
    var incompleteBulletins = 0
    var usefulReceipts = 0
    var duplicateReceipts = 0
    var sync = SyncTotals()
    var peersDiscovered = 0
    var peersLost = 0
    var ticks = 0
    var tickLoopsCut = 0
    var postsWhileDown = 0
    var postsRejected = 0
    var powerCuts = 0
    var restarts = 0

    /// Where and when each attachment became whole at a host (`attachmentStored` events).
    var attachmentStores: [ContentID: [(host: Int32, time: Int64)]] = [:]

    mutating func addHost() {
        datagramsSent.append(0)
        bytesSent.append(0)
        datagramsReceived.append(0)
        bytesReceived.append(0)
    }

    /// Records `event` from `host`. `reachable[h]` is the size of host h's component.
    mutating func record(_ event: NodeEvent, host: Int, at now: Int64, reachable: [Int]) {
        // `if case` rather than `switch`: events added later are ignored without a warning.
        if case .bulletinStored(let id, let source) = event {
            if source != nil { usefulReceipts += 1 }
            stored(id, host: host, at: now, posted: source == nil, reachable: reachable)
        } else if case .duplicateReceived(let id, let source) = event {
            if case .simulated(let sender) = source, sender < hostile.count, hostile[sender] { return }
            duplicateReceipts += 1
            if let index = bulletinIndex[id] { bulletins[index].duplicates += 1 }
        } else if case .attachmentStored(let root) = event {
            attachmentStores[root, default: []].append((Int32(host), now))
        } else if case .peerDiscovered = event {
            peersDiscovered += 1
        } else if case .peerLost = event {
            peersLost += 1
        } else if case .syncFinished(_, let roundTrips, let sent, let received, let differences) = event {
            sync.count += 1
            sync.roundTrips += roundTrips
            sync.roundTripsMax = max(sync.roundTripsMax, roundTrips)
            sync.bytesSent += sent
            sync.bytesReceived += received
            sync.differences += differences
        }
    }

    private mutating func stored(_ id: BulletinID, host: Int, at now: Int64, posted: Bool, reachable: [Int]) {
        let index: Int
        if let known = bulletinIndex[id] {
            index = known
            if posted && bulletins[index].origin == nil && bulletins[index].storeTimes.isEmpty {
                bulletins[index].origin = host
                bulletins[index].postedAt = now
            }
        } else {
            index = bulletins.count
            bulletinIndex[id] = index
            let words = (datagramsSent.count + 63) / 64
            bulletins.append(BulletinRecord(
                id: id, origin: posted ? host : nil, postedAt: posted ? now : nil,
                reachable: posted ? reachable[host] : datagramsSent.count,
                storedBy: [UInt64](repeating: 0, count: words)
            ))
            incompleteBulletins += 1
        }
        let word = host / 64, bit = UInt64(1) << UInt64(host % 64)
        guard bulletins[index].storedBy[word] & bit == 0 else { return }
        bulletins[index].storedBy[word] |= bit
        bulletins[index].storeTimes.append(now)
        bulletins[index].storeHosts.append(Int32(host))
        if bulletins[index].storeTimes.count == bulletins[index].reachable { incompleteBulletins -= 1 }
    }
}

/// Totals over every `syncFinished` event.
public struct SyncTotals: Hashable, Sendable {
    /// Reconciliations finished.
    public var count = 0
    /// Round trips, summed.
    public var roundTrips = 0
    /// The most round trips one reconciliation took.
    public var roundTripsMax = 0
    /// Reconciliation bytes sent, summed over the side that reported.
    public var bytesSent = 0
    /// Reconciliation bytes received, summed.
    public var bytesReceived = 0
    /// Differences found, summed.
    public var differences = 0
}
