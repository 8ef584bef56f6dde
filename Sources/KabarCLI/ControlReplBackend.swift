import Foundation
import Kabar
import KabarNode
import KabarPlatform

/// The REPL's backend when a node already runs on the data folder (the systemd service): each
/// REPL command becomes the matching CLI command line, run inside the daemon through its
/// control socket, so the operator's REPL and the service share one store and one identity.
/// There is no push channel on the socket, so `poll()` asks for the newest bulletins and the
/// peers now and then and reports what changed as events.
final class ControlReplBackend: ReplBackend {
    /// How often `poll()` is due (monotonic microseconds).
    static let pollInterval: Int64 = 2_000_000
    /// Newest bulletins asked for per poll; more arriving between two polls are not each shown.
    static let pollBulletinsMax = 20

    let data: DataDirectory
    let language: () -> Language
    private var seenBulletins: Set<String> = []
    private var knownPeers: Set<String>?
    /// False until the first poll: what is there when the REPL opens is not news.
    private var primed = false

    /// A backend for the daemon on `data`; `language` is asked at each request (`lang` changes it).
    init(data: DataDirectory, language: @escaping () -> Language) {
        self.data = data
        self.language = language
    }

    /// Runs `argv` in the daemon and returns what it printed; a failure becomes the error the
    /// command printed, in the person's language.
    func run(_ argv: [String], stdin: String? = nil) throws -> String {
        guard let connection = ControlClient.connect(data) else { throw ControlReplError.nodeGone(data.path) }
        defer { connection.close() }
        let request = ControlRequest(
            argv: argv + ["--data", data.path], lang: language().rawValue,
            cwd: FileManager.default.currentDirectoryPath, stdin: stdin)
        let response = try ControlClient.exchange(request, over: connection)
        guard response.exit == 0 else { throw ReplCommandError.fromOutput(response.stderr) }
        return response.stdout
    }

    func post(channel: String, title: String, body: String) throws -> ReplBulletin {
        let id = try run(["post", "--channel", channel, "--title", title], stdin: body)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        seenBulletins.insert(id)
        return try bulletins(idPrefix: id).first ?? ReplBulletin(
            id: id, channel: channel, title: title, body: body, author: "", created: UnixTime(milliseconds: WallClock.now()))
    }

    func list(channel: String?, limit: Int) throws -> [ReplBulletin] {
        try listing(["list", "--json", "--limit", String(limit)] + (channel.map { ["--channel", $0] } ?? []))
    }

    func bulletins(idPrefix: String) throws -> [ReplBulletin] {
        guard let text = try? run(["show", idPrefix, "--json"]) else { return [] }
        return try Self.decode("[" + text + "]")
    }

    func search(words: [String], limit: Int) throws -> [ReplBulletin] {
        try listing(["list", "--json", "--limit", String(limit), "--search", words.joined(separator: " ")])
    }

    func peers() throws -> [ReplPeer] {
        try currentPeers().map { ReplPeer(address: $0.address, lastHeard: DaemonReplBackend.seconds($0.lastSeenS)) }
    }

    func status() throws -> [(label: Localized, value: String)] {
        DaemonReplBackend.statusLines(try currentStatus())
    }

    func channels() throws -> [ReplChannel] {
        let rules = (try? ConfigFile.load(from: data))?.channels ?? ChannelRules.defaults
        let held = try currentStatus().store.byChannel
        return rules.sortedRules.map { ReplChannel(rule: $0, held: held[$0.name] ?? 0) }
    }

    func export(to path: String) throws -> Int {
        let text = try run(["export", path, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return object?["count"] as? Int ?? 0
    }

    func importBundle(from path: String) throws -> ReplImportCounts {
        let text = try run(["import", path, "--json"])
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ReplCommandError.failed(Localized(verbatim: "unexpected answer from the node: \(text.prefix(200))"))
        }
        return ReplImportCounts(
            added: object["added"] as? Int ?? 0, duplicates: object["already_had"] as? Int ?? 0,
            refused: object["rejected"] as? Int ?? 0)
    }

    func trustCommand(_ argv: [String], language: Language) throws -> String {
        try run(argv)
    }

    /// What changed since the last poll: bulletins that arrived, peers that came or went.
    func poll() -> [ReplEvent] {
        var events: [ReplEvent] = []
        if let newest = try? list(channel: nil, limit: Self.pollBulletinsMax) {
            for bulletin in newest.reversed() where seenBulletins.insert(bulletin.id).inserted && primed {
                events.append(.bulletinArrived(bulletin))
            }
            // Bounded: only the ids of the latest listing matter for the next comparison.
            seenBulletins.formIntersection(newest.map(\.id))
            primed = true
        }
        if let peers = try? currentPeers() {
            let addresses = Set(peers.map(\.address))
            if let known = knownPeers {
                events += addresses.subtracting(known).sorted().map(ReplEvent.peerJoined)
                events += known.subtracting(addresses).sorted().map(ReplEvent.peerLeft)
            }
            knownPeers = addresses
        }
        return events
    }

    private func listing(_ argv: [String]) throws -> [ReplBulletin] {
        try Self.decode(try run(argv))
    }

    private func currentStatus() throws -> NodeStatus {
        try ControlProtocol.decode(NodeStatus.self, line: Array(try run(["status", "--json"]).utf8))
    }

    private func currentPeers() throws -> [PeerStatus] {
        try ControlProtocol.decode([PeerStatus].self, line: Array(try run(["peers", "--json"]).utf8))
    }

    /// Bulletins from `list --json` / `show --json` output.
    static func decode(_ text: String) throws -> [ReplBulletin] {
        guard let objects = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
            throw ReplCommandError.failed(Localized(verbatim: "unexpected answer from the node: \(text.prefix(200))"))
        }
        return objects.compactMap { object in
            guard let id = object["id"] as? String, let channel = object["channel"] as? String,
                let title = object["title"] as? String, let body = object["body"] as? String,
                let author = object["author"] as? String, let created = object["created"] as? Int64
            else { return nil }
            return ReplBulletin(
                id: id, channel: channel, title: title, body: body, author: String(author.prefix(12)),
                created: UnixTime(milliseconds: created))
        }
    }
}

/// Why a REPL attached to a running node could not do what was asked.
enum ControlReplError: Error, Kabar.LocalizedError {
    /// The node stopped (its control socket is gone).
    case nodeGone(String)

    var localizedMessage: Localized {
        switch self {
        case .nodeGone(let path):
            return Localized(
                en: "the node on \(path) is not running any more; start it again (kabar run, or systemctl start kabar)",
                id: "node di \(path) tidak berjalan lagi; jalankan lagi (kabar run, atau systemctl start kabar)")
        }
    }
}

extension ControlReplBackend {
    /// Runs the REPL on standard input and output against the node on `data`, until the person
    /// leaves or a stop signal arrives; the node keeps running.
    static func runSession(data: DataDirectory, interactive: Bool, context: CommandContext) throws {
        let terminal = ReplTerminal()
        var driverLanguage: () -> Language = { context.language }
        let backend = ControlReplBackend(data: data, language: { driverLanguage() })
        let driver = ReplDriver(backend: backend, language: context.language, interactive: interactive) { terminal.write($0) }
        driverLanguage = { [unowned driver] in driver.repl.language }
        if interactive {
            terminal.write(context.text(Localized(
                en: "Attached to the node already running on \(data.path).",
                id: "Tersambung ke node yang sudah berjalan di \(data.path).")) + "\r\n")
        }
        _ = backend.poll()  // what is there now is not news
        try terminal.runStandalone(driver, periodic: (pollInterval, { for event in backend.poll() { driver.show(event) } }))
    }
}
