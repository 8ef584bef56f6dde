import Kabar
import KabarPlatform

extension NodeRunner {
    /// The board's addresses on this machine's interfaces (loopback left out), for people:
    /// "http://10.42.0.1/"; a placeholder when the interfaces cannot be read.
    public static func boardAddresses(port: UInt16) -> [String] {
        let suffix = port == 80 ? "/" : ":\(port)/"
        let interfaces = (try? NetworkInterfaces.snapshot().interfaces) ?? []
        let addresses = interfaces.filter { !$0.flags.contains(.loopback) }.flatMap(\.ipv4).map { SocketAddress.formatIPv4($0.address) }
        return addresses.isEmpty ? ["http://<this node>" + suffix] : addresses.sorted().map { "http://" + $0 + suffix }
    }

    /// The hall board on the daemon's loop (Documentation/Board.md): port 80 where the process
    /// may bind it (root, or the systemd unit's CAP_NET_BIND_SERVICE), else 8080; `web.port`
    /// or `--web-port` names one. Nil when `web.enabled = off`, or when no port could be had: the
    /// node still gossips, and the log says why the board is missing.
    static func openBoard(_ daemon: NodeDaemon<FileStore>, service: NodeService) -> HTTPServer? {
        let web = daemon.settings.web
        guard web.enabled else {
            daemon.logger.info("the hall board is off (web.enabled = off in kabar.conf)")
            return nil
        }
        let ports = web.port.map { [$0] } ?? [WebSettings.preferredPort, WebSettings.fallbackPort]
        var problems: [String] = []
        var opened: TCPListener?
        for port in ports {
            do {
                opened = try TCPListener(port: port)
                break
            } catch {
                problems.append("TCP port \(port): \(error)")
            }
        }
        guard let listener = opened else {
            daemon.logger.error("the hall board is not served (\(problems.joined(separator: "; "))); set web.port in kabar.conf or --web-port")
            return nil
        }
        let board = Board(service: service, random: SystemRandom())
        // The upload bound follows attachment_max at start; a reload that raises it takes effect
        // for uploads at the next restart (one that lowers it holds at once: the board checks).
        let limits = Board.httpLimits(attachmentBytesMax: Int(clamping: daemon.settings.attachmentBytesMax))
        let server = HTTPServer(
            listener: listener, loop: daemon.loop, logger: daemon.logger, limits: limits, monotonicNow: { MonotonicClock.now() }
        ) {
            request, client in
            board.respond(to: request, from: Board.Client(address: client.address, localAddress: client.localAddress), at: MonotonicClock.now())
        }
        server.refusalPage = { board.refusalPage(for: $0) }
        daemon.housekeepers.append { [unowned server] now in
            server.dropIdle(now: now)
            board.housekeeping()
        }
        daemon.webPort = listener.localPort
        if !problems.isEmpty { daemon.logger.info("the hall board uses TCP port \(listener.localPort) (\(problems.joined(separator: "; ")))") }
        daemon.logger.info("the hall board serves on TCP port \(listener.localPort), web.posting = \(web.posting.rawValue)")
        return server
    }
}
