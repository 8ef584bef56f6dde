import Foundation
import Kabar
import KabarCrypto
import KabarPlatform

/// A line of a config file that cannot be used: where, and why, in words a person can act on.
public struct ConfigError: Error, Equatable, Sendable, Kabar.LocalizedError, CustomStringConvertible {
    /// The file's path.
    public let path: String
    /// The line number, from 1; 0 for the file as a whole.
    public let line: Int
    /// What is wrong.
    public let problem: Localized

    /// An error at `line` of `path`.
    public init(path: String, line: Int, problem: Localized) {
        self.path = path
        self.line = line
        self.problem = problem
    }

    public var localizedMessage: Localized {
        let place = line > 0 ? "\(path):\(line)" : path
        return Localized(en: "\(place): \(problem.en)", id: "\(place): \(problem.id)")
    }

    public var description: String { localizedMessage.en }
}

/// Reads `kabar.conf`: `key = value` lines, `#` comments, blank lines ignored.
///
///     port = 4747
///     network = rokan-hilir
///     peer = 10.0.0.7:4747          # repeatable
///     language = id
///     log_level = info
///     quota = 500MB
///     channel.pasar = community lifetime=7d max=30d posts=500 bytes=2MB
///     authority = 3f2a9c...         # 64 hex digits, repeatable
///
/// Documentation/Config.md is the reference.
public enum ConfigFile {
    /// The file's name inside the data folder.
    public static let fileName = "kabar.conf"
    /// A config file is small; anything bigger is not one.
    public static let fileBytesMax = 64 * 1024
    /// One line, at most.
    public static let lineBytesMax = 1_024

    /// The settings in `DIR/kabar.conf`, or the defaults when there is no such file.
    public static func load(from data: DataDirectory) throws(ConfigError) -> NodeSettings {
        let path = data.file(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return NodeSettings() }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path: path, line: 0, problem: Localized(
                en: "cannot be read (check its permissions)", id: "tidak dapat dibaca (periksa izinnya)"))
        }
        guard bytes.count <= fileBytesMax else {
            throw ConfigError(path: path, line: 0, problem: Localized(
                en: "is \(bytes.count) bytes; a config file is at most \(fileBytesMax)",
                id: "berukuran \(bytes.count) byte; file konfigurasi paling besar \(fileBytesMax)"))
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw ConfigError(path: path, line: 0, problem: Localized(
                en: "is not UTF-8 text", id: "bukan teks UTF-8"))
        }
        return try parse(text, path: path)
    }

    /// Parses config `text`; `path` names the file in errors.
    public static func parse(_ text: String, path: String, over defaults: NodeSettings = NodeSettings()) throws(ConfigError) -> NodeSettings {
        var settings = defaults
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let fail = { (problem: Localized) in ConfigError(path: path, line: lineNumber, problem: problem) }
            guard rawLine.utf8.count <= lineBytesMax else {
                throw fail(Localized(en: "line is longer than \(lineBytesMax) bytes", id: "baris lebih panjang dari \(lineBytesMax) byte"))
            }
            let line = String(rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").trimmingSpaces
            if line.isEmpty { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw fail(Localized(en: "expected 'key = value', got '\(line)'", id: "seharusnya 'kunci = nilai', tertulis '\(line)'"))
            }
            let key = String(line[..<equals]).trimmingSpaces.lowercased()
            let value = String(line[line.index(after: equals)...]).trimmingSpaces
            guard !value.isEmpty else {
                throw fail(Localized(en: "'\(key)' has no value", id: "'\(key)' tidak punya nilai"))
            }
            do {
                try apply(key: key, value: value, to: &settings)
            } catch {
                throw fail(error.problem)
            }
        }
        return settings
    }

    /// Why one value was refused (the caller adds the file and line).
    public struct ValueError: Error, Sendable {
        /// What is wrong with the value.
        public let problem: Localized

        /// An error saying `problem`.
        public init(problem: Localized) { self.problem = problem }
    }

    static func apply(key: String, value: String, to settings: inout NodeSettings) throws(ValueError) {
        switch key {
        case "port": settings.port = try parsePort(value)
        case "network": settings.networkName = try parseNetworkName(value)
        case "peer":
            guard settings.peers.count < NodeSettings.peersMax else { throw tooMany("peer", NodeSettings.peersMax) }
            settings.peers.append(try parsePeer(value))
        case "language", "lang":
            guard let language = Language(code: value) else {
                throw ValueError(problem: Localized(en: "language is id or en, not '\(value)'", id: "bahasa adalah id atau en, bukan '\(value)'"))
            }
            settings.language = language
        case "log_level":
            guard let level = LogLevel(name: value) else {
                throw ValueError(problem: Localized(
                    en: "log_level is error, warn, info or debug, not '\(value)'",
                    id: "log_level adalah error, warn, info atau debug, bukan '\(value)'"))
            }
            settings.logLevel = level
        case "quota": settings.quotaBytes = try parseByteCount(value)
        case "strangers":
            if value.hasSuffix("%") {
                let digits = String(value.dropLast()).trimmingSpaces
                guard let percent = Int(digits), (0...100).contains(percent) else {
                    throw ValueError(problem: Localized(
                        en: "strangers is a size such as 50MB or a share of the quota such as 10%, not '\(value)'",
                        id: "strangers adalah ukuran seperti 50MB atau bagian kuota seperti 10%, bukan '\(value)'"))
                }
                settings.strangerShare = Double(percent) / 100
                settings.strangerBytes = nil
            } else {
                settings.strangerBytes = try parseByteCount(value)
                settings.strangerShare = nil
            }
        case "stranger_rate":
            let digits = value.hasSuffix("/s") ? String(value.dropLast(2)).trimmingSpaces : value
            guard let rate = Double(digits), rate > 0, rate <= 1_000_000 else {
                throw ValueError(problem: Localized(
                    en: "stranger_rate is a number of bulletins a second such as 20/s, not '\(value)'",
                    id: "stranger_rate adalah jumlah buletin per detik seperti 20/s, bukan '\(value)'"))
            }
            settings.strangerRate = rate
        case "stranger_burst":
            guard value.utf8.count <= 8, let burst = Int(value), burst >= 1 else {
                throw ValueError(problem: Localized(
                    en: "stranger_burst is a number of bulletins from 1 to 99999999, such as 100000, not '\(value)'",
                    id: "stranger_burst adalah jumlah buletin dari 1 sampai 99999999, seperti 100000, bukan '\(value)'"))
            }
            settings.strangerBurst = burst
        case "stamp": settings.stampBits = try parseStampBits("stamp", value)
        case "report": settings.reportSchedule.enabled = try parseSwitch("report", value)
        case "report_interval":
            settings.reportSchedule.interval = try parseSpan("report_interval", value, within: .minutes(10)...(.days(2)))
        case "report_delay": settings.reportSchedule.delay = try parseSpan("report_delay", value, within: .seconds(0)...(.hours(1)))
        case "report_window": settings.reportWindow = try parseSpan("report_window", value, within: .hours(1)...(.days(60)))
        case "report_budget":
            let bytes = try parseByteCount(value)
            guard (200...1_000_000).contains(bytes) else {
                throw ValueError(problem: Localized(
                    en: "report_budget is from 200 bytes to 1MB a day, not '\(value)'",
                    id: "report_budget dari 200 byte sampai 1MB per hari, bukan '\(value)'"))
            }
            settings.reportSchedule.bytesPerDayMax = Int(bytes)
        case "report_holdings":
            guard let count = Int(value), (0...HallReport.holdingsMax).contains(count) else {
                throw ValueError(problem: Localized(
                    en: "report_holdings is a whole number from 0 to \(HallReport.holdingsMax), not '\(value)'",
                    id: "report_holdings adalah bilangan bulat 0 sampai \(HallReport.holdingsMax), bukan '\(value)'"))
            }
            settings.reportHoldings = count
        case "known":
            guard settings.known.count < NodeSettings.knownMax else { throw tooMany("known", NodeSettings.knownMax) }
            guard let key = AuthorKey(hex: value.trimmingSpaces) else {
                throw ValueError(problem: Localized(
                    en: "known must be a public key of 64 hex digits, not '\(value)'",
                    id: "known harus kunci publik 64 digit heksa, bukan '\(value)'"))
            }
            if !settings.known.contains(key) { settings.known.append(key) }
        case "attachment_max":
            let bytes = try parseByteCount(value)
            guard bytes <= Int64(AttachmentManifest.sizeMax) else {
                throw ValueError(problem: Localized(
                    en: "attachment_max is at most \(AttachmentManifest.sizeMax) bytes", id: "attachment_max paling besar \(AttachmentManifest.sizeMax) byte"))
            }
            settings.attachmentBytesMax = bytes
        case "authority":
            guard settings.authorities.count < NodeSettings.authoritiesMax else {
                throw tooMany("authority", NodeSettings.authoritiesMax)
            }
            let parts = value.split(separator: " ", maxSplits: 1)
            guard let first = parts.first, let key = AuthorKey(hex: first) else {
                throw ValueError(problem: Localized(
                    en: "authority must be a public key of 64 hex digits, then optionally its name, not '\(value)'",
                    id: "authority harus kunci publik 64 digit heksa, lalu boleh namanya, bukan '\(value)'"))
            }
            if !settings.authorities.contains(key) { settings.authorities.append(key) }
            if parts.count == 2 {
                let label = String(parts[1]).trimmingSpaces
                guard label.utf8.count <= Identity.labelBytesMax, !label.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                    throw ValueError(problem: Localized(
                        en: "an authority's name is one line of at most \(Identity.labelBytesMax) bytes",
                        id: "nama otoritas satu baris, paling banyak \(Identity.labelBytesMax) byte"))
                }
                settings.authorityLabels[key] = label
            }
        default:
            if key.hasPrefix("web.") {
                try applyWeb(key: String(key.dropFirst("web.".count)), value: value, to: &settings.web)
            } else if key.hasPrefix("channel.") {
                let name = String(key.dropFirst("channel.".count))
                guard settings.channels.rules[name] != nil || settings.channels.rules.count < NodeSettings.channelRulesMax else {
                    throw tooMany("channel", NodeSettings.channelRulesMax)
                }
                let (afterQuota, quota) = try parseChannelQuota(name: name, value: value)
                let (afterAttachments, attachments) = try parseChannelAttachments(name: name, value: afterQuota)
                let rest = try parseChannelStrangers(name: name, value: afterAttachments, into: &settings)
                settings.channels.set(try parseChannelRule(name: name, value: rest, defaults: settings.channels))
                if let quota { settings.channelQuotas[name] = quota }
                if let attachments { settings.attachmentChannels[name] = attachments }
            } else {
                throw ValueError(problem: Localized(
                    en: "unknown key '\(key)' (known: port, network, peer, language, log_level, quota, attachment_max, strangers, stranger_rate, stranger_burst, stamp, known, report, report_interval, report_delay, report_window, report_budget, report_holdings, channel.NAME, authority, web.*)",
                    id: "kunci '\(key)' tidak dikenal (yang dikenal: port, network, peer, language, log_level, quota, attachment_max, strangers, stranger_rate, stranger_burst, stamp, known, report, report_interval, report_delay, report_window, report_budget, report_holdings, channel.NAMA, authority, web.*)"))
            }
        }
    }

    /// The board's lines: `web.enabled`, `web.port`, `web.posting`, `web.portal`,
    /// `web.posts_per_day`, `web.posts_per_phone`.
    static func applyWeb(key: String, value: String, to web: inout WebSettings) throws(ValueError) {
        switch key {
        case "enabled": web.enabled = try parseSwitch("web.enabled", value)
        case "port": web.port = try parsePort(value)
        case "posting":
            guard let posting = WebSettings.Posting(rawValue: value.lowercased()) else {
                throw ValueError(problem: Localized(
                    en: "web.posting is open, review or off, not '\(value)'",
                    id: "web.posting adalah open, review atau off, bukan '\(value)'"))
            }
            web.posting = posting
        case "portal": web.portal = try parseSwitch("web.portal", value)
        case "posts_per_day": web.postsPerDay = try parseCount("web.posts_per_day", value)
        case "posts_per_phone": web.postsPerPhone = try parseCount("web.posts_per_phone", value)
        default:
            throw ValueError(problem: Localized(
                en: "unknown key 'web.\(key)' (known: web.enabled, web.port, web.posting, web.portal, web.posts_per_day, web.posts_per_phone)",
                id: "kunci 'web.\(key)' tidak dikenal (yang dikenal: web.enabled, web.port, web.posting, web.portal, web.posts_per_day, web.posts_per_phone)"))
        }
    }

    /// on/off (also yes/no, true/false, 1/0).
    static func parseSwitch(_ name: String, _ text: String) throws(ValueError) -> Bool {
        switch text.lowercased() {
        case "on", "yes", "true", "1": return true
        case "off", "no", "false", "0": return false
        default:
            throw ValueError(problem: Localized(en: "\(name) is on or off, not '\(text)'", id: "\(name) adalah on atau off, bukan '\(text)'"))
        }
    }

    /// A duration such as `12h` within `range`.
    static func parseSpan(_ name: String, _ text: String, within range: ClosedRange<TimeSpan>) throws(ValueError) -> TimeSpan {
        guard let span = TimeSpan.parse(text), range.contains(span) else {
            throw ValueError(problem: Localized(
                en: "\(name) is a duration such as 90s, 30m or 12h, from \(range.lowerBound) to \(range.upperBound), not '\(text)'",
                id: "\(name) adalah durasi seperti 90s, 30m atau 12h, dari \(range.lowerBound) sampai \(range.upperBound), bukan '\(text)'"))
        }
        return span
    }

    /// A whole number from 0 to `WebSettings.postsPerDayMax`.
    static func parseCount(_ name: String, _ text: String) throws(ValueError) -> Int {
        guard text.utf8.count <= 6, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let count = Int(text),
            count <= WebSettings.postsPerDayMax
        else {
            throw ValueError(problem: Localized(
                en: "\(name) is a whole number from 0 to \(WebSettings.postsPerDayMax), not '\(text)'",
                id: "\(name) adalah bilangan bulat 0 sampai \(WebSettings.postsPerDayMax), bukan '\(text)'"))
        }
        return count
    }

    /// A port, 1 to 65535.
    public static func parsePort(_ text: String) throws(ValueError) -> UInt16 {
        guard text.utf8.count <= 5, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let port = UInt16(text), port > 0 else {
            throw ValueError(problem: Localized(en: "port must be a number from 1 to 65535, not '\(text)'", id: "port harus angka 1 sampai 65535, bukan '\(text)'"))
        }
        return port
    }

    /// A network name: 1 to 64 characters of a-z, 0-9, '-', '_', '.'.
    public static func parseNetworkName(_ text: String) throws(ValueError) -> String {
        let allowed = text.utf8.allSatisfy { byte in
            (97...122).contains(byte) || (48...57).contains(byte) || byte == 45 || byte == 95 || byte == 46
        }
        guard !text.isEmpty, text.utf8.count <= 64, allowed else {
            throw ValueError(problem: Localized(
                en: "network name must be 1 to 64 of a-z, 0-9, '-', '_', '.', not '\(text)'",
                id: "nama jaringan harus 1 sampai 64 huruf a-z, 0-9, '-', '_', '.', bukan '\(text)'"))
        }
        return text
    }

    /// A peer "HOST:PORT" (numeric; the port defaults to 4747).
    public static func parsePeer(_ text: String) throws(ValueError) -> SocketAddress {
        do {
            return try SocketAddress(parsing: text, defaultPort: Wire.defaultPort)
        } catch {
            throw ValueError(problem: Localized(
                en: "peer '\(text)' is not an address such as 10.0.0.7:4747 or [fe80::1%wlan0]:4747 (\(error))",
                id: "peer '\(text)' bukan alamat seperti 10.0.0.7:4747 atau [fe80::1%wlan0]:4747 (\(error))"))
        }
    }

    /// A size: `500MB`, `2GB`, `100KB`, `1GiB`, or a number of bytes.
    public static func parseByteCount(_ text: String) throws(ValueError) -> Int64 {
        let upper = text.uppercased().replacingOccurrences(of: " ", with: "")
        let units: [(String, Int64)] = [
            ("KIB", 1 << 10), ("MIB", 1 << 20), ("GIB", 1 << 30), ("TIB", 1 << 40),
            ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000), ("B", 1),
        ]
        var digits = upper
        var multiplier: Int64 = 1
        if let unit = units.first(where: { upper.hasSuffix($0.0) }) {
            digits = String(upper.dropLast(unit.0.count))
            multiplier = unit.1
        }
        guard !digits.isEmpty, digits.utf8.count <= 12, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let count = Int64(digits), count > 0
        else {
            throw ValueError(problem: Localized(
                en: "quota must be a size such as 500MB or 2GB, not '\(text)'",
                id: "kuota harus ukuran seperti 500MB atau 2GB, bukan '\(text)'"))
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: multiplier)
        guard !overflow else {
            throw ValueError(problem: Localized(en: "quota '\(text)' is too large", id: "kuota '\(text)' terlalu besar"))
        }
        return bytes
    }

    /// A stamp cost in bits: 0 to `Stamp.bitsMax`.
    static func parseStampBits(_ name: String, _ text: String) throws(ValueError) -> Int {
        guard let bits = Int(text.trimmingSpaces), (0...Stamp.bitsMax).contains(bits) else {
            throw ValueError(problem: Localized(
                en: "\(name) is a number of bits from 0 to \(Stamp.bitsMax), such as 20, not '\(text)'",
                id: "\(name) adalah jumlah bit dari 0 sampai \(Stamp.bitsMax), seperti 20, bukan '\(text)'"))
        }
        return bits
    }

    /// Takes `strangers=SIZE` and `stamp=BITS` out of a `channel.NAME` value; returns the other
    /// words.
    static func parseChannelStrangers(name: String, value: String, into settings: inout NodeSettings) throws(ValueError) -> String {
        var rest: [String] = []
        for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "strangers" || parts[0] == "stamp" else {
                rest.append(word)
                continue
            }
            if parts[0] == "stamp" {
                settings.channelStampBits[name] = try parseStampBits("channel.\(name): stamp=", parts[1])
            } else {
                do {
                    settings.channelStrangerBytes[name] = try parseByteCount(parts[1])
                } catch {
                    throw ValueError(problem: Localized(
                        en: "channel.\(name): strangers= takes a size, such as 20MB, not '\(parts[1])'",
                        id: "channel.\(name): strangers= menerima ukuran, seperti 20MB, bukan '\(parts[1])'"))
                }
            }
        }
        return rest.joined(separator: " ")
    }

    /// Takes `posts=N` and `bytes=SIZE` (a community channel's per-author daily quota) out of a
    /// `channel.NAME` value; returns the other words and the quota, if either was given (the
    /// other half keeps its default: 500 posts, 2 MB).
    static func parseChannelQuota(name: String, value: String) throws(ValueError) -> (String, Quota?) {
        var quota: Quota?
        var rest: [String] = []
        for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "posts" || parts[0] == "bytes" else {
                rest.append(word)
                continue
            }
            var current = quota ?? .defaultQuota
            if parts[0] == "posts" {
                guard parts[1].utf8.count <= 9, parts[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let count = Int(parts[1]), count > 0 else {
                    throw ValueError(problem: Localized(
                        en: "channel.\(name): posts= takes a number of posts a day, such as 500, not '\(parts[1])'",
                        id: "channel.\(name): posts= menerima jumlah kiriman per hari, seperti 500, bukan '\(parts[1])'"))
                }
                current.countPerDayMax = count
            } else {
                let bytes: Int64
                do {
                    bytes = try parseByteCount(parts[1])
                } catch {
                    throw ValueError(problem: Localized(
                        en: "channel.\(name): bytes= takes a size a day, such as 2MB, not '\(parts[1])'",
                        id: "channel.\(name): bytes= menerima ukuran per hari, seperti 2MB, bukan '\(parts[1])'"))
                }
                current.bytesPerDayMax = Int(min(bytes, Int64(Int32.max)))
            }
            quota = current
        }
        return (rest.joined(separator: " "), quota)
    }

    /// The attachment words of a `channel.NAME` line: `attach=SIZE` (one attachment, at most),
    /// `fetch=eager|demand`, `budget=SIZE` (the channel's attachments on disk); the other words
    /// are returned.
    static func parseChannelAttachments(name: String, value: String) throws(ValueError) -> (String, AttachmentPolicy.Channel?) {
        var channel: AttachmentPolicy.Channel?
        var rest: [String] = []
        for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["attach", "fetch", "budget"].contains(parts[0]) else {
                rest.append(word)
                continue
            }
            var current = channel ?? AttachmentPolicy.Channel()
            switch parts[0] {
            case "fetch":
                guard let fetch = AttachmentPolicy.Fetch(rawValue: parts[1]) else {
                    throw ValueError(problem: Localized(
                        en: "channel.\(name): fetch= is eager or demand, not '\(parts[1])'",
                        id: "channel.\(name): fetch= adalah eager atau demand, bukan '\(parts[1])'"))
                }
                current.fetch = fetch
            default:
                let bytes: Int64
                do {
                    bytes = try parseByteCount(parts[1])
                } catch {
                    throw ValueError(problem: Localized(
                        en: "channel.\(name): \(parts[0])= takes a size such as 2MB, not '\(parts[1])'",
                        id: "channel.\(name): \(parts[0])= menerima ukuran seperti 2MB, bukan '\(parts[1])'"))
                }
                if parts[0] == "attach" {
                    guard bytes <= Int64(AttachmentManifest.sizeMax) else {
                        throw ValueError(problem: Localized(
                            en: "channel.\(name): attach= is at most \(AttachmentManifest.sizeMax) bytes",
                            id: "channel.\(name): attach= paling besar \(AttachmentManifest.sizeMax) byte"))
                    }
                    current.sizeMax = UInt64(bytes)
                } else {
                    current.budgetBytes = bytes
                }
            }
            channel = current
        }
        return (rest.joined(separator: " "), channel)
    }

    /// `official|community [lifetime=7d] [max=30d]`.
    static func parseChannelRule(name: String, value: String, defaults: ChannelRules) throws(ValueError) -> ChannelRule {
        guard BulletinCodec.isValidChannelName(name) else {
            throw ValueError(problem: BulletinError.invalidChannelName(name).localizedMessage)
        }
        let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first, let access = ChannelRule.Access(rawValue: first.lowercased()), access != .system else {
            throw ValueError(problem: Localized(
                en: "channel.\(name) must start with official or community, not '\(words.first ?? "")'",
                id: "channel.\(name) harus diawali official atau community, bukan '\(words.first ?? "")'"))
        }
        var rule = defaults.rule(for: name)
        rule.access = access
        // The office flag holds where the line says it: a line without it clears it.
        rule.office = false
        for word in words.dropFirst() {
            if word.lowercased() == "office" {
                rule.office = true
                continue
            }
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "lifetime" || parts[0] == "max" else {
                throw ValueError(problem: Localized(
                    en: "channel.\(name): expected office, lifetime=DURATION or max=DURATION, not '\(word)'",
                    id: "channel.\(name): seharusnya office, lifetime=DURASI atau max=DURASI, bukan '\(word)'"))
            }
            guard let span = TimeSpan.parse(parts[1]) else {
                throw ValueError(problem: Localized(
                    en: "channel.\(name): '\(parts[1])' is not a duration such as 12h, 7d or 2w",
                    id: "channel.\(name): '\(parts[1])' bukan durasi seperti 12h, 7d atau 2w"))
            }
            if parts[0] == "lifetime" { rule.defaultLifetime = span } else { rule.maximumLifetime = min(span, ChannelRules.hardMaximumLifetime) }
        }
        guard rule.defaultLifetime <= rule.maximumLifetime else {
            throw ValueError(problem: Localized(
                en: "channel.\(name): lifetime \(rule.defaultLifetime) is longer than max \(rule.maximumLifetime)",
                id: "channel.\(name): lifetime \(rule.defaultLifetime) lebih panjang dari max \(rule.maximumLifetime)"))
        }
        return rule
    }

    private static func tooMany(_ key: String, _ limit: Int) -> ValueError {
        ValueError(problem: Localized(en: "more than \(limit) '\(key)' lines", id: "lebih dari \(limit) baris '\(key)'"))
    }
}
