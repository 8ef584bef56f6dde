import Foundation
@testable import KabarCLI
import Kabar
import KabarNode

/// One `kabar` run in-process: arguments, standard input and environment in; output,
/// errors and exit code out.
final class KabarRun: @unchecked Sendable {
    var output = ""
    var error = ""
    var code: Int32 = -1

    @discardableResult
    init(_ arguments: [String], input: [UInt8] = [], environment: [String: String] = [:], language: Language = .english) {
        let context = CommandContext(
            environment: environment, language: language, inputIsTerminal: false,
            output: { [unowned self] text in self.output += text },
            error: { [unowned self] text in self.error += text },
            readInput: { limit in input.count <= limit ? input : nil },
            readLine: { nil })
        code = KabarCLI.main(arguments, context: context)
    }

    /// Output lines without the empty last one.
    var lines: [String] { output.split(separator: "\n").map(String.init) }
}

/// A fresh folder under the system temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "kabar-cli-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the folder.
    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The permission bits of `path`.
func permissions(_ path: String) -> Int {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    return (attributes?[.posixPermissions] as? NSNumber)?.intValue ?? -1
}
