import Foundation

/// Reads the test vectors copied beside these tests (Tests/KabarCryptoTests/Vectors), found from
/// this file's own path so the tests need no bundle or resources.
enum VectorFiles {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(name))
    }

    /// The `key = value` records of a NIST CAVP .rsp file (CRLF or LF), one dictionary per blank-
    /// line-separated group that has any `key = value` line, section headers and comments skipped.
    static func rspRecords(_ name: String) throws -> [[String: String]] {
        let text = String(decoding: try data(name), as: UTF8.self)
        var records: [[String: String]] = []
        var current: [String: String] = [:]
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty {
                if !current.isEmpty { records.append(current) }
                current = [:]
                continue
            }
            if line.hasPrefix("#") || line.hasPrefix("[") { continue }
            guard let equals = line.range(of: " = ") else { continue }
            current[String(line[..<equals.lowerBound])] = String(line[equals.upperBound...])
        }
        if !current.isEmpty { records.append(current) }
        return records
    }
}

/// Bytes from hex in test data; a malformed vector file fails the test loudly.
func bytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var iterator = hex.utf8.makeIterator()
    while let high = iterator.next(), let low = iterator.next() {
        out.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)!)
    }
    return out
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

/// A small deterministic generator (SplitMix64) so random-looking tests repeat exactly.
struct SeededBytes {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9e3779b97f4a7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
