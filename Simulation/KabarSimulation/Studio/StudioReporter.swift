import Kabar
import KabarCrypto

/// Every hall report made in a `kabar sim` run, shared between the hosts that make them and the
/// run that measures them (the ground truth of what each hall listed, and when).
public final class ReportLedger {
    /// One report made.
    public struct Entry: Sendable {
        /// The hall host that made it.
        public var host: Int
        /// The report's id.
        public var id: BulletinID
        /// When it was made (virtual time) and its encoded bytes.
        public var at: Instant
        /// See `at`.
        public var bytes: Int
        /// The official bulletins it listed.
        public var listed: [BulletinID]
    }

    /// Reports made during the run, in the order made.
    public private(set) var entries: [Entry] = []
    /// Reports the hosts could not make (the node refused its own report): must stay zero.
    public private(set) var failures = 0
    /// The reports every hall held at the start (each hall's own, from before the run).
    public var initial: [Bulletin] = []

    /// An empty ledger.
    public init() {}

    func record(_ entry: Entry) { entries.append(entry) }
    func recordFailure() { failures += 1 }
}

/// A hall node's report-making in a `kabar sim` run: the core's `HallReporter` (the same code
/// the daemon drives), fed the node's events, with the operator's key to sign and the node's
/// one door (`Node.post`) to write. The key stays here, as the daemon's stays in its identity.
public struct StudioReporter {
    /// The core's reporter.
    public private(set) var reporter = HallReporter()
    private let key: Ed25519.PrivateKey
    private let author: AuthorKey
    private let host: Int
    private let label: String
    private let channels: ChannelRules
    private let ledger: ReportLedger
    /// When the next report is due (virtual time), `.max` when none.
    public private(set) var due = Instant(microseconds: .max)

    /// The reporter of hall host `host`, signing with `key`; `office` when that key is the
    /// rules' authority. Starts at `now` from its own newest report in `store`, if any.
    public init?(host: Int, key: Ed25519.PrivateKey, label: String, office: Bool, channels: ChannelRules, ledger: ReportLedger,
                 store: MemoryStore, own: BulletinID?, now: NodeTime) {
        guard let author = AuthorKey(bytes: key.publicKey.rawRepresentation) else { return nil }
        self.key = key
        self.author = author
        self.host = host
        self.label = label
        self.channels = channels
        self.ledger = ledger
        reporter.isOffice = office
        let (official, officeHeld) = HallReporter.heldPosts(in: store, channels: channels)
        let ownReport = own.flatMap { store.bulletin($0) }
        reporter.start(at: now.wall, ownReport: ownReport, official: official, office: officeHeld)
        schedule(at: now, best: now.wall)
    }

    /// Feeds the node's events in `actions` to the reporter, then makes a report through `node`
    /// when one is due; returns the actions of that post (none when nothing was due).
    mutating func step(after actions: [NodeAction], node: inout Node<MemoryStore>, at now: NodeTime) -> [NodeAction] {
        let best = ClockEstimate.bestTime(wall: now.wall, clock: node.clock)
        for action in actions {
            guard case .event(let event) = action else { continue }
            if case .bulletinStored(let id, _) = event {
                guard let summary = node.store.summary(id) else { continue }
                reporter.stored(id, kind: summary.kind, rule: channels.rule(for: summary.channel), at: best)
            } else {
                reporter.observe(event, at: best)
            }
        }
        var made: [NodeAction] = []
        if reporter.isDue(at: best) { made = makeReport(node: &node, at: now, best: best) }
        schedule(at: now, best: best)
        return made
    }

    /// Builds, signs and posts the report due at `best`.
    private mutating func makeReport(node: inout Node<MemoryStore>, at now: NodeTime, best: UnixTime) -> [NodeAction] {
        let facts = HallReporter.Facts(
            label: label, software: "kabar sim", storeCount: node.store.count, storeBytes: node.store.encodedBytes, clock: node.clock)
        let store = node.store
        do {
            let content = try reporter.content(at: best, facts: facts, author: author) { store.contains($0) }
            let bulletin = try Bulletin.sign(content, with: key)
            let actions = try node.post(bulletin, at: now)
            reporter.made(bulletin, at: best)
            let report = try HallReport(bulletin)
            let listed = reporter.firstSeen.keys.filter { report.holding(of: $0) != nil }.sorted()
            ledger.record(ReportLedger.Entry(host: host, id: bulletin.id, at: now.monotonic, bytes: bulletin.encoded.count, listed: listed))
            return actions
        } catch {
            reporter.failed(at: best)
            ledger.recordFailure()
            return []
        }
    }

    /// Turns the reporter's next due time (best time) into virtual time.
    private mutating func schedule(at now: NodeTime, best: UnixTime) {
        guard let next = reporter.nextReport(at: best) else {
            due = Instant(microseconds: .max)
            return
        }
        due = now.monotonic + .microseconds(max(0, (next - best).microseconds))
    }
}
