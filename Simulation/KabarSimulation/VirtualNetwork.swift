import Kabar

/// Datagrams the network threw away, by reason.
public struct DropCounts: Hashable, Sendable, CustomStringConvertible {
    /// Lost to the medium's random loss.
    public var loss = 0
    /// Dropped because the sender's airtime or link queue was full (drop-tail).
    public var queueFull = 0
    /// Larger than `Simulation.datagramBytesMax`: a bug in the node, never sent.
    public var oversize = 0
    /// Sent to an address no current LAN or link reaches (partitioned, away, unknown).
    public var unreachable = 0
    /// Arrived at a host whose power was off.
    public var hostDown = 0

    /// Every drop.
    public var total: Int { loss + queueFull + oversize + unreachable + hostDown }

    public var description: String {
        "loss=\(loss) queueFull=\(queueFull) oversize=\(oversize) unreachable=\(unreachable) hostDown=\(hostDown)"
    }
}

/// The virtual network: LANs, point-to-point links, who is a member of what right now, and the
/// airtime queues. It turns one send into zero or more delivery events.
///
/// Everything a send costs is O(receivers) plus O(memberships of the sender): there is no
/// per-host scan anywhere.
struct VirtualNetwork {
    struct LANState {
        var configuration: LANConfiguration
        /// Current effective members, in the order they joined (deterministic).
        var members: [Int32] = []
        /// When the shared medium is next free, in microseconds.
        var airtimeFreeAt: Int64 = 0
        var prng: PRNG
        /// With `fairAccess`: the frames each member has waiting, the members with frames
        /// waiting in turn order, whose turn is next, and whether a `lanFree` event is booked.
        var waiting: [Int32: SenderQueue] = [:]
        var turns: [Int32] = []
        var turn = 0
        var freeBooked = false
    }

    /// A datagram waiting for a fair LAN's medium.
    struct WaitingFrame {
        var datagram: [UInt8]
        var from: Int32
        /// The unicast target, or -1 for a broadcast.
        var target: Int32
        var sendNumber: UInt64
    }

    /// One member's frames waiting for a fair LAN's medium, oldest first (from `start`).
    struct SenderQueue {
        var frames: [WaitingFrame] = []
        var start = 0
        var bytes = 0

        var isEmpty: Bool { start == frames.count }

        mutating func append(_ frame: WaitingFrame) {
            frames.append(frame)
            bytes += frame.datagram.count
        }

        mutating func popFirst() -> WaitingFrame {
            let frame = frames[start]
            start += 1
            bytes -= frame.datagram.count
            if start == frames.count {
                frames.removeAll(keepingCapacity: true)
                start = 0
            } else if start >= 64 && start * 2 >= frames.count {
                frames.removeFirst(start)
                start = 0
            }
            return frame
        }
    }

    struct LinkState {
        var configuration: LinkConfiguration
        var ends: (Int32, Int32)
        /// How many active partitions cut this link: up when zero.
        var cutCount = 0
        /// When each direction (0: from `ends.0`, 1: from `ends.1`) is next free.
        var freeAt: (Int64, Int64) = (0, 0)
        var prng: PRNG
    }

    /// One host's relation to one LAN.
    struct Membership {
        var lan: Int32
        /// Whether the host is there (false while a mule is away).
        var joined: Bool
        /// How many active partitions cut this membership.
        var cutCount: Int
        var isEffective: Bool { joined && cutCount == 0 }
    }

    var lans: [LANState] = []
    var links: [LinkState] = []
    /// Per host: its memberships, sorted by LAN index.
    var memberships: [[Membership]] = []
    /// Per host: the links it is an end of, in the order added.
    var hostLinks: [[Int32]] = []
    var drops = DropCounts()

    var hostCount: Int { memberships.count }

    mutating func addHost() {
        memberships.append([])
        hostLinks.append([])
    }

    // MARK: topology changes

    /// Records that `host` is (or will be, once joined) related to `lan`.
    mutating func relate(_ host: Int, to lan: Int, joined: Bool) {
        if let position = memberships[host].firstIndex(where: { $0.lan == Int32(lan) }) {
            setJoined(host, lan: lan, position: position, joined)
            return
        }
        let entry = Membership(lan: Int32(lan), joined: false, cutCount: 0)
        let position = memberships[host].firstIndex(where: { $0.lan > Int32(lan) }) ?? memberships[host].count
        memberships[host].insert(entry, at: position)
        setJoined(host, lan: lan, position: position, joined)
    }

    /// Records that `host` may join `lan` later, leaving a present relation as it is.
    mutating func register(_ host: Int, lan: Int) {
        guard !memberships[host].contains(where: { $0.lan == Int32(lan) }) else { return }
        relate(host, to: lan, joined: false)
    }

    private mutating func setJoined(_ host: Int, lan: Int, position: Int, _ joined: Bool) {
        let before = memberships[host][position].isEffective
        memberships[host][position].joined = joined
        updateMemberList(host, lan: lan, wasEffective: before, isEffective: memberships[host][position].isEffective)
    }

    /// Adds `delta` (+1 cut, -1 heal) to the cut count of `host`'s membership of `lan`.
    mutating func cutMembership(_ host: Int, lan: Int, delta: Int) {
        guard let position = memberships[host].firstIndex(where: { $0.lan == Int32(lan) }) else { return }
        let before = memberships[host][position].isEffective
        memberships[host][position].cutCount = max(0, memberships[host][position].cutCount + delta)
        updateMemberList(host, lan: lan, wasEffective: before, isEffective: memberships[host][position].isEffective)
    }

    mutating func cutLink(_ link: Int, delta: Int) {
        links[link].cutCount = max(0, links[link].cutCount + delta)
    }

    private mutating func updateMemberList(_ host: Int, lan: Int, wasEffective: Bool, isEffective: Bool) {
        if !wasEffective && isEffective {
            lans[lan].members.append(Int32(host))
        } else if wasEffective && !isEffective, let index = lans[lan].members.firstIndex(of: Int32(host)) {
            lans[lan].members.remove(at: index)
        }
    }

    func isEffectiveMember(_ host: Int, of lan: Int32) -> Bool {
        for membership in memberships[host] where membership.lan == lan { return membership.isEffective }
        return false
    }

    // MARK: sending

    /// Sends `datagram` from `source` to its LANs (one frame each, landing on every member at
    /// once) and over every broadcast-carrying link.
    mutating func broadcast(_ datagram: [UInt8], from source: Int, at now: Int64, sendNumber: UInt64, queue: inout EventQueue) {
        for membership in memberships[source] where membership.isEffective {
            let lan = Int(membership.lan)
            let configuration = lans[lan].configuration
            if configuration.fairAccess {
                let frame = WaitingFrame(datagram: datagram, from: Int32(source), target: -1, sendNumber: sendNumber)
                sendFairly(frame, on: lan, at: now, queue: &queue)
                continue
            }
            guard let end = occupyAirtime(lan: lan, bytes: datagram.count, bandwidth: configuration.broadcastBandwidth, now: now) else { continue }
            let arrival = end + configuration.latency.microseconds + Self.jitter(configuration.jitter, &lans[lan].prng)
            queue.push(at: arrival, .deliverToLAN(from: Int32(source), lan: membership.lan, datagram: datagram, sendNumber: sendNumber))
        }
        for link in hostLinks[source] where links[Int(link)].configuration.carriesBroadcast {
            sendOnLink(Int(link), datagram, from: source, at: now, sendNumber: sendNumber, queue: &queue)
        }
    }

    /// The members of `lan` that hear a broadcast frame from `source` landing now: every
    /// current member but the sender, less those the loss draw picks (counted).
    mutating func receivers(ofBroadcastOn lan: Int, from source: Int) -> [Int32] {
        let loss = lans[lan].configuration.broadcastLoss
        var heard: [Int32] = []
        heard.reserveCapacity(lans[lan].members.count)
        for member in lans[lan].members where member != Int32(source) {
            if loss > 0 && lans[lan].prng.chance(loss) {
                drops.loss += 1
            } else {
                heard.append(member)
            }
        }
        return heard
    }

    /// Sends `datagram` from `source` to `target` over the first LAN they share now, or else
    /// the first link between them that is up; otherwise it is lost, as UDP would lose it.
    mutating func unicast(_ datagram: [UInt8], from source: Int, to target: Int, at now: Int64, sendNumber: UInt64, queue: inout EventQueue) {
        guard target >= 0, target < hostCount, target != source else {
            drops.unreachable += 1
            return
        }
        for membership in memberships[source] where membership.isEffective && isEffectiveMember(target, of: membership.lan) {
            let lan = Int(membership.lan)
            let configuration = lans[lan].configuration
            if configuration.fairAccess {
                let frame = WaitingFrame(datagram: datagram, from: Int32(source), target: Int32(target), sendNumber: sendNumber)
                sendFairly(frame, on: lan, at: now, queue: &queue)
                return
            }
            guard let end = occupyAirtime(lan: lan, bytes: datagram.count, bandwidth: configuration.unicastBandwidth, now: now) else { return }
            if configuration.unicastLoss > 0 && lans[lan].prng.chance(configuration.unicastLoss) {
                drops.loss += 1
                return
            }
            let arrival = end + configuration.latency.microseconds + Self.jitter(configuration.jitter, &lans[lan].prng)
            queue.push(at: arrival, .deliver(from: Int32(source), to: Int32(target), datagram: datagram, sendNumber: sendNumber))
            return
        }
        for link in hostLinks[source] {
            let ends = links[Int(link)].ends
            guard ends.0 == Int32(target) || ends.1 == Int32(target), links[Int(link)].cutCount == 0 else { continue }
            sendOnLink(Int(link), datagram, from: source, at: now, sendNumber: sendNumber, queue: &queue)
            return
        }
        drops.unreachable += 1
    }

    private mutating func sendOnLink(_ link: Int, _ datagram: [UInt8], from source: Int, at now: Int64, sendNumber: UInt64, queue: inout EventQueue) {
        guard links[link].cutCount == 0 else { return }
        let configuration = links[link].configuration
        let forward = links[link].ends.0 == Int32(source)
        let target = forward ? links[link].ends.1 : links[link].ends.0
        let freeAt = forward ? links[link].freeAt.0 : links[link].freeAt.1
        guard let end = Self.serialise(bytes: datagram.count, bandwidth: configuration.bandwidth, freeAt: freeAt,
                                       queueBytesMax: configuration.queueBytesMax, now: now) else {
            drops.queueFull += 1
            return
        }
        if forward { links[link].freeAt.0 = end } else { links[link].freeAt.1 = end }
        if configuration.loss > 0 && links[link].prng.chance(configuration.loss) {
            drops.loss += 1
            return
        }
        let arrival = end + configuration.latency.microseconds + Self.jitter(configuration.jitter, &links[link].prng)
        queue.push(at: arrival, .deliver(from: Int32(source), to: target, datagram: datagram, sendNumber: sendNumber))
    }

    // MARK: fair access

    /// On a LAN with `fairAccess`: sends `frame` at once if the medium is free and nobody
    /// waits, else queues it behind the sender's own frames (drop-tail at `queueBytesMax` per
    /// sender) and makes sure a `lanFree` event will serve the queues.
    private mutating func sendFairly(_ frame: WaitingFrame, on lan: Int, at now: Int64, queue: inout EventQueue) {
        if lans[lan].airtimeFreeAt <= now && lans[lan].turns.isEmpty {
            transmit(frame, on: lan, start: now, queue: &queue)
            return
        }
        let waitingBytes = lans[lan].waiting[frame.from]?.bytes ?? 0
        guard waitingBytes + frame.datagram.count <= lans[lan].configuration.queueBytesMax else {
            drops.queueFull += 1
            return
        }
        // A member that starts waiting goes next: it has counted its backoff down while the
        // medium was busy, while the member that just sent draws a new one.
        if lans[lan].waiting[frame.from]?.isEmpty ?? true {
            if lans[lan].turn > lans[lan].turns.count { lans[lan].turn = 0 }
            lans[lan].turns.insert(frame.from, at: lans[lan].turn)
        }
        lans[lan].waiting[frame.from, default: SenderQueue()].append(frame)
        if !lans[lan].freeBooked {
            lans[lan].freeBooked = true
            queue.push(at: max(now, lans[lan].airtimeFreeAt), .lanFree(lan: Int32(lan)))
        }
    }

    /// A fair LAN's medium came free: the member whose turn it is sends its oldest frame, and
    /// the next turn is booked for when that frame ends.
    mutating func serveFairLAN(_ lan: Int, at now: Int64, queue: inout EventQueue) {
        lans[lan].freeBooked = false
        guard !lans[lan].turns.isEmpty else { return }
        if lans[lan].turn >= lans[lan].turns.count { lans[lan].turn = 0 }
        let sender = lans[lan].turns[lans[lan].turn]
        guard let frame = lans[lan].waiting[sender]?.popFirst() else { return }
        if lans[lan].waiting[sender]?.isEmpty ?? true {
            lans[lan].waiting[sender] = nil
            lans[lan].turns.remove(at: lans[lan].turn)
        } else {
            lans[lan].turn += 1
        }
        transmit(frame, on: lan, start: max(now, lans[lan].airtimeFreeAt), queue: &queue)
        if !lans[lan].turns.isEmpty {
            lans[lan].freeBooked = true
            queue.push(at: lans[lan].airtimeFreeAt, .lanFree(lan: Int32(lan)))
        }
    }

    /// `frame` takes the medium from `start`; it lands (broadcast: on every member; unicast: on
    /// its target, after the loss draw) after its airtime plus latency and jitter.
    private mutating func transmit(_ frame: WaitingFrame, on lan: Int, start: Int64, queue: inout EventQueue) {
        let configuration = lans[lan].configuration
        let bandwidth = frame.target < 0 ? configuration.broadcastBandwidth : configuration.unicastBandwidth
        let end = start + bandwidth.transmissionTime(bytes: frame.datagram.count).microseconds
        lans[lan].airtimeFreeAt = end
        if frame.target < 0 {
            let arrival = end + configuration.latency.microseconds + Self.jitter(configuration.jitter, &lans[lan].prng)
            queue.push(at: arrival, .deliverToLAN(from: frame.from, lan: Int32(lan), datagram: frame.datagram, sendNumber: frame.sendNumber))
            return
        }
        if configuration.unicastLoss > 0 && lans[lan].prng.chance(configuration.unicastLoss) {
            drops.loss += 1
            return
        }
        let arrival = end + configuration.latency.microseconds + Self.jitter(configuration.jitter, &lans[lan].prng)
        queue.push(at: arrival, .deliver(from: frame.from, to: frame.target, datagram: frame.datagram, sendNumber: frame.sendNumber))
    }

    /// Queues `bytes` for the LAN's airtime; returns when the transmission ends, or nil (and
    /// counts a drop) when the queue is full.
    private mutating func occupyAirtime(lan: Int, bytes: Int, bandwidth: Bandwidth, now: Int64) -> Int64? {
        guard let end = Self.serialise(bytes: bytes, bandwidth: bandwidth, freeAt: lans[lan].airtimeFreeAt,
                                       queueBytesMax: lans[lan].configuration.queueBytesMax, now: now) else {
            drops.queueFull += 1
            return nil
        }
        lans[lan].airtimeFreeAt = end
        return end
    }

    /// A FIFO serialisation queue in O(1): the backlog is the time the medium stays busy times
    /// its rate. Returns when the datagram's last bit leaves, or nil if the queue is full.
    static func serialise(bytes: Int, bandwidth: Bandwidth, freeAt: Int64, queueBytesMax: Int, now: Int64) -> Int64? {
        let start = max(now, freeAt)
        if start > now && bandwidth.bytesPerSecond != .max {
            let waiting = (start - now).multipliedReportingOverflow(by: bandwidth.bytesPerSecond)
            let backlogBytes = waiting.overflow ? Int64.max : waiting.partialValue / 1_000_000
            if backlogBytes + Int64(bytes) > Int64(queueBytesMax) { return nil }
        }
        return start + bandwidth.transmissionTime(bytes: bytes).microseconds
    }

    @inline(__always)
    static func jitter(_ jitter: TimeSpan, _ prng: inout PRNG) -> Int64 {
        jitter.microseconds > 0 ? Int64(prng.int(below: Int(jitter.microseconds) + 1)) : 0
    }
}
