import Foundation
import Kabar

/// One request on the control socket: a `kabar` command line to run inside the daemon, against
/// its open store. One JSON object on one line (Documentation/Control.md):
///
///     {"argv":["list","--channel","pasar"],"lang":"id","cwd":"/home/kim"}
public struct ControlRequest: Codable, Sendable, Equatable {
    /// The command line after `kabar`.
    public var argv: [String]
    /// "id" or "en".
    public var lang: String?
    /// The client's working folder, so relative file names mean what the person meant.
    public var cwd: String?
    /// Standard input for commands that read it (`post` without `--body`), as UTF-8 text.
    public var stdin: String?

    /// A request.
    public init(argv: [String], lang: String? = nil, cwd: String? = nil, stdin: String? = nil) {
        self.argv = argv
        self.lang = lang
        self.cwd = cwd
        self.stdin = stdin
    }
}

/// The daemon's answer: what the command would have printed and its exit code.
///
///     {"exit":0,"stdout":"stored 3f2a9c...\n","stderr":""}
public struct ControlResponse: Codable, Sendable, Equatable {
    /// The exit code.
    public var exit: Int32
    /// What the command wrote to standard output.
    public var stdout: String
    /// What it wrote to standard error.
    public var stderr: String

    /// A response.
    public init(exit: Int32, stdout: String, stderr: String) {
        self.exit = exit
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Why a control line could not be used.
public enum ControlProtocolError: Error, Equatable, Sendable, Kabar.LocalizedError {
    /// Longer than `ControlProtocol.lineBytesMax`.
    case lineTooLong(limit: Int)
    /// Not the JSON object expected.
    case malformed(String)

    public var localizedMessage: Localized {
        switch self {
        case .lineTooLong(let limit):
            return Localized(en: "control request longer than \(limit) bytes", id: "permintaan kendali lebih dari \(limit) byte")
        case .malformed(let detail):
            return Localized(en: "control message is not valid JSON: \(detail)", id: "pesan kendali bukan JSON yang sah: \(detail)")
        }
    }
}

/// Encoding and decoding of control lines: one JSON object per line, keys in snake_case.
public enum ControlProtocol {
    /// A request line, at most (a post's body read from standard input fits easily).
    public static let lineBytesMax = 1 << 20
    /// A response line, at most; longer output is cut with a note.
    public static let responseBytesMax = 32 << 20
    /// Arguments in a request, at most.
    public static let argumentsMax = 256

    /// `value` as one line of JSON, newline included.
    public static func encodeLine(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings and numbers cannot fail.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Array(data) + [UInt8(ascii: "\n")]
    }

    /// Decodes one line (without its newline).
    public static func decode<Value: Decodable>(_ type: Value.Type, line: some Collection<UInt8>) throws(ControlProtocolError) -> Value {
        guard line.count <= lineBytesMax else { throw .lineTooLong(limit: lineBytesMax) }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: Data(line))
        } catch let error as DecodingError {
            throw .malformed(describe(error))
        } catch {
            throw .malformed("\(error)")
        }
    }

    /// Decodes a request and checks its limits.
    public static func decodeRequest(line: some Collection<UInt8>) throws(ControlProtocolError) -> ControlRequest {
        let request = try decode(ControlRequest.self, line: line)
        guard !request.argv.isEmpty, request.argv.count <= argumentsMax else {
            throw .malformed("argv must hold 1 to \(argumentsMax) strings")
        }
        return request
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// Splits a byte stream into lines, with a bound: bytes in, complete lines out.
public struct LineBuffer: Sendable {
    /// The longest line accepted.
    public let lineBytesMax: Int
    private var pending: [UInt8] = []

    /// A buffer for lines of at most `lineBytesMax` bytes.
    public init(lineBytesMax: Int) { self.lineBytesMax = lineBytesMax }

    /// Adds `bytes`; returns the lines completed (without newlines). Throws when a line grows
    /// past the limit.
    public mutating func append(_ bytes: some Collection<UInt8>) throws(ControlProtocolError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                lines.append(pending)
                pending.removeAll(keepingCapacity: true)
            } else {
                guard pending.count < lineBytesMax else { throw .lineTooLong(limit: lineBytesMax) }
                pending.append(byte)
            }
        }
        return lines
    }

    /// Bytes of an unfinished line.
    public var pendingCount: Int { pending.count }
}
