import Kabar
import KabarPlatform

/// A node with the REPL in front of it: `kabar` on a terminal, or `kabar run` there. The REPL
/// reads standard input on the daemon's own loop, so the node keeps gossiping while the
/// person types, and the node's events are shown as they happen. Leaving the REPL (`quit`,
/// Ctrl-D, the end of a piped script) or a stop signal stops the node cleanly.
public final class NodeSession {
    /// The node.
    public let daemon: NodeDaemon<FileStore>
    /// The node service the REPL asks.
    public let service: NodeService
    /// What the REPL asks of the node.
    public let backend: ServiceReplBackend
    private let data: DataDirectory
    private let firstRun: Bool
    private let logPath: String?

    /// A session over `daemon`; `firstRun` says the identity (and maybe the data folder) was
    /// just made, `logPath` where the log lines go meanwhile.
    public init(daemon: NodeDaemon<FileStore>, service: NodeService, data: DataDirectory, firstRun: Bool, logPath: String?) {
        self.daemon = daemon
        self.service = service
        self.backend = ServiceReplBackend(link: ServiceLink(service: service))
        self.data = data
        self.firstRun = firstRun
        self.logPath = logPath
    }

    /// Runs the REPL on standard input and output (`interactive`: a terminal in raw mode; a
    /// pipe otherwise) until the person leaves or a stop is requested, then shuts the node down.
    public func run(interactive: Bool, language: Language, terminal: ReplTerminal = ReplTerminal()) throws {
        let driver = ReplDriver(backend: backend, language: language, interactive: interactive) { terminal.write($0) }
        let newline = interactive ? "\r\n" : "\n"
        if interactive {
            if firstRun { terminal.write(ReplCatalog.text(.firstRun, language, [data.path]) + newline) }
            var started = ReplCatalog.text(.nodeStarted, language, [data.path])
            if let logPath { started += " " + ReplCatalog.text(.logGoesTo, language, [logPath]) }
            terminal.write(started + newline)
        }
        daemon.logger.info("node \(daemon.node.key.short) listening on UDP port \(daemon.sockets.port), network '\(daemon.settings.networkName)', \(daemon.store.count) bulletins stored; REPL open")
        let sinkIndex = service.eventSinks.count
        service.eventSinks.append { event in
            if let shown = ServiceReplBackend.replEvent(for: event) { driver.show(shown) }
        }
        defer {
            if service.eventSinks.count > sinkIndex { service.eventSinks.remove(at: sinkIndex) }
            daemon.shutdown()
        }
        try terminal.run(
            driver,
            register: { descriptor, handler in daemon.loop.register(descriptor) { _ in handler() } },
            step: { try daemon.step() },
            stopped: { daemon.isStopping })
        daemon.loop.unregister(terminal.inputDescriptor)
    }
}
