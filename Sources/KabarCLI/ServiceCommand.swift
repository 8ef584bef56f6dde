import Foundation
import Kabar
import KabarNode

/// How a command asks the node service: through the running daemon's control socket, or, with
/// no daemon, through the same service over the data folder in this process. The command only
/// builds the typed request and words the reply.
enum ServiceCommand {
    /// Sends `request` for the data folder of `arguments`; each bulletin of the reply goes to
    /// `onBulletin`. A typed failure becomes a `CLIError` with the service's words.
    static func perform(
        _ request: ControlRequest, _ arguments: ParsedArguments, _ context: CommandContext,
        onBulletin: (Bulletin, String?) throws -> Void = { _, _ in }
    ) throws -> ControlResult {
        let data = CommandSupport.dataDirectory(arguments, context)
        do {
            let link = try ServiceLink.open(data, for: request)
            defer { link.close() }
            return try link.perform(request, onBulletin: onBulletin)
        } catch let error as ServiceError {
            throw CLIError(error)
        }
    }

    /// Prints the words for a write's result (`ResultWords`): lines on standard output, notes
    /// on standard error.
    static func printWords(_ request: ControlRequest, _ result: ControlResult, _ context: CommandContext) {
        let words = ResultWords(request, result)
        for line in words.lines { context.print(context.text(line)) }
        for note in words.notes { context.printError(context.text(note)) }
    }

    /// `path` made absolute against this process's working folder (the service may run in a
    /// daemon whose working folder is another).
    static func absolute(_ path: String) -> String { ServiceReplBackend.absolute(path) }

    /// `--expires` in milliseconds, if given.
    static func lifetime(_ arguments: ParsedArguments) throws -> Int64? {
        guard let text = arguments.value("--expires") else { return nil }
        guard let span = TimeSpan.parse(text) else {
            throw CLIError.usage(Localized(
                en: "--expires takes a duration such as 12h, 3d or 2w, not '\(text)'",
                id: "--expires menerima durasi seperti 12h, 3d atau 2w, bukan '\(text)'"))
        }
        return span.milliseconds
    }
}

extension CLIError {
    /// The service's typed error as a command's: exit 2 for input to change, 1 otherwise.
    init(_ error: ServiceError) {
        self = error.exitCode == 2 ? .badInput(error.message) : .failed(error.message)
    }
}
