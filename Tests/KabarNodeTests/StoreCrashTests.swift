import Foundation
import Kabar
import Testing
@testable import KabarNode

/// The store's promise under power cuts, approximated by SIGKILL: every id the writer printed
/// (it prints only after an `.immediate` insert returned) is in the store after every kill,
/// intact. The writer is the built `kabar debug crash-writer`; the kill point is chosen by how
/// many saved ids to wait for (0 to 11, from a fixed seed), so no test sleeps and no timing
/// decides the outcome: only where the kill lands varies.
@Suite struct StoreCrashTests {
    static let kills = 200

    @Test func everyIdPrintedAsSavedSurvivesSigkill() throws {
        let kabar = try #require(Self.kabarExecutable(), "the kabar binary is not next to the test bundle; run swift build --build-tests")
        let folder = TemporaryFolder()
        defer { folder.remove() }
        var prng = SplitMix(seed: 2026)
        var saved: [BulletinID] = []
        for round in 0..<Self.kills {
            let printed = try runWriterAndKill(kabar, data: folder.path, afterLines: Int(prng.next() % 12))
            let store = try FileStore(directory: folder.path + "/store")
            for id in printed {
                #expect(store.bulletin(id)?.id == id, "round \(round): saved id \(id.hex) missing after SIGKILL")
            }
            #expect(store.count >= saved.count + printed.count, "round \(round): store lost bulletins")
            saved += printed
            if round == Self.kills - 1 {
                for id in saved { #expect(store.bulletin(id)?.id == id, "saved id \(id.hex) missing at the end") }
                store.checkInvariants()
            }
            try store.close()
        }
        #expect(saved.count >= Self.kills, "the writer saved too little for the test to mean anything")
    }

    /// Starts the writer, waits for `afterLines` saved ids (or its exit), SIGKILLs it, and
    /// returns every id it printed on a whole line.
    private func runWriterAndKill(_ kabar: String, data: String, afterLines: Int) throws -> [BulletinID] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: kabar)
        process.arguments = ["debug", "crash-writer", "--data", data]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        var received = Data()
        let reader = output.fileHandleForReading
        while received.filter({ $0 == UInt8(ascii: "\n") }).count < afterLines {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            received.append(chunk)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        received.append(reader.readDataToEndOfFile())
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .uncaughtSignal || process.terminationStatus == 0, "writer failed: \(errorText)")
        // A line cut by the kill was never fully printed: only whole lines count.
        let text = String(decoding: received, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return lines.compactMap { BulletinID(hex: $0) }
    }

    /// `kabar` beside the test bundle, in the same build folder.
    static func kabarExecutable() -> String? {
        guard let test = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        var folder = (test as NSString).deletingLastPathComponent
        // The bundle may be a folder (KabarPackageTests.xctest/...) or a single executable.
        for _ in 0..<4 {
            let candidate = (folder as NSString).appendingPathComponent("kabar")
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return nil
    }
}
