import Kabar

/// A scenario file that could not be read: where, and what to fix.
public struct ScenarioFileError: Error, Sendable, CustomStringConvertible {
    /// The file's name as the reader was given it.
    public var file: String
    /// The 1-based line number (0 when the problem is the file as a whole).
    public var line: Int
    /// What is wrong, in words a person can act on.
    public var message: Localized

    /// `file:line: message`, in English.
    public var description: String { "\(file):\(line): \(message.en)" }
    /// `file:line: message` in `language`.
    public func text(_ language: Language) -> String { "\(file):\(line): \(message[language])" }
}

/// How the hosts of a scenario are laid out.
public enum ScenarioTopology: Sendable, Equatable {
    /// Every node on one LAN (a village hall's Wi-Fi).
    case lan
    /// Halls of `hall` nodes grouped in kecamatan of `villages` villages; the first village of each
    /// kecamatan is its seat, on the river. `seatLinks` villages per kecamatan have a long-range
    /// link to the seat; seats are linked along the river in segments of `segment` kecamatan.
    case district(kecamatan: Int, villages: Int, hall: Int, seatLinks: Int, segment: Int)
    /// A line of villages of `hall` nodes each, not linked: only mules join them.
    case line(hall: Int)
    /// Nodes at random points of a square; nodes of one `cell`-metre cell share a LAN, and the
    /// closest pair of nodes of two neighbouring cells has a long-range link if within `range`.
    case geometric(side: Int, cell: Int, range: Int)
    /// Halls of `hall` nodes in a ring of long-range links (small meshes, swarm runs).
    case ring(hall: Int)
}

/// Mules of one kind: `count` of them (per kecamatan for motorbikes), each staying `stay` at a
/// stop and taking `travel` between stops.
public struct ScenarioMules: Sendable, Equatable {
    /// What they are.
    public enum Kind: String, Sendable { case boat, motorbike }
    /// Boats ply the river between seats (one per gap between linked segments, or along a line);
    /// motorbikes tour the villages of one kecamatan.
    public var kind: Kind
    /// How many (per kecamatan for motorbikes).
    public var count: Int
    /// Time at a stop, drawn uniformly per stop.
    public var stay: ClosedRange<TimeSpan>
    /// Time between stops, drawn uniformly per leg.
    public var travel: ClosedRange<TimeSpan>
}

/// A batch of posts of one class.
public struct ScenarioPosts: Sendable, Equatable {
    /// The class shown in the summary: `official`, `market`, ...
    public var name: String
    /// How many.
    public var count: Int
    /// Who posts: `office` (host 0, the regency office) or `any` (a random node).
    public var from: String
    /// The first post's time.
    public var start: TimeSpan
    /// Time between posts.
    public var spacing: TimeSpan
    /// Body bytes of each bulletin.
    public var bodyBytes: Int
    /// The sizes of the files each post attaches (`attach=300KB,1MB`), none by default.
    public var attachBytes: [Int] = []
}

/// Power cuts: `fraction` of the nodes lose power once, at a random time in `window`, for `down`.
public struct ScenarioChurn: Sendable, Equatable {
    /// Share of nodes cut.
    public var fraction: Double
    /// When the cuts start, uniformly.
    public var window: ClosedRange<TimeSpan>
    /// How long each stays off.
    public var down: ClosedRange<TimeSpan>
    /// Lazy writes younger than this at the cut are lost.
    public var flush: TimeSpan
}

/// A partition of the first `fraction` of the halls from the rest, from `at` to `heal`.
public struct ScenarioPartition: Sendable, Equatable {
    /// Share of the halls on one side.
    public var fraction: Double
    /// When the cut happens.
    public var at: TimeSpan
    /// When it heals.
    public var heal: TimeSpan
}

/// Hostile hosts that send garbage, forged bulletins and junk.
public struct ScenarioFlood: Sendable, Equatable {
    /// How many attackers (each joins one hall, spread evenly).
    public var attackers: Int
    /// Datagrams per second each.
    public var rate: Int
    /// How long the attack lasts from its start at 10 s (the idle window waits for its end).
    public var duration: TimeSpan
}

/// A flood of valid bulletins from fresh keys (`spam` in a file): one attacker on one hall's LAN
/// runs a node that applies no rules and posts, from `keys` keys in turn, one bulletin after the
/// other, each as soon as the LAN has carried the last (`rate=LAN`), or `postsPerSecond`.
public struct ScenarioSpam: Sendable, Equatable {
    /// Fresh keys the attacker posts from, in turn (key `n mod keys` signs post `n`).
    public var keys: Int
    /// Posts a second; nil: as fast as the LAN's broadcast rate carries them (`rate=LAN`).
    public var postsPerSecond: Double?
    /// When the flood starts, and how long it lasts.
    public var start: TimeSpan
    /// See `start`.
    public var duration: TimeSpan
    /// The hall (by index, 0 the office's) whose LAN the attacker joins.
    public var hall: Int
    /// Body bytes of each post, drawn uniformly.
    public var body: ClosedRange<Int>
    /// Community channels the posts go to, in turn.
    public var channels: [String]
    /// The bytes of its latest posts the attacker's node keeps (its disk, `keep=`): older ones
    /// it drops, and no longer serves or reconciles.
    public var keepBytes: Int64 = 8_000_000
}

/// Live bulletins every hall node holds before the run starts (`Backlog.make`): the volume a
/// real regency carries, which the posts of a run alone never reach.
public struct ScenarioBacklog: Sendable, Equatable {
    /// How many bulletins.
    public var count: Int
    /// Signing keys they are spread over.
    public var authors: Int
    /// Body bytes of each.
    public var bodyBytes: Int
}

/// The room honest nodes give bulletins of keys nobody vouched for (`TrustRules.strangers`).
/// Without a `strangers` line they have the node's defaults (a tenth of the disk quota,
/// `StrangerBudget.defaultShareOfQuota`, 20 a second, bursts of 100,000), as the daemon does.
public struct ScenarioStrangers: Sendable, Equatable {
    /// No budget at all (`strangers none`): strangers are held to nothing but the quotas.
    public var none = false
    /// Bytes strangers' bulletins may hold at a node (half of it without a stamp); nil: the
    /// node's default share of the quota.
    public var bytes: Int64?
    /// Strangers' bulletins taken a second, sustained; nil: the node's default.
    public var perSecond: Double?
    /// Strangers' bulletins taken at once; nil: the node's default.
    public var burst: Int?

    /// The budget a node with a disk quota of `quotaBytes` (nil: none) gets.
    public func budget(quotaBytes: Int64?) -> StrangerBudget {
        if none { return .unlimited }
        let share = quotaBytes.map { Int64(Double($0) * StrangerBudget.defaultShareOfQuota) }
        var budget = StrangerBudget(bytesMax: bytes ?? share ?? StrangerBudget.unlimited.bytesMax)
        if let perSecond { budget.perSecond = perSecond }
        if let burst { budget.burst = burst }
        return budget
    }
}

/// Everything a scenario file says. Sizes are the defaults `--nodes` scales.
public struct ScenarioDefinition: Sendable {
    /// The scenario's name (the file's name without `.scenario`).
    public var name: String
    /// The file's leading comment lines, without `#`.
    public var summary: [String] = []
    /// The default number of nodes (`--nodes` overrides).
    public var nodes = 0
    /// The layout.
    public var topology: ScenarioTopology = .lan
    /// Every hall's LAN.
    public var lan = LANConfiguration()
    /// Every long-range link.
    public var link = LinkConfiguration(carriesBroadcast: false)
    /// Mules.
    public var mules: [ScenarioMules] = []
    /// Posts, by class.
    public var posts: [ScenarioPosts] = []
    /// Power cuts.
    public var churn: ScenarioChurn?
    /// A partition and its heal.
    public var partition: ScenarioPartition?
    /// Attackers.
    public var flood: ScenarioFlood?
    /// A flood of valid bulletins from fresh keys.
    public var spam: ScenarioSpam?
    /// Each honest node's disk quota in bytes (`store quota=`); nil: none.
    public var storeQuotaBytes: Int64?
    /// The room honest nodes give strangers (`strangers bytes= rate= burst=`, `strangers none`);
    /// nil: the node's defaults.
    public var strangers: ScenarioStrangers?
    /// The budget honest nodes apply.
    public var strangerBudget: StrangerBudget { (strangers ?? ScenarioStrangers()).budget(quotaBytes: storeQuotaBytes) }
    /// The office (host 0, an authority) vouches at the start for every hall node's key and
    /// the backlog's authors (`vouch halls`).
    public var vouchHalls = false
    /// Hall nodes make hall reports with the daemon's defaults (`reports`, Documentation/Reach.md);
    /// it also sets `vouch halls`, so every node admits the halls' reports.
    public var reports = false
    /// With reports, the run lasts at least this long (`reports for=24h`), so a day's report
    /// bytes are measured rather than scaled from a shorter run.
    public var reportsFor: TimeSpan?
    /// Whether honest nodes apply trust rules (the office an authority, quotas, strangers):
    /// set by `store`, `strangers`, `vouch` and `reports`; otherwise they admit every valid bulletin.
    public var trust: Bool { storeQuotaBytes != nil || strangers != nil || vouchHalls }
    /// Bulletins the halls hold at the start.
    public var backlog: ScenarioBacklog?
    /// When a new node with an empty store joins the first hall's LAN (a mule returning, a
    /// hall's new Pi): its first sync is timed against the link's limit.
    public var newcomer: TimeSpan?
    /// What a signature check costs a node (`cpu verify=250us cores=4`); nil: a Pi 4.
    public var cpu: CPUModel?
    /// Draw loss, partitions, restarts and clock skew from the seed (the swarm).
    public var randomFaults = false
    /// The quiet window measured after convergence, for idle traffic.
    public var idle = TimeSpan.seconds(60)
    /// Virtual time at which the run stops even if not converged.
    public var deadline = TimeSpan.minutes(10)
    /// How often the run is sampled (convergence check, traffic series, progress).
    public var sample = TimeSpan.seconds(1)

    /// An empty definition named `name`.
    public init(name: String) { self.name = name }
}

/// Reads the line format of `Simulation/scenarios/*.scenario` (Documentation/Simulation.md,
/// "Scenario files"): one directive per line, `keyword [kind] key=value ...`, `#` comments.
public enum ScenarioFile {
    /// Lines in a file, at most (a limit on input).
    public static let linesMax = 1_000
    /// Characters in a line, at most.
    public static let lineCharactersMax = 400

    /// Parses `text`, read from `file` (for messages). Throws the first problem found.
    public static func parse(_ text: String, file: String, name: String) throws(ScenarioFileError) -> ScenarioDefinition {
        var definition = ScenarioDefinition(name: name)
        var inHeader = true
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count <= linesMax else {
            throw ScenarioFileError(file: file, line: 0, message: Localized(
                en: "more than \(linesMax) lines", id: "lebih dari \(linesMax) baris"))
        }
        for (index, raw) in lines.enumerated() {
            var reader = LineReader(file: file, line: index + 1)
            guard raw.count <= lineCharactersMax else {
                throw reader.error(en: "line longer than \(lineCharactersMax) characters", id: "baris lebih dari \(lineCharactersMax) karakter")
            }
            let trimmed = raw.trimmed(of: " \t\r")
            if trimmed.hasPrefix("#") {
                if inHeader { definition.summary.append(String(trimmed.dropFirst()).trimmed(of: " \t")) }
                continue
            }
            inHeader = false
            let content = trimmed.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = words.first else { continue }
            try reader.load(Array(words.dropFirst()))
            try apply(keyword, &reader, to: &definition)
            try reader.finish()
        }
        guard definition.nodes > 0 else {
            throw ScenarioFileError(file: file, line: 0, message: Localized(
                en: "no `nodes N` line: say how many nodes the scenario has", id: "tidak ada baris `nodes N`: sebutkan jumlah node skenario"))
        }
        guard !definition.posts.isEmpty else {
            throw ScenarioFileError(file: file, line: 0, message: Localized(
                en: "no `posts` line: a scenario needs something to spread", id: "tidak ada baris `posts`: skenario perlu sesuatu untuk disebar"))
        }
        return definition
    }

    private static func apply(_ keyword: String, _ reader: inout LineReader, to definition: inout ScenarioDefinition) throws(ScenarioFileError) {
        switch keyword {
        case "nodes": definition.nodes = try reader.bareInteger(in: 1...100_000)
        case "topology": definition.topology = try topology(&reader)
        case "lan":
            definition.lan.broadcastLoss = try reader.fraction("broadcast-loss") ?? definition.lan.broadcastLoss
            definition.lan.unicastLoss = try reader.fraction("unicast-loss") ?? definition.lan.unicastLoss
            definition.lan.latency = try reader.span("latency") ?? definition.lan.latency
            definition.lan.jitter = try reader.span("jitter") ?? definition.lan.jitter
            definition.lan.broadcastBandwidth = try reader.rate("broadcast-rate") ?? definition.lan.broadcastBandwidth
            definition.lan.unicastBandwidth = try reader.rate("unicast-rate") ?? definition.lan.unicastBandwidth
            if let access = reader.word("access") {
                guard access == "fair" || access == "fifo" else {
                    throw reader.error(en: "access= is fair or fifo, not \(access)", id: "access= adalah fair atau fifo, bukan \(access)")
                }
                definition.lan.fairAccess = access == "fair"
            }
        case "link":
            definition.link.loss = try reader.fraction("loss") ?? definition.link.loss
            definition.link.latency = try reader.span("latency") ?? definition.link.latency
            definition.link.jitter = try reader.span("jitter") ?? definition.link.jitter
            definition.link.bandwidth = try reader.rate("rate") ?? definition.link.bandwidth
        case "mules":
            let kindWord = try reader.bareWord("boat or motorbike")
            guard let kind = ScenarioMules.Kind(rawValue: kindWord) else {
                throw reader.error(en: "mules are boat or motorbike, not \(kindWord)", id: "mules adalah boat atau motorbike, bukan \(kindWord)")
            }
            definition.mules.append(ScenarioMules(
                kind: kind, count: try reader.integer("count", in: 1...1_000) ?? 1,
                stay: try reader.spanRange("stay") ?? .minutes(5)...(.minutes(30)),
                travel: try reader.spanRange("travel") ?? .minutes(5)...(.minutes(15))))
        case "posts":
            let name = try reader.bareWord("a class name such as official or market")
            let from = reader.word("from") ?? "any"
            guard from == "office" || from == "any" else {
                throw reader.error(en: "from= is office or any, not \(from)", id: "from= adalah office atau any, bukan \(from)")
            }
            definition.posts.append(ScenarioPosts(
                name: name, count: try reader.integer("count", in: 1...10_000) ?? 1, from: from,
                start: try reader.span("start") ?? .seconds(20), spacing: try reader.span("spacing") ?? .seconds(5),
                bodyBytes: try reader.integer("body", in: 1...800) ?? 400,
                attachBytes: try Self.sizes(reader.word("attach"), reader: reader)))
        case "churn":
            definition.churn = ScenarioChurn(
                fraction: try reader.fraction("fraction") ?? 0.3,
                window: try reader.spanRange("window") ?? .seconds(20)...(.seconds(120)),
                down: try reader.spanRange("down") ?? .seconds(5)...(.seconds(60)),
                flush: try reader.span("flush") ?? .seconds(2))
        case "partition":
            let at = try reader.span("at") ?? .seconds(10)
            let heal = try reader.span("heal") ?? .seconds(120)
            guard heal > at else { throw reader.error(en: "heal= must come after at=", id: "heal= harus sesudah at=") }
            definition.partition = ScenarioPartition(fraction: try reader.fraction("fraction") ?? 0.5, at: at, heal: heal)
        case "flood":
            definition.flood = ScenarioFlood(
                attackers: try reader.integer("attackers", in: 1...100) ?? 3, rate: try reader.integer("rate", in: 1...1_000) ?? 50,
                duration: try reader.span("for") ?? .minutes(2))
        case "spam":
            let rate = reader.word("rate") ?? "LAN"
            var postsPerSecond: Double?
            if rate != "LAN" {
                guard let number = Double(rate), number > 0, number <= 100_000 else {
                    throw reader.error(en: "rate= is LAN or posts a second such as 50, not \(rate)",
                                       id: "rate= adalah LAN atau kiriman per detik seperti 50, bukan \(rate)")
                }
                postsPerSecond = number
            }
            let channels = (reader.word("channels") ?? "pasar,warga").split(separator: ",").map(String.init)
            guard !channels.isEmpty, channels.allSatisfy({ ChannelRules.defaults.rule(for: $0).access == .community }) else {
                throw reader.error(en: "channels= names community channels such as pasar,warga", id: "channels= berisi kanal warga seperti pasar,warga")
            }
            definition.spam = ScenarioSpam(
                keys: try reader.integer("keys", in: 1...10_000_000) ?? 100_000, postsPerSecond: postsPerSecond,
                start: try reader.span("start") ?? .seconds(10), duration: try reader.span("for") ?? .hours(1),
                hall: try reader.integer("from", in: 0...100_000) ?? 0,
                body: try reader.integerRange("body", in: 1...15_000) ?? 200...200, channels: channels,
                keepBytes: try reader.bytes("keep") ?? 8_000_000)
        case "store":
            definition.storeQuotaBytes = try reader.bytes("quota") ?? 64_000_000
        case "strangers":
            var strangers = ScenarioStrangers()
            if let word = reader.bareWordIfAny() {
                guard word == "none" else { throw reader.error(en: "strangers takes `none` or bytes= rate= burst=", id: "strangers menerima `none` atau bytes= rate= burst=") }
                strangers.none = true
            }
            strangers.bytes = try reader.bytes("bytes")
            strangers.perSecond = try reader.number("rate", in: 0.001...1_000_000)
            strangers.burst = try reader.integer("burst", in: 1...100_000_000)
            definition.strangers = strangers
        case "reports":
            definition.reports = true
            definition.vouchHalls = true
            definition.reportsFor = try reader.span("for")
        case "vouch":
            let word = try reader.bareWord("halls")
            guard word == "halls" else { throw reader.error(en: "vouch takes `halls`", id: "vouch menerima `halls`") }
            definition.vouchHalls = true
        case "backlog":
            definition.backlog = ScenarioBacklog(
                count: try reader.integer("count", in: 1...1_000_000) ?? 10_000,
                authors: try reader.integer("authors", in: 1...10_000) ?? 125,
                bodyBytes: try reader.integer("body", in: 0...800) ?? 200)
        case "newcomer": definition.newcomer = try reader.span("at") ?? .seconds(30)
        case "cpu":
            let verify = try reader.span("verify") ?? CPUModel.raspberryPi4.verifyCost
            guard verify.microseconds > 0 else { throw reader.error(en: "verify= must be above zero", id: "verify= harus di atas nol") }
            definition.cpu = CPUModel(
                verifyCost: verify, cores: try reader.integer("cores", in: 1...256) ?? CPUModel.raspberryPi4.cores,
                receiveBufferBytes: CPUModel.raspberryPi4.receiveBufferBytes)
        case "faults":
            let word = try reader.bareWord("random")
            guard word == "random" else { throw reader.error(en: "faults takes `random`", id: "faults menerima `random`") }
            definition.randomFaults = true
        case "idle": definition.idle = try reader.bareSpan()
        case "deadline": definition.deadline = try reader.bareSpan()
        case "sample": definition.sample = try reader.bareSpan()
        default:
            throw reader.error(
                en: "unknown keyword \(keyword) (known: nodes topology lan link mules posts backlog newcomer cpu churn partition flood spam store strangers vouch reports faults idle deadline sample)",
                id: "kata kunci \(keyword) tidak dikenal (yang dikenal: nodes topology lan link mules posts backlog newcomer cpu churn partition flood spam store strangers vouch reports faults idle deadline sample)")
        }
    }

    private static func topology(_ reader: inout LineReader) throws(ScenarioFileError) -> ScenarioTopology {
        let kind = try reader.bareWord("lan, district, line, geometric or ring")
        switch kind {
        case "lan": return .lan
        case "district":
            return .district(
                kecamatan: try reader.integer("kecamatan", in: 1...1_000) ?? 18, villages: try reader.integer("villages", in: 1...1_000) ?? 10,
                hall: try reader.integer("hall", in: 1...1_000) ?? 2, seatLinks: try reader.integer("seat-links", in: 0...1_000) ?? 3,
                segment: try reader.integer("segment", in: 1...1_000) ?? 6)
        case "line": return .line(hall: try reader.integer("hall", in: 1...1_000) ?? 2)
        case "geometric":
            return .geometric(
                side: try reader.integer("side", in: 100...10_000_000) ?? 100_000, cell: try reader.integer("cell", in: 10...1_000_000) ?? 5_000,
                range: try reader.integer("range", in: 10...1_000_000) ?? 10_000)
        case "ring": return .ring(hall: try reader.integer("hall", in: 1...1_000) ?? 4)
        default:
            throw reader.error(en: "topology is lan, district, line, geometric or ring, not \(kind)",
                               id: "topology adalah lan, district, line, geometric atau ring, bukan \(kind)")
        }
    }
}

/// The words of one line: bare words first, then `key=value` pairs, each used at most once.
struct LineReader {
    let file: String
    let line: Int
    private var bare: [String] = []
    private var pairs: [(key: String, value: String)] = []
    private var used: Set<String> = []

    init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    func error(en: String, id: String) -> ScenarioFileError {
        ScenarioFileError(file: file, line: line, message: Localized(en: en, id: id))
    }

    mutating func load(_ words: [String]) throws(ScenarioFileError) {
        for word in words {
            if let equals = word.firstIndex(of: "=") {
                let key = String(word[..<equals]), value = String(word[word.index(after: equals)...])
                guard !key.isEmpty, !value.isEmpty else { throw error(en: "\(word) needs key=value", id: "\(word) perlu kunci=nilai") }
                guard !pairs.contains(where: { $0.key == key }) else {
                    throw error(en: "\(key)= given twice", id: "\(key)= diberikan dua kali")
                }
                pairs.append((key, value))
            } else {
                guard pairs.isEmpty else { throw error(en: "\(word) must come before the key=value pairs", id: "\(word) harus sebelum pasangan kunci=nilai") }
                bare.append(word)
            }
        }
    }

    /// Fails on any word the directive did not read (a typo must not pass silently).
    func finish() throws(ScenarioFileError) {
        if let extra = bare.first { throw error(en: "unexpected \(extra)", id: "\(extra) tidak diharapkan") }
        if let unknown = pairs.first(where: { !used.contains($0.key) }) {
            throw error(en: "unknown option \(unknown.key)=", id: "opsi \(unknown.key)= tidak dikenal")
        }
    }

    mutating func bareWord(_ what: String) throws(ScenarioFileError) -> String {
        guard !bare.isEmpty else { throw error(en: "missing \(what)", id: "\(what) tidak ada") }
        return bare.removeFirst()
    }

    mutating func bareWordIfAny() -> String? { bare.isEmpty ? nil : bare.removeFirst() }

    mutating func bareInteger(in range: ClosedRange<Int>) throws(ScenarioFileError) -> Int {
        let word = try bareWord("a number")
        return try Self.integer(word, in: range, reader: self)
    }

    mutating func bareSpan() throws(ScenarioFileError) -> TimeSpan {
        let word = try bareWord("a time such as 90s")
        return try Self.span(word, reader: self)
    }

    mutating func word(_ key: String) -> String? {
        guard let pair = pairs.first(where: { $0.key == key }) else { return nil }
        used.insert(key)
        return pair.value
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>) throws(ScenarioFileError) -> Int? {
        guard let value = word(key) else { return nil }
        return try Self.integer(value, in: range, reader: self, key: key)
    }

    /// `200..15000`, or one number for a fixed value.
    mutating func integerRange(_ key: String, in range: ClosedRange<Int>) throws(ScenarioFileError) -> ClosedRange<Int>? {
        guard let value = word(key) else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
        if parts.count == 1 {
            let number = try Self.integer(value, in: range, reader: self, key: key)
            return number...number
        }
        guard parts.count == 2, value.contains("..") else {
            throw error(en: "\(key)=\(value) must be a range such as 200..15000", id: "\(key)=\(value) harus rentang seperti 200..15000")
        }
        let low = try Self.integer(parts[0], in: range, reader: self, key: key), high = try Self.integer(parts[1], in: range, reader: self, key: key)
        guard low <= high else { throw error(en: "\(key)=\(value) runs backwards", id: "\(key)=\(value) terbalik") }
        return low...high
    }

    /// A number such as `20` or `2.5`.
    mutating func number(_ key: String, in range: ClosedRange<Double>) throws(ScenarioFileError) -> Double? {
        guard let value = word(key) else { return nil }
        guard let number = Double(value), range.contains(number) else {
            throw error(en: "\(key)=\(value) must be a number from \(range.lowerBound) to \(range.upperBound)",
                        id: "\(key)=\(value) harus angka \(range.lowerBound) sampai \(range.upperBound)")
        }
        return number
    }

    /// `64MB`, `500KB`, `2GB` (powers of 1000) or bytes.
    mutating func bytes(_ key: String) throws(ScenarioFileError) -> Int64? {
        guard let value = word(key) else { return nil }
        let word = value.uppercased()
        let (digits, unit): (Substring, Double) = word.hasSuffix("GB") ? (word.dropLast(2), 1e9)
            : word.hasSuffix("MB") ? (word.dropLast(2), 1e6) : word.hasSuffix("KB") ? (word.dropLast(2), 1e3) : (Substring(word), 1)
        guard let number = Double(digits), number > 0, number * unit <= 1e13 else {
            throw error(en: "\(key)=\(value) must be a size such as 500KB, 64MB or 2GB", id: "\(key)=\(value) harus ukuran seperti 500KB, 64MB atau 2GB")
        }
        return Int64(number * unit)
    }

    /// `15%` or `0.15`.
    mutating func fraction(_ key: String) throws(ScenarioFileError) -> Double? {
        guard let value = word(key) else { return nil }
        let number = value.hasSuffix("%") ? Double(value.dropLast()).map { $0 / 100 } : Double(value)
        guard let number, number >= 0, number <= 1 else {
            throw error(en: "\(key)=\(value) must be a share such as 15% or 0.15", id: "\(key)=\(value) harus berupa bagian seperti 15% atau 0.15")
        }
        return number
    }

    mutating func span(_ key: String) throws(ScenarioFileError) -> TimeSpan? {
        guard let value = word(key) else { return nil }
        return try Self.span(value, reader: self, key: key)
    }

    /// `5m..30m`, or one time for a fixed value.
    mutating func spanRange(_ key: String) throws(ScenarioFileError) -> ClosedRange<TimeSpan>? {
        guard let value = word(key) else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
        if parts.count == 1 {
            let span = try Self.span(value, reader: self, key: key)
            return span...span
        }
        guard parts.count == 2, value.contains("..") else {
            throw error(en: "\(key)=\(value) must be a range such as 5m..30m", id: "\(key)=\(value) harus rentang seperti 5m..30m")
        }
        let low = try Self.span(parts[0], reader: self, key: key), high = try Self.span(parts[1], reader: self, key: key)
        guard low <= high else { throw error(en: "\(key)=\(value) runs backwards", id: "\(key)=\(value) terbalik") }
        return low...high
    }

    /// `2Mbit/s`, `500kbit/s`.
    mutating func rate(_ key: String) throws(ScenarioFileError) -> Bandwidth? {
        guard let value = word(key) else { return nil }
        let lower = value.lowercased()
        let (digits, multiplier): (Substring, Int64) =
            lower.hasSuffix("mbit/s") ? (lower.dropLast(6), 125_000) : lower.hasSuffix("kbit/s") ? (lower.dropLast(6), 125) : ("", 0)
        guard let number = Int64(digits), number > 0, number <= 10_000_000 else {
            throw error(en: "\(key)=\(value) must be a rate such as 2Mbit/s or 500kbit/s", id: "\(key)=\(value) harus laju seperti 2Mbit/s atau 500kbit/s")
        }
        return .bytesPerSecond(number * multiplier)
    }

    static func integer(_ text: String, in range: ClosedRange<Int>, reader: LineReader, key: String? = nil) throws(ScenarioFileError) -> Int {
        guard let number = Int(text), range.contains(number) else {
            let name = key.map { "\($0)=" } ?? ""
            throw reader.error(en: "\(name)\(text) must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                               id: "\(name)\(text) harus bilangan bulat \(range.lowerBound) sampai \(range.upperBound)")
        }
        return number
    }

    /// `250ms`, `20s`, `5m`, `2h`.
    static func span(_ text: String, reader: LineReader, key: String? = nil) throws(ScenarioFileError) -> TimeSpan {
        let units: [(String, Int64)] = [("us", 1), ("ms", 1_000), ("s", 1_000_000), ("m", 60_000_000), ("h", 3_600_000_000)]
        for (unit, microseconds) in units where text.hasSuffix(unit) {
            if unit == "s" && (text.hasSuffix("ms") || text.hasSuffix("us")) { continue }
            if let number = Int64(text.dropLast(unit.count)), number >= 0, number <= 1_000_000 {
                return .microseconds(number * microseconds)
            }
        }
        let name = key.map { "\($0)=" } ?? ""
        throw reader.error(en: "\(name)\(text) must be a time such as 250us, 250ms, 20s, 5m or 2h", id: "\(name)\(text) harus waktu seperti 250us, 250ms, 20s, 5m atau 2h")
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters of `set`.
    func trimmed(of set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}


extension ScenarioFile {
    /// `300KB,1MB`: file sizes (KB and MB are powers of 1000; a bare number is bytes), each at
    /// most 2 MB (a node's default `attachment_max`), at most 16 of them.
    static func sizes(_ text: String?, reader: LineReader) throws(ScenarioFileError) -> [Int] {
        guard let text else { return [] }
        var sizes: [Int] = []
        for part in text.split(separator: ",") {
            let word = part.uppercased()
            let (digits, unit) = word.hasSuffix("MB") ? (word.dropLast(2), 1_000_000) : word.hasSuffix("KB") ? (word.dropLast(2), 1_000) : (Substring(word), 1)
            guard let number = Int(digits), number > 0, number * unit <= 2_000_000, sizes.count < 16 else {
                throw reader.error(
                    en: "attach= is up to 16 sizes such as 300KB,1MB, each at most 2MB, not \(text)",
                    id: "attach= adalah sampai 16 ukuran seperti 300KB,1MB, masing-masing paling besar 2MB, bukan \(text)")
            }
            sizes.append(number * unit)
        }
        return sizes
    }
}
