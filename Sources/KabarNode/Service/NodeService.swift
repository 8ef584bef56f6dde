import Kabar
import KabarPlatform

/// The one node service: every front end (the CLI, the REPL, the coming board) asks it, and
/// only it changes the node and its store.
///
/// # Theory of operation
///
/// The service holds a `NodeHost`: the daemon when one runs (it then lives inside the daemon
/// and is reached through the control socket), or an `OfflineNode` over the same data folder
/// when none does (a command then runs it in its own process, with no network). Either way a
/// request is one `ControlRequest`; the service answers with `ControlReply` values (bulletins,
/// then `done` or a typed `ServiceError`). Every write is signed here and handed to the node's
/// one door (`Node.submit`), which checks it like any bulletin from a peer and books it.
/// Nothing here prints: front ends word the replies.
public final class NodeService {
    /// What drives the node.
    public let host: any NodeHost
    /// Called with every event worth showing a person (`watch`, the attached REPL).
    public var eventSinks: [(ServiceEvent) -> Void] = []
    /// Applies a changed kabar.conf (`kabar reload`, SIGHUP); nil offline.
    public var reloader: (() throws(ServiceError) -> [Localized])?
    private var cachedIdentity: Identity?
    /// Replies by the id they reply to, built at the first `show` and kept up to date after.
    var replyIndex: [BulletinID: [BulletinID]]?
    /// Refusals from each peer since the last `housekeeping`, reported together (a flood would
    /// otherwise be one event per bulletin).
    var pendingRefusals: [String: (count: Int, reason: Localized)] = [:]
    /// Sources with refusals pending, at most (a spoofed flood cannot grow the table).
    static let refusalSourcesMax = 64
    /// Posts from phones: the review queue and the daily counts (NodeService+Web.swift).
    var web = WebPostState()
    /// The attachments' blocks, opened at first use (NodeService+Attachments.swift).
    var openedBlocks: BlockStore?
    /// The channel of the newest live post listing each attachment, as of the keeper's last
    /// pass: an attachment opened on demand is fetched within its channel's size limit.
    var keptAttachmentChannels: [ContentID: String] = [:]
    /// When the daemon runs the keeper next (monotonic microseconds); nil: at the next wake-up.
    var nextAttachmentKeeping: Int64?
    /// An attachment became whole since the keeper's last pass: it may have put its channel
    /// over budget, so the next pass comes within a minute.
    var attachmentStoredSinceKeeping = false
    /// This node's hall reports: schedule, first-seen times, peers heard (`HallReporter`,
    /// driven from NodeService+Reach.swift).
    var reports = HallReporter()

    /// A service over `host`; `identity` signs what is posted here (loaded from the data folder
    /// when nil, at the first write).
    public init(host: any NodeHost, identity: Identity? = nil) {
        self.host = host
        self.cachedIdentity = identity
    }

    /// The settings the node runs with.
    public var settings: NodeSettings { host.settings }
    /// The store (reads only: writes go through the node).
    public var store: FileStore { host.store }

    /// This node's identity.
    public func identity() throws(ServiceError) -> Identity {
        if let cachedIdentity { return cachedIdentity }
        do {
            let identity = try Identity.load(from: host.data)
            cachedIdentity = identity
            return identity
        } catch {
            throw .failed(error.localizedMessage)
        }
    }

    /// The date rules for new bulletins (the config's channel table).
    var policy: BulletinPolicy { BulletinPolicy(channels: settings.channels) }

    /// When to date a new bulletin: the node's best estimate (its peers' median when its own
    /// clock is plainly wrong). Offline, a clock before the build date is refused: nothing here
    /// can correct it.
    func postingTime() throws(ServiceError) -> UnixTime {
        let now = host.bestTime()
        guard host.isRunning || now >= NodeConfiguration.defaultEarliestPlausibleTime else {
            throw .failed(Localized(
                en: "this computer's clock reads before Kabar was built, so it is wrong: set the date (date -s), or start the node ('kabar run'), which takes the time from its peers",
                id: "jam komputer ini sebelum Kabar dibuat, jadi salah: atur tanggal (date -s), atau jalankan node ('kabar run') yang mengambil waktu dari peer-nya"))
        }
        return now
    }

    // MARK: The one door

    /// Hands `bulletin` (signed here) to the node's one door, durably. Returns the ids now
    /// removed because of it (a retraction or hide the node honours).
    @discardableResult
    func write(_ bulletin: Bulletin) throws(ServiceError) -> [BulletinID] {
        let outcome = host.withNode { node, now in node.submit(bulletin, durability: .immediate, at: now) }
        switch outcome {
        case .added:
            // Offline no event reports it, so the thread index learns of it here.
            noteReply(bulletin)
            let removed = bulletin.references.filter { store.isRemoved($0) }
            if !removed.isEmpty {
                do { try host.makeDurable() } catch { throw .from(error) }
            }
            return removed
        case .duplicate:
            throw ServiceError(code: "duplicate", message: Localized(
                en: "this exact bulletin is already stored", id: "buletin yang persis sama sudah tersimpan"))
        case .refused(let refusal):
            throw Self.error(for: refusal)
        }
    }

    /// A refusal of the one door as a typed service error.
    static func error(for refusal: WriteRefusal) -> ServiceError {
        if case .storeFailed = refusal { return ServiceError(code: "storage", message: refusal.localizedMessage) }
        return ServiceError(code: "refused", message: refusal.localizedMessage)
    }

    /// Installs the trust rules (kabar.conf's channels, quotas and authorities with the data
    /// folder's authority and block lists) over the store. A list that cannot be read is left
    /// out and returned, so the node still runs on the config's rules.
    @discardableResult
    public func installTrust() -> TrustListError? {
        var rules = TrustRules(
            authorities: Set(settings.authorities), channels: settings.channels, quotas: settings.channelQuotas,
            known: Set(settings.known + ((try? identity().author).map { [$0] } ?? [])), strangers: settings.strangerBudget)
        var problem: TrustListError?
        do {
            rules = try TrustOperations.rules(settings: settings, data: host.data, own: try? identity().author)
        } catch {
            problem = error
        }
        host.withNode { node, now in
            node.installTrust(TrustPolicy(rules: rules), at: now)
            return ((), node.tick(at: now))
        }
        return problem
    }

    // MARK: Events

    /// Turns a node event into what a person should see, and tells every sink.
    public func observe(_ event: NodeEvent) {
        switch event {
        case .bulletinStored(let id, let source):
            guard let bulletin = store.bulletin(id) else { return }
            noteReply(bulletin)
            noteAttachmentsListed(by: bulletin)
            noteStoredForReports(bulletin)
            publish(.bulletinStored(bulletin, source: source?.description))
        case .peerDiscovered(let address):
            noteForReports(event)
            publish(.peerJoined(address.description))
        case .peerLost(let address):
            noteForReports(event)
            publish(.peerLeft(address.description))
        case .syncFinished: noteForReports(event)
        case .bulletinRejected(let rejection):
            guard let source = rejection.source?.description else { return }
            if pendingRefusals[source] == nil, pendingRefusals.count >= Self.refusalSourcesMax { return }
            pendingRefusals[source, default: (0, rejection.message)].count += 1
            pendingRefusals[source]?.reason = rejection.message
        case .clockWarning(let estimate):
            publish(.notice(LocalizedText(estimate.warning ?? Localized(
                en: "this node's clock agrees with its peers again", id: "jam node ini kembali sesuai dengan peer-nya"))))
        case .attachmentStored: attachmentStoredSinceKeeping = true
        default: break
        }
    }

    /// Reports the refusals gathered since the last call, one event per peer (the daemon calls
    /// this once a second).
    public func housekeeping() {
        guard !pendingRefusals.isEmpty else { return }
        let pending = pendingRefusals
        pendingRefusals = [:]
        for source in pending.keys.sorted() {
            guard let entry = pending[source] else { continue }
            publish(.refused(source: source, count: entry.count, reason: LocalizedText(entry.reason)))
        }
    }

    func publish(_ event: ServiceEvent) {
        for sink in eventSinks { sink(event) }
    }
}
