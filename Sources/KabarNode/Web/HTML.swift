import KabarHTTP

/// Building HTML from text that came from the mesh: every string is hostile until escaped.
///
/// `HTML.escape` is the only way mesh text enters a page: the pages build their markup from
/// literals and escaped values, never by pasting raw text.
public enum HTML {
    /// `text` safe in element content and in double- or single-quoted attribute values: `&`, `<`,
    /// `>`, `"` and `'` become character references.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A body as paragraphs: escaped, with line breaks kept. Links are not made clickable, so a
    /// `javascript:` "link" in a body stays text.
    public static func paragraphs(_ text: String) -> String {
        escape(text).split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "<br>")
    }

    /// `text` for a URL query value: everything but unreserved characters percent-encoded
    /// (the HTTP layer's encoder; its output holds nothing HTML must escape).
    public static func queryValue(_ text: String) -> String { PercentEncoding.encode(text) }

    /// `text` cut to at most `characters` characters, with an ellipsis when cut.
    public static func excerpt(_ text: String, characters: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard flat.count > characters else { return flat }
        return String(flat.prefix(characters)) + "…"
    }
}
