import Foundation
import Kabar
import KabarPlatform

/// The REPL's backend: a thin adapter that turns each REPL action into one typed request of the
/// node service and its replies into what the REPL shows. The service is in this process (`kabar`
/// on a terminal runs the node and the REPL together) or in a daemon reached through its control
/// socket (the REPL attached to the systemd service); the REPL cannot tell them apart.
public final class ServiceReplBackend: ReplBackend {
    /// Where requests go.
    public let link: ServiceLink

    /// A backend over `link`.
    public init(link: ServiceLink) { self.link = link }

    private func bulletins(_ request: ControlRequest) throws -> [Bulletin] {
        var found: [Bulletin] = []
        _ = try link.perform(request) { bulletin, _ in found.append(bulletin) }
        return found
    }

    public func post(channel: String, title: String, body: String) throws -> ReplBulletin {
        let result = try link.perform(.post(PostParameters(channel: channel, title: title, body: body)))
        guard let id = result.id, let stored = try bulletins(idPrefix: id).first else { throw ServiceError.badReply }
        return stored
    }

    public func list(channel: String?, limit: Int) throws -> [ReplBulletin] {
        try bulletins(.list(ListParameters(channel: channel, limit: limit))).map(ReplBulletin.init)
    }

    public func bulletins(idPrefix: String) throws -> [ReplBulletin] {
        try thread(idPrefix: idPrefix).map { [$0.post] } ?? []
    }

    public func thread(idPrefix: String) throws -> (post: ReplBulletin, replies: [ReplBulletin])? {
        var post: ReplBulletin?
        var replies: [ReplBulletin] = []
        do {
            let result = try link.perform(.show(TargetParameters(id: idPrefix))) { bulletin, role in
                if role == "reply" { replies.append(ReplBulletin(bulletin)) } else { post = ReplBulletin(bulletin) }
            }
            post?.officeReceived = result.officeReceived.map(UnixTime.init(milliseconds:))
        } catch let error as ServiceError where error.code == "not_found" {
            return nil
        }
        return post.map { ($0, replies) }
    }

    public func replies(to id: String) throws -> [ReplBulletin] { try thread(idPrefix: id)?.replies ?? [] }

    public func pending() throws -> [(number: Int, bulletin: ReplBulletin)] {
        var found: [(number: Int, bulletin: ReplBulletin)] = []
        _ = try link.perform(.pending) { bulletin, role in
            // The service names each entry's role "pending N".
            if let number = role.flatMap({ Int($0.dropFirst("pending ".count)) }) { found.append((number, ReplBulletin(bulletin))) }
        }
        return found
    }

    public func search(words: [String], limit: Int) throws -> [ReplBulletin] {
        try bulletins(.search(ListParameters(search: words.joined(separator: " "), limit: limit))).map(ReplBulletin.init)
    }

    public func peers() throws -> [ReplPeer] {
        (try link.perform(.peers).peers ?? []).map { ReplPeer(address: $0.address, lastHeard: Self.seconds($0.lastSeenS)) }
    }

    public func status() throws -> [(label: Localized, value: String)] {
        guard let status = try link.perform(.status).status else { throw ServiceError.badReply }
        return Self.statusLines(status)
    }

    public func channels() throws -> [ReplChannel] {
        (try link.perform(.channels).channels ?? []).map { record in
            let access: ChannelRule.Access = switch record.access {
            case "official": .official
            case "system": .system
            default: .community
            }
            return ReplChannel(
                rule: ChannelRule(
                    name: record.name, access: access, defaultLifetime: .milliseconds(record.defaultLifetimeMs),
                    maximumLifetime: .milliseconds(record.maximumLifetimeMs)),
                held: record.held)
        }
    }

    public func export(to path: String) throws -> Int {
        try link.perform(.export(ExportParameters(path: Self.absolute(path)))).count ?? 0
    }

    public func importBundle(from path: String) throws -> ReplImportCounts {
        guard let report = try link.perform(.importBundle(PathParameters(path: Self.absolute(path)))).imported else {
            throw ServiceError.badReply
        }
        return ReplImportCounts(added: report.added, duplicates: report.alreadyHad, refused: report.rejected)
    }

    public func perform(_ request: ControlRequest) throws -> ControlResult { try link.perform(request) }

    /// `path` made absolute against this process's working folder: the service may run in a
    /// daemon whose working folder is another.
    public static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// What of `event` the person should see, or nil (their own posts are not news).
    public static func replEvent(for event: ServiceEvent) -> ReplEvent? {
        switch event {
        case .bulletinStored(let bulletin, let source):
            guard source != nil else { return nil }
            return .bulletinArrived(ReplBulletin(bulletin))
        case .peerJoined(let address): return .peerJoined(address)
        case .peerLeft(let address): return .peerLeft(address)
        case .refused(let source, let count, let reason): return .refused(source: source, count: count, reason: reason.localized)
        case .notice(let text): return .notice(text.localized)
        case .lagged: return nil
        }
    }

    /// `status` as the REPL shows it: label/value pairs in both languages.
    public static func statusLines(_ status: NodeStatus) -> [(label: Localized, value: String)] {
        var lines: [(label: Localized, value: String)] = [
            (Localized(en: "node", id: "node"), status.nodeId),
            (Localized(en: "uptime", id: "waktu hidup"), seconds(status.uptimeS)),
            (Localized(en: "UDP port", id: "port UDP"), "\(status.port) (\(status.network))"),
            (Localized(en: "board (web)", id: "papan (web)"), status.web.map { "TCP \($0)" } ?? "-"),
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
        if let strangers = status.strangers {
            // Trust.md, "Strangers": what unvouched keys hold of their share, and what was refused.
            lines.append((
                Localized(en: "strangers", id: "orang asing"),
                megabytes(strangers.bytes) + " / " + megabytes(strangers.budgetBytes)
                    + " (\(strangers.count), stamp \(strangers.stampBits) bits, refused \(strangers.refused))"))
        }
        lines.append((Localized(en: "clock", id: "jam"), clockText(status.clock)))
        return lines
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

/// The events of a daemon reached through its control socket: a `watch` connection whose
/// descriptor joins the REPL's poll loop, so news is shown the moment it happens.
public final class ControlEventFeed {
    private let client: ControlClient

    /// Subscribes to the daemon on `data`; nil when none answers.
    public init?(data: DataDirectory) {
        guard let client = ControlClient.connect(data) else { return nil }
        client.send(.watch)
        guard case .done? = try? client.nextReply() else {
            client.close()
            return nil
        }
        self.client = client
    }

    /// The descriptor to poll for readability.
    public var descriptor: Int32 { client.connection.descriptor }

    /// The events that have arrived, without waiting; nil once the daemon has gone.
    public func drain() -> [ServiceEvent]? {
        var events: [ServiceEvent] = []
        while true {
            do {
                guard let reply = try client.nextReply(until: MonotonicClock.now()) else { return events }
                if case .event(let event) = reply { events.append(event) }
            } catch {
                return events.isEmpty ? nil : events
            }
        }
    }

    /// Ends the subscription.
    public func close() { client.close() }
}

extension ServiceReplBackend {
    /// Runs the REPL on standard input and output against the daemon already running on `data`
    /// (the systemd service), until the person leaves or a stop signal arrives; the node keeps
    /// running. The daemon's events arrive on a `watch` connection the moment they happen.
    public static func runAttached(data: DataDirectory, interactive: Bool, language: Language) throws {
        let terminal = ReplTerminal()
        let backend = ServiceReplBackend(link: try ServiceLink.open(data, for: .status))
        let driver = ReplDriver(backend: backend, language: language, interactive: interactive) { terminal.write($0) }
        if interactive {
            terminal.write(Localized(
                en: "Attached to the node already running on \(data.path).",
                id: "Tersambung ke node yang sudah berjalan di \(data.path).")[language] + "\r\n")
        }
        let feed = ControlEventFeed(data: data)
        defer { feed?.close() }
        try terminal.runStandalone(driver, watch: feed.map { feed in
            (feed.descriptor, {
                guard let events = feed.drain() else {
                    // The node stopped: nothing here can work any more.
                    driver.show(.notice(ServiceLink.nodeStopped(data).message))
                    driver.endOfInput()
                    return
                }
                for event in events { if let shown = replEvent(for: event) { driver.show(shown) } }
            })
        })
    }
}
