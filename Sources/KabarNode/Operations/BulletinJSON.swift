import Kabar

/// Bulletins as JSON for scripts (`kabar list --json`, `kabar show --json`, the control
/// socket). Keys are sorted so the output is stable:
///
///     {"attachments":[],"author":"<64 hex>","body":"...","channel":"pasar","created":1793491200000,
///      "expires":1794096000000,"id":"<64 hex>","kind":"post","references":[],"stamp_bits":0,
///      "supersedes":null,"title":"..."}
///
/// `title` and `body` are `""` when the bulletin has none (the format has no empty field, so
/// `""` means absent: Documentation/CLI.md, "JSON"); `supersedes` is an id or `null`.
/// `stamp_bits` is the work its proof-of-work stamp proves (Documentation/Trust.md, "Stamps");
/// a vouch also has `"vouch":{"keys":["<64 hex>",...]}`.
///
/// Each attachment is `{"have":N,"id":"<64 hex>","name":"foto.jpg","size":N,"type":"image/jpeg"}`:
/// `have` is the file bytes this node holds; `name`, `size` and `type` are null until it holds
/// the attachment's manifest (Documentation/Attachments.md).
///
/// A grant bulletin also has `"grant":{"channels":[...],"grantee":"<64 hex>","may_grant":false,
/// "moderator":false}`.
///
/// Times are integer milliseconds since the Unix epoch (at most 2^53 - 1, so exact in every
/// JSON reader). Text is UTF-8 with `"`, `\` and every control character escaped.
public enum BulletinJSON {
    /// One bulletin as a JSON object.
    public static func object(_ bulletin: Bulletin) -> String { object(bulletin, replies: []) }

    /// `attachments` for `bulletin`: what `infos` says of each id it lists, in its order; an id
    /// `infos` lacks shows what the bulletin alone tells (its id, nothing held).
    static func attachmentsValue(_ bulletin: Bulletin, _ infos: [String: AttachmentInfo]) -> String {
        let items = bulletin.content.attachments.map { id in
            let info = infos[id.hex] ?? AttachmentInfo(id: id.hex, name: nil, type: nil, size: nil, have: 0)
            return "{\"have\":\(info.have),\"id\":\(quote(info.id)),\"name\":\(info.name.map(quote) ?? "null"),"
                + "\"size\":\(info.size.map(String.init) ?? "null"),\"type\":\(info.type.map(quote) ?? "null")}"
        }
        return "[" + items.joined(separator: ",") + "]"
    }

    /// One bulletin as a JSON object, with `"replies"` (an array of objects, oldest first) when
    /// there are any: the thread `kabar show` prints. `officeReceived` adds `"office_received"`
    /// (`kabar show --json`): `.some(ms)` when the regency office received it, `.some(nil)` for
    /// null; `nil` (lists, replies) leaves the key out.
    public static func object(
        _ bulletin: Bulletin, replies: [Bulletin], attachments: [String: AttachmentInfo] = [:], officeReceived: Int64?? = nil
    ) -> String {
        let references = bulletin.references.map { quote($0.hex) }.joined(separator: ",")
        var fields: [(String, String)] = [
            ("attachments", attachmentsValue(bulletin, attachments)),
            ("author", quote(bulletin.author.hex)),
            ("body", quote(bulletin.body)),
            ("channel", quote(bulletin.channel)),
            ("created", String(bulletin.created.milliseconds)),
            ("expires", String(bulletin.expires.milliseconds)),
        ]
        // Only grant bulletins carry this key, so a post's object is unchanged.
        if let grant = bulletin.content.grant {
            let channels = grant.channels.map(quote).joined(separator: ",")
            fields.append(("grant", "{\"channels\":[\(channels)],\"grantee\":\(quote(grant.grantee.hex)),"
                + "\"may_grant\":\(grant.mayGrant),\"moderator\":\(grant.moderator)}"))
        }
        fields += [
            ("id", quote(bulletin.id.hex)),
            ("kind", quote(bulletin.kind.name)),
        ]
        if let officeReceived { fields.append(("office_received", officeReceived.map(String.init) ?? "null")) }
        fields.append(("references", "[" + references + "]"))
        if !replies.isEmpty {
            fields.append(("replies", "[" + replies.map { object($0, replies: [], attachments: attachments) }.joined(separator: ",") + "]"))
        }
        fields += [
            ("stamp_bits", String(bulletin.stampBits)),
            ("supersedes", bulletin.content.supersedes.map { quote($0.hex) } ?? "null"),
            ("title", quote(bulletin.title)),
        ]
        // Only vouches carry this key (Trust.md, "Strangers").
        if let vouch = Vouch(bulletin) {
            fields.append(("vouch", "{\"keys\":[" + vouch.keys.map { quote($0.hex) }.joined(separator: ",") + "]}"))
        }
        return "{" + fields.map { quote($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// Bulletins as a JSON array, one object per line.
    public static func array(_ bulletins: [Bulletin]) -> String {
        if bulletins.isEmpty { return "[]" }
        return "[\n" + bulletins.map(object).joined(separator: ",\n") + "\n]"
    }

    /// `text` as a JSON string literal (RFC 8259): quote, backslash and control characters
    /// escaped; U+2028 and U+2029 too, so the output is also safe inside JavaScript.
    public static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}", "\u{2029}", "\u{7F}":
                out += "\\u" + hex4(scalar.value)
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + hex4(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// Node events as JSON, one object a line (`kabar watch --json`). Every object has `event`
/// and `at` (milliseconds since 1970, when the watcher read it); the rest depends on `event`:
///
///     {"at":1793491200000,"bulletin":{...as kabar list --json...},"event":"bulletin","source":"10.0.0.2:9000"}
///     {"address":"10.0.0.2:9000","at":...,"event":"peer_joined"}        (and "peer_left")
///     {"at":...,"count":40,"event":"refused","reason":{"en":"...","id":"..."},"source":"10.0.0.9:9000"}
///     {"at":...,"event":"notice","message":{"en":"...","id":"..."}}
///     {"at":...,"event":"lagged","missed":12}
///
/// `source` is null for a bulletin posted at this node.
public enum EventJSON {
    /// `event` as one JSON object (no newline).
    public static func object(_ event: ServiceEvent, at time: UnixTime) -> String {
        var fields: [(String, String)] = [("at", String(time.milliseconds))]
        switch event {
        case .bulletinStored(let bulletin, let source):
            fields += [
                ("bulletin", BulletinJSON.object(bulletin)), ("event", quote("bulletin")),
                ("source", source.map(quote) ?? "null"),
            ]
        case .peerJoined(let address): fields += [("address", quote(address)), ("event", quote("peer_joined"))]
        case .peerLeft(let address): fields += [("address", quote(address)), ("event", quote("peer_left"))]
        case .refused(let source, let count, let reason):
            fields += [
                ("count", String(count)), ("event", quote("refused")), ("reason", text(reason)), ("source", quote(source)),
            ]
        case .notice(let message): fields += [("event", quote("notice")), ("message", text(message))]
        case .lagged(let missed): fields += [("event", quote("lagged")), ("missed", String(missed))]
        }
        fields.sort { $0.0 < $1.0 }
        return "{" + fields.map { quote($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    private static func quote(_ text: String) -> String { BulletinJSON.quote(text) }

    private static func text(_ text: LocalizedText) -> String {
        "{\"en\":" + quote(text.en) + ",\"id\":" + quote(text.id) + "}"
    }
}
