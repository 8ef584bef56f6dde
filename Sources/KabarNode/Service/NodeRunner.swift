import Foundation
import Kabar
import KabarCrypto
import KabarPlatform

/// The composition root: assembles a running node from a data folder (settings, identity, log,
/// store, sockets, daemon, node service, control socket, signals, REPL) and runs it until a stop
/// signal, or until the person leaves the REPL. `kabar run` and `kabar` on a terminal call it.
public enum NodeRunner {
    /// How the REPL meets the person, when there is one.
    public enum ReplMode: Sendable {
        /// A terminal: raw mode, line editor, events shown above the line being typed.
        case terminal
        /// A pipe: one command per line, no prompts; the node stops when the input ends.
        case piped

        /// True when standard input is a terminal this process may read: a background job
        /// (`kabar run &` from an interactive shell) must not take the terminal, or the shell
        /// stops it (SIGTTIN) and the node with it.
        public static func ownsTerminal(inputIsTerminal: Bool) -> Bool {
            inputIsTerminal && tcgetpgrp(STDIN_FILENO) == getpgrp()
        }
    }

    /// What `kabar run` was told on its command line, laid over kabar.conf (at start and at
    /// every reload).
    public struct Overrides: Sendable {
        public var port: UInt16?
        public var networkName: String?
        public var peers: [SocketAddress]?
        public var logLevel: LogLevel?
        /// `--web-port`.
        public var webPort: UInt16?
        public init() {}

        /// `settings` with these laid over.
        public func apply(to settings: NodeSettings) -> NodeSettings {
            var settings = settings
            if let port { settings.port = port }
            if let networkName { settings.networkName = networkName }
            if let peers { settings.peers = peers }
            if let logLevel { settings.logLevel = logLevel }
            if let webPort { settings.web.port = webPort }
            return settings
        }
    }

    /// How long `kabar run` waits for a command that holds the store's lock for a moment.
    public static let storeLockWaitMicroseconds: Int64 = 3_000_000

    /// The settings of `data`: its kabar.conf with `overrides` laid over.
    public static func settings(_ data: DataDirectory, _ overrides: Overrides) throws(ServiceError) -> NodeSettings {
        do {
            return overrides.apply(to: try ConfigFile.load(from: data))
        } catch {
            throw .invalidInput(error.localizedMessage)
        }
    }

    /// Runs the node on `data` until a stop signal (or the end of the REPL when `repl` is
    /// given). `language` (from `--lang`) beats kabar.conf's, which beats `fallbackLanguage`.
    /// `say` tells the person something before the log or REPL takes over.
    public static func run(
        data: DataDirectory, overrides: Overrides, repl: ReplMode?, language: Language?, fallbackLanguage: Language,
        say: (Localized) -> Void
    ) throws(ServiceError) {
        try makeDataFolder(data)
        let settings = try settings(data, overrides)
        let language = language ?? settings.language ?? fallbackLanguage
        let firstRun = !FileManager.default.fileExists(atPath: Identity.path(in: data))
        let identity = try loadOrCreateIdentity(data, quiet: repl != nil, say: say)
        // With a REPL on the terminal, log lines would break the line being typed: they go to
        // DATA/kabar.log instead (bounded), and the REPL shows what the person needs.
        let logFile: LogFile?
        do {
            logFile = try repl.map { _ in try LogFile(in: data) }
        } catch {
            throw .failed(Localized(
                en: "cannot open the log \(data.path)/kabar.log: \(error)", id: "tidak dapat membuka log \(data.path)/kabar.log: \(error)"))
        }
        defer { logFile?.close() }
        let logger = Logger(
            level: settings.logLevel, monotonicNow: { MonotonicClock.now() }, wallNow: { WallClock.now() },
            write: { line in
                if let logFile { logFile.write(line) } else { FileHandle.standardError.write(Data(line.utf8)) }
            })
        let store = try openStore(data, options: settings.storeOptions)
        defer { try? store.close() }
        let sockets = try openSockets(settings.port)
        if let problem = sockets.ipv6Problem { logger.warn("IPv6 is off (\(problem)); gossiping on IPv4 only") }
        let daemon = NodeDaemon(
            settings: settings, data: data, key: identity.author, store: store, sockets: sockets,
            seed: try drawSeed(), logger: logger)
        let (service, control) = try serve(daemon, identity: identity, overrides: overrides)
        defer { control.close() }
        let board = openBoard(daemon, service: service)
        defer { board?.close() }
        if let port = daemon.webPort {
            let addresses = boardAddresses(port: port).joined(separator: "  ")
            say(Localized(
                en: "The hall board: phones on this Wi-Fi open \(addresses)", id: "Papan balai: ponsel di Wi-Fi ini membuka \(addresses)"))
        }
        try installSignals(daemon, service: service, logger: logger)
        guard let repl else {
            if isatty(STDIN_FILENO) == 1 {
                logger.info("press Ctrl-C to stop; other terminals can use 'kabar status', 'kabar post' ...")
            }
            do { try daemon.run() } catch { throw .from(error) }
            return
        }
        let session = NodeSession(daemon: daemon, service: service, data: data, firstRun: firstRun, logPath: logFile?.path)
        do {
            try session.run(interactive: repl == .terminal, language: language)
        } catch {
            throw .from(error)
        }
    }

    /// The node service over `daemon`, with its trust rules installed, its events wired, the
    /// control socket answering through it, and reloads reading the data folder's kabar.conf
    /// with `overrides` (the command line's flags) laid over.
    public static func serve(
        _ daemon: NodeDaemon<FileStore>, identity: Identity, overrides: Overrides = Overrides()
    ) throws(ServiceError) -> (NodeService, ControlServer) {
        let quota = daemon.settings.quotaBytes
        daemon.describeStore = { store in
            var status = StoreStatus(counting: store, diskBytes: store.diskBytes, quotaBytes: quota)
            status.damage = store.recovery.damage.map(LocalizedText.init)
            status.damagedBytes = store.recovery.isClean ? nil : store.recovery.damagedBytes
            return status
        }
        if let damage = daemon.store.recovery.damage { daemon.logger.warn(damage.en) }
        let service = NodeService(host: daemon, identity: identity)
        // One block store for the node (fetching and serving attachments) and the service
        // (posting and reading them).
        do {
            let blocks = try BlockStore.open(in: daemon.data)
            service.openedBlocks = blocks
            daemon.withNode { node, _ in
                node.blocks = blocks
                return ((), [])
            }
        } catch {
            daemon.logger.error("attachments are off: cannot open \(daemon.data.file("blocks")): \(error.localizedMessage.en)")
        }
        if let problem = service.installTrust() {
            daemon.logger.error("trust lists not used: \(problem.localizedMessage.en)")
        }
        daemon.eventObserver = { [unowned service] event in service.observe(event) }
        let control: ControlServer
        do {
            control = try ControlServer(
                path: ControlClient.socketPath(daemon.data), loop: daemon.loop, logger: daemon.logger,
                monotonicNow: { MonotonicClock.now() }
            ) { [unowned service] request in service.answer(request) }
        } catch {
            throw .failed(Localized(
                en: "cannot open the control socket \(ControlClient.socketPath(daemon.data)): \(error)",
                id: "tidak dapat membuka soket kendali \(ControlClient.socketPath(daemon.data)): \(error)"))
        }
        service.eventSinks.append { [unowned control] event in control.publish(event) }
        service.reloader = { [unowned daemon, unowned service] () throws(ServiceError) in
            try reload(daemon, service: service, settings: try settings(daemon.data, overrides))
        }
        daemon.housekeepers.append { [unowned control, unowned service, unowned daemon] now in
            control.dropIdleClients(now: now)
            service.housekeeping()
            keepAttachments(service, daemon: daemon, now: now)
            if let report = service.reportIfDue() {
                daemon.logger.info("hall report \(report.id.short): \(report.encoded.count) bytes")
            }
        }
        return (service, control)
    }

    /// Runs the attachment keeper at the first wake-up and every ten minutes after (within a
    /// minute of a file becoming whole, which may put its channel over budget), when the node
    /// holds attachments at all; says in the log what it dropped.
    static func keepAttachments(_ service: NodeService, daemon: NodeDaemon<FileStore>, now: Int64) {
        guard let blocks = service.openedBlocks, blocks.count > 0 else { return }
        let next = service.nextAttachmentKeeping ?? now
        let soon = next - NodeService.attachmentKeepingInterval + NodeService.attachmentKeepingSoon
        guard now >= next || (service.attachmentStoredSinceKeeping && now >= soon) else { return }
        service.nextAttachmentKeeping = now + NodeService.attachmentKeepingInterval
        service.attachmentStoredSinceKeeping = false
        do {
            let report = try service.keepAttachments()
            if report.dropped > 0 || report.blocksRemoved > 0 {
                daemon.logger.info(
                    "attachments: \(report.kept) of \(report.listed) kept, \(report.dropped) dropped for space, \(report.blocksRemoved) blocks removed, \(report.retried) to fetch again")
            }
        } catch {
            daemon.logger.error("attachments: the keeper failed: \(error.message.en)")
        }
    }

    /// Applies `fresh` (kabar.conf read again) to the running node: the daemon takes what it
    /// may change without a restart, the service installs the trust rules again, and the log
    /// says what changed. Returns the words for each change, those waiting for a restart last.
    public static func reload(
        _ daemon: NodeDaemon<FileStore>, service: NodeService, settings fresh: NodeSettings
    ) throws(ServiceError) -> [Localized] {
        let reload = daemon.settings.reload(to: fresh)
        daemon.reconfigure(reload.settings)
        daemon.store.reconfigure(quotaBytes: reload.settings.quotaBytes, isOfficial: reload.settings.storeOptions.isOfficial)
        if let problem = service.installTrust() {
            daemon.logger.error("trust lists not used: \(problem.localizedMessage.en)")
        }
        let words = reload.changes + reload.needsRestart
        daemon.logger.info(words.isEmpty
            ? "kabar.conf reloaded: nothing changed"
            : "kabar.conf reloaded: " + words.map(\.en).joined(separator: "; "))
        return words
    }

    /// SIGTERM and SIGINT stop the node; SIGHUP (`systemctl reload kabar`) reloads kabar.conf,
    /// and a file that does not read leaves the running settings as they were.
    private static func installSignals(
        _ daemon: NodeDaemon<FileStore>, service: NodeService, logger: Logger
    ) throws(ServiceError) {
        let signals: StopSignals
        do {
            signals = try StopSignals.install([SIGTERM, SIGINT, SIGHUP])
        } catch {
            throw .from(error)
        }
        try? StopSignals.ignoreBrokenPipe()
        daemon.loop.register(signals.descriptor) { [unowned daemon, unowned service] _ in
            let received = signals.drain()
            if let stop = received.first(where: { $0 != SIGHUP }) {
                logger.info("received \(stop == SIGINT ? "SIGINT" : stop == SIGTERM ? "SIGTERM" : "signal \(stop)"); stopping")
                daemon.requestStop()
                return
            }
            guard received.contains(SIGHUP), let reloader = service.reloader else { return }
            do {
                _ = try reloader()
            } catch {
                logger.error("kabar.conf not reloaded, the running settings stay: \(ServiceError.from(error).message.en)")
            }
        }
    }

    /// Opens the store, waiting a little while a short command holds its lock.
    static func openStore(_ data: DataDirectory, options: FileStore.Options) throws(ServiceError) -> FileStore {
        let deadline = MonotonicClock.now() + storeLockWaitMicroseconds
        var attempt = Result<FileStore, StoreError> { () throws(StoreError) in try FileStore.open(in: data, options: options) }
        while case .failure(.locked) = attempt, MonotonicClock.now() < deadline {
            FileSystem.pause(milliseconds: 50)
            attempt = Result { () throws(StoreError) in try FileStore.open(in: data, options: options) }
        }
        do {
            return try attempt.get()
        } catch {
            throw .failed(error.message)
        }
    }

    static func makeDataFolder(_ data: DataDirectory) throws(ServiceError) {
        if (try? FileSystem.status(data.path))??.isDirectory == true { return }
        do {
            try FileSystem.makeDirectory(data.path)
        } catch {
            throw .failed(Localized(
                en: "cannot make the data folder \(data.path): \(error)", id: "tidak dapat membuat folder data \(data.path): \(error)"))
        }
    }

    /// The node needs an identity: make one (as `kabar init` does) when there is none.
    static func loadOrCreateIdentity(_ data: DataDirectory, quiet: Bool, say: (Localized) -> Void) throws(ServiceError) -> Identity {
        do {
            if FileManager.default.fileExists(atPath: Identity.path(in: data)) { return try Identity.load(from: data) }
            var random = SystemRandom()
            let identity = try Identity.create(in: data, label: "", random: &random)
            if !quiet {
                say(Localized(
                    en: "created a new identity in \(data.path); public key \(identity.author.hex)",
                    id: "identitas baru dibuat di \(data.path); kunci publik \(identity.author.hex)"))
            }
            return identity
        } catch {
            throw .from(error)
        }
    }

    static func openSockets(_ port: UInt16) throws(ServiceError) -> DaemonSockets {
        do {
            return try DaemonSockets(port: port)
        } catch {
            throw .failed(Localized(
                en: "cannot open UDP port \(port): \(error). Is another node running? Choose another with --port",
                id: "tidak dapat membuka port UDP \(port): \(error). Apakah node lain berjalan? Pilih port lain dengan --port"))
        }
    }

    /// The node's seed, from getrandom.
    static func drawSeed() throws(ServiceError) -> UInt64 {
        var random = SystemRandom()
        var seed: UInt64 = 0
        do {
            try withUnsafeMutableBytes(of: &seed) { try random.fill($0) }
        } catch {
            throw .from(error)
        }
        return seed
    }
}
