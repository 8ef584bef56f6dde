import KabarPlatform

/// The log written to a file in the data folder while the REPL owns the terminal (log lines on
/// the screen would break the line being typed). It is bounded: past `bytesMax` the file is
/// renamed to `kabar.log.1` (replacing the older one) and a new one is started, so a node under
/// attack for weeks holds at most twice `bytesMax` of log.
public final class LogFile {
    /// The size at which the file is rotated.
    public static let bytesMax: Int64 = 1 << 20

    /// The file's path.
    public let path: String
    private var file: File?
    private var size: Int64 = 0

    /// Opens (appending) or creates `kabar.log` in `data`.
    public init(in data: DataDirectory) throws {
        path = data.path + "/kabar.log"
        try reopen()
    }

    /// Appends `line`. A write that fails drops the line: the node must not stop for its log.
    public func write(_ line: String) {
        let bytes = Array(line.utf8)
        if size + Int64(bytes.count) > Self.bytesMax { rotate() }
        guard let file else { return }
        do {
            try file.write(bytes)
            size += Int64(bytes.count)
        } catch {
            return
        }
    }

    /// Closes the file.
    public func close() {
        try? file?.close()
        file = nil
    }

    private func reopen() throws {
        let opened = try File.open(path, [.readWrite, .create, .append], permissions: 0o600)
        size = try opened.size()
        file = opened
    }

    private func rotate() {
        close()
        try? FileSystem.rename(path, to: path + ".1")
        try? reopen()
    }
}
