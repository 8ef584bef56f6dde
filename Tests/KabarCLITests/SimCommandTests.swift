import Foundation
@testable import KabarCLI
import Kabar
import Testing

/// `kabar sim`: its JSON keys, its summary, its charts and its refusals.
@Suite struct SimCommandTests {
    /// The JSON object carries every key the issue names, and a reproduction command.
    @Test func jsonHasTheCheckedKeys() throws {
        let run = KabarRun(["sim", "hall", "--nodes", "6", "--seed", "3", "--json"])
        #expect(run.code == 0, "\(run.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        for key in ["scenario", "seed", "nodes", "delivery_ratio", "coverage_p50_s", "coverage_p90_s", "coverage_p100_s",
                    "limit_p100_s", "stretch_p99", "redundancy", "idle_bytes_per_node_per_s", "wall_s"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["scenario"] as? String == "hall")
        #expect(object["seed"] as? Int == 3)
        #expect(object["delivery_ratio"] as? Double == 1)
        #expect(object["reproduce"] as? String == "kabar sim hall --seed 3 --nodes 6")
    }

    /// The summary has a line per class and ends with the command that reproduces the run, in
    /// either language; `--csv` and `--svg` write their files.
    @Test func summaryEndsWithTheReproductionAndWritesFiles() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let run = KabarRun(["sim", "hall", "--nodes", "6", "--csv", folder.file("b.csv"), "--svg", folder.file("c.svg")])
        #expect(run.code == 0, "\(run.error)")
        #expect(run.lines.contains { $0.hasPrefix("official ") } && run.lines.contains { $0.hasPrefix("market ") })
        #expect(run.lines.last == "reproduce: kabar sim hall --seed 1 --nodes 6")
        let csv = try String(contentsOfFile: folder.file("b.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("class,origin,posted_s") && csv.split(separator: "\n").count == 25)
        let svg = try String(contentsOfFile: folder.file("c.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("<polyline") && svg.hasSuffix("</svg>\n"))
        let indonesian = KabarRun(["sim", "hall", "--nodes", "6"], language: .indonesian)
        #expect(indonesian.lines.last == "ulangi: kabar sim hall --seed 1 --nodes 6")
    }

    /// A scenario with a spam flood adds the flood's keys (issue 17), with the same honest
    /// traffic run without it; `--no-flood` runs that traffic alone.
    @Test func spamAddsTheFloodsKeys() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let text = """
            # tiny-spam: a hall of three and a short flood.
            nodes 3
            topology lan
            lan access=fair
            store quota=400KB
            vouch halls
            posts market count=4 from=any start=12s spacing=3s
            spam keys=300 for=15s body=1500..3000
            idle 5s
            deadline 2m
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder.file("tiny-spam.scenario")))
        let run = KabarRun(["sim", folder.file("tiny-spam.scenario"), "--json"])
        #expect(run.code == 0, "\(run.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        for key in ["honest_delivery_ratio", "honest_stretch_p99", "honest_stretch_p99_without_flood", "honest_stretch_ratio",
                    "stranger_bytes_stored_per_node", "stranger_bytes_stored_per_node_peak", "stranger_budget_bytes",
                    "honest_evicted", "spam_posts", "spam_keys_used"] {
            #expect(object[key] != nil && !(object[key] is NSNull), "missing \(key)")
        }
        #expect(object["honest_evicted"] as? Int == 0)
        #expect((object["spam_posts"] as? Int ?? 0) > 0)
        let quiet = KabarRun(["sim", folder.file("tiny-spam.scenario"), "--json", "--no-flood"])
        let alone = try #require(try JSONSerialization.jsonObject(with: Data(quiet.output.utf8)) as? [String: Any])
        #expect(alone["spam_posts"] == nil && alone["attackers"] as? Int == 0)
        #expect((alone["reproduce"] as? String)?.hasSuffix("--no-flood") == true)
    }

    /// An unknown scenario or a bad option is a usage error that lists what is valid.
    @Test func badScenarioOrOptionIsAUsageError() {
        let unknown = KabarRun(["sim", "halls"])
        #expect(unknown.code == 2)
        #expect(unknown.error.contains("no scenario named halls") && unknown.error.contains("district") && unknown.error.contains("scale"))
        let seed = KabarRun(["sim", "hall", "--seed", "x"])
        #expect(seed.code == 2 && seed.error.contains("--seed"))
        let duration = KabarRun(["sim", "hall", "--duration", "soon"])
        #expect(duration.code == 2 && duration.error.contains("--duration"))
    }
}
