import Foundation

/// Where a node keeps its identity, store, config and control socket.
///
/// `--data DIR` wins; otherwise `$KABAR_HOME`; otherwise `~/.kabar`.
public struct DataDirectory: Sendable, Equatable {
    /// The folder's path.
    public let path: String

    /// A data directory at `path`.
    public init(path: String) { self.path = path }

    /// The data directory chosen by `--data` (if given) and the environment.
    public static func resolve(option: String?, environment: [String: String]) -> DataDirectory {
        if let option, !option.isEmpty { return DataDirectory(path: option) }
        if let home = environment["KABAR_HOME"], !home.isEmpty { return DataDirectory(path: home) }
        let userHome = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return DataDirectory(path: (userHome as NSString).appendingPathComponent(".kabar"))
    }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
}
