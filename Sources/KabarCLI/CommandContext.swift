import Foundation
import Kabar
import KabarNode

/// What a command may touch of the outside world: its streams, environment and language.
/// Tests build one over in-memory streams.
public final class CommandContext: @unchecked Sendable {
    /// Environment variables.
    public let environment: [String: String]
    /// The language for messages a person reads.
    public var language: Language
    private let writeOutput: (String) -> Void
    /// Why standard output could not be written (a full disk, a closed pipe), once it failed:
    /// `KabarCLI.main` then says so and exits 1. What the command did stays done.
    public var outputFailure: String?
    private let writeError: (String) -> Void
    /// Reads all of standard input, up to `limit` bytes; nil when more than `limit` arrived.
    public let readInput: (_ limit: Int) -> [UInt8]?
    /// Reads one line of standard input without its newline; nil at end of input.
    public let readLine: () -> String?
    /// True when standard input is a terminal.
    public let inputIsTerminal: Bool
    /// Reads the next bytes of standard input into the buffer; returns how many (0 at end of
    /// input), or nil on a read error. For streaming input of any size in constant memory.
    public let readInputChunk: (_ buffer: UnsafeMutableRawBufferPointer) -> Int?

    /// A context over arbitrary streams.
    public init(
        environment: [String: String], language: Language, inputIsTerminal: Bool,
        output: @escaping (String) -> Void, error: @escaping (String) -> Void,
        readInput: @escaping (Int) -> [UInt8]?, readLine: @escaping () -> String?,
        readInputChunk: ((UnsafeMutableRawBufferPointer) -> Int?)? = nil
    ) {
        self.environment = environment
        self.language = language
        self.inputIsTerminal = inputIsTerminal
        self.writeOutput = output
        self.writeError = error
        self.readInput = readInput
        self.readLine = readLine
        self.readInputChunk = readInputChunk ?? StandardInput.chunks(over: readInput)
    }

    /// The process's own standard streams and environment.
    public static func standard() -> CommandContext {
        let environment = ProcessInfo.processInfo.environment
        var context: CommandContext?
        let made = CommandContext(
            environment: environment,
            language: Language.from(environment: environment),
            inputIsTerminal: isatty(STDIN_FILENO) == 1,
            output: { text in
                guard context?.outputFailure == nil else { return }
                if let failure = StandardStream.write(text, to: STDOUT_FILENO) { context?.outputFailure = failure }
            },
            error: { text in _ = StandardStream.write(text, to: STDERR_FILENO) },
            readInput: { limit in StandardInput.readAll(limit: limit) },
            readLine: { Swift.readLine(strippingNewline: true) },
            readInputChunk: { buffer in StandardInput.readChunk(into: buffer) })
        context = made
        return made
    }

    /// Writes `text` and a newline to standard output.
    public func print(_ text: String) { writeOutput(text + "\n") }

    /// Writes `text` to standard output as it is.
    public func write(_ text: String) { writeOutput(text) }

    /// Writes `text` and a newline to standard error.
    public func printError(_ text: String) { writeError(text + "\n") }

    /// `text` in this context's language.
    public func text(_ text: Localized) -> String { text[language] }
}

/// Writes to standard output or error with `write(2)`, retrying EINTR and partial writes;
/// never traps (Foundation's `FileHandle.write` does, on a full disk).
enum StandardStream {
    /// Writes all of `text` to `descriptor`; the reason when it could not.
    static func write(_ text: String, to descriptor: Int32) -> String? {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            bytes = bytes.dropFirst(count)
        }
        return nil
    }
}

/// Reads standard input in chunks, with a limit so a huge pipe cannot exhaust memory.
enum StandardInput {
    /// One `read(2)` of standard input, retried on EINTR: bytes read, 0 at end, nil on error.
    static func readChunk(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        while true {
            let count = read(STDIN_FILENO, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { return nil }
        }
    }

    /// A chunk reader over a whole-input reader (for in-memory test contexts): reads everything
    /// on first use, then serves it in pieces.
    static func chunks(over readInput: @escaping (Int) -> [UInt8]?) -> (UnsafeMutableRawBufferPointer) -> Int? {
        final class Cursor: @unchecked Sendable {
            var bytes: [UInt8]? = nil
            var offset = 0
        }
        let cursor = Cursor()
        return { buffer in
            if cursor.bytes == nil { cursor.bytes = readInput(Int.max) ?? [] }
            let bytes = cursor.bytes ?? []
            let count = min(buffer.count, bytes.count - cursor.offset)
            for index in 0..<count { buffer[index] = bytes[cursor.offset + index] }
            cursor.offset += count
            return count
        }
    }

    static func readAll(limit: Int) -> [UInt8]? {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return result
            }
            if count == 0 { return result }
            if result.count + count > limit { return nil }
            result.append(contentsOf: chunk[0..<count])
        }
    }
}
