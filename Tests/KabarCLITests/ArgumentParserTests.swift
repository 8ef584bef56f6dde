@testable import KabarCLI
import Kabar
import Testing

@Suite struct ArgumentParserTests {
    static let spec = CommandSpec(
        path: ["show"], summary: Localized(verbatim: "show"),
        positionals: [PositionalSpec("ID")],
        options: [.json, .data, .value("--peer", "HOST:PORT", repeatable: true, help: Localized(verbatim: "peer"))])

    @Test func optionsMayStandBeforeOrAfterPositionals() throws {
        let after = try ArgumentParser.parse(["abc", "--json"], spec: Self.spec)
        let before = try ArgumentParser.parse(["--json", "abc"], spec: Self.spec)
        #expect(after.positionals == ["abc"] && after.flag("--json"))
        #expect(before.positionals == ["abc"] && before.flag("--json"))
    }

    @Test func valuesInlineOrSeparateAndRepeatable() throws {
        let parsed = try ArgumentParser.parse(
            ["--data=/tmp/x", "id1", "--peer", "a:1", "--peer", "b:2"], spec: Self.spec)
        #expect(parsed.value("--data") == "/tmp/x")
        #expect(parsed.values("--peer") == ["a:1", "b:2"])
    }

    @Test func wrongCommandLinesAreUsageErrors() {
        #expect(throws: CLIError.self) { try ArgumentParser.parse(["--nope", "x"], spec: Self.spec) }
        #expect(throws: CLIError.self) { try ArgumentParser.parse([], spec: Self.spec) }
        #expect(throws: CLIError.self) { try ArgumentParser.parse(["a", "b"], spec: Self.spec) }
        #expect(throws: CLIError.self) { try ArgumentParser.parse(["x", "--data"], spec: Self.spec) }
        #expect(throws: CLIError.self) { try ArgumentParser.parse(["x", "--json", "--json"], spec: Self.spec) }
    }

    @Test func doubleDashEndsOptions() throws {
        let parsed = try ArgumentParser.parse(["--", "--json"], spec: Self.spec)
        #expect(parsed.positionals == ["--json"])
        #expect(!parsed.flag("--json"))
    }
}
