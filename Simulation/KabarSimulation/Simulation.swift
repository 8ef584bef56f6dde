import Kabar

/// A discrete-event simulation of protocol endpoints on a virtual network, fixed by one seed.
///
/// Theory of operation: an event queue ordered by (virtual time, scheduling order) holds
/// datagram deliveries, timer ticks and scenario changes. `run` pops one event at a time,
/// moves the virtual clock to it, gives the host's endpoint the input, and carries out the
/// returned actions in order (sends become future deliveries, events become metrics) before
/// the next event. Every random draw comes from a `PRNG` derived from the run seed, so the
/// same seed and scenario give the same run, the same metrics and the same `traceDigest`.
///
///     var sim = Simulation<FloodingEndpoint>(seed: 7, name: "line")
///     let hosts = sim.addHosts(3) { boot in FloodingEndpoint(boot: boot) }
///     sim.addLink(0, 1, .ideal)
///     sim.addLink(1, 2, .ideal)
///     sim.schedule(at: .zero, .post(host: 0, ToyBulletin(number: 1)))
///     sim.runUntilConverged(deadline: Instant.zero + .minutes(1))
///     print(sim.metrics)
public struct Simulation<Endpoint: SimulatedEndpoint> {
    /// Makes a host's endpoint at each boot.
    public typealias EndpointFactory = (HostBoot<Endpoint.DurableState>) -> Endpoint

    /// The largest datagram a node may send (Documentation/Protocol.md, "Datagrams"). Larger ones are a node bug:
    /// counted in `drops.oversize` and never sent.
    public static var datagramBytesMax: Int { 1200 }
    /// How many times one wake-up may call `tick` while the endpoint keeps asking for "now".
    public static var ticksPerWakeupMax: Int { 16 }

    /// The run seed: every random draw derives from it.
    public let seed: UInt64
    /// The scenario's name, printed with the seed when a test fails.
    public var name: String
    /// Wall-clock time at virtual time zero on a host with no skew.
    public let epoch: UnixTime

    private var clock = SimulationClock()
    private var queue = EventQueue()
    private var network = VirtualNetwork()
    private var recorder = MetricsRecorder()
    private var digest = TraceDigest()
    private var endpoints: [Endpoint?] = []
    /// Per host: whether it has power (read instead of `endpoints[host] != nil`, which copies).
    private var powered: [Bool] = []
    private var factories: [EndpointFactory] = []
    private var hostFactory: [Int] = []
    private var bootCounts: [Int] = []
    private var durableStates: [Endpoint.DurableState?] = []
    private var clockSkews: [TimeSpan] = []
    /// When each host's one valid pending tick is due (`Int64.max`: none).
    private var tickAt: [Int64] = []
    /// Each host's tick generation: a popped tick of another generation is stale.
    private var tickGeneration: [UInt32] = []
    private var changes: [ScenarioChange<Endpoint.Payload>] = []
    private var pendingPosts = 0
    private var sendCount: UInt64 = 0
    private var eventsProcessed = 0
    /// Per host: the size of its component in the union connectivity graph.
    private var reachableFrom: [Int] = []
    private var topologyChanged = true
    /// What signature checks cost each host; nil: nothing (the default, for logic tests).
    public var cpu: CPUModel?
    /// Called with every node event as it happens: the host, the event and the virtual time
    /// (for measurements the metrics do not keep); nil by default.
    public var eventObserver: ((Int, NodeEvent, Instant) -> Void)?
    /// Per host: when its CPU is next free (microseconds), the datagrams waiting for it (from
    /// `cpuQueueStart` on), their bytes, and whether a `cpuReady` event is booked.
    private var cpuFreeAt: [Int64] = []
    private var cpuQueues: [[(from: Int32, datagram: [UInt8], sendNumber: UInt64)]] = []
    private var cpuQueueStart: [Int] = []
    private var cpuQueueBytes: [Int] = []
    private var cpuReadyBooked: [Bool] = []

    /// A simulation with no hosts at virtual time zero. `epoch` defaults to 2026-11-01T00:00Z.
    public init(seed: UInt64, name: String = "unnamed", epoch: UnixTime = UnixTime(milliseconds: 1_793_491_200_000)) {
        self.seed = seed
        self.name = name
        self.epoch = epoch
    }

    // MARK: reading

    /// The virtual time.
    public var now: Instant { clock.now }
    /// The number of hosts.
    public var hostCount: Int { endpoints.count }
    /// `host`'s endpoint, or nil while its power is off.
    public func endpoint(_ host: Int) -> Endpoint? { endpoints[host] }
    /// The address `host`'s datagrams come from and unicasts to it go to.
    public static func address(of host: Int) -> PeerAddress { .simulated(host) }
    /// The running digest of the whole trace (sends, deliveries, events, scenario changes).
    public var traceDigest: String { digest.hex }
    /// What a person needs to reproduce this run: `seed=N scenario=NAME`.
    public var reproduction: String { "seed=\(seed) scenario=\(name)" }
    /// True when every posted bulletin has reached every host that can reach its origin and no
    /// post is still scheduled.
    public var isConverged: Bool { pendingPosts == 0 && recorder.incompleteBulletins == 0 }

    /// Every first store of `id` so far, in time order: the hosts, the virtual times (in
    /// microseconds) and the duplicate copies received. Cheap (no snapshot of the rest).
    public func firstStores(of id: BulletinID) -> (hosts: [Int32], times: [Int64], duplicates: Int) {
        guard let index = recorder.bulletinIndex[id] else { return ([], [], 0) }
        let record = recorder.bulletins[index]
        return (record.storeHosts, record.storeTimes, record.duplicates)
    }

    /// Every host at which attachment `root` became whole (fetched from peers), with the virtual
    /// time in microseconds.
    public func attachmentStores(of root: ContentID) -> [(host: Int32, time: Int64)] { recorder.attachmentStores[root] ?? [] }

    /// Marks `host` as an attacker: copies it replays are not counted as duplicate receipts.
    public mutating func markHostile(_ host: Int) {
        if recorder.hostile.count < hostCount { recorder.hostile += Array(repeating: false, count: hostCount - recorder.hostile.count) }
        recorder.hostile[host] = true
    }

    /// Bytes sent so far by `host` (a broadcast counts once). O(1).
    public func bytesSent(by host: Int) -> Int { recorder.bytesSent[host] }

    /// The measurements so far.
    public var metrics: SimulationMetrics {
        recorder.snapshot(now: clock.now.microseconds, drops: network.drops, eventsProcessed: eventsProcessed)
    }

    /// `host`'s clocks now: monotonic = virtual time; wall = epoch + virtual time + skew.
    public func time(of host: Int) -> NodeTime {
        NodeTime(monotonic: clock.now, wall: epoch + (TimeSpan(microseconds: clock.now.microseconds) + clockSkews[host]))
    }

    // MARK: building the scenario

    /// Adds `count` hosts, boots each at once with `makeEndpoint`, and returns their indices.
    /// Host `i` has address `.simulated(i)`.
    @discardableResult
    public mutating func addHosts(_ count: Int, clockSkew: TimeSpan = .zero, makeEndpoint: @escaping EndpointFactory) -> Range<Int> {
        let first = endpoints.count
        factories.append(makeEndpoint)
        endpoints.reserveCapacity(first + count)
        for host in first..<(first + count) {
            endpoints.append(nil)
            powered.append(false)
            hostFactory.append(factories.count - 1)
            bootCounts.append(0)
            durableStates.append(nil)
            clockSkews.append(clockSkew)
            tickAt.append(.max)
            tickGeneration.append(0)
            cpuFreeAt.append(0)
            cpuQueues.append([])
            cpuQueueStart.append(0)
            cpuQueueBytes.append(0)
            cpuReadyBooked.append(false)
            network.addHost()
            recorder.addHost()
            boot(host)
        }
        topologyChanged = true
        return first..<(first + count)
    }

    /// Adds a LAN whose members from the start are `hosts`.
    @discardableResult
    public mutating func addLAN(_ hosts: some Sequence<Int>, _ configuration: LANConfiguration = LANConfiguration()) -> LANID {
        let lan = network.lans.count
        let prng = PRNG(seed: Self.derivedSeed(seed, stream: 2, index: UInt64(lan)))
        network.lans.append(VirtualNetwork.LANState(configuration: configuration, prng: prng))
        for host in hosts { network.relate(host, to: lan, joined: true) }
        topologyChanged = true
        return LANID(index: lan)
    }

    /// Adds a point-to-point link between hosts `a` and `b`.
    @discardableResult
    public mutating func addLink(_ a: Int, _ b: Int, _ configuration: LinkConfiguration = LinkConfiguration()) -> LinkID {
        precondition(a != b && a >= 0 && b >= 0 && a < hostCount && b < hostCount, "a link joins two existing hosts")
        let link = network.links.count
        let prng = PRNG(seed: Self.derivedSeed(seed, stream: 3, index: UInt64(link)))
        network.links.append(VirtualNetwork.LinkState(configuration: configuration, ends: (Int32(a), Int32(b)), prng: prng))
        network.hostLinks[a].append(Int32(link))
        network.hostLinks[b].append(Int32(link))
        topologyChanged = true
        return LinkID(index: link)
    }

    /// Makes `change` happen at `time` (not in the past). Changes at the same time happen in
    /// the order they were scheduled.
    public mutating func schedule(at time: Instant, _ change: ScenarioChange<Endpoint.Payload>) {
        precondition(time >= clock.now, "a change cannot be scheduled in the past")
        switch change {
        case .post: pendingPosts += 1
        case .join(let host, let lan):
            // Registered now (not joined) so reachability sees the mule's every LAN.
            network.register(host, lan: lan.index)
            topologyChanged = true
        default: break
        }
        changes.append(change)
        queue.push(at: time.microseconds, .change(index: Int32(changes.count - 1)))
    }

    /// Schedules a mule's timetable: join each visit's LAN on arrival, leave on departure.
    public mutating func addMule(_ host: Int, visits: [MuleVisit]) {
        for visit in visits {
            schedule(at: visit.arrival, .join(host: host, visit.lan))
            schedule(at: visit.departure, .leave(host: host, visit.lan))
        }
    }

    /// The partition that separates `hosts` from every other host: every link with one end
    /// inside, and the memberships of `hosts` in every LAN that also has members outside.
    /// (Hosts inside lose such a LAN among themselves too: a hall's Wi-Fi is one medium.)
    public func partition(separating hosts: some Sequence<Int>) -> Partition {
        let inside = Set(hosts)
        var links: [LinkID] = []
        for (index, link) in network.links.enumerated() where inside.contains(Int(link.ends.0)) != inside.contains(Int(link.ends.1)) {
            links.append(LinkID(index: index))
        }
        var memberships: [LANMembership] = []
        for host in inside.sorted() {
            for membership in network.memberships[host] {
                let mixed = network.lans[Int(membership.lan)].members.contains { !inside.contains(Int($0)) }
                if mixed { memberships.append(LANMembership(host: host, lan: LANID(index: Int(membership.lan)))) }
            }
        }
        return Partition(links: links, memberships: memberships)
    }

    /// Sets `host`'s wall-clock skew from now on.
    public mutating func setClockSkew(host: Int, _ skew: TimeSpan) {
        clockSkews[host] = skew
    }
}

// MARK: running

extension Simulation {
    /// Processes every event up to and including `deadline`, then leaves the clock there.
    public mutating func run(until deadline: Instant) {
        prepare()
        while let time = queue.nextTime, time <= deadline.microseconds { step() }
        if deadline > clock.now { clock.advance(to: deadline) }
    }

    /// Runs for `span` of virtual time.
    public mutating func run(for span: TimeSpan) {
        run(until: clock.now + span)
    }

    /// Runs until `isConverged` or `deadline`, whichever comes first. Returns whether it
    /// converged; the clock stays at the event that completed the last bulletin.
    @discardableResult
    public mutating func runUntilConverged(deadline: Instant) -> Bool {
        prepare()
        while !isConverged, let time = queue.nextTime, time <= deadline.microseconds { step() }
        if isConverged { return true }
        if deadline > clock.now { clock.advance(to: deadline) }
        return false
    }

    /// Runs until no event is left (nothing in flight, no timer, no change) or `deadline`.
    /// Returns whether it went quiet. Endpoints with periodic timers never go quiet.
    @discardableResult
    public mutating func runUntilQuiet(deadline: Instant) -> Bool {
        prepare()
        while let time = queue.nextTime, time <= deadline.microseconds { step() }
        return queue.isEmpty
    }

    private mutating func prepare() {
        guard topologyChanged else { return }
        reachableFrom = ConnectivityGraph.componentSizes(network)
        topologyChanged = false
    }

    private mutating func step() {
        guard let event = queue.pop() else { return }
        clock.advance(to: Instant(microseconds: event.time))
        eventsProcessed += 1
        switch event.kind {
        case .deliver(let from, let to, let datagram, let sendNumber):
            deliver(datagram, from: Int(from), to: Int(to), sendNumber: sendNumber)
        case .deliverToLAN(let from, let lan, let datagram, let sendNumber):
            for host in network.receivers(ofBroadcastOn: Int(lan), from: Int(from)) {
                deliver(datagram, from: Int(from), to: Int(host), sendNumber: sendNumber)
            }
        case .tick(let host, let generation):
            wake(Int(host), generation: generation)
        case .cpuReady(let host):
            serveCPUQueue(Int(host))
        case .lanFree(let lan):
            network.serveFairLAN(Int(lan), at: clock.now.microseconds, queue: &queue)
        case .change(let index):
            apply(changes[Int(index)])
        }
    }

    private mutating func deliver(_ datagram: [UInt8], from source: Int, to host: Int, sendNumber: UInt64) {
        guard powered[host] else {
            network.drops.hostDown += 1
            return
        }
        if cpu != nil, cpuFreeAt[host] > clock.now.microseconds || cpuQueueStart[host] < cpuQueues[host].count {
            // The CPU is busy verifying: the datagram waits in the socket buffer, if it fits.
            guard cpuQueueBytes[host] + datagram.count <= cpu?.receiveBufferBytes ?? .max else {
                network.drops.queueFull += 1
                return
            }
            cpuQueues[host].append((Int32(source), datagram, sendNumber))
            cpuQueueBytes[host] += datagram.count
            bookCPUReady(host)
            return
        }
        process(datagram, from: source, to: host, sendNumber: sendNumber)
    }

    /// Gives `datagram` to the host's endpoint, charging the CPU for its signature checks.
    private mutating func process(_ datagram: [UInt8], from source: Int, to host: Int, sendNumber: UInt64) {
        digest.record(2, UInt64(bitPattern: clock.now.microseconds), UInt64(source) << 32 | UInt64(host), sendNumber)
        recorder.datagramsReceived[host] += 1
        recorder.bytesReceived[host] += datagram.count
        let now = time(of: host)
        let checksBefore = cpu == nil ? 0 : signatureChecks(of: host)
        let actions = endpoints[host]?.receive(datagram, from: .simulated(source), at: now) ?? []
        if let cpu {
            let checks = signatureChecks(of: host) - checksBefore
            if checks > 0 {
                let cost = cpu.verifyCost.microseconds * Int64(checks) / Int64(cpu.cores)
                cpuFreeAt[host] = max(cpuFreeAt[host], clock.now.microseconds) + cost
            }
        }
        execute(actions, from: host)
        scheduleTick(host)
    }

    private mutating func signatureChecks(of host: Int) -> Int { endpoints[host]?.readSignatureChecks() ?? 0 }

    private mutating func bookCPUReady(_ host: Int) {
        guard !cpuReadyBooked[host] else { return }
        cpuReadyBooked[host] = true
        queue.push(at: max(cpuFreeAt[host], clock.now.microseconds), .cpuReady(host: Int32(host)))
    }

    /// The CPU came free: the next waiting datagram goes in.
    private mutating func serveCPUQueue(_ host: Int) {
        cpuReadyBooked[host] = false
        guard cpuQueueStart[host] < cpuQueues[host].count else { return }
        guard cpuFreeAt[host] <= clock.now.microseconds else {
            bookCPUReady(host)
            return
        }
        let next = cpuQueues[host][cpuQueueStart[host]]
        cpuQueueStart[host] += 1
        cpuQueueBytes[host] -= next.datagram.count
        if cpuQueueStart[host] == cpuQueues[host].count {
            cpuQueues[host].removeAll(keepingCapacity: true)
            cpuQueueStart[host] = 0
        }
        if powered[host] {
            process(next.datagram, from: Int(next.from), to: host, sendNumber: next.sendNumber)
        } else {
            network.drops.hostDown += 1
        }
        if cpuQueueStart[host] < cpuQueues[host].count { bookCPUReady(host) }
    }

    /// A tick event: call `tick` if the endpoint's deadline has come, at most
    /// `ticksPerWakeupMax` times in a row; then book the next wake-up.
    private mutating func wake(_ host: Int, generation: UInt32) {
        guard generation == tickGeneration[host], let deadline = self.deadline(of: host) else { return }
        tickAt[host] = .max
        let now = clock.now
        guard deadline <= now else {
            scheduleTick(host)
            return
        }
        for _ in 0..<Self.ticksPerWakeupMax {
            recorder.ticks += 1
            let hostTime = time(of: host)
            let actions = endpoints[host]?.tick(at: hostTime) ?? []
            execute(actions, from: host)
            guard let next = self.deadline(of: host), next <= now else {
                scheduleTick(host)
                return
            }
        }
        recorder.tickLoopsCut += 1
        bookTick(host, at: (now + .milliseconds(1)).microseconds)
    }

    /// `host`'s deadline, nil while it has no power. Read through a mutating call: a getter
    /// through `endpoints[host]?` copies the whole endpoint out of the optional (a node's every
    /// table retained and released) on every input; a mutating call works in place.
    private mutating func deadline(of host: Int) -> Instant? {
        endpoints[host]?.readDeadline()
    }

    /// Books a tick at the endpoint's deadline unless one at or before it is already booked.
    private mutating func scheduleTick(_ host: Int) {
        guard let deadline = self.deadline(of: host)?.microseconds, deadline != .max else { return }
        let at = max(deadline, clock.now.microseconds)
        if at < tickAt[host] { bookTick(host, at: at) }
    }

    private mutating func bookTick(_ host: Int, at time: Int64) {
        tickGeneration[host] &+= 1
        tickAt[host] = time
        queue.push(at: time, .tick(host: Int32(host), generation: tickGeneration[host]))
    }

    /// Carries out `actions` from `host` in order.
    private mutating func execute(_ actions: [NodeAction], from host: Int) {
        let now = clock.now.microseconds
        for action in actions {
            switch action {
            case .send(let datagram, let destination):
                send(datagram, from: host, to: destination, at: now)
            case .event(let event):
                digest.combine(event, host: host, at: now)
                recorder.record(event, host: host, at: now, reachable: reachableFrom)
                eventObserver?(host, event, clock.now)
            }
        }
    }

    private mutating func send(_ datagram: [UInt8], from host: Int, to destination: Destination, at now: Int64) {
        guard datagram.count <= Self.datagramBytesMax else {
            network.drops.oversize += 1
            return
        }
        sendCount &+= 1
        recorder.datagramsSent[host] += 1
        recorder.bytesSent[host] += datagram.count
        digest.record(UInt64(bitPattern: now), UInt64(host) << 8 | 1, sendCount, TraceDigest.fingerprint(datagram))
        switch destination {
        case .broadcast:
            digest.record(0xb0, 0, 0, 0)
            network.broadcast(datagram, from: host, at: now, sendNumber: sendCount, queue: &queue)
        case .peer(let address):
            digest.record(0xb1, TraceDigest.key(address), 0, 0)
            guard case .simulated(let target) = address else {
                network.drops.unreachable += 1
                return
            }
            network.unicast(datagram, from: host, to: target, at: now, sendNumber: sendCount, queue: &queue)
        }
    }
}

// MARK: scenario changes and boots

extension Simulation {
    private mutating func apply(_ change: ScenarioChange<Endpoint.Payload>) {
        digest.combine(4)
        digest.combine(Int(clock.now.microseconds))
        switch change {
        case .post(let host, let payload):
            pendingPosts -= 1
            digest.combine(host)
            guard powered[host] else {
                recorder.postsWhileDown += 1
                return
            }
            let now = time(of: host)
            do {
                let actions = try endpoints[host]?.operatorPost(payload, at: now) ?? []
                execute(actions, from: host)
            } catch {
                recorder.postsRejected += 1
            }
            scheduleTick(host)
        case .powerCut(let host):
            digest.combine(-1 - host)
            powerOff(host)
        case .restart(let host):
            digest.combine(-1_000_000 - host)
            powerOff(host)
            bootCounts[host] += 1
            recorder.restarts += 1
            boot(host)
        case .join(let host, let lan):
            network.relate(host, to: lan.index, joined: true)
            if powered[host] {
                let now = time(of: host)
                endpoints[host]?.joinedNetwork(at: now)
                scheduleTick(host)
            }
        case .leave(let host, let lan):
            network.relate(host, to: lan.index, joined: false)
        case .partition(let partition):
            cut(partition, delta: 1)
        case .heal(let partition):
            cut(partition, delta: -1)
        case .setClockSkew(let host, let skew):
            clockSkews[host] = skew
        }
    }

    private mutating func cut(_ partition: Partition, delta: Int) {
        for link in partition.links { network.cutLink(link.index, delta: delta) }
        for membership in partition.memberships {
            network.cutMembership(membership.host, lan: membership.lan.index, delta: delta)
        }
    }

    private mutating func powerOff(_ host: Int) {
        guard let endpoint = endpoints[host] else { return }
        network.drops.hostDown += cpuQueues[host].count - cpuQueueStart[host]
        cpuQueues[host].removeAll()
        cpuQueueStart[host] = 0
        cpuQueueBytes[host] = 0
        durableStates[host] = endpoint.durableState
        endpoints[host] = nil
        powered[host] = false
        recorder.powerCuts += 1
        tickGeneration[host] &+= 1
        tickAt[host] = .max
    }

    private mutating func boot(_ host: Int) {
        let boot = HostBoot(
            host: host, address: .simulated(host),
            seed: Self.derivedSeed(seed, stream: 1, index: UInt64(host) << 20 | UInt64(bootCounts[host])),
            bootCount: bootCounts[host], durable: durableStates[host], time: time(of: host)
        )
        endpoints[host] = factories[hostFactory[host]](boot)
        powered[host] = true
        scheduleTick(host)
    }

    /// A seed for one random stream (`stream` names the kind: 1 hosts, 2 LANs, 3 links, 9
    /// scenario builders; pick another number for a new kind), fixed by
    /// the run seed and the stream's index alone, so adding a host or a link never changes
    /// the draws of the others (which sequential `PRNG.split()` calls would).
    public static func derivedSeed(_ seed: UInt64, stream: UInt64, index: UInt64) -> UInt64 {
        var prng = PRNG(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        var mixed = PRNG(seed: prng.next() ^ index)
        return mixed.next()
    }
}

extension TraceDigest {
    /// Mixes in a node event from `host` at `time` as one fingerprint. (`if case` rather than
    /// `switch`: a case added later falls through to its description without a "default will
    /// never be executed" warning today.)
    mutating func combine(_ event: NodeEvent, host: Int, at time: Int64) {
        let head = UInt64(bitPattern: time) ^ UInt64(host) << 44
        if case .bulletinStored(let id, let source) = event {
            record(head ^ 10, id.words.0 ^ id.words.1, id.words.2 ^ id.words.3, Self.key(source))
        } else if case .duplicateReceived(let id, let source) = event {
            record(head ^ 11, id.words.0 ^ id.words.1, id.words.2 ^ id.words.3, Self.key(source))
        } else if case .peerDiscovered(let peer) = event {
            record(head ^ 12, Self.key(peer), 0, 0)
        } else if case .peerLost(let peer) = event {
            record(head ^ 13, Self.key(peer), 0, 0)
        } else if case .syncFinished(let peer, let roundTrips, let sent, let received, let differences) = event {
            record(head ^ 14, Self.key(peer), UInt64(roundTrips) << 32 ^ UInt64(differences), UInt64(sent) << 32 ^ UInt64(received))
        } else {
            combine(15)
            combine(bytes: Array(String(describing: event).utf8))
        }
    }

    /// One word that differs for different addresses (collisions only between far-apart
    /// address kinds, which a trace never mixes).
    static func key(_ address: PeerAddress?) -> UInt64 {
        switch address {
        case nil: return 0
        case .simulated(let index): return 1 | UInt64(index) << 8
        case .ipv4(let ip, let port): return 2 | UInt64(ip) << 24 | UInt64(port) << 8
        case .ipv6(let high, let low, let scope, let port): return 3 ^ mix(high ^ mix(low ^ mix(UInt64(scope) << 16 | UInt64(port))))
        }
    }
}
