import Kabar

/// A command line after parsing against a `CommandSpec`.
public struct ParsedArguments: Sendable {
    /// Positional arguments, in order.
    public let positionals: [String]
    /// Values by option name (`--data`); a flag has one empty value per use.
    private let values: [String: [String]]

    init(positionals: [String], values: [String: [String]]) {
        self.positionals = positionals
        self.values = values
    }

    /// The last value given for `name`, if any.
    public func value(_ name: String) -> String? { values[name]?.last }

    /// Every value given for a repeatable option.
    public func values(_ name: String) -> [String] { values[name] ?? [] }

    /// True when the flag was given.
    public func flag(_ name: String) -> Bool { values[name] != nil }

    /// The positional at `index`, if given.
    public func positional(_ index: Int) -> String? {
        index < positionals.count ? positionals[index] : nil
    }

    /// The value of `name` as a whole number in `range`, or a usage error naming the option.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw CLIError.usage(Localized(
                en: "\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'",
                id: "\(name) harus bilangan bulat \(range.lowerBound) sampai \(range.upperBound), bukan '\(text)'"))
        }
        return number
    }
}

/// Parses arguments the way swift-argument-parser does: options may stand before or after
/// positionals, `--name=value` and `--name value` both work, and `--` ends the options.
public enum ArgumentParser {
    /// Parses `arguments` (the words after the command's path) against `spec`.
    public static func parse(_ arguments: [String], spec: CommandSpec) throws -> ParsedArguments {
        var positionals: [String] = []
        var values: [String: [String]] = [:]
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if optionsEnded || word == "-" || !word.hasPrefix("-") || isNegativeNumber(word) {
                positionals.append(word)
                continue
            }
            if word == "--" {
                optionsEnded = true
                continue
            }
            let (name, inlineValue) = splitInline(word)
            guard let option = spec.options.first(where: { $0.name == name || $0.shortName == name }) else {
                throw CLIError.usage(Localized(
                    en: "unknown option '\(name)' for '\(spec.fullName)'",
                    id: "opsi '\(name)' tidak dikenal untuk '\(spec.fullName)'"))
            }
            if !option.repeatable, values[option.name] != nil {
                throw CLIError.usage(Localized(
                    en: "option \(option.name) was given more than once",
                    id: "opsi \(option.name) diberikan lebih dari sekali"))
            }
            if let valueName = option.valueName {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                } else {
                    throw CLIError.usage(Localized(
                        en: "option \(option.name) needs a value (\(valueName))",
                        id: "opsi \(option.name) perlu nilai (\(valueName))"))
                }
                values[option.name, default: []].append(value)
            } else {
                if inlineValue != nil {
                    throw CLIError.usage(Localized(
                        en: "flag \(option.name) takes no value", id: "flag \(option.name) tidak menerima nilai"))
                }
                values[option.name, default: []].append("")
            }
        }
        try checkPositionals(positionals, spec: spec)
        return ParsedArguments(positionals: positionals, values: values)
    }

    private static func checkPositionals(_ positionals: [String], spec: CommandSpec) throws {
        let required = spec.positionals.filter { !$0.optional }.count
        let variadic = spec.positionals.contains { $0.variadic }
        if positionals.count < required {
            let missing = spec.positionals.filter { !$0.optional }.dropFirst(positionals.count).map(\.name)
            throw CLIError.usage(Localized(
                en: "missing \(missing.joined(separator: " ")) for '\(spec.fullName)'",
                id: "\(missing.joined(separator: " ")) belum diberikan untuk '\(spec.fullName)'"))
        }
        if !variadic, positionals.count > spec.positionals.count {
            let extra = positionals[spec.positionals.count]
            throw CLIError.usage(Localized(
                en: "unexpected argument '\(extra)' for '\(spec.fullName)'",
                id: "argumen '\(extra)' tidak diharapkan untuk '\(spec.fullName)'"))
        }
    }

    private static func splitInline(_ word: String) -> (String, String?) {
        guard word.hasPrefix("--"), let equals = word.firstIndex(of: "=") else { return (word, nil) }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }

    private static func isNegativeNumber(_ word: String) -> Bool {
        word.count > 1 && word.dropFirst().allSatisfy(\.isNumber)
    }
}
