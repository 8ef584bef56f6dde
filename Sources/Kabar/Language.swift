/// The languages every message a person sees is written in.
public enum Language: String, Sendable, CaseIterable {
    case indonesian = "id"
    case english = "en"

    /// Indonesian when `LANG` (or `LC_ALL`, `LC_MESSAGES`) starts with `id`, else English.
    public static func from(environment: [String: String]) -> Language {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[key], !value.isEmpty {
                return value.lowercased().hasPrefix("id") ? .indonesian : .english
            }
        }
        return .english
    }

    /// Parses `id`, `en`, `indonesian`, `english`, `bahasa` (any case).
    public init?(code: String) {
        switch code.lowercased() {
        case "id", "id_id", "indonesian", "indonesia", "bahasa": self = .indonesian
        case "en", "en_us", "en_gb", "english", "inggris": self = .english
        default: return nil
        }
    }
}

/// A text a person reads, in both languages.
///
///     let saved = Localized(en: "saved", id: "tersimpan")
///     print(saved[.indonesian])   // "tersimpan"
public struct Localized: Sendable, Equatable {
    /// English text.
    public let en: String
    /// Indonesian text.
    public let id: String

    /// A text with its English and Indonesian forms.
    public init(en: String, id: String) {
        self.en = en
        self.id = id
    }

    /// A text that reads the same in both languages (a number, a key, a file name).
    public init(verbatim text: String) {
        self.en = text
        self.id = text
    }

    /// The text in `language`.
    public subscript(_ language: Language) -> String {
        language == .indonesian ? id : en
    }
}

/// An error whose message a person can act on, in either language.
public protocol LocalizedError: Error {
    /// What went wrong and, where it helps, what to do.
    var localizedMessage: Localized { get }
}
