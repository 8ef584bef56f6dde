import Kabar
import KabarPlatform

/// What drives the one `Node` the service owns: the daemon (sockets, clocks, a poll loop) or,
/// when no daemon runs, an `OfflineNode` (the same node over the same store, with no network).
/// The service changes the node only through `withNode`, so a write is checked, stored and
/// booked (sync set, repairs, wants) in one place whichever host runs it.
public protocol NodeHost: AnyObject {
    /// The node, for reads.
    var node: Node<FileStore> { get }
    /// The settings the node runs with (kabar.conf and flags).
    var settings: NodeSettings { get }
    /// The data folder.
    var data: DataDirectory { get }
    /// True for a daemon on the network; false offline.
    var isRunning: Bool { get }
    /// Mutates the node with `body` and carries out the actions it returns.
    func withNode<Result>(_ body: (inout Node<FileStore>, NodeTime) throws -> (Result, [NodeAction])) rethrows -> Result
    /// Makes every write so far durable.
    func makeDurable() throws
    /// The best estimate of the wall-clock time, for dating new bulletins.
    func bestTime() -> UnixTime
    /// Status for `kabar status` (a daemon only; nil offline).
    func currentStatus() -> NodeStatus?
    /// The peers (empty offline).
    func currentPeers() -> [PeerStatus]
}

extension NodeHost {
    /// The store the node holds (a class: reads need no copy).
    public var store: FileStore { node.store }
}

extension NodeDaemon: NodeHost where Store == FileStore {
    public var isRunning: Bool { true }

    public func makeDurable() throws {
        noteLazyInsert()
        flushStore()
    }

    public func currentStatus() -> NodeStatus? { status(store: describeStore(node.store)) }

    public func currentPeers() -> [PeerStatus] { peerStatuses() }

    /// The wall clock, corrected by the peers' median when the node judged its own clock
    /// plainly wrong. New posts are dated by it.
    public func bestTime() -> UnixTime {
        TrustOperations.bestTime(wall: clock.now().wall, clock: node.clock)
    }
}

/// The node with no network: what a command uses when no daemon runs on the data folder. It
/// holds the store's lock for the command's duration, applies the same rules (kabar.conf's
/// channels, quota and authorities, the data folder's lists) and drops every datagram the node
/// would send: the next `kabar run` spreads what was stored, by reconciliation.
public final class OfflineNode: NodeHost {
    public private(set) var node: Node<FileStore>
    public let settings: NodeSettings
    public let data: DataDirectory
    private let clock: DaemonClock

    /// The node over `store`, with `key` as its key.
    public init(settings: NodeSettings, data: DataDirectory, key: AuthorKey, store: FileStore, clock: DaemonClock = .system) {
        self.settings = settings
        self.data = data
        self.clock = clock
        // No randomness reaches anything offline (nothing is sent), so a fixed seed will do.
        node = Node(configuration: settings.nodeConfiguration, key: key, store: store, seed: 0, now: clock.now())
        // An offline import checks its batches' signatures on every core, as the daemon does.
        node.signatureVerifier = ParallelSignatureVerifier()
    }

    public var isRunning: Bool { false }

    public func withNode<Result>(_ body: (inout Node<FileStore>, NodeTime) throws -> (Result, [NodeAction])) rethrows -> Result {
        try body(&node, clock.now()).0
    }

    public func makeDurable() throws { try node.store.flush() }

    public func bestTime() -> UnixTime { UnixTime(milliseconds: clock.wall()) }

    public func currentStatus() -> NodeStatus? { nil }

    public func currentPeers() -> [PeerStatus] { [] }

    /// Makes everything durable and releases the store's lock.
    public func close() throws { try node.store.close() }
}
