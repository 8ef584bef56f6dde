import Foundation
import Kabar
import KabarNode
import KabarPlatform

/// Commands that go through a running daemon's control socket (it holds the store's lock).
enum ControlRouting {
    /// The commands routed when a daemon runs on the data folder.
    static let routedPaths: [[String]] = [
        ["post"], ["list"], ["show"], ["export"], ["import"], ["peers"], ["status"], ["sync"],
        ["authority", "add"], ["authority", "remove"], ["authority", "list"], ["grant"], ["retract"], ["edit"], ["hide"],
        ["block"], ["block", "list"], ["unblock"],
    ]
    /// Standard input sent along for `post`, at most (a body is at most 15,000 bytes).
    static let inputBytesMax = 64 * 1024

    /// When `spec` is routed and a daemon answers on the data folder, runs `argv` there and
    /// returns its exit code; nil when the command should run here.
    static func forward(
        _ spec: CommandSpec, argv: [String], _ parsed: ParsedArguments, _ context: CommandContext
    ) throws -> Int32? {
        guard context.node == nil, routedPaths.contains(spec.path) else { return nil }
        let data = DataDirectory.resolve(option: parsed.value("--data"), environment: context.environment)
        guard let connection = ControlClient.connect(data) else { return nil }
        defer { connection.close() }
        var request = ControlRequest(
            argv: argv, lang: context.language.rawValue, cwd: FileManager.default.currentDirectoryPath)
        if spec.path == ["post"] || spec.path == ["edit"], parsed.value("--body") == nil, parsed.value("--body-file") == nil {
            request.stdin = try readInput(context)
        }
        let response: ControlResponse
        do {
            response = try ControlClient.exchange(request, over: connection)
        } catch {
            throw CLIError.failed(Localized(
                en: "the node running on \(data.path) did not answer: \(error)",
                id: "node yang berjalan di \(data.path) tidak menjawab: \(error)"))
        }
        context.write(response.stdout)
        if !response.stderr.isEmpty { context.printError(String(response.stderr.dropLast(response.stderr.hasSuffix("\n") ? 1 : 0))) }
        return response.exit
    }

    private static func readInput(_ context: CommandContext) throws -> String {
        if context.inputIsTerminal {
            context.printError(context.text(Localized(
                en: "type the text, then press Ctrl-D on a new line (or use --body)",
                id: "ketik isinya, lalu tekan Ctrl-D di baris baru (atau pakai --body)")))
        }
        guard let bytes = context.readInput(inputBytesMax) else {
            throw CLIError.badInput(Localized(
                en: "standard input is over \(inputBytesMax) bytes; a body may be at most 15000 bytes",
                id: "masukan standar melebihi \(inputBytesMax) byte; isi paling banyak 15000 byte"))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CLIError.badInput(Localized(en: "standard input is not UTF-8 text", id: "masukan standar bukan teks UTF-8"))
        }
        return text
    }
}

/// The daemon's side: runs a control request's command line in-process, against the open
/// store, with its output captured.
enum ControlDispatch {
    /// Runs `request` inside `daemon` and returns what it printed.
    static func handle(_ request: ControlRequest, daemon: NodeDaemon<FileStore>) -> ControlResponse {
        guard let command = KabarCLI.findCommand(request.argv), ControlRouting.routedPaths.contains(command.spec.path) else {
            return ControlResponse(
                exit: 2, stdout: "",
                stderr: "error: only \(ControlRouting.routedPaths.map { $0.joined(separator: " ") }.joined(separator: ", ")) run through the control socket\n")
        }
        // What a command shows must survive a power cut a moment later: gossip inserts made
        // since the last flush become durable before any command reads the store.
        daemon.flushStore()
        var output = "", errors = ""
        let input = Array((request.stdin ?? "").utf8)
        var lines = (request.stdin ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[...]
        var environment = ProcessInfo.processInfo.environment
        environment["KABAR_HOME"] = daemon.data.path
        let context = CommandContext(
            environment: environment, language: request.lang.flatMap(Language.init(code:)) ?? .english,
            inputIsTerminal: false, output: { output += $0 }, error: { errors += $0 },
            readInput: { limit in input.count > limit ? nil : input },
            readLine: { lines.popFirst() })
        context.node = daemon
        let code = inFolder(request.cwd) { KabarCLI.main(request.argv, context: context) }
        return ControlResponse(exit: code, stdout: output, stderr: errors)
    }

    /// Runs `body` with the working folder set to `folder` (relative file names in the
    /// request mean the client's folder), then goes back. The loop is single-threaded.
    private static func inFolder<Result>(_ folder: String?, _ body: () -> Result) -> Result {
        let manager = FileManager.default
        let previous = manager.currentDirectoryPath
        guard let folder, folder != previous, manager.changeCurrentDirectoryPath(folder) else { return body() }
        defer { _ = manager.changeCurrentDirectoryPath(previous) }
        return body()
    }
}
