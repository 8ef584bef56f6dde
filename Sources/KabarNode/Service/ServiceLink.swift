import Foundation
import Kabar
import KabarPlatform

/// How a front end reaches the node service: through the control socket when a daemon runs on
/// the data folder, or in this very process, over an `OfflineNode`, when none does. Either way
/// the front end sends the same `ControlRequest` and reads the same replies.
public final class ServiceLink {
    /// Where the service is.
    public enum Place {
        /// A daemon's, reached through its control socket (one connection per request).
        case daemon(DataDirectory)
        /// In this process.
        case local(NodeService)
    }

    /// Where requests go.
    public let place: Place
    private let offline: OfflineNode?

    /// A link to `service` in this process.
    public init(service: NodeService) {
        place = .local(service)
        offline = nil
    }

    private init(place: Place, offline: OfflineNode?) {
        self.place = place
        self.offline = offline
    }

    /// How long a command waits for a daemon that holds the store's lock but does not answer on
    /// its socket yet (it is starting), before saying another process holds the folder.
    public static let startingDaemonWaitMicroseconds: Int64 = 10_000_000

    /// True when a daemon answers on `data`'s control socket.
    public static func daemonRuns(on data: DataDirectory) -> Bool {
        guard let client = ControlClient.connect(data) else { return false }
        client.close()
        return true
    }

    /// The service for `data`: the running daemon's, else an offline node over the data folder
    /// with the folder's kabar.conf (quota, channels, authorities), so every command keeps the
    /// same rules with or without a daemon. `needsRunningNode` requests fail at once offline.
    public static func open(_ data: DataDirectory, for request: ControlRequest) throws(ServiceError) -> ServiceLink {
        if daemonRuns(on: data) { return ServiceLink(place: .daemon(data), offline: nil) }
        guard (try? FileSystem.status(data.path))??.isDirectory == true else {
            if request.needsRunningNode { throw noNodeRunning(data) }
            throw .failed(Localized(
                en: "no data folder at \(data.path); run 'kabar init --data \(data.path)' first",
                id: "belum ada folder data di \(data.path); jalankan dulu 'kabar init --data \(data.path)'"))
        }
        if request.needsRunningNode { throw noNodeRunning(data) }
        let settings: NodeSettings
        do {
            settings = try ConfigFile.load(from: data)
        } catch {
            throw .invalidInput(error.localizedMessage)
        }
        let deadline = MonotonicClock.now() + startingDaemonWaitMicroseconds
        while true {
            do {
                let store = try FileStore.open(in: data, options: settings.storeOptions)
                let key = (try? Identity.load(from: data))?.author ?? AuthorKey(bytes: [UInt8](repeating: 0, count: 32))!
                let offline = OfflineNode(settings: settings, data: data, key: key, store: store)
                let service = NodeService(host: offline)
                service.installTrust()
                return ServiceLink(place: .local(service), offline: offline)
            } catch .locked(let directory, let processID) {
                // A daemon starting holds the lock a moment before its socket answers.
                if daemonRuns(on: data) { return ServiceLink(place: .daemon(data), offline: nil) }
                guard MonotonicClock.now() < deadline else {
                    throw .failed(StoreError.locked(directory: directory, processID: processID).message)
                }
                FileSystem.pause(milliseconds: 50)
            } catch {
                throw .failed(error.message)
            }
        }
    }

    /// Sends `request` and reads its replies: each bulletin goes to `onBulletin`; returns the
    /// result or throws the typed error.
    public func perform(
        _ request: ControlRequest, onBulletin: (Bulletin, String?) throws -> Void = { _, _ in }
    ) throws -> ControlResult {
        switch place {
        case .daemon(let data):
            guard let client = ControlClient.connect(data) else { throw Self.nodeStopped(data) }
            defer { client.close() }
            return try client.perform(request, onBulletin: onBulletin)
        case .local(let service):
            guard case .replies(var stream) = service.answer(request) else { throw service.noNodeRunning() }
            while let reply = stream.next() {
                switch reply {
                case .bulletin(let bulletin, let role): try onBulletin(bulletin, role)
                case .done(let result): return result
                case .failure(let error): throw error
                case .event: continue
                }
            }
            throw ServiceError.badReply
        }
    }

    /// True when requests go to a running daemon.
    public var isRemote: Bool {
        if case .daemon = place { return true }
        return false
    }

    /// Releases the store when the service was opened offline.
    public func close() {
        try? offline?.close()
    }

    public static func noNodeRunning(_ data: DataDirectory) -> ServiceError {
        ServiceError(code: "no_node", message: Localized(
            en: "no node is running on \(data.path); start one with 'kabar run --data \(data.path)'",
            id: "tidak ada node yang berjalan di \(data.path); jalankan dengan 'kabar run --data \(data.path)'"))
    }

    public static func nodeStopped(_ data: DataDirectory) -> ServiceError {
        ServiceError(code: "node_gone", message: Localized(
            en: "the node on \(data.path) is not running any more; start it again (kabar run, or systemctl start kabar)",
            id: "node di \(data.path) tidak berjalan lagi; jalankan lagi (kabar run, atau systemctl start kabar)"))
    }
}

extension NodeSettings {
    /// The file store's options these settings make: the quota, and which channels are
    /// official (evicted last).
    public var storeOptions: FileStore.Options {
        var options = FileStore.Options()
        options.quotaBytes = quotaBytes
        options.isOfficial = { [channels] in channels.rule(for: $0).access == .official }
        return options
    }
}
