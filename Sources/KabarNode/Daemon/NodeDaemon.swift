import Kabar
import KabarPlatform

/// The real node: a `Node` driven by UDP sockets, the wall and monotonic clocks and a file
/// store, in one thread.
///
/// # Theory of operation
///
/// `step()` is one turn of the loop: sleep in `poll` until a descriptor is ready or the next
/// deadline (the node's `nextDeadline`, or housekeeping), handle what is ready, then tick the
/// node if its deadline passed and do housekeeping. After every node input, every action it
/// returns is carried out at once ("after every input, drain the outputs"):
///
/// - `.send(_, .peer(a))`: one unicast datagram;
/// - `.send(_, .broadcast)`: one datagram to each interface's directed IPv4 broadcast address,
///   and one to the IPv6 link-local group on each multicast interface;
/// - `.event(e)`: a log line.
///
/// Datagrams are read at most `datagramsPerWakeupMax` per socket per step, so a flood cannot
/// starve the timers. Lazy (gossip) inserts are flushed at least every `flushInterval` and at
/// shutdown. The interface list is refreshed every `interfaceRefreshInterval` and after a send
/// fails, and the multicast group is joined again on interfaces that appear.
///
/// Stopping: `requestStop()` (from a signal's descriptor, a test or a REPL) makes `run()` leave
/// its loop after the current step; `shutdown()` flushes the store and closes every socket.
public final class NodeDaemon<Store: BulletinStore & AnyObject> {
    /// Datagrams read per socket per wakeup, at most.
    public static var datagramsPerWakeupMax: Int { 256 }
    /// Datagrams given to the node at once, at most: one batch of signature checks.
    public static var datagramsPerBatchMax: Int { 64 }
    /// Lazy inserts reach the disk at least this often (microseconds).
    public static var flushInterval: Int64 { 1_000_000 }
    /// How often the interface list is read again (microseconds).
    public static var interfaceRefreshInterval: Int64 { 5_000_000 }

    /// The loop; a REPL registers its descriptors here.
    public let loop = DaemonLoop()
    /// The protocol state machine.
    public internal(set) var node: Node<Store>
    /// The log.
    public let logger: Logger
    /// The settings it runs with (changed only by `reconfigure`).
    public private(set) var settings: NodeSettings
    /// The data folder.
    public let data: DataDirectory
    /// The UDP sockets.
    public let sockets: DaemonSockets
    /// The clocks.
    public let clock: DaemonClock
    /// When the daemon started (monotonic microseconds).
    public let startedAt: Int64
    /// False in tests on loopback: `.broadcast` sends go nowhere (static peers still get theirs).
    public let broadcasts: Bool
    /// Describes the store for `status` (the CLI layer adds the file store's disk use).
    public var describeStore: (Store) -> StoreStatus = { StoreStatus(counting: $0, diskBytes: nil, quotaBytes: nil) }
    /// Called with every event after it is logged (a REPL shows them; tests watch them).
    public var eventObserver: ((NodeEvent) -> Void)?

    /// True once a stop was asked for.
    public private(set) var isStopping = false
    var interfaces = InterfaceSnapshot(interfaces: [])
    var nextInterfaceRefresh: Int64 = 0
    private var nextFlush: Int64 = 0
    private var unflushedInserts = 0
    private var nextLogSummary: Int64 = 0
    var receiveBuffer = [UInt8](repeating: 0, count: 2_048)
    /// Work run at every housekeeping wake-up (the control server drops idle clients here).
    public var housekeepers: [(Int64) -> Void] = []
    /// The hall board's TCP port while it serves (for `status`).
    public var webPort: UInt16?
    private var isShutDown = false

    /// A daemon over `store` with the node key `key`, gossiping on `sockets`. `seed` comes from
    /// getrandom (`SystemRandom`) in `kabar run`.
    public init(
        settings: NodeSettings, data: DataDirectory, key: AuthorKey, store: Store, sockets: DaemonSockets,
        seed: UInt64, logger: Logger, clock: DaemonClock = .system, broadcasts: Bool = true
    ) {
        self.settings = settings
        self.data = data
        self.sockets = sockets
        self.logger = logger
        self.clock = clock
        self.broadcasts = broadcasts
        let now = clock.now()
        startedAt = now.monotonic.microseconds
        node = Node(configuration: settings.nodeConfiguration, key: key, store: store, seed: seed, now: now)
        node.signatureVerifier = ParallelSignatureVerifier()
        loop.register(sockets.ipv4.descriptor) { [unowned self] _ in self.receiveDatagrams(from: self.sockets.ipv4) }
        if let ipv6 = sockets.ipv6 {
            loop.register(ipv6.descriptor) { [unowned self] _ in self.receiveDatagrams(from: ipv6) }
        }
        if broadcasts { refreshInterfaces(at: startedAt, initial: true) }
    }

    /// The store the node holds (a class: reads need no copy).
    public var store: Store { node.store }

    /// Uptime in microseconds.
    public var uptimeMicroseconds: Int64 { clock.monotonic() - startedAt }

    /// Runs with `settings` from now on (a reload): the node takes the static peers and the
    /// date and channel rules, the log its level. The port and network stay what they were
    /// (`NodeSettings.reload(to:)` keeps them); the trust rules are the service's to install.
    public func reconfigure(_ settings: NodeSettings) {
        self.settings = settings
        logger.level = settings.logLevel
        let configuration = settings.nodeConfiguration
        node.reconfigure(staticPeers: configuration.staticPeers, policy: configuration.policy, attachments: configuration.attachments, at: clock.now())
    }

    /// Asks `run()` to stop after the current step.
    public func requestStop() { isStopping = true }

    /// Runs steps until a stop is requested, then shuts down.
    public func run() throws {
        logger.info("node \(node.key.short) listening on UDP port \(sockets.port), network '\(settings.networkName)', \(node.store.count) bulletins stored")
        while !isStopping { try step() }
        shutdown()
    }

    /// One turn of the loop; waits at most until `limit` (monotonic microseconds) if given, so
    /// tests can drive two daemons in one thread.
    public func step(waitingAtMost limit: Int64? = nil) throws {
        var deadline = min(node.nextDeadline.microseconds, nextHousekeeping)
        if let limit { deadline = min(deadline, limit) }
        try loop.runOnce(until: deadline)
        let now = clock.monotonic()
        if now >= node.nextDeadline.microseconds { perform(node.tick(at: clock.now())) }
        housekeeping(at: now)
    }

    /// Carries out every action the node returned.
    public func perform(_ actions: [NodeAction]) {
        for action in actions {
            switch action {
            case .send(let datagram, let destination): send(datagram, to: destination)
            case .event(let event): report(event)
            }
        }
    }

    /// Makes every lazy insert durable now.
    public func flushStore() {
        guard unflushedInserts > 0 else { return }
        do {
            var store = node.store
            try store.flush()
            unflushedInserts = 0
        } catch {
            logger.error("cannot flush the store: \(error)")
            node.forgetLostWrites()
        }
        nextFlush = clock.monotonic() + Self.flushInterval
    }

    /// Flushes the store and closes the sockets. Safe to call twice.
    public func shutdown() {
        guard !isShutDown else { return }
        isShutDown = true
        unflushedInserts = max(unflushedInserts, 1)
        flushStore()
        for descriptor in [sockets.ipv4.descriptor] + (sockets.ipv6.map { [$0.descriptor] } ?? []) {
            loop.unregister(descriptor)
        }
        sockets.close()
        logger.info("node stopped; store flushed")
    }

    /// Notes that a lazy insert happened (the node's gossip inserts, an import), so the next
    /// flush is due within `flushInterval`.
    func noteLazyInsert() {
        if unflushedInserts == 0 { nextFlush = clock.monotonic() + Self.flushInterval }
        unflushedInserts += 1
    }

    private var nextHousekeeping: Int64 {
        var next = nextLogSummary
        if broadcasts { next = min(next, nextInterfaceRefresh) }
        if unflushedInserts > 0 { next = min(next, nextFlush) }
        return next
    }

    private func housekeeping(at now: Int64) {
        if unflushedInserts > 0 && now >= nextFlush { flushStore() }
        if broadcasts && now >= nextInterfaceRefresh { refreshInterfaces(at: now, initial: false) }
        if now >= nextLogSummary {
            logger.flushSuppressed()
            nextLogSummary = now + 1_000_000
        }
        for housekeeper in housekeepers { housekeeper(now) }
    }

    /// Mutates the node with `body` and carries out the actions it returns.
    public func withNode<Result>(_ body: (inout Node<Store>, NodeTime) throws -> (Result, [NodeAction])) rethrows -> Result {
        let (result, actions) = try body(&node, clock.now())
        perform(actions)
        return result
    }
}

extension NodeDaemon {
    /// Reads the interfaces again at the next step (after a send failed).
    func scheduleInterfaceRefresh() {
        nextInterfaceRefresh = min(nextInterfaceRefresh, clock.monotonic() + 100_000)
    }
}
