import Kabar
import KabarPlatform

/// The REPL's backend in a running node: reads go to the daemon's open store, a post goes
/// through the node (validated, stored durably, then spread), and the node's events become
/// `ReplEvent`s. Everything runs on the daemon loop's thread, as the REPL does.
public final class DaemonReplBackend: ReplBackend {
    /// The daemon the REPL drives.
    public let daemon: NodeDaemon<FileStore>
    /// The identity posts are signed with.
    public let identity: Identity

    /// Runs a CLI command line inside the daemon (`ControlDispatch` in the CLI layer, which
    /// holds the commands): the trust commands go through it, so the REPL and the CLI share one
    /// implementation and one set of messages.
    public var commandRunner: ((_ argv: [String], _ language: Language) -> (exit: Int32, output: String, errors: String))?

    /// A backend over `daemon`, posting as `identity`.
    public init(daemon: NodeDaemon<FileStore>, identity: Identity) {
        self.daemon = daemon
        self.identity = identity
    }

    private var policy: BulletinPolicy { BulletinPolicy(channels: daemon.settings.channels) }

    /// The node's best estimate of the wall-clock time (the peers' median when this Pi's clock
    /// is plainly wrong), so posts are dated sensibly on a Pi that booted in 1970.
    private var now: UnixTime { daemon.bestTime() }

    public func post(channel: String, title: String, body: String) throws -> ReplBulletin {
        var store = CommandStore(daemon: daemon)
        let request = PostRequest(channel: channel, title: title, body: body)
        let bulletin = try BulletinOperations.post(
            request, identity: identity, store: &store, now: now, policy: policy)
        return ReplBulletin(bulletin)
    }

    public func list(channel: String?, limit: Int) throws -> [ReplBulletin] {
        daemon.store.query(BulletinQuery(channel: channel, limit: limit)).map(ReplBulletin.init)
    }

    public func bulletins(idPrefix: String) throws -> [ReplBulletin] {
        guard let id = try? daemon.store.resolve(prefix: idPrefix), let bulletin = daemon.store.bulletin(id) else {
            return []
        }
        return [ReplBulletin(bulletin)]
    }

    public func search(words: [String], limit: Int) throws -> [ReplBulletin] {
        daemon.store.query(BulletinQuery(text: words.joined(separator: " "), limit: limit)).map(ReplBulletin.init)
    }

    public func peers() throws -> [ReplPeer] {
        daemon.peerStatuses().map { peer in
            ReplPeer(address: peer.address, lastHeard: Self.seconds(peer.lastSeenS))
        }
    }

    public func status() throws -> [(label: Localized, value: String)] {
        Self.statusLines(daemon.currentStatus())
    }

    /// `status` as the REPL shows it: label/value pairs in both languages.
    public static func statusLines(_ status: NodeStatus) -> [(label: Localized, value: String)] {
        var lines: [(label: Localized, value: String)] = [
            (Localized(en: "node", id: "node"), status.nodeId),
            (Localized(en: "uptime", id: "waktu hidup"), seconds(status.uptimeS)),
            (Localized(en: "UDP port", id: "port UDP"), "\(status.port) (\(status.network))"),
            (Localized(en: "peers", id: "rekan"), "\(status.peers.count)"),
            (Localized(en: "bulletins", id: "buletin"), "\(status.store.count)"),
        ]
        for (channel, count) in status.store.byChannel.sorted(by: { $0.key < $1.key }) {
            lines.append((Localized(en: "  #\(channel)", id: "  #\(channel)"), "\(count)"))
        }
        if let disk = status.store.diskBytes {
            let quota = status.store.quotaBytes.map { " / " + megabytes($0) } ?? ""
            lines.append((Localized(en: "disk", id: "disk"), megabytes(disk) + quota))
        }
        lines.append((Localized(en: "clock", id: "jam"), clockText(status.clock)))
        return lines
    }

    public func channels() throws -> [ReplChannel] {
        let held = StoreStatus(counting: daemon.store, diskBytes: nil, quotaBytes: nil).byChannel
        return daemon.settings.channels.sortedRules.map { ReplChannel(rule: $0, held: held[$0.name] ?? 0) }
    }

    public func export(to path: String) throws -> Int {
        let store = daemon.store
        let now = self.now
        return try BundleFile.write(to: path) { write in
            try BulletinOperations.forEachExported(from: store, channel: nil, since: nil, now: now, write)
        }
    }

    public func importBundle(from path: String) throws -> ReplImportCounts {
        var decoder = try BundleFile.open(path)
        var store = CommandStore(daemon: daemon)
        let report = try BundleImport.run(&decoder, into: &store, now: now, policy: policy)
        return ReplImportCounts(added: report.added, duplicates: report.alreadyHad, refused: report.rejected)
    }

    public func trustCommand(_ argv: [String], language: Language) throws -> String {
        guard let commandRunner else {
            throw ReplCommandError.failed(Localized(
                en: "this REPL cannot run '\(argv.first ?? "")'; use the kabar command line",
                id: "REPL ini tidak dapat menjalankan '\(argv.first ?? "")'; pakai baris perintah kabar"))
        }
        let result = commandRunner(argv, language)
        guard result.exit == 0 else { throw ReplCommandError.fromOutput(result.errors) }
        return result.output
    }

    /// What of `event` the person should see, or nil.
    public func replEvent(for event: NodeEvent) -> ReplEvent? {
        switch event {
        case .bulletinStored(let id, let source):
            guard source != nil, let bulletin = daemon.store.bulletin(id) else { return nil }
            return .bulletinArrived(ReplBulletin(bulletin))
        case .peerDiscovered(let address): return .peerJoined(address.description)
        case .peerLost(let address): return .peerLeft(address.description)
        case .clockWarning(let estimate):
            return .notice(estimate.warning ?? Localized(
                en: "this node's clock agrees with its peers again", id: "jam node ini kembali sesuai dengan peer-nya"))
        default: return nil
        }
    }

    static func clockText(_ clock: ClockStatus) -> String {
        let time = LogTime.format(milliseconds: clock.estimatedMs)
        if clock.uncorrectable { return time + " (!)" }
        guard clock.ownClockWrong, let offset = clock.peerMedianOffsetMs else { return time }
        return time + " (\(offset / 1000) s)"
    }

    /// Seconds in words for a person: "42 s", "7 min", "3 h".
    public static func seconds(_ value: Double) -> String {
        if value < 120 { return "\(Int(value)) s" }
        if value < 7_200 { return "\(Int(value / 60)) min" }
        return "\(Int(value / 3_600)) h"
    }

    static func megabytes(_ bytes: Int64) -> String {
        let tenths = (bytes * 10 + 524_288) / 1_048_576
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
