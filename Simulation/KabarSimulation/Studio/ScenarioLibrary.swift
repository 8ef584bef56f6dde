import Kabar

/// The scenarios `kabar sim` knows: the files of `Simulation/scenarios/`, compiled into the binary
/// (`ScenarioLibrary+Files.swift`, made by `Scripts/embed-scenarios.sh`) so that an installed
/// `kabar` needs no source tree. A test checks the copies equal the files.
public enum ScenarioLibrary {
    /// Every scenario's name, sorted.
    public static var names: [String] { files.map(\.name).sorted() }

    /// The text of scenario `name` as its file has it, or nil if there is none.
    public static func text(named name: String) -> String? {
        files.first { $0.name == name }.map { $0.text + "\n" }
    }

    /// Scenario `name`, parsed; nil if there is none.
    public static func definition(named name: String) throws(ScenarioFileError) -> ScenarioDefinition? {
        guard let text = text(named: name) else { return nil }
        return try ScenarioFile.parse(text, file: "Simulation/scenarios/\(name).scenario", name: name)
    }
}
