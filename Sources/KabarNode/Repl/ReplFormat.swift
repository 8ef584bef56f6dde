import Glibc
import Kabar

/// How the REPL writes times: local wall-clock time, "2026-11-29 22:54".
enum ReplFormat {
    /// `time` as local date and minute; a time out of range shows as its raw milliseconds.
    static func dateTime(_ time: UnixTime) -> String {
        var seconds = time_t(time.milliseconds / 1000)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return "\(time.milliseconds) ms" }
        let year = Int(parts.tm_year) + 1900
        return "\(year)-\(two(Int(parts.tm_mon) + 1))-\(two(Int(parts.tm_mday))) \(two(Int(parts.tm_hour))):\(two(Int(parts.tm_min)))"
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
