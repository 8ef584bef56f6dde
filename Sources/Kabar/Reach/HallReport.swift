/// A hall report: a node's signed account of itself (Documentation/Reach.md). A bulletin of
/// kind 6 on the system channel `kabar`, signed by the node's own key, its content in field 10.
/// To the bulletin format both are things of a later version (an unknown kind, an unknown
/// field): older nodes carry reports unchanged. The trust rules admit one only from a key that
/// may vouch, keep the newest per node, and drop the older everywhere.
///
/// Field 10, every integer a minimal LEB128 varint unless marked u8; every time is whole
/// seconds before the bulletin's `created` (an age), so small numbers say recent things:
///
/// ```
/// +---------+----------------+-------------------+-------------+-------------+--------------+
/// | version | label          | software          | store count | store bytes | clock offset |
/// | u8 = 1  | u8 len + UTF-8 | u8 len + UTF-8    | varint      | varint      | zigzag s     |
/// +---------+----------------+-------------------+-------------+-------------+--------------+
/// | heard   | mule           | horizon | prefix  | count  | count x ( id prefix | delta s ) |
/// | 0 never | 0 never        | age s   | u8: 4|8 | varint | prefix bytes        | varint    |
/// | else    | else age+1     |         |         |        |                               |
/// | age+1   |                |         |         |        |                               |
/// +---------+----------------+---------+---------+--------+-------------------------------+
/// | only at the regency office, and only when it lists any:                                 |
/// | office count varint >= 1 | count x ( id prefix | delta s )                              |
/// +-----------------------------------------------------------------------------------------+
/// ```
///
/// Holdings are the official bulletins the node holds, newest first seen first: the first
/// entry's delta is its age, each next entry's delta the seconds between it and the entry
/// before. The list is complete for bulletins first seen at or after the horizon (the report's
/// created minus `horizon`): a held official bulletin first seen then is listed.
///
/// The office section lists, in the same way, the posts of `office` channels (messages to the
/// regency, `aspirasi`) the node holds: only the office's node (its key an authority) fills
/// it, and readers count it only from a report signed by an authority. Absent when empty (a
/// count of 0 is not canonical), so a hall's report has no byte of it.
public struct HallReport: Hashable, Sendable {
    /// The bulletin kind of a report.
    public static let kind = BulletinKind.unknown(6)
    /// The field holding the report.
    public static let fieldTag: UInt8 = 10
    /// The channel reports travel on.
    public static let channel = "kabar"
    /// The layout's version.
    public static let formatVersion: UInt8 = 1
    /// Bytes of the label at most ("village, kecamatan").
    public static let labelBytesMax = 64
    /// Bytes of the software version at most.
    public static let softwareBytesMax = 32
    /// Holdings one report lists at most.
    public static let holdingsMax = 64
    /// The longest a report may live: a hall that falls silent drops out within it.
    public static let lifetimeMax: TimeSpan = .days(2)
    /// Ages and offsets at most (10 years of seconds): a larger value is malformed.
    public static let secondsMax: UInt64 = 315_360_000
    /// Store figures at most.
    public static let storeValueMax: UInt64 = 1 << 50
    /// Bytes of field 10 at most (every part at its maximum).
    public static let valueBytesMax = 1 + 1 + labelBytesMax + 1 + softwareBytesMax + 8 + 8 + 5 * 5 + 1 + 2
        + holdingsMax * (8 + 5) + 2 + holdingsMax * (8 + 5)

    /// One official bulletin the node holds: its id's first bytes and when the node first had it.
    public struct Holding: Hashable, Sendable {
        /// The id's first `prefixBytes` bytes, as a big-endian number.
        public let prefix: UInt64
        /// Seconds before the report's `created` the node first had it.
        public let age: UInt64

        /// A holding.
        public init(prefix: UInt64, age: UInt64) {
            self.prefix = prefix
            self.age = age
        }
    }

    /// Where the node is ("Sungai Besar, Bangko"): `kabar init --label`.
    public var label: String
    /// The software version the node runs.
    public var software: String
    /// Bulletins in its store.
    public var storeCount: UInt64
    /// Bytes of its store.
    public var storeBytes: UInt64
    /// Its clock's correction, seconds (its best time minus its own clock).
    public var clockOffset: Int64
    /// Seconds since it last heard any peer, nil when never.
    public var heardAge: UInt64?
    /// Seconds since its last sync with a passing peer (a mule), nil when never.
    public var muleAge: UInt64?
    /// The list is complete for bulletins first seen at most this many seconds before `created`.
    public var horizonAge: UInt64
    /// Bytes of each id prefix: 4 or 8.
    public var prefixBytes: Int
    /// Official bulletins held, newest first seen first (ages never decreasing, prefixes unique).
    public var holdings: [Holding]
    /// At the regency office: posts of `office` channels held, in the same order; else empty.
    public var officeHoldings: [Holding]

    /// A report.
    public init(
        label: String, software: String, storeCount: UInt64, storeBytes: UInt64, clockOffset: Int64, heardAge: UInt64?,
        muleAge: UInt64?, horizonAge: UInt64, prefixBytes: Int = 4, holdings: [Holding], officeHoldings: [Holding] = []
    ) {
        self.label = label
        self.software = software
        self.storeCount = storeCount
        self.storeBytes = storeBytes
        self.clockOffset = clockOffset
        self.heardAge = heardAge
        self.muleAge = muleAge
        self.horizonAge = horizonAge
        self.prefixBytes = prefixBytes
        self.holdings = holdings
        self.officeHoldings = officeHoldings
    }

    /// The prefix of `id` at `prefixBytes` bytes.
    public static func prefix(of id: BulletinID, bytes prefixBytes: Int) -> UInt64 {
        prefixBytes >= 8 ? id.prefix64 : id.prefix64 >> UInt64(64 - 8 * prefixBytes)
    }

    /// The holding of `id`, if listed.
    public func holding(of id: BulletinID) -> Holding? {
        let prefix = Self.prefix(of: id, bytes: prefixBytes)
        return holdings.first { $0.prefix == prefix }
    }

    /// The office-channel holding of `id`, if listed (only an authority's report counts).
    public func officeHolding(of id: BulletinID) -> Holding? {
        let prefix = Self.prefix(of: id, bytes: prefixBytes)
        return officeHoldings.first { $0.prefix == prefix }
    }

    // MARK: Encoding

    /// Field 10's value. Traps on a report this node built wrong (our bug): check `validate()`.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 64 + (holdings.count + officeHoldings.count) * 7)
        writer.write(Self.formatVersion)
        writer.write(UInt8(label.utf8.count))
        writer.write(Array(label.utf8))
        writer.write(UInt8(software.utf8.count))
        writer.write(Array(software.utf8))
        writer.writeVarint(storeCount)
        writer.writeVarint(storeBytes)
        writer.writeVarint(UInt64(bitPattern: (clockOffset << 1) ^ (clockOffset >> 63)))
        writer.writeVarint(heardAge.map { $0 + 1 } ?? 0)
        writer.writeVarint(muleAge.map { $0 + 1 } ?? 0)
        writer.writeVarint(horizonAge)
        writer.write(UInt8(prefixBytes))
        write(holdings, to: &writer)
        if !officeHoldings.isEmpty { write(officeHoldings, to: &writer) }
        return writer.bytes
    }

    /// A list: its count, then each prefix and delta.
    private func write(_ list: [Holding], to writer: inout ByteWriter) {
        writer.writeVarint(UInt64(list.count))
        var previous: UInt64 = 0
        for holding in list {
            for index in stride(from: prefixBytes - 1, through: 0, by: -1) {
                writer.write(UInt8(truncatingIfNeeded: holding.prefix >> UInt64(8 * index)))
            }
            writer.writeVarint(holding.age - previous)
            previous = holding.age
        }
    }

    /// Throws when a field breaks a bound of the layout (what `encoded()` needs to be canonical).
    public func validate() throws(HallReportError) {
        try Self.checkText(label, limit: Self.labelBytesMax, field: .label)
        try Self.checkText(software, limit: Self.softwareBytesMax, field: .software)
        guard storeCount <= Self.storeValueMax, storeBytes <= Self.storeValueMax else { throw .outOfRange }
        guard clockOffset.magnitude <= Self.secondsMax, (heardAge ?? 0) <= Self.secondsMax, (muleAge ?? 0) <= Self.secondsMax,
            horizonAge <= Self.secondsMax
        else { throw .outOfRange }
        guard prefixBytes == 4 || prefixBytes == 8 else { throw .prefixLength(prefixBytes) }
        try check(holdings)
        try check(officeHoldings)
    }

    /// A list's bounds: its length, newest first, prefixes in range and unique.
    private func check(_ list: [Holding]) throws(HallReportError) {
        guard list.count <= Self.holdingsMax else { throw .tooManyHoldings(list.count) }
        var seen: Set<UInt64> = []
        var previous: UInt64 = 0
        for holding in list {
            guard holding.age >= previous else { throw .holdingsOrder }
            guard holding.age <= Self.secondsMax else { throw .outOfRange }
            guard prefixBytes == 8 || holding.prefix >> UInt64(8 * prefixBytes) == 0 else { throw .outOfRange }
            guard seen.insert(holding.prefix).inserted else { throw .duplicateHolding }
            previous = holding.age
        }
    }

    private static func checkText(_ text: String, limit: Int, field: HallReportError.TextField) throws(HallReportError) {
        guard text.utf8.count <= limit else { throw .textTooLong(field, limit: limit) }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else { throw .controlCharacter(field) }
    }

    // MARK: Parsing

    /// The report `value` (field 10) holds: strict bounds, canonical form, nothing left over.
    public static func parse(_ value: [UInt8]) throws(HallReportError) -> HallReport {
        guard value.count <= valueBytesMax else { throw .tooLarge(value.count) }
        var reader = ByteReader(value)
        do {
            let version = try reader.readByte()
            guard version == formatVersion else { throw HallReportError.unknownVersion(version) }
            let label = try text(&reader, limit: labelBytesMax, field: .label)
            let software = try text(&reader, limit: softwareBytesMax, field: .software)
            let storeCount = try reader.readVarint()
            let storeBytes = try reader.readVarint()
            let zigzag = try reader.readVarint()
            let clockOffset = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
            let heard = try reader.readVarint()
            let mule = try reader.readVarint()
            let horizon = try reader.readVarint()
            let prefixBytes = Int(try reader.readByte())
            guard prefixBytes == 4 || prefixBytes == 8 else { throw HallReportError.prefixLength(prefixBytes) }
            let holdings = try list(&reader, prefixBytes: prefixBytes)
            // The office section, when bytes are left (a count of 0 fails the canonical check).
            let office = reader.isAtEnd ? [] : try list(&reader, prefixBytes: prefixBytes)
            guard reader.isAtEnd else { throw HallReportError.trailingBytes(reader.remaining) }
            let report = HallReport(
                label: label, software: software, storeCount: storeCount, storeBytes: storeBytes, clockOffset: clockOffset,
                heardAge: heard == 0 ? nil : heard - 1, muleAge: mule == 0 ? nil : mule - 1, horizonAge: horizon,
                prefixBytes: prefixBytes, holdings: holdings, officeHoldings: office)
            try report.validate()
            guard report.encoded() == value else { throw HallReportError.nonCanonical }
            return report
        } catch let error as HallReportError {
            throw error
        } catch {
            throw .truncated
        }
    }

    /// A list of holdings: count, then prefix and delta each.
    private static func list(_ reader: inout ByteReader, prefixBytes: Int) throws -> [Holding] {
        let count = try reader.readVarint()
        guard count <= UInt64(holdingsMax) else { throw HallReportError.tooManyHoldings(Int(min(count, 1 << 20))) }
        var holdings: [Holding] = []
        var age: UInt64 = 0
        for _ in 0..<count {
            var prefix: UInt64 = 0
            for byte in try reader.readBytes(prefixBytes) { prefix = prefix << 8 | UInt64(byte) }
            let delta = try reader.readVarint()
            guard delta <= secondsMax else { throw HallReportError.outOfRange }
            age += delta
            holdings.append(Holding(prefix: prefix, age: age))
        }
        return holdings
    }

    private static func text(_ reader: inout ByteReader, limit: Int, field: HallReportError.TextField) throws -> String {
        let length = Int(try reader.readByte())
        guard length <= limit else { throw HallReportError.textTooLong(field, limit: limit) }
        let bytes = try reader.readBytes(length)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw HallReportError.badUTF8(field) }
        return text
    }

    // MARK: The bulletin

    /// The report `bulletin` carries: kind 6 on `kabar`, field 10 and no other field, a
    /// lifetime of at most `lifetimeMax`.
    public init(_ bulletin: Bulletin) throws(HallReportError) {
        let content = bulletin.content
        guard content.kind == Self.kind else { throw .notAReport }
        guard content.channel == Self.channel else { throw .wrongChannel }
        guard content.title.isEmpty, content.body.isEmpty, content.references.isEmpty, content.attachments.isEmpty,
            content.grant == nil, content.supersedes == nil, content.unknownFields.count == 1,
            let field = content.unknownFields.first, field.tag == Self.fieldTag
        else { throw .unexpectedField }
        guard bulletin.expires - bulletin.created <= Self.lifetimeMax else { throw .lifetimeTooLong }
        self = try Self.parse(field.value)
    }

    /// True when `bulletin` is of the report kind (well-formed or not).
    public static func isReportKind(_ bulletin: Bulletin) -> Bool { bulletin.kind == kind }

    /// The unsigned content of this report by `author`, created at `created`, living `lifetime`
    /// (at most `lifetimeMax`).
    public func content(author: AuthorKey, created: UnixTime, lifetime: TimeSpan = HallReport.lifetimeMax) -> BulletinContent {
        var content = BulletinContent(
            kind: Self.kind, author: author, created: created, expires: created + min(lifetime, Self.lifetimeMax),
            channel: Self.channel)
        content.unknownFields = [UnknownField(tag: Self.fieldTag, value: encoded())]
        return content
    }
}

/// Why a hall report is malformed. Each case names the rule (Documentation/Reach.md).
public enum HallReportError: Error, Equatable, Sendable {
    /// The texts of a report.
    public enum TextField: String, Sendable {
        case label, software
    }

    /// The bulletin is not of kind 6.
    case notAReport
    /// A report travels only on `kabar`.
    case wrongChannel
    /// A report carries field 10 and nothing else.
    case unexpectedField
    /// Reports live at most `HallReport.lifetimeMax`.
    case lifetimeTooLong
    /// Field 10 is longer than any report can be.
    case tooLarge(Int)
    /// The layout's version is not 1.
    case unknownVersion(UInt8)
    /// The value ended early, or a varint was not minimal.
    case truncated
    /// Bytes after the last holding.
    case trailingBytes(Int)
    /// A text over its limit.
    case textTooLong(TextField, limit: Int)
    /// A text that is not UTF-8.
    case badUTF8(TextField)
    /// A control character in a text.
    case controlCharacter(TextField)
    /// A number past its bound.
    case outOfRange
    /// Prefixes are 4 or 8 bytes.
    case prefixLength(Int)
    /// More holdings than `HallReport.holdingsMax`.
    case tooManyHoldings(Int)
    /// Holdings not newest first.
    case holdingsOrder
    /// One prefix listed twice.
    case duplicateHolding
    /// Parsed, but not in its one encoding.
    case nonCanonical

    /// What the rule says, in English and Indonesian.
    public var rule: Localized { Localized(en: ruleEnglish, id: ruleIndonesian) }

    private var ruleEnglish: String {
        switch self {
        case .notAReport: "not of kind 6"
        case .wrongChannel: "not on channel kabar"
        case .unexpectedField: "it must carry field 10 and nothing else"
        case .lifetimeTooLong: "it may live at most 2 days"
        case .tooLarge(let bytes): "field 10 is \(bytes) bytes, more than any report"
        case .unknownVersion(let version): "layout version \(version) is not 1"
        case .truncated: "field 10 ends early"
        case .trailingBytes(let count): "\(count) bytes after the last holding"
        case .textTooLong(let field, let limit): "the \(field.rawValue) is over \(limit) bytes"
        case .badUTF8(let field): "the \(field.rawValue) is not UTF-8"
        case .controlCharacter(let field): "the \(field.rawValue) has a control character"
        case .outOfRange: "a number is out of range"
        case .prefixLength(let bytes): "id prefixes are 4 or 8 bytes, not \(bytes)"
        case .tooManyHoldings(let count): "\(count) holdings, more than \(HallReport.holdingsMax)"
        case .holdingsOrder: "holdings are not newest first"
        case .duplicateHolding: "a bulletin is listed twice"
        case .nonCanonical: "field 10 is not in its one encoding"
        }
    }

    private var ruleIndonesian: String {
        switch self {
        case .notAReport: "bukan jenis 6"
        case .wrongChannel: "bukan di kanal kabar"
        case .unexpectedField: "harus membawa field 10 dan tidak ada yang lain"
        case .lifetimeTooLong: "masa berlakunya paling lama 2 hari"
        case .tooLarge(let bytes): "field 10 berukuran \(bytes) byte, lebih dari laporan mana pun"
        case .unknownVersion(let version): "versi tata letak \(version) bukan 1"
        case .truncated: "field 10 berakhir terlalu cepat"
        case .trailingBytes(let count): "\(count) byte setelah kepemilikan terakhir"
        case .textTooLong(let field, let limit): "\(field.rawValue) lebih dari \(limit) byte"
        case .badUTF8(let field): "\(field.rawValue) bukan UTF-8"
        case .controlCharacter(let field): "\(field.rawValue) memuat karakter kontrol"
        case .outOfRange: "ada angka di luar batas"
        case .prefixLength(let bytes): "awalan id 4 atau 8 byte, bukan \(bytes)"
        case .tooManyHoldings(let count): "\(count) kepemilikan, lebih dari \(HallReport.holdingsMax)"
        case .holdingsOrder: "kepemilikan tidak diurutkan dari yang terbaru"
        case .duplicateHolding: "satu buletin disebut dua kali"
        case .nonCanonical: "field 10 tidak dalam satu-satunya penyandiannya"
        }
    }
}
